import Foundation
import Logging
import PostgresNIO

/// What province and district portals read, and what a province keeps once
/// for all its communes: gathered news and documents, announcements, the
/// procedure catalogue, the platform-wide notice. Platform tables only;
/// every value is a bind.
public struct PortalStore: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    // MARK: Gathered news and documents

    /// The newest published items of one section (4 news, 6 documents) of
    /// the active communes of a province or district: one index range.
    /// Sample items never reach a portal.
    public func gathered(
        unit: AdminUnit, section: Int, limit: Int, now: Date, on connection: UnitOfWork
    ) async throws -> [GatheredItem] {
        let column = unit.level == .district ? "district_id" : "province_id"
        let rows = try await connection.query(
            """
            SELECT g.tenant_id, g.entry_id, g.section_id::int, g.kind, g.title, g.summary, g.doc_number, g.published_at, g.is_sample
              FROM platform.gathered g
              JOIN platform.tenants t ON t.unit_id = g.tenant_id AND t.status = 'active'
             WHERE g.\(unescaped: column) = \(unit.id) AND g.section_id = \(section) AND g.published_at <= \(now)
               AND NOT g.is_sample
             ORDER BY g.published_at DESC, g.tenant_id, g.entry_id
             LIMIT \(limit)
            """, logger: self.logger)
        var items: [GatheredItem] = []
        for try await (tenant, entry, sectionID, kind, title, summary, number, published, sample) in rows.decode(
            (Int64, Int64, Int, String, String, String, String?, Date, Bool).self)
        {
            items.append(
                GatheredItem(
                    tenantID: tenant, entryID: entry, sectionID: sectionID, kind: EntryKind(rawValue: kind) ?? .article, title: title,
                    summary: summary, docNumber: number, publishedAt: published, isSample: sample))
        }
        return items
    }

    // MARK: Announcements

    static let announcementColumns = "id, province_id, title, summary, body, author, published_at, withdrawn"

    func decodeAnnouncements(_ rows: PostgresRowSequence) async throws -> [Announcement] {
        var result: [Announcement] = []
        for try await (id, province, title, summary, body, author, published, withdrawn) in rows.decode(
            (Int64, Int64, String, String, String, String, Date, Bool).self)
        {
            result.append(
                Announcement(
                    id: id, provinceID: province, title: title, summary: summary, body: body, author: author, publishedAt: published,
                    withdrawn: withdrawn))
        }
        return result
    }

    /// A province's announcements, newest first: the published ones, or
    /// every one (the console) when `includeWithdrawn`.
    /// The footer details of the portals that have them, by unit: every
    /// one (for the directory), or `unit`'s only.
    public func portalInfos(unit: Int64? = nil, on connection: UnitOfWork) async throws -> [Int64: PortalInfo] {
        var result: [Int64: PortalInfo] = [:]
        for try await (id, person, title, address, phone, email) in try await connection.query(
            """
            SELECT unit_id, responsible_person, responsible_title, address, phone, email FROM platform.portal_info
             WHERE \(unit)::int8 IS NULL OR unit_id = \(unit)
            """, logger: self.logger
        ).decode((Int64, String, String, String, String, String).self) {
            var info = PortalInfo()
            (info.responsiblePerson, info.responsibleTitle, info.address, info.phone, info.email) = (person, title, address, phone, email)
            result[id] = info
        }
        return result
    }

    /// Replaces the footer details of a unit's portal.
    public func setPortalInfo(_ info: PortalInfo, unit: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.portal_info (unit_id, responsible_person, responsible_title, address, phone, email)
            VALUES (\(unit), \(info.responsiblePerson), \(info.responsibleTitle), \(info.address), \(info.phone), \(info.email))
            ON CONFLICT (unit_id) DO UPDATE SET responsible_person = EXCLUDED.responsible_person,
                responsible_title = EXCLUDED.responsible_title, address = EXCLUDED.address, phone = EXCLUDED.phone,
                email = EXCLUDED.email, updated_at = now()
            """, logger: self.logger)
    }

    /// Makes the portals' copy of a commune's published news and documents
    /// (a no-op update fires the trigger that keeps `platform.gathered`):
    /// for a commune placed on another cluster once the catalogue names it.
    func copyPublished(of schema: SchemaName, on connection: UnitOfWork) async throws {
        let sections = [MandatorySection.news.id, MandatorySection.documents.id]
        try await connection.query(
            "UPDATE \(unescaped: connection.check(schema).quoted).entries SET status = status WHERE status = 'published' AND section_id = ANY(\(sections))",
            logger: self.logger)
    }

    public func announcements(
        province: Int64, limit: Int, now: Date, includeWithdrawn: Bool = false, on connection: UnitOfWork
    ) async throws -> [Announcement] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.announcementColumns) FROM platform.announcements
             WHERE province_id = \(province) AND (\(includeWithdrawn) OR (NOT withdrawn AND published_at <= \(now)))
             ORDER BY published_at DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        return try await self.decodeAnnouncements(rows)
    }

    /// For the directory: each province's announcements that are or will be
    /// shown — the newest ``announcementsKept`` published, and every one
    /// scheduled later — without their bodies (only their own page shows
    /// one, and reads it then).
    public func announcementsShown(on connection: UnitOfWork) async throws -> [Int64: [Announcement]] {
        let rows = try await connection.query(
            """
            SELECT id, province_id, title, summary, ''::text, author, published_at, withdrawn FROM (
                SELECT a.*, row_number() OVER (PARTITION BY province_id ORDER BY published_at DESC, id DESC) AS n
                  FROM platform.announcements a WHERE NOT withdrawn AND published_at <= now()) AS shown
             WHERE n <= \(Self.announcementsKept)
            UNION ALL
            SELECT id, province_id, title, summary, ''::text, author, published_at, withdrawn FROM platform.announcements
             WHERE NOT withdrawn AND published_at > now()
            """, logger: self.logger)
        var byProvince: [Int64: [Announcement]] = [:]
        for announcement in try await self.decodeAnnouncements(rows) {
            byProvince[announcement.provinceID, default: []].append(announcement)
        }
        return byProvince.mapValues { $0.sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) } }
    }

    /// The most announcements a page lists (`/tin-tu-tinh`).
    public static let announcementsKept = 50

    /// One published announcement of a province.
    public func announcement(_ id: Int64, province: Int64, now: Date, on connection: UnitOfWork) async throws -> Announcement? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.announcementColumns) FROM platform.announcements
             WHERE id = \(id) AND province_id = \(province) AND NOT withdrawn AND published_at <= \(now)
            """, logger: self.logger)
        return try await self.decodeAnnouncements(rows).first
    }

    /// Stores a new announcement and marks every commune of the province
    /// changed, so their pages show it at once.
    public func insert(_ announcement: Announcement, on connection: UnitOfWork) async throws -> Int64 {
        let rows = try await connection.query(
            """
            INSERT INTO platform.announcements (province_id, title, summary, body, author, published_at)
            VALUES (\(announcement.provinceID), \(announcement.title), \(announcement.summary), \(announcement.body),
                    \(announcement.author), \(announcement.publishedAt))
            RETURNING id
            """, logger: self.logger)
        var id: Int64 = 0
        for try await value in rows.decode(Int64.self) { id = value }
        try await self.touchCommunes(province: announcement.provinceID, on: connection)
        return id
    }

    /// Withdraws an announcement from every commune site. False when the
    /// province has no such announcement.
    public func withdraw(_ id: Int64, province: Int64, on connection: UnitOfWork) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE platform.announcements SET withdrawn = true, updated_at = now()
             WHERE id = \(id) AND province_id = \(province) AND NOT withdrawn RETURNING id
            """, logger: self.logger)
        var found = false
        for try await _ in rows.decode(Int64.self) { found = true }
        if found { try await self.touchCommunes(province: province, on: connection) }
        return found
    }

    /// Every commune below a province (directly or under a district) marked
    /// changed: their cached pages are dropped on every host.
    func touchCommunes(province: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            SELECT platform.touch_tenant(t.unit_id)
              FROM platform.tenants t
              JOIN platform.units u ON u.id = t.unit_id
              LEFT JOIN platform.units p ON p.id = u.parent_id
             WHERE u.parent_id = \(province) OR p.parent_id = \(province)
            """, logger: self.logger)
    }

    // MARK: Notices and settings

    /// Every notice: the platform's (no province) and each province's.
    public func notices(on connection: UnitOfWork) async throws -> [PlatformNotice] {
        let rows = try await connection.query(
            "SELECT province_id, text, shown_from, shown_until FROM platform.notices ORDER BY province_id NULLS FIRST", logger: self.logger)
        var result: [PlatformNotice] = []
        for try await (province, text, from, until) in rows.decode((Int64?, String, Date?, Date?).self) {
            result.append(PlatformNotice(provinceID: province, text: text, from: from, until: until))
        }
        return result
    }

    /// Sets the notice of `notice.provinceID` (an empty text removes it).
    /// Every host reloads its directory and drops the pages that show it.
    public func setNotice(_ notice: PlatformNotice, on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM platform.notices WHERE province_id IS NOT DISTINCT FROM \(notice.provinceID)", logger: self.logger)
        if !notice.text.isEmpty {
            try await connection.query(
                """
                INSERT INTO platform.notices (province_id, text, shown_from, shown_until)
                VALUES (\(notice.provinceID), \(notice.text), \(notice.from), \(notice.until))
                """, logger: self.logger)
        }
    }

    public func settings(on connection: UnitOfWork) async throws -> PlatformSettings {
        var settings = PlatformSettings.defaults
        for try await (name, value) in try await connection.query("SELECT name, value FROM platform.settings", logger: self.logger)
            .decode((String, String).self)
        {
            switch name {
            case "emc_script": settings.emcScript = value
            case "emc_tracker": settings.emcTracker = value
            default: break
            }
        }
        return settings
    }

    public func setSettings(_ settings: PlatformSettings, on connection: UnitOfWork) async throws {
        for (name, value) in [("emc_script", settings.emcScript), ("emc_tracker", settings.emcTracker)] {
            try await connection.query(
                """
                INSERT INTO platform.settings (name, value) VALUES (\(name), \(value))
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
                """, logger: self.logger)
        }
    }

    // MARK: Ratings

    public func insertRating(tenantID: Int64, information: Int?, services: Int?, remark: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.ratings (tenant_id, information, services, remark)
            VALUES (\(tenantID), \(information), \(services), \(remark))
            """, logger: self.logger)
    }

    /// Count and average scores per commune since `since`.
    public func ratingSummaries(tenantIDs: [Int64], since: Date, on connection: UnitOfWork) async throws -> [Int64: RatingSummary] {
        guard !tenantIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT tenant_id, count(*)::int, avg(information)::float8, avg(services)::float8 FROM platform.ratings
             WHERE tenant_id = ANY(\(tenantIDs)) AND rated_on >= \(since)::date GROUP BY tenant_id
            """, logger: self.logger)
        var result: [Int64: RatingSummary] = [:]
        for try await (tenant, count, information, services) in rows.decode((Int64, Int, Double?, Double?).self) {
            result[tenant] = RatingSummary(count: count, information: information, services: services)
        }
        return result
    }

    /// The newest remarks of a commune, newest first.
    public func ratingRemarks(tenantID: Int64, limit: Int, on connection: UnitOfWork) async throws -> [(date: Date, remark: String)] {
        let rows = try await connection.query(
            """
            SELECT rated_on::timestamptz, remark FROM platform.ratings
             WHERE tenant_id = \(tenantID) AND remark <> '' ORDER BY rated_on DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        var result: [(date: Date, remark: String)] = []
        for try await (date, remark) in rows.decode((Date, String).self) { result.append((date, remark)) }
        return result
    }

    /// A rating of a province's or district's portal.
    public func insertPortalRating(unitID: Int64, information: Int?, services: Int?, remark: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.portal_ratings (unit_id, information, services, remark)
            VALUES (\(unitID), \(information), \(services), \(remark))
            """, logger: self.logger)
    }

    /// How a portal was rated since `since`, and its newest remarks.
    public func portalRatings(unitID: Int64, since: Date, remarks limit: Int, on connection: UnitOfWork) async throws
        -> (summary: RatingSummary?, remarks: [(date: Date, remark: String)])
    {
        var summary: RatingSummary?
        let rows = try await connection.query(
            """
            SELECT count(*)::int, avg(information)::float8, avg(services)::float8 FROM platform.portal_ratings
             WHERE unit_id = \(unitID) AND rated_on >= \(since)::date
            """, logger: self.logger)
        for try await (count, information, services) in rows.decode((Int, Double?, Double?).self) where count > 0 {
            summary = RatingSummary(count: count, information: information, services: services)
        }
        let remarkRows = try await connection.query(
            """
            SELECT rated_on::timestamptz, remark FROM platform.portal_ratings
             WHERE unit_id = \(unitID) AND remark <> '' ORDER BY rated_on DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        var remarks: [(date: Date, remark: String)] = []
        for try await (date, remark) in remarkRows.decode((Date, String).self) { remarks.append((date, remark)) }
        return (summary, remarks)
    }

    // MARK: Procedures

    /// A province's procedure catalogue, by field then name, each procedure whole.
    public func procedures(province: Int64, on connection: UnitOfWork) async throws -> [ProvinceProcedure] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.procedureColumns) FROM platform.procedures
             WHERE province_id = \(province) ORDER BY field, name, code
            """, logger: self.logger)
        var result: [ProvinceProcedure] = []
        for try await row in rows { result.append(try Self.decodeProcedure(row)) }
        return result
    }

    /// One procedure of a province's catalogue, whole, or nil.
    public func procedure(province: Int64, code: String, on connection: UnitOfWork) async throws -> ProvinceProcedure? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.procedureColumns) FROM platform.procedures WHERE province_id = \(province) AND code = \(code)",
            logger: self.logger)
        for try await row in rows { return try Self.decodeProcedure(row) }
        return nil
    }

    /// A province's catalogue as its lists show it (code, name, field,
    /// service level, time and fee), by field then name: the steps, files,
    /// forms and legal basis that only a procedure's own page shows are
    /// left empty, so a list page does not carry the whole catalogue.
    public func procedureList(province: Int64, on connection: UnitOfWork) async throws -> [ProvinceProcedure] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.listedColumns) FROM platform.procedures
             WHERE province_id = \(province) ORDER BY field, name, code
            """, logger: self.logger)
        var result: [ProvinceProcedure] = []
        for try await row in rows { result.append(try Self.decodeListed(row.makeRandomAccess(), from: 0)) }
        return result
    }

    /// How many procedures each of `provinces` has in its catalogue (none: absent).
    public func procedureCounts(provinces: [Int64], on connection: UnitOfWork) async throws -> [Int64: Int] {
        let rows = try await connection.query(
            """
            SELECT province_id, count(*) FROM platform.procedures
             WHERE province_id = ANY(\(provinces)) GROUP BY province_id
            """, logger: self.logger)
        var counts: [Int64: Int] = [:]
        for try await (province, count) in rows.decode((Int64, Int).self) { counts[province] = count }
        return counts
    }

    /// What a catalogue list shows of a procedure, in ``decodeListed(_:from:)``'s order.
    static let listedColumns = "code, name, field, service_level, processing_time, fee"

    /// A procedure read with ``listedColumns`` from column `offset` on; what
    /// only its own page shows left empty.
    static func decodeListed(_ r: PostgresRandomAccessRow, from offset: Int) throws -> ProvinceProcedure {
        ProvinceProcedure(
            code: try r[offset].decode(String.self), name: try r[offset + 1].decode(String.self), field: try r[offset + 2].decode(String.self),
            serviceLevel: try r[offset + 3].decode(String.self), body: "", processingTime: try r[offset + 4].decode(String.self),
            fee: try r[offset + 5].decode(String.self))
    }

    static let procedureColumns =
        "code, name, field, service_level, body, processing_time, fee, steps, channels, documents, legal_basis, forms, result, link"

    /// A row of ``procedureColumns``.
    static func decodeProcedure(_ row: PostgresRow) throws -> ProvinceProcedure {
        func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
        let (code, name, field, level, body, time, fee) = try row.decode((String, String, String, String, String, String, String).self)
        var p = ProvinceProcedure(code: code, name: name, field: field, serviceLevel: level, body: body, processingTime: time, fee: fee)
        let r = row.makeRandomAccess()
        p.steps = lines(try r[7].decode(String.self))
        p.channels = lines(try r[8].decode(String.self))
        p.documents = lines(try r[9].decode(String.self))
        p.legalBasis = lines(try r[10].decode(String.self))
        p.forms = ProvinceProcedure.forms(fromLines: lines(try r[11].decode(String.self)))
        p.result = try r[12].decode(String.self)
        p.link = try r[13].decode(String.self)
        return p
    }

    /// Replaces a province's catalogue with `procedures` (inside the
    /// caller's transaction) and marks its communes changed.
    public func replaceProcedures(_ procedures: [ProvinceProcedure], province: Int64, on connection: UnitOfWork) async throws {
        try await connection.query("DELETE FROM platform.procedures WHERE province_id = \(province)", logger: self.logger)
        for p in procedures {
            try await connection.query(
                """
                INSERT INTO platform.procedures (province_id, code, name, field, service_level, body, processing_time, fee,
                                                 steps, channels, documents, legal_basis, forms, result, link)
                VALUES (\(province), \(p.code), \(p.name), \(p.field), \(p.serviceLevel), \(p.body), \(p.processingTime), \(p.fee),
                        \(p.steps.joined(separator: "\n")), \(p.channels.joined(separator: "\n")), \(p.documents.joined(separator: "\n")),
                        \(p.legalBasis.joined(separator: "\n")), \(p.formLines.joined(separator: "\n")), \(p.result), \(p.link))
                """, logger: self.logger)
        }
        try await self.touchCommunes(province: province, on: connection)
    }
}
