import Foundation

/// What a member of staff may do (DESIGN.md, "Who uses it").
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    /// Province operator: every commune (or every commune of one province).
    case province
    /// District admin: the communes under a district, or those a two-level
    /// province assigns.
    case district
    /// Commune editor: one commune.
    case editor

    public var title: String {
        switch self {
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
    /// The unit the role is bound to: a province (or none: everything) for
    /// an operator, a district or province for an admin, a commune for an editor.
    public var scopeUnitID: Int64?
    /// Communes assigned one by one (district admins of two-level provinces).
    public var assignedCommunes: Set<Int64>
    public var active: Bool

    public init(
        id: Int64, username: String, displayName: String, role: StaffRole, scopeUnitID: Int64?,
        assignedCommunes: Set<Int64>, active: Bool
    ) {
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
        case .province:
            guard let scope = self.scopeUnitID else { return true }
            return tenant.ancestors.contains { $0.id == scope }
        case .district:
            if self.assignedCommunes.contains(tenant.id) { return true }
            guard let scope = self.scopeUnitID else { return false }
            return tenant.ancestors.contains { $0.id == scope && $0.level == .district }
        case .editor:
            return self.scopeUnitID == tenant.id
        }
    }

    /// What the console shows beside the name.
    public var roleTitle: String {
        switch self.role {
        case .province: self.scopeUnitID == nil ? "Quản trị toàn hệ thống" : "Quản trị cấp tỉnh"
        case .district: self.assignedCommunes.isEmpty ? "Quản trị cấp huyện" : "Quản trị các xã được phân công"
        case .editor: "Biên tập viên cấp xã"
        }
    }

    /// Whether this person works across communes (the platform console).
    public var isAdministrator: Bool { self.role != .editor }
}
