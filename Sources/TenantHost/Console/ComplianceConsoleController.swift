import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/tuan-thu`: the mandatory sections of every commune in scope.
struct ComplianceConsoleController: ConsoleBase {
    let services: SiteServices
    let accounts: Accounts
    let editorial: Editorial
    let provisioning: CommuneProvisioning

    init(base: some ConsoleBase) {
        self.services = base.services
        self.accounts = base.accounts
        self.editorial = base.editorial
        self.provisioning = base.provisioning
    }

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/tuan-thu", use: self.compliance)
    }

    // MARK: Compliance

    /// Mandatory sections per commune: content or not, age of the newest
    /// item against the 5-working-day rule, the footer's person
    /// responsible, questions unanswered after 15 working days. Sortable,
    /// filterable, and as CSV.
    @Sendable func compliance(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let query = QueryItemsOf(request)
        let now = Date()
        var communes = self.communesInScope(session.user)
        if let text = query["loc"] {
            let folded = VietnameseText.fold(text)
            communes = communes.filter { VietnameseText.fold($0.name + " " + ($0.ancestors.first?.name ?? "")).contains(folded) || String($0.code) == text }
        }
        var rows = try await self.services.database.withConnection { connection in
            try await self.services.content.compliance(Array(communes.prefix(3000)), now: now, on: connection)
        }
        if query["chi-thieu"] == "1" {
            rows = rows.filter { !$0.missing.isEmpty || !$0.stale(at: now).isEmpty || $0.responsiblePerson.isEmpty || $0.overdueQuestions > 0 }
        }
        let sort = query["sap-xep"] ?? "ma"
        switch sort {
        case "ten": rows.sort { Self.vietnameseOrder($0.tenant.name, $1.tenant.name) }
        case "thieu": rows.sort { ($0.missing.count, $0.tenant.code) > ($1.missing.count, $1.tenant.code) }
        case "cu": rows.sort { ($0.stale(at: now).count, $0.tenant.code) > ($1.stale(at: now).count, $1.tenant.code) }
        case "hoi-dap": rows.sort { ($0.overdueQuestions, $0.tenant.code) > ($1.overdueQuestions, $1.tenant.code) }
        default: rows.sort { $0.tenant.code < $1.tenant.code }
        }
        let sections = MandatorySection.allCases
        if query["dinh-dang"] == "csv" {
            var csv = ["Mã", "Tên", "Trực thuộc", "Người chịu trách nhiệm", "Câu hỏi quá 15 ngày làm việc", "Số mục thiếu",
                       "Số mục quá 5 ngày làm việc"].joined(separator: ",")
            for s in sections { csv += "," + Self.csvField("\(s.id). \(s.title)") }
            csv += "\r\n"
            for row in rows {
                var fields = [String(row.tenant.code), row.tenant.name, row.tenant.ancestors.first?.name ?? "", row.responsiblePerson,
                              String(row.overdueQuestions), String(row.missing.count), String(row.stale(at: now).count)]
                for s in sections {
                    let state = row.sections[s.id]
                    if !(state?.hasContent ?? false) { fields.append("Thiếu") }
                    else if let age = state?.age(at: now), s.kind == .feed { fields.append("\(age) ngày làm việc") }
                    else { fields.append("Có") }
                }
                csv += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"tuan-thu-\(VietnamTime(now).isoDate).csv\""
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + csv)))
        }
        func sortLink(_ key: String, _ label: String) -> HTML {
            var items: [String] = ["sap-xep=\(key)"]
            if let text = query["loc"] { items.append("loc=\(Layout.percentEncode(text))") }
            if query["chi-thieu"] == "1" { items.append("chi-thieu=1") }
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
            return "<tr><th scope=\"row\">\(row.tenant.name) <span class=\"meta\">\(row.tenant.code)</span></th><td>\(row.tenant.ancestors.first?.name ?? "")</td><td>\(person)</td><td>\(overdue)</td><td>\(row.missing.count)</td>\(cells)</tr>"
        })
        var csvQuery = ["dinh-dang=csv", "sap-xep=\(sort)"]
        if let text = query["loc"] { csvQuery.append("loc=\(Layout.percentEncode(text))") }
        if query["chi-thieu"] == "1" { csvQuery.append("chi-thieu=1") }
        let legend = HTML(sections.map { s -> HTML in "<li>\(s.title)</li>" })
        let main: HTML = """
            <form method="get" action="/quan-tri/tuan-thu" class="form-grid" role="search" aria-label="Lọc bảng tuân thủ">
            <div><label for="loc">Tên hoặc mã xã, phường</label><input id="loc" name="loc" value="\(query["loc"] ?? "")"></div>
            <div class="check"><input type="checkbox" id="chi-thieu" name="chi-thieu" value="1"\(query["chi-thieu"] == "1" ? " checked" as HTML : .empty)> <label for="chi-thieu">Chỉ xã còn thiếu sót</label></div>
            <input type="hidden" name="sap-xep" value="\(sort)">
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <p>\(rows.count) xã, phường. Sắp xếp: \(sortLink("ma", "mã")) · \(sortLink("ten", "tên")) · \(sortLink("thieu", "số mục thiếu")) · \(sortLink("cu", "số mục quá 5 ngày")) · \(sortLink("hoi-dap", "câu hỏi quá hạn")) · <a href="\(href: "/quan-tri/tuan-thu?" + csvQuery.joined(separator: "&"))">Tải CSV</a></p>
            <h2>Số thứ tự các chuyên mục bắt buộc</h2><ol class="legend">\(legend)</ol>
            \(rows.isEmpty ? "<p role=\"status\">Không có xã, phường nào phù hợp với điều kiện lọc.</p>" as HTML : .empty)
            <div class="table-scroll"><table class="data"><caption>Tình trạng các chuyên mục bắt buộc (số ngày: ngày làm việc kể từ bài mới nhất)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Trực thuộc</th><th scope="col">Người chịu trách nhiệm</th><th scope="col">Câu hỏi quá 15 ngày làm việc</th><th scope="col">Mục thiếu</th>\(headerCells)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            """
        return self.page(context, title: "Theo dõi tuân thủ", active: "/quan-tri/tuan-thu", main: main)
    }

    /// Vietnamese alphabetical order (ă, â, đ, ê… after their base letters).
    static func vietnameseOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.caseInsensitive], range: nil, locale: Locale(identifier: "vi_VN")) == .orderedAscending
    }

    static func csvField(_ value: String) -> String {
        // Quote everything that needs it; neutralise spreadsheet formulas.
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
