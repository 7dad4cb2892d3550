import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import TenantCore

/// Answers page-cache hits on the connection's event loop, right after the
/// HTTP/1 decoder: no task, no router, no conversion to Hummingbird's request.
///
/// It answers only what it can answer exactly as ``SiteMiddleware`` would:
/// a `GET` or `HEAD` without a body, for an active commune's host
/// (not the console host, not under `/quan-tri`), whose page is in the cache
/// and fresh, while PostgreSQL is reachable. Everything else — misses,
/// writes, the console, redirects, errors, stale pages served during an
/// outage — goes on unchanged to Hummingbird. A request that arrives while
/// one passed on is still being answered goes on too, so responses on a
/// connection stay in order.
///
/// A hit's stored status line and headers go straight to the socket, past
/// NIO's HTTP/1 encoder; so the encoder is not paired with the decoder, and
/// this handler drops the bodies of Hummingbird's answers to HEAD instead.
///
/// Invalidation needs nothing more: the cache drops a commune's pages before
/// the write that changed them returns, and this handler reads the cache.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let services: SiteServices
    /// Requests passed on whose response has not ended yet, by method.
    private var passedOn = CircularBuffer<HTTPMethod>(initialCapacity: 2)
    /// The response being written answers a HEAD (or CONNECT): its body is
    /// dropped here, as NIO's encoder would when paired with the decoder
    /// (the early answers bypass the encoder, so it is not paired).
    private var dropBody = false
    /// The request being read was answered here: drop its remaining parts.
    private var answered = false
    private var date = (second: 0, value: "")

    /// The settings a hit reads, taken once: not the whole configuration per request.
    private let adminHost: String
    private let trustedProxies: TrustedProxies
    private let publicScheme: String

    init(services: SiteServices) {
        self.services = services
        self.adminHost = services.config.adminHost
        self.trustedProxies = services.config.trustedProxies
        self.publicScheme = services.config.publicScheme
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            let started = ContinuousClock.now
            if self.passedOn.isEmpty, let socket = self.socketSide,
                let (page, front) = self.cachedPage(head, peer: context.channel.remoteAddress?.ipAddress ?? "")
            {
                self.answered = true
                let status = self.write(page, front: front, for: head, context: context, socket: socket)
                self.services.metrics.record(.pageCached, status: status, duration: ContinuousClock.now - started)
            } else {
                self.answered = false
                self.passedOn.append(head.method)
                context.fireChannelRead(data)
            }
        case .body:
            if !self.answered { context.fireChannelRead(data) }
        case .end:
            if self.answered {
                self.answered = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var response):
            let method = self.passedOn.first
            self.dropBody = method == .HEAD || method == .CONNECT
            if self.dropBody, !response.headers.contains(name: "content-length"), !response.headers.contains(name: "transfer-encoding") {
                // Else the encoder would frame the (dropped) body as chunked.
                response.headers.add(name: "Content-Length", value: "0")
                context.write(self.wrapOutboundOut(.head(response)), promise: promise)
                return
            }
        case .body:
            if self.dropBody {
                promise?.succeed(())
                return
            }
        case .end:
            self.dropBody = false
            if !self.passedOn.isEmpty { self.passedOn.removeFirst() }
        }
        context.write(data, promise: promise)
    }

    /// The fresh cached page for this request, if the early path may answer
    /// it; `front`: nginx's front cache may keep the answer (``CachePolicy``).
    private func cachedPage(_ head: HTTPRequestHead, peer: String) -> (CachedPage, front: Bool)? {
        guard head.method == .GET || head.method == .HEAD, head.uri.utf8.first == UInt8(ascii: "/"),
            !head.headers.contains(name: "content-length") && !head.headers.contains(name: "transfer-encoding"),
            let authority = head.headers.first(name: "host"), !authority.isEmpty,
            !CachePolicy.justWrote(head.headers.first(name: "cookie")),
            self.services.database.isAvailable,
            let host = try? Hostname(normalizing: authority), host.value != self.adminHost
        else { return nil }
        let uri = URI(head.uri)
        let path = uri.path
        let query = uri.query ?? ""
        guard path.utf8.count <= 1024, query.utf8.count <= 2048, !path.hasPrefix("/quan-tri"), path != "/_health" else { return nil }
        let snapshot = self.services.directory.snapshot
        guard snapshot.loadedAt != .distantPast, case .serve(let tenant) = snapshot.resolve(host), tenant.status == .active else {
            return nil
        }
        let viaProxy = self.trustedProxies.contains(peer)
        let baseURL = SiteAddress.baseURL(
            tenant: tenant, host: host, authority: authority, forwardedProto: viaProxy ? head.headers.first(name: "x-forwarded-proto") : nil,
            publicScheme: self.publicScheme)
        let policy = CachePolicy.decide(
            isRead: true, tenant: tenant.id, baseURL: baseURL, path: path, query: query, target: head.uri, cookie: nil,
            frontKey: self.services.front != nil && viaProxy ? head.headers.first(name: "x-front-cache-key") : nil)
        guard let key = policy.pageKey, let page = self.services.cache.lookup(key, now: .now, early: true) else { return nil }
        if policy.front { self.services.front?.kept(tenant: tenant.id) }
        return (page, policy.front)
    }

    /// The same response ``PageResponse/make(_:request:status:)`` gives, written at once; returns its status.
    /// `socket`: the encoder's context (``socketSide``).
    private func write(
        _ page: CachedPage, front: Bool, for head: HTTPRequestHead, context: ChannelHandlerContext, socket: ChannelHandlerContext
    ) -> Int {
        let answer = PageResponse.answer(
            page, acceptEncoding: head.headers.first(name: "accept-encoding"), ifNoneMatch: head.headers.first(name: "if-none-match"),
            ifModifiedSince: head.headers.first(name: "if-modified-since"))
        let gzip: Bool
        switch answer {
        case .full(let variant):
            gzip = variant
        case .notModified(var headers):
            headers[.date] = self.currentDate()
            if !head.isKeepAlive { headers[.connection] = "close" }
            let response = HTTPResponseHead(version: .http1_1, status: .notModified, headers: HTTPHeaders(headers))
            context.write(self.wrapOutboundOut(.head(response)), promise: nil)
            self.finish(context: context, keepAlive: head.isKeepAlive, last: self.wrapOutboundOut(.end(nil)), on: context)
            return 304
        }
        // The stored status line and headers, then this second's date, go
        // straight to the socket: past the HTTP/1 encoder, which has nothing
        // to do (no response of the router is under way: see `passedOn`).
        var tail = ByteBuffer()
        tail.writeString("Date: ")
        tail.writeString(self.currentDate())
        tail.writeString(head.isKeepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n")
        socket.write(NIOAny(IOData.byteBuffer(gzip ? page.wireGzip : page.wire)), promise: nil)
        if front, let line = self.services.front?.headerLine {
            socket.write(NIOAny(IOData.byteBuffer(line)), promise: nil)
        }
        if head.method == .GET, let body = gzip ? page.gzip : page.body {
            socket.write(NIOAny(IOData.byteBuffer(tail)), promise: nil)
            self.finish(context: context, keepAlive: head.isKeepAlive, last: NIOAny(IOData.byteBuffer(body)), on: socket)
        } else {
            self.finish(context: context, keepAlive: head.isKeepAlive, last: NIOAny(IOData.byteBuffer(tail)), on: socket)
        }
        return 200
    }

    /// Writes the response's last part and flushes; closes the connection
    /// after it when the request asked to (`Connection: close`, or HTTP/1.0
    /// without keep-alive), as Hummingbird does.
    private func finish(context: ChannelHandlerContext, keepAlive: Bool, last: NIOAny, on writer: ChannelHandlerContext) {
        if keepAlive {
            writer.writeAndFlush(last, promise: nil)
        } else {
            writer.writeAndFlush(last).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// The HTTP/1 encoder's context: writing there sends bytes to the socket as they are.
    private var socketSide: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.socketSide = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.socketSide = nil
    }

    /// IMF-fixdate of the current second, formatted once a second per connection.
    private func currentDate() -> String {
        let second = Int(Date().timeIntervalSince1970)
        if second != self.date.second {
            self.date = (second, HTTPDate.format(Date(timeIntervalSince1970: TimeInterval(second))))
        }
        return self.date.value
    }
}

/// Hummingbird's HTTP/1 channel with ``CacheHitHandler`` between the HTTP/1
/// decoder and the conversion to Hummingbird's request types: the same
/// pipeline as `HTTP1Channel` otherwise.
struct SiteHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let services: SiteServices

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Encoder and decoder not paired: CacheHitHandler writes its
            // answers past the encoder and drops HEAD bodies itself.
            try channel.pipeline.syncOperations.addHandlers([
                HTTPResponseEncoder(configuration: .init()),
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: Self.decoderLimits)),
                CacheHitHandler(services: self.services),
            ])
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    /// Hummingbird's defaults.
    static var decoderLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 80 * 1024
        limits.maxHeaderListSize = 80 * 1024
        limits.maxHeaderFieldCount = 1000
        return limits
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await self.handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
