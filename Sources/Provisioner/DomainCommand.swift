import ArgumentParser
import TenantCore

struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Add, remove and list the host names of communes.",
        discussion: """
            Host names are stored normalised: lower case, no port, no trailing dot, Unicode labels in punycode.
            A host belongs to at most one commune. Non-primary hosts answer 301 to the primary one, except
            development aliases (role dev, e.g. *.localhost), which serve the site directly.
            In the console, staff may only add names inside the zones of the commune's province (its portal's
            host and development alias: *.hue.gov.vn, *.hue.localhost), never a portal's name or the console's;
            this command may add any name, and says when staff could not have. A portal's name always answers
            as the portal.
            """,
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a commune another host name.")
        @Argument var host: String
        @Option(help: "The commune's official code.") var commune: Int
        @Flag(help: "Make it the primary host (the old primary then redirects to it).") var primary = false
        @Flag(help: "A development alias that serves the site without redirecting.") var dev = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if self.primary && self.dev { throw ValidationError("--primary and --dev exclude each other") }
        }

        func run() async throws {
            let (host, commune) = (self.host, self.commune)
            let role: DomainRole = self.primary ? .primary : self.dev ? .dev : .redirect
            let (record, problem) = try await withPlatform(self.database) { p in
                (try await p.addDomain(host, code: commune, role: role), try await p.staffRuleProblem(host, code: commune))
            }
            Console.info("\(record.host) → commune \(record.communeCode) (\(record.role.rawValue))")
            // The command line may give any name; say when staff could not have.
            if let problem { Console.note("note: no member of staff could add this name: \(problem)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a host name.")
        @Argument var host: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let host = self.host
            try await withPlatform(self.database) { p in try await p.removeDomain(host) }
            Console.info("removed \(host)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List host names.")
        @Option(help: "Only this commune.") var commune: Int?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let commune = self.commune
            let domains = try await withPlatform(self.database) { p in
                try await p.database.withConnection { connection in
                    let catalogue = Catalogue(logger: p.database.logger)
                    var tenantID: Int64?
                    if let commune {
                        guard let record = try await catalogue.tenant(code: commune, on: connection) else {
                            throw TenantCoreError(.notFound, "commune \(commune) has no site on this platform")
                        }
                        tenantID = record.unitID
                    }
                    return try await catalogue.domains(tenantID: tenantID, on: connection)
                }
            }
            for d in domains { Console.info("\(d.communeCode)\t\(d.role.rawValue)\t\(d.host)") }
        }
    }
}
