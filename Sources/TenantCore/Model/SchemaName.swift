/// The name of a commune's PostgreSQL schema, such as `c_14224`.
///
/// It is built only from a commune's official code (or read back from the
/// catalogue and re-validated), never from request input, and it is the only
/// value that TenantCore ever interpolates into SQL text.
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
