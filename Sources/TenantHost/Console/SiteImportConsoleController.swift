import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import TenantCore

/// `/quan-tri/xa/<code>/nhap-trang-cu`: a province or district operator
/// brings a commune's old website in (a WordPress export, or a crawl of
/// the site), follows the import and reads its report. The import itself
/// runs on a host in the background (``SiteImportService``).
struct SiteImportConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies
    let jobs: SiteImportJobs

    /// The largest export accepted from the console.
    static let exportLimit = 64 << 20

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/xa/:code/nhap-trang-cu", use: self.imports)
        group.post("/xa/:code/nhap-trang-cu", use: self.start)
        group.get("/xa/:code/nhap-trang-cu/:id", use: self.show)
    }

    @Sendable func imports(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        return try await self.importsPage(context, tenant, errors: [:], fields: ["mau": "wordpress"], status: .ok)
    }

    func importsPage(
        _ context: PlatformConsoleContext, _ tenant: Tenant, errors: [String: String], fields: [String: String], status: HTTPResponse.Status
    ) async throws -> Response {
        let jobs = try await self.jobs.jobs(tenantID: tenant.id)
        let main = SiteImportViews.page(tenant: tenant, jobs: jobs, errors: errors, fields: fields, csrf: context.session.csrf)
        return self.page(context, title: "Nhập trang cũ của \(tenant.name)", status: status, notice: nil, active: "/quan-tri/xa", main: main)
    }

    @Sendable func start(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        let form: FormBody
        do {
            form = try await self.form(request, context, session: context.session, limit: Self.exportLimit + 64 * 1024)
        } catch is NIOTooManyBytesError {
            return try await self.importsPage(
                context, tenant, errors: ["tep": "Tệp xuất lớn quá \(Self.exportLimit >> 20) MB; hãy chạy lệnh provisioner site import trên máy chủ."],
                fields: [:], status: .contentTooLarge)
        }
        var errors: [String: String] = [:]
        let kind = SiteImportJob.Kind(rawValue: form["nguon"]) ?? .crawl
        let profile = CrawlProfile.builtIn.map(\.name).contains(form["mau"]) ? form["mau"] : "wordpress"
        var site = form["dia-chi"].trimmingCharacters(in: .whitespacesAndNewlines)
        var export: [UInt8]?
        switch kind {
        case .wxr:
            guard let file = form.files["tep"], !file.data.isEmpty else {
                errors["tep"] = "Chưa chọn tệp xuất của WordPress (Công cụ → Xuất → Tất cả nội dung)."
                break
            }
            do {
                let archive = try WXRArchive.read(Data(file.data))
                site = archive.siteURL
                export = file.data
            } catch {
                errors["tep"] = "Tệp này không phải tệp xuất của WordPress đọc được: \(error.description)"
            }
        case .crawl:
            guard site.count <= 500, let url = URLComponents(string: site), url.scheme == "http" || url.scheme == "https",
                let host = url.host, (try? Hostname(normalizing: host)) != nil
            else {
                errors["dia-chi"] = "Nhập địa chỉ trang cũ, bắt đầu bằng http:// hoặc https:// (ví dụ http://xahainam.namdinh.gov.vn)."
                break
            }
        }
        guard errors.isEmpty else { return try await self.importsPage(context, tenant, errors: errors, fields: form.fields, status: .badRequest) }
        let id = try await self.jobs.queue(
            tenant: tenant, kind: kind, site: site, wxr: export, profile: profile, publish: form["dang"] == "1", by: context.user.displayName)
        try? await self.accounts.audit(
            context.user, commune: tenant.code, action: "site.import.request", detail: "#\(id) \(kind.rawValue) \(site)", address: context.remoteAddress)
        self.services.siteImportWakeup.wake()
        return Self.redirect("/quan-tri/xa/\(tenant.code)/nhap-trang-cu/\(id)")
    }

    @Sendable func show(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenant = try self.managedCommune(context)
        guard let job = try await self.jobs.job(try Self.id(context), tenantID: tenant.id) else { throw HTTPError(.notFound) }
        // The page follows the import by itself while it runs, unless the reader stops it (WCAG 2.2.1).
        let follows = (job.state == .queued || job.state == .running) && QueryItemsOf(request)["tu-cap-nhat"] != "0"
        let main = SiteImportViews.job(tenant: tenant, job: job, follows: follows)
        var response = self.page(context, title: "Nhập trang cũ: \(job.site)", status: .ok, notice: nil, active: "/quan-tri/xa", main: main)
        if follows { response.headers[.refresh] = "5" }
        return response
    }
}

extension HTTPField.Name {
    static let refresh = Self("Refresh")!
}

/// Runs the console's imports on this host, one at a time: at once when
/// this host's console queued one, otherwise looking every 30 seconds (one
/// queued on another host, or left by a host that stopped). Never while
/// PostgreSQL is away: its pool is for the pages then.
struct SiteImportService: Service {
    let jobs: SiteImportJobs
    let editorial: Editorial
    let directory: TenantDirectory
    let wakeup: SiteImportWakeup

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if self.jobs.database.isAvailable {
                let directory = self.directory
                let ran = await self.jobs.runNext(editorial: self.editorial) { id in directory.snapshot.tenants[id] }
                if ran { continue }
            }
            await cancelWhenGracefulShutdown { await self.wakeup.wait(upTo: .seconds(30)) }
        }
    }
}

/// A nudge from the console to the import service of the same host.
actor SiteImportWakeup {
    private var waiter: CheckedContinuation<Void, Never>?
    private var pending = false
    private var generation = 0

    nonisolated func wake() { Task { await self.signal() } }

    private func signal() {
        if let waiter = self.waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            self.pending = true
        }
    }

    /// Returns when woken (or woken meanwhile), after `limit`, or when cancelled.
    func wait(upTo limit: Duration) async {
        if self.pending {
            self.pending = false
            return
        }
        self.generation += 1
        let mine = self.generation
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            await self?.expire(mine)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { self.waiter = $0 }
        } onCancel: {
            Task { await self.expire(mine) }
        }
        timer.cancel()
    }

    private func expire(_ generation: Int) {
        guard generation == self.generation, let waiter = self.waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
