import Foundation

/// Fetches an old site's files (images, PDF) by their address.
public protocol SiteFileFetcher: Sendable {
    func fetch(_ url: String) async throws -> [UInt8]
}

/// Why a file could not be fetched, in the report's words.
public struct SiteFetchError: Error, CustomStringConvertible {
    public var description: String
    /// The site says the address does not exist (404, 410, not in the mirror): a dead link, not a failure.
    public var missing: Bool
    public init(_ description: String, missing: Bool = false) {
        self.description = description
        self.missing = missing
    }
}

/// An old site's files from a mirror on disk, laid out as `wget --mirror`
/// writes it: `ROOT/<host>/<path>`.
public struct MirrorFiles: SiteFileFetcher {
    public let root: String
    public let maxBytes: Int

    public init(root: String, maxBytes: Int) {
        self.root = root
        self.maxBytes = maxBytes
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), !host.isEmpty,
            host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }), host != ".", host != ".."
        else { throw SiteFetchError("địa chỉ không hợp lệ") }
        let path = components.path
        guard path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw SiteFetchError("đường dẫn không hợp lệ")
        }
        var file = "\(self.root)/\(host)\(path)"
        // wget keeps /2024/03/slug/ as /2024/03/slug/index.html.
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && isDirectory.boolValue) {
            file += (file.hasSuffix("/") ? "" : "/") + "index.html"
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { throw SiteFetchError("không có trong bản sao (404)", missing: true) }
        if let size = attributes[.size] as? Int, size > self.maxBytes { throw SiteFetchError("tệp lớn hơn \(self.maxBytes / 1_048_576) MB") }
        guard let data = FileManager.default.contents(atPath: file) else { throw SiteFetchError("không đọc được tệp") }
        return Array(data)
    }
}

/// What an import would do with each item of an old site, decided before
/// anything is written: printed by the dry run, then carried out.
public struct SiteImportPlan: Sendable {
    public enum Placement: Sendable, Hashable {
        /// An item of a list section (`kind` is `.document` when its number was read).
        case entry(MandatorySection, EntryKind)
        /// A page that becomes (part of) a static section's text.
        case sectionText(MandatorySection)
        case leftOut(String)
    }

    public struct Item: Sendable {
        /// `post:125`: the item's key at the source.
        public var key: String
        public var url: String
        public var title: String
        public var placement: Placement
        public var rule: String
        public var document: DocumentRecognizer.Fields?
        public var source: WXRArchive.Item
        /// The item's text as WordPress shows it, sanitised, its links as the old site wrote them:
        /// made once, read by the document recognizer, the files' phase and the item's own write.
        public var html: String = ""
        /// What became of the text on the way (shortcodes, frames).
        public var notes: Set<String> = []

        /// The item's old path; nil for `/?p=140` (a draft's address is the home page, not the item's).
        public var oldPath: String? { OldAddress.path(self.url).flatMap { $0 == "/" ? nil : $0 } }
    }

    /// `site:xahainam.namdinh.gov.vn`: an export and a crawl of one site are one source.
    public var source: String
    public var siteURL: String
    /// Hosts of the old site (with and without `www.`): its files are fetched, its links rewritten.
    public var hosts: Set<String>
    public var items: [Item]
    /// Old category pages and the section that now answers for them.
    public var categoryPages: [(path: String, section: MandatorySection)]
    public var attachments: [Int: WXRArchive.Item]
    /// Login → display name.
    public var authors: [String: String] = [:]
    /// Items of WordPress's own machinery left out, by type.
    public var machinery: [String: Int] = [:]

    static let machinery: Set<String> = [
        "nav_menu_item", "revision", "customize_changeset", "custom_css", "oembed_cache", "user_request", "wp_global_styles",
        "wp_template", "wp_template_part", "wp_navigation", "wp_font_family", "wp_font_face", "wp_block", "acf-field", "acf-field-group",
    ]

    /// Decides where every item of `archive` goes. `commune`: the issuer
    /// of documents that name none ("xã Hải Nam").
    public static func make(_ archive: WXRArchive, mapping: ImportMapping, commune: String) -> SiteImportPlan {
        let hosts = Self.hosts(of: archive.siteURL)
        var plan = SiteImportPlan(
            source: "site:\(hosts.bare)", siteURL: archive.siteURL, hosts: hosts.all, items: [], categoryPages: [], attachments: [:])
        plan.authors = archive.authors
        for item in archive.items where item.type == "attachment" { plan.attachments[item.id] = item }
        let byID = Dictionary(archive.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        for item in archive.items where item.type != "attachment" {
            // WordPress's own machinery (menus, revisions, styles): counted, not listed.
            if Self.machinery.contains(item.type) {
                plan.machinery[item.type, default: 0] += 1
                continue
            }
            let title = Self.title(item.title)
            // Keyed by the old address, so an export and a crawl of the same site never double an
            // item; an item without one (a draft: /?p=140) by its id in the export.
            let path = OldAddress.path(item.link)
            let key = path.flatMap { $0 == "/" || item.link.contains("?") ? nil : "url:" + $0 } ?? "\(item.type):\(item.id)"
            var entry = Item(key: key, url: item.link, title: title, placement: .leftOut(""), rule: "", document: nil, source: item)
            let leftOut: String? =
                switch item.status {
                case "publish", "future", "draft", "pending": nil
                case "private": "bài riêng tư (private) không đưa lên trang công khai"
                case "trash": "bài trong thùng rác"
                default: "trạng thái \(item.status)"
                }
            if let leftOut {
                entry.placement = .leftOut(leftOut)
            } else if let path, let choice = mapping.target(path: path) {
                entry.rule = choice.rule
                entry.placement = Self.placement(choice.target)
            } else if item.type == "post" {
                let choice = mapping.target(categories: item.categories)
                entry.rule = choice.rule
                entry.placement = Self.placement(choice.target)
            } else if item.type == "page" {
                var slugs = [item.slug]
                var parent = item.parent
                while parent != 0, slugs.count < 10, let up = byID[parent] {
                    slugs.insert(up.slug, at: 0)
                    parent = up.parent
                }
                if let choice = mapping.target(page: slugs.joined(separator: "/")) {
                    entry.rule = choice.rule
                    entry.placement = Self.placement(choice.target)
                } else {
                    entry.placement = .leftOut("trang “\(slugs.joined(separator: "/"))” không có quy tắc: thêm “page \(slugs.joined(separator: "/")) = <chuyên mục>” vào tệp ánh xạ")
                }
            } else {
                entry.placement = .leftOut("loại nội dung \(item.type)")
            }
            // Documents: read their number and dates; a document the text
            // says is one ("Số: …", or a title starting with its kind) goes to Văn bản.
            if case .leftOut = entry.placement {} else {
                (entry.html, entry.notes) = Self.sanitised(item, attachments: plan.attachments)
            }
            if case .entry(let section, _) = entry.placement {
                let text = WordDiff.text(ofHTML: entry.html)
                let fields = DocumentRecognizer.recognise(title: title, text: text, commune: commune)
                if let fields, section == .documents || fields.stated {
                    entry.document = fields
                    entry.placement = .entry(.documents, .document)
                    if section != .documents { entry.rule += "; văn bản số \(fields.number)" }
                } else if section == .documents {
                    entry.placement = .entry(.news, .article)
                    entry.rule += "; không đọc được số ký hiệu: đưa vào Tin tức"
                }
            }
            plan.items.append(entry)
        }
        // /category/van-ban/quyet-dinh/ → Văn bản
        let categories = Dictionary(archive.categories.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        for category in archive.categories {
            guard case .section(let section) = mapping.target(categories: [category.slug]).target else { continue }
            var chain = [category.slug]
            var parent = category.parent
            while !parent.isEmpty, chain.count < 10, let up = categories[parent] {
                chain.insert(up.slug, at: 0)
                parent = up.parent
            }
            plan.categoryPages.append(("/category/" + chain.joined(separator: "/"), section))
        }
        return plan
    }

    /// An old site's host without `www.`, and the hosts its pages and files are taken from (with and without it).
    public static func hosts(of siteURL: String) -> (bare: String, all: Set<String>) {
        let host = URLComponents(string: siteURL)?.host?.lowercased() ?? ""
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return (bare, [bare, "www." + bare])
    }

    /// An item's text as WordPress shows it, sanitised, its links as they were.
    static func sanitised(_ item: WXRArchive.Item, attachments: [Int: WXRArchive.Item]) -> (html: String, notes: Set<String>) {
        var notes: Set<String> = []
        let html = WordPressContent.html(from: item.content, gallery: { ids in
            let chosen = ids.isEmpty
                ? attachments.values.filter { $0.parent == item.id && Self.looksLikeImage($0.attachmentURL) }.sorted { $0.id < $1.id }
                : ids.compactMap { attachments[$0] }
            return chosen.map { "<figure><img src=\"\(HTMLSanitizer.escape($0.attachmentURL))\" alt=\"\(HTMLSanitizer.escape(Self.description(of: $0)))\"></figure>" }
                .joined(separator: "\n")
        }, notes: &notes)
        return (HTMLSanitizer.sanitize(html).value, notes)
    }

    /// An attachment's description: its alternative text, its caption, or
    /// its title unless that is only a file name.
    static func description(of attachment: WXRArchive.Item) -> String {
        let alt = VietnameseText.nfc(attachment.imageAlt.trimmingCharacters(in: .whitespacesAndNewlines))
        if !alt.isEmpty { return alt }
        let caption = WordDiff.text(ofHTML: HTMLSanitizer.sanitize(attachment.excerpt).value)
        if !caption.isEmpty { return VietnameseText.nfc(caption) }
        let title = Self.title(attachment.title)
        let fileLike = title.range(of: "^[A-Za-z0-9_\\-. ]+$", options: .regularExpression) != nil && !title.contains(" ")
        return fileLike ? "" : title
    }

    static func looksLikeImage(_ url: String) -> Bool {
        let lower = url.lowercased()
        return [".jpg", ".jpeg", ".png", ".gif", ".webp"].contains { lower.hasSuffix($0) }
    }

    static func placement(_ target: ImportMapping.Target) -> Placement {
        switch target {
        case .leaveOut: .leftOut("quy tắc ánh xạ bỏ qua")
        case .section(let section):
            switch section.kind {
            case .static: .sectionText(section)
            case .catalogue: .leftOut("thủ tục hành chính lấy từ danh mục của tỉnh (provisioner procedures), không nhập từ trang cũ")
            case .footer: .leftOut("chân trang không nhận bài")
            case .feed, .periodic: .entry(section, EntryKind.allowed(in: section.id).contains(.article) ? .article : .document)
            }
        }
    }

    /// A title as shown: entities WordPress wrote decoded, NFC, one line.
    static func title(_ raw: String) -> String {
        VietnameseText.nfc(Entities.decode(raw)).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// What goes where, for the dry run and the report.
    public var counts: (entries: [MandatorySection: Int], texts: [MandatorySection: Int], documents: Int, leftOut: Int) {
        var entries: [MandatorySection: Int] = [:]
        var texts: [MandatorySection: Int] = [:]
        var documents = 0
        var leftOut = 0
        for item in self.items {
            switch item.placement {
            case .entry(let section, let kind):
                entries[section, default: 0] += 1
                if kind == .document { documents += 1 }
            case .sectionText(let section): texts[section, default: 0] += 1
            case .leftOut: leftOut += 1
            }
        }
        return (entries, texts, documents, leftOut)
    }
}

/// What an import did.
public struct SiteImportReport: Sendable {
    public struct Problem: Sendable, Hashable {
        public var url: String
        public var reason: String

        public init(url: String, reason: String) {
            self.url = url
            self.reason = reason
        }
    }

    public var entries = 0
    public var documents = 0
    public var published = 0
    public var sectionTexts = 0
    public var filesStored = 0
    /// Files whose content was already stored (same bytes under another name).
    public var filesReused = 0
    /// Items taken in by an earlier run, left as they are.
    public var alreadyDone = 0
    public var leftOut: [Problem] = []
    public var failures: [Problem] = []
    /// What changed on the way in (shortcodes, frames, images without a description).
    public var notes: [Problem] = []
    /// Links inside bodies to pages of the old site that the import does not know.
    public var deadLinks: [Problem] = []
}
