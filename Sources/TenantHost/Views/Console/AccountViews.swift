import Foundation
import TenantCore

/// The console's own account pages: signing in and changing one's password.
enum AccountViews {
    /// `/quan-tri/dang-nhap`: the login form; `token` is the login form's CSRF token.
    static func login(token: String, next: String, username: String, message: String?) -> HTML {
        let error: HTML = message.map { "<div class=\"error-summary\" role=\"alert\"><p>\($0)</p></div>" } ?? .empty
        return """
            \(error)<form method="post" action="/quan-tri/dang-nhap">
            <input type="hidden" name="_csrf" value="\(token)"><input type="hidden" name="tiep" value="\(next)">
            \(Field.text("ten", "Tên đăng nhập", value: username, errors: [:], required: true, autocomplete: "username"))\
            \(Field.text("mat-khau", "Mật khẩu", value: "", errors: [:], required: true, type: "password", autocomplete: "current-password"))\
            <button class="button" type="submit">Đăng nhập</button>
            </form>
            <p><a href="/quan-tri/quen-mat-khau">Quên mật khẩu?</a></p>
            """
    }

    /// `/quan-tri/mat-khau`: changing one's own password.
    static func password(username: String, errors: [String: String], csrf: String, passwordHint: String) -> HTML {
        return """
            <p>Tài khoản <strong>\(username)</strong>. Sau khi đổi mật khẩu, các phiên đăng nhập khác của tài khoản này kết thúc.</p>
            \(Field.summary(errors, order: ["mat-khau-cu", "mat-khau-moi", "nhap-lai"]))<form method="post" action="/quan-tri/mat-khau">\(Field.csrf(csrf))
            \(Field.text("mat-khau-cu", "Mật khẩu hiện tại", value: "", errors: errors, required: true, type: "password", autocomplete: "current-password"))\
            \(Field.text("mat-khau-moi", "Mật khẩu mới", value: "", errors: errors, required: true, type: "password", hint: passwordHint, autocomplete: "new-password"))\
            \(Field.text("nhap-lai", "Nhập lại mật khẩu mới", value: "", errors: errors, required: true, type: "password", autocomplete: "new-password"))\
            <p><button class="button" type="submit">Đổi mật khẩu</button></p>
            </form>
            """
    }
}
