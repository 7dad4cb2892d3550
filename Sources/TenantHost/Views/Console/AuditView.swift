import Foundation
import TenantCore

/// `/quan-tri/nhat-ky`: the audit log, newest first.
enum AuditView {
    /// An audit action in words.
    static func actionTitle(_ action: String) -> String {
        switch action {
        case "login": "Đăng nhập"
        case "login.failed": "Đăng nhập sai"
        case "logout": "Đăng xuất"
        case "password.change": "Đổi mật khẩu"
        case "password.reset": "Đặt lại mật khẩu"
        case "access.denied": "Bị từ chối truy cập"
        case "entry.create": "Thêm bài"
        case "entry.update": "Sửa bài"
        case "entry.published": "Đăng bài"
        case "entry.unpublished": "Gỡ bài"
        case "entry.draft": "Chuyển về nháp"
        case "section.update": "Sửa trang"
        case "site.update": "Sửa thông tin chung"
        case "file.upload": "Tải tệp lên"
        case "question.received": "Người dân gửi câu hỏi"
        case "question.in_progress": "Đang xử lý câu hỏi"
        case "question.answered": "Trả lời câu hỏi"
        case "comment.approve": "Duyệt góp ý"
        case "comment.reject": "Từ chối góp ý"
        case "commune.create": "Tạo xã"
        case "user.create": "Tạo tài khoản"
        case "user.lock": "Khóa tài khoản"
        case "user.unlock": "Mở khóa tài khoản"
        case "user.communes": "Giao xã cho tài khoản"
        case "commune.status": "Đổi trạng thái xã"
        case "commune.export": "Tải bản xuất dữ liệu xã"
        case "domain.add": "Thêm tên miền"
        case "domain.remove": "Gỡ tên miền"
        case "reorganisation.retire": "Sắp xếp: kết thúc đơn vị cũ"
        case "reorganisation.create": "Sắp xếp: tạo xã mới"
        case "reorganisation.archive": "Sắp xếp: lưu trữ xã cũ"
        case "reorganisation.continue": "Sắp xếp: xã mới kế tục trang cũ"
        case "commune.merge": "Nhập xã"
        case "commune.divide": "Chia xã"
        case "commune.rename": "Đổi tên xã"
        case "commune.move": "Chuyển xã sang đơn vị khác"
        default: action
        }
    }

    /// `names` maps commune codes to names.
    static func render(entries: [AuditEntry], names: [Int: String]) -> HTML {
        let rows = HTML(entries.map { e -> HTML in
            "<tr><td>\(Layout.date(e.at)) \(VietnamTime(e.at).timeString)</td><td>\(e.username)</td><td>\(e.commune.map { names[$0] ?? String($0) } ?? "")</td><td>\(Self.actionTitle(e.action))</td><td>\(e.detail)</td><td>\(e.address)</td></tr>"
        })
        return """
            <div class="table-scroll" tabindex="0" role="region" aria-label="300 thao tác gần nhất"><table class="data"><caption>300 thao tác gần nhất</caption>
            <thead><tr><th scope="col">Thời điểm</th><th scope="col">Người thực hiện</th><th scope="col">Xã</th><th scope="col">Thao tác</th><th scope="col">Chi tiết</th><th scope="col">Địa chỉ</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
