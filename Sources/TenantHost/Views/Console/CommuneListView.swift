import Foundation
import TenantCore

/// `/quan-tri/xa`: every commune in scope, fifty to a page, searched
/// without diacritics and filtered by province, status and compliance.
enum CommuneListView {
    struct Filter: Equatable {
        var text = ""
        var province: Int?
        var status: TenantStatus?
        /// Only communes the audit's content checks find not compliant.
        var incomplete = false
        var page = 1

        /// The query of this filter (without the page), for links.
        var query: [(String, String)] {
            var items: [(String, String)] = []
            if !self.text.isEmpty { items.append(("q", self.text)) }
            if let province = self.province { items.append(("tinh", String(province))) }
            if let status = self.status { items.append(("trang-thai", status.rawValue)) }
            if self.incomplete { items.append(("tuan-thu", "thieu")) }
            return items
        }
    }

    static let pageSize = 50

    static func render(
        filter: Filter, provinces: [AdminUnit], rows: [Tenant], total: Int, hrefs: (Tenant) -> (site: String, console: String)
    ) -> HTML {
        let pageCount = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let provinceOptions = [("", "Tất cả")] + provinces.map { ("\($0.code)", $0.fullName) }
        let statusOptions = [("", "Tất cả")] + TenantStatus.allCases.map { ($0.rawValue, $0.title) }
        let body = HTML(rows.map { tenant -> HTML in
            let links = hrefs(tenant)
            // An ended commune may share its code with the commune that
            // took its seat: its row leads to its own record, by identity.
            let detail = tenant.successorID == nil ? "/quan-tri/xa/\(tenant.code)" : "/quan-tri/tuan-thu/\(tenant.id)"
            return """
                <tr><td>\(tenant.code)</td><th scope="row"><a href="\(href: detail)">\(tenant.name)</a></th><td>\(tenant.ancestors.first?.fullName ?? "")</td>\
                <td>\(tenant.status.title)</td><td><a href="\(href: links.site)">Trang</a> · <a href="\(href: links.console)">Quản trị</a></td></tr>
                """
        })
        let first = total == 0 ? 0 : (filter.page - 1) * Self.pageSize + 1
        let last = min(total, filter.page * Self.pageSize)
        return """
            <form method="get" action="/quan-tri/xa" class="form-grid" role="search" aria-label="Tìm xã, phường">
            <div><label for="q">Tên hoặc mã (có dấu hoặc không dấu)</label><input id="q" name="q" value="\(filter.text)" maxlength="100"></div>
            \(Field.select("tinh", "Tỉnh, thành phố", options: provinceOptions, selected: filter.province.map(String.init) ?? "", errors: [:]))\
            \(Field.select("trang-thai", "Trạng thái", options: statusOptions, selected: filter.status?.rawValue ?? "", errors: [:]))\
            <div class="check"><input type="checkbox" id="tuan-thu" name="tuan-thu" value="thieu"\(filter.incomplete ? " checked" as HTML : .empty)> <label for="tuan-thu">Chỉ xã chưa đạt (nội dung bắt buộc, chân trang, thời hạn)</label></div>
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <p role="status">\(total == 0 ? "Không có xã, phường nào phù hợp." as HTML : "Xã, phường \(first)–\(last) trong \(total).")</p>
            \(total == 0 ? HTML.empty : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Các xã, phường trong phạm vi quản lý"><table class="data"><caption>Các xã, phường trong phạm vi quản lý</caption>
            <thead><tr><th scope="col">Mã</th><th scope="col">Tên</th><th scope="col">Trực thuộc</th><th scope="col">Trạng thái</th><th scope="col">Liên kết</th></tr></thead>
            <tbody>\(body)</tbody></table></div>
            """)
            \(Layout.pager(filter.page, of: pageCount, path: "/quan-tri/xa", query: filter.query))
            """
    }
}
