import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/tuan-thu`: the mandatory sections of every commune in scope.
struct ComplianceConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/tuan-thu", use: self.compliance)
        group.get("/tuan-thu/:id", use: self.report)
        group.post("/tuan-thu/:id", use: self.runAudit)
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
        // Communes that exist: an ended commune is neither audited nor listed.
        let inScope = self.listedCommunesInScope(session.user)
        var filter = ComplianceView.Filter(query: query)
        let provinces = Self.provinces(of: inScope)
        if let province = filter.province, provinces.contains(where: { $0.id == province }) == false { filter.province = nil }
        var communes = inScope
        if let province = filter.province { communes = communes.filter { $0.province?.id == province } }
        if let text = filter.text {
            let search = CommuneSearch(text)
            communes = communes.filter { search.matches($0.name + " " + ($0.ancestors.first?.fullName ?? ""), code: $0.code) }
        }
        let chosen = Array(communes.prefix(3000))
        // The communes' rows first, each cluster on a connection of its own,
        // and only then the catalogue's: a lease is never taken while another
        // is held, so two such pages cannot each hold one connection of a
        // small pool while waiting for the other.
        var rows = try await self.services.database.byCluster(chosen, schema: \.schema) { group, connection in
            try await self.services.content.compliance(group, now: now, on: connection)
        }
        let (ratings, trend, console): ([Int64: RatingSummary], [(day: Date, audited: Int, compliant: Int)], [String: PageCheck]) =
            try await self.services.database.withConnection { connection in
                let ratings = try await PortalStore(logger: self.services.logger).ratingSummaries(
                    tenantIDs: chosen.map(\.id), since: now.addingTimeInterval(-365 * 86_400), on: connection)
                let trend = try await self.services.content.auditTrend(tenantIDs: chosen.map(\.id), days: 30, on: connection)
                return (ratings, trend, try await self.services.content.latestConsoleChecks(on: connection))
            }
        switch filter.status {
        case .incomplete: rows = rows.filter { !$0.isCompliant(at: now) }
        case .compliant: rows = rows.filter { $0.isCompliant(at: now) }
        case .all: break
        }
        let sort = filter.sort
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
                       "Số mục quá 5 ngày làm việc", "Lượt đánh giá 12 tháng", "Hài lòng về thông tin", "Hài lòng về dịch vụ"].joined(separator: ",")
            for s in sections { csv += "," + Self.csvField("\(s.id). \(s.title)") }
            csv += "\r\n"
            for row in rows {
                var fields = [String(row.tenant.code), row.tenant.name, row.tenant.ancestors.first?.fullName ?? "", row.responsiblePerson,
                              String(row.overdueQuestions), String(row.missing.count), String(row.stale(at: now).count),
                              String(ratings[row.tenant.id]?.count ?? 0), DashboardViews.score(ratings[row.tenant.id]?.information),
                              DashboardViews.score(ratings[row.tenant.id]?.services)]
                for s in sections {
                    let state = row.sections[s.id]
                    if !(state?.hasContent ?? false) { fields.append("Thiếu") }
                    else if let age = state?.age(at: now), s.kind == .feed { fields.append("\(age) ngày làm việc") }
                    else { fields.append("Có") }
                }
                csv += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
            }
            return Self.csvDownload(csv, named: "tuan-thu-\(VietnamTime(now).isoDate).csv")
        }
        let main = ComplianceView.render(
            rows: rows, ratings: ratings, trend: trend, now: now, filter: filter, provinces: provinces, console: console)
        return self.page(context, title: "Theo dõi tuân thủ", active: "/quan-tri/tuan-thu", main: main)
    }

    // MARK: One commune's audit

    /// `/quan-tri/tuan-thu/<id>`: the latest audit of one commune (by its
    /// catalogue id), each check with its legal basis, and the history of
    /// its runs; printable, and as CSV (`?dinh-dang=csv`). A commune never
    /// audited is audited now; an ended one shows its history only.
    @Sendable func report(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommuneByID(context)
        var runs = try await self.services.database.withConnection(retryingReads: true) { connection in
            try await self.services.content.auditRuns(tenantID: tenant.id, limit: 30, on: connection)
        }
        if runs.isEmpty && tenant.isCurrent {
            _ = try await self.services.auditor.audit(tenant)
            runs = try await self.services.database.withConnection(retryingReads: true) { connection in
                try await self.services.content.auditRuns(tenantID: tenant.id, limit: 30, on: connection)
            }
        }
        guard let latest = runs.first else {
            // An ended commune never audited: say so, and where it went.
            let successor = tenant.successorID.flatMap { self.services.directory.snapshot.tenants[$0] }
            let ended = tenant.validUntil.map { " ngày \(Layout.date($0))" } ?? ""
            let main: HTML = """
                <p class="meta">\(tenant.name) (mã \(String(tenant.code))) · \(tenant.parentLine)</p>
                <p>Đơn vị này đã kết thúc hoạt động\(ended) và không có lần kiểm tra tuân thủ nào trước đó.\(successor.map { s -> HTML in
                    " Trang của đơn vị nay là phần lưu trữ trong trang của <a href=\"/quan-tri/tuan-thu/\(s.id)\">\(s.name)</a>." } ?? .empty)</p>
                """
            return self.page(context, title: "Kiểm tra tuân thủ – \(tenant.name)", active: "/quan-tri/tuan-thu", main: main)
        }
        if QueryItemsOf(request)["dinh-dang"] == "csv" {
            var csv = "Mã kiểm tra,Nội dung kiểm tra,Căn cứ pháp lý,Kết quả,Chi tiết\r\n"
            for check in latest.checks {
                csv += [check.id, check.title, check.basis, check.status.title, check.detail].map(Self.csvField).joined(separator: ",") + "\r\n"
            }
            return Self.csvDownload(csv, named: "kiem-tra-\(tenant.code)-\(VietnamTime(latest.ranAt).isoDate).csv")
        }
        let main = AuditReportView.render(tenant: tenant, latest: latest, history: runs, csrf: context.session.csrf)
        return self.page(context, title: "Kiểm tra tuân thủ – \(tenant.name)", active: "/quan-tri/tuan-thu", main: main)
    }

    /// Runs the audit of one commune now.
    @Sendable func runAudit(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommuneByID(context)
        _ = try await self.form(request, context, session: context.session)
        guard tenant.isCurrent else { throw ConsoleOutcome.forbidden("Xã này đã kết thúc hoạt động; không kiểm tra lại.") }
        _ = try await self.services.auditor.audit(tenant)
        return Self.redirect("/quan-tri/tuan-thu/\(tenant.id)")
    }

    /// Vietnamese alphabetical order (ă, â, đ, ê… after their base letters).
    static func vietnameseOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.caseInsensitive], range: nil, locale: Locale(identifier: "vi_VN")) == .orderedAscending
    }

    /// A CSV file to download, with a byte-order mark so spreadsheets read it as UTF-8.
    static func csvDownload(_ csv: String, named name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + csv)))
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
