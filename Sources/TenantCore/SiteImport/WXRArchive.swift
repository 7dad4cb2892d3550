import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A WordPress export (WXR 1.2, as "Tools → Export" writes it): the site's
/// address, its categories and authors, and every post, page and attachment
/// with the fields an import needs. Read with libxml2 (Foundation's
/// `XMLParser`), external entities never resolved.
public struct WXRArchive: Sendable {
    public struct Category: Sendable, Hashable {
        public var slug: String
        public var name: String
        public var parent: String
    }

    public struct Item: Sendable, Hashable {
        public var id: Int
        public var type: String
        public var status: String
        public var title: String
        public var link: String
        public var slug: String
        public var parent: Int
        public var content: String
        public var excerpt: String
        /// `wp:post_date_gmt`, or `wp:post_date` read as Vietnam time when the GMT date is empty (drafts).
        public var date: Date?
        public var author: String
        /// Category slugs (nicenames), in the order the file gives them.
        public var categories: [String]
        public var tags: [String]
        public var attachmentURL: String
        /// `_thumbnail_id` and `_wp_attachment_image_alt`, among the post's meta.
        public var thumbnailID: Int?
        public var imageAlt: String
    }

    /// `<link>` of the channel: the old site's address, e.g. `http://xahainam.namdinh.gov.vn`.
    public var siteURL: String
    public var title: String
    public var categories: [Category]
    /// Login → display name.
    public var authors: [String: String]
    public var items: [Item]

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads an export. Throws ``ReadError`` naming the line for a file that
    /// is not well-formed XML or not a WordPress export.
    public static func read(_ data: Data) throws(ReadError) -> WXRArchive {
        let reader = Reader()
        // From a stream, fed to libxml2 in chunks: one chunk of the whole
        // file stops at libxml2's 10 MB lookahead ("huge input lookup"),
        // and exports of large sites are tens of megabytes.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable XML"
            throw ReadError(description: "not a readable WordPress export (line \(parser.lineNumber)): \(reason)")
        }
        guard reader.sawChannel, reader.archive.siteURL.hasPrefix("http") else {
            throw ReadError(description: "not a WordPress export: no <channel> with the site's <link>")
        }
        return reader.archive
    }

    /// Collects elements by their qualified names (`wp:post_id`).
    final class Reader: NSObject, XMLParserDelegate {
        var archive = WXRArchive(siteURL: "", title: "", categories: [], authors: [:], items: [])
        var sawChannel = false
        var path: [String] = []
        var text = ""
        var item: Item?
        var category: Category?
        var author: (login: String, name: String)?
        var metaKey = ""
        var metaValue = ""
        var termDomain = ""
        var termSlug = ""
        var gmtDate: Date?
        var localDate: Date?

        static func emptyItem() -> Item {
            Item(
                id: 0, type: "", status: "", title: "", link: "", slug: "", parent: 0, content: "", excerpt: "", date: nil,
                author: "", categories: [], tags: [], attachmentURL: "", thumbnailID: nil, imageAlt: "")
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            self.path.append(name)
            self.text = ""
            switch name {
            case "channel": self.sawChannel = true
            case "item":
                self.item = Self.emptyItem()
                self.gmtDate = nil
                self.localDate = nil
            case "wp:category": self.category = Category(slug: "", name: "", parent: "")
            case "wp:author": self.author = ("", "")
            case "category" where self.item != nil:
                self.termDomain = attributes["domain"] ?? ""
                self.termSlug = attributes["nicename"] ?? ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { self.text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { self.text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { self.path.removeLast() }
            let value = self.text
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            self.text = ""
            if var item = self.item {
                switch name {
                case "title": item.title = trimmed
                case "link": item.link = trimmed
                case "dc:creator": item.author = trimmed
                case "content:encoded": item.content = value
                case "excerpt:encoded": item.excerpt = value
                case "wp:post_id": item.id = Int(trimmed) ?? 0
                case "wp:post_type": item.type = trimmed
                case "wp:status": item.status = trimmed
                case "wp:post_name": item.slug = trimmed.removingPercentEncoding ?? trimmed
                case "wp:post_parent": item.parent = Int(trimmed) ?? 0
                case "wp:attachment_url": item.attachmentURL = trimmed
                case "wp:post_date_gmt": self.gmtDate = Self.date(trimmed, offset: 0)
                case "wp:post_date": self.localDate = Self.date(trimmed, offset: VietnamTime.offsetSeconds)
                case "category":
                    if self.termDomain == "category" { item.categories.append(self.termSlug) }
                    if self.termDomain == "post_tag" { item.tags.append(trimmed) }
                case "wp:meta_key": self.metaKey = trimmed
                case "wp:meta_value": self.metaValue = value
                case "wp:postmeta":
                    if self.metaKey == "_thumbnail_id" { item.thumbnailID = Int(self.metaValue.trimmingCharacters(in: .whitespaces)) }
                    if self.metaKey == "_wp_attachment_image_alt" { item.imageAlt = self.metaValue.trimmingCharacters(in: .whitespacesAndNewlines) }
                case "item":
                    item.date = self.gmtDate ?? self.localDate
                    self.archive.items.append(item)
                    self.item = nil
                    return
                default: break
                }
                self.item = item
                return
            }
            if var category = self.category {
                switch name {
                case "wp:category_nicename": category.slug = trimmed.removingPercentEncoding ?? trimmed
                case "wp:cat_name": category.name = trimmed
                case "wp:category_parent": category.parent = trimmed
                case "wp:category":
                    self.archive.categories.append(category)
                    self.category = nil
                    return
                default: break
                }
                self.category = category
                return
            }
            if var author = self.author {
                switch name {
                case "wp:author_login": author.login = trimmed
                case "wp:author_display_name": author.name = trimmed
                case "wp:author":
                    self.archive.authors[author.login] = author.name
                    self.author = nil
                    return
                default: break
                }
                self.author = author
                return
            }
            // The channel's own <title> and <link>, not an image's or an item's.
            if self.path.count == 3, self.path[1] == "channel" {
                if name == "title" { self.archive.title = trimmed }
                if name == "link" { self.archive.siteURL = trimmed }
            }
        }

        /// `2024-03-12 08:30:00`; nil for WordPress's "no date" (`0000-00-00 00:00:00`).
        static func date(_ text: String, offset: Int) -> Date? {
            let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
            guard parts.count == 6, parts[0] >= 1970, parts[0] <= 9999, (1...12).contains(parts[1]), (1...31).contains(parts[2]),
                (0...23).contains(parts[3]), (0...59).contains(parts[4]), (0...60).contains(parts[5])
            else { return nil }
            // A day past the month's end (31 February) is refused, not rolled over.
            let days = VietnamTime.days(fromCivil: parts[0], parts[1], parts[2])
            guard VietnamTime.civil(fromDays: days) == (parts[0], parts[1], parts[2]) else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + parts[3] * 3600 + parts[4] * 60 + parts[5] - offset))
        }
    }
}
