/// FNV-1a, 64 bits: the platform's checksum of migrations, reorganisation
/// plans and the stylesheet, and how a commune is given its pooled
/// connection. Not cryptographic; stable across processes and runs (unlike
/// Swift's `Hasher`).
public enum FNV1a {
    /// The standard offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    public static func hash<Bytes: Sequence>(_ bytes: Bytes, offset: UInt64 = offsetBasis) -> UInt64 where Bytes.Element == UInt8 {
        var hash = offset
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// `hash` as 16 hex digits, zero-padded.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes, offset: UInt64 = offsetBasis) -> String where Bytes.Element == UInt8 {
        let hex = String(Self.hash(bytes, offset: offset), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
