import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The compliance audit: checks with their legal basis, never "compliant"
/// with sample content or a placeholder footer, a history per commune.
@Suite struct AuditTests {
    static func latest(_ platform: TestPlatform, _ code: Int) async throws -> [AuditRun] {
        let record = try await platform.record(code)
        return try await platform.database.withConnection { connection in
            try await ContentStore(logger: platform.logger).auditRuns(tenantID: record.unitID, limit: 10, on: connection)
        }
    }

    @Test func sampleContentOrPlaceholderFooter_isNeverCompliant_andFunctionsAreChecked() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let record = try await platform.record(14224)
            let report = "/quan-tri/tuan-thu/\(record.unitID)"
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: [], on: connection)
            }
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let page = try await browser.get(report, on: adminSite)
                #expect(page.status == 200)
                #expect(page.text.contains("Chưa đạt"))
                #expect(page.text.contains("Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c"))
                var runs = try await Self.latest(platform, 14224)
                #expect(runs.count == 1)
                var checks = Dictionary(uniqueKeysWithValues: runs[0].checks.map { ($0.id, $0) })
                #expect(runs[0].compliant == false)
                #expect(checks["footer"]?.status == .fail)
                #expect(checks["footer"]?.detail.contains("còn là thông tin mẫu") == true)
                #expect(checks["footer"]?.detail.contains("chưa có điện thoại") == true)
                #expect(checks["section.4"]?.status == .fail)
                #expect(checks["section.4"]?.detail.contains("nội dung mẫu") == true)
                #expect(checks["section.1"]?.status == .fail)  // starter text
                // The sample schedule of this week is not the commune's schedule.
                #expect(checks["deadline.schedule"]?.status == .fail)
                #expect(checks["emc"]?.status == .fail)
                #expect(checks["pages.accessibility"]?.status == .warn)  // ops/audit-pages has not run
                for id in ["function.sitemap", "function.rss", "function.search", "function.dublincore", "function.print", "function.links", "function.rating"] {
                    #expect(checks[id]?.status == .pass, "\(id): \(checks[id]?.detail ?? "missing")")
                }
                #expect(runs[0].checks.allSatisfy { !$0.basis.isEmpty })

                // Real content and a complete footer: those checks pass on the next run.
                try await addMarkers(platform, codes: [14224])
                var site = SiteInfo(
                    publisher: "Ủy ban nhân dân xã Hải Nam", responsiblePerson: "Trần Văn Bình", responsibleTitle: "Chủ tịch UBND xã",
                    address: "Xóm 5, xã Hải Nam", phone: "0228 3877 123", email: "ubnd.hainam@namdinh.gov.vn")
                site.emcSiteID = "4521"
                try await platform.database.withConnection { [site] connection in
                    try await ContentStore(logger: platform.logger).updateSite(site, in: record.schema, on: connection)
                }
                // What the browser found on the site's pages (ops/audit-pages) counts too.
                _ = try await platform.strings(
                    "INSERT INTO platform.page_checks (tenant_id, tool, pages, problems, detail) VALUES (\(record.unitID), 'axe', 5, 0, '[]'), (\(record.unitID), 'vnu', 5, 2, '[{\"page\": \"/tin-tuc\", \"id\": \"error\", \"message\": \"Stray end tag\"}]') RETURNING id")
                let rerun = try await browser.submit(report, to: report, on: adminSite, [])
                #expect(rerun.status == 303)
                runs = try await Self.latest(platform, 14224)
                #expect(runs.count == 2)
                checks = Dictionary(uniqueKeysWithValues: runs[0].checks.map { ($0.id, $0) })
                #expect(checks["footer"]?.status == .pass)
                #expect(checks["section.4"]?.status == .pass)
                #expect(checks["deadline.news"]?.status == .pass)
                #expect(checks["deadline.schedule"]?.status == .pass)
                #expect(checks["emc"]?.status == .pass)
                #expect(checks["footer.domain"]?.status == .pass, "Nam Định still exists in this test")
                #expect(checks["pages.accessibility"]?.status == .pass)
                #expect(checks["pages.html"]?.status == .fail)
                #expect(checks["pages.html"]?.detail.contains("/tin-tuc: error") == true)
                #expect(runs[0].checks.filter { $0.status == .fail }.map(\.id) == ["pages.html"])
                // Valid pages: compliant.
                _ = try await platform.strings(
                    "INSERT INTO platform.page_checks (tenant_id, tool, pages, problems) VALUES (\(record.unitID), 'vnu', 5, 0) RETURNING id")
                _ = try await browser.submit(report, to: report, on: adminSite, [])
                runs = try await Self.latest(platform, 14224)
                #expect(runs[0].compliant, "\(runs[0].checks.filter { $0.status == .fail })")
                let csv = try await browser.get(report + "?dinh-dang=csv", on: adminSite)
                #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
                #expect(csv.text.contains("footer,\"Chân trang đủ cơ quan chủ quản"))

                // The list names the verdict; another district's commune is refused.
                let list = try await browser.get("/quan-tri/tuan-thu", on: adminSite)
                #expect(list.text.contains("href=\"\(report)\""))
                #expect(list.text.contains("<span class=\"status-ok\">Đạt</span>"))
                #expect(list.text.contains("Kết quả kiểm tra 30 ngày qua"))
                #expect(list.text.contains("<td>1</td><td>1</td><td>100%</td>"))  // Hải Nam, audited and compliant today
                #expect(try await browser.get("/quan-tri/tuan-thu/\(try await platform.record(14000).unitID)", on: adminSite).status == 403)
            }
        }
    }

    @Test func footerPlaceholders_areRecognised() {
        #expect(SiteInfo.isPlaceholder("Nguyễn Văn An (thông tin mẫu)"))
        #expect(SiteInfo.isPlaceholder("Trụ sở UBND (địa chỉ mẫu)"))
        #expect(SiteInfo.isPlaceholder("Đang cập nhật"))
        #expect(!SiteInfo.isPlaceholder("Trần Văn Bình"))
        #expect(SiteInfo.isPlaceholder("Nguyễn Văn A"))
        #expect(!SiteInfo.isPlaceholder("Nguyễn Văn Anh"))
        let footer = SiteInfo(publisher: "UBND", responsiblePerson: "Trần Văn Bình", responsibleTitle: "Chủ tịch", address: "Xóm 5", phone: "0123", email: "a@b.vn")
        #expect(footer.footerProblems == ["số điện thoại không đủ chữ số"])
    }
}

/// The province operator's console: announcements and the platform notice.
@Suite struct ProvinceConsoleTests {
    @Test func operatorPublishesAndWithdraws_districtAdminIsRefused() async throws {
        try await withTestPlatform(from: PlatformConsoleTests.fixture) { platform in
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("tinh.namdinh", "matkhau-nam-dinh", on: adminSite)
                let empty = try await browser.submit("/quan-tri/tin-tu-tinh", to: "/quan-tri/tin-tu-tinh", on: adminSite, [("tieu-de", "")])
                #expect(empty.status == 400)
                #expect(empty.text.contains("Vui lòng nhập tiêu đề."))
                let sent = try await browser.submit(
                    "/quan-tri/tin-tu-tinh", to: "/quan-tri/tin-tu-tinh", on: adminSite,
                    [("tieu-de", "Lịch tiếp công dân THONGBAOTINH"), ("tom-tat", "Tóm tắt"), ("noi-dung", "Nội dung **chính**.")])
                #expect(sent.status == 303)
                #expect(try await host.eventually { try await host.get(host: siteA).text.contains("THONGBAOTINH") })
                let list = try await browser.get("/quan-tri/tin-tu-tinh", on: adminSite).text
                #expect(list.contains("THONGBAOTINH"))
                guard let range = list.range(of: #"/quan-tri/tin-tu-tinh/[0-9]+/go"#, options: .regularExpression) else {
                    Issue.record("no withdraw form")
                    return
                }
                let gone = try await browser.submit("/quan-tri/tin-tu-tinh", to: String(list[range]), on: adminSite, [])
                #expect(gone.status == 303)
                #expect(try await host.eventually { try await !host.get(host: siteA).text.contains("THONGBAOTINH") })

                let notice = try await browser.submit("/quan-tri/thong-bao", to: "/quan-tri/thong-bao", on: adminSite, [("noi-dung", "Bảo trì HETHONG")])
                #expect(notice.status == 303)
                #expect(try await host.eventually { try await host.get(host: siteB).text.contains("Bảo trì HETHONG") })

                // The procedure catalogue, uploaded as CSV: a bad file changes nothing.
                let form = try await browser.get("/quan-tri/thu-tuc", on: adminSite).text
                #expect(form.contains("<td>0</td>") && !form.contains("<td>1</td>"), "an empty catalogue counts 0")
                let token = ConsoleBrowser.csrf(in: form) ?? ""
                func upload(_ csv: String) -> [UInt8] {
                    var body = Array("--XYZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n".utf8)
                    body += Array("--XYZ\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"thu-tuc.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
                    body += Array(csv.utf8)
                    body += Array("\r\n--XYZ--\r\n".utf8)
                    return body
                }
                let header = ProcedureCatalogue.header.joined(separator: ",")
                let bad = try await browser.request(
                    "POST", "/quan-tri/thu-tuc", on: adminSite, body: upload("\(header)\n1.001193,Khai sinh,Hộ tịch,,,,\n9.9,Sai,Hộ tịch,,,,\n"),
                    contentType: "multipart/form-data; boundary=XYZ")
                #expect(bad.status == 400)
                #expect(bad.text.contains("line 3: ma_thu_tuc"))
                #expect(try await platform.strings("SELECT count(*)::text FROM platform.procedures") == ["0"])
                let good = try await browser.request(
                    "POST", "/quan-tri/thu-tuc", on: adminSite, body: upload("\(header)\n1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,,UBND cấp xã,,\n"),
                    contentType: "multipart/form-data; boundary=XYZ")
                #expect(good.status == 303)
                #expect(try await browser.get("/quan-tri/thu-tuc", on: adminSite).text.contains("<td>1</td>"), "the imported procedure counted")
                #expect(try await host.eventually { try await host.get("/thu-tuc-hanh-chinh", host: siteA).text.contains("1.001193") })
                // A file with only its header would empty the catalogue: refused unless confirmed.
                let headerOnly = try await browser.request(
                    "POST", "/quan-tri/thu-tuc", on: adminSite, body: upload("\(header)\n"), contentType: "multipart/form-data; boundary=XYZ")
                #expect(headerOnly.status == 400)
                #expect(headerOnly.text.contains("xóa toàn bộ danh mục của tỉnh"))
                #expect(try await platform.strings("SELECT count(*)::text FROM platform.procedures") == ["1"])

                // Every change is in the audit log, by whom; refused input left nothing.
                #expect(try await platform.strings(
                    "SELECT action || ' ' || username FROM platform.audit_log WHERE action ~ '^(announcement|notice|procedures)' ORDER BY id")
                    == ["announcement.publish tinh.namdinh", "announcement.withdraw tinh.namdinh", "notice.set tinh.namdinh",
                        "procedures.import tinh.namdinh"])

                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                #expect(try await district.get("/quan-tri/tin-tu-tinh", on: adminSite).status == 403)
                #expect(try await district.get("/quan-tri/thu-tuc", on: adminSite).status == 403)
                #expect(try await district.get("/quan-tri/thong-bao", on: adminSite).status == 403)
            }
        }
    }
}

/// The console's own pages are checked as the communes' are (ops/audit-pages
/// --console-accounts): the compliance list shows the newest result of each
/// tool and every problem kept; a row of the console belongs to no commune.
@Suite struct ConsoleAuditTests {
    @Test func consoleChecks_showOnTheComplianceList() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform) { host in
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let before = try await district.get("/quan-tri/tuan-thu", on: adminSite).text
                #expect(before.contains("<h2>Trang quản trị</h2>"))
                #expect(before.contains("Chưa kiểm tra bằng trình duyệt (ops/audit-pages --console-accounts)."))

                _ = try await platform.strings("""
                    INSERT INTO platform.page_checks (tenant_id, scope, tool, checked_at, pages, problems, detail) VALUES
                      (NULL, 'console', 'axe', now() - interval '1 day', 30, 1, '[{"page": "/quan-tri (cu)", "id": "label", "message": "Old"}]'),
                      (NULL, 'console', 'axe', now(), 31, 0, '[]'),
                      (NULL, 'console', 'vnu', now(), 31, 1,
                       '[{"page": "/quan-tri/thong-bao (tinh.namdinh)", "id": "vnu-error", "message": "Duplicate ID noi-dung.", "target": "line 40"}]')
                    RETURNING id
                    """)
                let after = try await district.get("/quan-tri/tuan-thu", on: adminSite).text
                let html = try #require(after.range(of: "<h2>Trang quản trị</h2>")).upperBound
                let section = after[html...]
                #expect(section.contains("Không có vi phạm trên 31 trang"), "the newest axe row counts, not the older one")
                #expect(section.contains("<span class=\"status-bad\">Không đạt</span></td><td>1 lỗi trên 31 trang"))
                #expect(section.contains("/quan-tri/thong-bao (tinh.namdinh)</p><p>Duplicate ID noi-dung. (line 40)"))
                #expect(!section.contains("Old"))
                // A commune's row names its commune; the console's names none.
                await #expect(throws: (any Error).self) {
                    _ = try await platform.strings("INSERT INTO platform.page_checks (tenant_id, tool, pages, problems) VALUES (NULL, 'axe', 1, 0) RETURNING id")
                }
            }
        }
    }
}

/// Citizens rate a site (Decree 224/2026, Art. 10(3)(b)); the commune and
/// the district see the results.
@Suite struct RatingTests {
    @Test func citizenRates_badScoresAreRefused_andResultsReachCommuneAndDistrict() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let form = try await host.get("/danh-gia", host: siteA)
                #expect(form.status == 200)
                #expect(form.text.contains("name=\"thong-tin\" value=\"5\""))
                #expect(try await host.get(host: siteA).text.contains("href=\"/danh-gia\""))
                let citizen = ConsoleBrowser(host)
                for (fields, message) in [([("thong-tin", "9")], "Chọn một mức từ 1 đến 5."), ([("y-kien", "Tốt")], "Chọn mức độ hài lòng"),
                                          ([("thong-tin", "4"), ("y-kien", String(repeating: "a", count: 1001))], "không được dài quá 1000 ký tự")] {
                    let refused = try await citizen.request("POST", "/danh-gia", on: siteA, form: fields)
                    #expect(refused.status == 400, "\(fields)")
                    #expect(refused.text.contains(message), "\(message)")
                }
                #expect(try await platform.strings("SELECT count(*)::text FROM platform.ratings") == ["0"])
                let sent = try await citizen.request("POST", "/danh-gia", on: siteA, form: [("thong-tin", "4"), ("dich-vu", "5"), ("y-kien", "Trang dễ tìm thông tin")])
                #expect(sent.status == 303)
                #expect(sent.header("Location") == "/danh-gia?da-gui=1")
                _ = try await citizen.request("POST", "/danh-gia", on: siteB, form: [("thong-tin", "1")])
                #expect(try await platform.strings("SELECT information || '/' || services || '/' || remark FROM platform.ratings r JOIN platform.units u ON u.id = r.tenant_id WHERE u.code = 14224") == ["4/5/Trang dễ tìm thông tin"])

                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let dashboard = try await editor.get("\(a)", on: adminSite).text
                #expect(dashboard.contains("1 lượt đánh giá trong 12 tháng qua"))
                #expect(dashboard.contains("thông tin trên trang: <strong>4,0/5</strong>"))
                #expect(dashboard.contains("Trang dễ tìm thông tin"))
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let list = try await district.get("/quan-tri/tuan-thu", on: adminSite).text
                #expect(list.contains("4,0/5 (1)"))
                #expect(list.contains("1,0/5 (1)"))
            }
        }
    }
}

@Suite struct AuditScheduleTests {
    /// With several hosts, one claims each round of the scheduled audit.
    @Test func oneHostClaimsEachRound() async throws {
        try await withTestPlatform { platform in
            let store = ContentStore(logger: platform.logger)
            let claims = try await platform.database.withConnection { connection in
                [try await store.claimAuditRound(every: 3600, on: connection), try await store.claimAuditRound(every: 3600, on: connection)]
            }
            #expect(claims == [true, false])
            _ = try await platform.strings("UPDATE platform.audit_schedule SET started_at = now() - interval '2 hours' RETURNING 'x'")
            let later = try await platform.database.withConnection { connection in try await store.claimAuditRound(every: 3600, on: connection) }
            #expect(later)
        }
    }
}
