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
        if let token = request.cookies[Self.cookie]?.value, let found = try await self.accounts.session(token: token) {
            context.session = ConsoleSession(user: found.user, csrf: found.csrf, token: token)
            context.logger[metadataKey: "user"] = "\(found.user.username)"
        }
        return try await next(request, context)
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
