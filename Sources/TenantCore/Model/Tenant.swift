import Foundation

/// Lifecycle of a commune's site.
public enum TenantStatus: String, Sendable, Codable, CaseIterable {
    /// Served normally.
    case active
    /// Answers 503 with the commune's name (e.g. during a dispute or incident).
    case suspended
    /// No longer published; answers 410.
    case archived

    public var title: String {
        switch self {
        case .active: "Đang hoạt động"
        case .suspended: "Tạm ngừng"
        case .archived: "Đã lưu trữ"
        }
    }
}

/// What a host name does for its commune.
public enum DomainRole: String, Sendable, Codable, CaseIterable {
    /// The official address; exactly one per commune.
    case primary
    /// An old or alternative name that answers 301 to the primary.
    case redirect
    /// A development alias (`*.localhost`) that serves the site directly.
    case dev
}

/// A commune that has a site on the platform, with what a page needs to know
/// about its place in the hierarchy.
public struct Tenant: Sendable, Hashable {
    /// The commune's row id in `platform.units`.
    public let id: Int64
    public let code: Int
    public let schema: SchemaName
    public let name: String
    public let slug: String
    public let status: TenantStatus
    public let statusNote: String
    /// Parent first (district or province), up to the province.
    public let ancestors: [AdminUnit]
    public let primaryHost: Hostname?
    public let contentChangedAt: Date
    /// `xã Hải Nam`: the name inside a sentence (worked out once, when the
    /// directory is loaded, not on every page).
    public let nameInSentence: String
    /// `Huyện Hải Hậu · Tỉnh Nam Định`: the units above it with their types,
    /// as the site's header names them (worked out once, like the name above).
    public let parentLine: String
    /// A commune that no longer exists (the 2025 reorganisation): the
    /// commune whose site keeps it as an archive, under `/luu-tru/<archiveSlug>/`.
    public var successorID: Int64? = nil
    public var archiveSlug: String? = nil
    /// The last day it existed, if it no longer does.
    public var validUntil: Date? = nil

    public init(
        id: Int64, code: Int, schema: SchemaName, name: String, slug: String, status: TenantStatus, statusNote: String,
        ancestors: [AdminUnit], primaryHost: Hostname?, contentChangedAt: Date
    ) {
        self.id = id
        self.code = code
        self.schema = schema
        self.name = name
        self.slug = slug
        self.status = status
        self.statusNote = statusNote
        self.ancestors = ancestors
        self.primaryHost = primaryHost
        self.contentChangedAt = contentChangedAt
        self.nameInSentence = VietnameseText.inSentence(name)
        self.parentLine = ancestors.map(\.fullName).joined(separator: " · ")
    }

    /// Not ended by a reorganisation (nor kept as another site's archive).
    public var isCurrent: Bool { self.validUntil == nil && self.successorID == nil }

    public var province: AdminUnit? { self.ancestors.last(where: { $0.level == .province }) }
    public var district: AdminUnit? { self.ancestors.first(where: { $0.level == .district }) }
}
