import Foundation
import Logging
import PostgresNIO

/// Reads and writes the shared catalogue (`platform.*`). Every method works on
/// a connection lent by the caller so several calls can share a transaction.
public struct Catalogue: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    // MARK: Directory

    /// Everything a host process needs to resolve hosts, in three queries.
    public func loadDirectory(on connection: UnitOfWork) async throws -> DirectorySnapshot {
        var units: [Int64: AdminUnit] = [:]
        let unitRows = try await connection.query(
            """
            SELECT u.id, u.level, u.code, u.parent_id, u.name, u.kind, u.slug, u.portal_url, u.valid_until::timestamptz,
                   (SELECT s.new_unit_id FROM platform.unit_successors s WHERE s.old_unit_id = u.id
                     ORDER BY s.is_primary DESC, s.share = 'whole' DESC, s.new_unit_id LIMIT 1)
              FROM platform.units u WHERE u.level <> 'commune'
            """,
            logger: self.logger)
        for try await (id, level, code, parent, name, kind, slug, portal, validUntil, successor) in unitRows.decode(
            (Int64, String, Int, Int64?, String, String, String, String?, Date?, Int64?).self)
        {
            var unit = AdminUnit(
                id: id, level: UnitLevel(rawValue: level) ?? .district, code: code, parentID: parent, name: name,
                kind: kind, slug: slug, portalURL: portal)
            unit.validUntil = validUntil
            unit.successorID = successor
            units[id] = unit
        }

        var hosts: [String: DirectorySnapshot.HostEntry] = [:]
        var primaries: [Int64: Hostname] = [:]
        let domainRows = try await connection.query(
            "SELECT host, tenant_id, role FROM platform.domains", logger: self.logger)
        for try await (host, tenantID, role) in domainRows.decode((String, Int64, String).self) {
            let role = DomainRole(rawValue: role) ?? .redirect
            hosts[host] = .init(tenantID: tenantID, role: role)
            if role == .primary, let name = try? Hostname(validating: host) { primaries[tenantID] = name }
        }

        var tenants: [Int64: Tenant] = [:]
        tenants.reserveCapacity(units.count * 16)
        let tenantRows = try await connection.query(
            """
            SELECT u.id, u.code, u.name, u.slug, u.parent_id, t.schema_name, t.status, t.status_note, t.content_changed_at,
                   t.successor_id, t.archive_slug, u.valid_until::timestamptz
              FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
            """, logger: self.logger)
        var ancestorCache: [Int64: [AdminUnit]] = [:]
        for try await (id, code, name, slug, parent, schema, status, note, changed, successor, archiveSlug, validUntil) in tenantRows.decode(
            (Int64, Int, String, String, Int64?, String, String, String, Date, Int64?, String?, Date?).self)
        {
            guard let schema = try? SchemaName(validating: schema) else {
                self.logger.error("catalogue holds an invalid schema name; commune skipped", metadata: ["commune": "\(code)"])
                continue
            }
            let ancestors: [AdminUnit]
            if let parent {
                if let cached = ancestorCache[parent] {
                    ancestors = cached
                } else {
                    var chain: [AdminUnit] = []
                    var next: Int64? = parent
                    while let id = next, let unit = units[id], chain.count < 4 {
                        chain.append(unit)
                        next = unit.parentID
                    }
                    ancestorCache[parent] = chain
                    ancestors = chain
                }
            } else {
                ancestors = []
            }
            var tenant = Tenant(
                id: id, code: code, schema: schema, name: name, slug: slug,
                status: TenantStatus(rawValue: status) ?? .suspended, statusNote: note, ancestors: ancestors,
                primaryHost: primaries[id], contentChangedAt: changed)
            tenant.successorID = successor
            tenant.archiveSlug = archiveSlug
            tenant.validUntil = validUntil
            tenants[id] = tenant
        }
        var predecessors: [Int64: [DirectorySnapshot.Predecessor]] = [:]
        let predecessorRows = try await connection.query(
            """
            SELECT s.new_unit_id, u.name, s.share, t.unit_id
              FROM platform.unit_successors s
              JOIN platform.units u ON u.id = s.old_unit_id
              LEFT JOIN platform.tenants t ON t.unit_id = s.old_unit_id
             ORDER BY s.new_unit_id, s.is_primary DESC, u.name
            """, logger: self.logger)
        for try await (new, name, share, tenantID) in predecessorRows.decode((Int64, String, String, Int64?).self) {
            predecessors[new, default: []].append(.init(name: name, share: share, tenantID: tenantID))
        }
        let portal = PortalStore(logger: self.logger)
        let notices = try await portal.notices(on: connection)
        let settings = try await portal.settings(on: connection)
        let announcements = try await portal.announcementsShown(on: connection)
        let portalInfos = try await portal.portalInfos(on: connection)
        return DirectorySnapshot(
            hosts: hosts, tenants: tenants, units: units, predecessors: predecessors, notices: notices, settings: settings,
            announcements: announcements, portalInfos: portalInfos)
    }

    // MARK: Units

    static let unitColumns = "id, level, code, parent_id, name, kind, slug, portal_url"

    func decodeUnits(_ rows: PostgresRowSequence) async throws -> [AdminUnit] {
        var result: [AdminUnit] = []
        for try await (id, level, code, parent, name, kind, slug, portal) in rows.decode(
            (Int64, String, Int, Int64?, String, String, String, String?).self)
        {
            result.append(
                AdminUnit(
                    id: id, level: UnitLevel(rawValue: level) ?? .commune, code: code, parentID: parent, name: name,
                    kind: kind, slug: slug, portalURL: portal))
        }
        return result
    }

    /// The current unit of this level and official code (not one that the
    /// reorganisation ended), if the catalogue has it.
    public func unit(_ level: UnitLevel, code: Int, on connection: UnitOfWork) async throws -> AdminUnit? {
        try await self.decodeUnits(
            connection.query(
                """
                SELECT \(unescaped: Self.unitColumns) FROM platform.units
                 WHERE level = \(level.rawValue) AND code = \(code) AND valid_until IS NULL
                """,
                logger: self.logger)
        ).first
    }

    public func unit(id: Int64, on connection: UnitOfWork) async throws -> AdminUnit? {
        try await self.decodeUnits(
            connection.query(
                "SELECT \(unescaped: Self.unitColumns) FROM platform.units WHERE id = \(id)", logger: self.logger)
        ).first
    }

    /// Every current unit of a level (all provinces, all districts…), by code.
    public func units(_ level: UnitLevel, on connection: UnitOfWork) async throws -> [AdminUnit] {
        try await self.decodeUnits(
            connection.query(
                "SELECT \(unescaped: Self.unitColumns) FROM platform.units WHERE level = \(level.rawValue) AND valid_until IS NULL ORDER BY code",
                logger: self.logger))
    }

    /// Every province and district, ended ones too (their portals keep answering).
    public func portalUnits(on connection: UnitOfWork) async throws -> [AdminUnit] {
        try await self.decodeUnits(
            connection.query(
                "SELECT \(unescaped: Self.unitColumns) FROM platform.units WHERE level IN ('province', 'district') ORDER BY id",
                logger: self.logger))
    }

    /// The direct children of a unit.
    public func children(of parentID: Int64, on connection: UnitOfWork) async throws -> [AdminUnit] {
        try await self.decodeUnits(
            connection.query(
                "SELECT \(unescaped: Self.unitColumns) FROM platform.units WHERE parent_id = \(parentID) ORDER BY code",
                logger: self.logger))
    }

    /// Inserts a unit of an official list; `nil` when a current one of this
    /// level and code already exists.
    public func insertUnit(
        level: UnitLevel, code: Int, parentID: Int64?, name: String, kind: String, slug: String, portalURL: String?,
        list: Int = 2024, on connection: UnitOfWork
    ) async throws -> AdminUnit? {
        try await self.decodeUnits(
            connection.query(
                """
                INSERT INTO platform.units (level, code, parent_id, name, kind, slug, portal_url, list)
                VALUES (\(level.rawValue), \(code), \(parentID), \(name), \(kind), \(slug), \(portalURL), \(list))
                ON CONFLICT (level, code) WHERE valid_until IS NULL DO NOTHING
                RETURNING \(unescaped: Self.unitColumns)
                """, logger: self.logger)
        ).first
    }

    /// How many current communes of a list have one of these codes.
    func countCurrentCommunes(list: Int, codes: [Int], on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            SELECT count(*) FROM platform.units
             WHERE level = 'commune' AND list = \(list) AND valid_until IS NULL AND code = ANY(\(codes))
            """, logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// The catalogue row of a new site, at schema version `schemaVersion`.
    func insertTenant(
        unitID: Int64, schema: SchemaName, schemaVersion: Int, shard: ShardName = .main, on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            INSERT INTO platform.tenants (unit_id, schema_name, schema_version, shard)
            VALUES (\(unitID), \(schema.rawValue), \(schemaVersion), \(shard.rawValue))
            """, logger: self.logger)
    }

    /// Whether a site already has this schema name.
    func schemaTaken(_ schema: SchemaName, on connection: UnitOfWork) async throws -> Bool {
        try await connection.query(
            "SELECT count(*) FROM platform.tenants WHERE schema_name = \(schema.rawValue)", logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0 > 0
    }

    public func setPortal(unitID: Int64, url: String?, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.units SET portal_url = \(url), updated_at = now() WHERE id = \(unitID)", logger: self.logger)
    }

    // MARK: Tenants

    static let tenantColumns = """
        u.id, u.code, u.name, u.slug, u.parent_id, t.schema_name, t.status, t.status_note, t.schema_version,
        t.content_version, t.created_at, t.shard
        """

    func decodeTenants(_ rows: PostgresRowSequence) async throws -> [TenantRecord] {
        var result: [TenantRecord] = []
        for try await (id, code, name, slug, parent, schema, status, note, version, content, created, shard) in rows.decode(
            (Int64, Int, String, String, Int64, String, String, String, Int, Int64, Date, String).self)
        {
            result.append(
                TenantRecord(
                    unitID: id, code: code, name: name, slug: slug, parentID: parent, schema: try SchemaName(validating: schema),
                    status: TenantStatus(rawValue: status) ?? .suspended, statusNote: note, schemaVersion: version,
                    contentVersion: content, createdAt: created, shard: try ShardName(shard)))
        }
        return result
    }

    /// The current commune with this official code, if it has a site.
    public func tenant(code: Int, on connection: UnitOfWork) async throws -> TenantRecord? {
        try await self.decodeTenants(
            connection.query(
                """
                SELECT \(unescaped: Self.tenantColumns)
                  FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
                 WHERE u.level = 'commune' AND u.code = \(code) AND u.valid_until IS NULL
                """, logger: self.logger)
        ).first
    }

    /// Every commune with a site, by code.
    public func tenants(on connection: UnitOfWork) async throws -> [TenantRecord] {
        try await self.decodeTenants(
            connection.query(
                """
                SELECT \(unescaped: Self.tenantColumns)
                  FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
                 ORDER BY u.code
                """, logger: self.logger))
    }

    /// Communes whose schema is older than `version`.
    public func tenants(belowVersion version: Int, on connection: UnitOfWork) async throws -> [TenantRecord] {
        try await self.decodeTenants(
            connection.query(
                """
                SELECT \(unescaped: Self.tenantColumns)
                  FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
                 WHERE t.schema_version < \(version)
                 ORDER BY u.code
                """, logger: self.logger))
    }

    public func setStatus(
        tenantID: Int64, status: TenantStatus, note: String, on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            UPDATE platform.tenants SET status = \(status.rawValue), status_note = \(note), updated_at = now()
             WHERE unit_id = \(tenantID)
            """, logger: self.logger)
    }

    /// Bumps the commune's content version and tells every host process to
    /// drop its cached pages (`NOTIFY tenant_content`).
    @discardableResult
    /// `writerPurgesFronts`: the caller purges nginx's front caches itself
    /// once the transaction commits; the notification says so, and the
    /// other hosts only drop their own cached pages (sql/platform/0016).
    public func touchContent(tenantID: Int64, writerPurgesFronts: Bool = false, on connection: UnitOfWork) async throws -> Int64 {
        if writerPurgesFronts {
            try await connection.query("SET LOCAL platform.front_purged = 'writer'", logger: self.logger)
        }
        return try await connection.query("SELECT platform.touch_tenant(\(tenantID))", logger: self.logger)
            .collect().first?.decode(Int64.self) ?? 0
    }

    /// The communes whose content or catalogue row changed since `since`.
    public func tenantsChanged(since: Date, on connection: UnitOfWork) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            "SELECT unit_id FROM platform.tenants WHERE content_changed_at >= \(since) OR updated_at >= \(since)", logger: self.logger
        ).decode(Int64.self) {
            ids.append(id)
        }
        return ids
    }
}

extension Catalogue {
    /// Reorganisations applied or being applied, newest first; only those
    /// concerning `province` (a 2025 province code) when given.
    public func reorganisations(province: Int?, on connection: UnitOfWork) async throws -> [ReorganisationRecord] {
        let rows = try await connection.query(
            """
            SELECT plan_id, summary, provinces, created_at, finished_at, plan IS NOT NULL FROM platform.reorganisations
             WHERE \(province)::int4 IS NULL OR \(province)::int4 = ANY(provinces)
             ORDER BY created_at DESC LIMIT 100
            """, logger: self.logger)
        var result: [ReorganisationRecord] = []
        for try await (id, summary, provinces, started, finished, hasPlan) in rows.decode((String, String, [Int], Date, Date?, Bool).self) {
            result.append(ReorganisationRecord(planID: id, summary: summary, provinces: provinces, startedAt: started, finishedAt: finished, hasPlan: hasPlan))
        }
        return result
    }

    /// The plan a reorganisation applied, as it was written.
    public func reorganisationPlan(_ planID: String, on connection: UnitOfWork) async throws -> ReorganisationPlan? {
        let rows = try await connection.query(
            "SELECT plan::text FROM platform.reorganisations WHERE plan_id = \(planID) AND plan IS NOT NULL", logger: self.logger)
        for try await json in rows.decode(String.self) {
            return try JSONDecoder().decode(ReorganisationPlan.self, from: Data(json.utf8))
        }
        return nil
    }
}

extension Catalogue {
    /// Every commune with its parent, status, schema version and hosts.
    public func statusRows(on connection: UnitOfWork) async throws -> [TenantStatusRow] {
        let rows = try await connection.query(
            """
            SELECT u.code, u.name, p.name, p.level, coalesce(g.name, p.name), t.status, t.schema_name, t.schema_version,
                   coalesce(array_agg(d.host ORDER BY d.role <> 'primary', d.host) FILTER (WHERE d.host IS NOT NULL), '{}'),
                   min(d.host) FILTER (WHERE d.role = 'primary'), t.shard
              FROM platform.tenants t
              JOIN platform.units u ON u.id = t.unit_id
              JOIN platform.units p ON p.id = u.parent_id
              LEFT JOIN platform.units g ON g.id = p.parent_id
              LEFT JOIN platform.domains d ON d.tenant_id = t.unit_id
             GROUP BY u.code, u.name, p.name, p.level, g.name, t.status, t.schema_name, t.schema_version, t.shard
             ORDER BY u.code
            """, logger: self.logger)
        var result: [TenantStatusRow] = []
        for try await (code, name, parent, level, province, status, schema, version, domains, primary, shard) in rows.decode(
            (Int, String, String, String, String, String, String, Int, [String], String?, String).self)
        {
            result.append(
                TenantStatusRow(
                    code: code, name: name, parent: parent, parentLevel: UnitLevel(rawValue: level) ?? .province,
                    province: province, status: TenantStatus(rawValue: status) ?? .suspended, schema: schema,
                    schemaVersion: version, domains: domains, primaryDomain: primary, shard: try ShardName(shard)))
        }
        return result
    }
}
