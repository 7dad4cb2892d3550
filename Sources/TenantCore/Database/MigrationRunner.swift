import Logging
import PostgresNIO

/// Applies numbered migrations and records each applied version in
/// `platform.schema_migrations`, per schema. Running it twice changes nothing.
public struct MigrationRunner: Sendable {
    public let migrations: MigrationSet
    let logger: Logger

    /// Arbitrary advisory-lock key that serialises catalogue upgrades.
    static let platformLockKey: Int64 = 0x7e0a_1c00_0001

    public init(migrations: MigrationSet, logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Creates or upgrades the shared catalogue, all pending files in one
    /// transaction. Returns the versions applied (empty when up to date).
    @discardableResult
    public func migratePlatform(_ database: TenantDatabase) async throws(TenantCoreError) -> [Int] {
        try await database.withTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.platformLockKey))", logger: self.logger)
            let applied = try await self.appliedVersions(schema: "platform", on: connection)
            try self.checkApplied(applied, against: self.migrations.platform, schema: "platform")
            var done: [Int] = []
            for migration in self.migrations.platform where applied[migration.version] == nil {
                do {
                    // The catalogue may not exist yet: a session-local copy of
                    // platform.run_script runs the file in one round trip.
                    try await connection.query(
                        "CREATE OR REPLACE FUNCTION pg_temp.run_script(script text) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN EXECUTE script; END $f$",
                        logger: self.logger)
                    try await connection.query("SELECT pg_temp.run_script(\(migration.sql))", logger: self.logger)
                } catch {
                    throw TenantCoreError(
                        .migration, "sql/platform/\(migration.fileName) failed: \(TenantDatabase.map(error).message)",
                        underlying: error)
                }
                try await self.record(migration, schema: "platform", on: connection)
                self.logger.info("applied platform migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }

    /// The newest applied catalogue version (0 when the catalogue does not exist).
    public func platformVersion(_ database: TenantDatabase) async throws(TenantCoreError) -> Int {
        try await database.withConnection { connection in
            try await self.appliedVersions(schema: "platform", on: connection).keys.max() ?? 0
        }
    }

    /// Brings one commune schema to the newest tenant version inside the
    /// caller's transaction on `connection`, and updates
    /// `platform.tenants.schema_version`. Returns the versions applied.
    public func migrateTenant(_ schema: SchemaName, on connection: UnitOfWork) async throws -> [Int] {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema.rawValue)))", logger: self.logger)
        let applied = try await self.appliedVersions(schema: schema.rawValue, on: connection)
        try self.checkApplied(applied, against: self.migrations.tenant, schema: schema.rawValue)
        let pending = self.migrations.tenant.filter { applied[$0.version] == nil }
        guard !pending.isEmpty else { return [] }
        try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: self.logger)
        for migration in pending {
            do {
                try await Self.runScript(migration.sql, on: connection, logger: self.logger)
            } catch {
                throw TenantCoreError(
                    .migration, "\(schema): sql/tenant/\(migration.fileName) failed: \(TenantDatabase.map(error).message)",
                    underlying: error)
            }
            try await self.record(migration, schema: schema.rawValue, on: connection)
        }
        let version = pending.last!.version
        try await connection.query(
            "UPDATE platform.tenants SET schema_version = \(version), updated_at = now() WHERE schema_name = \(schema.rawValue)",
            logger: self.logger)
        return pending.map(\.version)
    }

    /// Creates `schema` and its tables at the newest tenant version with one
    /// consolidated script (one round trip), inside the caller's transaction.
    /// With `record: false` (the copy a move makes on another cluster) the
    /// versions already recorded for the schema stay as they are.
    public func createTenantSchema(_ schema: SchemaName, record: Bool = true, on connection: UnitOfWork) async throws {
        try await connection.query("CREATE SCHEMA \(unescaped: schema.quoted)", logger: self.logger)
        try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: self.logger)
        try await Self.runScript(self.migrations.tenantScript(), on: connection, logger: self.logger)
        guard record else { return }
        let versions = self.migrations.tenant.map { Int32($0.version) }
        let names = self.migrations.tenant.map(\.name)
        let sums = self.migrations.tenant.map(\.checksum)
        try await connection.query(
            """
            INSERT INTO platform.schema_migrations (schema_name, version, name, checksum)
            SELECT \(schema.rawValue), v, n, c FROM unnest(\(versions)::int[], \(names)::text[], \(sums)::text[]) AS m(v, n, c)
            """, logger: self.logger)
    }

    /// Drops `schema` and forgets its recorded versions: what a run stopped
    /// before the catalogue named a schema on another cluster left there.
    public func dropTenantSchema(_ schema: SchemaName, on connection: UnitOfWork) async throws {
        try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema.quoted) CASCADE", logger: self.logger)
        try await connection.query("DELETE FROM platform.schema_migrations WHERE schema_name = \(schema.rawValue)", logger: self.logger)
    }

    /// Runs a multi-statement SQL script in one round trip (PostgresNIO
    /// speaks only the extended protocol, one statement per message).
    static func runScript(_ script: String, on connection: UnitOfWork, logger: Logger) async throws {
        try await connection.query("SELECT platform.run_script(\(script))", logger: logger)
    }

    func appliedVersions(schema: String, on connection: UnitOfWork) async throws -> [Int: String] {
        let exists = try await connection.query(
            "SELECT to_regclass('platform.schema_migrations') IS NOT NULL", logger: self.logger
        ).collect().first?.decode(Bool.self) ?? false
        guard exists else { return [:] }
        var applied: [Int: String] = [:]
        let rows = try await connection.query(
            "SELECT version, checksum FROM platform.schema_migrations WHERE schema_name = \(schema)", logger: self.logger)
        for try await (version, checksum) in rows.decode((Int32, String).self) {
            applied[Int(version)] = checksum
        }
        return applied
    }

    func checkApplied(_ applied: [Int: String], against files: [Migration], schema: String) throws(TenantCoreError) {
        let known = Set(files.map(\.version))
        if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
            throw TenantCoreError(
                .migration, "\(schema) is at version \(unknown), newer than the files in sql/ (\(files.last?.version ?? 0)); upgrade this program")
        }
        for file in files {
            if let sum = applied[file.version], sum != file.checksum {
                self.logger.warning(
                    "applied migration file has changed since it was applied; files must not be edited, add a new one",
                    metadata: ["schema": "\(schema)", "version": "\(file.version)", "name": "\(file.name)"])
            }
        }
    }

    func record(_ migration: Migration, schema: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.schema_migrations (schema_name, version, name, checksum)
            VALUES (\(schema), \(Int32(migration.version)), \(migration.name), \(migration.checksum))
            """, logger: self.logger)
    }
}
