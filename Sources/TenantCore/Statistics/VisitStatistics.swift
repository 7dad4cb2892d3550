import Foundation
import Logging

/// What the console shows of the visits: views per day, per commune, per page.
public struct VisitStatistics: Sendable {
    let database: TenantDatabase
    let rows: VisitRepository

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.rows = VisitRepository(logger: logger)
    }

    /// The last `days` days up to `now`'s day in Vietnam, `YYYY-MM-DD`, oldest first.
    public static func days(_ count: Int, until now: Date) -> [String] {
        let today = VietnamTime(now)
        let last = VietnamTime.days(fromCivil: today.year, today.month, today.day)
        return (0..<max(1, count)).reversed().map { offset in
            let (y, m, d) = VietnamTime.civil(fromDays: last - offset)
            return "\(y)-\(VietnamTime.two(m))-\(VietnamTime.two(d))"
        }
    }

    /// Views per day of these communes on `days`, every day present (0 when none).
    public func daily(tenantIDs: [Int64], days: [String]) async throws(TenantCoreError) -> [(day: String, views: Int)] {
        guard let first = days.first, let last = days.last else { return [] }
        let found = try await self.database.withConnection(retryingReads: true) { connection in
            try await self.rows.daily(tenantIDs: tenantIDs, from: first, until: last, on: connection)
        }
        let byDay = Dictionary(found.map { ($0.day, $0.views) }, uniquingKeysWith: +)
        return days.map { ($0, byDay[$0] ?? 0) }
    }

    /// Views per commune from `from` to `until` (`YYYY-MM-DD`, inclusive).
    public func totals(tenantIDs: [Int64], from: String, until: String) async throws(TenantCoreError) -> [Int64: Int] {
        try await self.database.withConnection(retryingReads: true) { connection in
            try await self.rows.totals(tenantIDs: tenantIDs, from: from, until: until, on: connection)
        }
    }

    /// A commune's most viewed pages from `from` to `until`.
    public func topPages(tenantID: Int64, from: String, until: String, limit: Int = 20) async throws(TenantCoreError) -> [(path: String, views: Int)] {
        try await self.database.withConnection(retryingReads: true) { connection in
            try await self.rows.topPages(tenantID: tenantID, from: from, until: until, limit: limit, on: connection)
        }
    }
}
