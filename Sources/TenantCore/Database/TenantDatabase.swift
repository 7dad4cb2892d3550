import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The platform's access to PostgreSQL: a fixed set of pooled connections,
/// transaction helpers, and the one place where a commune's schema is put
/// on a connection.
///
/// Affinity: the pool is `poolSize` single-connection `PostgresClient`s, and
/// a lease that names a commune gets the same one (by a hash of the
/// schema's name) unless that one is queued well beyond the others (``spillAfter``). So each
/// PostgreSQL backend serves about a fixed share of the communes: its
/// relation cache and its prepared statements (``PreparedStatements``)
/// cover that share, not every commune, and stay warm. A lease that names
/// no commune (the catalogue, the console) takes the connection with the
/// fewest leases.
///
/// Pool options follow what was measured on this stack: every connection is
/// opened at start and keeps no keep-alive timers (the default options grow
/// memory with the request rate). A connection is closed once it has
/// served `recycleAfter` distinct commune schemas, so that no PostgreSQL
/// backend accumulates the relation cache of thousands of communes, while a
/// platform with fewer communes keeps its connections (and their warm
/// caches) for good.
///
/// Outages: PostgresNIO's pool backs off its reconnect attempts up to a
/// minute, and requests queued on a dead pool wait for it. So when
/// PostgreSQL is lost the pool is replaced at once (queued requests fail
/// and get a 503), and when it answers again it is replaced by a fresh pool
/// with no back-off: pages are served again as soon as PostgreSQL is.
public final class TenantDatabase: Service, Sendable {
    public let config: DatabaseConfig
    public let logger: Logger
    private let clientConfiguration: PostgresClient.Configuration
    private let pool: Mutex<Pool>
    private let recycleAfter: Int
    /// Distinct communes each connection served, by (client, connection id).
    private let touched: Mutex<[ConnectionKey: Set<SchemaName>]>
    private let available: Atomic<Bool>
    /// Set as soon as `run()` is asked to stop: the pool takes no lease and
    /// is replaced no more. A lease asked for then, or a replacement made
    /// while the pools shut down, would wait forever on a client whose
    /// `run()` never comes (PostgresClient queues it), holding up the host's
    /// shutdown.
    private let stopped = Atomic<Bool>(false)
    /// How long a replaced pool keeps serving the queries it already runs.
    private let retireAfter: Duration
    /// Requests waiting for a pooled connection, and holding one (for metrics).
    private let leases: Leases
    /// Connections the pool keeps open.
    public let poolSize: Int
    /// The prepared statements each pooled connection keeps, per commune.
    public let statements: PreparedStatements
    /// The other clusters, and the communes placed on them.
    let clusters: Clusters
    /// A pool of another cluster: nobody watches it, so while it is
    /// unreachable it probes PostgreSQL itself.
    private let probesItself: Bool

    /// The tasks running each started client, until it is retired.
    private final class Runners: Sendable {
        let tasks = Mutex<[ObjectIdentifier: Task<Void, Never>]>([:])
    }

    private final class Leases: Sendable {
        let waiting = Atomic<Int>(0)
        let inUse = Atomic<Int>(0)
        /// Leases asked for or held, per client (for choosing one).
        let perClient: [Counter]

        init(clients: Int) {
            self.perClient = (0..<clients).map { _ in Counter() }
        }
    }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private struct ConnectionKey: Hashable {
        let client: Int
        let connection: Int
    }

    /// Requests waiting for a pooled connection now.
    public var leasesWaiting: Int { self.leases.waiting.load(ordering: .relaxed) }
    /// Pooled connections lent out now.
    public var leasesInUse: Int { self.leases.inUse.load(ordering: .relaxed) }

    /// The pool in use, and how to start the next one.
    private struct Pool {
        /// One client of one connection per pooled connection.
        var clients: [PostgresClient]
        /// Leases holding a connection, per client (replaced ones too, until they stop).
        var held: [ObjectIdentifier: Counter] = [:]
        /// Set while ``run()`` runs: hands it pools to run.
        var starter: AsyncStream<PostgresClient>.Continuation?
        /// Pools handed out before ``run()`` started.
        var unstarted: [PostgresClient] = []
        var replacements = 0
    }

    /// The client a lease uses: the commune's own unless it has more than
    /// ``spillAfter`` leases waiting or held beyond the least busy one
    /// (then that one, so a queue on one connection does not stretch the
    /// slowest answers); with no commune, the least busy. Never one of
    /// `held`, the clients whose connection the asking task holds already
    /// (it would wait on itself); nil when it holds them all.
    private func choose(for schema: SchemaName?, avoiding held: [Int]) -> Int? {
        var best: Int?
        var fewest = Int.max
        for index in 0..<self.poolSize where !held.contains(index) {
            let leases = self.leases.perClient[index].value.load(ordering: .relaxed)
            if leases < fewest { (best, fewest) = (index, leases) }
        }
        guard let best, let schema else { return best }
        // The same connection in every process and run.
        let own = Int(FNV1a.hash(schema.rawValue.utf8) % UInt64(self.poolSize))
        if held.contains(own) { return best }
        return self.leases.perClient[own].value.load(ordering: .relaxed) > fewest + Self.spillAfter ? best : own
    }

    /// A connection the current task holds: its pool, the client's place
    /// in it, and the code that leased it.
    struct HeldLease: Sendable {
        let pool: ObjectIdentifier
        let client: Int
        let site: Site
    }

    /// Where a lease was asked for, for the log of a lease taken inside another.
    public struct Site: Sendable, CustomStringConvertible {
        let file: StaticString
        let line: UInt
        public init(file: StaticString, line: UInt) {
            self.file = file
            self.line = line
        }
        public var description: String { "\(self.file):\(self.line)" }
    }

    /// The leases the current task is inside, outermost first. A lease
    /// taken inside another of the same pool gets another connection: a
    /// connection has one user, so asking for the held one would wait for
    /// good (with any pool size, since a commune's leases go to its own
    /// connection).
    @TaskLocal static var held: [HeldLease] = []

    /// What the pool does with a lease asked for inside another of its own.
    public enum NestedLeases: Sendable {
        /// Serves it on another connection, with a warning naming both places.
        case served
        /// Refuses it (``TenantCoreError/Code/caller``), naming both places:
        /// the tests' pools, so that no code path they run holds two.
        case refused
    }

    /// See ``NestedLeases``.
    public let nestedLeases: NestedLeases

    /// How many more leases a commune's own connection may have than the
    /// least busy one before a lease for that commune takes the other.
    static let spillAfter = 4

    /// Pools started since start to replace another: on losing PostgreSQL,
    /// every half second while it stays away, and when it is back.
    public var poolReplacements: Int { self.pool.withLock { $0.replacements } }

    /// - Parameters:
    ///   - config: where the server is.
    ///   - poolSize: connections opened and kept (default 8).
    ///   - recycleAfter: distinct commune schemas after which a connection is closed and replaced (default 1,000; 0 never).
    ///   - preparedCommunes: communes whose prepared statements a connection keeps (0: none prepared).
    ///   - genericPlans: every statement of the pool's connections uses its
    ///     generic plan from the first execution (`plan_cache_mode`).
    ///   - nestedLeases: whether a lease inside another of the pool's own is served or refused.
    ///   - logger: receives connection and query failures.
    public init(
        config: DatabaseConfig, poolSize: Int = 8, recycleAfter: Int = 1_000, preparedCommunes: Int = 0,
        genericPlans: Bool = false, retireAfter: Duration = .seconds(1), probesItself: Bool = false,
        nestedLeases: NestedLeases = .served, logger: Logger
    ) {
        var configuration = config.clientConfiguration()
        configuration.options.minimumConnections = 1
        configuration.options.maximumConnections = 1
        configuration.options.keepAliveBehavior = nil
        if genericPlans {
            // A statement kept with bound values (an article's id) is planned
            // for its values on its first five executions on each connection
            // and commune before PostgreSQL settles on the generic plan. This
            // skips those five, but it changes the plan of every statement
            // of the connection, the unnamed ones too (BENCHMARKS.md: it
            // helped a few hundred communes' articles, and a crawl over ten
            // thousand was no faster with it), so it is a choice, off by
            // default.
            configuration.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        }
        self.config = config
        self.logger = logger
        self.clientConfiguration = configuration
        self.poolSize = max(1, poolSize)
        self.leases = Leases(clients: self.poolSize)
        let clients = (0..<self.poolSize).map { _ in PostgresClient(configuration: configuration, backgroundLogger: logger) }
        self.pool = Mutex(Pool(clients: clients, held: Self.counters(clients), unstarted: clients))
        self.recycleAfter = recycleAfter
        self.retireAfter = retireAfter
        self.touched = Mutex([:])
        self.available = Atomic(true)
        self.statements = PreparedStatements(communesPerConnection: preparedCommunes, logger: logger)
        self.probesItself = probesItself
        self.nestedLeases = nestedLeases
        let size = self.poolSize
        self.clusters = Clusters { config in
            TenantDatabase(
                config: config, poolSize: size, recycleAfter: recycleAfter, preparedCommunes: preparedCommunes,
                genericPlans: genericPlans, retireAfter: retireAfter, probesItself: true, nestedLeases: nestedLeases, logger: logger)
        }
    }

    /// Runs the pool, and each pool that replaces it, until the task is
    /// cancelled or the service group shuts down gracefully (a lifecycle
    /// service).
    public func run() async throws {
        let (pools, starter) = AsyncStream.makeStream(of: PostgresClient.self)
        let unstarted = self.pool.withLock { pool in
            pool.starter = starter
            defer { pool.unstarted = [] }
            return pool.unstarted
        }
        for client in unstarted { starter.yield(client) }
        // The clients run outside the group's cancellation: stopping takes
        // no new lease at once, but lets the leases already running finish
        // on live connections before the clients close them (PostgresNIO
        // never answers a statement written to a connection it has closed).
        let runners = Runners()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.sweepWhileUnavailable() }
                group.addTask { await self.clusters.run() }
                var started: Set<ObjectIdentifier> = []
                for await client in pools {
                    let key = ObjectIdentifier(client)
                    started.insert(key)
                    runners.tasks.withLock { tasks in
                        tasks[key] = Task {
                            await withDiscardingTaskGroup { runner in
                                runner.addTask { await client.run() }
                                await self.waitUntilRetired(client)
                                runner.cancelAll()
                            }
                            _ = runners.tasks.withLock { $0.removeValue(forKey: key) }
                        }
                    }
                }
                // Cancelled (the stream ends at once): no lease from now on;
                // those running end, for 5 seconds at most, then the pools
                // wind down. A replacement handed over as the stream ended
                // was never started: it runs now, already cancelled, so the
                // leases queued on it fail at once.
                self.stop(starter)
                await self.drain(for: .seconds(5))
                let running = runners.tasks.withLock { Array($0.values) }
                for runner in running { runner.cancel() }
                for runner in running { await runner.value }
                let current = self.pool.withLock { $0.clients }
                for client in current where !started.contains(ObjectIdentifier(client)) {
                    group.addTask { await client.run() }
                }
            }
        }
    }

    /// Waits until no lease runs or waits, or `limit` has passed.
    private func drain(for limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        // A task of its own: the caller was cancelled to stop, and its sleeps would end at once.
        await Task {
            while self.leases.inUse.load(ordering: .relaxed) + self.leases.waiting.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }.value
    }

    /// No lease and no replacement from now on.
    private func stop(_ starter: AsyncStream<PostgresClient>.Continuation) {
        self.stopped.store(true, ordering: .relaxed)
        self.pool.withLock { $0.starter = nil }
        starter.finish()
    }

    /// While PostgreSQL is away, a request that slipped past the
    /// availability check may wait on the pool: replacing the pool every half
    /// second fails such waits, so every request gets its 503 within a second.
    private func sweepWhileUnavailable() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            guard !self.isAvailable else { continue }
            if self.probesItself, (try? await self.ping()) != nil {
                self.markAvailable(true)
            } else {
                self.replacePool(reason: "still unreachable", quietly: true)
            }
        }
    }

    /// Returns once `client` is replaced and no lease holds one of its
    /// connections any more (or its grace has passed: a second while
    /// PostgreSQL answers, half a second while it is away, so that waits
    /// on it fail soon). Closing a connection under a lease that is about
    /// to send would lose that statement: PostgresNIO never answers a write
    /// to a closed connection.
    private func waitUntilRetired(_ client: PostgresClient) async {
        let key = ObjectIdentifier(client)
        defer { _ = self.pool.withLock { $0.held.removeValue(forKey: key) } }
        while !Task.isCancelled {
            let (retired, held) = self.pool.withLock { pool in (!pool.clients.contains { $0 === client }, pool.held[key]) }
            if retired {
                let grace: Duration = self.available.load(ordering: .relaxed) ? self.retireAfter : .milliseconds(500)
                let deadline = ContinuousClock.now + grace
                while (held?.value.load(ordering: .relaxed) ?? 0) > 0, ContinuousClock.now < deadline, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func counters(_ clients: [PostgresClient]) -> [ObjectIdentifier: Counter] {
        Dictionary(uniqueKeysWithValues: clients.map { (ObjectIdentifier($0), Counter()) })
    }

    /// Replaces the pool with a new one (which connects with no back-off).
    /// It is in use at once: the directory reload that follows a recovery
    /// must not wait on the pool it replaces. (A lease asked for in the
    /// microseconds before its run() starts waits for it, with a warning
    /// from PostgresClient.)
    private func replacePool(reason: String, quietly: Bool = false) {
        let clients = (0..<self.poolSize).map { _ in
            PostgresClient(configuration: self.clientConfiguration, backgroundLogger: self.logger)
        }
        let started = self.pool.withLock { pool -> Bool in
            guard let starter = pool.starter else { return false }
            pool.clients = clients
            pool.held.merge(Self.counters(clients)) { old, _ in old }
            pool.replacements += 1
            for client in clients { starter.yield(client) }
            return true
        }
        guard started else { return }
        self.touched.withLock { $0.removeAll() }
        self.statements.forgetAll()
        self.logger.log(
            level: quietly ? .debug : .notice, "database pool replaced",
            metadata: ["reason": "\(reason)", "db": "\(self.config.redacted)"])
    }

    /// False after the database was found unreachable, until it answers again.
    /// Requests use it to answer 503 at once instead of queueing.
    public var isAvailable: Bool { self.available.load(ordering: .relaxed) }

    /// Records whether PostgreSQL answers (set by the catalogue watcher and by failed queries).
    public func markAvailable(_ value: Bool) {
        // A query cut short by the host's own shutdown says nothing about PostgreSQL.
        guard !self.stopped.load(ordering: .relaxed) else { return }
        let old = self.available.exchange(value, ordering: .relaxed)
        if old != value {
            if value {
                self.logger.notice("database reachable again", metadata: ["db": "\(self.config.redacted)"])
                self.replacePool(reason: "reachable again")
            } else {
                self.logger.error("database unreachable", metadata: ["db": "\(self.config.redacted)"])
                self.replacePool(reason: "unreachable")
            }
        }
    }

    /// Lends a pooled connection to `body`. Connection failures become
    /// `TenantCoreError.databaseUnavailable`; a read that failed because a
    /// pooled connection had died is retried once on a fresh one. `schema`
    /// names the commune whose tables `body` reads, for recycling.
    ///
    /// A lease naming a commune placed on another cluster runs there. A
    /// write refused there because the commune has just moved (SQLSTATE
    /// PM001) is run again, once the placement is read afresh, where the
    /// catalogue now puts it.
    @discardableResult
    public func withConnection<Result: Sendable>(
        retryingReads: Bool = false, schema: SchemaName? = nil, file: StaticString = #fileID, line: UInt = #line,
        _ body: (UnitOfWork) async throws -> Result
    ) async throws(TenantCoreError) -> Result {
        let site = Site(file: file, line: line)
        var moved = 0
        while true {
            // The cluster this attempt uses (the placement may change while it runs).
            let route = schema.map { self.clusters.route($0) }
            let used = route?.shard
            do {
                return try await (route?.pool ?? self).serve(retryingReads: retryingReads, schema: schema, site: site, body)
            } catch where moved < 20 && Self.isMovedWrite(error) {
                moved += 1
                // The catalogue switches within a second of the freeze.
                try? await Task.sleep(for: .milliseconds(moved == 1 ? 0 : 50))
                _ = try? await self.refreshPlacement()
            } catch where moved == 0 && schema != nil && (Self.isMissingRelation(error) || (retryingReads && Self.isDropRace(error))) {
                // A commune moved while this process did not hear of it: its
                // old copy is gone (or a read met the drop of it, as a
                // deadlock or a relation gone mid-query). Run again where
                // the catalogue says.
                moved += 1
                _ = try? await self.refreshPlacement()
                if self.shard(of: schema!) == used && !(retryingReads && Self.isDropRace(error)) { throw error }
            }
        }
    }

    private func serve<Result: Sendable>(
        retryingReads: Bool, schema: SchemaName?, site: Site,
        _ body: (UnitOfWork) async throws -> Result
    ) async throws(TenantCoreError) -> Result {
        let pool = ObjectIdentifier(self)
        let outer = Self.held
        let mine = outer.filter { $0.pool == pool }
        if let holding = mine.last {
            // Served by another connection, but a pool whose every
            // connection is held this way waits for good: each lease
            // should end before the next begins.
            if self.nestedLeases == .refused {
                throw TenantCoreError(.caller, "\(site) asks for a connection inside a lease of the same pool taken at \(holding.site)")
            }
            self.logger.warning(
                "a lease inside another of the same pool",
                metadata: ["lease.outer": "\(holding.site)", "lease.inner": "\(site)", "tenant.schema": "\(schema?.rawValue ?? "-")"])
        }
        var attempt = 0
        while true {
            attempt += 1
            guard !self.stopped.load(ordering: .relaxed) else {
                throw TenantCoreError(.databaseUnavailable, "the host is shutting down")
            }
            guard let index = self.choose(for: schema, avoiding: mine.map(\.client)) else {
                throw TenantCoreError(
                    .caller, "\(site) asks for a connection inside leases of every connection of the pool (\(mine.map(\.site.description).joined(separator: ", ")))")
            }
            let (client, held) = self.pool.withLock { pool in (pool.clients[index], pool.held[ObjectIdentifier(pool.clients[index])]) }
            self.leases.waiting.add(1, ordering: .relaxed)
            self.leases.perClient[index].value.add(1, ordering: .relaxed)
            var waiting = true
            defer {
                if waiting { self.leases.waiting.subtract(1, ordering: .relaxed) }
                self.leases.perClient[index].value.subtract(1, ordering: .relaxed)
            }
            do {
                return try await client.withConnection { connection in
                    self.leases.waiting.subtract(1, ordering: .relaxed)
                    waiting = false
                    self.leases.inUse.add(1, ordering: .relaxed)
                    held?.value.add(1, ordering: .relaxed)
                    defer {
                        self.leases.inUse.subtract(1, ordering: .relaxed)
                        held?.value.subtract(1, ordering: .relaxed)
                    }
                    let result = try await Self.$held.withValue(outer + [HeldLease(pool: pool, client: index, site: site)]) {
                        try await body(UnitOfWork(connection, commune: schema))
                    }
                    if let schema { await self.recycleIfWorn(connection, of: index, touching: schema) }
                    return result
                }
            } catch {
                if let own = error as? TenantCoreError { throw own }
                guard Self.isDatabaseError(error) else {
                    throw TenantCoreError(.caller, String(describing: error), underlying: error)
                }
                let mapped = Self.map(error)
                if mapped.code == .databaseUnavailable {
                    if retryingReads && attempt == 1 && Self.isDeadConnection(error) { continue }
                    // Only a lost server makes every request answer 503 at once;
                    // a refusal such as "too many clients" stays per request.
                    if !(error is PSQLError) || (error as? PSQLError)?.code != .server { self.markAvailable(false) }
                }
                throw mapped
            }
        }
    }

    private func recycleIfWorn(_ connection: PostgresConnection, of client: Int, touching schema: SchemaName) async {
        guard self.recycleAfter > 0 else { return }
        let key = ConnectionKey(client: client, connection: connection.id)
        let worn = self.touched.withLock { touched -> Bool in
            var schemas = touched.removeValue(forKey: key) ?? []
            schemas.insert(schema)
            if schemas.count >= self.recycleAfter { return true }
            touched[key] = schemas
            return false
        }
        if worn {
            // The pool notices the closed connection and opens a new one.
            self.statements.forget(connection)
            try? await connection.close()
        }
    }

}
