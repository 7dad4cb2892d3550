-- Every host keeps each province's newest announcements in its directory
-- (home pages show them without a query): publishing or withdrawing one
-- reloads the directory like any catalogue change.
CREATE TRIGGER announcements_notify AFTER INSERT OR UPDATE OR DELETE ON platform.announcements
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
