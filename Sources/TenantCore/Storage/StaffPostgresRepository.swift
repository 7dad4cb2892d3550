import Foundation
import Logging
import PostgresNIO

/// Rows of staff accounts, their sessions, login attempts and the audit log
/// (`platform.users`, `user_communes`, `sessions`, `login_attempts`,
/// `audit_log`), on the caller's connection.
struct StaffRepository: Sendable {
    let logger: Logger

    static let userColumns = """
        u.id, u.username, u.display_name, u.role, u.scope_unit_id, u.active, u.may_approve,
        coalesce((SELECT array_agg(commune_unit_id) FROM platform.user_communes c WHERE c.user_id = u.id), '{}'),
        u.email, u.must_change_password, u.alerts_off
        """

    typealias UserRow = (Int64, String, String, String, Int64?, Bool, Bool, [Int64], String?, Bool, [String])

    static func user(_ row: UserRow) -> StaffUser {
        let (id, username, name, role, scope, active, approves, communes, email, mustChange, alertsOff) = row
        var user = StaffUser(
            id: id, username: username, displayName: name, role: StaffRole(rawValue: role) ?? .editor,
            scopeUnitID: scope, assignedCommunes: Set(communes), active: active, approves: approves)
        user.email = email
        user.mustChangePassword = mustChange
        user.alertsOff = Set(alertsOff)
        return user
    }

    func decodeUsers(_ rows: PostgresRowSequence) async throws -> [StaffUser] {
        var users: [StaffUser] = []
        for try await row in rows.decode(UserRow.self) { users.append(Self.user(row)) }
        return users
    }

    // MARK: Accounts

    func user(id: Int64, forUpdate: Bool = false, on connection: UnitOfWork) async throws -> StaffUser? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        return try await self.decodeUsers(
            connection.query("SELECT \(unescaped: Self.userColumns) FROM platform.users u WHERE u.id = \(id)\(unescaped: lock)", logger: self.logger)
        ).first
    }

    func user(username: String, on connection: UnitOfWork) async throws -> StaffUser? {
        try await self.decodeUsers(
            connection.query("SELECT \(unescaped: Self.userColumns) FROM platform.users u WHERE u.username = \(username)", logger: self.logger)
        ).first
    }

    func users(on connection: UnitOfWork) async throws -> [StaffUser] {
        try await self.decodeUsers(
            connection.query("SELECT \(unescaped: Self.userColumns) FROM platform.users u ORDER BY u.role, u.username", logger: self.logger))
    }

    /// Inserts an account; nil when the username is taken.
    func insertUser(
        username: String, displayName: String, passwordHash: String, role: StaffRole, scopeUnitID: Int64?, approves: Bool,
        email: String? = nil, mustChangePassword: Bool = false, on connection: UnitOfWork
    ) async throws -> Int64? {
        let rows = try await connection.query(
            """
            INSERT INTO platform.users (username, display_name, password_hash, role, scope_unit_id, may_approve, email, must_change_password)
            VALUES (\(username), \(displayName), \(passwordHash), \(role.rawValue), \(scopeUnitID), \(approves), \(email), \(mustChangePassword))
            ON CONFLICT (username) DO NOTHING RETURNING id
            """, logger: self.logger
        ).collect()
        return try rows.first?.decode(Int64.self)
    }

    /// Replaces the communes assigned to an account with `communeIDs`.
    func replaceCommunes(userID: Int64, communeIDs: [Int64], on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM platform.user_communes WHERE user_id = \(userID) AND NOT (commune_unit_id = ANY(\(communeIDs)))",
            logger: self.logger)
        try await connection.query(
            """
            INSERT INTO platform.user_communes (user_id, commune_unit_id)
            SELECT \(userID), id FROM unnest(\(communeIDs)::int8[]) AS id
            ON CONFLICT DO NOTHING
            """, logger: self.logger)
        try await connection.query("UPDATE platform.users SET updated_at = now() WHERE id = \(userID)", logger: self.logger)
    }

    /// Which of these units are communes with a site.
    func communesWithSites(_ ids: [Int64], on connection: UnitOfWork) async throws -> Set<Int64> {
        var found: Set<Int64> = []
        let rows = try await connection.query("SELECT unit_id FROM platform.tenants WHERE unit_id = ANY(\(ids))", logger: self.logger)
        for try await id in rows.decode(Int64.self) { found.insert(id) }
        return found
    }

    func setActive(userID: Int64, _ active: Bool, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.users SET active = \(active), updated_at = now() WHERE id = \(userID)", logger: self.logger)
    }

    func setPasswordHash(userID: Int64, _ hash: String, mustChange: Bool = false, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.users SET password_hash = \(hash), must_change_password = \(mustChange), updated_at = now()
             WHERE id = \(userID)
            """, logger: self.logger)
    }

    // MARK: E-mail, invitations and resets

    /// Reset requests from an address within the window (recorded among
    /// login attempts under a name no account can have, as succeeded, so
    /// that they never lock a login), after recording this one.
    func countResetRequest(address: String, windowSeconds: Int, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('reset.address:' || \(address), 0))", logger: self.logger)
        try await connection.query(
            "INSERT INTO platform.login_attempts (username, address, succeeded) VALUES ('#reset', \(address), true)", logger: self.logger)
        return try await connection.query(
            """
            SELECT count(*)::int FROM platform.login_attempts
             WHERE username = '#reset' AND address = \(address) AND at > now() - make_interval(secs => \(windowSeconds))
            """, logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// The account named by a login name or an e-mail address.
    func userID(usernameOrEmail text: String, on connection: UnitOfWork) async throws -> Int64? {
        try await connection.query(
            "SELECT id FROM platform.users WHERE username = lower(\(text)) OR lower(email) = lower(\(text)) ORDER BY id LIMIT 1",
            logger: self.logger
        ).collect().first?.decode(Int64.self)
    }

    /// The account using this address (any case), if any.
    func userID(email: String, on connection: UnitOfWork) async throws -> Int64? {
        try await connection.query(
            "SELECT id FROM platform.users WHERE lower(email) = lower(\(email))", logger: self.logger
        ).collect().first?.decode(Int64.self)
    }

    func setEmail(userID: Int64, _ email: String?, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.users SET email = \(email), updated_at = now() WHERE id = \(userID)", logger: self.logger)
    }

    func setAlertsOff(userID: Int64, _ kinds: [String], on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.users SET alerts_off = \(kinds), updated_at = now() WHERE id = \(userID)", logger: self.logger)
    }

    func insertToken(_ token: String, userID: Int64, purpose: String, seconds: Int, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.account_tokens (token_hash, user_id, purpose, expires_at)
            VALUES (sha256(convert_to(\(token), 'UTF8')), \(userID), \(purpose), now() + make_interval(secs => \(seconds)))
            """, logger: self.logger)
    }

    /// The account of a live, unused token of this purpose, locked.
    func tokenUser(_ token: String, purpose: String, on connection: UnitOfWork) async throws -> Int64? {
        try await connection.query(
            """
            SELECT t.user_id FROM platform.account_tokens t JOIN platform.users u ON u.id = t.user_id
             WHERE t.token_hash = sha256(convert_to(\(token), 'UTF8')) AND t.purpose = \(purpose)
               AND t.used_at IS NULL AND t.expires_at > now() AND u.active
               FOR UPDATE OF t
            """, logger: self.logger
        ).collect().first?.decode(Int64.self)
    }

    /// Uses up every open token of the account for this purpose (a newer
    /// link replaces an older one; a used one is spent).
    func spendTokens(userID: Int64, purpose: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.account_tokens SET used_at = now() WHERE user_id = \(userID) AND purpose = \(purpose) AND used_at IS NULL",
            logger: self.logger)
    }

    /// Tokens of this purpose made for the account within the window.
    func recentTokens(userID: Int64, purpose: String, windowSeconds: Int, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            SELECT count(*)::int FROM platform.account_tokens
             WHERE user_id = \(userID) AND purpose = \(purpose) AND created_at > now() - make_interval(secs => \(windowSeconds))
            """, logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    // MARK: Login attempts

    /// Serialises attempts on one account and one address (in that order everywhere: no deadlock).
    func lockLogin(username: String, address: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(hashtextextended('login.account:' || \(username), 0)),
                   pg_advisory_xact_lock(hashtextextended('login.address:' || \(address), 0))
            """, logger: self.logger)
    }

    /// Failed attempts within the window: of the account since its last
    /// success, and of the address.
    func failedAttempts(username: String, address: String, windowSeconds: Int, on connection: UnitOfWork) async throws -> (account: Int, address: Int) {
        try await connection.query(
            """
            SELECT
              (SELECT count(*) FROM platform.login_attempts
                WHERE username = \(username) AND NOT succeeded AND at > now() - make_interval(secs => \(windowSeconds))
                  AND at > coalesce((SELECT max(at) FROM platform.login_attempts WHERE username = \(username) AND succeeded), '-infinity')),
              (SELECT count(*) FROM platform.login_attempts
                WHERE address = \(address) AND NOT succeeded AND at > now() - make_interval(secs => \(windowSeconds)))
            """, logger: self.logger
        ).collect().first?.decode((Int, Int).self) ?? (0, 0)
    }

    /// Records an attempt as failed until its password is found right.
    func insertAttempt(username: String, address: String, on connection: UnitOfWork) async throws -> Int64 {
        try await connection.query(
            """
            INSERT INTO platform.login_attempts (username, address, succeeded)
            VALUES (\(username), \(address), false) RETURNING id
            """, logger: self.logger
        ).collect().first?.decode(Int64.self) ?? 0
    }

    /// The password hash and whether the account is active.
    func credentials(username: String, on connection: UnitOfWork) async throws -> (hash: String, active: Bool)? {
        try await connection.query(
            "SELECT password_hash, active FROM platform.users WHERE username = \(username)", logger: self.logger
        ).collect().first?.decode((String, Bool).self)
    }

    func attemptSucceeded(_ attempt: Int64, username: String, on connection: UnitOfWork) async throws {
        try await connection.query("UPDATE platform.login_attempts SET succeeded = true WHERE id = \(attempt)", logger: self.logger)
        try await connection.query("UPDATE platform.users SET last_login_at = now() WHERE username = \(username)", logger: self.logger)
    }

    // MARK: Sessions

    func insertSession(token: String, userID: Int64, csrf: String, seconds: Int, address: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.sessions (token_hash, user_id, csrf_token, expires_at, address)
            VALUES (sha256(convert_to(\(token), 'UTF8')), \(userID), \(csrf), now() + make_interval(secs => \(seconds)), \(address))
            """, logger: self.logger)
        try await connection.query("DELETE FROM platform.sessions WHERE expires_at < now()", logger: self.logger)
    }

    /// The active user and CSRF token of a live session.
    func session(token: String, on connection: UnitOfWork) async throws -> (user: StaffUser, csrf: String)? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.userColumns), s.csrf_token
              FROM platform.sessions s JOIN platform.users u ON u.id = s.user_id
             WHERE s.token_hash = sha256(convert_to(\(token), 'UTF8')) AND s.expires_at > now() AND u.active
            """, logger: self.logger)
        for try await (id, username, name, role, scope, active, approves, communes, email, mustChange, alertsOff, csrf) in rows.decode(
            (Int64, String, String, String, Int64?, Bool, Bool, [Int64], String?, Bool, [String], String).self)
        {
            return (Self.user((id, username, name, role, scope, active, approves, communes, email, mustChange, alertsOff)), csrf)
        }
        return nil
    }

    func deleteSession(token: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM platform.sessions WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))", logger: self.logger)
    }

    func deleteSessions(userID: Int64, on connection: UnitOfWork) async throws {
        try await connection.query("DELETE FROM platform.sessions WHERE user_id = \(userID)", logger: self.logger)
    }

    // MARK: Audit

    func insertAudit(
        userID: Int64?, username: String, commune: Int?, action: String, detail: String, address: String, on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            INSERT INTO platform.audit_log (user_id, username, commune_code, action, detail, address)
            VALUES (\(userID), \(username), \(commune), \(action), \(detail), \(address))
            """, logger: self.logger)
    }

    func auditLog(communes: [Int]?, limit: Int, on connection: UnitOfWork) async throws -> [AuditEntry] {
        let rows = try await connection.query(
            """
            SELECT at, username, commune_code, action, detail, address FROM platform.audit_log
             WHERE \(communes == nil) OR commune_code = ANY(\(communes ?? []))
             ORDER BY at DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        var entries: [AuditEntry] = []
        for try await (at, username, commune, action, detail, address) in rows.decode((Date, String, Int?, String, String, String).self) {
            entries.append(AuditEntry(at: at, username: username, commune: commune, action: action, detail: detail, address: address))
        }
        return entries
    }
}
