import Foundation
import PostgresNIO
import TenantCore

extension TestPlatform {
    /// A digest of the whole catalogue and of which commune schemas exist:
    /// equal before and after means nothing was changed.
    public func fingerprint() async throws -> String {
        let rows = try await self.strings(
            """
            SELECT concat_ws('|',
                (SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY id), '')) FROM platform.units u),
                (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY unit_id), '')) FROM platform.tenants t),
                (SELECT md5(coalesce(string_agg(d::text, ',' ORDER BY host), '')) FROM platform.domains d),
                (SELECT count(*) FROM platform.schema_migrations),
                (SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname ~ '^c_[0-9]+$'))
            """)
        return rows.first ?? ""
    }

    /// Problems that would make a commune half-made: a schema without a
    /// catalogue row or the reverse, missing sections, footer or domains.
    public func halfMadeCommunes() async throws -> [String] {
        var problems: [String] = []
        problems += try await self.strings(
            """
            SELECT 'schema without tenant: ' || nspname FROM pg_namespace
             WHERE nspname ~ '^c_[0-9]+$' AND nspname NOT IN (SELECT schema_name FROM platform.tenants)
            UNION ALL
            SELECT 'tenant without schema: ' || schema_name FROM platform.tenants
             WHERE schema_name NOT IN (SELECT nspname FROM pg_namespace)
            UNION ALL
            SELECT 'tenant without exactly one primary domain: ' || t.schema_name FROM platform.tenants t
             WHERE (SELECT count(*) FROM platform.domains d WHERE d.tenant_id = t.unit_id AND d.role = 'primary') <> 1
            UNION ALL
            SELECT 'schema versions not recorded: ' || t.schema_name FROM platform.tenants t
             WHERE (SELECT count(*) FROM platform.schema_migrations m WHERE m.schema_name = t.schema_name) <> t.schema_version
            """)
        for schema in try await self.strings("SELECT schema_name FROM platform.tenants ORDER BY 1") {
            let sections = try await self.scalar("SELECT count(*) FROM \(schema).sections WHERE mandatory")
            let site = try await self.scalar("SELECT count(*) FROM \(schema).site")
            if sections != 16 || site != 1 { problems.append("\(schema): \(sections) sections, \(site) site rows") }
        }
        return problems
    }

    /// Every row of every table of a commune schema, as JSON text per table.
    public func dump(schema: String) async throws -> [String: String] {
        var result: [String: String] = [:]
        for table in try await self.strings("SELECT tablename FROM pg_tables WHERE schemaname = '\(schema)' ORDER BY 1") {
            result[table] = try await self.strings(
                "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM \(schema).\(table) t").first
        }
        return result
    }
}
