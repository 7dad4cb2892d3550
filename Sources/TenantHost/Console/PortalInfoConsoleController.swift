import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// `/quan-tri/cong-thong-tin`: what the province's portal says in its
/// footer about who is responsible for it and how to reach its editors.
/// The province's operators (and the platform role) only.
struct PortalInfoConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/cong-thong-tin", use: self.form)
        group.post("/cong-thong-tin", use: self.save)
    }

    static let inputs = ["nguoi-chiu-trach-nhiem", "chuc-vu", "dia-chi", "dien-thoai", "thu-dien-tu"]

    func provinces(_ user: StaffUser) throws -> [AdminUnit] {
        try self.operatorProvinces(user, refusal: "Chỉ quản trị cấp tỉnh sửa thông tin của cổng thông tin tỉnh.")
    }

    /// The province chosen (`tinh`), or the first.
    func province(_ raw: String?, in provinces: [AdminUnit]) -> AdminUnit {
        raw.flatMap { Int64($0) }.flatMap { id in provinces.first { $0.id == id } } ?? provinces[0]
    }

    @Sendable func form(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let province = self.province(QueryItemsOf(request)["tinh"], in: provinces)
        let since = Date().addingTimeInterval(-365 * 86_400)
        let (info, ratings) = try await self.services.database.withConnection(retryingReads: true) { connection in
            let store = PortalStore(logger: self.services.logger)
            let info = try await store.portalInfos(unit: province.id, on: connection)[province.id] ?? PortalInfo()
            return (info, try await store.portalRatings(unitID: province.id, since: since, remarks: 5, on: connection))
        }
        let fields = Dictionary(uniqueKeysWithValues: zip(
            Self.inputs, [info.responsiblePerson, info.responsibleTitle, info.address, info.phone, info.email]))
        return self.formPage(
            context, provinces: provinces, province: province, fields: fields, errors: [:], status: .ok, notice: Self.saved(request),
            ratings: DashboardViews.ratings(ratings.summary, remarks: ratings.remarks))
    }

    func formPage(
        _ context: PlatformConsoleContext, provinces: [AdminUnit], province: AdminUnit, fields: [String: String], errors: [String: String],
        status: HTTPResponse.Status, notice: String?, ratings: HTML = .empty
    ) -> Response {
        let choice: HTML = provinces.count == 1
            ? "<input type=\"hidden\" name=\"tinh\" value=\"\(province.id)\">"
            : Field.select("tinh", "Tỉnh, thành phố", options: provinces.map { (String($0.id), $0.fullName) }, selected: String(province.id), errors: errors)
        let main: HTML = """
            <p>Chân trang của cổng thông tin \(province.nameInSentence) ghi cơ quan chủ quản (\(province.issuingBody)), người chịu trách nhiệm \
            và cách liên hệ, như trang của mỗi xã (Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c).</p>
            \(Field.summary(errors, order: Self.inputs))<form method="post" action="/quan-tri/cong-thong-tin">
            \(Field.csrf(context.session.csrf))\(choice)
            \(Field.text("nguoi-chiu-trach-nhiem", "Người chịu trách nhiệm", value: fields["nguoi-chiu-trach-nhiem"] ?? "", errors: errors, required: true, autocomplete: "name"))\
            \(Field.text("chuc-vu", "Chức vụ", value: fields["chuc-vu"] ?? "", errors: errors))\
            \(Field.text("dia-chi", "Địa chỉ", value: fields["dia-chi"] ?? "", errors: errors, required: true))\
            \(Field.text("dien-thoai", "Điện thoại", value: fields["dien-thoai"] ?? "", errors: errors, type: "tel"))\
            \(Field.text("thu-dien-tu", "Thư điện tử", value: fields["thu-dien-tu"] ?? "", errors: errors, type: "email"))\
            <p><button class="button" type="submit">Lưu</button></p>
            </form>
            \(ratings)
            """
        return self.page(context, title: "Cổng thông tin tỉnh", status: status, notice: notice, active: "/quan-tri/cong-thong-tin", main: main)
    }

    @Sendable func save(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let provinces = try self.provinces(context.user)
        let form = try await self.form(request, context, session: context.session)
        guard let chosen = Int64(form["tinh"]), let province = provinces.first(where: { $0.id == chosen }) else {
            throw ConsoleOutcome.forbidden("Bạn không quản lý cổng thông tin của tỉnh này.")
        }
        var errors: [String: String] = [:]
        func value(_ name: String, max: Int, required: Bool = false, label: String) -> String {
            let text = VietnameseText.nfc(form[name].trimmingCharacters(in: .whitespacesAndNewlines))
            if required && text.isEmpty { errors[name] = "Vui lòng nhập \(label)." }
            if text.count > max { errors[name] = "\(label.prefix(1).uppercased() + label.dropFirst()) dài quá \(max) ký tự." }
            if VietnameseText.hasControlCharacters(text) { errors[name] = "Chứa ký tự không hợp lệ." }
            return text
        }
        var info = PortalInfo()
        info.responsiblePerson = value("nguoi-chiu-trach-nhiem", max: 120, required: true, label: "người chịu trách nhiệm")
        info.responsibleTitle = value("chuc-vu", max: 120, label: "chức vụ")
        info.address = value("dia-chi", max: 300, required: true, label: "địa chỉ")
        info.phone = value("dien-thoai", max: 40, label: "điện thoại")
        info.email = value("thu-dien-tu", max: 200, label: "thư điện tử")
        if !info.phone.isEmpty, info.phone.filter(\.isNumber).count < 8 { errors["dien-thoai"] = "Số điện thoại cần ít nhất 8 chữ số." }
        if !info.email.isEmpty, EmailAddress(info.email) == nil { errors["thu-dien-tu"] = "Thư điện tử không hợp lệ." }
        guard errors.isEmpty else {
            return self.formPage(context, provinces: provinces, province: province, fields: form.fields, errors: errors, status: .badRequest, notice: nil)
        }
        let (user, address, saved) = (context.user, context.remoteAddress, info)
        try await self.services.database.withTransaction { connection in
            try await PortalStore(logger: self.services.logger).setPortalInfo(saved, unit: province.id, on: connection)
            try await self.accounts.audit(
                user, commune: nil, action: "portal.info", detail: "\(province.name): \(saved.responsiblePerson)", address: address, on: connection)
        }
        return Self.redirect("/quan-tri/cong-thong-tin?tinh=\(province.id)&da-luu=1")
    }
}
