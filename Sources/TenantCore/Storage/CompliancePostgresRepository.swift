import Foundation
import Logging
import PostgresNIO

extension ContentStore {
    /// Compliance figures of many communes in one query per 200 communes.
    public func compliance(_ tenants: [Tenant], now: Date, on connection: PostgresConnection) async throws -> [ComplianceRow] {
        let cutoff = WorkingDays.back(15, from: now)
        var rows: [Int64: ComplianceRow] = [:]
        for tenant in tenants {
            rows[tenant.id] = ComplianceRow(tenant: tenant, sections: [:], responsiblePerson: "", openQuestions: 0, overdueQuestions: 0)
        }
        for batch in stride(from: 0, to: tenants.count, by: 200).map({ Array(tenants[$0..<min($0 + 200, tenants.count)]) }) {
            // Each part names one commune's schema, a validated SchemaName;
            // the times are binds.
            var sql = ""
            for (index, tenant) in batch.enumerated() {
                let s = tenant.schema.quoted
                if index > 0 { sql += " UNION ALL " }
                sql += """
                    SELECT \(tenant.id)::int8, x.id::int, x.kind, x.starter, x.n, x.newest, si.responsible_person, q.open, q.overdue,
                           q.answered, q.newest_answer
                      FROM (SELECT s.id, s.kind, s.starter,
                                   count(e.id) FILTER (WHERE e.status = 'published' AND e.published_at <= $1) AS n,
                                   max(e.published_at) FILTER (WHERE e.status = 'published' AND e.published_at <= $1) AS newest
                              FROM \(s).sections s LEFT JOIN \(s).entries e ON e.section_id = s.id
                             WHERE s.mandatory GROUP BY s.id, s.kind, s.starter) x
                      CROSS JOIN \(s).site si
                      CROSS JOIN (SELECT count(*) FILTER (WHERE status <> 'answered') AS open,
                                         count(*) FILTER (WHERE status <> 'answered' AND created_at < $2) AS overdue,
                                         count(*) FILTER (WHERE published AND status = 'answered') AS answered,
                                         max(answered_at) FILTER (WHERE published AND status = 'answered') AS newest_answer
                                    FROM \(s).questions) q
                    """
            }
            var bindings = PostgresBindings()
            bindings.append(now)
            bindings.append(cutoff)
            let result = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: self.logger)
            for try await (tenantID, section, kind, starter, items, newest, person, open, overdue, answered, newestAnswer) in result.decode(
                (Int64, Int, String, Bool, Int, Date?, String, Int, Int, Int, Date?).self)
            {
                // Hỏi đáp is filled by published answers as well as by entries.
                let isQuestions = section == MandatorySection.questions.id
                rows[tenantID]?.sections[section] = SectionCompliance(
                    sectionID: section, kind: SectionKind(rawValue: kind) ?? .feed, items: items + (isQuestions ? answered : 0),
                    newest: isQuestions ? [newest, newestAnswer].compactMap { $0 }.max() : newest, starter: starter)
                rows[tenantID]?.responsiblePerson = person
                rows[tenantID]?.openQuestions = open
                rows[tenantID]?.overdueQuestions = overdue
            }
        }
        return tenants.compactMap { rows[$0.id] }
    }
}
