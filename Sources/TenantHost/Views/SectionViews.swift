import Foundation
import TenantCore

enum SectionView {
    static func basis(_ section: Section) -> HTML {
        section.legalBasis.isEmpty ? .empty : "<p class=\"basis\">Căn cứ: \(section.legalBasis)</p>\n"
    }

    /// A feed or periodic section: its items, newest first, a page at a time.
    static func list(_ chrome: SiteChrome, _ section: Section, _ page: Page<Entry>, extra: HTML = .empty) -> HTML {
        let items: HTML
        if page.items.isEmpty {
            items = "<p>Chuyên mục chưa có bài viết nào.</p>\n"
        } else {
            items = """
                <ul class="items">\(page.items.map { e -> HTML in
                    "<li>\(EntryView.thumbnail(e))<h2 class=\"h3\"><a href=\"/\(section.slug)/\(e.id)\">\(e.title)</a>\(Layout.sampleTag(e))</h2><p class=\"meta\"><time datetime=\"\(VietnamTime(e.publishedAt).isoDate)\">\(Layout.date(e.publishedAt))</time>\(self.detail(e))</p><p>\(e.summary)</p></li>"
                })</ul>

                """
        }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            \(extra)\(items)\(Layout.pager(page.number, of: page.pageCount, path: "/" + section.slug))
            \(self.basis(section))<p class="no-print"><a href="/rss/\(section.slug).xml">Theo dõi chuyên mục qua RSS</a></p>
            """
        var meta = PageMeta(
            title: page.number > 1 ? "\(section.title) – trang \(page.number)" : section.title, description: section.summary,
            path: page.number > 1 ? "/\(section.slug)?trang=\(page.number)" : "/\(section.slug)", type: "Collection",
            date: page.items.first?.publishedAt, subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.feedSlug = section.slug
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    static func detail(_ e: Entry) -> HTML {
        switch e.kind {
        case .budget:
            if let year = e.periodYear { return " · Kỳ báo cáo: \(e.periodLabel ?? "") \(year)" }
            return .empty
        case .document:
            return " · \(e.docType ?? "Văn bản") \(e.docNumber ?? "")"
        default:
            return .empty
        }
    }

    /// A static section: its body, plus what the section needs around it.
    static func page(_ chrome: SiteChrome, _ section: Section, leaders: [Entry], documents: [Entry]) -> HTML {
        let body: HTML = section.body.isEmpty
            ? "<p>Nội dung đang được cập nhật.</p>"
            : "\(sanitized: HTMLSanitizer.sanitize(section.body))"
        var extra: [HTML] = []
        switch MandatorySection(rawValue: section.id) {
        case .introduction?:
            if !leaders.isEmpty {
                extra.append("""
                    <h2>Lãnh đạo Ủy ban nhân dân</h2>
                    <ul class="items">\(leaders.map { l -> HTML in
                        "<li>\(l.imageURL.map { "<img class=\"portrait\" src=\"\(href: $0)\" alt=\"\(l.imageAlt ?? l.title)\" width=\"120\" height=\"150\">" as HTML } ?? .empty)<h3>\(l.title)\(Layout.sampleTag(l))</h3><p class=\"meta\">\(l.positionTitle ?? "")</p><p>\(l.summary)</p>\(l.phone.map { "<p>Điện thoại: \($0)</p>" as HTML } ?? .empty)<div class=\"prose\">\(sanitized: HTMLSanitizer.sanitize(l.body))</div></li>"
                    })</ul>
                    """)
            }
        case .contact?, .footer?:
            extra.append(self.contactBlock(chrome))
        case .accessToInformation?:
            extra.append(self.contactBlock(chrome, heading: "Đầu mối cung cấp thông tin"))
            if !documents.isEmpty {
                let slug = chrome.slug(of: MandatorySection.documents.id)
                extra.append("<h2>Thông tin đã công khai gần đây</h2>\(HomeView.documents(documents, slug: slug))")
            }
            extra.append(self.disclosureList(chrome))
            extra.append("""
                <h2>Yêu cầu cung cấp thông tin</h2>
                <p>Thông tin chưa được công khai có thể yêu cầu Ủy ban nhân dân cung cấp: trực tiếp tại trụ sở, qua bưu chính, hoặc qua mạng bằng biểu mẫu dưới đây. \
                Yêu cầu được trả lời chậm nhất 15 ngày làm việc kể từ ngày nhận yêu cầu hợp lệ.</p>
                <p class="actions"><a class="button" href="/tiep-can-thong-tin/yeu-cau">Gửi yêu cầu cung cấp thông tin</a> <a href="/tiep-can-thong-tin/tra-cuu">Tra cứu yêu cầu đã gửi</a></p>
                """)
        default:
            break
        }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            <div class="prose">\(body)</div>
            \(extra)\(self.basis(section))
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    /// What the commune must make public (Law 104/2016, art. 17 and 19;
    /// Law 10/2022, art. 11) and where on this site each is.
    static func disclosureList(_ chrome: SiteChrome) -> HTML {
        let items: [(String, MandatorySection)] = [
            ("Văn bản quy phạm pháp luật, văn bản hành chính có giá trị áp dụng chung", .documents),
            ("Thủ tục hành chính, quy trình giải quyết công việc", .procedures),
            ("Phổ biến, hướng dẫn thực hiện pháp luật, chế độ, chính sách", .legalDissemination),
            ("Kế hoạch phát triển kinh tế – xã hội, quy hoạch, kế hoạch sử dụng đất", .plans),
            ("Dự án, chương trình đầu tư công, mua sắm công, thu hồi đất, bồi thường, tái định cư", .projects),
            ("Dự toán, tình hình thực hiện, quyết toán ngân sách; các khoản huy động đóng góp", .budget),
            ("Chính sách hỗ trợ, trợ cấp; kết quả bình xét; danh sách đối tượng", .socialSupport),
            ("Dự thảo lấy ý kiến Nhân dân và kết quả tiếp thu", .consultation),
            ("Cơ cấu tổ chức, chức năng, nhiệm vụ; nhiệm vụ, quyền hạn của cán bộ, công chức", .organisation),
            ("Thông tin chỉ đạo, điều hành; lịch công tác của lãnh đạo", .direction),
        ]
        let rows = HTML(items.compactMap { label, section -> HTML? in
            guard let found = chrome.section(id: section.id) else { return nil }
            return "<tr><td>\(label)</td><td><a href=\"/\(found.slug)\">\(found.title)</a></td></tr>"
        })
        return """
            <h2>Danh mục thông tin phải công khai</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Danh mục thông tin phải công khai"><table class="data">
            <caption>Thông tin Ủy ban nhân dân phải công khai (Luật Tiếp cận thông tin 2016, Điều 17, 19; Luật Thực hiện dân chủ ở cơ sở 2022, Điều 11) và nơi đăng trên trang này</caption>
            <thead><tr><th scope="col">Thông tin</th><th scope="col">Đăng tại chuyên mục</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>

            """
    }

    static func contactBlock(_ chrome: SiteChrome, heading: StaticString = "Cơ quan chủ quản") -> HTML {
        let site = chrome.site
        var rows: [HTML] = ["<tr><th scope=\"row\">Cơ quan</th><td>\(site.publisher)</td></tr>"]
        rows.append("<tr><th scope=\"row\">Người chịu trách nhiệm</th><td>\(site.responsiblePerson.isEmpty ? "Chưa cập nhật" : site.responsiblePerson)\(site.responsibleTitle.isEmpty ? "" : ", " + site.responsibleTitle)</td></tr>")
        if !site.address.isEmpty { rows.append("<tr><th scope=\"row\">Địa chỉ</th><td>\(site.address)</td></tr>") }
        if !site.phone.isEmpty { rows.append("<tr><th scope=\"row\">Điện thoại</th><td>\(site.phone)</td></tr>") }
        if !site.email.isEmpty {
            rows.append("<tr><th scope=\"row\">Thư điện tử</th><td><a href=\"\(href: "mailto:" + site.email)\">\(site.email)</a></td></tr>")
        }
        return "<h2>\(HTML(stringLiteral: heading))</h2><div class=\"table-scroll\"><table class=\"data\">\(rows)</table></div>\n"
    }
}

enum EntryView {
    /// `/tep/<id>`: a file of this commune's library.
    static func isUpload(_ url: String) -> Bool {
        url.hasPrefix("/tep/") && url.count > 5 && url.dropFirst(5).allSatisfy(\.isNumber)
    }

    /// A body as the site shows it: sanitised, its library images with their copies.
    static func prose(_ body: String) -> SanitizedHTML {
        HTMLSanitizer.sanitize(body).withLibraryImageSizes(widths: ImageResizer.widths, sizes: "(min-width: 60rem) 56rem, 100vw")
    }

    /// An article's featured image beside its title in a list: the smallest
    /// copy, decorative (the title beside it says what it is).
    static func thumbnail(_ e: Entry) -> HTML {
        guard e.kind == .article, let url = e.imageURL, Self.isUpload(url) else { return .empty }
        return "<img src=\"\(href: url)/\(ImageResizer.widths[0])\" alt=\"\" width=\"160\" loading=\"lazy\" decoding=\"async\" style=\"float:right;margin:0 0 .5rem 1rem;height:auto;max-width:40%\">"
    }

    /// An article's featured image (Ảnh minh họa), with the description
    /// saving requires (WCAG 1.1.1).
    static func featured(_ e: Entry) -> HTML {
        guard e.kind == .article, let url = e.imageURL, !url.isEmpty else { return .empty }
        // An upload of this commune has WebP copies at a few widths (ImageResizer).
        let srcset: HTML = Self.isUpload(url)
            ? " srcset=\"\(ImageResizer.widths.map { "\(url)/\($0) \($0)w" }.joined(separator: ", "))\" sizes=\"(min-width: 60rem) 56rem, 100vw\"" : .empty
        return "\n<figure class=\"featured\"><img src=\"\(href: url)\"\(srcset) alt=\"\(e.imageAlt ?? "")\" style=\"max-width:100%;height:auto\" decoding=\"async\"></figure>"
    }

    static func render(_ chrome: SiteChrome, _ section: Section, _ e: Entry, related: [Entry], extra: HTML = .empty) -> HTML {
        let path = "/\(section.slug)/\(e.id)"
        let relatedHTML: HTML = related.isEmpty ? .empty : """
            <section class="no-print" aria-labelledby="h-related"><h2 id="h-related">Bài khác trong chuyên mục</h2>
            <ul class="items">\(related.map { r -> HTML in "<li><a href=\"/\(section.slug)/\(r.id)\">\(r.title)</a> <span class=\"meta\">(\(Layout.date(r.publishedAt)))</span></li>" })</ul></section>
            """
        let main: HTML = """
            <article>
            <h1>\(e.title)</h1>
            <p class="meta">Ngày đăng <time datetime="\(VietnamTime(e.publishedAt).isoDate)">\(Layout.date(e.publishedAt))</time>\(e.author.isEmpty ? HTML.empty : " · \(e.author)")\(Layout.sampleTag(e))</p>
            \(self.facts(e))\(e.summary.isEmpty ? HTML.empty : "<p class=\"lead\">\(e.summary)</p>")\(Self.featured(e))
            <div class="prose">\(sanitized: EntryView.prose(e.body))</div>
            <p class="no-print"><a href="\(href: path + "/ban-in")">Bản in</a> · <a href="/\(section.slug)">Về chuyên mục \(section.title)</a></p>
            </article>
            \(extra)\(relatedHTML)
            """
        var meta = Self.entryMeta(section, e, path: path)
        meta.crumbs = [(section.title, "/\(section.slug)"), (e.title, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    /// The structured fields of a document, procedure or schedule item.
    static func facts(_ e: Entry) -> HTML {
        var rows: [HTML] = []
        func row(_ label: StaticString, _ value: String?) {
            if let value, !value.isEmpty { rows.append("<tr><th scope=\"row\">\(HTML(stringLiteral: label))</th><td>\(value)</td></tr>") }
        }
        switch e.kind {
        case .document:
            row("Số ký hiệu", e.docNumber)
            row("Hình thức văn bản", e.docType)
            row("Cơ quan ban hành", e.issuer)
            row("Người ký", e.signer)
            row("Ngày ban hành", e.issuedOn.map(Layout.date))
            row("Ngày hiệu lực", e.effectiveOn.map(Layout.date))
            if let file = e.fileURL {
                rows.append("<tr><th scope=\"row\">Tệp văn bản</th><td><a href=\"\(href: file)\">Tải về</a></td></tr>")
            }
        case .procedure:
            row("Lĩnh vực", e.field)
            row("Mức độ dịch vụ công", e.serviceLevel.map { $0.prefix(1).uppercased() + $0.dropFirst() })
            row("Thời hạn giải quyết", e.processingTime)
            row("Phí, lệ phí", e.fee)
            if let portal = e.portalURL {
                rows.append("<tr><th scope=\"row\">Nộp hồ sơ</th><td><a href=\"\(href: portal)\">Thực hiện trực tuyến trên Cổng Dịch vụ công quốc gia</a></td></tr>")
            }
        case .schedule:
            row("Thời gian", e.startsAt.map { VietnamTime($0).weekdayName + " " + Layout.date($0) + " " + VietnamTime($0).timeString })
            row("Địa điểm", e.location)
            row("Chủ trì", e.presider)
        case .budget:
            row("Kỳ báo cáo", e.periodYear.map { "\(e.periodLabel ?? "") \($0)" })
            if let file = e.fileURL { rows.append("<tr><th scope=\"row\">Biểu mẫu</th><td><a href=\"\(href: file)\">Tải về</a></td></tr>") }
        case .leader:
            row("Chức vụ", e.positionTitle)
            row("Điện thoại", e.phone)
            row("Thư điện tử", e.email)
        case .article:
            break
        }
        guard !rows.isEmpty else { return .empty }
        return "<div class=\"table-scroll\"><table class=\"data\"><caption class=\"visually-hidden\">Thông tin chính</caption>\(rows)</table></div>\n"
    }

    /// A plain page for printing or saving: title, facts, body, source.
    /// An entry's title, description, type and subject, for its page and its print view.
    static func entryMeta(_ section: Section, _ e: Entry, path: String) -> PageMeta {
        PageMeta(
            title: e.title, description: e.summary.isEmpty ? e.title : e.summary, path: path,
            type: e.kind == .document ? "Text.Document" : "Text", date: e.publishedAt, subject: section.title)
    }

    static func print(_ chrome: SiteChrome, _ section: Section, _ e: Entry) -> HTML {
        let url = chrome.canonicalBase + "/\(section.slug)/\(e.id)"
        return """
            \(Layout.documentStart)
            <title>\(e.title) – \(chrome.tenant.name) (bản in)</title>
            <meta name="robots" content="noindex">
            <link rel="canonical" href="\(href: url)">
            \(Layout.dublinCore(chrome, Self.entryMeta(section, e, path: "/\(section.slug)/\(e.id)"), identifier: url))
            <link rel="stylesheet" href="\(href: Stylesheet.path)">
            </head>
            <body>
            <main class="wrap">
            <p><strong>\(chrome.site.publisher)</strong><br>Trang thông tin điện tử \(chrome.tenant.name)</p>
            <hr>
            <h1>\(e.title)</h1>
            <p class="meta">Ngày đăng \(Layout.date(e.publishedAt))\(e.author.isEmpty ? HTML.empty : " · \(e.author)")</p>
            \(self.facts(e))\(e.summary.isEmpty ? HTML.empty : "<p class=\"lead\">\(e.summary)</p>")\(Self.featured(e))
            <div class="prose">\(sanitized: EntryView.prose(e.body))</div>
            <hr>
            <p class="meta">Nguồn: \(url)</p>
            <p class="no-print"><a href="/\(section.slug)/\(e.id)">Quay lại bài viết</a></p>
            </main>
            </body>
            </html>

            """
    }
}
