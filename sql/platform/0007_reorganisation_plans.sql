-- The plan each reorganisation applied, as `reorganise plan` wrote it, so
-- that the province operator's console can show it and the state of each
-- of its communes; and the 2025 provinces it concerns.
ALTER TABLE platform.reorganisations
    ADD COLUMN plan      jsonb,
    ADD COLUMN provinces integer[] NOT NULL DEFAULT '{}';
