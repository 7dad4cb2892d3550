import Foundation
import TenantCore

/// `/quan-tri/tuan-thu`: the mandatory sections of every commune in scope,
/// with the filter, the sort links and the CSV link.
enum ComplianceView {
    static func render(
        rows: [ComplianceRow], ratings: [Int64: RatingSummary], now: Date, filterText: String?, onlyIncomplete: Bool, sort: String
    ) -> HTML {
        let sections = MandatorySection.allCases
        func sortLink(_ key: String, _ label: String) -> HTML {
            var items: [String] = ["sap-xep=\(key)"]
            if let text = filterText { items.append("loc=\(Layout.percentEncode(text))") }
            if onlyIncomplete { items.append("chi-thieu=1") }
            let current = sort == key
            return "<a href=\"\(href: "/quan-tri/tuan-thu?" + items.joined(separator: "&"))\"\(current ? " aria-current=\"true\"" as HTML : .empty)>\(label)\(current ? " ▼" as HTML : .empty)</a>"
        }
        let headerCells = HTML(sections.map { s -> HTML in "<th scope=\"col\"><abbr title=\"\(s.title)\">\(s.id)</abbr></th>" })
        let body = HTML(rows.map { row -> HTML in
            let cells = HTML(sections.map { s -> HTML in
                let state = row.sections[s.id]
                if !(state?.hasContent ?? false) { return "<td class=\"status-bad\">Thiếu</td>" }
                if s.kind == .feed, let age = state?.age(at: now) {
                    return age > 5 ? "<td class=\"status-warn\">\(age) ngày</td>" : "<td class=\"status-ok\">\(age) ngày</td>"
                }
                return "<td class=\"status-ok\">Có</td>"
            })
            let person: HTML = row.responsiblePerson.isEmpty ? "<span class=\"status-bad\">Chưa có</span>" : "\(row.responsiblePerson)"
            let overdue: HTML = row.overdueQuestions > 0 ? "<span class=\"status-bad\">\(row.overdueQuestions)</span>" : "0"
            let failed = row.checks(at: now).count { $0.status == .fail }
            let verdict: HTML = failed == 0 ? "<span class=\"status-ok\">Đạt</span>" : "<span class=\"status-bad\">Không đạt (\(failed))</span>"
            return "<tr><th scope=\"row\"><a href=\"/quan-tri/tuan-thu/\(row.tenant.code)\">\(row.tenant.name)</a> <span class=\"meta\">\(row.tenant.code)</span></th><td>\(verdict)</td><td>\(row.tenant.ancestors.first?.name ?? "")</td><td>\(ratings[row.tenant.id].map { "\(DashboardViews.score($0.information)) (\($0.count))" } ?? "–")</td><td>\(person)</td><td>\(overdue)</td><td>\(row.missing.count)</td>\(cells)</tr>"
        })
        var csvQuery = ["dinh-dang=csv", "sap-xep=\(sort)"]
        if let text = filterText { csvQuery.append("loc=\(Layout.percentEncode(text))") }
        if onlyIncomplete { csvQuery.append("chi-thieu=1") }
        let legend = HTML(sections.map { s -> HTML in "<li>\(s.title)</li>" })
        return """
            <form method="get" action="/quan-tri/tuan-thu" class="form-grid" role="search" aria-label="Lọc bảng tuân thủ">
            <div><label for="loc">Tên hoặc mã xã, phường</label><input id="loc" name="loc" value="\(filterText ?? "")"></div>
            <div class="check"><input type="checkbox" id="chi-thieu" name="chi-thieu" value="1"\(onlyIncomplete ? " checked" as HTML : .empty)> <label for="chi-thieu">Chỉ xã còn thiếu sót</label></div>
            <input type="hidden" name="sap-xep" value="\(sort)">
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <p>\(rows.count) xã, phường. Sắp xếp: \(sortLink("ma", "mã")) · \(sortLink("ten", "tên")) · \(sortLink("thieu", "số mục thiếu")) · \(sortLink("cu", "số mục quá 5 ngày")) · \(sortLink("hoi-dap", "câu hỏi quá hạn")) · <a href="\(href: "/quan-tri/tuan-thu?" + csvQuery.joined(separator: "&"))">Tải CSV</a></p>
            <h2>Số thứ tự các chuyên mục bắt buộc</h2><ol class="legend">\(legend)</ol>
            \(rows.isEmpty ? "<p role=\"status\">Không có xã, phường nào phù hợp với điều kiện lọc.</p>" as HTML : .empty)
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)"><table class="data"><caption>Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Kiểm tra</th><th scope="col">Trực thuộc</th><th scope="col">Hài lòng về thông tin (lượt)</th><th scope="col">Người chịu trách nhiệm</th><th scope="col">Câu hỏi quá 15 ngày làm việc</th><th scope="col">Mục thiếu</th>\(headerCells)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            """
    }
}
