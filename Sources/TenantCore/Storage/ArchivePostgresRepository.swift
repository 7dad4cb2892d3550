import Foundation
import Logging
import PostgresNIO

/// A commune's export, restore and deletion as rows: the whole schema as
/// JSON (`platform.export_schema` / `import_schema`), the record of exports,
/// and the catalogue rows that go with a site. On the caller's connection.
struct ArchiveRepository: Sendable {
    let logger: Logger

    /// Makes the caller's transaction one consistent, read-only snapshot.
    func snapshot(on connection: UnitOfWork) async throws {
        try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
    }

    /// Every table of the schema as JSON, and its row count per table.
    func exportTables(_ schema: SchemaName, on connection: UnitOfWork) async throws -> (json: String, rowCounts: [String: Int]) {
        let tables = try await connection.query(
            "SELECT platform.export_schema(\(schema.rawValue))::text", logger: self.logger
        ).collect().first?.decode(String.self) ?? "{}"
        let counts = try await connection.query(
            "SELECT key, jsonb_array_length(value) FROM jsonb_each(\(tables)::jsonb)", logger: self.logger)
        var rowCounts: [String: Int] = [:]
        for try await (table, count) in counts.decode((String, Int).self) { rowCounts[table] = count }
        return (tables, rowCounts)
    }

    /// Loads the `tables` of an export document into the schema; returns the rows loaded.
    func importTables(_ schema: SchemaName, document: String, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            "SELECT platform.import_schema(\(schema.rawValue), (\(document)::jsonb) -> 'tables')", logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// The date and time columns of `schema` holding a value outside
    /// 1900–2200 (or ±infinity): a file's dates must be ones the platform
    /// can render and store back. Identifiers come from PostgreSQL's own
    /// catalogue, quoted.
    func datesOutOfRange(_ schema: SchemaName, on connection: UnitOfWork) async throws -> [String] {
        var columns: [(String, String)] = []
        for try await (table, column) in try await connection.query(
            """
            SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = \(schema.rawValue) AND data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date')
             ORDER BY table_name, column_name
            """, logger: self.logger
        ).decode((String, String).self) {
            columns.append((table, column))
        }
        var wrong: [String] = []
        for (table, column) in columns {
            let quotedColumn = ShardSetup.identifier(column)
            let count = try await connection.query(
                """
                SELECT count(*)::int FROM \(unescaped: schema.quoted).\(unescaped: ShardSetup.identifier(table))
                 WHERE NOT (\(unescaped: quotedColumn) >= '1900-01-01' AND \(unescaped: quotedColumn) < '2201-01-01')
                """, logger: self.logger
            ).collect().first?.decode(Int.self) ?? 0
            if count > 0 { wrong.append("\(table).\(column) (\(count) rows)") }
        }
        return wrong
    }

    func recordExport(code: Int, schema: String, file: String, contentVersion: Int64, bytes: Int, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.exports (commune_code, schema_name, file, content_version, bytes)
            VALUES (\(code), \(schema), \(file), \(contentVersion), \(bytes))
            """, logger: self.logger)
    }

    /// Files exported of this commune's schema, newest first, with the content version each holds.
    func exports(code: Int, schema: SchemaName, on connection: UnitOfWork) async throws -> [(file: String, contentVersion: Int64)] {
        let rows = try await connection.query(
            """
            SELECT file, content_version FROM platform.exports
             WHERE commune_code = \(code) AND schema_name = \(schema.rawValue) ORDER BY exported_at DESC
            """, logger: self.logger)
        var result: [(file: String, contentVersion: Int64)] = []
        for try await (file, version) in rows.decode((String, Int64).self) { result.append((file, version)) }
        return result
    }

    func schemaExists(_ schema: SchemaName, on connection: UnitOfWork) async throws -> Bool {
        try await connection.query(
            "SELECT to_regnamespace(\(schema.rawValue)) IS NOT NULL", logger: self.logger
        ).collect().first?.decode(Bool.self) ?? false
    }

    /// The catalogue row of a restored site and its empty schema.
    func insertTenant(
        unitID: Int64, schema: SchemaName, status: TenantStatus, note: String, schemaVersion: Int, contentVersion: Int64,
        on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            INSERT INTO platform.tenants (unit_id, schema_name, status, status_note, schema_version, content_version)
            VALUES (\(unitID), \(schema.rawValue), \(status.rawValue), \(note), \(schemaVersion), \(contentVersion))
            """, logger: self.logger)
        try await connection.query("CREATE SCHEMA \(unescaped: schema.quoted)", logger: self.logger)
    }

    /// A site's catalogue rows (domains, tenant, unit), migrations and schema.
    func deleteSite(unitID: Int64, schema: SchemaName, on connection: UnitOfWork) async throws {
        try await connection.query("DELETE FROM platform.domains WHERE tenant_id = \(unitID)", logger: self.logger)
        try await connection.query("DELETE FROM platform.tenants WHERE unit_id = \(unitID)", logger: self.logger)
        try await connection.query("DELETE FROM platform.units WHERE id = \(unitID)", logger: self.logger)
        try await connection.query(
            "DELETE FROM platform.schema_migrations WHERE schema_name = \(schema.rawValue)", logger: self.logger)
        try await connection.query("DROP SCHEMA \(unescaped: schema.quoted) CASCADE", logger: self.logger)
    }
}
