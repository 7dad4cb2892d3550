import Foundation
import TenantCore

/// What every page of a commune shows around its content: name and place in
/// the hierarchy, the menu of sections, the footer (publisher and person
/// responsible), portal links, the maintenance notice.
struct SiteChrome: Sendable {
    let tenant: Tenant
    var sections: [Section]
    let site: SiteInfo
    /// `http://hai-nam.hai-hau.nam-dinh.localhost:8080`: the address the visitor used.
    let baseURL: String
    /// `https://hainam.haihau.namdinh.gov.vn`: the official address, for canonical links.
    let canonicalBase: String
    let now: Date
    /// Set when this is an old commune's site kept inside its successor's.
    var archive: ArchiveVisit? = nil
    /// The old communes this one was formed from, with their archives' addresses.
    var predecessors: [(name: String, share: String, href: String?)] = []
    /// The platform-wide notice (planned maintenance), when one is shown.
    var platformNotices: [String] = []
    /// The EMC monitoring code, when the site has an EMC id.
    var emc: EMCCode? = nil

    /// The body that issues the site, as the header names it (Circular
    /// 32/2017, Art. 16(3)): `Ủy ban nhân dân xã Hải Nam`.
    var issuingBody: String { "Ủy ban nhân dân " + self.tenant.nameInSentence }

    func section(slug: String) -> Section? { self.sections.first { $0.slug == slug } }
    func section(id: Int) -> Section? { self.sections.first { $0.id == id } }
    func slug(of id: Int) -> String { self.section(id: id)?.slug ?? MandatorySection(rawValue: id)?.slug ?? "" }

    var menu: [Section] { self.sections.filter { $0.kind != .footer } }

    /// `Huyện Hải Hậu · Tỉnh Nam Định`
    var parentLine: String { self.tenant.parentLine }

    /// The menu when no section list could be read (error pages).
    static func fallbackSections() -> [Section] {
        MandatorySection.allCases.map {
            Section(
                id: $0.id, slug: $0.slug, title: $0.title, kind: $0.kind, position: $0.id, mandatory: true,
                legalBasis: $0.legalBasis, summary: $0.summary, body: "", starter: true)
        }
    }
}

/// Per-page metadata: title, description and Dublin Core fields.
struct PageMeta {
    var title: String
    var description: String
    /// Path (and query) of the page on this site, for canonical links.
    var path: String
    var type: String = "Text"
    var date: Date?
    var subject: String?
    var crumbs: [(String, String?)] = []
    var feedSlug: String?
    var activeSlug: String?
    var noindex = false
}

enum Layout {
    /// The opening every page shares, console and error pages included:
    /// the one place that declares the document's language.
    static let documentStart: HTML = """
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        """

    static let nationalPortal = "https://dichvucong.gov.vn"
    static let governmentPortal = "https://chinhphu.vn"

    /// The Dublin Core elements of a page (Decree 42/2022's metadata), for
    /// pages and their print views alike.
    static func dublinCore(_ chrome: SiteChrome, _ meta: PageMeta, identifier: String) -> HTML {
        """
        <link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">
        <meta name="DC.title" content="\(meta.title)">
        <meta name="DC.creator" content="\(chrome.site.publisher)">
        <meta name="DC.publisher" content="\(chrome.site.publisher)">
        <meta name="DC.date" content="\(VietnamTime(meta.date ?? chrome.now).isoDate)">
        <meta name="DC.description" content="\(meta.description)">
        <meta name="DC.identifier" content="\(href: identifier)">
        <meta name="DC.language" content="vi">
        <meta name="DC.type" content="\(meta.type)">
        <meta name="DC.subject" content="\(meta.subject ?? chrome.tenant.name)">
        <meta name="DC.source" content="\(href: chrome.canonicalBase + "/")">
        """
    }

    static func page(_ chrome: SiteChrome, _ meta: PageMeta, main: HTML) -> HTML {
        let tenant = chrome.tenant
        let fullTitle = meta.title == tenant.name ? "Trang thông tin điện tử \(tenant.nameInSentence)" : "\(meta.title) – \(tenant.name)"
        let canonical = chrome.canonicalBase + meta.path
        let feed: HTML = meta.feedSlug.map { slug in
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"\(meta.title)\" href=\"/rss/\(slug).xml\">"
        } ?? .empty
        let robots: HTML = meta.noindex ? "<meta name=\"robots\" content=\"noindex\">" : .empty
        // The two menus (folded on phones, wide on screens) list the same
        // items, the wide one after "Trang chủ": rendered once.
        let items = self.menuItems(chrome, active: meta.activeSlug)
        let home: HTML = meta.activeSlug == "" ? "<li><a href=\"/\" aria-current=\"page\">Trang chủ</a></li>" : "<li><a href=\"/\">Trang chủ</a></li>"
        return """
            \(Layout.documentStart)
            <title>\(fullTitle)</title>
            <meta name="description" content="\(meta.description)">
            \(robots)<link rel="canonical" href="\(href: canonical)">
            \(self.dublinCore(chrome, meta, identifier: canonical))
            <link rel="stylesheet" href="\(href: Stylesheet.path)">
            <link rel="icon" href="/favicon.svg" type="image/svg+xml">
            \(chrome.emc?.element ?? .empty)\(feed)
            </head>
            <body>
            <a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
            \(self.archiveBanner(chrome))\(self.notice(chrome))<header class="masthead">
            <div class="wrap">
            <a class="brand" href="/">\(Stylesheet.emblem)<span><span class="brand-kicker">\(chrome.issuingBody)</span><span class="brand-name">\(tenant.name)</span><span class="brand-parent">Trang thông tin điện tử · \(chrome.parentLine)</span></span></a>
            <form class="search" role="search" action="/tim-kiem" method="get"><label class="visually-hidden" for="q">Tìm kiếm trên trang</label><input id="q" name="q" type="search" placeholder="Tìm kiếm…" maxlength="200"><button type="submit">Tìm</button></form>
            </div>
            </header>
            <nav class="menu" aria-label="Danh mục chính">
            <div class="wrap">
            <details><summary>Danh mục</summary><ul>\(items)</ul></details>
            <ul class="menu-wide">\(home)\(items)</ul>
            </div>
            </nav>
            <main id="noi-dung" tabindex="-1">
            <div class="wrap">
            \(self.crumbs(meta.crumbs))\(main)
            </div>
            </main>
            \(self.footer(chrome))
            </body>
            </html>

            """
    }

    /// "Xã Hải Nam (đến 30/6/2025), nay thuộc Xã …" on every page of an archive.
    static func archiveBanner(_ chrome: SiteChrome) -> HTML {
        guard let archive = chrome.archive else { return .empty }
        let until = chrome.tenant.validUntil.map { " (đến \(Layout.date($0)))" } ?? ""
        return """
            <div class="notice" role="note"><div class="wrap"><p><strong>Trang lưu trữ.</strong> \(chrome.tenant.name)\(until), nay thuộc \
            <a href="\(href: String(chrome.baseURL.dropLast(archive.prefix.count)) + "/")">\(archive.home.name)</a>. Nội dung dưới đây được giữ nguyên để tra cứu, không còn được cập nhật.</p></div></div>

            """
    }

    static func notice(_ chrome: SiteChrome) -> HTML {
        var notices: [HTML] = []
        for text in chrome.platformNotices { notices.append(self.notice(text, from: "Thông báo của hệ thống")) }
        if let text = chrome.site.activeNotice(at: chrome.now) { notices.append(self.notice(text, from: "Thông báo")) }
        return HTML(notices)
    }

    static func notice(_ text: String, from: StaticString) -> HTML {
        "<div class=\"notice\" role=\"status\"><div class=\"wrap\"><p><strong>\(HTML(stringLiteral: from)):</strong> \(text)</p></div></div>\n"
    }

    /// The menu's sections and the sitemap, `active` marked as the current page.
    static func menuItems(_ chrome: SiteChrome, active: String?) -> HTML {
        var items = HTML.empty
        items.bytes.reserveCapacity(chrome.sections.count * 80 + 64)
        for section in chrome.sections where section.kind != .footer {
            if section.slug == active {
                items.append("<li><a href=\"/\(section.slug)\" aria-current=\"page\">\(section.title)</a></li>")
            } else {
                items.append("<li><a href=\"/\(section.slug)\">\(section.title)</a></li>")
            }
        }
        // The HTML sitemap belongs in the menu as well as in the footer.
        items.append(active == SitemapView.slug
            ? "<li><a href=\"/so-do-trang\" aria-current=\"page\">Sơ đồ trang</a></li>" : "<li><a href=\"/so-do-trang\">Sơ đồ trang</a></li>")
        return items
    }

    static func crumbs(_ crumbs: [(String, String?)]) -> HTML {
        guard !crumbs.isEmpty else { return .empty }
        var items: [HTML] = ["<li><a href=\"/\">Trang chủ</a></li>"]
        for (title, link) in crumbs {
            if let link {
                items.append("<li><a href=\"\(href: link)\">\(title)</a></li>")
            } else {
                items.append("<li aria-current=\"page\">\(title)</li>")
            }
        }
        return "<nav class=\"crumbs\" aria-label=\"Đường dẫn\"><ol>\(items)</ol></nav>\n"
    }

    static func footer(_ chrome: SiteChrome) -> HTML {
        let site = chrome.site
        var contact: [HTML] = []
        if !site.address.isEmpty { contact.append("<p>Địa chỉ: \(site.address)</p>") }
        if !site.phone.isEmpty { contact.append("<p>Điện thoại: <a href=\"\(href: "tel:" + site.phone.filter { $0.isNumber || $0 == "+" })\">\(site.phone)</a></p>") }
        if !site.email.isEmpty { contact.append("<p>Thư điện tử: <a href=\"\(href: "mailto:" + site.email)\">\(site.email)</a></p>") }
        let responsible: HTML = site.responsiblePerson.isEmpty
            ? "<p>Người chịu trách nhiệm: <em>chưa cập nhật</em></p>"
            : "<p>Người chịu trách nhiệm: <strong>\(site.responsiblePerson)</strong>\(site.responsibleTitle.isEmpty ? HTML.empty : ", \(site.responsibleTitle)" as HTML)</p>"
        var portals: [HTML] = []
        for unit in chrome.tenant.ancestors {
            if let url = unit.portalURL {
                portals.append("<li><a href=\"\(href: url)\">Cổng thông tin điện tử \(unit.fullName)</a></li>")
            }
        }
        portals.append(Self.nationalPortals)
        return """
            <footer class="footer">
            <div class="wrap cols">
            <section aria-labelledby="ft-owner"><h2 id="ft-owner">Cơ quan chủ quản</h2>
            <p><strong>\(site.publisher)</strong></p>
            \(responsible)\(contact)</section>
            <section aria-labelledby="ft-links"><h2 id="ft-links">Liên kết</h2><ul class="links">\(portals)</ul></section>
            <section aria-labelledby="ft-site"><h2 id="ft-site">Tiện ích</h2><ul class="links">
            <li><a href="/so-do-trang">Sơ đồ trang</a></li>
            <li><a href="/\(chrome.slug(of: MandatorySection.accessToInformation.id))">Tiếp cận thông tin</a></li>
            <li><a href="/\(chrome.slug(of: MandatorySection.questions.id))">Hỏi đáp</a></li>
            <li><a href="/rss/\(chrome.slug(of: MandatorySection.news.id)).xml">RSS tin tức</a></li>
            <li><a href="/danh-gia">Đánh giá mức độ hài lòng</a></li>
            </ul></section>
            </div>
            </footer>
            """
    }

    /// The footer's links to the national portals, the same on every page.
    static let nationalPortals: HTML = """
        <li><a href="\(href: nationalPortal)">Cổng Dịch vụ công quốc gia</a></li>\
        <li><a href="\(href: governmentPortal)">Cổng thông tin điện tử Chính phủ</a></li>
        """

    /// `26/11/2026`
    static func date(_ date: Date) -> String { VietnamTime(date).dateString }

    static func sampleTag(_ entry: Entry) -> HTML {
        entry.isSample ? " <span class=\"tag tag-sample\">Nội dung mẫu</span>" : .empty
    }

    /// Numbered page links: `?trang=N` plus the other query items.
    static func pager(_ page: Int, of count: Int, path: String, query: [(String, String)] = []) -> HTML {
        guard count > 1 else { return .empty }
        func link(_ n: Int) -> String {
            var items = query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }
            if n > 1 { items.append("trang=\(n)") }
            return items.isEmpty ? path : path + "?" + items.joined(separator: "&")
        }
        var shown = Set([1, count, page - 1, page, page + 1, page - 2, page + 2].filter { $0 >= 1 && $0 <= count })
        if count <= 9 { shown = Set(1...count) }
        var items: [HTML] = []
        if page > 1 { items.append("<li><a href=\"\(href: link(page - 1))\" rel=\"prev\">‹ Trang trước</a></li>") }
        var last = 0
        for n in shown.sorted() {
            if n > last + 1 { items.append("<li><span>…</span></li>") }
            if n == page {
                items.append("<li><span aria-current=\"page\">\(n)</span></li>")
            } else {
                items.append("<li><a href=\"\(href: link(n))\" aria-label=\"Trang \(n)\">\(n)</a></li>")
            }
            last = n
        }
        if page < count { items.append("<li><a href=\"\(href: link(page + 1))\" rel=\"next\">Trang sau ›</a></li>") }
        return "<nav aria-label=\"Phân trang\"><ul class=\"pager\">\(items)</ul></nav>"
    }

    static func percentEncode(_ s: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
