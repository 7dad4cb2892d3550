import Logging

/// Who changes something, for the audit log: a staff member in the console
/// (with the address the request came from) or the provisioner on the
/// command line. Operations that take one write their audit entry in the
/// same transaction as the change: there is never a change without its
/// entry, nor an entry for a change that was rolled back.
public struct AuditActor: Sendable {
    public var user: StaffUser?
    public var address: String

    public init(user: StaffUser?, address: String) {
        self.user = user
        self.address = address
    }

    public static func staff(_ user: StaffUser, address: String) -> AuditActor {
        AuditActor(user: user, address: address)
    }

    /// `provisioner` on the command line.
    public static let provisioner = AuditActor(user: nil, address: "")

    /// Writes the entry on the caller's connection (inside its transaction).
    func record(_ action: String, commune: Int?, detail: String, on connection: UnitOfWork, logger: Logger) async throws {
        try await StaffRepository(logger: logger).insertAudit(
            userID: self.user?.id, username: self.user?.username ?? "provisioner", commune: commune, action: action, detail: detail,
            address: self.address, on: connection)
        logger.info("audit", metadata: ["user": "\(self.user?.username ?? "provisioner")", "commune": "\(commune.map(String.init) ?? "-")", "action": "\(action)"])
    }
}
