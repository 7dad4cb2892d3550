import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Province portals, "Tin từ tỉnh", the province's procedure catalogue.
@Suite struct PortalTests {
    static let a = (19900, "Phường Thuận An")
    static let b = (19774, "Phường Hóa Châu")
    static let other = (20194, "Phường Hải Châu")

    /// Huế with two communes, Đà Nẵng with one; every commune has content.
    static func twoProvinces(_ platform: TestPlatform) async throws {
        try await platform.makeCommunes([Self.a, Self.b])
        try await platform.makeCommunes(province: 48, provinceName: "Thành phố Đà Nẵng", [Self.other])
        try await addMarkers(platform, codes: [19900, 19774, 20194])
    }

    static func province(_ platform: TestPlatform, _ code: Int) async throws -> AdminUnit {
        try await platform.database.withConnection { connection in
            guard let unit = try await Catalogue(logger: platform.logger).unit(.province, code: code, on: connection) else {
                throw TestHostError(message: "no province \(code)")
            }
            return unit
        }
    }

    @Test func provincePortal_gathersItsOwnCommunesOnly() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            try await withTestHost(platform) { host in
                let portal = try await host.get(host: "hue.localhost")
                #expect(portal.status == 200)
                #expect(portal.text.contains("Tin MARKER19900X số 4"))
                #expect(portal.text.contains("Tin MARKER19774X số 4"))
                #expect(portal.text.contains("19900/QĐ-UBND"))
                #expect(portal.text.contains("http://thuan-an.hue.localhost/tin-tuc/"))
                #expect(!portal.text.contains("MARKER20194X"))
                let daNang = try await host.get(host: "da-nang.localhost")
                #expect(daNang.text.contains("Tin MARKER20194X số 4"))
                #expect(!daNang.text.contains("MARKER19900X"))

                // The directory, searched without diacritics.
                let found = try await host.get("/xa-phuong?q=thuan+an", host: "hue.localhost")
                #expect(found.status == 200)
                #expect(found.text.contains(">Phường Thuận An</a>"))
                #expect(!found.text.contains(">Phường Hóa Châu</a>"))
                #expect(try await host.get("/khong-co", host: "hue.localhost").status == 404)

                // Unpublishing takes the item off the portal in the same transaction.
                try await platform.database.withConnection { connection in
                    let store = ContentStore(logger: platform.logger)
                    let schema = try SchemaName(communeCode: 19900)
                    for entry in try await store.list(schema, section: 4, kinds: nil, page: 1, size: 50, now: Date(), on: connection).items {
                        _ = try await store.setStatus(.unpublished, entry: entry.id, in: schema, now: Date(), on: connection)
                    }
                }
                let after = try await host.get(host: "hue.localhost")
                #expect(!after.text.contains("Tin MARKER19900X số 4"))
                #expect(after.text.contains("Tin MARKER19774X số 4"))

                // A suspended commune's items are not gathered.
                _ = try await platform.provisioning.setStatus(code: 19774, to: .suspended)
                #expect(!(try await host.get(host: "hue.localhost").text.contains("MARKER19774X")))
                // The host has reloaded its directory before the test ends.
                #expect(try await host.eventually { try await host.get(host: "hoa-chau.hue.localhost").status == 503 })
            }
        }
    }

    /// A portal has what a commune's site has for search engines and
    /// readers (robots.txt, sitemap.xml, a site map, Dublin Core), and a
    /// commune's sample items never reach it.
    @Test func portal_hasItsSiteMaps_andNoSampleItems() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            let record = try await platform.record(19900)
            let samples = try await platform.database.withConnection { connection in
                try await SampleContent(logger: platform.logger).add(to: record, hosts: [], on: connection)
            }
            #expect(samples > 0)
            try await withTestHost(platform) { host in
                let home = try await host.get(host: "hue.localhost")
                #expect(home.status == 200)
                #expect(home.text.contains("Tin MARKER19900X số 4"))
                #expect(!home.text.contains("Nội dung mẫu"))
                #expect(home.text.contains("<meta name=\"DC.description\""))
                #expect(home.text.contains("href=\"/so-do-trang\""))
                let robots = try await host.get("/robots.txt", host: "hue.localhost")
                #expect(robots.status == 200)
                #expect(robots.text.contains("Sitemap: http://hue.localhost/sitemap.xml"))
                let sitemap = try await host.get("/sitemap.xml", host: "hue.localhost")
                #expect(sitemap.status == 200)
                #expect(sitemap.header("Content-Type") == "application/xml; charset=utf-8")
                #expect(sitemap.text.contains("<loc>http://hue.localhost/xa-phuong</loc>"))
                #expect(XMLCheck.isWellFormed(sitemap.body))
                let map = try await host.get("/so-do-trang", host: "hue.localhost")
                #expect(map.status == 200)
                #expect(map.text.contains(">Phường Thuận An</a>"))
                #expect(!map.text.contains("Phường Hải Châu"))
            }
        }
    }

    /// The province's operator sets who is responsible for its portal and
    /// how to reach it; the portal's footer shows it; bad input is refused
    /// and nobody below the province reaches the form.
    @Test func portalFooter_isSetByTheProvince() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(username: "tinh.hue", displayName: "Sở Huế", password: "matkhau-tinh-hue", role: .province, scope: (.province, 46))
            _ = try await accounts.createUser(username: "xa.thuanan", displayName: "Thuận An", password: "matkhau-thuan-an", role: .editor, scope: (.commune, 19900))
            let hue = try await Self.province(platform, 46)
            try await withTestHost(platform) { host in
                // Until the province fills it in, the footer says the person responsible is missing.
                #expect(try await host.get(host: "hue.localhost").text.contains("Người chịu trách nhiệm: <em>chưa cập nhật</em>"))
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.thuanan", "matkhau-thuan-an", on: adminSite)
                #expect(try await editor.get("/quan-tri/cong-thong-tin", on: adminSite).status == 403)
                let province = ConsoleBrowser(host)
                _ = try await province.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                #expect(try await province.get("/quan-tri/cong-thong-tin", on: adminSite).status == 200)
                let bad = try await province.submit(
                    "/quan-tri/cong-thong-tin", to: "/quan-tri/cong-thong-tin", on: adminSite,
                    [("tinh", String(hue.id)), ("nguoi-chiu-trach-nhiem", ""), ("dia-chi", "16 Lê Lợi"), ("thu-dien-tu", "khong-phai-thu")])
                #expect(bad.status == 400)
                #expect(bad.text.contains("Vui lòng nhập người chịu trách nhiệm.") && bad.text.contains("Thư điện tử không hợp lệ."))
                let saved = try await province.submit(
                    "/quan-tri/cong-thong-tin", to: "/quan-tri/cong-thong-tin", on: adminSite,
                    [("tinh", String(hue.id)), ("nguoi-chiu-trach-nhiem", "Nguyễn Thị Lan"), ("chuc-vu", "Giám đốc Sở"),
                     ("dia-chi", "16 Lê Lợi, Huế"), ("dien-thoai", "0234 3822 123"), ("thu-dien-tu", "cong@hue.gov.vn")])
                #expect(saved.status == 303)
                // Every host keeps the portals' footers in its directory, reloaded on the change's notification.
                #expect(try await host.eventually { try await host.get(host: "hue.localhost").text.contains("Nguyễn Thị Lan") })
                let portal = try await host.get(host: "hue.localhost").text
                #expect(portal.contains("Người chịu trách nhiệm: <strong>Nguyễn Thị Lan</strong>, Giám đốc Sở"))
                #expect(portal.contains("href=\"mailto:cong@hue.gov.vn\""))
                #expect(!(try await host.get(host: "da-nang.localhost").text.contains("Nguyễn Thị Lan")))
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'portal.info'") == 1)
            }
        }
    }

    /// Citizens rate a portal as they rate a commune's site: bad scores are
    /// refused with what was typed kept, a rating is stored against the
    /// portal's unit (never a commune's), other paths still refuse a post,
    /// and the province's operator reads the results beside the footer form.
    @Test func portalRating_isStoredForThePortal_andShownToTheProvince() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(username: "tinh.hue", displayName: "Sở Huế", password: "matkhau-tinh-hue", role: .province, scope: (.province, 46))
            let hue = try await Self.province(platform, 46)
            try await withTestHost(platform) { host in
                let portal = try await host.get(host: "hue.localhost").text
                #expect(portal.contains("href=\"/danh-gia\""))
                #expect(try await host.get("/sitemap.xml", host: "hue.localhost").text.contains("/danh-gia</loc>"))
                let form = try await host.get("/danh-gia", host: "hue.localhost")
                #expect(form.status == 200)
                #expect(form.text.contains("name=\"thong-tin\" value=\"5\"") && form.text.contains("<legend>Dịch vụ công, thủ tục hành chính của thành phố Huế</legend>"))

                let citizen = ConsoleBrowser(host)
                let refused = try await citizen.request("POST", "/danh-gia", on: "hue.localhost", form: [("thong-tin", "7"), ("y-kien", "Cổng dễ dùng")])
                #expect(refused.status == 400)
                #expect(refused.text.contains("Chọn một mức từ 1 đến 5.") && refused.text.contains(">Cổng dễ dùng</textarea>"))
                #expect(try await platform.strings("SELECT count(*)::text FROM platform.portal_ratings") == ["0"])

                let sent = try await citizen.request("POST", "/danh-gia", on: "hue.localhost", form: [("thong-tin", "4"), ("dich-vu", "3"), ("y-kien", "Cổng dễ dùng")])
                #expect(sent.status == 303)
                #expect(sent.header("Location") == "/danh-gia?da-gui=1")
                #expect(try await host.get("/danh-gia?da-gui=1", host: "hue.localhost").text.contains("Cảm ơn bạn đã đánh giá"))
                // A bot that fills the hidden field is thanked, and nothing is kept.
                let bot = try await citizen.request("POST", "/danh-gia", on: "hue.localhost", form: [("thong-tin", "1"), ("website", "http://spam")])
                #expect(bot.status == 303)
                #expect(try await platform.strings(
                    "SELECT u.code || ':' || information || '/' || services || '/' || remark FROM platform.portal_ratings r JOIN platform.units u ON u.id = r.unit_id")
                    == ["46:4/3/Cổng dễ dùng"])
                #expect(try await platform.strings("SELECT count(*)::text FROM platform.ratings") == ["0"])
                // Reading is all the rest of a portal does.
                #expect(try await citizen.request("POST", "/xa-phuong", on: "hue.localhost", form: [("q", "a")]).status == 405)

                let province = ConsoleBrowser(host)
                _ = try await province.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                let page = try await province.get("/quan-tri/cong-thong-tin?tinh=\(hue.id)", on: adminSite).text
                #expect(page.contains("1 lượt đánh giá trong 12 tháng qua"))
                #expect(page.contains("thông tin trên trang: <strong>4,0/5</strong>") && page.contains("Cổng dễ dùng"))
            }
        }
    }

    @Test func provinceAnnouncement_showsOnEachOfItsCommunesWithItsSource() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            let hue = try await Self.province(platform, 46)
            let store = PortalStore(logger: platform.logger)
            try await withTestHost(platform) { host in
                _ = try await host.get(host: "thuan-an.hue.localhost")  // cached before the announcement
                let id = try await platform.database.withTransaction { connection in
                    try await store.insert(
                        Announcement(provinceID: hue.id, title: "Thông báo lịch nghỉ Tết TINTINH", summary: "Tóm tắt TINTINH",
                            body: "<p>Nội dung TINTINH</p>", author: "Văn phòng", publishedAt: Date().addingTimeInterval(-60)),
                        on: connection)
                }
                #expect(try await host.eventually { try await host.get(host: "thuan-an.hue.localhost").text.contains("Thông báo lịch nghỉ Tết TINTINH") })
                #expect(try await host.get(host: "hoa-chau.hue.localhost").text.contains("Thông báo lịch nghỉ Tết TINTINH"))
                #expect(try await host.get("/tin-tuc", host: "thuan-an.hue.localhost").text.contains("TINTINH"))
                let rss = try await host.get("/rss/tin-tuc.xml", host: "thuan-an.hue.localhost").text
                #expect(rss.contains("/tin-tu-tinh/\(id)</link>"))
                #expect(rss.contains("Ủy ban nhân dân thành phố Huế</source>"))
                let page = try await host.get("/tin-tu-tinh/\(id)", host: "hoa-chau.hue.localhost")
                #expect(page.status == 200)
                #expect(page.text.contains("Nguồn: <strong>Ủy ban nhân dân thành phố Huế</strong>"))
                #expect(try await host.get(host: "hue.localhost").text.contains("TINTINH"))
                // Another province's communes never show it.
                #expect(!(try await host.get(host: "hai-chau.da-nang.localhost").text.contains("TINTINH")))
                #expect(try await host.get("/tin-tu-tinh/\(id)", host: "hai-chau.da-nang.localhost").status == 404)

                // Withdrawn: gone from every commune.
                let withdrawn = try await platform.database.withConnection { connection in
                    try await store.withdraw(id, province: hue.id, on: connection)
                }
                #expect(withdrawn)
                #expect(try await host.eventually { try await !host.get(host: "thuan-an.hue.localhost").text.contains("TINTINH") })
                #expect(try await host.get("/tin-tu-tinh/\(id)", host: "thuan-an.hue.localhost").status == 404)
            }
        }
    }

    @Test func procedureCatalogue_refusesBadRows_andEveryCommuneOfTheProvinceShowsIt() async throws {
        let sample = try String(contentsOfFile: TestEnvironment.repositoryRoot.appendingPathComponent("data/procedures/sample-thu-tuc-cap-xa.csv").path, encoding: .utf8)
        let procedures = try ProcedureCatalogue.parse(sample, source: "sample")
        #expect(procedures.count >= 30)
        #expect(procedures.contains { $0.code == "1.001193" && $0.field == "Hộ tịch" })

        let header = ProcedureCatalogue.header.joined(separator: ",")
        let bad = """
            \(header)
            1.001193,Đăng ký khai sinh,Hộ tịch,toàn trình,UBND cấp xã,,
            1.2345,Mã sai,Hộ tịch,,,,
            1.000656,,Hộ tịch,,,,
            1.000894,Kết hôn,Hộ tịch,trực tuyến,,,
            1.001193,Trùng mã,Hộ tịch,,,,
            """
        do {
            _ = try ProcedureCatalogue.parse(bad, source: "bad.csv")
            Issue.record("a catalogue with bad rows was accepted")
        } catch {
            #expect(error.message.contains("4 bad row(s)"))
            #expect(error.message.contains("line 3: ma_thu_tuc \"1.2345\""))
            #expect(error.message.contains("line 4: ten_thu_tuc is empty"))
            #expect(error.message.contains("line 5: muc_do \"trực tuyến\""))
            #expect(error.message.contains("line 6: ma_thu_tuc 1.001193 already on line 2"))
        }

        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            _ = try await ProcedureCatalogue.replace(procedures, province: 46, database: platform.database)
            // An empty file empties nothing unless that is confirmed.
            await #expect(throws: TenantCoreError.self) { try await ProcedureCatalogue.replace([], province: 46, database: platform.database) }
            #expect(try await platform.scalar("SELECT count(*) FROM platform.procedures") == procedures.count)
            try await withTestHost(platform) { host in
                let page = try await host.get("/thu-tuc-hanh-chinh", host: "thuan-an.hue.localhost")
                #expect(page.status == 200)
                #expect(page.text.contains("Mã 1.001193"))
                #expect(page.text.contains("href=\"/thu-tuc-hanh-chinh/ma/1.001193\""))
                #expect(!page.text.contains("<table"), "a list that reads on a phone")
                #expect(page.text.contains("Thủ tục MARKER19900X"))  // the commune's own addition stays
                #expect(!(try await host.get("/thu-tuc-hanh-chinh", host: "hai-chau.da-nang.localhost").text.contains("1.001193")))
                #expect(try await host.get("/thu-tuc-hanh-chinh", host: "hue.localhost").text.contains("1.001193"))
            }
        }
    }

    /// Each procedure has a page with what a citizen needs; the list is
    /// searched without diacritics and filtered by field and level; the
    /// site's search finds procedures by name and code.
    @Test func procedurePages_searchAndFilters() async throws {
        let header = (ProcedureCatalogue.header + ProcedureCatalogue.detailHeader).joined(separator: ",")
        let csv = """
            \(header)
            1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,toàn trình,Ủy ban nhân dân cấp xã,1 ngày làm việc,Miễn phí,"Nộp hồ sơ tại Bộ phận một cửa
            Công chức tư pháp - hộ tịch kiểm tra hồ sơ","Trực tiếp
            Trực tuyến","Tờ khai đăng ký khai sinh
            Giấy chứng sinh","Luật Hộ tịch số 60/2014/QH13",Tờ khai đăng ký khai sinh|https://example.gov.vn/to-khai.docx,Giấy khai sinh,https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1
            1.000656,Thủ tục đăng ký khai tử,Hộ tịch,một phần,Ủy ban nhân dân cấp xã,1 ngày làm việc,Miễn phí,,,,,,,
            2.000815,Thủ tục chứng thực bản sao từ bản chính,Chứng thực,,Ủy ban nhân dân cấp xã,Trong ngày,2.000 đồng/trang,,,,,,,

            """
        let procedures = try ProcedureCatalogue.parse(csv, source: "chi-tiet.csv")
        #expect(procedures[0].steps.count == 2 && procedures[0].documents == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
        #expect(procedures[0].forms.first?.url == "https://example.gov.vn/to-khai.docx")
        let badLink = csv.replacingOccurrences(of: "https://dichvucong.gov.vn/p/home", with: "javascript:alert(1)//")
        #expect(throws: TenantCoreError.self) { try ProcedureCatalogue.parse(badLink, source: "bad.csv") }
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            _ = try await ProcedureCatalogue.replace(procedures, province: 46, database: platform.database)
            try await withTestHost(platform) { host in
                let site = "thuan-an.hue.localhost"
                let page = try await host.get("/thu-tuc-hanh-chinh/ma/1.001193", host: site)
                #expect(page.status == 200)
                for part in ["<h1>Thủ tục đăng ký khai sinh</h1>", "Trình tự thực hiện", "<li>Giấy chứng sinh</li>", "Luật Hộ tịch số 60/2014/QH13",
                             "href=\"https://example.gov.vn/to-khai.docx\"", "ma_thu_tuc=1\"", "Toàn trình"] {
                    #expect(page.text.contains(part), "\(part)")
                }
                #expect(try await host.get("/thu-tuc-hanh-chinh/ma/9.999999", host: site).status == 404)
                // Another province's catalogue does not have it: its commune and its portal answer 404.
                #expect(try await host.get("/thu-tuc-hanh-chinh/ma/1.001193", host: "hai-chau.da-nang.localhost").status == 404)
                #expect(try await host.get("/thu-tuc-hanh-chinh/ma/1.001193", host: "da-nang.localhost").status == 404)
                #expect(try await host.get("/thu-tuc-hanh-chinh/ma/1.001193", host: "hue.localhost").text.contains("Trình tự thực hiện"))
                // A commune's own procedure keeps its page.
                let own = try await host.get("/thu-tuc-hanh-chinh", host: site).text
                // The catalogue by field, then name, as the database sorts them.
                let positions = ["chứng thực bản sao", "đăng ký khai sinh", "đăng ký khai tử"].compactMap { own.range(of: $0)?.lowerBound }
                #expect(positions.count == 3 && positions == positions.sorted(), "\(positions)")
                let ownLink = try #require(own.range(of: #"href="/thu-tuc-hanh-chinh/[0-9]+""#, options: .regularExpression))
                let ownPath = String(own[ownLink].dropFirst(6).dropLast())
                #expect(try await host.get(ownPath, host: site).status == 200)

                let found = try await host.get("/thu-tuc-hanh-chinh?q=khai+sinh", host: site).text
                #expect(found.contains("Thủ tục đăng ký khai sinh") && !found.contains("Thủ tục đăng ký khai tử"))
                let byField = try await host.get("/thu-tuc-hanh-chinh?linh-vuc=Ch%E1%BB%A9ng+th%E1%BB%B1c", host: site).text
                #expect(byField.contains("chứng thực bản sao") && !byField.contains("đăng ký khai sinh</a>"))
                let byLevel = try await host.get("/thu-tuc-hanh-chinh?muc-do=m%E1%BB%99t+ph%E1%BA%A7n", host: site).text
                #expect(byLevel.contains("đăng ký khai tử</a>") && !byLevel.contains("đăng ký khai sinh</a>"))
                let portal = try await host.get("/thu-tuc-hanh-chinh?q=chung+thuc", host: "hue.localhost").text
                #expect(portal.contains("chứng thực bản sao") && !portal.contains("đăng ký khai tử</a>"))

                let search = try await host.get("/tim-kiem?q=khai+sinh", host: site).text
                #expect(search.contains("href=\"/thu-tuc-hanh-chinh/ma/1.001193\""))
                let byCode = try await host.get("/tim-kiem?q=2.000815", host: site).text
                #expect(byCode.contains("href=\"/thu-tuc-hanh-chinh/ma/2.000815\""))
                // The count says what the page shows: procedures and items apart.
                #expect(byCode.contains("Có 1 thủ tục hành chính cho “2.000815”; không có tin bài, văn bản nào."))
                #expect(!byCode.contains("Không tìm thấy kết quả nào"))
                // Every procedure it names, by field, then name, as the database sorts them…
                let named = try await host.get("/tim-kiem?q=thu+tuc", host: site).text
                let order = ["ma/2.000815", "ma/1.001193", "ma/1.000656"].compactMap { named.range(of: $0)?.lowerBound }
                #expect(order.count == 3 && order == order.sorted(), "\(order)")
                // …and none of another province's.
                #expect(!(try await host.get("/tim-kiem?q=khai+sinh", host: "hai-chau.da-nang.localhost").text.contains("ma/1.001193")))
            }
        }
    }

    @Test func platformNotice_isShownOnEverySite() async throws {
        try await withTestPlatform { platform in
            try await Self.twoProvinces(platform)
            try await withTestHost(platform) { host in
                _ = try await host.get(host: "hai-chau.da-nang.localhost")
                try await platform.database.withConnection { connection in
                    try await PortalStore(logger: platform.logger).setNotice(
                        PlatformNotice(text: "Hệ thống bảo trì BAOTRI", until: Date().addingTimeInterval(86_400)), on: connection)
                }
                #expect(try await host.eventually { try await host.get(host: "hai-chau.da-nang.localhost").text.contains("BAOTRI") })
                #expect(try await host.get(host: "thuan-an.hue.localhost").text.contains("Thông báo của hệ thống:</strong> Hệ thống bảo trì BAOTRI"))
                #expect(try await host.get(host: "hue.localhost").text.contains("BAOTRI"))
                try await platform.database.withConnection { connection in
                    try await PortalStore(logger: platform.logger).setNotice(PlatformNotice(text: ""), on: connection)
                }
                #expect(try await host.eventually { try await !host.get(host: "hai-chau.da-nang.localhost").text.contains("BAOTRI") })
            }
        }
    }
}
