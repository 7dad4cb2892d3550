import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// What the province operator publishes once for every site:
/// `/quan-tri/tin-tu-tinh` (announcements every commune of the province
/// shows) and `/quan-tri/thong-bao` (the notice on every site).
struct ProvinceConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/tin-tu-tinh", use: self.announcements)
        group.post("/tin-tu-tinh", use: self.publish)
        group.post("/tin-tu-tinh/:id/go", use: self.withdraw)
        group.get("/thu-tuc", use: self.procedures)
        group.post("/thu-tuc", use: self.importProcedures)
        group.get("/thong-bao", use: self.notice)
        group.post("/thong-bao", use: self.saveNotice)
    }

    var store: PortalStore { PortalStore(logger: self.services.logger) }

    /// The provinces this operator publishes for: their own, or every one
    /// for the operator of the whole platform.
    func provinces(_ user: StaffUser) throws -> [AdminUnit] {
        guard user.role == .province else { throw ConsoleOutcome.forbidden("Chỉ quản trị cấp tỉnh đăng tin từ tỉnh và thông báo hệ thống.") }
        let units = self.services.directory.snapshot.units
        if let scope = user.scopeUnitID, let unit = units[scope] {
            return [unit.level == .province ? unit : unit.parentID.flatMap { units[$0] } ?? unit]
        }
        return units.values.filter { $0.level == .province }.sorted { $0.code < $1.code }
    }

    @Sendable func announcements(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        try await self.announcementsPage(context, fields: [:], errors: [:], status: .ok)
    }

    func announcementsPage(_ context: PlatformConsoleContext, fields: [String: String], errors: [String: String], status: HTTPResponse.Status) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let now = Date()
        let items = try await self.services.database.withConnection(retryingReads: true) { connection in
            var all: [Announcement] = []
            for province in provinces.prefix(40) {
                all += try await self.store.announcements(province: province.id, limit: 30, now: now, includeWithdrawn: true, on: connection)
            }
            return all.sorted { $0.publishedAt > $1.publishedAt }
        }
        let main = ProvinceConsoleViews.announcements(
            provinces: provinces, items: items, names: Dictionary(uniqueKeysWithValues: provinces.map { ($0.id, $0.name) }), fields: fields,
            errors: errors, csrf: context.session.csrf)
        return self.page(context, title: "Tin từ tỉnh", status: status, active: "/quan-tri/tin-tu-tinh", main: main)
    }

    @Sendable func publish(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let form = try await self.form(request, context, session: context.session)
        var errors: [String: String] = [:]
        let title = VietnameseText.nfc(form["tieu-de"].trimmingCharacters(in: .whitespacesAndNewlines))
        let summary = VietnameseText.nfc(form["tom-tat"].trimmingCharacters(in: .whitespacesAndNewlines))
        let body = VietnameseText.nfc(form["noi-dung"])
        if title.isEmpty { errors["tieu-de"] = "Vui lòng nhập tiêu đề." } else if title.count > 300 { errors["tieu-de"] = "Tiêu đề quá 300 ký tự." }
        if summary.count > 1000 { errors["tom-tat"] = "Tóm tắt quá 1.000 ký tự." }
        if body.count > 200_000 { errors["noi-dung"] = "Nội dung dài quá 200.000 ký tự." }
        let province = provinces.count == 1 ? provinces.first : provinces.first { String($0.code) == form["tinh"] }
        if province == nil { errors["tinh"] = "Chọn tỉnh." }
        guard errors.isEmpty, let province else {
            return try await self.announcementsPage(
                context, fields: ["tieu-de": title, "tom-tat": summary, "noi-dung": body, "tinh": form["tinh"]], errors: errors, status: .badRequest)
        }
        let announcement = Announcement(
            provinceID: province.id, title: title, summary: summary, body: Markdown.html(from: body).value, author: context.user.displayName,
            publishedAt: Date())
        let (user, address) = (context.user, context.remoteAddress)
        _ = try await self.services.database.withTransaction { connection in
            let id = try await self.store.insert(announcement, on: connection)
            try await self.accounts.audit(
                user, commune: nil, action: "announcement.publish", detail: "\(province.name) #\(id): \(title)", address: address, on: connection)
            return id
        }
        return Self.redirect("/quan-tri/tin-tu-tinh")
    }

    @Sendable func withdraw(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let provinces = try self.provinces(context.user)
        _ = try await self.form(request, context, session: context.session)
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw HTTPError(.notFound) }
        let (user, address) = (context.user, context.remoteAddress)
        let found = try await self.services.database.withTransaction { connection in
            for province in provinces where try await self.store.withdraw(id, province: province.id, on: connection) {
                try await self.accounts.audit(
                    user, commune: nil, action: "announcement.withdraw", detail: "\(province.name) #\(id)", address: address, on: connection)
                return true
            }
            return false
        }
        guard found else { throw HTTPError(.notFound) }
        return Self.redirect("/quan-tri/tin-tu-tinh")
    }

    // MARK: Procedure catalogue

    /// `/quan-tri/thu-tuc`: the province's catalogue of commune-level
    /// procedures, replaced by uploading a CSV (the provisioner's format).
    @Sendable func procedures(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        try await self.proceduresPage(context, errors: [:], status: .ok, notice: QueryItemsOf(request)["da-nhap"].map { "Đã nhập \($0) thủ tục." })
    }

    func proceduresPage(
        _ context: PlatformConsoleContext, errors: [String: String], status: HTTPResponse.Status, notice: String?
    ) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let counts = try await self.services.database.withConnection(retryingReads: true) { connection in
            var counts: [(AdminUnit, Int)] = []
            for province in provinces.prefix(40) {
                counts.append((province, try await self.store.procedures(province: province.id, on: connection).count))
            }
            return counts
        }
        return self.page(
            context, title: "Thủ tục hành chính cấp xã", status: status, notice: notice, active: "/quan-tri/thu-tuc",
            main: ProvinceConsoleViews.procedures(counts: counts, errors: errors, csrf: context.session.csrf))
    }

    @Sendable func importProcedures(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let form: FormBody
        do {
            form = try await self.form(request, context, session: context.session, limit: 2 * 1024 * 1024 + 64 * 1024)
        } catch is NIOTooManyBytesError {
            return try await self.proceduresPage(context, errors: ["tep": "Tệp lớn quá 2 MB."], status: .contentTooLarge, notice: nil)
        }
        guard let province = provinces.count == 1 ? provinces.first : provinces.first(where: { String($0.code) == form["tinh"] }) else {
            return try await self.proceduresPage(context, errors: ["tinh": "Chọn tỉnh."], status: .badRequest, notice: nil)
        }
        guard let file = form.files["tep"], !file.data.isEmpty else {
            return try await self.proceduresPage(context, errors: ["tep": "Chưa chọn tệp CSV."], status: .badRequest, notice: nil)
        }
        guard let text = String(validating: file.data, as: UTF8.self) else {
            return try await self.proceduresPage(context, errors: ["tep": "Tệp không phải văn bản UTF-8."], status: .badRequest, notice: nil)
        }
        let procedures: [ProvinceProcedure]
        do {
            procedures = try ProcedureCatalogue.parse(text, source: file.name)
        } catch {
            return try await self.proceduresPage(context, errors: ["tep": error.message], status: .badRequest, notice: nil)
        }
        _ = try await ProcedureCatalogue.replace(
            procedures, province: province.code, database: self.services.database, by: .staff(context.user, address: context.remoteAddress))
        return Self.redirect("/quan-tri/thu-tuc?da-nhap=\(procedures.count)")
    }

    @Sendable func notice(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        _ = try self.provinces(context.user)
        let current = self.services.directory.snapshot.notice
        let fields = ["noi-dung": current?.text ?? "", "den": current?.until.map(Self.local) ?? "", "tu": current?.from.map(Self.local) ?? ""]
        return self.page(
            context, title: "Thông báo hệ thống", active: "/quan-tri/thong-bao",
            main: ProvinceConsoleViews.notice(fields: fields, errors: [:], csrf: context.session.csrf))
    }

    static func local(_ date: Date) -> String {
        let t = VietnamTime(date)
        return "\(t.isoDate)T\(t.hour < 10 ? "0" : "")\(t.hour):\(t.minute < 10 ? "0" : "")\(t.minute)"
    }

    @Sendable func saveNotice(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        _ = try self.provinces(context.user)
        let form = try await self.form(request, context, session: context.session)
        var errors: [String: String] = [:]
        let text = VietnameseText.nfc(form["noi-dung"].trimmingCharacters(in: .whitespacesAndNewlines))
        if text.count > 1000 { errors["noi-dung"] = "Thông báo quá 1.000 ký tự." }
        var notice = PlatformNotice(text: text)
        for (key, label) in [("tu", "Thời điểm bảo trì"), ("den", "Thời điểm ẩn thông báo")] where !form[key].isEmpty {
            guard let date = EntryDraft.parseLocalDateTime(form[key]) else {
                errors[key] = "\(label) không hợp lệ."
                continue
            }
            if key == "tu" { notice.from = date } else { notice.until = date }
        }
        if let from = notice.from, from > Date(), WorkingDays.between(Date(), from) < 7 {
            errors["tu"] = "Việc tạm ngừng có kế hoạch phải được thông báo trước ít nhất 7 ngày làm việc."
        }
        guard errors.isEmpty else {
            return self.page(
                context, title: "Thông báo hệ thống", status: .badRequest, active: "/quan-tri/thong-bao",
                main: ProvinceConsoleViews.notice(fields: ["noi-dung": text, "tu": form["tu"], "den": form["den"]], errors: errors, csrf: context.session.csrf))
        }
        let (user, address) = (context.user, context.remoteAddress)
        try await self.services.database.withTransaction { connection in
            try await self.store.setNotice(notice, on: connection)
            try await self.accounts.audit(
                user, commune: nil, action: notice.text.isEmpty ? "notice.remove" : "notice.set", detail: notice.text, address: address, on: connection)
        }
        return Self.redirect("/quan-tri/thong-bao")
    }
}
