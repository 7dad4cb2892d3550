import HTTPTypes
import TenantCore

/// How TenantCore's errors reach people: one status and one Vietnamese
/// title and message per error code, for the public site and the console
/// alike. Forms show their own messages beside each field; this is for
/// everything else.
enum ErrorMapping {
    struct Answer: Equatable {
        var status: HTTPResponse.Status
        var title: String
        var message: String
        /// Ask clients to come back (`Retry-After`), for outages.
        var retryAfter = false
    }

    static func answer(for error: TenantCoreError) -> Answer {
        switch error.code {
        case .notFound:
            Answer(status: .notFound, title: "Không tìm thấy trang", message: "Mục bạn tìm không tồn tại hoặc đã được gỡ bỏ.")
        case .invalidInput:
            Answer(status: .badRequest, title: "Yêu cầu không hợp lệ", message: "Dữ liệu gửi lên không hợp lệ.")
        case .conflict:
            Answer(status: .conflict, title: "Không thực hiện được", message: "Dữ liệu vừa được thay đổi ở nơi khác. Vui lòng tải lại trang và thử lại.")
        case .rateLimited:
            // TenantCore writes this one message for citizens, in Vietnamese.
            Answer(status: .tooManyRequests, title: "Gửi quá nhiều lần", message: error.message)
        case .forbidden:
            Answer(status: .forbidden, title: "Không có quyền truy cập", message: "Tài khoản của bạn không được thực hiện thao tác này.")
        case .databaseUnavailable:
            Answer(
                status: .serviceUnavailable, title: "Hệ thống tạm thời gián đoạn",
                message: "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.", retryAfter: true)
        default:
            Answer(status: .internalServerError, title: "Lỗi hệ thống", message: "Đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.")
        }
    }
}
