import Foundation
import Logging
import PostgresNIO

extension ContentStore {
    /// Compliance figures of many communes in one query per 200 communes.
    public func compliance(_ tenants: [Tenant], now: Date, on connection: UnitOfWork) async throws -> [ComplianceRow] {
        let cutoff = WorkingDays.back(15, from: now)
        var rows: [Int64: ComplianceRow] = [:]
        for tenant in tenants {
            rows[tenant.id] = ComplianceRow(tenant: tenant, sections: [:], responsiblePerson: "", openQuestions: 0, overdueQuestions: 0)
        }
        // Each part names one commune's schema, a validated SchemaName; the times are binds.
        for sql in Self.unionPerCommune(tenants, { tenant, s in
            """
                    SELECT \(tenant.id)::int8, x.id::int, x.kind, x.starter, x.n, x.newest, si.responsible_person, q.open, q.overdue,
                           q.answered, q.newest_answer, x.samples,
                           concat_ws(E'\\x1f', si.publisher, si.responsible_title, si.address, si.phone, si.email, si.emc_site_id),
                           (SELECT count(*) FROM \(s).entries w WHERE w.kind = 'schedule' AND w.status = 'published' AND NOT w.is_sample
                               AND w.starts_at >= $3 AND w.starts_at < $3 + interval '7 days')::int
                      FROM (SELECT s.id, s.kind, s.starter,
                                   count(e.id) FILTER (WHERE e.status = 'published' AND e.published_at <= $1 AND NOT e.is_sample) AS n,
                                   max(e.published_at) FILTER (WHERE e.status = 'published' AND e.published_at <= $1 AND NOT e.is_sample) AS newest,
                                   count(e.id) FILTER (WHERE e.status = 'published' AND e.is_sample) AS samples
                              FROM \(s).sections s LEFT JOIN \(s).entries e ON e.section_id = s.id
                             WHERE s.mandatory GROUP BY s.id, s.kind, s.starter) x
                      CROSS JOIN \(s).site si
                      CROSS JOIN (SELECT count(*) FILTER (WHERE status <> 'answered') AS open,
                                         count(*) FILTER (WHERE status <> 'answered' AND created_at < $2) AS overdue,
                                         count(*) FILTER (WHERE published AND status = 'answered') AS answered,
                                         max(answered_at) FILTER (WHERE published AND status = 'answered') AS newest_answer
                                    FROM \(s).questions) q
                """
        }) {
            var bindings = PostgresBindings()
            bindings.append(now)
            bindings.append(cutoff)
            bindings.append(VietnamTime(now).startOfWeek)
            let result = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: self.logger)
            for try await (tenantID, section, kind, starter, items, newest, person, open, overdue, answered, newestAnswer, samples, footer, week)
                in result.decode((Int64, Int, String, Bool, Int, Date?, String, Int, Int, Int, Date?, Int, String, Int).self)
            {
                // Hỏi đáp is filled by published answers as well as by entries.
                let isQuestions = section == MandatorySection.questions.id
                rows[tenantID]?.sections[section] = SectionCompliance(
                    sectionID: section, kind: SectionKind(rawValue: kind) ?? .feed, items: items + (isQuestions ? answered : 0),
                    newest: isQuestions ? [newest, newestAnswer].compactMap { $0 }.max() : newest, starter: starter, samples: samples)
                let parts = footer.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                if parts.count == 6 {
                    var footer = SiteInfo(
                        publisher: parts[0], responsiblePerson: person, responsibleTitle: parts[1], address: parts[2], phone: parts[3],
                        email: parts[4])
                    footer.emcSiteID = parts[5]
                    rows[tenantID]?.footer = footer
                }
                rows[tenantID]?.scheduleThisWeek = week
                rows[tenantID]?.responsiblePerson = person
                rows[tenantID]?.openQuestions = open
                rows[tenantID]?.overdueQuestions = overdue
            }
        }
        try await self.markEndedEmailDomains(&rows, on: connection)
        return tenants.compactMap { rows[$0.id] }
    }

    /// Sets ``ComplianceRow/endedEmailDomain`` where the footer's e-mail is
    /// on a domain of a unit a reorganisation ended: the most specific zone
    /// the address falls in (a province's `namdinh.gov.vn`, a district's
    /// `haihau.namdinh.gov.vn`, a commune's own host) belongs to ended units
    /// only. Only the zones the addresses could fall in are read.
    func markEndedEmailDomains(_ rows: inout [Int64: ComplianceRow], on connection: UnitOfWork) async throws {
        var domains: [Int64: String] = [:]
        var candidates: Set<String> = []
        for (id, row) in rows {
            let email = row.footer.email.trimmingCharacters(in: .whitespaces).lowercased()
            guard let at = email.lastIndex(of: "@") else { continue }
            let domain = String(email[email.index(after: at)...])
            guard domain.contains("."), domain.utf8.count <= 253 else { continue }
            domains[id] = domain
            var labels = domain.split(separator: ".")
            while labels.count >= 2 {
                candidates.insert(labels.joined(separator: "."))
                labels.removeFirst()
            }
        }
        guard !candidates.isEmpty else { return }
        let zones = Array(candidates)
        var current: [String: Bool] = [:]
        for try await (zone, isCurrent) in try await connection.query(
            """
            SELECT zone, bool_or(is_current) FROM (
                SELECT replace(u.slug, '-', '') || '.gov.vn' AS zone, u.valid_until IS NULL AS is_current
                  FROM platform.units u WHERE u.level = 'province'
                UNION ALL
                SELECT replace(d.slug, '-', '') || '.' || replace(p.slug, '-', '') || '.gov.vn', d.valid_until IS NULL AND p.valid_until IS NULL
                  FROM platform.units d JOIN platform.units p ON p.id = d.parent_id WHERE d.level = 'district'
                UNION ALL
                SELECT dm.host, u.valid_until IS NULL FROM platform.domains dm JOIN platform.units u ON u.id = dm.tenant_id
                 WHERE dm.host = ANY(\(zones))
            ) z WHERE zone = ANY(\(zones)) GROUP BY zone
            """, logger: self.logger
        ).decode((String, Bool).self) {
            current[zone] = isCurrent
        }
        for (id, domain) in domains {
            // The longest zone the domain falls in decides.
            var labels = domain.split(separator: ".")
            while labels.count >= 2 {
                let zone = labels.joined(separator: ".")
                if let isCurrent = current[zone] {
                    if !isCurrent { rows[id]?.endedEmailDomain = zone }
                    break
                }
                labels.removeFirst()
            }
        }
    }
}

extension ContentStore {
    /// Stores a report in the history.
    public func record(_ report: AuditReport, on connection: UnitOfWork) async throws {
        let json = String(decoding: try JSONEncoder().encode(report.checks), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO platform.audit_runs (tenant_id, ran_at, passed, failed, compliant, checks)
            VALUES (\(report.tenant.id), \(report.ranAt), \(report.passed), \(report.failed), \(report.compliant), \(json)::jsonb)
            """, logger: self.logger)
    }

    /// Claims the scheduled round of the audit unless a host started one
    /// within `seconds` (less a minute): true when this host runs it.
    public func claimAuditRound(every seconds: Int, on connection: UnitOfWork) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO platform.audit_schedule (singleton, started_at) VALUES (true, now())
            ON CONFLICT (singleton) DO UPDATE SET started_at = now()
             WHERE platform.audit_schedule.started_at < now() - make_interval(secs => \(Double(seconds - 60)))
            RETURNING started_at
            """, logger: self.logger)
        var won = false
        for try await _ in rows.decode(Date.self) { won = true }
        return won
    }

    /// A commune's runs, newest first.
    public func auditRuns(tenantID: Int64, limit: Int, on connection: UnitOfWork) async throws -> [AuditRun] {
        let rows = try await connection.query(
            """
            SELECT id, tenant_id, ran_at, passed, failed, compliant, checks::text FROM platform.audit_runs
             WHERE tenant_id = \(tenantID) ORDER BY ran_at DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        return try await Self.decodeRuns(rows)
    }

    /// The newest run of each of these communes.
    public func latestAuditRuns(tenantIDs: [Int64], on connection: UnitOfWork) async throws -> [Int64: AuditRun] {
        guard !tenantIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT DISTINCT ON (tenant_id) id, tenant_id, ran_at, passed, failed, compliant, checks::text FROM platform.audit_runs
             WHERE tenant_id = ANY(\(tenantIDs)) ORDER BY tenant_id, ran_at DESC, id DESC
            """, logger: self.logger)
        var result: [Int64: AuditRun] = [:]
        for run in try await Self.decodeRuns(rows) { result[run.tenantID] = run }
        return result
    }

    static func decodeRuns(_ rows: PostgresRowSequence) async throws -> [AuditRun] {
        var result: [AuditRun] = []
        for try await (id, tenant, ranAt, passed, failed, compliant, json) in rows.decode((Int64, Int64, Date, Int, Int, Bool, String).self) {
            let checks = (try? JSONDecoder().decode([AuditCheck].self, from: Data(json.utf8))) ?? []
            result.append(AuditRun(id: id, tenantID: tenant, ranAt: ranAt, passed: passed, failed: failed, compliant: compliant, checks: checks))
        }
        return result
    }
}

extension ContentStore {
    /// The newest result of each tool for one commune.
    public func latestPageChecks(tenantID: Int64, on connection: UnitOfWork) async throws -> [String: PageCheck] {
        try await Self.pageChecks(
            connection.query(
                """
                SELECT DISTINCT ON (tool) tool, checked_at, pages, problems, detail::text FROM platform.page_checks
                 WHERE tenant_id = \(tenantID) ORDER BY tool, checked_at DESC, id DESC
                """, logger: self.logger))
    }

    /// The newest result of each tool on the console's own pages.
    public func latestConsoleChecks(on connection: UnitOfWork) async throws -> [String: PageCheck] {
        try await Self.pageChecks(
            connection.query(
                """
                SELECT DISTINCT ON (tool) tool, checked_at, pages, problems, detail::text FROM platform.page_checks
                 WHERE scope = 'console' ORDER BY tool, checked_at DESC, id DESC
                """, logger: self.logger))
    }

    private static func pageChecks(_ rows: PostgresRowSequence) async throws -> [String: PageCheck] {
        var result: [String: PageCheck] = [:]
        for try await (tool, checkedAt, pages, problems, json) in rows.decode((String, Date, Int, Int, String).self) {
            let detail = (try? JSONDecoder().decode([PageCheck.Problem].self, from: Data(json.utf8))) ?? []
            result[tool] = PageCheck(tool: tool, checkedAt: checkedAt, pages: pages, problems: problems, detail: detail)
        }
        return result
    }
}

extension ContentStore {
    /// Per day (Vietnam time) of the last `days`: communes audited and
    /// communes compliant, by each commune's last run of the day.
    public func auditTrend(tenantIDs: [Int64], days: Int, on connection: UnitOfWork) async throws -> [(day: Date, audited: Int, compliant: Int)] {
        guard !tenantIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', count(*)::int, (count(*) FILTER (WHERE compliant))::int
              FROM (SELECT DISTINCT ON (tenant_id, (ran_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
                           (ran_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, compliant
                      FROM platform.audit_runs
                     WHERE tenant_id = ANY(\(tenantIDs)) AND ran_at > now() - make_interval(days => \(days)::int)
                     ORDER BY tenant_id, (ran_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, ran_at DESC) last
             GROUP BY day ORDER BY day DESC
            """, logger: self.logger)
        var result: [(day: Date, audited: Int, compliant: Int)] = []
        for try await (day, audited, compliant) in rows.decode((Date, Int, Int).self) { result.append((day, audited, compliant)) }
        return result
    }
}
