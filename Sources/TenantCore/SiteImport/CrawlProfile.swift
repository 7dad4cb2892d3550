import Foundation

/// How to read the pages of one kind of site: which addresses are items,
/// where an item's title, text, date, categories and image are (XPath 1.0),
/// and how list pages lead to items. Built in: `wordpress`, `joomla`,
/// `generic`; an operator adds one as a file of `key = value` lines (a key
/// given again adds another expression, tried in order):
///
///     name = cong-thong-tin-vnpt
///     item-path = ^/tin-tuc/[a-z0-9-]+-[0-9]+\.html$
///     title = //h1[@class='title']
///     body = //div[@id='content-detail']
///     date = //span[@class='date']
///     category = //ul[@class='breadcrumb']//a/@href
///     remove = //div[@class='share']
public struct CrawlProfile: Sendable, Equatable {
    public var name: String
    /// Paths of items (regular expressions on the path); empty: every page a sitemap lists that is not a list.
    public var itemPaths: [String] = []
    /// Paths never taken (lists, tags, authors, search).
    public var skipPaths: [String] = []
    public var title: [String] = []
    public var body: [String] = []
    /// An attribute holding an ISO date (`@datetime`, `@content`) or text with a Vietnamese date.
    public var date: [String] = []
    public var author: [String] = []
    /// Links (`@href`) to the item's categories.
    public var category: [String] = []
    /// The featured image (`@src`, `@content`) and its description.
    public var image: [String] = []
    public var imageAlt: [String] = []
    /// Elements removed from the body before it is kept.
    public var remove: [String] = []
    /// In a list page: each entry, its link and its thumbnail (the item's featured image).
    public var listEntry: [String] = []
    public var listLink: [String] = []
    public var listImage: [String] = []
    /// Links to a list's next page.
    public var next: [String] = []
    /// Where a site's sitemaps and feeds are.
    public var seeds: [String] = ["/sitemap.xml", "/sitemap_index.xml", "/feed/", "/rss"]

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static let wordpress = CrawlProfile(
        name: "wordpress",
        itemPaths: [],
        skipPaths: ["^/(category|tag|author|page|search|feed|comments|wp-json|wp-admin|wp-login\\.php)(/|$)", "/page/[0-9]+$", "/feed$", "/amp$"],
        title: ["//article//h1", "//h1[contains(@class,'entry-title')]", "//meta[@property='og:title']/@content", "//title"],
        body: ["//article//div[contains(concat(' ',normalize-space(@class),' '),' entry-content ')]", "//div[contains(concat(' ',normalize-space(@class),' '),' entry-content ')]", "//article"],
        date: [
            "//meta[@property='article:published_time']/@content", "//article//time[contains(@class,'published')]/@datetime", "//article//time/@datetime",
            "//*[contains(@class,'entry-date')]", "//*[contains(@class,'entry-meta')]", "//*[contains(@class,'posted-on')]",
        ],
        author: ["//article//*[contains(@class,'author')]//a", "//meta[@name='author']/@content"],
        category: ["//article//a[contains(concat(' ',@rel,' '),' category ')]/@href", "//a[@rel='category tag']/@href"],
        image: ["//meta[@property='og:image']/@content", "//article//img[contains(@class,'wp-post-image')]/@src"],
        imageAlt: ["//meta[@property='og:image:alt']/@content", "//article//img[contains(@class,'wp-post-image')]/@alt"],
        remove: ["//*[contains(@class,'sharedaddy')]", "//*[contains(@class,'jp-relatedposts')]", "//*[contains(@class,'post-navigation')]", "//script", "//style"],
        listEntry: ["//article"],
        listLink: [".//*[contains(@class,'entry-title')]//a/@href", ".//h2//a/@href", ".//a/@href"],
        listImage: [".//img[contains(@class,'wp-post-image')]"],
        next: ["//a[contains(@class,'next')]/@href", "//link[@rel='next']/@href"],
        seeds: ["/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml", "/feed/"])

    /// Joomla 3 and 4 with their default templates (com_content).
    public static let joomla = CrawlProfile(
        name: "joomla",
        itemPaths: ["/[0-9]+-[^/]+(\\.html)?$", "[?&]view=article"],
        skipPaths: ["^/(component/search|component/users|administrator)(/|$)", "[?&](format=feed|print=1|tmpl=component)"],
        title: ["//div[contains(@class,'item-page')]//h1", "//div[contains(@class,'item-page')]//h2", "//h1", "//title"],
        body: ["//div[contains(@class,'item-page')]//div[@itemprop='articleBody']", "//div[contains(@class,'item-page')]"],
        date: ["//time[@itemprop='datePublished']/@datetime", "//dd[contains(@class,'published')]", "//dd[contains(@class,'create')]"],
        author: ["//dd[contains(@class,'createdby')]//span[@itemprop='name']", "//dd[contains(@class,'createdby')]"],
        category: ["//dd[contains(@class,'category-name')]//a/@href", "//ul[contains(@class,'breadcrumb')]//a/@href"],
        image: ["//meta[@property='og:image']/@content", "//div[contains(@class,'item-image')]//img/@src", "//figure[contains(@class,'item-image')]//img/@src"],
        imageAlt: ["//div[contains(@class,'item-image')]//img/@alt", "//figure[contains(@class,'item-image')]//img/@alt"],
        remove: ["//dl[contains(@class,'article-info')]", "//ul[contains(@class,'pager')]", "//div[contains(@class,'icons')]", "//script", "//style"],
        listEntry: ["//div[contains(@class,'blog')]//div[contains(@class,'item')]", "//table[contains(@class,'category')]//tr"],
        listLink: [".//h2//a/@href", ".//a/@href"],
        listImage: [".//img"],
        next: ["//a[contains(@class,'next')]/@href", "//li[contains(@class,'pagination-next')]//a/@href", "//a[@title='Next' or @aria-label='Next' or @title='Tiếp']/@href"],
        seeds: ["/sitemap.xml", "/index.php?option=com_content&view=featured&format=feed&type=rss"])

    /// Any site: the main heading, the main element or article, the usual meta tags.
    public static let generic = CrawlProfile(
        name: "generic",
        itemPaths: [],
        skipPaths: ["/(tag|tags|search|tim-kiem|login|dang-nhap)(/|$)", "/page/[0-9]+$"],
        title: ["//meta[@property='og:title']/@content", "//h1", "//title"],
        body: ["//article", "//main", "//*[@role='main']", "//div[@id='content']", "//body"],
        date: ["//meta[@property='article:published_time']/@content", "//time/@datetime", "//*[contains(@class,'date')]"],
        author: ["//meta[@name='author']/@content"],
        category: ["//nav[contains(@class,'breadcrumb')]//a/@href", "//*[contains(@class,'breadcrumb')]//a/@href"],
        image: ["//meta[@property='og:image']/@content"],
        imageAlt: ["//meta[@property='og:image:alt']/@content"],
        remove: ["//nav", "//header", "//footer", "//aside", "//form", "//script", "//style"],
        listEntry: ["//article"],
        listLink: [".//h2//a/@href", ".//h3//a/@href", ".//a/@href"],
        listImage: [".//img"],
        next: ["//link[@rel='next']/@href", "//a[@rel='next']/@href"])

    public static let builtIn = [wordpress, joomla, generic]

    /// A profile from a file, over `base` (the built-in one its `base =` line names, else generic).
    public static func read(_ text: String, file: String = "profile") throws(ReadError) -> CrawlProfile {
        var lines: [(Int, String, String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let equals = line.firstIndex(of: "=") else { throw ReadError(description: "\(file) line \(index + 1): expected “key = value”") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw ReadError(description: "\(file) line \(index + 1): “\(key)” has no value") }
            lines.append((index + 1, key, value))
        }
        let baseName = lines.last { $0.1 == "base" }?.2 ?? "generic"
        guard var profile = Self.builtIn.first(where: { $0.name == baseName }) else {
            throw ReadError(description: "\(file): base “\(baseName)” is not one of wordpress, joomla, generic")
        }
        var replaced: Set<String> = []
        for (number, key, value) in lines where key != "base" {
            let place = "\(file) line \(number)"
            if key == "name" {
                guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { throw ReadError(description: "\(place): a name is letters, digits and -") }
                profile.name = value
                continue
            }
            guard let path = Self.keys[key] else {
                throw ReadError(description: "\(place): unknown key “\(key)”; keys are base, name, \(Self.keys.keys.sorted().joined(separator: ", "))")
            }
            if key.hasSuffix("path") || key == "seed" {
                if key != "seed" {
                    do { _ = try Regex(value) } catch { throw ReadError(description: "\(place): “\(value)” is not a regular expression") }
                }
            } else if !HTMLDocument.isValid(xpath: value) {
                throw ReadError(description: "\(place): “\(value)” is not an XPath expression")
            }
            // A file's first value of a key replaces the base's, later ones add to it.
            if !replaced.contains(key) { profile[keyPath: path] = [] }
            replaced.insert(key)
            profile[keyPath: path].append(value)
        }
        return profile
    }

    nonisolated(unsafe) static let keys: [String: WritableKeyPath<CrawlProfile, [String]>] = [
        "item-path": \.itemPaths, "skip-path": \.skipPaths, "title": \.title, "body": \.body, "date": \.date, "author": \.author,
        "category": \.category, "image": \.image, "image-alt": \.imageAlt, "remove": \.remove, "list-entry": \.listEntry,
        "list-link": \.listLink, "list-image": \.listImage, "next": \.next, "seed": \.seeds,
    ]
}
