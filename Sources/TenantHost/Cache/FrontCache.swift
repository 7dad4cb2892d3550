import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TenantCore

/// nginx's cache in front of the hosts (`deploy/nginx`): which answers the
/// fronts may keep, and dropping a commune's pages from every front when
/// it changes.
///
/// nginx keeps an answer only when the host sends `X-Accel-Expires` (nginx
/// ignores `Cache-Control` there and never shows the header to the visitor);
/// the host sends it only for a request in its canonical form
/// (``CachePolicy``): a query with parameters no page reads is answered
/// from the host's own cache and never kept by a front, so no visitor can
/// fill a front with keys.
///
/// Each front keeps, per host name, a generation that is part of every
/// cache key (`$front_gen`, deploy/nginx/nginx.conf). Purging a commune is
/// one request per front that bumps the generations of the commune's host
/// names (``purge(tenant:)``): the pages kept under the old generation are
/// never served again and expire unseen, whatever their number. A page
/// that was on its way to nginx when the change happened is stored under
/// the generation of its request, the old one. The host that made a write
/// purges before it answers, and once more two seconds later (another host
/// may still serve a page from its own cache until it hears of the change).
/// Another host purges again on the change's `NOTIFY` only if it let a front
/// keep a page of that commune within that delay (``heard(tenant:)``):
/// a page it may have made before it heard of the change. After a reconnect,
/// ``purgeChanged(since:)`` purges the communes changed while away.
final class FrontCache: Sendable {
    /// Where each front's purge server listens (`deploy/nginx/nginx.conf`).
    let endpoints: [Endpoint]
    /// How long nginx may keep a page after an answer: `X-Accel-Expires`.
    let ttl: Duration
    /// `X-Accel-Expires: <seconds>\r\n`, for ``CacheHitHandler``.
    let headerLine: ByteBuffer
    let headerValue: String
    private let directory: TenantDirectory
    private let database: TenantDatabase
    private let logger: Logger
    private let counters = Mutex(Counters())
    /// What this host did and heard of each commune, for its purges.
    private let marks = Mutex<[Int64: Marks]>([:])

    struct Marks: Sendable {
        /// When this host last let a front keep a page of the commune.
        var kept: ContinuousClock.Instant?
        /// When it started its last write to the commune.
        var writing: ContinuousClock.Instant?
        /// When it last heard a change notification of the commune.
        var heard: ContinuousClock.Instant?
    }
    let secondPassDelay: Duration

    struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        let host: String
        let port: Int
        var description: String { "\(self.host):\(self.port)" }
    }

    struct Counters: Sendable {
        var bumps = 0
        var hosts = 0
        var failures = 0
    }

    init(
        endpoints: [Endpoint], ttl: Duration, directory: TenantDirectory, database: TenantDatabase, logger: Logger,
        secondPassDelay: Duration = .seconds(2)
    ) {
        self.endpoints = endpoints
        self.ttl = ttl
        self.directory = directory
        self.database = database
        self.logger = logger
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

    /// Whether nginx's `X-Front-Cache-Key` names this very request
    /// (`baseURL` + the request target as sent) in printable ASCII. A key
    /// that names anything else (another commune's address) lets nothing be kept.
    static func namesRequest(header: String?, baseURL: String, target: String) -> Bool {
        guard let header, header.utf8.count == baseURL.utf8.count + target.utf8.count, header.utf8.count <= 4096,
            header.hasPrefix(baseURL), header.utf8.dropFirst(baseURL.utf8.count).elementsEqual(target.utf8),
            header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return false }
        return true
    }

    /// Drops a commune's pages from every front: bumps the generations of
    /// the host names its pages are on; and again after `secondPassDelay`,
    /// without waiting for that.
    func purge(tenant: Int64) async {
        let hosts = self.directory.snapshot.pageHosts(of: tenant)
        await self.bump(hosts)
        let delay = self.secondPassDelay
        Task {
            try? await Task.sleep(for: delay)
            await self.bump(hosts)
        }
    }

    /// Notes that this host is about to write to `tenant`'s content and
    /// purge it itself: what it let fronts keep before is dropped by that
    /// purge, so its own notification of the change needs no purge more.
    func writing(tenant: Int64) {
        let now = ContinuousClock.now
        self.marks.withLock {
            $0[tenant, default: Marks()].kept = nil
            $0[tenant, default: Marks()].writing = now
        }
    }

    /// Notes that this host heard `tenant`'s change notification; returns
    /// whether it let a front keep a page of `tenant` within the second
    /// pass's delay: a page made before it heard of the change may then be
    /// in a front under the generation the writer gave.
    func heard(tenant: Int64) -> Bool {
        let now = ContinuousClock.now
        return self.marks.withLock { marks in
            marks[tenant, default: Marks()].heard = now
            return marks[tenant]?.kept.map { $0 > now - self.secondPassDelay } ?? false
        }
    }

    /// The writer's purge, once the change's notification has reached this
    /// host (at most `wait`): every host listens on the same channel, so by
    /// then the others have dropped their own copies of the commune's pages
    /// too, and a front that asks one of them after the purge gets the new
    /// page, not the old one kept again under the new generation.
    func purgeAfterWrite(tenant: Int64, wait: Duration = .milliseconds(250)) async {
        let deadline = ContinuousClock.now + wait
        while ContinuousClock.now < deadline {
            let heard = self.marks.withLock { marks -> Bool in
                guard let since = marks[tenant]?.writing else { return true }
                return marks[tenant]?.heard.map { $0 >= since } ?? false
            }
            if heard { break }
            try? await Task.sleep(for: .milliseconds(1))
        }
        await self.purge(tenant: tenant)
    }

    /// Notes that this host lets a front keep a page of `tenant`.
    func kept(tenant: Int64) {
        let now = ContinuousClock.now
        self.marks.withLock { $0[tenant, default: Marks()].kept = now }
    }

    /// One bump of a commune's host names, without a second pass.
    func purgeOnce(tenant: Int64) async {
        await self.bump(self.directory.snapshot.pageHosts(of: tenant))
    }

    /// After notifications may have been missed (a reconnect, or this host's
    /// start): drops the pages of every commune changed since `lostAt`
    /// (less a margin for clocks), or, at start, since the oldest page a
    /// front can still hold was kept. Not every commune's pages: the fronts
    /// keep serving what did not change, and a front that has marked the
    /// hosts down just after an outage still has pages to serve.
    func purgeChanged(since lostAt: Date?) async {
        let since = lostAt.map { $0.addingTimeInterval(-10) } ?? Date().addingTimeInterval(-Double(self.ttl.components.seconds) - 10)
        let ids: [Int64]
        do {
            ids = try await self.database.withConnection { connection in
                try await Catalogue(logger: self.logger).tenantsChanged(since: since, on: connection)
            }
        } catch {
            // The fronts keep those pages until they expire (FRONT_CACHE_TTL_SECONDS).
            self.logger.error("front cache: cannot read the communes changed while away", metadata: ["error": "\(error.message)"])
            return
        }
        let snapshot = self.directory.snapshot
        await self.bump(ids.flatMap { snapshot.pageHosts(of: $0) })
    }

    /// One request per front: `POST /generation` with the host names, one
    /// per line; the front answers how many it bumped.
    func bump(_ hosts: [String]) async {
        guard !hosts.isEmpty else { return }
        let body = hosts.joined(separator: "\n") + "\n"
        await withTaskGroup(of: Void.self) { group in
            for endpoint in self.endpoints {
                group.addTask {
                    do {
                        var request = HTTPClientRequest(url: "http://\(endpoint.host):\(endpoint.port)/generation")
                        request.method = .POST
                        request.headers.add(name: "Host", value: "front-purge")
                        request.headers.add(name: "Content-Type", value: "text/plain")
                        request.body = .bytes(ByteBuffer(string: body))
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
                        _ = try await response.body.collect(upTo: 1024)
                        guard response.status == .ok else { throw PurgeError(description: "the front answered \(response.status.code)") }
                        self.counters.withLock {
                            $0.bumps += 1
                            $0.hosts += hosts.count
                        }
                    } catch {
                        self.counters.withLock { $0.failures += 1 }
                        self.logger.error(
                            "front cache: purge failed; that front keeps the pages until they expire",
                            metadata: ["front": "\(endpoint)", "hosts": "\(hosts.prefix(3).joined(separator: " "))", "error": "\(error)"])
                    }
                }
            }
        }
    }

    struct PurgeError: Error, CustomStringConvertible {
        let description: String
    }

    var statistics: Counters { self.counters.withLock { $0 } }
}
