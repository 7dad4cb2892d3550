import Hummingbird

/// `/_health` on any host, ahead of host resolution (``HealthReport``).
struct HealthMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext
    let services: SiteServices

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path == "/_health" else { return try await next(request, context) }
        let started = ContinuousClock.now
        let response = HealthReport.response(self.services)
        self.services.metrics.record(.health, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }
}
