import ArgumentParser
import Foundation
import TenantCore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create communes in bulk from an official list (2024 with districts, or 2025 without).",
        discussion: """
            Reads the CSV of ../shared/data/ (columns province_code, province_name, [district_code,
            district_name,] commune_code, commune_name, …). The whole file is validated and compared with the
            catalogue before anything is written. Each commune is then created in its own transaction, so an
            interrupted import can simply be run again; communes already there are left unchanged.
            """)

    @Argument(help: "The CSV file.") var file: String
    @Option(name: .customLong("province"), help: "Only this province (repeatable).") var provinces: [Int] = []
    @Option(help: "Communes created in parallel.") var jobs: Int = 2
    @Flag(name: .customLong("dry-run"), help: "Validate and show what would change, without changing anything.")
    var dryRun = false
    @Option(help: "Cluster for the new communes' schemas (default: each on the open cluster with the fewest communes).")
    var shard: String?
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...64).contains(self.jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if let shard = self.shard { do { _ = try ShardName(shard) } catch { throw ValidationError(error.message) } }
    }

    func run() async throws {
        let (file, provinces, jobs, dryRun) = (self.file, self.provinces, self.jobs, self.dryRun)
        let shard = try self.shard.map { raw throws in try ShardName(raw) }
        try await withPlatform(self.database, poolSize: jobs + 1) { p in
            let list = try AdminList.read(path: file).only(provinces: provinces)
            Console.note(
                "\(file): \(list.format.rawValue) list, \(list.provinces.count) provinces, \(list.districts.count) districts, \(list.communes.count) communes")
            var plan = try await p.plan(list)
            if let shard { plan.communes = plan.communes.map { spec in var spec = spec; spec.shard = shard; return spec } }
            if plan.isEmpty {
                Console.info("nothing to do: all \(plan.unchangedCommunes) communes and \(plan.unchangedUnits) provinces/districts are already provisioned")
                return
            }
            Console.note(
                "to create: \(plan.units.count) provinces/districts, \(plan.communes.count) communes (\(plan.unchangedCommunes) already there)")
            if dryRun {
                Console.info("dry run: nothing changed")
                return
            }
            let reporter = ProgressReporter(label: "import")
            let report = try await p.execute(plan, jobs: jobs) { reporter.update($0) }
            reporter.finish()
            let sorted = report.durations.sorted()
            let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            Console.info(
                "created \(report.created), unchanged \(report.unchanged), failed \(report.failures.count) in \(String(format: "%.1f", report.seconds)) s"
                    + (sorted.isEmpty ? "" : "; median \(String(format: "%.1f", median * 1000)) ms per commune, \(String(format: "%.1f", report.seconds * 1000 / Double(max(1, sorted.count)))) ms wall per commune"))
            if !report.failures.isEmpty {
                for failure in report.failures.prefix(10) { Console.note("failed: \(failure)") }
                Console.note("the communes created so far are complete; run the same command again to finish")
                throw CLIError(code: 1, message: "\(report.failures.count) commune(s) failed")
            }
        }
    }
}
