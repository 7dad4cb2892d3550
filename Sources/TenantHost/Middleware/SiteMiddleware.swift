import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TenantCore

/// Host → commune, in front of every route, with no catalogue query:
/// - a missing or malformed `Host` gets 400; an unknown one a plain 404
///   that names no commune ("better to fail than to reveal data");
/// - a non-primary host gets 301 to the primary one, same path and query;
/// - a suspended commune gets 503 with its name, an archived one 410, or
///   301 into its successor's site (`/luu-tru/<slug>/`, same path) when the
///   reorganisation made it an archive there;
/// - otherwise the page comes from the page cache, or the router renders it.
/// `/_health` is answered before it (``HealthMiddleware``); what the routes
/// throw becomes a page behind it (``SiteErrorMiddleware``).
struct SiteMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext
    let services: SiteServices
    /// What a portal's rating form writes through.
    let editorial: Editorial

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var route = RouteClass.other
        do {
            let response = try await self.dispatch(request, context: context, route: &route, next: next)
            self.services.metrics.record(route, status: response.status.code, duration: ContinuousClock.now - started)
            return response
        } catch {
            self.services.metrics.record(route, status: 500, duration: ContinuousClock.now - started)
            throw error
        }
    }

    private func dispatch(
        _ request: Request, context: Context, route: inout RouteClass, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let authority = request.head.authority, !authority.isEmpty else {
            return SiteErrorMiddleware.plain(.badRequest, "Yêu cầu không hợp lệ", "Yêu cầu không cho biết tên miền của trang cần truy cập.")
        }
        let host: Hostname
        do {
            host = try Hostname(normalizing: authority)
        } catch {
            return SiteErrorMiddleware.plain(.badRequest, "Yêu cầu không hợp lệ", "Tên miền trong yêu cầu không hợp lệ.")
        }
        var context = context
        // Only a listed proxy is believed about the client (the address it
        // appended to X-Forwarded-For; earlier entries are whatever the
        // client sent), the scheme and nginx's cache key.
        let proxies = self.services.config.trustedProxies
        context.viaProxy = proxies.contains(context.remoteAddress)
        if context.viaProxy {
            context.remoteAddress = proxies.client(peer: context.remoteAddress, forwardedFor: request.headers[.xForwardedFor])
        }
        if request.method != .get, request.method != .head, let reason = CrossSiteCheck.refusal(request, authority: authority) {
            context.logger.notice("cross-site post refused", metadata: ["host": "\(host)", "path": "\(request.uri.path)", "reason": "\(reason)"])
            return SiteErrorMiddleware.plain(
                .forbidden, "Biểu mẫu không hợp lệ",
                "Biểu mẫu này chỉ nhận nội dung gửi từ chính trang của nó. Vui lòng mở lại trang và gửi lại.")
        }
        if host.value == self.services.config.adminHost {
            route = .console
            guard context.archivePath == nil else {
                return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang bạn tìm không tồn tại.")
            }
            return try await self.console(request, context: context, next: next)
        }
        let snapshot = self.services.directory.snapshot
        guard snapshot.loadedAt != .distantPast else {
            return SiteErrorMiddleware.plain(
                .serviceUnavailable, "Hệ thống tạm thời gián đoạn",
                "Hệ thống đang khởi động hoặc không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.",
                retryAfter: true)
        }
        switch snapshot.resolve(host) {
        case .unknown:
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Địa chỉ này không thuộc trang thông tin điện tử nào trên hệ thống.")
        case .portal(let unit):
            let path = request.uri.path
            if path.hasPrefix("/_static/") || path == "/favicon.svg" {
                route = .asset
                return try await next(request, context)
            }
            route = .portal
            guard self.services.database.isAvailable else {
                return SiteErrorMiddleware.plain(
                    .serviceUnavailable, "Hệ thống tạm thời gián đoạn",
                    "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.", retryAfter: true)
            }
            return try await PortalController(services: self.services, editorial: self.editorial).respond(
                request, context: context, unit: unit, snapshot: snapshot, host: host, authority: authority)
        case .redirect(_, let primary):
            route = .redirect
            let port = SiteAddress.port(of: authority).map { ":\($0)" } ?? ""
            let target = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
            return Redirect.to(
                "\(self.services.config.publicScheme)://\(primary.value)\(port)\(target)", status: Self.permanent(request),
                cacheControl: "public, max-age=3600")
        case .archived(let old, let successor, let homeHost):
            route = .redirect
            let prefix = "/luu-tru/" + (old.archiveSlug ?? "")
            let path = request.uri.path
            let target = request.uri.query.map { path + "?" + $0 } ?? path
            let base = SiteAddress.baseURL(
                tenant: successor, host: homeHost, authority: authority, forwardedProto: context.viaProxy ? request.headers[.xForwardedProto] : nil,
                publicScheme: self.services.config.publicScheme)
            return Redirect.to(base + prefix + target, status: Self.permanent(request), cacheControl: "public, max-age=3600")
        case .serve(let tenant):
            switch tenant.status {
            case .suspended:
                let note = tenant.statusNote.isEmpty ? "" : " \(tenant.statusNote)"
                return SiteErrorMiddleware.plain(
                    .serviceUnavailable, "Trang thông tin điện tử \(tenant.name) tạm ngừng hoạt động",
                    "Trang đang tạm ngừng phục vụ.\(note) Vui lòng quay lại sau.", retryAfter: true)
            case .archived:
                let note = tenant.statusNote.isEmpty ? "" : " \(tenant.statusNote)"
                return SiteErrorMiddleware.plain(
                    .gone, "Trang thông tin điện tử \(tenant.name) đã ngừng hoạt động",
                    "Trang đã được lưu trữ và không còn được cập nhật.\(note)")
            case .active:
                break
            }
            let path = request.uri.path
            if context.archivePath != nil || path == "/luu-tru" || path.hasPrefix("/luu-tru/") {
                return try await self.archive(
                    request, context: context, home: tenant, snapshot: snapshot, host: host, authority: authority, route: &route, next: next)
            }
            return try await self.serve(request, context: context, tenant: tenant, host: host, authority: authority, route: &route, next: next)
        }
    }

    /// A host's permanent move: 301 for reading, 308 for a form sent there,
    /// so the browser sends it on with its text instead of turning it into
    /// a GET that loses what was written.
    static func permanent(_ request: Request) -> HTTPResponse.Status {
        request.method == .get || request.method == .head ? .movedPermanently : .permanentRedirect
    }

    /// `/luu-tru/<slug>/…` on a commune's host: the read-only site of an old
    /// commune it was formed from, with the rest of the path as that site's
    /// path and every link kept inside the archive.
    private func archive(
        _ request: Request, context: Context, home: Tenant, snapshot: DirectorySnapshot, host: Hostname, authority: String,
        route: inout RouteClass, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // `/luu-tru/<slug>/…` arrives rewritten (``ArchiveResponder``) with
        // the slug in the context; `/luu-tru` and `/luu-tru/<slug>` as they are.
        let path = context.archivePath.map { "/luu-tru/" + $0.slug + request.uri.path } ?? request.uri.path
        let rest = path.dropFirst("/luu-tru".count).drop { $0 == "/" }
        let slug = rest.prefix { $0 != "/" }
        guard !slug.isEmpty else {
            var headers = HTTPFields()
            headers[.location] = "/"
            return Response(status: .seeOther, headers: headers)
        }
        guard let archived = snapshot.archive(in: home.id, slug: String(slug)) else {
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang lưu trữ bạn tìm không tồn tại trên \(home.nameInSentence).")
        }
        let prefix = "/luu-tru/" + slug
        let inner = String(rest.dropFirst(slug.count))
        if inner.isEmpty {
            var headers = HTTPFields()
            headers[.location] = prefix + "/" + (request.uri.query.map { "?" + $0 } ?? "")
            return Response(status: .movedPermanently, headers: headers)
        }
        guard !inner.hasPrefix("/quan-tri") else {
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang lưu trữ không có trang quản trị.")
        }
        guard request.method == .get || request.method == .head else {
            // The same page of the site that keeps the archive (its form, if it has one).
            return SiteErrorMiddleware.plain(
                .methodNotAllowed, "Trang lưu trữ chỉ để đọc",
                "\(archived.name) nay thuộc \(home.nameInSentence); trang lưu trữ không nhận ý kiến hay câu hỏi mới. Vui lòng gửi tại trang của \(home.nameInSentence).",
                link: (String(inner), "Mở trang này trên trang của \(home.name)"))
        }
        guard context.archivePath != nil else {
            // Not rewritten, so not routed as the archive's page.
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang bạn tìm không tồn tại.")
        }
        let archive = ArchiveVisit(home: home, prefix: prefix)
        return try await self.serve(
            request, context: context, tenant: archived, host: host, authority: authority, route: &route, next: next, archive: archive)
    }

    private func serve(
        _ request: Request, context: Context, tenant: Tenant, host: Hostname, authority: String, route: inout RouteClass,
        next: (Request, Context) async throws -> Response, archive: ArchiveVisit? = nil
    ) async throws -> Response {
        let path = request.uri.path
        let query = request.uri.query ?? ""
        // The console is only on the console host: a commune's `/quan-tri`
        // (however its slashes are written) leads there.
        if path.split(separator: "/", maxSplits: 1).first == "quan-tri" {
            route = .console
            return self.consoleRedirect(request, tenant: archive == nil ? tenant : nil, authority: authority)
        }
        route = path.hasPrefix("/_static/") || path == "/favicon.svg" ? .asset : request.method == .post ? .form : .page
        guard path.utf8.count <= 1024, query.utf8.count <= 2048 else {
            return SiteErrorMiddleware.plain(.uriTooLong, "Địa chỉ quá dài", "Địa chỉ trang yêu cầu quá dài.")
        }
        let siteTenant = archive?.home ?? tenant
        let baseURL = SiteAddress.baseURL(
            tenant: siteTenant, host: host, authority: authority, forwardedProto: context.viaProxy ? request.headers[.xForwardedProto] : nil,
            publicScheme: self.services.config.publicScheme) + (archive?.prefix ?? "")
        let canonicalBase = "\(self.services.config.publicScheme)://\((siteTenant.primaryHost ?? host).value)" + (archive?.prefix ?? "")
        let policy = CachePolicy.decide(
            isRead: request.method == .get || request.method == .head, tenant: tenant.id, baseURL: baseURL, path: path, query: query,
            target: request.uri.string, cookie: request.headers[.cookie],
            frontKey: self.services.front != nil && context.viaProxy ? request.headers[CachePolicy.frontCacheKey] : nil)
        if let key = policy.pageKey, let page = self.services.cache.lookup(key, now: .now, allowStale: !self.services.database.isAvailable) {
            route = .pageCached
            var response = PageResponse.make(page, request: request)
            // A fresh page only (stale ones are served while PostgreSQL is away).
            if let front = self.services.front, policy.front, response.status == .ok, self.services.database.isAvailable {
                front.kept(tenant: tenant.id)
                response.headers[.xAccelExpires] = front.headerValue
            }
            return response
        }
        guard self.services.database.isAvailable else {
            return SiteErrorMiddleware.plain(
                .serviceUnavailable, "Hệ thống tạm thời gián đoạn",
                "Không kết nối được cơ sở dữ liệu của trang thông tin điện tử \(tenant.name). Vui lòng thử lại sau ít phút.",
                retryAfter: true)
        }
        var context = context
        context.logger[metadataKey: "tenant.schema"] = "\(tenant.schema)"
        context.logger[metadataKey: "host"] = "\(host)"
        context.visit = SiteVisit(
            tenant: tenant, host: host, baseURL: baseURL, canonicalBase: canonicalBase, cache: policy,
            generation: self.services.cache.generation(of: tenant.id), archive: archive)
        var response = try await next(request, context)
        if request.method == .post, response.status.code < 400 {
            response.headers.append(HTTPField(name: .setCookie, value: CachePolicy.justWroteCookie))
        }
        return response
    }

    /// A commune host's `/quan-tri…`: 303 to the same page of the commune's
    /// console on the console host (`/quan-tri/bien-tap/<id>/…`), or to its
    /// login page; never for an archive, which has no console.
    private func consoleRedirect(_ request: Request, tenant: Tenant?, authority: String) -> Response {
        guard let tenant, request.method == .get || request.method == .head else {
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang quản trị không ở địa chỉ này.")
        }
        let admin = self.services.config.adminHost
        let scheme = admin.hasSuffix(".localhost") ? "http" : self.services.config.publicScheme
        let port = SiteAddress.port(of: authority).map { ":\($0)" } ?? ""
        let base = ConsolePaths.commune(tenant)
        let rest = request.uri.path.split(separator: "/").dropFirst().joined(separator: "/")
        let target = rest == "dang-nhap" ? "/quan-tri/dang-nhap?tiep=" + Layout.percentEncode(base)
            : base + (rest.isEmpty ? "" : "/" + rest) + (request.uri.query.map { "?" + $0 } ?? "")
        return Redirect.to("\(scheme)://\(admin)\(port)\(target)")
    }

    /// The platform console's host: only the console and static files.
    private func console(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.isAdminHost = true
        let path = request.uri.path
        if path == "/" {
            var headers = HTTPFields()
            headers[.location] = "/quan-tri"
            return Response(status: .seeOther, headers: headers)
        }
        guard path.hasPrefix("/quan-tri") || path.hasPrefix("/_static/") || path == "/favicon.svg" else {
            return SiteErrorMiddleware.plain(.notFound, "Không tìm thấy trang", "Trang bạn tìm không tồn tại.")
        }
        guard self.services.database.isAvailable else {
            return SiteErrorMiddleware.plain(.serviceUnavailable, "Hệ thống tạm thời gián đoạn", "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.", retryAfter: true)
        }
        return try await next(request, context)
    }
}
