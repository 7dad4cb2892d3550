import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import TenantCore

/// Where the test PostgreSQL is. `ops/test` starts a throwaway server and
/// sets `TEST_DATABASE_URL` (an admin connection, database `postgres`).
public enum TestEnvironment {
    public static func adminConfig() throws -> DatabaseConfig {
        let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"
        let config = try DatabaseConfig(url: url)
        // Tests create and drop databases: never against anything but loopback.
        guard ["127.0.0.1", "localhost", "::1"].contains(config.host) || config.socketDirectory != nil else {
            throw TenantCoreError(.invalidInput, "TEST_DATABASE_URL must point at a local server, not \(config.host)")
        }
        return config
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    /// The repository's root (where Package.swift is).
    public static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    /// A built executable of this package (`provisioner`, `tenant-host`).
    public static func executable(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name),
            repositoryRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) { return url }
        throw TenantCoreError(.notFound, "\(name) is not built; run `swift build --build-tests` first")
    }

    public static var migrations: MigrationSet {
        get throws { try MigrationSet.load(from: repositoryRoot.appendingPathComponent("sql").path) }
    }

    public static func dataFile(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("data/\(name)").path
    }
}

/// Creates the template database (catalogue migrated) once per test process.
actor TemplateDatabase {
    static let shared = TemplateDatabase()
    private var ready: Task<String, any Error>?

    func name() async throws -> String {
        if let ready { return try await ready.value }
        let task = Task { () throws -> String in
            let admin = try TestEnvironment.adminConfig()
            let name = "platform_template_\(ProcessInfo.processInfo.processIdentifier)"
            try await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
            try await Admin.execute("CREATE DATABASE \"\(name)\"", on: admin)
            let database = TenantDatabase(config: admin.with(database: name), poolSize: 1, recycleAfter: 0, logger: TestEnvironment.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                try await MigrationRunner(migrations: try TestEnvironment.migrations, logger: TestEnvironment.logger).migratePlatform(database)
                group.cancelAll()
            }
            // Let the pool close its connection: a template must have no sessions.
            for _ in 0..<50 {
                let sessions = try await Admin.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'", on: admin)
                if sessions == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            return name
        }
        self.ready = task
        return try await task.value
    }
}

/// One-off statements on the admin database.
public enum Admin {
    public static func execute(_ sql: String, on config: DatabaseConfig) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: config.host, port: config.port, username: config.username, password: config.password, database: config.database, tls: .disable),
            id: Int.random(in: 1...1_000_000), logger: TestEnvironment.logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestEnvironment.logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    public static func scalar(_ sql: String, on config: DatabaseConfig) async throws -> Int {
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: config.host, port: config.port, username: config.username, password: config.password, database: config.database, tls: .disable),
            id: Int.random(in: 1...1_000_000), logger: TestEnvironment.logger)
        let rows: [PostgresRow]
        do {
            rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestEnvironment.logger).collect()
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        return try rows.first?.decode(Int.self) ?? 0
    }
}

/// A database of its own for one test: a copy of the template (catalogue at
/// the newest version), a running pool, the provisioning operations.
public final class TestPlatform: Sendable {
    public let name: String
    public let config: DatabaseConfig
    public let database: TenantDatabase
    public let provisioning: CommuneProvisioning
    public let migrations: MigrationSet
    public let logger: Logger

    init(name: String, config: DatabaseConfig, poolSize: Int, migrations: MigrationSet, policy: DomainPolicy) {
        self.name = name
        self.config = config
        self.logger = TestEnvironment.logger
        self.migrations = migrations
        self.database = TenantDatabase(config: config, poolSize: poolSize, recycleAfter: 0, logger: self.logger)
        self.provisioning = CommuneProvisioning(database: self.database, migrations: migrations, policy: policy, logger: self.logger)
    }

    /// `postgres://…/<this test's database>`
    public var url: String {
        "postgres://\(self.config.username)@\(self.config.host):\(self.config.port)/\(self.config.database)"
    }

    /// One integer from a query (counts, versions…).
    public func scalar(_ sql: String) async throws -> Int {
        try await self.database.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger).collect().first?.decode(Int.self) ?? 0
        }
    }

    /// Rows of one text column.
    public func strings(_ sql: String) async throws -> [String] {
        try await self.database.withConnection { connection in
            var result: [String] = []
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger).decode(String.self) {
                result.append(value)
            }
            return result
        }
    }

    /// Runs `body` inside a transaction that first ran `sql` (a `LOCK`, say),
    /// so others wait until `body` is done.
    public func holding(_ sql: String, while body: @Sendable () async throws -> Void) async throws {
        try await self.database.withTransaction { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
            try await body()
        }
    }

    /// Kills `running` with SIGKILL halfway: once `count` (a query of one
    /// integer) reaches `atLeast` (waiting at most 30 s), while `lock` holds
    /// back the command's next transaction, so the kill lands mid-run
    /// whatever the machine's load. Returns the count after the kill.
    public func kill(
        _ running: RunningCommand, whenCount count: String, reaches atLeast: Int, holding lock: String
    ) async throws -> Int {
        for _ in 0..<1500 {
            if try await self.scalar(count) >= atLeast { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await self.holding(lock) {
            running.kill()
            _ = await CommandRunner.finish(running)
        }
        return try await self.scalar(count)
    }

    public func execute(_ sql: String) async throws {
        try await self.database.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
        }
    }

    /// A province (2-level, as since July 2025) with these communes, each
    /// provisioned like `provisioner commune add` does.
    @discardableResult
    public func makeCommunes(province: Int = 46, provinceName: String = "Thành phố Huế", _ communes: [(Int, String)]) async throws -> [TenantRecord] {
        let spec = try self.provisioning.unitSpec(level: .province, code: province, name: provinceName, parentCode: nil, slug: nil, portalURL: nil)
        _ = try await self.provisioning.ensureUnit(spec)
        var records: [TenantRecord] = []
        for (code, name) in communes {
            let spec = try await self.provisioning.spec(code: code, name: name, parentLevel: .province, parentCode: province)
            records.append(try await self.provisioning.createCommune(spec).0)
        }
        return records
    }
}

/// Runs `body` against a fresh database, then drops it.
public func withTestPlatform<Result: Sendable>(
    poolSize: Int = 2, policy: DomainPolicy = DomainPolicy(), migrations: MigrationSet? = nil,
    _ body: @Sendable (TestPlatform) async throws -> Result
) async throws -> Result {
    let admin = try TestEnvironment.adminConfig()
    let template = try await TemplateDatabase.shared.name()
    let name = "t_\(UUID().uuidString.prefix(8).lowercased())"
    try await Admin.execute("CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\"", on: admin)
    let platform = TestPlatform(
        name: name, config: admin.with(database: name), poolSize: poolSize,
        migrations: try migrations ?? TestEnvironment.migrations, policy: policy)
    let result: Result
    do {
        result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await platform.database.run() }
            defer { group.cancelAll() }
            return try await body(platform)
        }
    } catch {
        try? await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
        throw error
    }
    try? await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
    return result
}
