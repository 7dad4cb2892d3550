import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The public pages of two communes (one under a district, one directly
/// under its province), byte for byte as committed under `Snapshots/`, with
/// only the dates of the day normalised: a change to what citizens see
/// shows up here as a diff to review. `UPDATE_SNAPSHOTS=1` rewrites them.
@Suite struct SnapshotTests {
    static let fixture = TestFixture("snapshots") { platform in
        try await platform.makeCommunes([(19900, "Phường Thuận An")])
        try await addMarkers(platform, codes: [19900])
        try await addListedFields(platform, code: 19900)
        try await makeConsoleFixture(platform)
    }

    /// Items whose lists show more than a title and a date: an article with
    /// an uploaded picture, sample content, a budget report's period, a
    /// direction document's type and number, a procedure's time and fee, a
    /// meeting's presider, a leader's portrait, phone and profile.
    static func addListedFields(_ platform: TestPlatform, code: Int) async throws {
        let schema = try SchemaName(communeCode: code)
        let store = ContentStore(logger: platform.logger)
        try await platform.database.withConnection { connection in
            var article = Entry(sectionID: 4, title: "Ảnh MARKER tin", summary: "Có ảnh", body: "<p>Ảnh</p>", isSample: true)
            article.imageURL = "/tep/1"
            article.imageAlt = "Ảnh minh họa"
            try await store.insert(article, into: schema, on: connection)
            var report = Entry(sectionID: 11, kind: .budget, title: "Báo cáo MARKER quý", summary: "Quý I", body: "<p>Số liệu</p>")
            report.periodYear = 2026
            report.periodLabel = "Quý I"
            try await store.insert(report, into: schema, on: connection)
            var directive = Entry(sectionID: 5, kind: .document, title: "Chỉ thị MARKER", summary: "Chỉ thị")
            directive.docType = "Chỉ thị"
            directive.docNumber = "07/CT-UBND"
            directive.issuedOn = Date().addingTimeInterval(-2 * 86_400)
            try await store.insert(directive, into: schema, on: connection)
            var access = Entry(sectionID: 6, kind: .document, title: "Kế hoạch MARKER", summary: "Kế hoạch")
            access.docType = "Kế hoạch"
            access.docNumber = "12/KH-UBND"
            access.issuer = "UBND phường"
            access.signer = "Ông Ký"
            access.issuedOn = Date().addingTimeInterval(-3 * 86_400)
            try await store.insert(access, into: schema, on: connection)
            var procedure = Entry(sectionID: 7, kind: .procedure, title: "Thủ tục MARKER có phí")
            procedure.field = "Hộ tịch"
            procedure.serviceLevel = "một phần"
            procedure.processingTime = "03 ngày làm việc"
            procedure.fee = "8.000 đồng"
            try await store.insert(procedure, into: schema, on: connection)
            var meeting = Entry(sectionID: 5, kind: .schedule, title: "Giao ban MARKER")
            meeting.startsAt = VietnamTime(Date()).startOfWeek.addingTimeInterval(2 * 86_400 + 14 * 3600)
            meeting.endsAt = VietnamTime(Date()).startOfWeek.addingTimeInterval(2 * 86_400 + 16 * 3600)
            meeting.location = "Hội trường"
            meeting.presider = "Chủ tịch UBND"
            try await store.insert(meeting, into: schema, on: connection)
            var leader = Entry(sectionID: 1, kind: .leader, title: "Bà MARKER Phó", summary: "Phụ trách văn hóa", body: "<p>Tiểu sử MARKER</p>")
            leader.positionTitle = "Phó Chủ tịch"
            leader.phone = "0234 3822 111"
            leader.imageURL = "/tep/2"
            leader.imageAlt = "Chân dung bà MARKER"
            try await store.insert(leader, into: schema, on: connection)
        }
    }

    static let pages: [(host: String, path: String)] = [
        ("thuan-an.hue.localhost", "/"),
        ("thuan-an.hue.localhost", "/tin-tuc"),
        ("thuan-an.hue.localhost", "/tin-tuc/1"),
        ("thuan-an.hue.localhost", "/tin-tuc/1/ban-in"),
        ("thuan-an.hue.localhost", "/gioi-thieu"),
        ("thuan-an.hue.localhost", "/rss/tin-tuc.xml"),
        ("thuan-an.hue.localhost", "/van-ban"),
        ("thuan-an.hue.localhost", "/thu-tuc-hanh-chinh"),
        ("thuan-an.hue.localhost", "/lich-cong-tac"),
        ("thuan-an.hue.localhost", "/chi-dao-dieu-hanh"),
        ("thuan-an.hue.localhost", "/cong-khai-ngan-sach"),
        ("thuan-an.hue.localhost", "/tiep-can-thong-tin"),
        ("thuan-an.hue.localhost", "/hoi-dap"),
        ("thuan-an.hue.localhost", "/so-do-trang"),
        ("thuan-an.hue.localhost", "/tim-kiem?q=marker19900x"),
        ("thuan-an.hue.localhost", "/khong-co-trang-nay"),
        ("thuan-an.hue.localhost", "/robots.txt"),
        ("thuan-an.hue.localhost", "/sitemap.xml"),
        (siteA, "/"),
        (siteA, "/gioi-thieu"),
        (siteA, "/lay-y-kien"),
    ]

    @Test func publicPages_matchTheirSnapshots() async throws {
        let directory = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/TenantHostTests/Snapshots")
        let update = ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1"
        try await withTestPlatform(from: Self.fixture) { platform in
            try await withTestHost(platform) { host in
                for (site, path) in Self.pages {
                    let response = try await host.get(path, host: site)
                    let text = Self.normalised("\(response.status) \(response.header("Content-Type") ?? "")\n\n\(response.text)")
                    let file = directory.appendingPathComponent(Self.fileName(site, path))
                    if update {
                        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                        try text.write(to: file, atomically: true, encoding: .utf8)
                        continue
                    }
                    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
                        Issue.record("no snapshot \(file.lastPathComponent); run with UPDATE_SNAPSHOTS=1 and review it")
                        continue
                    }
                    if let difference = Self.firstDifference(expected, text) {
                        Issue.record("\(site)\(path) differs from \(file.lastPathComponent) at line \(difference.line):\n- \(difference.expected)\n+ \(difference.actual)")
                    }
                }
            }
        }
    }

    /// `thuan-an.hue.localhost` and `/tin-tuc?x=1` → `thuan-an.hue_tin-tuc_x_1.txt`.
    static func fileName(_ host: String, _ path: String) -> String {
        let site = host.replacingOccurrences(of: ".localhost", with: "")
        let page = path == "/" ? "home" : String(path.dropFirst().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        return "\(site)_\(page).txt"
    }

    /// Today's dates and times, which change from run to run, as placeholders.
    static func normalised(_ text: String) -> String {
        let rules: [(String, String)] = [
            (#"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"#, "<rfc822>"),
            (#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?"#, "<datetime>"),
            (#"\d{4}-\d{2}-\d{2}"#, "<date>"),
            (#"\d{1,2}/\d{1,2}/\d{4}"#, "<date>"),
            (#"ngày \d{1,2} tháng \d{1,2} năm \d{4}"#, "ngày <date>"),
            (#"(Thứ [A-Za-zÀ-ỹ]+|Chủ nhật)"#, "<weekday>"),
            (#"\b\d{1,2}:\d{2}\b"#, "<time>"),
            (#"tuan=\d{4}-W\d{2}"#, "tuan=<week>"),
            (#"Tuần \d{1,2}"#, "Tuần <week>"),
            (#"©\s*\d{4}"#, "© <year>"),
        ]
        var result = text
        for (pattern, replacement) in rules {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return result
    }

    static func firstDifference(_ a: String, _ b: String) -> (line: Int, expected: String, actual: String)? {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) {
            let left = i < x.count ? String(x[i]) : "<end>"
            let right = i < y.count ? String(y[i]) : "<end>"
            if left != right { return (i + 1, String(left.prefix(300)), String(right.prefix(300))) }
        }
        return nil
    }
}
