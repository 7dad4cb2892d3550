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
    /// The last day it existed, if a reorganisation ended it.
    public var validUntil: Date? = nil
    /// The unit that took it over (the primary one, when it was split).
    public var successorID: Int64? = nil

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
        guard !VietnameseText.hasUnitType(self.name), let first = self.kind.first else { return self.name }
        return first.uppercased() + self.kind.dropFirst() + " " + self.name
    }

    /// `tỉnh Ninh Bình`, inside a sentence.
    public var nameInSentence: String { VietnameseText.inSentence(self.fullName) }

    /// The body that speaks for the unit: `Ủy ban nhân dân tỉnh Ninh Bình`.
    public var issuingBody: String { "Ủy ban nhân dân " + self.nameInSentence }

    /// The slug without hyphens, as official domains use it: `hainam`.
    public var compactSlug: String { self.slug.replacingOccurrences(of: "-", with: "") }
}
