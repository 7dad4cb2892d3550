import Foundation
import NIOCore
import NIOPosix
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// nginx (Debian's, with libnginx-mod-http-lua; `ops/test`
/// installs both) in front of a test host, configured by the repository's
/// `deploy/nginx/nginx.conf` and `tenant-proxy.conf`, on plain HTTP.
struct NginxFront: Sendable {
    let port: Int
    let purgePort: Int
    /// nginx's logs (access.log, visits.log).
    var logDirectory = ""
    /// The master process, to signal.
    var pid: Int32 = 0

    static let binary = "/usr/sbin/nginx"
    static let module = "/usr/lib/nginx/modules/ngx_http_lua_module.so"
    static let brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"

    /// A free port on loopback (bound, then released).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Runs nginx with `hostPort` as its only upstream for `body`; the purge
    /// server listens on `purgePort`.
    static func run<Result: Sendable>(
        hostPort: Int, purgePort: Int, _ body: @Sendable (NginxFront) async throws -> Result
    ) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: Self.binary), FileManager.default.fileExists(atPath: Self.module),
            FileManager.default.fileExists(atPath: Self.brotliModule)
        else {
            throw TestHostError(message: "nginx with libnginx-mod-http-lua is needed (ops/test installs it)")
        }
        let root = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/nginx")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("front-\(UUID().uuidString)")
        for dir in ["tmp", "log", "cache"] {
            try FileManager.default.createDirectory(at: work.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: work) }
        let port = try await Self.freePort()
        let sites = """
            server {
                listen 127.0.0.1:\(port);
                server_name _;
                include \(root.path)/tenant-proxy.conf;
            }

            """
        try sites.write(to: work.appendingPathComponent("sites.conf"), atomically: true, encoding: .utf8)
        var conf = try String(contentsOf: root.appendingPathComponent("nginx.conf"), encoding: .utf8)
        let values = [
            "NGINX_USER": ProcessInfo.processInfo.userName, "NGINX_WORKERS": "1", "NGINX_PID": work.path + "/nginx.pid",
            "NGINX_LOG_DIR": work.path + "/log", "NGINX_TMP": work.path + "/tmp", "NGINX_SITES_CONF": work.path + "/sites.conf",
            "NGINX_EXTRA_INCLUDE": "", "NGINX_CACHE_DIR": work.path + "/cache", "NGINX_PURGE_LISTEN": "127.0.0.1:\(purgePort)",
            "NGINX_PURGE_ALLOW": "        allow 127.0.0.1;",
            "UPSTREAM_SERVERS": "        server 127.0.0.1:\(hostPort) max_fails=2 fail_timeout=5s;",
        ]
        for (name, value) in values { conf = conf.replacingOccurrences(of: "{{\(name)}}", with: value) }
        #expect(!conf.contains("{{"), "nginx.conf has a placeholder the test does not fill")
        let confPath = work.appendingPathComponent("nginx.conf").path
        try conf.write(toFile: confPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-c", confPath, "-e", work.path + "/log/error.log", "-g", "daemon off;"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let front = NginxFront(port: port, purgePort: purgePort, logDirectory: work.path + "/log", pid: process.processIdentifier)
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await RawHTTPClient.get(port: port, host: "health", path: "/_health")) == nil {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let log = (try? String(contentsOfFile: work.path + "/log/error.log", encoding: .utf8)) ?? ""
                throw TestHostError(message: "nginx did not start: \(log.suffix(1500))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await body(front)
    }

    func get(_ path: String = "/", host: String, headers: [(String, String)] = []) async throws -> RawHTTPResponse {
        try await RawHTTPClient.get(port: self.port, host: host, path: path, headers: headers)
    }
}

/// A page's cache key keeps only the query parameters its route reads.
@Suite struct CachePolicyTests {
    static let base = "http://thuan-an.hue.localhost"

    static func policy(_ target: String, front: Bool = true, cookie: String? = nil) -> CachePolicy {
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        return CachePolicy.decide(
            isRead: true, tenant: 7, baseURL: Self.base, path: path, query: query, target: target, cookie: cookie,
            frontKey: front ? Self.base + target : nil)
    }

    @Test func queryParametersNoPageReads_shareTheCleanPagesKey_andNoFrontKeepsThem() {
        let clean = Self.policy("/")
        #expect(clean.front)
        for junk in ["/?x=1", "/?fbclid=IwAR0abc", "/?utm_source=zalo&utm_medium=social", "/?trang=2", "/?&&", "/?x"] {
            let policy = Self.policy(junk)
            #expect(policy.pageKey == clean.pageKey, "\(junk)")
            #expect(!policy.front, "\(junk): only the canonical address is kept by a front")
        }
        // Parameters a page reads stay, in a fixed order.
        #expect(Self.policy("/tin-tuc?fbclid=1&trang=2").pageKey == Self.policy("/tin-tuc?trang=2").pageKey)
        #expect(Self.policy("/tin-tuc?trang=2").pageKey != Self.policy("/tin-tuc").pageKey)
        #expect(Self.policy("/van-ban?so=1&loai=QĐ").pageKey == Self.policy("/van-ban?loai=QĐ&so=1").pageKey)
        #expect(Self.policy("/van-ban?loai=QĐ&so=1").front == false, "not in its fixed order")
        // A search is one visitor's: kept by the host, never by a front.
        #expect(Self.policy("/tim-kiem?q=khai+sinh").pageKey != nil)
        #expect(!Self.policy("/tim-kiem?q=khai+sinh").front)
        // A visitor who has just written, or a front that did not name the request: nothing kept by a front.
        #expect(Self.policy("/", cookie: "vua_sua=1") == .never)
        #expect(!Self.policy("/", front: false).front)
    }
}

extension String {
    /// `"pages":N` of a host's `/_health`.
    var cacheEntries: Int? {
        guard let range = self.range(of: "\"pages\":") else { return nil }
        return Int(self[range.upperBound...].prefix { $0.isNumber })
    }
}

@Suite(.serialized) struct FrontCacheTests {
    static func metric(_ host: TestHost, _ name: String) async throws -> Double {
        let scrape = try await RawHTTPClient.get(port: try #require(host.metricsPort), host: "127.0.0.1", path: "/metrics").text
        return scrape.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
    }

    @Test func frontKey_namesOnlyTheRequestItCameWith() {
        let base = "https://hai-nam.hai-hau.nam-dinh.localhost"
        #expect(FrontCache.namesRequest(header: base + "/tin-tuc?trang=2", baseURL: base, target: "/tin-tuc?trang=2"))
        #expect(!FrontCache.namesRequest(header: nil, baseURL: base, target: "/"))
        // Another commune's address, another path, another scheme: ignored.
        #expect(!FrontCache.namesRequest(header: "https://hai-minh.hai-hau.nam-dinh.localhost/", baseURL: base, target: "/"))
        #expect(!FrontCache.namesRequest(header: base + "/a", baseURL: base, target: "/b"))
        #expect(!FrontCache.namesRequest(header: "http://hai-nam.hai-hau.nam-dinh.localhost/", baseURL: base, target: "/"))
        #expect(!FrontCache.namesRequest(header: base + "/a b", baseURL: base, target: "/a b"))
        #expect(FrontCache.endpoints("127.0.0.1:8079, 10.0.0.2:8079") == [.init(host: "127.0.0.1", port: 8079), .init(host: "10.0.0.2", port: 8079)])
        for bad in ["", "127.0.0.1", "127.0.0.1:0", "host:70000", ":80", "a/b:80"] { #expect(FrontCache.endpoints(bad) == nil, "\(bad)") }
    }

    /// Page views are counted from nginx's visits log, the pages nginx
    /// answered from its cache included (they never reach a host); robots
    /// and files are not views; counting the log twice counts nothing twice.
    @Test func visitsLog_countsPagesTheFrontAnswered() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let purgePort = try await NginxFront.freePort()
            try await withTestHost(platform, cacheTTL: 3600, configure: {
                $0.trustedProxies = .loopback
                $0.frontCachePurge = [.init(host: "127.0.0.1", port: purgePort)]
                $0.frontCacheTTL = .seconds(3600)
            }) { host in
                try await NginxFront.run(hostPort: host.port, purgePort: purgePort) { front in
                    let person = [("User-Agent", "Mozilla/5.0 (Linux; Android 14) Chrome/131 Mobile")]
                    var statuses: [String] = []
                    for _ in 0..<3 { statuses.append(try await front.get(host: siteA, headers: person).header("X-Cache") ?? "") }
                    #expect(statuses.contains("HIT"), "\(statuses)")
                    _ = try await front.get("/tin-tuc?trang=1", host: siteA, headers: person)
                    _ = try await front.get(host: siteA, headers: [("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")])
                    _ = try await front.get("/favicon.svg", host: siteA, headers: person)
                    // nginx writes its buffered log lines when told to reopen its logs.
                    kill(front.pid, SIGUSR1)
                    let log = front.logDirectory + "/visits.log"
                    let written = try await host.eventually(timeout: .seconds(10)) {
                        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 6
                    }
                    #expect(written)
                    let logText = try String(contentsOfFile: log, encoding: .utf8)
                    #expect(!logText.contains("127.0.0.1"), "the visits log keeps no address")
                    let ingest = VisitIngest(database: platform.database, logger: platform.logger)
                    let report = try await ingest.ingest(path: log)
                    #expect(report.views == 4, "\(logText)")
                    let tenant = try await platform.record(14224).unitID
                    #expect(try await platform.scalar("SELECT views FROM platform.visit_days WHERE tenant_id = \(tenant)") == 4)
                    #expect(try await platform.scalar("SELECT views FROM platform.visits WHERE tenant_id = \(tenant) AND path = '/'") == 3)
                    #expect(try await platform.scalar("SELECT views FROM platform.visits WHERE tenant_id = \(tenant) AND path = '/tin-tuc'") == 1)
                    _ = try await ingest.ingest(path: log)
                    #expect(try await platform.scalar("SELECT views FROM platform.visit_days WHERE tenant_id = \(tenant)") == 4)
                }
            }
        }
    }

    @Test func nginxKeepsPages_untilTheirCommuneChanges() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let purgePort = try await NginxFront.freePort()
            try await withTestHost(platform, cacheTTL: 3600, metrics: true, configure: {
                $0.trustedProxies = .loopback
                $0.frontCachePurge = [.init(host: "127.0.0.1", port: purgePort)]
                $0.frontCacheTTL = .seconds(3600)
            }) { host in
                try await NginxFront.run(hostPort: host.port, purgePort: purgePort) { front in
                    // A starting host purges the communes changed within what
                    // a front may still hold (the fixture's, just made).
                    #expect(try await host.eventually { try await Self.metric(host, "front_cache_generation_bumps_total") >= 1 })
                    let first = try await front.get(host: siteA)
                    #expect(first.status == 200)
                    #expect(first.header("X-Cache") == "MISS")
                    let second = try await front.get(host: siteA)
                    #expect(second.header("X-Cache") == "HIT")
                    #expect(second.body == first.body)
                    #expect(second.text.contains("<html"))
                    #expect(second.header("Content-Encoding") == nil)
                    // The gzipped copy is kept on its own.
                    #expect(try await front.get(host: siteA, headers: [("Accept-Encoding", "gzip, deflate")]).header("X-Cache") == "MISS")
                    let gzipped = try await front.get(host: siteA, headers: [("Accept-Encoding", "gzip")])
                    #expect(gzipped.header("X-Cache") == "HIT")
                    #expect(gzipped.header("Content-Encoding") == "gzip")
                    // A browser that takes Brotli gets the plain copy, compressed by nginx.
                    let brotli = try await front.get(host: siteA, headers: [("Accept-Encoding", "gzip, deflate, br, zstd")])
                    #expect(brotli.header("X-Cache") == "HIT")
                    #expect(brotli.header("Content-Encoding") == "br")
                    #expect(brotli.body.count < first.body.count / 3)
                    for name in ["X-Accel-Expires", "X-Front-Cache-Key"] { #expect(second.header(name) == nil, "\(name) reaches the visitor") }
                    _ = try await front.get(host: siteB)
                    #expect(try await front.get(host: siteB).header("X-Cache") == "HIT")

                    // Error pages are never kept.
                    _ = try await front.get("/khong-co-trang-nay", host: siteA)
                    let missing = try await front.get("/khong-co-trang-nay", host: siteA)
                    #expect(missing.status == 404)
                    #expect(missing.header("X-Cache") != "HIT")

                    // An editor publishes through nginx: the page that follows is new.
                    let browser = ConsoleBrowser(TestHost(port: front.port))
                    #expect(try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303)
                    let saved = try await browser.submit(
                        "\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                        [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Khai trương chợ mới"), ("tom-tat", "Chợ mới mở cửa."),
                         ("noi-dung", "Nội dung."), ("dinh-dang", "markdown"), ("dang", "dang")])
                    #expect(saved.status == 303, "\(saved.text.prefix(300))")
                    // The console is on its own origin: the save purged the
                    // fronts before it answered. A citizen's form on the site
                    // sets the cookie that makes their next pages bypass the caches.
                    #expect(saved.header("Set-Cookie") == nil)
                    let own = try await front.get(host: siteB, headers: [("Cookie", "a=b; vua_sua=1")])
                    #expect(own.header("X-Cache") == "BYPASS")
                    let after = try await front.get(host: siteA)
                    #expect(after.header("X-Cache") == "MISS")
                    #expect(after.text.contains("Khai trương chợ mới"))
                    #expect(try await front.get(host: siteA, headers: [("Accept-Encoding", "gzip")]).header("X-Cache") == "MISS")
                    #expect(try await front.get(host: siteA).header("X-Cache") == "HIT")
                    // The other commune's page stayed in the front cache.
                    #expect(try await front.get(host: siteB).header("X-Cache") == "HIT")

                    // Addresses with parameters no page reads are never kept
                    // by the front: they are all the home page of the host's
                    // cache, made once, and no purge grows with them.
                    let pagesBefore = try await host.get("/_health", host: "health").text
                    for n in 1...200 {
                        let junk = try await front.get("/?x=\(n)&fbclid=IwAR\(n)", host: siteA)
                        #expect(junk.status == 200 && junk.header("X-Cache") != "HIT", "/?x=\(n)")
                    }
                    #expect(try await front.get("/?x=7&fbclid=IwAR7", host: siteA).header("X-Cache") != "HIT")
                    #expect(try await front.get(host: siteA).header("X-Cache") == "HIT")
                    #expect(try await host.get("/_health", host: "health").text.cacheEntries == pagesBefore.cacheEntries)
                    let bumpsBefore = try await Self.metric(host, "front_cache_generation_bumps_total")
                    let savedAgain = try await browser.submit(
                        "\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                        [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Tin sau nhiều địa chỉ rác"), ("dang", "dang")])
                    #expect(savedAgain.status == 303)
                    // One request per front for the write, whatever was requested before.
                    #expect(try await Self.metric(host, "front_cache_generation_bumps_total") == bumpsBefore + 1)
                    #expect(try await front.get(host: siteA).text.contains("Tin sau nhiều địa chỉ rác"))

                    // A change made elsewhere (another host, the provisioner) reaches nginx through NOTIFY.
                    try await platform.execute("INSERT INTO c_14233.entries (section_id, title) VALUES (4, 'Tiêu đề đổi từ nơi khác')")
                    try await platform.execute("SELECT platform.touch_tenant(unit_id) FROM platform.tenants WHERE schema_name = 'c_14233'")
                    let purged = try await host.eventually { try await front.get(host: siteB).header("X-Cache") != "HIT" }
                    #expect(purged, "the commune's page stayed in nginx after its content changed")
                    #expect(try await front.get(host: siteB).text.contains("Tiêu đề đổi từ nơi khác"))
                    #expect(try await front.get(host: siteB).header("X-Cache") == "HIT")

                    // Another host's write, which that host purged itself: this
                    // host let nginx keep siteB's page just now, perhaps before
                    // it heard of the write, so it purges once more.
                    let bumpsBeforeOther = try await Self.metric(host, "front_cache_generation_bumps_total")
                    try await platform.execute(
                        """
                        DO $$ BEGIN
                            PERFORM set_config('platform.front_purged', 'writer', true);
                            PERFORM platform.touch_tenant(unit_id) FROM platform.tenants WHERE schema_name = 'c_14233';
                        END $$
                        """)
                    #expect(try await host.eventually { try await front.get(host: siteB).header("X-Cache") != "HIT" })
                    #expect(try await Self.metric(host, "front_cache_generation_bumps_total") == bumpsBeforeOther + 1)
                }
                // Straight to the host (from loopback, a trusted proxy), a key
                // naming another commune's page lets nothing be kept.
                func direct(_ headers: [(String, String)]) async throws -> RawHTTPResponse {
                    try await RawHTTPClient.get(port: host.port, host: siteA, headers: headers)
                }
                let forged = try await direct([("X-Front-Cache-Key", "http://\(siteB)/")])
                #expect(forged.status == 200)
                #expect(forged.header("X-Accel-Expires") == nil)
                let own = try await direct([("X-Front-Cache-Key", "http://\(siteA)/")])
                #expect(own.header("X-Accel-Expires") == "3600")
                let earlyHits = try await host.earlyHits()
                let writer = try await direct([("X-Front-Cache-Key", "http://\(siteA)/"), ("Cookie", "vua_sua=1")])
                #expect(writer.status == 200)
                #expect(writer.header("X-Accel-Expires") == nil)
                #expect(try await host.earlyHits() == earlyHits, "a writer's page came from the cache")

                let scrape = try await RawHTTPClient.get(port: try #require(host.metricsPort), host: "127.0.0.1", path: "/metrics").text
                func value(_ name: String) -> Double? {
                    scrape.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
                }
                // siteA's hosts by the editor's write (and its second pass), siteB's by the NOTIFY.
                #expect((value("front_cache_generation_bumps_total") ?? 0) >= 2)
                #expect((value("front_cache_purged_hosts_total") ?? 0) >= 4)
                #expect(value("front_cache_purge_failures_total") == 0)
            }
        }
    }
}
