import ArgumentParser
import Foundation
import TenantCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create staff accounts (the platform's operator, province operators, district admins, editors).",
        subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: """
                Roles: platform (every province; only this command creates it, and the audit log records it),
                province (the communes of --province), district (the communes of --district, or in a two-level
                province --province with one --commune per assigned commune), editor (one --commune; it writes and
                submits items, and with --approver also approves and publishes them).
                The password is read from standard input with --password-stdin (its owner typing it); without it a random
                one is made and printed once, and the console asks for a new one at the first login. With --email and
                --invite, no password at all: an invitation link is written to the outbox (CONSOLE_URL, e.g.
                https://HOST/quan-tri, is where the link leads) and the person sets their own.
                """)

        @Argument(help: "Login name: 3–64 lower-case letters, digits, '.', '_' or '-'.") var username: String
        @Option(help: "platform, province, district or editor.") var role: String
        @Option(help: "Full name shown in the console and the audit log.") var name: String?
        @Option(help: "Province code (operators of one province; district admins of two-level provinces).") var province: Int?
        @Option(help: "District code (district admins).") var district: Int?
        @Option(name: .customLong("commune"), help: "Commune code (editors; assigned communes of a district admin).")
        var communes: [Int] = []
        @Flag(help: "An editor who also approves and publishes items.") var approver = false
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.") var passwordStdin = false
        @Option(help: "The person's e-mail address (invitations, password resets, alerts).") var email: String?
        @Flag(help: "Send an invitation to --email instead of setting a password.") var invite = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard StaffRole(rawValue: self.role) != nil else { throw ValidationError("--role must be platform, province, district or editor") }
            if self.role == "platform", self.province != nil || self.district != nil || !self.communes.isEmpty {
                throw ValidationError("--role platform runs every province: it takes no --province, --district or --commune")
            }
            if self.approver, self.role != "editor" { throw ValidationError("--approver is for editors: staff above the commune approve for the communes they manage") }
            if self.role == "province", self.province == nil { throw ValidationError("--role province needs --province CODE (--role platform: every province)") }
            if self.invite, self.email == nil { throw ValidationError("--invite needs --email") }
            if self.invite, self.passwordStdin { throw ValidationError("--invite sets no password: leave out --password-stdin") }
        }

        func run() async throws {
            let role = StaffRole(rawValue: self.role)!
            var scope: (level: UnitLevel, code: Int)?
            var assigned: [Int] = []
            switch role {
            case .platform:
                scope = nil
            case .province:
                scope = self.province.map { (.province, $0) }
            case .district:
                if let district = self.district {
                    scope = (.district, district)
                } else if let province = self.province {
                    scope = (.province, province)
                }
                assigned = self.communes
            case .editor:
                guard self.communes.count == 1 else { throw ValidationError("an editor needs exactly one --commune") }
                scope = (.commune, self.communes[0])
            }
            var password: String
            var generated = false
            if self.invite {
                password = ""
            } else if self.passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                password = String(Accounts.randomToken().prefix(16))
                generated = true
            }
            let (username, name, chosen, assignedCodes, approves) = (self.username, self.name ?? self.username, scope, assigned, self.approver)
            let secret = self.invite ? nil : password
            let (email, mustChange) = (self.email, generated)
            let consoleURL = Console.consoleURL
            let user = try await withPlatform(self.database) { p in
                let accounts = Accounts(database: p.database, logger: p.database.logger)
                return try await accounts.createUser(
                    username: username, displayName: name, password: secret, role: role, scope: chosen, communes: assignedCodes, approves: approves,
                    email: email, consoleURL: consoleURL, mustChangePassword: mustChange, by: .provisioner)
            }
            if secret == nil { Console.info("invitation written to the outbox for \(email ?? "")") }
            Console.info("created \(user.role.rawValue) account \(user.username)")
            if generated { Console.info("password: \(password)") }
            password = ""
        }
    }
}
