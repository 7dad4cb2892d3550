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

    /// A page made without its encoded head (an uncached page) is never
    /// kept: the early path would answer it without a status line.
    @Test func pageWithoutItsEncodedHead_isNeverStored() {
        let cache = PageCache(capacity: 1 << 20, ttl: .seconds(60))
        let key = PageCache.Key(tenant: 7, target: "/")
        let bare = PageCache.makePage(body: ByteBuffer(string: "bare"), contentType: "text/html", ttl: .seconds(60), wire: false)
        #expect(!bare.hasWire && bare.headers == Self.page("bare").headers)
        #expect(!cache.store(bare, key: key, generation: cache.generation(of: 7)))
        #expect(cache.lookup(key, now: .now) == nil)
        #expect(cache.store(Self.page("kept"), key: key, generation: cache.generation(of: 7)))
        let kept = cache.lookup(key, now: .now)
        #expect(kept.map { String(buffer: $0.wire).hasPrefix("HTTP/1.1 200 OK\r\n") } == true)
    }

    /// A menu and footer read before a write are never used after it; the
    /// least recently used communes go beyond the bound; 0 keeps none.
    @Test func chromeCache_followsGenerations_andItsBound() {
        let pages = PageCache(capacity: 0, ttl: .seconds(60))
        let chromes = ChromeCache(capacity: 10)
        let site = SiteInfo(publisher: "UBND", responsiblePerson: "", responsibleTitle: "", address: "", phone: "", email: "")
        let chrome = ChromeCache.Chrome(sections: [], site: site)
        let generation = pages.generation(of: 7)
        pages.invalidate(tenant: 7)  // a write lands while the menu is read
        chromes.store(chrome, tenant: 7, generation: generation)
        #expect(chromes.lookup(tenant: 7, generation: pages.generation(of: 7)) == nil)
        chromes.store(chrome, tenant: 7, generation: pages.generation(of: 7))
        #expect(chromes.lookup(tenant: 7, generation: pages.generation(of: 7))?.site.publisher == "UBND")
        pages.invalidateAll()
        #expect(chromes.lookup(tenant: 7, generation: pages.generation(of: 7)) == nil)
        for tenant in Int64(100)..<130 {
            chromes.store(chrome, tenant: tenant, generation: 0)
            _ = chromes.lookup(tenant: 100, generation: 0)  // the first one stays in use
        }
        #expect(chromes.figures.communes <= 10)
        #expect(chromes.lookup(tenant: 100, generation: 0) != nil, "the most recently used is kept")
        #expect(chromes.lookup(tenant: 101, generation: 0) == nil, "the least recently used went")
        let none = ChromeCache(capacity: 0)
        none.store(chrome, tenant: 1, generation: 0)
        #expect(none.lookup(tenant: 1, generation: 0) == nil)
    }

    /// What is kept of a section is the row without its body: a seeded text
    /// is swapped for the same text from ``MandatorySection``, and a text the
    /// commune changed stays its own.
    @Test func keptSections_sayWhatTheirRowsSay() {
        let seeded = MandatorySection.allCases.map { section in
            Section(
                id: section.id, slug: section.slug, title: section.title, kind: section.kind, position: section.id,
                mandatory: true, legalBasis: section.legalBasis, summary: section.summary, body: "<p>Nội dung</p>",
                starter: true)
        }
        var changed = seeded[3]
        changed.title = "Tin tức của xã"
        changed.summary = "Tóm tắt riêng"
        var extra = seeded[0]
        extra.id = 40
        extra.slug = "bao-chi"
        for row in seeded + [changed, extra] {
            var expected = row
            expected.body = ""
            expected.bodySource = ""
            let kept = ChromeCache.Chrome.compacted(row)
            #expect(kept == expected, "\(row.slug)")
            #expect(kept.title.utf8.elementsEqual(row.title.utf8) && kept.summary.utf8.elementsEqual(row.summary.utf8))
        }
    }

    /// The ETag is the same for the same bytes and changes with any one
    /// byte, wherever it is (in a 32-byte block or in the tail), and with
    /// the length.
    @Test func etag_changesWithEveryByte() {
        let page = String(repeating: "<p>Ủy ban nhân dân xã thông báo.</p>\n", count: 400) + "tail"
        let base = PageCache.etag(ByteBuffer(string: page))
        #expect(PageCache.etag(ByteBuffer(string: page)) == base)
        var seen: Set<String> = [base]
        let bytes = Array(page.utf8)
        for position in [0, 7, 8, 31, 32, 1000, bytes.count - 5, bytes.count - 1] {
            var changed = bytes
            changed[position] ^= 0x01
            seen.insert(PageCache.etag(ByteBuffer(bytes: changed)))
        }
        seen.insert(PageCache.etag(ByteBuffer(bytes: bytes + [0])))
        seen.insert(PageCache.etag(ByteBuffer(bytes: bytes.dropLast())))
        #expect(seen.count == 11)
        #expect(base.count == 18 && base.hasPrefix("\"") && base.hasSuffix("\""))
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
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19900)
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

@Suite struct ChromeCacheLiveTests {
    /// With no page cache, an uncached page uses the commune's kept menu and
    /// footer: the same bytes as when it read them, and a footer or menu
    /// changed from another connection shows on the next pages.
    @Test func keptMenuAndFooter_giveTheSamePage_andFollowChanges() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19900)
            let schema = try SchemaName(communeCode: 19900)
            let article = try await platform.database.withConnection { connection in
                let store = ContentStore(logger: platform.logger)
                // Two leaders, the second entered first: the introduction lists them by date.
                for (name, daysAgo) in [("Lê Thị Phó Chủ Tịch", 1.0), ("Trần Văn Chủ Tịch", 2.0)] {
                    _ = try await store.insert(
                        Entry(sectionID: 1, kind: .leader, title: name, body: "<p>Tiểu sử \(name).</p>", publishedAt: Date().addingTimeInterval(-daysAgo * 86_400)),
                        into: schema, on: connection)
                }
                return try await store.insert(Entry(sectionID: 4, title: "Tin để đọc hai lần"), into: schema, on: connection)
            }
            try await withTestHost(platform, configure: { $0.pageCacheBytes = 0 }) { host in
                let site = "thuan-an.hue.localhost"
                // The introduction first: its body comes with the menu, then
                // alone; a list's page reads no body once the menu is kept.
                for path in ["/gioi-thieu", "/", "/tin-tuc/\(article)", "/gioi-thieu", "/tin-tuc", "/van-ban", "/thu-tuc-hanh-chinh", "/lien-he"] {
                    let read = try await host.get(path, host: site)
                    let kept = try await host.get(path, host: site)
                    #expect(read.status == 200 && kept.status == 200, "\(path)")
                    #expect(read.header("ETag") == kept.header("ETag"), "\(path): the page made with the kept menu is the same")
                }
                let introduction = try await host.get("/gioi-thieu", host: site).text
                let first = try #require(introduction.range(of: "Trần Văn Chủ Tịch")), second = try #require(introduction.range(of: "Lê Thị Phó Chủ Tịch"))
                #expect(first.lowerBound < second.lowerBound && introduction.contains("Tiểu sử Lê Thị Phó Chủ Tịch."))
                // act: the footer and a section's title change in another connection
                try await platform.database.withTransaction { connection in
                    let store = ContentStore(logger: platform.logger)
                    var footer = try #require(try await store.site(schema, on: connection))
                    footer.address = "Số 9 đường Mới, phường Thuận An"
                    try await store.updateSite(footer, in: schema, on: connection)
                    try await store.updateSectionBody(1, body: "<p>Giới thiệu viết lại.</p>", in: schema, on: connection)
                }
                try await platform.execute("UPDATE \(schema.quoted).sections SET title = 'Tin tức mới đổi tên' WHERE slug = 'tin-tuc'")
                try await platform.database.withTransaction { connection in
                    _ = try await Catalogue(logger: platform.logger).touchContent(tenantID: record.unitID, on: connection)
                }
                // check: the pages show both changes
                #expect(try await host.eventually(timeout: .seconds(5)) {
                    try await host.get("/tin-tuc/\(article)", host: site).text.contains("Số 9 đường Mới")
                })
                for path in ["/", "/tin-tuc/\(article)", "/van-ban", "/gioi-thieu"] {
                    let page = try await host.get(path, host: site).text
                    #expect(page.contains("Số 9 đường Mới") && page.contains("Tin tức mới đổi tên"), "\(path)")
                }
                #expect(try await host.get("/gioi-thieu", host: site).text.contains("Giới thiệu viết lại."))
                #expect(try await host.get("/gioi-thieu", host: site).text.contains("Giới thiệu viết lại."), "again, with the menu kept")
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
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let proxy = try await TCPProxy(targetPort: platform.config.port)
            var viaProxy = platform.config
            viaProxy.host = "127.0.0.1"
            viaProxy.port = proxy.port
            try await withTestHost(platform, database: viaProxy, cacheTTL: 3600, wire: true) { host in
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
                print("measured: during the outage \(statuses), slowest answer \(slowest)")
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
                print("measured: pages came back \(recovery) after PostgreSQL")
                #expect(recovery < .seconds(2), "pages came back \(recovery) after PostgreSQL")
            }
            await proxy.cut()
        }
    }
}

/// Cache hits answered by ``CacheHitHandler``, ahead of the router, are the
/// responses the router would give, in order, and never outlive a write.
@Suite struct EarlyCacheHitTests {
    static let site = "thuan-an.hue.localhost"

    static func fixture(_ platform: TestPlatform) async throws {
        _ = try await platform.makeCommunes([(19900, "Phường Thuận An"), (19901, "Phường Phú Thượng")])
        try await addMarkers(platform, codes: [19900, 19901])
    }

    /// Headers but the date, which each response has its own of, and
    /// `Connection: close`, which the early path says when it closes.
    static func comparable(_ response: RawHTTPResponse) -> [String] {
        response.headers.filter { !["date", "connection"].contains($0.0.lowercased()) }.map { "\($0.0.lowercased()): \($0.1)" }.sorted()
    }

    @Test func hits_getTheRoutersStatusHeadersAndBytes() async throws {
        try await withTestPlatform { platform in
            try await Self.fixture(platform)
            try await withTestHost(platform, cacheTTL: 3600, wire: true) { host in
                for path in ["/", "/tin-tuc", "/van-ban", "/tim-kiem?q=MARKER19900X"] {
                    let gzip = [("Accept-Encoding", "gzip, br")]
                    let missed = try await host.get(path, host: Self.site)
                    let missedGzip = try await host.get(path, host: Self.site, headers: gzip)
                    let hits = try await host.earlyHits()
                    let hit = try await host.get(path, host: Self.site)
                    let hitGzip = try await host.get(path, host: Self.site, headers: gzip)
                    #expect(try await host.earlyHits() == hits + 2, "\(path) answered early")
                    #expect(hit.status == 200 && hit.body == missed.body && hitGzip.body == missedGzip.body, "\(path)")
                    #expect(Self.comparable(hit) == Self.comparable(missed), "\(path)")
                    #expect(Self.comparable(hitGzip) == Self.comparable(missedGzip), "\(path)")
                    #expect(hitGzip.header("Content-Encoding") == "gzip" && hit.header("Content-Encoding") == nil)
                    #expect(hit.header("Date").flatMap(HTTPDate.parse) != nil)
                    #expect(hit.text.contains("MARKER19900X") && !hit.text.contains("MARKER19901X"), "one commune's page only")

                    // Conditional requests: 304 without a body, for either variant's tag.
                    for tag in [hit.header("ETag")!, hitGzip.header("ETag")!, "W/" + hit.header("ETag")!] {
                        let notModified = try await host.get(path, host: Self.site, headers: [("If-None-Match", tag)] + gzip)
                        #expect(notModified.status == 304 && notModified.body.isEmpty, "\(path) \(tag)")
                        #expect(notModified.header("Content-Encoding") == nil && notModified.header("ETag") != nil)
                    }
                    let changed = try await host.get(path, host: Self.site, headers: [("If-None-Match", "\"0000000000000000\"")])
                    #expect(changed.status == 200 && changed.body == missed.body)
                    let since = try await host.get(path, host: Self.site, headers: [("If-Modified-Since", hit.header("Last-Modified")!)])
                    #expect(since.status == 304)

                    // HEAD: the GET's headers and length, no body.
                    let head = try await host.head(path, host: Self.site)
                    #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == String(missed.body.count))
                }
                // The other commune, the same path: its own page.
                let other = try await host.get(host: "phu-thuong.hue.localhost")
                #expect(other.text.contains("MARKER19901X") && !other.text.contains("MARKER19900X"))
            }
        }
    }

    @Test func misses_writesAndTheConsole_goThroughTheRouter() async throws {
        try await withTestPlatform { platform in
            try await Self.fixture(platform)
            try await withTestHost(platform, cacheTTL: 3600, wire: true) { host in
                _ = try await host.get(host: Self.site)
                let hits = try await host.earlyHits()
                // A body on a GET, an absolute URI, the console, an unknown host: never answered early.
                let withBody = try await RawHTTPClient.send(
                    Array("GET / HTTP/1.1\r\nHost: \(Self.site)\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab".utf8), port: host.port)
                #expect(withBody.status == 200)
                _ = try await host.get("/quan-tri", host: Self.site)
                _ = try await host.get(host: "khong-co.hue.localhost")
                _ = try await host.get("/tin-tuc/khong-co", host: Self.site)
                #expect(try await host.earlyHits() == hits)
                // HEAD through the router: the GET's headers, and not one byte of body.
                let head = try await RawHTTPClient.sendReadingAll(
                    Array("HEAD /van-ban HTTP/1.1\r\nHost: \(Self.site)\r\nConnection: close\r\n\r\n".utf8), port: host.port)
                let text = String(decoding: head, as: UTF8.self)
                let get = try await host.get("/van-ban", host: Self.site)
                #expect(text.hasPrefix("HTTP/1.1 200") && text.hasSuffix("\r\n\r\n") && !text.contains("<html"))
                #expect(text.contains("Content-Length: \(get.body.count)\r\n"))
            }
        }
    }

    /// Keep-alive and pipelining: a miss passed to the router and the hits
    /// after it on the same connection come back in the order asked.
    @Test func pipelinedRequests_areAnsweredInOrder() async throws {
        try await withTestPlatform { platform in
            try await Self.fixture(platform)
            try await withTestHost(platform, cacheTTL: 3600, wire: true) { host in
                let home = try await host.get(host: Self.site)
                let hits = try await host.earlyHits()
                func request(_ path: String, method: String = "GET", close: Bool = false) -> String {
                    "\(method) \(path) HTTP/1.1\r\nHost: \(Self.site)\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"
                }
                // Home (hit), list of news (miss: the router), home (hit while
                // the miss is on its way: waits its turn), HEAD of home, home.
                let bytes = request("/") + request("/tin-tuc") + request("/") + request("/", method: "HEAD") + request("/", close: true)
                let data = try await RawHTTPClient.sendReadingAll(Array(bytes.utf8), port: host.port)
                let responses = try RawHTTPClient.parseSequence(data, bodiless: [3])
                try #require(responses.count == 5)
                let news = try await host.get("/tin-tuc", host: Self.site)
                #expect(responses.map(\.status) == [200, 200, 200, 200, 200])
                #expect(responses[0].body == home.body && responses[2].body == home.body && responses[4].body == home.body)
                #expect(responses[1].body == news.body && news.body != home.body)
                #expect(responses[3].body.isEmpty)
                #expect(try await host.earlyHits() > hits)
            }
        }
    }

    /// After a write has returned, no request — early or not — gets the
    /// page from before it, on the host that made the write.
    @Test func aWrite_dropsTheEarlyAnswerBeforeItReturns() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform, cacheTTL: 3600, wire: true) { host in
                let browser = ConsoleBrowser(host)
                #expect(try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303)
                for round in 1...5 {
                    // Cached again (the NOTIFY of the last round's write may come in between).
                    #expect(try await host.eventually {
                        _ = try await host.get(host: siteA)
                        let hits = try await host.earlyHits()
                        _ = try await host.get(host: siteA)
                        return try await host.earlyHits() == hits + 1
                    }, "cached before round \(round)")
                    let title = "Bản tin vòng \(round)"
                    let saved = try await browser.submit(
                        "\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                        [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", title), ("tom-tat", "Tóm tắt."), ("noi-dung", "Nội dung."),
                         ("dinh-dang", "markdown"), ("dang", "dang")])
                    #expect(saved.status == 303)
                    #expect(try await host.get(host: siteA).text.contains(title), "round \(round)")
                }
            }
        }
    }

    /// `CACHE_EARLY_HITS=0`: every hit goes through the router, same bytes.
    @Test func earlyPath_canBeTurnedOff() async throws {
        try await withTestPlatform { platform in
            try await Self.fixture(platform)
            try await withTestHost(platform, cacheTTL: 3600, wire: true, configure: { $0.earlyCacheHits = false }) { host in
                let first = try await host.get(host: Self.site)
                let second = try await host.get(host: Self.site)
                #expect(first.body == second.body && Self.comparable(first) == Self.comparable(second))
                let head = String(decoding: try await RawHTTPClient.sendReadingAll(
                    Array("HEAD /van-ban HTTP/1.1\r\nHost: \(Self.site)\r\nConnection: close\r\n\r\n".utf8), port: host.port), as: UTF8.self)
                #expect(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"))
                #expect(try await host.earlyHits() == 0)
            }
        }
    }
}
