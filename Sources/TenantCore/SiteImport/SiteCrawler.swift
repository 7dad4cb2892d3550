import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a crawl may fetch: pages in all, link hops from the start, the
/// largest page. Only the old site's own hosts are ever fetched.
public struct CrawlLimits: Sendable {
    public var maxPages = 20_000
    public var maxDepth = 8
    public var maxPageBytes = 5 << 20

    public init(maxPages: Int = 20_000, maxDepth: Int = 8, maxPageBytes: Int = 5 << 20) {
        (self.maxPages, self.maxDepth, self.maxPageBytes) = (maxPages, maxDepth, maxPageBytes)
    }
}

/// Reads a live or mirrored site through its sitemaps, feeds and list
/// pages, and makes of its items the same archive a WordPress export gives,
/// so the rest of the import is one.
public struct SiteCrawler: Sendable {
    public let siteURL: String
    public let profile: CrawlProfile
    public let fetcher: any SiteFileFetcher
    public let limits: CrawlLimits
    let hosts: Set<String>

    public init(siteURL: String, profile: CrawlProfile, fetcher: any SiteFileFetcher, limits: CrawlLimits = CrawlLimits()) {
        var site = siteURL
        while site.hasSuffix("/") { site.removeLast() }
        self.siteURL = site
        self.profile = profile
        self.fetcher = fetcher
        self.limits = limits
        self.hosts = SiteImportPlan.hosts(of: site).all
    }

    /// What the crawl found, and the addresses it could not read.
    public struct Result: Sendable {
        public var archive: WXRArchive
        public var problems: [SiteImportReport.Problem]
        /// Links of the site to pages it does not have.
        public var missing: [SiteImportReport.Problem]
        public var fetched: Int
    }

    struct Found {
        var url: String
        var title: String
        var body: String
        var date: Date?
        var author: String
        var categories: [(path: String, name: String)]
        var image: (src: String, alt: String)?
        var isPage: Bool
    }

    /// - Parameter progress: (pages fetched, pages known).
    public func crawl(progress: @Sendable (Int, Int) -> Void = { _, _ in }) async -> Result {
        let patterns = Patterns(
            skip: self.profile.skipPaths.compactMap { try? Regex($0) }, items: self.profile.itemPaths.compactMap { try? Regex($0) })
        var queue: [(url: String, depth: Int, seed: Bool)] = [(self.siteURL + "/", 0, true)]
        for seed in self.profile.seeds { queue.append((self.siteURL + seed, 0, true)) }
        var seen = Set(queue.compactMap { Self.key($0.url) })
        var problems: [SiteImportReport.Problem] = []
        var missing: [SiteImportReport.Problem] = []
        var found: [String: Found] = [:]
        var pageHints: Set<String> = []
        var dates: [String: Date] = [:]
        var thumbnails: [String: (src: String, alt: String)] = [:]
        var fetched = 0
        var index = 0
        while index < queue.count, fetched < self.limits.maxPages {
            let (url, depth, seed) = queue[index]
            index += 1
            let bytes: [UInt8]
            do {
                bytes = try await self.fetcher.fetch(url)
            } catch let error as SiteFetchError where error.missing {
                if !seed { missing.append(.init(url: url, reason: error.description)) }
                continue
            } catch {
                if !seed { problems.append(.init(url: url, reason: "không tải được trang: \(error)")) }
                continue
            }
            fetched += 1
            progress(fetched, queue.count)
            guard bytes.count <= self.limits.maxPageBytes else {
                problems.append(.init(url: url, reason: "trang lớn hơn \(self.limits.maxPageBytes >> 20) MB"))
                continue
            }
            var links: [String] = []
            let head = String(decoding: bytes.prefix(2048), as: UTF8.self)
            if head.contains("<urlset") || head.contains("<sitemapindex") {
                let locations = FeedReader.read(bytes).links
                let pages = url.contains("page")
                for location in locations {
                    links.append(location)
                    if pages, let key = Self.key(location) { pageHints.insert(key) }
                }
            } else if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:RDF") {
                for (link, date) in FeedReader.read(bytes).items {
                    links.append(link)
                    if let date, let key = Self.key(link) { dates[key] = date }
                }
            } else if let document = HTMLDocument(bytes, url: url) {
                let path = OldAddress.path(url) ?? "/"
                // List entries: their links, and their thumbnails as the items' featured images.
                for entry in self.first(self.profile.listEntry, { document.nodes($0) }) {
                    guard let href = self.first(self.profile.listLink, { document.strings($0, under: entry) }).first,
                        let link = self.absolute(href, from: url)
                    else { continue }
                    links.append(link)
                    if let image = self.first(self.profile.listImage, { document.nodes($0, under: entry) }).first,
                        let src = document.strings("@src", under: image).first.flatMap({ self.absolute($0, from: url) }),
                        let key = Self.key(link), thumbnails[key] == nil
                    {
                        thumbnails[key] = (src, document.strings("@alt", under: image).first ?? "")
                    }
                }
                for href in self.first(self.profile.next, { document.strings($0) }) { if let link = self.absolute(href, from: url) { links.append(link) } }
                if depth < self.limits.maxDepth {
                    for href in document.strings("//a/@href") { if let link = self.absolute(href, from: url), !Self.looksLikeFile(link) { links.append(link) } }
                }
                if path != "/", patterns.isItem(path), let item = self.item(document, url: url, path: path, pageHint: pageHints.contains(Self.key(url) ?? "")) {
                    found[Self.key(url) ?? url] = item
                }
            }
            for link in links {
                guard let key = Self.key(link), !seen.contains(key), let host = URLComponents(string: link)?.host?.lowercased(),
                    self.hosts.contains(host)
                else { continue }
                seen.insert(key)
                queue.append((link, depth + 1, false))
            }
        }
        if index < queue.count {
            problems.append(.init(url: self.siteURL, reason: "dừng sau \(self.limits.maxPages) trang (--max-pages): \(queue.count - index) địa chỉ chưa đọc"))
        }
        return Result(archive: self.archive(found, dates: dates, thumbnails: thumbnails), problems: problems, missing: missing, fetched: fetched)
    }

    /// The first expression of `expressions` that finds something.
    func first<T>(_ expressions: [String], _ run: (String) -> [T]) -> [T] {
        for expression in expressions {
            let found = run(expression)
            if !found.isEmpty { return found }
        }
        return []
    }

    /// The profile's paths, compiled once per crawl.
    struct Patterns {
        let skip: [Regex<AnyRegexOutput>]
        let items: [Regex<AnyRegexOutput>]

        func isItem(_ path: String) -> Bool {
            if self.skip.contains(where: { path.firstMatch(of: $0) != nil }) { return false }
            return self.items.isEmpty || self.items.contains { path.firstMatch(of: $0) != nil }
        }
    }

    func item(_ document: HTMLDocument, url: String, path: String, pageHint: Bool) -> Found? {
        guard let title = self.first(self.profile.title, { document.strings($0) }).first,
            let body = self.first(self.profile.body, { document.nodes($0) }).first
        else { return nil }
        for expression in self.profile.remove { document.remove(expression, under: body) }
        let html = document.html(of: body)
        var date: Date?
        for expression in self.profile.date {
            for text in document.strings(expression) {
                if let parsed = Self.date(text) { date = parsed; break }
            }
            if date != nil { break }
        }
        let categories = self.first(self.profile.category) { document.nodes($0) }.compactMap { node -> (String, String)? in
            guard let href = self.absolute(document.text(of: node), from: url), let path = OldAddress.path(href), path != "/" else { return nil }
            return (path, "")
        }
        var image: (String, String)?
        if let src = self.first(self.profile.image, { document.strings($0) }).first.flatMap({ self.absolute($0, from: url) }) {
            image = (src, self.first(self.profile.imageAlt) { document.strings($0) }.first ?? "")
        }
        let isPage = pageHint || !document.nodes("//body[contains(concat(' ',normalize-space(@class),' '),' page ')]").isEmpty
        return Found(
            url: url, title: String(title.prefix(1000)), body: html, date: date, author: self.first(self.profile.author) { document.strings($0) }.first ?? "",
            categories: categories, image: image, isPage: isPage)
    }

    /// The items as a WordPress export: posts and pages, their categories
    /// (by the last part of their path), their featured images as attachments.
    func archive(_ found: [String: Found], dates: [String: Date], thumbnails: [String: (src: String, alt: String)]) -> WXRArchive {
        var archive = WXRArchive(siteURL: self.siteURL, title: "", categories: [], authors: [:], items: [])
        var categories: [String: WXRArchive.Category] = [:]
        var nextAttachment = 1_000_000
        for (index, (key, item)) in found.sorted(by: { $0.key < $1.key }).enumerated() {
            let path = OldAddress.path(item.url) ?? "/"
            var slugs: [String] = []
            for category in item.categories {
                // /category/van-ban/quyet-dinh → quyet-dinh under van-ban.
                let parts = category.path.split(separator: "/").map(String.init).filter { $0 != "category" && $0 != "chuyen-muc" }
                guard let slug = parts.last else { continue }
                slugs.append(slug)
                for (position, part) in parts.enumerated() where categories[part] == nil {
                    categories[part] = WXRArchive.Category(slug: part, name: part, parent: position > 0 ? parts[position - 1] : "")
                }
            }
            var date = item.date ?? dates[key]
            if date == nil {
                // /2024/03/… : the month the address gives.
                let parts = path.split(separator: "/").prefix(2).compactMap { Int($0) }
                if parts.count == 2, (1990...2100).contains(parts[0]), (1...12).contains(parts[1]) {
                    date = VietnamTime.startOfDay(year: parts[0], month: parts[1], day: 1)
                }
            }
            var entry = WXRArchive.Reader.emptyItem()
            entry.id = index + 1
            entry.type = item.isPage ? "page" : "post"
            entry.status = "publish"
            entry.title = item.title
            entry.link = item.url
            entry.slug = item.isPage ? String(path.dropFirst()) : String(path.split(separator: "/").last ?? "")
            entry.content = item.body
            entry.date = date
            entry.author = item.author
            entry.categories = slugs
            if let image = item.image ?? thumbnails[key].map({ ($0.src, $0.alt) }) {
                nextAttachment += 1
                var attachment = WXRArchive.Reader.emptyItem()
                attachment.id = nextAttachment
                attachment.type = "attachment"
                attachment.status = "inherit"
                attachment.parent = entry.id
                attachment.attachmentURL = image.0
                attachment.imageAlt = image.1
                archive.items.append(attachment)
                entry.thumbnailID = attachment.id
            }
            archive.items.append(entry)
        }
        archive.categories = categories.values.sorted { $0.slug < $1.slug }
        return archive
    }

    /// `http://host/path` of `href` read on page `base`; nil for other schemes.
    func absolute(_ href: String, from base: String) -> String? {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), trimmed.count <= 2000,
            let url = URL(string: trimmed, relativeTo: URL(string: base))?.absoluteURL, url.scheme == "http" || url.scheme == "https"
        else { return nil }
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        components?.fragment = nil
        return components?.string
    }

    /// The address without its fragment and trailing slash, for "seen".
    static func key(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), let path = OldAddress.path(url) else { return nil }
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return bare + path + (components.query.map { "?" + $0 } ?? "")
    }

    static func looksLikeFile(_ url: String) -> Bool {
        let path = (URLComponents(string: url)?.path ?? url).lowercased()
        return [".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".mp4", ".mp3", ".css", ".js"]
            .contains { path.hasSuffix($0) }
    }

    /// `2024-03-12T08:00:00+07:00`, `2024-03-12`, or text with `12/03/2024`.
    static func date(_ text: String) -> Date? {
        let digits = Array(text.prefix(25))
        if digits.count >= 10, digits[4] == "-", digits[7] == "-", let year = Int(String(digits[0..<4])), let month = Int(String(digits[5..<7])),
            let day = Int(String(digits[8..<10])), (1990...2100).contains(year), (1...12).contains(month), (1...31).contains(day)
        {
            if let parsed = ISO8601DateFormatter().date(from: String(text.prefix(25))) { return parsed }
            return VietnamTime.startOfDay(year: year, month: month, day: day)
        }
        return DocumentRecognizer.date(text)
    }
}

/// The addresses a sitemap lists, and a feed's items with their dates.
enum FeedReader {
    static func read(_ bytes: [UInt8]) -> (links: [String], items: [(String, Date?)]) {
        let reader = Reader()
        let parser = XMLParser(stream: InputStream(data: Data(bytes)))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        _ = parser.parse()
        return (reader.links, reader.items)
    }

    final class Reader: NSObject, XMLParserDelegate {
        var links: [String] = []
        var items: [(String, Date?)] = []
        var text = ""
        var link = ""
        var date: Date?
        var inItem = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            self.text = ""
            if name == "item" || name == "entry" {
                self.inItem = true
                (self.link, self.date) = ("", nil)
            }
            if name == "link", self.inItem, let href = attributes["href"] { self.link = href }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { self.text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = self.text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case "loc": self.links.append(value)
            case "link" where self.inItem && !value.isEmpty: self.link = value
            case "pubDate": self.date = Self.rfc822(value)
            case "published", "updated": self.date = self.date ?? SiteCrawler.date(value)
            case "item", "entry":
                if !self.link.isEmpty { self.items.append((self.link, self.date)) }
                self.inItem = false
            default: break
            }
            self.text = ""
        }

        static func rfc822(_ text: String) -> Date? {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
            return formatter.date(from: text)
        }
    }
}
