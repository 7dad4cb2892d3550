import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Changes after the reorganisation, one at a time, and the choices a plan
/// offers: continuing a predecessor's site, converting district admins.
@Suite(.serialized) struct CommuneChangeTests {
    static func changes(_ platform: TestPlatform) -> Reorganisation {
        Reorganisation(provisioning: platform.provisioning, logger: platform.logger)
    }

    @Test func planThatContinuesSeats_keepsTheSiteAndMovesItsHosts() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let article = try await platform.database.withConnection { connection in
                try await ContentStore(logger: platform.logger).insert(
                    Entry(sectionID: 4, title: "Hải Nam khánh thành nhà văn hoá", body: "<p>Nội dung.</p>"),
                    into: SchemaName(communeCode: 14224), on: connection)
            }
            let list = try AdminList.parse(Reorganised.list2025, source: "list.csv")
            let rows = try SuccessorList.parse(Reorganised.successors, source: "successors.csv")
            let plan = try await Self.changes(platform).plan(to: list, successors: rows, provinces: [], continueSeats: true, districtAdmins: "convert")
            let hung = try #require(plan.communes.first { $0.code == 14224 })
            #expect(hung.continues == 14224)
            #expect(hung.predecessors.first { $0.code == 14224 }?.archiveSlug == nil, "the continued site is not also an archive")
            #expect(plan.communes.first { $0.code == 14001 }?.continues == nil, "Giao Thủy took no predecessor's code")
            #expect(plan.people.contains { $0.username == "huyen.haihau" && $0.change.contains("keeps") })

            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(username: "tinh.namdinh", displayName: "Sở Nam Định", password: "matkhau-nam-dinh", role: .province, scope: (.province, 36))
            let report = try await Reorganised.apply(platform, plan)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.created == 2 && report.archived == 2)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users us JOIN platform.units u ON u.id = us.scope_unit_id WHERE us.username = 'tinh.namdinh' AND u.list = 2025 AND u.code = 37") == 1)
            // The continued site keeps its schema, content and editor; the old identity stays, ended.
            #expect(try await platform.strings("SELECT schema_name FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.list = 2025 ORDER BY u.code") == ["c_14001", "c_14224"])
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE list = 2024 AND code = 14224 AND valid_until = '2025-06-30'") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users us JOIN platform.units u ON u.id = us.scope_unit_id WHERE us.username = 'xa.hainam' AND u.list = 2025 AND u.code = 14224") == 1)
            #expect(try await platform.strings("SELECT publisher FROM c_14224.site") == ["Ủy ban nhân dân xã Hải Hưng"])
            // Converted, not locked: the district admin keeps the commune its district's communes went into.
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users WHERE username = 'huyen.haihau' AND active") == 1)
            #expect(try await platform.strings("SELECT u.code::text FROM platform.user_communes uc JOIN platform.users us ON us.id = uc.user_id JOIN platform.units u ON u.id = uc.commune_unit_id WHERE us.username = 'huyen.haihau'") == ["14224"])

            let again = try await Reorganised.apply(platform, plan)
            #expect(again.created == 0 && again.unchanged == 2 && again.archived == 0 && again.failures.isEmpty)
            // A plan recorded before plans were kept is kept when apply runs again.
            try await platform.execute("UPDATE platform.reorganisations SET plan = NULL")
            _ = try await Reorganised.apply(platform, plan)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.reorganisations WHERE plan->>'planID' = '\(plan.planID)' AND provinces = '{37}'") == 1)

            try await withTestHost(platform) { host in
                let moved = try await host.get("/tin-tuc/\(article)", host: Reorganised.oldHost)
                #expect(moved.status == 301)
                #expect(moved.header("Location") == "http://\(Reorganised.newHost)/tin-tuc/\(article)")
                let page = try await host.get("/tin-tuc/\(article)", host: Reorganised.newHost)
                #expect(page.status == 200)
                #expect(page.text.contains("Hải Nam khánh thành nhà văn hoá"))
                #expect(!page.text.contains("Trang lưu trữ"))
                #expect(try await host.get("/gioi-thieu", host: Reorganised.oldAlias + ":8080").header("Location") == "http://hai-hung.ninh-binh.localhost:8080/gioi-thieu")
                let home = try await host.get(host: Reorganised.newHost)
                #expect(home.text.contains("Xã Hải Hưng"))
                #expect(home.text.contains("href=\"/luu-tru/hai-minh/\""))

                // The province operator's console shows the plan and each commune's state.
                let console = ConsoleBrowser(host)
                #expect(try await console.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite).status == 303)
                let overview = try await console.get("/quan-tri/sap-xep", on: adminSite)
                #expect(overview.status == 200)
                #expect(overview.text.contains(plan.planID))
                #expect(overview.text.contains("Hoàn tất"))
                #expect(overview.text.contains("Lưu trữ trong Xã Hải Hưng tại /luu-tru/hai-minh/"))
                let detail = try await console.get("/quan-tri/sap-xep?phuong-an=\(plan.planID)", on: adminSite)
                #expect(detail.status == 200)
                #expect(detail.text.contains("trang được kế tục"))
                #expect(detail.text.contains("Mọi xã mới của phương án đã được tạo"))
                #expect(try await console.get("/quan-tri/sap-xep?phuong-an=khong-co", on: adminSite).status == 404)
                let filtered = try await console.get("/quan-tri/sap-xep?loc=giao+thien", on: adminSite)
                #expect(filtered.text.contains("Xã Giao Thiện") && !filtered.text.contains("<th scope=\"row\">Xã Hải Hưng"))
            }
        }
    }

    @Test func mergeDivideRenameMove_oneAtATime_keepEveryAddress() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let changes = Self.changes(platform)
            for (code, name) in [(14010, "Xã Giao An"), (14011, "Xã Giao Lạc")] {
                _ = try await platform.provisioning.createCommune(try await platform.provisioning.spec(code: code, name: name, parentLevel: .district, parentCode: 367))
            }
            let store = ContentStore(logger: platform.logger)
            let bridge = try await platform.database.withConnection { connection in
                try await store.insert(Entry(sectionID: 4, title: "Khánh thành cầu Hải Minh", body: "<p>Cầu mới.</p>"), into: SchemaName(communeCode: 14233), on: connection)
            }
            let units = try await platform.scalar("SELECT count(*) FROM platform.units")

            // Bad input changes nothing.
            await #expect(throws: TenantCoreError.self) { _ = try await changes.merge([14224], into: 14224, lastDay: "2026-11-30") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.merge([99999], into: 14224, lastDay: "2026-11-30") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.merge([14233], into: 14224, lastDay: "30/11/2026") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.divide(14000, into: [14010, 14011], primary: 14224, lastDay: "2026-11-30") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.rename(14224, to: "Hải Nam") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.move(14224, to: .province, code: 99) }
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units") == units)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action LIKE 'commune.%'") == 0)

            // Merge, and run it again.
            #expect(try await changes.merge([14233], into: 14224, lastDay: "2026-11-30").changed == [14233])
            #expect(try await changes.merge([14233], into: 14224, lastDay: "2026-11-30").unchanged == [14233])
            #expect(try await platform.strings("SELECT status_note FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id WHERE u.code = 14233") == ["Từ ngày 1/12/2026 thuộc Xã Hải Nam."])
            // A commune archived into another cannot be merged again elsewhere.
            await #expect(throws: TenantCoreError.self) { _ = try await changes.merge([14233], into: 14010, lastDay: "2026-11-30") }
            // Divide.
            #expect(try await changes.divide(14000, into: [14010, 14011], primary: 14010, lastDay: "2026-11-30").changed == [14000])
            #expect(try await changes.divide(14000, into: [14010, 14011], primary: 14010, lastDay: "2026-11-30").unchanged == [14000])
            // Rename (new hosts), then move (hosts follow the parent).
            let renamed = try await changes.rename(14224, to: "Xã Hải Nam Mới")
            #expect(renamed.newHosts == ["hainammoi.haihau.namdinh.gov.vn", "hai-nam-moi.hai-hau.nam-dinh.localhost"])
            #expect(try await changes.rename(14224, to: "Xã Hải Nam Mới").unchanged == [14224])
            let moved = try await changes.move(14224, to: .district, code: 367)
            #expect(moved.newHosts == ["hainammoi.giaothuy.namdinh.gov.vn", "hai-nam-moi.giao-thuy.nam-dinh.localhost"])
            #expect(try await changes.move(14224, to: .district, code: 367).unchanged == [14224])
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action LIKE 'commune.%'") == 4)
            // A unit a reorganisation ended is not renamed, moved or merged into.
            try await platform.execute("UPDATE platform.units SET valid_until = '2026-11-30' WHERE level = 'commune' AND code = 14011")
            await #expect(throws: TenantCoreError.self) { _ = try await changes.rename(14011, to: "Xã Giao Lạc Mới") }
            await #expect(throws: TenantCoreError.self) { _ = try await changes.merge([14010], into: 14011, lastDay: "2026-11-30") }
            try await platform.execute("UPDATE platform.units SET valid_until = NULL WHERE level = 'commune' AND code = 14011")
            #expect(try await platform.strings("SELECT publisher FROM c_14224.site") == ["Ủy ban nhân dân xã Hải Nam Mới"])
            #expect(try await platform.strings("SELECT host FROM platform.domains d JOIN platform.units u ON u.id = d.tenant_id WHERE u.code = 14224 AND d.role <> 'redirect' ORDER BY host")
                == ["hai-nam-moi.giao-thuy.nam-dinh.localhost", "hainammoi.giaothuy.namdinh.gov.vn"])
            // Merging a commune that keeps archives moves them along.
            #expect(try await changes.merge([14224], into: 14010, lastDay: "2026-11-30").changed == [14224])
            #expect(try await platform.strings("SELECT t.archive_slug FROM platform.tenants t JOIN platform.units s ON s.id = t.successor_id WHERE s.code = 14010 ORDER BY 1")
                == ["giao-thien", "hai-minh", "hai-nam-moi"])

            try await withTestHost(platform) { host in
                let current = "giaoan.giaothuy.namdinh.gov.vn"
                // Every host Hải Nam ever had leads into its archive on Giao An, which took it last.
                for old in [Reorganised.oldHost, "hainammoi.haihau.namdinh.gov.vn", "hainammoi.giaothuy.namdinh.gov.vn"] {
                    #expect(try await host.get("/gioi-thieu?a=1", host: old).header("Location") == "http://\(current)/luu-tru/hai-nam-moi/gioi-thieu?a=1")
                }
                #expect(try await host.get("/gioi-thieu", host: Reorganised.oldAlias + ":8080").header("Location") == "http://giao-an.giao-thuy.nam-dinh.localhost:8080/luu-tru/hai-nam-moi/gioi-thieu")
                let home = try await host.get("/luu-tru/hai-nam-moi/", host: current)
                #expect(home.status == 200)
                #expect(home.text.contains("Xã Hải Nam Mới"))
                // The archive Hải Nam kept moved with it: its old hosts still land on the page.
                #expect(try await host.get("/tin-tuc/\(bridge)", host: "haiminh.haihau.namdinh.gov.vn").header("Location") == "http://\(current)/luu-tru/hai-minh/tin-tuc/\(bridge)")
                #expect(try await host.get("/luu-tru/hai-minh/tin-tuc/\(bridge)", host: current).status == 200)
                // The divided commune: its hosts go to the primary successor, the other one links there.
                #expect(try await host.get("/", host: "giaothien.giaothuy.namdinh.gov.vn").header("Location") == "http://giaoan.giaothuy.namdinh.gov.vn/luu-tru/giao-thien/")
                #expect(try await host.get(host: "giaolac.giaothuy.namdinh.gov.vn").text.contains("href=\"http://giaoan.giaothuy.namdinh.gov.vn/luu-tru/giao-thien/\""))

                // Search includes the archives when asked to.
                let own = try await host.get("/tim-kiem?q=cau+hai+minh", host: current)
                #expect(own.status == 200)
                #expect(own.text.contains("name=\"luu-tru\""), "the form offers the archives")
                #expect(!own.text.contains("/luu-tru/hai-minh/tin-tuc/\(bridge)"))
                let wide = try await host.get("/tim-kiem?q=cau+hai+minh&luu-tru=1", host: current)
                #expect(wide.status == 200)
                #expect(wide.text.contains("href=\"/luu-tru/hai-minh/tin-tuc/\(bridge)\""), "\(wide.text.suffix(3000))")
                #expect(wide.text.contains("Lưu trữ Xã Hải Minh"))
                #expect(try await host.get("/tim-kiem?q=cau&luu-tru=x", host: current).status == 400)
                #expect(!(try await host.get("/tim-kiem", host: "giaolac.giaothuy.namdinh.gov.vn").text.contains("name=\"luu-tru\"")), "no archive, no box")
            }
        }
    }
}
