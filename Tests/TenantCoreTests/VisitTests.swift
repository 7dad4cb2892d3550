import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// Visits from nginx's visits log: which lines are page views, and counting
/// a log that grows, is cut mid-line and is rotated, each line once.
@Suite struct VisitTests {
    @Test func lines_thatArePageViews() {
        let view = VisitLine.parse(#"2026-12-06T12:43:04+07:00 hainam.namdinh.gov.vn "GET /tin-tuc/12?trang=2" 200 0"#)
        #expect(view == VisitLine(day: "2026-12-06", host: "hainam.namdinh.gov.vn", path: "/tin-tuc/12"))
        // The day is Vietnam's, whatever the server's zone.
        #expect(VisitLine.parse(#"2026-12-05T17:30:00+00:00 a.vn "GET /" 304 0"#)?.day == "2026-12-06")
        #expect(VisitLine.parse(#"2026-12-06T01:00:00-05:00 a.vn "GET /gioi-thieu/" 200 0"#)?.path == "/gioi-thieu")
        for line in [
            #"2026-12-06T12:43:04+07:00 a.vn "GET /" 200 1"#,  // a robot
            #"2026-12-06T12:43:04+07:00 a.vn "POST /hoi-dap/gui-cau-hoi" 303 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET /khong-co" 404 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET /_static/site.css" 200 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET /tep/3/640" 200 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET /sitemap.xml" 200 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET /quan-tri" 200 0"#,
            #"2026-12-06T25:43:04+07:00 a.vn "GET /" 200 0"#,
            #"2026-12-06T12:43:04+07:00 A.VN "GET /" 200 0"#,
            #"2026-12-06T12:43:04+07:00 a.vn "GET http://x/" 200 0"#,
            "", "garbage",
        ] {
            #expect(VisitLine.parse(line[...]) == nil, "\(line)")
        }
    }

    @Test func fuzz_neverTraps_andKeepsWhatItKeepsInShape() {
        let fragments = ["2026-12-06T12:43:04+07:00", " ", "a.vn", "\"GET", "/", "tin-tuc", "?x=1", "\"", "200", "304", "0", "1",
                         "9999-99-99T99:99:99+99:99", "\u{0}", "é", "\n", "-", "+", "..", "%"]
        Fuzz.run(iterations: Fuzz.iterations(default: 3_000)) { random, seed in
            let text = Fuzz.text(&random, fragments: fragments, maxPieces: 14)
            if let view = VisitLine.parse(text[...]) {
                #expect(view.path.hasPrefix("/") && !view.path.contains("?") && view.path.utf8.count <= 300, "seed \(seed)")
                #expect(view.day.count == 10 && !view.host.isEmpty, "seed \(seed)")
            }
        }
    }

    @Test func aGrowingCutAndRotatedLog_isCountedOnce() async throws {
        try await withTestPlatform(from: .communes([(19900, "Phường Thuận An")])) { platform in
            let host = "thuan-an.hue.localhost"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = directory.appendingPathComponent("visits.log").path
            func line(_ path: String, day: String = "2026-12-06") -> String { "\(day)T09:00:00+07:00 \(host) \"GET \(path)\" 200 0\n" }
            func append(_ text: String, to path: String) throws {
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                let handle = try #require(FileHandle(forWritingAtPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(text.utf8))
                try handle.close()
            }
            var ingest = VisitIngest(database: platform.database, logger: platform.logger)
            ingest.batchLines = 2
            let tenant = try await platform.record(19900).unitID
            func total() async throws -> Int {
                try await platform.scalar("SELECT coalesce(sum(views), 0)::int FROM platform.visit_days WHERE tenant_id = \(tenant)")
            }
            // Five views, a line for another site, and half a line nginx is still writing.
            try append(line("/") + line("/") + line("/tin-tuc") + line("/van-ban") + line("/", day: "2026-12-05")
                + "2026-12-06T09:00:00+07:00 khong-co.vn \"GET /\" 200 0\n" + "2026-12-06T09:00:01+07:00 \(host) \"GET /li", to: log)
            var report = try await ingest.ingest(path: log)
            #expect(report.views == 6 && report.lines == 6)
            #expect(try await total() == 5, "a host that is no commune's counts for none")
            #expect(try await platform.scalar("SELECT views FROM platform.visits WHERE tenant_id = \(tenant) AND path = '/' AND day = '2026-12-06'") == 2)
            // Run again: nothing new. The rest of the cut line arrives, then more.
            #expect(try await ingest.ingest(path: log).lines == 0)
            try append("en-he\" 200 0\n" + line("/lien-he"), to: log)
            report = try await ingest.ingest(path: log)
            #expect(report.lines == 2 && report.views == 2)
            #expect(try await platform.scalar("SELECT views FROM platform.visits WHERE tenant_id = \(tenant) AND path = '/lien-he'") == 2)
            // Rotation: the old file (same inode) gets its last lines, the new one starts at zero.
            try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
            try append(line("/gioi-thieu"), to: log + ".1")
            try append(line("/gioi-thieu") + line("/gioi-thieu"), to: log)
            #expect(try await ingest.ingest(path: log + ".1").views == 1)
            #expect(try await ingest.ingest(path: log).views == 2)
            #expect(try await total() == 10)
            let (old, new) = (try await ingest.ingest(path: log + ".1"), try await ingest.ingest(path: log))
            #expect(old.lines == 0 && new.lines == 0)
            #expect(try await total() == 10)
        }
    }
}
