import HTTPTypes
import Hummingbird

/// In front of the router: `/luu-tru/<slug>/<rest>` is routed as `/<rest>`,
/// the archived commune's own page, with the slug kept in the context for
/// ``SiteMiddleware``, which checks that the host's commune has that archive
/// (404 otherwise) and serves it read-only. The router matches a route
/// before its middleware runs, so the rewriting has to happen here.
struct ArchiveResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == SiteRequestContext {
    let inner: Inner

    func respond(to request: Request, context: SiteRequestContext) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/luu-tru/") else { return try await self.inner.respond(to: request, context: context) }
        let rest = path.dropFirst("/luu-tru/".count)
        let slug = rest.prefix { $0 != "/" }
        let inner = rest.dropFirst(slug.count)
        guard !slug.isEmpty, inner.hasPrefix("/"), slug.utf8.count <= 80 else {
            return try await self.inner.respond(to: request, context: context)
        }
        var head = request.head
        head.path = String(inner) + (request.uri.query.map { "?" + $0 } ?? "")
        var context = context
        context.archivePath = (String(slug), path)
        return try await self.inner.respond(to: Request(head: head, body: request.body), context: context)
    }
}
