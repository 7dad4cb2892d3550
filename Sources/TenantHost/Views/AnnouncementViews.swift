import Foundation
import TenantCore

/// "Tin từ tỉnh" on a commune's site: the announcements its province
/// published once for every commune, each naming the province as source.
enum AnnouncementViews {
    static func source(_ chrome: SiteChrome) -> String {
        chrome.tenant.province.map { "Ủy ban nhân dân " + $0.nameInSentence } ?? ""
    }

    /// The panel on the home page and on the first page of the news.
    static func panel(_ chrome: SiteChrome, _ items: [Announcement]) -> HTML {
        guard !items.isEmpty else { return .empty }
        return """
            <section class="panel panel-province" aria-labelledby="h-province"><h2 id="h-province"><a href="/tin-tu-tinh">Tin từ tỉnh</a></h2>
            <ul class="items">\(items.map { a -> HTML in
                "<li><h3><a href=\"/tin-tu-tinh/\(a.id)\">\(a.title)</a></h3><p class=\"meta\"><time datetime=\"\(VietnamTime(a.publishedAt).isoDate)\">\(Layout.date(a.publishedAt))</time> · Nguồn: \(self.source(chrome))</p><p>\(a.summary)</p></li>"
            })</ul></section>

            """
    }

    static func list(_ chrome: SiteChrome, _ items: [Announcement]) -> HTML {
        let body: HTML = items.isEmpty
            ? "<p>Chưa có tin nào từ tỉnh.</p>"
            : """
                <ul class="items">\(items.map { a -> HTML in
                    "<li><h2 class=\"h3\"><a href=\"/tin-tu-tinh/\(a.id)\">\(a.title)</a></h2><p class=\"meta\"><time datetime=\"\(VietnamTime(a.publishedAt).isoDate)\">\(Layout.date(a.publishedAt))</time> · Nguồn: \(self.source(chrome))</p><p>\(a.summary)</p></li>"
                })</ul>
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

    static func page(_ chrome: SiteChrome, _ a: Announcement, province: AdminUnit) -> HTML {
        let main: HTML = """
            <article>
            <h1>\(a.title)</h1>
            <p class="meta"><time datetime="\(VietnamTime(a.publishedAt).isoDate)">\(Layout.date(a.publishedAt))</time> · Nguồn: <strong>\(self.source(chrome))</strong></p>
            \(a.summary.isEmpty ? HTML.empty : "<p class=\"lead\">\(a.summary)</p>")
            <div class="prose">\(sanitized: HTMLSanitizer.sanitize(a.body))</div>
            </article>
            """
        var meta = PageMeta(
            title: a.title, description: a.summary.isEmpty ? a.title : a.summary, path: "/tin-tu-tinh/\(a.id)", type: "Text",
            date: a.publishedAt, subject: "Tin từ tỉnh")
        meta.crumbs = [("Tin từ tỉnh", "/tin-tu-tinh"), (a.title, nil)]
        return Layout.page(chrome, meta, main: main)
    }
}
