import Foundation
import Logging
import PostgresNIO

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

    /// One commune: contact data of questions and comments past their time.
    public func run(in tenant: Tenant) async throws(TenantCoreError) -> Erased {
        let policy = self.policy
        return try await self.database.withTransaction(schema: tenant.schema) { connection in
            var erased = Erased()
            let schema = tenant.schema
            erased.questions = try await connection.query(
                """
                UPDATE \(unescaped: schema.quoted).questions SET contact = '', notify_email = '', residence = '', id_number = '', erased_at = now()
                 WHERE erased_at IS NULL
                   AND ((status = 'answered' AND answered_at < now() - make_interval(days => \(policy.questionContactDaysAfterAnswer)::int))
                        OR created_at < now() - make_interval(days => \(policy.questionContactDaysUnanswered)::int))
                RETURNING id
                """, logger: self.logger
            ).collect().count
            erased.comments = try await connection.query(
                """
                UPDATE \(unescaped: schema.quoted).comments SET contact = ''
                 WHERE contact <> '' AND created_at < now() - make_interval(days => \(policy.commentContactDays)::int)
                RETURNING id
                """, logger: self.logger
            ).collect().count
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
        let policy = self.policy
        return try await self.database.withTransaction { connection in
            var erased = Erased()
            erased.messages = try await connection.query(
                """
                DELETE FROM platform.mail_outbox
                 WHERE status IN ('sent', 'dead') AND created_at < now() - make_interval(days => \(policy.outboxDays)::int) RETURNING id
                """, logger: self.logger
            ).collect().count
            erased.other += try await connection.query(
                "DELETE FROM platform.login_attempts WHERE at < now() - make_interval(days => \(policy.loginAttemptDays)::int) RETURNING id",
                logger: self.logger
            ).collect().count
            erased.other += try await connection.query(
                "DELETE FROM platform.account_tokens WHERE coalesce(used_at, expires_at) < now() - interval '1 day' RETURNING user_id",
                logger: self.logger
            ).collect().count
            erased.other += try await connection.query(
                "DELETE FROM platform.form_submissions WHERE at < now() - interval '1 hour' RETURNING tenant_id", logger: self.logger
            ).collect().count
            return erased
        }
    }
}
