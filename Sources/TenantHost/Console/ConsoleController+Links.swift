import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// Pages opened without a session: "Quên mật khẩu", and the single-use
/// links an e-mail carries (an invitation to set one's first password, a
/// password reset). Their forms carry the login form's double-submit token.
extension ConsoleController {
    func addLinkRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/quen-mat-khau", use: self.forgotForm)
        group.post("/quen-mat-khau", use: self.forgot)
        group.get("/moi/:token", use: self.linkForm(.invitation))
        group.post("/moi/:token", use: self.completeLink(.invitation))
        group.get("/dat-lai/:token", use: self.linkForm(.reset))
        group.post("/dat-lai/:token", use: self.completeLink(.reset))
    }

    /// A fresh double-submit token for a form shown without a session (the
    /// login form, these pages): the cookie and the form's hidden field.
    func anonymousToken() -> (token: String, headers: HTTPFields) {
        let token = Accounts.randomToken()
        var headers = HTTPFields()
        headers[.setCookie] = "csrf_dn=\(token); Path=/quan-tri; HttpOnly; SameSite=Strict\(self.secure)"
        return (token, headers)
    }

    /// ``anonymousToken()`` for a page whose path may hold a link's token:
    /// no other site it leads to learns it ("no-referrer" would make the
    /// browser send `Origin: null` with the form).
    func linkPageToken() -> (token: String, headers: HTTPFields) {
        var (token, headers) = self.anonymousToken()
        headers[.referrerPolicy] = "same-origin"
        return (token, headers)
    }

    func anonymousFormIsFresh(_ request: Request, _ form: FormBody) -> Bool {
        guard let cookie = request.cookies["csrf_dn"]?.value else { return false }
        return Self.constantTimeEqual(cookie, form["_csrf"])
    }

    // MARK: Forgotten password

    @Sendable func forgotForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        self.forgotPage(context, sent: false, value: "", message: nil, status: .ok)
    }

    func forgotPage(_ context: ConsoleRequestContext, sent: Bool, value: String, message: String?, status: HTTPResponse.Status) -> Response {
        let (token, headers) = self.linkPageToken()
        let main = LinkViews.forgot(token: token, value: value, sent: sent, message: message)
        return self.page(context, title: "Quên mật khẩu", status: status, main: main, headers: headers)
    }

    @Sendable func forgot(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await self.form(request, context, session: nil, limit: 16 * 1024)
        guard self.anonymousFormIsFresh(request, form) else {
            return self.forgotPage(context, sent: false, value: form["ten"], message: "Biểu mẫu đã hết hạn, vui lòng gửi lại.", status: .forbidden)
        }
        guard !form["ten"].trimmingCharacters(in: .whitespaces).isEmpty else {
            return self.forgotPage(context, sent: false, value: "", message: "Vui lòng nhập tên đăng nhập hoặc địa chỉ thư điện tử.", status: .badRequest)
        }
        try await self.accounts.requestPasswordReset(form["ten"], address: context.remoteAddress, consoleURL: self.consoleURL(request))
        // The same answer whether or not such an account exists.
        return self.forgotPage(context, sent: true, value: "", message: nil, status: .ok)
    }

    // MARK: Links

    func linkForm(_ purpose: Accounts.LinkPurpose) -> @Sendable (Request, ConsoleRequestContext) async throws -> Response {
        { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let user = try await self.accounts.account(forLink: token, purpose) else {
                return self.expiredLinkPage(context, purpose)
            }
            return self.linkPage(context, purpose, user: user, errors: [:], status: .ok)
        }
    }

    func linkPage(
        _ context: ConsoleRequestContext, _ purpose: Accounts.LinkPurpose, user: StaffUser, errors: [String: String], status: HTTPResponse.Status
    ) -> Response {
        let (token, headers) = self.linkPageToken()
        let main = LinkViews.choosePassword(
            purpose: purpose, user: user, token: token, errors: errors, passwordHint: Self.passwordHint)
        return self.page(context, title: purpose == .invitation ? "Đặt mật khẩu cho tài khoản mới" : "Đặt lại mật khẩu", status: status, main: main, headers: headers)
    }

    func expiredLinkPage(_ context: ConsoleRequestContext, _ purpose: Accounts.LinkPurpose) -> Response {
        var headers = HTTPFields()
        headers[.referrerPolicy] = "same-origin"
        return self.page(
            context, title: "Liên kết không còn dùng được", status: .notFound, main: LinkViews.expired(purpose), headers: headers)
    }

    func completeLink(_ purpose: Accounts.LinkPurpose) -> @Sendable (Request, ConsoleRequestContext) async throws -> Response {
        { request, context in
            let token = context.parameters.get("token") ?? ""
            let form = try await self.form(request, context, session: nil, limit: 16 * 1024)
            guard let user = try await self.accounts.account(forLink: token, purpose) else {
                return self.expiredLinkPage(context, purpose)
            }
            guard self.anonymousFormIsFresh(request, form) else {
                return self.linkPage(context, purpose, user: user, errors: ["mat-khau-moi": "Biểu mẫu đã hết hạn, vui lòng nhập lại."], status: .forbidden)
            }
            let errors = Self.newPasswordErrors(form["mat-khau-moi"], again: form["nhap-lai"])
            if !errors.isEmpty { return self.linkPage(context, purpose, user: user, errors: errors, status: .badRequest) }
            guard let done = try await self.accounts.completeLink(token: token, purpose, password: form["mat-khau-moi"], address: context.remoteAddress)
            else { return self.expiredLinkPage(context, purpose) }
            // Signed in at once: the person just proved they hold the link.
            let (session, _) = try await self.accounts.startSession(for: done, address: context.remoteAddress)
            try await self.accounts.audit(done, commune: nil, action: "login", address: context.remoteAddress)
            var response = Self.redirect("/quan-tri?mat-khau-moi=1")
            response.headers[.setCookie] = self.sessionCookie(session)
            return response
        }
    }
}
