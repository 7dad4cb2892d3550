import Foundation
import NIOCore
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// Every request header a host reads, with extreme numbers, signs, lengths
/// and bytes: the process lives, and every answer is a page or a 4xx.
@Suite struct HeaderFuzzTests {
    /// Values that have broken or could break a header's parser.
    static let fragments = [
        "Sat, 05 Dec 2026 07:00:00 GMT", "Sat,", " 9223372036854775807 ", "-9223372036854775808", "99999999999999999999", "Dec", "Foo",
        "GMT", "UTC", ":", "00:00:00", "24:60:61", "9223372036854775807:00:00", "0", "-1", "+1", "1e309", "NaN", ",", ";", "=", "q=0",
        "q=-1", "q=1e400", "gzip", "br", "*", "W/", "\"", "\"abc\"", "bytes=", "0-", "-0", "1-0", "0-18446744073709551615", "vua_sua=1",
        "phien=", "a=b", "127.0.0.1", "::1", "[::1]", "1.2.3.4.5", "300.1.1.1", "fe80::1%eth0", "http", "https", "javascript:",
        "http://", "//", "/", "%00", "%ZZ", "\u{0}", "\u{1}", "\u{7F}", "é", "ủy", "\u{FEFF}", " ", "\t", "vi-VN", "vi;q=0.9",
        String(repeating: "9", count: 400), String(repeating: "a,", count: 200),
    ]

    /// The headers a host reads somewhere (conditional requests, encoding,
    /// cookies, the proxy's, the front cache's, cross-site checks).
    static let headers = [
        "If-Modified-Since", "If-None-Match", "Range", "If-Range", "Accept-Encoding", "Cookie", "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Front-Cache-Key", "Accept-Language", "Origin", "Referer", "Sec-Fetch-Site", "User-Agent", "Accept", "Content-Type",
    ]

    /// A header value: fragments and random bytes, no CR or LF (they end a header line).
    static func value(_ random: inout SeededRandom) -> String {
        Fuzz.text(&random, fragments: Self.fragments, maxPieces: 8).filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
    }

    /// The parsers on their own, many cases a second.
    @Test func headerParsers_neverTrap() {
        let page = PageCache.makePage(
            body: .init(string: "<p>x</p>"), contentType: "text/html; charset=utf-8", ttl: .seconds(60), lastModified: Date(),
            contentSecurityPolicy: nil, compress: true)
        Fuzz.run(iterations: Fuzz.iterations(default: 20_000)) { random, seed in
            let text = Self.value(&random)
            if let date = HTTPDate.parse(text) {
                #expect(date.timeIntervalSince1970.isFinite, "seed \(seed)")
                #expect(HTTPDate.parse(HTTPDate.format(date)) == date, "seed \(seed): \(text.debugDescription)")
            }
            _ = PageResponse.answer(page, acceptEncoding: text, ifNoneMatch: Bool.random(using: &random) ? text : nil, ifModifiedSince: text)
            _ = PageResponse.acceptsGzip(text)
            _ = CachePolicy.justWrote(text)
            _ = SiteAddress.port(of: text)
            _ = TrustedProxies.loopback.client(peer: "127.0.0.1", forwardedFor: text)
            _ = TrustedProxies(list: text)
            _ = TrustedProxies.parse(text)
        }
    }

    /// The dates that killed a host: numbers past any calendar.
    @Test func overflowingDates_areIgnored() {
        for text in [
            "Sat, 9223372036854775807 Dec 2026 07:00:00 GMT", "Sat, 05 Dec 2026 9223372036854775807:00:00 GMT",
            "Sat, 05 Dec 9223372036854775807 07:00:00 GMT", "Sat, 05 Dec -9223372036854775808 07:00:00 GMT",
            "Sat, 05 Dec 2026 00:00:9223372036854775807 GMT", "Sat, 31 Feb 2026 07:00:00 GMT", "Sat, 5 Dec 2026 07:00:00 GMT",
            "Sat, 05 Dec 2026 7:00:00 GMT", "Sat, 05 Dec 2026 24:00:00 GMT", "Sat, +5 Dec 2026 07:00:00 GMT",
        ] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
        #expect(HTTPDate.parse("Sat, 05 Dec 2026 07:00:00 GMT") == Date(timeIntervalSince1970: 1_796_454_000))
        #expect(HTTPDate.parse("Sun, 29 Feb 2032 23:59:60 GMT") != nil)
    }

    /// Over a real connection, ahead of the router and through it, on a
    /// commune's cached page, its stylesheet, the console host and a portal.
    @Test func everyHeader_getsAPageOrA4xx_andTheHostLives() async throws {
        try await withTestPlatform(from: .communes([SiteRoutingTests.a])) { platform in
            try await withTestHost(platform, cacheTTL: 3600, wire: true, configure: { $0.trustedProxies = .loopback }) { host in
                let site = "thuan-an.hue.localhost"
                #expect(try await host.get(host: site).status == 200)
                // The two requests that killed a host, on a cached page and on the stylesheet of each kind of host.
                for (path, on) in [("/", site), (Stylesheet.path, site), (Stylesheet.path, "quan-tri.localhost"), (Stylesheet.path, "hue.localhost")] {
                    for since in ["Sat, 9223372036854775807 Dec 2026 07:00:00 GMT", "Sat, 05 Dec 2026 9223372036854775807:00:00 GMT"] {
                        let answer = try await host.get(path, host: on, headers: [("If-Modified-Since", since)])
                        #expect(answer.status == 200, "\(path) on \(on)")
                    }
                }
                let paths = ["/", "/tin-tuc", Stylesheet.path, "/khong-co", "/tim-kiem?q=a", "/quan-tri"]
                var answered = 0
                try await Fuzz.runAsync(iterations: Fuzz.iterations(default: 600)) { random, seed in
                    var headers: [(String, String)] = []
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        headers.append((Self.headers.randomElement(using: &random)!, Self.value(&random)))
                    }
                    let path = paths.randomElement(using: &random)!
                    let on = [site, "quan-tri.localhost", "hue.localhost"].randomElement(using: &random)!
                    let answer = try await host.get(path, host: on, headers: headers)
                    #expect(answer.status < 500, "seed \(seed): \(path) on \(on) with \(headers): \(answer.status)")
                    answered += 1
                }
                #expect(answered > 0)
                // Still alive, still serving.
                #expect(try await host.get(host: site).status == 200)
            }
        }
    }
}
