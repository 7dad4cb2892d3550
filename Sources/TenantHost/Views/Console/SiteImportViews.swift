import Foundation
import TenantCore

/// The console's pages for bringing a commune's old website in.
enum SiteImportViews {
    static func page(tenant: Tenant, jobs: [SiteImportJob], errors: [String: String], fields: [String: String], csrf: String) -> HTML {
        let base = "/quan-tri/xa/\(tenant.code)/nhap-trang-cu"
        let rows = HTML(jobs.map { job -> HTML in
            "<tr><td><a href=\"\(href: base + "/\(job.id)")\">\(job.site)</a></td><td>\(Self.kind(job.kind))</td><td>\(Self.state(job))</td><td>\(job.requestedBy)</td><td>\(VietnamTime(job.createdAt).dateTimeString)</td></tr>"
        })
        let list: HTML = jobs.isEmpty ? "<p>Chưa nhập lần nào.</p>" : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Các lần nhập"><table class="data"><caption>Các lần nhập</caption>
            <thead><tr><th scope="col">Trang cũ</th><th scope="col">Cách nhập</th><th scope="col">Trạng thái</th><th scope="col">Người yêu cầu</th><th scope="col">Lúc</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        let source = fields["nguon"] ?? "crawl"
        return """
            <p>Đưa bài viết, văn bản (kèm số ký hiệu, ngày ban hành), ảnh và tệp của trang cũ vào \(tenant.name). Mỗi bài nhập vào đúng chuyên mục theo tên chuyên mục của trang cũ; \
            văn bản có số ký hiệu vào mục Văn bản. Địa chỉ cũ chuyển (301) sang trang mới khi tên miền cũ trỏ về hệ thống. Nhập lại lần nữa không tạo bài trùng.</p>
            \(Field.summary(errors, order: ["nguon", "dia-chi", "tep"]))<form method="post" action="\(href: base)" enctype="multipart/form-data">\(Field.csrf(csrf))
            \(Field.select("nguon", "Nhập từ", options: [("crawl", "Đọc các trang của trang cũ (địa chỉ trang)"), ("wxr", "Tệp xuất của WordPress (.xml)")], selected: source, errors: errors))\
            \(Field.text("dia-chi", "Địa chỉ trang cũ", value: fields["dia-chi"] ?? "", errors: errors, type: "url", hint: "Ví dụ http://xahainam.namdinh.gov.vn; dùng khi đọc các trang."))\
            \(Field.select("mau", "Loại trang cũ", options: [("wordpress", "WordPress"), ("joomla", "Joomla"), ("generic", "Khác")], selected: fields["mau"] ?? "wordpress", errors: errors))\
            <div class="field"><label for="f-tep">Tệp xuất của WordPress</label>\(Field.message("tep", errors: errors, hint: "Trong WordPress: Công cụ → Xuất → Tất cả nội dung. Dùng khi nhập từ tệp xuất."))\
            <input id="f-tep" name="tep" type="file" accept=".xml,application/xml,text/xml"\(Field.describedBy("tep", errors: errors, hint: true))></div>
            \(Field.check("dang", "Đăng ngay những bài trang cũ đã đăng (nếu không, mọi bài là bản nháp để biên tập viên xem rồi đăng)", checked: fields["dang"] == "1"))\
            <p><button class="button" type="submit">Bắt đầu nhập</button></p>
            </form>
            <h2>Các lần nhập</h2>
            \(list)
            """
    }

    static func job(tenant: Tenant, job: SiteImportJob, follows: Bool) -> HTML {
        let running = job.state == .queued || job.state == .running
        let path = "/quan-tri/xa/\(tenant.code)/nhap-trang-cu/\(job.id)"
        let progress: HTML = running
            ? """
            <p role="status">\(job.phase.isEmpty ? "Đang chờ máy chủ bắt đầu…" : "\(job.phase): \(job.done)/\(job.total)")</p>
            <progress max="\(max(job.total, 1))" value="\(min(job.done, max(job.total, 1)))" aria-label="Tiến độ">\(job.done)/\(job.total)</progress>
            <p class="meta">\(follows
                ? "Trang tự cập nhật 5 giây một lần (<a href=\"\(href: path + "?tu-cap-nhat=0")\">dừng tự cập nhật</a>); có thể đóng trang, việc nhập vẫn tiếp tục." as HTML
                : "<a href=\"\(href: path)\">Xem tiến độ mới nhất</a>; có thể đóng trang, việc nhập vẫn tiếp tục." as HTML)</p>
            """
            : .empty
        let report: HTML = job.report.isEmpty ? .empty : """
            <h2>Chi tiết</h2>
            <ul class="report">\(HTML(job.report.split(separator: "\n").prefix(2000).map { "<li>\(String($0))</li>" as HTML }))</ul>
            """
        return """
            <dl class="facts"><dt>Trang cũ</dt><dd>\(job.site)</dd><dt>Cách nhập</dt><dd>\(Self.kind(job.kind))</dd>\
            <dt>Trạng thái</dt><dd>\(Self.state(job))</dd><dt>Người yêu cầu</dt><dd>\(job.requestedBy), \(VietnamTime(job.createdAt).dateTimeString)</dd></dl>
            \(progress)\(job.summary.isEmpty ? .empty : "<p><strong>\(job.summary)</strong></p>" as HTML)
            \(job.state == .done ? "<p><a class=\"button\" href=\"/quan-tri/xa/\(tenant.code)\">Về trang của xã</a> Biên tập viên của xã thấy các bài đã nhập, có nhãn “Nhập từ trang cũ”.</p>" as HTML : .empty)
            \(report)
            <p><a href="\(href: "/quan-tri/xa/\(tenant.code)/nhap-trang-cu")">Các lần nhập của \(tenant.name)</a></p>
            """
    }

    static func kind(_ kind: SiteImportJob.Kind) -> String {
        kind == .wxr ? "Tệp xuất WordPress" : "Đọc các trang"
    }

    static func state(_ job: SiteImportJob) -> String {
        switch job.state {
        case .queued: "Đang chờ"
        case .running: "Đang nhập"
        case .done: "Xong"
        case .failed: "Không thành công"
        }
    }
}
