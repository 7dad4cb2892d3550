import Foundation
import TenantCore

enum SearchView {
    /// The archives a search may include, and whether this one does.
    struct Options {
        var archives: [String] = []
        var included = false
    }

    static func render(
        _ chrome: SiteChrome, text: String, page: Page<SearchHit>?, options: Options = Options(), procedures: [ProvinceProcedure] = []
    ) -> HTML {
        let pagerQuery: [(String, String)] = options.included ? [("q", text), ("luu-tru", "1")] : [("q", text)]
        let results: HTML
        if let page {
            let status: HTML = """
                <p role="status">\(self.status(text: text, items: page.total, procedures: procedures.count))</p>
                \(self.procedures(procedures, text: text))
                """
            if page.items.isEmpty {
                results = status
            } else {
                results = """
                    \(status)<ul class="items">\(page.items.map { hit -> HTML in
                        let slug = hit.archive == nil ? chrome.slug(of: hit.sectionID) : hit.sectionSlug
                        let prefix = hit.archive.map { "/luu-tru/\($0.slug)" } ?? ""
                        let link = prefix + (hit.entryID.map { "/\(slug)/\($0)" } ?? "/\(slug)")
                        let section = hit.archive == nil ? chrome.section(id: hit.sectionID)?.title ?? "" : hit.sectionTitle
                        let source: HTML = hit.archive.map { "<span class=\"badge\">Lưu trữ \($0.name) (cũ)</span> " } ?? .empty
                        return "<li><h2 class=\"h3\"><a href=\"\(href: link)\">\(hit.title)</a></h2><p class=\"meta\">\(source)\(section)\(hit.publishedAt.map { " · " + Layout.date($0) } ?? "")</p><p>\(hit.snippet)</p></li>"
                    })</ul>
                    \(Layout.pager(page.number, of: page.pageCount, path: "/tim-kiem", query: pagerQuery))
                    """
            }
        } else {
            results = "<p>Nhập từ khóa, có dấu hoặc không dấu (ví dụ: “thu tuc khai sinh”).</p>"
        }
        let main: HTML = """
            <h1>Tìm kiếm</h1>
            <form class="form-grid" method="get" action="/tim-kiem" role="search" aria-label="Tìm kiếm trên trang">
            <div><label for="q2">Từ khóa</label><input id="q2" name="q" type="search" value="\(text)" maxlength="200"></div>
            \(options.archives.isEmpty ? HTML.empty : "<div class=\"check\"><input type=\"checkbox\" id=\"luu-tru\" name=\"luu-tru\" value=\"1\"\(options.included ? " checked" as HTML : .empty)> <label for=\"luu-tru\">Tìm cả trong trang lưu trữ của các xã cũ: \(options.archives.joined(separator: ", "))</label></div>")
            <div><button class="button" type="submit">Tìm kiếm</button></div>
            </form>
            \(results)
            """
        var meta = PageMeta(title: text.isEmpty ? "Tìm kiếm" : "Tìm kiếm: \(text)", description: "Tìm kiếm trên trang thông tin điện tử \(chrome.tenant.nameInSentence)", path: "/tim-kiem")
        meta.crumbs = [("Tìm kiếm", nil)]
        meta.noindex = true
        return Layout.page(chrome, meta, main: main)
    }

    /// What was found, procedures of the catalogue and the site's items
    /// counted apart (the list shows at most five procedures).
    static func status(text: String, items: Int, procedures: Int) -> String {
        switch (procedures, items) {
        case (0, 0): return "Không tìm thấy kết quả nào cho “\(text)”."
        case (0, _): return "Có \(items) kết quả cho “\(text)”."
        case (_, 0): return "Có \(procedures) thủ tục hành chính cho “\(text)”; không có tin bài, văn bản nào."
        default: return "Có \(procedures) thủ tục hành chính và \(items) tin bài, văn bản cho “\(text)”."
        }
    }

    /// The province's procedures the words name, first: a citizen who types
    /// "khai sinh" or "1.001193" is looking for the procedure's page.
    static func procedures(_ found: [ProvinceProcedure], text: String) -> HTML {
        guard !found.isEmpty else { return .empty }
        let slug = MandatorySection.procedures.slug
        let more: HTML = found.count > 5 ? "<p><a href=\"\(href: "/\(slug)?q=" + Layout.percentEncode(text))\">Xem cả \(found.count) thủ tục</a></p>" : .empty
        return """
            <section class="panel" aria-labelledby="h-thu-tuc"><h2 id="h-thu-tuc">Thủ tục hành chính</h2>
            <ul class="items procedures">\(found.prefix(5).map { p -> HTML in
                "<li><h3><a href=\"\(href: ProceduresView.path(p))\">\(p.name)</a></h3><p class=\"meta\">Mã \(p.code) · \(p.field)</p></li>"
            })</ul>\(more)</section>

            """
    }
}
