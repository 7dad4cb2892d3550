import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization
import TenantCore

/// nginx's cache in front of the hosts (`deploy/nginx`): which pages the
/// fronts may keep, and dropping them from every front when a commune changes.
///
/// nginx keeps a page only when the host answers it with `X-Accel-Expires`
/// (nginx ignores `Cache-Control` there and never shows the header to the
/// visitor). nginx names each request with its front key,
/// `X-Front-Cache-Key: $scheme://$host$request_uri`, the key it stores the
/// page under. Before the first answer that lets nginx keep a page, the
/// host records that key in `platform.front_cache` (shared by every host);
/// after that, answers from the page cache (early ones too) carry the header
/// while the record is young enough to outlive what nginx keeps.
///
/// When a commune changes — a write on this host (before it answers), a
/// `NOTIFY` from another host or the provisioner — ``purge(tenant:)``
/// purges every key of the commune recorded by any host and not yet expired
/// on every front (`FRONT_CACHE_PURGE`). Rows are not deleted by a purge but
/// when they expire, so a page that reached nginx just after a purge (a host
/// was sending it before it heard of the change) is purged by the next
/// change too; the same keys are also purged once more two seconds later,
/// and nothing is kept by nginx longer than `ttl`. After a reconnect,
/// ``purgeChanged(since:)`` purges the communes changed while away.
final class FrontCache: Service, Sendable {
    /// Where each front's purge server listens (`deploy/nginx/nginx.conf`).
    let endpoints: [Endpoint]
    /// How long nginx may keep a page after an answer: `X-Accel-Expires`.
    let ttl: Duration
    /// `X-Accel-Expires: <seconds>\r\n`, for ``CacheHitHandler``.
    let headerLine: ByteBuffer
    let headerValue: String
    /// Front keys this host hands out, at most (the fronts may keep more:
    /// beyond it, pages are still served, without the header).
    let capacity: Int
    let perCommune: Int
    private let database: TenantDatabase
    private let logger: Logger
    private let state = Mutex(State())
    private let counters = Mutex(Counters())
    let secondPassDelay: Duration
    /// The longest an answer waits for its key to be recorded.
    let registrationLimit: Duration = .milliseconds(300)

    struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        let host: String
        let port: Int
        var description: String { "\(self.host):\(self.port)" }
    }

    struct Counters: Sendable {
        var registered = 0
        var purged = 0
        var purgeFailures = 0
    }

    private struct State {
        /// Keys handed out, per commune, with when this host stops handing
        /// them out (their rows live `ttl` + 10 s longer).
        var keys: [Int64: [String: ContinuousClock.Instant]] = [:]
        var count = 0
    }

    init(
        endpoints: [Endpoint], ttl: Duration, database: TenantDatabase, logger: Logger, capacity: Int = 500_000,
        perCommune: Int = 5_000, secondPassDelay: Duration = .seconds(2)
    ) {
        self.endpoints = endpoints
        self.ttl = ttl
        self.database = database
        self.logger = logger
        self.capacity = capacity
        self.perCommune = perCommune
        self.secondPassDelay = secondPassDelay
        self.headerValue = String(ttl.components.seconds)
        self.headerLine = ByteBuffer(string: "X-Accel-Expires: \(ttl.components.seconds)\r\n")
    }

    /// Parses `FRONT_CACHE_PURGE`: `host:port` entries separated by commas.
    static func endpoints(_ raw: String) -> [Endpoint]? {
        var result: [Endpoint] = []
        for item in raw.split(separator: ",") {
            let item = item.trimmingCharacters(in: .whitespaces)
            guard let colon = item.lastIndex(of: ":"), let port = Int(item[item.index(after: colon)...]), (1...65535).contains(port) else {
                return nil
            }
            let host = String(item[..<colon])
            guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else { return nil }
            result.append(Endpoint(host: host, port: port))
        }
        return result.isEmpty ? nil : result
    }

    /// The front key of a request if nginx may keep its answer: the
    /// `X-Front-Cache-Key` nginx sent, when it names this very request
    /// (`baseURL` + the request target as sent) in printable ASCII. A key
    /// that names anything else (another commune's address) is ignored.
    static func key(header: String?, baseURL: String, target: String) -> String? {
        guard let header, header.utf8.count == baseURL.utf8.count + target.utf8.count, header.utf8.count <= 4096,
            header.hasPrefix(baseURL), header.utf8.dropFirst(baseURL.utf8.count).elementsEqual(target.utf8),
            header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return header
    }

    /// Whether an answer to `key` may tell nginx to keep the page now.
    func handsOut(tenant: Int64, key: String, now: ContinuousClock.Instant = .now) -> Bool {
        self.state.withLock { s in
            guard let until = s.keys[tenant]?[key] else { return false }
            return until > now
        }
    }

    /// Whether an answer to `key` may tell nginx to keep the page: handed
    /// out already, or recorded now (``register(tenant:key:)``).
    func allows(tenant: Int64, key: String) async -> Bool {
        if self.handsOut(tenant: tenant, key: key) { return true }
        return await self.register(tenant: tenant, key: key)
    }

    /// Records `key` in `platform.front_cache` so that the next change of the
    /// commune purges it; true when the answer may carry `X-Accel-Expires`.
    func register(tenant: Int64, key: String) async -> Bool {
        let room = self.state.withLock { s in
            s.count < self.capacity && (s.keys[tenant]?.count ?? 0) < self.perCommune || s.keys[tenant]?[key] != nil
        }
        guard room else { return false }
        // The row outlives the last answer this host gives with the header
        // (`handsOut` stops `ttl` after now) by what nginx keeps after it.
        let rowSeconds = 2 * self.ttl.components.seconds + 10
        // Never holds the answer up: a page not recorded within the limit
        // (PostgreSQL failing over, say) is answered without the header.
        let recorded = await Self.within(self.registrationLimit) {
            do {
                try await self.database.withConnection { connection in
                    try await connection.query(
                        """
                        INSERT INTO platform.front_cache (tenant_id, key, expires_at)
                        VALUES (\(tenant), \(key), now() + make_interval(secs => \(Double(rowSeconds))))
                        ON CONFLICT (tenant_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
                        """, logger: self.logger)
                }
                return true
            } catch {
                self.logger.warning("front cache: cannot record a page", metadata: ["error": "\(TenantDatabase.map(error).message)"])
                return false
            }
        }
        guard recorded else { return false }
        let until = ContinuousClock.now + self.ttl
        self.state.withLock { s in
            if s.keys[tenant, default: [:]].updateValue(until, forKey: key) == nil { s.count += 1 }
        }
        self.counters.withLock { $0.registered += 1 }
        return true
    }

    /// Whether `body` returned true within `limit`; `body` runs on to its end
    /// either way, but the caller does not wait for it past the limit.
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async -> Bool) async -> Bool {
        let race = Race()
        return await withCheckedContinuation { continuation in
            race.waiting.withLock { $0 = continuation }
            Task {
                let result = await body()
                race.finish(result)
            }
            Task {
                try? await Task.sleep(for: limit)
                race.finish(false)
            }
        }
    }

    /// The first of two tasks to finish answers ``within(_:_:)``.
    private final class Race: Sendable {
        let waiting = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        func finish(_ result: Bool) { self.waiting.withLock { $0.take() }?.resume(returning: result) }
    }

    /// Drops a commune's pages from every front: purges every key nginx may
    /// hold for it; and again after `secondPassDelay`, without waiting for that.
    func purge(tenant: Int64) async {
        await self.purgeRows(where: tenant)
    }

    /// After notifications may have been missed (a reconnect, or this host's
    /// start): drops the pages of every commune changed since `lostAt`
    /// (less a margin for clocks), or, at start, since the oldest page a
    /// front can still hold was handed out. Not every commune's pages: the
    /// fronts keep serving what did not change, and a front that has marked
    /// the hosts down just after an outage still has pages to serve.
    func purgeChanged(since lostAt: Date?) async {
        let window = 2 * Double(self.ttl.components.seconds) + 10
        let since = lostAt.map { $0.addingTimeInterval(-10) } ?? Date().addingTimeInterval(-window)
        await self.purgeRows(where: nil, changedSince: since)
    }

    private func purgeRows(where tenant: Int64?, changedSince: Date? = nil) async {
        let keys: [String]
        do {
            keys = try await self.database.withConnection { connection in
                let rows =
                    if let tenant {
                        try await connection.query(
                            "SELECT key FROM platform.front_cache WHERE tenant_id = \(tenant) AND expires_at > now()", logger: self.logger)
                    } else {
                        try await connection.query(
                            """
                            SELECT f.key FROM platform.front_cache f JOIN platform.tenants t ON t.unit_id = f.tenant_id
                             WHERE f.expires_at > now()
                               AND (t.content_changed_at >= \(changedSince ?? .distantPast) OR t.updated_at >= \(changedSince ?? .distantPast))
                            """, logger: self.logger)
                    }
                var keys: [String] = []
                for try await key in rows.decode(String.self) { keys.append(key) }
                return keys
            }
        } catch {
            // The next change or reconnect purges them.
            self.logger.error(
                "front cache: cannot read the pages to purge; the fronts keep them until they expire",
                metadata: ["tenant.id": "\(tenant.map(String.init) ?? "all")", "error": "\(error.message)"])
            return
        }
        guard !keys.isEmpty else { return }
        await self.send(keys, tenant: tenant)
        let delay = self.secondPassDelay
        Task {
            try? await Task.sleep(for: delay)
            await self.send(keys, tenant: tenant)
        }
    }

    /// Purges `keys` on every front at once; each front over one keep-alive connection.
    func send(_ keys: [String], tenant: Int64?) async {
        await withTaskGroup(of: Void.self) { group in
            for endpoint in self.endpoints {
                group.addTask {
                    do {
                        let purged = try await Self.purge(keys, at: endpoint)
                        self.counters.withLock { $0.purged += purged }
                    } catch {
                        self.counters.withLock { $0.purgeFailures += 1 }
                        self.logger.error(
                            "front cache: purge failed; that front keeps the pages until they expire",
                            metadata: [
                                "front": "\(endpoint)", "tenant.id": "\(tenant.map(String.init) ?? "all")", "keys": "\(keys.count)",
                                "error": "\(error)",
                            ])
                    }
                }
            }
        }
    }

    struct PurgeError: Error, CustomStringConvertible {
        let description: String
    }

    /// The copies nginx keeps of a page, by the prefix of their cache key:
    /// plain, and gzipped for clients that take gzip (`$front_variant`).
    static let variants = ["", "gzip:"]

    /// `GET /purge` with `X-Purge-Key` per copy of each key: 200 (purged) or
    /// 404 (not held); anything else fails the batch. Returns how many were held.
    static func purge(_ keys: [String], at endpoint: Endpoint) async throws -> Int {
        let keys = keys.flatMap { key in Self.variants.map { $0 + key } }
        return try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(1))
                    .connect(host: endpoint.host, port: endpoint.port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    var responses = inbound.makeAsyncIterator()
                    var purged = 0
                    for key in keys {
                        var headers = HTTPHeaders()
                        headers.add(name: "Host", value: "front-purge")
                        headers.add(name: "X-Purge-Key", value: key)
                        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/purge", headers: headers)))
                        try await outbound.write(.end(nil))
                        var status: HTTPResponseStatus?
                        loop: while let part = try await responses.next() {
                            switch part {
                            case .head(let head): status = head.status
                            case .body: continue
                            case .end: break loop
                            }
                        }
                        switch status {
                        case .ok?: purged += 1
                        case .notFound?: continue
                        case let other?: throw PurgeError(description: "purge answered \(other.code)")
                        case nil: throw PurgeError(description: "connection closed")
                        }
                    }
                    return purged
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5) + .milliseconds(5 * keys.count))
                throw PurgeError(description: "timed out")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Every five minutes, deletes the rows nobody needs to purge any more.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(300))
                if self.database.isAvailable { await self.deleteExpired() }
            }
        }
    }

    /// Deletes rows nobody needs to purge any more (their pages expired on
    /// every front), and forgets keys this host no longer hands out.
    func deleteExpired() async {
        let now = ContinuousClock.now
        self.state.withLock { s in
            for tenant in Array(s.keys.keys) {
                let before = s.keys[tenant]?.count ?? 0
                s.keys[tenant] = s.keys[tenant]?.filter { $0.value > now }
                if s.keys[tenant]?.isEmpty == true { s.keys[tenant] = nil }
                s.count -= before - (s.keys[tenant]?.count ?? 0)
            }
        }
        _ = try? await self.database.withConnection { connection in
            try await connection.query(
                "DELETE FROM platform.front_cache WHERE expires_at < now() - interval '1 minute'", logger: self.logger)
        }
    }

    var statistics: (handedOut: Int, counters: Counters) {
        (self.state.withLock { $0.count }, self.counters.withLock { $0 })
    }
}
