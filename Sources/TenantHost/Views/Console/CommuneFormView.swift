import Foundation
import TenantCore

/// `/quan-tri/xa/moi`: creating a commune under one of `parents`, and the
/// page shown once it exists.
enum CommuneFormView {
    /// For an account that may not create communes.
    static let forbidden: HTML = "<p>Tài khoản của bạn không được tạo xã mới.</p>"

    static func render(parents: [AdminUnit], fields: [String: String], errors: [String: String], csrf: String) -> HTML {
        let options = parents.map { ("\($0.level.rawValue):\($0.code)", "\($0.name) (\($0.code))") }
        return """
            \(Field.summary(errors, order: ["ma", "ten", "cap-tren", "slug"]))<p>Trang của xã mới có ngay 16 chuyên mục bắt buộc, tên miền và liên kết tới cổng thông tin cấp trên.</p>
            <form method="post" action="/quan-tri/xa">\(Field.csrf(csrf))
            \(Field.text("ma", "Mã đơn vị hành chính (theo danh mục của Cục Thống kê)", value: fields["ma"] ?? "", errors: errors, required: true, hint: "Từ 1 đến 5 chữ số, ví dụ 14224"))\
            \(Field.text("ten", "Tên đầy đủ", value: fields["ten"] ?? "", errors: errors, required: true, hint: "Ví dụ: Xã Hải Nam, Phường Thuận An"))\
            \(Field.select("cap-tren", "Trực thuộc", options: options, selected: fields["cap-tren"] ?? options[0].0, errors: errors))\
            \(Field.text("slug", "Tên viết trong địa chỉ trang (không bắt buộc)", value: fields["slug"] ?? "", errors: errors, hint: "Chữ thường không dấu, nối bằng dấu gạch ngang, ví dụ hai-nam; để trống để tạo tự động"))\
            <p><button class="button" type="submit">Tạo xã</button></p>
            </form>
            """
    }

    /// The new commune with links to its hosts.
    static func created(record: TenantRecord, domains: [DomainRecord], siteHref: (String) -> String) -> HTML {
        let links = HTML(domains.map { d -> HTML in
            "<li><a href=\"\(href: siteHref(d.host))\">\(d.host)</a> (\(d.role == .primary ? "tên miền chính" : d.role == .dev ? "địa chỉ thử nghiệm" : "chuyển hướng"))</li>"
        })
        return """
            <p class="saved" role="status">Đã tạo trang thông tin điện tử \(record.name) (mã \(record.code)) với 16 chuyên mục bắt buộc.</p>
            <ul>\(links)</ul><p><a href="/quan-tri">Về tổng quan</a></p>
            """
    }
}
