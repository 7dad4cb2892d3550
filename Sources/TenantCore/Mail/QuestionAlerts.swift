import Foundation
import Logging

/// Alerts about citizens' questions: one when a question has waited 10 of
/// its 15 working days, one when it is overdue, each written once (the
/// question's `alert_stage`) in the commune's transaction, to every active
/// member of staff who manages the commune, has an address and has not
/// switched that alert off.
public struct QuestionAlerts: Sendable {
    public let database: TenantDatabase
    let logger: Logger
    public static let warnAfter = 10
    public static let deadline = 15

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The alerts written for one commune. `consoleURL` is
    /// `https://<console host>/quan-tri`.
    public func run(in tenant: Tenant, staff: [StaffUser], consoleURL: String, now: Date = Date()) async throws(TenantCoreError) -> Int {
        let recipients = [MailKind.questionDue, .questionOverdue].reduce(into: [MailKind: [(user: StaffUser, address: EmailAddress)]]()) {
            $0[$1] = $1.recipients(among: staff, about: tenant)
        }
        return try await self.database.withTransaction(schema: tenant.schema) { connection in
            var written = 0
            let questions = PersonalDataRepository(logger: self.logger)
            let rows = try await questions.questionsAwaitingAlerts(in: tenant.schema, on: connection)
            for (id, code, title, created, stage, questionKind) in rows {
                let days = WorkingDays.between(created, now)
                let due: Int16 = days > Self.deadline ? 2 : days >= Self.warnAfter ? 1 : 0
                guard due > stage else { continue }
                let kind: MailKind = due == 2 ? .questionOverdue : .questionDue
                for (user, email) in recipients[kind] ?? [] {
                    try await MailRepository(logger: self.logger).insert(
                        MailTemplates.questionDue(
                            to: email, name: user.displayName, commune: tenant.name, communeCode: tenant.code, code: code, title: title,
                            workingDays: days, overdue: due == 2, link: "\(consoleURL)/bien-tap/\(tenant.id)/hoi-dap/\(id)",
                            kind: questionKind),
                        on: connection)
                    written += 1
                }
                try await questions.setAlertStage(due, question: id, in: tenant.schema, on: connection)
            }
            return written
        }
    }
}
