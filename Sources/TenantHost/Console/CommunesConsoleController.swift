import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/xa`: communes in scope, and creating one.
struct CommunesConsoleController: ConsoleBase {
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
        group.get("/xa/moi", use: self.newCommune)
        group.post("/xa", use: self.createCommune)
    }

    // MARK: Communes

    /// The units under which this person may create communes.
    func parentsInScope(_ user: StaffUser) -> [AdminUnit] {
        let units = self.services.directory.snapshot.units.values
        switch user.role {
        case .editor:
            return []
        case .district:
            return units.filter { $0.id == user.scopeUnitID && $0.level == .district }
        case .province:
            guard let scope = user.scopeUnitID else { return units.sorted { ($0.level == .province ? 0 : 1, $0.code) < ($1.level == .province ? 0 : 1, $1.code) } }
            return units.filter { $0.id == scope || $0.parentID == scope }.sorted { ($0.level == .province ? 0 : 1, $0.code) < ($1.level == .province ? 0 : 1, $1.code) }
        }
    }

    @Sendable func newCommune(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        return self.communeForm(context, session: session, fields: [:], errors: [:], status: .ok)
    }

    func communeForm(
        _ context: PlatformConsoleContext, session: ConsoleSession, fields: [String: String], errors: [String: String],
        status: HTTPResponse.Status
    ) -> Response {
        let parents = self.parentsInScope(session.user)
        guard !parents.isEmpty else {
            return self.page(context, title: "Tạo xã mới", status: .forbidden, main: "<p>Tài khoản của bạn không được tạo xã mới.</p>")
        }
        let options = parents.map { ("\($0.level.rawValue):\($0.code)", "\($0.name) (\($0.code))") }
        let main: HTML = """
            \(Field.summary(errors, order: ["ma", "ten", "cap-tren", "slug"]))<p>Trang của xã mới có ngay 16 chuyên mục bắt buộc, tên miền và liên kết tới cổng thông tin cấp trên.</p>
            <form method="post" action="/quan-tri/xa">\(Field.csrf(session.csrf))
            \(Field.text("ma", "Mã đơn vị hành chính (theo danh mục của Cục Thống kê)", value: fields["ma"] ?? "", errors: errors, required: true, hint: "Từ 1 đến 5 chữ số, ví dụ 14224"))\
            \(Field.text("ten", "Tên đầy đủ", value: fields["ten"] ?? "", errors: errors, required: true, hint: "Ví dụ: Xã Hải Nam, Phường Thuận An"))\
            \(Field.select("cap-tren", "Trực thuộc", options: options, selected: fields["cap-tren"] ?? options[0].0, errors: errors))\
            \(Field.text("slug", "Tên viết trong địa chỉ trang (không bắt buộc)", value: fields["slug"] ?? "", errors: errors, hint: "Chữ thường không dấu, nối bằng dấu gạch ngang, ví dụ hai-nam; để trống để tạo tự động"))\
            <p><button class="button" type="submit">Tạo xã</button></p>
            </form>
            """
        return self.page(context, title: "Tạo xã mới", status: status, active: "/quan-tri/xa/moi", main: main)
    }

    @Sendable func createCommune(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let form = try await self.form(request, context, session: session)
        let parents = self.parentsInScope(session.user)
        let parts = form["cap-tren"].split(separator: ":")
        guard parts.count == 2, let level = UnitLevel(rawValue: String(parts[0])), let parentCode = Int(parts[1]),
            parents.contains(where: { $0.level == level && $0.code == parentCode })
        else {
            throw ConsoleOutcome.forbidden("Bạn không được tạo xã dưới đơn vị này.")
        }
        var errors: [String: String] = [:]
        let rawCode = form["ma"].trimmingCharacters(in: .whitespaces)
        let code = rawCode.count <= 5 && rawCode.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(rawCode) ?? 0 : 0
        if code < 1 { errors["ma"] = "Mã đơn vị hành chính gồm 1 đến 5 chữ số." }
        let name = VietnameseText.nfc(form["ten"].trimmingCharacters(in: .whitespaces))
        let kind = VietnameseText.splitUnitName(name).kind
        if name.isEmpty {
            errors["ten"] = "Vui lòng nhập tên đầy đủ, ví dụ Xã Hải Nam."
        } else if !["xã", "phường", "thị trấn", "đặc khu"].contains(kind) || name.count > 200 {
            errors["ten"] = "Tên đầy đủ bắt đầu bằng Xã, Phường, Thị trấn hoặc Đặc khu, ví dụ Xã Hải Nam (tối đa 200 ký tự)."
        }
        let slug = form["slug"].trimmingCharacters(in: .whitespaces)
        if !slug.isEmpty && (slug != VietnameseText.slug(slug) || slug.count > 63) {
            errors["slug"] = "Tên trong địa chỉ chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ hai-nam."
        }
        if !errors.isEmpty {
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        }
        let outcome: Result<(TenantRecord, CommuneProvisioning.Outcome), TenantCoreError>
        do {
            let spec = try await self.provisioning.spec(
                code: code, name: name, parentLevel: level, parentCode: parentCode, slug: slug.isEmpty ? nil : slug)
            outcome = .success(try await self.provisioning.createCommune(spec))
        } catch {
            outcome = .failure(error)
        }
        let record: TenantRecord
        switch outcome {
        case .success((let created, .created)):
            record = created
            self.services.metrics.communeCreated()
        case .success((let existing, _)):
            errors["ma"] = "Mã \(code) đã thuộc về \(existing.name); mỗi đơn vị hành chính chỉ có một trang."
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        case .failure(let error) where error.field == .host || error.field == .slug:
            errors["slug"] = "Địa chỉ trang tạo từ tên này trùng với một xã khác; hãy nhập một tên khác trong ô này."
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        case .failure(let error) where error.code == .conflict:
            errors["ma"] = "Mã \(code) đã có trên hệ thống với tên khác; hãy kiểm tra lại mã."
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        case .failure(let error) where error.code == .invalidInput || error.code == .notFound:
            errors["cap-tren"] = "Không tạo được xã dưới đơn vị đã chọn; hãy kiểm tra lại mã và đơn vị trực thuộc."
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        case .failure(let error):
            throw error
        }
        try await self.accounts.audit(session.user, commune: record.code, action: "commune.create", detail: record.name, address: context.remoteAddress)
        // Serve the new site from this process at once, without waiting for NOTIFY.
        try await self.services.directory.reload(from: self.services.database)
        let hosts = try await self.services.database.withConnection { connection in
            try await Catalogue(logger: self.services.logger).domains(tenantID: record.unitID, on: connection)
        }
        let port = SiteMiddleware.port(of: request.head.authority ?? "").map { ":\($0)" } ?? ""
        let links = HTML(hosts.map { d -> HTML in
            let scheme = d.host.hasSuffix(".localhost") ? "http" : self.services.config.publicScheme
            return "<li><a href=\"\(href: "\(scheme)://\(d.host)\(port)/")\">\(d.host)</a> (\(d.role == .primary ? "tên miền chính" : d.role == .dev ? "địa chỉ thử nghiệm" : "chuyển hướng"))</li>"
        })
        return self.page(context, title: "Đã tạo \(record.name)", main: """
            <p class="saved" role="status">Đã tạo trang thông tin điện tử \(record.name) (mã \(record.code)) với 16 chuyên mục bắt buộc.</p>
            <ul>\(links)</ul><p><a href="/quan-tri">Về tổng quan</a></p>
            """)
    }
}
