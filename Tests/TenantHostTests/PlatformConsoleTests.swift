import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The operator's console pages: the commune list beyond one screen, one
/// commune's status, domains and export, and district admins with the
/// communes assigned to them.
@Suite struct PlatformConsoleTests {
    /// The console fixture and Nam Định's province operator.
    static let fixture = TestFixture("operator") { platform in
        try await makeConsoleFixture(platform)
        let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
        _ = try await accounts.createUser(
            username: "tinh.namdinh", displayName: "Sở Nam Định", password: "matkhau-nam-dinh", role: .province, scope: (.province, 36))
    }

    @Test func communeList_searchesWithoutDiacritics_filtersAndPages() async throws {
        try await withTestPlatform(from: Self.fixture) { platform in
            _ = try await platform.provisioning.setStatus(code: 14000, to: .suspended, note: "Kiểm tra")
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite)
                let all = try await browser.get("/quan-tri/xa", on: adminSite)
                #expect(all.status == 200)
                #expect(all.text.contains("Xã, phường 1–3 trong 3."))
                let folded = try await browser.get("/quan-tri/xa?q=hai+nam", on: adminSite)
                #expect(folded.text.contains(">Xã Hải Nam</a>") && !folded.text.contains(">Xã Hải Minh</a>"))
                let suspended = try await browser.get("/quan-tri/xa?trang-thai=suspended", on: adminSite)
                #expect(suspended.text.contains(">Xã Giao Thiện</a>") && suspended.text.contains("trong 1."))
                #expect(try await browser.get("/quan-tri/xa?tinh=46", on: adminSite).text.contains("Không có xã, phường nào phù hợp."))
                #expect(try await browser.get("/quan-tri/xa?tuan-thu=thieu", on: adminSite).text.contains("trong 3."), "new sites lack their person responsible")
                #expect(try await browser.get("/quan-tri/xa?trang=9", on: adminSite).status == 200)
                // The district admin sees only their district.
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let own = try await district.get("/quan-tri/xa", on: adminSite)
                #expect(own.text.contains("trong 2.") && !own.text.contains("Giao Thiện"))
            }
        }
    }

    @Test func communeDetail_statusDomainsAndExport_forOperatorsOnly() async throws {
        try await withTestPlatform(from: Self.fixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite)
                let page = try await browser.get("/quan-tri/xa/14224", on: adminSite)
                #expect(page.status == 200)
                #expect(page.text.contains("hainam.haihau.namdinh.gov.vn"))
                let detail = "/quan-tri/xa/14224"

                let suspend = try await browser.submit(detail, to: detail + "/trang-thai", on: adminSite, [("trang-thai", "suspended"), ("ghi-chu", "Bảo trì đột xuất")])
                #expect(suspend.status == 303)
                #expect(try await platform.strings("SELECT status || ':' || status_note FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.code = 14224") == ["suspended:Bảo trì đột xuất"])
                #expect(try await host.eventually { try await host.get("/", host: siteA).status == 503 })
                _ = try await browser.submit(detail, to: detail + "/trang-thai", on: adminSite, [("trang-thai", "active"), ("ghi-chu", "")])
                #expect(try await browser.submit(detail, to: detail + "/trang-thai", on: adminSite, [("trang-thai", "xoa")]).status == 400)

                let outside = try await browser.submit(detail, to: detail + "/ten-mien", on: adminSite, [("ten-mien", "www.hainam.gov.vn"), ("vai-tro", "redirect")])
                #expect(outside.status == 400 && outside.text.contains("Tên miền phải nằm trong vùng tên miền của Tỉnh Nam Định"))
                #expect(try await browser.submit(detail, to: detail + "/ten-mien", on: adminSite, [("ten-mien", "www.hainam.namdinh.gov.vn"), ("vai-tro", "redirect")]).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.domains WHERE host = 'www.hainam.namdinh.gov.vn' AND role = 'redirect'") == 1)
                let bad = try await browser.submit(detail, to: detail + "/ten-mien", on: adminSite, [("ten-mien", "không hợp lệ"), ("vai-tro", "redirect")])
                #expect(bad.status == 400 && bad.text.contains("Tên miền không hợp lệ"))
                let taken = try await browser.submit(detail, to: detail + "/ten-mien", on: adminSite, [("ten-mien", "haiminh.haihau.namdinh.gov.vn")])
                #expect(taken.status == 400 && taken.text.contains("đã thuộc về một xã khác"))
                let primary = try await browser.submit(detail, to: detail + "/ten-mien/go", on: adminSite, [("ten-mien", "hainam.haihau.namdinh.gov.vn")])
                #expect(primary.status == 409)
                #expect(try await browser.submit(detail, to: detail + "/ten-mien/go", on: adminSite, [("ten-mien", "www.hainam.namdinh.gov.vn")]).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.domains WHERE host = 'www.hainam.namdinh.gov.vn'") == 0)
                #expect(try await browser.submit(detail, to: detail + "/ten-mien/go", on: adminSite, [("ten-mien", "haiminh.haihau.namdinh.gov.vn")]).status == 404, "another commune's host")

                let export = try await browser.get(detail + "/xuat", on: adminSite)
                #expect(export.status == 200)
                #expect(export.header("Content-Disposition")?.contains("xa-14224-") == true)
                let document = try JSONSerialization.jsonObject(with: Data(export.body)) as? [String: Any]
                #expect((document?["header"] as? [String: Any])?["schema"] as? String == "c_14224")
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action IN ('commune.status', 'domain.add', 'domain.remove', 'commune.export')") == 5)

                // A district admin sees the page but changes nothing; another district's commune is out of scope.
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let view = try await district.get(detail, on: adminSite)
                #expect(view.status == 200 && view.text.contains("Chỉ quản trị cấp tỉnh"))
                let refused = try await district.request("POST", detail + "/trang-thai", on: adminSite, form: [("_csrf", ConsoleBrowser.csrf(in: view.text) ?? ""), ("trang-thai", "archived")])
                #expect(refused.status == 403)
                #expect(try await district.get(detail + "/xuat", on: adminSite).status == 403)
                #expect(try await district.get("/quan-tri/xa/14000", on: adminSite).status == 403)
                #expect(try await district.get("/quan-tri/xa/99999", on: adminSite).status == 404)
            }
        }
    }

    @Test func districtAdmins_createdAndAssignedCommunes_manageThem() async throws {
        try await withTestPlatform(from: Self.fixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite)
                let created = try await browser.submit("/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung", on: adminSite, [
                    ("vai-tro", "district"), ("ten-dang-nhap", "giao.thuy"), ("ho-ten", "Cán bộ Giao Thủy"), ("don-vi", "district-367"),
                    ("thu-dien-tu", "giao.thuy@namdinh.gov.vn"), ("xa", ""),
                ])
                #expect(created.status == 303)
                let assign = try #require(created.header("Location"))
                #expect(assign.hasSuffix("/xa"))
                let form = try await browser.get(assign, on: adminSite)
                #expect(form.text.contains("name=\"xa-14224\""))
                #expect(try await browser.submit(assign, to: assign, on: adminSite, [("xa-14224", "1")]).status == 303)
                // Saving a filtered list keeps what lies outside it.
                #expect(try await browser.submit(assign + "?loc=giao", to: assign, on: adminSite, [("loc", "giao")]).status == 303)
                #expect(try await platform.strings("SELECT u.code::text FROM platform.user_communes uc JOIN platform.users us ON us.id = uc.user_id JOIN platform.units u ON u.id = uc.commune_unit_id WHERE us.username = 'giao.thuy'") == ["14224"])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'user.communes'") == 2)

                // The new admin manages their district and the assigned commune, nothing else.
                try await acceptInvitation(platform, host, username: "giao.thuy", password: "matkhau-giao-thuy")
                let admin = ConsoleBrowser(host)
                _ = try await admin.login("giao.thuy", "matkhau-giao-thuy", on: adminSite)
                let list = try await admin.get("/quan-tri/xa", on: adminSite)
                #expect(list.text.contains(">Xã Giao Thiện</a>") && list.text.contains(">Xã Hải Nam</a>") && !list.text.contains(">Xã Hải Minh</a>"))
                // Only province operators create district admins or assign communes.
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                #expect(try await district.get(assign, on: adminSite).status == 403)
                let refused = try await district.submit("/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung", on: adminSite, [
                    ("vai-tro", "district"), ("ten-dang-nhap", "khac.huyen"), ("ho-ten", "Khác"), ("don-vi", "district-366"), ("mat-khau", "matkhau-khac-1"),
                ])
                #expect(refused.status == 403)

                // An account with a commune outside this operator's province is not theirs to manage.
                try await platform.makeCommunes([SiteRoutingTests.a])
                let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
                let shared = try await accounts.createUser(
                    username: "giao.hue", displayName: "Giao Huế", password: "matkhau-giao-hue", role: .district, scope: (.district, 367),
                    communes: [SiteRoutingTests.a.0])
                #expect(try await host.eventually { try await host.get("/_health", host: "x").text.contains("\"communes\":4") })
                #expect(!(try await browser.get("/quan-tri/nguoi-dung", on: adminSite).text.contains("giao.hue")))
                #expect(try await browser.get("/quan-tri/nguoi-dung/\(shared.id)/mat-khau", on: adminSite).status == 403)
                #expect(try await browser.get("/quan-tri/nguoi-dung/\(shared.id)/xa", on: adminSite).status == 403)
            }
        }
    }
}
