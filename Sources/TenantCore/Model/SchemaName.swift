/// The name of a commune's PostgreSQL schema, such as `c_14224`.
///
/// It is built only from a commune's official code (or read back from the
/// catalogue and re-validated), never from request input, and it is the only
/// value naming a commune that reaches SQL text; everything else there is a
/// repository's fixed text or another validated name (``ShardName``).
public struct SchemaName: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// The schema of the commune with this official (GSO) code: `c_` and the
    /// code padded to five digits.
    public init(communeCode: Int) throws(TenantCoreError) {
        guard (1...99_999_999).contains(communeCode) else {
            throw .invalid("invalid commune code \(communeCode): expected 1…99999999")
        }
        var digits = String(communeCode)
        if digits.count < 5 { digits = String(repeating: "0", count: 5 - digits.count) + digits }
        self.rawValue = "c_" + digits
    }

    /// The schema of a commune of an official list: the 2024 list's as
    /// above (`c_14224`), the 2025 list's `c_25` and the code in five digits
    /// (`c_2514224`), since the 2025 list reuses codes of 2024 communes.
    public init(communeCode: Int, list: Int) throws(TenantCoreError) {
        switch list {
        case 2024:
            try self.init(communeCode: communeCode)
        case 2025:
            guard (1...99_999).contains(communeCode) else {
                throw .invalid("invalid 2025 commune code \(communeCode): expected 1…99999")
            }
            let digits = String(communeCode)
            try self.init(validating: "c_25" + String(repeating: "0", count: 5 - digits.count) + digits)
        default:
            throw .invalid("unknown list \(list): expected 2024 or 2025")
        }
    }

    /// Validates a name read from the catalogue: `^c_[0-9]{5,8}$`.
    public init(validating value: String) throws(TenantCoreError) {
        let bytes = Array(value.utf8)
        guard bytes.count >= 7, bytes.count <= 10, bytes[0] == UInt8(ascii: "c"), bytes[1] == UInt8(ascii: "_"),
            bytes[2...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw .invalid("invalid schema name \(value.debugDescription): expected c_ and 5 to 8 digits")
        }
        self.rawValue = value
    }

    /// The identifier quoted for SQL text, e.g. `"c_14224"`. Safe because the
    /// value was validated to `c_` and digits.
    public var quoted: String { "\"\(self.rawValue)\"" }

    public var description: String { self.rawValue }

    public static func < (lhs: SchemaName, rhs: SchemaName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Encoded as its name; decoding validates it like ``init(validating:)``.
extension SchemaName: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        try self.init(validating: value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}
