import Foundation
import PostgresNIO
import TenantCore

extension TestPlatform {
    /// Runs `body` with another cluster registered as `name`: an empty
    /// database of the test server (a cluster of its own to the platform:
    /// its own schemas, reached by its own pool, fed by logical
    /// replication), prepared as `provisioner shards add` does. Afterwards
    /// drops its subscriptions, the replication slots they used, and the
    /// database.
    public func withShard<Result: Sendable>(
        _ name: String = "b", _ body: (ShardName, DatabaseConfig) async throws -> Result
    ) async throws -> Result {
        let admin = try TestEnvironment.adminConfig()
        let database = "\(self.name)_\(name)"
        try await Admin.execute("CREATE DATABASE \"\(database)\"", on: admin)
        let config = admin.with(database: database)
        let shards = Shards(database: self.database, migrations: self.migrations, logger: self.logger)
        do {
            let record = try await shards.add(
                name: name, url: "postgres://\(config.username)@\(config.host):\(config.port)/\(database)", secret: "")
            let result = try await body(record.name, config)
            try await self.dropReplication(shard: config)
            try? await Admin.execute("DROP DATABASE IF EXISTS \"\(database)\" WITH (FORCE)", on: admin)
            return result
        } catch {
            try? await self.dropReplication(shard: config)
            try? await Admin.execute("DROP DATABASE IF EXISTS \"\(database)\" WITH (FORCE)", on: admin)
            throw error
        }
    }

    private func dropReplication(shard: DatabaseConfig) async throws {
        for name in try await Admin.strings("SELECT subname::text FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", on: shard) {
            try await Admin.execute("ALTER SUBSCRIPTION \"\(name)\" DISABLE", on: shard)
            try await Admin.execute("ALTER SUBSCRIPTION \"\(name)\" SET (slot_name = NONE)", on: shard)
            try await Admin.execute("DROP SUBSCRIPTION \"\(name)\"", on: shard)
        }
        try await Task.sleep(for: .milliseconds(200))
        try await Admin.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database IN ('\(self.name)', '\(shard.database)') AND NOT active",
            on: shard)
    }

    /// One integer from a query on another cluster's database.
    public func scalar(_ sql: String, on config: DatabaseConfig) async throws -> Int {
        try await Admin.scalar(sql, on: config)
    }
}
