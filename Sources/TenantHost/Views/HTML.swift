import TenantCore

/// A fragment of HTML that is safe by construction.
///
/// Literal parts of an `HTML` string literal are written as they are (they
/// can only be compile-time literals: the literal type is `StaticString`);
/// every interpolated `String` is HTML-escaped. Text that must reach the page
/// unescaped goes through ``Interpolation/appendInterpolation(sanitized:)``,
/// which only takes HTML that the sanitiser produced.
///
///     let item: HTML = "<li><a href=\"\(href: url)\">\(entry.title)</a></li>"
struct HTML: ExpressibleByStringInterpolation, Sendable {
    typealias StringLiteralType = StaticString

    var bytes: [UInt8]

    static let empty = HTML(bytes: [])

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(stringLiteral value: StaticString) {
        self.bytes = value.withUTF8Buffer { Array($0) }
    }

    init(stringInterpolation: Interpolation) {
        self.bytes = stringInterpolation.bytes
    }

    /// Joins fragments.
    init(_ parts: [HTML]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
        for part in parts { bytes.append(contentsOf: part.bytes) }
        self.bytes = bytes
    }

    /// Adds a fragment at the end.
    mutating func append(_ other: HTML) {
        self.bytes.append(contentsOf: other.bytes)
    }

    /// Escaped text.
    init(text: String) {
        var bytes: [UInt8] = []
        HTML.escape(text, into: &bytes)
        self.bytes = bytes
    }

    struct Interpolation: StringInterpolationProtocol {
        typealias StringLiteralType = StaticString
        var bytes: [UInt8]

        init(literalCapacity: Int, interpolationCount: Int) {
            self.bytes = []
            self.bytes.reserveCapacity(literalCapacity + interpolationCount * 24)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        }

        /// Text, escaped for element content and quoted attribute values.
        mutating func appendInterpolation(_ text: String) {
            HTML.escape(text, into: &self.bytes)
        }

        mutating func appendInterpolation(_ text: Substring) {
            HTML.escape(String(text), into: &self.bytes)
        }

        mutating func appendInterpolation(_ number: Int) {
            self.bytes.append(contentsOf: String(number).utf8)
        }

        mutating func appendInterpolation(_ number: Int64) {
            self.bytes.append(contentsOf: String(number).utf8)
        }

        /// A fragment that is already safe.
        mutating func appendInterpolation(_ html: HTML) {
            self.bytes.append(contentsOf: html.bytes)
        }

        mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { self.bytes.append(contentsOf: part.bytes) }
        }

        /// A URL for `href`/`src`: only http(s), mailto, tel and site-relative
        /// addresses pass; anything else (`javascript:`…) becomes `#`.
        mutating func appendInterpolation(href url: String) {
            HTML.escape(HTML.safeURL(url), into: &self.bytes)
        }

        /// HTML produced by the sanitiser (editor content), written as is.
        mutating func appendInterpolation(sanitized html: SanitizedHTML) {
            self.bytes.append(contentsOf: html.value.utf8)
        }
    }

    /// `url` if ``SafeURL`` lets it through as a link, else `#`.
    static func safeURL(_ url: String) -> String {
        SafeURL.check(url, allowing: .link) ?? "#"
    }

    static func escape(_ text: String, into bytes: inout [UInt8]) {
        HTMLEscaping.escape(text, into: &bytes)
    }
}
