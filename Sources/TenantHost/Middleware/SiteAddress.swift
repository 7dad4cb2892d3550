import HTTPTypes
import TenantCore

/// A site's address as a request reached it.
enum SiteAddress {
    /// The site's address as the visitor reached it: the scheme, host and
    /// port that links on the page use and that cached pages are keyed by.
    /// Development aliases (any host but the primary) are plain http, unless
    /// the trusted proxy says (`X-Forwarded-Proto`, http or https only) how
    /// the visitor reached it.
    /// `forwardedProto`: X-Forwarded-Proto, only when a trusted proxy sent the request.
    /// `publicScheme`: ``AppConfig/publicScheme``.
    static func baseURL(tenant: Tenant, host: Hostname, authority: String, forwardedProto: String?, publicScheme: String) -> String {
        var scheme = tenant.primaryHost == host ? publicScheme : "http"
        if let proto = forwardedProto?.lowercased(), proto == "https" || proto == "http" {
            scheme = proto
        }
        let port = Self.port(of: authority).map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.value)\(port)"
    }

    /// The port of a `Host` value (`example.vn:8080`), if it names a valid one.
    static func port(of authority: String) -> Int? {
        let utf8 = authority.utf8
        guard let colon = utf8.lastIndex(of: UInt8(ascii: ":")), utf8.last != UInt8(ascii: "]") else { return nil }
        var port = 0
        for byte in utf8[utf8.index(after: colon)...] {
            guard byte >= 0x30, byte <= 0x39, port <= 65535 else { return nil }
            port = port * 10 + Int(byte - 0x30)
        }
        return utf8.index(after: colon) == utf8.endIndex ? nil : port
    }
}
