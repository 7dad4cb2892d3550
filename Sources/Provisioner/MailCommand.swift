import ArgumentParser
import Foundation
import TenantCore

/// Sending the outbox, writing the alerts, keeping personal data no longer
/// than needed, and answering a citizen's request for their data.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "The platform's e-mail: send the outbox, write alerts.", subcommands: [Deliver.self, Alerts.self])

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send what waits in the outbox.",
            discussion: """
                MAIL_TRANSPORT says where messages go: sendmail (the machine's Postfix, which relays to the province's mail
                server; deploy/postfix), sendmail:/PATH, or file:/DIR (one .eml file per message). MAIL_FROM and MAIL_FROM_NAME
                name the sender. Without --once it runs until stopped (deploy/systemd/commune-mail.service); any number of
                workers may run, each message is taken by one. A failure is retried with back-off; after 8 attempts the
                message is dead and shown to operators on /quan-tri/thu-gui.
                """)

        @Flag(help: "One pass over what is due, then exit.") var once = false
        @Option(help: "Seconds between passes.") var interval = 10
        @Option(help: "Seconds a worker holds the messages it took; past that, another worker may send them (a worker that died).") var lease = 120
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...3600).contains(self.interval) else { throw ValidationError("--interval must be 1 to 3600 seconds") }
            guard (1...3600).contains(self.lease) else { throw ValidationError("--lease must be 1 to 3600 seconds") }
        }

        func run() async throws {
            let settings: MailSettings
            switch MailSettings.from(environment: ProcessInfo.processInfo.environment, defaultDirectory: nil) {
            case .success(let value): settings = value
            case .failure(let error): throw CLIError(code: 2, message: error.message)
            }
            guard let transport = settings.transport else {
                throw CLIError(code: 2, message: "MAIL_TRANSPORT is not set: sendmail, sendmail:/PATH or file:/DIR")
            }
            let (once, interval, lease) = (self.once, self.interval, self.lease)
            try await withPlatform(self.database) { p in
                var delivery = MailDelivery(database: p.database, settings: settings, logger: p.database.logger)
                delivery.lease = .seconds(lease)
                if once {
                    let total = try await delivery.runUntilDone()
                    Console.info("mail: \(total.sent) sent, \(total.failed) to retry, \(total.dead) dead (\(transport.summary))")
                } else {
                    Console.note("mail: delivering through \(transport.summary), every \(interval) s")
                    await delivery.run(every: .seconds(interval))
                }
            }
        }
    }

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the alerts that are due: questions at 10 of their 15 working days and overdue; sites failing the compliance checks.",
            discussion: "Run hourly (deploy/systemd/commune-alerts.timer); each alert is written once. CONSOLE_URL is the console's address in links (https://HOST/quan-tri).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let consoleURL = Console.consoleURL
            try await withPlatform(self.database) { p in
                let snapshot = try await TenantDirectory().reload(from: p.database)
                let tenants = snapshot.tenants.values.filter { $0.status == .active }.sorted { $0.code < $1.code }
                let staff = try await Accounts(database: p.database, logger: p.database.logger).users()
                let alerts = QuestionAlerts(database: p.database, logger: p.database.logger)
                let compliance = ComplianceAlerts(database: p.database, logger: p.database.logger)
                var (written, failed) = (0, 0)
                for tenant in tenants {
                    do {
                        let count = try await alerts.run(in: tenant, staff: staff, consoleURL: consoleURL)
                            + compliance.run(in: tenant, staff: staff, consoleURL: consoleURL)
                        if count > 0 { Console.info("commune \(tenant.code) (\(tenant.name)): \(count) alert(s)") }
                        written += count
                    } catch {
                        failed += 1
                        Console.note("commune \(tenant.code) (\(tenant.name)): \(error)")
                    }
                }
                Console.info("alerts: \(written) written for \(tenants.count) communes")
                if failed > 0 { throw CLIError(code: 1, message: "\(failed) commune(s) failed") }
            }
        }
    }
}

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Erase personal data past its retention period.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase contact data of questions and comments, old messages and security records that are due.",
            discussion: "Run daily (deploy/systemd/commune-retention.timer). The defaults and why: TenantCore's RetentionPolicy and DESIGN.md, \"Personal data\". Each commune in its own transaction; a rerun finishes an interrupted run.")

        @Option(help: "Days after its answer a question's contact data is kept.") var questionDays = RetentionPolicy().questionContactDaysAfterAnswer
        @Option(help: "Days a never-answered question's contact data is kept.") var unansweredDays = RetentionPolicy().questionContactDaysUnanswered
        @Option(help: "Days a comment's contact is kept.") var commentDays = RetentionPolicy().commentContactDays
        @Option(help: "Days sent and dead messages stay in the outbox.") var outboxDays = RetentionPolicy().outboxDays
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            for (name, value) in [("--question-days", self.questionDays), ("--unanswered-days", self.unansweredDays), ("--comment-days", self.commentDays), ("--outbox-days", self.outboxDays)] {
                guard (1...3650).contains(value) else { throw ValidationError("\(name) must be 1 to 3650") }
            }
        }

        func run() async throws {
            var policy = RetentionPolicy()
            policy.questionContactDaysAfterAnswer = self.questionDays
            policy.questionContactDaysUnanswered = self.unansweredDays
            policy.commentContactDays = self.commentDays
            policy.outboxDays = self.outboxDays
            let chosen = policy
            try await withPlatform(self.database) { p in
                let retention = Retention(database: p.database, policy: chosen, logger: p.database.logger)
                let snapshot = try await TenantDirectory().reload(from: p.database)
                let tenants = snapshot.tenants.values.filter { $0.status != .archived }.sorted { $0.code < $1.code }
                var total = Retention.Erased()
                var failed = 0
                let step = max(1, tenants.count / 10)
                for (index, tenant) in tenants.enumerated() {
                    do {
                        let erased = try await retention.run(in: tenant)
                        total.questions += erased.questions
                        total.comments += erased.comments
                    } catch {
                        failed += 1
                        Console.note("commune \(tenant.code) (\(tenant.name)): \(error)")
                    }
                    if (index + 1) % step == 0 || index + 1 == tenants.count { Console.info("retention: \(index + 1)/\(tenants.count) communes") }
                }
                let platform = try await retention.runPlatform()
                Console.info(
                    "retention: contact data erased from \(total.questions) question(s) and \(total.comments) comment(s); \(platform.messages) message(s) and \(platform.other) other record(s) deleted")
                if failed > 0 { throw CLIError(code: 1, message: "\(failed) commune(s) failed") }
            }
        }
    }
}

struct CitizenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citizen", abstract: "A citizen's request about their data: export it, or erase it.", subcommands: [Export.self, Erase.self])

    static func contact(_ raw: String) throws -> CitizenData.Contact {
        guard let contact = CitizenData.Contact(raw) else {
            throw ValidationError("--contact must be an e-mail address or a phone number of 9 to 15 digits")
        }
        return contact
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print as JSON every question and comment sent with this e-mail address or phone number, in every commune.")
        @Option(help: "The e-mail address or phone number the person gave.") var contact: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let contact = try CitizenCommand.contact(self.contact)
            let records = try await withPlatform(self.database) { p in
                let data = CitizenData(database: p.database, logger: p.database.logger)
                let snapshot = try await TenantDirectory().reload(from: p.database)
                var records: [CitizenData.Record] = []
                for tenant in snapshot.tenants.values.filter({ $0.status != .archived }).sorted(by: { $0.code < $1.code }) {
                    records += try await data.records(of: contact, in: tenant)
                }
                return records
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person's data in every commune: unpublished questions and comments are deleted, published ones lose the name and contact; messages to them leave the outbox.")
        @Option(help: "The e-mail address or phone number the person gave.") var contact: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let contact = try CitizenCommand.contact(self.contact)
            try await withPlatform(self.database) { p in
                let data = CitizenData(database: p.database, logger: p.database.logger)
                let snapshot = try await TenantDirectory().reload(from: p.database)
                var erased = 0
                for tenant in snapshot.tenants.values.filter({ $0.status != .archived }).sorted(by: { $0.code < $1.code }) {
                    let count = try await data.erase(contact, in: tenant)
                    if count > 0 { Console.info("commune \(tenant.code) (\(tenant.name)): \(count) record(s) erased") }
                    erased += count
                }
                let messages = try await data.eraseMessages(contact)
                Console.info("erased \(erased) record(s) and \(messages) message(s)")
            }
        }
    }
}
