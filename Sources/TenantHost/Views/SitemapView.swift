import Foundation
import TenantCore

enum SitemapView {
    static let slug = "so-do-trang"

    static func render(_ chrome: SiteChrome, entries: [SitemapEntry]) -> HTML {
        let bySection = Dictionary(grouping: entries, by: \.sectionID)
        let main: HTML = """
            <h1>Sơ đồ trang</h1>
            <ul>
            <li><a href="/">Trang chủ</a></li>
            \(chrome.menu.map { section -> HTML in
                let items = (bySection[section.id] ?? []).prefix(10)
                let children: HTML = items.isEmpty ? .empty : "<ul>\(items.map { e -> HTML in "<li><a href=\"/\(section.slug)/\(e.entryID)\">\(e.title)</a></li>" })</ul>"
                return "<li><a href=\"/\(section.slug)\">\(section.title)</a>\(children)</li>"
            })
            <li><a href="/lich-cong-tac">Lịch công tác tuần</a></li>
            <li><a href="/tim-kiem">Tìm kiếm</a></li>
            </ul>
            <p><a href="/sitemap.xml">Sơ đồ trang dạng XML</a> cho máy tìm kiếm.</p>
            """
        var meta = PageMeta(title: "Sơ đồ trang", description: "Sơ đồ trang thông tin điện tử \(chrome.tenant.nameInSentence)", path: "/so-do-trang")
        meta.crumbs = [("Sơ đồ trang", nil)]
        meta.activeSlug = Self.slug
        return Layout.page(chrome, meta, main: main)
    }
}
