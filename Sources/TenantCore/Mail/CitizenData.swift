import Foundation
import Logging

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

    var rows: PersonalDataRepository { PersonalDataRepository(logger: self.logger) }

    /// Everything of this person's in one commune.
    public func records(of contact: Contact, in tenant: Tenant) async throws(TenantCoreError) -> [Record] {
        let rows = self.rows
        return try await self.database.withConnection(schema: tenant.schema) { connection in
            try await rows.records(email: contact.email, digits: contact.digits, in: tenant, on: connection)
        }
    }

    /// Erases the person's data in one commune, with an audit entry:
    /// unpublished questions and comments are deleted; published ones lose
    /// the name and contact (the public answer stays, asked by "Người dân").
    public func erase(_ contact: Contact, in tenant: Tenant) async throws(TenantCoreError) -> Int {
        let rows = self.rows
        return try await self.database.withTransaction(schema: tenant.schema) { connection in
            let count = try await rows.erase(email: contact.email, digits: contact.digits, in: tenant.schema, on: connection)
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
        let rows = self.rows
        return try await self.database.withConnection { connection in try await rows.deleteMessages(to: email, on: connection) }
    }
}
