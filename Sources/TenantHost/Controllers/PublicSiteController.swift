import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// A problem with what the visitor asked for, shown in the commune's layout.
enum PageError: Error {
    case notFound(String)
    case badRequest(String)
    /// The commune's content makes a page past the rendering limit
    /// (``PublicSiteController/maximumPageBytes``): that page gets a 500,
    /// every other page and commune goes on.
    case tooLargeToRender(bytes: Int)
}

/// What a handler produced.
enum Rendered: Sendable {
    /// A public page, kept in the page cache.
    case page(HTML, contentType: String)
    /// A page for one visitor only (form results, tracking): never cached.
    case personal(HTML, status: HTTPResponse.Status)
    case failure(HTTPResponse.Status, HTML)
}

extension Rendered {
    /// The same answer with its HTML changed by `transform`.
    func map(_ transform: (HTML) -> HTML) -> Rendered {
        switch self {
        case .page(let html, let contentType): .page(transform(html), contentType: contentType)
        case .personal(let html, let status): .personal(transform(html), status: status)
        case .failure(let status, let html): .failure(status, transform(html))
        }
    }
}

/// The public site of a commune: every mandatory section, articles, document
/// search, procedures, schedule, search, feeds and sitemaps.
struct PublicSiteController: Sendable {
    let services: SiteServices
    let editorial: Editorial

    static let pageSize = 15
    static let html = "text/html; charset=utf-8"

    func addRoutes(to group: RouterGroup<TenantRequestContext>) {
        group.read("/", use: self.home)
        group.read("/tim-kiem", use: self.search)
        group.read("/so-do-trang", use: self.htmlSitemap)
        group.read("/sitemap.xml", use: self.xmlSitemap)
        group.read("/robots.txt", use: self.robots)
        group.read("/lich-cong-tac", use: self.schedule)
        group.read("/rss/:file", use: self.rss)
        // Sections whose path also has fixed children: the router does not
        // fall back from a fixed segment to a parameter, so name them.
        for slug in [
            MandatorySection.questions.slug, MandatorySection.consultation.slug, MandatorySection.accessToInformation.slug,
            MandatorySection.procedures.slug,
        ] {
            group.read(RouterPath(slug)) { request, context in try await self.showSection(slug, request, context) }
            group.read(RouterPath("\(slug)/:id")) { request, context in try await self.showEntry(slug, request, context) }
            group.read(RouterPath("\(slug)/:id/ban-in")) { request, context in try await self.showPrint(slug, request, context) }
        }
        group.read(RouterPath("\(MandatorySection.procedures.slug)/ma/:code"), use: self.procedure)
        group.read("/hoi-dap/gui-cau-hoi", use: self.questionForm)
        group.post("/hoi-dap/gui-cau-hoi", use: self.submitQuestion)
        group.read("/hoi-dap/tra-cuu", use: self.trackQuestion)
        group.read("/tiep-can-thong-tin/yeu-cau", use: self.informationForm)
        group.post("/tiep-can-thong-tin/yeu-cau", use: self.submitInformationRequest)
        group.read("/tiep-can-thong-tin/tra-cuu", use: self.trackQuestion)
        group.post("/lay-y-kien/:id/gop-y", use: self.submitComment)
        group.read("/tep/:id", use: self.file)
        group.read("/tep/:id/:width", use: self.fileVariant)
        group.read("/danh-gia", use: self.ratingForm)
        group.post("/danh-gia", use: self.submitRating)
        group.read("/xem-truoc/:token", use: self.preview)
        group.read("/tin-tu-tinh", use: self.announcements)
        group.read("/tin-tu-tinh/:id", use: self.announcement)
        group.read("/:section", use: self.section)
        group.read("/:section/:id", use: self.entry)
        group.read("/:section/:id/ban-in", use: self.printEntry)
    }

    // MARK: Routes

    @Sendable func home(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let content = self.services.content
        return try await self.render(request, context) { schema, connection, kept in
            guard kept == nil else { return (nil, try await content.home(schema, on: connection)) }
            let page = try await content.homePage(schema, on: connection)
            return (ChromeCache.Chrome(sections: page.sections, site: page.site), page.home)
        } _: { chrome, home, _ in
            let fromProvince = self.provinceAnnouncements(chrome, limit: 3)
            return .page(HomeView.render(chrome, home, fromProvince: fromProvince), contentType: Self.html)
        }
    }

    @Sendable func section(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.showSection(context.parameters.get("section") ?? "", request, context)
    }

    /// Whether a section's page shows its body: a static or footer section
    /// does (``SectionView/page(_:_:leaders:documents:)``), the lists of
    /// ``showSection(_:_:_:)`` do not.
    static func showsBody(_ section: Section) -> Bool {
        switch (MandatorySection(rawValue: section.id), section.kind) {
        case (.documents?, _), (.questions?, _), (.procedures?, _): false
        case (_, .static), (_, .footer): true
        default: false
        }
    }

    func showSection(_ slug: String, _ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let query = try QueryItems(request)
        return try await self.renderSection(request, context, slug: slug) { chrome, readLeaders, connection in
            guard let section = chrome.section(slug: slug) else { throw PageError.notFound("Chuyên mục này không tồn tại.") }
            let schema = chrome.tenant.schema
            let store = self.services.content
            switch (MandatorySection(rawValue: section.id), section.kind) {
            case (.documents?, _):
                let filter = try query.documentQuery()
                let page = try query.page()
                let (facets, result) = try await store.documents(
                    schema, query: filter, page: page, size: Self.pageSize, now: chrome.now, on: connection)
                try Self.checkRange(result)
                return .page(DocumentsView.render(chrome, section, query: filter, facets: facets, page: result), contentType: Self.html)
            case (.questions?, _):
                // One page: the latest 200 answered questions; no other page exists.
                guard try query.page() == 1 else { throw PageError.notFound("Trang hỏi đáp chỉ có 1 trang.") }
                let questions = try await store.questions(publishedOnly: true, in: schema, on: connection)
                return .page(CitizenViews.questionsPage(chrome, section, questions), contentType: Self.html)
            case (.procedures?, _):
                let (procedures, catalogue) = try await store.proceduresPage(
                    schema, province: chrome.tenant.province?.id, now: chrome.now, on: connection)
                let filter = try query.procedureFilter()
                return .page(ProceduresView.render(chrome, section, procedures, catalogue: catalogue, filter: filter), contentType: Self.html)
            case (_, .static), (_, .footer):
                var leaders: [Entry] = []
                var documents: [Entry] = []
                if section.id == MandatorySection.introduction.id {
                    if let readLeaders {
                        leaders = readLeaders
                    } else {
                        leaders = try await store.leaders(schema, now: chrome.now, on: connection)
                    }
                }
                if section.id == MandatorySection.accessToInformation.id {
                    documents = try await store.list(schema, section: MandatorySection.documents.id, kinds: [.document], page: 1, size: 5, now: chrome.now, on: connection).items
                }
                return .page(SectionView.page(chrome, section, leaders: leaders, documents: documents), contentType: Self.html)
            default:
                let page = try query.page()
                let kinds: [EntryKind]? = section.id == MandatorySection.direction.id ? [.article, .document] : nil
                let result = try await store.list(schema, section: section.id, kinds: kinds, page: page, size: Self.pageSize, now: chrome.now, on: connection)
                try Self.checkRange(result)
                var extra: HTML = section.id == MandatorySection.direction.id
                    ? "<p><a class=\"button\" href=\"/lich-cong-tac\">Lịch công tác tuần của lãnh đạo</a></p>\n" : .empty
                if section.id == MandatorySection.news.id, page == 1 {
                    extra = AnnouncementViews.panel(chrome, self.provinceAnnouncements(chrome, limit: 5))
                }
                return .page(SectionView.list(chrome, section, result, extra: extra), contentType: Self.html)
            }
        }
    }

    @Sendable func entry(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.showEntry(context.parameters.get("section") ?? "", request, context)
    }

    func showEntry(_ slug: String, _ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        let sent = request.uri.query == "da-gui=1"
        let store = self.services.content
        let now = Date()
        return try await self.render(request, context) { schema, connection, kept in
            guard kept == nil else {
                let page = try await store.articlePage(schema, slug: slug, id: id, now: now, on: connection)
                return (nil, (page.entry, page.related))
            }
            let page = try await store.articlePageWithChrome(schema, slug: slug, id: id, now: now, on: connection)
            return (ChromeCache.Chrome(sections: page.sections, site: page.site), (page.entry, page.related))
        } _: { chrome, article, connection in
            guard let section = chrome.section(slug: slug) else { throw PageError.notFound("Chuyên mục này không tồn tại.") }
            let (found, related) = article
            guard let entry = found else { throw PageError.notFound("Bài viết không tồn tại hoặc đã được gỡ bỏ.") }
            var extra: HTML = .empty
            if section.id == MandatorySection.consultation.id {
                let comments = try await store.comments(entry: id, status: .approved, in: chrome.tenant.schema, on: connection)
                extra = CitizenViews.consultation(chrome, entry, comments: comments, now: chrome.now, sent: sent)
            }
            return .page(EntryView.render(chrome, section, entry, related: related, extra: extra), contentType: Self.html)
        }
    }

    /// `/thu-tuc-hanh-chinh/ma/<code>`: a procedure of the province's catalogue.
    @Sendable func procedure(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        return try await self.render(request, context) { chrome, connection in
            guard let section = chrome.section(id: MandatorySection.procedures.id), let province = chrome.tenant.province,
                code.utf8.count <= 8,
                let procedure = try await PortalStore(logger: self.services.logger).procedure(province: province.id, code: code, on: connection)
            else { throw PageError.notFound("Thủ tục này không có trong danh mục của tỉnh.") }
            return .page(ProceduresView.page(chrome, section, procedure), contentType: Self.html)
        }
    }

    /// A draft or a change waiting for approval, in the site's layout, at a
    /// link that expires (``Editorial/previewLink(for:in:by:)``): never
    /// kept by a cache (a personal page), never indexed.
    @Sendable func preview(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        var response = try await self.render(request, context) { chrome, connection in
            guard let entry = try await self.editorial.previewEntry(token: token, in: chrome.tenant, on: connection),
                let section = chrome.sections.first(where: { $0.id == entry.sectionID })
            else {
                let message = "Liên kết xem trước không đúng hoặc đã hết hạn. Mở lại bài trong trang quản trị và bấm “Xem trước”."
                return .personal(ErrorView.inSite(chrome, title: "Không xem trước được", message: message), status: .notFound)
            }
            let banner: HTML = "<p class=\"notice-box\" role=\"status\"><strong>Bản xem trước.</strong> Người dân chưa thấy nội dung này; liên kết hết hạn sau \(Int(ReviewLimits.previewLifetime / 3600)) giờ.</p>"
            return .personal(EntryView.render(chrome, section, entry, related: [], extra: banner), status: .ok)
        }
        response.headers[HTTPField.Name("X-Robots-Tag")!] = "noindex, nofollow, noarchive"
        return response
    }

    @Sendable func printEntry(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.showPrint(context.parameters.get("section") ?? "", request, context)
    }

    func showPrint(_ slug: String, _ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        return try await self.render(request, context) { chrome, connection in
            guard let section = chrome.section(slug: slug),
                let entry = try await self.services.content.entry(chrome.tenant.schema, section: section.id, id: id, now: chrome.now, on: connection)
            else { throw PageError.notFound("Bài viết không tồn tại hoặc đã được gỡ bỏ.") }
            return .page(EntryView.print(chrome, section, entry), contentType: Self.html)
        }
    }

    @Sendable func search(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let query = try QueryItems(request)
        let text = try query.text("q", max: 200) ?? ""
        let page = try query.page()
        // The archives kept inside this site (old communes it was formed
        // from), searched too when the visitor ticks the box.
        let snapshot = self.services.directory.snapshot
        let archives: [(slug: String, tenant: Tenant)] =
            context.visit.archive != nil ? [] : (snapshot.archives[context.visit.tenant.id] ?? [:])
            .compactMap { slug, id in snapshot.tenants[id].map { (slug, $0) } }.sorted { $0.slug < $1.slug }
        let asked = try query.text("luu-tru", max: 20)
        if let asked, asked != "1" { throw PageError.badRequest("Tham số “luu-tru” chỉ nhận giá trị 1.") }
        let withArchives = !archives.isEmpty && asked != nil
        let size = Self.pageSize
        // Results of several sites are merged in memory: fifty pages at most.
        guard !withArchives || page <= 50 else { throw PageError.notFound("Kết quả tìm kiếm có tối đa 50 trang.") }
        let content = self.services.content
        // The archives' hits first. An archive is a commune of its own (and
        // may live on another cluster): each is read on a lease of its own,
        // ended before the page's lease begins (a lease inside another
        // holds two connections, and waits when the pool is busy).
        var archived: [SearchHit] = []
        var archivedTotal = 0
        if withArchives && !text.isEmpty {
            let now = Date()
            for archive in archives {
                let schema = archive.tenant.schema
                let found = try await self.services.database.withConnection(retryingReads: true, schema: schema) { connection in
                    try await content.search(schema, text: text, page: 1, size: page * size, now: now, on: connection)
                }
                archivedTotal += found.total
                archived += found.items.map { hit in
                    var hit = hit
                    hit.archive = (archive.slug, archive.tenant.name)
                    return hit
                }
            }
        }
        return try await self.render(request, context) { [archived, archivedTotal] chrome, connection in
            let options = SearchView.Options(archives: archives.map(\.tenant.name), included: withArchives)
            guard !text.isEmpty else { return .page(SearchView.render(chrome, text: "", page: nil, options: options), contentType: Self.html) }
            var result = try await content.search(chrome.tenant.schema, text: text, page: withArchives ? 1 : page, size: withArchives ? page * size : size, now: chrome.now, on: connection)
            if withArchives {
                var hits = result.items + archived
                let total = result.total + archivedTotal
                hits.sort { ($0.rank, $0.publishedAt ?? .distantFuture) > ($1.rank, $1.publishedAt ?? .distantFuture) }
                let start = min((page - 1) * size, hits.count)
                result = Page(items: Array(hits[start..<min(start + size, hits.count)]), number: page, size: size, total: total)
            }
            try Self.checkRange(result)
            // The province's procedures it names, on the first page.
            var procedures: [ProvinceProcedure] = []
            if page == 1, let province = chrome.tenant.province {
                let filter = ProcedureFilter(text: text)
                procedures = try await PortalStore(logger: self.services.logger).procedureList(province: province.id, on: connection).filter(filter.matches)
            }
            return .page(SearchView.render(chrome, text: text, page: result, options: options, procedures: procedures), contentType: Self.html)
        }
    }

    @Sendable func schedule(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let query = try QueryItems(request)
        let week = try query.week()
        return try await self.render(request, context) { chrome, connection in
            let start = VietnamTime(week ?? chrome.now).startOfWeek
            let slots = try await self.services.content.schedule(chrome.tenant.schema, weekStart: start, on: connection)
            return .page(ScheduleView.render(chrome, weekStart: start, slots: slots), contentType: Self.html)
        }
    }

    @Sendable func rss(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".xml") else { throw HTTPError(.notFound) }
        let slug = String(file.dropLast(4))
        return try await self.render(request, context) { chrome, connection in
            // Questions and answers live apart from entries: no feed of them.
            guard let section = chrome.section(slug: slug), section.kind == .feed || section.kind == .periodic,
                section.id != MandatorySection.questions.id
            else {
                throw PageError.notFound("Chuyên mục này không có bản tin RSS.")
            }
            let items = try await self.services.content.feed(chrome.tenant.schema, section: section.id, limit: 20, now: chrome.now, on: connection)
            // The news feed carries the province's announcements too.
            let fromProvince = section.id == MandatorySection.news.id
                ? self.provinceAnnouncements(chrome, limit: 10) : []
            return .page(FeedViews.rss(chrome, section, items, fromProvince: fromProvince), contentType: "application/rss+xml; charset=utf-8")
        }
    }

    /// `/tin-tu-tinh`: the announcements of the commune's province.
    @Sendable func announcements(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.render(request, context) { chrome, connection in
            let items = self.provinceAnnouncements(chrome, limit: PortalStore.announcementsKept)
            return .page(AnnouncementViews.list(chrome, items), contentType: Self.html)
        }
    }

    /// `/tin-tu-tinh/<id>`: one announcement of the commune's province.
    @Sendable func announcement(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        return try await self.render(request, context) { chrome, connection in
            guard let province = chrome.tenant.province,
                let item = try await PortalStore(logger: self.services.logger).announcement(id, province: province.id, now: chrome.now, on: connection)
            else {
                throw PageError.notFound("Tin này không tồn tại hoặc đã được gỡ bỏ.")
            }
            return .page(AnnouncementViews.page(chrome, item), contentType: Self.html)
        }
    }

    /// The newest announcements of the commune's province ("Tin từ tỉnh"),
    /// from the directory (which reloads when one is published or withdrawn).
    func provinceAnnouncements(_ chrome: SiteChrome, limit: Int) -> [Announcement] {
        guard let province = chrome.tenant.province, chrome.archive == nil else { return [] }
        return self.services.directory.snapshot.announcements(province: province.id, limit: limit, now: chrome.now)
    }

    @Sendable func htmlSitemap(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.render(request, context) { chrome, connection in
            let entries = try await self.services.content.sitemap(chrome.tenant.schema, now: chrome.now, limit: 2_000, on: connection)
            return .page(SitemapView.render(chrome, entries: entries), contentType: Self.html)
        }
    }

    @Sendable func xmlSitemap(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.render(request, context) { chrome, connection in
            let entries = try await self.services.content.sitemap(chrome.tenant.schema, now: chrome.now, limit: 45_000, on: connection)
            return .page(FeedViews.sitemap(chrome, entries), contentType: "application/xml; charset=utf-8")
        }
    }

    @Sendable func robots(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let visit = context.visit
        let snapshot = self.services.directory.snapshot
        let archives = visit.archive != nil ? [] : FeedViews.archives(Self.predecessors(of: visit.tenant, in: snapshot, scheme: "", preferDev: false))
        return Self.fixed(FeedViews.robots(baseURL: visit.baseURL, archives: archives), contentType: "text/plain; charset=utf-8", maxAge: 3600)
    }

    /// The stylesheet and icon, the same for every host (commune or console).
    static func addStaticRoutes(to router: Router<SiteRequestContext>) {
        router.read("/favicon.svg") { _, _ in Self.fixed(Stylesheet.favicon, contentType: "image/svg+xml", maxAge: 86_400 * 30) }
        router.read("/_static/:file") { request, context in
            guard "/_static/" + (context.parameters.get("file") ?? "") == Stylesheet.path else { throw HTTPError(.notFound) }
            // Compressed once, for every client that takes gzip; its name
            // changes with its content, so it is kept for a year.
            var response = PageResponse.make(Self.stylesheet, request: request)
            response.headers[.cacheControl] = "public, max-age=31536000, immutable"
            return response
        }
    }
}
