import Foundation
import Logging
import PostgresNIO

/// Citizens' personal data across a commune's questions and comments, and
/// the catalogue's records that hold addresses: what retention erases, what
/// a person's request exports or erases, and the questions alerts are about.
/// Each statement on the caller's connection, names from validated types.
struct PersonalDataRepository: Sendable {
    let logger: Logger

    // MARK: Retention

    /// Erases the contact data of questions past their time; how many.
    func eraseQuestionContacts(
        in schema: SchemaName, daysAfterAnswer: Int, daysUnanswered: Int, on connection: UnitOfWork
    ) async throws -> Int {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).questions SET contact = '', notify_email = '', residence = '', id_number = '', erased_at = now()
             WHERE erased_at IS NULL
               AND ((status = 'answered' AND answered_at < now() - make_interval(days => \(daysAfterAnswer)::int))
                    OR created_at < now() - make_interval(days => \(daysUnanswered)::int))
            RETURNING id
            """, logger: self.logger
        ).collect().count
    }

    func eraseCommentContacts(in schema: SchemaName, days: Int, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).comments SET contact = ''
             WHERE contact <> '' AND created_at < now() - make_interval(days => \(days)::int)
            RETURNING id
            """, logger: self.logger
        ).collect().count
    }

    /// Sent and dead messages older than `days`.
    func deleteOldMessages(days: Int, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            DELETE FROM platform.mail_outbox
             WHERE status IN ('sent', 'dead') AND created_at < now() - make_interval(days => \(days)::int) RETURNING id
            """, logger: self.logger
        ).collect().count
    }

    /// Login attempts older than `loginDays`, links spent or expired a day
    /// ago, form submissions past the hour their limit needs.
    func deleteSecurityRecords(loginDays: Int, on connection: UnitOfWork) async throws -> Int {
        var count = try await connection.query(
            "DELETE FROM platform.login_attempts WHERE at < now() - make_interval(days => \(loginDays)::int) RETURNING id", logger: self.logger
        ).collect().count
        count += try await connection.query(
            "DELETE FROM platform.account_tokens WHERE coalesce(used_at, expires_at) < now() - interval '1 day' RETURNING user_id",
            logger: self.logger
        ).collect().count
        count += try await connection.query(
            "DELETE FROM platform.form_submissions WHERE at < now() - interval '1 hour' RETURNING tenant_id", logger: self.logger
        ).collect().count
        return count
    }

    // MARK: One person's data

    func records(email: String?, digits: String?, in tenant: Tenant, on connection: UnitOfWork) async throws -> [CitizenData.Record] {
        var records: [CitizenData.Record] = []
        let schema = tenant.schema.quoted
        let questions = try await connection.query(
            """
            SELECT code, asker_name, contact, notify_email, title, body, created_at, published FROM \(unescaped: schema).questions
             WHERE lower(contact) = \(email) OR lower(notify_email) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits)
             ORDER BY created_at
            """, logger: self.logger)
        for try await (code, name, typed, notify, title, body, created, published) in questions.decode(
            (String, String, String, String, String, String, Date, Bool).self)
        {
            records.append(
                CitizenData.Record(
                    commune: tenant.code, kind: "question", reference: code, name: name,
                    contact: [typed, notify].filter { !$0.isEmpty }.joined(separator: ", "), title: title, text: body, createdAt: created,
                    published: published))
        }
        let comments = try await connection.query(
            """
            SELECT id, author_name, contact, body, created_at, status = 'approved' FROM \(unescaped: schema).comments
             WHERE lower(contact) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits) ORDER BY created_at
            """, logger: self.logger)
        for try await (id, name, typed, body, created, published) in comments.decode((Int64, String, String, String, Date, Bool).self) {
            records.append(
                CitizenData.Record(
                    commune: tenant.code, kind: "comment", reference: "#\(id)", name: name, contact: typed, title: "", text: body,
                    createdAt: created, published: published))
        }
        return records
    }

    /// Deletes the unpublished, strips name and contact from the published; how many rows.
    func erase(email: String?, digits: String?, in schema: SchemaName, on connection: UnitOfWork) async throws -> Int {
        let table = schema.quoted
        var count = try await connection.query(
            """
            DELETE FROM \(unescaped: table).questions
             WHERE NOT published AND (lower(contact) = \(email) OR lower(notify_email) = \(email)
                                      OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits))
            RETURNING id
            """, logger: self.logger
        ).collect().count
        count += try await connection.query(
            """
            UPDATE \(unescaped: table).questions
               SET asker_name = 'Người dân', contact = '', notify_email = '', residence = '', id_number = '', show_name = false,
                   erased_at = now()
             WHERE lower(contact) = \(email) OR lower(notify_email) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits)
            RETURNING id
            """, logger: self.logger
        ).collect().count
        count += try await connection.query(
            """
            DELETE FROM \(unescaped: table).comments
             WHERE status <> 'approved' AND (lower(contact) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits))
            RETURNING id
            """, logger: self.logger
        ).collect().count
        count += try await connection.query(
            """
            UPDATE \(unescaped: table).comments SET author_name = 'Người dân', contact = ''
             WHERE lower(contact) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits)
            RETURNING id
            """, logger: self.logger
        ).collect().count
        return count
    }

    func deleteMessages(to email: String, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            "DELETE FROM platform.mail_outbox WHERE lower(recipient) = \(email) RETURNING id", logger: self.logger
        ).collect().count
    }

    // MARK: Alerts

    /// Questions not yet answered whose alerts are not all written, locked.
    func questionsAwaitingAlerts(
        in schema: SchemaName, on connection: UnitOfWork
    ) async throws -> [(id: Int64, code: String, title: String, createdAt: Date, stage: Int16, kind: Question.Kind)] {
        var rows: [(id: Int64, code: String, title: String, createdAt: Date, stage: Int16, kind: Question.Kind)] = []
        for try await (id, code, title, created, stage, kind) in try await connection.query(
            """
            SELECT id, code, title, created_at, alert_stage, kind FROM \(unescaped: schema.quoted).questions
             WHERE status <> 'answered' AND alert_stage < 2 FOR UPDATE
            """, logger: self.logger
        ).decode((Int64, String, String, Date, Int16, String).self) {
            rows.append((id, code, title, created, stage, Question.Kind(rawValue: kind) ?? .question))
        }
        return rows
    }

    func setAlertStage(_ stage: Int16, question id: Int64, in schema: SchemaName, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE \(unescaped: schema.quoted).questions SET alert_stage = \(stage) WHERE id = \(id)", logger: self.logger)
    }
}
