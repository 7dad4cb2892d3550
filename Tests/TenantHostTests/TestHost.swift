import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TenantCore
import TestSupport
@testable import TenantHost

/// A running `tenant-host` on a free port, built by the same composition
/// root as the real one.
struct TestHost: Sendable {
    let port: Int
    /// Where `/metrics` answers, when the host was started with metrics.
    var metricsPort: Int?
    /// The application's responder without a socket; nil when the test is
    /// about the wire (``withTestHost(_:wire:…)``).
    var client: InProcessClient?

    func get(_ path: String = "/", host: String?, headers: [(String, String)] = []) async throws -> RawHTTPResponse {
        if let client { return try await client.send(.get, path, host: host, headers: headers) }
        return try await RawHTTPClient.get(port: self.port, host: host, path: path, headers: headers)
    }

    func head(_ path: String, host: String) async throws -> RawHTTPResponse {
        let request = "HEAD \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
        return try await RawHTTPClient.send(Array(request.utf8), port: self.port)
    }

    /// Cache hits answered ahead of the router so far (`/_health`).
    func earlyHits() async throws -> Int {
        let text = try await self.get("/_health", host: "health").text
        guard let range = text.range(of: "\"early_hits\":") else { throw TestHostError(message: "no early_hits in \(text)") }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? -1
    }

    /// Polls until `condition` holds (the host learns about changes through
    /// NOTIFY). Functional, not timed: the deadline leaves room for a
    /// loaded machine running the whole suite at once.
    func eventually(
        timeout: Duration = .seconds(15), _ condition: @Sendable () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}

func withTestHost<Result: Sendable>(
    _ platform: TestPlatform, database: DatabaseConfig? = nil, cacheTTL: Int = 60, metrics: Bool = false, wire: Bool = false,
    configure: (inout AppConfig) -> Void = { _ in },
    _ body: @Sendable (TestHost) async throws -> Result
) async throws -> Result {
    var config = AppConfig(
        database: database ?? platform.config, bind: "127.0.0.1", port: 0, poolSize: 2, recycleAfter: 0,
        pageCacheBytes: 64 << 20, pageCacheTTL: .seconds(cacheTTL), publicScheme: "http", logLevel: .critical,
        logFormat: "logfmt")
    config.metricsPort = metrics ? 0 : nil
    // New passwords hash at the lowest cost, as the tests' own accounts do;
    // the login timing test measures the production cost on its own.
    config.bcryptCost = 4
    // Every path a test runs takes one lease at a time.
    config.nestedLeases = .refused
    configure(&config)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let (metricsPorts, metricsContinuation) = AsyncStream.makeStream(of: Int.self)
    let step = Watchdog.enter("building the host")
    defer { step.leave() }
    let app = try await buildApplication(
        config: config, onServerRunning: { continuation.yield($0) }, onMetricsRunning: { metricsContinuation.yield($0) })
    // Stopped as systemd stops it (SIGTERM): a graceful shutdown, the
    // server first and the database pool last, so no request or directory
    // reload is cut off from the pool it uses.
    let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test-host")))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // A host that fails to start ends the wait for its port.
            defer {
                continuation.finish()
                metricsContinuation.finish()
            }
            try await services.run()
        }
        let result: Result
        do {
            step.now("starting the host")
            guard let port = await ports.first(where: { _ in true }) else { throw TestHostError(message: "the host stopped before it listened") }
            let client = wire ? nil : try await InProcessClient(app, logger: Logger(label: "test"))
            let host = TestHost(port: port, metricsPort: metrics ? await metricsPorts.first(where: { _ in true }) : nil, client: client)
            // Ready once the catalogue watcher listens (it resets the cache when it starts).
            let ready = try await host.eventually { try await host.get("/_health", host: "health").text.contains("\"watching\":true") }
            guard ready || database != nil else { throw TestHostError(message: "the host did not load its directory within 15 s") }
            step.now("running with the host on \(port)")
            result = try await body(host)
        } catch {
            step.now("stopping the host")
            await services.triggerGracefulShutdown()
            throw error
        }
        step.now("stopping the host")
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}

struct TestHostError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

/// Gives each commune content that carries its own marker text everywhere a
/// page can show it: news, documents, procedures, schedule, static sections,
/// footer.
func addMarkers(_ platform: TestPlatform, codes: [Int]) async throws {
    let store = ContentStore(logger: platform.logger)
    for code in codes {
        let schema = try SchemaName(communeCode: code)
        let marker = "MARKER\(code)X"
        try await platform.database.withConnection { connection in
            for section in [4, 5, 8, 9, 10, 11, 12, 13, 14] {
                try await store.insert(Entry(sectionID: section, title: "Tin \(marker) số \(section)", summary: "Tóm tắt \(marker)", body: "<p>Nội dung \(marker)</p>"), into: schema, on: connection)
            }
            var doc = Entry(sectionID: 6, kind: .document, title: "Quyết định \(marker)", summary: marker)
            doc.docType = "Quyết định"
            doc.docNumber = "\(code)/QĐ-UBND"
            doc.issuer = "UBND \(marker)"
            doc.issuedOn = Date().addingTimeInterval(-86_400)
            try await store.insert(doc, into: schema, on: connection)
            var procedure = Entry(sectionID: 7, kind: .procedure, title: "Thủ tục \(marker)")
            procedure.field = "Lĩnh vực \(marker)"
            procedure.serviceLevel = "toàn trình"
            procedure.portalURL = "https://dichvucong.gov.vn"
            try await store.insert(procedure, into: schema, on: connection)
            var slot = Entry(sectionID: 5, kind: .schedule, title: "Họp \(marker)")
            slot.startsAt = VietnamTime(Date()).startOfWeek.addingTimeInterval(86_400 + 8 * 3600)
            slot.location = "Phòng \(marker)"
            try await store.insert(slot, into: schema, on: connection)
            var leader = Entry(sectionID: 1, kind: .leader, title: "Lãnh đạo \(marker)")
            leader.positionTitle = "Chủ tịch"
            try await store.insert(leader, into: schema, on: connection)
            for section in [1, 2, 3, 15] {
                try await store.updateSectionBody(section, body: "<p>Giới thiệu \(marker)</p>", in: schema, on: connection)
            }
            try await store.updateSite(
                SiteInfo(publisher: "UBND \(marker)", responsiblePerson: "Ông \(marker)", address: "Số 1 \(marker)", phone: "0123", email: "a@b.vn"),
                in: schema, on: connection)
        }
    }
}
