import ArgumentParser
import Foundation
import TenantCore

struct CommuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commune", abstract: "Create one commune and manage its lifecycle.",
        subcommands: [
            Add.self, Suspend.self, Resume.self, Archive.self, Export.self, Restore.self, Delete.self, Merge.self, Divide.self,
            Rename.self, Move.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a commune: schema, the 16 mandatory sections, domains, links up the hierarchy (idempotent).")

        @Argument(help: "Official (GSO) code, e.g. 14224.") var code: Int
        @Argument(help: "Official name, e.g. \"Xã Hải Nam\".") var name: String
        @Option(help: "Code of its district (provinces that still have districts).") var district: Int?
        @Option(help: "Code of its province (two-level provinces, since 1 July 2025).") var province: Int?
        @Option(help: "Slug used in its host names (default: from the name).") var slug: String?
        @Option(help: "Cluster for its schema (default: the open cluster with the fewest communes).") var shard: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let shard = self.shard { do { _ = try ShardName(shard) } catch { throw ValidationError(error.message) } }
            guard (self.district == nil) != (self.province == nil) else {
                throw ValidationError("give exactly one parent: --district CODE or --province CODE")
            }
        }

        func run() async throws {
            let (code, name, district, province, slug) = (self.code, self.name, self.district, self.province, self.slug)
            let shard = try self.shard.map { raw throws in try ShardName(raw) }
            let (record, outcome, hosts) = try await withPlatform(self.database) { p in
                var spec = try await p.spec(
                    code: code, name: name, parentLevel: district == nil ? .province : .district,
                    parentCode: district ?? province!, slug: slug)
                spec.shard = shard
                let (record, outcome) = try await p.createCommune(spec)
                let hosts = try await p.database.withConnection { connection in
                    try await Catalogue(logger: p.database.logger).domains(tenantID: record.unitID, on: connection)
                }
                return (record, outcome, hosts)
            }
            Console.info("\(outcome == .created ? "created" : "unchanged"): commune \(record.code) \(record.name), schema \(record.schema) v\(record.schemaVersion) on cluster \(record.shard)")
            for host in hosts { Console.info("  \(host.role.rawValue)\t\(host.host)") }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a commune's site: it answers 503 with the commune's name.")
        @Argument var code: Int
        @Option(help: "Reason shown on the 503 page.") var note: String = ""
        @OptionGroup var database: DatabaseOptions
        func run() async throws { try await changeStatus(self.database, self.code, .suspended, self.note) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve a suspended or archived commune's site again.")
        @Argument var code: Int
        @OptionGroup var database: DatabaseOptions
        func run() async throws { try await changeStatus(self.database, self.code, .active, "") }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a commune's site: it answers 410 and keeps its data.")
        @Argument var code: Int
        @Option(help: "Reason shown on the 410 page.") var note: String = ""
        @OptionGroup var database: DatabaseOptions
        func run() async throws { try await changeStatus(self.database, self.code, .archived, self.note) }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commune's whole schema and catalogue rows to a file (restore with `commune restore`).")
        @Argument var code: Int
        @Option(help: "File to write (JSON).") var out: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (code, out) = (self.code, self.out)
            let (header, bytes) = try await withPlatform(self.database) { p in try await p.export(code: code, to: out) }
            let rows = header.row_counts.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
            Console.info("exported commune \(code) (\(header.schema) v\(header.schema_version)) to \(out): \(bytes) bytes; rows: \(rows)")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recreate a commune from an export file.")
        @Argument var file: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let file = self.file
            let (header, rows) = try await withPlatform(self.database) { p in try await p.restore(from: file) }
            Console.info("restored commune \(header.units.first?.code ?? 0) \(header.units.first?.name ?? "") into \(header.schema): \(rows) rows, \(header.domains.count) domains")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a commune's schema and catalogue rows; refused unless an export of its current content exists.")
        @Argument var code: Int
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let code = self.code
            let file = try await withPlatform(self.database) { p in try await p.delete(code: code) }
            Console.info("deleted commune \(code); its export is \(file)")
        }
    }
}

extension CommuneCommand {
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge communes into another: they end, and their sites become read-only archives inside its site.",
            discussion: """
                NEW is a current commune: the one that absorbs the others, or one made first with `commune add`.
                Each old site is kept whole under /luu-tru/<slug>/ on NEW's host, its hosts answer 301 there, its
                editors become NEW's. One transaction; running it again changes nothing.
                """)
        @Argument(help: "Codes of the communes that end.") var olds: [Int]
        @Option(help: "Code of the commune they go into.") var into: Int
        @Option(help: "Last day of the old communes (YYYY-MM-DD; default: yesterday in Vietnam).") var lastDay: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (olds, into, lastDay) = (self.olds, self.into, self.lastDay ?? Reorganisation.yesterday())
            let report = try await withPlatform(self.database) { p in
                try await Reorganisation(provisioning: p, logger: p.database.logger).merge(olds, into: into, lastDay: lastDay)
            }
            report.print(verb: "merged into \(into)")
        }
    }

    struct Divide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Divide a commune between others: it ends, its site becomes an archive inside the primary one's.",
            discussion: """
                The --into communes are current communes (made first with `commune add` if they are new). The old
                site is kept under /luu-tru/<slug>/ on the primary successor's host, where its hosts lead; the
                other successors list it among their predecessors with a link.
                """)
        @Argument(help: "Code of the commune that is divided.") var old: Int
        @Option(name: .customLong("into"), help: "Codes of the communes that take its parts (repeatable, at least two).") var into: [Int] = []
        @Option(help: "The successor that keeps its site (one of --into).") var primary: Int
        @Option(help: "Last day of the old commune (YYYY-MM-DD; default: yesterday in Vietnam).") var lastDay: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (old, into, primary, lastDay) = (self.old, self.into, self.primary, self.lastDay ?? Reorganisation.yesterday())
            let report = try await withPlatform(self.database) { p in
                try await Reorganisation(provisioning: p, logger: p.database.logger).divide(old, into: into, primary: primary, lastDay: lastDay)
            }
            report.print(verb: "divided into \(into.map(String.init).joined(separator: ", ")), archived in \(primary)")
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a commune: same site and code; new hosts from the new name, the old ones answer 301.")
        @Argument var code: Int
        @Argument(help: "New official name with its kind, e.g. \"Xã Hải Nam\".") var name: String
        @Option(help: "Slug for its host names (default: from the name).") var slug: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (code, name, slug) = (self.code, self.name, self.slug)
            let report = try await withPlatform(self.database) { p in
                try await Reorganisation(provisioning: p, logger: p.database.logger).rename(code, to: name, slug: slug)
            }
            report.print(verb: "renamed to \(name)")
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a commune under another province or district: same site; hosts follow, the old ones answer 301.")
        @Argument var code: Int
        @Option(help: "Code of its new province.") var province: Int?
        @Option(help: "Code of its new district.") var district: Int?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (self.district == nil) != (self.province == nil) else {
                throw ValidationError("give exactly one new parent: --province CODE or --district CODE")
            }
        }

        func run() async throws {
            let (code, level, parent) = (self.code, self.province == nil ? UnitLevel.district : .province, self.province ?? self.district!)
            let report = try await withPlatform(self.database) { p in
                try await Reorganisation(provisioning: p, logger: p.database.logger).move(code, to: level, code: parent)
            }
            report.print(verb: "moved to \(level.rawValue) \(parent)")
        }
    }
}

extension Reorganisation.ChangeReport {
    func print(verb: String) {
        if self.changed.isEmpty {
            Console.info("unchanged: \(self.unchanged.map(String.init).joined(separator: ", ")) already \(verb)")
        } else {
            Console.info("\(self.changed.map(String.init).joined(separator: ", ")) \(verb)"
                + (self.unchanged.isEmpty ? "" : "; already done: \(self.unchanged.map(String.init).joined(separator: ", "))"))
        }
        for host in self.newHosts { Console.info("  new host\t\(host)") }
    }
}

func changeStatus(_ database: DatabaseOptions, _ code: Int, _ status: TenantStatus, _ note: String) async throws {
    let record = try await withPlatform(database) { p in try await p.setStatus(code: code, to: status, note: note) }
    Console.info("commune \(record.code) \(record.name) is now \(record.status.rawValue)")
}
