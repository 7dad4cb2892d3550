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
            return "<tr><td>\(preview)</td><td>\(f.name)</td><td>\(f.size / 1024 + 1) KB</td><td>\(Layout.date(f.createdAt))</td><td>\(uses)</td><td>\(delete)</td></tr>"
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
