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

/// The context of `/quan-tri`: either a commune's console (on its own host)
/// or the platform console (on ADMIN_HOST); `session` is set by
/// ``SessionMiddleware`` when the browser holds a live session.
struct ConsoleRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let visit: SiteVisit?
    let isAdminHost: Bool
    let remoteAddress: String
    var session: ConsoleSession?
    /// Path and query of the request, where signing in leads back to.
    var target = "/quan-tri"

    init(context: SiteRequestContext) throws {
        guard context.visit != nil || context.isAdminHost else { throw HTTPError(.notFound) }
        self.coreContext = context.coreContext
        self.visit = context.visit
        self.isAdminHost = context.isAdminHost
        self.remoteAddress = context.remoteAddress
        self.session = nil
        if let visit = context.visit { self.logger[metadataKey: "tenant.schema"] = "\(visit.tenant.schema)" }
    }
}

/// Loads the session named by the `phien` cookie.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    static let cookie = "phien"
    let accounts: Accounts

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.target = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
        if let token = request.cookies[Self.cookie]?.value, let found = try await self.accounts.session(token: token) {
            context.session = ConsoleSession(user: found.user, csrf: found.csrf, token: token)
            context.logger[metadataKey: "user"] = "\(found.user.username)"
        }
        return try await next(request, context)
    }
}

/// The console on a commune's host, for someone signed in who may manage
/// this commune: the route group's context guarantees both, so handlers
/// never check them again.
struct CommuneConsoleContext: ChildRequestContext, ConsolePageContext {
    var coreContext: CoreRequestContextStorage
    let tenant: Tenant
    let visit: SiteVisit
    let session: ConsoleSession
    let remoteAddress: String

    init(context: ConsoleRequestContext) throws {
        guard let session = context.session else { throw ConsoleOutcome.signIn(next: context.target) }
        guard let visit = context.visit else {
            throw ConsoleOutcome.forbidden("Trang này chỉ dùng trên địa chỉ của trang thông tin điện tử cấp xã.")
        }
        guard session.user.mayManage(visit.tenant) else {
            throw ConsoleOutcome.forbidden("Tài khoản \(session.user.username) không được quản trị trang thông tin điện tử \(visit.tenant.name).")
        }
        self.coreContext = context.coreContext
        self.tenant = visit.tenant
        self.visit = visit
        self.session = session
        self.remoteAddress = context.remoteAddress
    }

    var frame: ConsoleFrame { ConsoleFrame(user: self.session.user, tenant: self.tenant, csrf: self.session.csrf, isAdminHost: false) }
}

/// The platform console on ADMIN_HOST, for a signed-in district admin or
/// province operator.
struct PlatformConsoleContext: ChildRequestContext, ConsolePageContext {
    var coreContext: CoreRequestContextStorage
    let session: ConsoleSession
    let remoteAddress: String

    init(context: ConsoleRequestContext) throws {
        guard let session = context.session else { throw ConsoleOutcome.signIn(next: context.target) }
        guard context.isAdminHost, session.user.isAdministrator else {
            throw ConsoleOutcome.forbidden("Trang này dành cho quản trị cấp huyện và cấp tỉnh.")
        }
        self.coreContext = context.coreContext
        self.session = session
        self.remoteAddress = context.remoteAddress
    }

    var user: StaffUser { self.session.user }
    var frame: ConsoleFrame { ConsoleFrame(user: self.session.user, tenant: nil, csrf: self.session.csrf, isAdminHost: true) }
}

/// A context a console page can be drawn in.
protocol ConsolePageContext: RequestContext {
    var frame: ConsoleFrame { get }
}

extension ConsoleRequestContext: ConsolePageContext {
    var frame: ConsoleFrame {
        ConsoleFrame(user: self.session?.user, tenant: self.visit?.tenant, csrf: self.session?.csrf ?? "", isAdminHost: self.isAdminHost)
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
        } catch ConsoleOutcome.forbidden(let message) {
            try? await self.accounts.audit(
                context.session?.user, commune: context.visit?.tenant.code, action: "access.denied",
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

/// A URL-encoded or multipart form body.
struct FormBody: Sendable {
    var fields: [String: String] = [:]
    var files: [String: (name: String, data: [UInt8])] = [:]

    subscript(_ key: String) -> String { self.fields[key] ?? "" }

    /// Reads the body of `request` (at most `limit` bytes).
    static func read(_ request: Request, context: some RequestContext, limit: Int) async throws -> FormBody {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            return try Multipart.parse(buffer, contentType: type)
        }
        guard let fields = URLEncodedForm.decode(String(buffer: buffer)) else {
            throw PageError.badRequest("Dữ liệu biểu mẫu không hợp lệ.")
        }
        return FormBody(fields: fields)
    }
}
