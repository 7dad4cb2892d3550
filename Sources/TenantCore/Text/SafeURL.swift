/// The one rule for addresses that outside input may put in a page's `href`
/// or `src`: editor HTML and Markdown, entry fields, portal links, views.
///
/// Only `https://`, `http://`, `mailto:`, `tel:` and addresses on the same
/// site pass. A same-site address starts with exactly one `/`: browsers read
/// `//host/x` as another site, and read `\` as `/` in http(s) URLs, so
/// `/\evil.example/x` leads to `http://evil.example/x`; no backslash passes
/// anywhere. Control characters (which browsers strip, joining what they
/// separated) never pass either.
public enum SafeURL {
    public struct Kinds: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `https://` and `http://`.
        public static let web = Kinds(rawValue: 1)
        /// `/path` on the same site.
        public static let sameSite = Kinds(rawValue: 2)
        /// `mailto:` and `tel:`.
        public static let contact = Kinds(rawValue: 4)
        /// `#fragment` and `?query` on the same page.
        public static let samePage = Kinds(rawValue: 8)

        /// What a link in editor content may point to.
        public static let link: Kinds = [.web, .sameSite, .contact, .samePage]
        /// What an image or an attached file may come from.
        public static let resource: Kinds = [.web, .sameSite]
    }

    /// The address, trimmed, if it is one of `kinds`; nil otherwise.
    public static func check(_ raw: String, allowing kinds: Kinds) -> String? {
        let url = raw.trimmingASCIIWhitespace()
        guard !url.isEmpty,
            !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return nil }
        let bytes = Array(url.utf8.prefix(8))
        if bytes[0] == UInt8(ascii: "/") {
            guard kinds.contains(.sameSite), bytes.count == 1 || bytes[1] != UInt8(ascii: "/") else { return nil }
            return url
        }
        if bytes[0] == UInt8(ascii: "#") || bytes[0] == UInt8(ascii: "?") {
            return kinds.contains(.samePage) ? url : nil
        }
        let lower = url.prefix(8).lowercased()
        if kinds.contains(.web), lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            // A host must follow: `http:///x` and `https:/\x` are other sites in disguise.
            let rest = url.utf8.dropFirst(lower.hasPrefix("https://") ? 8 : 7)
            guard let first = rest.first, first != UInt8(ascii: "/") else { return nil }
            return url
        }
        if kinds.contains(.contact), lower.hasPrefix("mailto:") || lower.hasPrefix("tel:") {
            return url
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
