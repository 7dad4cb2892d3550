import Foundation

/// A host name as the platform stores and looks it up: lower case, no port,
/// no trailing dot, every Unicode label in punycode (`xn--…`).
///
/// `Hostname(normalizing:)` accepts what arrives in an HTTP `Host` header
/// (`Hai-Nam.Nam-Dinh.localhost:8080.`, `hải-nam.localhost`) and rejects
/// anything that cannot be a DNS name.
public struct Hostname: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public var description: String { self.value }

    /// Why a `Host` value was refused.
    public enum Rejection: Error, Sendable, Equatable {
        case empty
        case tooLong
        case invalidCharacter
        case invalidPort
        case ipLiteral
        case invalidLabel
    }

    /// Normalises a `Host` header as it arrives: the same as the generic
    /// initialiser, with the common case specialised for `String`.
    public init(normalizing raw: String) throws(Rejection) {
        if let fast = Self.asciiFastPath(raw.utf8) {
            self.init(normalized: fast)
            return
        }
        try self.init(normalizingSlowly: raw)
    }

    /// Normalises an HTTP `Host`/authority value.
    /// - Parameter raw: the header value, possibly with a port.
    /// - Throws: ``Rejection`` when the value is not a usable host name.
    public init(normalizing raw: some StringProtocol) throws(Rejection) {
        if let fast = Self.asciiFastPath(raw.utf8) {
            self.init(normalized: fast)
            return
        }
        try self.init(normalizingSlowly: raw)
    }

    private init(normalized value: String) {
        self.value = value
    }

    private init(normalizingSlowly raw: some StringProtocol) throws(Rejection) {
        var host = Substring(raw)
        guard !host.isEmpty else { throw .empty }
        guard host.utf8.count <= 1024 else { throw .tooLong }
        if host.utf8.first == UInt8(ascii: "[") { throw .ipLiteral }
        if host.utf8.contains(where: { $0 < 0x21 || $0 == 0x7F }) { throw .invalidCharacter }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int(port), number <= 65535
            else { throw .invalidPort }
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty else { throw .empty }

        // IDNA-style mapping: NFC, lower case, ideographic full stops as dots.
        let mapped = String(host).precomposedStringWithCanonicalMapping.lowercased()
            .replacingOccurrences(of: "\u{3002}", with: ".")
            .replacingOccurrences(of: "\u{FF0E}", with: ".")
            .replacingOccurrences(of: "\u{FF61}", with: ".")
        var labels: [String] = []
        for label in mapped.split(separator: ".", omittingEmptySubsequences: false) {
            labels.append(try Self.asciiLabel(label))
        }
        let value = labels.joined(separator: ".")
        guard value.utf8.count <= 253 else { throw .tooLong }
        if labels.count == 4, labels.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) {
            throw .ipLiteral
        }
        self.value = value
    }

    /// The common case, without Foundation: an ASCII `name.name…[:port]`
    /// made of letters, digits, hyphens and single dots. Returns nil for
    /// anything else, which then takes the full path (and its checks).
    static func asciiFastPath(_ utf8: some Collection<UInt8>) -> String? {
        guard utf8.count <= 253 + 6 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var labelLength = 0
        var previous: UInt8 = 0x2E
        var digitsOnly = true
        var labels = 0
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 0x61...0x7A, 0x30...0x39:
                if byte > 0x39 { digitsOnly = false }
                out.append(byte)
            case 0x41...0x5A:
                digitsOnly = false
                out.append(byte + 32)
            case 0x2D:
                guard previous != 0x2E else { return nil }
                digitsOnly = false
                out.append(byte)
            case 0x2E:
                guard previous != 0x2E, previous != 0x2D else { return nil }
                labels += 1
                labelLength = -1
                out.append(byte)
            case 0x3A:
                // A port: digits only, then the end.
                var port = 0
                var count = 0
                while let digit = iterator.next() {
                    guard digit >= 0x30, digit <= 0x39, count < 5 else { return nil }
                    port = port * 10 + Int(digit - 0x30)
                    count += 1
                }
                guard count > 0, port <= 65535 else { return nil }
                previous = byte
                continue
            default:
                return nil
            }
            if byte != 0x3A {
                labelLength += 1
                guard labelLength <= 63 else { return nil }
                previous = byte
            }
        }
        if out.last == 0x2E {
            out.removeLast()
            labels -= 1
        }
        guard let last = out.last, last != 0x2D, !out.isEmpty, out.count <= 253 else { return nil }
        // "1.2.3.4" is an IP literal: leave it to the full path, which refuses it.
        if digitsOnly && labels == 3 { return nil }
        // Punycode labels ("xn--") and "--" elsewhere go through the full path too.
        if out.count >= 4 && (0..<(out.count - 1)).contains(where: { out[$0] == 0x2D && out[$0 + 1] == 0x2D }) { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Validates a stored or generated name that is already in normal form.
    public init(validating value: String) throws(TenantCoreError) {
        let normalized: Hostname
        do {
            normalized = try Hostname(normalizing: value)
        } catch {
            throw .invalid("invalid host name \(value.debugDescription)")
        }
        guard normalized.value == value || normalized.value + "." == value || normalized.value == value.lowercased() else {
            throw .invalid("invalid host name \(value.debugDescription)")
        }
        guard normalized.value.contains(".") else {
            throw .invalid("host name \(value.debugDescription) needs at least two labels, e.g. xa.tinh.gov.vn")
        }
        self = normalized
    }

    private static func asciiLabel(_ label: Substring) throws(Rejection) -> String {
        guard !label.isEmpty else { throw .invalidLabel }
        let ascii: String
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            ascii = String(label)
        } else {
            guard label.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" || $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark }),
                let encoded = Punycode.encode(String(label))
            else { throw .invalidCharacter }
            ascii = "xn--" + encoded
        }
        let bytes = Array(ascii.utf8)
        guard bytes.count <= 63 else { throw .invalidLabel }
        for byte in bytes {
            let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
            guard ok else { throw .invalidCharacter }
        }
        guard bytes.first != 0x2D, bytes.last != 0x2D else { throw .invalidLabel }
        return ascii
    }
}
