import Foundation
import HTTPTypes
import Hummingbird
import TenantCore
import NIOCore

/// Builds responses from rendered pages: content negotiation (gzip),
/// validators (ETag, Last-Modified), conditional requests (304), caching and
/// security headers.
enum PageResponse {
    /// No script runs on a page, unless `scripts` says which (the EMC
    /// code's hash and origin, ``EMCCode``), with `connect` the origins
    /// they may send to.
    static func policy(scripts: String? = nil, connect: String? = nil) -> String {
        let allowed = scripts.map { "script-src \($0); connect-src 'self' \(connect ?? "")" } ?? "script-src 'none'"
        return "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; \(allowed); object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
    }

    static let contentSecurityPolicy = Self.policy()

    /// When a commune's page last changed: its content (every publish
    /// touches `platform.tenants.content_changed_at`), the platform notice,
    /// and the program that renders it (its executable's date).
    static func lastModified(_ site: SiteInfo, snapshot: DirectorySnapshot) -> Date {
        var date = max(site.contentChangedAt ?? Date(), site.updatedAt, Self.programDate)
        if !snapshot.notices.isEmpty { date = max(date, snapshot.loadedAt) }
        return date
    }

    static let programDate: Date = {
        let path = ProcessInfo.processInfo.arguments.first ?? ""
        return (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
    }()

    static func make(_ page: CachedPage, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let headers = request.headers
        let answer = self.answer(
            page, acceptEncoding: headers[.acceptEncoding], ifNoneMatch: status == .ok ? headers[.ifNoneMatch] : nil,
            ifModifiedSince: status == .ok ? headers[.ifModifiedSince] : nil)
        switch answer {
        case .notModified(let headers):
            return Response(status: .notModified, headers: headers)
        case .full(gzip: true):
            return Response(status: status, headers: page.gzipHeaders, body: .init(byteBuffer: page.gzip ?? page.body))
        case .full(gzip: false):
            return Response(status: status, headers: page.headers, body: .init(byteBuffer: page.body))
        }
    }

    /// How a cached page answers a request: the router's path and the early
    /// path (``CacheHitHandler``) both decide here.
    enum Answer {
        /// 304 with these headers (the variant's, without Content-Encoding).
        case notModified(HTTPFields)
        /// The page; `gzip`: its gzip variant (there is one and the client takes it).
        case full(gzip: Bool)
    }

    static func answer(_ page: CachedPage, acceptEncoding: String?, ifNoneMatch: String?, ifModifiedSince: String?) -> Answer {
        let gzip = page.gzip != nil && self.acceptsGzip(acceptEncoding)
        guard self.notModified(ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, etag: page.etag, lastModified: page.lastModified)
        else { return .full(gzip: gzip) }
        var headers = gzip ? page.gzipHeaders : page.headers
        headers[.contentEncoding] = nil
        return .notModified(headers)
    }

    /// An uncached page (errors, redirects' bodies).
    static func html(_ html: HTML, status: HTTPResponse.Status, extra: HTTPFields = [:]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        self.addSecurityHeaders(&headers)
        // A page's own header (its Content-Security-Policy) replaces the default one.
        for field in extra { headers[field.name] = nil }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: html.bytes)))
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentLanguage] = "vi"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "strict-origin-when-cross-origin"
        headers[.contentSecurityPolicy] = self.contentSecurityPolicy
    }

    static func acceptsGzip(_ value: String?) -> Bool {
        guard let value, value.contains("gzip") else { return false }
        for part in value.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first == "gzip" || fields.first == "*" else { continue }
            if fields.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }) {
                return false
            }
            return true
        }
        return false
    }

    /// If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    static func notModified(ifNoneMatch: String?, ifModifiedSince: String?, etag: String, lastModified: Date) -> Bool {
        if let match = ifNoneMatch {
            let gz = String(etag.dropLast()) + "-gz\""
            for candidate in match.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag || tag == gz { return true }
            }
            return false
        }
        if let since = ifModifiedSince, let date = HTTPDate.parse(since) {
            return lastModified.timeIntervalSince1970.rounded(.down) <= date.timeIntervalSince1970
        }
        return false
    }
}

/// Redirects: the one helper of the site and the console.
enum Redirect {
    /// `status` to `location`; answers to forms and console pages are never
    /// cached (`no-store`), permanent moves of public pages for an hour.
    static func to(_ location: String, status: HTTPResponse.Status = .seeOther, cacheControl: String = "no-store") -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = cacheControl
        return Response(status: status, headers: headers)
    }
}

/// IMF-fixdate (`Thu, 26 Nov 2026 10:00:00 GMT`), formatted and parsed without Foundation formatters.
enum HTTPDate {
    static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = VietnamTime.civil(fromDays: days)
        let weekday = ((days % 7) + 7 + 3) % 7
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(self.days[weekday]), \(two(d)) \(self.months[m - 1]) \(y) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) GMT"
    }

    /// Parses an IMF-fixdate strictly: a two-digit day that exists in its
    /// month, a four-digit year, `HH:MM:SS` in range. Anything else is nil
    /// (the header is then ignored, RFC 9110 §13.1.3): no number from the
    /// header reaches arithmetic before its range is known.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[5] == "GMT", self.days.contains(String(parts[0].dropLast())), parts[0].hasSuffix(","),
            let day = self.digits(parts[1], count: 2), let year = self.digits(parts[3], count: 4),
            let month = self.months.firstIndex(of: String(parts[2]))
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, let hour = self.digits(time[0], count: 2), let minute = self.digits(time[1], count: 2),
            let second = self.digits(time[2], count: 2), hour <= 23, minute <= 59, second <= 60, (1...31).contains(day)
        else { return nil }
        let epochDays = VietnamTime.days(fromCivil: year, month + 1, day)
        // 31 February and the like: the day must come back as written.
        guard VietnamTime.civil(fromDays: epochDays) == (year, month + 1, day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(epochDays * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// Exactly `count` ASCII digits, as a number (at most 9,999 here).
    private static func digits(_ text: Substring, count: Int) -> Int? {
        guard text.utf8.count == count else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let retryAfter = Self("Retry-After")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}

extension HTTPField.Name {
    /// How long nginx's front cache may keep the answer (nginx never passes it on).
    static let xAccelExpires = HTTPField.Name("X-Accel-Expires")!
}
