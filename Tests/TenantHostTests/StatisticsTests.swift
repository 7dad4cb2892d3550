import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Visit statistics as charts for editors and district staff, each within
/// their reach, and the yearly report as a page and a spreadsheet.
@Suite struct StatisticsTests {
    @Test func chartsAndYearReport_stayWithinReach() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await addMarkers(platform, codes: [14224])
            let today = VietnamTime(Date())
            let day = "\(today.year)-\(VietnamTime.two(today.month))-\(VietnamTime.two(today.day))"
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            let lines = ["/", "/tin-tuc", "/tin-tuc"].map { "\(day)T09:00:00+07:00 \(siteA) \"GET \($0)\" 200 0\n" }.joined()
                + "\(day)T09:00:00+07:00 giao-thien.giao-thuy.nam-dinh.localhost \"GET /\" 200 0\n"
            try lines.write(toFile: log, atomically: true, encoding: .utf8)
            #expect(try await VisitIngest(database: platform.database, logger: platform.logger).ingest(path: log).views == 4)
            let hainam = try await platform.record(14224).unitID
            let giaothien = try await platform.record(14000).unitID
            try await withTestHost(platform) { host in
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                let scope = try await district.get("/quan-tri/thong-ke", on: adminSite)
                #expect(scope.status == 200)
                #expect(scope.text.contains("<svg") && scope.text.contains("tổng 3 lượt xem"))
                #expect(scope.text.contains(">Xã Hải Nam</a></th><td>Huyện Hải Hậu</td><td>3</td>"))
                #expect(!scope.text.contains("Giao Thiện"))
                #expect(try await district.get("/quan-tri/thong-ke?xa=\(giaothien)", on: adminSite).status == 403)
                let one = try await district.get("/quan-tri/thong-ke?xa=\(hainam)&ngay=90", on: adminSite)
                #expect(one.text.contains("<tr><td>/tin-tuc</td><td>2</td></tr>"))

                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let own = try await editor.get("/quan-tri/bien-tap/\(hainam)/thong-ke", on: adminSite)
                #expect(own.status == 200 && own.text.contains("tổng 3 lượt xem"))
                #expect(try await editor.get("/quan-tri/bien-tap/\(giaothien)/thong-ke", on: adminSite).status == 403)
                #expect(try await editor.get("/quan-tri/thong-ke", on: adminSite).status == 403)

                let report = try await district.get("/quan-tri/bao-cao-nam", on: adminSite)
                #expect(report.status == 200)
                #expect(report.text.contains("Báo cáo năm \(today.year)"))
                let csv = try await district.get("/quan-tri/bao-cao-nam?nam=\(today.year)&dinh-dang=csv", on: adminSite)
                #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
                let rows = csv.text.split(separator: "\r\n")
                #expect(rows.count == 3, "header + Hải Nam + Hải Minh")
                let row = try #require(rows.first { $0.contains("Xã Hải Nam") }).split(separator: ",", omittingEmptySubsequences: false)
                #expect(row[3] == "3", "visits")
                #expect(row[4 + MandatorySection.allCases.firstIndex(of: .news)!] == "1", "news published this year")
                #expect(!csv.text.contains("Giao Thiện"))
            }
        }
    }
}
