import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// `provisioner site import` on the fixture made from a real WordPress 6.1
/// (Tests/ProvisionerTests/Fixtures/wordpress, remade by
/// ops/fixtures/wordpress-fixture), as an operator runs it.
@Suite struct SiteImportTests {
    static let fixture = TestEnvironment.wordpressFixture
    static let wxr = fixture + "/export.xml"
    static let mirror = fixture + "/mirror"
    static let haiNam = TestFixture.communes([(14224, "Xã Hải Nam"), (14225, "Xã Hải Phúc")])
    static let schema = "c_14224"

    static func importArguments(_ extra: [String] = []) -> [String] {
        ["site", "import", "--wxr", Self.wxr, "--commune", "14224", "--files", Self.mirror] + extra
    }

    /// Rows that tell whether anything was doubled or changed.
    static func state(_ platform: TestPlatform) async throws -> [Int] {
        try await [
            platform.scalar("SELECT count(*) FROM \(schema).entries"),
            platform.scalar("SELECT count(*) FROM \(schema).files"),
            platform.scalar("SELECT count(*) FROM \(schema).file_variants"),
            platform.scalar("SELECT count(*) FROM \(schema).entry_revisions"),
            platform.scalar("SELECT count(*) FROM \(schema).imported_items"),
            platform.scalar("SELECT count(*) FROM \(schema).old_addresses"),
            platform.scalar("SELECT count(*) FROM \(schema).sections WHERE NOT starter"),
        ]
    }

    @Test func wxr_importsItemsDocumentsFilesAndOldAddresses() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let result = try await CommandRunner.provisioner(Self.importArguments(["--publish"]), databaseURL: platform.url)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("imported 44 items (9 documents"), "\(result.output)")
            // Items by section, as the dry run says.
            let bySection = try await platform.strings(
                "SELECT s.slug || ' ' || count(*) FROM \(Self.schema).entries e JOIN \(Self.schema).sections s ON s.id = e.section_id GROUP BY s.slug ORDER BY s.slug")
            #expect(bySection == [
                "chi-dao-dieu-hanh 3", "chinh-sach-an-sinh 2", "cong-khai-ngan-sach 2", "du-an-dau-tu 2", "hoi-dap 2", "lay-y-kien 2",
                "pho-bien-phap-luat 2", "quy-hoach-ke-hoach 2", "tin-tuc 18", "van-ban 9",
            ])
            // Documents carry their number, kind, issuer and date; the PDF is their file.
            let documents = try await platform.strings(
                """
                SELECT doc_number || '|' || doc_type || '|' || issuer || '|' || issued_on || '|' || coalesce(signer, '') || '|' || (file_url IS NOT NULL)
                  FROM \(Self.schema).entries WHERE kind = 'document' ORDER BY doc_number
                """)
            // The issuer as the text names it, else as the symbol says (88/QĐ-UBND names none).
            #expect(documents.contains("125/QĐ-UBND|Quyết định|UBND xã Hải Nam|2024-03-12|Nguyễn Văn Hùng|true"), "\(documents)")
            #expect(documents.contains("05/NQ-HĐND|Nghị quyết|HĐND xã Hải Nam|2024-12-18|Phạm Văn Tuấn|true"), "\(documents)")
            #expect(documents.contains("88/QĐ-UBND|Quyết định|Ủy ban nhân dân xã Hải Nam|2022-04-05||true"), "\(documents)")
            // Its date from the heading line "Hải Nam, ngày 05 tháng 6 năm 2023"; a Word file is not taken.
            #expect(documents.contains("112/UBND-ĐC|Công văn|Ủy ban nhân dân xã Hải Nam|2023-06-05|Đỗ Minh Khoa|false"), "\(documents)")
            #expect(documents.count == 9)
            // The number search finds them (the public search's words).
            let found = try await platform.scalar(
                "SELECT count(*) FROM \(Self.schema).entries WHERE search @@ plainto_tsquery('simple', platform.search_words('125/QĐ-UBND'))")
            #expect(found >= 1)
            // Images are stored once per content, without their metadata, with the WebP widths of an upload.
            let images = try await platform.scalar("SELECT count(*) FROM \(Self.schema).files WHERE content_type LIKE 'image/%'")
            let withCopies = try await platform.scalar(
                "SELECT count(DISTINCT file_id) FROM \(Self.schema).file_variants v JOIN \(Self.schema).files f ON f.id = v.file_id WHERE f.content_type LIKE 'image/%' AND f.content_type <> 'image/gif'")
            #expect(images > 0 && withCopies == images)
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).files GROUP BY md5(data) ORDER BY 1 DESC LIMIT 1") == 1)
            #expect(result.output.contains("1 same as another"), "\(result.output)")
            // No body still points at the old host's files; bodies were sanitised.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE body LIKE '%/wp-content/uploads/%' AND body NOT LIKE '%.docx%'") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE body ~* '<iframe|style=|<script|\\[caption|\\[gallery'") == 0)
            // Published items keep their old dates; drafts and the future post keep theirs.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE published_at < '2010-01-01'") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE status = 'published' AND published_at > now()") == 1)
            #expect(try await platform.strings("SELECT status FROM \(Self.schema).entries WHERE title LIKE 'Dự thảo kế hoạch tổ chức Lễ hội%'") == ["draft"])
            // Left out, with the reason: private, trash, procedures; Word files.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE title LIKE '%(nội bộ)%' OR title = 'Bài viết thử nghiệm'") == 0)
            // Static sections took the pages' text; the other commune has nothing.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).sections WHERE NOT starter") == 4)
            #expect(try await platform.scalar("SELECT count(*) FROM c_14225.entries WHERE NOT is_sample") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM c_14225.old_addresses") == 0)
            // The audit names the import.
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'site.import'") == 1)

            // A second run changes nothing.
            let before = try await Self.state(platform)
            let again = try await CommandRunner.provisioner(Self.importArguments(["--publish"]), databaseURL: platform.url)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("imported 0 items"), "\(again.output)")
            #expect(try await Self.state(platform) == before)
        }
    }

    @Test func dryRun_printsWhereItemsGo_andChangesNothing() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let before = try await Self.state(platform)
            let result = try await CommandRunner.provisioner(Self.importArguments(["--dry-run"]), databaseURL: platform.url)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("→ van-ban văn bản 125/QĐ-UBND"), "\(result.output)")
            #expect(result.output.contains("bỏ qua: bài riêng tư"), "\(result.output)")
            #expect(result.output.contains("would import:"), "\(result.output)")
            #expect(try await Self.state(platform) == before)
        }
    }

    @Test func badInput_isRefusedWithAMessage_andChangesNothing() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let before = try await Self.state(platform)
            let mapping = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-\(UUID().uuidString).txt").path
            try "category tin-tuc-su-kien = tin-tuc-moi\n".write(toFile: mapping, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: mapping) }
            let cases: [([String], String)] = [
                (Self.importArguments(["--mapping", mapping]), "is not a section"),
                (["site", "import", "--wxr", Self.fixture + "/README.md", "--commune", "14224", "--files", Self.mirror], "not a readable WordPress export"),
                (["site", "import", "--wxr", Self.wxr, "--commune", "99999", "--files", Self.mirror], "commune 99999 does not exist"),
                (["site", "import", "--wxr", Self.wxr, "--crawl", "http://xahainam.namdinh.gov.vn", "--commune", "14224"], "either --wxr FILE or --crawl URL"),
                (["site", "import", "--crawl", "file:///etc", "--commune", "14224"], "--crawl takes the site's address"),
            ]
            for (arguments, message) in cases {
                let result = try await CommandRunner.provisioner(arguments, databaseURL: platform.url)
                #expect(result.status != 0 && result.output.contains(message), "\(arguments): \(result.output)")
            }
            #expect(try await Self.state(platform) == before)
        }
    }

    /// Killed (SIGKILL) part-way, then run again: every item once, each
    /// with its record, nothing half-made.
    @Test func killedMidImport_rerunFinishes_withNothingDoubled() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            // Held back on a lock once 8 items are in, whatever the machine's load, then killed.
            let partial = try await platform.killHalfway(
                ["provisioner"] + Self.importArguments(["--publish"]),
                gate: "\(Self.schema).imported_items", after: "INSERT",
                count: "SELECT count(*) FROM \(Self.schema).imported_items WHERE entry_id IS NOT NULL", reaches: 8)
            #expect(partial >= 8 && partial < 44, "\(partial) items in when killed")
            // Every entry has its record (one transaction each).
            #expect(try await platform.scalar(
                "SELECT count(*) FROM \(Self.schema).entries e WHERE NOT is_sample AND NOT EXISTS (SELECT 1 FROM \(Self.schema).imported_items i WHERE i.entry_id = e.id)") == 0)

            let rerun = try await CommandRunner.provisioner(Self.importArguments(["--publish"]), databaseURL: platform.url)
            #expect(rerun.status == 0, "\(rerun.output)")
            #expect(rerun.output.contains("already in \(partial)") || rerun.output.contains("already in"), "\(rerun.output)")
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE NOT is_sample") == 44)
            #expect(try await platform.scalar("SELECT count(*) FROM (SELECT title, published_at FROM \(Self.schema).entries GROUP BY 1, 2 HAVING count(*) > 1) d") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).files GROUP BY md5(data) ORDER BY 1 DESC LIMIT 1") == 1)
        }
    }

    static func crawlArguments(_ extra: [String] = []) -> [String] {
        ["site", "import", "--crawl", "http://xahainam.namdinh.gov.vn", "--commune", "14224"] + extra
    }

    /// The mirror crawled as a live site (sitemaps, feed, lists, pages):
    /// what the site shows publicly, read back into the same sections.
    @Test func crawlOfTheMirror_importsWhatTheSiteShows() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let result = try await CommandRunner.provisioner(Self.crawlArguments(["--files", Self.mirror, "--publish"]), databaseURL: platform.url)
            #expect(result.status == 0, "\(result.output)")
            // 51 published posts and 5 pages; no draft, private, trashed or scheduled post is public.
            #expect(result.output.contains("56 items"), "\(result.output)")
            #expect(result.output.contains("imported 42 items (9 documents"), "\(result.output)")
            #expect(result.output.contains("12 section texts"), "\(result.output)")
            // The old site's own broken links are named, not failures.
            #expect(result.output.contains("dead link") && result.output.contains("huong-dan-nop-ho-so-truc-tuyen"), "\(result.output)")
            let documents = try await platform.strings(
                "SELECT doc_number || '|' || issued_on || '|' || (file_url IS NOT NULL) FROM \(Self.schema).entries WHERE kind = 'document' ORDER BY doc_number")
            #expect(documents.contains("125/QĐ-UBND|2024-03-12|true") && documents.contains("112/UBND-ĐC|2023-06-05|false"), "\(documents)")
            // Dates from the pages; the 2009 post keeps its year.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE published_at < '2010-01-01'") == 1)
            // Featured images from the lists' thumbnails, stored in full with their copies.
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).entries WHERE image_url LIKE '/tep/%'") >= 5)
            #expect(try await platform.scalar(
                "SELECT count(*) FROM \(Self.schema).old_addresses WHERE path = '/2024/03/quyet-dinh-so-125-qd-ubnd-ngay-12-3-2024-ve-viec-ban-hanh-ke-hoach-phong-chong-thien-tai-nam-2024'") == 1)
        }
    }

    /// An export and a crawl of one site are one source: the crawl after
    /// the export takes nothing twice.
    @Test func crawlAfterTheExport_doublesNothing() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let first = try await CommandRunner.provisioner(Self.importArguments(["--publish"]), databaseURL: platform.url)
            #expect(first.status == 0, "\(first.output)")
            let before = try await Self.state(platform)
            let crawl = try await CommandRunner.provisioner(Self.crawlArguments(["--files", Self.mirror, "--publish"]), databaseURL: platform.url)
            #expect(crawl.status == 0, "\(crawl.output)")
            #expect(crawl.output.contains("imported 0 items") && crawl.output.contains("already in 54"), "\(crawl.output)")
            #expect(try await Self.state(platform) == before)
        }
    }

    /// Over HTTP, as a live site: only its host, with the limits given.
    @Test func crawlOverHTTP_readsTheSite() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let server = try StaticServer(root: Self.mirror + "/xahainam.namdinh.gov.vn")
            defer { server.stop() }
            let result = try await CommandRunner.provisioner(
                Self.crawlArguments(["--connect-to", "xahainam.namdinh.gov.vn:127.0.0.1:\(server.port)", "--rate", "100"]), databaseURL: platform.url)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("imported 42 items (9 documents, 0 published)"), "\(result.output)")
            #expect(try await platform.scalar("SELECT count(*) FROM \(Self.schema).files") == 20)
            // --max-pages stops the crawl and says so.
            let limited = try await CommandRunner.provisioner(
                Self.crawlArguments(["--connect-to", "xahainam.namdinh.gov.vn:127.0.0.1:\(server.port)", "--rate", "100", "--max-pages", "5", "--dry-run"]),
                databaseURL: platform.url)
            #expect(limited.output.contains("5 pages read") && limited.output.contains("--max-pages"), "\(limited.output)")
        }
    }

    /// A profile file: an operator's rules for a site no built-in profile knows.
    @Test func profileFile_readsAnotherKindOfSite() async throws {
        try await withTestPlatform(from: Self.haiNam) { platform in
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let site = root.appendingPathComponent("mirror/xa.example.vn")
            func write(_ path: String, _ text: String) throws {
                let file = site.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
            try write("index.html", "<html><body><ul><li><a href='/tin/le-hoi-12.html'>Lễ hội</a></li><li><a href='/vb/qd-7.html'>QĐ 7</a></li></ul></body></html>")
            try write("tin/le-hoi-12.html", """
                <html><head><meta charset="utf-8"></head><body><div class="crumbs"><a href="/tin-tuc/">Tin tức</a></div>
                <h2 class="t">Lễ hội truyền thống năm 2025</h2><span class="d">Cập nhật: 05/02/2025</span>
                <div id="noidung"><p>Lễ hội diễn ra trong ba ngày.</p><div class="share">Chia sẻ</div></div></body></html>
                """)
            try write("vb/qd-7.html", """
                <html><body><div class="crumbs"><a href="/van-ban/">Văn bản</a></div><h2 class="t">Quyết định số 7/QĐ-UBND</h2>
                <span class="d">10/01/2025</span><div id="noidung"><p>Số: 7/QĐ-UBND<br>Ngày ban hành: 09/01/2025</p></div></body></html>
                """)
            let profile = root.appendingPathComponent("profile.txt").path
            try """
                # Cổng thông tin xã (mẫu)
                name = cong-xa
                item-path = \\.html$
                title = //h2[@class='t']
                body = //div[@id='noidung']
                date = //span[@class='d']
                category = //div[@class='crumbs']//a/@href
                remove = //div[@class='share']
                """.write(toFile: profile, atomically: true, encoding: .utf8)
            let result = try await CommandRunner.provisioner(
                ["site", "import", "--crawl", "http://xa.example.vn", "--commune", "14224", "--files", root.appendingPathComponent("mirror").path,
                 "--profile", profile, "--publish"], databaseURL: platform.url)
            #expect(result.status == 0, "\(result.output)")
            let rows = try await platform.strings(
                "SELECT s.slug || '|' || e.title || '|' || (e.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date || '|' || coalesce(e.doc_number, '') || '|' || (e.body LIKE '%Chia sẻ%') FROM \(Self.schema).entries e JOIN \(Self.schema).sections s ON s.id = e.section_id ORDER BY e.id")
            #expect(rows == ["tin-tuc|Lễ hội truyền thống năm 2025|2025-02-05||false", "van-ban|Quyết định số 7/QĐ-UBND|2025-01-10|7/QĐ-UBND|false"], "\(rows)")
            // A profile with a mistake is refused, with its line.
            try "title = //h2[\n".write(toFile: profile, atomically: true, encoding: .utf8)
            let bad = try await CommandRunner.provisioner(
                ["site", "import", "--crawl", "http://xa.example.vn", "--commune", "14224", "--files", root.path, "--profile", profile], databaseURL: platform.url)
            #expect(bad.status != 0 && bad.output.contains("line 1") && bad.output.contains("XPath"), "\(bad.output)")
        }
    }
}
