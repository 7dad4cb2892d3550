import Foundation
import TenantCore

/// Hỏi đáp and Lấy ý kiến: what citizens read and the forms they send.
enum CitizenViews {
    /// The honeypot: a field people never see or reach; bots fill it.
    static let honeypot: HTML = """
        <div class="visually-hidden" aria-hidden="true"><label for="f-website">Không điền vào ô này</label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
        """

    /// What the question form collects, why, and for how long (Law 91/2025/QH15).
    static var privacyNotice: HTML {
        let policy = RetentionPolicy()
        return """
            <details class="notice-box"><summary>Dữ liệu cá nhân của bạn được dùng thế nào</summary>
            <p>Chúng tôi thu thập họ và tên, số điện thoại hoặc thư điện tử bạn nhập, và nội dung câu hỏi, chỉ để trả lời câu hỏi này. \
            Chỉ cán bộ xử lý của Ủy ban nhân dân thấy thông tin liên hệ; thông tin này không được công bố, không được chuyển cho bên khác.</p>
            <p>Thông tin liên hệ được xóa \(policy.questionContactDaysAfterAnswer) ngày sau khi câu hỏi được trả lời \
            (hoặc \(policy.questionContactDaysUnanswered) ngày sau khi gửi nếu chưa được trả lời); câu hỏi và câu trả lời có thể được giữ lại, không kèm thông tin liên hệ. \
            Bạn có thể yêu cầu Ủy ban nhân dân cho xem hoặc xóa dữ liệu của mình (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).</p>
            </details>
            """
    }

    /// In an archive, instead of a form: the archive takes nothing new, and
    /// the same form on the site that keeps it.
    static func elsewhere(_ chrome: SiteChrome, what: String, path: String) -> HTML? {
        guard let archive = chrome.archive else { return nil }
        let home = String(chrome.baseURL.dropLast(archive.prefix.count))
        return """
            <p class="notice-box">Đây là trang lưu trữ của \(chrome.tenant.name), không còn nhận \(what). \
            Vui lòng gửi tại trang của \(archive.home.name): <a href="\(href: home + path)">\(archive.home.name)</a>.</p>
            """
    }

    /// `/tiep-can-thong-tin/yeu-cau`: a request for information, with the
    /// fields of form 01a (Decree 13/2018/NĐ-CP).
    static func informationForm(_ chrome: SiteChrome, fields: [String: String], errors: [String: String]) -> HTML {
        let policy = RetentionPolicy()
        let deliveries = InformationRequestSubmission.Delivery.allCases.map { d -> HTML in
            let checked: HTML = fields["cach-nhan"] == d.rawValue ? " checked" : .empty
            return "<div class=\"field check\"><input type=\"radio\" id=\"f-cach-nhan-\(d.rawValue)\" name=\"cach-nhan\" value=\"\(d.rawValue)\"\(checked)> <label for=\"f-cach-nhan-\(d.rawValue)\">\(d.title)</label></div>"
        }
        let deliveryError: HTML = errors["cach-nhan"].map { "<span class=\"error\" id=\"e-cach-nhan\">\($0)</span>" } ?? .empty
        if let note = self.elsewhere(chrome, what: "yêu cầu cung cấp thông tin", path: "/tiep-can-thong-tin/yeu-cau") {
            return self.page(
                chrome, title: "Yêu cầu cung cấp thông tin", path: "/tiep-can-thong-tin/yeu-cau", main: note,
                section: MandatorySection.accessToInformation.id)
        }
        let main: HTML = """
            <p>Theo Luật Tiếp cận thông tin năm 2016, công dân có quyền yêu cầu Ủy ban nhân dân \(chrome.tenant.nameInSentence) cung cấp thông tin do Ủy ban nhân dân tạo ra hoặc nắm giữ. \
            Yêu cầu được tiếp nhận và trả lời trong thời hạn luật định: chậm nhất 15 ngày làm việc kể từ ngày nhận yêu cầu hợp lệ (có thể gia hạn không quá 15 ngày, có thông báo). Bạn sẽ nhận một mã để theo dõi.</p>
            <details class="notice-box"><summary>Dữ liệu cá nhân của bạn được dùng thế nào</summary>
            <p>Các thông tin trong biểu mẫu (theo Mẫu số 01a, Nghị định 13/2018/NĐ-CP) chỉ dùng để giải quyết yêu cầu này và chỉ cán bộ xử lý thấy. \
            Nơi cư trú, số định danh và thông tin liên hệ được xóa \(policy.questionContactDaysAfterAnswer) ngày sau khi yêu cầu được trả lời \
            (hoặc \(policy.questionContactDaysUnanswered) ngày sau khi gửi nếu chưa được trả lời). Bạn có thể yêu cầu xem hoặc xóa dữ liệu của mình (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).</p>
            </details>
            \(Field.summary(errors, order: ["ho-ten", "noi-cu-tru", "so-dinh-danh", "lien-he", "thong-tin", "muc-dich", "cach-nhan", "thu-dien-tu", "dong-y"]))<form method="post" action="/tiep-can-thong-tin/yeu-cau">
            \(Field.text("ho-ten", "Họ và tên", value: fields["ho-ten"] ?? "", errors: errors, required: true, autocomplete: "name"))\
            \(Field.text("noi-cu-tru", "Nơi cư trú", value: fields["noi-cu-tru"] ?? "", errors: errors, required: true, autocomplete: "street-address"))\
            \(Field.text("so-dinh-danh", "Số định danh cá nhân (căn cước công dân)", value: fields["so-dinh-danh"] ?? "", errors: errors, required: true, hint: "12 chữ số; hoặc 9 chữ số của chứng minh nhân dân cũ."))\
            \(Field.text("lien-he", "Số điện thoại hoặc thư điện tử", value: fields["lien-he"] ?? "", errors: errors, required: true, autocomplete: "tel"))\
            \(Field.area("thong-tin", "Thông tin cần cung cấp", value: fields["thong-tin"] ?? "", errors: errors, rows: 5, required: true, hint: "Tên văn bản, hồ sơ, tài liệu (số, ký hiệu, ngày nếu biết) hoặc nội dung thông tin cần."))\
            \(Field.area("muc-dich", "Mục đích sử dụng thông tin", value: fields["muc-dich"] ?? "", errors: errors, rows: 3, required: true))\
            <fieldset\(errors["cach-nhan"] != nil ? " aria-describedby=\"e-cach-nhan\"" as HTML : .empty)><legend>Cách nhận thông tin <span aria-hidden="true">*</span></legend>\(deliveryError)\(HTML(deliveries))</fieldset>
            <fieldset><legend>Nhận thông báo qua thư điện tử</legend>
            \(Field.text("thu-dien-tu", "Thư điện tử", value: fields["thu-dien-tu"] ?? "", errors: errors, type: "email", hint: "Bắt buộc nếu chọn nhận thông tin qua thư điện tử; khi yêu cầu được trả lời, chúng tôi gửi thư kèm liên kết.", autocomplete: "email"))\
            \(Field.check("dong-y", "Tôi đồng ý để Ủy ban nhân dân dùng địa chỉ thư này chỉ để trả lời yêu cầu này.", checked: fields["dong-y"] == "1", errors: errors))\
            </fieldset>
            \(self.honeypot)
            <p><button class="button" type="submit">Gửi yêu cầu</button></p>
            </form>
            <p><a href="/tiep-can-thong-tin/tra-cuu">Tra cứu yêu cầu đã gửi</a></p>
            """
        return self.page(
            chrome, title: "Yêu cầu cung cấp thông tin", path: "/tiep-can-thong-tin/yeu-cau", main: main,
            section: MandatorySection.accessToInformation.id)
    }

    static func questionsPage(_ chrome: SiteChrome, _ section: Section, _ questions: [Question]) -> HTML {
        let items: HTML = questions.isEmpty ? "<p>Chưa có câu hỏi nào được công bố.</p>" : """
            <ul class="items">\(questions.map { q -> HTML in
                """
                <li><h2 class="h3">\(q.title)</h2><p class="meta">\(q.publicName) hỏi ngày \(Layout.date(q.createdAt))\(q.answeredAt.map { " · trả lời ngày " + Layout.date($0) } ?? "")</p>\
                <div class="prose">\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: q.body))</div><h3>Trả lời</h3><div class="prose">\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: q.answer))</div></li>
                """
            })</ul>
            """
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            \(self.elsewhere(chrome, what: "câu hỏi mới", path: "/hoi-dap/gui-cau-hoi") ?? "<p class=\"actions\"><a class=\"button\" href=\"/hoi-dap/gui-cau-hoi\">Gửi câu hỏi, phản ánh</a> <a href=\"/hoi-dap/tra-cuu\">Tra cứu câu hỏi đã gửi</a></p>")
            <p>Ủy ban nhân dân trả lời hoặc thông báo tình trạng xử lý trong 15 ngày làm việc.</p>
            <h2>Các câu hỏi đã trả lời</h2>
            \(items)
            \(SectionView.basis(section))
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    static func questionForm(_ chrome: SiteChrome, fields: [String: String], errors: [String: String]) -> HTML {
        if let note = self.elsewhere(chrome, what: "câu hỏi mới", path: "/hoi-dap/gui-cau-hoi") {
            return self.page(chrome, title: "Gửi câu hỏi", path: "/hoi-dap/gui-cau-hoi", main: note)
        }
        let main: HTML = """
            <p>Câu hỏi được gửi tới Ủy ban nhân dân \(chrome.tenant.nameInSentence). Bạn sẽ nhận một mã để theo dõi tình trạng xử lý.</p>
            <p>Nếu câu hỏi có ích cho nhiều người, Ủy ban nhân dân có thể công bố câu hỏi và câu trả lời trong chuyên mục Hỏi đáp, kèm chữ cái đầu của họ tên người hỏi (hoặc họ tên đầy đủ nếu bạn chọn); số điện thoại và thư điện tử không bao giờ được công bố.</p>
            \(self.privacyNotice)
            \(Field.summary(errors, order: ["ho-ten", "lien-he", "tieu-de", "noi-dung", "thu-dien-tu", "dong-y"]))<form method="post" action="/hoi-dap/gui-cau-hoi">
            \(Field.text("ho-ten", "Họ và tên", value: fields["ho-ten"] ?? "", errors: errors, required: true, autocomplete: "name"))\
            \(Field.text("lien-he", "Số điện thoại hoặc thư điện tử", value: fields["lien-he"] ?? "", errors: errors, required: true, hint: "Chỉ cán bộ xử lý thấy thông tin này.", autocomplete: "email"))\
            \(Field.text("tieu-de", "Tiêu đề", value: fields["tieu-de"] ?? "", errors: errors, required: true))\
            \(Field.area("noi-dung", "Nội dung câu hỏi, phản ánh, kiến nghị", value: fields["noi-dung"] ?? "", errors: errors, rows: 8, required: true))\
            <fieldset><legend>Nhận câu trả lời qua thư điện tử (không bắt buộc)</legend>
            \(Field.text("thu-dien-tu", "Thư điện tử nhận thông báo", value: fields["thu-dien-tu"] ?? "", errors: errors, type: "email", hint: "Khi câu hỏi được trả lời, chúng tôi gửi một thư kèm liên kết đến câu trả lời.", autocomplete: "email"))\
            \(Field.check("dong-y", "Tôi đồng ý để Ủy ban nhân dân dùng địa chỉ thư này chỉ để báo cho tôi khi câu hỏi được trả lời.", checked: fields["dong-y"] == "1", errors: errors))\
            </fieldset>
            \(Field.check("cong-bo-ten", "Nếu câu hỏi được công bố, hiện họ và tên đầy đủ của tôi (không chọn: chỉ hiện chữ cái đầu).", checked: fields["cong-bo-ten"] == "1", errors: errors))\
            \(self.honeypot)
            <p><button class="button" type="submit">Gửi câu hỏi</button></p>
            </form>
            """
        return self.page(chrome, title: "Gửi câu hỏi", path: "/hoi-dap/gui-cau-hoi", main: main)
    }

    /// `/danh-gia`: how satisfied a citizen is with the site's information
    /// and the commune's public services (Decree 224/2026, Art. 10(3)(b)).
    static func ratingForm(_ chrome: SiteChrome, fields: [String: String], errors: [String: String], sent: Bool) -> HTML {
        let main: HTML = self.elsewhere(chrome, what: "đánh giá", path: "/danh-gia") ?? self.rating(
            fields: fields, errors: errors, sent: sent, body: chrome.issuingBody, services: "Dịch vụ công, thủ tục hành chính của xã",
            summarisedFor: "Ủy ban nhân dân xã và tỉnh")
        var meta = PageMeta(title: "Đánh giá mức độ hài lòng", description: "Đánh giá mức độ hài lòng với trang và dịch vụ công của \(chrome.issuingBody).", path: "/danh-gia")
        meta.crumbs = [("Đánh giá mức độ hài lòng", nil)]
        return Layout.page(chrome, meta, main: "<h1>Đánh giá mức độ hài lòng</h1>\n\(main)")
    }

    /// The rating form of a commune's site or of a portal: two scales and a
    /// remark, posted to `/danh-gia`, with the thanks once sent.
    static func rating(
        fields: [String: String], errors: [String: String], sent: Bool, body: String, services: String, summarisedFor: String
    ) -> HTML {
        let levels = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
        func scale(_ name: String, _ legend: String) -> HTML {
            let options = HTML(levels.enumerated().map { index, label -> HTML in
                let value = String(index + 1)
                let checked: HTML = fields[name] == value ? " checked" : .empty
                return "<div class=\"check\"><input type=\"radio\" id=\"\(name)-\(value)\" name=\"\(name)\" value=\"\(value)\"\(checked)> <label for=\"\(name)-\(value)\">\(value) – \(label)</label></div>"
            })
            return """
                <fieldset\(Field.describedBy(name, errors: errors, hint: false))><legend>\(legend)</legend>\(Field.message(name, errors: errors, hint: nil))\(options)</fieldset>

                """
        }
        let thanks: HTML = sent
            ? "<p class=\"notice-box\" role=\"status\">Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp \(body) cải thiện trang và dịch vụ.</p>\n"
            : .empty
        return """
            \(thanks)<p>Đánh giá mức độ hài lòng của bạn với thông tin trên trang và với dịch vụ công của \(body). Không cần họ tên hay thông tin liên hệ; kết quả được tổng hợp cho \(summarisedFor).</p>
            \(Field.summary(errors, order: ["thong-tin", "dich-vu", "y-kien"]))<form method="post" action="/danh-gia">
            \(scale("thong-tin", "Thông tin trên trang (đầy đủ, chính xác, kịp thời, dễ tìm)"))\(scale("dich-vu", services))\
            \(Field.area("y-kien", "Ý kiến thêm (không bắt buộc)", value: fields["y-kien"] ?? "", errors: errors, rows: 4))\
            \(self.honeypot)
            <p><button class="button" type="submit">Gửi đánh giá</button></p>
            </form>
            """
    }

    static func tracking(
        _ chrome: SiteChrome, code: String, question: Question?, searched: Bool, isNew: Bool = false, kind: Question.Kind = .question
    ) -> HTML {
        var result: HTML = .empty
        if isNew, question != nil {
            let promise = kind == .question
                ? "câu trả lời được gửi trong 15 ngày làm việc"
                : "thông tin được cung cấp, hoặc việc từ chối được trả lời bằng văn bản nêu lý do, chậm nhất 15 ngày làm việc kể từ ngày nhận yêu cầu hợp lệ (có thể gia hạn không quá 15 ngày, có thông báo)"
            result = """
                <p class="notice-box" role="status">Ủy ban nhân dân đã nhận \(kind.noun) của bạn.</p>
                <p>Mã theo dõi của bạn: <strong class="code">\(code)</strong>. Hãy ghi lại mã này để tra cứu tình trạng xử lý; \(promise).</p>
                """
        }
        if searched {
            if let q = question {
                let answer: HTML = q.status == .answered
                    ? "<h2>Trả lời</h2><div class=\"prose\">\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: q.answer))</div>"
                    : .empty
                result = """
                    \(result)<div role="status"><h2>\(q.title)</h2>
                    <p>Tình trạng: <strong>\(q.status.title)</strong> · gửi ngày \(Layout.date(q.createdAt))</p></div>
                    \(answer)
                    """
            } else {
                result = "<p role=\"status\">Không tìm thấy \(kind.noun) có mã “\(code)”. Vui lòng kiểm tra lại mã.</p>"
            }
        }
        let path = kind == .question ? "/hoi-dap/tra-cuu" : "/tiep-can-thong-tin/tra-cuu"
        let title = kind == .question ? "Tra cứu câu hỏi" : "Tra cứu yêu cầu cung cấp thông tin"
        let main: HTML = """
            <form method="get" action="\(path)" class="form-grid" role="search" aria-label="\(title)">
            <div><label for="ma">Mã theo dõi</label><input id="ma" name="ma" value="\(code)" maxlength="20" autocomplete="off"></div>
            <div><button class="button" type="submit">Tra cứu</button></div>
            </form>
            \(result)
            """
        return self.page(
            chrome, title: title, path: path, main: main, noindex: true,
            section: kind == .question ? MandatorySection.questions.id : MandatorySection.accessToInformation.id)
    }

    /// The consultation block under a draft: deadline, result, approved comments, the form.
    static func consultation(
        _ chrome: SiteChrome, _ entry: Entry, comments: [Comment], now: Date, fields: [String: String] = [:], errors: [String: String] = [:], sent: Bool = false
    ) -> HTML {
        let open = entry.consultationDeadline.map { $0 > now } ?? true
        let deadline: HTML = entry.consultationDeadline.map { d -> HTML in
            "<p><strong>Hạn góp ý:</strong> \(VietnamTime(d).timeString) ngày \(Layout.date(d))\(open ? HTML.empty : " (đã hết hạn)")</p>"
        } ?? .empty
        let result: HTML = entry.consultationResult.isEmpty ? .empty : """
            <h2>Kết quả tổng hợp, tiếp thu, giải trình</h2><div class="prose">\(sanitized: HTMLSanitizer.sanitize(entry.consultationResult))</div>
            """
        let list: HTML = comments.isEmpty ? "<p>Chưa có góp ý nào được công bố.</p>" : """
            <ul class="items">\(comments.map { c -> HTML in
                "<li><p class=\"meta\">\(c.authorName) · \(Layout.date(c.createdAt))</p><div class=\"prose\">\(sanitized: HTMLSanitizer.paragraphs(fromPlainText: c.body))</div></li>"
            })</ul>
            """
        let form: HTML = !open ? .empty : self.elsewhere(chrome, what: "góp ý", path: "/") ?? """
            <h2 id="gop-y">Gửi góp ý</h2>
            <p>Góp ý được hiển thị sau khi cán bộ kiểm duyệt.</p>
            <form method="post" action="/lay-y-kien/\(entry.id)/gop-y">
            \(Field.text("ho-ten", "Họ và tên", value: fields["ho-ten"] ?? "", errors: errors, required: true, autocomplete: "name"))\
            \(Field.text("lien-he", "Số điện thoại hoặc thư điện tử (không bắt buộc)", value: fields["lien-he"] ?? "", errors: errors))\
            \(Field.area("noi-dung", "Nội dung góp ý", value: fields["noi-dung"] ?? "", errors: errors, rows: 6, required: true))\
            \(self.honeypot)
            <p><button class="button" type="submit">Gửi góp ý</button></p>
            </form>
            """
        return """
            <section class="panel" aria-labelledby="h-consult"><h2 id="h-consult">Lấy ý kiến Nhân dân</h2>
            \(sent ? "<p class=\"notice-box\" role=\"status\" id=\"gop-y\">Cảm ơn bạn đã góp ý. Góp ý sẽ hiển thị sau khi được kiểm duyệt.</p>" as HTML : .empty)\(Field.summary(errors, order: ["ho-ten", "lien-he", "noi-dung"]))\(deadline)\(result)<h2>Ý kiến đã công bố</h2>\(list)\(form)</section>
            """
    }

    static func page(
        _ chrome: SiteChrome, title: String, path: String, main: HTML, noindex: Bool = false,
        section sectionID: Int = MandatorySection.questions.id
    ) -> HTML {
        let section = chrome.section(id: sectionID)
        var meta = PageMeta(title: title, description: title, path: path)
        meta.crumbs = [(section?.title ?? "Hỏi đáp", "/" + (section?.slug ?? "hoi-dap")), (title, nil)]
        meta.activeSlug = section?.slug
        meta.noindex = noindex
        return Layout.page(chrome, meta, main: "<h1>\(title)</h1>\n\(main)")
    }
}
