import Foundation

/// An e-mail address the platform may write to: one `@`, a local part of
/// printable ASCII without spaces, quotes, angle brackets or separators,
/// and a domain that is a host name (an internationalised one is kept in
/// its ASCII form). Nothing that could end a header line or open another
/// address gets through, so an address is safe in `To:` and on a command line.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return nil }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        // A leading '-' is legal but reads as an option to a command: refused.
        guard (1...64).contains(local.utf8.count), !local.hasPrefix("."), !local.hasPrefix("-"), !local.hasSuffix("."), !local.contains(".."),
            local.utf8.allSatisfy(Self.isLocalByte)
        else { return nil }
        guard domain.contains("."), let host = try? Hostname(normalizing: String(domain)) else { return nil }
        self.value = "\(local)@\(host.value)"
        guard self.value.utf8.count <= 254 else { return nil }
    }

    /// Letters, digits and the specials RFC 5322 allows in an unquoted local part.
    static func isLocalByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-/=?^_`{|}~.".utf8).contains(byte)
        }
    }

    public var description: String { self.value }

    /// The address with most of its local part hidden, for logs and pages: `l***@example.vn`.
    public var masked: String {
        guard let at = self.value.firstIndex(of: "@") else { return "***" }
        return "\(self.value.prefix(1))***\(self.value[at...])"
    }
}
