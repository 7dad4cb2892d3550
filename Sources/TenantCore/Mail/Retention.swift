import Foundation
import Logging

/// How long personal data is kept (Law 91/2025/QH15 on personal data
/// protection: kept no longer than its purpose needs). Defaults:
///
/// - A question's contact data (the phone or address typed, the address
///   for the answer): 180 days after the answer, 365 days after the
///   question if it is never answered. The answer can be complained about
///   within 90 days (Law on Complaints 2011, art. 9), and a follow-up
///   question often comes within months; after that the question and its
///   answer stay, without who asked.
/// - A comment's contact: 180 days after it was sent (consultations close
///   within weeks; the summary of opinions keeps no contacts).
/// - Sent and given-up messages in the outbox (they hold addresses): 30 days.
/// - Form submissions (hashed addresses for the rate limit): 1 hour, as the
///   limit needs; login attempts (security log): 90 days; spent or expired
///   account links: 1 day.
public struct RetentionPolicy: Sendable, Equatable {
    public var questionContactDaysAfterAnswer = 180
    public var questionContactDaysUnanswered = 365
    public var commentContactDays = 180
    public var outboxDays = 30
    public var loginAttemptDays = 90

    public init() {}
}

/// Erases what is due under a ``RetentionPolicy``: each commune in its own
/// transaction; the catalogue's rows in one. A rerun after an interruption
/// finishes the job (every step is "erase what is older than").
public struct Retention: Sendable {
    public let database: TenantDatabase
    public let policy: RetentionPolicy
    let logger: Logger

    public init(database: TenantDatabase, policy: RetentionPolicy = RetentionPolicy(), logger: Logger) {
        self.database = database
        self.policy = policy
        self.logger = logger
    }

    public struct Erased: Sendable, Equatable {
        public var questions = 0
        public var comments = 0
        public var messages = 0
        public var other = 0

        public init() {}
    }

    var rows: PersonalDataRepository { PersonalDataRepository(logger: self.logger) }

    /// One commune: contact data of questions and comments past their time.
    public func run(in tenant: Tenant) async throws(TenantCoreError) -> Erased {
        let (policy, rows) = (self.policy, self.rows)
        return try await self.database.withTransaction(schema: tenant.schema) { connection in
            var erased = Erased()
            erased.questions = try await rows.eraseQuestionContacts(
                in: tenant.schema, daysAfterAnswer: policy.questionContactDaysAfterAnswer, daysUnanswered: policy.questionContactDaysUnanswered,
                on: connection)
            erased.comments = try await rows.eraseCommentContacts(in: tenant.schema, days: policy.commentContactDays, on: connection)
            if erased.questions + erased.comments > 0 {
                try await AuditActor.provisioner.record(
                    "retention.erase", commune: tenant.code, detail: "\(erased.questions) question(s), \(erased.comments) comment(s)",
                    on: connection, logger: self.logger)
            }
            return erased
        }
    }

    /// The catalogue: the outbox, login attempts, spent links, form submissions.
    public func runPlatform() async throws(TenantCoreError) -> Erased {
        let (policy, rows) = (self.policy, self.rows)
        return try await self.database.withTransaction { connection in
            var erased = Erased()
            erased.messages = try await rows.deleteOldMessages(days: policy.outboxDays, on: connection)
            erased.other = try await rows.deleteSecurityRecords(loginDays: policy.loginAttemptDays, on: connection)
            return erased
        }
    }
}
