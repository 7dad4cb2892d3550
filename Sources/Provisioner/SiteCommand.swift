import ArgumentParser
import Foundation
import TenantCore

struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site", abstract: "Bring a commune's existing website onto the platform.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a WordPress export (WXR) into a commune: posts, pages, documents, images and files, old addresses.",
            discussion: """
                Categories and pages go to the sixteen sections by the defaults (the names commune sites give
                them) and by --mapping FILE, whose lines read `category SLUG = SECTION`, `page PATH = SECTION`,
                `default = SECTION`, `SECTION` being a section's slug (tin-tuc, van-ban…) or - to leave out.
                Posts whose text gives a document number ("Số: 125/QĐ-UBND") go to Văn bản with their number,
                kind, dates and signer. Images and files are fetched from the old site's host only (from
                --files DIR, a `wget --mirror` copy laid out as DIR/HOST/PATH), stored once per content,
                checked and resized like uploads; links in bodies are rewritten. Every item keeps its old
                address, which answers 301 to its new page once the old host points at the platform
                (`provisioner domain add OLD-HOST --commune CODE`).
                Items are drafts unless --publish. Each item is written in its own transaction with the record
                of where it came from: an interrupted import is simply run again, and a second run changes nothing.
                Run with --dry-run first: it prints where each item goes and what is left out.
                """)

        @Option(help: "The WordPress export file (Tools → Export → All content).") var wxr: String
        @Option(help: "The commune's official code.") var commune: Int
        @Option(help: "Mapping rules over the defaults.") var mapping: String?
        @Option(help: "A mirror of the old site (DIR/HOST/PATH) to take its files from.") var files: String?
        @Option(help: "Largest file taken, in MB.") var maxFileMb: Int = 20
        @Flag(help: "Publish what the old site published (with its dates); otherwise everything is a draft.") var publish = false
        @Flag(name: .customLong("dry-run"), help: "Print where each item would go, without changing anything.") var dryRun = false
        @Option(help: "Write the report (every item left out or failed, with its address and reason) to this file.") var report: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...100).contains(self.maxFileMb) else { throw ValidationError("--max-file-mb must be 1 to 100") }
            if self.files == nil && !self.dryRun {
                throw ValidationError("--files DIR is required: the old site's files are read from a mirror (wget --mirror) of it")
            }
        }

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: self.wxr) else { throw CLIError(code: 2, message: "\(self.wxr): cannot be read") }
            let archive: WXRArchive
            do { archive = try WXRArchive.read(data) } catch { throw CLIError(code: 2, message: "\(self.wxr): \(error.description)") }
            var rules = ImportMapping.defaults
            if let file = self.mapping {
                guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
                    throw CLIError(code: 2, message: "\(file): cannot be read")
                }
                do { rules = try ImportMapping.read(text, file: file) } catch { throw CLIError(code: 2, message: error.description) }
            }
            let (code, publish, dryRun, reportFile, wxr) = (self.commune, self.publish, self.dryRun, self.report, self.wxr)
            let fetcher = MirrorFiles(root: self.files ?? "/nonexistent", maxBytes: self.maxFileMb << 20)
            let mapping = rules
            try await withPlatform(self.database) { p in
                let snapshot = try await TenantDirectory().reload(from: p.database)
                guard let tenant = snapshot.tenants.values.first(where: { $0.code == code }) else {
                    throw CLIError(code: 4, message: "commune \(code) does not exist")
                }
                guard tenant.status == .active else { throw CLIError(code: 3, message: "commune \(code) (\(tenant.name)) is \(tenant.status.rawValue)") }
                let plan = SiteImportPlan.make(archive, mapping: mapping, commune: VietnameseText.inSentence(tenant.name))
                Console.info("\(wxr): \(archive.title), \(archive.siteURL), \(plan.items.count) items, \(plan.attachments.count) files → commune \(code) (\(tenant.name))")
                if dryRun {
                    Self.printPlan(plan)
                    return
                }
                let accounts = Accounts(database: p.database, logger: p.database.logger)
                let editorial = Editorial(database: p.database, accounts: accounts, logger: p.database.logger)
                let progress = ProgressReporter(label: "import \(tenant.code)")
                let report = try await editorial.importSite(plan, into: tenant, publish: publish, fetcher: fetcher) { done, total in
                    progress.update(.init(done: done, failed: 0, total: total, current: ""))
                }
                progress.finish()
                Self.printReport(report, to: reportFile)
                if !report.failures.isEmpty {
                    throw CLIError(code: 1, message: "\(report.failures.count) item(s) or file(s) failed; the rest is in. See the report; run again after fixing to take in what is missing.")
                }
            }
        }

        static func printPlan(_ plan: SiteImportPlan) {
            for item in plan.items {
                let place: String
                switch item.placement {
                case .entry(let section, let kind):
                    place = "→ \(section.slug)" + (kind == .document ? " văn bản \(item.document?.number ?? "")" : "")
                case .sectionText(let section): place = "→ \(section.slug) (nội dung trang)"
                case .leftOut(let reason): place = "bỏ qua: \(reason)"
                }
                Console.info("\(item.url)  \(item.title)  \(place)\(item.rule.isEmpty ? "" : "  [\(item.rule)]")")
            }
            let counts = plan.counts
            let sections = MandatorySection.allCases.compactMap { section in
                counts.entries[section].map { "\(section.slug) \($0)" } ?? counts.texts[section].map { "\(section.slug) \($0) trang" }
            }
            let machinery = plan.machinery.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            if !machinery.isEmpty { Console.info("WordPress's own items left out: \(machinery.joined(separator: ", "))") }
            Console.info("would import: \(sections.joined(separator: ", ")); \(counts.documents) documents; \(counts.leftOut) left out; \(plan.attachments.count) files")
        }

        static func printReport(_ report: SiteImportReport, to file: String?) {
            var lines: [String] = []
            for problem in report.failures { lines.append("failed  \(problem.url)  \(problem.reason)") }
            for problem in report.leftOut { lines.append("left out  \(problem.url)  \(problem.reason)") }
            for problem in report.deadLinks { lines.append("dead link  \(problem.url)  → \(problem.reason)") }
            for problem in report.notes { lines.append("note  \(problem.url)  \(problem.reason)") }
            let summary =
                "imported \(report.entries) items (\(report.documents) documents, \(report.published) published), \(report.sectionTexts) section texts; "
                + "files \(report.filesStored) stored, \(report.filesReused) same as another; already in \(report.alreadyDone); "
                + "left out \(report.leftOut.count), failed \(report.failures.count), dead links \(report.deadLinks.count)"
            if let file {
                if FileManager.default.createFile(atPath: file, contents: Data((lines + [summary]).joined(separator: "\n").utf8 + [0x0A])) {
                    Console.info("report: \(file)")
                } else {
                    Console.note("\(file): cannot be written; the report follows")
                    for line in lines { Console.info(line) }
                }
            } else {
                for line in lines { Console.info(line) }
            }
            Console.info(summary)
        }
    }
}
