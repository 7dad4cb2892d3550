-- The province and district portals gather this commune's news and
-- documents through platform.gathered, kept in the publishing transaction.
CREATE TRIGGER entries_gathered AFTER INSERT OR UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION platform.gather_entry();

-- What was published before the portals existed.
UPDATE entries SET status = status WHERE status = 'published' AND section_id IN (4, 6);
