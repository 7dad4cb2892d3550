import TenantCore
import Testing
@testable import TenantHost

/// `tenant-host` reads its environment once, and refuses to start on any
/// value it cannot use, naming each one.
@Suite struct AppConfigTests {
    let url = ["DATABASE_URL": "postgres://platform@127.0.0.1:5432/platform"]

    @Test func onlyADatabase_runsWithTheDefaults() throws {
        let config = try AppConfig.load(from: self.url)
        let defaults = AppConfig.defaults
        #expect(config.database.database == "platform")
        #expect(config.database.username == "platform")
        #expect(config.port == defaults.port)
        #expect(config.poolSize == defaults.poolSize)
        #expect(config.preparedCommunes == defaults.preparedCommunes)
        #expect(config.chromeCacheCommunes == defaults.chromeCacheCommunes)
        #expect(config.pageCacheBytes == defaults.pageCacheBytes)
        #expect(config.pageCacheTTL == defaults.pageCacheTTL)
        #expect(config.frontCacheTTL == defaults.pageCacheTTL)
        #expect(config.bcryptCost == defaults.bcryptCost)
        #expect(config.uploadLimitMB == defaults.uploadLimitMB)
        #expect(config.siteImportRate == defaults.siteImportRate)
        #expect(config.mailInterval == defaults.mailInterval)
        #expect(config.auditIntervalHours == 24)
        #expect(config.metricsPort == nil)
        #expect(!config.trustProxy)
    }

    @Test func setValues_areTaken() throws {
        var environment = self.url
        environment["DB_POOL_SIZE"] = "5"
        environment["PAGE_CACHE_MB"] = "3"
        environment["PAGE_CACHE_TTL_SECONDS"] = "7"
        environment["SITE_IMPORT_RATE"] = "2"
        environment["MAIL_INTERVAL_SECONDS"] = "30"
        environment["BCRYPT_COST"] = "10"
        environment["AUDIT_INTERVAL_HOURS"] = "0"
        environment["PUBLIC_SCHEME"] = "http"
        let config = try AppConfig.load(from: environment)
        #expect(config.poolSize == 5)
        #expect(config.pageCacheBytes == 3 << 20)
        #expect(config.pageCacheTTL == .seconds(7))
        #expect(config.frontCacheTTL == .seconds(7), "the fronts keep a page as long as the host unless told")
        #expect(config.siteImportRate == 2)
        #expect(config.mailInterval == .seconds(30))
        #expect(config.bcryptCost == 10)
        #expect(config.auditIntervalHours == nil)
        #expect(config.publicScheme == "http")
    }

    /// Every bad value is named in one refusal, the last-read ones too.
    @Test func badValues_areAllNamed_andNothingStarts() {
        var environment = self.url
        environment["PORT"] = "eighty"
        environment["LOG_FORMAT"] = "xml"
        environment["SITE_IMPORT_RATE"] = "0"
        environment["MAIL_INTERVAL_SECONDS"] = "-1"
        environment["TRUST_PROXY"] = "somewhere"
        do {
            _ = try AppConfig.load(from: environment)
            Issue.record("a host with five bad values would have started")
        } catch let error as ConfigError {
            let named = error.problems.map { String($0.prefix(while: { $0 != "=" })) }
            #expect(named.sorted() == ["LOG_FORMAT", "MAIL_INTERVAL_SECONDS", "PORT", "SITE_IMPORT_RATE", "TRUST_PROXY"])
            #expect(error.description.contains("SITE_IMPORT_RATE=0 must be a whole number in 1…100"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func noDatabase_isNamed() {
        #expect(throws: ConfigError.self) { try AppConfig.load(from: [:]) }
    }

    /// Any value of any variable the host reads: a refusal or a configuration, never a trap.
    @Test func anyValue_isReadOrRefused() {
        let names = [
            "PORT", "DB_POOL_SIZE", "DB_RECYCLE_AFTER_SCHEMAS", "DB_PREPARED_COMMUNES", "PAGE_CACHE_MB",
            "PAGE_CACHE_TTL_SECONDS", "FRONT_CACHE_TTL_SECONDS", "CHROME_CACHE_COMMUNES", "BCRYPT_COST", "UPLOAD_MAX_MB",
            "METRICS_PORT", "AUDIT_INTERVAL_HOURS", "SITE_IMPORT_RATE", "MAIL_INTERVAL_SECONDS", "LOG_LEVEL",
            "LOG_FORMAT", "PUBLIC_SCHEME", "ADMIN_HOST", "TRUST_PROXY", "SITE_IMPORT_CONNECT_TO", "FRONT_CACHE_PURGE",
        ]
        let values = [
            "", "0", "-1", "1", "65536", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
            "1e3", " 5", "5 ", "٥", "0x10", "http", "a,b", ":::", "10.0.0.0/33", "h:1.2.3.4:99999",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var environment = self.url
            for name in names where Bool.random(using: &generator) {
                environment[name] = values.randomElement(using: &generator)
            }
            _ = try? AppConfig.load(from: environment)
        }
    }
}
