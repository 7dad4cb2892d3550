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
        let forced = request.uri.query?.contains("bat-buoc=1") == true || session.user.mustChangePassword
        return self.passwordPage(
            context, session: session, errors: [:], status: .ok,
            notice: forced ? "Mật khẩu của tài khoản này do người khác đặt. Vui lòng đặt mật khẩu mới của riêng anh/chị trước khi tiếp tục." : Self.saved(request))
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


    // MARK: One's own account

    @Sendable func settingsForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        return self.settingsPage(context, session: session, email: session.user.email ?? "", alertsOff: session.user.alertsOff, errors: [:], status: .ok, notice: Self.saved(request))
    }

    func settingsPage(
        _ context: ConsoleRequestContext, session: ConsoleSession, email: String, alertsOff: Set<String>, errors: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) -> Response {
        let main = LinkViews.settings(user: session.user, email: email, alertsOff: alertsOff, errors: errors, csrf: session.csrf)
        return self.page(context, title: "Tài khoản", status: status, notice: notice, main: main)
    }

    @Sendable func saveSettings(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let session = try self.signedIn(request, context)
        let form = try await self.form(request, context, session: session)
        let off = Set(MailKind.alerts.filter { form["canh-bao-\($0.rawValue)"] != "1" })
        let email = form["thu-dien-tu"]
        var problem: String?
        if !email.trimmingCharacters(in: .whitespaces).isEmpty && EmailAddress(email) == nil {
            problem = "Vui lòng nhập địa chỉ thư điện tử hợp lệ, hoặc để trống."
        } else {
            var failure: TenantCoreError?
            do {
                try await self.accounts.updateOwnSettings(userID: session.user.id, email: email, alertsOff: off, address: context.remoteAddress)
            } catch {
                failure = error
            }
            if let failure {
                guard failure.code == .conflict else { throw failure }
                problem = "Địa chỉ thư này đã dùng cho một tài khoản khác."
            }
        }
        if let problem {
            return self.settingsPage(
                context, session: session, email: email, alertsOff: Set(off.map(\.rawValue)), errors: ["thu-dien-tu": problem],
                status: .badRequest, notice: nil)
        }
        return Self.redirect("/quan-tri/tai-khoan?da-luu=1")
    }
}
