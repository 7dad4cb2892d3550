import Foundation
import NIOCore
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Seeded fuzzing of the host's parsers of outside input: URL-encoded forms,
/// multipart uploads, query parameters. `FUZZ_ITERATIONS` runs longer.
@Suite struct HostFuzzTests {
    static let formFragments = [
        "&", "=", "==", "+", "%", "%2", "%25", "%ZZ", "%00", "%C3", "%C3%A1", "%E1%BB%A7", "%FF", "%F0%9F%98", "a", "ho-ten",
        "trang", "_csrf", "ủy", "\u{0}", " ", "\n", ";", "#", "?", "9999999999999999999999", "-1", "0", "1",
    ]

    @Test func urlEncodedForms() {
        Fuzz.run { random, seed in
            let input = Fuzz.text(&random, fragments: Self.formFragments, maxPieces: 30)
            if let fields = URLEncodedForm.decode(input) {
                for (_, value) in fields { #expect(value == VietnameseText.nfc(value), "seed \(seed)") }
            }
            // What a browser encodes decodes back to what it typed.
            let key = Fuzz.text(&random, fragments: ["a", "b", "ủy", " "], maxPieces: 4)
            let value = Fuzz.text(&random, fragments: Self.formFragments, maxPieces: 6)
            let allowed = CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "+&=%"))
            let encoded = "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            if !key.isEmpty, let decoded = URLEncodedForm.decode(encoded) {
                #expect(decoded[key] == VietnameseText.nfc(value), "seed \(seed): \(encoded)")
            }
        }
    }

    /// Page numbers, dates, weeks, document searches: a value is accepted
    /// or refused with a 400 (``PageError/badRequest``), nothing else.
    @Test func queryParameters() {
        let fragments = Self.formFragments + ["trang=", "tuan=", "nam=", "so=", "loai=", "q=", "2026-11-23", "2026-02-30", "٣", "١٢"]
        Fuzz.run { random, seed in
            let input = Fuzz.text(&random, fragments: fragments, maxPieces: 12)
            do {
                let query = try QueryItems(query: input)
                for attempt in [{ _ = try query.page() }, { _ = try query.week() }, { _ = try query.documentQuery() }, { _ = try query.text("q", max: 200) }] {
                    do {
                        try attempt()
                    } catch PageError.badRequest {
                    } catch {
                        Issue.record("seed \(seed): \(error) for \(input.debugDescription)")
                    }
                }
                if let page = try? query.page() { #expect(page >= 1 && page < 1_000_000, "seed \(seed)") }
            } catch PageError.badRequest {
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static let multipartFragments = [
        "--XYZ", "--XYZ--", "\r\n", "\r\n\r\n", "\n", "Content-Disposition: form-data; name=\"", "\"", "; filename=\"", "tep",
        "_csrf", "Content-Type: application/pdf", "%PDF-", ":", ";", "=", "--", "-", "X", "Y", "Z", "\u{0}", "ủy",
    ]

    /// What nginx (or anyone reaching a host) sends as the front key and
    /// cookies, and the HTML an archive's links are rewritten in.
    @Test func frontKeysCookiesAndArchiveLinks() {
        let fragments = ["http://", "https://", "hai-nam.hue.localhost", "HAI-NAM", "/", "//", "?", "#", "%2F", " ", "\t", "\r\n",
                         "\u{0}", "é", ";", "=", "vua_sua", "vua_sua=1", "a=b", "href=\"", "src=\"", "action=\"", "\"/", "\"//",
                         "_static/", "favicon.svg", "<a ", ">", "luu-tru"]
        let base = "http://hai-nam.hue.localhost"
        Fuzz.run { random, seed in
            let header = Fuzz.text(&random, fragments: fragments, maxPieces: 12)
            let target = "/" + Fuzz.text(&random, fragments: fragments, maxPieces: 6)
            if FrontCache.namesRequest(header: header, baseURL: base, target: target) {
                #expect(header == base + target && header.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "seed \(seed)")
            }
            let canonical = PageQuery.canonical(path: target, query: header)
            #expect(canonical.utf8.count <= header.utf8.count, "seed \(seed)")
            #expect(PageQuery.canonical(path: target, query: canonical) == canonical, "seed \(seed): canonical twice is canonical")
            _ = CachePolicy.justWrote(header)
            let html = HTML(bytes: Array(header.utf8))
            let rewritten = String(decoding: ArchiveLinks.rewrite(html, prefix: "/luu-tru/hai-nam").bytes, as: UTF8.self)
            let added = rewritten.utf8.count - header.utf8.count
            #expect(added >= 0 && added % "/luu-tru/hai-nam".utf8.count == 0, "seed \(seed): rewriting only adds the prefix")
            #expect(rewritten.hasPrefix(String(header.prefix(while: { $0 != "/" }))), "seed \(seed)")
        }
    }

    @Test func multipartBodies() {
        Fuzz.run { random, seed in
            let input = Fuzz.text(&random, fragments: Self.multipartFragments, maxPieces: 30)
            let contentType = ["multipart/form-data; boundary=XYZ", "multipart/form-data; boundary=\"XYZ\"", "multipart/form-data",
                               "multipart/form-data; boundary=", "multipart/form-data; boundary=" + String(repeating: "x", count: 300)]
                .randomElement(using: &random)!
            do {
                let form = try Multipart.parse(ByteBuffer(string: input), contentType: contentType)
                #expect(form.fields.count + form.files.count <= input.utf8.count, "seed \(seed)")
            } catch PageError.badRequest {
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }
}

/// Client errors are 4xx, never 500; one commune's broken content never
/// stops another's pages.
@Suite struct ClientErrorTests {
    /// Bodies past their limit get a 413 page and change nothing.
    @Test func bodiesPastTheirLimit_get413() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let citizen = ConsoleBrowser(host)
                let big = String(repeating: "x", count: 70 * 1024)
                let question = try await citizen.request(
                    "POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: CitizenTests.question + [("noi-dung-them", big)])
                #expect(question.status == 413)
                #expect(question.text.contains("Dữ liệu gửi lên quá lớn"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 0)
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                var upload = Array("--XYZ\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"a.pdf\"\r\n\r\n%PDF-".utf8)
                upload += [UInt8](repeating: 32, count: 50 * 1024 * 1024)
                upload += Array("\r\n--XYZ--\r\n".utf8)
                let huge = try await editor.request("POST", "\(a)/tep", on: adminSite, body: upload, contentType: "multipart/form-data; boundary=XYZ")
                #expect(huge.status == 413)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 0)
                let form = try await editor.request("POST", "\(a)/thong-tin", on: adminSite, form: [("_csrf", "x"), ("a", String(repeating: "y", count: 2 << 20))])
                #expect(form.status == 413)
            }
        }
    }

    /// Posts about a question, comment or entry that does not exist: 404,
    /// nothing written (no audit entry either).
    @Test func postsToMissingIDs_get404() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let token = ConsoleBrowser.csrf(in: try await editor.get("\(a)/thong-tin", on: adminSite).text) ?? ""
                let before = try await platform.scalar("SELECT count(*) FROM platform.audit_log")
                for (path, fields) in [
                    ("\(a)/hoi-dap/987654", [("trang-thai", "answered"), ("tra-loi", "Trả lời đầy đủ.")]),
                    ("\(a)/y-kien/987654", [("duyet", "1")]),
                    ("\(a)/bai/987654/trang-thai", [("trang-thai", "draft")]),
                    ("/lay-y-kien/987654/gop-y", [("ho-ten", "Dân"), ("noi-dung", "Góp ý đủ dài để gửi.")]),
                ] {
                    let response = try await editor.request("POST", path, on: path.hasPrefix("/quan-tri") ? adminSite : siteA, form: [("_csrf", token)] + fields)
                    #expect(response.status == 404, "\(path): \(response.status)")
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log") == before)
            }
        }
    }

    /// Every route, with wrong methods, huge, negative and non-numeric ids
    /// and malformed bodies, signed in or not: always a 4xx (or a redirect
    /// to the login page), never a 5xx.
    @Test func everyRoute_answersBadRequestsWith4xx() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let admin = ConsoleBrowser(host)
                _ = try await admin.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let anonymous = ConsoleBrowser(host)
                let ids = ["0", "-1", "99999999999999999999", "9223372036854775807", "abc", "1e3", "%00", "%E1", "1;DROP", String(repeating: "9", count: 300)]
                let publicRoutes = ["/tin-tuc/:id", "/van-ban/:id", "/tin-tuc/:id/ban-in", "/tep/:id", "/lay-y-kien/:id/gop-y", "/rss/:id",
                                    "/tin-tuc?trang=:id", "/lich-cong-tac?tuan=:id", "/van-ban?nam=:id&so=:id",
                                    "/hoi-dap/tra-cuu?ma=:id", "/tin-tu-tinh/:id", "/thu-tuc-hanh-chinh/ma/:id",
                                    "/:id"]
                // A commune's console (on the console host), and what is
                // left of it on the commune's host: redirects and 404s.
                let editorRoutes = ["\(a)/bai/:id", "\(a)/bai/:id/trang-thai", "\(a)/chuyen-muc/:id", "\(a)/chuyen-muc/4?trang=:id", "\(a)/trang/:id",
                                    "\(a)/hoi-dap/:id", "\(a)/y-kien/:id", "\(a)/bai/moi?chuyen-muc=:id", "/quan-tri/bien-tap/:id",
                                    "/quan-tri/bien-tap/:id/hoi-dap"]
                let oldConsoleRoutes = ["/quan-tri/bai/:id", "/quan-tri/chuyen-muc/:id", "/quan-tri/hoi-dap/:id", "/quan-tri/bai/moi?chuyen-muc=:id"]
                let consoleRoutes = ["/quan-tri/nguoi-dung/:id", "/quan-tri/nguoi-dung/:id/mat-khau",
                                     "/quan-tri/tuan-thu/:id", "/quan-tri/tin-tu-tinh/:id/go", "/quan-tri/xa/:id", "/quan-tri/xa?trang=:id",
                                     "/quan-tri/thu-tuc?x=:id", "/quan-tri/thong-bao?x=:id", "/quan-tri/moi/:id", "/quan-tri/dat-lai/:id",
                                     "/quan-tri/thu-gui/:id", "/quan-tri/thu-gui/:id/gui-lai", "/quan-tri/thu-gui?tinh-trang=:id",
                                     "/quan-tri/thong-ke?xa=:id", "/quan-tri/cong-thong-tin"]
                // The province's and the district's portals: reads only.
                let portalRoutes = ["/tin-tu-tinh/:id", "/:id", "/:id/:id", "/thu-tuc-hanh-chinh/ma/:id"]
                let bodies: [(String, [UInt8])] = [
                    ("application/x-www-form-urlencoded", Array("a=%ZZ&_csrf=%".utf8)),
                    ("application/x-www-form-urlencoded", Array("tieu-de=\u{0}&noi-dung=%C3".utf8)),
                    ("multipart/form-data; boundary=XYZ", Array("--XYZ\r\nContent-Disposition: form-data; name=\"tep\"\r\n\r\nabc".utf8)),
                    ("multipart/form-data", Array("garbage".utf8)),
                    ("application/json", Array("{\"a\": 1}".utf8)),
                ]
                var checked = 0
                for (browser, site, routes) in [(anonymous, siteA, publicRoutes + oldConsoleRoutes), (editor, siteA, publicRoutes + oldConsoleRoutes),
                                                (anonymous, adminSite, editorRoutes + consoleRoutes), (editor, adminSite, editorRoutes + consoleRoutes),
                                                (admin, adminSite, editorRoutes + consoleRoutes),
                                                (anonymous, "nam-dinh.localhost", portalRoutes), (anonymous, "hai-hau.nam-dinh.localhost", portalRoutes)] {
                    for route in routes {
                        for id in ids {
                            let path = route.replacingOccurrences(of: ":id", with: id)
                            // PUT, DELETE and PATCH (no route takes them) with two ids
                            // per route; GET and POST with every id.
                            for method in ["GET", "PUT", "DELETE", "PATCH"] where method == "GET" || ids.prefix(2).contains(id) {
                                let response = try await browser.request(method, path, on: site)
                                #expect((300..<500).contains(response.status), "\(method) \(path) on \(site): \(response.status)")
                                checked += 1
                            }
                            for (type, body) in bodies {
                                let response = try await browser.request("POST", path, on: site, body: body, contentType: type)
                                #expect((300..<500).contains(response.status), "POST \(path) \(type) on \(site): \(response.status)")
                                if browser !== anonymous, response.status < 400, response.status != 303 {
                                    Issue.record("POST \(path) \(type) on \(site): \(response.status) for a malformed body")
                                }
                                checked += 1
                            }
                        }
                    }
                }
                // Forms without an id: every malformed body is refused.
                for (browser, site, path) in [(anonymous, siteA, "/danh-gia"), (admin, adminSite, "/quan-tri/thu-tuc"), (admin, adminSite, "/quan-tri/thong-bao")] {
                    for (type, body) in bodies {
                        let response = try await browser.request("POST", path, on: site, body: body, contentType: type)
                        #expect((400..<500).contains(response.status), "POST \(path) \(type) on \(site): \(response.status)")
                        checked += 1
                    }
                }
                for query in ["%00", "%E1", "a%ZZ", String(repeating: "x", count: 101)] {
                    let response = try await anonymous.request("GET", "/xa-phuong?q=\(query)", on: "nam-dinh.localhost")
                    #expect(response.status == 400, "portal search \(query.prefix(10)): \(response.status)")
                }
                #expect(checked > 1000)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE NOT is_sample") == 0)
            }
        }
    }

    /// One commune's content that cannot be rendered (a body past the
    /// rendering limit, a table lost in a failed migration) gives that
    /// commune's page a 500; the other commune is served throughout.
    @Test func brokenCommune_failsAloneAndOthersAreServed() async throws {
        try await withTestPlatform(from: .communes([SiteRoutingTests.a, SiteRoutingTests.b])) { platform in
            let store = ContentStore(logger: platform.logger)
            let huge = "<p>" + String(repeating: "nội dung rất dài ", count: 400_000) + "</p>"
            let broken = try await platform.database.withConnection { connection in
                try await store.insert(Entry(sectionID: 4, title: "Bài hỏng", body: huge), into: SchemaName(communeCode: 19900), on: connection)
            }
            let healthy = try await platform.database.withConnection { connection in
                try await store.insert(Entry(sectionID: 4, title: "Bài lành", body: "<p>Lành</p>"), into: SchemaName(communeCode: 19774), on: connection)
            }
            try await withTestHost(platform, cacheTTL: 0) { host in
                let (a, b) = ("thuan-an.hue.localhost", "hoa-chau.hue.localhost")
                let failed = try await host.get("/tin-tuc/\(broken)", host: a)
                #expect(failed.status == 500)
                #expect(failed.text.contains("Lỗi hệ thống"))
                #expect(failed.text.contains("Phường Thuận An"), "the error page is the commune's own")
                #expect(try await host.get(host: a).status == 200, "the commune's other pages still answer")
                #expect(try await host.get("/tin-tuc/\(healthy)", host: b).status == 200)
                // A commune whose schema lost a table.
                try await platform.execute("DROP TABLE c_19900.questions CASCADE")
                #expect(try await host.get("/hoi-dap", host: a).status == 500)
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for i in 0..<40 {
                        group.addTask { try await host.get(i % 2 == 0 ? "/hoi-dap" : "/tin-tuc/\(healthy)", host: b).status }
                        group.addTask { try await host.get("/hoi-dap?x=\(i)", host: a).status }
                    }
                    var statuses: [Int] = []
                    for try await status in group { statuses.append(status) }
                    #expect(statuses.filter { $0 == 200 }.count == 40)
                    #expect(statuses.filter { $0 == 500 }.count == 40)
                }
                #expect(try await host.get("/_health", host: "health").status == 200)
            }
        }
    }
}
