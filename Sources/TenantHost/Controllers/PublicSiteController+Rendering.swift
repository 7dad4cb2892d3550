import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// Turning a commune's content into a page: the chrome, limits and errors.
extension PublicSiteController {
    // MARK: Rendering

    /// Reads the menu and footer (unless kept), runs `body`, stores a
    /// successful page in the page cache (unless the commune changed
    /// meanwhile), and answers.
    func render(
        _ request: Request, _ context: TenantRequestContext,
        _ body: @escaping @Sendable (SiteChrome, UnitOfWork) async throws -> Rendered
    ) async throws -> Response {
        try await self.render(request, context) { schema, connection, kept -> (ChromeCache.Chrome?, Void) in
            guard kept == nil else { return (nil, ()) }
            let (sections, site) = try await self.services.content.chrome(schema, bodyOf: nil, on: connection)
            return (ChromeCache.Chrome(sections: sections, site: site), ())
        } _: { chrome, _, connection in
            try await body(chrome, connection)
        }
    }

    /// As ``render(_:_:_:)`` for the page of the section with `slug`, whose
    /// body the chrome carries if the page shows it (``showsBody(_:)``):
    /// read with the menu, or alone when the menu is kept. A kept menu says
    /// what the section is, so a list's page reads its items and nothing
    /// else, and the introduction reads its leaders with its body (`body`
    /// is given them then; nil: it reads them itself).
    func renderSection(
        _ request: Request, _ context: TenantRequestContext, slug: String,
        _ body: @escaping @Sendable (SiteChrome, _ leaders: [Entry]?, UnitOfWork) async throws -> Rendered
    ) async throws -> Response {
        let content = self.services.content
        return try await self.render(request, context) { schema, connection, kept -> (ChromeCache.Chrome?, (body: String?, leaders: [Entry]?)) in
            guard let kept else {
                let (sections, site) = try await content.chrome(schema, bodyOf: slug, on: connection)
                return (ChromeCache.Chrome(sections: sections, site: site), (nil, nil))
            }
            guard let section = kept.sections.first(where: { $0.slug == slug }), Self.showsBody(section) else { return (nil, (nil, nil)) }
            if section.id == MandatorySection.introduction.id {
                let page = try await content.introduction(schema, slug: slug, now: Date(), on: connection)
                return (nil, (page.body, page.leaders))
            }
            return (nil, (try await content.sectionBody(schema, slug: slug, on: connection), nil))
        } _: { chrome, reads, connection in
            var chrome = chrome
            if let text = reads.body, let index = chrome.sections.firstIndex(where: { $0.slug == slug }) {
                chrome.sections[index].body = text
            }
            return try await body(chrome, reads.leaders, connection)
        }
    }

    /// As above, with what the page shows (`Extra`) read by `reads` in the
    /// same round trip as the menu and footer when those are not kept for
    /// the commune's generation (``ChromeCache``): `reads` is given the kept
    /// menu and footer, or nil, and then reads them too and answers them.
    func render<Extra: Sendable>(
        _ request: Request, _ context: TenantRequestContext,
        reads: @escaping @Sendable (SchemaName, UnitOfWork, _ kept: ChromeCache.Chrome?) async throws -> (ChromeCache.Chrome?, Extra),
        _ body: @escaping @Sendable (SiteChrome, Extra, UnitOfWork) async throws -> Rendered
    ) async throws -> Response {
        let visit = context.visit
        let services = self.services
        let snapshot = services.directory.snapshot
        let kept = services.chromes.lookup(tenant: visit.tenant.id, generation: visit.generation)
        let (first, site, emc): (Rendered, SiteInfo, EMCCode?) = try await services.database.withConnection(retryingReads: true, schema: visit.tenant.schema) { connection in
            let (read, extra) = try await reads(visit.tenant.schema, connection, kept)
            guard let parts = kept ?? read else { throw TenantCoreError(.internal, "the page read no menu and footer") }
            if kept == nil {
                // Under the generation read before the rows: a change since
                // leaves this entry stale, never used. Without sections'
                // bodies: a page that shows one reads it.
                services.chromes.store(parts.kept, tenant: visit.tenant.id, generation: visit.generation)
            }
            let (sections, site) = (parts.sections, parts.site)
            var chrome = SiteChrome(
                tenant: visit.tenant, sections: sections, site: site, baseURL: visit.baseURL,
                canonicalBase: visit.canonicalBase, now: Date())
            chrome.archive = visit.archive
            chrome.emc = EMCCode(siteID: site.emcSiteID, settings: snapshot.settings)
            chrome.platformNotices = snapshot.notices(province: visit.tenant.province?.id, at: chrome.now)
            if visit.archive == nil {
                chrome.predecessors = Self.predecessors(
                    of: visit.tenant, in: snapshot, scheme: snapshot.isDev(visit.host) ? "http" : services.config.publicScheme,
                    preferDev: snapshot.isDev(visit.host))
            }
            do {
                return (try await body(chrome, extra, connection), site, chrome.emc)
            } catch PageError.notFound(let message) {
                return (.failure(.notFound, ErrorView.inSite(chrome, title: "Không tìm thấy trang", message: message)), site, chrome.emc)
            } catch PageError.badRequest(let message) {
                return (.failure(.badRequest, ErrorView.inSite(chrome, title: "Yêu cầu không hợp lệ", message: message)), site, chrome.emc)
            }
        }
        var rendered = first
        switch rendered {
        case .failure(_, let html), .personal(let html, _), .page(let html, _):
            guard html.bytes.count <= Self.maximumPageBytes else { throw PageError.tooLargeToRender(bytes: html.bytes.count) }
        }
        if let archive = visit.archive { rendered = rendered.map { ArchiveLinks.rewrite($0, prefix: archive.prefix) } }
        switch rendered {
        case .failure(let status, let html), .personal(let html, let status):
            return PageResponse.html(html, status: status)
        case .page(let html, let contentType):
            let key = services.cache.capacity > 0 ? visit.cache.pageKey : nil
            let page = PageCache.makePage(
                body: ByteBuffer(bytes: html.bytes), contentType: contentType, ttl: services.config.pageCacheTTL,
                lastModified: PageResponse.lastModified(site, snapshot: services.directory.snapshot),
                // The same code the page's head carries (the snippet is hashed once per render).
                contentSecurityPolicy: emc?.contentSecurityPolicy,
                compress: key != nil || PageResponse.acceptsGzip(request.headers[.acceptEncoding]), wire: key != nil)
            var response = PageResponse.make(page, request: request)
            if let key, services.cache.store(page, key: key, generation: visit.generation), let front = services.front,
                visit.cache.front, response.status == .ok, services.cache.generation(of: visit.tenant.id) == visit.generation
            {
                // Recorded, and the commune did not change while this page was made.
                front.kept(tenant: visit.tenant.id)
                response.headers[.xAccelExpires] = front.headerValue
            }
            return response
        }
    }

    /// The old communes `tenant` was formed from, each linked to its archive
    /// (on this site, or on the site of the commune that took its seat).
    static func predecessors(
        of tenant: Tenant, in snapshot: DirectorySnapshot, scheme: String, preferDev: Bool
    ) -> [(name: String, share: String, href: String?)] {
        (snapshot.predecessors[tenant.id] ?? []).map { p in
            guard let id = p.tenantID, let old = snapshot.tenants[id], let (host, path) = snapshot.archivePath(of: old, preferDev: preferDev)
            else {
                return (p.name, p.share, nil)
            }
            return (p.name, p.share, old.successorID == tenant.id ? path + "/" : scheme + "://" + host.value + path + "/")
        }
    }

    /// The largest page rendered (editors' bodies are far smaller: 200,000 characters).
    static let maximumPageBytes = 4 * 1024 * 1024

    static func checkRange<Item>(_ page: Page<Item>) throws {
        if page.number > 1 && page.number > page.pageCount {
            throw PageError.notFound("Trang số \(page.number) không tồn tại; danh sách chỉ có \(page.pageCount) trang.")
        }
    }

    static func entryID(_ context: TenantRequestContext) throws -> Int64 {
        guard let raw = context.parameters.get("id"), raw.count <= 18, raw.allSatisfy({ $0.isASCII && $0.isNumber }),
            let id = Int64(raw), id > 0
        else { throw HTTPError(.notFound) }
        return id
    }

    static let stylesheet = PageCache.makePage(
        body: ByteBuffer(string: Stylesheet.css), contentType: "text/css; charset=utf-8", ttl: .seconds(31_536_000),
        lastModified: PageResponse.programDate)

    static func fixed(_ text: String, contentType: String, maxAge: Int, immutable: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "public, max-age=\(maxAge)\(immutable ? ", immutable" : "")"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
