import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import Synchronization

/// Why a login was refused.
public enum LoginRefusal: Error, Sendable, Equatable {
    case wrongCredentials
    case accountLocked(minutes: Int)
    case addressLocked(minutes: Int)
}

/// Staff accounts, sessions stored in PostgreSQL (they survive restarts and
/// work across host processes), login throttling and the audit log.
public struct Accounts: Sendable {
    public let database: TenantDatabase
    let logger: Logger
    /// bcrypt cost; 12 by default (about a quarter of a second per hash here).
    public let cost: UInt8
    /// Failed logins of one account within `window` before it is locked.
    public var accountLimit = 5
    /// Failed logins from one address within `window` before it is locked.
    public var addressLimit = 20
    public var window: Duration = .seconds(15 * 60)
    public var sessionLifetime: Duration = .seconds(8 * 3600)

    public init(database: TenantDatabase, cost: UInt8 = 12, logger: Logger) {
        self.database = database
        self.cost = cost
        self.logger = logger
    }

    // MARK: Users

    var rows: StaffRepository { StaffRepository(logger: self.logger) }

    /// Creates an account. `scope` is the unit the role is bound to (see ``StaffRole``).
    ///
    /// Without a password, the account gets an invitation: a single-use
    /// link under `consoleURL`, sent to `email`, where its owner sets the
    /// password (``acceptInvitation(token:password:address:)``); nobody else
    /// ever knows it. With one, `mustChangePassword` makes the console ask
    /// for a new one at the first login.
    public func createUser(
        username rawUsername: String, displayName rawName: String, password: String?, role: StaffRole,
        scope: (level: UnitLevel, code: Int)?, communes: [Int] = [], approves: Bool = false, email rawEmail: String? = nil,
        consoleURL: String? = nil, mustChangePassword: Bool = false, by actor: AuditActor? = nil
    ) async throws(TenantCoreError) -> StaffUser {
        let username = rawUsername.lowercased().trimmingCharacters(in: .whitespaces)
        guard username.range(of: "^[a-z0-9][a-z0-9._-]{2,63}$", options: .regularExpression) != nil else {
            throw .invalid("username \(rawUsername.debugDescription) must be 3 to 64 lower-case letters, digits, '.', '_' or '-'", field: .username)
        }
        let displayName = VietnameseText.nfc(rawName.trimmingCharacters(in: .whitespaces))
        guard !displayName.isEmpty, displayName.count <= 120, !VietnameseText.hasControlCharacters(displayName) else { throw .invalid("a display name of 1 to 120 characters is needed", field: .displayName) }
        if let password { try Self.checkPassword(password) }
        var email: EmailAddress?
        if let rawEmail, !rawEmail.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let parsed = EmailAddress(rawEmail) else { throw .invalid("\(rawEmail.prefix(80).debugDescription) is not an e-mail address", field: .email) }
            email = parsed
        }
        if password == nil && (email == nil || consoleURL == nil) {
            throw .invalid("an account without a password needs an e-mail address for its invitation", field: .email)
        }
        switch (role, scope?.level) {
        case (.platform, nil), (.province, .province?), (.district, .district?), (.district, .province?), (.editor, .commune?):
            break
        default:
            let bound = switch role {
            case .platform: "to nothing (it runs every province)"
            case .province: "to a province"
            case .district: "to a district (or a province, with --commune assignments)"
            case .editor: "to a commune"
            }
            throw TenantCoreError(.invalidInput, "a \(role.rawValue) account is bound \(bound), not to \(scope.map { "\($0.level.rawValue) \($0.code)" } ?? "nothing")", field: .scope)
        }
        // An invited account's password is a random one nobody is told.
        let hash = try await self.hash(password ?? Self.randomToken())
        let invitation = password == nil ? Self.randomToken() : nil
        let catalogue = Catalogue(logger: self.logger)
        return try await self.database.withTransaction { connection in
            var scopeID: Int64?
            var scopeName = "toàn hệ thống"
            if let scope {
                guard let unit = try await catalogue.unit(scope.level, code: scope.code, on: connection) else {
                    throw TenantCoreError.notFound("\(scope.level.rawValue) \(scope.code) is not in the catalogue")
                }
                scopeID = unit.id
                scopeName = unit.name
            }
            if let email, try await self.rows.userID(email: email.value, on: connection) != nil {
                throw TenantCoreError.conflict("another account uses \(email.value)", field: .email)
            }
            var communeIDs: [Int64] = []
            for code in communes {
                guard let unit = try await catalogue.unit(.commune, code: code, on: connection) else {
                    throw TenantCoreError.notFound("commune \(code) is not in the catalogue")
                }
                communeIDs.append(unit.id)
            }
            guard let id = try await self.rows.insertUser(
                username: username, displayName: displayName, passwordHash: hash, role: role, scopeUnitID: scopeID,
                approves: role == .editor && approves, email: email?.value, mustChangePassword: password != nil && mustChangePassword,
                on: connection)
            else {
                throw TenantCoreError.conflict("the username \(username) is taken", field: .username)
            }
            if let invitation, let email, let consoleURL {
                let seconds = Int(Self.invitationLifetime.components.seconds)
                try await self.rows.insertToken(invitation, userID: id, purpose: "invitation", seconds: seconds, on: connection)
                try await MailRepository(logger: self.logger).insert(
                    MailTemplates.invitation(
                        to: email, name: displayName, username: username, role: role, unit: scopeName,
                        invitedBy: actor?.user?.displayName ?? "Quản trị hệ thống", link: "\(consoleURL)/moi/\(invitation)",
                        expires: Date().addingTimeInterval(TimeInterval(seconds)), commune: role == .editor ? scope?.code : nil),
                    on: connection)
            }
            try await self.rows.replaceCommunes(userID: id, communeIDs: communeIDs, on: connection)
            try await actor?.record(
                "user.create", commune: role == .editor ? scope?.code : nil, detail: "\(username) (\(role.rawValue))", on: connection,
                logger: self.logger)
            var user = StaffUser(
                id: id, username: username, displayName: displayName, role: role, scopeUnitID: scopeID,
                assignedCommunes: Set(communeIDs), active: true, approves: role == .editor && approves)
            user.email = email?.value
            user.mustChangePassword = password != nil && mustChangePassword
            return user
        }
    }

    /// How many characters a password may have.
    public static let passwordLength = 10...200

    static func checkPassword(_ password: String) throws(TenantCoreError) {
        guard Self.passwordLength.contains(password.count) else {
            throw .invalid("a password needs 10 to 200 characters", field: .password)
        }
    }

    public func user(id: Int64) async throws(TenantCoreError) -> StaffUser? {
        try await self.database.withConnection { connection in try await self.rows.user(id: id, on: connection) }
    }

    /// Every account, for the console's user list (filtered there by scope).
    public func users() async throws(TenantCoreError) -> [StaffUser] {
        try await self.database.withConnection { connection in try await self.rows.users(on: connection) }
    }

    /// Sets the communes a district admin manages besides their district
    /// (how a province without districts delegates): exactly these communes
    /// (unit ids of communes with a site; a code could name another commune
    /// after the reorganisation).
    public func setCommunes(userID: Int64, communeIDs: [Int64], by actor: AuditActor? = nil) async throws(TenantCoreError) -> StaffUser {
        let ids = Array(Set(communeIDs)).sorted()
        guard ids.count <= 5_000 else { throw .invalid("at most 5,000 communes per account") }
        let staff = self.rows
        return try await self.database.withTransaction { connection in
            guard let user = try await staff.user(id: userID, forUpdate: true, on: connection) else {
                throw TenantCoreError.notFound("account \(userID) does not exist")
            }
            guard user.role == .district else {
                throw TenantCoreError.invalid("only district admins are assigned communes; \(user.username) is \(user.role.rawValue)", field: .scope)
            }
            let known = try await staff.communesWithSites(ids, on: connection)
            if let missing = ids.first(where: { !known.contains($0) }) {
                throw TenantCoreError.notFound("unit \(missing) is not a commune with a site on this platform", field: .code)
            }
            try await staff.replaceCommunes(userID: userID, communeIDs: ids, on: connection)
            var updated = user
            updated.assignedCommunes = Set(ids)
            if let actor {
                let catalogue = Catalogue(logger: self.logger)
                func codes(_ ids: Set<Int64>) async throws -> String {
                    var codes: [Int] = []
                    for id in ids { if let unit = try await catalogue.unit(id: id, on: connection) { codes.append(unit.code) } }
                    return codes.sorted().map(String.init).joined(separator: ",")
                }
                let added = try await codes(updated.assignedCommunes.subtracting(user.assignedCommunes))
                let removed = try await codes(user.assignedCommunes.subtracting(updated.assignedCommunes))
                try await actor.record(
                    "user.communes", commune: nil, detail: "\(user.username): +[\(added)] -[\(removed)], \(ids.count) in all", on: connection,
                    logger: self.logger)
            }
            return updated
        }
    }

    /// Locks (ending its sessions) or unlocks an account.
    public func setActive(userID: Int64, _ active: Bool, by actor: AuditActor? = nil) async throws(TenantCoreError) {
        try await self.database.withTransaction { connection in
            try await self.rows.setActive(userID: userID, active, on: connection)
            if !active { try await self.rows.deleteSessions(userID: userID, on: connection) }
            try await self.record(active ? "user.unlock" : "user.lock", about: userID, by: actor, on: connection)
        }
    }

    /// Why a password is set: its owner changed it, or an admin reset it.
    public enum PasswordChange: String, Sendable {
        case change = "password.change"
        case reset = "password.reset"
    }

    /// Sets a password and ends every session of the account.
    public func setPassword(
        userID: Int64, _ password: String, _ why: PasswordChange = .reset, by actor: AuditActor? = nil
    ) async throws(TenantCoreError) {
        try Self.checkPassword(password)
        let hash = try await self.hash(password)
        try await self.database.withTransaction { connection in
            // Someone else's password for the account is to be replaced at its next login.
            try await self.rows.setPasswordHash(userID: userID, hash, mustChange: why == .reset, on: connection)
            try await self.rows.deleteSessions(userID: userID, on: connection)
            try await self.record(why.rawValue, about: userID, by: actor, on: connection)
        }
    }

    /// The audit entry of a change to an account, naming the account (and
    /// an editor's commune).
    func record(_ action: String, about userID: Int64, by actor: AuditActor?, on connection: UnitOfWork) async throws {
        guard let actor, let user = try await self.rows.user(id: userID, forUpdate: false, on: connection) else { return }
        var commune: Int?
        if user.role == .editor, let scope = user.scopeUnitID {
            commune = try await Catalogue(logger: self.logger).unit(id: scope, on: connection)?.code
        }
        try await actor.record(action, commune: commune, detail: user.username, on: connection, logger: self.logger)
    }

    // MARK: Login

    /// Checks a username and password, throttled per account and per address.
    ///
    /// The throttle's check and the record of the attempt happen together,
    /// under advisory locks on the account and the address, before bcrypt
    /// runs: of any number of parallel attempts, at most the limit are
    /// checked. An attempt counts as failed until its password is found
    /// right. An unknown name costs the same as a wrong password (a dummy
    /// hash of the same cost is checked).
    public func authenticate(
        username rawUsername: String, password: String, address: String
    ) async throws(TenantCoreError) -> Result<StaffUser, LoginRefusal> {
        // A name no account can have (a NUL, other bytes PostgreSQL refuses)
        // is still an attempt from this address, under a name that is no one's.
        let typed = rawUsername.lowercased().trimmingCharacters(in: .whitespaces)
        let username = typed.range(of: "^[a-z0-9][a-z0-9._-]{2,63}$", options: .regularExpression) != nil ? typed : "-"
        let address = String(address.prefix(64))
        let windowSeconds = Int(self.window.components.seconds)
        let minutes = Int(self.window.components.seconds / 60)
        let (accountLimit, addressLimit) = (self.accountLimit, self.addressLimit)
        let admitted: Result<(attempt: Int64, stored: (String, Bool)?), LoginRefusal> = try await self.database.withTransaction { connection in
            try await self.rows.lockLogin(username: username, address: address, on: connection)
            let counts = try await self.rows.failedAttempts(username: username, address: address, windowSeconds: windowSeconds, on: connection)
            if counts.address >= addressLimit { return .failure(.addressLocked(minutes: minutes)) }
            if counts.account >= accountLimit { return .failure(.accountLocked(minutes: minutes)) }
            let attempt = try await self.rows.insertAttempt(username: username, address: address, on: connection)
            let user = try await self.rows.credentials(username: username, on: connection).map { ($0.hash, $0.active) }
            return .success((attempt, user))
        }
        let attempt: Int64
        let stored: (String, Bool)?
        switch admitted {
        case .failure(let refusal): return .failure(refusal)
        case .success(let admitted): (attempt, stored) = admitted
        }
        let hash: String
        if let known = stored?.0 { hash = known } else { hash = try await self.dummyHash() }
        let matches = try await self.verify(password, hash: hash)
        let ok = matches && stored?.1 == true
        try await self.database.withTransaction { connection in
            if ok {
                try await self.rows.attemptSucceeded(attempt, username: username, on: connection)
            } else {
                try await self.rows.insertAudit(
                    userID: nil, username: username, commune: nil, action: "login.failed", detail: "", address: address, on: connection)
            }
        }
        guard ok else { return .failure(.wrongCredentials) }
        let user = try await self.database.withConnection { connection in try await self.rows.user(username: username, on: connection) }
        guard let user else { return .failure(.wrongCredentials) }
        return .success(user)
    }

    // MARK: Sessions

    /// Starts a session; returns the token for the cookie and the CSRF token for forms.
    public func startSession(for user: StaffUser, address: String) async throws(TenantCoreError) -> (token: String, csrf: String) {
        let token = Self.randomToken()
        let csrf = Self.randomToken()
        let seconds = Int(self.sessionLifetime.components.seconds)
        try await self.database.withConnection { connection in
            try await self.rows.insertSession(token: token, userID: user.id, csrf: csrf, seconds: seconds, address: address, on: connection)
        }
        return (token, csrf)
    }

    /// The user and CSRF token of a live session, or nil.
    public func session(token: String) async throws(TenantCoreError) -> (user: StaffUser, csrf: String)? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await self.database.withConnection(retryingReads: true) { connection in
            try await self.rows.session(token: token, on: connection)
        }
    }

    public func endSession(token: String) async throws(TenantCoreError) {
        try await self.database.withConnection { connection in try await self.rows.deleteSession(token: token, on: connection) }
    }

    // MARK: Audit

    /// Records who did what, when, to which commune.
    /// - Parameters:
    ///   - actor: who acted when it is not a member of staff (`người dân`, `provisioner`).
    public func audit(
        _ user: StaffUser?, actor: String = "provisioner", commune: Int?, action: String, detail: String = "",
        address: String = "", on connection: UnitOfWork? = nil
    ) async throws(TenantCoreError) {
        let rows = self.rows
        @Sendable func insert(_ connection: UnitOfWork) async throws {
            try await rows.insertAudit(
                userID: user?.id, username: user?.username ?? actor, commune: commune, action: action, detail: detail, address: address,
                on: connection)
        }
        if let connection {
            do {
                try await insert(connection)
            } catch {
                throw TenantDatabase.map(error)
            }
        } else {
            try await self.database.withConnection { connection in try await insert(connection) }
        }
        self.logger.info(
            "audit", metadata: ["user": "\(user?.username ?? "-")", "commune": "\(commune.map(String.init) ?? "-")", "action": "\(action)"])
    }

    /// The latest audit entries, optionally of some communes only.
    public func auditLog(communes: [Int]?, limit: Int = 200) async throws(TenantCoreError) -> [AuditEntry] {
        try await self.database.withConnection { connection in try await self.rows.auditLog(communes: communes, limit: limit, on: connection) }
    }

    // MARK: Crypto

    func hash(_ password: String) async throws(TenantCoreError) -> String {
        let cost = self.cost
        do {
            return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        } catch {
            throw TenantCoreError(.io, "cannot hash the password", underlying: error)
        }
    }

    func verify(_ password: String, hash: String) async throws(TenantCoreError) -> Bool {
        do {
            return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        } catch {
            throw TenantCoreError(.io, "cannot check the password", underlying: error)
        }
    }

    /// A real bcrypt hash of nothing anybody types, of this instance's
    /// cost, made once per cost: what an unknown name is checked against.
    func dummyHash() async throws(TenantCoreError) -> String {
        if let hash = Self.dummyHashes.withLock({ $0[self.cost] }) { return hash }
        let hash = try await self.hash(Self.randomToken())
        return Self.dummyHashes.withLock { hashes in
            if let existing = hashes[self.cost] { return existing }
            hashes[self.cost] = hash
            return hash
        }
    }

    private static let dummyHashes = Mutex<[UInt8: String]>([:])

    /// Makes the dummy hash now, so that the first login with an unknown
    /// name does not pay for making it (a timing difference of its own).
    public func prepare() async {
        _ = try? await self.dummyHash()
    }

    /// 32 random bytes, base64url.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

public struct AuditEntry: Sendable, Hashable {
    public var at: Date
    public var username: String
    public var commune: Int?
    public var action: String
    public var detail: String
    public var address: String
}
