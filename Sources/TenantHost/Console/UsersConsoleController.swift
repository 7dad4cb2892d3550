import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/nguoi-dung`: accounts an administrator manages: creating
/// editors (and, for province operators, district admins), assigning
/// communes to a district admin, locking and unlocking, setting a new password.
struct UsersConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/nguoi-dung", use: self.users)
        group.post("/nguoi-dung", use: self.createUser)
        group.post("/nguoi-dung/:id", use: self.changeUser)
        group.get("/nguoi-dung/:id/xa", use: self.communesForm)
        group.post("/nguoi-dung/:id/xa", use: self.assignCommunes)
        group.get("/nguoi-dung/:id/mat-khau", use: self.resetPasswordForm)
        group.post("/nguoi-dung/:id/mat-khau", use: self.resetPassword)
    }

    // MARK: Users

    /// Accounts this person may see and manage (``StaffUser/mayManage(account:tenants:units:)``).
    func manageable(_ user: StaffUser, among users: [StaffUser]) -> [StaffUser] {
        let snapshot = self.services.directory.snapshot
        return users.filter { user.mayManage(account: $0, tenants: snapshot.tenants, units: snapshot.units) }
    }

    @Sendable func users(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let invited = request.uri.query?.contains("da-moi=1") == true ? "Đã tạo tài khoản và gửi lời mời đặt mật khẩu." : nil
        let sent = request.uri.query?.contains("da-gui=1") == true ? "Đã gửi liên kết đặt mật khẩu." : nil
        return try await self.usersPage(context, session: session, fields: [:], errors: [:], status: .ok, notice: invited ?? sent ?? Self.saved(request))
    }

    func usersPage(
        _ context: PlatformConsoleContext, session: ConsoleSession, fields: [String: String], errors: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) async throws -> Response {
        let all = try await self.accounts.users()
        let shown = self.manageable(session.user, among: all)
        let snapshot = self.services.directory.snapshot
        let rows = shown.map { u in (user: u, scope: u.scopeUnitID.flatMap { snapshot.tenants[$0]?.name ?? snapshot.units[$0]?.name } ?? "Toàn hệ thống") }
        let inScope = self.currentCommunesInScope(session.user)
        let main = UsersView.users(
            rows, communes: inScope, units: Self.unitsOf(inScope), isOperator: session.user.isOperator, fields: fields, errors: errors,
            csrf: session.csrf)
        return self.page(context, title: "Người dùng", status: status, notice: notice, active: "/quan-tri/nguoi-dung", main: main)
    }

    @Sendable func createUser(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let form = try await self.form(request, context, session: session)
        var errors: [String: String] = [:]
        let username = form["ten-dang-nhap"].lowercased().trimmingCharacters(in: .whitespaces)
        if username.range(of: "^[a-z0-9][a-z0-9._-]{2,63}$", options: .regularExpression) == nil {
            errors["ten-dang-nhap"] = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang."
        }
        if form["ho-ten"].trimmingCharacters(in: .whitespaces).isEmpty || form["ho-ten"].count > 120 {
            errors["ho-ten"] = "Vui lòng nhập họ và tên (tối đa 120 ký tự)."
        }
        if EmailAddress(form["thu-dien-tu"]) == nil { errors["thu-dien-tu"] = "Vui lòng nhập địa chỉ thư điện tử hợp lệ để gửi lời mời." }
        let district = form["vai-tro"] == "district"
        if district && !session.user.isOperator { throw ConsoleOutcome.forbidden("Chỉ quản trị cấp tỉnh tạo tài khoản quản trị cấp huyện.") }
        if !district && form["xa"].isEmpty { errors["xa"] = "Vui lòng chọn xã, phường." }
        if district && form["don-vi"].isEmpty { errors["don-vi"] = "Vui lòng chọn huyện hoặc tỉnh." }
        if !errors.isEmpty {
            return try await self.usersPage(context, session: session, fields: form.fields, errors: errors, status: .badRequest, notice: nil)
        }
        let role: StaffRole
        let scope: (level: UnitLevel, code: Int)
        if district {
            let units = Self.unitsOf(self.currentCommunesInScope(session.user))
            guard let unit = units.first(where: { "\($0.level.rawValue)-\($0.code)" == form["don-vi"] }) else {
                throw ConsoleOutcome.forbidden("Bạn không quản lý đơn vị này.")
            }
            (role, scope) = (.district, (unit.level, unit.code))
        } else {
            guard let code = Int(form["xa"]), let tenant = self.currentCommunesInScope(session.user).first(where: { $0.code == code }) else {
                throw ConsoleOutcome.forbidden("Bạn không quản lý xã này.")
            }
            (role, scope) = (.editor, (.commune, tenant.code))
        }
        let created: Result<StaffUser, TenantCoreError>
        do {
            created = .success(try await self.accounts.createUser(
                username: form["ten-dang-nhap"], displayName: form["ho-ten"], password: nil, role: role, scope: scope,
                approves: role == .editor && form["duyet-bai"] == "1", email: form["thu-dien-tu"], consoleURL: self.consoleURL(request),
                by: .staff(session.user, address: context.remoteAddress)))
        } catch {
            created = .failure(error)
        }
        switch created {
        case .success(let user):
            if district { return Self.redirect("/quan-tri/nguoi-dung/\(user.id)/xa") }
        case .failure(let error) where error.code == .invalidInput || error.code == .conflict:
            let field = error.field == .email ? "thu-dien-tu" : error.field == .displayName ? "ho-ten" : "ten-dang-nhap"
            let message: String
            switch field {
            case "thu-dien-tu": message = error.code == .conflict ? "Địa chỉ thư này đã dùng cho một tài khoản khác." : "Vui lòng nhập địa chỉ thư điện tử hợp lệ."
            case "ho-ten": message = "Vui lòng nhập họ và tên (tối đa 120 ký tự)."
            default: message = error.code == .conflict ? "Tên đăng nhập này đã có người dùng." : "Tên đăng nhập gồm 3–64 ký tự: chữ thường, số, dấu chấm, gạch dưới, gạch ngang."
            }
            return try await self.usersPage(context, session: session, fields: form.fields, errors: [field: message], status: .badRequest, notice: nil)
        case .failure(let error):
            throw error
        }
        return Self.redirect("/quan-tri/nguoi-dung?da-moi=1")
    }

    @Sendable func changeUser(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let (session, target) = try await self.managedUser(request, context)
        let form = try await self.form(request, context, session: session)
        let active = form["thao-tac"] == "mo"
        try await self.accounts.setActive(userID: target.id, active, by: .staff(session.user, address: context.remoteAddress))
        return Self.redirect("/quan-tri/nguoi-dung?da-luu=1")
    }

    /// Districts and provinces that hold communes in scope, for a district admin's unit.
    static func unitsOf(_ communes: [Tenant]) -> [AdminUnit] {
        var units: [Int64: AdminUnit] = [:]
        for tenant in communes where tenant.successorID == nil {
            for unit in tenant.ancestors { units[unit.id] = unit }
        }
        return units.values.sorted { ($0.level == .province ? 0 : 1, $0.code) < ($1.level == .province ? 0 : 1, $1.code) }
    }

    // MARK: Communes of a district admin

    @Sendable func communesForm(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let (session, target) = try await self.assignable(request, context)
        let filter = String((QueryItemsOf(request)["loc"] ?? "").prefix(100))
        let main = UserCommunesView.render(user: target, communes: self.shown(session, filter: filter), filter: filter, csrf: session.csrf)
        return self.page(context, title: "Giao xã cho \(target.username)", notice: Self.saved(request), active: "/quan-tri/nguoi-dung", main: main)
    }

    @Sendable func assignCommunes(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let (session, target) = try await self.assignable(request, context)
        let form = try await self.form(request, context, session: session)
        let filter = String(form["loc"].prefix(100))
        let shown = self.shown(session, filter: filter)
        let shownIDs = Set(shown.map(\.id))
        // Assignments outside the list shown stay; inside it, the boxes decide.
        let kept = target.assignedCommunes.filter { !shownIDs.contains($0) }
        let chosen = shown.filter { form["xa-\($0.code)"] == "1" }
        _ = try await self.accounts.setCommunes(
            userID: target.id, communeIDs: Array(kept) + chosen.map(\.id), by: .staff(session.user, address: context.remoteAddress))
        let query = filter.isEmpty ? "da-luu=1" : "loc=\(Layout.percentEncode(filter))&da-luu=1"
        return Self.redirect("/quan-tri/nguoi-dung/\(target.id)/xa?\(query)")
    }

    /// A district admin the signed-in province operator manages.
    func assignable(_ request: Request, _ context: PlatformConsoleContext) async throws -> (ConsoleSession, StaffUser) {
        guard context.user.isOperator else { throw ConsoleOutcome.forbidden("Chỉ quản trị cấp tỉnh giao xã cho tài khoản.") }
        let (session, target) = try await self.managedUser(request, context)
        guard target.role == .district else { throw HTTPError(.notFound) }
        return (session, target)
    }

    /// The communes an operator may assign, filtered without diacritics.
    func shown(_ session: ConsoleSession, filter: String) -> [Tenant] {
        let search = CommuneSearch(filter)
        return self.currentCommunesInScope(session.user).filter { $0.successorID == nil && search.matches($0.name, code: $0.code) }
    }

    // MARK: Passwords

    @Sendable func resetPasswordForm(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let (session, target) = try await self.managedUser(request, context)
        return self.resetPasswordPage(context, session: session, target: target, email: target.email ?? "", errors: [:], status: .ok)
    }

    func resetPasswordPage(
        _ context: PlatformConsoleContext, session: ConsoleSession, target: StaffUser, email: String, errors: [String: String],
        status: HTTPResponse.Status
    ) -> Response {
        let main = UsersView.resetPassword(target: target, email: email, errors: errors, csrf: session.csrf)
        return self.page(context, title: "Gửi liên kết đặt mật khẩu", status: status, active: "/quan-tri/nguoi-dung", main: main)
    }

    @Sendable func resetPassword(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let (session, target) = try await self.managedUser(request, context)
        let form = try await self.form(request, context, session: session)
        guard EmailAddress(form["thu-dien-tu"]) != nil else {
            return self.resetPasswordPage(
                context, session: session, target: target, email: form["thu-dien-tu"],
                errors: ["thu-dien-tu": "Vui lòng nhập địa chỉ thư điện tử hợp lệ."], status: .badRequest)
        }
        var failure: TenantCoreError?
        do {
            try await self.accounts.sendPasswordReset(
                userID: target.id, email: form["thu-dien-tu"], consoleURL: self.consoleURL(request),
                by: .staff(session.user, address: context.remoteAddress))
        } catch {
            failure = error
        }
        if let failure {
            guard failure.code == .conflict else { throw failure }
            return self.resetPasswordPage(
                context, session: session, target: target, email: form["thu-dien-tu"],
                errors: ["thu-dien-tu": "Địa chỉ thư này đã dùng cho một tài khoản khác."], status: .badRequest)
        }
        return Self.redirect("/quan-tri/nguoi-dung?da-gui=1")
    }

    /// The account named in the path, if the signed-in administrator manages it.
    func managedUser(_ request: Request, _ context: PlatformConsoleContext) async throws -> (ConsoleSession, StaffUser) {
        let session = context.session
        let id = try Self.id(context)
        guard let target = try await self.accounts.user(id: id), self.manageable(session.user, among: [target]).count == 1 else {
            throw ConsoleOutcome.forbidden("Bạn không quản lý tài khoản này.")
        }
        return (session, target)
    }

    /// The commune an editor's account belongs to, for the audit log.

}
