import Foundation

/// How host names and portal links are made for new units.
///
/// Patterns use `{commune}`, `{district}` and `{province}`, replaced by the
/// units' slugs without hyphens (`hainam`, `haihau`, `namdinh`), as the
/// official rules write them:
/// - ``pattern``: a commune directly under its province, the 2026 rule
///   `tenphuongxa.tentinhthanh.gov.vn` (Decree 224/2026, Art. 11(4)(c));
/// - ``patternWithDistrict``: a commune of a province that still has
///   districts, the older `<xa>.<huyen>.<tinh>.gov.vn`.
///
/// Development aliases join the hyphenated slugs under ``devSuffix``:
/// `hai-nam.hai-hau.nam-dinh.localhost`, which every browser resolves to the
/// loopback address.
public struct DomainPolicy: Sendable, Equatable {
    public var pattern: String
    public var patternWithDistrict: String
    /// Suffix of development aliases; nil or empty creates none.
    public var devSuffix: String?
    /// Default portal of a province and of a district, same placeholders.
    public var provincePortal: String
    public var districtPortal: String

    public init(
        pattern: String = "{commune}.{province}.gov.vn",
        patternWithDistrict: String = "{commune}.{district}.{province}.gov.vn",
        devSuffix: String? = "localhost",
        provincePortal: String = "https://{province}.gov.vn",
        districtPortal: String = "https://{district}.{province}.gov.vn"
    ) {
        self.pattern = pattern
        self.patternWithDistrict = patternWithDistrict
        self.devSuffix = devSuffix
        self.provincePortal = provincePortal
        self.districtPortal = districtPortal
    }

    /// Reads `DOMAIN_PATTERN`, `DOMAIN_PATTERN_WITH_DISTRICT` and `DEV_DOMAIN_SUFFIX`.
    public init(environment: [String: String]) throws(TenantCoreError) {
        self.init()
        if let value = environment["DOMAIN_PATTERN"], !value.isEmpty { self.pattern = value }
        if let value = environment["DOMAIN_PATTERN_WITH_DISTRICT"], !value.isEmpty { self.patternWithDistrict = value }
        if let value = environment["DEV_DOMAIN_SUFFIX"] { self.devSuffix = value }
        try self.validate()
    }

    /// Checks that the patterns can make unique host names.
    public func validate() throws(TenantCoreError) {
        guard self.pattern.contains("{commune}"), self.pattern.contains("{province}") else {
            throw .invalid("domain pattern \(self.pattern.debugDescription) must contain {commune} and {province}")
        }
        guard self.patternWithDistrict.contains("{commune}"), self.patternWithDistrict.contains("{district}"),
            self.patternWithDistrict.contains("{province}")
        else {
            throw .invalid("domain pattern \(self.patternWithDistrict.debugDescription) must contain {commune}, {district} and {province}")
        }
        _ = try Hostname(validating: self.fill(self.pattern, commune: "a", district: "b", province: "c"))
        _ = try Hostname(validating: self.fill(self.patternWithDistrict, commune: "a", district: "b", province: "c"))
        if let suffix = self.devSuffix, !suffix.isEmpty { _ = try Hostname(validating: "a." + suffix) }
    }

    /// The primary host and the development alias of a commune.
    public func hosts(commune: String, district: String?, province: String) throws(TenantCoreError) -> [(Hostname, DomainRole)] {
        func compact(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "") }
        let official: String
        if let district {
            official = self.fill(self.patternWithDistrict, commune: compact(commune), district: compact(district), province: compact(province))
        } else {
            official = self.fill(self.pattern, commune: compact(commune), district: "", province: compact(province))
        }
        var result: [(Hostname, DomainRole)] = [(try Hostname(validating: official), .primary)]
        if let suffix = self.devSuffix, !suffix.isEmpty {
            let dev = ([commune] + (district.map { [$0] } ?? []) + [province, suffix]).joined(separator: ".")
            result.append((try Hostname(validating: dev), .dev))
        }
        return result
    }

    /// The default portal URL of a province or district.
    public func portal(level: UnitLevel, slug: String, provinceSlug: String) -> String? {
        func compact(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "") }
        switch level {
        case .province: return self.fill(self.provincePortal, commune: "", district: "", province: compact(slug))
        case .district: return self.fill(self.districtPortal, commune: "", district: compact(slug), province: compact(provinceSlug))
        case .commune: return nil
        }
    }

    func fill(_ pattern: String, commune: String, district: String, province: String) -> String {
        pattern.replacingOccurrences(of: "{commune}", with: commune)
            .replacingOccurrences(of: "{district}", with: district)
            .replacingOccurrences(of: "{province}", with: province)
    }
}
