import ArgumentParser
import Foundation
import TenantCore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring every commune schema to the newest sql/tenant version.",
        discussion: """
            Upgrades the catalogue first, then each lagging commune schema in its own transaction, --jobs at a
            time. Stopping it (Ctrl-C, a crash) loses nothing: run it again and it continues with the schemas
            still behind.
            """)

    @Option(help: "Schemas migrated in parallel.") var jobs: Int = 2
    @Flag(name: .customLong("refresh-clusters"), help: "Prepare the other clusters again even when the catalogue did not change.")
    var refreshClusters = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...64).contains(self.jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func run() async throws {
        let (jobs, refreshClusters) = (self.jobs, self.refreshClusters)
        try await withPlatform(self.database, poolSize: jobs + 1) { p in
            let applied = try await MigrationRunner(migrations: p.migrations, logger: p.database.logger).migratePlatform(p.database)
            if !applied.isEmpty { Console.note("catalogue upgraded: \(applied)") }
            // Other clusters take the catalogue's functions and tables as they
            // now are (only after a change: it replaces their foreign tables).
            if !applied.isEmpty || refreshClusters {
                let prepared = try await Shards(database: p.database, migrations: p.migrations, logger: p.database.logger).prepareAll()
                if !prepared.isEmpty { Console.note("clusters prepared: \(prepared.map(\.rawValue).joined(separator: ", "))") }
            }
            let reporter = ProgressReporter(label: "migrate")
            let report = try await p.migrateAll(jobs: jobs) { reporter.update($0) }
            reporter.finish()
            if report.created + report.failures.count == 0 {
                Console.info("every commune schema is at version \(p.migrations.tenantVersion); nothing to do")
                return
            }
            Console.info(
                "migrated \(report.created) schema(s) to version \(p.migrations.tenantVersion) in \(String(format: "%.1f", report.seconds)) s; failed \(report.failures.count)")
            if !report.failures.isEmpty {
                for failure in report.failures.prefix(10) { Console.note("failed: \(failure)") }
                throw CLIError(code: 1, message: "\(report.failures.count) schema(s) failed; fix the cause and run again")
            }
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List communes: code, name, parent, status, schema version, domains; flag lagging schemas.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only communes whose schema is behind the newest version.") var lagging = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (json, lagging) = (self.json, self.lagging)
        let (rows, target) = try await withPlatform(self.database) { p in
            let rows = try await p.database.withConnection { connection in
                try await Catalogue(logger: p.database.logger).statusRows(on: connection)
            }
            return (rows, p.migrations.tenantVersion)
        }
        let shown = lagging ? rows.filter { $0.schemaVersion < target } : rows
        if json {
            struct Output: Encodable {
                var tenantVersion: Int
                var communes: Int
                var lagging: Int
                var rows: [Row]
                struct Row: Encodable {
                    var code: Int, name: String, parent: String, province: String, status: String, schema: String
                    var schemaVersion: Int, lagging: Bool, primaryDomain: String?, domains: [String], shard: String
                }
            }
            let output = Output(
                tenantVersion: target, communes: rows.count, lagging: rows.filter { $0.schemaVersion < target }.count,
                rows: shown.map {
                    .init(
                        code: $0.code, name: $0.name, parent: $0.parent, province: $0.province, status: $0.status.rawValue,
                        schema: $0.schema, schemaVersion: $0.schemaVersion, lagging: $0.schemaVersion < target,
                        primaryDomain: $0.primaryDomain, domains: $0.domains, shard: $0.shard.rawValue)
                })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.info(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        Console.info("code\tname\tparent\tstatus\tschema\tversion\tdomains\tcluster")
        for row in shown {
            let version = row.schemaVersion < target ? "\(row.schemaVersion) (lags, newest \(target))" : "\(row.schemaVersion)"
            Console.info("\(row.code)\t\(row.name)\t\(row.parent)\t\(row.status.rawValue)\t\(row.schema)\t\(version)\t\(row.domains.joined(separator: " "))\t\(row.shard)")
        }
        let behind = rows.filter { $0.schemaVersion < target }.count
        Console.note("\(rows.count) communes; \(behind == 0 ? "all schemas at version \(target)" : "\(behind) schema(s) behind version \(target): run `provisioner migrate`")")
    }
}
