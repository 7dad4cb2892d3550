import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import ServiceLifecycle
import Synchronization
import TenantCore

/// Sends a request through the host's own middleware and router, without
/// a socket: the audit fetches a commune's pages as a visitor would.
final class SiteProbe: Sendable {
    typealias Respond = @Sendable (Request) async throws -> Response
    private let respond = Mutex<Respond?>(nil)

    func install<Responder: HTTPResponder>(_ responder: Responder, logger: Logger) where Responder.Context == SiteRequestContext {
        self.respond.withLock {
            $0 = { request in
                let context = SiteRequestContext(source: .init(channel: NIOAsyncTestingChannel(), logger: logger))
                return try await responder.respond(to: request, context: context)
            }
        }
    }

    /// `GET path` on `host`: the status and up to 2 MB of the body.
    func get(_ path: String, host: String) async -> (status: Int, body: String) {
        guard let respond = self.respond.withLock({ $0 }) else { return (0, "") }
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: host, path: path),
            body: RequestBody(buffer: ByteBuffer()))
        do {
            let response = try await respond(request)
            let collector = Collector()
            try await response.body.write(collector)
            return (Int(response.status.code), String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self))
        } catch let error as any HTTPResponseError {
            return (Int(error.status.code), "")
        } catch {
            return (500, "")
        }
    }

    final class Collector: ResponseBodyWriter, Sendable {
        let bytes = Mutex<[UInt8]>([])
        func write(_ buffer: ByteBuffer) async throws {
            self.bytes.withLock { if $0.count < 2_000_000 { $0.append(contentsOf: buffer.readableBytesView) } }
        }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// Runs the compliance audit of a commune: the checks its figures decide
/// (``ComplianceAudit``) and those of its site's functions, fetched through
/// the host's own router; stores the report in the history.
struct SiteAuditor: Sendable {
    let services: SiteServices
    let probe: SiteProbe

    static let sitemapBasis = "Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 4 điểm b (sơ đồ trang HTML và tệp XML)"
    static let searchBasis = "Nghị định 43/2011/NĐ-CP, Điều 15 khoản 1 điểm a; Nghị định 42/2022/NĐ-CP, Điều 7 khoản 1"
    static let dublinCoreBasis = "Thông tư 24/2011/TT-BTTTT, Điều 4–6; Nghị định 43/2011/NĐ-CP, Điều 14"
    static let printBasis = "Nghị định 43/2011/NĐ-CP, Điều 15 khoản 1 điểm c (in và lưu bài)"
    static let linksBasis = "Nghị định 43/2011/NĐ-CP, Điều 15 khoản 1 điểm b (liên kết cổng thông tin cơ quan nhà nước)"
    static let ratingBasis = "Nghị định 224/2026/NĐ-CP, Điều 10 khoản 3 điểm b (đánh giá mức độ hài lòng trực tuyến)"
    static let accessibilityBasis = "Thông tư 26/2020/TT-BTTTT, Điều 2, 5; Thông tư 32/2017/TT-BTTTT, Điều 18; Nghị định 224/2026/NĐ-CP, Điều 10 khoản 3 điểm c (mức của nền tảng: WCAG 2.1 AA)"
    static let htmlBasis = "Thông tư 39/2017/TT-BTTTT (danh mục tiêu chuẩn kỹ thuật ứng dụng công nghệ thông tin: định dạng HTML)"
    static let rssBasis = "Chức năng của nền tảng (RSS không thấy quy định bắt buộc trong văn bản đã tra cứu)"

    /// Audits one commune and records the report.
    func audit(_ tenant: Tenant, now: Date = Date()) async throws -> AuditReport {
        let row = try await self.services.database.withConnection(retryingReads: true, schema: tenant.schema) { connection in
            try await self.services.content.compliance([tenant], now: now, on: connection).first
        }
        var checks = row?.checks(at: now) ?? []
        checks += await self.functionChecks(tenant)
        let pageChecks = try await self.services.database.withConnection(retryingReads: true) { connection in
            try await self.services.content.latestPageChecks(tenantID: tenant.id, on: connection)
        }
        checks += Self.browserChecks(pageChecks, now: now)
        let report = AuditReport(tenant: tenant, ranAt: now, checks: checks)
        try await self.services.database.withConnection { connection in
            try await self.services.content.record(report, on: connection)
        }
        self.services.logger.debug(
            "compliance audit", metadata: ["commune": "\(tenant.code)", "failed": "\(report.failed)", "passed": "\(report.passed)"])
        return report
    }

    /// Every active commune, one after another, logging progress.
    func auditAll(_ tenants: [Tenant]) async {
        let started = ContinuousClock.now
        var done = 0
        for tenant in tenants {
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do { _ = try await self.audit(tenant) } catch {
                self.services.logger.error("compliance audit failed", metadata: ["commune": "\(tenant.code)", "error": "\(error)"])
            }
            done += 1
            if done % 100 == 0 || done == tenants.count {
                self.services.logger.notice(
                    "compliance audit progress", metadata: ["done": "\(done)", "of": "\(tenants.count)", "elapsed": "\(ContinuousClock.now - started)"])
            }
        }
    }

    /// axe-core 4 and the Nu Html Checker on a sample of the site's pages,
    /// as ops/audit-pages last found them (older than 14 days: to be run again).
    static func browserChecks(_ results: [String: PageCheck], now: Date, console: Bool = false) -> [AuditCheck] {
        let pages = console ? "các trang quản trị" : "các trang mẫu"
        let run = console ? "ops/audit-pages --console-accounts" : "ops/audit-pages"
        let tools: [(tool: String, id: String, title: String, basis: String, what: String)] = [
            ("axe", console ? "console.accessibility" : "pages.accessibility",
             "Trợ năng: không vi phạm WCAG 2.0/2.1 mức A, AA (axe-core 4) trên \(pages)", Self.accessibilityBasis, "vi phạm"),
            ("vnu", console ? "console.html" : "pages.html", "Mã HTML hợp lệ (Nu Html Checker) trên \(pages)", Self.htmlBasis, "lỗi"),
        ]
        return tools.map { tool in
            guard let result = results[tool.tool] else {
                return AuditCheck(id: tool.id, title: tool.title, basis: tool.basis, status: .warn, detail: "Chưa kiểm tra bằng trình duyệt (\(run)).")
            }
            let when = VietnamTime(result.checkedAt).dateTimeString
            let examples = result.detail.prefix(3).map { "\($0.page): \($0.id)" }.joined(separator: "; ")
            if result.problems > 0 {
                return AuditCheck(
                    id: tool.id, title: tool.title, basis: tool.basis, status: .fail,
                    detail: "\(result.problems) \(tool.what) trên \(result.pages) trang (kiểm tra lúc \(when))\(examples.isEmpty ? "" : ": " + examples).")
            }
            let stale = now.timeIntervalSince(result.checkedAt) > 14 * 86_400
            return AuditCheck(
                id: tool.id, title: tool.title, basis: tool.basis, status: stale ? .warn : .pass,
                detail: "Không có \(tool.what) trên \(result.pages) trang (kiểm tra lúc \(when))\(stale ? "; đã quá 14 ngày, cần kiểm tra lại" : "").")
        }
    }

    func functionChecks(_ tenant: Tenant) async -> [AuditCheck] {
        let snapshot = self.services.directory.snapshot
        guard let host = (snapshot.address(of: tenant, preferDev: false) ?? snapshot.address(of: tenant, preferDev: true))?.value else {
            return [AuditCheck(id: "function.host", title: "Trang có tên miền", basis: "Nghị định 224/2026/NĐ-CP, Điều 11 khoản 4", status: .fail, detail: "Xã chưa có tên miền.")]
        }
        var checks: [AuditCheck] = []
        let home = await self.probe.get("/", host: host)
        let xml = await self.probe.get("/sitemap.xml", host: host)
        let tree = await self.probe.get("/so-do-trang", host: host)
        let sitemapOK = xml.status == 200 && xml.body.contains("<urlset") && tree.status == 200
        checks.append(AuditCheck(
            id: "function.sitemap", title: "Sơ đồ trang HTML và tệp sitemap.xml", basis: Self.sitemapBasis, status: sitemapOK ? .pass : .fail,
            detail: "sitemap.xml: \(xml.status), /so-do-trang: \(tree.status)."))
        let newsSlug = MandatorySection.news.slug
        let rss = await self.probe.get("/rss/\(newsSlug).xml", host: host)
        checks.append(AuditCheck(
            id: "function.rss", title: "Bản tin RSS của tin tức", basis: Self.rssBasis, status: rss.status == 200 && rss.body.contains("<rss") ? .pass : .warn,
            detail: "/rss/\(newsSlug).xml: \(rss.status)."))
        let word = VietnameseText.splitUnitName(tenant.name).properName.split(separator: " ").first.map(String.init) ?? "xa"
        let search = await self.probe.get("/tim-kiem?q=" + Layout.percentEncode(word), host: host)
        let documents = await self.probe.get("/\(MandatorySection.documents.slug)?q=" + Layout.percentEncode(word), host: host)
        checks.append(AuditCheck(
            id: "function.search", title: "Tìm kiếm toàn trang và tra cứu văn bản", basis: Self.searchBasis,
            status: search.status == 200 && documents.status == 200 ? .pass : .fail,
            detail: "/tim-kiem: \(search.status), tra cứu văn bản: \(documents.status)."))
        let elements = ["DC.title", "DC.creator", "DC.date", "DC.description", "DC.publisher", "DC.identifier", "DC.language"]
        let missing = elements.filter { !home.body.contains("name=\"\($0)\"") }
        checks.append(AuditCheck(
            id: "function.dublincore", title: "Siêu dữ liệu Dublin Core trên trang chủ", basis: Self.dublinCoreBasis,
            status: home.status == 200 && missing.isEmpty ? .pass : .fail,
            detail: missing.isEmpty ? "Đủ \(elements.count) phần tử bắt buộc." : "Thiếu: \(missing.joined(separator: ", "))."))
        if let range = home.body.range(of: #"href="/\#(newsSlug)/[0-9]+""#, options: .regularExpression) {
            let path = String(home.body[range].dropFirst(6).dropLast())
            let print = await self.probe.get(path + "/ban-in", host: host)
            checks.append(AuditCheck(
                id: "function.print", title: "Bản in của bài viết", basis: Self.printBasis, status: print.status == 200 ? .pass : .fail,
                detail: "\(path)/ban-in: \(print.status)."))
        } else {
            checks.append(AuditCheck(
                id: "function.print", title: "Bản in của bài viết", basis: Self.printBasis, status: .warn,
                detail: "Chưa có bài tin tức để thử bản in."))
        }
        let rating = await self.probe.get("/danh-gia", host: host)
        checks.append(AuditCheck(
            id: "function.rating", title: "Người dân đánh giá mức độ hài lòng trực tuyến", basis: Self.ratingBasis,
            status: rating.status == 200 && rating.body.contains("name=\"thong-tin\"") ? .pass : .fail,
            detail: "/danh-gia: \(rating.status)."))
        let links = [Layout.nationalPortal, Layout.governmentPortal] + (tenant.province?.portalURL.map { [$0] } ?? [])
        let absent = links.filter { !home.body.contains("href=\"\($0)") }
        checks.append(AuditCheck(
            id: "function.links", title: "Liên kết Cổng Dịch vụ công quốc gia, Cổng thông tin Chính phủ, cổng của tỉnh", basis: Self.linksBasis,
            status: absent.isEmpty ? .pass : .fail, detail: absent.isEmpty ? "Có đủ liên kết." : "Thiếu: \(absent.joined(separator: ", "))."))
        return checks
    }
}

/// Runs the audit of every active commune on a schedule (AUDIT_INTERVAL
/// hours). With several hosts, the first to claim the round runs it
/// (`platform.audit_schedule`); the others skip it.
struct AuditScheduler: Service {
    let auditor: SiteAuditor
    let interval: Duration

    func run() async throws {
        // Let the directory load and the server start first. Every wait
        // ends when the host shuts down.
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(30)) }
        } catch {
            return
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let seconds = Int(self.interval.components.seconds)
            let claimed = (try? await self.auditor.services.database.withConnection { connection in
                try await self.auditor.services.content.claimAuditRound(every: seconds, on: connection)
            }) ?? false
            if claimed {
                let tenants = self.auditor.services.directory.snapshot.tenants.values.filter { $0.status == .active }.sorted { $0.code < $1.code }
                await self.auditor.auditAll(tenants)
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(min(seconds, 3600))) }
            } catch {
                return
            }
        }
    }
}
