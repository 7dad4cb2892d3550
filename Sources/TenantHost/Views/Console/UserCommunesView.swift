import Foundation
import TenantCore

/// `/quan-tri/nguoi-dung/<id>/xa`: the communes a district admin manages
/// besides their district (how a province without districts delegates).
enum UserCommunesView {
    static func render(user: StaffUser, communes: [Tenant], filter: String, csrf: String) -> HTML {
        let boxes = HTML(communes.map { tenant -> HTML in
            let checked = user.assignedCommunes.contains(tenant.id)
            return "<li class=\"check\"><input type=\"checkbox\" id=\"xa-\(tenant.code)\" name=\"xa-\(tenant.code)\" value=\"1\"\(checked ? " checked" as HTML : .empty)> <label for=\"xa-\(tenant.code)\">\(tenant.name) <span class=\"meta\">\(tenant.code) · \(tenant.ancestors.first?.fullName ?? "")</span></label></li>"
        })
        let assigned = communes.filter { user.assignedCommunes.contains($0.id) }.count
        return """
            <p>Tài khoản <strong>\(user.username)</strong> (\(user.displayName), \(user.roleTitle)) quản lý các xã được chọn dưới đây, ngoài các xã của đơn vị mình. Đang giao \(assigned) xã.</p>
            <form method="get" action="/quan-tri/nguoi-dung/\(user.id)/xa" class="form-grid" role="search" aria-label="Lọc danh sách xã">
            <div><label for="loc">Tên hoặc mã xã (có dấu hoặc không dấu)</label><input id="loc" name="loc" value="\(filter)" maxlength="100"></div>
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <form method="post" action="/quan-tri/nguoi-dung/\(user.id)/xa">\(Field.csrf(csrf))
            <input type="hidden" name="loc" value="\(filter)">
            <fieldset><legend>Xã, phường được giao (\(communes.count) xã hiện trong danh sách)</legend>
            <ul class="plain">\(boxes)</ul></fieldset>
            <p><button class="button" type="submit">Lưu</button> <a href="/quan-tri/nguoi-dung">Quay lại</a></p>
            </form>
            <p class="meta">Chỉ các xã đang hiện trong danh sách được thay đổi khi lưu; các xã đã giao nằm ngoài bộ lọc được giữ nguyên.</p>
            """
    }
}
