import Foundation
import HTTPTypes
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// A browser-like client: keeps cookies per host, reads CSRF tokens off forms.
actor ConsoleBrowser {
    let host: TestHost
    var cookies: [String: [String: String]] = [:]

    init(_ host: TestHost) {
        self.host = host
    }

    func request(
        _ method: String, _ path: String, on site: String, form: [(String, String)]? = nil, body: [UInt8]? = nil, contentType: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> RawHTTPResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(site)\r\nConnection: close\r\n"
        for (name, value) in extra { head += "\(name): \(value)\r\n" }
        let jar = self.cookies[site] ?? [:]
        if !jar.isEmpty { head += "Cookie: " + jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
        var payload: [UInt8] = []
        if let form {
            payload = Array(form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&").utf8)
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        } else if let body {
            payload = body
            head += "Content-Type: \(contentType ?? "application/octet-stream")\r\n"
        }
        if method == "POST" { head += "Content-Length: \(payload.count)\r\n" }
        let response: RawHTTPResponse
        if let client = self.host.client {
            var headers: [(String, String)] = extra
            if !jar.isEmpty { headers.append(("Cookie", jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
            if form != nil { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
            if form == nil, body != nil { headers.append(("Content-Type", contentType ?? "application/octet-stream")) }
            response = try await client.send(
                HTTPRequest.Method(method) ?? .get, path, host: site, headers: headers, body: method == "POST" ? payload : nil)
        } else {
            response = try await RawHTTPClient.send(Array((head + "\r\n").utf8) + payload, port: self.host.port)
        }
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if value.contains("Max-Age=0") { self.cookies[site]?[String(pair[0])] = nil } else { self.cookies[site, default: [:]][String(pair[0])] = String(pair[1]) }
        }
        return response
    }

    func get(_ path: String, on site: String) async throws -> RawHTTPResponse { try await self.request("GET", path, on: site) }

    /// GETs the form page, then POSTs `fields` with its CSRF token.
    func submit(_ formPath: String, to action: String, on site: String, _ fields: [(String, String)]) async throws -> RawHTTPResponse {
        let page = try await self.get(formPath, on: site)
        let token = Self.csrf(in: page.text) ?? ""
        return try await self.request("POST", action, on: site, form: [("_csrf", token)] + fields)
    }

    func login(_ username: String, _ password: String, on site: String) async throws -> RawHTTPResponse {
        try await self.submit("/quan-tri/dang-nhap", to: "/quan-tri/dang-nhap", on: site, [("ten", username), ("mat-khau", password), ("tiep", "/quan-tri")])
    }

    func forget() { self.cookies = [:] }

    /// POSTs a `multipart/form-data` form to `path`: the CSRF token, `fields` and one file.
    func upload(
        _ path: String, on site: String, csrf: String, _ fields: [(String, String)] = [],
        file: (input: String, name: String, type: String, data: [UInt8]), headers: [(String, String)] = []
    ) async throws -> RawHTTPResponse {
        try await self.request(
            "POST", path, on: site, body: Self.multipart([("_csrf", csrf)] + fields, file: file), contentType: "multipart/form-data; boundary=XYZ",
            headers: headers)
    }

    /// A `multipart/form-data` body (boundary `XYZ`) of `fields` and a file.
    static func multipart(_ fields: [(String, String)], file: (input: String, name: String, type: String, data: [UInt8])) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields { body += Array("--XYZ\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8) }
        body += Array("--XYZ\r\nContent-Disposition: form-data; name=\"\(file.input)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
        return body + file.data + Array("\r\n--XYZ--\r\n".utf8)
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.subtracting(CharacterSet(charactersIn: "+&=")))?.replacingOccurrences(of: "%20", with: "+") ?? ""
    }
}

/// Nam Định's Hải Hậu district with two communes, a commune of Giao Thủy,
/// an approver and an author of Hải Nam, and Hải Hậu's district admin.
let consoleFixture = TestFixture("console", setup: makeConsoleFixture)

func makeConsoleFixture(_ platform: TestPlatform) async throws {
    let policy = DomainPolicy()
    _ = policy
    let province = try platform.provisioning.unitSpec(level: .province, code: 36, name: "Tỉnh Nam Định", parentCode: nil, slug: nil, portalURL: nil)
    _ = try await platform.provisioning.ensureUnit(province)
    let district = try platform.provisioning.unitSpec(level: .district, code: 366, name: "Huyện Hải Hậu", parentCode: 36, slug: nil, portalURL: nil)
    _ = try await platform.provisioning.ensureUnit(district)
    let other = try platform.provisioning.unitSpec(level: .district, code: 367, name: "Huyện Giao Thủy", parentCode: 36, slug: nil, portalURL: nil)
    _ = try await platform.provisioning.ensureUnit(other)
    for (code, name, parent) in [(14224, "Xã Hải Nam", 366), (14233, "Xã Hải Minh", 366), (14000, "Xã Giao Thiện", 367)] {
        let spec = try await platform.provisioning.spec(code: code, name: name, parentLevel: .district, parentCode: parent)
        _ = try await platform.provisioning.createCommune(spec)
    }
    let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
    _ = try await accounts.createUser(username: "xa.hainam", displayName: "Biên tập Hải Nam", password: "matkhau-hai-nam", role: .editor, scope: (.commune, 14224), approves: true)
    _ = try await accounts.createUser(username: "tg.hainam", displayName: "Người viết Hải Nam", password: "matkhau-tac-gia", role: .editor, scope: (.commune, 14224))
    _ = try await accounts.createUser(username: "huyen.haihau", displayName: "Huyện Hải Hậu", password: "matkhau-hai-hau", role: .district, scope: (.district, 366))
}

/// A file of `Tests/TenantHostTests/Fixtures/`.
func fixture(_ name: String, file: StaticString = #filePath) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")))
}

let siteA = "hai-nam.hai-hau.nam-dinh.localhost"

/// A commune's console on the console host: `/quan-tri/bien-tap/<id><rest>`.
func consolePath(_ platform: TestPlatform, _ code: Int, _ rest: String = "") async throws -> String {
    let id = try await platform.scalar(
        "SELECT max(t.unit_id) FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.code = \(code) AND t.successor_id IS NULL")
    return "/quan-tri/bien-tap/\(id)\(rest)"
}
let siteB = "hai-minh.hai-hau.nam-dinh.localhost"
let adminSite = "quan-tri.localhost"

@Suite struct ConsoleTests {
    @Test func login_wrongPasswordThenLockout() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                let wrong = try await browser.login("xa.hainam", "sai-mat-khau-1", on: adminSite)
                #expect(wrong.status == 401)
                #expect(wrong.text.contains("Tên đăng nhập hoặc mật khẩu không đúng."))
                for _ in 0..<4 { _ = try await browser.login("xa.hainam", "sai-mat-khau-1", on: adminSite) }
                let locked = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(locked.status == 429)
                #expect(locked.text.contains("Tài khoản tạm khóa"))
                #expect(try await platform.scalar("SELECT count(*) FROM platform.login_attempts WHERE NOT succeeded") == 5)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.sessions") == 0)
            }
        }
    }

    @Test func editorPublishes_andTheNextRequestShowsIt() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            // Over the wire: the hit after the write must be answered ahead of the router.
            try await withTestHost(platform, cacheTTL: 3600, wire: true) { host in
                let browser = ConsoleBrowser(host)
                let before = try await host.get(host: siteA)
                #expect(!before.text.contains("Khai trương chợ mới"))
                // The page is now answered ahead of the router.
                let hits = try await host.earlyHits()
                #expect(try await host.get(host: siteA).text == before.text)
                #expect(try await host.earlyHits() == hits + 1)
                let login = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(login.status == 303)
                #expect(login.header("Location") == "/quan-tri")
                #expect(try await browser.get("/quan-tri", on: adminSite).header("Location") == a, "an editor's console is their commune's")
                // Saving a new item never publishes unless the editor chooses to.
                let form = try await browser.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite).text
                let save = try #require(form.range(of: "name=\"hanh-dong\" value=\"luu\">Lưu nháp</button>"))
                let publish = try #require(form.range(of: "name=\"hanh-dong\" value=\"dang\">Duyệt và đăng</button>"))
                #expect(save.lowerBound < publish.lowerBound, "the form's first button (what Enter presses) saves the draft")
                let saved = try await browser.submit(
                    "\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Khai trương chợ mới"), ("tom-tat", "Chợ mới mở cửa."),
                     ("noi-dung", "Nội dung **đậm** <script>alert(1)</script> <a href=\"javascript:x()\" onclick=\"y()\" style=\"display:none\">ẩn</a>"),
                     ("dinh-dang", "markdown"), ("dang", "dang")])
                #expect(saved.status == 303, "\(saved.text.prefix(400))")
                // check: no waiting for NOTIFY, the very next request
                let after = try await host.get(host: siteA)
                #expect(after.text.contains("Khai trương chợ mới"))
                let stored = try await platform.strings("SELECT body FROM c_14224.entries WHERE title = 'Khai trương chợ mới'")
                #expect(stored.count == 1)
                #expect(stored[0].contains("<strong>đậm</strong>"))
                for bad in ["<script", "javascript:", "onclick", "style="] { #expect(!stored[0].contains(bad), "stored body keeps \(bad)") }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'entry.create' AND commune_code = 14224 AND username = 'xa.hainam'") == 1)

                // "Gỡ xuống" asks first: the list's button shows a question
                // and changes nothing; only its own button takes the item off.
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Khai trương chợ mới'")
                let list = "\(a)/bai/\(id)"
                let asked = try await browser.submit(list, to: "\(a)/bai/\(id)/trang-thai", on: adminSite, [("trang-thai", "unpublished")])
                #expect(asked.status == 200)
                #expect(asked.text.contains("sẽ không còn hiện trên trang"))
                #expect(asked.text.contains("name=\"xac-nhan\" value=\"1\""))
                #expect(try await host.get(host: siteA).text.contains("Khai trương chợ mới"), "the question took the item off")
                let confirmed = try await browser.submit(
                    list, to: "\(a)/bai/\(id)/trang-thai", on: adminSite, [("trang-thai", "unpublished"), ("xac-nhan", "1")])
                #expect(confirmed.status == 303)
                #expect(!(try await host.get(host: siteA).text.contains("Khai trương chợ mới")))
            }
        }
    }

    /// An editor's own pages (password, account) and their commune's
    /// dashboard offer no console link the editor cannot open.
    @Test func editorsPages_offerNoLinkTheyCannotOpen() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                for page in ["/quan-tri/mat-khau", "/quan-tri/tai-khoan", a] {
                    let text = try await browser.get(page, on: adminSite).text
                    let links = Set(text.components(separatedBy: "href=\"").dropFirst().compactMap { rest -> String? in
                        // What a browser asks for: no fragment, entities decoded.
                        let link = String(rest.prefix { $0 != "\"" && $0 != "#" }).replacingOccurrences(of: "&amp;", with: "&")
                        return link.hasPrefix("/quan-tri") ? link : nil
                    })
                    #expect(links.count >= 2, "\(page) links somewhere")
                    for link in links {
                        let status = try await browser.get(link, on: adminSite).status
                        #expect(status == 200 || status == 303, "\(page) links to \(link), which answers \(status)")
                    }
                }
            }
        }
    }

    /// The introduction's page offers "Thêm lãnh đạo": the form it leads to
    /// opens, and a leader saved from it shows on the public introduction.
    @Test func editorAddsALeader_fromTheIntroductionPage() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let page = try await browser.get("\(a)/trang/1", on: adminSite).text
                let link = "\(a)/bai/moi?chuyen-muc=1&amp;loai=leader"
                #expect(page.contains("href=\"\(link)\">Thêm lãnh đạo</a>"))
                let form = try await browser.get("\(a)/bai/moi?chuyen-muc=1&loai=leader", on: adminSite)
                #expect(form.status == 200)
                #expect(form.text.contains("name=\"chuc-vu\""))
                // A page's own text is edited as a page, not added to item by item.
                #expect(try await browser.get("\(a)/bai/moi?chuyen-muc=1&loai=article", on: adminSite).status == 400)
                let saved = try await browser.submit(
                    "\(a)/bai/moi?chuyen-muc=1&loai=leader", to: "\(a)/bai", on: adminSite,
                    [("chuyen-muc", "1"), ("loai", "leader"), ("tieu-de", "Trần Văn Bình"), ("chuc-vu", "Phó Chủ tịch Ủy ban nhân dân xã"),
                     ("noi-dung", "Phụ trách văn hóa – xã hội."), ("dinh-dang", "html"), ("hanh-dong", "dang")])
                #expect(saved.status == 303, "\(saved.text.prefix(400))")
                #expect(try await platform.strings("SELECT kind || ':' || position_title FROM c_14224.entries WHERE title = 'Trần Văn Bình'")
                    == ["leader:Phó Chủ tịch Ủy ban nhân dân xã"])
                #expect(try await browser.get("\(a)/trang/1", on: adminSite).text.contains(">Trần Văn Bình</a> – Phó Chủ tịch"))
            }
        }
    }

    @Test func editing_keepsTheDateAndTheEditorsMarkdown() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let weekAgo = Date().addingTimeInterval(-7 * 86_400)
            try await platform.database.withConnection { connection in
                var old = Entry(sectionID: 4, title: "Tin cũ", publishedAt: weekAgo)
                old.body = "<p>cũ</p>"
                try await ContentStore(logger: platform.logger).insert(old, into: SchemaName(communeCode: 14224), on: connection)
            }
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let form = try await editor.get("\(a)/bai/1", on: adminSite)
                #expect(form.text.contains("value=\"giu\" checked"), "editing offers to keep the date, chosen by default")
                let markdown = "Đoạn **đậm**\n\n- một\n- hai"
                let saved = try await editor.submit("\(a)/bai/1", to: "\(a)/bai/1", on: adminSite,
                    [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Tin cũ đã sửa"), ("noi-dung", markdown), ("dinh-dang", "markdown"), ("dang", "giu")])
                #expect(saved.status == 303)
                let published = try await platform.strings("SELECT to_char(published_at, 'YYYY-MM-DD') FROM c_14224.entries WHERE id = 1")
                let expected = ISO8601DateFormatter.string(from: weekAgo, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
                #expect(published == [expected], "the publication date did not move")
                let again = try await editor.get("\(a)/bai/1", on: adminSite)
                #expect(again.text.contains("Đoạn **đậm**"), "the editor gets their Markdown back, not HTML")
                #expect(again.text.contains("<option value=\"markdown\" selected>"))
                // A link to an upload that does not exist is refused.
                let missing = try await editor.submit("\(a)/bai/moi?chuyen-muc=6&loai=document", to: "\(a)/bai", on: adminSite,
                    [("chuyen-muc", "6"), ("loai", "document"), ("tieu-de", "Quyết định thử"), ("loai-van-ban", "Quyết định"), ("so-ky-hieu", "1/QĐ-UBND"),
                     ("co-quan", "UBND xã Hải Nam"), ("ngay-ban-hanh", "2026-11-02"), ("tep", "/tep/999"), ("dang", "dang")])
                #expect(missing.status == 400)
                #expect(missing.text.contains("Không có tệp /tep/999"))
                // A maintenance notice needs 7 working days of warning.
                let soon = EntryDraft.localDateTime(Date().addingTimeInterval(2 * 86_400))
                let notice = try await editor.submit("\(a)/thong-tin", to: "\(a)/thong-tin", on: adminSite,
                    [("co-quan", "UBND xã Hải Nam"), ("nguoi-chiu-trach-nhiem", "Ông A"), ("thong-bao", "Bảo trì"), ("thong-bao-tu", soon)])
                #expect(notice.status == 400)
                #expect(notice.text.contains("ít nhất 7 ngày làm việc"))
            }
        }
    }

    @Test func formWithoutToken_isRefusedAndChangesNothing() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let forged = try await browser.request("POST", "\(a)/bai", on: adminSite, form: [("_csrf", "gia-mao"), ("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Giả mạo"), ("dang", "dang")])
                #expect(forged.status == 403)
                #expect(forged.text.contains("Phiên làm việc không hợp lệ"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries") == 0)
            }
        }
    }

    @Test func editorOfOneCommune_isRefusedOnAnother_andItIsLogged() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let b = try await consolePath(platform, 14233)
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                let login = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(login.status == 303)
                let dashboard = try await browser.get(b, on: adminSite)
                #expect(dashboard.status == 403)
                #expect(dashboard.text.contains("không được quản trị trang thông tin điện tử Xã Hải Minh"))
                let post = try await browser.request("POST", "\(b)/thong-tin", on: adminSite, form: [("_csrf", "x"), ("co-quan", "Chiếm quyền")])
                #expect(post.status == 403)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'access.denied' AND commune_code = 14233") == 2)
                #expect(try await platform.strings("SELECT publisher FROM c_14233.site") == ["Ủy ban nhân dân xã Hải Minh"])
                // An editor has no business on the platform console's pages either.
                #expect(try await browser.get("/quan-tri/xa", on: adminSite).status == 403)
                #expect(try await browser.get("/quan-tri/nguoi-dung", on: adminSite).status == 403)
            }
        }
    }

    @Test func consoleOnCommuneHosts_leadsToTheConsoleHost_andSharesNoOrigin() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                // A commune's own host has no console: its addresses lead to the console host.
                let moved = try await host.get("/quan-tri/bai/moi?chuyen-muc=4", host: siteA)
                #expect(moved.status == 303)
                #expect(moved.header("Location") == "http://quan-tri.localhost\(a)/bai/moi?chuyen-muc=4")
                for path in ["/quan-tri", "//quan-tri/hoi-dap", "/./quan-tri", "/quan-tri/dang-nhap"] {
                    let answer = try await host.get(path, host: siteA)
                    #expect(answer.status == 303 || answer.status == 404, "\(path)")
                    #expect(answer.header("Location")?.hasPrefix("http://quan-tri.localhost/") ?? true, "\(path)")
                    #expect(answer.header("Set-Cookie") == nil, "\(path): no session cookie on a public origin")
                }
                #expect(try await host.get("/quan-tri/dang-nhap", host: siteA).header("Location")
                    == "http://quan-tri.localhost/quan-tri/dang-nhap?tiep=\(a.replacingOccurrences(of: "/", with: "%2F"))")
                // Forms posted to a commune host's console address change nothing.
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let token = ConsoleBrowser.csrf(in: try await browser.get("\(a)/thong-tin", on: adminSite).text) ?? ""
                let cookie = await browser.cookies[adminSite]?["phien"] ?? ""
                #expect(!cookie.isEmpty)
                let posted = try await host.client!.send(
                    .post, "/quan-tri/thong-tin", host: siteA,
                    headers: [("Cookie", "phien=\(cookie)"), ("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array("_csrf=\(token)&co-quan=X".utf8))
                #expect(posted.status == 404)
                #expect(try await platform.strings("SELECT publisher FROM c_14224.site") == ["Ủy ban nhân dân xã Hải Nam"])
                // Nor does an archive's path reach a console.
                #expect(try await host.get("/luu-tru/x//quan-tri/hoi-dap", host: siteA).status == 404)
            }
        }
    }

    @Test func sessionsLiveInPostgreSQL_andSurviveARestart() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let browser = try await withTestHost(platform) { host -> ConsoleBrowser in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(try await browser.get("\(a)", on: adminSite).status == 200)
                return browser
            }
            let cookies = await browser.cookies
            try await withTestHost(platform) { host in
                let again = ConsoleBrowser(host)
                await again.setCookies(cookies)
                #expect(try await again.get("\(a)", on: adminSite).status == 200, "a second host process accepts the session")
                let page = try await again.get("\(a)", on: adminSite)
                let token = ConsoleBrowser.csrf(in: page.text) ?? ""
                #expect(try await again.request("POST", "/quan-tri/dang-xuat", on: adminSite, form: [("_csrf", token)]).status == 303)
                await again.setCookies(cookies)
                let after = try await again.get("\(a)", on: adminSite)
                #expect(after.status == 303, "the session ended everywhere")
            }
        }
    }

    @Test func uploads_areCheckedByContentAndServedWithTheirType() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            // UPLOAD_MAX_MB=1: the limit's edge is checked without parsing 10 MB.
            try await withTestHost(platform, configure: { $0.uploadLimitMB = 1 }) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let form = try await browser.get("\(a)/tep", on: adminSite).text
                #expect(form.contains("tối đa 1 MB"))
                let token = ConsoleBrowser.csrf(in: form) ?? ""
                func multipart(_ name: String, _ bytes: [UInt8]) -> [UInt8] {
                    ConsoleBrowser.multipart([("_csrf", token)], file: ("tep", name, "application/pdf", bytes))
                }
                let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8)
                let ok = try await browser.request("POST", "\(a)/tep", on: adminSite, body: multipart("Quyết định 125.pdf", pdf), contentType: "multipart/form-data; boundary=XYZ")
                #expect(ok.status == 200)
                #expect(ok.text.contains("Đã tải lên Quyết định 125.pdf"))
                let served = try await host.get("/tep/1", host: siteA)
                #expect(served.header("Content-Type") == "application/pdf")
                #expect(served.body == pdf)
                let disguised = try await browser.request("POST", "\(a)/tep", on: adminSite, body: multipart("bao-cao.pdf", Array("<html><script>x()</script>".utf8)), contentType: "multipart/form-data; boundary=XYZ")
                #expect(disguised.status == 400)
                #expect(disguised.text.contains("Chỉ nhận tệp PDF hoặc ảnh"))
                // One byte over the limit: parsed, then refused by the editorial rule.
                let over = try await browser.request("POST", "\(a)/tep", on: adminSite, body: multipart("lon.pdf", Array("%PDF-".utf8) + [UInt8](repeating: 32, count: 1024 * 1024 - 4)), contentType: "multipart/form-data; boundary=XYZ")
                #expect(over.status == 400)
                #expect(over.text.contains("Tệp lớn quá 1 MB"))
                // Far over it: 413 before the body is parsed, with the same message.
                let huge = try await browser.request("POST", "\(a)/tep", on: adminSite, body: multipart("lon.pdf", Array("%PDF-".utf8) + [UInt8](repeating: 32, count: 3 * 1024 * 1024)), contentType: "multipart/form-data; boundary=XYZ")
                #expect(huge.status == 413)
                #expect(huge.text.contains("Tệp lớn quá 1 MB"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 1)
                // Another commune does not serve this commune's file.
                #expect(try await host.get("/tep/1", host: siteB).status == 404)
            }
        }
    }

    /// No console page holds a pooled connection while it waits for
    /// another: with a pool of one, the pages that read every commune in
    /// scope (cluster by cluster) and the catalogue still answer.
    @Test func consolePages_answerWithAPoolOfOne() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform, configure: { $0.poolSize = 1 }) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                for path in ["/quan-tri/tuan-thu?sap-xep=thieu&chi-thieu=1", "/quan-tri/tuan-thu?dinh-dang=csv", "/quan-tri/xa?tuan-thu=thieu", "/quan-tri/thong-ke", "/quan-tri"] {
                    #expect(try await browser.get(path, on: adminSite).status == 200, "\(path)")
                }
            }
        }
    }

    @Test func districtAdmin_createsCommunesOnlyInScope_andExportsCompliance() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let created = try await browser.submit("/quan-tri/xa/moi", to: "/quan-tri/xa", on: adminSite, [("ma", "99901"), ("ten", "Xã Thử Nghiệm"), ("cap-tren", "district:366")])
                #expect(created.status == 200)
                #expect(created.text.contains("Đã tạo trang thông tin điện tử Xã Thử Nghiệm"))
                #expect(try await host.get(host: "thu-nghiem.hai-hau.nam-dinh.localhost").status == 200, "served at once")
                let outside = try await browser.submit("/quan-tri/xa/moi", to: "/quan-tri/xa", on: adminSite, [("ma", "99902"), ("ten", "Xã Ngoài Phạm Vi"), ("cap-tren", "district:367")])
                #expect(outside.status == 403)
                let bad = try await browser.submit("/quan-tri/xa/moi", to: "/quan-tri/xa", on: adminSite, [("ma", "abc"), ("ten", "Xã Sai Mã"), ("cap-tren", "district:366")])
                #expect(bad.status == 400)
                #expect(bad.text.contains("Mã đơn vị hành chính gồm 1 đến 5 chữ số."))
                let taken = try await browser.submit("/quan-tri/xa/moi", to: "/quan-tri/xa", on: adminSite, [("ma", "14224"), ("ten", "Xã Trùng Mã"), ("cap-tren", "district:366")])
                #expect(taken.status == 400)
                #expect(taken.text.contains("Mã 14224 đã có trên hệ thống với tên khác"))
                #expect(!taken.text.contains("catalogue"), "no English reaches the page")
                #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants") == 4)
                let csv = try await browser.get("/quan-tri/tuan-thu?dinh-dang=csv", on: adminSite)
                #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
                let lines = csv.text.split(separator: "\r\n")
                #expect(lines.first?.hasPrefix("\u{FEFF}Mã,Tên,Trực thuộc,Người chịu trách nhiệm") == true)
                #expect(lines.count == 4, "header + the 3 communes of Huyện Hải Hậu, not Giao Thiện")
                #expect(!csv.text.contains("Giao Thiện"))
                let page = try await browser.get("/quan-tri/tuan-thu?sap-xep=thieu&chi-thieu=1", on: adminSite)
                #expect(page.status == 200)
                #expect(page.text.contains("Xã Thử Nghiệm"))
                let log = try await browser.get("/quan-tri/nhat-ky", on: adminSite)
                #expect(log.text.contains("Tạo xã"))
            }
        }
    }
}

extension ConsoleBrowser {
    func setCookies(_ cookies: [String: [String: String]]) { self.cookies = cookies }
}
