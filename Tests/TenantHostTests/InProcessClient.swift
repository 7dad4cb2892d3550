import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import TestSupport

/// Sends requests straight to the application's responder (its middleware
/// and router), without a socket: what most route tests need. Tests about
/// the wire (raw bytes, malformed `Host`, the cache-hit path ahead of the
/// router) use ``RawHTTPClient``.
struct InProcessClient: Sendable {
    let respond: @Sendable (Request) async throws -> Response

    init<App: ApplicationProtocol>(_ app: App, logger: Logger) async throws {
        let responder = try await app.responder
        self.respond = { request in
            let context = App.Context(source: .init(channel: NIOAsyncTestingChannel(), logger: logger))
            return try await responder.respond(to: request, context: context)
        }
    }

    func send(
        _ method: HTTPRequest.Method, _ target: String, host: String?, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> RawHTTPResponse {
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let name = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: name, value: value))
        }
        if let body { fields[.contentLength] = String(body.count) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: host, path: target, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(bytes: body ?? [])))
        let response: Response
        do {
            response = try await Self.within(.seconds(60), "\(method) \(target) on \(host ?? "-")") { try await self.respond(request) }
        } catch let error as InProcessTimeout {
            throw error
        } catch let error as any HTTPResponseError {
            response = Response(status: error.status)
        } catch {
            response = Response(status: .internalServerError)
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        var headerList = response.headers.map { ($0.name.rawName, $0.value) }
        if response.headers[.contentLength] == nil { headerList.append(("Content-Length", String(collector.bytes.count))) }
        return RawHTTPResponse(status: response.status.code, headers: headerList, body: method == .head ? [] : collector.bytes)
    }
}

extension InProcessClient {
    /// Runs `body`, or fails naming the request when it takes longer than
    /// `limit`: a stuck request fails its test instead of holding the run.
    static func within(
        _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> Response
    ) async throws -> Response {
        try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else { throw InProcessTimeout(request: what) }
            return response
        }
    }
}

struct InProcessTimeout: Error, CustomStringConvertible {
    var request: String
    var description: String { "no answer within 60 s to \(self.request)" }
}

/// Collects a response body written by Hummingbird.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        self.bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
