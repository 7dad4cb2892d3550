import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// The portal of a province or of a district (where that level still
/// exists), served from the catalogue on its own hosts: its communes (a
/// directory searchable without diacritics), their latest news and
/// documents, the province's announcements and procedure catalogue.
///
/// What the communes publish comes from `platform.gathered`, kept by each
/// publish (one index range per list, whatever the number of communes);
/// the directory comes from the in-memory catalogue.
struct PortalController: Sendable {
    let services: SiteServices
    let editorial: Editorial

    struct Visit: Sendable {
        let unit: AdminUnit
        let snapshot: DirectorySnapshot
        /// Links to communes stay on development aliases when the visitor uses one.
        let preferDev: Bool
        let port: String
        /// The scheme of official hosts (links to communes on their primary host).
        let publicScheme: String
        let baseURL: String
        let now: Date
        /// The portal's footer details (``PortalInfo``), from the directory.
        var info: PortalInfo { self.snapshot.portalInfos[self.unit.id] ?? PortalInfo() }

        var province: AdminUnit? { self.unit.level == .province ? self.unit : self.unit.parentID.flatMap { self.snapshot.units[$0] } }

        /// The address of a commune's site.
        func base(of tenant: Tenant) -> String? {
            guard let host = self.snapshot.address(of: tenant, preferDev: self.preferDev) else { return nil }
            return self.preferDev ? "http://\(host.value)\(self.port)" : "\(self.publicScheme)://\(host.value)"
        }
    }

    func respond(
        _ request: Request, context: SiteRequestContext, unit: AdminUnit, snapshot: DirectorySnapshot, host: Hostname, authority: String
    ) async throws -> Response {
        let isRating = request.uri.path == "/danh-gia"
        guard request.method == .get || request.method == .head || (isRating && request.method == .post) else {
            return SiteErrorMiddleware.plain(.methodNotAllowed, "Không hỗ trợ", "Cổng thông tin chỉ nhận biểu mẫu đánh giá (/danh-gia); các trang khác chỉ để đọc.")
        }
        let port = SiteAddress.port(of: authority).map { ":\($0)" } ?? ""
        let preferDev = snapshot.portalAddress(of: unit, preferDev: true) == host
        let scheme = preferDev ? "http" : self.services.config.publicScheme
        let visit = Visit(
            unit: unit, snapshot: snapshot, preferDev: preferDev, port: port, publicScheme: self.services.config.publicScheme, baseURL: "\(scheme)://\(host.value)\(port)", now: Date())
        let path = request.uri.path
        if unit.validUntil != nil {
            return self.ended(unit, snapshot: snapshot, preferDev: preferDev, port: port)
        }
        switch path {
        case "/danh-gia" where request.method == .post:
            return try await self.submitRating(request, context: context, visit: visit)
        case "/danh-gia":
            return PageResponse.html(PortalViews.rating(visit, fields: [:], errors: [:], sent: request.uri.query == "da-gui=1"), status: .ok)
        case "/robots.txt":
            return PublicSiteController.fixed(PortalViews.robots(visit), contentType: "text/plain; charset=utf-8", maxAge: 3600)
        case "/sitemap.xml", "/so-do-trang":
            let announcements = visit.province.map { snapshot.announcements(province: $0.id, limit: 200, now: visit.now) } ?? []
            if path == "/so-do-trang" { return PageResponse.html(PortalViews.siteMap(visit, announcements: announcements), status: .ok) }
            return PublicSiteController.fixed(
                String(decoding: PortalViews.sitemap(visit, announcements: announcements).bytes, as: UTF8.self),
                contentType: "application/xml; charset=utf-8", maxAge: 600)
        default:
            break
        }
        // The directory's search: a malformed query or one with control
        // characters is a bad request, as on commune sites.
        let search: String
        let filter: ProcedureFilter
        do {
            let query = try QueryItems(request)
            filter = try query.procedureFilter()
            search = try query.text("q", max: 100) ?? ""
        } catch {
            let message = (error as? PageError).flatMap { if case .badRequest(let text) = $0 { text } else { nil } } ?? "Địa chỉ không hợp lệ."
            return PageResponse.html(
                PortalViews.page(visit, title: "Yêu cầu không hợp lệ", path: path, main: "<h1>Yêu cầu không hợp lệ</h1><p>\(message)</p>"),
                status: .badRequest)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let store = PortalStore(logger: self.services.logger)
        // Not found travels as a value: the database's closure throws its own errors only.
        let notFound = { (message: String) -> (HTML, Bool) in
            (PortalViews.page(visit, title: "Không tìm thấy trang", path: path, main: "<h1>Không tìm thấy trang</h1><p>\(message)</p>"), false)
        }
        let (html, found): (HTML, Bool) = try await self.services.database.withConnection(retryingReads: true) { connection in
                switch parts.count {
                case 0:
                    let news = try await store.gathered(unit: unit, section: MandatorySection.news.id, limit: 12, now: visit.now, on: connection)
                    let documents = try await store.gathered(unit: unit, section: MandatorySection.documents.id, limit: 10, now: visit.now, on: connection)
                    var announcements: [Announcement] = []
                    if let province = visit.province {
                        announcements = try await store.announcements(province: province.id, limit: 5, now: visit.now, on: connection)
                    }
                    return (PortalViews.home(visit, news: news, documents: documents, announcements: announcements), true)
                case 1 where parts[0] == "xa-phuong":
                    return (PortalViews.directory(visit, search: search), true)
                case 1 where parts[0] == "tin-tu-tinh":
                    var items: [Announcement] = []
                    if let province = visit.province {
                        items = try await store.announcements(province: province.id, limit: 50, now: visit.now, on: connection)
                    }
                    return (PortalViews.announcements(visit, items), true)
                case 2 where parts[0] == "tin-tu-tinh":
                    guard let id = Int64(parts[1]), let province = visit.province,
                        let item = try await store.announcement(id, province: province.id, now: visit.now, on: connection)
                    else { return notFound("Tin này không tồn tại hoặc đã được gỡ bỏ.") }
                    return (PortalViews.announcement(visit, item), true)
                case 1 where parts[0] == "thu-tuc-hanh-chinh":
                    var procedures: [ProvinceProcedure] = []
                    if let province = visit.province { procedures = try await store.procedureList(province: province.id, on: connection) }
                    return (PortalViews.procedures(visit, procedures, filter: filter), true)
                case 3 where parts[0] == "thu-tuc-hanh-chinh" && parts[1] == "ma":
                    guard let province = visit.province, parts[2].utf8.count <= 8,
                        let procedure = try await store.procedure(province: province.id, code: String(parts[2]), on: connection)
                    else { return notFound("Thủ tục này không có trong danh mục của tỉnh.") }
                    return (PortalViews.procedure(visit, procedure), true)
                default:
                    return notFound("Trang bạn tìm không tồn tại.")
                }
            }
        guard found else { return PageResponse.html(html, status: .notFound) }
        var response = PageResponse.html(html, status: .ok)
        response.headers[.cacheControl] = "public, max-age=60"
        return response
    }

    /// A citizen's rating of the portal: post/redirect/get to the thanks;
    /// field errors show the form again, with what was typed, with a 400; a
    /// bot that filled the hidden field is thanked and nothing kept.
    func submitRating(_ request: Request, context: SiteRequestContext, visit: Visit) async throws -> Response {
        let form = try await FormBody.read(request, context: context, limit: 16 * 1024)
        if form["website"].isEmpty {
            do {
                try await self.editorial.submitPortalRating(CitizenForm.rating(from: form), to: visit.unit, address: context.remoteAddress)
            } catch let failure as ValidationFailure {
                return PageResponse.html(
                    PortalViews.rating(visit, fields: form.fields, errors: CitizenForm.ratingErrors(failure), sent: false), status: .badRequest)
            } catch let error as TenantCoreError where error.code == .rateLimited {
                let answer = ErrorMapping.answer(for: error)
                return PageResponse.html(
                    PortalViews.page(visit, title: answer.title, path: "/danh-gia", main: "<h1>\(answer.title)</h1><p>\(answer.message)</p>"),
                    status: answer.status)
            }
        }
        return Redirect.to("/danh-gia?da-gui=1")
    }

    /// A unit a reorganisation ended: its portal's addresses lead to the
    /// portal that serves its area now (its successor, or for an abolished
    /// district its province), or say it has ended when there is none.
    func ended(_ unit: AdminUnit, snapshot: DirectorySnapshot, preferDev: Bool, port: String) -> Response {
        if let current = snapshot.currentPortalUnit(for: unit), let host = snapshot.portalAddress(of: current, preferDev: preferDev) {
            let scheme = preferDev ? "http" : self.services.config.publicScheme
            return Redirect.to("\(scheme)://\(host.value)\(port)/", status: .movedPermanently, cacheControl: "public, max-age=3600")
        }
        return SiteErrorMiddleware.plain(
            .gone, "\(unit.fullName) đã kết thúc hoạt động",
            "Đơn vị hành chính này đã được sắp xếp lại; cổng thông tin của nó không còn được cập nhật.")
    }
}
