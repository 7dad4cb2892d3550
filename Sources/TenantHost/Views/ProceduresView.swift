import Foundation
import TenantCore

enum ProceduresView {
    /// The province's catalogue, grouped by field, each procedure linked to
    /// its own page on the national portal.
    static func catalogue(_ procedures: [ProvinceProcedure]) -> HTML {
        guard !procedures.isEmpty else { return .empty }
        var groups: [(String, [ProvinceProcedure])] = []
        for p in procedures {
            if let last = groups.indices.last, groups[last].0 == p.field { groups[last].1.append(p) } else { groups.append((p.field, [p])) }
        }
        return HTML(groups.map { field, items -> HTML in
            """
            <h2>\(field)</h2>
            <div class="table-scroll"><table class="data">
            <thead><tr><th scope="col">Mã</th><th scope="col">Tên thủ tục</th><th scope="col">Mức độ</th><th scope="col">Thời hạn giải quyết</th><th scope="col">Phí, lệ phí</th></tr></thead>
            <tbody>\(items.map { p -> HTML in
                "<tr><td>\(p.code)</td><td><a href=\"\(href: p.portalURL)\">\(p.name)</a></td><td>\(self.level(p.serviceLevel))</td><td>\(p.processingTime)</td><td>\(p.fee)</td></tr>"
            })</tbody></table></div>
            """
        })
    }

    static func render(_ chrome: SiteChrome, _ section: Section, _ procedures: [Entry], catalogue: [ProvinceProcedure] = []) -> HTML {
        var groups: [(String, [Entry])] = []
        for p in procedures {
            let field = p.field ?? "Lĩnh vực khác"
            if let last = groups.indices.last, groups[last].0 == field { groups[last].1.append(p) } else { groups.append((field, [p])) }
        }
        var body: HTML
        if groups.isEmpty && !catalogue.isEmpty {
            body = .empty
        } else if groups.isEmpty {
            body = "<p>Danh mục thủ tục hành chính đang được cập nhật. Người dân có thể tra cứu trên <a href=\"\(href: Layout.nationalPortal)\">Cổng Dịch vụ công quốc gia</a>.</p>"
        } else {
            body = HTML(groups.map { field, items -> HTML in
                """
                <h2>\(field)</h2>
                <div class="table-scroll"><table class="data">
                <thead><tr><th scope="col">Tên thủ tục</th><th scope="col">Mức độ</th><th scope="col">Thời hạn giải quyết</th><th scope="col">Phí, lệ phí</th><th scope="col">Thực hiện</th></tr></thead>
                <tbody>\(items.map { p -> HTML in
                    "<tr><td><a href=\"/\(section.slug)/\(p.id)\">\(p.title)</a>\(Layout.sampleTag(p))</td><td>\(self.level(p.serviceLevel))</td><td>\(p.processingTime ?? "")</td><td>\(p.fee ?? "")</td><td>\(p.portalURL.map { "<a href=\"\(href: $0)\">Nộp trực tuyến<span class=\"visually-hidden\">: \(p.title)</span></a>" as HTML } ?? .empty)</td></tr>"
                })</tbody></table></div>
                """
            })
        }
        if !catalogue.isEmpty {
            let province = chrome.tenant.province.map(\.nameInSentence) ?? ""
            let own: HTML = groups.isEmpty ? .empty : "<h2 class=\"h3\">Thủ tục và ghi chú riêng của \(chrome.tenant.nameInSentence)</h2>\(body)"
            body = """
                <p>Danh mục thủ tục hành chính cấp xã do \(province) công bố, áp dụng tại \(chrome.tenant.nameInSentence). Mỗi thủ tục dẫn tới trang của thủ tục đó trên Cổng Dịch vụ công quốc gia.</p>
                \(self.catalogue(catalogue))\(own)
                """
        }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            <p><a class="button" href="\(href: Layout.nationalPortal)">Cổng Dịch vụ công quốc gia</a></p>
            \(body)
            \(SectionView.basis(section))
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", type: "Collection", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    static func level(_ level: String?) -> HTML {
        switch level {
        case "toàn trình": return "<span class=\"tag tag-full\">Toàn trình</span>"
        case "một phần": return "<span class=\"tag tag-part\">Một phần</span>"
        default: return .empty
        }
    }
}
