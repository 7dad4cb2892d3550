import Foundation
import Logging
import PostgresNIO

/// Visit counts (`platform.visits`, `platform.visit_days`) and how far each
/// visits log has been read (`platform.visit_files`).
struct VisitRepository: Sendable {
    let logger: Logger

    /// Where reading `source` (`machine:inode`) stopped, or nil for a file never read.
    func readTo(source: String, on connection: UnitOfWork) async throws -> Int64? {
        try await connection.query("SELECT read_to FROM platform.visit_files WHERE source = \(source)", logger: self.logger)
            .collect().first?.decode(Int64.self)
    }

    /// Adds `counts` (views by host, day and path; hosts that are no
    /// commune's are dropped) and records that `source` was read to `readTo`,
    /// in the caller's transaction.
    func add(_ counts: [VisitLine: Int], source: String, name: String, readTo: Int64, on connection: UnitOfWork) async throws {
        if !counts.isEmpty {
            let hosts = counts.keys.map(\.host)
            let days = counts.keys.map(\.day)
            let paths = counts.keys.map(\.path)
            let views = counts.values.map { Int32(clamping: $0) }
            try await connection.query(
                """
                WITH v AS (
                    SELECT d.tenant_id, v.day::date AS day, v.path, sum(v.n)::int AS n
                      FROM unnest(\(hosts)::text[], \(days)::text[], \(paths)::text[], \(views)::int[]) AS v(host, day, path, n)
                      JOIN platform.domains d ON d.host = v.host
                     GROUP BY 1, 2, 3),
                pages AS (
                    INSERT INTO platform.visits AS x (tenant_id, day, path, views) SELECT tenant_id, day, path, n FROM v
                    ON CONFLICT (tenant_id, day, path) DO UPDATE SET views = x.views + EXCLUDED.views)
                INSERT INTO platform.visit_days AS y (tenant_id, day, views)
                SELECT tenant_id, day, sum(n)::int FROM v GROUP BY 1, 2
                ON CONFLICT (tenant_id, day) DO UPDATE SET views = y.views + EXCLUDED.views
                """, logger: self.logger)
        }
        try await connection.query(
            """
            INSERT INTO platform.visit_files (source, name, read_to) VALUES (\(source), \(name), \(readTo))
            ON CONFLICT (source) DO UPDATE SET name = EXCLUDED.name, read_to = EXCLUDED.read_to, updated_at = now()
            """, logger: self.logger)
    }

    /// Views per day of the given communes from `from` to `until` (inclusive, `YYYY-MM-DD`).
    func daily(tenantIDs: [Int64], from: String, until: String, on connection: UnitOfWork) async throws -> [(day: String, views: Int)] {
        var result: [(day: String, views: Int)] = []
        for try await (day, views) in try await connection.query(
            """
            SELECT day::text, sum(views)::int8 FROM platform.visit_days
             WHERE tenant_id = ANY(\(tenantIDs)) AND day BETWEEN \(from)::date AND \(until)::date
             GROUP BY day ORDER BY day
            """, logger: self.logger
        ).decode((String, Int64).self) {
            result.append((day, Int(views)))
        }
        return result
    }

    /// Views per commune from `from` to `until`.
    func totals(tenantIDs: [Int64], from: String, until: String, on connection: UnitOfWork) async throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for try await (tenant, views) in try await connection.query(
            """
            SELECT tenant_id, sum(views)::int8 FROM platform.visit_days
             WHERE tenant_id = ANY(\(tenantIDs)) AND day BETWEEN \(from)::date AND \(until)::date GROUP BY tenant_id
            """, logger: self.logger
        ).decode((Int64, Int64).self) {
            result[tenant] = Int(views)
        }
        return result
    }

    /// A commune's most viewed pages from `from` to `until`.
    func topPages(tenantID: Int64, from: String, until: String, limit: Int, on connection: UnitOfWork) async throws -> [(path: String, views: Int)] {
        var result: [(path: String, views: Int)] = []
        for try await (path, views) in try await connection.query(
            """
            SELECT path, sum(views)::int8 AS n FROM platform.visits
             WHERE tenant_id = \(tenantID) AND day BETWEEN \(from)::date AND \(until)::date
             GROUP BY path ORDER BY n DESC, path LIMIT \(limit)
            """, logger: self.logger
        ).decode((String, Int64).self) {
            result.append((path, Int(views)))
        }
        return result
    }
}
