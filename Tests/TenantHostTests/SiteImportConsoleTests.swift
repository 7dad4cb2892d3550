import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// A district or province operator brings a commune's old site in from the
/// console: starts it, follows it, reads its report; the commune's editors
/// find the items marked.
@Suite struct SiteImportConsoleTests {
    static let fixture = TestEnvironment.wordpressFixture

    @Test func districtOperator_importsTheOldSite_andReadsTheReport() async throws {
        try await Self.withOldSite { platform, host in
            let browser = ConsoleBrowser(host)
            _ = try await browser.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
            let page = "/quan-tri/xa/14224/nhap-trang-cu"
            #expect(try await browser.get("/quan-tri/xa/14224", on: adminSite).text.contains(page))
            let form = try await browser.get(page, on: adminSite)
            #expect(form.status == 200 && form.text.contains("Bắt đầu nhập"))
            // A wrong address is refused with a message, and nothing waits.
            let bad = try await browser.submit(page, to: page, on: adminSite, [("nguon", "crawl"), ("dia-chi", "ftp://xahainam.namdinh.gov.vn")])
            #expect(bad.status == 400 && bad.text.contains("bắt đầu bằng http://"))
            #expect(try await platform.scalar("SELECT count(*) FROM platform.site_imports") == 0)

            let started = try await browser.submit(
                page, to: page, on: adminSite, [("nguon", "crawl"), ("dia-chi", "http://xahainam.namdinh.gov.vn"), ("mau", "wordpress"), ("dang", "1")])
            #expect(started.status == 303)
            let jobPage = try #require(started.header("location"))
            #expect(jobPage.hasPrefix(page + "/"))
            // The page follows the import until it is done.
            let first = try await browser.get(jobPage, on: adminSite)
            #expect(first.status == 200)
            let finished = try await host.eventually(timeout: .seconds(120)) {
                try await browser.get(jobPage, on: adminSite).text.contains("Đã nhập 42 bài (9 văn bản")
            }
            #expect(finished)
            let done = try await browser.get(jobPage, on: adminSite)
            #expect(done.header("refresh") == nil)
            #expect(done.text.contains("Liên kết hỏng") && done.text.contains("huong-dan-nop-ho-so-truc-tuyen"))
            #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE kind = 'document'") == 9)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.site_imports WHERE state = 'done' AND wxr IS NULL") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action IN ('site.import.request', 'site.import')") == 2)

            // The commune's editor sees the items marked.
            let editor = ConsoleBrowser(host)
            _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
            let items = try await editor.get(try await consolePath(platform, 14224, "/bai"), on: adminSite)
            #expect(items.status == 200 && items.text.contains("Nhập từ trang cũ"))
            // Neither the editor nor another district's operator reaches the import.
            #expect(try await editor.get(page, on: adminSite).status == 403)
            #expect(try await browser.get("/quan-tri/xa/14000/nhap-trang-cu", on: adminSite).status == 403)
            #expect(try await browser.get("/quan-tri/xa/14000/nhap-trang-cu/1", on: adminSite).status == 403)
        }
    }

    @Test func provinceOperator_uploadsAWordPressExport() async throws {
        try await Self.withOldSite { platform, host in
            let browser = ConsoleBrowser(host)
            _ = try await browser.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite)
            let page = "/quan-tri/xa/14224/nhap-trang-cu"
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get(page, on: adminSite).text))
            // Not an export: refused, nothing queued.
            let wrong = try await browser.upload(page, on: adminSite, csrf: csrf, [("nguon", "wxr")], file: ("tep", "a.xml", "text/xml", Array("<html></html>".utf8)))
            #expect(wrong.status == 400 && wrong.text.contains("không phải tệp xuất của WordPress"))
            let export = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/export.xml")))
            let started = try await browser.upload(page, on: adminSite, csrf: csrf, [("nguon", "wxr")], file: ("tep", "export.xml", "text/xml", export))
            #expect(started.status == 303)
            let jobPage = try #require(started.header("location"))
            let finished = try await host.eventually(timeout: .seconds(120)) {
                try await browser.get(jobPage, on: adminSite).text.contains("Đã nhập 44 bài")
            }
            #expect(finished)
            // Drafts: nothing reaches the public site until an editor publishes it.
            #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE status = 'published' AND NOT is_sample") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 20)
        }
    }

    /// The console fixture, the WordPress fixture's site served over HTTP as
    /// its old host, and a host that reaches it there.
    static func withOldSite(_ body: @escaping @Sendable (TestPlatform, TestHost) async throws -> Void) async throws {
        try await withTestPlatform(from: PlatformConsoleTests.fixture) { platform in
            let server = try StaticServer(root: Self.fixture + "/mirror/xahainam.namdinh.gov.vn")
            defer { server.stop() }
            try await withTestHost(platform, configure: {
                $0.siteImportConnectTo = ["xahainam.namdinh.gov.vn": ("127.0.0.1", server.port)]
                $0.siteImportRate = 100
            }) { host in try await body(platform, host) }
        }
    }
}
