import ArgumentParser
import Foundation
import TenantCore

struct ReorganiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorganise",
        abstract: "Carry communes of the 2024 list into the 2025 list: merged, divided and renamed communes, merged provinces.",
        discussion: """
            `plan` reads the catalogue, the 2025 list and the successor files and writes what `apply` will do;
            it changes nothing. `apply` carries a plan out: the old units end (their sites stay, read-only, as
            archives inside their successors' sites under /luu-tru/<slug>/, and their hosts answer 301 there),
            every new commune gets its site with the 16 mandatory sections and its domains, editors follow their
            commune and district admins of ended districts are locked. Each new commune is one transaction;
            run apply again after a crash and it finishes, with no duplicate.
            """,
        subcommands: [Plan.self, Apply.self, Footers.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Work out the reorganisation and write it as JSON; changes nothing.")

        @Option(help: "The 2025 list (vn-admin-units-2025.csv).") var to: String
        @Option(name: .customLong("successors"), help: "Successor file(s): the published mapping, then an operator's corrections.")
        var successors: [String] = []
        @Option(name: .customLong("province"), help: "Only these 2025 provinces (repeatable).") var provinces: [Int] = []
        @Option(help: "Where to write the plan.") var out: String
        @Flag(help: "A new commune that took the code of one of its predecessors continues that site instead of starting a new one.")
        var continueSeats = false
        @Option(help: "District admins of ended districts: lock (default) or convert (they keep the new communes).")
        var districtAdmins = "lock"
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard !self.successors.isEmpty else { throw ValidationError("give at least one --successors file") }
        }

        func run() async throws {
            let (to, successorFiles, provinces, out) = (self.to, self.successors, self.provinces, self.out)
            let (continueSeats, districtAdmins) = (self.continueSeats, self.districtAdmins)
            try await withPlatform(self.database) { p in
                let list = try AdminList.read(path: to)
                let rows = try SuccessorList.read(paths: successorFiles)
                let plan = try await Reorganisation(provisioning: p, logger: p.database.logger).plan(
                    to: list, successors: rows, provinces: provinces, continueSeats: continueSeats, districtAdmins: districtAdmins)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                do {
                    try encoder.encode(plan).write(to: URL(fileURLWithPath: out))
                } catch {
                    throw CLIError(code: 2, message: "cannot write \(out): \(error.localizedDescription)")
                }
                for province in plan.provinces {
                    let communes = plan.communes.filter { $0.provinceCode == province.code }
                    let absorbs = province.absorbs.isEmpty ? "no province on the platform" : "provinces \(province.absorbs.map(String.init).joined(separator: ", "))"
                    Console.info("\(province.name) (\(province.code)): \(communes.count) communes, takes the communes of \(absorbs)")
                    for commune in communes where commune.predecessors.contains(where: { $0.name != nil }) {
                        let from = commune.predecessors.filter { $0.name != nil }.map { "\($0.name!)\($0.share == "part" ? " (part)" : "")" }
                        let renamed = (commune.renamedFrom.map { " (renamed from \($0))" } ?? "")
                            + (commune.continues.map { " (continues the site of \($0))" } ?? "")
                        Console.note("  \(commune.name) (\(commune.code))\(renamed) ← \(from.joined(separator: ", "))")
                        for p in commune.predecessors {
                            guard let hosts = p.hosts, !hosts.isEmpty else { continue }
                            let target = commune.continues == p.code ? "the new commune's hosts, same path" : "/luu-tru/\(p.archiveSlug ?? "")/ on \(commune.slug)'s hosts"
                            Console.note("    domains: \(hosts.joined(separator: ", ")) → \(target)")
                        }
                    }
                }
                for old in plan.unplaced { Console.note("unplaced: \(old.code) \(old.name): no successor row; add one to a --successors file") }
                for person in plan.people { Console.note("staff: \(person.username): \(person.change)") }
                Console.info("plan \(plan.planID): \(plan.summary); written to \(out)")
                if !plan.unplaced.isEmpty {
                    throw CLIError(code: 2, message: "\(plan.unplaced.count) old communes are unplaced: apply will refuse this plan")
                }
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Carry out a plan; safe to run again after a crash or after success.")

        @Argument(help: "The plan written by `reorganise plan`.") var plan: String
        @Option(help: "New communes created in parallel.") var jobs: Int = 2
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...64).contains(self.jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        }

        func run() async throws {
            let (path, jobs) = (self.plan, self.jobs)
            let plan: ReorganisationPlan
            do {
                plan = try JSONDecoder().decode(ReorganisationPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw CLIError(code: 2, message: "\(path) is not a reorganisation plan: \(error)")
            }
            try await withPlatform(self.database, poolSize: jobs + 1) { p in
                Console.note("plan \(plan.planID): \(plan.summary)")
                let reporter = ProgressReporter(label: "reorganise")
                let report = try await Reorganisation(provisioning: p, logger: p.database.logger).apply(plan, jobs: jobs) { reporter.update($0) }
                reporter.finish()
                Console.info(
                    "new communes created \(report.created), already there \(report.unchanged), old communes archived \(report.archived), failed \(report.failures.count) in \(String(format: "%.1f", report.seconds)) s")
                if !report.failures.isEmpty {
                    for failure in report.failures.prefix(10) { Console.note("failed: \(failure)") }
                    Console.note("what was committed is complete; run the same command again to finish")
                    throw CLIError(code: 1, message: "\(report.failures.count) commune(s) failed")
                }
            }
        }
    }
}

extension ReorganiseCommand {
    struct Footers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Footers whose e-mail is still on a domain of an ended unit, and the address proposed on the province's domain now.",
            discussion: """
                Lists each commune whose footer e-mail is on an ended province's, district's or commune's domain (the audit's
                footer.domain check), with the same mailbox on its province's domain. --apply writes the proposals, one commune
                per transaction with an audit entry, skipping a footer an editor changed meanwhile; run it again and it finishes.
                Make sure the province's mail server has those mailboxes first.
                """)

        @Option(help: "Only the communes of this province (official code).") var province: Int?
        @Flag(help: "Write the proposed addresses.") var apply = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (province, apply) = (self.province, self.apply)
            try await withPlatform(self.database) { p in
                let snapshot = try await TenantDirectory().reload(from: p.database)
                let tenants = snapshot.tenants.values.filter {
                    $0.isCurrent && $0.status == .active && (province == nil || $0.province?.code == province)
                }
                let footers = FooterDomains(database: p.database, logger: p.database.logger)
                let proposals = try await footers.proposals(Array(tenants))
                var written = 0
                for proposal in proposals {
                    if apply, try await footers.apply(proposal) { written += 1 }
                    Console.info("\(proposal.tenant.code)\t\(proposal.tenant.name)\t\(proposal.current)\t→ \(proposal.proposed)")
                }
                Console.info(
                    apply
                        ? "footers: \(written) of \(proposals.count) rewritten"
                        : "footers: \(proposals.count) on an ended unit's domain; --apply writes the proposed addresses")
            }
        }
    }
}
