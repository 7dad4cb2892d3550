import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
@testable import TenantCore

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

    /// The site import's fixture: a real WordPress 6.1 site's export and
    /// mirror (Tests/ProvisionerTests/Fixtures/wordpress, remade by ops/fixtures/wordpress-fixture).
    public static var wordpressFixture: String {
        repositoryRoot.appendingPathComponent("Tests/ProvisionerTests/Fixtures/wordpress").path
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
            try await Self.dropLeftovers(on: admin)
            try await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
            try await Admin.execute("CREATE DATABASE \"\(name)\"", on: admin)
            let database = TenantDatabase(config: admin.with(database: name), poolSize: 1, recycleAfter: 0, logger: TestEnvironment.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                try await MigrationRunner(migrations: try TestEnvironment.migrations, logger: TestEnvironment.logger).migratePlatform(database)
                group.cancelAll()
            }
            try await Self.waitForNoSessions(name, on: admin)
            return name
        }
        self.ready = task
        return try await task.value
    }

    /// Lets a pool close its connections: a template must have no sessions.
    static func waitForNoSessions(_ name: String, on admin: DatabaseConfig) async throws {
        for _ in 0..<100 {
            let sessions = try await Admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'", on: admin)
            if sessions == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Drops the templates and fixtures of test processes that are gone
    /// (a process cannot drop its own when it exits).
    static func dropLeftovers(on admin: DatabaseConfig) async throws {
        let names = try await Admin.strings(
            "SELECT datname FROM pg_database WHERE datname ~ '^(platform_template|fixture_[a-z0-9]+)_[0-9]+$'", on: admin)
        for name in names {
            guard let pid = name.split(separator: "_").last.flatMap({ Int32($0) }), pid != ProcessInfo.processInfo.processIdentifier,
                kill(pid, 0) != 0
            else { continue }
            try? await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
        }
    }
}

/// One-off statements on the admin database.
public enum Admin {
    public static func execute(_ sql: String, on config: DatabaseConfig) async throws {
        _ = try await self.rows(sql, on: config)
    }

    public static func scalar(_ sql: String, on config: DatabaseConfig) async throws -> Int {
        try await self.rows(sql, on: config).first?.decode(Int.self) ?? 0
    }

    public static func strings(_ sql: String, on config: DatabaseConfig) async throws -> [String] {
        try await self.rows(sql, on: config).map { try $0.decode(String.self) }
    }

    /// The rows of one statement on a connection of its own.
    static func rows(_ sql: String, on config: DatabaseConfig) async throws -> [PostgresRow] {
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
        return rows
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
        // Every path a test runs takes one lease at a time.
        self.database = TenantDatabase(config: config, poolSize: poolSize, recycleAfter: 0, nestedLeases: .refused, logger: self.logger)
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

    /// Starts `command` and kills it with SIGKILL halfway, whatever the
    /// machine's load: a trigger on `table` holds back (on an advisory lock
    /// the test owns) each transaction that would take `count` — a query of
    /// one integer — past `atLeast`; once one waits there, the command is
    /// killed and its open transactions roll back. Returns `count` after the
    /// kill: at least `atLeast`, and at most `atLeast` plus the command's
    /// parallel jobs less one.
    public func killHalfway(
        _ command: [String], environment: [String: String] = [:], gate table: String, after event: String, count: String, reaches atLeast: Int
    ) async throws -> Int {
        let key = 4_242
        try await self.execute("""
            CREATE FUNCTION public.test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (\(count)) > \(atLeast) THEN PERFORM pg_advisory_xact_lock_shared(\(key)); END IF;
                RETURN NULL;
            END $$
            """)
        try await self.execute("CREATE TRIGGER test_gate AFTER \(event) ON \(table) FOR EACH ROW EXECUTE FUNCTION public.test_gate()")
        let gate = try await PostgresConnection.connect(
            configuration: .init(host: config.host, port: config.port, username: config.username, password: config.password, database: config.database, tls: .disable),
            id: 4_242, logger: self.logger)
        try await gate.query("SELECT pg_advisory_lock(\(key))", logger: self.logger)
        let running = try CommandRunner.start(command, databaseURL: self.url, environment: environment)
        for _ in 0..<3_000 where running.process.isRunning {
            let waiting = try await self.scalar(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(key) AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
            if waiting > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        running.kill()
        _ = await CommandRunner.finish(running)
        try await gate.close()
        // The killed command's transactions finish their statement, find the
        // client gone and roll back.
        for _ in 0..<500 {
            let busy = try await self.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")
            if busy == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await self.execute("DROP TRIGGER test_gate ON \(table)")
        try await self.execute("DROP FUNCTION public.test_gate()")
        return try await self.scalar(count)
    }

    /// The catalogue's record of a commune.
    public func record(_ code: Int) async throws -> TenantRecord {
        let catalogue = Catalogue(logger: self.logger)
        let found = try await self.database.withConnection { connection in try await catalogue.tenant(code: code, on: connection) }
        guard let found else { throw TenantCoreError(.notFound, "commune \(code) is not in the test database") }
        return found
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

/// A starting state several tests share: `setup` runs once per test
/// process on a database of its own, and each test gets a fresh copy of
/// that database, so tests stay independent without repeating the setup.
public struct TestFixture: Sendable {
    public let name: String
    let setup: @Sendable (TestPlatform) async throws -> Void

    public init(_ name: String, setup: @escaping @Sendable (TestPlatform) async throws -> Void) {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "fixture names are ASCII letters and digits")
        self.name = name
        self.setup = setup
    }
}

extension TestFixture {
    /// Huế (a province without districts) with these communes, as
    /// ``TestPlatform/makeCommunes(province:provinceName:_:)`` makes them.
    public static func communes(_ list: [(Int, String)]) -> TestFixture {
        // Named by the codes and a checksum of the names.
        let names = list.map(\.1).joined().unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) % 1_000_003 }
        return TestFixture("communes\(list.map { String($0.0) }.joined(separator: "x"))n\(names)") { platform in
            try await platform.makeCommunes(list)
        }
    }
}

/// The fixtures' databases, each built once per test process from the
/// platform template.
actor FixtureDatabases {
    static let shared = FixtureDatabases()
    private var ready: [String: Task<String, any Error>] = [:]

    func name(of fixture: TestFixture) async throws -> String {
        if let task = self.ready[fixture.name] { return try await task.value }
        let task = Task { () throws -> String in
            let admin = try TestEnvironment.adminConfig()
            let template = try await TemplateDatabase.shared.name()
            let name = "fixture_\(fixture.name.lowercased())_\(ProcessInfo.processInfo.processIdentifier)"
            try await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
            try await Admin.execute("CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\"", on: admin)
            let platform = TestPlatform(
                name: name, config: admin.with(database: name), poolSize: 2, migrations: try TestEnvironment.migrations, policy: DomainPolicy())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await platform.database.run() }
                try await fixture.setup(platform)
                group.cancelAll()
            }
            try await TemplateDatabase.waitForNoSessions(name, on: admin)
            return name
        }
        self.ready[fixture.name] = task
        return try await task.value
    }
}

/// Runs `body` against a fresh copy of `fixture`'s database, then drops it.
public func withTestPlatform<Result: Sendable>(
    from fixture: TestFixture, poolSize: Int = 2, _ body: @Sendable (TestPlatform) async throws -> Result
) async throws -> Result {
    let source: String
    do {
        let step = Watchdog.enter("waiting for its fixture's database")
        defer { step.leave() }
        source = try await FixtureDatabases.shared.name(of: fixture)
    }
    return try await withTestPlatform(poolSize: poolSize, template: source, body)
}

/// Runs `body` against a fresh database, then drops it.
public func withTestPlatform<Result: Sendable>(
    poolSize: Int = 2, policy: DomainPolicy = DomainPolicy(), migrations: MigrationSet? = nil, template source: String? = nil,
    _ body: @Sendable (TestPlatform) async throws -> Result
) async throws -> Result {
    let step = Watchdog.enter("waiting for the template database")
    defer { step.leave() }
    let admin = try TestEnvironment.adminConfig()
    let template: String
    if let source { template = source } else { template = try await TemplateDatabase.shared.name() }
    let name = "t_\(UUID().uuidString.prefix(8).lowercased())"
    step.now("creating \(name)")
    try await Admin.execute("CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\"", on: admin)
    let platform = TestPlatform(
        name: name, config: admin.with(database: name), poolSize: poolSize,
        migrations: try migrations ?? TestEnvironment.migrations, policy: policy)
    let result: Result
    do {
        result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await platform.database.run() }
            defer {
                step.now("stopping the pool of \(name)")
                group.cancelAll()
            }
            step.now("running on \(name)")
            return try await body(platform)
        }
    } catch {
        step.now("dropping \(name)")
        try? await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
        throw error
    }
    step.now("dropping \(name)")
    try? await Admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", on: admin)
    return result
}

extension TenantDatabase {
    /// A transaction on `schema`'s unit whose search_path is that schema, so
    /// a test reads the commune's tables by their plain names.
    public func withTenant<Result: Sendable>(
        _ schema: SchemaName, _ body: (UnitOfWork) async throws -> Result
    ) async throws -> Result {
        try await self.withTransaction(schema: schema) { connection in
            try await Self.setLocalSearchPath(schema, on: connection, logger: self.logger)
            return try await body(connection)
        }
    }
}
