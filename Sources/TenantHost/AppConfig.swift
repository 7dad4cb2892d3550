import Foundation
import Logging
import TenantCore

/// Everything `tenant-host` reads from its environment, loaded once at start.
/// Nothing else reads the environment.
struct AppConfig: Sendable {
    var database: DatabaseConfig
    var bind: String
    var port: Int
    /// Connections in the pool (`DB_POOL_SIZE`, 16: about two requests in
    /// flight per connection at 32, so a commune's own connection is seldom
    /// queued past the others and each backend keeps to its share of the
    /// communes; BENCHMARKS.md).
    var poolSize: Int
    /// Leases after which a pooled connection is replaced (bounds PostgreSQL's relation cache).
    var recycleAfter: Int
    /// Communes whose prepared statements a pooled connection keeps
    /// (`DB_PREPARED_COMMUNES`, 50; 0: every statement unnamed).
    var preparedCommunes = 50
    /// A lease inside another of the same pool: served on another
    /// connection with a warning (test hosts refuse it).
    var nestedLeases = TenantDatabase.NestedLeases.served
    /// Generic plans from the first execution (`DB_GENERIC_PLANS=1`; off by default).
    var genericPlans = false
    var pageCacheBytes: Int
    var pageCacheTTL: Duration
    /// Communes whose menu and footer are kept decoded (`CHROME_CACHE_COMMUNES`,
    /// 20,000: every commune of the country, at about 1.5 KiB each; 0: every
    /// uncached page reads them too). ``ChromeCache``.
    var chromeCacheCommunes = 20_000
    /// Scheme of the primary (official) hosts, for canonical links: `https`.
    var publicScheme: String
    var logLevel: Logger.Level
    var logFormat: String
    /// Host of the platform console for district and province staff.
    var adminHost: String = "quan-tri.localhost"
    /// The reverse proxies whose X-Forwarded-For (the client address),
    /// X-Forwarded-Proto (the scheme) and X-Front-Cache-Key are believed:
    /// `TRUST_PROXY=1` loopback only, or a list of addresses and CIDR
    /// blocks (`10.0.0.1,10.0.0.2`); none by default.
    var trustedProxies = TrustedProxies.none
    var trustProxy: Bool { !self.trustedProxies.networks.isEmpty }
    /// Where `/metrics` (Prometheus) is served; nil: not served. Never on
    /// the public port: keep it on loopback or a private network.
    var metricsBind: String = "127.0.0.1"
    var metricsPort: Int?
    /// Answer page-cache hits on the event loop, ahead of the router
    /// (``CacheHitHandler``); `CACHE_EARLY_HITS=0` sends every request
    /// through the router (for comparing the two in benchmarks).
    var earlyCacheHits = true
    /// nginx's purge servers (`FRONT_CACHE_PURGE=host:port,…`): when set,
    /// the fronts may keep pages (``FrontCache``) for `frontCacheTTL`.
    var frontCachePurge: [FrontCache.Endpoint]?
    var frontCacheTTL: Duration = .seconds(60)
    /// bcrypt cost of new passwords.
    var bcryptCost: UInt8 = 12
    /// Largest file an editor may upload, in MB (nginx's
    /// `client_max_body_size` in front must be larger).
    var uploadLimitMB = 10
    /// SITE_IMPORT_CONNECT_TO=host:address:port,…: reach these old sites at
    /// another address (a staging copy) when importing them.
    var siteImportConnectTo: [String: (address: String, port: Int)] = [:]
    /// SITE_IMPORT_RATE: requests per second to an old site (default 5).
    var siteImportRate: Double = 5
    /// Hours between two rounds of the compliance audit of every commune
    /// (AUDIT_INTERVAL_HOURS, default 24; 0 or unset in tests: none).
    var auditIntervalHours: Int? = nil
    /// `sql/` (communes created from the console are created at its newest version).
    var sqlDirectory: String = "sql"
    /// The console's own files (the rich-text editor): `$PLATFORM_ASSETS_DIR`,
    /// else `assets/` beside the `sql/` directory.
    var assetsDirectory: String = "assets"
    /// Host names of communes created from the console.
    var domainPolicy = DomainPolicy()
    /// MAIL_TRANSPORT: the host sends the outbox itself (nil: it only writes to it).
    var mail: MailSettings?
    var mailInterval: Duration = .seconds(10)

    /// What the host runs with when its environment sets nothing but
    /// `DATABASE_URL`: the settings above, with the values below for those
    /// that have no initial value. ``load(from:)`` falls back on these, so
    /// each default is written once.
    static let defaults = AppConfig(
        database: DatabaseConfig(database: "platform"), bind: "127.0.0.1", port: 8080, poolSize: 16, recycleAfter: 1_000,
        pageCacheBytes: 256 << 20, pageCacheTTL: .seconds(60), publicScheme: "https", logLevel: .info, logFormat: "logfmt")

    /// Reads the configuration; lists every missing or malformed variable at once.
    static func load(from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var problems: [String] = []
        var config = Self.defaults
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            do { config.database = try DatabaseConfig(url: url) } catch { problems.append("DATABASE_URL: \(error.message)") }
        } else {
            problems.append("DATABASE_URL is not set (postgres://USER@HOST:PORT/DATABASE)")
        }
        func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            guard let raw = environment[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw), range.contains(value) else {
                problems.append("\(name)=\(raw) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
                return fallback
            }
            return value
        }
        func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
        if let bind = environment["BIND"], !bind.isEmpty { config.bind = bind }
        config.port = int("PORT", config.port, 1...65535)
        config.poolSize = int("DB_POOL_SIZE", config.poolSize, 1...200)
        config.recycleAfter = int("DB_RECYCLE_AFTER_SCHEMAS", config.recycleAfter, 0...10_000_000)
        config.preparedCommunes = int("DB_PREPARED_COMMUNES", config.preparedCommunes, 0...100_000)
        config.genericPlans = environment["DB_GENERIC_PLANS"] == "1"
        config.pageCacheBytes = int("PAGE_CACHE_MB", config.pageCacheBytes >> 20, 0...65536) << 20
        let ttl = int("PAGE_CACHE_TTL_SECONDS", seconds(config.pageCacheTTL), 0...86_400)
        config.pageCacheTTL = .seconds(ttl)
        // The fronts keep a page as long as the host does unless told otherwise.
        config.frontCacheTTL = .seconds(int("FRONT_CACHE_TTL_SECONDS", ttl, 1...86_400))
        config.chromeCacheCommunes = int("CHROME_CACHE_COMMUNES", config.chromeCacheCommunes, 0...1_000_000)
        config.earlyCacheHits = environment["CACHE_EARLY_HITS"] != "0"
        if let raw = environment["LOG_LEVEL"] {
            if let level = Logger.Level(rawValue: raw) { config.logLevel = level } else {
                problems.append("LOG_LEVEL=\(raw) must be one of trace, debug, info, notice, warning, error, critical")
            }
        }
        if let format = environment["LOG_FORMAT"] {
            if ["logfmt", "json"].contains(format) { config.logFormat = format } else {
                problems.append("LOG_FORMAT=\(format) must be logfmt or json")
            }
        }
        if let scheme = environment["PUBLIC_SCHEME"] {
            if ["http", "https"].contains(scheme) { config.publicScheme = scheme } else {
                problems.append("PUBLIC_SCHEME=\(scheme) must be http or https")
            }
        }
        if let raw = environment["ADMIN_HOST"], !raw.isEmpty {
            if let host = try? Hostname(normalizing: raw) { config.adminHost = host.value } else {
                problems.append("ADMIN_HOST=\(raw) is not a host name")
            }
        }
        config.bcryptCost = UInt8(int("BCRYPT_COST", Int(config.bcryptCost), 4...16))
        config.uploadLimitMB = int("UPLOAD_MAX_MB", config.uploadLimitMB, 1...100)
        let metricsPort = int("METRICS_PORT", 0, 0...65535)
        config.metricsPort = metricsPort == 0 ? nil : metricsPort
        if let bind = environment["METRICS_BIND"], !bind.isEmpty { config.metricsBind = bind }
        switch environment["TRUST_PROXY"] ?? "" {
        case "", "0": break
        case "1": config.trustedProxies = .loopback
        case let list:
            if let parsed = TrustedProxies(list: list) { config.trustedProxies = parsed } else {
                problems.append("TRUST_PROXY=\(list) must be 0, 1 (loopback) or addresses and CIDR blocks separated by commas")
            }
        }
        // A running host audits daily; a test host only when asked (nil).
        let auditHours = int("AUDIT_INTERVAL_HOURS", 24, 0...8_760)
        config.auditIntervalHours = auditHours > 0 ? auditHours : nil
        for entry in (environment["SITE_IMPORT_CONNECT_TO"] ?? "").split(separator: ",") {
            guard let connection = HTTPFiles.connection(entry) else {
                problems.append("SITE_IMPORT_CONNECT_TO: expected host:address:port, found \(entry)")
                continue
            }
            config.siteImportConnectTo[connection.host] = (connection.address, connection.port)
        }
        config.siteImportRate = Double(int("SITE_IMPORT_RATE", Int(config.siteImportRate), 1...100))
        config.mailInterval = .seconds(int("MAIL_INTERVAL_SECONDS", seconds(config.mailInterval), 1...3_600))
        switch MailSettings.from(environment: environment, defaultDirectory: nil) {
        case .success(let settings): config.mail = settings.transport == nil ? nil : settings
        case .failure(let error): problems.append(error.message)
        }
        if let raw = environment["FRONT_CACHE_PURGE"], !raw.isEmpty {
            config.frontCachePurge = FrontCache.endpoints(raw)
            if config.frontCachePurge == nil { problems.append("FRONT_CACHE_PURGE=\(raw) must be host:port entries separated by commas") }
            if (environment["TRUST_PROXY"] ?? "0") == "0" { problems.append("FRONT_CACHE_PURGE needs TRUST_PROXY (the front key comes from nginx)") }
        }
        guard problems.isEmpty else {
            throw ConfigError(problems: problems)
        }
        do {
            config.sqlDirectory = try MigrationSet.locate(environment: environment)
            config.assetsDirectory =
                environment["PLATFORM_ASSETS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? URL(fileURLWithPath: config.sqlDirectory).deletingLastPathComponent().appendingPathComponent("assets").path
        } catch {
            throw ConfigError(problems: ["PLATFORM_SQL_DIR: \(error.message)"])
        }
        do {
            config.domainPolicy = try DomainPolicy(environment: environment)
        } catch {
            throw ConfigError(problems: ["DOMAIN_PATTERN: \(error.message)"])
        }
        return config
    }
}

struct ConfigError: Error, CustomStringConvertible {
    var problems: [String]
    var description: String {
        "tenant-host cannot start; fix these environment variables:\n" + self.problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
