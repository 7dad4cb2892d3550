import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// Passwords: everyone changes their own (knowing the current one); an
/// administrator sets a new one for an account they manage. Either way
/// every session of that account ends, and the change is audited.
extension ConsoleController {
    @Sendable func passwordForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        return self.passwordPage(context, session: session, errors: [:], status: .ok, notice: Self.saved(request))
    }

    func passwordPage(
        _ context: ConsoleRequestContext, session: ConsoleSession, errors: [String: String], status: HTTPResponse.Status,
        notice: String?
    ) -> Response {
        let main = AccountViews.password(username: session.user.username, errors: errors, csrf: session.csrf, passwordHint: Self.passwordHint)
        return self.page(context, title: "Đổi mật khẩu", status: status, notice: notice, main: main)
    }

    @Sendable func changeOwnPassword(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        let form = try await self.form(request, context, session: session)
        var errors = Self.newPasswordErrors(form["mat-khau-moi"], again: form["nhap-lai"])
        if form["mat-khau-cu"].isEmpty {
            errors["mat-khau-cu"] = "Vui lòng nhập mật khẩu hiện tại."
        } else if errors.isEmpty {
            switch try await self.accounts.authenticate(username: session.user.username, password: form["mat-khau-cu"], address: context.remoteAddress) {
            case .success(let user) where user.id == session.user.id:
                break
            case .failure(.accountLocked(let minutes)), .failure(.addressLocked(let minutes)):
                errors["mat-khau-cu"] = "Nhập sai nhiều lần. Vui lòng thử lại sau \(minutes) phút."
            default:
                errors["mat-khau-cu"] = "Mật khẩu hiện tại không đúng."
            }
        }
        if !errors.isEmpty {
            return self.passwordPage(context, session: session, errors: errors, status: .badRequest, notice: nil)
        }
        try await self.accounts.setPassword(
            userID: session.user.id, form["mat-khau-moi"], .change, by: .staff(session.user, address: context.remoteAddress))
        // Every session ended with the change, this one too: open a new one.
        let (token, _) = try await self.accounts.startSession(for: session.user, address: context.remoteAddress)
        var response = Self.redirect("/quan-tri/mat-khau?da-luu=1")
        response.headers[.setCookie] = self.sessionCookie(token)
        return response
    }

}
