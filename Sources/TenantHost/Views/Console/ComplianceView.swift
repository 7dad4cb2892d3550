import Foundation
import TenantCore

/// `/quan-tri/tuan-thu`: the mandatory sections of every commune in scope,
/// with the filter, the sort links and the CSV link.
enum ComplianceView {
    /// What the list shows: a search, one province, a verdict, the order,
    /// and a page of `pageSize` rows (the CSV has every row).
    struct Filter: Sendable {
        enum Status: String, Sendable { case all = "", incomplete = "thieu", compliant = "dat" }

        var text: String?
        var province: Int64?
        var status: Status
        var sort: String
        var page: Int

        static let pageSize = 50

        init(query: QueryItemsOf) { self.init(query.items) }

        init(_ query: [String: String]) {
            let text = query["loc"].map { String($0.prefix(100)) }
            self.text = text?.isEmpty == true ? nil : text
            self.province = query["tinh"].flatMap { $0.count <= 18 ? Int64($0) : nil }
            // `chi-thieu=1` is the older link for "incomplete only".
            self.status = query["chi-thieu"] == "1" ? .incomplete : Status(rawValue: query["ket-qua"] ?? "") ?? .all
            let sort = query["sap-xep"] ?? "ma"
            self.sort = ["ma", "ten", "thieu", "cu", "hoi-dap"].contains(sort) ? sort : "ma"
            self.page = query["trang"].flatMap { $0.count <= 4 ? Int($0) : nil }.map { max(1, $0) } ?? 1
        }

        /// The query of this filter, with `changes` applied (`nil` drops a key).
        func query(_ changes: [String: String?] = [:]) -> String {
            var items: [String: String] = ["sap-xep": self.sort]
            if let text = self.text { items["loc"] = text }
            if let province = self.province { items["tinh"] = String(province) }
            if self.status != .all { items["ket-qua"] = self.status.rawValue }
            if self.page > 1 { items["trang"] = String(self.page) }
            for (key, value) in changes { items[key] = value }
            return items.sorted { $0.key < $1.key }.map { "\($0.key)=\(Layout.percentEncode($0.value))" }.joined(separator: "&")
        }
    }

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
        rows: [ComplianceRow], ratings: [Int64: RatingSummary], trend: [(day: Date, audited: Int, compliant: Int)] = [], now: Date,
        filter: Filter, provinces: [AdminUnit], console: [String: PageCheck]? = nil
    ) -> HTML {
        let sections = MandatorySection.allCases
        func sortLink(_ key: String, _ label: String) -> HTML {
            let current = filter.sort == key
            return "<a href=\"\(href: "/quan-tri/tuan-thu?" + filter.query(["sap-xep": key, "trang": nil]))\"\(current ? " aria-current=\"true\"" as HTML : .empty)>\(label)\(current ? " ▼" as HTML : .empty)</a>"
        }
        let pages = max(1, (rows.count + Filter.pageSize - 1) / Filter.pageSize)
        let page = min(filter.page, pages)
        let shown = rows.dropFirst((page - 1) * Filter.pageSize).prefix(Filter.pageSize)
        let headerCells = HTML(sections.map { s -> HTML in "<th scope=\"col\"><abbr title=\"\(s.title)\">\(s.id)</abbr></th>" })
        let body = HTML(shown.map { row -> HTML in
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
            return "<tr><th scope=\"row\"><a href=\"/quan-tri/tuan-thu/\(row.tenant.id)\">\(row.tenant.name)</a> <span class=\"meta\">\(row.tenant.code)</span></th><td>\(verdict)</td><td>\(row.tenant.ancestors.first?.fullName ?? "")</td><td>\(ratings[row.tenant.id].map { "\(DashboardViews.score($0.information)) (\($0.count))" } ?? "–")</td><td>\(person)</td><td>\(overdue)</td><td>\(row.missing.count)</td>\(cells)</tr>"
        })
        let provinceSelect: HTML = provinces.count < 2 ? .empty : """
            <div><label for="tinh">Tỉnh, thành phố</label><select id="tinh" name="tinh"><option value="">Tất cả</option>\(provinces.map { p -> HTML in
                "<option value=\"\(p.id)\"\(filter.province == p.id ? " selected" as HTML : .empty)>\(p.fullName)</option>"
            })</select></div>
            """
        let statuses: [(Filter.Status, String)] = [(.all, "Tất cả"), (.incomplete, "Chỉ xã còn thiếu sót"), (.compliant, "Chỉ xã đạt")]
        let statusSelect = HTML(statuses.map { status, label -> HTML in
            "<option value=\"\(status.rawValue)\"\(filter.status == status ? " selected" as HTML : .empty)>\(label)</option>"
        })
        let pager: HTML = pages < 2 ? .empty : """
            <nav class="pager" aria-label="Các trang của bảng">\(page > 1 ? "<a href=\"\(href: "/quan-tri/tuan-thu?" + filter.query(["trang": String(page - 1)]))\" rel=\"prev\">Trang trước</a> " as HTML : .empty)<span>Trang \(page)/\(pages)</span>\(page < pages ? " <a href=\"\(href: "/quan-tri/tuan-thu?" + filter.query(["trang": String(page + 1)]))\" rel=\"next\">Trang sau</a>" as HTML : .empty)</nav>
            """
        let legend = HTML(sections.map { s -> HTML in "<li>\(s.title)</li>" })
        return """
            <form method="get" action="/quan-tri/tuan-thu" class="form-grid" role="search" aria-label="Lọc bảng tuân thủ">
            <div><label for="loc">Tên hoặc mã xã, phường</label><input id="loc" name="loc" value="\(filter.text ?? "")"></div>
            \(provinceSelect)<div><label for="ket-qua">Kết quả kiểm tra</label><select id="ket-qua" name="ket-qua">\(statusSelect)</select></div>
            <input type="hidden" name="sap-xep" value="\(filter.sort)">
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <p>\(rows.count) xã, phường. Sắp xếp: \(sortLink("ma", "mã")) · \(sortLink("ten", "tên")) · \(sortLink("thieu", "số mục thiếu")) · \(sortLink("cu", "số mục quá 5 ngày")) · \(sortLink("hoi-dap", "câu hỏi quá hạn")) · <a href="\(href: "/quan-tri/tuan-thu?" + filter.query(["dinh-dang": "csv", "trang": nil]))">Tải CSV</a></p>
            \(self.trend(trend))<h2>Số thứ tự các chuyên mục bắt buộc</h2><ol class="legend">\(legend)</ol>
            \(rows.isEmpty ? "<p role=\"status\">Không có xã, phường nào phù hợp với điều kiện lọc.</p>" as HTML : .empty)
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)"><table class="data"><caption>Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Kiểm tra</th><th scope="col">Trực thuộc</th><th scope="col">Hài lòng về thông tin (lượt)</th><th scope="col">Người chịu trách nhiệm</th><th scope="col">Câu hỏi quá 15 ngày làm việc</th><th scope="col">Mục thiếu</th>\(headerCells)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            \(pager)\(console.map { self.console($0, now: now) } ?? .empty)
            """
    }

    /// The console's own pages, as ops/audit-pages last found them: the
    /// same two checks as a commune's pages, and every problem it kept.
    static func console(_ results: [String: PageCheck], now: Date) -> HTML {
        let checks = SiteAuditor.browserChecks(results, now: now, console: true)
        let rows = HTML(checks.map { c -> HTML in
            "<tr><th scope=\"row\">\(c.title)</th><td>\(AuditReportView.status(c.status))</td><td>\(c.detail)</td></tr>"
        })
        let problems = results.values.sorted { $0.tool < $1.tool }.flatMap { result in result.detail.map { (result.tool, $0) } }
        let list: HTML = problems.isEmpty ? .empty : """
            <details><summary>Các lỗi đã ghi nhận (\(problems.count))</summary><ul class="items">\(problems.map { tool, p -> HTML in
                "<li><p class=\"meta\">\(tool == "axe" ? "axe-core" : "Nu Html Checker") · \(p.page)</p><p>\(p.message)\(p.target.map { " (\($0))" } ?? "")</p></li>"
            })</ul></details>
            """
        return """

            <h2>Trang quản trị</h2>
            <p>Các trang cán bộ dùng hằng ngày được kiểm tra bằng cùng công cụ như trang của các xã.</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Kiểm tra trang quản trị"><table class="data"><caption>Kiểm tra trang quản trị</caption>
            <thead><tr><th scope="col">Nội dung kiểm tra</th><th scope="col">Kết quả</th><th scope="col">Chi tiết</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(list)
            """
    }
}
