/// One line of nginx's visits log (`log_format visits` in
/// deploy/nginx/nginx.conf), as a page view of a commune's site or nothing:
///
///     2026-12-06T12:43:04+07:00 hainam.namdinh.gov.vn "GET /tin-tuc/12?trang=2" 200 0
///
/// time, host, method and target, status, and 1 when the user agent names a
/// robot. No address and no cookie are ever in the log. A view is a GET
/// answered 200 or 304 to a person, of a page (not a file, a feed, the
/// console or a health check); it is counted on the day in Vietnam and
/// under its path without the query.
public struct VisitLine: Sendable, Hashable {
    public let day: String
    public let host: String
    public let path: String

    /// Paths that are not pages a person reads.
    static let skippedPrefixes = ["/_static/", "/tep/", "/rss/", "/quan-tri", "/_health", "/xem-truoc/", "/favicon"]
    static let skippedSuffixes = [".xml", ".txt", ".ico", ".png", ".jpg", ".css", ".js", ".php"]

    /// nil for a line that is not a page view (or is malformed).
    public static func parse(_ line: Substring) -> VisitLine? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        // time host "METHOD target" status robot
        guard fields.count == 6, fields[5] == "0", fields[4] == "200" || fields[4] == "304",
            fields[2] == "\"GET", fields[3].hasSuffix("\""), fields[3].first == "/",
            let day = self.vietnamDay(fields[0])
        else { return nil }
        let host = fields[1]
        guard (1...253).contains(host.utf8.count),
            host.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D })
        else { return nil }
        var path = fields[3].dropLast().prefix { $0 != "?" && $0 != "#" }
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        guard path.utf8.count <= 300,
            !self.skippedPrefixes.contains(where: { path.hasPrefix($0) }),
            !self.skippedSuffixes.contains(where: { path.lowercased().hasSuffix($0) })
        else { return nil }
        return VisitLine(day: day, host: String(host), path: String(path))
    }

    /// `2026-12-06T12:43:04+07:00` (nginx's `$time_iso8601`) → the day in
    /// Vietnam, `2026-12-06`.
    static func vietnamDay(_ text: Substring) -> String? {
        let b = Array(text.utf8)
        guard b.count == 25, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[22] == 0x3A,
            b[19] == 0x2B || b[19] == 0x2D
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), let offsetHours = number(20..<22),
            let offsetMinutes = number(23..<25), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61, offsetHours < 24, offsetMinutes < 60, (1970...9999).contains(year)
        else { return nil }
        let offset = (b[19] == 0x2B ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60)
        let utc = VietnamTime.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        let vietnamDays = (utc + VietnamTime.offsetSeconds).quotientRounding(by: 86_400)
        let (y, m, d) = VietnamTime.civil(fromDays: vietnamDays)
        return "\(y)-\(VietnamTime.two(m))-\(VietnamTime.two(d))"
    }
}

extension Int {
    /// Division rounding towards minus infinity.
    fileprivate func quotientRounding(by divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}
