import Foundation
import Logging
import PostgresNIO

/// The clusters of the platform and the communes on each: the registry
/// (`platform.shards`), where a new commune goes, and moving a commune from
/// one cluster to another while its site stays up (``ShardMove``).
public struct Shards: Sendable {
    public let database: TenantDatabase
    public let migrations: MigrationSet
    let logger: Logger

    public init(database: TenantDatabase, migrations: MigrationSet, logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Every cluster with its communes, and the bytes of their schemas on
    /// each cluster this process can reach.
    public func list(measure: Bool = true) async throws(TenantCoreError) -> [ShardRecord] {
        var records: [ShardRecord] = try await self.database.withConnection { connection in
            var records: [ShardRecord] = []
            for try await (name, url, secret, state, communes) in try await connection.query(
                """
                SELECT s.name, s.url, s.secret, s.state, count(t.unit_id)::int
                  FROM platform.shards s LEFT JOIN platform.tenants t ON t.shard = s.name
                 GROUP BY s.name ORDER BY s.name = 'main' DESC, s.name
                """, logger: self.logger
            ).decode((String, String, String, String, Int).self) {
                records.append(
                    ShardRecord(
                        name: try ShardName(name), url: url, secret: secret, state: ShardState(rawValue: state) ?? .readOnly,
                        communes: communes))
            }
            return records
        }
        guard measure else { return records }
        for index in records.indices {
            let name = records[index].name
            guard let pool = try? self.database.cluster(named: name) else { continue }
            records[index].bytes = try? await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname ~ '^c_[0-9]{5,8}$' AND c.relkind IN ('r', 'm')
                    """, logger: self.logger
                ).collect().first?.decode(Int64.self)
            }
        }
        return records
    }

    /// Registers a cluster (or updates its address) after preparing it: the
    /// platform's functions, and the catalogue reached through postgres_fdw
    /// at `mainAddress` (how that cluster's server reaches the main one;
    /// by default this process's own `DATABASE_URL`).
    public func add(
        name rawName: String, url rawURL: String, secret rawSecret: String, state: ShardState = .open,
        mainAddress: DatabaseConfig? = nil
    ) async throws(TenantCoreError) -> ShardRecord {
        let (name, url, secret) = try ShardRecord.validated(name: rawName, url: rawURL, secret: rawSecret)
        guard mainAddress?.password == nil else {
            throw .invalid(
                "--main-url must not carry the main cluster's password: it would be stored in that cluster's catalogue, which pg_dump prints; give the password to that server in its own ~postgres/.pgpass (or use client certificates)")
        }
        let record = ShardRecord(name: name, url: url, secret: secret, state: state)
        let config = try record.databaseConfig(main: self.database.config)
        let target = TenantDatabase(config: config, poolSize: 1, recycleAfter: 0, logger: self.logger)
        let shard = try await target.connect()
        defer { Task { try? await shard.close() } }
        let mainCluster = try await self.database.withConnection { connection in
            try await connection.query("SELECT system_identifier::text || ':' || current_database() FROM pg_control_system()", logger: self.logger)
                .collect().first?.decode(String.self) ?? ""
        }
        do {
            let other = try await shard.query(
                "SELECT system_identifier::text || ':' || current_database() FROM pg_control_system()", logger: self.logger
            ).collect().first?.decode(String.self)
            guard other != mainCluster else {
                throw TenantCoreError.invalid("\(config.redacted) is the main cluster's own database; give another cluster or database")
            }
            // A database with a catalogue of its own (tables in `platform`) is a platform, not a cluster to add.
            let tables = try await shard.query(
                """
                SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'platform' AND c.relkind IN ('r', 'p')
                """, logger: self.logger
            ).collect().first?.decode(Int.self) ?? 0
            guard tables == 0 else {
                throw TenantCoreError.invalid(
                    "\(config.redacted) holds a platform catalogue of its own (\(tables) tables in schema platform); give an empty database")
            }
            try await self.database.withConnection { main in
                try await ShardSetup(logger: self.logger).prepare(shard, main: main, mainAddress: mainAddress ?? self.database.config)
            }
        } catch {
            throw TenantDatabase.map(error)
        }
        try await self.database.withConnection { connection in
            try await connection.query(
                """
                INSERT INTO platform.shards (name, url, secret, state) VALUES (\(name.rawValue), \(url), \(secret), \(state.rawValue))
                ON CONFLICT (name) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = now()
                """, logger: self.logger)
        }
        try await self.database.refreshPlacement()
        self.logger.notice("cluster added", metadata: ["shard": "\(name)", "db": "\(config.redacted)"])
        return record
    }

    /// Prepares every other cluster again (after a catalogue migration).
    public func prepareAll(mainAddress: DatabaseConfig? = nil) async throws(TenantCoreError) -> [ShardName] {
        try await self.database.refreshPlacement()
        var done: [ShardName] = []
        for (name, pool) in self.database.clusterPools where name != .main {
            let shard = try await pool.connect()
            defer { Task { try? await shard.close() } }
            do {
                try await self.database.withConnection { main in
                    try await ShardSetup(logger: self.logger).prepare(shard, main: main, mainAddress: mainAddress ?? self.database.config)
                }
            } catch {
                throw TenantDatabase.map(error)
            }
            done.append(name)
        }
        return done
    }

    public func setState(_ name: ShardName, to state: ShardState) async throws(TenantCoreError) {
        let changed = try await self.database.withConnection { connection in
            try await connection.query(
                "UPDATE platform.shards SET state = \(state.rawValue), updated_at = now() WHERE name = \(name.rawValue) RETURNING name",
                logger: self.logger
            ).collect().count
        }
        guard changed == 1 else { throw TenantCoreError.notFound("cluster \(name) is not in platform.shards") }
    }

    /// The other cluster (open, reachable) that has a schema of this name, if any.
    func clusterHolding(_ schema: SchemaName, on connection: UnitOfWork) async throws -> ShardName? {
        let open = try await connection.query("SELECT name FROM platform.shards WHERE state = 'open'", logger: self.logger)
            .collect().map { try ShardName(try $0.decode(String.self)) }
        for (name, pool) in self.database.clusterPools where name != .main && open.contains(name) {
            let found = try await pool.withConnection { connection in
                try await connection.query(
                    "SELECT count(*)::int FROM pg_namespace WHERE nspname = \(schema.rawValue)", logger: self.logger
                ).collect().first?.decode(Int.self) ?? 0
            }
            if found > 0 { return name }
        }
        return nil
    }

    /// Throws unless cluster `name` is registered and open (takes communes).
    func requireOpen(_ name: ShardName, on connection: UnitOfWork) async throws {
        let state = try await connection.query(
            "SELECT state FROM platform.shards WHERE name = \(name.rawValue)", logger: self.logger
        ).collect().first?.decode(String.self)
        guard let state else { throw TenantCoreError.notFound("cluster \(name) is not in platform.shards", field: .shard) }
        guard state == ShardState.open.rawValue else {
            throw TenantCoreError.conflict("cluster \(name) is \(state) and takes no communes", field: .shard)
        }
    }

    /// Where a new commune goes: `requested` if it is open, else the open
    /// cluster with the fewest communes.
    func placement(requested: ShardName?, on connection: UnitOfWork) async throws -> ShardName {
        if let requested {
            try await self.requireOpen(requested, on: connection)
            return requested
        }
        // One open cluster (the usual case) takes every commune: the
        // communes are counted only when there is a choice, as counting
        // reads every tenant's row once per commune provisioned.
        let open = try await connection.query(
            "SELECT name FROM platform.shards WHERE state = 'open' LIMIT 2", logger: self.logger
        ).collect().map { try $0.decode(String.self) }
        if open.count < 2 {
            return try open.first.map { name throws(TenantCoreError) in try ShardName(name) } ?? .main
        }
        let name = try await connection.query(
            """
            SELECT s.name FROM platform.shards s LEFT JOIN platform.tenants t ON t.shard = s.name
             WHERE s.state = 'open' GROUP BY s.name ORDER BY count(t.unit_id), s.name = 'main' DESC, s.name LIMIT 1
            """, logger: self.logger
        ).collect().first?.decode(String.self)
        return try name.map { name throws(TenantCoreError) in try ShardName(name) } ?? .main
    }

    /// One move after another from the cluster with the most communes (a
    /// draining one first) to the open one with the fewest, until they
    /// differ by at most one or `maxMoves` were made. The old copies are
    /// dropped together once the last grace period has passed.
    public func rebalance(
        maxMoves: Int, grace: Duration, progress: @Sendable (String) -> Void = { _ in }
    ) async throws(TenantCoreError) -> [ShardMove.Report] {
        let mover = ShardMove(shards: self)
        var reports: [ShardMove.Report] = []
        while reports.count < maxMoves {
            let records = try await self.list(measure: false).filter { (try? self.database.cluster(named: $0.name)) != nil }
            let open = records.filter { $0.state == .open }
            guard let least = open.min(by: { ($0.communes, $0.name.rawValue) < ($1.communes, $1.name.rawValue) }) else { break }
            let draining = records.filter { $0.state == .draining && $0.communes > 0 }.max { $0.communes < $1.communes }
            let fullest = open.max { ($0.communes, $1.name.rawValue) < ($1.communes, $0.name.rawValue) }
            guard let from = draining ?? fullest, from.name != least.name,
                from.state == .draining || from.communes - least.communes > 1
            else { break }
            let code = try await self.database.withConnection { connection in
                try await connection.query(
                    """
                    SELECT u.code FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
                     WHERE t.shard = \(from.name.rawValue) AND u.valid_until IS NULL
                       AND NOT EXISTS (SELECT 1 FROM platform.shard_moves m WHERE m.tenant_id = t.unit_id AND m.step IN ('copying', 'frozen'))
                     ORDER BY u.code LIMIT 1
                    """, logger: self.logger
                ).collect().first?.decode(Int.self)
            }
            guard let code else { break }
            progress("moving commune \(code) from \(from.name) (\(from.communes) communes) to \(least.name) (\(least.communes))")
            reports.append(try await mover.move(code: code, to: least.name, grace: grace, waitForGrace: false, progress: progress))
        }
        let finished = try await mover.finishSwitched(grace: grace, progress: progress)
        if finished > 0 { progress("dropped \(finished) old copies") }
        return reports.map { report in
            var report = report
            if report.step == .switched { report.step = .done }
            return report
        }
    }
}
