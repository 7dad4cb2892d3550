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
            response = try await self.respond(request)
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

/// Collects a response body written by Hummingbird.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        self.bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
