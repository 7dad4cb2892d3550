import Logging
import PostgresNIO
import Synchronization

/// The other PostgreSQL clusters a ``TenantDatabase`` reaches, and which
/// communes live on them. The catalogue says both (`platform.shards`,
/// `platform.tenants.shard`); ``TenantDatabase/refreshPlacement()`` reads
/// them again, and a host calls it whenever the catalogue changes (NOTIFY).
/// A commune not named here lives on the main cluster.
final class Clusters: Sendable {
    struct State {
        var pools: [ShardName: TenantDatabase] = [:]
        var configs: [ShardName: DatabaseConfig] = [:]
        var placed: [SchemaName: ShardName] = [:]
        /// Set while the main pool runs: starts the pools of other clusters.
        var starter: AsyncStream<TenantDatabase>.Continuation?
        var unstarted: [TenantDatabase] = []
    }

    let state = Mutex(State())
    let make: @Sendable (DatabaseConfig) -> TenantDatabase

    init(make: @escaping @Sendable (DatabaseConfig) -> TenantDatabase) {
        self.make = make
    }

    func pool(for schema: SchemaName) -> TenantDatabase? {
        self.route(schema).pool
    }

    /// The cluster of `schema`'s commune and its pool (nil for main), in one look.
    func route(_ schema: SchemaName) -> (shard: ShardName, pool: TenantDatabase?) {
        self.state.withLock { state in
            guard let shard = state.placed[schema] else { return (.main, nil) }
            return (shard, state.pools[shard])
        }
    }

    func pool(named name: ShardName) -> TenantDatabase? {
        self.state.withLock { $0.pools[name] }
    }

    func shard(of schema: SchemaName) -> ShardName {
        self.state.withLock { $0.placed[schema] } ?? .main
    }

    /// Takes the registry and placement read from the catalogue: opens a
    /// pool for each new cluster (or one whose address changed), and keeps
    /// the pools of clusters that are gone (a request may still use them).
    func update(configs: [ShardName: DatabaseConfig], placed: [SchemaName: ShardName]) {
        var opened: [TenantDatabase] = []
        self.state.withLock { state in
            for (name, config) in configs where name != .main && state.configs[name] != config {
                let pool = self.make(config)
                state.pools[name] = pool
                state.configs[name] = config
                opened.append(pool)
            }
            state.placed = placed
            if let starter = state.starter {
                for pool in opened { starter.yield(pool) }
            } else {
                state.unstarted += opened
            }
        }
    }

    func place(_ schema: SchemaName, on shard: ShardName) {
        self.state.withLock { state in
            if shard == .main { state.placed[schema] = nil } else { state.placed[schema] = shard }
        }
    }

    /// Runs the pools of the other clusters until cancelled.
    func run() async {
        let (pools, starter) = AsyncStream.makeStream(of: TenantDatabase.self)
        let unstarted = self.state.withLock { state in
            state.starter = starter
            defer { state.unstarted = [] }
            return state.unstarted
        }
        for pool in unstarted { starter.yield(pool) }
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await pool in pools {
                    group.addTask { try? await pool.run() }
                }
                group.cancelAll()
            }
        } onCancel: {
            starter.finish()
        }
        self.state.withLock { $0.starter = nil }
    }

    var allPools: [(ShardName, TenantDatabase)] {
        self.state.withLock { state in state.pools.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}

extension TenantDatabase {
    /// The pool that serves `schema`'s commune: this one (the main cluster)
    /// unless the catalogue places the commune on another cluster.
    public func cluster(for schema: SchemaName?) -> TenantDatabase {
        guard let schema, let pool = self.clusters.pool(for: schema) else { return self }
        return pool
    }

    /// The pool of the cluster `name` (this one for `main`).
    public func cluster(named name: ShardName) throws(TenantCoreError) -> TenantDatabase {
        if name == .main { return self }
        guard let pool = self.clusters.pool(named: name) else {
            throw TenantCoreError(.notFound, "cluster \(name) is not in platform.shards (or its password is missing here)")
        }
        return pool
    }

    /// The cluster the catalogue placed `schema`'s commune on, as last read.
    public func shard(of schema: SchemaName) -> ShardName { self.clusters.shard(of: schema) }

    /// Every cluster with a pool here, main first.
    public var clusterPools: [(ShardName, TenantDatabase)] { [(.main, self)] + self.clusters.allPools }

    /// Records at once, in this process, that `schema` now lives on `shard`
    /// (other processes learn it from the catalogue).
    public func place(_ schema: SchemaName, on shard: ShardName) { self.clusters.place(schema, on: shard) }

    /// Reads the registry of clusters and the placement of communes from the
    /// catalogue, and opens a pool for each cluster new to this process. A
    /// cluster whose password is missing here is logged and skipped: its
    /// communes answer 503, the others are served.
    @discardableResult
    public func refreshPlacement() async throws(TenantCoreError) -> [ShardRecord] {
        let read = try await self.withConnection { connection in try await self.readPlacement(on: connection) }
        return self.applyPlacement(read)
    }

    /// ``refreshPlacement()`` over a connection the caller holds.
    @discardableResult
    public func refreshPlacement(on connection: UnitOfWork) async throws -> [ShardRecord] {
        self.applyPlacement(try await self.readPlacement(on: connection))
    }

    private func readPlacement(on connection: UnitOfWork) async throws -> ([ShardRecord], [SchemaName: ShardName]) {
        guard try await connection.query("SELECT to_regclass('platform.shards') IS NOT NULL", logger: self.logger)
            .collect().first?.decode(Bool.self) == true
        else { return ([], [:]) }
        var records: [ShardRecord] = []
        for try await (name, url, secret, state) in try await connection.query(
            "SELECT name, url, secret, state FROM platform.shards ORDER BY name", logger: self.logger
        ).decode((String, String, String, String).self) {
            guard let name = try? ShardName(name), let state = ShardState(rawValue: state) else { continue }
            records.append(ShardRecord(name: name, url: url, secret: secret, state: state))
        }
        var placed: [SchemaName: ShardName] = [:]
        for try await (schema, shard) in try await connection.query(
            "SELECT schema_name, shard FROM platform.tenants WHERE shard <> 'main'", logger: self.logger
        ).decode((String, String).self) {
            guard let schema = try? SchemaName(validating: schema), let shard = try? ShardName(shard) else { continue }
            placed[schema] = shard
        }
        return (records, placed)
    }

    private func applyPlacement(_ read: ([ShardRecord], [SchemaName: ShardName])) -> [ShardRecord] {
        let (records, placed) = read
        var configs: [ShardName: DatabaseConfig] = [:]
        for record in records where record.name != .main {
            do {
                configs[record.name] = try record.databaseConfig(main: self.config)
            } catch {
                self.logger.error("cannot reach a cluster", metadata: ["shard": "\(record.name)", "error": "\(error.message)"])
            }
        }
        self.clusters.update(configs: configs, placed: placed)
        return records
    }

    /// The SQLSTATE PostgreSQL answered with, under a ``TenantCoreError`` or not.
    static func sqlState(of error: any Error) -> String? {
        let underlying = (error as? TenantCoreError)?.underlying ?? error
        guard let error = underlying as? PSQLError, error.code == .server else { return nil }
        return error.serverInfo?[.sqlState]
    }

    /// A relation or schema that does not exist (42P01, 3F000).
    static func isMissingRelation(_ error: any Error) -> Bool { ["42P01", "3F000"].contains(Self.sqlState(of: error) ?? "") }

    /// A write refused by a commune's old copy after a move (PM001): to be
    /// run again where the catalogue now places the commune.
    static func isMovedWrite(_ error: any Error) -> Bool { Self.sqlState(of: error) == "PM001" }

    /// What a read may meet when the schema it reads is dropped meanwhile:
    /// a deadlock with the drop, or a relation gone between plan and
    /// execution (XX000 "could not open relation").
    static func isDropRace(_ error: any Error) -> Bool { ["40P01", "XX000"].contains(Self.sqlState(of: error) ?? "") }

    /// A serialization failure or a deadlock: the transaction was rolled back and may run again.
    static func isConflict(_ error: any Error) -> Bool { ["40001", "40P01"].contains(Self.sqlState(of: error) ?? "") }
}

extension TenantDatabase {
    /// Runs `body` once per cluster with the items whose commune lives
    /// there (in their order), and returns the results cluster by cluster,
    /// main first.
    public func byCluster<Item: Sendable, Result: Sendable>(
        _ items: [Item], schema: (Item) -> SchemaName, retryingReads: Bool = true,
        file: StaticString = #fileID, line: UInt = #line, _ body: ([Item], UnitOfWork) async throws -> [Result]
    ) async throws(TenantCoreError) -> [Result] {
        var groups: [ShardName: [Item]] = [:]
        for item in items { groups[self.shard(of: schema(item)), default: []].append(item) }
        var results: [Result] = []
        for name in groups.keys.sorted(by: { ($0 != .main ? 1 : 0, $0.rawValue) < ($1 != .main ? 1 : 0, $1.rawValue) }) {
            let group = groups[name] ?? []
            results += try await self.cluster(named: name).withConnection(retryingReads: retryingReads, file: file, line: line) { connection in
                try await body(group, connection)
            }
        }
        return results
    }
}
