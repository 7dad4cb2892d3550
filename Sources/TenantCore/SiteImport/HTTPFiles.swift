import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// An old site's pages and files over HTTP: only from its own hosts (a
/// redirect elsewhere is refused), each answer at most `maxBytes`, at most
/// `perSecond` requests a second, 30 seconds each.
public actor HTTPFiles: SiteFileFetcher {
    let hosts: Set<String>
    let maxBytes: Int
    let interval: Duration
    /// `host` → `address:port` to connect to instead (a staging copy, a test server).
    let connectTo: [String: (address: String, port: Int)]
    var last = ContinuousClock.now - .seconds(10)

    public init(hosts: Set<String>, maxBytes: Int, perSecond: Double, connectTo: [String: (address: String, port: Int)] = [:]) {
        self.hosts = hosts
        self.maxBytes = maxBytes
        self.interval = .milliseconds(Int(1000 / max(0.1, min(perSecond, 100))))
        self.connectTo = connectTo
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        var address = url
        for _ in 0..<5 {
            guard var components = URLComponents(string: address), let host = components.host?.lowercased(), self.hosts.contains(host),
                components.scheme == "http" || components.scheme == "https"
            else { throw SiteFetchError("địa chỉ ngoài trang cũ: \(address)") }
            // Politeness: one request per interval.
            let wait = self.last + self.interval - ContinuousClock.now
            if wait > .zero { try await Task.sleep(for: wait) }
            self.last = ContinuousClock.now
            var headers: [(String, String)] = [("User-Agent", "commune-platform site import"), ("Host", host)]
            if let target = self.connectTo[host] {
                components.host = target.address
                components.port = target.port
                components.scheme = "http"
            }
            guard let target = components.string else { throw SiteFetchError("địa chỉ không hợp lệ") }
            var request = HTTPClientRequest(url: target)
            headers.removeAll { $0.0 == "Host" && self.connectTo[host] == nil }
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            } catch {
                throw SiteFetchError("không kết nối được (\(error))")
            }
            switch response.status.code {
            case 200:
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > self.maxBytes {
                    throw SiteFetchError("lớn hơn \(self.maxBytes >> 20) MB")
                }
                do {
                    let body = try await response.body.collect(upTo: self.maxBytes)
                    return Array(buffer: body)
                } catch {
                    throw SiteFetchError("lớn hơn \(self.maxBytes >> 20) MB")
                }
            case 301, 302, 303, 307, 308:
                guard let location = response.headers.first(name: "location"),
                    let next = URL(string: location, relativeTo: URL(string: address))?.absoluteURL.absoluteString
                else { throw SiteFetchError("chuyển hướng không có địa chỉ") }
                address = next
            case 404, 410:
                throw SiteFetchError("không có trên trang cũ (\(response.status.code))", missing: true)
            default:
                throw SiteFetchError("máy chủ trả lời \(response.status.code)")
            }
        }
        throw SiteFetchError("chuyển hướng quá nhiều lần")
    }
}

extension HTTPFiles {
    /// `host:address:port` (a staging copy of an old site's host), as the
    /// command line's --connect-to and the host's SITE_IMPORT_CONNECT_TO give it; nil when it is not one.
    public static func connection(_ text: some StringProtocol) -> (host: String, address: String, port: Int)? {
        let parts = String(text).split(separator: ":").map(String.init)
        guard parts.count == 3, let port = Int(parts[2]), (1...65_535).contains(port), !parts[1].isEmpty,
            (try? Hostname(normalizing: parts[0])) != nil
        else { return nil }
        return (parts[0].lowercased(), parts[1], port)
    }
}

