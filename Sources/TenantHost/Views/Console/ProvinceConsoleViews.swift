import Foundation
import TenantCore

/// The province operator's pages: announcements and the platform notice.
enum ProvinceConsoleViews {
    static func announcements(
        provinces: [AdminUnit], items: [Announcement], names: [Int64: String], fields: [String: String], errors: [String: String], csrf: String
    ) -> HTML {
        let choose: HTML = provinces.count == 1
            ? "<p>Tin được đăng trên trang của mọi xã, phường thuộc <strong>\(provinces[0].name)</strong>, ghi nguồn là Ủy ban nhân dân tỉnh.</p>"
            : """
                <div><label for="tinh">Tỉnh</label>
                <select id="tinh" name="tinh"\(Field.describedBy("tinh", errors: errors, hint: false))>\(provinces.map { p -> HTML in
                    "<option value=\"\(String(p.code))\"\(fields["tinh"] == String(p.code) ? " selected" as HTML : .empty)>\(p.name)</option>"
                })</select>\(Field.message("tinh", errors: errors, hint: nil))</div>
                """
        let rows = HTML(items.map { a -> HTML in
            let action: HTML = a.withdrawn
                ? "Đã gỡ"
                : "<form method=\"post\" action=\"/quan-tri/tin-tu-tinh/\(a.id)/go\">\(Field.csrf(csrf))<button class=\"linkbutton\" type=\"submit\">Gỡ<span class=\"visually-hidden\"> \(a.title)</span></button></form>"
            return "<tr><td>\(Layout.date(a.publishedAt))</td><th scope=\"row\">\(a.title)</th><td>\(names[a.provinceID] ?? "")</td><td>\(a.author)</td><td>\(action)</td></tr>"
        })
        return """
            \(Field.summary(errors, order: ["tinh", "tieu-de", "tom-tat", "noi-dung"]))<form method="post" action="/quan-tri/tin-tu-tinh" class="form-grid">
            \(Field.csrf(csrf))\(choose)
            <div><label for="tieu-de">Tiêu đề</label><input id="tieu-de" name="tieu-de" maxlength="300" required value="\(fields["tieu-de"] ?? "")"\(Field.describedBy("tieu-de", errors: errors, hint: false))>\(Field.message("tieu-de", errors: errors, hint: nil))</div>
            <div><label for="tom-tat">Tóm tắt</label><textarea id="tom-tat" name="tom-tat" rows="2" maxlength="1000"\(Field.describedBy("tom-tat", errors: errors, hint: false))>\(fields["tom-tat"] ?? "")</textarea>\(Field.message("tom-tat", errors: errors, hint: nil))</div>
            <div><label for="f-noi-dung">Nội dung</label><textarea id="f-noi-dung" name="noi-dung" rows="8"\(Field.describedBy("noi-dung", errors: errors, hint: true))>\(fields["noi-dung"] ?? "")</textarea>\(Field.message("noi-dung", errors: errors, hint: "Viết bằng Markdown: dòng trống tách đoạn, # cho tiêu đề, - cho danh sách."))</div>
            <div><button class="button" type="submit">Đăng cho mọi xã, phường</button></div>
            </form>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Tin đã đăng"><table class="data"><caption>Tin đã đăng</caption>
            <thead><tr><th scope="col">Ngày</th><th scope="col">Tiêu đề</th><th scope="col">Tỉnh</th><th scope="col">Người đăng</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    static func procedures(counts: [(AdminUnit, Int)], errors: [String: String], csrf: String) -> HTML {
        let choose: HTML = counts.count == 1
            ? "<input type=\"hidden\" name=\"tinh\" value=\"\(String(counts[0].0.code))\">"
            : """
                <div><label for="tinh">Tỉnh</label>
                <select id="tinh" name="tinh"\(Field.describedBy("tinh", errors: errors, hint: false))>\(counts.map { p, _ -> HTML in
                    "<option value=\"\(String(p.code))\">\(p.name)</option>"
                })</select>\(Field.message("tinh", errors: errors, hint: nil))</div>
                """
        let rows = HTML(counts.map { p, n -> HTML in "<tr><th scope=\"row\">\(p.name)</th><td>\(n)</td></tr>" })
        let problems: HTML = errors["tep"].map { message -> HTML in
            let lines = message.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            return "<div class=\"error-summary\" role=\"alert\"><p>\(lines.first ?? "")</p><ul>\(lines.dropFirst().map { "<li>\($0)</li>" as HTML })</ul></div>"
        } ?? .empty
        return """
            <p>Danh mục thủ tục hành chính cấp xã của tỉnh, dùng chung cho mọi xã, phường: mỗi xã hiện danh mục này theo lĩnh vực, kèm thủ tục và ghi chú riêng của xã. Tải lên tệp CSV để thay toàn bộ danh mục; tệp có dòng lỗi thì không thay đổi gì.</p>
            <p>Cột: <code>\(ProcedureCatalogue.header.joined(separator: ","))</code>; <code>muc_do</code> là “toàn trình”, “một phần” hoặc để trống.</p>
            \(problems)<form method="post" action="/quan-tri/thu-tuc" enctype="multipart/form-data" class="form-grid">
            \(Field.csrf(csrf))\(choose)
            <div><label for="f-tep">Tệp CSV (UTF-8, tối đa 2 MB)</label><input id="f-tep" name="tep" type="file" accept=".csv,text/csv"\(Field.describedBy("tep", errors: errors, hint: false))></div>
            \(Field.check("xoa-het", "Xóa toàn bộ danh mục (chỉ khi tệp không có thủ tục nào)", checked: false))
            <div><button class="button" type="submit">Nhập danh mục</button></div>
            </form>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Số thủ tục trong danh mục"><table class="data"><caption>Số thủ tục trong danh mục</caption>
            <thead><tr><th scope="col">Tỉnh</th><th scope="col">Số thủ tục</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// `/quan-tri/thong-bao`: the notice of one scope (a province, or every
    /// province for the platform role), and the notices in force.
    static func notice(
        scopes: [(key: String, label: String)], current: [(String, PlatformNotice)], fields: [String: String], errors: [String: String],
        csrf: String
    ) -> HTML {
        let scope: HTML = scopes.count == 1
            ? "<p>Thông báo hiện trên \(scopes[0].label) (trang của các xã, phường và cổng thông tin). Để trống nội dung để gỡ thông báo.</p>\n<input type=\"hidden\" name=\"pham-vi\" value=\"\(scopes[0].key)\">"
            : Field.select(
                "pham-vi", "Phạm vi", options: scopes.map { ($0.key, "Hiện trên " + $0.label) }, selected: fields["pham-vi"] ?? "", errors: errors,
                hint: "Để trống nội dung để gỡ thông báo của phạm vi này.")
        let list: HTML = current.isEmpty ? "<p>Chưa có thông báo nào.</p>" : """
            <ul class="items">\(current.map { label, n -> HTML in "<li><strong>\(label):</strong> \(n.text)</li>" })</ul>
            """
        return """
            \(Field.summary(errors, order: ["pham-vi", "noi-dung", "tu", "den"]))<form method="post" action="/quan-tri/thong-bao" class="form-grid">
            \(Field.csrf(csrf))\(scope)
            \(Field.area("noi-dung", "Nội dung thông báo", value: fields["noi-dung"] ?? "", errors: errors, rows: 3))\
            \(Field.text("tu", "Thời điểm bảo trì (nếu có)", value: fields["tu"] ?? "", errors: errors, type: "datetime-local", hint: "Tạm ngừng có kế hoạch phải báo trước ít nhất 7 ngày làm việc; thông báo hiện từ 14 ngày trước."))\
            \(Field.text("den", "Ẩn thông báo sau", value: fields["den"] ?? "", errors: errors, type: "datetime-local"))\
            <div><button class="button" type="submit">Lưu thông báo</button></div>
            </form>
            <h2>Thông báo đang có</h2>
            \(list)
            """
    }

    /// `/quan-tri/cai-dat`: the platform role's settings (the EMC monitoring code).
    static func settings(fields: [String: String], errors: [String: String], csrf: String) -> HTML {
        """
        \(Field.summary(errors, order: ["emc-script", "emc-tracker"]))<p>Hệ thống EMC (Thông tư 22/2023/TT-BTTTT) cấp cho mỗi trang một mã số; biên tập viên của xã nhập mã số đó trong “Thông tin chung”. Trang của xã chỉ được tải tệp script dưới đây, không tệp nào khác.</p>
        <form method="post" action="/quan-tri/cai-dat" class="form-grid">
        \(Field.csrf(csrf))\
        \(Field.text("emc-script", "Tệp script của Hệ thống EMC", value: fields["emc-script"] ?? "", errors: errors, required: true, type: "url", hint: "Địa chỉ https, ví dụ https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js"))\
        \(Field.text("emc-tracker", "Địa chỉ nhận số liệu của Hệ thống EMC", value: fields["emc-tracker"] ?? "", errors: errors, required: true, type: "url", hint: "Địa chỉ https, ví dụ https://f-emc.ngsp.gov.vn/tracking"))\
        <div><button class="button" type="submit">Lưu cài đặt</button></div>
        </form>
        """
    }
}
