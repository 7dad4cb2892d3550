import Foundation
import Logging
import PostgresNIO

/// The catalogue rows a reorganisation reads and changes: old units and
/// their sites, successors, archives, plans, and the staff that follow
/// their communes. Every method runs on the caller's connection, inside the
/// caller's transaction.
struct ReorganisationRepository: Sendable {
    let logger: Logger

    /// A commune of the 2024 list that has a site, with its province.
    struct OldCommune: Sendable {
        var id: Int64, code: Int, name: String, slug: String, province: Int, status: String, successor: Int64?
    }

    /// The current communes of the 2024 list that have a site, by code.
    func oldCommunes(on connection: UnitOfWork) async throws -> [Int: OldCommune] {
        let rows = try await connection.query(
            """
            SELECT u.id, u.code, u.name, u.slug, p.level, p.code, g.code, t.status, t.successor_id
              FROM platform.units u
              JOIN platform.tenants t ON t.unit_id = u.id
              JOIN platform.units p ON p.id = u.parent_id
              LEFT JOIN platform.units g ON g.id = p.parent_id
             WHERE u.level = 'commune' AND u.list = 2024 AND u.valid_until IS NULL
             ORDER BY u.code
            """, logger: self.logger)
        var olds: [Int: OldCommune] = [:]
        for try await (id, code, name, slug, parentLevel, parentCode, grandCode, status, successor) in rows.decode(
            (Int64, Int, String, String, String, Int, Int?, String, Int64?).self)
        {
            let province = parentLevel == "province" ? parentCode : (grandCode ?? parentCode)
            olds[code] = OldCommune(id: id, code: code, name: name, slug: slug, province: province, status: status, successor: successor)
        }
        return olds
    }

    /// The hosts of these sites, primary first.
    func hosts(ofTenants ids: [Int64], on connection: UnitOfWork) async throws -> [Int64: [String]] {
        let rows = try await connection.query(
            "SELECT tenant_id, host FROM platform.domains WHERE tenant_id = ANY(\(ids)) ORDER BY role <> 'primary', host", logger: self.logger)
        var hosts: [Int64: [String]] = [:]
        for try await (id, host) in rows.decode((Int64, String).self) { hosts[id, default: []].append(host) }
        return hosts
    }

    /// Current provinces and districts of the 2024 list, with their province's code.
    func currentUnits2024(on connection: UnitOfWork) async throws -> [(level: String, code: Int, name: String, province: Int)] {
        let rows = try await connection.query(
            """
            SELECT u.level, u.code, u.name, coalesce(p.code, u.code)
              FROM platform.units u LEFT JOIN platform.units p ON p.id = u.parent_id
             WHERE u.level IN ('province', 'district') AND u.list = 2024 AND u.valid_until IS NULL
             ORDER BY u.level DESC, u.code
            """, logger: self.logger)
        var result: [(level: String, code: Int, name: String, province: Int)] = []
        for try await (level, code, name, province) in rows.decode((String, Int, String, Int).self) {
            result.append((level, code, name, province))
        }
        return result
    }

    /// Active staff bound to a current unit of the 2024 list.
    func staffOf2024Units(on connection: UnitOfWork) async throws -> [(username: String, role: String, level: String, code: Int, name: String)] {
        let rows = try await connection.query(
            """
            SELECT us.username, us.role, u.level, u.code, u.name
              FROM platform.users us JOIN platform.units u ON u.id = us.scope_unit_id
             WHERE us.active AND u.list = 2024 AND u.valid_until IS NULL
             ORDER BY us.username
            """, logger: self.logger)
        var result: [(username: String, role: String, level: String, code: Int, name: String)] = []
        for try await (username, role, level, code, name) in rows.decode((String, String, String, Int, String).self) {
            result.append((username, role, level, code, name))
        }
        return result
    }

    /// `id:code:name:status` of the current 2024 communes with these codes
    /// that have a site, and `level:code:name` of every current 2024 unit.
    func fingerprintItems(communeCodes codes: [Int], on connection: UnitOfWork) async throws -> (communes: [String], units: Set<String>) {
        let rows = try await connection.query(
            """
            SELECT u.id, u.code, u.name, t.status FROM platform.units u JOIN platform.tenants t ON t.unit_id = u.id
             WHERE u.level = 'commune' AND u.list = 2024 AND u.valid_until IS NULL AND u.code = ANY(\(codes))
            """, logger: self.logger)
        var communes: [String] = []
        for try await (id, code, name, status) in rows.decode((Int64, Int, String, String).self) { communes.append("\(id):\(code):\(name):\(status)") }
        let unitRows = try await connection.query(
            "SELECT level, code, name FROM platform.units WHERE list = 2024 AND valid_until IS NULL", logger: self.logger)
        var units: Set<String> = []
        for try await (level, code, name) in unitRows.decode((String, Int, String).self) { units.insert("\(level):\(code):\(name)") }
        return (communes, units)
    }

    // MARK: Plans

    /// Serialises reorganisations and one-at-a-time changes.
    func lock(on connection: UnitOfWork) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('platform.reorganisations'))", logger: self.logger)
    }

    /// The fingerprint a plan was recorded with, and whether its old units ended.
    func recordedPlan(_ id: String, on connection: UnitOfWork) async throws -> (fingerprint: String, retired: Bool)? {
        let rows = try await connection.query(
            "SELECT fingerprint, retired_at IS NOT NULL FROM platform.reorganisations WHERE plan_id = \(id)", logger: self.logger)
        for try await (fingerprint, retired) in rows.decode((String, Bool).self) { return (fingerprint, retired) }
        return nil
    }

    func recordPlan(
        _ id: String, fingerprint: String, summary: String, json: String, provinces: [Int], on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            INSERT INTO platform.reorganisations (plan_id, fingerprint, summary, plan, provinces)
            VALUES (\(id), \(fingerprint), \(summary), \(json)::jsonb, \(provinces))
            """, logger: self.logger)
    }

    /// Keeps the plan of a reorganisation recorded before plans were kept.
    func keepPlan(_ id: String, summary: String, json: String, provinces: [Int], on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.reorganisations SET plan = \(json)::jsonb, provinces = \(provinces), summary = \(summary)
             WHERE plan_id = \(id) AND plan IS NULL
            """, logger: self.logger)
    }

    func markRetired(_ id: String, on connection: UnitOfWork) async throws {
        try await connection.query("UPDATE platform.reorganisations SET retired_at = now() WHERE plan_id = \(id)", logger: self.logger)
    }

    func markFinished(_ id: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.reorganisations SET finished_at = coalesce(finished_at, now()) WHERE plan_id = \(id)", logger: self.logger)
    }

    // MARK: Units

    /// Ends the current 2024 units of a level with these codes on `lastDay`.
    func endUnits(level: String, codes: [Int], lastDay: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.units SET valid_until = \(lastDay)::date, updated_at = now()
             WHERE level = \(level) AND list = 2024 AND valid_until IS NULL AND code = ANY(\(codes))
            """, logger: self.logger)
    }

    func endUnit(id: Int64, lastDay: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.units SET valid_until = \(lastDay)::date, updated_at = now() WHERE id = \(id) AND valid_until IS NULL",
            logger: self.logger)
    }

    /// The ended 2024 commune with this code.
    func endedCommuneID(code: Int, on connection: UnitOfWork) async throws -> Int64? {
        let rows = try await connection.query(
            """
            SELECT id FROM platform.units
             WHERE level = 'commune' AND list = 2024 AND code = \(code) AND valid_until IS NOT NULL
            """, logger: self.logger)
        var found: Int64?
        for try await id in rows.decode(Int64.self) { found = id }
        return found
    }

    func recordSuccessor(old: Int64, new: Int64, share: String, primary: Bool, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.unit_successors (old_unit_id, new_unit_id, share, is_primary)
            VALUES (\(old), \(new), \(share), \(primary))
            ON CONFLICT (old_unit_id, new_unit_id) DO NOTHING
            """, logger: self.logger)
    }

    /// Gives a unit a new name, kind, slug and parent (and, for a continued
    /// site, a new code and list); it is current again.
    func updateUnit(
        id: Int64, name: String, kind: String, slug: String, parentID: Int64, code: Int?, list: Int?, on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            UPDATE platform.units SET name = \(name), kind = \(kind), slug = \(slug), parent_id = \(parentID),
                   code = coalesce(\(code), code), list = coalesce(\(list)::int2, list), valid_until = NULL, updated_at = now()
             WHERE id = \(id)
            """, logger: self.logger)
    }

    /// A copy of a unit of the 2024 list that ended on `lastDay`; returns its id.
    func insertEndedUnit(
        code: Int, parentID: Int64, name: String, kind: String, slug: String, portalURL: String?, lastDay: String,
        on connection: UnitOfWork
    ) async throws -> Int64? {
        let rows = try await connection.query(
            """
            INSERT INTO platform.units (level, code, parent_id, name, kind, slug, portal_url, list, valid_until)
            VALUES ('commune', \(code), \(parentID), \(name), \(kind), \(slug), \(portalURL), 2024, \(lastDay)::date)
            RETURNING id
            """, logger: self.logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    // MARK: Sites

    /// The commune with this code that has a site: the current one, else the
    /// newest that ended (with the successor it was archived into).
    func site(code: Int, on connection: UnitOfWork) async throws -> Reorganisation.Site? {
        let rows = try await connection.query(
            """
            SELECT u.id, u.code, u.name, u.slug, u.parent_id, t.schema_name, t.status, t.successor_id, u.list, u.valid_until IS NOT NULL
              FROM platform.units u JOIN platform.tenants t ON t.unit_id = u.id
             WHERE u.level = 'commune' AND u.code = \(code)
             ORDER BY u.valid_until IS NULL DESC, u.valid_until DESC LIMIT 1
            """, logger: self.logger)
        for try await (id, code, name, slug, parent, schema, status, successor, list, ended) in rows.decode(
            (Int64, Int, String, String, Int64, String, String, Int64?, Int, Bool).self)
        {
            return Reorganisation.Site(
                unitID: id, code: code, name: name, slug: slug, parentID: parent, schema: try SchemaName(validating: schema), status: status,
                successorID: successor, list: list, ended: ended)
        }
        return nil
    }

    /// The site of an ended 2024 commune that a new commune may continue,
    /// with the old unit's kind and portal.
    func endedSite(code: Int, on connection: UnitOfWork) async throws -> (site: Reorganisation.Site, kind: String, portal: String?)? {
        let rows = try await connection.query(
            """
            SELECT u.id, u.code, u.name, u.slug, u.parent_id, u.kind, u.portal_url, t.schema_name, t.status, t.successor_id
              FROM platform.units u JOIN platform.tenants t ON t.unit_id = u.id
             WHERE u.level = 'commune' AND u.list = 2024 AND u.code = \(code) AND u.valid_until IS NOT NULL
            """, logger: self.logger)
        var found: (site: Reorganisation.Site, kind: String, portal: String?)?
        for try await (id, code, name, slug, parent, kind, portal, schema, status, successor) in rows.decode(
            (Int64, Int, String, String, Int64, String, String?, String, String, Int64?).self)
        {
            let site = Reorganisation.Site(
                unitID: id, code: code, name: name, slug: slug, parentID: parent, schema: try SchemaName(validating: schema), status: status,
                successorID: successor, list: 2024)
            found = (site, kind, portal)
        }
        return found
    }

    /// Slugs already used by archives inside a commune's site.
    func archiveSlugs(in successor: Int64, on connection: UnitOfWork) async throws -> Set<String> {
        var slugs: Set<String> = []
        let rows = try await connection.query(
            "SELECT archive_slug FROM platform.tenants WHERE successor_id = \(successor)", logger: self.logger)
        for try await slug in rows.decode(String.self) { slugs.insert(slug) }
        return slugs
    }

    /// Makes a site an archive inside `successor`'s; false when it already was one.
    func archiveTenant(_ old: Int64, into successor: Int64, slug: String, note: String, on connection: UnitOfWork) async throws -> Bool {
        let changed = try await connection.query(
            """
            UPDATE platform.tenants
               SET status = 'archived', status_note = \(note), successor_id = \(successor), archive_slug = \(slug),
                   updated_at = now()
             WHERE unit_id = \(old) AND successor_id IS NULL
            RETURNING unit_id
            """, logger: self.logger)
        var didArchive = false
        for try await _ in changed.decode(Int64.self) { didArchive = true }
        return didArchive
    }

    /// The archives kept inside a site: (unit id, slug, code).
    func archives(keptBy successor: Int64, on connection: UnitOfWork) async throws -> [(id: Int64, slug: String, code: Int)] {
        let rows = try await connection.query(
            """
            SELECT t.unit_id, t.archive_slug, u.code FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id
             WHERE t.successor_id = \(successor) ORDER BY u.code
            """, logger: self.logger)
        var result: [(id: Int64, slug: String, code: Int)] = []
        for try await (id, slug, code) in rows.decode((Int64, String, Int).self) { result.append((id, slug, code)) }
        return result
    }

    /// Moves an archive into another site under `slug`.
    func moveArchive(_ id: Int64, to successor: Int64, slug: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.tenants SET successor_id = \(successor), archive_slug = \(slug), updated_at = now() WHERE unit_id = \(id)",
            logger: self.logger)
    }

    // MARK: Domains and footer

    func setDomainRole(_ host: String, to role: DomainRole, on connection: UnitOfWork) async throws {
        try await connection.query("UPDATE platform.domains SET role = \(role.rawValue) WHERE host = \(host)", logger: self.logger)
    }

    func demotePrimary(of tenantID: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            "UPDATE platform.domains SET role = 'redirect' WHERE tenant_id = \(tenantID) AND role = 'primary'", logger: self.logger)
    }

    /// Replaces the footer's publisher when it still is `old`.
    func replacePublisher(in schema: SchemaName, old: String, new: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).site SET publisher = \(new), updated_at = now()
             WHERE publisher = \(old)
            """, logger: self.logger)
    }

    // MARK: Staff

    /// Province operators of these 2024 provinces move to `unit`.
    func moveProvinceOperators(fromProvinces codes: [Int], to unit: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.users SET scope_unit_id = \(unit), updated_at = now()
             WHERE role = 'province' AND scope_unit_id IN (
                SELECT id FROM platform.units WHERE level = 'province' AND list = 2024 AND code = ANY(\(codes)))
            """, logger: self.logger)
    }

    /// Locks district admins whose district has ended.
    func lockAdminsOfEndedDistricts(on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.users SET active = false, updated_at = now()
             WHERE role = 'district' AND active
               AND scope_unit_id IN (SELECT id FROM platform.units WHERE level = 'district' AND list = 2024 AND valid_until IS NOT NULL)
            """, logger: self.logger)
    }

    /// Editors of `old` become editors of `new`; accounts assigned `old` are assigned `new` too.
    func moveStaff(from old: Int64, to new: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE platform.users SET scope_unit_id = \(new), updated_at = now()
             WHERE role = 'editor' AND scope_unit_id = \(old)
            """, logger: self.logger)
        try await connection.query(
            """
            INSERT INTO platform.user_communes (user_id, commune_unit_id)
            SELECT user_id, \(new) FROM platform.user_communes WHERE commune_unit_id = \(old)
            ON CONFLICT DO NOTHING
            """, logger: self.logger)
    }

    /// Active district admins of the unit `parent` are assigned the commune `new`.
    func assignDistrictAdmins(of parent: Int64, to new: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.user_communes (user_id, commune_unit_id)
            SELECT id, \(new) FROM platform.users WHERE role = 'district' AND active AND scope_unit_id = \(parent)
            ON CONFLICT DO NOTHING
            """, logger: self.logger)
    }

    /// The parent unit of a unit.
    func parent(of unit: Int64, on connection: UnitOfWork) async throws -> Int64? {
        let rows = try await connection.query("SELECT parent_id FROM platform.units WHERE id = \(unit)", logger: self.logger)
        for try await parent in rows.decode(Int64?.self) { return parent }
        return nil
    }

    func audit(commune: Int?, action: String, detail: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.audit_log (user_id, username, commune_code, action, detail)
            VALUES (NULL, 'provisioner', \(commune), \(action), \(detail))
            """, logger: self.logger)
    }
}
