import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// Visit statistics: a commune's own (its editors, `<commune>/thong-ke`),
/// and every commune in a district's or province's scope (`/quan-tri/thong-ke`).
struct StatisticsConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/thong-ke", use: self.scope)
    }

    func addCommuneRoutes(to group: RouterGroup<CommuneConsoleContext>) {
        group.get("/thong-ke", use: self.commune)
    }

    var statistics: VisitStatistics { VisitStatistics(database: self.services.database, logger: self.services.logger) }

    /// `?ngay=30|90|365`: the period, 30 days by default.
    static func period(_ request: Request) -> Int {
        switch QueryItemsOf(request)["ngay"] {
        case "90": 90
        case "365": 365
        default: 30
        }
    }

    static func periodLinks(_ path: String, _ days: Int, extra: String = "") -> HTML {
        HTML([30, 90, 365].map { n -> HTML in
            let label: HTML = n == 365 ? "12 tháng" : "\(n) ngày"
            return n == days ? "<strong>\(label)</strong> " : "<a href=\"\(href: "\(path)?ngay=\(n)\(extra)")\">\(label)</a> "
        })
    }

    @Sendable func commune(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let tenant = context.tenant
        let days = VisitStatistics.days(Self.period(request), until: Date())
        let daily = try await self.statistics.daily(tenantIDs: [tenant.id], days: days)
        let top = try await self.statistics.topPages(tenantID: tenant.id, from: days[0], until: days[days.count - 1])
        let base = ConsolePaths.commune(tenant)
        let main: HTML = """
            <p>Thời gian: \(Self.periodLinks(base + "/thong-ke", days.count))</p>
            \(StatisticsView.chart(daily, caption: "Lượt xem trang của \(tenant.name)"))\(StatisticsView.topPages(top))\(StatisticsView.note)
            """
        return self.page(context, title: "Thống kê truy cập", active: base + "/thong-ke", main: main)
    }

    @Sendable func scope(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let communes = self.listedCommunesInScope(context.session.user)
        let days = VisitStatistics.days(Self.period(request), until: Date())
        let (from, until) = (days[0], days[days.count - 1])
        // A malformed query is refused (400), not read as an empty one.
        if let raw = try QueryItems(request).values["xa"] {
            guard raw.count <= 18, let id = Int64(raw), let tenant = communes.first(where: { $0.id == id }) else {
                throw ConsoleOutcome.forbidden("Bạn không quản lý xã này.")
            }
            let daily = try await self.statistics.daily(tenantIDs: [tenant.id], days: days)
            let top = try await self.statistics.topPages(tenantID: tenant.id, from: from, until: until)
            let main: HTML = """
                <p><a href="/quan-tri/thong-ke?ngay=\(days.count)">Tất cả xã, phường</a> · Thời gian: \(Self.periodLinks("/quan-tri/thong-ke", days.count, extra: "&xa=\(tenant.id)"))</p>
                \(StatisticsView.chart(daily, caption: "Lượt xem trang của \(tenant.name)"))\(StatisticsView.topPages(top))\(StatisticsView.note)
                """
            return self.page(context, title: "Thống kê truy cập – \(tenant.name)", active: "/quan-tri/thong-ke", main: main)
        }
        let ids = communes.map(\.id)
        let daily = try await self.statistics.daily(tenantIDs: ids, days: days)
        let totals = try await self.statistics.totals(tenantIDs: ids, from: from, until: until)
        let ranked = communes.sorted { (totals[$0.id] ?? 0, $1.code) > (totals[$1.id] ?? 0, $0.code) }
        let rows = HTML(ranked.prefix(100).map { t -> HTML in
            "<tr><th scope=\"row\"><a href=\"/quan-tri/thong-ke?xa=\(t.id)&amp;ngay=\(days.count)\">\(t.name)</a></th><td>\(t.ancestors.first?.fullName ?? "")</td><td>\(totals[t.id] ?? 0)</td></tr>"
        })
        let main: HTML = """
            <p>Thời gian: \(Self.periodLinks("/quan-tri/thong-ke", days.count)) · <a href="/quan-tri/bao-cao-nam">Báo cáo năm</a></p>
            \(StatisticsView.chart(daily, caption: "Lượt xem trang của \(communes.count) xã, phường"))\
            <div class="table-scroll" tabindex="0" role="region" aria-label="Lượt xem theo xã, phường"><table class="data"><caption>Lượt xem theo xã, phường (nhiều nhất trước\(communes.count > 100 ? ", 100 xã đầu" : ""))</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Trực thuộc</th><th scope="col">Lượt xem</th></tr></thead><tbody>\(rows)</tbody></table></div>
            \(StatisticsView.note)
            """
        return self.page(context, title: "Thống kê truy cập", active: "/quan-tri/thong-ke", main: main)
    }
}

extension StatisticsConsoleController {
    func addReportRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/bao-cao-nam", use: self.yearReport)
    }

    /// `/quan-tri/bao-cao-nam?nam=2026&tinh=<id>`: each commune's year in
    /// the scope (visits, items published per mandatory section, questions
    /// and their answer times, ratings, compliance audits), printable, and
    /// as a spreadsheet (`&dinh-dang=csv`, UTF-8 with BOM for Excel).
    @Sendable func yearReport(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let query = QueryItemsOf(request)
        let now = VietnamTime(Date())
        let year = query["nam"].flatMap { $0.count == 4 ? Int($0) : nil }.flatMap { (2020...now.year).contains($0) ? $0 : nil } ?? now.year
        let inScope = self.listedCommunesInScope(context.session.user)
        let provinces = Self.provinces(of: inScope)
        let province = query["tinh"].flatMap { Int64($0) }.flatMap { id in provinces.first { $0.id == id } } ?? provinces.first
        let communes = inScope.filter { province == nil || $0.province?.id == province?.id }
        let content = self.services.content
        let figures = try await self.services.database.byCluster(communes, schema: \.schema) { group, connection in
            try await content.yearFigures(group, year: year, on: connection)
        }
        let byID = Dictionary(figures.map { ($0.tenantID, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = communes.compactMap { t in byID[t.id].map { (t, $0) } }
        let sections = MandatorySection.allCases.filter { $0 != .footer }
        let title = "Báo cáo năm \(year)" + (province.map { " – \($0.fullName)" } ?? "")
        func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0).replacingOccurrences(of: ".", with: ",") } ?? "" }
        if query["dinh-dang"] == "csv" {
            var header = ["Mã", "Xã, phường", "Trực thuộc", "Lượt xem trang"]
            header += sections.map { "\($0.id). \($0.title) (mục đăng mới)" }
            header += ["Câu hỏi nhận", "Câu hỏi đã trả lời", "Thời gian trả lời trung bình (ngày)", "Lượt đánh giá",
                       "Hài lòng về thông tin", "Hài lòng về dịch vụ", "Lần kiểm tra tuân thủ", "Lần đạt"]
            var csv = header.map(ComplianceConsoleController.csvField).joined(separator: ",") + "\r\n"
            for (t, f) in rows {
                var fields = [String(t.code), t.name, t.ancestors.first?.fullName ?? "", String(f.views)]
                fields += sections.map { String(f.published[$0.id] ?? 0) }
                fields += [String(f.questionsReceived), String(f.questionsAnswered), number(f.meanAnswerDays), String(f.ratings),
                           number(f.ratingInformation), number(f.ratingServices), String(f.audits), String(f.compliantAudits)]
                csv += fields.map(ComplianceConsoleController.csvField).joined(separator: ",") + "\r\n"
            }
            let name = "bao-cao-nam-\(year)" + (province.map { "-\($0.slug)" } ?? "") + ".csv"
            return ComplianceConsoleController.csvDownload(csv, named: name)
        }
        let key: [MandatorySection] = [.news, .direction, .documents, .budget]
        let body = HTML(rows.map { t, f -> HTML in
            let updates = f.published.values.reduce(0, +)
            let cells = HTML(key.map { "<td>\(f.published[$0.id] ?? 0)</td>" as HTML })
            return "<tr><th scope=\"row\">\(t.name)</th><td>\(f.views)</td><td>\(updates)</td>\(cells)<td>\(f.questionsReceived)</td><td>\(f.questionsAnswered)</td><td>\(number(f.meanAnswerDays))</td><td>\(f.ratings)</td><td>\(number(f.ratingInformation))</td><td>\(f.audits == 0 ? "–" : "\(f.compliantAudits)/\(f.audits)")</td></tr>"
        })
        let total = rows.reduce(into: (views: 0, updates: 0, questions: 0, answered: 0)) { sum, row in
            sum.views += row.1.views
            sum.updates += row.1.published.values.reduce(0, +)
            sum.questions += row.1.questionsReceived
            sum.answered += row.1.questionsAnswered
        }
        let years = HTML((max(2020, now.year - 4)...now.year).reversed().map { y -> HTML in
            "<option value=\"\(y)\"\(y == year ? " selected" as HTML : .empty)>\(y)</option>"
        })
        let provinceSelect: HTML = provinces.count < 2 ? .empty : """
            <div><label for="tinh">Tỉnh, thành phố</label><select id="tinh" name="tinh">\(provinces.map { p -> HTML in
                "<option value=\"\(p.id)\"\(p.id == province?.id ? " selected" as HTML : .empty)>\(p.fullName)</option>"
            })</select></div>
            """
        var csvQuery = "nam=\(year)&dinh-dang=csv"
        if let province { csvQuery += "&tinh=\(province.id)" }
        let main: HTML = """
            <form method="get" action="/quan-tri/bao-cao-nam" class="form-grid no-print" aria-label="Chọn năm báo cáo">
            <div><label for="nam">Năm</label><select id="nam" name="nam">\(years)</select></div>\(provinceSelect)
            <div><button class="button" type="submit">Xem</button></div>
            </form>
            <p class="no-print"><a class="button" href="\(href: "/quan-tri/bao-cao-nam?" + csvQuery)">Tải bảng tính (CSV)</a> · In trang này để có bản báo cáo giấy.</p>
            <p>Tình hình hoạt động trang thông tin điện tử của \(rows.count) xã, phường năm \(year): \(total.views) lượt xem trang, \
            \(total.updates) mục được đăng mới, \(total.questions) câu hỏi nhận được, \(total.answered) câu hỏi được trả lời.</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="\(title)"><table class="data"><caption>\(title)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Lượt xem trang</th><th scope="col">Mục đăng mới</th>\(key.map { "<th scope=\"col\">\($0.title)</th>" as HTML })<th scope="col">Câu hỏi nhận</th><th scope="col">Đã trả lời</th><th scope="col">Ngày trả lời trung bình</th><th scope="col">Lượt đánh giá</th><th scope="col">Hài lòng về thông tin (1–5)</th><th scope="col">Kiểm tra đạt</th></tr></thead>
            <tbody>\(body)</tbody></table></div>
            <p class="hint">Bảng tính có số mục đăng mới của từng chuyên mục bắt buộc, mức hài lòng về dịch vụ và mã của từng xã. Lượt xem đếm từ nhật ký của máy chủ phía trước, không lưu địa chỉ người xem.</p>
            """
        return self.page(context, title: title, active: "/quan-tri/thong-ke", main: main)
    }
}
