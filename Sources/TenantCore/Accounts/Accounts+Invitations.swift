import Foundation
import Logging

/// Invitations, password resets by e-mail, and the settings a person keeps
/// for their own account (their address, the alerts they receive).
extension Accounts {
    public static let invitationLifetime: Duration = .seconds(7 * 24 * 3600)
    public static let resetLifetime: Duration = .seconds(3600)
    /// Reset links one account may be sent per hour, and requests one address may make.
    public static let resetsPerAccount = 3
    public static let resetsPerAddress = 10

    public enum LinkPurpose: String, Sendable {
        case invitation
        case reset
    }

    /// The account a live link belongs to, for the page that opens it; nil
    /// when the link is unknown, used or expired.
    public func account(forLink token: String, _ purpose: LinkPurpose) async throws(TenantCoreError) -> StaffUser? {
        guard (20...100).contains(token.count) else { return nil }
        return try await self.database.withTransaction { connection in
            guard let id = try await self.rows.tokenUser(token, purpose: purpose.rawValue, on: connection) else { return nil }
            return try await self.rows.user(id: id, on: connection)
        }
    }

    /// Sets the password chosen through a link, spends every link of the
    /// account, and ends all its sessions. Nil when the link is no longer good.
    public func completeLink(
        token: String, _ purpose: LinkPurpose, password: String, address: String
    ) async throws(TenantCoreError) -> StaffUser? {
        try Self.checkPassword(password)
        guard (20...100).contains(token.count) else { return nil }
        let hash = try await self.hash(password)
        return try await self.database.withTransaction { connection in
            guard let id = try await self.rows.tokenUser(token, purpose: purpose.rawValue, on: connection),
                let user = try await self.rows.user(id: id, forUpdate: true, on: connection)
            else { return nil }
            try await self.rows.setPasswordHash(userID: id, hash, on: connection)
            try await self.rows.spendTokens(userID: id, purpose: LinkPurpose.invitation.rawValue, on: connection)
            try await self.rows.spendTokens(userID: id, purpose: LinkPurpose.reset.rawValue, on: connection)
            try await self.rows.deleteSessions(userID: id, on: connection)
            try await self.record(
                purpose == .invitation ? "invitation.accept" : "password.reset.link", about: id,
                by: AuditActor(user: user, address: address), on: connection)
            return user
        }
    }

    /// "Quên mật khẩu": sends a reset link to the account named by a login
    /// name or address, if there is one with an address. The caller shows
    /// the same answer either way; at most ``resetsPerAccount`` links an
    /// hour per account, ``resetsPerAddress`` requests per address.
    public func requestPasswordReset(_ identifier: String, address: String, consoleURL: String) async throws(TenantCoreError) {
        let text = String(identifier.trimmingCharacters(in: .whitespaces).prefix(254))
        let address = String(address.prefix(64))
        let (perAccount, perAddress) = (Self.resetsPerAccount, Self.resetsPerAddress)
        try await self.database.withTransaction { connection in
            let requests = try await self.rows.countResetRequest(address: address, windowSeconds: 3600, on: connection)
            guard requests <= perAddress, !text.isEmpty, !VietnameseText.hasControlCharacters(text),
                let id = try await self.rows.userID(usernameOrEmail: text, on: connection),
                let user = try await self.rows.user(id: id, forUpdate: true, on: connection), user.active,
                let email = user.email.flatMap(EmailAddress.init),
                try await self.rows.recentTokens(userID: id, purpose: LinkPurpose.reset.rawValue, windowSeconds: 3600, on: connection) < perAccount
            else {
                self.logger.info("password reset not sent", metadata: ["address": "\(address)"])
                return
            }
            try await self.writeReset(for: user, to: email, consoleURL: consoleURL, byAdministrator: nil, on: connection)
            try await self.record("password.reset.request", about: id, by: AuditActor(user: user, address: address), on: connection)
        }
    }

    /// An administrator sends a reset link to an account they manage
    /// (setting its address first, if given): nobody types another's password.
    public func sendPasswordReset(userID: Int64, email rawEmail: String?, consoleURL: String, by actor: AuditActor) async throws(TenantCoreError) {
        try await self.database.withTransaction { connection in
            guard var user = try await self.rows.user(id: userID, forUpdate: true, on: connection) else {
                throw TenantCoreError.notFound("account \(userID) does not exist")
            }
            if let rawEmail, !rawEmail.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let email = EmailAddress(rawEmail) else { throw TenantCoreError.invalid("not an e-mail address", field: .email) }
                if email.value.lowercased() != user.email?.lowercased() {
                    if let other = try await self.rows.userID(email: email.value, on: connection), other != userID {
                        throw TenantCoreError.conflict("another account uses \(email.value)", field: .email)
                    }
                    try await self.rows.setEmail(userID: userID, email.value, on: connection)
                    user.email = email.value
                }
            }
            guard let email = user.email.flatMap(EmailAddress.init) else {
                throw TenantCoreError.invalid("the account has no e-mail address", field: .email)
            }
            try await self.writeReset(for: user, to: email, consoleURL: consoleURL, byAdministrator: actor.user?.displayName, on: connection)
            try await self.record("password.reset.send", about: userID, by: actor, on: connection)
        }
    }

    func writeReset(for user: StaffUser, to email: EmailAddress, consoleURL: String, byAdministrator: String?, on connection: UnitOfWork) async throws {
        let token = Self.randomToken()
        let seconds = Int(Self.resetLifetime.components.seconds)
        try await self.rows.spendTokens(userID: user.id, purpose: LinkPurpose.reset.rawValue, on: connection)
        try await self.rows.insertToken(token, userID: user.id, purpose: LinkPurpose.reset.rawValue, seconds: seconds, on: connection)
        var mail = MailTemplates.passwordReset(
            to: email, name: user.displayName, username: user.username, link: "\(consoleURL)/dat-lai/\(token)",
            expires: Date().addingTimeInterval(TimeInterval(seconds)), byAdministrator: byAdministrator)
        // An editor's message is about their commune: that province's operators see it.
        if user.role == .editor, let scope = user.scopeUnitID {
            mail.commune = try await Catalogue(logger: self.logger).unit(id: scope, on: connection)?.code
        }
        try await MailRepository(logger: self.logger).insert(mail, on: connection)
    }

    /// A person's own settings: their address and the alerts they switched off.
    public func updateOwnSettings(userID: Int64, email rawEmail: String, alertsOff: Set<MailKind>, address: String) async throws(TenantCoreError) {
        let trimmed = rawEmail.trimmingCharacters(in: .whitespaces)
        var email: EmailAddress?
        if !trimmed.isEmpty {
            guard let parsed = EmailAddress(trimmed) else { throw .invalid("not an e-mail address", field: .email) }
            email = parsed
        }
        let kinds = alertsOff.filter { MailKind.alerts.contains($0) }.map(\.rawValue).sorted()
        try await self.database.withTransaction { connection in
            guard let user = try await self.rows.user(id: userID, forUpdate: true, on: connection) else { return }
            if let email, let other = try await self.rows.userID(email: email.value, on: connection), other != userID {
                throw TenantCoreError.conflict("another account uses \(email.value)", field: .email)
            }
            try await self.rows.setEmail(userID: userID, email?.value, on: connection)
            try await self.rows.setAlertsOff(userID: userID, kinds, on: connection)
            try await self.record("account.settings", about: userID, by: AuditActor(user: user, address: address), on: connection)
        }
    }
}
