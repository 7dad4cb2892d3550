import ArgumentParser
import Foundation
import TenantCore

struct SampleContent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-content",
        abstract: "Add demonstration content (marked as sample) to communes that have none yet.")

    @Option(name: .customLong("province"), help: "Every commune of this province (repeatable).") var provinces: [Int] = []
    @Option(name: .customLong("commune"), help: "This commune (repeatable).") var communes: [Int] = []
    @Flag(help: "Every commune on the platform.") var all = false
    @Option(help: "Communes filled in parallel.") var jobs: Int = 2
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard self.all || !self.provinces.isEmpty || !self.communes.isEmpty else {
            throw ValidationError("say which communes: --commune CODE, --province CODE or --all")
        }
    }

    func run() async throws {
        let (provinces, communes, all, jobs) = (Set(self.provinces), Set(self.communes), self.all, self.jobs)
        try await withPlatform(self.database, poolSize: jobs + 1) { p in
            let rows = try await p.database.withConnection { connection in
                try await Catalogue(logger: p.database.logger).statusRows(on: connection)
            }
            let directory = TenantDirectory()
            let snapshot = try await directory.reload(from: p.database)
            var provinceOf: [Int: Int] = [:]
            for tenant in snapshot.tenants.values where tenant.validUntil == nil { provinceOf[tenant.code] = tenant.province?.code }
            let chosen = rows.filter { all || communes.contains($0.code) || provinces.contains(provinceOf[$0.code] ?? -1) }
            guard !chosen.isEmpty else { throw CLIError(code: 4, message: "no commune matches") }
            let reporter = ProgressReporter(label: "sample content")
            let sample = TenantCore.SampleContent(logger: p.database.logger)
            let report = try await p.forEachCommune(chosen.map(\.code), jobs: jobs, progress: { reporter.update($0) }) { record, connection in
                let hosts = rows.first(where: { $0.code == record.code })?.primaryDomain.map { [$0] } ?? []
                return try await sample.add(to: record, hosts: hosts, on: connection) > 0
            }
            reporter.finish()
            Console.info("sample content added to \(report.created) commune(s); \(report.unchanged) already had it")
            if !report.failures.isEmpty {
                for failure in report.failures.prefix(10) { Console.note("failed: \(failure)") }
                throw CLIError(code: 1, message: "\(report.failures.count) commune(s) failed")
            }
        }
    }
}
