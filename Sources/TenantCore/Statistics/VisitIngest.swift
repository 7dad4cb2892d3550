import Foundation
import Logging

/// Counts the page views in nginx's visits log into PostgreSQL.
///
/// Why nginx's log and not the hosts: with the front cache on, most pages
/// a citizen reads are answered by nginx and never reach a host, so only
/// nginx sees every view; its log line costs the cached page nothing the
/// host could save (BENCHMARKS.md, "Visit counting"). The log keeps no
/// address and no user agent (only whether it names a robot), so nothing
/// personal is kept anywhere.
///
/// Safe to stop: each batch of lines adds its counts and the file's new
/// position in one transaction, so a run killed anywhere resumes at the
/// last committed line and counts every line once. A file is known by its
/// machine and inode, so the rotated file and the new one are read to their
/// ends.
public struct VisitIngest: Sendable {
    public struct Report: Sendable, Equatable {
        public var lines = 0
        public var views = 0
        public var bytes: Int64 = 0
    }

    let database: TenantDatabase
    let rows: VisitRepository
    /// Lines per transaction.
    public var batchLines = 50_000
    /// This machine, in the name of the files it reads.
    public var machine = ProcessInfo.processInfo.hostName

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.rows = VisitRepository(logger: logger)
    }

    /// Reads `path` from where the last run stopped to its last complete line.
    public func ingest(path: String, progress: @Sendable (Report) -> Void = { _ in }) async throws(TenantCoreError) -> Report {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw TenantCoreError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        guard let inodeNumber = attributes[.systemFileNumber] as? NSNumber, let sizeNumber = attributes[.size] as? NSNumber else {
            throw TenantCoreError(.io, "cannot stat \(path)")
        }
        // Several machines run nginx: a file is its machine's name and its inode.
        let source = String("\(self.machine):\(inodeNumber.int64Value)".prefix(300))
        let size = sizeNumber.int64Value
        let stored = try await self.database.withConnection { connection in try await self.rows.readTo(source: source, on: connection) }
        // A file shorter than where reading stopped was replaced under the same inode: read it anew.
        var position = stored.map { $0 <= size ? $0 : 0 } ?? 0
        guard let handle = FileHandle(forReadingAtPath: path) else { throw TenantCoreError(.io, "cannot open \(path)") }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(position))
        } catch {
            throw TenantCoreError(.io, "cannot seek in \(path): \(error.localizedDescription)")
        }
        var report = Report()
        var counts: [VisitLine: Int] = [:]
        var pending: [UInt8] = []
        var linesInBatch = 0
        var committed = position
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw TenantCoreError(.io, "cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                let line = String(decoding: pending[start..<newline], as: UTF8.self)
                if let visit = VisitLine.parse(line[...]) {
                    counts[visit, default: 0] += 1
                    report.views += 1
                }
                report.lines += 1
                linesInBatch += 1
                position += Int64(newline - start + 1)
                start = newline + 1
                if linesInBatch >= self.batchLines {
                    try await self.commit(counts, source: source, name: path, readTo: position)
                    counts = [:]
                    linesInBatch = 0
                    committed = position
                    report.bytes = position - (stored ?? 0)
                    progress(report)
                }
            }
            pending.removeFirst(start)
            // A "line" longer than any nginx writes is not one: skip it.
            if pending.count > 65_536 {
                position += Int64(pending.count)
                pending.removeAll()
            }
        }
        if linesInBatch > 0 || position != committed || stored == nil {
            try await self.commit(counts, source: source, name: path, readTo: position)
        }
        report.bytes = position - (stored ?? 0)
        progress(report)
        return report
    }

    func commit(_ counts: [VisitLine: Int], source: String, name: String, readTo: Int64) async throws(TenantCoreError) {
        try await self.database.withTransaction { connection in
            try await self.rows.add(counts, source: source, name: name, readTo: readTo, on: connection)
        }
    }
}
