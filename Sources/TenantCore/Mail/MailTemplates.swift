import Foundation

/// Every message the platform sends, in Vietnamese, each saying why the
/// person receives it. The links are whole URLs on their own line (the
/// HTML part makes them clickable).
public enum MailTemplates {
    static func footer(_ why: String) -> String {
        "\n\n--\nAnh/chị nhận được thư này vì \(why).\nĐây là thư gửi tự động, xin đừng trả lời thư này."
    }

    static func time(_ date: Date) -> String {
        let t = VietnamTime(date)
        return "\(t.timeString) ngày \(t.dateString)"
    }

    public static func invitation(
        to address: EmailAddress, name: String, username: String, role: StaffRole, unit: String, invitedBy: String, link: String, expires: Date,
        commune: Int? = nil
    ) -> OutgoingMail {
        OutgoingMail(
            kind: .invitation, recipient: address, subject: "Mời anh/chị đặt mật khẩu tài khoản \(username)",
            text: """
                Kính gửi \(name),

                \(invitedBy) đã tạo cho anh/chị tài khoản "\(username)" (\(role.title.lowercased()), \(unit)) trên hệ thống quản trị cổng thông tin điện tử cấp xã.

                Để bắt đầu, anh/chị mở liên kết dưới đây và tự đặt mật khẩu của mình:
                \(link)

                Liên kết chỉ dùng được một lần và hết hạn lúc \(Self.time(expires)). Không ai khác biết mật khẩu anh/chị đặt.
                """ + Self.footer("một quản trị viên đã tạo tài khoản cho địa chỉ thư này"),
            commune: commune, about: username)
    }

    public static func passwordReset(to address: EmailAddress, name: String, username: String, link: String, expires: Date, byAdministrator: String?) -> OutgoingMail {
        let why = byAdministrator.map { "\($0) đã yêu cầu gửi liên kết đặt lại mật khẩu cho tài khoản của anh/chị" }
            ?? "có người đã yêu cầu đặt lại mật khẩu cho tài khoản gắn với địa chỉ thư này"
        return OutgoingMail(
            kind: .passwordReset, recipient: address, subject: "Đặt lại mật khẩu tài khoản \(username)",
            text: """
                Kính gửi \(name),

                Để đặt mật khẩu mới cho tài khoản "\(username)", anh/chị mở liên kết dưới đây:
                \(link)

                Liên kết chỉ dùng được một lần và hết hạn lúc \(Self.time(expires)). Sau khi đặt mật khẩu mới, mọi phiên đăng nhập khác của tài khoản sẽ kết thúc.

                Nếu anh/chị không yêu cầu việc này, hãy bỏ qua thư: mật khẩu hiện tại vẫn giữ nguyên.
                """ + Self.footer(why),
            about: username)
    }

    public static func questionAnswered(
        to address: EmailAddress, commune: String, communeCode: Int, code: String, title: String, link: String, kind: Question.Kind = .question
    ) -> OutgoingMail {
        OutgoingMail(
            kind: .questionAnswered, recipient: address, subject: "\(commune) đã trả lời \(kind.noun) \(code)",
            text: """
                Kính gửi anh/chị,

                \(commune) đã trả lời \(kind.noun) "\(title)" (mã tra cứu \(code)) của anh/chị.

                Xem câu trả lời tại:
                \(link)
                """ + Self.footer("khi gửi \(kind.noun) anh/chị đã đồng ý nhận thông báo trả lời qua địa chỉ thư này; địa chỉ sẽ được xóa theo thời hạn lưu trữ ghi trên biểu mẫu"),
            commune: communeCode, about: code)
    }

    public static func questionDue(
        to address: EmailAddress, name: String, commune: String, communeCode: Int, code: String, title: String, workingDays: Int,
        overdue: Bool, link: String, kind: Question.Kind = .question
    ) -> OutgoingMail {
        let noun = kind.noun
        let subject = overdue ? "Quá hạn trả lời \(noun) \(code) (\(commune))" : "\(noun.capitalisedFirst) \(code) sắp đến hạn trả lời (\(commune))"
        let state = overdue
            ? "đã quá thời hạn 15 ngày làm việc (đã \(workingDays) ngày làm việc) mà chưa được trả lời"
            : "đã chờ \(workingDays) ngày làm việc; thời hạn trả lời là 15 ngày làm việc"
        return OutgoingMail(
            kind: overdue ? .questionOverdue : .questionDue, recipient: address, subject: subject,
            text: """
                Kính gửi \(name),

                \(noun.capitalisedFirst) "\(title)" (mã \(code)) của người dân gửi \(commune) \(state).

                Trả lời tại:
                \(link)
                """ + Self.footer("anh/chị quản lý trang của \(commune). Có thể tắt loại thông báo này ở trang Tài khoản trong hệ thống quản trị"),
            commune: communeCode, about: "\(code)")
    }

    public static func complianceFailed(
        to address: EmailAddress, name: String, commune: String, communeCode: Int, problems: [String], link: String, about: String
    ) -> OutgoingMail {
        OutgoingMail(
            kind: .complianceFailed, recipient: address, subject: "Trang \(commune) chưa đạt kiểm tra tuân thủ",
            text: """
                Kính gửi \(name),

                Lần kiểm tra gần nhất cho thấy trang thông tin điện tử của \(commune) chưa đạt:
                \(problems.prefix(10).map { "- \($0)" }.joined(separator: "\n"))

                Xem chi tiết và khắc phục tại:
                \(link)
                """ + Self.footer("anh/chị quản lý trang của \(commune). Có thể tắt loại thông báo này ở trang Tài khoản trong hệ thống quản trị"),
            commune: communeCode, about: about)
    }
}
