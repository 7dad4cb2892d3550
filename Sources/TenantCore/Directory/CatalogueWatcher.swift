import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a host process's ``TenantDirectory`` current and its page cache
/// honest, from one dedicated connection:
/// - `LISTEN platform_catalogue`: reloads the directory (debounced) and
///   reports which communes changed (name, status, domains, parents);
/// - `LISTEN tenant_content`: reports the commune whose content changed;
/// - a probe every few seconds, so an outage is noticed and
///   ``TenantDatabase/isAvailable`` goes false, then true when PostgreSQL is
///   back — after which everything is reloaded, since notifications sent
///   meanwhile were lost.
public final class CatalogueWatcher: Service, Sendable {
    /// What the host does when something changes.
    public struct Handlers: Sendable {
        /// A commune's content changed (its id); `writerPurged`: the host
        /// that made the change purges nginx's front caches itself.
        public var contentChanged: @Sendable (_ id: Int64, _ writerPurged: Bool) -> Void
        /// These communes changed in the catalogue.
        public var tenantsChanged: @Sendable ([Int64]) -> Void
        /// Notifications may have been missed: forget everything. The
        /// argument is when the previous LISTEN session ended (nil for the
        /// first one): changes made since then were not notified here.
        public var reset: @Sendable (_ lostAt: Date?) -> Void
        /// A notification arrived on `channel`, `lag` after its change (for metrics).
        public var notified: @Sendable (_ channel: String, _ lag: Duration?) -> Void
        /// The directory was reloaded, taking `duration`.
        public var reloaded: @Sendable (_ duration: Duration) -> Void

        public init(
            contentChanged: @escaping @Sendable (Int64, Bool) -> Void, tenantsChanged: @escaping @Sendable ([Int64]) -> Void,
            reset: @escaping @Sendable (Date?) -> Void, notified: @escaping @Sendable (String, Duration?) -> Void = { _, _ in },
            reloaded: @escaping @Sendable (Duration) -> Void = { _ in }
        ) {
            self.contentChanged = contentChanged
            self.tenantsChanged = tenantsChanged
            self.reset = reset
            self.notified = notified
            self.reloaded = reloaded
        }
    }

    let database: TenantDatabase
    let directory: TenantDirectory
    let handlers: Handlers
    let logger: Logger
    let probeInterval: Duration
    let debounce: Duration
    private let pendingReload = Atomic<Bool>(false)
    private let connected = Atomic<Bool>(false)
    private let sessions = Atomic<Int>(0)
    /// When the last LISTEN session ended.
    private let lostAt = Mutex<Date?>(nil)

    /// LISTEN sessions started: the first, then one after each lost connection.
    public var listenSessions: Int { self.sessions.load(ordering: .relaxed) }

    public init(
        database: TenantDatabase, directory: TenantDirectory, handlers: Handlers, logger: Logger,
        probeInterval: Duration = .seconds(2), debounce: Duration = .milliseconds(100)
    ) {
        self.database = database
        self.directory = directory
        self.handlers = handlers
        self.logger = logger
        self.probeInterval = probeInterval
        self.debounce = debounce
    }

    /// True while the LISTEN connection is up and the directory is loaded.
    public var isListening: Bool { self.connected.load(ordering: .relaxed) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.watchOtherClusters() }
                await self.watch()
                group.cancelAll()
            }
        }
    }

    /// A commune on another cluster announces its changes there (its
    /// transaction, and so its NOTIFY, runs on that cluster): one LISTEN
    /// connection per cluster, opened as the directory learns of it.
    private func watchOtherClusters() async {
        await withDiscardingTaskGroup { group in
            var watched: Set<ShardName> = []
            while !Task.isCancelled {
                for (name, pool) in self.database.clusterPools where name != .main && !watched.contains(name) {
                    watched.insert(name)
                    group.addTask { await self.listenForContent(on: pool, shard: name) }
                }
                try? await Task.sleep(for: .seconds(1))
            }
            group.cancelAll()
        }
    }

    private func listenForContent(on pool: TenantDatabase, shard: ShardName) async {
        while !Task.isCancelled {
            do {
                let connection = try await pool.connect(logger: self.logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: "tenant_content") { content in
                    // Subscribed: a change made before was not heard, so the
                    // pages of this cluster's communes are dropped once.
                    let snapshot = self.directory.snapshot
                    let here = snapshot.tenants.values.filter { self.database.shard(of: $0.schema) == shard }.map(\.id)
                    if !here.isEmpty { self.handlers.tenantsChanged(here) }
                    for try await payload in content { self.contentNotified(payload) }
                }
            } catch {
                if Task.isCancelled || error is CancellationError { break }
                self.logger.warning(
                    "lost the content notifications of a cluster; retrying",
                    metadata: ["shard": "\(shard)", "error": "\(TenantDatabase.map(error).message)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func watch() async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                let connection = try await self.database.connect(logger: self.logger)
                do {
                    try await self.session(on: connection)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if self.connected.exchange(false, ordering: .relaxed) { self.lostAt.withLock { $0 = Date() } }
                if Task.isCancelled || error is CancellationError { break }
                self.database.markAvailable(false)
                self.logger.warning(
                    "catalogue watcher lost PostgreSQL; retrying",
                    metadata: ["error": "\(TenantDatabase.map(error).message)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                // Short and flat: pages come back within a second of PostgreSQL, however long it was away.
                backoff = min(backoff * 2, .milliseconds(500))
                continue
            }
        }
    }

    private func session(on connection: UnitOfWork) async throws {
        try await connection.listen(on: "platform_catalogue") { catalogue in
            try await connection.listen(on: "tenant_content") { content in
                // Subscribed: anything that changes from here on is seen, so
                // load the full picture now. PostgreSQL answers on this
                // connection, so the pool is trusted (and made fresh) first:
                // the reload goes through it.
                self.database.markAvailable(true)
                try await self.reload(full: true)
                self.connected.store(true, ordering: .relaxed)
                self.sessions.add(1, ordering: .relaxed)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await payload in catalogue {
                            self.handlers.notified("platform_catalogue", Self.lag(of: payload))
                            self.pendingReload.store(true, ordering: .relaxed)
                        }
                        throw TenantCoreError(.databaseUnavailable, "catalogue notifications ended")
                    }
                    group.addTask {
                        for try await payload in content { self.contentNotified(payload) }
                        throw TenantCoreError(.databaseUnavailable, "content notifications ended")
                    }
                    group.addTask {
                        var sinceProbe: Duration = .zero
                        while true {
                            try await Task.sleep(for: self.debounce)
                            try Task.checkCancellation()
                            sinceProbe += self.debounce
                            if self.pendingReload.exchange(false, ordering: .relaxed) {
                                try await self.reload(full: false)
                            }
                            if sinceProbe >= self.probeInterval {
                                sinceProbe = .zero
                                try await connection.probe(logger: self.logger)
                                self.database.markAvailable(true)
                            }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// A `tenant_content` notification, from any cluster: payload
    /// 'id:epoch', or 'id:w:epoch' when the writer purges the fronts
    /// (platform migration 16).
    private func contentNotified(_ payload: String) {
        let fields = payload.split(separator: ":", maxSplits: 2)
        if let id = fields.first.flatMap({ Int64($0) }) { self.handlers.contentChanged(id, fields.count == 3 && fields[1] == "w") }
        self.handlers.notified("tenant_content", Self.lag(of: payload))
    }

    /// How long ago the change a payload `…:epoch` names was made.
    static func lag(of payload: String) -> Duration? {
        guard let colon = payload.lastIndex(of: ":"), let epoch = Double(payload[payload.index(after: colon)...]) else { return nil }
        let seconds = max(0, Date().timeIntervalSince1970 - epoch)
        return .nanoseconds(Int64(min(seconds, 86_400) * 1e9))
    }

    private func reload(full: Bool) async throws {
        let old = self.directory.snapshot
        let started = ContinuousClock.now
        let new = try await self.directory.reload(from: self.database)
        self.handlers.reloaded(ContinuousClock.now - started)
        if full {
            self.handlers.reset(self.lostAt.withLock { $0 })
        } else {
            var changed: [Int64] = []
            for (id, tenant) in new.tenants where old.tenants[id] != tenant { changed.append(id) }
            for id in old.tenants.keys where new.tenants[id] == nil { changed.append(id) }
            // A province's announcements are on its communes' pages.
            for province in new.provincesWithOtherAnnouncements(than: old) {
                changed += new.communes(below: province).map(\.id)
            }
            // A province's notice is on its communes' pages.
            let noticed = Set(new.notices.compactMap(\.provinceID) + old.notices.compactMap(\.provinceID))
            for province in noticed where new.notices.first(where: { $0.provinceID == province }) != old.notices.first(where: { $0.provinceID == province }) {
                changed += new.communes(below: province).map(\.id)
            }
            if !changed.isEmpty { self.handlers.tenantsChanged(changed) }
            // The platform's notice and settings are on every page of every site.
            if new.notices.first(where: { $0.provinceID == nil }) != old.notices.first(where: { $0.provinceID == nil })
                || new.settings != old.settings
            {
                self.handlers.reset(.distantPast)
            }
        }
        self.logger.info(
            "directory loaded", metadata: ["communes": "\(new.tenants.count)", "hosts": "\(new.hostCount)", "full": "\(full)"])
    }
}
