import HTTPTypes
import TenantCore

/// What may be kept of the answer to one request to a commune's site,
/// decided once from the request (``decide(…)``) and read by every layer:
/// the early path (``CacheHitHandler``), ``SiteMiddleware`` and the page's
/// renderer (``PublicSiteController``).
struct CachePolicy: Sendable, Equatable {
    /// Set on the answer to a successful form post (an editor's publish, a
    /// citizen's question): for the next 10 s that visitor's pages of this
    /// commune bypass the page cache and nginx's front cache. Every host
    /// drops a commune's pages when it hears of the change (NOTIFY), a few
    /// milliseconds after the commit; the writer must not see the old page
    /// from a host that has not heard of it yet.
    static let justWroteCookie = "vua_sua=1; Path=/; Max-Age=10; HttpOnly; SameSite=Lax"

    /// Whether a `Cookie` header carries ``justWroteCookie``.
    static func justWrote(_ cookie: String?) -> Bool {
        guard let cookie, cookie.utf8.count < 8192 else { return false }
        return cookie.split(separator: ";").contains { $0.trimmingPrefix(while: { $0 == " " }).hasPrefix("vua_sua=") }
    }

    /// Sent by nginx's front cache (deploy/nginx/tenant-proxy.conf).
    static let frontCacheKey = HTTPField.Name("X-Front-Cache-Key")!

    /// Where the page is kept in this host's page cache and looked up: the
    /// site's address, the path and the canonical query (``PageQuery``).
    /// nil: never kept (a write, a visitor who has just written).
    let pageKey: PageCache.Key?
    /// nginx's front cache may keep the answer (`X-Accel-Expires`) if it is
    /// a page made or found fresh while PostgreSQL is reachable: the request
    /// came through a trusted front that named it, in its canonical form.
    let front: Bool

    static let never = CachePolicy(pageKey: nil, front: false)

    /// - Parameters:
    ///   - isRead: a GET or HEAD.
    ///   - cookie: the `Cookie` header (``justWrote(_:)``).
    ///   - target: the request target as sent (`/tin-tuc?trang=2`).
    ///   - frontKey: nginx's `X-Front-Cache-Key`, read only from a trusted
    ///     proxy (nil otherwise) and only when this host has fronts.
    static func decide(
        isRead: Bool, tenant: Int64, baseURL: String, path: String, query: String, target: String, cookie: String?, frontKey: String?
    ) -> CachePolicy {
        guard isRead, !Self.justWrote(cookie) else { return .never }
        let canonical = PageQuery.canonical(path: path, query: query)
        let key = PageCache.Key(tenant: tenant, target: baseURL + path + "?" + canonical)
        let front = frontKey.map { FrontCache.namesRequest(header: $0, baseURL: baseURL, target: target) } ?? false
            && canonical == query && PageQuery.frontKeeps(path: path, query: canonical)
        return CachePolicy(pageKey: key, front: front)
    }
}

/// The query parameters each public page reads. Any other parameter
/// (`fbclid`, `utm_source`, `x=1`…) changes nothing on the page, so it is no
/// part of the page's cache key: a thousand links with a thousand tracking
/// parameters are one page in the cache, made once.
enum PageQuery {
    /// The parameters the page at `path` reads, in the order they are kept.
    static func parameters(path: String) -> [Substring] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        switch parts.count {
        case 0:
            return []
        case 1:
            switch parts[0] {
            case "tim-kiem": return ["luu-tru", "q", "trang"]
            case "lich-cong-tac": return ["tuan"]
            case "danh-gia": return ["da-gui"]
            case Substring(MandatorySection.documents.slug): return ["co-quan", "loai", "nam", "so", "trang", "tu-khoa"]
            case Substring(MandatorySection.procedures.slug): return ["linh-vuc", "muc-do", "q"]
            default: return ["trang"]  // a section's list
            }
        case 2:
            if parts[0] == "hoi-dap", parts[1] == "tra-cuu" { return ["ma", "moi"] }
            return ["da-gui"]  // an entry (a consultation's page says a comment was sent)
        default:
            return []
        }
    }

    /// The query with only the parameters the page reads, in a fixed
    /// order, each as it was sent (the first of a repeated one).
    static func canonical(path: String, query: String) -> String {
        guard !query.isEmpty else { return "" }
        let wanted = self.parameters(path: path)
        guard !wanted.isEmpty else { return "" }
        var found: [Substring: Substring] = [:]
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name = piece.prefix { $0 != "=" }
            if wanted.contains(name), found[name] == nil { found[name] = piece }
        }
        return wanted.compactMap { found[$0] }.joined(separator: "&")
    }

    /// Whether a front may keep the page: not a search (one page per
    /// visitor's words), nor a question's tracking page (one visitor's).
    static func frontKeeps(path: String, query: String) -> Bool {
        switch path {
        case "/tim-kiem": query.isEmpty
        case "/hoi-dap/tra-cuu": false
        default: true
        }
    }
}
