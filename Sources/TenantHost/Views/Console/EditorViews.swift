import Foundation
import TenantCore

extension EntryKind {
    /// The kind's name in the console.
    var title: String {
        switch self {
        case .article: "Bài viết"
        case .document: "Văn bản"
        case .procedure: "Thủ tục hành chính"
        case .schedule: "Lịch công tác"
        case .leader: "Lãnh đạo"
        case .budget: "Báo cáo ngân sách"
        }
    }
}

/// The commune editor's console pages: a section's entries, the entry
/// form, a static section's body, the site's footer, uploads, questions
/// and comments.
enum EditorViews {
    /// `<console>/bai/moi`, `<console>/bai/<id>`: an entry's form, with the
    /// fields of its kind, and the workflow's buttons: save the draft,
    /// submit it, and for an approver approve and publish (now, at a time,
    /// or keeping the date of an item already online).
    static func entryForm(
        base: String, section: Section, draft d: EntryDraft, id: Int64?, errors: [String: String], csrf: String, item: EditorEntry?, approves: Bool,
        basedOn: Int64? = nil, files: [StoredFile] = [], limitMB: Int = 10, editor: String? = nil, autosave: AutosaveOffer? = nil
    ) -> HTML {
        let publishedOn = item.flatMap { $0.entry.status == .published && $0.entry.publishedAt <= Date() ? $0.entry.publishedAt : nil }
        var specific: [HTML] = []
        switch d.kind {
        case .document:
            specific.append(Field.select("loai-van-ban", "Hình thức văn bản", options: [("", "— Chọn —")] + ["Quyết định", "Nghị quyết", "Chỉ thị", "Kế hoạch", "Thông báo", "Công văn", "Báo cáo", "Tờ trình", "Hướng dẫn"].map { ($0, $0) }, selected: d.docType, errors: errors))
            specific.append(Field.text("so-ky-hieu", "Số ký hiệu", value: d.docNumber, errors: errors, required: true, hint: "Ví dụ 125/QĐ-UBND"))
            specific.append(Field.text("co-quan", "Cơ quan ban hành", value: d.issuer, errors: errors, required: true))
            specific.append(Field.text("nguoi-ky", "Người ký", value: d.signer, errors: errors))
            specific.append(Field.text("ngay-ban-hanh", "Ngày ban hành", value: d.issuedOn, errors: errors, required: true, type: "date"))
            specific.append(Field.text("ngay-hieu-luc", "Ngày hiệu lực", value: d.effectiveOn, errors: errors, type: "date"))
            specific.append(Self.filePicker("tep", "Tệp văn bản (PDF)", value: d.fileURL, files: files.filter { $0.contentType == "application/pdf" }, upload: "tep-moi", accept: ".pdf", limitMB: limitMB, errors: errors))
        case .procedure:
            specific.append(Field.text("linh-vuc", "Lĩnh vực", value: d.field, errors: errors, required: true, hint: "Ví dụ Hộ tịch, Chứng thực"))
            specific.append(Field.select("muc-do", "Mức độ dịch vụ công trực tuyến", options: [("", "— Chọn —"), ("toàn trình", "Toàn trình"), ("một phần", "Một phần")], selected: d.serviceLevel, errors: errors))
            specific.append(Field.text("lien-ket", "Liên kết trên Cổng Dịch vụ công quốc gia", value: d.portalURL, errors: errors, type: "url"))
            specific.append(Field.text("thoi-han", "Thời hạn giải quyết", value: d.processingTime, errors: errors))
            specific.append(Field.text("phi", "Phí, lệ phí", value: d.fee, errors: errors))
        case .schedule:
            specific.append(Field.text("bat-dau", "Bắt đầu", value: d.startsAt, errors: errors, required: true, type: "datetime-local"))
            specific.append(Field.text("ket-thuc", "Kết thúc", value: d.endsAt, errors: errors, type: "datetime-local"))
            specific.append(Field.text("dia-diem", "Địa điểm", value: d.location, errors: errors))
            specific.append(Field.text("chu-tri", "Chủ trì", value: d.presider, errors: errors))
        case .leader:
            specific.append(Field.text("chuc-vu", "Chức vụ", value: d.positionTitle, errors: errors, required: true))
            specific.append(Field.text("dien-thoai", "Điện thoại", value: d.phone, errors: errors))
            specific.append(Field.text("email", "Thư điện tử", value: d.email, errors: errors, type: "email"))
        case .budget:
            specific.append(Field.text("nam", "Năm", value: d.periodYear, errors: errors, required: true, type: "number"))
            specific.append(Field.select("ky", "Kỳ báo cáo", options: [("", "— Chọn —")] + ["Quý I", "Quý II", "Quý III", "Quý IV", "6 tháng", "Năm", "Quyết toán"].map { ($0, $0) }, selected: d.periodLabel, errors: errors))
            specific.append(Self.filePicker("tep", "Tệp biểu mẫu", value: d.fileURL, files: files, upload: "tep-moi", accept: ".pdf,image/png,image/jpeg,image/webp", limitMB: limitMB, errors: errors))
        case .article:
            break
        }
        if section.id == MandatorySection.consultation.id {
            specific.append(Field.text("han-gop-y", "Hạn nhận góp ý", value: d.consultationDeadline, errors: errors, type: "datetime-local"))
            specific.append(Field.area("ket-qua", "Kết quả tổng hợp, tiếp thu, giải trình", value: d.consultationResult, errors: errors, rows: 6, hint: "Công bố sau khi hết hạn góp ý (Markdown)."))
        }
        var choices = [("dang", "Đăng ngay khi duyệt"), ("hen-gio", "Hẹn giờ đăng")]
        if let publishedOn { choices.insert(("giu", "Giữ ngày đã đăng (\(Layout.date(publishedOn)))"), at: 0) }
        let chosen = d.publish == .draft ? choices[0].0 : EntryForm.value(d.publish)
        let publish = HTML(choices.map { value, label -> HTML in
            "<div class=\"field check\"><input type=\"radio\" id=\"f-dang-\(value)\" name=\"dang\" value=\"\(value)\"\(chosen == value ? " checked" as HTML : .empty)> <label for=\"f-dang-\(value)\">\(label)</label></div>"
        })
        let publication: HTML = approves
            ? "<fieldset><legend>Khi duyệt và đăng</legend>\(publish)\(Field.text("hen-gio-luc", "Thời điểm đăng (khi hẹn giờ)", value: d.publishAt, errors: errors, type: "datetime-local"))</fieldset>"
            : "<p class=\"hint\">Bài chỉ hiện trên trang sau khi người duyệt duyệt và đăng.</p>"
        let buttons: HTML = """
            <button class="button secondary" type="submit" name="hanh-dong" value="luu">Lưu nháp</button> \
            <button class="button\(approves ? " secondary" as HTML : .empty)" type="submit" name="hanh-dong" value="gui-duyet">Gửi duyệt</button>\
            \(approves ? " <button class=\"button\" type=\"submit\" name=\"hanh-dong\" value=\"dang\">Duyệt và đăng</button>" as HTML : .empty)
            """
        let offer: HTML = autosave.map { offer -> HTML in
            let when = VietnamTime(offer.savedAt).dateTimeString
            return offer.restored
                ? "<div class=\"notice\" role=\"status\"><p>Đang hiện bản tự lưu lúc \(when). Bấm “Lưu nháp” để giữ bản này, hoặc <a href=\"\(offer.formURL)\">mở lại bản đã lưu</a>.</p></div>\n"
                : "<div class=\"notice\" role=\"status\"><p>Có bản tự lưu lúc \(when) chưa được lưu. <a href=\"\(offer.formURL + (offer.formURL.contains("?") ? "&" : "?") + "tu-luu=1")\">Mở bản tự lưu</a></p></div>\n"
        } ?? .empty
        // A new item can start from a Word document instead.
        let fromWord: HTML = id == nil ? """
            <form method="post" action="\(base + "/bai/tu-tep?chuyen-muc=\(section.id)&loai=\(d.kind.rawValue)")" enctype="multipart/form-data" class="from-word">\(Field.csrf(csrf))
            <div class="field"><label for="f-tep-word">Có sẵn văn bản Word? Tạo bản nháp từ tệp .docx</label>\(Field.message("tep-word", errors: errors, hint: "Giữ tiêu đề, đoạn văn, danh sách, bảng, chữ đậm, nghiêng, liên kết và ảnh (ảnh vào thư viện). Tối đa \(limitMB) MB."))\
            <input id="f-tep-word" name="tep-word" type="file" accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"\(Field.describedBy("tep-word", errors: errors, hint: true))></div>
            <p><button class="button secondary" type="submit">Tạo bản nháp từ tệp Word</button></p>
            </form>

            """ : .empty
        return """
            \(offer)\(fromWord)\(Field.summary(errors, order: ["tep-word", "tieu-de", "tom-tat", "loai-van-ban", "so-ky-hieu", "co-quan", "ngay-ban-hanh", "ngay-hieu-luc", "tep", "linh-vuc", "muc-do", "lien-ket", "bat-dau", "ket-thuc", "chuc-vu", "email", "nam", "ky", "han-gop-y", "noi-dung", "anh", "mo-ta-anh", "hen-gio-luc"]))<form method="post" action="\(href: base + (id.map { "/bai/\($0)" } ?? "/bai"))" enctype="multipart/form-data">
            \(Field.csrf(csrf))<input type="hidden" name="chuyen-muc" value="\(section.id)"><input type="hidden" name="loai" value="\(d.kind.rawValue)">\(basedOn.map { "<input type=\"hidden\" name=\"ban\" value=\"\($0)\">" as HTML } ?? .empty)
            \(Field.text("tieu-de", d.kind == .leader ? "Họ và tên" : "Tiêu đề", value: d.title, errors: errors, required: true))\
            \(Field.area("tom-tat", d.kind == .leader ? "Nhiệm vụ được phân công" : "Tóm tắt", value: d.summary, errors: errors, rows: 3))\
            \(specific)\
            \(Self.bodyEditor(base: base, label: d.kind == .leader ? "Tiểu sử tóm tắt" : "Nội dung", body: d.body, format: d.bodyFormat, errors: errors, rows: 14, editor: editor, limitMB: limitMB, entry: id.map(String.init) ?? ""))\
            \(Self.filePicker("anh", "Ảnh minh họa", value: d.imageURL, files: files.filter { $0.contentType.hasPrefix("image/") }, upload: "anh-moi", accept: "image/png,image/jpeg,image/webp,image/gif", limitMB: limitMB, errors: errors))\
            \(Field.text("mo-ta-anh", "Mô tả ảnh (cho người không nhìn thấy ảnh)", value: d.imageAlt, errors: errors))\
            \(Field.text("tac-gia", "Tác giả", value: d.author, errors: errors))\
            \(publication)
            <p class="actions">\(buttons) <a href="\(base)/bai?chuyen-muc=\(section.id)">Về danh sách</a></p>
            \(editor != nil ? "<p id=\"tu-luu-trang-thai\" class=\"hint\"></p><p id=\"tu-luu-canh-bao\" class=\"error\" role=\"alert\"></p>" as HTML : .empty)
            </form>
            """
    }

    /// A body's text area and its format. With `editor` (the console's
    /// assets and their version), the rich-text editor takes the text area's
    /// place while the format is "Trình soạn thảo"; without script the text
    /// area takes HTML or Markdown typed by hand.
    static func bodyEditor(
        base: String, label: String, body: String, format: BodyFormat, errors: [String: String], rows: Int, editor: String?, limitMB: Int = 10,
        entry: String? = nil
    ) -> HTML {
        let hint = "Trình soạn thảo: viết như trong Word; dán từ Word hoặc LibreOffice giữ tiêu đề, danh sách, bảng, chữ đậm, nghiêng và liên kết; nút ảnh chèn ảnh hoặc tệp từ thư viện. Markdown: # tiêu đề, **chữ đậm**, - gạch đầu dòng, [chữ](https://địa chỉ). Mã lệnh và định dạng có thể gây hại được tự động loại bỏ."
        let assets: HTML = editor.map { version in
            """
            <link rel="stylesheet" href="/quan-tri/tai-nguyen/material-icons.css?v=\(version)"><link rel="stylesheet" href="/quan-tri/tai-nguyen/prose-editor.css?v=\(version)"><link rel="stylesheet" href="/quan-tri/tai-nguyen/prose-overrides.css?v=\(version)"><link rel="stylesheet" href="/quan-tri/tai-nguyen/soan-thao.css?v=\(version)">
            <script type="module" src="/quan-tri/tai-nguyen/soan-thao.js?v=\(version)" id="soan-thao" data-o="f-noi-dung" data-dinh-dang="f-dinh-dang" data-co-so="\(base)" data-gioi-han="\(limitMB * 1024 * 1024)"\(entry.map { " data-tu-luu=\"\(base)/bai/tu-luu\" data-bai=\"\($0)\"" as HTML } ?? .empty)></script>

            """
        } ?? .empty
        return HTML([
            Field.select("dinh-dang", "Cách soạn nội dung", options: [("html", "Trình soạn thảo"), ("markdown", "Markdown")], selected: format.rawValue, errors: errors),
            Field.area("noi-dung", label, value: body, errors: errors, rows: rows, hint: hint),
            assets,
        ])
    }

    /// A file of the commune's library, chosen by its name, or a new one
    /// uploaded with the form: nobody types a file's address.
    static func filePicker(
        _ name: String, _ label: String, value: String, files: [StoredFile], upload: String, accept: String, limitMB: Int, errors: [String: String]
    ) -> HTML {
        var options = [("", "— Không có —")] + files.map { ("/tep/\($0.id)", "\($0.name) (\(Layout.date($0.createdAt)))") }
        if !value.isEmpty && !options.contains(where: { $0.0 == value }) { options.insert((value, value), at: 1) }
        return HTML([
            Field.select(name, label + ": chọn trong thư viện", options: options, selected: value, errors: errors),
            "<div class=\"field\"><label for=\"f-\(upload)\">hoặc tải tệp mới lên (tối đa \(limitMB) MB)</label><input id=\"f-\(upload)\" name=\"\(upload)\" type=\"file\" accept=\"\(accept)\"></div>\n",
        ])
    }

    /// The question before an item is taken off the site.
    static func confirmUnpublish(base: String, entry: Entry, csrf: String) -> HTML {
        """
            <p>Bài <strong>\(entry.title)</strong> sẽ không còn hiện trên trang thông tin điện tử. Bài vẫn được lưu trong mục quản trị và có thể đăng lại bất cứ lúc nào.</p>
            <form method="post" action="\(base)/bai/\(entry.id)/trang-thai">\(Field.csrf(csrf))<input type="hidden" name="trang-thai" value="unpublished"><input type="hidden" name="xac-nhan" value="1">
            <p class="actions"><button class="button" type="submit">Gỡ xuống</button> <a href="\(base)/bai/\(entry.id)">Không, giữ bài trên trang</a></p>
            </form>
            """
    }

    /// `<console>/trang/<id>`: a static section's body; the introduction
    /// also lists its leaders.
    static func sectionBody(
        base: String, section: Section, body: String, format: BodyFormat, errors: [String: String], csrf: String, leaders: [Entry], editor: String? = nil
    ) -> HTML {
        let leaderList: HTML = section.id == MandatorySection.introduction.id ? """
            <h2 id="lanh-dao">Lãnh đạo Ủy ban nhân dân</h2>
            <ul class="items">\(leaders.map { l -> HTML in "<li><a href=\"\(base)/bai/\(l.id)\">\(l.title)</a> – \(l.positionTitle ?? "")\(l.status == .published ? HTML.empty : " (chưa đăng)")</li>" })</ul>
            <p><a class="button" href="\(base)/bai/moi?chuyen-muc=\(MandatorySection.introduction.id)&amp;loai=leader">Thêm lãnh đạo</a></p>
            """ : .empty
        return """
            \(Field.summary(errors))<p>\(section.summary)</p>
            <form method="post" action="\(base)/trang/\(section.id)">\(Field.csrf(csrf))
            \(Self.bodyEditor(base: base, label: "Nội dung trang", body: body, format: format, errors: errors, rows: 18, editor: editor))\
            <p class="actions"><button class="button" type="submit">Lưu</button> <a href="/\(section.slug)">Xem trang</a></p>
            </form>
            \(leaderList)
            """
    }

    /// `<console>/thong-tin`: the footer and the maintenance notice.
    static func site(base: String, fields f: [String: String], errors: [String: String], csrf: String) -> HTML {
        return """
            \(Field.summary(errors))<form method="post" action="\(base)/thong-tin">\(Field.csrf(csrf))
            <fieldset><legend>Chân trang (Thông tư 32/2017/TT-BTTTT, Điều 16)</legend>
            \(Field.text("co-quan", "Cơ quan chủ quản", value: f["co-quan"] ?? "", errors: errors, required: true))\
            \(Field.text("nguoi-chiu-trach-nhiem", "Người chịu trách nhiệm", value: f["nguoi-chiu-trach-nhiem"] ?? "", errors: errors, required: true))\
            \(Field.text("chuc-vu", "Chức vụ người chịu trách nhiệm", value: f["chuc-vu"] ?? "", errors: errors))\
            \(Field.text("dia-chi", "Địa chỉ", value: f["dia-chi"] ?? "", errors: errors))\
            \(Field.text("dien-thoai", "Điện thoại", value: f["dien-thoai"] ?? "", errors: errors))\
            \(Field.text("email", "Thư điện tử", value: f["email"] ?? "", errors: errors, type: "email"))\
            </fieldset>
            <fieldset><legend>Thông báo bảo trì (báo trước ít nhất 7 ngày làm việc)</legend>
            \(Field.area("thong-bao", "Nội dung thông báo", value: f["thong-bao"] ?? "", errors: errors, rows: 3))\
            \(Field.text("thong-bao-tu", "Thời điểm bảo trì", value: f["thong-bao-tu"] ?? "", errors: errors, type: "datetime-local", hint: "Thông báo hiện trên mọi trang từ 14 ngày trước thời điểm này."))\
            \(Field.text("thong-bao-den", "Ẩn thông báo sau", value: f["thong-bao-den"] ?? "", errors: errors, type: "datetime-local"))\
            </fieldset>
            <fieldset><legend>Mã giám sát EMC (Thông tư 22/2023/TT-BTTTT)</legend>
            \(Field.text("ma-emc", "Mã số trang trên Hệ thống EMC", value: f["ma-emc"] ?? "", errors: errors, hint: "Dãy chữ số Hệ thống giám sát, đo lường mức độ cung cấp và sử dụng dịch vụ Chính phủ số (EMC) cấp cho trang, ví dụ 4064. Trang sẽ tải mã theo dõi chính thức của Hệ thống EMC với mã số này."))\
            </fieldset>
            <p><button class="button" type="submit">Lưu</button></p>
            </form>
            """
    }

    /// A content type in words.
    static func fileKind(_ type: String) -> String {
        switch type {
        case "application/pdf": "Tài liệu PDF"
        case "image/png": "Ảnh PNG"
        case "image/jpeg": "Ảnh JPEG"
        case "image/gif": "Ảnh GIF"
        case "image/webp": "Ảnh WebP"
        default: type
        }
    }

    /// `<console>/hoi-dap`: citizens' questions, late ones marked.
    static func questions(base: String, _ questions: [Question], now: Date) -> HTML {
        let rows = HTML(questions.map { q -> HTML in
            let age = WorkingDays.between(q.createdAt, now)
            let late: HTML = q.status != .answered && age > 15 ? " <span class=\"status-bad\">quá hạn \(age) ngày làm việc</span>" : .empty
            return "<tr><td>\(q.code)</td><td><a href=\"\(base)/hoi-dap/\(q.id)\">\(q.title)</a>\(q.kind == .information ? " <small>(yêu cầu cung cấp thông tin)</small>" as HTML : .empty)</td><td>\(q.status.title)\(late)\(q.published ? " · đã công bố" : "")</td><td>\(Layout.date(q.createdAt))</td></tr>"
        })
        return questions.isEmpty ? "<p>Chưa có câu hỏi nào.</p>" : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Câu hỏi của người dân (thời hạn trả lời 15 ngày làm việc)"><table class="data"><caption>Câu hỏi của người dân (thời hạn trả lời 15 ngày làm việc)</caption>
            <thead><tr><th scope="col">Mã</th><th scope="col">Tiêu đề</th><th scope="col">Tình trạng</th><th scope="col">Ngày gửi</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// `<console>/hoi-dap/<id>`: one question and the answer form.
    static func question(base: String, _ q: Question, errors: [String: String], csrf: String, answer: String, state: Question.Status, publish: Bool) -> HTML {
        return """
            \(Field.summary(errors))<dl><dt>Loại</dt><dd>\(q.kind == .question ? "Câu hỏi (Hỏi đáp)" : "Yêu cầu cung cấp thông tin (Luật Tiếp cận thông tin 2016)")</dd>
            <dt>Mã theo dõi</dt><dd>\(q.code)</dd><dt>Người gửi</dt><dd>\(q.askerName) (\(q.contact.isEmpty ? "liên hệ đã xóa" : q.contact))</dd>\
            \(q.kind == .information ? """
                <dt>Nơi cư trú</dt><dd>\(q.residence)</dd><dt>Số định danh</dt><dd>\(q.idNumber)</dd>\
                <dt>Mục đích</dt><dd>\(q.purpose)</dd><dt>Cách nhận</dt><dd>\(InformationRequestSubmission.Delivery(rawValue: q.delivery)?.title ?? q.delivery)</dd>
                """ as HTML : .empty)\
            \(q.notifyEmail.isEmpty ? HTML.empty : "<dt>Nhận thông báo qua thư</dt><dd>\(q.notifyEmail)</dd>")
            <dt>Ngày gửi</dt><dd>\(Layout.date(q.createdAt))</dd><dt>Nội dung</dt><dd>\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: q.body))</dd></dl>
            <form method="post" action="\(base)/hoi-dap/\(q.id)">\(Field.csrf(csrf))
            \(Field.select("trang-thai", "Tình trạng", options: Question.Status.allCases.map { ($0.rawValue, $0.title) }, selected: state.rawValue, errors: errors))\
            \(Field.area("tra-loi", "Câu trả lời", value: answer, errors: errors, rows: 8))\
            \(q.kind == .question ? Field.check("cong-khai", "Công bố câu hỏi và câu trả lời trên trang", checked: publish) : .empty)\
            <p><button class="button" type="submit">Lưu</button> <a href="\(base)/hoi-dap">Về danh sách</a></p>
            </form>
            """
    }

    /// `<console>/y-kien`: comments waiting for moderation.
    static func comments(base: String, _ pending: [Comment], csrf: String) -> HTML {
        let rows = HTML(pending.map { c -> HTML in
            """
            <tr><td>\(c.entryTitle)</td><td>\(c.authorName)</td><td>\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: c.body))</td><td>\(Layout.date(c.createdAt))</td>\
            <td class="actions"><form method="post" action="\(base)/y-kien/\(c.id)">\(Field.csrf(csrf))<input type="hidden" name="duyet" value="1"><button class="linkbutton" type="submit">Duyệt<span class="visually-hidden"> góp ý của \(c.authorName)</span></button></form>\
            <form method="post" action="\(base)/y-kien/\(c.id)">\(Field.csrf(csrf))<input type="hidden" name="duyet" value="0"><button class="linkbutton" type="submit">Từ chối<span class="visually-hidden"> góp ý của \(c.authorName)</span></button></form></td></tr>
            """
        })
        return pending.isEmpty ? "<p>Không có góp ý nào chờ duyệt.</p>" : """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Góp ý chờ duyệt"><table class="data"><caption>Góp ý chờ duyệt</caption>
            <thead><tr><th scope="col">Dự thảo</th><th scope="col">Người góp ý</th><th scope="col">Nội dung</th><th scope="col">Ngày</th><th scope="col">Thao tác</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}

/// An autosave the entry form offers back (or shows, once restored).
struct AutosaveOffer {
    var savedAt: Date
    /// The form's own address, without `tu-luu=1`.
    var formURL: String
    var restored: Bool
}
