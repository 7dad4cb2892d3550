import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TenantCore

/// What a route threw, as a page: in the commune's own layout once
/// ``SiteMiddleware`` has found the commune (`context.visit`), a plain page
/// otherwise (the console's own errors are pages already, made by
/// ``ConsoleOutcomeMiddleware``).
struct SiteErrorMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext
    /// Finds where an old site's address now is (``Editorial/newAddress(forOld:in:)``).
    var editorial: Editorial?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .notFound, let moved = await self.movedAddress(request: request, context: context) { return moved }
            return response
        } catch {
            if Self.isNotFound(error), let moved = await self.movedAddress(request: request, context: context) { return moved }
            return self.errorPage(error, context: context, path: request.uri.path)
        }
    }

    static func isNotFound(_ error: any Error) -> Bool {
        switch (error as? TenantCoreError)?.unwrapped() ?? error {
        case let error as HTTPError where error.status == .notFound: true
        case PageError.notFound: true
        default: false
        }
    }

    /// A page not found that was an address of the commune's old site
    /// (recorded by `provisioner site import`): 301 to its new place.
    func movedAddress(request: Request, context: Context) async -> Response? {
        guard let editorial = self.editorial, let visit = context.visit, request.method == .get || request.method == .head else { return nil }
        // The path as the visitor gave it, without the archive's prefix.
        var path = request.uri.path
        if let prefix = visit.archive?.prefix, path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count)) }
        guard path.utf8.count <= 2000, let found = try? await editorial.newAddress(forOld: path, in: visit.tenant) else { return nil }
        return Redirect.to((visit.archive?.prefix ?? "") + found, status: .movedPermanently, cacheControl: "public, max-age=3600")
    }

    /// Turns what a route threw into a page: 4xx for what the visitor asked,
    /// 503 when PostgreSQL is away, 500 (logged, never detailed) otherwise.
    func errorPage(_ error: any Error, context: Context, path: String) -> Response {
        // What a route threw inside a database closure comes back wrapped.
        let error = (error as? TenantCoreError)?.unwrapped() ?? error
        func page(_ status: HTTPResponse.Status, _ title: String, _ message: String) -> Response {
            if let visit = context.visit {
                return PageResponse.html(ErrorView.inSite(self.fallbackChrome(visit), title: title, message: message), status: status)
            }
            return Self.plain(status, title, message)
        }
        switch error {
        case let error as HTTPError where error.status == .notFound:
            return page(.notFound, "Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc đã được gỡ bỏ.")
        case PageError.badRequest(let message):
            return page(.badRequest, "Yêu cầu không hợp lệ", message)
        case PageError.notFound(let message):
            return page(.notFound, "Không tìm thấy trang", message)
        case let error as HTTPError where error.status == .methodNotAllowed:
            return Self.plain(.methodNotAllowed, "Phương thức không được hỗ trợ", "Trang này không nhận yêu cầu kiểu này.")
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            // Hummingbird's body limit (NIOTooManyBytesError) as well as ours.
            context.logger.notice("request body too large", metadata: ["path": "\(path)"])
            return page(.contentTooLarge, "Dữ liệu gửi lên quá lớn", "Nội dung hoặc tệp gửi lên vượt quá giới hạn cho phép.")
        case let error as any HTTPResponseError where error.status.code < 500:
            return page(error.status, "Yêu cầu không hợp lệ", "Yêu cầu không thể xử lý.")
        case let error as TenantCoreError:
            let answer = ErrorMapping.answer(for: error)
            if answer.status.code >= 500 {
                context.logger.error(
                    answer.retryAfter ? "database unavailable" : "request failed",
                    metadata: ["error": "\(error.message)", "path": "\(path)", "commune": "\(context.visit?.tenant.code ?? 0)"])
            }
            // An outage is answered without the commune's chrome (it needs the database).
            if answer.retryAfter { return Self.plain(answer.status, answer.title, answer.message, retryAfter: true) }
            return page(answer.status, answer.title, answer.message)
        default:
            // Only this commune's page fails; the line names it (tenant.schema).
            context.logger.error(
                "page failed",
                metadata: ["error": "\(String(reflecting: error))", "path": "\(path)", "commune": "\(context.visit?.tenant.code ?? 0)"])
            return page(.internalServerError, "Lỗi hệ thống", "Đã có lỗi khi hiển thị trang. Vui lòng thử lại sau.")
        }
    }

    func fallbackChrome(_ visit: SiteVisit) -> SiteChrome {
        SiteChrome(
            tenant: visit.tenant, sections: SiteChrome.fallbackSections(),
            site: SiteInfo(publisher: "Ủy ban nhân dân \(visit.tenant.name)"), baseURL: visit.baseURL,
            canonicalBase: visit.canonicalBase, now: Date())
    }

    static func plain(
        _ status: HTTPResponse.Status, _ title: String, _ message: String, retryAfter: Bool = false,
        link: (href: String, label: String)? = nil
    ) -> Response {
        var extra = HTTPFields()
        if retryAfter { extra[.retryAfter] = "30" }
        return PageResponse.html(ErrorView.plain(title: title, message: message, link: link), status: status, extra: extra)
    }
}
