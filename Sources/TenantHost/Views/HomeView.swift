import Foundation
import TenantCore

enum HomeView {
    static func render(_ chrome: SiteChrome, _ home: HomeContent, fromProvince: [Announcement] = []) -> HTML {
        let tenant = chrome.tenant
        let hasSample = (home.news + home.documents + home.direction + home.schedule).contains(where: \.isSample)
        let sampleNotice: HTML = hasSample
            ? "<p class=\"notice-inline\"><span class=\"tag tag-sample\">Nội dung mẫu</span> Trang đang hiển thị một số nội dung mẫu để minh họa; Ủy ban nhân dân sẽ thay bằng thông tin chính thức.</p>\n"
            : .empty
        let newsSlug = chrome.slug(of: MandatorySection.news.id)
        let directionSlug = chrome.slug(of: MandatorySection.direction.id)
        let documentsSlug = chrome.slug(of: MandatorySection.documents.id)
        let main: HTML = """
            <h1 class="visually-hidden">Trang thông tin điện tử \(tenant.nameInSentence)</h1>
            \(sampleNotice)<div class="layout">
            <div>
            \(AnnouncementViews.panel(chrome, fromProvince))<section class="panel" aria-labelledby="h-news"><h2 id="h-news"><a href="/\(newsSlug)">Tin tức – Sự kiện</a></h2>
            \(self.articles(home.news, slug: newsSlug, empty: "Chưa có tin tức nào được đăng."))<p><a href="/\(newsSlug)">Xem tất cả tin tức</a></p></section>
            <section class="panel" aria-labelledby="h-direction"><h2 id="h-direction"><a href="/\(directionSlug)">Chỉ đạo, điều hành</a></h2>
            \(self.articles(home.direction, slug: directionSlug, empty: "Chưa có ý kiến chỉ đạo, điều hành nào được đăng."))</section>
            <section class="panel" aria-labelledby="h-docs"><h2 id="h-docs"><a href="/\(documentsSlug)">Văn bản mới</a></h2>
            \(self.documents(home.documents, slug: documentsSlug))<p><a href="/\(documentsSlug)">Tra cứu văn bản</a></p></section>
            </div>
            <aside aria-label="Thông tin nhanh">
            <section class="panel" aria-labelledby="h-week"><h2 id="h-week">Lịch công tác tuần</h2>
            \(ScheduleView.days(home.schedule, compact: true))<p><a href="/lich-cong-tac">Xem lịch công tác</a></p></section>
            <section class="panel" aria-labelledby="h-dvc"><h2 id="h-dvc">Dịch vụ công trực tuyến</h2>
            <p>Tra cứu thủ tục hành chính, nộp hồ sơ và theo dõi kết quả trực tuyến.</p>
            <p><a class="button" href="\(href: Layout.nationalPortal)">Cổng Dịch vụ công quốc gia</a></p>
            <p><a href="/\(chrome.slug(of: MandatorySection.procedures.id))">Danh mục thủ tục hành chính của \(tenant.nameInSentence)</a></p></section>
            <section class="panel" aria-labelledby="h-links"><h2 id="h-links">Cổng thông tin cấp trên</h2><ul class="links">\(self.portals(chrome))</ul></section>
            <section class="panel" aria-labelledby="h-talk"><h2 id="h-talk">Người dân hỏi, góp ý</h2><ul class="links">
            <li><a href="/\(chrome.slug(of: MandatorySection.questions.id))">Hỏi đáp, phản ánh, kiến nghị</a></li>
            <li><a href="/\(chrome.slug(of: MandatorySection.consultation.id))">Lấy ý kiến Nhân dân về dự thảo</a></li>
            <li><a href="/\(chrome.slug(of: MandatorySection.accessToInformation.id))">Yêu cầu cung cấp thông tin</a></li>
            </ul></section>
            </aside>
            </div>
            \(self.predecessors(chrome))<section aria-labelledby="h-sections"><h2 id="h-sections">Chuyên mục</h2>
            <ul class="cards">\(chrome.menu.map { section -> HTML in "<li><h3><a href=\"/\(section.slug)\">\(section.title)</a></h3><p>\(section.summary)</p></li>" })</ul>
            </section>
            """
        let meta = PageMeta(
            title: tenant.name,
            description: "Trang thông tin điện tử \(tenant.nameInSentence) (\(chrome.parentLine)): tin tức, văn bản, thủ tục hành chính, lịch công tác.",
            path: "/", type: "Text", date: home.news.first?.publishedAt, subject: tenant.name, feedSlug: newsSlug,
            activeSlug: "")
        return Layout.page(chrome, meta, main: main)
    }

    /// The old communes this one was formed from (1 July 2025), with a link
    /// to each one's archived site.
    static func predecessors(_ chrome: SiteChrome) -> HTML {
        guard !chrome.predecessors.isEmpty else { return .empty }
        return """
            <section class="panel" aria-labelledby="h-before"><h2 id="h-before">Trước ngày 1/7/2025</h2>
            <p>\(chrome.tenant.name) được thành lập từ:</p><ul class="links">\(chrome.predecessors.map { p -> HTML in
                let part: HTML = p.share == "part" ? " (một phần)" : .empty
                if let href = p.href { return "<li><a href=\"\(href: href)\">\(p.name)</a>\(part)</li>" }
                return "<li>\(p.name)\(part)</li>"
            })</ul></section>

            """
    }

    static func articles(_ entries: [Entry], slug: String, empty: StaticString) -> HTML {
        guard !entries.isEmpty else { return "<p>\(HTML(stringLiteral: empty))</p>" }
        return """
            <ul class="items">\(entries.map { e -> HTML in
                "<li><h3><a href=\"/\(slug)/\(e.id)\">\(e.title)</a>\(Layout.sampleTag(e))</h3><p class=\"meta\"><time datetime=\"\(VietnamTime(e.publishedAt).isoDate)\">\(Layout.date(e.publishedAt))</time></p><p>\(e.summary)</p></li>"
            })</ul>
            """
    }

    static func documents(_ entries: [Entry], slug: String) -> HTML {
        guard !entries.isEmpty else { return "<p>Chưa có văn bản nào được đăng.</p>" }
        return """
            <ul class="items">\(entries.map { e -> HTML in
                "<li><h3><a href=\"/\(slug)/\(e.id)\">\(e.docNumber ?? "")\(e.docNumber == nil ? HTML.empty : " – ")\(e.title)</a>\(Layout.sampleTag(e))</h3><p class=\"meta\">\(e.docType ?? "Văn bản")\(e.issuedOn.map { " ban hành ngày " + Layout.date($0) } ?? "")</p></li>"
            })</ul>
            """
    }

    static func portals(_ chrome: SiteChrome) -> HTML {
        var items: [HTML] = []
        for unit in chrome.tenant.ancestors {
            if let url = unit.portalURL {
                items.append("<li><a href=\"\(href: url)\">Cổng thông tin điện tử \(unit.fullName)</a></li>")
            }
        }
        items.append("<li><a href=\"\(href: Layout.nationalPortal)\">Cổng Dịch vụ công quốc gia</a></li>")
        items.append("<li><a href=\"\(href: Layout.governmentPortal)\">Cổng thông tin điện tử Chính phủ</a></li>")
        return HTML(items)
    }
}
