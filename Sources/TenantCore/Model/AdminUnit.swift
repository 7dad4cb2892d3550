import Foundation

/// A level of the administrative hierarchy. Depth varies: since 1 July 2025
/// a commune hangs directly under its province.
public enum UnitLevel: String, Sendable, Codable, CaseIterable {
    case province
    case district
    case commune
}

/// A province, district or commune as the catalogue holds it.
public struct AdminUnit: Sendable, Hashable, Codable {
    /// Row id in `platform.units`.
    public var id: Int64
    public var level: UnitLevel
    /// Official code of the General Statistics Office (unique per level).
    public var code: Int
    public var parentID: Int64?
    /// Official name with its type, NFC: `Xã Hải Nam`, `Tỉnh Nam Định`.
    public var name: String
    /// `xã`, `phường`, `thị trấn`, `đặc khu`, `huyện`, `quận`, `thị xã`, `thành phố`, `tỉnh`.
    public var kind: String
    /// ASCII slug used in host names: `hai-nam`.
    public var slug: String
    /// The unit's own portal, linked from every commune page below it.
    public var portalURL: String?

    public init(
        id: Int64, level: UnitLevel, code: Int, parentID: Int64?, name: String, kind: String, slug: String,
        portalURL: String?
    ) {
        self.id = id
        self.level = level
        self.code = code
        self.parentID = parentID
        self.name = name
        self.kind = kind
        self.slug = slug
        self.portalURL = portalURL
    }

    /// The name with its type, even where the list gives none
    /// (`Ninh Bình` → `Tỉnh Ninh Bình`).
    public var fullName: String {
        guard VietnameseText.splitUnitName(self.name).kind.isEmpty, let first = self.kind.first else { return self.name }
        return first.uppercased() + self.kind.dropFirst() + " " + self.name
    }

    /// `tỉnh Ninh Bình`, inside a sentence.
    public var nameInSentence: String { VietnameseText.inSentence(self.fullName) }

    /// The body that speaks for the unit: `Ủy ban nhân dân tỉnh Ninh Bình`.
    public var issuingBody: String { "Ủy ban nhân dân " + self.nameInSentence }

    /// The slug without hyphens, as official domains use it: `hainam`.
    public var compactSlug: String { self.slug.replacingOccurrences(of: "-", with: "") }
}

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
    }

    public var province: AdminUnit? { self.ancestors.last(where: { $0.level == .province }) }
    public var district: AdminUnit? { self.ancestors.first(where: { $0.level == .district }) }
}
