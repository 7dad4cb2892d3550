import Foundation

/// HTML that has been through ``HTMLSanitizer``: the only markup a public
/// page writes unescaped. It can only be made by the sanitiser.
public struct SanitizedHTML: Sendable, Hashable {
    public let value: String

    fileprivate init(value: String) {
        self.value = value
    }
}

/// An allow-list HTML sanitiser for editor content.
///
/// Keeps a safe subset of structural and inline elements with a few
/// attributes; drops `script`, `style`, `iframe`, forms and the like together
/// with their content; drops every other tag but keeps its text; drops all
/// event handlers and `style` attributes (so nothing can run, and nothing can
/// be hidden from readers); lets only http(s), mailto, tel and site-relative
/// URLs through; balances tags; re-escapes all text.
public enum HTMLSanitizer {
    static let allowed: Set<String> = [
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "blockquote", "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "figure", "figcaption",
        "hr", "code", "pre", "span", "div", "abbr", "dl", "dt", "dd", "mark", "small", "del", "ins",
    ]
    static let dropWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "form", "input", "button",
        "select", "textarea", "link", "meta", "base", "head", "title", "frame", "frameset", "applet", "audio", "video",
        "canvas", "dialog",
    ]
    static let void: Set<String> = ["br", "img", "hr"]
    /// Elements open at once, at most; keeps every later step (closing tags,
    /// browsers' layout) linear in the body's length.
    public static let maximumDepth = 64
    static let attributes: [String: Set<String>] = [
        "a": ["href", "title"], "img": ["src", "alt", "width", "height"], "th": ["colspan", "rowspan", "scope"],
        "td": ["colspan", "rowspan"], "ol": ["start"], "abbr": ["title"],
    ]

    /// Sanitises editor HTML.
    public static func sanitize(_ input: String) -> SanitizedHTML {
        var parser = Parser(Array(input.utf8))
        return SanitizedHTML(value: parser.run())
    }

    /// Plain text, escaped as a paragraph per blank-line-separated block.
    public static func paragraphs(fromPlainText text: String) -> SanitizedHTML {
        let blocks = text.replacingCR().blankLineBlocks()
        var out = ""
        for block in blocks where !block.isEmpty {
            out += "<p>" + escape(block).replacingNewlines(with: "<br>") + "</p>"
        }
        return SanitizedHTML(value: out)
    }

    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        HTMLEscaping.escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    struct Parser {
        let input: [UInt8]
        var i = 0
        var out: [UInt8] = []
        var stack: [String] = []

        init(_ input: [UInt8]) {
            self.input = input
            self.out.reserveCapacity(input.count)
        }

        mutating func run() -> String {
            while self.i < self.input.count {
                if self.input[self.i] == UInt8(ascii: "<") {
                    self.tag()
                } else {
                    self.text(until: UInt8(ascii: "<"))
                }
            }
            while let open = self.stack.popLast() { self.emit("</\(open)>") }
            return String(decoding: self.out, as: UTF8.self)
        }

        mutating func emit(_ s: String) {
            self.out.append(contentsOf: s.utf8)
        }

        /// Text up to `stop`, entities decoded and everything re-escaped.
        mutating func text(until stop: UInt8) {
            let start = self.i
            while self.i < self.input.count && self.input[self.i] != stop { self.i += 1 }
            let raw = String(decoding: self.input[start..<self.i], as: UTF8.self)
            self.emit(HTMLSanitizer.escape(Entities.decode(raw)))
        }

        mutating func tag() {
            let rest = self.input.count - self.i
            // Comments, doctype, CDATA, processing instructions: dropped.
            if rest >= 4 && self.input[self.i + 1] == UInt8(ascii: "!") {
                if self.input[self.i + 2] == UInt8(ascii: "-") && self.input[self.i + 3] == UInt8(ascii: "-") {
                    self.skip(past: Array("-->".utf8))
                } else {
                    self.skip(past: [UInt8(ascii: ">")])
                }
                return
            }
            if rest >= 2 && self.input[self.i + 1] == UInt8(ascii: "?") {
                self.skip(past: [UInt8(ascii: ">")])
                return
            }
            var j = self.i + 1
            let closing = j < self.input.count && self.input[j] == UInt8(ascii: "/")
            if closing { j += 1 }
            let nameStart = j
            while j < self.input.count, Self.isNameByte(self.input[j]) { j += 1 }
            guard j > nameStart else {
                // A lone "<" is text.
                self.emit("&lt;")
                self.i += 1
                return
            }
            let name = String(decoding: self.input[nameStart..<j], as: UTF8.self).lowercased()
            self.i = j
            let attributes = self.attributes()
            if closing {
                self.close(HTMLSanitizer.normalisedName(name))
                return
            }
            if HTMLSanitizer.dropWithContent.contains(name) {
                if !attributes.selfClosing { self.skipContent(of: name) }
                return
            }
            let element = HTMLSanitizer.normalisedName(name)
            guard HTMLSanitizer.allowed.contains(element) else { return }
            // Deeper nesting than any page needs: the tag goes, its text stays.
            if self.stack.count >= HTMLSanitizer.maximumDepth && !HTMLSanitizer.void.contains(element) { return }
            var tag = "<" + element
            let permitted = HTMLSanitizer.attributes[element] ?? []
            var hasAlt = false
            for (key, value) in attributes.pairs where permitted.contains(key) {
                switch key {
                case "href":
                    guard let url = SafeURL.check(value, allowing: .link) else { continue }
                    tag += " href=\"\(HTMLSanitizer.escape(url))\""
                    if url.lowercased().hasPrefix("http") { tag += " rel=\"noopener noreferrer\"" }
                case "src":
                    guard let url = SafeURL.check(value, allowing: .resource) else { continue }
                    tag += " src=\"\(HTMLSanitizer.escape(url))\""
                case "width", "height", "colspan", "rowspan", "start":
                    guard !value.isEmpty, value.count <= 4, value.allSatisfy(\.isASCIIDigit) else { continue }
                    tag += " \(key)=\"\(value)\""
                case "scope":
                    guard value == "row" || value == "col" else { continue }
                    tag += " scope=\"\(value)\""
                default:
                    if key == "alt" { hasAlt = true }
                    tag += " \(key)=\"\(HTMLSanitizer.escape(value))\""
                }
            }
            if element == "img" {
                guard tag.contains(" src=") else { return }
                if !hasAlt { tag += " alt=\"\"" }
            }
            tag += ">"
            self.emit(tag)
            if !HTMLSanitizer.void.contains(element) { self.stack.append(element) }
        }

        mutating func close(_ name: String) {
            guard let index = self.stack.lastIndex(of: name) else { return }
            while self.stack.count > index {
                self.emit("</\(self.stack.removeLast())>")
            }
        }

        struct Attributes {
            var pairs: [(String, String)] = []
            var selfClosing = false
        }

        mutating func attributes() -> Attributes {
            var result = Attributes()
            while self.i < self.input.count {
                let c = self.input[self.i]
                if c == UInt8(ascii: ">") {
                    self.i += 1
                    return result
                }
                if c == UInt8(ascii: "/") {
                    result.selfClosing = true
                    self.i += 1
                    continue
                }
                if Self.isSpace(c) {
                    self.i += 1
                    continue
                }
                let start = self.i
                while self.i < self.input.count, !Self.isSpace(self.input[self.i]),
                    self.input[self.i] != UInt8(ascii: "="), self.input[self.i] != UInt8(ascii: ">"),
                    self.input[self.i] != UInt8(ascii: "/")
                {
                    self.i += 1
                }
                let key = String(decoding: self.input[start..<self.i], as: UTF8.self).lowercased()
                while self.i < self.input.count, Self.isSpace(self.input[self.i]) { self.i += 1 }
                var value = ""
                if self.i < self.input.count, self.input[self.i] == UInt8(ascii: "=") {
                    self.i += 1
                    while self.i < self.input.count, Self.isSpace(self.input[self.i]) { self.i += 1 }
                    if self.i < self.input.count, self.input[self.i] == UInt8(ascii: "\"") || self.input[self.i] == UInt8(ascii: "'") {
                        let quote = self.input[self.i]
                        self.i += 1
                        let valueStart = self.i
                        while self.i < self.input.count, self.input[self.i] != quote { self.i += 1 }
                        value = String(decoding: self.input[valueStart..<self.i], as: UTF8.self)
                        if self.i < self.input.count { self.i += 1 }
                    } else {
                        let valueStart = self.i
                        while self.i < self.input.count, !Self.isSpace(self.input[self.i]), self.input[self.i] != UInt8(ascii: ">") {
                            self.i += 1
                        }
                        value = String(decoding: self.input[valueStart..<self.i], as: UTF8.self)
                    }
                }
                if !key.isEmpty { result.pairs.append((key, Entities.decode(value))) }
            }
            return result
        }

        /// Skips to after the matching `</name>` (case-insensitive), or to the end.
        mutating func skipContent(of name: String) {
            let needle = Array("</\(name)".utf8)
            while self.i < self.input.count {
                if self.input[self.i] == UInt8(ascii: "<"), self.i + needle.count <= self.input.count {
                    var match = true
                    for k in 0..<needle.count where Self.lower(self.input[self.i + k]) != needle[k] {
                        match = false
                        break
                    }
                    if match {
                        self.i += needle.count
                        self.skip(past: [UInt8(ascii: ">")])
                        return
                    }
                }
                self.i += 1
            }
        }

        mutating func skip(past needle: [UInt8]) {
            while self.i < self.input.count {
                if self.i + needle.count <= self.input.count, self.input[self.i..<self.i + needle.count].elementsEqual(needle) {
                    self.i += needle.count
                    return
                }
                self.i += 1
            }
        }

        static func isNameByte(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
        }

        static func isSpace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C
        }

        static func lower(_ c: UInt8) -> UInt8 {
            c >= 0x41 && c <= 0x5A ? c + 32 : c
        }
    }

    /// `h1` becomes `h2` (the page title is the only `h1`); `b`/`i` stay.
    static func normalisedName(_ name: String) -> String {
        name == "h1" ? "h2" : name
    }
}

extension String {
    fileprivate func replacingCR() -> String {
        self.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    fileprivate func blankLineBlocks() -> [String] {
        var blocks: [String] = []
        var current: [Substring] = []
        for line in self.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
        return blocks
    }

    fileprivate func replacingNewlines(with replacement: String) -> String {
        self.replacingOccurrences(of: "\n", with: replacement)
    }
}

extension Substring {
    /// The first occurrence of `needle`, an ASCII text, found by its bytes.
    func rangeOfASCII(_ needle: StaticString) -> Range<String.Index>? {
        let bytes = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = bytes.first else { return nil }
        let utf8 = self.utf8
        var from = utf8.startIndex
        while let found = utf8[from...].firstIndex(of: first) {
            var at = found
            var matched = 0
            while matched < bytes.count, at < utf8.endIndex, utf8[at] == bytes[matched] {
                utf8.formIndex(after: &at)
                matched += 1
            }
            if matched == bytes.count { return found..<at }
            from = utf8.index(after: found)
        }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

/// The platform's one HTML escaper: `& < > " '` become entities, in text
/// and attribute values alike.
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        Self.escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func escape(_ text: String, into bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let replacement: StaticString
                switch utf8[i] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                default: continue
                }
                if start < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
                replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
                start = i + 1
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
    }
}

extension SanitizedHTML {
    /// The same HTML with every image of the commune's library
    /// (`src="/tep/<id>"`) given the copies ``ImageResizer`` made, for
    /// `srcset`, and loaded lazily. What is added is built from the id's
    /// digits and `widths` only, so the result stays sanitised.
    public func withLibraryImageSizes(widths: [Int], sizes: String) -> SanitizedHTML {
        // Byte searches: this runs on every article page, and Foundation's
        // range(of:) goes through UTF-16.
        guard self.value[...].rangeOfASCII("<img ") != nil else { return self }
        var out = ""
        out.reserveCapacity(self.value.utf8.count + 256)
        var rest = self.value[...]
        while let start = rest.rangeOfASCII("<img ") {
            out += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            let tagEnd = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<tagEnd]
            if let src = tag.rangeOfASCII("src=\"/tep/") {
                let digits = tag[src.upperBound...].prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, digits.count <= 18, tag[src.upperBound...].dropFirst(digits.count).first == "\"" {
                    let url = "/tep/\(digits)"
                    out += "srcset=\"\(widths.map { "\(url)/\($0) \($0)w" }.joined(separator: ", "))\" sizes=\"\(sizes)\" loading=\"lazy\" "
                }
            }
        }
        out += rest
        return SanitizedHTML(value: out)
    }
}
