import Crypto
import Foundation
import Logging
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The entry form's rich-text editor: its files are the pinned release and
/// served by the console alone; its dialog's library and uploads stay within
/// the commune; a body's images need a description and get their copies.
@Suite struct RichEditorTests {
    static let article = [("chuyen-muc", "4"), ("loai", "article"), ("dinh-dang", "html")]

    /// `assets/prose-editor/SOURCE` names the wheel and each file's SHA-256
    /// (ops/fetch-editor writes it and `--check` compares with the wheel).
    @Test func editorFiles_matchTheirRecordedChecksums() throws {
        let folder = TestEnvironment.repositoryRoot.appendingPathComponent("assets/prose-editor")
        let source = try String(contentsOf: folder.appendingPathComponent("SOURCE"), encoding: .utf8)
        #expect(source.contains("django-prose-editor 0.28.0"))
        let lines = source.split(separator: "\n").filter { $0.count > 66 && $0.dropFirst(64).hasPrefix("  ") }
        #expect(lines.count == 6)
        for line in lines {
            let name = String(line.dropFirst(66))
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(digest == String(line.prefix(64)), "\(name) is not the file the release shipped")
        }
    }

    /// Browsers keep the files a day: any file changed is a new `?v=`.
    @Test func theFilesVersion_changesWithAnyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (_, file) in ConsoleAssets.files {
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("/* \(file.path) */".utf8).write(to: url)
        }
        let logger = Logger(label: "test")
        let first = ConsoleAssets(directory: folder.path, logger: logger)
        #expect(first.complete)
        try Data("/* changed */".utf8).write(to: folder.appendingPathComponent("console/soan-thao.js"))
        let second = ConsoleAssets(directory: folder.path, logger: logger)
        #expect(first.version != second.version)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("prose-editor/editor.css"))
        #expect(!ConsoleAssets(directory: folder.path, logger: logger).complete, "a missing file: the form keeps its plain text area")
    }

    @Test func theConsoleServesTheEditor_andOnlyTheEntryFormsRunScripts() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let script = try await host.get("/quan-tri/tai-nguyen/prose-editor.js", host: adminSite)
                #expect(script.status == 200)
                #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
                let tag = try #require(script.header("ETag"))
                #expect(try await host.get("/quan-tri/tai-nguyen/prose-editor.js", host: adminSite, headers: [("If-None-Match", tag)]).status == 304)
                #expect(try await host.get("/quan-tri/tai-nguyen/material-icons.woff2", host: adminSite).header("Content-Type") == "font/woff2")
                for path in ["/quan-tri/tai-nguyen/khong-co.js", "/quan-tri/tai-nguyen/..%2F..%2Fsql%2Fplatform", "/quan-tri/tai-nguyen/SOURCE"] {
                    #expect(try await host.get(path, host: adminSite).status == 404, "\(path)")
                }
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let form = try await author.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite)
                #expect(form.text.contains("<script type=\"module\" src=\"/quan-tri/tai-nguyen/soan-thao.js?v="))
                #expect(form.text.contains("<option value=\"html\" selected>Trình soạn thảo</option>"), "a new item opens in the editor")
                let policies = form.headers.filter { $0.0.lowercased() == "content-security-policy" }.map(\.1)
                #expect(policies.count == 1 && policies[0].contains("script-src 'self'") && policies[0].contains("form-action 'self'"))
                let dashboard = try await author.get(a, on: adminSite)
                #expect(dashboard.header("Content-Security-Policy")?.contains("script-src 'none'") == true, "other pages run no script")
                #expect(try await author.get("\(a)/trang/1", on: adminSite).text.contains("soan-thao.js"), "a section's own page has the editor too")
            }
        }
    }

    @Test func theDialogsLibraryAndUploads_stayInTheCommune_andBodyImagesNeedADescription() async throws {
        let photo = try fixture("photo-2400x1350.png")
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let b = try await consolePath(platform, 14233)
            try await withTestHost(platform) { host in
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let token = ConsoleBrowser.csrf(in: try await author.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite).text) ?? ""
                let json = [("Accept", "application/json")]
                func upload(_ name: String, _ bytes: [UInt8], to path: String) async throws -> RawHTTPResponse {
                    try await author.upload(path, on: adminSite, csrf: token, file: ("tep", name, "image/png", bytes), headers: json)
                }
                // The dialog's upload answers with the file to insert.
                let sent = try await upload("Bản đồ thôn.png", photo, to: "\(a)/tep")
                #expect(sent.status == 201 && sent.header("Content-Type") == "application/json; charset=utf-8", "\(sent.text.prefix(200))")
                let id = try await platform.scalar("SELECT max(id) FROM c_14224.files")
                let file = try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any]
                #expect(file?["url"] as? String == "/tep/\(id)" && file?["anh"] as? Bool == true && file?["ten"] as? String == "Bản đồ thôn.png")
                let broken = try await upload("hong.png", Array(photo.prefix(100)), to: "\(a)/tep")
                #expect(broken.status == 400 && broken.text.contains("\"loi\""))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 1, "a refused upload keeps nothing")
                // Another commune: neither its library nor its uploads.
                #expect(try await author.get("\(b)/tep/chon", on: adminSite).status == 403)
                #expect(try await upload("lac.png", photo, to: "\(b)/tep").status == 403)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14233.files") == 0)
                // The library, searched without diacritics, lists this commune's files only.
                _ = try await platform.execute("INSERT INTO c_14233.files (name, content_type, size, data) VALUES ('cua-xa-khac.png', 'image/png', 1, '\\x00')")
                let listed = try await author.get("\(a)/tep/chon?q=ban%20do", on: adminSite)
                #expect(listed.status == 200 && listed.text.contains("\"id\":\(id)") && !listed.text.contains("cua-xa-khac"))
                #expect(try await author.get("\(a)/tep/chon?q=khong-co", on: adminSite).text == "[]")

                // An image in the body without a description is refused, with a message; nothing is saved.
                let undescribed = try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Bản đồ thôn"), ("noi-dung", "<p>Xem bản đồ.</p><figure><img src=\"/tep/\(id)\"></figure>"), ("hanh-dong", "gui-duyet")])
                #expect(undescribed.status == 400 && undescribed.text.contains("Một ảnh trong nội dung chưa có mô tả"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE title = 'Bản đồ thôn'") == 0)
                #expect(try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Bản đồ thôn"), ("noi-dung", "<p>Xem bản đồ.</p><figure><img src=\"/tep/\(id)\" alt=\"Bản đồ thôn Đông\"></figure>"),
                        ("hanh-dong", "gui-duyet")]).status == 303)
                let entry = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Bản đồ thôn'")
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(try await approver.submit("\(a)/bai/\(entry)", to: "\(a)/bai/\(entry)/duyet", on: adminSite, []).status == 303)
                let page = try await host.get("/tin-tuc/\(entry)", host: siteA).text
                #expect(page.contains("<img srcset=\"/tep/\(id)/480 480w, /tep/\(id)/960 960w, /tep/\(id)/1600 1600w\""))
                #expect(page.contains("src=\"/tep/\(id)\" alt=\"Bản đồ thôn Đông\">"))
                #expect(try await author.get("\(a)/tep", on: adminSite).text.contains("Bản đồ thôn"), "the library names the item using the image in its body")

                // A draft may keep an undescribed image; approving it is refused before any approval counts.
                #expect(try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Ảnh chưa mô tả"), ("noi-dung", "<figure><img src=\"/tep/\(id)\"></figure>"), ("hanh-dong", "luu")]).status == 303)
                let draft = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Ảnh chưa mô tả'")
                let refused = try await approver.submit("\(a)/bai/\(draft)", to: "\(a)/bai/\(draft)/trang-thai", on: adminSite, [("trang-thai", "published")])
                #expect(refused.status == 400 && refused.text.contains("chưa có mô tả"), "\(refused.status)")
                #expect(try await platform.strings("SELECT status || '/' || cardinality(approved_by)::text FROM c_14224.entries WHERE id = \(draft)") == ["draft/0"])

                // Markdown typed so far, as the editor's HTML: sanitised, and only with the form's token.
                let converted = try await author.request("POST", "\(a)/markdown", on: adminSite,
                    form: [("_csrf", token), ("noi-dung", "## Lịch họp\n\n**Tám giờ** <script>x()</script>")])
                #expect(converted.status == 200 && converted.text.contains("<h2>Lịch họp</h2>") && converted.text.contains("<strong>Tám giờ</strong>"))
                #expect(!converted.text.contains("<script"))
                #expect(try await author.request("POST", "\(a)/markdown", on: adminSite, form: [("noi-dung", "x")]).status == 403)
            }
        }
    }

    @Test func theLibrary_keepsDescriptions_andReplacesAFileAtItsAddress() async throws {
        let photo = try fixture("photo-2400x1350.png")
        let dot = [UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!)
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let b = try await consolePath(platform, 14233)
            try await withTestHost(platform) { host in
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let token = ConsoleBrowser.csrf(in: try await author.get("\(a)/tep", on: adminSite).text) ?? ""
                func send(_ path: String, _ name: String, _ type: String, _ bytes: [UInt8]) async throws -> RawHTTPResponse {
                    try await author.upload(path, on: adminSite, csrf: token, file: ("tep", name, type, bytes))
                }
                #expect(try await send("\(a)/tep", "cong-cho.png", "image/png", photo).status == 200)
                let id = try await platform.scalar("SELECT max(id) FROM c_14224.files")

                // A description kept with the file, offered by the dialog and taken by a featured image left without one.
                #expect(try await author.request("POST", "\(a)/tep/\(id)/mo-ta", on: adminSite, form: [("_csrf", token), ("mo-ta", "Cổng chợ\u{7}")]).status == 400)
                #expect(try await author.request("POST", "\(a)/tep/\(id)/mo-ta", on: adminSite, form: [("_csrf", token), ("mo-ta", " Cổng chợ Hải Nam ")]).status == 303)
                #expect(try await platform.strings("SELECT alt FROM c_14224.files WHERE id = \(id)") == ["Cổng chợ Hải Nam"])
                #expect(try await author.get("\(a)/tep/chon", on: adminSite).text.contains("\"moTa\":\"Cổng chợ Hải Nam\""))
                #expect(try await author.get("\(a)/tep", on: adminSite).text.contains("value=\"Cổng chợ Hải Nam\""))
                #expect(try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Chợ phiên"), ("anh", "/tep/\(id)"), ("mo-ta-anh", ""), ("hanh-dong", "luu")]).status == 303)
                #expect(try await platform.strings("SELECT image_alt FROM c_14224.entries WHERE title = 'Chợ phiên'") == ["Cổng chợ Hải Nam"])

                // Replaced under the same address: an image by an image only; its copies made again.
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.file_variants WHERE file_id = \(id)") == 3)
                let before = try await host.get("/tep/\(id)", host: siteA)
                let pdf = try await send("\(a)/tep/\(id)/thay", "bien-ban.pdf", "application/pdf", Array("%PDF-1.4\n%%EOF\n".utf8))
                #expect(pdf.status == 400 && pdf.text.contains("Ảnh chỉ được thay bằng một ảnh."))
                #expect(try await send("\(b)/tep/\(id)/thay", "cham.png", "image/png", dot).status == 403, "never another commune's file")
                let replaced = try await send("\(a)/tep/\(id)/thay", "cham.png", "image/png", dot)
                #expect(replaced.status == 200 && replaced.text.contains("Đã thay tệp bằng cham.png"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.file_variants WHERE file_id = \(id)") == 0, "a 1-pixel image has no smaller copies")
                let served = try await host.get("/tep/\(id)", host: siteA)
                #expect(served.status == 200 && served.header("Content-Type") == "image/png" && served.body.count < 1_000)
                #expect(served.header("ETag") != before.header("ETag"), "a replaced file has a new ETag")
                #expect(served.header("Cache-Control") == "public, max-age=300", "caches ask again after five minutes")
                #expect(try await host.get("/tep/\(id)", host: siteA, headers: [("If-None-Match", served.header("ETag") ?? "")]).status == 304)
                #expect(try await platform.strings("SELECT alt FROM c_14224.files WHERE id = \(id)") == ["Cổng chợ Hải Nam"], "the description stays")
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action IN ('file.describe', 'file.replace')") == 2)
                #expect(try await send("\(a)/tep/999999/thay", "cham.png", "image/png", dot).status == 404)
            }
        }
    }

    @Test func whatIsTyped_isKeptApartFromRevisions_offeredBack_andOtherEditorsAreNamed() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let b = try await consolePath(platform, 14233)
            try await withTestHost(platform) { host in
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let newForm = "\(a)/bai/moi?chuyen-muc=4&loai=article"
                let token = ConsoleBrowser.csrf(in: try await author.get(newForm, on: adminSite).text) ?? ""
                func keep(_ browser: ConsoleBrowser, _ csrf: String, entry: String, tab: String, _ fields: [(String, String)], at path: String? = nil) async throws -> RawHTTPResponse {
                    try await browser.request("POST", path ?? "\(a)/bai/tu-luu", on: adminSite,
                        form: [("_csrf", csrf), ("bai", entry), ("tab", tab)] + Self.article + fields)
                }
                let kept = try await keep(author, token, entry: "", tab: "t1", [("tieu-de", "Lịch tiếp dân tháng Giêng"), ("noi-dung", "<p>Thứ Năm hằng tuần</p>")])
                #expect(kept.status == 200 && kept.text.contains("\"luc\""), "\(kept.text.prefix(200))")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE title LIKE 'Lịch tiếp dân%'") == 0, "an autosave is not a save")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.autosaves WHERE fields ? '_csrf' OR NOT fields ? 'tieu-de'") == 0, "only the item's fields are kept")
                // Offered back on the next visit, and restored into the form.
                let offered = try await author.get(newForm, on: adminSite).text
                #expect(offered.contains("Có bản tự lưu lúc") && !offered.contains("value=\"Lịch tiếp dân tháng Giêng\""))
                let restored = try await author.get(newForm + "&tu-luu=1", on: adminSite).text
                #expect(restored.contains("value=\"Lịch tiếp dân tháng Giêng\"") && restored.contains("Thứ Năm hằng tuần") && restored.contains("Đang hiện bản tự lưu"))
                // A real save makes it unnecessary.
                #expect(try await author.submit(newForm, to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Lịch tiếp dân tháng Giêng"), ("noi-dung", "<p>Thứ Năm hằng tuần</p>"), ("hanh-dong", "luu")]).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.autosaves") == 0)
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Lịch tiếp dân tháng Giêng'")

                // Two people on one item: each is told of the other; one person in two tabs, too.
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let itemPage = try await approver.get("\(a)/bai/\(id)", on: adminSite).text
                let other = ConsoleBrowser.csrf(in: itemPage) ?? ""
                let current = try #require(itemPage.range(of: "name=\"ban\" value=\"").map { String(itemPage[$0.upperBound...].prefix { $0.isNumber }) })
                #expect(try await keep(approver, other, entry: "\(id)", tab: "d1", [("tieu-de", "Lịch tiếp dân (sửa)")]).status == 200)
                let told = try await keep(author, token, entry: "\(id)", tab: "t1", [("tieu-de", "Lịch tiếp dân")])
                #expect(told.text.contains("Biên tập Hải Nam cũng đang sửa bài này"), "\(told.text)")
                let tabs = try await keep(approver, other, entry: "\(id)", tab: "d2", [("tieu-de", "Lịch tiếp dân (thẻ 2)")])
                #expect(tabs.text.contains("Người viết Hải Nam cũng đang sửa bài này") || tabs.text.contains("thẻ khác"))
                // The same person in a second tab is told so, and each tab keeps its own autosave.
                #expect(try await keep(approver, other, entry: "\(id)", tab: "d3", [("tieu-de", "Lịch tiếp dân (thẻ 3)"), ("ban", current)]).text.contains("thẻ khác"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.autosaves WHERE entry_id = \(id)") == 4)
                // The item's form offers the approver's newer autosave to the approver only.
                #expect(try await approver.get("\(a)/bai/\(id)", on: adminSite).text.contains("Có bản tự lưu lúc"))

                // Typing goes on in a tab opened before someone else saved for real: the
                // autosave, restored later, still meets the clash check.
                let opened = try await author.get("\(a)/bai/\(id)", on: adminSite).text
                let ban = try #require(opened.range(of: "name=\"ban\" value=\"").map { String(opened[$0.upperBound...].prefix { $0.isNumber }) })
                #expect(try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Lịch tiếp dân (bản người duyệt)"), ("hanh-dong", "luu")]).status == 303)
                #expect(try await keep(author, token, entry: "\(id)", tab: "t2", [("tieu-de", "Lịch tiếp dân (bản của người viết)"), ("ban", ban)]).status == 200)
                // (An autosave on an older save counts ten seconds after the newest one.)
                try await platform.execute("UPDATE c_14224.autosaves SET saved_at = now() + interval '1 minute' WHERE tab = 't2'")
                let restoredItem = try await author.get("\(a)/bai/\(id)?tu-luu=1", on: adminSite).text
                #expect(restoredItem.contains("value=\"Lịch tiếp dân (bản của người viết)\"") && restoredItem.contains("name=\"ban\" value=\"\(ban)\""))
                let clash = try await author.submit("\(a)/bai/\(id)?tu-luu=1", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Lịch tiếp dân (bản của người viết)"), ("ban", ban), ("hanh-dong", "luu")])
                #expect(clash.status == 400 && clash.text.contains("đã lưu bài này lúc"), "the approver's save is not overwritten unknowingly")

                // Refusals: no token, another commune, an item this commune lacks, too much.
                #expect(try await author.request("POST", "\(a)/bai/tu-luu", on: adminSite, form: [("bai", ""), ("tab", "x")] + Self.article).status == 403)
                #expect(try await keep(author, token, entry: "", tab: "t1", [], at: "\(b)/bai/tu-luu").status == 403)
                #expect(try await keep(author, token, entry: "987654", tab: "t1", []).status == 404)
                #expect(try await keep(author, token, entry: "abc", tab: "t1", []).status == 400)
                let huge = try await keep(author, token, entry: "", tab: "t1", [("noi-dung", String(repeating: "x", count: Editorial.autosaveLimit + 10))])
                #expect(huge.status == 413)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14233.autosaves") == 0)
            }
        }
    }

    /// The fixture was written by pandoc from Markdown: a heading, bold, a
    /// link, both kinds of lists, a table and an image with its description.
    @Test func aWordDocument_becomesADraft_withItsImagesInTheLibrary() async throws {
        let docx = try fixture("ke-hoach-cho-phien.docx")
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let b = try await consolePath(platform, 14233)
            try await withTestHost(platform) { host in
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let page = try await author.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite).text
                #expect(page.contains("Tạo bản nháp từ tệp Word"))
                let token = ConsoleBrowser.csrf(in: page) ?? ""
                func send(_ bytes: [UInt8], name: String = "ke-hoach.docx", to base: String? = nil) async throws -> RawHTTPResponse {
                    try await author.upload(
                        "\(base ?? a)/bai/tu-tep?chuyen-muc=4&loai=article", on: adminSite, csrf: token,
                        file: ("tep-word", name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes))
                }
                let made = try await send(docx)
                #expect(made.status == 303 && made.header("Location")?.hasSuffix("ket-qua=da-nhap-word") == true, "\(made.status) \(made.text.prefix(300))")
                let rows = try await platform.strings("SELECT title || '|' || status || '|' || review FROM c_14224.entries")
                #expect(rows == ["Kế hoạch tổ chức chợ phiên cuối năm|draft|none"], "the first heading is the title; a draft, not submitted")
                let body = try await platform.strings("SELECT body FROM c_14224.entries").first ?? ""
                let file = try await platform.scalar("SELECT max(id) FROM c_14224.files")
                for part in ["<h2", "<strong>chợ\nphiên</strong>", "href=\"https://namdinh.gov.vn/\"", "<ul>", "<ol", "<table>", "<th>Hạng mục</th>",
                             "src=\"/tep/\(file)\"", "alt=\"Sơ đồ khu chợ phiên\""] {
                    #expect(body.contains(part), "the body keeps \(part)")
                }
                #expect(!body.contains("<h1") && !body.contains("style="))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.file_variants WHERE file_id = \(file)") == 1, "the image got its copies")
                let id = try await platform.scalar("SELECT id FROM c_14224.entries")
                #expect(try await author.get("\(a)/bai/\(id)?ket-qua=da-nhap-word", on: adminSite).text.contains("Đã tạo bản nháp từ tệp Word"))

                // Not a .docx, a damaged one, another commune: a message, nothing kept.
                let doc = try await send(Array("\u{D0}\u{CF} an old .doc".utf8), name: "cu.doc")
                #expect(doc.status == 400 && doc.text.contains("Chỉ nhận tệp Word .docx"))
                let damaged = try await send(Array(docx.prefix(3000)))
                #expect(damaged.status == 400 && damaged.text.contains("Không đọc được tệp Word này"))
                #expect(try await send(docx, to: b).status == 403)
                var generator = SplitMix(seed: 43)
                for _ in 0..<4 {
                    var bytes = docx
                    for _ in 0..<30 { bytes[Int(generator.next() % UInt64(bytes.count - 4)) + 4] = UInt8(truncatingIfNeeded: generator.next()) }
                    let answer = try await send(bytes)
                    #expect(answer.status == 303 || answer.status == 400, "a damaged document: \(answer.status)")
                }
                let entries = try await platform.scalar("SELECT count(*) FROM c_14224.entries")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files f WHERE NOT EXISTS (SELECT 1 FROM c_14224.entries e WHERE e.body LIKE '%/tep/' || f.id || '\"%')") == 0,
                    "no image is left behind by a document that failed (\(entries) drafts)")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14233.entries") == 0)
            }
        }
    }
}
