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

    /// Reads the configuration; lists every missing or malformed variable at once.
    static func load(from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var problems: [String] = []
        var database = DatabaseConfig(database: "platform")
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            do { database = try DatabaseConfig(url: url) } catch { problems.append("DATABASE_URL: \(error.message)") }
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
        let port = int("PORT", 8080, 1...65535)
        let pool = int("DB_POOL_SIZE", 16, 1...200)
        let recycle = int("DB_RECYCLE_AFTER_SCHEMAS", 1_000, 0...10_000_000)
        let prepared = int("DB_PREPARED_COMMUNES", 50, 0...100_000)
        let cacheMB = int("PAGE_CACHE_MB", 256, 0...65536)
        let ttl = int("PAGE_CACHE_TTL_SECONDS", 60, 0...86_400)
        let chromes = int("CHROME_CACHE_COMMUNES", 20_000, 0...1_000_000)
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        if let raw = environment["LOG_LEVEL"], Logger.Level(rawValue: raw) == nil {
            problems.append("LOG_LEVEL=\(raw) must be one of trace, debug, info, notice, warning, error, critical")
        }
        let format = environment["LOG_FORMAT"] ?? "logfmt"
        if !["logfmt", "json"].contains(format) { problems.append("LOG_FORMAT=\(format) must be logfmt or json") }
        let scheme = environment["PUBLIC_SCHEME"] ?? "https"
        if !["http", "https"].contains(scheme) { problems.append("PUBLIC_SCHEME=\(scheme) must be http or https") }
        var adminHost = "quan-tri.localhost"
        if let raw = environment["ADMIN_HOST"], !raw.isEmpty {
            if let host = try? Hostname(normalizing: raw) { adminHost = host.value } else { problems.append("ADMIN_HOST=\(raw) is not a host name") }
        }
        let cost = int("BCRYPT_COST", 12, 4...16)
        let uploadMB = int("UPLOAD_MAX_MB", 10, 1...100)
        let metricsPort = int("METRICS_PORT", 0, 0...65535)
        let frontTTL = int("FRONT_CACHE_TTL_SECONDS", ttl, 1...86_400)
        var trusted = TrustedProxies.none
        switch environment["TRUST_PROXY"] ?? "" {
        case "", "0": break
        case "1": trusted = .loopback
        case let list:
            if let parsed = TrustedProxies(list: list) { trusted = parsed } else {
                problems.append("TRUST_PROXY=\(list) must be 0, 1 (loopback) or addresses and CIDR blocks separated by commas")
            }
        }
        let auditHours = int("AUDIT_INTERVAL_HOURS", 24, 0...8_760)
        var connectTo: [String: (address: String, port: Int)] = [:]
        for entry in (environment["SITE_IMPORT_CONNECT_TO"] ?? "").split(separator: ",") {
            guard let connection = HTTPFiles.connection(entry) else {
                problems.append("SITE_IMPORT_CONNECT_TO: expected host:address:port, found \(entry)")
                continue
            }
            connectTo[connection.host] = (connection.address, connection.port)
        }
        let mailSeconds = int("MAIL_INTERVAL_SECONDS", 10, 1...3_600)
        var mail: MailSettings?
        switch MailSettings.from(environment: environment, defaultDirectory: nil) {
        case .success(let settings): mail = settings.transport == nil ? nil : settings
        case .failure(let error): problems.append(error.message)
        }
        var frontPurge: [FrontCache.Endpoint]?
        if let raw = environment["FRONT_CACHE_PURGE"], !raw.isEmpty {
            frontPurge = FrontCache.endpoints(raw)
            if frontPurge == nil { problems.append("FRONT_CACHE_PURGE=\(raw) must be host:port entries separated by commas") }
            if (environment["TRUST_PROXY"] ?? "0") == "0" { problems.append("FRONT_CACHE_PURGE needs TRUST_PROXY (the front key comes from nginx)") }
        }
        guard problems.isEmpty else {
            throw ConfigError(problems: problems)
        }
        var config = AppConfig(
            database: database, bind: environment["BIND"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1", port: port,
            poolSize: pool, recycleAfter: recycle, pageCacheBytes: cacheMB * 1024 * 1024, pageCacheTTL: .seconds(ttl),
            publicScheme: scheme, logLevel: level, logFormat: format)
        config.adminHost = adminHost
        config.preparedCommunes = prepared
        config.genericPlans = environment["DB_GENERIC_PLANS"] == "1"
        config.chromeCacheCommunes = chromes
        config.trustedProxies = trusted
        config.earlyCacheHits = environment["CACHE_EARLY_HITS"] != "0"
        config.frontCachePurge = frontPurge
        config.frontCacheTTL = .seconds(frontTTL)
        config.metricsPort = metricsPort == 0 ? nil : metricsPort
        if let bind = environment["METRICS_BIND"], !bind.isEmpty { config.metricsBind = bind }
        config.bcryptCost = UInt8(cost)
        config.uploadLimitMB = uploadMB
        config.auditIntervalHours = auditHours > 0 ? auditHours : nil
        config.siteImportConnectTo = connectTo
        config.siteImportRate = Double(int("SITE_IMPORT_RATE", 5, 1...100))
        config.mail = mail
        config.mailInterval = .seconds(mailSeconds)
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
