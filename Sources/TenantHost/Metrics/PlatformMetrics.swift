import Foundation
import Prometheus
import Synchronization
import TenantCore

/// What kind of request a response answered: the only label of request
/// metrics besides the status (never the commune: ten thousand communes
/// would make ten thousand series; per-commune figures are in the console).
enum RouteClass: String, CaseIterable, Sendable {
    /// A public page answered from the page cache.
    case pageCached = "page_cached"
    /// A public page rendered from the commune's schema.
    case page
    /// A citizen's form (question, comment).
    case form
    /// The console, on a commune's host or the platform's.
    case console
    /// Stylesheet, icon.
    case asset
    /// A page of a province's or district's portal.
    case portal
    /// A non-primary host sent to the primary.
    case redirect
    /// A host no commune has, a malformed Host, a suspended or archived commune.
    case other
    case health
}

/// The host's Prometheus metrics, served on their own port (METRICS_PORT).
/// Counters of requests are updated as they happen; the state of the page
/// cache, the pool, the directory and the last backup is read when scraped.
final class PlatformMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let requests = Mutex<[RequestKey: Counter]>([:])
    private let latency: [RouteClass: DurationHistogram]
    private let notifyLag: [String: DurationHistogram]
    private let notifications: [String: Counter]
    private let reloadDuration: DurationHistogram
    private let communesCreated: Counter

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        .seconds(10),
    ]

    init() {
        var latency: [RouteClass: DurationHistogram] = [:]
        for route in RouteClass.allCases {
            latency[route] = self.registry.makeDurationHistogram(
                descriptor: Self.name("http_request_duration", "seconds", "Time from the request's head to its response, by route class."),
                labels: [("route_class", route.rawValue)], buckets: Self.latencyBuckets)
        }
        self.latency = latency
        var lag: [String: DurationHistogram] = [:]
        var notifications: [String: Counter] = [:]
        for channel in ["platform_catalogue", "tenant_content"] {
            lag[channel] = self.registry.makeDurationHistogram(
                descriptor: Self.name("notify_lag", "seconds", "Time from a change in PostgreSQL to this host receiving its NOTIFY."),
                labels: [("channel", channel)], buckets: Self.latencyBuckets)
            notifications[channel] = self.registry.makeCounter(
                descriptor: Self.name("notify_received", "total", "NOTIFY messages received."), labels: [("channel", channel)])
        }
        self.notifyLag = lag
        self.notifications = notifications
        self.reloadDuration = self.registry.makeDurationHistogram(
            descriptor: Self.name("directory_reload", "seconds", "Time to reload the directory of communes and hosts after a catalogue change."),
            buckets: Self.latencyBuckets)
        self.communesCreated = self.registry.makeCounter(
            descriptor: Self.name("provisioning_communes_created", "total", "Communes created from this host's console."))
    }

    private struct RequestKey: Hashable {
        var route: RouteClass
        var status: Int
    }

    /// Called for every request: no allocation once the series exists.
    func record(_ route: RouteClass, status: Int, duration: Duration) {
        let key = RequestKey(route: route, status: status)
        let counter = self.requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = self.registry.makeCounter(
                descriptor: Self.name("http_requests", "total", "Requests answered, by route class and status."),
                labels: [("route_class", route.rawValue), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
        self.latency[route]?.record(duration)
    }

    func notified(_ channel: String, lag: Duration?) {
        self.notifications[channel]?.increment()
        if let lag { self.notifyLag[channel]?.record(lag) }
    }

    func communeCreated() {
        self.communesCreated.increment()
    }

    func reloaded(in duration: Duration) {
        self.reloadDuration.record(duration)
    }

    /// The exposition text: the registry, then what is read at scrape time.
    func exposition(_ services: SiteServices, operations: OperationsMonitor) -> [UInt8] {
        var out = self.registry.emitToBuffer()
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Double, labels: String = "") {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name)\(labels) \(Self.format(value))\n"
        }
        let cache = services.cache.statistics
        metric("page_cache_hits_total", "counter", "Pages answered from the page cache.", Double(cache.hits))
        metric("page_cache_misses_total", "counter", "Cacheable pages not in the page cache.", Double(cache.misses))
        metric("page_cache_evictions_total", "counter", "Pages dropped to stay within the cache budget.", Double(cache.evictions))
        metric("page_cache_bytes", "gauge", "Bytes of pages kept (both encodings).", Double(cache.bytes))
        metric("page_cache_pages", "gauge", "Pages kept.", Double(cache.entries))
        let chromes = services.chromes.figures
        metric("chrome_cache_hits_total", "counter", "Uncached pages made with their commune's kept menu and footer.", Double(chromes.hits))
        metric("chrome_cache_misses_total", "counter", "Uncached pages that read their commune's menu and footer.", Double(chromes.misses))
        metric("chrome_cache_communes", "gauge", "Communes whose menu and footer are kept.", Double(chromes.communes))
        if let front = services.front?.statistics {
            metric("front_cache_generation_bumps_total", "counter", "Purges sent to a front (one request each, whatever the pages held).", Double(front.bumps))
            metric("front_cache_purged_hosts_total", "counter", "Host names whose pages a front dropped.", Double(front.hosts))
            metric("front_cache_purge_failures_total", "counter", "Purges a front did not take (it keeps those pages until they expire).", Double(front.failures))
        }
        let database = services.database
        metric("db_pool_connections", "gauge", "Connections the pool keeps open.", Double(database.poolSize))
        metric("db_pool_in_use", "gauge", "Pooled connections lent out.", Double(database.leasesInUse))
        metric("db_pool_waiting", "gauge", "Requests waiting for a pooled connection.", Double(database.leasesWaiting))
        metric("db_pool_replacements_total", "counter", "Database pools started to replace another (on losing PostgreSQL, every 0.5 s while it is away, when it is back).", Double(database.poolReplacements))
        metric("db_available", "gauge", "1 while PostgreSQL answers.", database.isAvailable ? 1 : 0)
        // Every cluster (the main one too), by name.
        let pools = database.clusterPools
        for (name, help, value) in [
            ("db_cluster_available", "1 while the cluster's PostgreSQL answers.", { (pool: TenantDatabase) in pool.isAvailable ? 1.0 : 0 }),
            ("db_cluster_in_use", "Pooled connections to the cluster lent out.", { Double($0.leasesInUse) }),
            ("db_cluster_waiting", "Requests waiting for a pooled connection to the cluster.", { Double($0.leasesWaiting) }),
        ] as [(String, String, (TenantDatabase) -> Double)] {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (shard, pool) in pools { text += "\(name){shard=\"\(shard)\"} \(Self.format(value(pool)))\n" }
        }
        let watcher = services.watcher
        metric("catalogue_listening", "gauge", "1 while the LISTEN connection is up.", watcher.isListening ? 1 : 0)
        metric("catalogue_listen_sessions_total", "counter", "LISTEN sessions started (reconnects + 1).", Double(watcher.listenSessions))
        let snapshot = services.directory.snapshot
        metric("directory_communes", "gauge", "Communes in this host's directory.", Double(snapshot.tenants.count))
        metric("directory_hosts", "gauge", "Host names in this host's directory.", Double(snapshot.hostCount))
        if snapshot.loadedAt != .distantPast {
            metric("directory_loaded_timestamp_seconds", "gauge", "When the directory was last loaded.", snapshot.loadedAt.timeIntervalSince1970)
        }
        if let open = operations.openMoves {
            metric("shard_moves_open", "gauge", "Commune moves between clusters not finished (platform.shard_moves).", Double(open))
        }
        if let backup = operations.lastBackup {
            metric("backup_last_good_timestamp_seconds", "gauge", "When the newest good backup (pgBackRest) finished.", backup.stoppedAt.timeIntervalSince1970)
        }
        out.append(contentsOf: text.utf8)
        return out
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: unit, helpText: help)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
