import Foundation
import TenantCore

/// The console pages of an item's workflow: the list of a commune's items
/// (search, filters, bulk actions, the trash), an item's state and the
/// approver's choices, its history and what each save changed, the
/// commune's approval queue and the queue of the communes above it.
enum ReviewViews {
    /// The box above an item's form: where it stands, why it came back, and
    /// what may be done with it.
    static func statePanel(base: String, item: EditorEntry, approves: Bool, csrf: String) -> HTML {
        let (e, r) = (item.entry, item.review)
        var lines: [HTML] = []
        if r.state == .returned, !r.note.isEmpty {
            lines.append("<p><strong>Nhận xét của người duyệt:</strong> \(r.note)</p>")
        }
        if r.pendingRevision != nil {
            lines.append("<p>Bài trên trang vẫn là bản đã duyệt. Thay đổi dưới đây chỉ hiện trên trang khi được duyệt.</p>")
        }
        if r.state == .pending, !r.approvedBy.isEmpty {
            lines.append("<p>Đã có \(r.approvedBy.count) người duyệt.</p>")
        }
        let post = { (path: String, label: String, hidden: HTML) -> HTML in
            "<form method=\"post\" action=\"\(base)/bai/\(e.id)/\(path)\">\(Field.csrf(csrf))\(hidden)<button class=\"linkbutton\" type=\"submit\">\(label)</button></form>"
        }
        var actions: [HTML] = [
            post("xem-truoc", "Xem trước", .empty),
            "<a href=\"\(base)/bai/\(e.id)/lich-su\">Lịch sử thay đổi</a>",
        ]
        if approves && e.status == .published {
            actions.append(post("trang-thai", "Gỡ xuống", "<input type=\"hidden\" name=\"trang-thai\" value=\"unpublished\">"))
        }
        if e.status != .published || approves { actions.append(post("xoa", "Xóa", .empty)) }
        var review: HTML = .empty
        if approves && r.state == .pending {
            review = """
                <div class="actions">
                <form method="post" action="\(base)/bai/\(e.id)/duyet">\(Field.csrf(csrf))<button class="button" type="submit">Duyệt và đăng</button></form>
                </div>
                <form method="post" action="\(base)/bai/\(e.id)/tra-lai">\(Field.csrf(csrf))
                \(Field.area("nhan-xet", "Nhận xét khi trả lại", value: "", errors: [:], rows: 3, hint: "Người viết sẽ thấy nhận xét này ở đầu bài."))\
                <button class="button secondary" type="submit">Trả lại người viết</button></form>
                """
        }
        return """
            <section class="state\(r.state == .returned ? " returned" as HTML : .empty)" aria-labelledby="tinh-trang"><h2 id="tinh-trang">Tình trạng: \(item.stateTitle(now: Date()))</h2>
            \(lines)<div class="actions">\(actions)</div>\(review)</section>

            """
    }

    /// `<console>/bai`: the commune's items, searched and filtered, with
    /// bulk actions; `trash` lists the trash instead.
    static func list(
        base: String, sections: [Section], filter f: EntryFilter, items: Page<EditorEntry>, now: Date, csrf: String, approves: Bool,
        imported: Set<Int64> = []
    ) -> HTML {
        let trash = f.state == .deleted
        let titles = Dictionary(sections.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        let rows = HTML(items.items.map { item -> HTML in
            let e = item.entry
            let title: HTML = trash ? "\(e.title)" : "<a href=\"\(base)/bai/\(e.id)\">\(e.title)</a>"
            let days = item.review.deletedAt.map { max(0, ReviewLimits.trashDays - Int(now.timeIntervalSince($0) / 86_400)) }
            let state: HTML = days.map { "Trong thùng rác (xóa hẳn sau \($0) ngày)" } ?? "\(item.stateTitle(now: now))"
            return """
                <tr><td><input type="checkbox" name="bai-\(e.id)" value="1" id="chon-\(e.id)" aria-label="Chọn: \(e.title)"></td><td>\(title)\(Layout.sampleTag(e))\(imported.contains(e.id) ? " <span class=\"tag\">Nhập từ trang cũ</span>" as HTML : .empty)</td>\
                <td>\(titles[e.sectionID] ?? "")</td><td>\(state)</td><td>\(e.author)</td><td>\(Layout.date(e.updatedAt))</td></tr>
                """
        })
        let sectionOptions = [("", "Tất cả chuyên mục")] + sections.filter { $0.kind != .static && $0.kind != .footer }.map { (String($0.id), $0.title) }
        let stateOptions = [("", "Mọi trạng thái (trừ thùng rác)")] + EntryFilter.State.allCases.map { ($0.rawValue, $0.title) }
        let day = { (date: Date?) in date.map { VietnamTime($0).isoDate } ?? "" }
        var bulk: [(String, String)] = trash ? [("khoi-phuc", "Khôi phục")] : [("xoa", "Chuyển vào thùng rác")]
        if approves && !trash { bulk.insert(("go", "Gỡ xuống"), at: 0) }
        let add: HTML = f.sectionID.map { id -> HTML in
            HTML(EntryKind.allowed(in: id).map { kind -> HTML in
                "<a class=\"button\" href=\"\(base)/bai/moi?chuyen-muc=\(id)&amp;loai=\(kind.rawValue)\">Thêm \(kind.title.lowercased())</a>"
            })
        } ?? .empty
        var query: [(String, String)] = []
        if !f.text.isEmpty { query.append(("q", f.text)) }
        if let id = f.sectionID { query.append(("chuyen-muc", String(id))) }
        if let state = f.state { query.append(("trang-thai", state.rawValue)) }
        if !f.author.isEmpty { query.append(("tac-gia", f.author)) }
        return """
            <p class="actions">\(add) <a href="\(base)/bai?trang-thai=deleted">Thùng rác</a> <a href="\(base)/duyet">Bài chờ duyệt</a></p>
            <form method="get" action="\(base)/bai" class="filters" role="search" aria-label="Tìm bài">
            \(Field.text("q", "Tìm (có dấu hoặc không dấu)", value: f.text, errors: [:]))\
            \(Field.select("chuyen-muc", "Chuyên mục", options: sectionOptions, selected: f.sectionID.map(String.init) ?? "", errors: [:]))\
            \(Field.select("trang-thai", "Trạng thái", options: stateOptions, selected: f.state?.rawValue ?? "", errors: [:]))\
            \(Field.text("tac-gia", "Tác giả", value: f.author, errors: [:]))\
            \(Field.text("tu-ngay", "Sửa từ ngày", value: day(f.from), errors: [:], type: "date"))\
            \(Field.text("den-ngay", "Đến ngày", value: day(f.until.map { $0.addingTimeInterval(-1) }), errors: [:], type: "date"))\
            <p><button class="button" type="submit">Lọc</button></p>
            </form>
            \(items.items.isEmpty ? "<p>Không có bài nào.</p>" as HTML : """
            <form method="post" action="\(base)/bai/hang-loat">\(Field.csrf(csrf))
            <div class="table-scroll" tabindex="0" role="region" aria-label="\(trash ? "Thùng rác" : "Các bài")"><table class="data"><caption>\(trash ? "Thùng rác: bài bị xóa được giữ \(ReviewLimits.trashDays) ngày" : "Các bài (\(items.total))")</caption>
            <thead><tr><th scope="col"><span class="visually-hidden">Chọn</span></th><th scope="col">Tiêu đề</th><th scope="col">Chuyên mục</th><th scope="col">Trạng thái</th><th scope="col">Tác giả</th><th scope="col">Sửa lần cuối</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <div class="actions">\(Field.select("thao-tac", "Với các bài đã chọn", options: bulk, selected: bulk[0].0, errors: [:]))<button class="button" type="submit">Áp dụng</button></div>
            </form>
            """)
            \(Layout.pager(items.number, of: items.pageCount, path: "\(base)/bai", query: query))
            """
    }

    /// A preview link just made: open it, or send it to whoever approves.
    static func previewLink(base: String, entry: Entry, link: String) -> HTML {
        """
            <p>Bản xem trước của <strong>\(entry.title)</strong> hiện trong giao diện của trang, với nội dung mới nhất đã lưu. Người dân không thấy bản này; liên kết dùng được trong \(Int(ReviewLimits.previewLifetime / 3600)) giờ và có thể gửi cho người duyệt.</p>
            <p class="actions"><a class="button" href="\(href: link)">Mở bản xem trước</a> <a href="\(base)/bai/\(entry.id)">Về bài</a></p>
            <p><label for="lien-ket-xem-truoc">Liên kết để gửi</label> <input id="lien-ket-xem-truoc" type="text" readonly value="\(link)" size="60"></p>
            """
    }

    /// The question before an item goes to the trash.
    static func confirmTrash(base: String, entry: Entry, csrf: String) -> HTML {
        """
            <p>Bài <strong>\(entry.title)</strong> sẽ được chuyển vào thùng rác\(entry.status == .published ? " và không còn hiện trên trang" as HTML : .empty). Trong \(ReviewLimits.trashDays) ngày bạn có thể khôi phục bài từ thùng rác; sau đó bài bị xóa hẳn.</p>
            <form method="post" action="\(base)/bai/\(entry.id)/xoa">\(Field.csrf(csrf))<input type="hidden" name="xac-nhan" value="1">
            <p class="actions"><button class="button" type="submit">Chuyển vào thùng rác</button> <a href="\(base)/bai/\(entry.id)">Không, giữ bài</a></p>
            </form>
            """
    }

    /// `<console>/bai/<id>/lich-su`: every save and step, newest first.
    static func history(base: String, entry: Entry, revisions: [Revision]) -> HTML {
        let rows = HTML(revisions.map { r -> HTML in
            let show: HTML = r.entry != nil || r.action == .save || r.action == .restore
                ? "<a href=\"\(base)/bai/\(entry.id)/lich-su/\(r.id)\">Xem thay đổi<span class=\"visually-hidden\"> lúc \(VietnamTime(r.createdAt).dateTimeString)</span></a>" : .empty
            return "<tr><td>\(VietnamTime(r.createdAt).dateTimeString)</td><td>\(r.userName)</td><td>\(r.action.title)</td><td>\(r.note)</td><td>\(show)</td></tr>"
        })
        return """
            <p class="actions"><a href="\(base)/bai/\(entry.id)">Về bài</a></p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Lịch sử thay đổi"><table class="data"><caption>Lịch sử của “\(entry.title)”</caption>
            <thead><tr><th scope="col">Thời điểm</th><th scope="col">Người thực hiện</th><th scope="col">Việc</th><th scope="col">Ghi chú</th><th scope="col">Bản lưu</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// The fields a difference is shown for, in the form's order.
    static func fields(_ e: Entry) -> [(String, String)] {
        var fields: [(String, String)] = [("Tiêu đề", e.title), ("Tóm tắt", e.summary), ("Nội dung", WordDiff.text(ofHTML: e.body))]
        let optional: [(String, String?)] = [
            ("Số ký hiệu", e.docNumber), ("Cơ quan ban hành", e.issuer), ("Người ký", e.signer), ("Tệp", e.fileURL), ("Lĩnh vực", e.field),
            ("Liên kết", e.portalURL), ("Địa điểm", e.location), ("Chủ trì", e.presider), ("Chức vụ", e.positionTitle),
            ("Ảnh minh họa", e.imageURL), ("Mô tả ảnh", e.imageAlt), ("Tác giả", e.author),
        ]
        fields += optional.map { ($0.0, $0.1 ?? "") }
        return fields
    }

    /// `<console>/bai/<id>/lich-su/<rev>`: what a save changed against the
    /// save before it, and restoring it.
    static func revision(base: String, entryID: Int64, revision r: Revision, previous: Revision?, csrf: String) -> HTML {
        guard let new = r.entry else { return "<p>Bản lưu này không có nội dung.</p>" }
        let old = previous?.entry.map(Self.fields) ?? []
        var blocks: [HTML] = []
        for (index, (label, value)) in Self.fields(new).enumerated() {
            let before = index < old.count ? old[index].1 : ""
            guard before != value || previous == nil, !(before.isEmpty && value.isEmpty) else { continue }
            let pieces = HTML(WordDiff.pieces(from: before, to: value).map { piece -> HTML in
                switch piece {
                case .same(let text): "\(text)"
                case .removed(let text): "<del aria-label=\"đã xóa\">\(text)</del>"
                case .added(let text): "<ins aria-label=\"đã thêm\">\(text)</ins>"
                }
            })
            blocks.append("<h3>\(label)</h3><div class=\"diff\">\(pieces)</div>")
        }
        return """
            <p>Lưu lúc \(VietnamTime(r.createdAt).dateTimeString) bởi \(r.userName)\(r.note.isEmpty ? HTML.empty : " – \(r.note)").\
            \(previous.map { " So với bản lưu lúc \(VietnamTime($0.createdAt).dateTimeString): chữ <ins>được thêm</ins>, chữ <del>bị xóa</del>." as HTML } ?? " Đây là bản lưu đầu tiên.")</p>
            \(blocks.isEmpty ? "<p>Bản này không thay đổi chữ nào so với bản trước.</p>" as HTML : HTML(blocks))
            <form method="post" action="\(base)/bai/\(entryID)/lich-su/\(r.id)">\(Field.csrf(csrf))
            <p class="actions"><button class="button" type="submit">Khôi phục bản này</button> <a href="\(base)/bai/\(entryID)/lich-su">Về lịch sử</a></p>
            </form>
            """
    }

    /// `<console>/duyet`: what waits for approval in this commune, and how
    /// many people approve.
    static func queue(base: String, items: [EditorEntry], steps: Int, approves: Bool, csrf: String) -> HTML {
        let rows = HTML(items.map { item -> HTML in
            let e = item.entry
            return "<tr><td><a href=\"\(base)/bai/\(e.id)\">\(e.title)</a></td><td>\(e.author)</td><td>\(item.review.approvedBy.count)/\(steps)</td><td>\(Layout.date(e.updatedAt))</td></tr>"
        })
        let setting: HTML = approves ? """
            <form method="post" action="\(base)/duyet/so-buoc">\(Field.csrf(csrf))
            \(Field.select("so-buoc", "Số người duyệt trước khi đăng", options: [("1", "1 người"), ("2", "2 người (biên tập, rồi lãnh đạo)"), ("3", "3 người")], selected: String(steps), errors: [:], hint: "Khi cần từ 2 người, người gửi bài không tự duyệt bài của mình."))\
            <button class="button secondary" type="submit">Lưu cách duyệt</button></form>
            """ : "<p>Bài được đăng khi \(steps) người duyệt đồng ý.</p>"
        return """
            \(items.isEmpty ? "<p>Không có bài nào chờ duyệt.</p>" as HTML : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Bài chờ duyệt"><table class="data"><caption>Bài chờ duyệt</caption>
            <thead><tr><th scope="col">Tiêu đề</th><th scope="col">Tác giả</th><th scope="col">Đã duyệt</th><th scope="col">Gửi lúc</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """)
            \(setting)
            """
    }

    /// `/quan-tri/cho-duyet`: what waits for approval in the communes a
    /// district or province manages.
    static func platformQueue(_ items: [(QueuedEntry, Tenant)]) -> HTML {
        let rows = HTML(items.map { q, tenant -> HTML in
            "<tr><td>\(tenant.name)</td><td><a href=\"\(ConsolePaths.commune(tenant))/bai/\(q.entryID)\">\(q.title)</a></td><td>\(q.submittedBy)</td><td>\(q.approvals)/\(q.steps)</td><td>\(Layout.date(q.submittedAt))</td></tr>"
        })
        return items.isEmpty ? "<p>Không có bài nào chờ duyệt ở các xã, phường bạn quản lý.</p>" : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Bài chờ duyệt của các xã"><table class="data"><caption>Bài chờ duyệt của các xã, phường</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Tiêu đề</th><th scope="col">Người gửi</th><th scope="col">Đã duyệt</th><th scope="col">Gửi lúc</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
