import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
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
        let what = "\(method) \(target) on \(host ?? "-")"
        let (response, bytes) = try await Self.within(.seconds(60), what) { () async throws -> (Response, [UInt8]) in
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
            return (response, collector.bytes)
        }
        var headerList = response.headers.map { ($0.name.rawName, $0.value) }
        if response.headers[.contentLength] == nil { headerList.append(("Content-Length", String(bytes.count))) }
        return RawHTTPResponse(status: response.status.code, headers: headerList, body: method == .head ? [] : bytes)
    }
}

extension InProcessClient {
    /// Runs `body`, or fails naming the request when it takes longer than
    /// `limit`: a stuck request fails its test instead of holding the run.
    /// The request runs in a task of its own, abandoned (and cancelled) at
    /// the limit: a child of a task group would hold the group, and so the
    /// test, for as long as it does not end.
    static func within<Result: Sendable>(
        _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let outcome = Outcome<Result>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.set(continuation)
            let work = Task {
                do { outcome.finish(.success(try await body())) } catch { outcome.finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled, outcome.finish(.failure(InProcessTimeout(request: what))) { work.cancel() }
            }
            outcome.onFinish { timer.cancel() }
        }
    }

    /// The first of the request's end and its deadline resumes the caller, once.
    final class Outcome<Result: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result, any Error>?
            var result: Swift.Result<Result, any Error>?
            var finished: (@Sendable () -> Void)?
        }
        private let state = Mutex(State())

        func set(_ continuation: CheckedContinuation<Result, any Error>) {
            self.state.withLock { $0.continuation = continuation }
        }

        /// Registers what to do once finished (at once if already finished).
        func onFinish(_ action: @escaping @Sendable () -> Void) {
            let now = self.state.withLock { state -> Bool in
                if state.result != nil { return true }
                state.finished = action
                return false
            }
            if now { action() }
        }

        /// Resumes the caller with `result` if nothing did before; true if this did.
        @discardableResult
        func finish(_ result: Swift.Result<Result, any Error>) -> Bool {
            let (continuation, action) = self.state.withLock { state -> (CheckedContinuation<Result, any Error>?, (@Sendable () -> Void)?) in
                guard state.result == nil else { return (nil, nil) }
                state.result = result
                defer { state.continuation = nil; state.finished = nil }
                return (state.continuation, state.finished)
            }
            guard let continuation else { return false }
            continuation.resume(with: result)
            action?()
            return true
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
