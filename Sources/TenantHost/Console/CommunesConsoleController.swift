import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/xa`: the communes in scope (paged, searched, filtered), one
/// commune's status, domains and export, and creating a commune. Province
/// operators change; district admins see.
struct CommunesConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/xa", use: self.list)
        group.get("/xa/moi", use: self.newCommune)
        group.post("/xa", use: self.createCommune)
        group.get("/xa/:code", use: self.detail)
        group.post("/xa/:code/trang-thai", use: self.changeStatus)
        group.post("/xa/:code/ten-mien", use: self.addDomain)
        group.post("/xa/:code/ten-mien/go", use: self.removeDomain)
        group.get("/xa/:code/xuat", use: self.export)
    }

    // MARK: Communes

    /// The units under which this person may create communes.
    /// Units that still exist only: a reorganisation's ended units take no new commune.
    func parentsInScope(_ user: StaffUser) -> [AdminUnit] {
        let units = self.services.directory.snapshot.units.values.filter { $0.validUntil == nil }
        switch user.role {
        case .editor:
            return []
        case .district:
            return units.filter { $0.id == user.scopeUnitID && $0.level == .district }
        case .platform:
            return units.sorted { ($0.level == .province ? 0 : 1, $0.code) < ($1.level == .province ? 0 : 1, $1.code) }
        case .province:
            guard let scope = user.scopeUnitID else { return [] }
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
            return self.page(context, title: "Tạo xã mới", status: .forbidden, main: CommuneFormView.forbidden)
        }
        let main = CommuneFormView.render(parents: parents, fields: fields, errors: errors, csrf: session.csrf)
        return self.page(context, title: "Tạo xã mới", status: status, active: "/quan-tri/xa/moi", main: main)
    }

    @Sendable func createCommune(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let form = try await self.form(request, context, session: session)
        let parents = self.parentsInScope(session.user)
        let parts = form["cap-tren"].split(separator: ":")
        if parts.count == 2, let level = UnitLevel(rawValue: String(parts[0])), let parentCode = Int(parts[1]),
            !parents.contains(where: { $0.level == level && $0.code == parentCode }),
            let ended = self.services.directory.snapshot.units.values.first(where: { $0.level == level && $0.code == parentCode && $0.validUntil != nil }),
            let lastDay = ended.validUntil
        {
            // An old form, or a unit the reorganisation ended since the page was opened.
            let errors = ["cap-tren": "\(ended.fullName) đã kết thúc hoạt động sau ngày \(Layout.date(lastDay)); hãy chọn một đơn vị đang hoạt động (từ 1/7/2025 xã, phường trực thuộc tỉnh)."]
            return self.communeForm(context, session: session, fields: form.fields, errors: errors, status: .badRequest)
        }
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
            outcome = .success(try await self.provisioning.createCommune(spec, by: .staff(session.user, address: context.remoteAddress)))
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
        // Serve the new site from this process at once, without waiting for NOTIFY.
        try await self.services.directory.reload(from: self.services.database)
        let hosts = try await self.services.database.withConnection { connection in
            try await Catalogue(logger: self.services.logger).domains(tenantID: record.unitID, on: connection)
        }
        let main = CommuneFormView.created(record: record, domains: hosts) { self.siteURL($0, for: request) }
        return self.page(context, title: "Đã tạo \(record.name)", main: main)
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let query = QueryItemsOf(request)
        var filter = CommuneListView.Filter()
        filter.text = String((query["q"] ?? "").prefix(100))
        filter.province = query["tinh"].flatMap { Int($0) }
        filter.status = query["trang-thai"].flatMap(TenantStatus.init(rawValue:))
        filter.incomplete = query["tuan-thu"] == "thieu"
        filter.page = try QueryItems(request).page()
        let inScope = self.communesInScope(context.user)
        var provinces: [Int64: AdminUnit] = [:]
        for tenant in inScope { if let province = tenant.province { provinces[province.id] = province } }
        let search = CommuneSearch(filter.text)
        var rows = inScope.filter { tenant in
            search.matches(tenant.name, code: tenant.code)
                && (filter.province == nil || tenant.province?.code == filter.province)
                && (filter.status == nil || tenant.status == filter.status)
        }
        if filter.incomplete {
            let now = Date()
            let incomplete = try await self.services.database.byCluster(rows, schema: \.schema) { group, connection in
                try await self.services.content.compliance(group, now: now, on: connection)
            }.filter { !$0.isCompliant(at: now) }
            let codes = Set(incomplete.map(\.tenant.code))
            rows = rows.filter { codes.contains($0.code) }
        }
        let total = rows.count
        // A page past the end shows the last one.
        filter.page = min(filter.page, max(1, (total + CommuneListView.pageSize - 1) / CommuneListView.pageSize))
        let start = min((filter.page - 1) * CommuneListView.pageSize, total)
        let page = Array(rows[start..<min(start + CommuneListView.pageSize, total)])
        let main = CommuneListView.render(
            filter: filter, provinces: provinces.values.sorted { $0.code < $1.code }, rows: page, total: total
        ) { self.siteLinks($0, for: request) }
        return self.page(context, title: "Xã, phường", active: "/quan-tri/xa", main: main)
    }

    // MARK: One commune

    /// Changes are for province operators.
    func operatorOf(_ tenant: Tenant, _ context: PlatformConsoleContext) throws {
        guard context.user.isOperator else {
            throw ConsoleOutcome.forbidden("Chỉ quản trị cấp tỉnh thay đổi trạng thái, tên miền và tải bản xuất của xã.")
        }
    }

    @Sendable func detail(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        return try await self.detailPage(request, context, tenant, errors: [:], fields: [:], status: .ok, notice: Self.saved(request))
    }

    func detailPage(
        _ request: Request, _ context: PlatformConsoleContext, _ tenant: Tenant, errors: [String: String], fields: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) async throws -> Response {
        let catalogue = Catalogue(logger: context.logger)
        let (record, domains) = try await self.services.database.withConnection { connection in
            (try await catalogue.tenant(code: tenant.code, on: connection), try await catalogue.domains(tenantID: tenant.id, on: connection))
        }
        guard let record else { throw HTTPError(.notFound) }
        let main = CommuneDetailView.render(
            record: record, tenant: tenant, domains: domains, canChange: context.user.isOperator, csrf: context.session.csrf,
            errors: errors, fields: fields
        ) { self.siteURL($0, for: request) }
        return self.page(context, title: tenant.name, status: status, notice: notice, active: "/quan-tri/xa", main: main)
    }

    @Sendable func changeStatus(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        try self.operatorOf(tenant, context)
        let form = try await self.form(request, context, session: context.session)
        let note = VietnameseText.nfc(form["ghi-chu"].trimmingCharacters(in: .whitespacesAndNewlines))
        var errors: [String: String] = [:]
        let status = TenantStatus(rawValue: form["trang-thai"])
        if status == nil { errors["trang-thai"] = "Vui lòng chọn một trạng thái." }
        if note.count > 500 { errors["ghi-chu"] = "Ghi chú dài quá 500 ký tự." }
        if VietnameseText.hasControlCharacters(note) { errors["ghi-chu"] = "Ghi chú chứa ký tự không hợp lệ." }
        guard let status, errors.isEmpty else {
            return try await self.detailPage(request, context, tenant, errors: errors, fields: form.fields, status: .badRequest, notice: nil)
        }
        _ = try await self.provisioning.setStatus(code: tenant.code, to: status, note: note, by: .staff(context.user, address: context.remoteAddress))
        return Self.redirect("/quan-tri/xa/\(tenant.code)?da-luu=1")
    }

    @Sendable func addDomain(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        try self.operatorOf(tenant, context)
        let form = try await self.form(request, context, session: context.session)
        let role: DomainRole = form["vai-tro"] == "primary" ? .primary : .redirect
        let outcome: Result<DomainRecord, TenantCoreError>
        do {
            outcome = .success(try await self.provisioning.addDomain(
                String(form["ten-mien"].prefix(300)), code: tenant.code, role: role, by: .staff(context.user, address: context.remoteAddress)))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success:
            return Self.redirect("/quan-tri/xa/\(tenant.code)?da-luu=1")
        case .failure(let error) where error.field == .host:
            let zones = self.services.directory.snapshot.zones(of: tenant, policy: self.services.domainPolicy).map { "…." + $0.value }.joined(separator: " hoặc ")
            let message = switch error.code {
            case .conflict:
                "Tên miền này đã thuộc về một xã khác, là địa chỉ cổng thông tin của một tỉnh, huyện hoặc của trang quản trị; chỉ quản trị hệ thống đặt được bằng dòng lệnh."
            case .forbidden:
                "Tên miền phải nằm trong vùng tên miền của \(tenant.province?.fullName ?? "tỉnh"): \(zones)."
            default:
                "Tên miền không hợp lệ: cần ít nhất hai phần, chỉ gồm chữ, số và dấu gạch ngang (ví dụ hainam.namdinh.gov.vn)."
            }
            return try await self.detailPage(request, context, tenant, errors: ["ten-mien": message], fields: form.fields, status: .badRequest, notice: nil)
        case .failure(let error):
            throw error
        }
    }

    @Sendable func removeDomain(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        try self.operatorOf(tenant, context)
        let form = try await self.form(request, context, session: context.session)
        let host = form["ten-mien"]
        let catalogue = Catalogue(logger: context.logger)
        let owned = try await self.services.database.withConnection { connection in
            try await catalogue.domains(tenantID: tenant.id, on: connection)
        }
        guard let domain = owned.first(where: { $0.host == host }) else { throw HTTPError(.notFound) }
        guard domain.role != .primary else {
            return try await self.detailPage(
                request, context, tenant, errors: ["ten-mien": "Không gỡ được địa chỉ chính thức; hãy đặt một tên miền khác làm chính thức trước."],
                fields: [:], status: .conflict, notice: nil)
        }
        try await self.provisioning.removeDomain(domain.host, by: .staff(context.user, address: context.remoteAddress))
        return Self.redirect("/quan-tri/xa/\(tenant.code)?da-luu=1")
    }

    @Sendable func export(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        try self.operatorOf(tenant, context)
        let (header, data) = try await self.provisioning.exportDocument(code: tenant.code)
        try await self.accounts.audit(
            context.user, commune: tenant.code, action: "commune.export", detail: "\(header.schema) v\(header.schema_version), \(data.count) B",
            address: context.remoteAddress)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.contentDisposition] = "attachment; filename=\"xa-\(tenant.code)-\(VietnamTime(Date()).isoDate).json\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
