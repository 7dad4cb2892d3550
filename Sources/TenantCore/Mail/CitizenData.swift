import Foundation
import Logging
import PostgresNIO

/// One person's data across communes, found by the e-mail address or phone
/// number they gave: what an operator exports or erases when that person
/// asks (Law 91/2025/QH15, the data subject's rights to access and erasure).
public struct CitizenData: Sendable {
    public let database: TenantDatabase
    let logger: Logger

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// An e-mail address (any case) or a phone number (its digits, 9 to 15).
    public struct Contact: Sendable, Equatable {
        public let email: String?
        public let digits: String?

        public init?(_ raw: String) {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.contains("@") {
                guard let email = EmailAddress(text) else { return nil }
                (self.email, self.digits) = (email.value.lowercased(), nil)
            } else {
                let digits = String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
                guard (9...15).contains(digits.count), text.count <= 40 else { return nil }
                (self.email, self.digits) = (nil, digits)
            }
        }
    }

    public struct Record: Sendable, Codable, Equatable {
        public var commune: Int
        public var kind: String
        public var reference: String
        public var name: String
        public var contact: String
        public var title: String
        public var text: String
        public var createdAt: Date
        public var published: Bool
    }

    /// Everything of this person's in one commune.
    public func records(of contact: Contact, in tenant: Tenant) async throws(TenantCoreError) -> [Record] {
        let (email, digits) = (contact.email, contact.digits)
        return try await self.database.withConnection(schema: tenant.schema) { connection in
            var records: [Record] = []
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
                    Record(
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
                    Record(
                        commune: tenant.code, kind: "comment", reference: "#\(id)", name: name, contact: typed, title: "", text: body,
                        createdAt: created, published: published))
            }
            return records
        }
    }

    /// Erases the person's data in one commune, with an audit entry:
    /// unpublished questions and comments are deleted; published ones lose
    /// the name and contact (the public answer stays, asked by "Người dân").
    public func erase(_ contact: Contact, in tenant: Tenant) async throws(TenantCoreError) -> Int {
        let (email, digits) = (contact.email, contact.digits)
        return try await self.database.withTransaction(schema: tenant.schema) { connection in
            let schema = tenant.schema.quoted
            var count = try await connection.query(
                """
                DELETE FROM \(unescaped: schema).questions
                 WHERE NOT published AND (lower(contact) = \(email) OR lower(notify_email) = \(email)
                                          OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits))
                RETURNING id
                """, logger: self.logger
            ).collect().count
            count += try await connection.query(
                """
                UPDATE \(unescaped: schema).questions
                   SET asker_name = 'Người dân', contact = '', notify_email = '', residence = '', id_number = '', show_name = false,
                       erased_at = now()
                 WHERE lower(contact) = \(email) OR lower(notify_email) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits)
                RETURNING id
                """, logger: self.logger
            ).collect().count
            count += try await connection.query(
                """
                DELETE FROM \(unescaped: schema).comments
                 WHERE status <> 'approved' AND (lower(contact) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits))
                RETURNING id
                """, logger: self.logger
            ).collect().count
            count += try await connection.query(
                """
                UPDATE \(unescaped: schema).comments SET author_name = 'Người dân', contact = ''
                 WHERE lower(contact) = \(email) OR regexp_replace(contact, '[^0-9]', '', 'g') = \(digits)
                RETURNING id
                """, logger: self.logger
            ).collect().count
            if count > 0 {
                try await AuditActor.provisioner.record(
                    "citizen.erase", commune: tenant.code, detail: "\(count) record(s)", on: connection, logger: self.logger)
            }
            return count
        }
    }

    /// Messages to the person in the outbox (their address is in them).
    public func eraseMessages(_ contact: Contact) async throws(TenantCoreError) -> Int {
        guard let email = contact.email else { return 0 }
        return try await self.database.withConnection { connection in
            try await connection.query(
                "DELETE FROM platform.mail_outbox WHERE lower(recipient) = \(email) RETURNING id", logger: self.logger
            ).collect().count
        }
    }
}
