import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The EMC monitoring code and what headers say about a page.
@Suite struct SiteHeadersTests {
    @Test func emcCode_isLoadedAndAllowedByThatSitesPolicyOnly() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let fields = [("co-quan", "UBND xã Hải Nam"), ("nguoi-chiu-trach-nhiem", "Ông A")]
                for bad in ["http://emc.example.gov.vn/t.js", "javascript:alert(1)", "https://emc.example.gov.vn/t.js\"><script>", "https://a b/"] {
                    let refused = try await editor.submit("\(a)/thong-tin", to: "\(a)/thong-tin", on: adminSite, fields + [("ma-emc", bad)])
                    #expect(refused.status == 400, "\(bad)")
                    #expect(refused.text.contains("Mã EMC phải là địa chỉ https"))
                }
                let saved = try await editor.submit(
                    "\(a)/thong-tin", to: "\(a)/thong-tin", on: adminSite, fields + [("ma-emc", "https://emc.example.gov.vn/tracking.js?site=hainam")])
                #expect(saved.status == 303)
                let page = try await host.get(host: siteA, headers: [("Cookie", "vua_sua=1")])
                #expect(page.text.contains("<script src=\"https://emc.example.gov.vn/tracking.js?site=hainam\" async></script>"))
                let policy = page.header("Content-Security-Policy") ?? ""
                #expect(policy.contains("script-src https://emc.example.gov.vn;"))
                #expect(policy.contains("connect-src 'self' https://emc.example.gov.vn;"))
                #expect(!policy.contains("unsafe-eval") && !policy.contains("script-src 'self'"))
                // Another commune's pages allow no script at all.
                let other = try await host.get(host: siteB)
                #expect(other.header("Content-Security-Policy")?.contains("script-src 'none'") == true)
                #expect(!other.text.contains("emc.example.gov.vn"))
            }
        }
    }

    @Test func lastModified_isWhenTheContentChanged_notWhenThePageWasMade() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let published = try await editor.submit(
                    "\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    [("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", "Tin mới"), ("dang", "dang")])
                #expect(published.status == 303)
                let changed = try await platform.strings(
                    """
                    SELECT to_char(greatest(t.content_changed_at, s.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                      FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id CROSS JOIN c_14224.site s WHERE u.code = 14224
                    """)
                let first = try await host.get(host: siteA, headers: [("Cookie", "vua_sua=1")])
                try await Task.sleep(for: .milliseconds(1_100))
                let again = try await host.get(host: siteA, headers: [("Cookie", "vua_sua=1")])  // made anew, not from the cache
                let modified = try #require(first.header("Last-Modified"))
                #expect(again.header("Last-Modified") == modified)
                let date = try #require(HTTPDate.parse(modified))
                let expected = max(try #require(changed.first.flatMap { Self.utc.date(from: $0) }), PageResponse.programDate)
                #expect(abs(date.timeIntervalSince(expected)) < 1.01, "\(modified) vs \(expected)")
                // The stylesheet is compressed for clients that take gzip.
                let css = try await host.get(Stylesheet.path, host: siteA, headers: [("Accept-Encoding", "gzip")])
                #expect(css.header("Content-Encoding") == "gzip")
                #expect(css.header("Cache-Control") == "public, max-age=31536000, immutable")
                #expect(css.body.count < Stylesheet.css.utf8.count / 2)
            }
        }
    }

    static let utc: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f
    }()
}
