import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// `/quan-tri/thu-gui`: what the platform sent or will send, for operators:
/// waiting, sent and given-up messages, one message as written, and sending
/// a given-up one again. The platform's operator sees every message; a
/// province operator those about the communes of their province.
struct MailConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/thu-gui", use: self.list)
        group.get("/thu-gui/:id", use: self.show)
        group.post("/thu-gui/:id/gui-lai", use: self.retry)
    }

    var outbox: Outbox { Outbox(database: self.services.database, logger: self.services.logger) }

    func operatorScope(_ context: PlatformConsoleContext) throws -> [Int]? {
        guard context.user.isOperator else { throw ConsoleOutcome.forbidden("Trang này dành cho quản trị cấp tỉnh.") }
        return context.user.role == .platform ? nil : self.communesInScope(context.user).map(\.code)
    }

    @Sendable func list(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let scope = try self.operatorScope(context)
        let status = QueryItemsOf(request)["tinh-trang"].flatMap(OutboxMessage.Status.init(rawValue:))
        let messages = try await self.outbox.messages(status: status, communes: scope, limit: 200)
        let counts = scope == nil ? try await self.outbox.counts() : nil
        let main = MailViews.list(messages, status: status, counts: counts)
        let notice = request.uri.query?.contains("da-gui-lai=1") == true ? "Đã đưa thư vào hàng chờ gửi lại." : nil
        return self.page(context, title: "Thư gửi đi", notice: notice, active: "/quan-tri/thu-gui", main: main)
    }

    func message(_ context: PlatformConsoleContext) async throws -> OutboxMessage {
        let scope = try self.operatorScope(context)
        let id = try Self.id(context)
        guard let message = try await self.outbox.message(id) else { throw HTTPError(.notFound) }
        if let scope, !(message.commune.map(scope.contains) ?? false) {
            throw ConsoleOutcome.forbidden("Thư này không thuộc phạm vi quản lý của bạn.")
        }
        return message
    }

    @Sendable func show(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let message = try await self.message(context)
        return self.page(
            context, title: "Thư #\(message.id)", active: "/quan-tri/thu-gui", main: MailViews.message(message, csrf: context.session.csrf))
    }

    @Sendable func retry(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let message = try await self.message(context)
        _ = try await self.form(request, context, session: context.session)
        _ = try await self.outbox.retry(message.id, by: .staff(context.user, address: context.remoteAddress))
        return Self.redirect("/quan-tri/thu-gui?da-gui-lai=1")
    }
}
