import CompressNIO
import Foundation
import NIOCore
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

@Suite struct PublicPagesTests {
    /// Every page reachable from commune A's home page (and its sitemap and
    /// feeds) shows no marker of commune B or C, and every link works.
    @Test func everyPageOfOneCommune_carriesNoOtherCommunesData() async throws {
        try await withTestPlatform { platform in
            // setup
            try await platform.makeCommunes([(19900, "Phường Thuận An"), (19774, "Phường Hóa Châu"), (19777, "Xã Phú Vang")])
            try await addMarkers(platform, codes: [19900, 19774, 19777])
            try await withTestHost(platform) { host in
                // act: crawl commune A
                var queue = ["/", "/sitemap.xml", "/robots.txt", "/so-do-trang", "/tim-kiem?q=marker19900x", "/tim-kiem?q=MARKER19774X",
                             "/van-ban?tu-khoa=MARKER19900X", "/lich-cong-tac"]
                var seen = Set<String>()
                var pages = 0
                while let path = queue.popLast(), pages < 400 {
                    guard seen.insert(path).inserted else { continue }
                    let response = try await host.get(path, host: "thuan-an.hue.localhost")
                    pages += 1
                    // check
                    #expect(response.status == 200, "\(path) → \(response.status)")
                    #expect(!response.text.contains("MARKER19774X") && !response.text.contains("MARKER19777X"), "\(path) leaks another commune")
                    #expect(!response.text.contains("Hóa Châu") && !response.text.contains("Phú Vang"), "\(path) names another commune")
                    for link in Self.links(in: response.text) where !seen.contains(link) { queue.append(link) }
                }
                #expect(pages > 40)
                #expect(seen.contains("/tin-tuc") && seen.contains("/van-ban") && seen.contains("/thu-tuc-hanh-chinh"))
                #expect(seen.contains { $0.hasSuffix("/ban-in") })
                #expect(seen.contains { $0.hasPrefix("/rss/") })
            }
        }
    }

    /// Same-site links of a page (href="/…"), without fragments.
    static func links(in html: String) -> [String] {
        var result: [String] = []
        var rest = Substring(html)
        while let range = rest.range(of: "href=\"/") {
            let start = html.index(before: range.upperBound)
            guard let end = rest[start...].firstIndex(of: "\"") else { break }
            var link = String(rest[start..<end]).replacingOccurrences(of: "&amp;", with: "&")
            if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
            if !link.isEmpty && !link.hasPrefix("//") { result.append(link) }
            rest = rest[end...]
        }
        return result
    }

    @Test func everyMandatorySection_hasAPage() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await withTestHost(platform) { host in
                for section in MandatorySection.allCases {
                    let response = try await host.get("/\(section.slug)", host: "thuan-an.hue.localhost")
                    #expect(response.status == 200, "\(section.slug)")
                    #expect(response.text.contains("<h1>\(section.title)</h1>"), "\(section.slug)")
                }
            }
        }
    }

    @Test func homePage_hasWhatTheLawAsksFor() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19900)
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: ["thuanan.hue.gov.vn"], on: connection)
            }
            try await withTestHost(platform) { host in
                let html = try await host.get(host: "thuan-an.hue.localhost").text
                for expected in [
                    "<html lang=\"vi\">", "class=\"skip\" href=\"#noi-dung\"", "id=\"noi-dung\"", "<meta name=\"DC.title\"",
                    "<meta name=\"DC.creator\"", "<meta name=\"DC.date\"", "<meta name=\"DC.description\"", "<meta name=\"DC.publisher\"",
                    "<meta name=\"DC.identifier\"", "<meta name=\"DC.language\" content=\"vi\"", "name=\"viewport\"",
                    "Người chịu trách nhiệm", "Cổng thông tin điện tử Thành phố Huế", "https://dichvucong.gov.vn",
                    "Lịch công tác tuần", "Tin tức – Sự kiện", "Nội dung mẫu", "href=\"https://hue.gov.vn\"",
                    "<link rel=\"canonical\" href=\"http://thuanan.hue.gov.vn/\">",
                ] {
                    #expect(html.contains(expected), "home page lacks \(expected)")
                }
                for section in MandatorySection.menu {
                    #expect(html.contains("href=\"/\(section.slug)\""), "menu lacks \(section.slug)")
                }
                #expect(html.components(separatedBy: "<h1").count == 2, "exactly one h1")
                #expect(!html.contains("<img") || !html.contains("<img src") || html.contains("alt="))
            }
        }
    }

    @Test(arguments: [
        ("/../../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404), ("/tin-tuc/abc", 404), ("/tin-tuc/-1", 404),
        ("/tin-tuc/99999999999", 404), ("/tin-tuc/123456789012345678901234", 404), ("/khong-co-chuyen-muc", 404),
        ("/tin-tuc?trang=abc", 400), ("/tin-tuc?trang=0", 400), ("/tin-tuc?trang=99", 404), ("/tin-tuc?trang=-3", 400),
        ("/van-ban?nam=abcd", 400), ("/van-ban?nam=1800", 400), ("/lich-cong-tac?tuan=2026-13-45", 400), ("/lich-cong-tac?tuan=2026-02-30", 400),
        ("/rss/khong-co.xml", 404), ("/rss/gioi-thieu.xml", 404), ("/tin-tuc/1/ban-in/x", 404),
        ("/tim-kiem?q=%ZZ", 400), ("/_static/../../etc/passwd", 404), ("/_static/site-0.css", 404),
    ])
    func badPaths_getClear4xx(_ path: String, _ status: Int) async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await withTestHost(platform) { host in
                let response = try await host.get(path, host: "thuan-an.hue.localhost")
                #expect(response.status == status, "\(path) → \(response.status)")
                #expect(response.text.contains("<html lang=\"vi\">"))
            }
        }
    }

    @Test func hugeQueryString_is414() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await withTestHost(platform) { host in
                let response = try await host.get("/tim-kiem?q=" + String(repeating: "a", count: 5000), host: "thuan-an.hue.localhost")
                #expect(response.status == 414)
                let longSearch = try await host.get("/tim-kiem?q=" + String(repeating: "a", count: 300), host: "thuan-an.hue.localhost")
                #expect(longSearch.status == 400)
                // Far beyond any header limit: refused by the parser or us, never a 5xx.
                if let huge = try? await host.get("/tim-kiem?q=" + String(repeating: "b", count: 200_000), host: "thuan-an.hue.localhost") {
                    #expect((400..<500).contains(huge.status))
                }
                #expect(try await host.get(host: "thuan-an.hue.localhost").status == 200)
            }
        }
    }

    @Test func searchWithoutDiacritics_findsVietnameseText() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await platform.database.withConnection { connection in
                try await ContentStore(logger: platform.logger).insert(
                    Entry(sectionID: 4, title: "Đoàn công tác huyện Hải Hậu đến thăm", summary: "Giao lưu"), into: SchemaName(communeCode: 19900), on: connection)
            }
            try await withTestHost(platform) { host in
                let response = try await host.get("/tim-kiem?q=hai+hau", host: "thuan-an.hue.localhost")
                #expect(response.status == 200)
                #expect(response.text.contains("Đoàn công tác huyện Hải Hậu đến thăm"))
                #expect(response.text.contains("Có 1 kết quả"))
            }
        }
    }

    /// A leader is found by office ("chu tich"), a document by its signer.
    @Test func search_findsLeadersByOffice_andDocumentsBySigner() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await platform.database.withConnection { connection in
                var leader = Entry(sectionID: MandatorySection.introduction.id, kind: .leader, title: "Lê Thị Hoa")
                leader.positionTitle = "Chủ tịch Ủy ban nhân dân phường"
                let store = ContentStore(logger: platform.logger)
                try await store.insert(leader, into: SchemaName(communeCode: 19900), on: connection)
                var document = Entry(sectionID: MandatorySection.documents.id, kind: .document, title: "Về việc tổ chức lễ hội")
                document.docNumber = "12/QĐ-UBND"
                document.signer = "Phạm Quang Vinh"
                try await store.insert(document, into: SchemaName(communeCode: 19900), on: connection)
            }
            try await withTestHost(platform) { host in
                let leaders = try await host.get("/tim-kiem?q=chu+tich", host: "thuan-an.hue.localhost")
                #expect(leaders.text.contains("Lê Thị Hoa"))
                let signed = try await host.get("/tim-kiem?q=quang+vinh", host: "thuan-an.hue.localhost")
                #expect(signed.text.contains("Về việc tổ chức lễ hội"))
            }
        }
    }

    @Test func documentSearch_filtersByTypeNumberIssuerYearText() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19900)
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: [], on: connection)
            }
            try await withTestHost(platform) { host in
                let year = VietnamTime(Date().addingTimeInterval(-4 * 86_400)).year
                let queries = [
                    ("", 4), ("loai=K%E1%BA%BF+ho%E1%BA%A1ch", 1), ("so=125", 1),
                    ("co-quan=H%C4%90ND+ph%C6%B0%E1%BB%9Dng+Thu%E1%BA%ADn+An", 1), ("tu-khoa=chuyen+doi+so", 1),
                    ("nam=1990", 0), ("loai=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh&so=999", 0),
                    // 125/QĐ-UBND by its number typed without Đ, in the number box and as words
                    ("so=125%2FQD", 1), ("so=125%2Fq%C4%91-ubnd", 1), ("so=%25", 0), ("tu-khoa=125%2FQD", 1), ("tu-khoa=QD+UBND+125", 1),
                ]
                for (query, expected) in queries {
                    let html = try await host.get("/van-ban?\(query)", host: "thuan-an.hue.localhost").text
                    #expect(html.components(separatedBy: "<tr><td>").count - 1 == expected, "\(query)")
                }
                let html = try await host.get("/van-ban?nam=\(year)", host: "thuan-an.hue.localhost").text
                #expect(html.components(separatedBy: "<tr><td>").count > 1)
                // The list is in the statement's order: newest issued first (read beside the facets, whose join keeps no order).
                let all = try await host.get("/van-ban", host: "thuan-an.hue.localhost").text
                let ids = all.components(separatedBy: "<a href=\"/van-ban/").dropFirst().compactMap { Int64($0.prefix { $0.isNumber }) }
                #expect(ids.count == 4, "\(ids)")
                let schema = try SchemaName(communeCode: 19900)
                for (newer, older) in zip(ids, ids.dropFirst()) {
                    let inOrder = try await platform.scalar(
                        """
                        SELECT count(*) FROM \(schema.quoted).entries a, \(schema.quoted).entries b WHERE a.id = \(newer) AND b.id = \(older)
                           AND (coalesce(a.issued_on, '-infinity'), a.published_at, a.id) > (coalesce(b.issued_on, '-infinity'), b.published_at, b.id)
                        """)
                    #expect(inOrder == 1, "\(newer) before \(older)")
                }
                // The form offers each type, issuer and year of the published documents once, in order.
                let form = try await host.get("/van-ban", host: "thuan-an.hue.localhost").text
                func options(_ id: String) -> [String] {
                    guard let start = form.range(of: "<select id=\"\(id)\""), let end = form[start.upperBound...].range(of: "</select>") else { return [] }
                    return form[start.upperBound..<end.lowerBound].components(separatedBy: "<option value=\"").dropFirst()
                        .map { String($0.prefix { $0 != "\"" }) }
                }
                #expect(options("loai") == ["", "Kế hoạch", "Nghị quyết", "Quyết định", "Thông báo"])
                #expect(options("co-quan") == ["", "HĐND phường Thuận An", "UBND phường Thuận An"])
                let years = options("nam").dropFirst().compactMap { Int($0) }
                #expect(years.contains(year) && years == years.sorted(by: >) && Set(years).count == years.count, "\(years)")
            }
        }
    }

    @Test func conditionalRequestsAndGzip() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            try await withTestHost(platform) { host in
                let site = "thuan-an.hue.localhost"
                let first = try await host.get(host: site)
                let etag = try #require(first.header("ETag"))
                let modified = try #require(first.header("Last-Modified"))
                #expect(first.header("Cache-Control") == "public, no-cache")
                let byTag = try await host.get(host: site, headers: [("If-None-Match", etag)])
                #expect(byTag.status == 304)
                #expect(byTag.body.isEmpty)
                let byDate = try await host.get(host: site, headers: [("If-Modified-Since", modified)])
                #expect(byDate.status == 304)
                let other = try await host.get(host: site, headers: [("If-None-Match", "\"0000\"")])
                #expect(other.status == 200)
                let gzipped = try await host.get(host: site, headers: [("Accept-Encoding", "gzip, deflate, br")])
                #expect(gzipped.header("Content-Encoding") == "gzip")
                #expect(gzipped.header("Vary") == "Accept-Encoding")
                var buffer = ByteBuffer(bytes: gzipped.body)
                let inflated = try buffer.decompress(with: .gzip())
                #expect(String(buffer: inflated) == first.text)
                #expect(gzipped.body.count < first.body.count / 2)
                let refused = try await host.get(host: site, headers: [("Accept-Encoding", "gzip;q=0")])
                #expect(refused.header("Content-Encoding") == nil)
                let head = try await host.head("/", host: site)
                #expect(head.status == 200)
                #expect(head.header("ETag") == etag)
            }
        }
    }

    @Test func feedsAndSitemaps_areWellFormedXML() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19900)
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: [], on: connection)
            }
            try await withTestHost(platform) { host in
                let rss = try await host.get("/rss/tin-tuc.xml", host: "thuan-an.hue.localhost")
                #expect(rss.status == 200)
                #expect(rss.header("Content-Type") == "application/rss+xml; charset=utf-8")
                #expect(XMLCheck.isWellFormed(rss.body))
                #expect(rss.text.components(separatedBy: "<item>").count == 6)
                #expect(rss.text.contains("<link>http://thuan-an.hue.localhost/tin-tuc/"))
                let sitemap = try await host.get("/sitemap.xml", host: "thuan-an.hue.localhost")
                #expect(XMLCheck.isWellFormed(sitemap.body))
                #expect(sitemap.text.contains("<loc>http://thuan-an.hue.localhost/van-ban</loc>"))
                let robots = try await host.get("/robots.txt", host: "thuan-an.hue.localhost")
                #expect(robots.text.contains("Sitemap: http://thuan-an.hue.localhost/sitemap.xml"))
                let printView = try await host.get("/tin-tuc/1/ban-in", host: "thuan-an.hue.localhost")
                #expect(printView.status == 200)
                #expect(!printView.text.contains("class=\"menu\""))
                #expect(printView.text.contains("Nguồn: http://thuanan.hue.gov.vn/tin-tuc/1"))
                // The print view carries the page's Dublin Core elements, all of them.
                for element in ["title", "creator", "publisher", "date", "description", "identifier", "language", "type", "subject", "source"] {
                    #expect(printView.text.contains("<meta name=\"DC.\(element)\""), "DC.\(element)")
                }
                // The HTML sitemap is in the menu.
                #expect(try await host.get("/", host: "thuan-an.hue.localhost").text.contains("<li><a href=\"/so-do-trang\">Sơ đồ trang</a></li>"))
            }
        }
    }
}
