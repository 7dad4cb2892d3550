import Foundation
import Logging
import PostgresNIO

/// The outbox's rows, on the caller's connection (`platform.mail_outbox`;
/// on another cluster its foreign table, so a commune's transaction writes
/// there like its audit entry).
struct MailRepository: Sendable {
    let logger: Logger

    static let columns = """
        id, kind, recipient, subject, body_text, body_html, commune_code, status, attempts, last_error, created_at, sent_at
        """

    func decode(_ rows: PostgresRowSequence) async throws -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        for try await (id, kind, recipient, subject, text, html, commune, status, attempts, error, created, sent) in rows.decode(
            (Int64, String, String, String, String, String, Int?, String, Int, String, Date, Date?).self)
        {
            messages.append(
                OutboxMessage(
                    id: id, kind: kind, recipient: recipient, subject: subject, text: text, html: html, commune: commune,
                    status: OutboxMessage.Status(rawValue: status) ?? .pending, attempts: attempts, lastError: error, createdAt: created,
                    sentAt: sent))
        }
        return messages
    }

    func insert(_ mail: OutgoingMail, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.mail_outbox (kind, recipient, subject, body_text, body_html, commune_code, about)
            VALUES (\(mail.kind.rawValue), \(mail.recipient.value), \(mail.subject), \(mail.text), \(mail.html), \(mail.commune), \(mail.about))
            """, logger: self.logger)
    }

    /// Takes up to `limit` due messages for `lease`: each is counted as an
    /// attempt and hidden from other workers until the lease ends.
    func claim(limit: Int, leaseSeconds: Int, on connection: UnitOfWork) async throws -> [OutboxMessage] {
        try await self.decode(
            connection.query(
                """
                UPDATE platform.mail_outbox SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => \(leaseSeconds))
                 WHERE id IN (SELECT id FROM platform.mail_outbox
                               WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                               ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.columns)
                """, logger: self.logger))
    }

    func markSent(_ id: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.mail_outbox SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = '' WHERE id = \(id)",
            logger: self.logger)
    }

    /// A failed attempt: retried after `retrySeconds`, or dead.
    func markFailed(_ id: Int64, error: String, retrySeconds: Int?, on connection: UnitOfWork) async throws {
        let message = String(error.prefix(500))
        if let retrySeconds {
            try await connection.query(
                """
                UPDATE platform.mail_outbox SET claimed_until = NULL, last_error = \(message),
                       next_attempt_at = now() + make_interval(secs => \(retrySeconds)) WHERE id = \(id)
                """, logger: self.logger)
        } else {
            try await connection.query(
                "UPDATE platform.mail_outbox SET status = 'dead', claimed_until = NULL, last_error = \(message) WHERE id = \(id)",
                logger: self.logger)
        }
    }

    /// A dead message goes back to the queue, with its attempts counted anew.
    func retry(_ id: Int64, on connection: UnitOfWork) async throws -> Bool {
        !(try await connection.query(
            """
            UPDATE platform.mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = NULL
             WHERE id = \(id) AND status = 'dead' RETURNING id
            """, logger: self.logger
        ).collect()).isEmpty
    }

    func messages(status: OutboxMessage.Status?, communes: [Int]?, limit: Int, on connection: UnitOfWork) async throws -> [OutboxMessage] {
        try await self.decode(
            connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM platform.mail_outbox
                 WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                   AND (\(communes)::int[] IS NULL OR commune_code = ANY (\(communes)))
                 ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger))
    }

    func message(_ id: Int64, on connection: UnitOfWork) async throws -> OutboxMessage? {
        try await self.decode(
            connection.query("SELECT \(unescaped: Self.columns) FROM platform.mail_outbox WHERE id = \(id)", logger: self.logger)
        ).first
    }

    /// Whether a message of this kind about this thing was already written.
    func exists(kind: MailKind, about: String, commune: Int?, on connection: UnitOfWork) async throws -> Bool {
        !(try await connection.query(
            """
            SELECT 1 FROM platform.mail_outbox WHERE kind = \(kind.rawValue) AND about = \(about)
               AND commune_code IS NOT DISTINCT FROM \(commune) LIMIT 1
            """, logger: self.logger
        ).collect()).isEmpty
    }

    /// Serialises the writers of one commune's alerts (until the transaction ends).
    func lockAlerts(commune: Int, on connection: UnitOfWork) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('alerts.compliance:' || \(commune), 0))", logger: self.logger)
    }

    func counts(on connection: UnitOfWork) async throws -> [OutboxMessage.Status: Int] {
        var counts: [OutboxMessage.Status: Int] = [:]
        for try await (status, count) in try await connection.query(
            "SELECT status, count(*)::int FROM platform.mail_outbox GROUP BY status", logger: self.logger
        ).decode((String, Int).self) {
            if let status = OutboxMessage.Status(rawValue: status) { counts[status] = count }
        }
        return counts
    }
}
