import Foundation
import TenantCore

/// `/quan-tri/tuan-thu`: the mandatory sections of every commune in scope,
/// with the filter, the sort links and the CSV link.
enum ComplianceView {
    /// The audit's verdicts per day over the last 30 days, for the
    /// communes in scope.
    static func trend(_ days: [(day: Date, audited: Int, compliant: Int)]) -> HTML {
        guard !days.isEmpty else { return .empty }
        let rows = HTML(days.map { d -> HTML in
            let share = d.audited == 0 ? 0 : d.compliant * 100 / d.audited
            return "<tr><td>\(Layout.date(d.day))</td><td>\(d.audited)</td><td>\(d.compliant)</td><td>\(share)%</td></tr>"
        })
        return """
            <h2>Kết quả kiểm tra 30 ngày qua</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Kết quả kiểm tra theo ngày"><table class="data"><caption>Kết quả kiểm tra theo ngày (mỗi xã tính lần kiểm tra cuối trong ngày)</caption>
            <thead><tr><th scope="col">Ngày</th><th scope="col">Số xã được kiểm tra</th><th scope="col">Số xã đạt</th><th scope="col">Tỷ lệ đạt</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>

            """
    }

    static func render(
        rows: [ComplianceRow], ratings: [Int64: RatingSummary], trend: [(day: Date, audited: Int, compliant: Int)] = [], now: Date, filterText: String?, onlyIncomplete: Bool, sort: String
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
            \(self.trend(trend))<h2>Số thứ tự các chuyên mục bắt buộc</h2><ol class="legend">\(legend)</ol>
            \(rows.isEmpty ? "<p role=\"status\">Không có xã, phường nào phù hợp với điều kiện lọc.</p>" as HTML : .empty)
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)"><table class="data"><caption>Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Kiểm tra</th><th scope="col">Trực thuộc</th><th scope="col">Hài lòng về thông tin (lượt)</th><th scope="col">Người chịu trách nhiệm</th><th scope="col">Câu hỏi quá 15 ngày làm việc</th><th scope="col">Mục thiếu</th>\(headerCells)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            """
    }
}
