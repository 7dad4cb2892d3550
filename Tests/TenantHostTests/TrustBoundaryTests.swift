import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Huế and Ninh Bình, a commune each, Huế's operator and the platform's.
let boundaryFixture = TestFixture("boundaries") { platform in
    try await platform.makeCommunes([(19900, "Phường Thuận An")])
    try await platform.makeCommunes(province: 37, provinceName: "Tỉnh Ninh Bình", [(14248, "Xã Hải Hưng")])
    try await platform.execute("UPDATE platform.units SET portal_url = 'https://hue.gov.vn' WHERE level = 'province' AND code = 46")
    try await platform.execute("UPDATE platform.units SET portal_url = 'https://ninhbinh.gov.vn' WHERE level = 'province' AND code = 37")
    let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
    _ = try await accounts.createUser(
        username: "tinh.hue", displayName: "Sở Huế", password: "matkhau-tinh-hue", role: .province, scope: (.province, 46), by: .provisioner)
    _ = try await accounts.createUser(
        username: "nentang", displayName: "Nền tảng", password: "matkhau-nen-tang", role: .platform, scope: nil, by: .provisioner)
}

/// A province operator stays inside its province: names, notices, accounts.
@Suite struct TrustBoundaryTests {
    static let hue = "thuan-an.hue.localhost"
    static let ninhBinh = "hai-hung.ninh-binh.localhost"

    @Test func provinceOperator_namesOnlyInsideItsZones() async throws {
        try await withTestPlatform(from: boundaryFixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                func add(_ name: String) async throws -> RawHTTPResponse {
                    try await browser.submit("/quan-tri/xa/19900", to: "/quan-tri/xa/19900/ten-mien", on: adminSite, [("ten-mien", name), ("vai-tro", "primary")])
                }
                for name in ["ninh-binh.localhost", "ninhbinh.gov.vn", "hue.gov.vn", "hue.localhost", "quan-tri.localhost", "HUE.LOCALHOST."] {
                    let refused = try await add(name)
                    #expect(refused.status == 400, "\(name)")
                    #expect(refused.text.contains("cổng thông tin của một tỉnh, huyện hoặc của trang quản trị"), "\(name)")
                }
                for name in ["xa-moi.ninh-binh.localhost", "thuanan.ninhbinh.gov.vn", "example.com", "thuanan.hue.gov.vn.example", "xhue.localhost"] {
                    let refused = try await add(name)
                    #expect(refused.status == 400, "\(name)")
                    #expect(refused.text.contains("Tên miền phải nằm trong vùng tên miền của Thành phố Huế: ….hue.gov.vn hoặc ….hue.localhost"), "\(name)")
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.domains d JOIN platform.units u ON u.id = d.tenant_id WHERE u.code = 19900") == 2)
                // Inside the zones: accepted.
                #expect(try await add("thuanan.hue.gov.vn").status == 303)
                #expect(try await add("phuong-thuan-an.hue.localhost").status == 303)
                // The portals still answer as themselves.
                #expect(try await host.get(host: "ninh-binh.localhost").text.contains("Ninh Bình"))
                #expect(try await host.get(host: "ninhbinh.gov.vn").status == 200)
            }
        }
    }

    /// The platform's command line may give any name, and says when staff
    /// could not have; a portal's name still answers as the portal.
    @Test func portalName_isNeverShadowedByACommune() async throws {
        try await withTestPlatform(from: boundaryFixture) { platform in
            _ = try await platform.provisioning.addDomain("ninhbinh.gov.vn", code: 19900, role: .redirect)
            _ = try await platform.provisioning.addDomain("ninh-binh.localhost", code: 19900, role: .redirect)
            let problem = try await platform.provisioning.staffRuleProblem("ninh-binh.localhost", code: 19900)
            #expect(problem?.contains("reserved") == true)
            #expect(try await platform.provisioning.staffRuleProblem("www.thuanan.hue.gov.vn", code: 19900) == nil)
            try await withTestHost(platform) { host in
                for name in ["ninhbinh.gov.vn", "ninh-binh.localhost"] {
                    let portal = try await host.get(host: name)
                    #expect(portal.status == 200, "\(name)")
                    #expect(portal.text.contains("Ninh Bình") && !portal.text.contains("Thuận An"), "\(name)")
                }
            }
        }
    }

    /// A province operator's notice reaches its province only; one for every
    /// province is the platform role's.
    @Test func notices_stayInTheirProvince() async throws {
        try await withTestPlatform(from: boundaryFixture) { platform in
            try await withTestHost(platform) { host in
                let hueOperator = ConsoleBrowser(host)
                _ = try await hueOperator.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                // A forged scope ("every province", or Ninh Bình) is the operator's own province.
                for scope in ["tat-ca", "37"] {
                    let saved = try await hueOperator.submit(
                        "/quan-tri/thong-bao", to: "/quan-tri/thong-bao", on: adminSite, [("pham-vi", scope), ("noi-dung", "Bảo trì hệ thống của Huế")])
                    #expect(saved.status == 303)
                }
                #expect(try await platform.strings("SELECT coalesce(u.code::text, 'all') FROM platform.notices n LEFT JOIN platform.units u ON u.id = n.province_id") == ["46"])
                #expect(try await host.eventually { try await host.get(host: Self.hue).text.contains("Bảo trì hệ thống của Huế") })
                #expect(try await host.get(host: "hue.localhost").text.contains("Bảo trì hệ thống của Huế"))
                for site in [Self.ninhBinh, "ninh-binh.localhost"] {
                    #expect(!(try await host.get(host: site).text.contains("Bảo trì hệ thống của Huế")), "\(site)")
                }
                // The platform role's notice reaches every province.
                let platformOperator = ConsoleBrowser(host)
                _ = try await platformOperator.login("nentang", "matkhau-nen-tang", on: adminSite)
                let all = try await platformOperator.submit(
                    "/quan-tri/thong-bao", to: "/quan-tri/thong-bao", on: adminSite, [("pham-vi", "tat-ca"), ("noi-dung", "Nâng cấp toàn hệ thống")])
                #expect(all.status == 303)
                #expect(try await host.eventually { try await host.get(host: Self.ninhBinh).text.contains("Nâng cấp toàn hệ thống") })
                #expect(try await host.get(host: Self.hue).text.contains("Nâng cấp toàn hệ thống"))
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'notice.set' AND detail LIKE 'mọi tỉnh:%' AND username = 'nentang'") == 1)
            }
        }
    }

    /// A province operator neither sees nor manages the platform's account,
    /// and the console creates no operator of every province.
    @Test func provinceOperator_cannotReachThePlatformRole() async throws {
        try await withTestPlatform(from: boundaryFixture) { platform in
            let platformID = try await platform.scalar("SELECT id FROM platform.users WHERE username = 'nentang'")
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                #expect(!(try await browser.get("/quan-tri/nguoi-dung", on: adminSite).text.contains("nentang")))
                #expect(try await browser.get("/quan-tri/nguoi-dung/\(platformID)/mat-khau", on: adminSite).status == 403)
                let reset = try await browser.submit(
                    "/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung/\(platformID)/mat-khau", on: adminSite,
                    [("mat-khau-moi", "chiem-quyen-2026"), ("nhap-lai", "chiem-quyen-2026")])
                #expect(reset.status == 403)
                #expect(try await browser.get("/quan-tri/xa/14248", on: adminSite).status == 403, "Ninh Bình's commune")
                #expect(try await browser.get("/quan-tri/cai-dat", on: adminSite).status == 403)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.users WHERE role = 'platform'") == 1)
            }
        }
    }

    /// A citizen's form is taken only from the site's own pages, and what
    /// the limit keeps of the sender is a keyed hash, for an hour.
    @Test func crossSitePosts_areRefused_andSubmissionsKeepNoAddress() async throws {
        try await withTestPlatform(from: .communes([SiteRoutingTests.a])) { platform in
            try await withTestHost(platform, wire: true) { host in
                let site = "thuan-an.hue.localhost"
                func post(_ headers: [(String, String)], type: String = "application/x-www-form-urlencoded") async throws -> RawHTTPResponse {
                    let body = "thong-tin=5&dich-vu=4&y-kien=T%E1%BB%91t"
                    var request = "POST /danh-gia HTTP/1.1\r\nHost: \(site)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
                    for (name, value) in headers { request += "\(name): \(value)\r\n" }
                    return try await RawHTTPClient.send(Array((request + "Connection: close\r\n\r\n" + body).utf8), port: host.port)
                }
                for headers in [
                    [("Origin", "https://attacker.example")], [("Origin", "null")], [("Origin", "http://hai-hung.ninh-binh.localhost")],
                    [("Sec-Fetch-Site", "cross-site")], [("Sec-Fetch-Site", "same-site")], [("Referer", "https://attacker.example/trang")],
                ] {
                    #expect(try await post(headers).status == 403, "\(headers)")
                }
                #expect(try await post([], type: "text/plain").status == 415)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.ratings") == 0)
                // An hour-old submission is gone once a new one comes; addresses are never stored.
                try await platform.execute(
                    "INSERT INTO platform.form_submissions (address_hash, tenant_id, form, at) VALUES ('\\x00', 1, 'rating', now() - interval '2 hours')")
                #expect(try await post([("Origin", "http://\(site)"), ("Sec-Fetch-Site", "same-origin")]).status == 303)
                #expect(try await post([("Referer", "http://\(site)/danh-gia")]).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.ratings") == 2)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.form_submissions") == 2)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.form_submissions WHERE at < now() - interval '1 hour'") == 0)
                #expect(try await platform.scalar(
                    "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'platform' AND table_name IN ('form_submissions', 'ratings') AND column_name ~ 'address|ip'") == 1)
            }
        }
    }
}
