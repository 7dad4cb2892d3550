import Foundation
import TenantCore

enum DocumentsView {
    static func render(
        _ chrome: SiteChrome, _ section: Section, query: DocumentQuery, facets: DocumentFacets, page: Page<Entry>
    ) -> HTML {
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            selected ? "<option value=\"\(value)\" selected>\(label)</option>" : "<option value=\"\(value)\">\(label)</option>"
        }
        let types = HTML(facets.types.map { option($0, $0, selected: $0 == query.type) })
        let issuers = HTML(facets.issuers.map { option($0, $0, selected: $0 == query.issuer) })
        let years = HTML(facets.years.map { option(String($0), String($0), selected: $0 == query.year) })
        let rows: HTML
        if page.items.isEmpty {
            rows = query.isEmpty ? "<p>Chưa có văn bản nào được đăng.</p>" : "<p role=\"status\">Không tìm thấy văn bản phù hợp với điều kiện tìm kiếm.</p>"
        } else {
            rows = """
                <p role="status">Tìm thấy \(page.total) văn bản.</p>
                <div class="table-scroll"><table class="data">
                <caption class="visually-hidden">Danh sách văn bản</caption>
                <thead><tr><th scope="col">Số ký hiệu</th><th scope="col">Ngày ban hành</th><th scope="col">Trích yếu</th><th scope="col">Cơ quan ban hành</th></tr></thead>
                <tbody>\(page.items.map { e -> HTML in
                    "<tr><td>\(e.docNumber ?? "")</td><td>\(e.issuedOn.map(Layout.date) ?? "")</td><td><a href=\"/\(section.slug)/\(e.id)\">\(e.title)</a>\(Layout.sampleTag(e))<br><span class=\"meta\">\(e.docType ?? "")</span></td><td>\(e.issuer ?? "")</td></tr>"
                })</tbody></table></div>
                """
        }
        var queryItems: [(String, String)] = []
        if let v = query.type { queryItems.append(("loai", v)) }
        if let v = query.number { queryItems.append(("so", v)) }
        if let v = query.issuer { queryItems.append(("co-quan", v)) }
        if let v = query.year { queryItems.append(("nam", String(v))) }
        if let v = query.text { queryItems.append(("tu-khoa", v)) }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            <form class="form-grid" method="get" action="/\(section.slug)" role="search" aria-label="Tìm kiếm văn bản">
            <div><label for="loai">Hình thức văn bản</label><select id="loai" name="loai"><option value="">Tất cả</option>\(types)</select></div>
            <div><label for="so">Số ký hiệu</label><input id="so" name="so" value="\(query.number ?? "")" maxlength="60"></div>
            <div><label for="co-quan">Cơ quan ban hành</label><select id="co-quan" name="co-quan"><option value="">Tất cả</option>\(issuers)</select></div>
            <div><label for="nam">Năm ban hành</label><select id="nam" name="nam"><option value="">Tất cả</option>\(years)</select></div>
            <div><label for="tu-khoa">Trích yếu, từ khóa</label><input id="tu-khoa" name="tu-khoa" value="\(query.text ?? "")" maxlength="200"></div>
            <div><button class="button" type="submit">Tìm văn bản</button></div>
            </form>
            \(rows)
            \(Layout.pager(page.number, of: page.pageCount, path: "/" + section.slug, query: queryItems))
            \(SectionView.basis(section))<p class="no-print"><a href="/rss/\(section.slug).xml">Theo dõi văn bản mới qua RSS</a></p>
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", type: "Collection", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.feedSlug = section.slug
        meta.activeSlug = section.slug
        meta.noindex = !query.isEmpty || page.number > 1
        return Layout.page(chrome, meta, main: main)
    }
}
