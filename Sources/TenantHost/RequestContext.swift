import Hummingbird
import Logging
import TenantCore

/// Which commune a request is for, and where it came in.
struct SiteVisit: Sendable {
    let tenant: Tenant
    let host: Hostname
    /// `http://hai-nam.hai-hau.nam-dinh.localhost:8080`
    let baseURL: String
    /// `https://hainam.haihau.namdinh.gov.vn`
    let canonicalBase: String
    /// What may be kept of the answer (``CachePolicy``).
    let cache: CachePolicy
    /// The commune's cache generation when the request started.
    let generation: UInt64
    /// Set when the commune is shown as an archive inside its successor's site.
    var archive: ArchiveVisit? = nil
}

/// An old commune's site shown inside its successor's: `/luu-tru/<slug>`.
struct ArchiveVisit: Sendable {
    /// The successor, whose host the visitor is on.
    let home: Tenant
    /// `/luu-tru/hai-nam`: put in front of every link of the archived site.
    let prefix: String
}

/// The context of every request: `visit` is set by ``SiteMiddleware`` once
/// the `Host` has been resolved to a commune that is being served.
struct SiteRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var visit: SiteVisit?
    /// The request came to the platform console's host (ADMIN_HOST).
    var isAdminHost = false
    /// The client's address (from the socket, or X-Forwarded-For behind a trusted proxy).
    var remoteAddress: String
    /// The request came through one of the trusted proxies (``TrustedProxies``).
    var viaProxy = false
    /// Set by ``ArchiveResponder`` when the path was `/luu-tru/<slug>/…`:
    /// the request now carries the rest of the path, routed as the archived
    /// site's own page.
    var archivePath: (slug: String, original: String)?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.visit = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The limit of Hummingbird's own body decoding; the console's forms and
    /// uploads are read with their own limits (``FormBody/read(_:context:limit:)``).
    var maxUploadSize: Int { 11 * 1024 * 1024 }
}

/// The context of a commune's routes: the commune is always there, so
/// handlers never meet "no tenant".
struct TenantRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let visit: SiteVisit

    init(context: SiteRequestContext) throws {
        guard let visit = context.visit else { throw HTTPError(.notFound) }
        self.coreContext = context.coreContext
        self.visit = visit
        self.logger[metadataKey: "tenant.schema"] = "\(visit.tenant.schema)"
        self.logger[metadataKey: "host"] = "\(visit.host)"
        self.remoteAddress = context.remoteAddress
    }

    var tenant: Tenant { self.visit.tenant }
    var remoteAddress: String = "unknown"
}
