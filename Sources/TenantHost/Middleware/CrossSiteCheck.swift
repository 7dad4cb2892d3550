import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// Forms are only taken from pages of the site they are posted to: a post
/// a browser says came from another site (`Sec-Fetch-Site`), or whose
/// `Origin` or `Referer` names another host, is refused before it is read.
/// Clients that send none of the three (scripts, older browsers) go on to
/// the form's own checks (CSRF tokens in the console, limits for citizens).
enum CrossSiteCheck {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Why the post is refused, or nil. `authority`: the request's `Host`.
    static func refusal(_ request: Request, authority: String) -> String? {
        if let site = request.headers[Self.secFetchSite]?.lowercased(), site != "same-origin", site != "none" {
            return "sent from another site (\(site.prefix(20)))"
        }
        let own = Self.hostAndPort(authority: authority)
        if let origin = request.headers[.origin] {
            guard let other = Self.hostAndPort(url: origin), other == own else { return "Origin \(origin.prefix(100)) is another site" }
            return nil
        }
        if let referer = request.headers[.referer], let other = Self.hostAndPort(url: referer), other != own {
            return "Referer names another site"
        }
        return nil
    }

    /// `host:port` of a `Host` header, normalised (nil port: the scheme's default).
    static func hostAndPort(authority: String) -> String? {
        guard let host = try? Hostname(normalizing: authority) else { return nil }
        return host.value + (SiteAddress.port(of: authority).map { ":\($0)" } ?? "")
    }

    /// `host:port` of `scheme://host[:port]/…`; nil for `null` or anything else.
    static func hostAndPort(url: String) -> String? {
        guard url.utf8.count <= 2048, let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@"), var result = Self.hostAndPort(authority: String(authority)) else { return nil }
        // An explicit default port is the same origin as none.
        if (scheme == "http" && result.hasSuffix(":80")) || (scheme == "https" && result.hasSuffix(":443")), let colon = result.lastIndex(of: ":") {
            result = String(result[..<colon])
        }
        return result
    }
}
