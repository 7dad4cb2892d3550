import Foundation
import NIOCore
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

@Suite struct PageCacheTests {
    static func page(_ text: String) -> CachedPage {
        PageCache.makePage(body: ByteBuffer(string: text), contentType: "text/html", ttl: .seconds(60))
    }

    @Test func renderStartedBeforeAWrite_isNeverStored() {
        // setup
        let cache = PageCache(capacity: 1 << 20, ttl: .seconds(60))
        let key = PageCache.Key(tenant: 7, target: "/")
        let generation = cache.generation(of: 7)
        // act: a write lands while the page is being rendered
        cache.invalidate(tenant: 7)
        cache.store(Self.page("old"), key: key, generation: generation)
        // check
        #expect(cache.lookup(key, now: .now) == nil)
        cache.store(Self.page("new"), key: key, generation: cache.generation(of: 7))
        #expect(cache.lookup(key, now: .now).map { String(buffer: $0.body) } == "new")
    }

    @Test func invalidation_dropsOnlyThatCommune() {
        let cache = PageCache(capacity: 1 << 20, ttl: .seconds(60))
        for tenant: Int64 in [1, 2] {
            cache.store(Self.page("p\(tenant)"), key: .init(tenant: tenant, target: "/"), generation: cache.generation(of: tenant))
        }
        cache.invalidate(tenant: 1)
        #expect(cache.lookup(.init(tenant: 1, target: "/"), now: .now) == nil)
        #expect(cache.lookup(.init(tenant: 2, target: "/"), now: .now) != nil)
        cache.invalidateAll()
        #expect(cache.lookup(.init(tenant: 2, target: "/"), now: .now) == nil)
    }

    @Test func memory_staysWithinItsBudget() {
        let cache = PageCache(capacity: 200_000, ttl: .seconds(60))
        let body = String(repeating: "x", count: 3_000)
        for i in 0..<500 {
            cache.store(Self.page(body + "\(i)"), key: .init(tenant: Int64(i % 7), target: "/\(i)"), generation: cache.generation(of: Int64(i % 7)))
        }
        #expect(cache.statistics.bytes <= 200_000)
        #expect(cache.statistics.entries > 10)
        // The most recent page survives eviction.
        #expect(cache.lookup(.init(tenant: Int64(499 % 7), target: "/499"), now: .now) != nil)
    }

    @Test func expiredPages_areServedOnlyWhenTheDatabaseIsDown() {
        let cache = PageCache(capacity: 1 << 20, ttl: .zero)
        let key = PageCache.Key(tenant: 1, target: "/")
        cache.store(PageCache.makePage(body: ByteBuffer(string: "x"), contentType: "text/html", ttl: .zero), key: key, generation: cache.generation(of: 1))
        #expect(cache.lookup(key, now: .now + .seconds(1)) == nil)
        #expect(cache.lookup(key, now: .now + .seconds(1), allowStale: true) != nil)
    }
}

extension CachedPage: Equatable {
    public static func == (a: CachedPage, b: CachedPage) -> Bool { a.etag == b.etag }
}

@Suite struct LiveCacheTests {
    /// A page served from the cache is replaced as soon as the commune's
    /// content changes, through NOTIFY from another connection.
    @Test func publishedArticle_appearsOnTheNextRequests() async throws {
        try await withTestPlatform { platform in
            let record = try await platform.makeCommunes([(19900, "Phường Thuận An")])[0]
            try await withTestHost(platform, cacheTTL: 3600) { host in
                let site = "thuan-an.hue.localhost"
                let first = try await host.get(host: site)
                let again = try await host.get(host: site)
                #expect(first.header("ETag") == again.header("ETag"))
                // act: publish through TenantCore in another connection
                try await platform.database.withTransaction { connection in
                    try await ContentStore(logger: platform.logger).insert(
                        Entry(sectionID: 4, title: "Tin mới vừa đăng"), into: SchemaName(communeCode: 19900), on: connection)
                    try await Catalogue(logger: platform.logger).touchContent(tenantID: record.unitID, on: connection)
                }
                // check
                #expect(try await host.eventually(timeout: .seconds(3)) {
                    try await host.get(host: site).text.contains("Tin mới vừa đăng")
                })
                // And other communes' caches were left alone (nothing to check
                // beyond not failing); the list page shows it too.
                #expect(try await host.get("/tin-tuc", host: site).text.contains("Tin mới vừa đăng"))
            }
        }
    }
}

@Suite struct OutageTests {
    /// PostgreSQL goes away for longer than PostgresNIO's reconnect back-off
    /// would forgive: during the outage every request gets its answer (the
    /// cached page, or a 503 page) within a second; once PostgreSQL is back,
    /// pages are served again within two seconds.
    @Test func databaseDown_gives503Fast_thenRecoversWithinTwoSeconds() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([(19900, "Phường Thuận An")])
            let proxy = try await TCPProxy(targetPort: platform.config.port)
            var viaProxy = platform.config
            viaProxy.host = "127.0.0.1"
            viaProxy.port = proxy.port
            try await withTestHost(platform, database: viaProxy, cacheTTL: 3600) { host in
                let site = "thuan-an.hue.localhost"
                #expect(try await host.get(host: site).status == 200)
                // act
                await proxy.cut()
                // check: steady requests for 12 s, cached and uncached
                let outage = ContinuousClock.now
                var slowest: Duration = .zero
                var statuses: [Int: Int] = [:]
                var i = 0
                while ContinuousClock.now - outage < .seconds(12) {
                    i += 1
                    let started = ContinuousClock.now
                    let response = try await host.get(i % 3 == 0 ? "/" : "/tim-kiem?q=\(i)", host: site)
                    slowest = max(slowest, ContinuousClock.now - started)
                    statuses[response.status, default: 0] += 1
                    if i % 3 == 0 { #expect(response.status == 200, "the cached home page keeps answering") }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(Set(statuses.keys).isSubset(of: [200, 503]), "\(statuses)")
                #expect(statuses[503, default: 0] > 0)
                #expect(slowest < .seconds(1), "slowest answer during the outage: \(slowest)")
                let page = try await host.get("/gioi-thieu", host: site)
                #expect(page.status == 503)
                #expect(page.text.contains("Hệ thống tạm thời gián đoạn"))
                // act
                try await proxy.restore()
                let back = ContinuousClock.now
                // check
                let up = try await host.eventually(timeout: .seconds(10)) {
                    try await host.get("/gioi-thieu", host: site).status == 200
                }
                let recovery = ContinuousClock.now - back
                #expect(up)
                #expect(recovery < .seconds(2), "pages came back \(recovery) after PostgreSQL")
            }
            await proxy.cut()
        }
    }
}
