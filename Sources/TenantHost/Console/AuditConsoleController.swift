import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// `/quan-tri/nhat-ky`: the audit log of what one may see.
struct AuditConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/nhat-ky", use: self.audit)
    }

    // MARK: Audit

    @Sendable func audit(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let communes: [Int]? = session.user.role == .platform
            ? nil : self.communesInScope(session.user).map(\.code)
        let entries = try await self.accounts.auditLog(communes: communes, limit: 300)
        let names = Dictionary(self.services.directory.snapshot.tenants.values.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let main = AuditView.render(entries: entries, names: names)
        return self.page(context, title: "Nhật ký thao tác", active: "/quan-tri/nhat-ky", main: main)
    }
}
