import Foundation
import TenantCore

/// `/quan-tri/nguoi-dung`: the accounts an administrator manages, the form
/// creating one, and setting a new password for one.
enum UsersView {
    /// The accounts with the name of their scope, and the form for a new account.
    static func users(
        _ users: [(user: StaffUser, scope: String)], communes inScope: [Tenant], units allUnits: [AdminUnit], isOperator: Bool,
        fields: [String: String], errors: [String: String], csrf: String
    ) -> HTML {
        let rows = HTML(users.map { row -> HTML in
            let (u, scope) = (row.user, row.scope)
            return """
                <tr><td>\(u.username)</td><td>\(u.displayName)\(u.email.map { "<br><small>\($0)</small>" as HTML } ?? .empty)</td><td>\(u.roleTitle)</td><td>\(scope)</td><td>\(u.active ? "Hoạt động" : "Đã khóa")</td>\
                <td><form method="post" action="/quan-tri/nguoi-dung/\(u.id)">\(Field.csrf(csrf))<input type="hidden" name="thao-tac" value="\(u.active ? "khoa" : "mo")"><button class="linkbutton" type="submit">\(u.active ? "Khóa" : "Mở khóa")<span class="visually-hidden"> tài khoản \(u.username)</span></button></form> \
                <a href="/quan-tri/nguoi-dung/\(u.id)/mat-khau">Gửi liên kết đặt mật khẩu<span class="visually-hidden"> của \(u.username)</span></a>\
                \(u.role == .district ? " <a href=\"/quan-tri/nguoi-dung/\(u.id)/xa\">Giao xã<span class=\"visually-hidden\"> cho \(u.username)</span></a> (\(u.assignedCommunes.count))" as HTML : .empty)</td></tr>
                """
        })
        let communes = [("", "— Chọn xã, phường —")] + inScope.map { ("\($0.code)", "\($0.name) (\($0.code))") }
        let units = [("", "— Chọn huyện hoặc tỉnh —")] + allUnits.map { ("\($0.level.rawValue)-\($0.code)", "\($0.name) (\($0.code))") }
        return """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tài khoản trong phạm vi quản lý"><table class="data"><caption>Tài khoản trong phạm vi quản lý</caption>
            <thead><tr><th scope="col">Tên đăng nhập</th><th scope="col">Họ tên</th><th scope="col">Vai trò</th><th scope="col">Phạm vi</th><th scope="col">Trạng thái</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <h2>\(isOperator ? "Thêm tài khoản" : "Thêm biên tập viên cấp xã")</h2>
            \(Field.summary(errors, order: ["vai-tro", "ten-dang-nhap", "ho-ten", "thu-dien-tu", "xa", "don-vi"]))<form method="post" action="/quan-tri/nguoi-dung">\(Field.csrf(csrf))
            \(isOperator ? Field.select("vai-tro", "Vai trò", options: [("editor", "Biên tập viên cấp xã"), ("district", "Quản trị cấp huyện, hoặc người được giao quản lý một số xã")], selected: fields["vai-tro"] ?? "editor", errors: errors) : .empty)
            \(Field.text("ten-dang-nhap", "Tên đăng nhập", value: fields["ten-dang-nhap"] ?? "", errors: errors, required: true, hint: "Chữ thường, số, dấu chấm, gạch dưới hoặc gạch ngang; ít nhất 3 ký tự"))\
            \(Field.text("ho-ten", "Họ và tên", value: fields["ho-ten"] ?? "", errors: errors, required: true))\
            \(Field.text("thu-dien-tu", "Thư điện tử của người dùng", value: fields["thu-dien-tu"] ?? "", errors: errors, required: true, type: "email", hint: "Hệ thống gửi đến địa chỉ này lời mời để người dùng tự đặt mật khẩu (hết hạn sau 7 ngày)", autocomplete: "off"))\
            \(Field.select("xa", "Xã, phường (biên tập viên)", options: communes, selected: fields["xa"] ?? "", errors: errors))\
            \(Field.check("duyet-bai", "Được duyệt và đăng bài (người duyệt); không chọn: chỉ viết và gửi duyệt", checked: fields["duyet-bai"] == "1"))\
            \(isOperator ? Field.select("don-vi", "Đơn vị (quản trị cấp huyện)", options: units, selected: fields["don-vi"] ?? "", errors: errors, hint: "Huyện: quản lý các xã của huyện. Tỉnh không còn cấp huyện: chọn tỉnh, rồi giao từng xã sau khi tạo.") : .empty)\
            <p><button class="button" type="submit">Tạo tài khoản và gửi lời mời</button></p>
            </form>
            """
    }

    /// `/quan-tri/nguoi-dung/<id>/mat-khau`: a reset link sent to `target`,
    /// who chooses the new password; nobody types it for them.
    static func resetPassword(target: StaffUser, email: String, errors: [String: String], csrf: String) -> HTML {
        return """
            <p>Gửi cho <strong>\(target.username)</strong> (\(target.displayName), \(target.roleTitle)) một liên kết để tự đặt mật khẩu mới. \
            Liên kết dùng được một lần, trong \(LinkViews.hours(Accounts.resetLifetime)); khi mật khẩu mới được đặt, mọi phiên đăng nhập của tài khoản kết thúc.</p>
            \(Field.summary(errors, order: ["thu-dien-tu"]))<form method="post" action="/quan-tri/nguoi-dung/\(target.id)/mat-khau">\(Field.csrf(csrf))
            \(Field.text("thu-dien-tu", "Thư điện tử của người dùng", value: email, errors: errors, required: true, type: "email", autocomplete: "off"))\
            <p><button class="button" type="submit">Gửi liên kết</button> <a href="/quan-tri/nguoi-dung">Quay lại</a></p>
            </form>
            """
    }
}
