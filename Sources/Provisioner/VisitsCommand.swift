import ArgumentParser
import Foundation
import TenantCore

/// Counting visits from nginx's visits log.
struct VisitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits", abstract: "Visit statistics of the communes' sites.", subcommands: [Ingest.self])

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the page views in nginx's visits log.",
            discussion: """
                Give the rotated file before the current one (visits.log.1 visits.log): each is read from where the last run
                stopped, by its inode, to its last complete line, so a line is counted once however often this runs or wherever
                it was stopped (deploy/systemd/commune-visits.timer runs it every 5 minutes). The log (log_format visits in
                deploy/nginx/nginx.conf) keeps no address and no user agent; views of robots are not counted.
                """)

        @Argument(help: "Log files, oldest first.") var logs: [String]
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard !self.logs.isEmpty else { throw ValidationError("name at least one log file") }
        }

        func run() async throws {
            let logs = self.logs
            try await withPlatform(self.database) { p in
                let ingest = VisitIngest(database: p.database, logger: p.database.logger)
                for log in logs where FileManager.default.fileExists(atPath: log) {
                    let started = ContinuousClock.now
                    let report = try await ingest.ingest(path: log) { r in
                        Console.note("visits: \(log): \(r.lines) lines, \(r.views) views so far")
                    }
                    let elapsed = (ContinuousClock.now - started).components
                    let seconds = max(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, 0.001)
                    Console.info(
                        "visits: \(log): \(report.lines) new lines, \(report.views) page views counted (\(Int(Double(report.lines) / seconds)) lines/s)")
                }
            }
        }
    }
}
