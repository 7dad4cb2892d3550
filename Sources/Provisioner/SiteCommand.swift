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

        @Option(help: "The WordPress export file (Tools → Export → All content).") var wxr: String?
        @Option(help: "Crawl this site instead (http://HOST): its sitemaps, feeds, list and item pages.") var crawl: String?
        @Option(help: "How to read the crawled pages: wordpress, joomla, generic, or a profile file.") var profile = "wordpress"
        @Option(help: "The commune's official code.") var commune: Int
        @Option(help: "Mapping rules over the defaults.") var mapping: String?
        @Option(help: "A mirror of the old site (DIR/HOST/PATH, as wget --mirror writes it) to read instead of the site itself.") var files: String?
        @Option(help: "Largest page or file taken, in MB.") var maxFileMb: Int = 20
        @Option(help: "Crawl: pages fetched at most.") var maxPages: Int = 20_000
        @Option(help: "Crawl: link hops from the home page at most.") var maxDepth: Int = 8
        @Option(help: "Requests per second to the old site at most.") var rate: Double = 5
        @Option(name: .customLong("connect-to"), help: "HOST:ADDRESS:PORT: reach the old site's HOST at ADDRESS:PORT (a staging copy).")
        var connectTo: [String] = []
        @Flag(help: "Publish what the old site published (with its dates); otherwise everything is a draft.") var publish = false
        @Flag(name: .customLong("dry-run"), help: "Print where each item would go, without changing anything.") var dryRun = false
        @Option(help: "Write the report (every item left out or failed, with its address and reason) to this file.") var report: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (self.wxr == nil) != (self.crawl == nil) else { throw ValidationError("give either --wxr FILE or --crawl URL") }
            guard (1...100).contains(self.maxFileMb) else { throw ValidationError("--max-file-mb must be 1 to 100") }
            guard (1...1_000_000).contains(self.maxPages) else { throw ValidationError("--max-pages must be 1 to 1000000") }
            guard (0...50).contains(self.maxDepth) else { throw ValidationError("--max-depth must be 0 to 50") }
            guard self.rate > 0, self.rate <= 100 else { throw ValidationError("--rate must be above 0 and at most 100") }
            if let crawl = self.crawl {
                guard let url = URLComponents(string: crawl), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
                    throw ValidationError("--crawl takes the site's address, http://HOST or https://HOST")
                }
            }
            for value in self.connectTo { _ = try Self.connection(value) }
        }

        static func connection(_ value: String) throws -> (host: String, address: String, port: Int) {
            guard let connection = HTTPFiles.connection(value) else {
                throw ValidationError("--connect-to takes HOST:ADDRESS:PORT, found \(value)")
            }
            return connection
        }

        func run() async throws {
            var rules = ImportMapping.defaults
            if let file = self.mapping {
                guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
                    throw CLIError(code: 2, message: "\(file): cannot be read")
                }
                do { rules = try ImportMapping.read(text, file: file) } catch { throw CLIError(code: 2, message: error.description) }
            }
            let archive: WXRArchive?
            if let wxr = self.wxr {
                guard let data = FileManager.default.contents(atPath: wxr) else { throw CLIError(code: 2, message: "\(wxr): cannot be read") }
                do { archive = try WXRArchive.read(data) } catch { throw CLIError(code: 2, message: "\(wxr): \(error.description)") }
            } else {
                archive = nil
            }
            let profile = try Self.profile(self.profile)
            let siteURL = archive?.siteURL ?? self.crawl ?? ""
            let (bare, hosts) = SiteImportPlan.hosts(of: siteURL)
            let fetcher: any SiteFileFetcher =
                if let files = self.files {
                    MirrorFiles(root: files, maxBytes: self.maxFileMb << 20)
                } else {
                    HTTPFiles(
                        hosts: hosts, maxBytes: self.maxFileMb << 20, perSecond: self.rate,
                        connectTo: Dictionary(try self.connectTo.map(Self.connection).map { ($0.host, ($0.address, $0.port)) }, uniquingKeysWith: { a, _ in a }))
                }
            let (code, publish, dryRun, reportFile, limits) = (self.commune, self.publish, self.dryRun, self.report, CrawlLimits(maxPages: self.maxPages, maxDepth: self.maxDepth, maxPageBytes: self.maxFileMb << 20))
            let mapping = rules
            try await withPlatform(self.database) { p in
                let snapshot = try await TenantDirectory().reload(from: p.database)
                guard let tenant = snapshot.tenants.values.first(where: { $0.code == code }) else {
                    throw CLIError(code: 4, message: "commune \(code) does not exist")
                }
                guard tenant.status == .active else { throw CLIError(code: 3, message: "commune \(code) (\(tenant.name)) is \(tenant.status.rawValue)") }
                var crawlProblems: [SiteImportReport.Problem] = []
                var crawlMissing: [SiteImportReport.Problem] = []
                let source: WXRArchive
                if let archive {
                    source = archive
                } else {
                    let crawling = ProgressReporter(label: "crawl \(bare)")
                    let result = await SiteCrawler(siteURL: siteURL, profile: profile, fetcher: fetcher, limits: limits).crawl { done, known in
                        crawling.update(.init(done: done, failed: 0, total: known, current: ""))
                    }
                    crawling.finish()
                    Console.info("crawl \(bare) (profile \(profile.name)): \(result.fetched) pages read, \(result.archive.items.filter { $0.type != "attachment" }.count) items")
                    source = result.archive
                    crawlProblems = result.problems
                    crawlMissing = result.missing
                }
                let plan = SiteImportPlan.make(source, mapping: mapping, commune: VietnameseText.inSentence(tenant.name))
                Console.info("\(self.wxr ?? siteURL): \(plan.items.count) items, \(plan.attachments.count) files → commune \(code) (\(tenant.name))")
                if dryRun {
                    Self.printPlan(plan)
                    for problem in crawlProblems + crawlMissing { Console.info("not read  \(problem.url)  \(problem.reason)") }
                    return
                }
                let accounts = Accounts(database: p.database, logger: p.database.logger)
                let editorial = Editorial(database: p.database, accounts: accounts, logger: p.database.logger)
                let files = ProgressReporter(label: "files \(tenant.code)", fromFirstUpdate: true)
                let progress = ProgressReporter(label: "items \(tenant.code)", fromFirstUpdate: true)
                var report = try await editorial.importSite(
                    plan, into: tenant, publish: publish, fetcher: fetcher,
                    fileProgress: { done, total in files.update(.init(done: done, failed: 0, total: total, current: "")) },
                    progress: { done, total in progress.update(.init(done: done, failed: 0, total: total, current: "")) })
                files.finish()
                progress.finish()
                report.failures.insert(contentsOf: crawlProblems, at: 0)
                // Pages the old site links to but does not have are its dead links (already listed by the pages linking to them).
                for page in crawlMissing where !report.deadLinks.contains(where: { $0.reason == page.url }) {
                    report.deadLinks.append(.init(url: page.url, reason: page.reason))
                }
                Self.printReport(report, to: reportFile)
                if !report.failures.isEmpty {
                    throw CLIError(code: 1, message: "\(report.failures.count) page(s) or file(s) failed; the rest is in. See the report; run again after fixing to take in what is missing.")
                }
            }
        }

        /// A built-in profile by name, or one from a file.
        static func profile(_ value: String) throws -> CrawlProfile {
            if let builtIn = CrawlProfile.builtIn.first(where: { $0.name == value }) { return builtIn }
            guard let data = FileManager.default.contents(atPath: value) else {
                throw CLIError(code: 2, message: "--profile \(value): neither wordpress, joomla, generic nor a readable file")
            }
            do { return try CrawlProfile.read(String(decoding: data, as: UTF8.self), file: value) } catch {
                throw CLIError(code: 2, message: error.description)
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
            let (lines, summary) = (report.lines, report.summary)
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
