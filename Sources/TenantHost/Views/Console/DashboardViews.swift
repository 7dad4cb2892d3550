import Foundation
import TenantCore

/// `/quan-tri`: the overview of a commune's console, or of the platform's.
enum DashboardViews {
    /// `4,3/5`
    static func score(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",") + "/5"
    }

    /// Citizens' satisfaction over the last twelve months, and their newest remarks.
    static func ratings(_ summary: RatingSummary?, remarks: [(date: Date, remark: String)]) -> HTML {
        let figures: HTML = summary.map { s -> HTML in
            "<p>\(s.count) lượt đánh giá trong 12 tháng qua · thông tin trên trang: <strong>\(self.score(s.information))</strong> · dịch vụ công: <strong>\(self.score(s.services))</strong></p>"
        } ?? "<p>Chưa có lượt đánh giá nào trong 12 tháng qua.</p>"
        let list: HTML = remarks.isEmpty ? .empty
            : "<ul class=\"items\">\(remarks.map { r -> HTML in "<li><p class=\"meta\">\(Layout.date(r.date))</p><p>\(r.remark)</p></li>" })</ul>"
        return """

            <h2>Đánh giá mức độ hài lòng của người dân</h2>
            \(figures)\(list)
            """
    }

    /// A commune's mandatory sections with their state, open questions and
    /// pending comments.
    static func commune(sections: [Section], compliance row: ComplianceRow?, open: Int, pending: Int, now: Date, base: String) -> HTML {
        // The audit's own words for a section that fails, so the dashboard and the report agree.
        let failing = Dictionary((row?.checks(at: now) ?? []).filter { $0.status == .fail }.map { ($0.id, $0.detail) }, uniquingKeysWith: { a, _ in a })
        let rows = HTML(sections.filter { $0.kind != .footer }.map { section -> HTML in
            let state = row?.sections[section.id]
            let status: HTML
            if let detail = failing["section.\(section.id)"] {
                status = "<span class=\"status-bad\">\(detail)</span>"
            } else if !(state?.hasContent ?? false) {
                status = "<span class=\"status-bad\">Chưa có mục nào.</span>"
            } else if section.kind == .feed, let age = state?.age(at: now), age > 5 {
                status = "<span class=\"status-warn\">Tin mới nhất cách đây \(age) ngày làm việc</span>"
            } else {
                status = "<span class=\"status-ok\">Đạt</span>"
            }
            let manage: HTML = section.id == MandatorySection.introduction.id
                ? "<a href=\"\(base)/trang/\(section.id)\">Sửa trang</a> · <a href=\"\(base)/trang/\(section.id)#lanh-dao\">Lãnh đạo</a>"
                : section.id == MandatorySection.questions.id
                ? "<a href=\"\(base)/hoi-dap\">Trả lời câu hỏi</a>"
                : section.kind == .static
                ? "<a href=\"\(base)/trang/\(section.id)\">Sửa trang</a>"
                : "<a href=\"\(base)/chuyen-muc/\(section.id)\">Quản lý bài</a>"
            return "<tr><td>\(section.title)</td><td>\(state?.items ?? 0)</td><td>\(status)</td><td>\(manage)</td></tr>"
        })
        return """
            <p>Câu hỏi chưa trả lời: <a href="\(base)/hoi-dap">\(open)</a> · Góp ý chờ duyệt: <a href="\(base)/y-kien">\(pending)</a> · Người chịu trách nhiệm: \(row?.responsiblePerson.isEmpty == false ? "<span class=\"status-ok\">\(row!.responsiblePerson)</span>" as HTML : "<span class=\"status-bad\">chưa cập nhật</span> (<a href=\"\(base)/thong-tin\">cập nhật</a>)")</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Các chuyên mục bắt buộc"><table class="data"><caption>Các chuyên mục bắt buộc</caption>
            <thead><tr><th scope="col">Chuyên mục</th><th scope="col">Số bài đã đăng</th><th scope="col">Tình trạng</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// The editors' work waiting, and what the commune's uploads take.
    static func work(_ w: WorkSummary, base: String) -> HTML {
        let megabytes = String(format: "%.1f", Double(w.bytes) / 1_048_576).replacingOccurrences(of: ".", with: ",")
        return """
            <p>Bài chờ duyệt: <a href="\(base)/duyet">\(w.pending)</a> · Bị trả lại: <a href="\(base)/bai?trang-thai=returned">\(w.returned)</a> · \
            Thùng rác: <a href="\(base)/bai?trang-thai=deleted">\(w.trashed)</a> · Tệp tải lên: <a href="\(base)/tep">\(w.files) tệp, \(megabytes) MB</a></p>
            """
    }

    /// The communes in scope (the first twenty listed) and, if `showsBackup`,
    /// the newest backup.
    static func platform(
        communes: [Tenant], lastBackup: BackupRecord?, showsBackup: Bool, now: Date, hrefs: (Tenant) -> (site: String, console: String)
    ) -> HTML {
        let rows = HTML(communes.prefix(20).map { tenant -> HTML in
            let links = hrefs(tenant)
            return """
                <tr><td>\(tenant.code)</td><td>\(tenant.name)</td><td>\(tenant.ancestors.first?.fullName ?? "")</td><td>\(tenant.status.title)</td>\
                <td><a href="\(href: links.site)">Trang</a> · <a href="\(href: links.console)">Quản trị</a></td></tr>
                """
        })
        let backup: HTML = lastBackup.map { backup -> HTML in
            let age = now.timeIntervalSince(backup.stoppedAt)
            let state: HTML = age > 26 * 3600 ? "<span class=\"status-bad\">quá 26 giờ</span>" : "<span class=\"status-ok\">đạt</span>"
            return "<p>Bản sao lưu gần nhất: \(VietnamTime(backup.stoppedAt).timeString) \(Layout.date(backup.stoppedAt)) (cách đây \(backup.age(at: now))) · \(state)</p>"
        } ?? "<p>Bản sao lưu gần nhất: <span class=\"status-bad\">chưa có bản sao lưu nào được ghi nhận</span></p>"
        return """
            <p>Phạm vi quản lý: \(communes.count) trang thông tin điện tử cấp xã.</p>
            \(showsBackup ? backup : .empty)
            <p class="actions"><a class="button" href="/quan-tri/xa/moi">Tạo xã mới</a> <a href="/quan-tri/tuan-thu">Bảng theo dõi tuân thủ</a> <a href="/quan-tri/nguoi-dung">Người dùng</a></p>
            <p><a href="/quan-tri/xa">Tìm, lọc và quản lý tất cả \(communes.count) xã, phường</a> (trạng thái, tên miền, bản xuất dữ liệu).</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="\(min(20, communes.count)) xã, phường đầu tiên trong phạm vi quản lý"><table class="data"><caption>\(min(20, communes.count)) xã, phường đầu tiên trong phạm vi quản lý</caption>
            <thead><tr><th scope="col">Mã</th><th scope="col">Tên</th><th scope="col">Trực thuộc</th><th scope="col">Trạng thái</th><th scope="col">Liên kết</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
