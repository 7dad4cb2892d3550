-- why: the Law on Access to Information (104/2016/QH13) and Decree
-- 13/2018/NĐ-CP: a citizen may ask the commune for information it holds,
-- through the site, and is answered within the legal deadline. A request
-- is tracked like a question (code, status, answer, alerts, e-mail), with
-- the fields the request form (Decree 13/2018, form 01a) asks for. The
-- personal ones are erased with the question's contact data.
ALTER TABLE questions
    ADD COLUMN kind      text NOT NULL DEFAULT 'question' CHECK (kind IN ('question', 'information')),
    ADD COLUMN residence text NOT NULL DEFAULT '',
    ADD COLUMN id_number text NOT NULL DEFAULT '',
    ADD COLUMN purpose   text NOT NULL DEFAULT '',
    ADD COLUMN delivery  text NOT NULL DEFAULT '';
