import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

@Suite struct SiteRoutingTests {
    static let a = (19900, "Phường Thuận An")
    static let b = (19774, "Phường Hóa Châu")

    @Test func eachHost_servesItsOwnCommune() async throws {
        try await withTestPlatform { platform in
            // setup
            try await platform.makeCommunes([Self.a, Self.b])
            try await addMarkers(platform, codes: [19900, 19774])
            try await withTestHost(platform) { host in
                // act
                let pageA = try await host.get(host: "thuan-an.hue.localhost")
                let pageB = try await host.get(host: "Hoa-Chau.HUE.localhost.:8080")
                let official = try await host.get(host: "thuanan.hue.gov.vn")
                // check
                #expect(pageA.status == 200)
                #expect(pageA.text.contains("Phường Thuận An"))
                #expect(pageA.text.contains("MARKER19900X"))
                #expect(!pageA.text.contains("MARKER19774X"))
                #expect(pageB.status == 200)
                #expect(pageB.text.contains("MARKER19774X"))
                #expect(!pageB.text.contains("MARKER19900X"))
                #expect(official.status == 200)
                #expect(official.text.contains("MARKER19900X"))
                #expect(pageA.header("Content-Type") == "text/html; charset=utf-8")
                #expect(pageA.text.contains("<html lang=\"vi\">"))
            }
        }
    }

    @Test func unicodeHost_isMatchedAsPunycode() async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            _ = try await platform.provisioning.addDomain("thuận-an.huế.vn", code: 19900, role: .dev)
            try await withTestHost(platform) { host in
                let response = try await host.get(host: "xn--thun-an-2p4c.xn--hu-07s.vn")
                #expect(response.status == 200)
                #expect(response.text.contains("Phường Thuận An"))
                let raw = try await host.get(host: "Thuận-An.Huế.vn")
                #expect(raw.status == 200)
            }
        }
    }

    @Test func nonPrimaryHost_redirectsToPrimaryWithSamePath() async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            _ = try await platform.provisioning.addDomain("www.thuanan.hue.gov.vn", code: 19900, role: .redirect)
            try await withTestHost(platform) { host in
                let response = try await host.get("/tin-tuc?trang=2", host: "WWW.thuanan.hue.gov.vn")
                #expect(response.status == 301)
                #expect(response.header("Location") == "http://thuanan.hue.gov.vn/tin-tuc?trang=2")
            }
        }
    }

    @Test func unknownHost_getsPlain404NamingNoCommune() async throws {
        try await withTestPlatform(from: .communes([Self.a, Self.b])) { platform in
            try await withTestHost(platform) { host in
                for name in ["unknown.hue.gov.vn", "thuan-an.hue.localhost.evil.vn", "hue.localhost.evil.vn", "localhost", "example.com:8080"] {
                    let response = try await host.get(host: name)
                    #expect(response.status == 404, "\(name)")
                    #expect(response.text.contains("Không tìm thấy trang"))
                    #expect(!response.text.contains("Thuận An") && !response.text.contains("Hóa Châu") && !response.text.contains("Huế"), "\(name)")
                }
            }
        }
    }

    @Test func missingHost_is400() async throws {
        try await withTestPlatform { platform in
            try await withTestHost(platform) { host in
                let response = try await RawHTTPClient.get(port: host.port, host: nil, version: "HTTP/1.0")
                #expect(response.status == 400)
                #expect(response.text.contains("Yêu cầu không hợp lệ"))
            }
        }
    }

    @Test func suspendedArchivedResumed_followTheCatalogue() async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            try await withTestHost(platform) { host in
                #expect(try await host.get(host: "thuan-an.hue.localhost").status == 200)
                _ = try await platform.provisioning.setStatus(code: 19900, to: .suspended, note: "Đang kiểm tra an toàn thông tin.")
                let suspended = try await host.eventually { try await host.get(host: "thuan-an.hue.localhost").status == 503 }
                #expect(suspended)
                let page = try await host.get(host: "thuan-an.hue.localhost")
                #expect(page.text.contains("Phường Thuận An tạm ngừng hoạt động"))
                #expect(page.text.contains("Đang kiểm tra an toàn thông tin."))
                #expect(page.header("Retry-After") != nil)
                _ = try await platform.provisioning.setStatus(code: 19900, to: .archived)
                #expect(try await host.eventually { try await host.get(host: "thuan-an.hue.localhost").status == 410 })
                _ = try await platform.provisioning.setStatus(code: 19900, to: .active)
                #expect(try await host.eventually { try await host.get(host: "thuan-an.hue.localhost").status == 200 })
            }
        }
    }

    @Test func newCommune_isServedWithoutRestart() async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            try await withTestHost(platform) { host in
                #expect(try await host.get(host: "hoa-chau.hue.localhost").status == 404)
                try await platform.makeCommunes([Self.b])
                #expect(try await host.eventually { try await host.get(host: "hoa-chau.hue.localhost").status == 200 })
            }
        }
    }

    @Test(arguments: [
        String(repeating: "a", count: 300) + ".localhost", String(repeating: "abc.", count: 80) + "localhost",
        "thuan-an..hue.localhost", "..", ".", "thuan-an.hue.localhost:99999", "thuan-an.hue.localhost:abc",
        "[::1]:8080", "[::1]", "192.168.1.1", "thuan_an.hue.localhost", "😀.localhost", "thuan an.hue.localhost",
        "thuan-an.hue.localhost/../x", "%74huan-an.hue.localhost", "-.localhost", "a\u{7F}b.localhost",
    ])
    func fuzzedHosts_get4xxAndNoCommuneData(_ hostValue: String) async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            try await addMarkers(platform, codes: [19900])
            try await withTestHost(platform) { host in
                let response = try await host.get(host: hostValue)
                #expect((400..<500).contains(response.status), "\(hostValue.prefix(40)) → \(response.status)")
                #expect(!response.text.contains("MARKER") && !response.text.contains("Thuận An"))
            }
        }
    }

    @Test func controlBytesInHost_neverReach500() async throws {
        try await withTestPlatform(from: .communes([Self.a])) { platform in
            try await withTestHost(platform) { host in
                for bytes: [UInt8] in [[0x00], [0x01], [0x0B], [0xC3, 0x28], [0xFF, 0xFE]] {
                    var request = Array("GET / HTTP/1.1\r\nHost: thuan".utf8)
                    request += bytes
                    request += Array("an.hue.localhost\r\nConnection: close\r\n\r\n".utf8)
                    // The HTTP parser may refuse the request outright (closing the
                    // connection): that is fine; a 5xx or the site is not.
                    if let response = try? await RawHTTPClient.send(request, port: host.port) {
                        #expect((400..<500).contains(response.status), "\(bytes) → \(response.status)")
                        #expect(!response.text.contains("Thuận An"))
                    }
                }
                // The host still serves after all that.
                let after = try await host.get(host: "thuan-an.hue.localhost")
                #expect(after.status == 200)
            }
        }
    }
}
