import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// The parts of a site import that read outside text: the WordPress
/// export, document fields, the mapping file, old addresses, WordPress's
/// stored post text.
@Suite struct SiteImportTextTests {
    @Test(arguments: [
        ("Quyết định số 125/QĐ-UBND ngày 12/3/2024 về việc ban hành kế hoạch", "", "125/QĐ-UBND", "Quyết định", "2024-03-12", "Ủy ban nhân dân xã Hải Nam"),
        ("Về việc tổ chức tết trồng cây", "Số: 45/UBND-VP\nNgày ban hành: 05/01/2025\nNgười ký: Trần Văn Bình", "45/UBND-VP", "Công văn", "2025-01-05", "Ủy ban nhân dân xã Hải Nam"),
        ("Nghị quyết về dự toán ngân sách năm 2025", "Số ký hiệu: 05/NQ-HĐND\nngày 05 tháng 6 năm 2023", "05/NQ-HĐND", "Nghị quyết", "2023-06-05", "Hội đồng nhân dân xã Hải Nam"),
        ("Thông báo lịch tiếp công dân", "Số: 12/TB-UBND\nCơ quan ban hành: UBND xã Hải Nam\nNgày ban hành: 31/02/2024", "12/TB-UBND", "Thông báo", "", "UBND xã Hải Nam"),
        ("Kế hoạch số 123/2024/KH-UBND", "", "123/2024/KH-UBND", "Kế hoạch", "", "Ủy ban nhân dân xã Hải Nam"),
    ])
    func documentFields(title: String, text: String, number: String, type: String, issued: String, issuer: String) throws {
        let fields = try #require(DocumentRecognizer.recognise(title: title, text: text, commune: "xã Hải Nam"))
        #expect(fields.number == number)
        #expect(fields.type == type)
        #expect(fields.issuedOn.map { VietnamTime($0).isoDate } ?? "" == issued)
        #expect(fields.issuer == issuer)
    }

    @Test func signerAndEffectiveDate_areRead() throws {
        let text = "Số: 125/QĐ-UBND\nNgày ban hành: 12/03/2024\nNgày hiệu lực: 15/03/2024\nNgười ký: Nguyễn Văn Hùng."
        let fields = try #require(DocumentRecognizer.recognise(title: "Về phòng chống thiên tai", text: text, commune: "xã Hải Nam"))
        #expect(fields.signer == "Nguyễn Văn Hùng")
        #expect(fields.effectiveOn.map { VietnamTime($0).isoDate } == "2024-03-15")
        #expect(fields.stated)
    }

    @Test func newsWithoutANumber_isNotADocument() {
        #expect(DocumentRecognizer.recognise(title: "Ra quân vệ sinh môi trường ngày 12/3/2024", text: "Hơn 500 người tham gia.", commune: "xã A") == nil)
    }

    @Test func mappingFile_rulesAndErrors() throws {
        let mapping = try ImportMapping.read("""
            # quy tắc của xã
            category quang-cao = -
            category van-hoa = pho-bien-phap-luat
            page gioi-thieu/lich-su = co-cau-to-chuc
            path /tin-cu/ = tin-tuc
            default = tin-tuc
            """)
        #expect(mapping.target(categories: ["quang-cao"]).target == .leaveOut)
        #expect(mapping.target(categories: ["van-hoa"]).target == .section(.legalDissemination))
        #expect(mapping.target(categories: ["tin-tuc-su-kien", "quyet-dinh"]).target == .section(.documents))
        #expect(mapping.target(categories: ["la-chua-co"]).target == .section(.news))
        #expect(mapping.target(page: "gioi-thieu/lich-su")?.target == .section(.organisation))
        #expect(mapping.target(page: "gioi-thieu")?.target == .section(.introduction))
        #expect(mapping.target(page: "trang-la") == nil)
        #expect(mapping.target(path: "/tin-cu/bai-1")?.target == .section(.news))
        for (text, message) in [
            ("category a = khong-co", "is not a section"), ("category a", "expected"), ("path tin = tin-tuc", "starts with /"),
            ("tag a = tin-tuc", "starts with category"), ("category a = co-quan-chu-quan", "is not a section"),
        ] {
            #expect(throws: ImportMapping.ReadError.self) { try ImportMapping.read(text) }
            do { _ = try ImportMapping.read(text) } catch { #expect(error.description.contains(message), "\(error.description)") }
        }
    }

    @Test func oldAddresses_areNormalised() {
        #expect(OldAddress.path("http://xahainam.namdinh.gov.vn/2024/03/hop-dan/") == "/2024/03/hop-dan")
        #expect(OldAddress.path("/2024/03/h%E1%BB%8Dp-d%C3%A2n/?p=1#x") == "/2024/03/họp-dân")
        #expect(OldAddress.path("https://a.vn") == "/")
        #expect(OldAddress.path("relative/path") == nil)
        #expect(OldAddress.path("/a%00b") == nil)
        #expect(OldAddress.withoutSizeSuffix("/wp-content/uploads/2024/03/anh-300x188.jpg") == "/wp-content/uploads/2024/03/anh.jpg")
        #expect(OldAddress.withoutSizeSuffix("/wp-content/uploads/2024/03/anh-dep.jpg") == nil)
    }

    @Test func wordPressText_becomesParagraphsFiguresAndLinks() {
        var notes: Set<String> = []
        let html = WordPressContent.html(from: """
            Dòng một
            dòng hai

            [caption id="attachment_5" width="300"]<img src="/a.jpg" alt="Ảnh" /> Chú thích ảnh[/caption]

            <iframe src="https://www.youtube.com/embed/abc_123?rel=0"></iframe>
            [gallery ids="7,8"]
            [vc_row]Nội dung trong khối[/vc_row] [1] chú thích
            """, gallery: { ids in ids.map { "<img src=\"/\($0).jpg\">" }.joined() }, notes: &notes)
        #expect(html.contains("<p>Dòng một<br>\ndòng hai</p>"))
        #expect(html.contains("<figure><img src=\"/a.jpg\" alt=\"Ảnh\" /><figcaption>Chú thích ảnh</figcaption></figure>"))
        #expect(html.contains("https://www.youtube.com/watch?v=abc_123"))
        #expect(html.contains("<img src=\"/7.jpg\"><img src=\"/8.jpg\">"))
        #expect(html.contains("Nội dung trong khối") && !html.contains("vc_row"))
        #expect(html.contains("[1] chú thích"))
        #expect(notes.contains("khung nhúng (iframe) đổi thành liên kết"))
    }

    @Test func exportThatIsNotOne_isRefusedWithItsLine() {
        for text in ["<rss><channel><title>x</title>", "<html><body>hi</body></html>", "", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><rss><channel><link>http://a.vn</link><title>&e;</title></channel></rss>"] {
            do {
                let archive = try WXRArchive.read(Data(text.utf8))
                // An external entity is never read.
                #expect(!archive.title.contains("root:"), "\(text)")
            } catch {
                #expect(error.description.contains("WordPress export"), "\(error.description)")
            }
        }
    }

    static let wxrFragments = [
        "<rss>", "</rss>", "<channel>", "</channel>", "<link>http://a.vn</link>", "<item>", "</item>", "<title>", "</title>",
        "<wp:post_id>", "</wp:post_id>", "12", "-1", "99999999999999999999", "<wp:post_date_gmt>", "</wp:post_date_gmt>",
        "2024-02-31 25:61:61", "0000-00-00 00:00:00", "2024-03-12 08:00:00", "<wp:post_type>", "post", "attachment", "</wp:post_type>",
        "<content:encoded><![CDATA[", "]]></content:encoded>", "<category domain=\"category\" nicename=\"van-ban\">", "</category>",
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>", "</wp:meta_value></wp:postmeta>", "&amp;", "&#0;",
        "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]>", "&a;", "Số: 125/QĐ-UBND", "\u{0}", "<", ">", "\"",
    ]

    /// No crash, no hang on any input; what is read is what the file says.
    @Test func wxrReader_fuzz() {
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let text = Fuzz.text(&random, fragments: Self.wxrFragments, maxPieces: 60)
            if let archive = try? WXRArchive.read(Data(text.utf8)) {
                #expect(archive.siteURL.hasPrefix("http"), "seed \(seed)")
            }
        }
    }

    @Test func documentRecognizerAndMapping_fuzz() {
        let fragments = ["Số", ":", " ", "/", "QĐ", "-", "UBND", "HĐND", "125", "2024", "ngày", "tháng", "năm", "\n", "Người ký", "Ngày ban hành", "31/02/2024",
                         "99/99/99999", "=", "#", "category", "page", "path", "default", "tin-tuc", "-", "Đ", "\u{0}", "%", "%E1", "x"]
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let text = Fuzz.text(&random, fragments: fragments, maxPieces: 40)
            if let fields = DocumentRecognizer.recognise(title: text, text: text, commune: "xã A") {
                #expect(text.contains(fields.number), "seed \(seed)")
            }
            _ = try? ImportMapping.read(text)
            if let path = OldAddress.path("/" + text) { #expect(path.hasPrefix("/") && !path.contains("\u{0}"), "seed \(seed)") }
            var notes: Set<String> = []
            _ = WordPressContent.html(from: text, gallery: { _ in "" }, notes: &notes)
        }
    }

    static let pageFragments = [
        "<html>", "<body class=\"page\">", "<article>", "</article>", "<h1>", "</h1>", "<div class=\"entry-content\">", "</div>", "<p>", "<a href=\"",
        "/2024/03/bai/", "http://a.vn/", "\">", "</a>", "<img src=\"/x.jpg\" class=\"wp-post-image\" alt=\"", "<time datetime=\"2024-02-31T25:00\">",
        "<meta property=\"og:image\" content=\"", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "&", "&#0;", "&#x110000;", "<", ">", "\"",
        "<meta charset=\"windows-1258\">", "<?xml version=\"1.0\"?>", "<!DOCTYPE html SYSTEM \"file:///etc/passwd\">", "\u{0}", "Ủy ban", "\u{FEFF}",
    ]

    /// Pages of an old site: no crash, no hang; what is found comes from the page.
    @Test func htmlPages_fuzz() {
        let crawler = SiteCrawler(siteURL: "http://a.vn", profile: .wordpress, fetcher: MirrorFiles(root: "/nonexistent", maxBytes: 1))
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let text = Fuzz.text(&random, fragments: Self.pageFragments, maxPieces: 80)
            guard let document = HTMLDocument(Array(text.utf8), url: "http://a.vn/2024/03/bai/") else { return }
            if let item = crawler.item(document, url: "http://a.vn/2024/03/bai/", path: "/2024/03/bai", pageHint: false) {
                #expect(!item.title.isEmpty, "seed \(seed)")
            }
            for href in document.strings("//a/@href") { _ = crawler.absolute(href, from: "http://a.vn/") }
            _ = FeedReader.read(Array(text.utf8))
            _ = SiteCrawler.date(text)
        }
    }

    /// A profile file: no crash on any text; an accepted one has only valid expressions.
    @Test func crawlProfiles_fuzz() {
        let fragments = ["title", "body", "item-path", "base", "name", "next", " = ", "=", "\n", "#", "//h1", "[", "]", "(", ")", "@href", "wordpress",
                         "joomla", "generic", "^/", "\\", ".*", "*", "|", "'", "\"", "\u{0}", "unknown"]
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let text = Fuzz.text(&random, fragments: fragments, maxPieces: 30)
            guard let profile = try? CrawlProfile.read(text) else { return }
            for expression in profile.title + profile.body + profile.date + profile.next {
                #expect(HTMLDocument.isValid(xpath: expression), "seed \(seed): \(expression)")
            }
        }
    }
}
