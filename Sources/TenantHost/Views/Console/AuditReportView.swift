import Foundation
import TenantCore

/// `/quan-tri/tuan-thu/<id>`: one commune's audit report for the
/// Department, printable, with the history of its runs.
enum AuditReportView {
    static func status(_ status: AuditStatus) -> HTML {
        switch status {
        case .pass: "<span class=\"status-ok\">Đạt</span>"
        case .warn: "<span class=\"status-warn\">Cần chú ý</span>"
        case .fail: "<span class=\"status-bad\">Không đạt</span>"
        }
    }

    static func render(tenant: Tenant, latest: AuditRun, history: [AuditRun], csrf: String) -> HTML {
        let rows = HTML(latest.checks.map { c -> HTML in
            "<tr><th scope=\"row\">\(c.title)</th><td>\(self.status(c.status))</td><td>\(c.detail)</td><td>\(c.basis)</td></tr>"
        })
        let trend = HTML(history.map { run -> HTML in
            "<tr><td><time datetime=\"\(VietnamTime(run.ranAt).isoDate)\">\(VietnamTime(run.ranAt).dateTimeString)</time></td><td>\(run.compliant ? "<span class=\"status-ok\">Đạt</span>" as HTML : "<span class=\"status-bad\">Không đạt</span>")</td><td>\(run.passed)</td><td>\(run.failed)</td><td>\(run.checks.count - run.passed - run.failed)</td></tr>"
        })
        let verdict: HTML = latest.compliant
            ? "<p class=\"status-ok\"><strong>Đạt</strong>: không có mục kiểm tra nào không đạt.</p>"
            : "<p class=\"status-bad\"><strong>Chưa đạt</strong>: \(latest.failed) mục kiểm tra không đạt.</p>"
        return """
            <p class="meta">\(tenant.name) (mã \(String(tenant.code))) · \(tenant.parentLine) · kiểm tra lúc \(VietnamTime(latest.ranAt).dateTimeString)</p>
            \(verdict)
            <p class="no-print"><a href="\(href: "/quan-tri/tuan-thu/\(tenant.id)?dinh-dang=csv")">Tải CSV</a> · In trang này để có báo cáo gửi Sở.</p>
            <form class="no-print" method="post" action="\(href: "/quan-tri/tuan-thu/\(tenant.id)")">\(Field.csrf(csrf))<button class="button" type="submit">Kiểm tra lại ngay</button></form>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Kết quả từng mục kiểm tra"><table class="data"><caption>Kết quả từng mục kiểm tra</caption>
            <thead><tr><th scope="col">Nội dung kiểm tra</th><th scope="col">Kết quả</th><th scope="col">Chi tiết</th><th scope="col">Căn cứ pháp lý</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <h2>Các lần kiểm tra</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Lịch sử kiểm tra"><table class="data"><caption>Lịch sử kiểm tra (mới nhất trước)</caption>
            <thead><tr><th scope="col">Thời điểm</th><th scope="col">Kết luận</th><th scope="col">Đạt</th><th scope="col">Không đạt</th><th scope="col">Cần chú ý</th></tr></thead>
            <tbody>\(trend)</tbody></table></div>
            """
    }
}
