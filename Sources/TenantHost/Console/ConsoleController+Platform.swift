import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

extension ConsoleController {
    // MARK: Compliance

    /// Mandatory sections per commune: content or not, age of the newest
    /// item against the 5-working-day rule, the footer's person
    /// responsible, questions unanswered after 15 working days. Sortable,
    /// filterable, and as CSV.
    @Sendable func compliance(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
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

    @Sendable func newCommune(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
        return self.communeForm(context, session: session, fields: [:], errors: [:], status: .ok)
    }

    func communeForm(
        _ context: ConsoleRequestContext, session: ConsoleSession, fields: [String: String], errors: [String: String],
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

    @Sendable func createCommune(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
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

    // MARK: Users

    /// Accounts this person may see and manage: editors of their communes;
    /// for operators, district admins of their province too.
    func manageable(_ user: StaffUser, among users: [StaffUser]) -> [StaffUser] {
        let snapshot = self.services.directory.snapshot
        return users.filter { other in
            switch other.role {
            case .editor:
                guard let id = other.scopeUnitID, let tenant = snapshot.tenants[id] else { return user.role == .province && user.scopeUnitID == nil }
                return user.mayManage(tenant)
            case .district:
                guard user.role == .province else { return false }
                guard let scope = user.scopeUnitID else { return true }
                return other.scopeUnitID == scope || snapshot.units[other.scopeUnitID ?? 0]?.parentID == scope
            case .province:
                return user.role == .province && user.scopeUnitID == nil && other.id != user.id
            }
        }
    }

    @Sendable func users(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
        return try await self.usersPage(context, session: session, fields: [:], errors: [:], status: .ok, notice: Self.saved(request))
    }

    func usersPage(
        _ context: ConsoleRequestContext, session: ConsoleSession, fields: [String: String], errors: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) async throws -> Response {
        let all = try await self.accounts.users()
        let shown = self.manageable(session.user, among: all)
        let snapshot = self.services.directory.snapshot
        let rows = HTML(shown.map { u -> HTML in
            let scope = u.scopeUnitID.flatMap { snapshot.tenants[$0]?.name ?? snapshot.units[$0]?.name } ?? "Toàn hệ thống"
            return """
                <tr><td>\(u.username)</td><td>\(u.displayName)</td><td>\(u.roleTitle)</td><td>\(scope)</td><td>\(u.active ? "Hoạt động" : "Đã khóa")</td>\
                <td><form method="post" action="/quan-tri/nguoi-dung/\(u.id)">\(Field.csrf(session.csrf))<input type="hidden" name="thao-tac" value="\(u.active ? "khoa" : "mo")"><button class="linkbutton" type="submit">\(u.active ? "Khóa" : "Mở khóa")<span class="visually-hidden"> tài khoản \(u.username)</span></button></form> \
                <a href="/quan-tri/nguoi-dung/\(u.id)/mat-khau">Đặt lại mật khẩu<span class="visually-hidden"> của \(u.username)</span></a></td></tr>
                """
        })
        let communes = [("", "— Chọn xã, phường —")] + self.communesInScope(session.user).map { ("\($0.code)", "\($0.name) (\($0.code))") }
        let main: HTML = """
            <div class="table-scroll"><table class="data"><caption>Tài khoản trong phạm vi quản lý</caption>
            <thead><tr><th scope="col">Tên đăng nhập</th><th scope="col">Họ tên</th><th scope="col">Vai trò</th><th scope="col">Phạm vi</th><th scope="col">Trạng thái</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <h2>Thêm biên tập viên cấp xã</h2>
            \(Field.summary(errors, order: ["ten-dang-nhap", "ho-ten", "xa", "mat-khau"]))<form method="post" action="/quan-tri/nguoi-dung">\(Field.csrf(session.csrf))
            \(Field.text("ten-dang-nhap", "Tên đăng nhập", value: fields["ten-dang-nhap"] ?? "", errors: errors, required: true, hint: "Chữ thường, số, dấu chấm, gạch dưới hoặc gạch ngang; ít nhất 3 ký tự"))\
            \(Field.text("ho-ten", "Họ và tên", value: fields["ho-ten"] ?? "", errors: errors, required: true))\
            \(Field.select("xa", "Xã, phường", options: communes, selected: fields["xa"] ?? "", errors: errors))\
            \(Field.text("mat-khau", "Mật khẩu ban đầu", value: "", errors: errors, required: true, type: "password", hint: "Ít nhất 10 ký tự", autocomplete: "new-password"))\
            <p><button class="button" type="submit">Tạo tài khoản</button></p>
            </form>
            """
        return self.page(context, title: "Người dùng", status: status, notice: notice, active: "/quan-tri/nguoi-dung", main: main)
    }

    @Sendable func createUser(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
        let form = try await self.form(request, context, session: session)
        var errors: [String: String] = [:]
        let username = form["ten-dang-nhap"].lowercased().trimmingCharacters(in: .whitespaces)
        if username.range(of: "^[a-z0-9][a-z0-9._-]{2,63}$", options: .regularExpression) == nil {
            errors["ten-dang-nhap"] = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang."
        }
        if form["ho-ten"].trimmingCharacters(in: .whitespaces).isEmpty || form["ho-ten"].count > 120 {
            errors["ho-ten"] = "Vui lòng nhập họ và tên (tối đa 120 ký tự)."
        }
        if !Accounts.passwordLength.contains(form["mat-khau"].count) { errors["mat-khau"] = Self.passwordLengthMessage() }
        if form["xa"].isEmpty { errors["xa"] = "Vui lòng chọn xã, phường." }
        if !errors.isEmpty {
            return try await self.usersPage(context, session: session, fields: form.fields, errors: errors, status: .badRequest, notice: nil)
        }
        guard let code = Int(form["xa"]), let tenant = self.communesInScope(session.user).first(where: { $0.code == code }) else {
            throw ConsoleOutcome.forbidden("Bạn không quản lý xã này.")
        }
        let created: Result<StaffUser, TenantCoreError>
        do {
            created = .success(try await self.accounts.createUser(
                username: form["ten-dang-nhap"], displayName: form["ho-ten"], password: form["mat-khau"], role: .editor,
                scope: (.commune, tenant.code)))
        } catch {
            created = .failure(error)
        }
        switch created {
        case .success(let user):
            try await self.accounts.audit(session.user, commune: tenant.code, action: "user.create", detail: user.username, address: context.remoteAddress)
        case .failure(let error) where error.code == .invalidInput || error.code == .conflict:
            let field = error.field == .password ? "mat-khau" : error.field == .displayName ? "ho-ten" : "ten-dang-nhap"
            let message: String
            switch field {
            case "mat-khau": message = Self.passwordLengthMessage()
            case "ho-ten": message = "Vui lòng nhập họ và tên (tối đa 120 ký tự)."
            default: message = error.code == .conflict ? "Tên đăng nhập này đã có người dùng." : "Tên đăng nhập gồm 3–64 ký tự: chữ thường, số, dấu chấm, gạch dưới, gạch ngang."
            }
            return try await self.usersPage(context, session: session, fields: form.fields, errors: [field: message], status: .badRequest, notice: nil)
        case .failure(let error):
            throw error
        }
        return Self.redirect("/quan-tri/nguoi-dung?da-luu=1")
    }

    @Sendable func changeUser(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let (session, target) = try await self.managedUser(request, context)
        let form = try await self.form(request, context, session: session)
        let active = form["thao-tac"] == "mo"
        try await self.accounts.setActive(userID: target.id, active)
        try await self.accounts.audit(session.user, commune: self.communeCode(of: target), action: active ? "user.unlock" : "user.lock", detail: target.username, address: context.remoteAddress)
        return Self.redirect("/quan-tri/nguoi-dung?da-luu=1")
    }

    // MARK: Audit

    static func actionTitle(_ action: String) -> String {
        switch action {
        case "login": "Đăng nhập"
        case "login.failed": "Đăng nhập sai"
        case "logout": "Đăng xuất"
        case "password.change": "Đổi mật khẩu"
        case "password.reset": "Đặt lại mật khẩu"
        case "access.denied": "Bị từ chối truy cập"
        case "entry.create": "Thêm bài"
        case "entry.update": "Sửa bài"
        case "entry.published": "Đăng bài"
        case "entry.unpublished": "Gỡ bài"
        case "entry.draft": "Chuyển về nháp"
        case "section.update": "Sửa trang"
        case "site.update": "Sửa thông tin chung"
        case "file.upload": "Tải tệp lên"
        case "question.received": "Người dân gửi câu hỏi"
        case "question.in_progress": "Đang xử lý câu hỏi"
        case "question.answered": "Trả lời câu hỏi"
        case "comment.approve": "Duyệt góp ý"
        case "comment.reject": "Từ chối góp ý"
        case "commune.create": "Tạo xã"
        case "user.create": "Tạo tài khoản"
        case "user.lock": "Khóa tài khoản"
        case "user.unlock": "Mở khóa tài khoản"
        case "reorganisation.retire": "Sắp xếp: kết thúc đơn vị cũ"
        case "reorganisation.create": "Sắp xếp: tạo xã mới"
        case "reorganisation.archive": "Sắp xếp: lưu trữ xã cũ"
        case "reorganisation.continue": "Sắp xếp: xã mới kế tục trang cũ"
        case "commune.merge": "Nhập xã"
        case "commune.divide": "Chia xã"
        case "commune.rename": "Đổi tên xã"
        case "commune.move": "Chuyển xã sang đơn vị khác"
        default: action
        }
    }

    @Sendable func audit(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.administrator(request, context)
        let communes: [Int]? = session.user.role == .province && session.user.scopeUnitID == nil
            ? nil : self.communesInScope(session.user).map(\.code)
        let entries = try await self.accounts.auditLog(communes: communes, limit: 300)
        let names = Dictionary(self.services.directory.snapshot.tenants.values.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = HTML(entries.map { e -> HTML in
            "<tr><td>\(Layout.date(e.at)) \(VietnamTime(e.at).timeString)</td><td>\(e.username)</td><td>\(e.commune.map { names[$0] ?? String($0) } ?? "")</td><td>\(Self.actionTitle(e.action))</td><td>\(e.detail)</td><td>\(e.address)</td></tr>"
        })
        let main: HTML = """
            <div class="table-scroll"><table class="data"><caption>300 thao tác gần nhất</caption>
            <thead><tr><th scope="col">Thời điểm</th><th scope="col">Người thực hiện</th><th scope="col">Xã</th><th scope="col">Thao tác</th><th scope="col">Chi tiết</th><th scope="col">Địa chỉ</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        return self.page(context, title: "Nhật ký thao tác", active: "/quan-tri/nhat-ky", main: main)
    }
}
