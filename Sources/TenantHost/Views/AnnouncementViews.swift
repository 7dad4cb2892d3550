import Foundation
import TenantCore

/// "Tin từ tỉnh" on a commune's site: the announcements its province
/// published once for every commune, each naming the province as source.
enum AnnouncementViews {
    static func source(_ chrome: SiteChrome) -> String {
        chrome.tenant.province?.issuingBody ?? ""
    }

    /// One announcement in a list (`onItsOwnList`: the list is the page's
    /// main content, so its headings are second level), with its source
    /// when the list is on a commune's site.
    static func item(_ a: Announcement, source: String?, onItsOwnList: Bool = false) -> HTML {
        let (open, close): (HTML, HTML) = onItsOwnList ? ("<h2 class=\"h3\">", "</h2>") : ("<h3>", "</h3>")
        let from: HTML = source.map { " · Nguồn: \($0)" } ?? .empty
        return "<li>\(open)<a href=\"/tin-tu-tinh/\(a.id)\">\(a.title)</a>\(close)<p class=\"meta\"><time datetime=\"\(VietnamTime(a.publishedAt).isoDate)\">\(Layout.date(a.publishedAt))</time>\(from)</p><p>\(a.summary)</p></li>"
    }

    /// An announcement's own page, on a commune's site or the portal.
    static func article(_ a: Announcement, source: String) -> HTML {
        """
        <article>
        <h1>\(a.title)</h1>
        <p class="meta"><time datetime="\(VietnamTime(a.publishedAt).isoDate)">\(Layout.date(a.publishedAt))</time> · Nguồn: <strong>\(source)</strong></p>
        \(a.summary.isEmpty ? HTML.empty : "<p class=\"lead\">\(a.summary)</p>")
        <div class="prose">\(sanitized: HTMLSanitizer.sanitize(a.body))</div>
        </article>
        """
    }

    /// The panel on the home page and on the first page of the news.
    static func panel(_ chrome: SiteChrome, _ items: [Announcement]) -> HTML {
        guard !items.isEmpty else { return .empty }
        return """
            <section class="panel panel-province" aria-labelledby="h-province"><h2 id="h-province"><a href="/tin-tu-tinh">Tin từ tỉnh</a></h2>
            <ul class="items">\(items.map { self.item($0, source: self.source(chrome)) })</ul></section>

            """
    }

    static func list(_ chrome: SiteChrome, _ items: [Announcement]) -> HTML {
        let body: HTML = items.isEmpty
            ? "<p>Chưa có tin nào từ tỉnh.</p>"
            : """
                <ul class="items">\(items.map { self.item($0, source: self.source(chrome), onItsOwnList: true) })</ul>
                """
        let main: HTML = """
            <h1>Tin từ tỉnh</h1>
            <p class="lead">Thông báo, tin bài của \(self.source(chrome)) đăng trên trang của mọi xã, phường trong tỉnh.</p>
            \(body)
            """
        var meta = PageMeta(
            title: "Tin từ tỉnh", description: "Thông báo của \(self.source(chrome)) gửi tới các xã, phường.", path: "/tin-tu-tinh",
            type: "Collection", date: items.first?.publishedAt, subject: "Tin từ tỉnh")
        meta.crumbs = [("Tin từ tỉnh", nil)]
        meta.feedSlug = chrome.slug(of: MandatorySection.news.id)
        return Layout.page(chrome, meta, main: main)
    }

    static func page(_ chrome: SiteChrome, _ a: Announcement) -> HTML {
        let main = self.article(a, source: self.source(chrome))
        var meta = PageMeta(
            title: a.title, description: a.summary.isEmpty ? a.title : a.summary, path: "/tin-tu-tinh/\(a.id)", type: "Text",
            date: a.publishedAt, subject: "Tin từ tỉnh")
        meta.crumbs = [("Tin từ tỉnh", "/tin-tu-tinh"), (a.title, nil)]
        return Layout.page(chrome, meta, main: main)
    }
}
