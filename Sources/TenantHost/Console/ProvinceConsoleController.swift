import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// What an operator publishes once for many sites: `/quan-tri/tin-tu-tinh`
/// (announcements every commune of the province shows), `/quan-tri/thong-bao`
/// (the notice on every site of a province, or of every province for the
/// platform role), and the platform role's settings (`/quan-tri/cai-dat`).
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
        group.get("/cai-dat", use: self.settings)
        group.post("/cai-dat", use: self.saveSettings)
    }

    var store: PortalStore { PortalStore(logger: self.services.logger) }

    /// The provinces this operator publishes for: their own, or every one
    /// for the platform role (``StaffUser/provinces(in:)``).
    func provinces(_ user: StaffUser) throws -> [AdminUnit] {
        try self.operatorProvinces(user, refusal: "Chỉ quản trị cấp tỉnh đăng tin từ tỉnh và thông báo.")
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
        for (key, value) in [("tieu-de", title), ("tom-tat", summary), ("noi-dung", body)] where VietnameseText.hasControlCharacters(value) {
            errors[key] = "Chứa ký tự không hợp lệ."
        }
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
        let shown = Array(provinces.prefix(40))
        let byProvince = try await self.services.database.withConnection(retryingReads: true) { connection in
            try await self.store.procedureCounts(provinces: shown.map(\.id), on: connection)
        }
        let counts = shown.map { ($0, byProvince[$0.id] ?? 0) }
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
        guard !procedures.isEmpty || form["xoa-het"] == "1" else {
            return try await self.proceduresPage(
                context, errors: ["tep": "Tệp chỉ có dòng tiêu đề, không có thủ tục nào: nhập tệp này sẽ xóa toàn bộ danh mục của tỉnh. Nếu đúng là muốn xóa, đánh dấu ô “Xóa toàn bộ danh mục” và gửi lại."],
                status: .badRequest, notice: nil)
        }
        _ = try await ProcedureCatalogue.replace(
            procedures, province: province.code, database: self.services.database, by: .staff(context.user, address: context.remoteAddress),
            emptying: form["xoa-het"] == "1")
        return Self.redirect("/quan-tri/thu-tuc?da-nhap=\(procedures.count)")
    }

    // MARK: Notices

    /// Where a notice shows: a province, or every province (nil, the platform role's).
    struct NoticeScope {
        let province: AdminUnit?
        var key: String { self.province.map { String($0.code) } ?? "tat-ca" }
        var label: String { self.province.map { "mọi trang của \($0.name)" } ?? "mọi trang của mọi tỉnh" }
    }

    /// The scopes this person may set a notice for: their province; for the
    /// platform role, every province and all of them at once.
    func noticeScopes(_ user: StaffUser) throws -> [NoticeScope] {
        let provinces = try self.provinces(user).map { NoticeScope(province: $0) }
        return user.role == .platform ? [NoticeScope(province: nil)] + provinces : provinces
    }

    @Sendable func notice(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let scopes = try self.noticeScopes(context.user)
        let wanted = QueryItemsOf(request)["pham-vi"]
        let scope = scopes.first { $0.key == wanted } ?? scopes[0]
        let current = self.services.directory.snapshot.notices.first { $0.provinceID == scope.province?.id }
        let fields = [
            "pham-vi": scope.key, "noi-dung": current?.text ?? "", "den": current?.until.map(Self.local) ?? "",
            "tu": current?.from.map(Self.local) ?? "",
        ]
        return self.noticePage(context, scopes: scopes, fields: fields, errors: [:], status: .ok, notice: Self.saved(request))
    }

    func noticePage(
        _ context: PlatformConsoleContext, scopes: [NoticeScope], fields: [String: String], errors: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) -> Response {
        let snapshot = self.services.directory.snapshot
        let current = scopes.compactMap { scope in
            snapshot.notices.first { $0.provinceID == scope.province?.id }.map { (scope.label, $0) }
        }
        return self.page(
            context, title: "Thông báo", status: status, notice: notice, active: "/quan-tri/thong-bao",
            main: ProvinceConsoleViews.notice(
                scopes: scopes.map { ($0.key, $0.label) }, current: current, fields: fields, errors: errors, csrf: context.session.csrf))
    }

    static func local(_ date: Date) -> String {
        let t = VietnamTime(date)
        return "\(t.isoDate)T\(t.hour < 10 ? "0" : "")\(t.hour):\(t.minute < 10 ? "0" : "")\(t.minute)"
    }

    @Sendable func saveNotice(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let scopes = try self.noticeScopes(context.user)
        let form = try await self.form(request, context, session: context.session)
        guard let scope = scopes.count == 1 ? scopes.first : scopes.first(where: { $0.key == form["pham-vi"] }) else {
            throw ConsoleOutcome.forbidden("Bạn chỉ đặt thông báo cho tỉnh mình quản lý.")
        }
        var errors: [String: String] = [:]
        let text = VietnameseText.nfc(form["noi-dung"].trimmingCharacters(in: .whitespacesAndNewlines))
        if text.count > 1000 { errors["noi-dung"] = "Thông báo quá 1.000 ký tự." }
        if VietnameseText.hasControlCharacters(text) { errors["noi-dung"] = "Thông báo chứa ký tự không hợp lệ." }
        var notice = PlatformNotice(provinceID: scope.province?.id, text: text)
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
            let fields = ["pham-vi": scope.key, "noi-dung": text, "tu": form["tu"], "den": form["den"]]
            return self.noticePage(context, scopes: scopes, fields: fields, errors: errors, status: .badRequest, notice: nil)
        }
        let (user, address) = (context.user, context.remoteAddress)
        let saved = notice
        try await self.services.database.withTransaction { connection in
            try await self.store.setNotice(saved, on: connection)
            try await self.accounts.audit(
                user, commune: nil, action: saved.text.isEmpty ? "notice.remove" : "notice.set",
                detail: "\(scope.province?.fullName ?? "mọi tỉnh"): \(saved.text)", address: address, on: connection)
        }
        return Self.redirect("/quan-tri/thong-bao?pham-vi=\(scope.key)&da-luu=1")
    }

    // MARK: Settings of the platform

    @Sendable func settings(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        try self.platformRole(context.user)
        let current = self.services.directory.snapshot.settings
        return self.settingsPage(
            context, fields: ["emc-script": current.emcScript, "emc-tracker": current.emcTracker], errors: [:], status: .ok,
            notice: Self.saved(request))
    }

    func settingsPage(
        _ context: PlatformConsoleContext, fields: [String: String], errors: [String: String], status: HTTPResponse.Status, notice: String?
    ) -> Response {
        self.page(
            context, title: "Cài đặt hệ thống", status: status, notice: notice, active: "/quan-tri/cai-dat",
            main: ProvinceConsoleViews.settings(fields: fields, errors: errors, csrf: context.session.csrf))
    }

    @Sendable func saveSettings(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        try self.platformRole(context.user)
        let form = try await self.form(request, context, session: context.session)
        let settings = PlatformSettings(
            emcScript: form["emc-script"].trimmingCharacters(in: .whitespaces), emcTracker: form["emc-tracker"].trimmingCharacters(in: .whitespaces))
        var errors: [String: String] = [:]
        if PlatformSettings.origin(of: settings.emcScript) == nil {
            errors["emc-script"] = "Cần một địa chỉ https đầy đủ của tệp script do Hệ thống EMC công bố."
        }
        if PlatformSettings.origin(of: settings.emcTracker) == nil {
            errors["emc-tracker"] = "Cần một địa chỉ https đầy đủ nơi Hệ thống EMC nhận số liệu."
        }
        guard errors.isEmpty else {
            return self.settingsPage(
                context, fields: ["emc-script": settings.emcScript, "emc-tracker": settings.emcTracker], errors: errors, status: .badRequest,
                notice: nil)
        }
        let (user, address) = (context.user, context.remoteAddress)
        try await self.services.database.withTransaction { connection in
            try await self.store.setSettings(settings, on: connection)
            try await self.accounts.audit(
                user, commune: nil, action: "settings.emc", detail: "\(settings.emcScript) \(settings.emcTracker)", address: address, on: connection)
        }
        return Self.redirect("/quan-tri/cai-dat?da-luu=1")
    }

    func platformRole(_ user: StaffUser) throws {
        guard user.role == .platform else { throw ConsoleOutcome.forbidden("Chỉ quản trị toàn hệ thống thay đổi cài đặt hệ thống.") }
    }
}
