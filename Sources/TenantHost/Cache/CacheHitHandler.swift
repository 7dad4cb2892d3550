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
/// Invalidation needs nothing more: the cache drops a commune's pages before
/// the write that changed them returns, and this handler reads the cache.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let services: SiteServices
    /// Requests passed on whose response has not ended yet.
    private var passedOn = 0
    /// The request being read was answered here: drop its remaining parts.
    private var answered = false
    private var date = (second: 0, value: "")

    init(services: SiteServices) {
        self.services = services
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            let started = ContinuousClock.now
            if self.passedOn == 0, let page = self.cachedPage(head) {
                self.answered = true
                self.write(page, for: head, context: context)
                self.services.metrics.record(.pageCached, status: 200, duration: ContinuousClock.now - started)
            } else {
                self.answered = false
                self.passedOn += 1
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
        if case .end = self.unwrapOutboundIn(data) { self.passedOn -= 1 }
        context.write(data, promise: promise)
    }

    /// The fresh cached page for this request, if the early path may answer it.
    private func cachedPage(_ head: HTTPRequestHead) -> CachedPage? {
        guard head.method == .GET || head.method == .HEAD, head.uri.utf8.first == UInt8(ascii: "/"),
            !head.headers.contains(name: "content-length") && !head.headers.contains(name: "transfer-encoding"),
            let authority = head.headers.first(name: "host"), !authority.isEmpty,
            self.services.database.isAvailable,
            let host = try? Hostname(normalizing: authority), host.value != self.services.config.adminHost
        else { return nil }
        let uri = URI(head.uri)
        let path = uri.path
        let query = uri.query ?? ""
        guard path.utf8.count <= 1024, query.utf8.count <= 2048, !path.hasPrefix("/quan-tri"), path != "/_health" else { return nil }
        let snapshot = self.services.directory.snapshot
        guard snapshot.loadedAt != .distantPast, case .serve(let tenant) = snapshot.resolve(host), tenant.status == .active else {
            return nil
        }
        let baseURL = SiteMiddleware.baseURL(
            tenant: tenant, host: host, authority: authority, forwardedProto: head.headers.first(name: "x-forwarded-proto"),
            config: self.services.config)
        return self.services.cache.lookup(PageCache.Key(tenant: tenant.id, target: baseURL + path + "?" + query), now: .now, early: true)
    }

    /// The same response ``PageResponse/make(_:request:status:)`` gives, written at once.
    private func write(_ page: CachedPage, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        let gzip = page.gzip != nil && PageResponse.acceptsGzip(head.headers.first(name: "accept-encoding"))
        var fields = HTTPFields()
        if let match = head.headers.first(name: "if-none-match") { fields[.ifNoneMatch] = match }
        if let since = head.headers.first(name: "if-modified-since") { fields[.ifModifiedSince] = since }
        let status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer?
        if !fields.isEmpty, PageResponse.notModified(fields, etag: page.etag, lastModified: page.lastModified) {
            status = .notModified
            var notModified = gzip ? page.gzipHeaders : page.headers
            notModified[.contentEncoding] = nil
            headers = HTTPHeaders(notModified)
        } else {
            status = .ok
            headers = gzip ? page.wireGzip : page.wire
            if head.method == .GET { body = gzip ? page.gzip : page.body }
        }
        headers.add(name: "Date", value: self.currentDate())
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if let body { context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        if head.isKeepAlive {
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            // `Connection: close`, or HTTP/1.0 without keep-alive: as Hummingbird does.
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
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
    /// nil: no early path (every request goes through the router).
    let services: SiteServices?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: Self.decoderLimits)
            if let services = self.services {
                try channel.pipeline.syncOperations.addHandler(CacheHitHandler(services: services))
            }
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
