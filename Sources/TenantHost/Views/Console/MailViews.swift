import Foundation
import TenantCore

/// `/quan-tri/thu-gui`: the outbox as operators see it.
enum MailViews {
    static func kindTitle(_ raw: String) -> String {
        MailKind(rawValue: raw)?.title ?? raw
    }

    static func statusLabel(_ message: OutboxMessage) -> HTML {
        switch message.status {
        case .sent: "<span class=\"status-ok\">Đã gửi</span>"
        case .dead: "<span class=\"status-bad\">Gửi không được</span>"
        case .pending: message.attempts > 0 ? "<span class=\"status-warn\">Chờ gửi lại (đã thử \(message.attempts) lần)</span>" : "Chờ gửi"
        }
    }

    static func list(_ messages: [OutboxMessage], status: OutboxMessage.Status?, counts: [OutboxMessage.Status: Int]?) -> HTML {
        let filters = HTML(([nil] + OutboxMessage.Status.allCases).map { option -> HTML in
            let title = option?.title ?? "Tất cả"
            let count: HTML = option.flatMap { counts?[$0] }.map { " (\($0))" } ?? .empty
            let href = option.map { "/quan-tri/thu-gui?tinh-trang=\($0.rawValue)" } ?? "/quan-tri/thu-gui"
            return option == status ? "<li><strong aria-current=\"page\">\(title)\(count)</strong></li>" : "<li><a href=\"\(href: href)\">\(title)\(count)</a></li>"
        })
        let rows = HTML(messages.map { m -> HTML in
            """
            <tr><td>\(VietnamTime(m.createdAt).dateTimeString)</td><td><a href="/quan-tri/thu-gui/\(m.id)">\(m.subject)</a><br><small>\(Self.kindTitle(m.kind))</small></td>\
            <td>\(m.recipient)</td><td>\(m.commune.map { "\($0)" } ?? "—")</td><td>\(Self.statusLabel(m))\(m.lastError.isEmpty ? HTML.empty : "<br><small>\(m.lastError)</small>")</td></tr>
            """
        })
        return """
            <p>Mọi thư hệ thống gửi (lời mời, đặt lại mật khẩu, trả lời người dân, cảnh báo) được ghi vào hàng chờ cùng lúc với sự việc, rồi được gửi đi; \
            thư gửi không được sau nhiều lần thử được giữ lại ở đây để gửi lại.</p>
            <nav aria-label="Lọc theo tình trạng"><ul class="actions plain">\(filters)</ul></nav>
            \(messages.isEmpty ? "<p>Không có thư nào.</p>" as HTML : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Thư gửi đi"><table class="data"><caption>Thư gửi đi, mới nhất trước</caption>
            <thead><tr><th scope="col">Lúc ghi</th><th scope="col">Tiêu đề</th><th scope="col">Người nhận</th><th scope="col">Xã</th><th scope="col">Tình trạng</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """)
            """
    }

    static func message(_ m: OutboxMessage, csrf: String) -> HTML {
        let retry: HTML = m.status == .dead
            ? "<form method=\"post\" action=\"/quan-tri/thu-gui/\(m.id)/gui-lai\">\(Field.csrf(csrf))<button class=\"button\" type=\"submit\">Gửi lại</button></form>"
            : .empty
        return """
            <dl class="facts"><dt>Loại</dt><dd>\(Self.kindTitle(m.kind))</dd><dt>Người nhận</dt><dd>\(m.recipient)</dd>\
            <dt>Tiêu đề</dt><dd>\(m.subject)</dd><dt>Lúc ghi</dt><dd>\(VietnamTime(m.createdAt).dateTimeString)</dd>\
            <dt>Tình trạng</dt><dd>\(Self.statusLabel(m))\(m.sentAt.map { " lúc " + VietnamTime($0).dateTimeString } ?? "")</dd>\
            \(m.lastError.isEmpty ? HTML.empty : "<dt>Lỗi gần nhất</dt><dd>\(m.lastError)</dd>")</dl>
            \(retry)
            <h2>Nội dung</h2>
            <pre class="diff">\(m.redactedText)</pre>
            <p><a href="/quan-tri/thu-gui">Quay lại danh sách</a></p>
            """
    }
}
