import Foundation
import Logging
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri`, on the console's own host (ADMIN_HOST) only: a commune's
/// console under `/quan-tri/bien-tap/<id>` and the platform console
/// (communes, compliance, accounts, audit).
/// Every form carries the session's CSRF token; every change goes through
/// TenantCore in one transaction with an audit entry; a request outside
/// one's scope gets 403 and is logged.
struct ConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    /// Every route of `/quan-tri`: signing in and one's own password here;
    /// the commune editor's pages and the platform's pages in their own
    /// controllers, each on a group whose context guarantees who may be there.
    func addRoutes(to router: Router<SiteRequestContext>) {
        let group = router.group("/quan-tri", context: ConsoleRequestContext.self)
        group.add(middleware: SessionMiddleware(accounts: self.accounts))
        group.add(middleware: CommuneSelectionMiddleware(directory: self.services.directory, publicScheme: self.services.config.publicScheme))
        group.add(middleware: ConsoleOutcomeMiddleware(accounts: self.accounts))
        group.get("/", use: self.dashboard)
        group.get("/dang-nhap", use: self.loginForm)
        group.post("/dang-nhap", use: self.login)
        group.post("/dang-xuat", use: self.logout)
        group.get("/mat-khau", use: self.passwordForm)
        group.post("/mat-khau", use: self.changeOwnPassword)
        group.get("/tai-khoan", use: self.settingsForm)
        group.post("/tai-khoan", use: self.saveSettings)
        self.addLinkRoutes(to: group)
        group.get("/tai-nguyen/:file") { request, context in
            self.dependencies.assets.response(context.parameters.get("file") ?? "", ifNoneMatch: request.headers[.ifNoneMatch])
        }

        let commune = group.group("/bien-tap/:commune", context: CommuneConsoleContext.self)
        EditorConsoleController(dependencies: self.dependencies).addRoutes(to: commune)
        let review = ReviewConsoleController(dependencies: self.dependencies)
        review.addRoutes(to: commune)
        MediaConsoleController(dependencies: self.dependencies).addRoutes(to: commune)
        let statistics = StatisticsConsoleController(dependencies: self.dependencies)
        statistics.addCommuneRoutes(to: commune)
        let platform = group.group(context: PlatformConsoleContext.self)
        review.addPlatformRoutes(to: platform)
        ComplianceConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        CommunesConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        SiteImportConsoleController(dependencies: self.dependencies, jobs: self.dependencies.services.siteImports).addRoutes(to: platform)
        UsersConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        AuditConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        ReorganisationConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        ProvinceConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        MailConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
        statistics.addRoutes(to: platform)
        statistics.addReportRoutes(to: platform)
        PortalInfoConsoleController(dependencies: self.dependencies).addRoutes(to: platform)
    }

    func signedIn(_ request: Request, _ context: ConsoleRequestContext) throws -> ConsoleSession {
        guard let session = context.session else { throw ConsoleOutcome.signIn(next: context.target) }
        return session
    }

    // MARK: Login

    @Sendable func loginForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        if context.session != nil { return Self.redirect("/quan-tri") }
        return self.loginPage(context, next: QueryItemsOf(request)["tiep"] ?? "/quan-tri", username: "", message: nil, status: .ok)
    }

    func loginPage(_ context: ConsoleRequestContext, next: String, username: String, message: String?, status: HTTPResponse.Status) -> Response {
        let (token, headers) = self.anonymousToken()
        let main = AccountViews.login(token: token, next: next, username: username, message: message)
        return self.page(context, title: "Đăng nhập", status: status, main: main, headers: headers)
    }

    @Sendable func login(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await self.form(request, context, session: nil, limit: 16 * 1024)
        var next = form["tiep"]
        if !next.hasPrefix("/quan-tri") || next.contains("//") { next = "/quan-tri" }
        guard self.anonymousFormIsFresh(request, form) else {
            return self.loginPage(context, next: next, username: form["ten"], message: "Biểu mẫu đã hết hạn, vui lòng đăng nhập lại.", status: .forbidden)
        }
        switch try await self.accounts.authenticate(username: form["ten"], password: form["mat-khau"], address: context.remoteAddress) {
        case .failure(.wrongCredentials):
            return self.loginPage(context, next: next, username: form["ten"], message: "Tên đăng nhập hoặc mật khẩu không đúng.", status: .unauthorized)
        case .failure(.accountLocked(let minutes)):
            return self.loginPage(context, next: next, username: form["ten"], message: "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau \(minutes) phút.", status: .tooManyRequests)
        case .failure(.addressLocked(let minutes)):
            return self.loginPage(context, next: next, username: form["ten"], message: "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau \(minutes) phút.", status: .tooManyRequests)
        case .success(let user):
            let (token, _) = try await self.accounts.startSession(for: user, address: context.remoteAddress)
            try await self.accounts.audit(user, commune: nil, action: "login", address: context.remoteAddress)
            var response = Self.redirect(next)
            response.headers[.setCookie] = self.sessionCookie(token)
            return response
        }
    }

    @Sendable func logout(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        _ = try await self.form(request, context, session: session)
        try await self.accounts.endSession(token: session.token)
        try await self.accounts.audit(session.user, commune: nil, action: "logout", address: context.remoteAddress)
        var response = Self.redirect("/quan-tri/dang-nhap")
        response.headers[.setCookie] = self.sessionCookie("", maxAge: 0)
        return response
    }

    // MARK: Dashboards

    /// `/quan-tri`: an editor's commune console, or the platform's overview.
    @Sendable func dashboard(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        guard session.user.isAdministrator else {
            let communes = self.currentCommunesInScope(session.user)
            guard let tenant = communes.first else {
                throw ConsoleOutcome.forbidden("Tài khoản \(session.user.username) chưa được giao trang thông tin điện tử nào.")
            }
            return Self.redirect(ConsolePaths.commune(tenant))
        }
        return try await self.platformDashboard(request, try PlatformConsoleContext(context: context))
    }

    func platformDashboard(_ request: Request, _ context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let communes = self.communesInScope(session.user)
        let main = DashboardViews.platform(
            communes: communes, lastBackup: self.services.operations.lastBackup, showsBackup: session.user.isOperator, now: Date()
        ) { self.siteLinks($0, for: request) }
        return self.page(context, title: "Tổng quan", active: "/quan-tri", main: main)
    }
}

/// Query items of a request, decoded (a tiny helper for the console).
struct QueryItemsOf {
    let items: [String: String]

    /// A malformed query reads as an empty one.
    init(_ request: Request) {
        self.items = URLEncodedForm.decode(request.uri.query ?? "") ?? [:]
    }

    subscript(_ key: String) -> String? { self.items[key].flatMap { $0.isEmpty ? nil : $0 } }
}
