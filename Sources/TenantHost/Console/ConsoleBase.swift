import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// Pages and redirects of the console, drawn from a frame.
enum ConsolePages {
    static func redirect(_ location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Redirect.to(location, status: status)
    }

    static func page(
        _ frame: ConsoleFrame, title: String, status: HTTPResponse.Status = .ok, notice: String? = nil, active: String = "",
        main: HTML, headers: HTTPFields = [:]
    ) -> Response {
        var frame = frame
        frame.notice = notice
        return PageResponse.html(ConsoleLayout.page(frame, title: title, main: main, active: active), status: status, extra: headers)
    }
}

/// The platform's services and TenantCore's operations the console's
/// controllers work with.
struct ConsoleDependencies: Sendable {
    let services: SiteServices
    let accounts: Accounts
    let editorial: Editorial
    let provisioning: CommuneProvisioning
    let assets: ConsoleAssets
}

/// What an operator typed to find a commune: a name matched without
/// diacritics ("hai nam" finds "Hải Nam"), or exactly a code. Empty finds all.
struct CommuneSearch {
    let text: String
    private let folded: String

    init(_ text: String) {
        self.text = text
        self.folded = VietnameseText.fold(text)
    }

    func matches(_ name: String, code: Int) -> Bool {
        self.folded.isEmpty || VietnameseText.fold(name).contains(self.folded) || String(code) == self.text
    }
}

/// What every console controller has and shares: its dependencies and the
/// helpers of a console page.
protocol ConsoleBase: Sendable {
    var dependencies: ConsoleDependencies { get }
}

extension ConsoleBase {
    var services: SiteServices { self.dependencies.services }
    var accounts: Accounts { self.dependencies.accounts }
    var editorial: Editorial { self.dependencies.editorial }
    var provisioning: CommuneProvisioning { self.dependencies.provisioning }

    static var formLimit: Int { 1024 * 1024 }

    /// The version of the editor's files when they are all there (the
    /// entry form then offers the rich-text editor), else nil.
    var editorVersion: String? { self.dependencies.assets.complete ? self.dependencies.assets.version : nil }

    /// A page with the editor runs the console's own scripts, and only those.
    var editorHeaders: HTTPFields {
        guard self.editorVersion != nil else { return [:] }
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = PageResponse.policy(scripts: "'self'")
        return headers
    }

    static func redirect(_ location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        ConsolePages.redirect(location, status: status)
    }

    /// A JSON answer to the console's own scripts (the editor's dialog, autosave).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    func page(
        _ context: some ConsolePageContext, title: String, status: HTTPResponse.Status = .ok, notice: String? = nil,
        active: String = "", main: HTML, headers: HTTPFields = [:]
    ) -> Response {
        ConsolePages.page(context.frame, title: title, status: status, notice: notice, active: active, main: main, headers: headers)
    }

    /// The form of a request, its CSRF token checked against the session's.
    func form(_ request: Request, _ context: some RequestContext, session: ConsoleSession?, limit: Int = Self.formLimit) async throws -> FormBody {
        let form = try await FormBody.read(request, context: context, limit: limit)
        if let session {
            guard Self.constantTimeEqual(form["_csrf"], session.csrf) else { throw ConsoleOutcome.badToken }
        }
        return form
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// The commune named in the path, if this person manages it.
    func managedCommune(_ context: PlatformConsoleContext) throws -> Tenant {
        guard let raw = context.parameters.get("code"), raw.count <= 8, let code = Int(raw),
            let tenant = self.services.directory.snapshot.tenants.values.first(where: { $0.code == code && $0.successorID == nil })
        else { throw HTTPError(.notFound) }
        guard context.user.mayManage(tenant) else { throw ConsoleOutcome.forbidden("Bạn không quản lý xã này.") }
        return tenant
    }

    /// The commune of the route's `:id`, its row id in the catalogue: the
    /// one identity two lists never share (an ended commune's code may be a
    /// new commune's now). Ended communes too, for their history.
    func managedCommuneByID(_ context: PlatformConsoleContext) throws -> Tenant {
        let id = try Self.id(context)
        guard let tenant = self.services.directory.snapshot.tenants[id] else { throw HTTPError(.notFound) }
        guard context.user.mayManage(tenant) else { throw ConsoleOutcome.forbidden("Bạn không quản lý xã này.") }
        return tenant
    }

    /// The provinces an operator acts for (their own, or every one for the
    /// platform role); anyone else is refused with `refusal`.
    func operatorProvinces(_ user: StaffUser, refusal: String) throws -> [AdminUnit] {
        let provinces = user.provinces(in: self.services.directory.snapshot.units)
        guard user.isOperator, !provinces.isEmpty else { throw ConsoleOutcome.forbidden(refusal) }
        return provinces
    }

    /// Communes in scope whose sites are audited, counted and reported:
    /// existing, and not archived.
    func listedCommunesInScope(_ user: StaffUser) -> [Tenant] {
        self.currentCommunesInScope(user).filter { $0.status != .archived }
    }

    /// The provinces of `communes`, in Vietnamese order.
    static func provinces(of communes: [Tenant]) -> [AdminUnit] {
        Dictionary(communes.compactMap { $0.province.map { ($0.id, $0) } }, uniquingKeysWith: { a, _ in a })
            .values.sorted { ComplianceConsoleController.vietnameseOrder($0.name, $1.name) }
    }

    func communesInScope(_ user: StaffUser) -> [Tenant] {
        self.services.directory.snapshot.tenants.values.filter { user.mayManage($0) }.sorted { $0.code < $1.code }
    }

    /// Communes in scope that still exist (not ended by a reorganisation):
    /// the only ones an account can be bound to. An ended commune's code may
    /// belong to another commune now.
    func currentCommunesInScope(_ user: StaffUser) -> [Tenant] {
        self.communesInScope(user).filter { $0.validUntil == nil && $0.successorID == nil }
    }

    func sections(_ tenant: Tenant) async throws -> [Section] {
        try await self.services.database.withConnection(schema: tenant.schema) { connection in
            try await self.services.content.sections(tenant.schema, on: connection)
        }
    }

    static func id(_ context: some RequestContext, _ name: String = "id") throws -> Int64 {
        guard let raw = context.parameters.get(name), raw.count <= 18, let id = Int64(raw), id > 0 else { throw HTTPError(.notFound) }
        return id
    }

    /// `scheme://host:port/` of a commune's host, as the staff member who
    /// asked would reach it (a `*.localhost` alias over plain HTTP, on the
    /// port of this request).
    func siteURL(_ host: String, for request: Request) -> String {
        let port = SiteAddress.port(of: request.head.authority ?? "").map { ":\($0)" } ?? ""
        return "\(host.hasSuffix(".localhost") ? "http" : self.services.config.publicScheme)://\(host)\(port)/"
    }

    /// A commune's public site (on its development alias when the console
    /// is on one) and its console.
    func siteLinks(_ tenant: Tenant, for request: Request) -> (site: String, console: String) {
        let site = ConsolePaths.site(
            tenant, directory: self.services.directory.snapshot, consoleAuthority: request.head.authority ?? "",
            publicScheme: self.services.config.publicScheme)
        return (site, ConsolePaths.commune(tenant))
    }

    static func saved(_ request: Request) -> String? {
        request.uri.query?.contains("da-luu=1") == true ? "Đã lưu." : nil
    }

    /// `https://<console host>/quan-tri`, for links in e-mail: the host this
    /// request reached (the console's own, checked by the router).
    func consoleURL(_ request: Request) -> String {
        "\(self.services.config.publicScheme)://\(request.head.authority ?? self.services.config.adminHost)/quan-tri"
    }

    var secure: String { self.services.config.publicScheme == "https" ? "; Secure" : "" }

    /// The session cookie holding `token` (eight hours), or clearing it with `maxAge` 0.
    func sessionCookie(_ token: String, maxAge: Int = 28_800) -> String {
        "\(SessionMiddleware.cookie)=\(token); Path=/quan-tri; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)\(self.secure)"
    }

    static var passwordHint: String { "Từ \(Accounts.passwordLength.lowerBound) đến \(Accounts.passwordLength.upperBound) ký tự" }

    /// "Mật khẩu cần từ 10 đến 200 ký tự.", with `subject` in front.
    static func passwordLengthMessage(_ subject: String = "Mật khẩu") -> String {
        "\(subject) cần từ \(Accounts.passwordLength.lowerBound) đến \(Accounts.passwordLength.upperBound) ký tự."
    }

    static func newPasswordErrors(_ password: String, again: String) -> [String: String] {
        var errors: [String: String] = [:]
        if !Accounts.passwordLength.contains(password.count) {
            errors["mat-khau-moi"] = Self.passwordLengthMessage("Mật khẩu mới")
        } else if password != again {
            errors["nhap-lai"] = "Hai lần nhập mật khẩu mới không khớp."
        }
        return errors
    }
}
