import Foundation

/// What a member of staff may do (DESIGN.md, "Who uses it").
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    /// The platform's operator: every province. Created only from the
    /// command line (`provisioner user add --role platform`), never from
    /// the console, and audited there.
    case platform
    /// Province operator: every commune of one province.
    case province
    /// District admin: the communes under a district, or those a two-level
    /// province assigns.
    case district
    /// Commune editor: one commune.
    case editor

    public var title: String {
        switch self {
        case .platform: "Quản trị toàn hệ thống"
        case .province: "Quản trị cấp tỉnh"
        case .district: "Quản trị cấp huyện"
        case .editor: "Biên tập viên cấp xã"
        }
    }
}

/// A member of staff with the scope of their role.
public struct StaffUser: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: StaffRole
    /// The unit the role is bound to: none for the platform role, a province
    /// for an operator, a district or province for an admin, a commune for an editor.
    public var scopeUnitID: Int64?
    /// Communes assigned one by one (district admins of two-level provinces).
    public var assignedCommunes: Set<Int64>
    public var active: Bool
    /// A commune editor who also approves and publishes items (the
    /// approver); without it the editor writes and submits (the author).
    /// Staff above the commune approve for the communes they manage.
    public var approves: Bool
    /// Where invitations, password resets and alerts go (nil: none can be sent).
    public var email: String?
    /// Someone else typed the password (the command line): the console asks for a new one first.
    public var mustChangePassword = false
    /// Alerts (``MailKind/alerts``) this person switched off.
    public var alertsOff: Set<String> = []

    public init(
        id: Int64, username: String, displayName: String, role: StaffRole, scopeUnitID: Int64?,
        assignedCommunes: Set<Int64>, active: Bool, approves: Bool = false
    ) {
        self.approves = approves
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.scopeUnitID = scopeUnitID
        self.assignedCommunes = assignedCommunes
        self.active = active
    }

    /// Whether this person may work on the commune `tenant`.
    public func mayManage(_ tenant: Tenant) -> Bool {
        guard self.active else { return false }
        switch self.role {
        case .platform:
            return true
        case .province:
            guard let scope = self.scopeUnitID else { return false }
            return tenant.ancestors.contains { $0.id == scope }
        case .district:
            if self.assignedCommunes.contains(tenant.id) { return true }
            guard let scope = self.scopeUnitID else { return false }
            return tenant.ancestors.contains { $0.id == scope && $0.level == .district }
        case .editor:
            return self.scopeUnitID == tenant.id
        }
    }

    /// Whether this person may approve, publish, unpublish and restore
    /// from the trash the items of `tenant`.
    public func mayApprove(_ tenant: Tenant) -> Bool {
        self.mayManage(tenant) && (self.role != .editor || self.approves)
    }

    /// What the console shows beside the name.
    public var roleTitle: String {
        switch self.role {
        case .platform: "Quản trị toàn hệ thống"
        case .province: "Quản trị cấp tỉnh"
        case .district: self.assignedCommunes.isEmpty ? "Quản trị cấp huyện" : "Quản trị các xã được phân công"
        case .editor: self.approves ? "Người duyệt bài cấp xã" : "Người viết bài cấp xã"
        }
    }

    /// Whether this person works across communes (the platform console).
    public var isAdministrator: Bool { self.role != .editor }

    /// A province operator or the platform's: creates communes, district
    /// admins, province announcements and notices.
    public var isOperator: Bool { self.role == .province || self.role == .platform }

    /// Whether this person's reach includes the province (or district) unit
    /// `unitID`: the platform role every unit, a province operator its own
    /// province and the districts in it.
    public func reaches(unit unitID: Int64, in units: [Int64: AdminUnit]) -> Bool {
        guard self.active else { return false }
        switch self.role {
        case .platform:
            return true
        case .province:
            guard let scope = self.scopeUnitID else { return false }
            return unitID == scope || units[unitID]?.parentID == scope
        case .district, .editor:
            return false
        }
    }

    /// The provinces this person publishes announcements and notices for:
    /// every one for the platform role, their own for a province operator.
    public func provinces(in units: [Int64: AdminUnit]) -> [AdminUnit] {
        switch self.role {
        case .platform:
            return units.values.filter { $0.level == .province && $0.validUntil == nil }.sorted { $0.code < $1.code }
        case .province:
            guard let scope = self.scopeUnitID, let unit = units[scope] else { return [] }
            return [unit.level == .province ? unit : unit.parentID.flatMap { units[$0] } ?? unit]
        case .district, .editor:
            return []
        }
    }

    /// Whether this person may manage the account `other` (lock, reset its
    /// password, assign communes): editors of their communes; for operators,
    /// the district admins of their province too; for the platform role,
    /// province operators as well. Nobody manages a platform account from
    /// the console, nor their own.
    public func mayManage(account other: StaffUser, tenants: [Int64: Tenant], units: [Int64: AdminUnit]) -> Bool {
        guard other.id != self.id else { return false }
        switch other.role {
        case .editor:
            guard let id = other.scopeUnitID, let tenant = tenants[id] else { return self.role == .platform }
            return self.mayManage(tenant)
        case .district:
            guard self.isOperator, let scope = other.scopeUnitID, self.reaches(unit: scope, in: units) else { return false }
            // Every commune assigned to the account must be this operator's too.
            return other.assignedCommunes.allSatisfy { id in tenants[id].map(self.mayManage) ?? false }
        case .province:
            return self.role == .platform
        case .platform:
            return false
        }
    }
}
