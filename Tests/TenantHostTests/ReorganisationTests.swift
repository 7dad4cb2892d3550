import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The 2025 reorganisation of the console fixture (Nam Định, 2024 list):
/// Xã Hải Nam (14224) and Xã Hải Minh (14233) merge into Xã Hải Hưng, which
/// reuses the code 14224 in the 2025 list; Xã Giao Thiện (14000) is divided
/// between Xã Giao Thủy (its seat) and Xã Hải Hưng.
enum Reorganised {
    static let list2025 = """
        province_code,province_name,commune_code,commune_name
        37,Tỉnh Ninh Bình,14224,Xã Hải Hưng
        37,Tỉnh Ninh Bình,14001,Xã Giao Thủy

        """
    static let successors = """
        old_commune_code,new_commune_code,share,primary
        14224,14224,whole,1
        14233,14224,whole,1
        14000,14001,part,1
        14000,14224,part,0

        """
    static let newHost = "haihung.ninhbinh.gov.vn"
    static let oldHost = "hainam.haihau.namdinh.gov.vn"
    static let oldAlias = "hai-nam.hai-hau.nam-dinh.localhost"

    static func plan(_ platform: TestPlatform, successors: String = Self.successors) async throws -> ReorganisationPlan {
        let list = try AdminList.parse(Self.list2025, source: "list.csv")
        let rows = try SuccessorList.parse(successors, source: "successors.csv")
        return try await Reorganisation(provisioning: platform.provisioning, logger: platform.logger).plan(to: list, successors: rows, provinces: [])
    }

    static func apply(_ platform: TestPlatform, _ plan: ReorganisationPlan) async throws -> Reorganisation.ApplyReport {
        try await Reorganisation(provisioning: platform.provisioning, logger: platform.logger).apply(plan, jobs: 2) { _ in }
    }

    /// Row counts of every content table of the old communes' schemas.
    static func counts(_ platform: TestPlatform) async throws -> [String] {
        var result: [String] = []
        for schema in ["c_14224", "c_14233", "c_14000"] {
            for table in ["entries", "sections", "questions", "comments", "files", "site"] {
                result.append("\(schema).\(table)=\(try await platform.scalar("SELECT count(*) FROM \(schema).\(table)"))")
            }
        }
        return result
    }
}

@Suite(.serialized) struct ReorganisationTests {
    @Test func planAndApply_keepEveryOldPageReachableUnderItsSuccessor() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let article = try await platform.database.withConnection { connection in
                try await ContentStore(logger: platform.logger).insert(
                    Entry(sectionID: 4, title: "Hải Nam khánh thành nhà văn hoá", body: "<p>Xem <a href=\"/tin-tuc\">tin khác</a>.</p>"),
                    into: SchemaName(communeCode: 14224), on: connection)
            }
            let before = try await Reorganised.counts(platform)

            let plan = try await Reorganised.plan(platform)
            #expect(plan.unplaced.isEmpty)
            #expect(plan.provinces.map(\.code) == [37])
            #expect(plan.provinces[0].absorbs == [36])
            let hung = try #require(plan.communes.first { $0.code == 14224 })
            #expect(Set(hung.predecessors.compactMap(\.archiveSlug)) == ["hai-nam", "hai-minh"])
            #expect(hung.predecessors.first { $0.code == 14000 }?.archiveSlug == nil, "a part goes to the primary successor only")
            #expect(hung.predecessors.first { $0.code == 14224 }?.hosts == [Reorganised.oldHost, Reorganised.oldAlias], "the plan names the domains that move")
            #expect(Set(plan.retire.map { "\($0.level) \($0.code)" }) == ["commune 14224", "commune 14233", "commune 14000", "district 366", "district 367", "province 36"])
            #expect(plan.people.contains { $0.username == "xa.hainam" && $0.change.contains("Xã Hải Hưng") })
            #expect(plan.people.contains { $0.username == "huyen.haihau" && $0.change.hasSuffix("locked") })

            let report = try await Reorganised.apply(platform, plan)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.created == 2)
            #expect(report.archived == 3)
            // The new 14224 has its own schema; the old one is untouched.
            #expect(try await platform.strings("SELECT schema_name FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.list = 2025 ORDER BY u.code") == ["c_14001", "c_2514224"])
            #expect(try await platform.scalar("SELECT count(*) FROM c_2514224.sections") >= 16)
            #expect(try await Reorganised.counts(platform) == before, "nothing of the old communes was lost")
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users WHERE username = 'huyen.haihau' AND active") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users us JOIN platform.units u ON u.id = us.scope_unit_id WHERE us.username = 'xa.hainam' AND u.list = 2025 AND u.code = 14224") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action LIKE 'reorganisation.%'") == 6)

            // Applying it again changes nothing.
            let again = try await Reorganised.apply(platform, plan)
            #expect(again.created == 0 && again.archived == 0 && again.unchanged == 2 && again.failures.isEmpty)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action LIKE 'reorganisation.%'") == 6)

            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(
                username: "quantri.nen", displayName: "Quản trị nền tảng", password: "matkhau-quan-tri-nen", role: .platform, scope: nil)
            try await withTestHost(platform) { host in
                // The compliance list names the communes that exist, not the ended ones.
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("quantri.nen", "matkhau-quan-tri-nen", on: adminSite)
                let list = try await browser.get("/quan-tri/tuan-thu", on: adminSite).text
                #expect(list.contains(">Xã Hải Hưng</a>") && list.contains(">Xã Giao Thủy</a>"))
                #expect(!list.contains(">Xã Hải Minh</a>") && !list.contains(">Xã Giao Thiện</a>"), "ended communes are neither audited nor listed")
                #expect(list.contains("2 xã, phường."))
                // Ended units are not offered for a new commune, and one chosen anyway is named as ended.
                let form = try await browser.get("/quan-tri/xa/moi", on: adminSite).text
                #expect(!form.contains("Huyện Hải Hậu") && form.contains("Tỉnh Ninh Bình"))
                let underEnded = try await browser.submit(
                    "/quan-tri/xa/moi", to: "/quan-tri/xa", on: adminSite, [("ma", "14300"), ("ten", "Xã Thử Nghiệm"), ("cap-tren", "district:366")])
                #expect(underEnded.status == 400)
                #expect(underEnded.text.contains("Huyện Hải Hậu đã kết thúc hoạt động sau ngày"))
                // A footer whose e-mail is still on the ended province's domain fails the audit.
                var footer = SiteInfo(
                    publisher: "Ủy ban nhân dân xã Hải Hưng", responsiblePerson: "Trần Văn Bình", responsibleTitle: "Chủ tịch UBND xã",
                    address: "Xã Hải Hưng", phone: "0228 3877 123", email: "ubnd.haihung@namdinh.gov.vn")
                footer.emcSiteID = "4522"
                try await platform.database.withConnection { [footer] connection in
                    try await ContentStore(logger: platform.logger).updateSite(footer, in: SchemaName(validating: "c_2514224"), on: connection)
                }
                let hung = try await platform.scalar("SELECT u.id FROM platform.units u WHERE u.level = 'commune' AND u.list = 2025 AND u.code = 14224")
                let report = try await browser.get("/quan-tri/tuan-thu/\(hung)", on: adminSite).text
                #expect(report.contains("dùng tên miền namdinh.gov.vn của đơn vị hành chính đã kết thúc hoạt động"))
                #expect(report.contains("Mã trang trên Hệ thống EMC: 4522"))
                // The ended commune of the same code has a report address of its own, which says where it went.
                let old = try await platform.scalar("SELECT u.id FROM platform.units u WHERE u.level = 'commune' AND u.list = 2024 AND u.code = 14224")
                let ended = try await browser.get("/quan-tri/tuan-thu/\(old)", on: adminSite)
                #expect(ended.status == 200)
                #expect(ended.text.contains("Đơn vị này đã kết thúc hoạt động") && ended.text.contains("href=\"/quan-tri/tuan-thu/\(hung)\">Xã Hải Hưng</a>"))
                // In the list of communes, the two rows of code 14224 lead to two different units.
                let communes = try await browser.get("/quan-tri/xa?q=14224", on: adminSite).text
                #expect(communes.contains("<a href=\"/quan-tri/xa/14224\">Xã Hải Hưng</a>"))
                #expect(communes.contains("<a href=\"/quan-tri/tuan-thu/\(old)\">Xã Hải Nam</a>"))
                // The reorganisation offers the same mailbox on the province's domain now, and writes it on request.
                let footers = FooterDomains(database: platform.database, logger: platform.logger)
                let current = try await TenantDirectory().reload(from: platform.database).tenants.values.filter(\.isCurrent)
                let proposals = try await footers.proposals(Array(current))
                #expect(proposals.map(\.proposed) == ["ubnd.haihung@ninhbinh.gov.vn"])
                let proposal = try #require(proposals.first)
                #expect(try await footers.apply(proposal))
                #expect(try await platform.strings("SELECT email FROM c_2514224.site") == ["ubnd.haihung@ninhbinh.gov.vn"])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'site.footer-domain'") == 1)
                #expect(try await footers.apply(proposal) == false, "a footer changed since is left alone")
                #expect(try await footers.proposals(Array(current)).isEmpty)
                // Every old address lands on the same page inside the archive.
                let moved = try await host.get("/tin-tuc/\(article)?x=1", host: Reorganised.oldHost)
                #expect(moved.status == 301)
                #expect(moved.header("Location") == "http://\(Reorganised.newHost)/luu-tru/hai-nam/tin-tuc/\(article)?x=1")
                let page = try await host.get("/luu-tru/hai-nam/tin-tuc/\(article)?x=1", host: Reorganised.newHost)
                #expect(page.status == 200)
                #expect(page.text.contains("Hải Nam khánh thành nhà văn hoá"))
                #expect(page.text.contains("Trang lưu trữ"))
                #expect(page.text.contains("nay thuộc"))
                #expect(page.text.contains("href=\"/luu-tru/hai-nam/tin-tuc\""), "links stay inside the archive")
                #expect(!page.text.contains("href=\"/tin-tuc\""))
                #expect(try await host.get("/", host: Reorganised.oldHost).header("Location") == "http://\(Reorganised.newHost)/luu-tru/hai-nam/")
                // A development alias leads to the successor's alias, port kept.
                #expect(try await host.get("/gioi-thieu", host: Reorganised.oldAlias + ":8080").header("Location") == "http://hai-hung.ninh-binh.localhost:8080/luu-tru/hai-nam/gioi-thieu")
                #expect(try await host.get("/luu-tru/hai-nam/", host: Reorganised.newHost).status == 200)
                #expect(try await host.get("/luu-tru/hai-nam", host: Reorganised.newHost).status == 301)
                #expect(try await host.get("/luu-tru/khong-co/", host: Reorganised.newHost).status == 404)
                // The divided commune's seat keeps its archive; the other successor links to it.
                #expect(try await host.get("/", host: "giaothien.giaothuy.namdinh.gov.vn").header("Location") == "http://giaothuy.ninhbinh.gov.vn/luu-tru/giao-thien/")
                let home = try await host.get(host: Reorganised.newHost)
                #expect(home.status == 200)
                #expect(home.text.contains("href=\"/luu-tru/hai-nam/\""))
                #expect(home.text.contains("href=\"/luu-tru/hai-minh/\""))
                #expect(home.text.contains("href=\"http://giaothuy.ninhbinh.gov.vn/luu-tru/giao-thien/\""))
                // The successor's sitemap and robots.txt name its archives; each archive has its own sitemap.
                #expect(try await host.get("/sitemap.xml", host: Reorganised.newHost).text.contains("<loc>http://\(Reorganised.newHost)/luu-tru/hai-nam/</loc>"))
                #expect(try await host.get("/robots.txt", host: Reorganised.newHost).text.contains("Sitemap: http://\(Reorganised.newHost)/luu-tru/hai-minh/sitemap.xml"))
                let archiveMap = try await host.get("/luu-tru/hai-nam/sitemap.xml", host: Reorganised.newHost)
                #expect(archiveMap.status == 200)
                #expect(archiveMap.text.contains("http://\(Reorganised.newHost)/luu-tru/hai-nam/tin-tuc/\(article)</loc>"))
                // Archives are read-only.
                let post = try await RawHTTPClient.send(
                    Array("POST /luu-tru/hai-nam/hoi-dap/gui-cau-hoi HTTP/1.1\r\nHost: \(Reorganised.newHost)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8),
                    port: host.port)
                #expect(post.status == 405)
                #expect(post.text.contains("href=\"/hoi-dap/gui-cau-hoi\""), "the refusal leads to the same form on the successor's site")
                // A form sent to the old host is moved on as it was sent (308,
                // not 301, which a browser turns into a GET that loses the text).
                let oldPost = try await RawHTTPClient.send(
                    Array("POST /hoi-dap/gui-cau-hoi HTTP/1.1\r\nHost: \(Reorganised.oldHost)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8),
                    port: host.port)
                #expect(oldPost.status == 308)
                #expect(oldPost.header("Location") == "http://\(Reorganised.newHost)/luu-tru/hai-nam/hoi-dap/gui-cau-hoi")
                // …and show no forms: they say where to send instead.
                for path in ["/hoi-dap", "/hoi-dap/gui-cau-hoi", "/danh-gia", "/tiep-can-thong-tin/yeu-cau"] {
                    let archived = try await host.get("/luu-tru/hai-nam" + path, host: Reorganised.newHost)
                    #expect(archived.status == 200, "\(path)")
                    #expect(!archived.text.contains("method=\"post\""), "\(path) shows a form")
                    #expect(archived.text.contains("không còn nhận"), "\(path)")
                    #expect(archived.text.contains("href=\"http://\(Reorganised.newHost)/"), "\(path)")
                }
                #expect(try await host.get("/luu-tru/hai-nam/quan-tri/dang-nhap", host: Reorganised.newHost).status == 404, "no console inside an archive")
                // Another commune's archive is not reachable through this one.
                #expect(try await host.get("/luu-tru/giao-thien/", host: Reorganised.newHost).status == 404)
                // The portals of the ended province and district lead to the province that took them over.
                let oldProvince = try await host.get("/", host: "nam-dinh.localhost")
                #expect(oldProvince.status == 301)
                #expect(oldProvince.header("Location") == "http://ninh-binh.localhost/")
                #expect(try await host.get("/xa-phuong", host: "hai-hau.nam-dinh.localhost:8080").header("Location") == "http://ninh-binh.localhost:8080/")
                #expect(try await host.get("/", host: "ninh-binh.localhost").status == 200)
            }
        }
    }

    @Test func badInput_andAChangedCatalogue_areRefusedBeforeAnyChange() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let units = try await platform.scalar("SELECT count(*) FROM platform.units")
            await #expect(throws: TenantCoreError.self) {
                _ = try await Reorganised.plan(platform, successors: Reorganised.successors + "14233,14001,part,1\n")
            }
            await #expect(throws: TenantCoreError.self) {
                _ = try await Reorganised.plan(platform, successors: Reorganised.successors + "14224,99999,part,0\n")
            }
            // An old commune with no successor row: planned as unplaced, and apply refuses.
            let partial = try await Reorganised.plan(platform, successors: "old_commune_code,new_commune_code,share,primary\n14224,14224,whole,1\n14000,14001,whole,1\n")
            #expect(partial.unplaced.map(\.code) == [14233])
            await #expect(throws: TenantCoreError.self) { _ = try await Reorganised.apply(platform, partial) }

            let plan = try await Reorganised.plan(platform)
            try await platform.execute("UPDATE platform.units SET name = 'Xã Hải Minh Mới' WHERE code = 14233")
            let refused = await #expect(throws: TenantCoreError.self) { _ = try await Reorganised.apply(platform, plan) }
            #expect(refused?.message.contains("changed since the plan") == true)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units") == units)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.reorganisations") == 0)

            // Importing the 2025 list over the 2024 one says what to run instead.
            let list = try AdminList.parse(Reorganised.list2025, source: "list.csv")
            let clash = await #expect(throws: TenantCoreError.self) { _ = try await platform.provisioning.plan(list) }
            #expect(clash?.message.contains("reorganise plan") == true)
        }
    }

    @Test func applyStoppedHalfway_finishesOnTheNextRun() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let plan = try await Reorganised.plan(platform)
            // Something in the way of the second commune: its host is taken.
            try await platform.execute(
                "INSERT INTO platform.domains (host, tenant_id, role) SELECT 'giaothuy.ninhbinh.gov.vn', unit_id, 'redirect' FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.code = 14233")
            let first = try await Reorganisation(provisioning: platform.provisioning, logger: platform.logger).apply(plan, jobs: 1) { _ in }
            #expect(first.failures.count == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE list = 2025 AND level = 'commune'") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants WHERE schema_name = 'c_14001'") == 0, "nothing half-made")
            try await platform.execute("DELETE FROM platform.domains WHERE host = 'giaothuy.ninhbinh.gov.vn'")
            let second = try await Reorganised.apply(platform, plan)
            #expect(second.failures.isEmpty)
            #expect(second.created == 1 && second.unchanged == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE list = 2025 AND level = 'commune'") == 2)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants WHERE successor_id IS NOT NULL") == 3)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.reorganisations WHERE finished_at IS NOT NULL") == 1)
        }
    }
}
