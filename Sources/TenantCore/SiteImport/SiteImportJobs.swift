import Foundation
import Logging
import PostgresNIO

/// An import asked for in the console (sql/platform/0024): waiting, running
/// on some host, done or failed, with its progress and report.
public struct SiteImportJob: Sendable, Hashable {
    public enum Kind: String, Sendable { case wxr, crawl }
    public enum State: String, Sendable { case queued, running, done, failed }

    public var id: Int64
    public var tenantID: Int64
    public var kind: Kind
    public var site: String
    public var profile: String
    public var publish: Bool
    public var state: State
    public var phase: String
    public var done: Int
    public var total: Int
    public var summary: String
    public var report: String
    public var requestedBy: String
    public var createdAt: Date
    public var finishedAt: Date?
}

/// The queue of console imports and the loop that runs them, one at a time
/// per host. A running import whose host has not written for two minutes
/// is taken over by another (the import resumes: nothing is doubled).
public struct SiteImportJobs: Sendable {
    public let database: TenantDatabase
    let logger: Logger
    /// `host` → address and port to reach an old site at instead (a staging copy).
    public var connectTo: [String: (address: String, port: Int)] = [:]
    /// Requests per second to an old site.
    public var rate: Double = 5

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    static let columns = """
        id, tenant_id, kind, site, profile, publish, state, phase, done, total, summary, report, requested_by, created_at, finished_at
        """

    static func decode(_ row: PostgresRow) throws -> SiteImportJob {
        let (id, tenant, kind, site, profile, publish, state, phase, done, total, summary, report, by, created, finished) = try row.decode(
            (Int64, Int64, String, String, String, Bool, String, String, Int, Int, String, String, String, Date, Date?).self)
        return SiteImportJob(
            id: id, tenantID: tenant, kind: SiteImportJob.Kind(rawValue: kind) ?? .crawl, site: site, profile: profile, publish: publish,
            state: SiteImportJob.State(rawValue: state) ?? .failed, phase: phase, done: done, total: total, summary: summary, report: report,
            requestedBy: by, createdAt: created, finishedAt: finished)
    }

    /// Puts an import in the queue; returns its id.
    public func queue(
        tenant: Tenant, kind: SiteImportJob.Kind, site: String, wxr: [UInt8]?, profile: String, publish: Bool, by name: String
    ) async throws -> Int64 {
        try await self.database.withConnection { connection in
            try await connection.query(
                """
                INSERT INTO platform.site_imports (tenant_id, kind, site, wxr, profile, publish, requested_by)
                VALUES (\(tenant.id), \(kind.rawValue), \(site), \(wxr.map { ByteBuffer(bytes: $0) }), \(profile), \(publish), \(name))
                RETURNING id
                """, logger: self.logger
            ).collect().first?.decode(Int64.self) ?? 0
        }
    }

    /// A commune's imports, newest first.
    public func jobs(tenantID: Int64) async throws -> [SiteImportJob] {
        try await self.database.withConnection { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM platform.site_imports WHERE tenant_id = \(tenantID) ORDER BY id DESC LIMIT 50",
                logger: self.logger
            ).collect().map(Self.decode)
        }
    }

    /// One import of the commune; nil when it is another commune's or none.
    public func job(_ id: Int64, tenantID: Int64) async throws -> SiteImportJob? {
        try await self.database.withConnection { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM platform.site_imports WHERE id = \(id) AND tenant_id = \(tenantID)", logger: self.logger
            ).collect().first.map(Self.decode)
        }
    }

    /// Claims the oldest waiting import (or one whose host went silent).
    func claim() async throws -> (SiteImportJob, wxr: [UInt8]?)? {
        try await self.database.withConnection { connection -> (SiteImportJob, wxr: [UInt8]?)? in
            guard let row = try await connection.query(
                """
                UPDATE platform.site_imports SET state = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now()
                 WHERE id = (SELECT id FROM platform.site_imports
                              WHERE state = 'queued' OR (state = 'running' AND heartbeat_at < now() - interval '2 minutes')
                              ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.columns), wxr
                """, logger: self.logger
            ).collect().first else { return nil }
            let wxr = try row.makeRandomAccess()["wxr"].decode(ByteBuffer?.self, context: .default)
            return (try Self.decode(row), wxr.map { Array($0.readableBytesView) })
        }
    }

    func progress(_ id: Int64, phase: String, done: Int, total: Int) async {
        _ = try? await self.database.withConnection { connection in
            try await connection.query(
                "UPDATE platform.site_imports SET phase = \(phase), done = \(done), total = \(total), heartbeat_at = now() WHERE id = \(id)",
                logger: self.logger)
        }
    }

    func finish(_ id: Int64, state: SiteImportJob.State, summary: String, report: String) async {
        _ = try? await self.database.withConnection { connection in
            try await connection.query(
                """
                UPDATE platform.site_imports SET state = \(state.rawValue), summary = \(summary), report = \(report), finished_at = now(),
                       heartbeat_at = now(), wxr = NULL WHERE id = \(id)
                """, logger: self.logger)
        }
    }

    /// Runs the next waiting import, if there is one; false when there was none.
    /// `tenant` finds a commune by its id (the host's directory).
    public func runNext(editorial: Editorial, tenant find: @Sendable (Int64) -> Tenant?) async -> Bool {
        guard let claimed = try? await self.claim() else { return false }
        let (job, wxr) = claimed
        let metadata: Logger.Metadata = ["import": "\(job.id)", "site": "\(job.site)"]
        guard let tenant = find(job.tenantID), tenant.status == .active else {
            await self.finish(job.id, state: .failed, summary: "Xã không còn hoạt động; không nhập.", report: "")
            return true
        }
        self.logger.info("site import started", metadata: metadata.merging(["commune": "\(tenant.code)"]) { a, _ in a })
        let state = ProgressBox()
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(2))
                let (phase, done, total) = state.value
                await self.progress(job.id, phase: phase, done: done, total: total)
            }
        }
        defer { ticker.cancel() }
        do {
            let fetcher = HTTPFiles(hosts: SiteImportPlan.hosts(of: job.site).all, maxBytes: 20 << 20, perSecond: self.rate, connectTo: self.connectTo)
            let archive: WXRArchive
            var problems: [SiteImportReport.Problem] = []
            var missing: [SiteImportReport.Problem] = []
            if job.kind == .wxr {
                guard let wxr else { throw SiteFetchError("tệp xuất không còn") }
                archive = try WXRArchive.read(Data(wxr))
            } else {
                let profile = CrawlProfile.builtIn.first { $0.name == job.profile } ?? .generic
                let result = await SiteCrawler(siteURL: job.site, profile: profile, fetcher: fetcher).crawl { done, known in
                    state.set("Đọc trang cũ", done, known)
                }
                (archive, problems, missing) = (result.archive, result.problems, result.missing)
            }
            let plan = SiteImportPlan.make(archive, mapping: .defaults, commune: VietnameseText.inSentence(tenant.name))
            var report = try await editorial.importSite(
                plan, into: tenant, publish: job.publish, fetcher: fetcher,
                fileProgress: { done, total in state.set("Tải ảnh và tệp", done, total) },
                progress: { done, total in state.set("Nhập bài", done, total) })
            report.failures.insert(contentsOf: problems, at: 0)
            report.deadLinks.append(contentsOf: missing)
            let (phase, done, total) = state.value
            await self.progress(job.id, phase: phase, done: done, total: total)
            await self.finish(job.id, state: .done, summary: report.summaryInVietnamese, report: report.linesInVietnamese.joined(separator: "\n"))
            self.logger.info("site import done", metadata: metadata.merging(["commune": "\(tenant.code)", "summary": "\(report.summary)"]) { a, _ in a })
        } catch {
            let reason = (error as? WXRArchive.ReadError)?.description ?? "\(error)"
            await self.finish(job.id, state: .failed, summary: "Không nhập được: \(reason). Những gì đã nhập vẫn giữ; chạy lại để nhập tiếp.", report: "")
            self.logger.error("site import failed", metadata: metadata.merging(["commune": "\(tenant.code)", "error": "\(reason)"]) { a, _ in a })
        }
        return true
    }

    /// The newest progress, written by the import's callbacks, read by the ticker.
    final class ProgressBox: @unchecked Sendable {
        private let lock = NSLock()
        private var current = ("Chờ", 0, 0)
        var value: (String, Int, Int) { self.lock.withLock { self.current } }
        func set(_ phase: String, _ done: Int, _ total: Int) { self.lock.withLock { self.current = (phase, done, total) } }
    }
}

extension SiteImportReport {
    /// One line for the console and the command line.
    public var summary: String {
        "imported \(self.entries) items (\(self.documents) documents, \(self.published) published), \(self.sectionTexts) section texts; "
            + "files \(self.filesStored) stored, \(self.filesReused) same as another; already in \(self.alreadyDone); "
            + "left out \(self.leftOut.count), failed \(self.failures.count), dead links \(self.deadLinks.count)"
    }

    /// Every item or file left out or failed, dead link and note, with its address.
    public var lines: [String] {
        self.failures.map { "failed  \($0.url)  \($0.reason)" } + self.leftOut.map { "left out  \($0.url)  \($0.reason)" }
            + self.deadLinks.map { "dead link  \($0.url)  → \($0.reason)" } + self.notes.map { "note  \($0.url)  \($0.reason)" }
    }
}

extension SiteImportReport {
    /// The summary as the console says it.
    public var summaryInVietnamese: String {
        "Đã nhập \(self.entries) bài (\(self.documents) văn bản, \(self.published) bài đã đăng), \(self.sectionTexts) trang nội dung (Giới thiệu, Liên hệ…); "
            + "\(self.filesStored) ảnh và tệp mới, \(self.filesReused) tệp trùng nội dung; \(self.alreadyDone) mục đã có từ lần trước; "
            + "\(self.leftOut.count) mục bỏ qua, \(self.failures.count) lỗi, \(self.deadLinks.count) liên kết hỏng."
    }

    public var linesInVietnamese: [String] {
        self.failures.map { "Lỗi: \($0.url) — \($0.reason)" } + self.leftOut.map { "Bỏ qua: \($0.url) — \($0.reason)" }
            + self.deadLinks.map { "Liên kết hỏng: \($0.url) → \($0.reason)" } + self.notes.map { "Ghi chú: \($0.url) — \($0.reason)" }
    }
}
