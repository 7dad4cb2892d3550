import Foundation

/// A province or district to create (or find) before its communes.
public struct UnitSpec: Sendable, Hashable {
    public var level: UnitLevel
    public var code: Int
    public var name: String
    public var kind: String
    public var slug: String
    /// Code of the parent province, for a district.
    public var parentCode: Int?
    public var portalURL: String?
    /// The official list it is from: 2024 or 2025.
    public var list: Int

    public init(
        level: UnitLevel, code: Int, name: String, kind: String, slug: String, parentCode: Int?, portalURL: String?, list: Int = 2024
    ) {
        self.list = list
        self.level = level
        self.code = code
        self.name = name
        self.kind = kind
        self.slug = slug
        self.parentCode = parentCode
        self.portalURL = portalURL
    }
}

/// A commune to provision.
public struct CommuneSpec: Sendable, Hashable {
    public var code: Int
    public var name: String
    public var kind: String
    public var slug: String
    public var provinceCode: Int
    /// Nil for communes of a two-level province (the 2025 list).
    public var districtCode: Int?
    /// Where it came from, for error messages: `vn-admin-units-2024.csv:12345`.
    public var source: String
    /// The official list it is from: 2024 (with districts) or 2025.
    public var list: Int
    /// The cluster to create its schema on (nil: the open one with the fewest communes).
    public var shard: ShardName?

    public init(
        code: Int, name: String, kind: String, slug: String, provinceCode: Int, districtCode: Int?, source: String, list: Int? = nil
    ) {
        self.list = list ?? (districtCode == nil ? 2025 : 2024)
        self.code = code
        self.name = name
        self.kind = kind
        self.slug = slug
        self.provinceCode = provinceCode
        self.districtCode = districtCode
        self.source = source
    }

    public var parentLevel: UnitLevel { self.districtCode == nil ? .province : .district }
    public var parentCode: Int { self.districtCode ?? self.provinceCode }
}

/// An official list of administrative units, as published by the General
/// Statistics Office: the 2024 list (province → district → commune) or the
/// 2025 list (province → commune), validated and with unique slugs.
public struct AdminList: Sendable {
    public enum Format: String, Sendable {
        /// With districts (before 1 July 2025).
        case threeLevel = "3-level"
        /// Without districts (from 1 July 2025).
        case twoLevel = "2-level"
    }

    public var format: Format
    /// The year of the list: 2024 (three levels) or 2025.
    public var year: Int { self.format == .threeLevel ? 2024 : 2025 }
    public var provinces: [UnitSpec]
    public var districts: [UnitSpec]
    public var communes: [CommuneSpec]

    static let requiredTwoLevel = ["province_code", "province_name", "commune_code", "commune_name"]
    static let requiredThreeLevel = ["province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name"]

    /// Reads and validates a CSV file. Nothing is changed anywhere; every
    /// problem names the line it is on.
    public static func read(path: String) throws(TenantCoreError) -> AdminList {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TenantCoreError(.io, "cannot read \(path): \(error.localizedDescription)", underlying: error)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid("\(path) is not UTF-8 text")
        }
        return try self.parse(text, source: URL(fileURLWithPath: path).lastPathComponent)
    }

    /// Parses CSV text (see ``read(path:)``).
    public static func parse(_ text: String, source: String) throws(TenantCoreError) -> AdminList {
        let records = try CSV.parse(text, source: source)
        guard let header = records.first else { throw .invalid("\(source) is empty") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let format: Format = columns.contains("district_code") || columns.contains("district_name") ? .threeLevel : .twoLevel
        let required = format == .threeLevel ? requiredThreeLevel : requiredTwoLevel
        let missing = required.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw .invalid(
                "\(source):\(header.line): missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")); the header has: \(columns.joined(separator: ","))")
        }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var provinces: [Int: UnitSpec] = [:]
        var districts: [Int: UnitSpec] = [:]
        var communes: [CommuneSpec] = []
        var seenCommunes: [Int: Int] = [:]
        var shortNames: [Int: String] = [:]
        for record in records.dropFirst() {
            let at = "\(source):\(record.line)"
            guard record.fields.count == columns.count else {
                throw .invalid("\(at): expected \(columns.count) fields, found \(record.fields.count)")
            }
            func field(_ name: String) -> String {
                guard let i = index[name] else { return "" }
                return VietnameseText.nfc(record.fields[i].trimmingCharacters(in: .whitespaces))
            }
            func code(_ name: String) throws(TenantCoreError) -> Int {
                let raw = field(name)
                guard let value = Int(raw), value > 0, value <= 99_999_999 else {
                    throw .invalid("\(at): \(name) must be a positive whole number, found \(raw.isEmpty ? "nothing" : raw.debugDescription)")
                }
                return value
            }
            func name(_ column: String) throws(TenantCoreError) -> String {
                let value = field(column)
                guard !value.isEmpty else { throw .invalid("\(at): \(column) is empty") }
                guard value.count <= 200, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw .invalid("\(at): \(column) is not a valid name")
                }
                return value
            }

            let provinceCode = try code("province_code")
            let provinceName = try name("province_name")
            if let known = provinces[provinceCode] {
                guard known.name == provinceName else {
                    throw .invalid("\(at): province \(provinceCode) is named \(provinceName.debugDescription) here but \(known.name.debugDescription) above")
                }
            } else {
                let split = VietnameseText.splitUnitName(provinceName)
                provinces[provinceCode] = UnitSpec(
                    level: .province, code: provinceCode, name: provinceName, kind: split.kind.isEmpty ? "tỉnh" : split.kind,
                    slug: VietnameseText.slug(split.properName), parentCode: nil, portalURL: nil)
            }

            var districtCode: Int?
            if format == .threeLevel {
                let code = try code("district_code")
                let districtName = try name("district_name")
                if let known = districts[code] {
                    guard known.name == districtName, known.parentCode == provinceCode else {
                        throw .invalid("\(at): district \(code) is \(districtName.debugDescription) in province \(provinceCode) here but \(known.name.debugDescription) in province \(known.parentCode ?? 0) above")
                    }
                } else {
                    let split = VietnameseText.splitUnitName(districtName)
                    districts[code] = UnitSpec(
                        level: .district, code: code, name: districtName, kind: split.kind.isEmpty ? "huyện" : split.kind,
                        slug: VietnameseText.slug(split.properName), parentCode: provinceCode, portalURL: nil)
                }
                districtCode = code
            }

            let communeCode = try code("commune_code")
            let communeName = try name("commune_name")
            if let line = seenCommunes[communeCode] {
                throw .invalid("\(at): commune code \(communeCode) appears twice (also on line \(line))")
            }
            seenCommunes[communeCode] = record.line
            let split = VietnameseText.splitUnitName(communeName)
            let short = field("commune_short_codename")
            if !short.isEmpty { shortNames[communeCode] = short }
            var kind = split.kind
            if kind.isEmpty {
                let declared = field("commune_type").lowercased()
                kind = declared.isEmpty ? "xã" : declared
            }
            communes.append(
                CommuneSpec(
                    code: communeCode, name: communeName, kind: kind, slug: "", provinceCode: provinceCode,
                    districtCode: districtCode, source: at))
        }
        guard !communes.isEmpty else { throw .invalid("\(source) lists no commune") }

        var list = AdminList(
            format: format, provinces: provinces.values.sorted { $0.code < $1.code },
            districts: districts.values.sorted { $0.code < $1.code }, communes: communes)
        list.assignSlugs(shortNames: shortNames)
        for i in list.provinces.indices { list.provinces[i].list = list.year }
        for i in list.districts.indices { list.districts[i].list = list.year }
        return list
    }

    /// Keeps only the communes (and their parents) of these provinces.
    public func only(provinces codes: [Int]) throws(TenantCoreError) -> AdminList {
        guard !codes.isEmpty else { return self }
        let known = Set(self.provinces.map(\.code))
        let unknown = codes.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw .invalid("province code\(unknown.count > 1 ? "s" : "") \(unknown.map(String.init).joined(separator: ", ")) not in the list (it has \(self.provinces.count) provinces, codes \(self.provinces.first?.code ?? 0)…\(self.provinces.last?.code ?? 0))")
        }
        let wanted = Set(codes)
        var copy = self
        copy.provinces = self.provinces.filter { wanted.contains($0.code) }
        copy.districts = self.districts.filter { wanted.contains($0.parentCode ?? -1) }
        copy.communes = self.communes.filter { wanted.contains($0.provinceCode) }
        return copy
    }

    /// Gives every unit a slug unique among its siblings, deterministically
    /// from the whole list: the proper name (`hai-nam`); where two siblings
    /// share it, the full name with its type (`phuong-x`, `xa-x`); where that
    /// still clashes, the slug followed by the official code (`sa-pa-3001`).
    mutating func assignSlugs(shortNames: [Int: String]) {
        let provinceSlugs = Self.unique(self.provinces.map { ($0.code, $0.slug, VietnameseText.slug($0.name)) })
        for i in self.provinces.indices { self.provinces[i].slug = provinceSlugs[self.provinces[i].code]! }

        var byProvince: [Int: [Int]] = [:]
        for (i, district) in self.districts.enumerated() { byProvince[district.parentCode ?? 0, default: []].append(i) }
        for indices in byProvince.values {
            let slugs = Self.unique(indices.map { (self.districts[$0].code, self.districts[$0].slug, VietnameseText.slug(self.districts[$0].name)) })
            for i in indices { self.districts[i].slug = slugs[self.districts[i].code]! }
        }

        var byParent: [String: [Int]] = [:]
        for (i, commune) in self.communes.enumerated() {
            byParent["\(commune.parentLevel.rawValue)-\(commune.parentCode)", default: []].append(i)
        }
        for indices in byParent.values {
            let slugs = Self.unique(
                indices.map { i in
                    let commune = self.communes[i]
                    let base = shortNames[commune.code].map(VietnameseText.slug)
                        ?? VietnameseText.slug(VietnameseText.splitUnitName(commune.name).properName)
                    return (commune.code, base.isEmpty ? "\(commune.code)" : base, VietnameseText.slug(commune.name))
                })
            for i in indices { self.communes[i].slug = slugs[self.communes[i].code]! }
        }
    }

    /// Resolves clashes among siblings given (code, base slug, full-name slug).
    /// Clashes are judged on the compact form (no hyphens) that official
    /// domains use, so `an-hai` and `anh-ai` count as the same.
    static func unique(_ items: [(code: Int, base: String, full: String)]) -> [Int: String] {
        func compact(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "") }
        var result: [Int: String] = [:]
        let groups = Dictionary(grouping: items, by: { compact($0.base) })
        for group in groups.values {
            if group.count == 1 {
                result[group[0].code] = group[0].base
                continue
            }
            let fullCounts = Dictionary(grouping: group, by: { compact($0.full) }).mapValues(\.count)
            for item in group {
                let candidate = item.full.isEmpty ? item.base : item.full
                if fullCounts[compact(item.full)] == 1 && compact(candidate) != compact(item.base) {
                    result[item.code] = candidate
                } else {
                    result[item.code] = "\(item.base)-\(item.code)"
                }
            }
        }
        return result
    }
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
enum CSV {
    struct Record {
        var line: Int
        var fields: [String]
    }

    static func parse(_ text: String, source: String) throws(TenantCoreError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
            case "\r":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw .invalid("\(source):\(recordLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
