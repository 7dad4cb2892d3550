import Foundation

/// A WordPress post's stored text made into HTML the sanitiser can take:
/// paragraphs from blank lines (what WordPress's `wpautop` does when it
/// shows a post), its core shortcodes, and embedded players as links (the
/// sanitiser drops frames with their content).
enum WordPressContent {
    /// Elements that start a block: a text block starting with one is left as it is.
    static let blockTags: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th",
        "blockquote", "figure", "pre", "hr", "dl", "address", "section", "article", "iframe", "form", "!--",
    ]
    /// Shortcodes whose tags are removed (their inner text kept): page builders and common plugins.
    static let builderPrefixes = ["vc_", "et_pb_", "fusion_", "su_", "av_", "tie_", "ux_", "row", "col"]

    /// - Parameter gallery: the HTML for a `[gallery]` of these attachment ids (empty: the post's own images).
    static func html(from content: String, gallery: ([Int]) -> String, notes: inout Set<String>) -> String {
        var text = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        text = Self.framesAsLinks(text, notes: &notes)
        text = Self.shortcodes(text, gallery: gallery, notes: &notes)
        return Self.paragraphs(text)
    }

    /// `wpautop`: a block of text between blank lines becomes a paragraph,
    /// its single line breaks `<br>`; blocks that are already elements stay.
    static func paragraphs(_ text: String) -> String {
        var out: [String] = []
        for block in text.components(separatedBy: "\n\n") {
            let trimmed = block.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if trimmed.hasPrefix("<") {
                let name = trimmed.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "-" }.lowercased()
                if Self.blockTags.contains(name) || name.hasPrefix("!--") {
                    out.append(trimmed)
                    continue
                }
            }
            out.append("<p>" + trimmed.replacingOccurrences(of: "\n", with: "<br>\n") + "</p>")
        }
        return out.joined(separator: "\n")
    }

    /// `<iframe src="https://www.youtube.com/embed/…">` → a link to the
    /// video; `[embed]URL[/embed]` and an address alone on its line (oEmbed) too.
    static func framesAsLinks(_ text: String, notes: inout Set<String>) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "<iframe", options: .caseInsensitive) {
            result += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let tagEnd = afterOpen.firstIndex(of: ">") else { rest = rest[open.upperBound...]; break }
            let tag = afterOpen[..<tagEnd]
            let source = Self.attribute("src", in: String(tag))
            // Skip to the end of the frame.
            let afterTag = afterOpen[afterOpen.index(after: tagEnd)...]
            rest = afterTag.range(of: "</iframe>", options: .caseInsensitive).map { afterTag[$0.upperBound...] } ?? afterTag
            if let source, source.hasPrefix("http") || source.hasPrefix("//") {
                let url = source.hasPrefix("//") ? "https:" + source : source
                result += Self.embedLink(url)
                notes.insert("khung nhúng (iframe) đổi thành liên kết")
            } else {
                notes.insert("khung nhúng (iframe) không có địa chỉ, bỏ đi")
            }
        }
        result += rest
        return result
    }

    /// An embedded player or page as a paragraph with a link to it.
    static func embedLink(_ url: String) -> String {
        let page = HTMLSanitizer.escape(Self.watchURL(url))
        return "\n\n<p>Xem nội dung nhúng: <a href=\"\(page)\">\(page)</a></p>\n\n"
    }

    /// A YouTube player's address as the page a visitor can open.
    static func watchURL(_ url: String) -> String {
        for prefix in ["https://www.youtube.com/embed/", "https://youtube.com/embed/", "http://www.youtube.com/embed/"] where url.hasPrefix(prefix) {
            let id = url.dropFirst(prefix.count).prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            if !id.isEmpty { return "https://www.youtube.com/watch?v=\(id)" }
        }
        return url
    }

    /// The value of attribute `name` in a start tag's text (quoted or not), entities left as written.
    static func attribute(_ name: String, in tag: String) -> String? {
        var search = tag[...]
        while let found = search.range(of: name, options: .caseInsensitive) {
            let before = found.lowerBound == tag.startIndex ? " " : tag[tag.index(before: found.lowerBound)]
            var after = tag[found.upperBound...].drop { $0 == " " }
            search = tag[found.upperBound...]
            guard before.isWhitespace || before == "\"" || before == "'", after.first == "=" else { continue }
            after = after.dropFirst().drop { $0 == " " }
            if let quote = after.first, quote == "\"" || quote == "'" {
                return String(after.dropFirst().prefix { $0 != quote }).replacingOccurrences(of: "&amp;", with: "&")
            }
            return String(after.prefix { !$0.isWhitespace && $0 != ">" })
        }
        return nil
    }

    /// WordPress's core shortcodes made into HTML; page builders' tags removed, their text kept.
    static func shortcodes(_ text: String, gallery: ([Int]) -> String, notes: inout Set<String>) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "[") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let closing = after.first == "/"
            let nameStart = closing ? after.dropFirst() : after
            let name = String(nameStart.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }).lowercased()
            guard !name.isEmpty, let end = after.firstIndex(of: "]"), !after[..<end].contains("["), after.distance(from: after.startIndex, to: end) < 2000,
                Self.known(name)
            else {
                result.append("[")
                rest = after
                continue
            }
            let attributes = String(nameStart.dropFirst(name.count)[..<end])
            rest = after[after.index(after: end)...]
            if closing { continue }
            switch name {
            case "caption", "wp_caption":
                // [caption …]<img …> The caption[/caption]
                let closeTag = "[/\(name)]"
                let inner = rest.range(of: closeTag).map { rest[..<$0.lowerBound] } ?? ""
                if let close = rest.range(of: closeTag) { rest = rest[close.upperBound...] }
                let innerText = String(inner)
                let imageEnd = innerText.range(of: "</a>")?.upperBound ?? innerText.range(of: ">")?.upperBound ?? innerText.startIndex
                let image = innerText[..<imageEnd]
                let caption = innerText[imageEnd...].trimmingCharacters(in: .whitespacesAndNewlines)
                result += "\n\n<figure>\(image)" + (caption.isEmpty ? "" : "<figcaption>\(caption)</figcaption>") + "</figure>\n\n"
            case "gallery":
                let ids = (Self.attribute("ids", in: attributes) ?? "").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                result += "\n\n" + gallery(ids) + "\n\n"
            case "embed", "video", "audio":
                let closeTag = "[/\(name)]"
                var url = Self.attribute("src", in: attributes) ?? Self.attribute("mp4", in: attributes) ?? Self.attribute("mp3", in: attributes) ?? ""
                if let close = rest.range(of: closeTag) {
                    let inner = rest[..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
                    if url.isEmpty { url = inner }
                    rest = rest[close.upperBound...]
                }
                if url.hasPrefix("http") {
                    result += Self.embedLink(url)
                }
                notes.insert("mã nhúng [\(name)] đổi thành liên kết")
            default:
                notes.insert("mã ngắn [\(name)] bỏ đi, giữ nội dung")
            }
        }
        result += rest
        return result
    }

    static func known(_ name: String) -> Bool {
        ["caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist"].contains(name)
            || Self.builderPrefixes.contains { name.hasPrefix($0) && (name.count > $0.count || $0 == "row" || $0 == "col") }
    }
}
