import Crypto
import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The EMC monitoring code and what headers say about a page.
@Suite struct SiteHeadersTests {
    /// An editor gives only the site's numeric EMC id: no address, no code.
    /// The page carries the EMC system's snippet with that id, allowed by its
    /// hash, and scripts from the platform's EMC origin only.
    @Test func emcCode_isTheOfficialSnippet_andAnEditorCannotChooseAScript() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let fields = [("co-quan", "UBND xã Hải Nam"), ("nguoi-chiu-trach-nhiem", "Ông A")]
                for bad in ["https://attacker.example/x.js", "javascript:alert(1)", "43'];alert(1);//", "0", "-1", "1e3", "40 64", String(repeating: "9", count: 13)] {
                    let refused = try await editor.submit("\(a)/thong-tin", to: "\(a)/thong-tin", on: adminSite, fields + [("ma-emc", bad)])
                    #expect(refused.status == 400, "\(bad)")
                    #expect(refused.text.contains("Mã số EMC là dãy chữ số"), "\(bad)")
                }
                #expect(try await platform.strings("SELECT emc_site_id FROM c_14224.site") == [""])
                let saved = try await editor.submit("\(a)/thong-tin", to: "\(a)/thong-tin", on: adminSite, fields + [("ma-emc", "4064")])
                #expect(saved.status == 303)
                let page = try await host.get(host: siteA, headers: [("Cookie", "vua_sua=1")])
                #expect(page.text.contains("_govaq.push(['setSiteId', '4064']);"))
                #expect(page.text.contains("g.src = 'https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js';"))
                let policy = page.header("Content-Security-Policy") ?? ""
                let script = try #require(page.text.range(of: "<script>").flatMap { start in
                    page.text.range(of: "</script>", range: start.upperBound..<page.text.endIndex).map { String(page.text[start.upperBound..<$0.lowerBound]) }
                })
                let hash = "'sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString() + "'"
                #expect(policy.contains("script-src \(hash) https://f-emc.ngsp.gov.vn;"), "\(policy)")
                #expect(policy.contains("connect-src 'self' https://f-emc.ngsp.gov.vn;"))
                let scripts = policy.split(separator: ";").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("script-src") } ?? ""
                #expect(!scripts.contains("unsafe-inline") && !scripts.contains("unsafe-eval") && !scripts.contains("'self'"), "\(scripts)")
                // Another commune's pages allow no script at all.
                let other = try await host.get(host: siteB)
                #expect(other.header("Content-Security-Policy")?.contains("script-src 'none'") == true)
                #expect(!other.text.contains("f-emc.ngsp.gov.vn"))
            }
        }
    }

    /// The EMC script is a setting of the platform role only; a province
    /// operator cannot change it, and a bad address is refused.
    @Test func emcSetting_isThePlatformRolesOnly() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(username: "nentang", displayName: "Nền tảng", password: "matkhau-nen-tang", role: .platform, scope: nil)
            _ = try await accounts.createUser(username: "tinh.nd", displayName: "Tỉnh", password: "matkhau-tinh-nd", role: .province, scope: (.province, 36))
            try await withTestHost(platform) { host in
                let province = ConsoleBrowser(host)
                _ = try await province.login("tinh.nd", "matkhau-tinh-nd", on: adminSite)
                #expect(try await province.get("/quan-tri/cai-dat", on: adminSite).status == 403)
                let forged = try await province.submit(
                    "/quan-tri/thong-bao", to: "/quan-tri/cai-dat", on: adminSite,
                    [("emc-script", "https://attacker.example/x.js"), ("emc-tracker", "https://attacker.example/t")])
                #expect(forged.status == 403)
                let operatorOfAll = ConsoleBrowser(host)
                _ = try await operatorOfAll.login("nentang", "matkhau-nen-tang", on: adminSite)
                let bad = try await operatorOfAll.submit(
                    "/quan-tri/cai-dat", to: "/quan-tri/cai-dat", on: adminSite,
                    [("emc-script", "https://x.example/a.js'><script>"), ("emc-tracker", "http://x.example/t")])
                #expect(bad.status == 400)
                #expect(try await platform.strings("SELECT value FROM platform.settings WHERE name = 'emc_script'") == ["https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js"])
                let good = try await operatorOfAll.submit(
                    "/quan-tri/cai-dat", to: "/quan-tri/cai-dat", on: adminSite,
                    [("emc-script", "https://emc.gov.vn/embed/tracking.js"), ("emc-tracker", "https://emc.gov.vn/tracking")])
                #expect(good.status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'settings.emc' AND username = 'nentang'") == 1)
                try await platform.execute("UPDATE c_14224.site SET emc_site_id = '77'")
                #expect(try await host.eventually {
                    let page = try await host.get(host: siteA, headers: [("Cookie", "vua_sua=1")])
                    return page.header("Content-Security-Policy")?.contains("https://emc.gov.vn;") == true
                        && page.text.contains("g.src = 'https://emc.gov.vn/embed/tracking.js';")
                })
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
