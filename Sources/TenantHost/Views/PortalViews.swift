import Foundation
import TenantCore

/// The pages of a province's or district's portal.
enum PortalViews {
    typealias Visit = PortalController.Visit

    static func page(_ visit: Visit, title: String, path: String, main: HTML) -> HTML {
        let unit = visit.unit
        let fullTitle = title == unit.name ? "Cổng thông tin các xã, phường – \(unit.fullName)" : "\(title) – \(unit.fullName)"
        let province = unit.level == .province ? unit.id : unit.parentID
        let notice = HTML(visit.snapshot.notices(province: province, at: visit.now).map { Layout.notice($0, from: "Thông báo của hệ thống") })
        func item(_ href: String, _ label: String) -> HTML {
            href == path ? "<li><a href=\"\(href: href)\" aria-current=\"page\">\(label)</a></li>" : "<li><a href=\"\(href: href)\">\(label)</a></li>"
        }
        var menu = [item("/", "Trang chủ"), item("/xa-phuong", "Xã, phường"), item("/tin-tu-tinh", "Tin từ tỉnh")]
        if visit.province != nil { menu.append(item("/thu-tuc-hanh-chinh", "Thủ tục hành chính")) }
        var links: [HTML] = []
        if let parent = unit.parentID.flatMap({ visit.snapshot.units[$0] }), let url = parent.portalURL {
            links.append("<li><a href=\"\(href: url)\">Cổng thông tin điện tử \(parent.fullName)</a></li>")
        }
        links.append("<li><a href=\"\(href: Layout.nationalPortal)\">Cổng Dịch vụ công quốc gia</a></li>")
        links.append("<li><a href=\"\(href: Layout.governmentPortal)\">Cổng thông tin điện tử Chính phủ</a></li>")
        return """
            \(Layout.documentStart)
            <title>\(fullTitle)</title>
            <meta name="description" content="\(self.description(unit))">
            <link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">
            <meta name="DC.title" content="\(title == unit.name ? unit.fullName : title)">
            <meta name="DC.description" content="\(self.description(unit))">
            <meta name="DC.creator" content="\(unit.issuingBody)">
            <meta name="DC.publisher" content="\(unit.issuingBody)">
            <meta name="DC.date" content="\(VietnamTime(visit.now).isoDate)">
            <meta name="DC.language" content="vi">
            <meta name="DC.identifier" content="\(href: visit.baseURL + path)">
            <link rel="stylesheet" href="\(href: Stylesheet.path)">
            <link rel="icon" href="/favicon.svg" type="image/svg+xml">
            </head>
            <body>
            <a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
            \(notice)<header class="masthead">
            <div class="wrap">
            <a class="brand" href="/">\(Stylesheet.emblem)<span><span class="brand-kicker">\(unit.issuingBody)</span><span class="brand-name">\(unit.fullName)</span><span class="brand-parent">Cổng thông tin các xã, phường</span></span></a>
            <form class="search" role="search" action="/xa-phuong" method="get"><label class="visually-hidden" for="q">Tìm xã, phường</label><input id="q" name="q" type="search" placeholder="Tìm xã, phường…" maxlength="100"><button type="submit">Tìm</button></form>
            </div>
            </header>
            <nav class="menu" aria-label="Danh mục chính">
            <div class="wrap">
            <ul class="menu-wide">\(menu)</ul>
            </div>
            </nav>
            <main id="noi-dung" tabindex="-1">
            <div class="wrap">
            \(main)
            </div>
            </main>
            <footer class="footer">
            <div class="wrap cols">
            <section aria-labelledby="ft-owner"><h2 id="ft-owner">Cơ quan chủ quản</h2><p><strong>\(unit.issuingBody)</strong></p>\(self.contact(visit.info))</section>
            <section aria-labelledby="ft-links"><h2 id="ft-links">Liên kết</h2><ul class="links">\(links)<li><a href="/danh-gia">Đánh giá mức độ hài lòng</a></li><li><a href="/so-do-trang">Sơ đồ trang</a></li></ul></section>
            </div>
            </footer>
            </body>
            </html>

            """
    }

    static func home(_ visit: Visit, news: [GatheredItem], documents: [GatheredItem], announcements: [Announcement]) -> HTML {
        let communes = visit.snapshot.communes(below: visit.unit.id)
        let main: HTML = """
            <h1>Các xã, phường của \(visit.unit.nameInSentence)</h1>
            <p class="lead">\(communes.count) trang thông tin điện tử xã, phường, đặc khu trên hệ thống. <a href="/xa-phuong">Xem danh bạ và tìm xã, phường</a>.</p>
            <div class="layout">
            <div>
            <section class="panel" aria-labelledby="h-news"><h2 id="h-news">Tin tức từ các xã, phường</h2>
            \(self.gathered(visit, news, section: .news, empty: "Chưa có tin tức nào được đăng."))</section>
            <section class="panel" aria-labelledby="h-docs"><h2 id="h-docs">Văn bản mới</h2>
            \(self.gathered(visit, documents, section: .documents, empty: "Chưa có văn bản nào được đăng."))</section>
            </div>
            <aside aria-label="Tin từ tỉnh">
            <section class="panel" aria-labelledby="h-province"><h2 id="h-province"><a href="/tin-tu-tinh">Tin từ tỉnh</a></h2>
            \(self.announcementItems(announcements))</section>
            </aside>
            </div>
            """
        return self.page(visit, title: visit.unit.name, path: "/", main: main)
    }

    static func gathered(_ visit: Visit, _ items: [GatheredItem], section: MandatorySection, empty: StaticString) -> HTML {
        guard !items.isEmpty else { return "<p>\(HTML(stringLiteral: empty))</p>" }
        return """
            <ul class="items">\(items.compactMap { item -> HTML? in
                guard let tenant = visit.snapshot.tenants[item.tenantID], let base = visit.base(of: tenant) else { return nil }
                let number: HTML = item.docNumber.map { "\($0) – " } ?? .empty
                return "<li><h3><a href=\"\(href: "\(base)/\(section.slug)/\(item.entryID)")\">\(number)\(item.title)</a></h3><p class=\"meta\"><a href=\"\(href: base + "/")\">\(tenant.name)</a> · <time datetime=\"\(VietnamTime(item.publishedAt).isoDate)\">\(Layout.date(item.publishedAt))</time></p></li>"
            })</ul>
            """
    }

    static func announcementItems(_ items: [Announcement]) -> HTML {
        guard !items.isEmpty else { return "<p>Chưa có tin nào từ tỉnh.</p>" }
        return """
            <ul class="items">\(items.map { AnnouncementViews.item($0, source: nil) })</ul>
            """
    }

    /// Every commune below the unit, grouped by district where there are
    /// districts, filtered by a search without diacritics.
    static func directory(_ visit: Visit, search text: String) -> HTML {
        let search = CommuneSearch(String(text.prefix(100)))
        let communes = visit.snapshot.communes(below: visit.unit.id).filter { search.matches($0.name, code: $0.code) }
        let groups = communes.sorted(by: { ($0.district?.name ?? "", $0.name) < ($1.district?.name ?? "", $1.name) })
            .runs { visit.unit.level == .province ? $0.district?.name ?? "" : "" }
        let list: HTML = communes.isEmpty
            ? "<p>Không tìm thấy xã, phường nào khớp với “\(search.text)”.</p>"
            : HTML(groups.map { group, tenants -> HTML in
                let heading: HTML = group.isEmpty ? .empty : "<h2>\(group)</h2>"
                return "\(heading)<ul class=\"directory\">\(tenants.map { t -> HTML in visit.base(of: t).map { "<li><a href=\"\(href: $0 + "/")\">\(t.name)</a></li>" } ?? "<li>\(t.name)</li>" })</ul>"
            })
        let main: HTML = """
            <h1>Xã, phường của \(visit.unit.nameInSentence)</h1>
            <form class="filters" role="search" action="/xa-phuong" method="get"><p><label for="tim-xa">Tên hoặc mã xã, phường (gõ có dấu hoặc không dấu)</label>
            <input id="tim-xa" name="q" type="search" value="\(search.text)" maxlength="100"> <button type="submit">Tìm</button></p></form>
            <p>\(communes.count) xã, phường\(search.text.isEmpty ? HTML.empty : " khớp với “\(search.text)”").</p>
            \(list)
            """
        return self.page(visit, title: "Xã, phường", path: "/xa-phuong", main: main)
    }

    static func announcements(_ visit: Visit, _ items: [Announcement]) -> HTML {
        let source = visit.province?.issuingBody ?? ""
        let main: HTML = """
            <h1>Tin từ tỉnh</h1>
            <p class="lead">Thông báo của \(source), đăng trên trang của mọi xã, phường trong tỉnh.</p>
            \(self.announcementItems(items))
            """
        return self.page(visit, title: "Tin từ tỉnh", path: "/tin-tu-tinh", main: main)
    }

    static func announcement(_ visit: Visit, _ a: Announcement) -> HTML {
        let main = AnnouncementViews.article(a, source: visit.province?.issuingBody ?? "")
        return self.page(visit, title: a.title, path: "/tin-tu-tinh/\(a.id)", main: main)
    }

    /// The person responsible and how to reach the portal, as far as the province set them.
    static func contact(_ info: PortalInfo) -> HTML {
        var lines: [HTML] = []
        if info.responsiblePerson.isEmpty {
            // As on a commune's site: the line the law asks for is there, and says it is missing.
            lines.append("<p>Người chịu trách nhiệm: <em>chưa cập nhật</em></p>")
        } else {
            lines.append("<p>Người chịu trách nhiệm: <strong>\(info.responsiblePerson)</strong>\(info.responsibleTitle.isEmpty ? "" : ", \(info.responsibleTitle)")</p>")
        }
        if !info.address.isEmpty { lines.append("<p>Địa chỉ: \(info.address)</p>") }
        if !info.phone.isEmpty { lines.append("<p>Điện thoại: <a href=\"\(href: "tel:" + info.phone.filter { $0.isNumber || $0 == "+" })\">\(info.phone)</a></p>") }
        if !info.email.isEmpty { lines.append("<p>Thư điện tử: <a href=\"\(href: "mailto:" + info.email)\">\(info.email)</a></p>") }
        return HTML(lines)
    }

    static func description(_ unit: AdminUnit) -> String {
        "Các xã, phường của \(unit.nameInSentence): danh bạ, tin tức và văn bản mới, tin từ tỉnh."
    }

    /// The portal's own pages, for the site map and sitemap.xml.
    static func pages(_ visit: Visit) -> [(path: String, title: String)] {
        var pages = [("/", "Trang chủ"), ("/xa-phuong", "Xã, phường"), ("/tin-tu-tinh", "Tin từ tỉnh")]
        if visit.province != nil { pages.append(("/thu-tuc-hanh-chinh", "Thủ tục hành chính")) }
        pages.append(("/danh-gia", "Đánh giá mức độ hài lòng"))
        pages.append(("/so-do-trang", "Sơ đồ trang"))
        return pages
    }

    /// `/so-do-trang`: the portal's pages, the province's news, and every
    /// commune's site below the unit.
    static func siteMap(_ visit: Visit, announcements: [Announcement]) -> HTML {
        let communes = visit.snapshot.communes(below: visit.unit.id)
        let news: HTML = announcements.isEmpty ? .empty : """
            <h2>Tin từ tỉnh</h2>
            <ul>\(announcements.map { a -> HTML in "<li><a href=\"/tin-tu-tinh/\(a.id)\">\(a.title)</a></li>" })</ul>

            """
        let main: HTML = """
            <h1>Sơ đồ trang</h1>
            <ul>\(self.pages(visit).map { page -> HTML in "<li><a href=\"\(href: page.path)\">\(page.title)</a></li>" })</ul>
            \(news)<h2>Trang của các xã, phường (\(communes.count))</h2>
            <ul class="directory">\(communes.map { t -> HTML in visit.base(of: t).map { "<li><a href=\"\(href: $0 + "/")\">\(t.name)</a></li>" } ?? "<li>\(t.name)</li>" })</ul>
            """
        return self.page(visit, title: "Sơ đồ trang", path: "/so-do-trang", main: main)
    }

    /// `sitemap.xml`: the portal's pages and the province's news (the
    /// communes' own pages are in their sites' sitemaps).
    static func sitemap(_ visit: Visit, announcements: [Announcement]) -> HTML {
        let base = visit.baseURL
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            \(self.pages(visit).map { page -> HTML in "<url><loc>\(base)\(page.path)</loc></url>\n" })\(announcements.map { a -> HTML in
                "<url><loc>\(base)/tin-tu-tinh/\(a.id)</loc><lastmod>\(VietnamTime(a.publishedAt).isoDate)</lastmod></url>\n"
            })</urlset>

            """
    }

    static func robots(_ visit: Visit) -> String {
        "User-agent: *\nAllow: /\nSitemap: \(visit.baseURL)/sitemap.xml\n"
    }

    /// `/danh-gia`: how satisfied a citizen is with the portal and the
    /// unit's public services (Decree 224/2026, Art. 10(3)(b)), as on a
    /// commune's site.
    static func rating(_ visit: Visit, fields: [String: String], errors: [String: String], sent: Bool) -> HTML {
        let unit = visit.unit
        let form = CitizenViews.rating(
            fields: fields, errors: errors, sent: sent, body: unit.issuingBody,
            services: "Dịch vụ công, thủ tục hành chính của \(unit.nameInSentence)", summarisedFor: unit.issuingBody)
        return self.page(visit, title: "Đánh giá mức độ hài lòng", path: "/danh-gia", main: "<h1>Đánh giá mức độ hài lòng</h1>\n\(form)")
    }

    static func procedures(_ visit: Visit, _ procedures: [ProvinceProcedure], filter: ProcedureFilter) -> HTML {
        let shown = procedures.filter(filter.matches)
        let fields = Array(Set(procedures.map(\.field))).sorted(by: ComplianceConsoleController.vietnameseOrder)
        let found: HTML = filter.isEmpty ? .empty : "<p role=\"status\">Tìm thấy \(shown.count) thủ tục. <a href=\"/thu-tuc-hanh-chinh\">Xem tất cả</a></p>\n"
        let main: HTML = """
            <h1>Thủ tục hành chính cấp xã</h1>
            <p class="lead">Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã trong \(visit.province.map(\.nameInSentence) ?? ""), dùng chung cho mọi xã, phường.</p>
            \(procedures.isEmpty ? HTML.empty : ProceduresView.filterForm(action: "/thu-tuc-hanh-chinh", fields: fields, filter: filter))\(found)\(ProceduresView.catalogue(shown))
            """
        return self.page(visit, title: "Thủ tục hành chính", path: "/thu-tuc-hanh-chinh", main: main)
    }

    static func procedure(_ visit: Visit, _ p: ProvinceProcedure) -> HTML {
        let issuer = visit.province?.issuingBody ?? "Ủy ban nhân dân tỉnh"
        return self.page(visit, title: p.name, path: ProceduresView.path(p), main: ProceduresView.detail(p, issuer: issuer))
    }
}
