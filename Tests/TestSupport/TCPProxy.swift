import NIOCore
import NIOPosix
import Synchronization

/// A loopback TCP proxy in front of PostgreSQL that a test can cut and
/// restore, to see what the host does when the database goes away and
/// comes back.
public final class TCPProxy: Sendable {
    struct State {
        var server: (any Channel)?
        var connections: [any Channel]
        var port: Int
    }

    let targetPort: Int
    private let state: Mutex<State>

    public init(targetPort: Int) async throws {
        self.targetPort = targetPort
        self.state = Mutex(State(server: nil, connections: [], port: 0))
        let server = try await self.bind(port: 0)
        self.state.withLock {
            $0.server = server
            $0.port = server.localAddress?.port ?? 0
        }
    }

    /// The port clients connect to.
    public var port: Int { self.state.withLock { $0.port } }

    /// Closes every proxied connection and stops accepting new ones.
    public func cut() async {
        let (server, connections) = self.state.withLock { s -> ((any Channel)?, [any Channel]) in
            defer {
                s.server = nil
                s.connections = []
            }
            return (s.server, s.connections)
        }
        try? await server?.close()
        for connection in connections { try? await connection.close() }
    }

    /// Accepts connections again, on the same port.
    public func restore() async throws {
        let server = try await self.bind(port: self.port)
        self.state.withLock { $0.server = server }
    }

    private func bind(port: Int) async throws -> any Channel {
        let targetPort = self.targetPort
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                inbound.setAutoRead(false).flatMap {
                    ClientBootstrap(group: inbound.eventLoop)
                        .connect(host: "127.0.0.1", port: targetPort)
                        .flatMap { outbound in
                            self.state.withLock { $0.connections.append(contentsOf: [inbound, outbound]) }
                            let (a, b) = GlueHandler.matchedPair()
                            return inbound.pipeline.addHandler(a).and(outbound.pipeline.addHandler(b)).flatMap { _ in
                                inbound.setAutoRead(true)
                            }
                        }
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }
}

extension Channel {
    fileprivate func setAutoRead(_ value: Bool) -> EventLoopFuture<Void> {
        self.setOption(.autoRead, value: value)
    }
}

/// Forwards bytes between two channels (as in swift-nio's connect-proxy example).
final class GlueHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler()
        let second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { self.context?.writeAndFlush(data, promise: nil) }

    private func partnerClose() { self.context?.close(promise: nil) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { self.partner?.partnerWrite(data) }

    func channelInactive(context: ChannelHandlerContext) { self.partner?.partnerClose() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
