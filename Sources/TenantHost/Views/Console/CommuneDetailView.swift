import Foundation
import TenantCore

/// `/quan-tri/xa/<code>`: one commune's site as the operator manages it:
/// status with its note, domains, and the export download.
enum CommuneDetailView {
    static func render(
        record: TenantRecord, tenant: Tenant, domains: [DomainRecord], canChange: Bool, csrf: String, errors: [String: String],
        fields: [String: String], siteHref: (String) -> String
    ) -> HTML {
        let base = "/quan-tri/xa/\(record.code)"
        let hostRows = HTML(domains.map { d -> HTML in
            let role: HTML = switch d.role {
            case .primary: "Chính thức"
            case .redirect: "Chuyển hướng (301) về địa chỉ chính thức"
            case .dev: "Địa chỉ phát triển"
            }
            let remove: HTML = canChange && d.role != .primary
                ? "<form method=\"post\" action=\"\(href: base + "/ten-mien/go")\">\(Field.csrf(csrf))<input type=\"hidden\" name=\"ten-mien\" value=\"\(d.host)\"><button class=\"linkbutton\" type=\"submit\">Gỡ<span class=\"visually-hidden\"> \(d.host)</span></button></form>"
                : .empty
            let primary: HTML = canChange && d.role == .redirect
                ? "<form method=\"post\" action=\"\(href: base + "/ten-mien")\">\(Field.csrf(csrf))<input type=\"hidden\" name=\"ten-mien\" value=\"\(d.host)\"><input type=\"hidden\" name=\"vai-tro\" value=\"primary\"><button class=\"linkbutton\" type=\"submit\">Đặt làm chính thức<span class=\"visually-hidden\"> \(d.host)</span></button></form>"
                : .empty
            return "<tr><td><a href=\"\(href: siteHref(d.host))\">\(d.host)</a></td><td>\(role)</td><td><div class=\"actions\">\(primary) \(remove)</div></td></tr>"
        })
        let statusOptions = TenantStatus.allCases.map { ($0.rawValue, $0.title) }
        let changes: HTML = canChange
            ? """
            <h2>Trạng thái</h2>
            \(Field.summary(errors, order: ["trang-thai", "ghi-chu", "ten-mien"]))<form method="post" action="\(href: base + "/trang-thai")">\(Field.csrf(csrf))
            \(Field.select("trang-thai", "Trạng thái", options: statusOptions, selected: fields["trang-thai"] ?? record.status.rawValue, errors: errors, hint: "Tạm ngừng: trang trả lời 503 kèm ghi chú. Lưu trữ: trang trả lời 410 và giữ nguyên dữ liệu."))\
            \(Field.text("ghi-chu", "Ghi chú hiện trên trang", value: fields["ghi-chu"] ?? record.statusNote, errors: errors, hint: "Tối đa 500 ký tự"))\
            <p><button class="button" type="submit">Lưu trạng thái</button></p>
            </form>
            <h2>Thêm tên miền</h2>
            <form method="post" action="\(href: base + "/ten-mien")">\(Field.csrf(csrf))
            \(Field.text("ten-mien", "Tên miền", value: fields["ten-mien"] ?? "", errors: errors, hint: "Ví dụ: hainam.namdinh.gov.vn"))\
            \(Field.select("vai-tro", "Vai trò", options: [("redirect", "Chuyển hướng (301) về địa chỉ chính thức"), ("primary", "Địa chỉ chính thức mới")], selected: fields["vai-tro"] ?? "redirect", errors: errors))\
            <p><button class="button" type="submit">Thêm tên miền</button></p>
            </form>
            <h2>Sao lưu dữ liệu của xã</h2>
            <p><a class="button" href="\(href: base + "/xuat")">Tải bản xuất (JSON)</a> Toàn bộ nội dung và thông tin danh mục của xã, khôi phục được bằng lệnh <code>provisioner commune restore</code>.</p>
            """
            : "<p>Chỉ quản trị cấp tỉnh thay đổi trạng thái, tên miền và tải bản xuất của xã.</p>"
        let imports: HTML = """
            <h2>Trang cũ của xã</h2>
            <p><a class="button" href="\(href: base + "/nhap-trang-cu")">Nhập nội dung trang cũ</a> Bài viết, văn bản, ảnh và tệp từ trang WordPress, Joomla… đang dùng; địa chỉ cũ vẫn mở được.</p>
            """
        return """
            <dl class="facts"><dt>Mã</dt><dd>\(record.code)</dd><dt>Trực thuộc</dt><dd>\(tenant.ancestors.map(\.fullName).joined(separator: ", "))</dd>\
            <dt>Trạng thái</dt><dd>\(record.status.title)\(record.statusNote.isEmpty ? "" : " — \(record.statusNote)")</dd>\
            <dt>Lược đồ dữ liệu</dt><dd>\(record.schema.rawValue), phiên bản \(record.schemaVersion)</dd></dl>
            \(imports)
            <h2>Tên miền</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tên miền của trang"><table class="data"><caption>Tên miền của trang</caption>
            <thead><tr><th scope="col">Tên miền</th><th scope="col">Vai trò</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(hostRows)</tbody></table></div>
            \(changes)
            <p><a href="/quan-tri/xa">Về danh sách xã, phường</a></p>
            """
    }
}
