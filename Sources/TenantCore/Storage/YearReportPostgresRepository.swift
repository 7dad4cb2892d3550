import Foundation
import Logging
import PostgresNIO

/// One commune's year, for the province's yearly report.
public struct YearFigures: Sendable {
    public var tenantID: Int64
    public var views = 0
    /// Items published during the year (samples not counted), by mandatory section id.
    public var published: [Int: Int] = [:]
    public var questionsReceived = 0
    public var questionsAnswered = 0
    /// Mean days from a question to its answer, for those answered in the year.
    public var meanAnswerDays: Double?
    public var ratings = 0
    public var ratingInformation: Double?
    public var ratingServices: Double?
    /// Compliance audits run during the year, and how many found the site compliant.
    public var audits = 0
    public var compliantAudits = 0

    public init(tenantID: Int64) { self.tenantID = tenantID }
}

extension ContentStore {
    /// The year `year` (Vietnam time) of each commune: one query per 200
    /// communes over their schemas, then the platform's tables.
    public func yearFigures(_ tenants: [Tenant], year: Int, on connection: UnitOfWork) async throws -> [YearFigures] {
        let start = VietnamTime.startOfDay(year: year, month: 1, day: 1)
        let end = VietnamTime.startOfDay(year: year + 1, month: 1, day: 1)
        var figures: [Int64: YearFigures] = [:]
        for tenant in tenants { figures[tenant.id] = YearFigures(tenantID: tenant.id) }
        // Each part names one commune's validated schema; the times are binds.
        for sql in Self.unionPerCommune(tenants, { tenant, s in
            """
                    SELECT \(tenant.id)::int8, 'e'::text, e.section_id::int, count(*)::int, NULL::float8
                      FROM \(s).entries e
                     WHERE e.status = 'published' AND NOT e.is_sample AND e.published_at >= $1 AND e.published_at < $2
                     GROUP BY e.section_id
                    UNION ALL
                    SELECT \(tenant.id)::int8, 'q', 0, count(*) FILTER (WHERE q.created_at >= $1 AND q.created_at < $2)::int,
                           NULL::float8 FROM \(s).questions q
                    UNION ALL
                    SELECT \(tenant.id)::int8, 'a', 0, count(*)::int,
                           avg(extract(epoch FROM q.answered_at - q.created_at) / 86400)::float8
                      FROM \(s).questions q WHERE q.answered_at >= $1 AND q.answered_at < $2
                """
        }) {
            var bindings = PostgresBindings()
            bindings.append(start)
            bindings.append(end)
            for try await (tenant, kind, section, count, mean) in try await connection.query(
                PostgresQuery(unsafeSQL: sql, binds: bindings), logger: self.logger
            ).decode((Int64, String, Int, Int, Double?).self) {
                switch kind {
                case "e": figures[tenant]?.published[section] = count
                case "q": figures[tenant]?.questionsReceived = count
                default:
                    figures[tenant]?.questionsAnswered = count
                    figures[tenant]?.meanAnswerDays = count > 0 ? mean : nil
                }
            }
        }
        let ids = tenants.map(\.id)
        let (from, until) = ("\(year)-01-01", "\(year)-12-31")
        for (tenant, views) in try await VisitRepository(logger: self.logger).totals(tenantIDs: ids, from: from, until: until, on: connection) {
            figures[tenant]?.views = views
        }
        // The year's ratings by their calendar day (`rated_on`).
        for try await (tenant, count, information, services) in try await connection.query(
            """
            SELECT tenant_id, count(*)::int, avg(information)::float8, avg(services)::float8 FROM platform.ratings
             WHERE tenant_id = ANY(\(ids)) AND rated_on BETWEEN \(from)::date AND \(until)::date GROUP BY tenant_id
            """, logger: self.logger
        ).decode((Int64, Int, Double?, Double?).self) {
            figures[tenant]?.ratings = count
            figures[tenant]?.ratingInformation = information
            figures[tenant]?.ratingServices = services
        }
        for try await (tenant, runs, compliant) in try await connection.query(
            """
            SELECT tenant_id, count(*)::int, (count(*) FILTER (WHERE compliant))::int FROM platform.audit_runs
             WHERE tenant_id = ANY(\(ids)) AND ran_at >= \(start) AND ran_at < \(end) GROUP BY tenant_id
            """, logger: self.logger
        ).decode((Int64, Int, Int).self) {
            figures[tenant]?.audits = runs
            figures[tenant]?.compliantAudits = compliant
        }
        return tenants.compactMap { figures[$0.id] }
    }
}
