import Foundation
import TenantCore

/// Pages reached from an e-mail or from the login page, without a session.
enum LinkViews {
    /// `/quan-tri/quen-mat-khau`.
    static func forgot(token: String, value: String, sent: Bool, message: String?) -> HTML {
        if sent {
            return """
                <div class="state" role="status"><p>Nếu tên đăng nhập hoặc địa chỉ thư điện tử này thuộc một tài khoản có địa chỉ thư, \
                chúng tôi đã gửi đến địa chỉ đó một liên kết để đặt lại mật khẩu. Liên kết dùng được một lần, trong \(Self.hours(Accounts.resetLifetime)).</p>
                <p>Không nhận được thư? Hãy xem thư mục thư rác, hoặc nhờ quản trị cấp trên gửi lại liên kết.</p></div>
                <p><a href="/quan-tri/dang-nhap">Quay lại đăng nhập</a></p>
                """
        }
        let error: HTML = message.map { "<div class=\"error-summary\" role=\"alert\"><p>\($0)</p></div>" } ?? .empty
        return """
            <p>Nhập tên đăng nhập hoặc địa chỉ thư điện tử của tài khoản. Chúng tôi sẽ gửi một liên kết để anh/chị tự đặt mật khẩu mới.</p>
            \(error)<form method="post" action="/quan-tri/quen-mat-khau">\(Field.csrf(token))
            \(Field.text("ten", "Tên đăng nhập hoặc thư điện tử", value: value, errors: [:], required: true, autocomplete: "username"))\
            <button class="button" type="submit">Gửi liên kết đặt lại mật khẩu</button>
            </form>
            <p><a href="/quan-tri/dang-nhap">Quay lại đăng nhập</a></p>
            """
    }

    static func hours(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds >= 86_400 ? "\(seconds / 86_400) ngày" : "\(max(seconds / 3600, 1)) giờ"
    }

    /// `/quan-tri/moi/<token>` and `/quan-tri/dat-lai/<token>`: the person chooses their password.
    static func choosePassword(purpose: Accounts.LinkPurpose, user: StaffUser, token: String, errors: [String: String], passwordHint: String) -> HTML {
        let intro: HTML = purpose == .invitation
            ? "<p>Chào <strong>\(user.displayName)</strong>. Tài khoản <strong>\(user.username)</strong> (\(user.roleTitle)) đã được tạo cho anh/chị. Hãy tự đặt mật khẩu để bắt đầu; không ai khác biết mật khẩu này.</p>"
            : "<p>Đặt mật khẩu mới cho tài khoản <strong>\(user.username)</strong> (\(user.displayName)). Mọi phiên đăng nhập khác của tài khoản sẽ kết thúc.</p>"
        return """
            \(intro)
            \(Field.summary(errors, order: ["mat-khau-moi", "nhap-lai"]))<form method="post">\(Field.csrf(token))
            <input type="text" name="username" value="\(user.username)" autocomplete="username" hidden>
            \(Field.text("mat-khau-moi", "Mật khẩu mới", value: "", errors: errors, required: true, type: "password", hint: passwordHint, autocomplete: "new-password"))\
            \(Field.text("nhap-lai", "Nhập lại mật khẩu mới", value: "", errors: errors, required: true, type: "password", autocomplete: "new-password"))\
            <p><button class="button" type="submit">\(purpose == .invitation ? "Đặt mật khẩu và đăng nhập" : "Đổi mật khẩu và đăng nhập")</button></p>
            </form>
            """
    }

    static func expired(_ purpose: Accounts.LinkPurpose) -> HTML {
        let again: HTML = purpose == .invitation
            ? "Hãy nhờ người đã tạo tài khoản gửi lại lời mời."
            : "Hãy <a href=\"/quan-tri/quen-mat-khau\">yêu cầu một liên kết mới</a>."
        return "<p>Liên kết này đã được dùng hoặc đã hết hạn. \(again)</p><p><a href=\"/quan-tri/dang-nhap\">Đăng nhập</a></p>"
    }

    /// `/quan-tri/tai-khoan`: one's own address and the alerts one receives.
    static func settings(user: StaffUser, email: String, alertsOff: Set<String>, errors: [String: String], csrf: String) -> HTML {
        let alerts = HTML(MailKind.alerts.map { kind -> HTML in
            Field.check("canh-bao-\(kind.rawValue)", kind.title, checked: !alertsOff.contains(kind.rawValue))
        })
        return """
            \(Field.summary(errors, order: ["thu-dien-tu"]))<form method="post" action="/quan-tri/tai-khoan">\(Field.csrf(csrf))
            <dl class="facts"><dt>Tên đăng nhập</dt><dd>\(user.username)</dd><dt>Họ và tên</dt><dd>\(user.displayName)</dd><dt>Vai trò</dt><dd>\(user.roleTitle)</dd></dl>
            \(Field.text("thu-dien-tu", "Thư điện tử", value: email, errors: errors, type: "email", hint: "Nơi nhận liên kết đặt lại mật khẩu và các thông báo dưới đây", autocomplete: "email"))\
            <fieldset><legend>Nhận thông báo qua thư điện tử</legend>
            \(alerts)</fieldset>
            <p><button class="button" type="submit">Lưu</button> <a href="/quan-tri/mat-khau">Đổi mật khẩu</a></p>
            </form>
            """
    }
}
