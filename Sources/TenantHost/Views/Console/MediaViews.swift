import Foundation
import TenantCore

/// The commune's library of uploads.
enum MediaViews {
    /// `<console>/tep`: the upload form, a search by name, and each file with
    /// its thumbnail, the items using it, and deleting it when unused.
    static func library(base: String, _ files: [LibraryFile], search: String, limitMB: Int, errors: [String: String], csrf: String) -> HTML {
        let rows = HTML(files.map { item -> HTML in
            let f = item.file
            let preview: HTML = f.contentType.hasPrefix("image/")
                ? "<img src=\"\(base)/tep/\(f.id)/anh\" alt=\"\" width=\"96\" loading=\"lazy\" style=\"height:auto\">" : "\(EditorViews.fileKind(f.contentType))"
            let uses: HTML = item.uses.isEmpty ? "Chưa dùng" : HTML(item.uses.prefix(5).map { use -> HTML in
                "<a href=\"\(base)/bai/\(use.entryID)\">\(use.title)</a><br>"
            })
            let delete: HTML = item.uses.isEmpty
                ? "<form method=\"post\" action=\"\(base)/tep/\(f.id)/xoa\">\(Field.csrf(csrf))<button class=\"linkbutton\" type=\"submit\">Xóa<span class=\"visually-hidden\"> tệp \(f.name)</span></button></form>" : .empty
            let describe: HTML = f.contentType.hasPrefix("image/") ? """
                <form method="post" action="\(base)/tep/\(f.id)/mo-ta" class="inline">\(Field.csrf(csrf))<label class="visually-hidden" for="mo-ta-\(f.id)">Mô tả ảnh \(f.name)</label>\
                <input id="mo-ta-\(f.id)" name="mo-ta" type="text" maxlength="300" value="\(item.alt)" placeholder="Ảnh này cho thấy gì?"> \
                <button class="linkbutton" type="submit">Lưu mô tả<span class="visually-hidden"> của \(f.name)</span></button></form>
                """ : .empty
            let replace: HTML = """
                <form method="post" action="\(base)/tep/\(f.id)/thay" enctype="multipart/form-data" class="inline">\(Field.csrf(csrf))\
                <label for="thay-\(f.id)">Thay bằng tệp khác<span class="visually-hidden"> (\(f.name))</span></label> \
                <input id="thay-\(f.id)" name="tep" type="file" accept="\(f.contentType.hasPrefix("image/") ? "image/png,image/jpeg,image/gif,image/webp" : ".pdf")"> \
                <button class="linkbutton" type="submit">Thay<span class="visually-hidden"> tệp \(f.name)</span></button></form>
                """
            return "<tr><td>\(preview)</td><td>\(f.name)\(describe)</td><td>\(f.size / 1024 + 1) KB</td><td>\(Layout.date(f.createdAt))</td><td>\(uses)</td><td>\(replace)\(delete)</td></tr>"
        })
        return """
            \(Field.summary(errors))<form method="post" action="\(base)/tep" enctype="multipart/form-data">\(Field.csrf(csrf))
            <div class="field"><label for="f-tep">Chọn tệp (PDF, PNG, JPEG, GIF, WebP; tối đa \(limitMB) MB)</label>\(Field.message("tep", errors: errors, hint: "Ảnh được bỏ thông tin vị trí, máy chụp và thu nhỏ sẵn cho điện thoại."))<input id="f-tep" name="tep" type="file" accept=".pdf,image/png,image/jpeg,image/gif,image/webp"\(Field.describedBy("tep", errors: errors, hint: true))></div>
            <p><button class="button" type="submit">Tải lên</button></p>
            </form>
            <form method="get" action="\(base)/tep" class="filters" role="search" aria-label="Tìm tệp">
            \(Field.text("q", "Tìm theo tên tệp", value: search, errors: [:]))<p><button class="button secondary" type="submit">Tìm</button></p>
            </form>
            \(files.isEmpty ? "<p>Không có tệp nào.</p>" as HTML : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Thư viện tệp"><table class="data"><caption>Thư viện tệp (\(files.count))</caption>
            <thead><tr><th scope="col">Xem</th><th scope="col">Tên</th><th scope="col">Cỡ</th><th scope="col">Ngày tải lên</th><th scope="col">Dùng trong bài</th><th scope="col"><span class="visually-hidden">Thao tác</span></th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """)
            """
    }
}
