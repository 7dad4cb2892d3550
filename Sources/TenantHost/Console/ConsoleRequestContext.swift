import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TenantCore

/// A signed-in member of staff.
struct ConsoleSession: Sendable {
    let user: StaffUser
    let csrf: String
    let token: String
}

/// The context of `/quan-tri`, which only the console's own host
/// (ADMIN_HOST) serves: no script a commune's public pages may load ever
/// shares an origin with a staff session. `session` is set by
/// ``SessionMiddleware`` when the browser holds a live session; `commune` by
/// ``CommuneSelectionMiddleware`` under `/quan-tri/bien-tap/<id>`.
struct ConsoleRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String
    var session: ConsoleSession?
    /// The commune whose content this request works on, when the path names one.
    var commune: Tenant?
    /// That commune's public site, as this visitor reaches it.
    var communeSite: String?
    /// Path and query of the request, where signing in leads back to.
    var target = "/quan-tri"

    init(context: SiteRequestContext) throws {
        // A commune's host never routes here (SiteMiddleware sends its
        // `/quan-tri` to the console host), nor does an archive's path.
        guard context.isAdminHost, context.archivePath == nil else { throw HTTPError(.notFound) }
        self.coreContext = context.coreContext
        self.remoteAddress = context.remoteAddress
        self.session = nil
    }
}

/// Loads the session named by the `phien` cookie.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    static let cookie = "phien"
    static let allowedBeforeChange: Set<String> = ["/quan-tri/mat-khau", "/quan-tri/dang-xuat"]
    let accounts: Accounts

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.target = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
        if let token = request.cookies[Self.cookie]?.value, let found = try await self.accounts.session(token: token) {
            context.session = ConsoleSession(user: found.user, csrf: found.csrf, token: token)
            context.logger[metadataKey: "user"] = "\(found.user.username)"
            // A password someone else typed: nothing else until it is changed.
            if found.user.mustChangePassword, !Self.allowedBeforeChange.contains(request.uri.path),
                !request.uri.path.hasPrefix("/quan-tri/tai-nguyen/")
            {
                return Redirect.to("/quan-tri/mat-khau?bat-buoc=1", status: .seeOther)
            }
        }
        return try await next(request, context)
    }
}

/// Sets ``ConsoleRequestContext/commune`` from the `:commune` parameter of
/// `/quan-tri/bien-tap/<id>`: a commune's unit id, which no reorganisation
/// gives to another commune (codes are reused between the 2024 and 2025 lists).
/// It runs for every console route, ahead of ``ConsoleOutcomeMiddleware``,
/// so a refusal is logged against the commune asked for.
struct CommuneSelectionMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let directory: TenantDirectory
    let publicScheme: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let raw = context.parameters.get("commune") else { return try await next(request, context) }
        guard raw.utf8.count <= 18, let id = Int64(raw),
            let tenant = self.directory.snapshot.tenants[id], tenant.status != .archived
        else { throw HTTPError(.notFound) }
        var context = context
        context.commune = tenant
        context.communeSite = ConsolePaths.site(
            tenant, directory: self.directory.snapshot, consoleAuthority: request.head.authority ?? "", publicScheme: self.publicScheme)
        context.logger[metadataKey: "tenant.schema"] = "\(tenant.schema)"
        return try await next(request, context)
    }
}

/// A commune's console (`/quan-tri/bien-tap/<id>` on the console host), for
/// someone signed in who may manage this commune: the route group's context
/// guarantees both, so handlers never check them again.
struct CommuneConsoleContext: ChildRequestContext, ConsolePageContext {
    var coreContext: CoreRequestContextStorage
    let tenant: Tenant
    let session: ConsoleSession
    let remoteAddress: String
    let siteURL: String?

    init(context: ConsoleRequestContext) throws {
        guard let session = context.session else { throw ConsoleOutcome.signIn(next: context.target) }
        guard let tenant = context.commune else { throw HTTPError(.notFound) }
        guard session.user.mayManage(tenant) else {
            throw ConsoleOutcome.forbidden("Tài khoản \(session.user.username) không được quản trị trang thông tin điện tử \(tenant.name).")
        }
        self.coreContext = context.coreContext
        self.tenant = tenant
        self.session = session
        self.remoteAddress = context.remoteAddress
        self.siteURL = context.communeSite
    }

    /// `/quan-tri/bien-tap/<id>`: where every page of this commune's console lives.
    var base: String { ConsolePaths.commune(self.tenant) }

    var frame: ConsoleFrame { ConsoleFrame(user: self.session.user, tenant: self.tenant, csrf: self.session.csrf, siteURL: self.siteURL) }
}

/// Where the console's pages are, and the sites they lead to.
enum ConsolePaths {
    /// A commune's console: its pages are below this path.
    static func commune(_ tenant: Tenant) -> String { "/quan-tri/bien-tap/\(tenant.id)" }

    /// `scheme://host:port/` of a commune's public site as a member of staff
    /// on the console host reaches it: its development alias over plain
    /// HTTP when the console is itself on a `*.localhost` name (on the
    /// console's port), else its primary host.
    static func site(_ tenant: Tenant, directory: DirectorySnapshot, consoleAuthority: String, publicScheme: String) -> String {
        let onAlias = (try? Hostname(normalizing: consoleAuthority))?.value.hasSuffix(".localhost") ?? false
        let host = directory.address(of: tenant, preferDev: onAlias)?.value ?? ""
        let port = onAlias ? SiteAddress.port(of: consoleAuthority).map { ":\($0)" } ?? "" : ""
        return "\(host.hasSuffix(".localhost") ? "http" : publicScheme)://\(host)\(port)/"
    }
}

/// The platform console on ADMIN_HOST, for a signed-in district admin or
/// province operator.
struct PlatformConsoleContext: ChildRequestContext, ConsolePageContext {
    var coreContext: CoreRequestContextStorage
    let session: ConsoleSession
    let remoteAddress: String

    init(context: ConsoleRequestContext) throws {
        guard let session = context.session else { throw ConsoleOutcome.signIn(next: context.target) }
        guard session.user.isAdministrator else {
            throw ConsoleOutcome.forbidden("Trang này dành cho quản trị cấp huyện và cấp tỉnh.")
        }
        self.coreContext = context.coreContext
        self.session = session
        self.remoteAddress = context.remoteAddress
    }

    var user: StaffUser { self.session.user }
    var frame: ConsoleFrame { ConsoleFrame(user: self.session.user, tenant: nil, csrf: self.session.csrf) }
}

/// A context a console page can be drawn in.
protocol ConsolePageContext: RequestContext {
    var frame: ConsoleFrame { get }
}

extension ConsoleRequestContext: ConsolePageContext {
    var frame: ConsoleFrame {
        ConsoleFrame(user: self.session?.user, tenant: self.commune, csrf: self.session?.csrf ?? "", siteURL: self.communeSite)
    }
}

/// Turns the console's outcomes into responses, for every route of
/// `/quan-tri` and for the contexts of its groups: the login redirect, 403
/// (audited and logged), an expired form.
struct ConsoleOutcomeMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let accounts: Accounts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch ConsoleOutcome.signIn(let next) {
            return ConsolePages.redirect("/quan-tri/dang-nhap?tiep=\(Layout.percentEncode(next))")
        } catch let refusal where Self.refusal(refusal) != nil {
            let message = Self.refusal(refusal) ?? ""
            try? await self.accounts.audit(
                context.session?.user, commune: context.commune?.code, action: "access.denied",
                detail: "\(request.method) \(request.uri.path)", address: context.remoteAddress)
            context.logger.warning("access denied", metadata: ["path": "\(request.uri.path)"])
            return ConsolePages.page(
                context.frame, title: "Không có quyền truy cập", status: .forbidden,
                main: "<p>\(message)</p><p><a href=\"/quan-tri\">Về trang quản trị</a></p>")
        } catch ConsoleOutcome.badToken {
            return ConsolePages.page(
                context.frame, title: "Phiên làm việc không hợp lệ", status: .forbidden,
                main: "<p>Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.</p>")
        }
    }

    /// The message of a refusal: the console's own, or TenantCore's for an
    /// operation this person's role may not do (``TenantCoreError/Code/forbidden``).
    static func refusal(_ error: any Error) -> String? {
        switch error {
        case ConsoleOutcome.forbidden(let message): message
        case let error as TenantCoreError where error.code == .forbidden: error.message
        default: nil
        }
    }
}

/// What a console handler can answer besides a page.
enum ConsoleOutcome: Error {
    /// Not signed in: go to the login page, then come back.
    case signIn(next: String)
    /// Signed in, but not allowed here.
    case forbidden(String)
    /// A form's CSRF token did not match.
    case badToken
}
