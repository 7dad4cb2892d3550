import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Reads and writes one commune's content. Every statement names the
/// commune's tables through its validated ``SchemaName`` (schema-qualified
/// SQL: no connection state, nothing to leak between pooled leases); request
/// values are always binds.
public struct ContentStore: Sendable {
    let logger: Logger
    /// Where the public pages' statements are kept prepared (nil: each runs as the unnamed statement).
    let statements: PreparedStatements?

    public init(logger: Logger, statements: PreparedStatements? = nil) {
        self.logger = logger
        self.statements = statements
    }

    /// The entry columns, with `body` and `bodySource` as the two body columns.
    static func entryColumns(body: String, bodySource: String) -> String {
        """
        id, section_id, kind, status, title, summary, \(body), author, published_at, updated_at, is_sample, image_url,
        image_alt, doc_type, doc_number, issuer, signer, issued_on, effective_on, file_url, field, service_level,
        portal_url, processing_time, fee, starts_at, ends_at, location, presider, position_title, phone, email,
        period_year, period_label, consultation_deadline, consultation_result, \(bodySource), body_format
        """
    }
    static let entryColumns = entryColumns(body: "body", bodySource: "body_source")
    /// The listing columns: everything but the body.
    static let summaryColumns = entryColumns(body: "''::text AS body", bodySource: "''::text AS body_source")

    /// One statement per 200 communes: each commune's part (naming its
    /// validated schema) joined by UNION ALL, for reads over many schemas.
    static func unionPerCommune(_ tenants: [Tenant], _ part: (Tenant, String) -> String) -> [String] {
        stride(from: 0, to: tenants.count, by: 200).map { start in
            tenants[start..<min(start + 200, tenants.count)].map { part($0, $0.schema.quoted) }.joined(separator: " UNION ALL ")
        }
    }

    static func decodeEntry(_ row: PostgresRow, _ c: Columns) throws -> Entry {
        try self.decodeEntry(row.makeRandomAccess(), c)
    }

    /// The names of ``entryColumns(body:bodySource:)``'s columns, in its order.
    static let entryColumnNames = [
        "id", "section_id", "kind", "status", "title", "summary", "body", "author", "published_at", "updated_at", "is_sample",
        "image_url", "image_alt", "doc_type", "doc_number", "issuer", "signer", "issued_on", "effective_on", "file_url", "field",
        "service_level", "portal_url", "processing_time", "fee", "starts_at", "ends_at", "location", "presider",
        "position_title", "phone", "email", "period_year", "period_label", "consultation_deadline", "consultation_result",
        "body_source", "body_format",
    ]

    /// The columns of ``entryColumnNames`` a public list selects always (by
    /// their place in that list): id, section, kind, status, title, summary,
    /// publication and update times, the sample flag. It may leave out any
    /// other column its page does not show (``listColumns``); every other
    /// read (an editor's above all, whose form saves what it read) must
    /// select them all.
    static let listedEntryColumns = [0, 1, 2, 3, 4, 5, 8, 9, 10]
    static let allEntryColumns = Array(entryColumnNames.indices)

    /// The columns a list of entries reads, and `extra`, the ones its page
    /// shows beyond a title, a summary and a date.
    static func listColumns(_ extra: String) -> String {
        "id, section_id, kind, status, title, summary, published_at, updated_at, is_sample, \(extra)"
    }

    /// An entry from a row with the columns of ``entryColumnNames``, found
    /// by the positions `c` resolved once for the whole result: all of them,
    /// or for a public list's result (`c.listed`) those of
    /// ``listedEntryColumns``, the others left empty where the statement
    /// left them out.
    static func decodeEntry(_ r: PostgresRandomAccessRow, _ c: Columns) throws -> Entry {
        let p = try c.entry.resolved(requiring: c.listed ? Self.listedEntryColumns : Self.allEntryColumns, of: Self.entryColumnNames)
        func value<Value: PostgresDecodable>(_ i: Int, _: Value.Type) throws -> Value? {
            guard let position = p[i] else { return nil }
            let cell = r[position]
            return cell.bytes == nil ? nil : try cell.decode(Value.self)
        }
        func required<Value: PostgresDecodable>(_ i: Int, _ type: Value.Type) throws -> Value {
            guard let value = try value(i, type) else {
                throw TenantCoreError(.database, "the result's \(Self.entryColumnNames[i]) is empty")
            }
            return value
        }
        var e = Entry(
            id: try required(0, Int64.self), sectionID: try required(1, Int.self),
            kind: EntryKind(rawValue: try required(2, String.self)) ?? .article,
            status: EntryStatus(rawValue: try required(3, String.self)) ?? .draft, title: try required(4, String.self),
            summary: try required(5, String.self), body: try value(6, String.self) ?? "", author: try value(7, String.self) ?? "",
            publishedAt: try required(8, Date.self), updatedAt: try required(9, Date.self),
            isSample: try required(10, Bool.self))
        e.imageURL = try value(11, String.self)
        e.imageAlt = try value(12, String.self)
        e.docType = try value(13, String.self)
        e.docNumber = try value(14, String.self)
        e.issuer = try value(15, String.self)
        e.signer = try value(16, String.self)
        e.issuedOn = try value(17, Date.self)
        e.effectiveOn = try value(18, Date.self)
        e.fileURL = try value(19, String.self)
        e.field = try value(20, String.self)
        e.serviceLevel = try value(21, String.self)
        e.portalURL = try value(22, String.self)
        e.processingTime = try value(23, String.self)
        e.fee = try value(24, String.self)
        e.startsAt = try value(25, Date.self)
        e.endsAt = try value(26, Date.self)
        e.location = try value(27, String.self)
        e.presider = try value(28, String.self)
        e.positionTitle = try value(29, String.self)
        e.phone = try value(30, String.self)
        e.email = try value(31, String.self)
        e.periodYear = try value(32, Int.self)
        e.periodLabel = try value(33, String.self)
        e.consultationDeadline = try value(34, Date.self)
        e.consultationResult = try value(35, String.self) ?? ""
        e.bodySource = try value(36, String.self) ?? ""
        if let format = try value(37, String.self) { e.bodyFormat = format }
        return e
    }

    /// The columns a home-page card shows (see ``decodeCard(_:)``).
    static let cardColumns = "id, section_id, kind, title, summary, published_at, is_sample, doc_type, doc_number, issued_on, starts_at"

    /// A published entry selected with ``cardColumns``: no body, and the
    /// fields a card does not show left empty.
    static func decodeCard(_ row: PostgresRow, from offset: Int = 0) throws -> Entry {
        var cells = row.makeIterator()
        for _ in 0..<offset { _ = cells.next() }
        func next<Value: PostgresDecodable>(_: Value.Type) throws -> Value {
            guard let cell = cells.next() else { throw TenantCoreError(.database, "card row has too few columns") }
            return try cell.decode(Value.self)
        }
        let id = try next(Int64.self)
        let sectionID = try next(Int.self)
        let kind = EntryKind(rawValue: try next(String.self)) ?? .article
        let title = try next(String.self)
        let summary = try next(String.self)
        let publishedAt = try next(Date.self)
        var e = Entry(
            id: id, sectionID: sectionID, kind: kind, status: .published, title: title, summary: summary, body: "", author: "",
            publishedAt: publishedAt, updatedAt: publishedAt, isSample: try next(Bool.self))
        e.docType = try next(String?.self)
        e.docNumber = try next(String?.self)
        e.issuedOn = try next(Date?.self)
        e.startsAt = try next(Date?.self)
        return e
    }

    /// Entries selected with `count(*) OVER ()` after their columns, as one page.
    /// A page of entries and their `total`; `listed`: a public list's
    /// result, which may leave out what its page does not show.
    func page(_ rows: PostgresRowSequence, number: Int, size: Int, listed: Bool = false) async throws -> Page<Entry> {
        var items: [Entry] = []
        var total = 0
        var columns: Columns?
        for try await row in rows {
            let c = columns ?? Columns.of(row, listed: listed)
            columns = c
            items.append(try Self.decodeEntry(row, c))
            total = try c("total", row.makeRandomAccess())
        }
        return Page(items: items, number: number, size: size, total: total)
    }

    func entries(_ rows: PostgresRowSequence, listed: Bool = false) async throws -> [Entry] {
        var result: [Entry] = []
        var columns: Columns?
        for try await row in rows {
            let c = columns ?? Columns.of(row, listed: listed)
            columns = c
            result.append(try Self.decodeEntry(row, c))
        }
        return result
    }

    // MARK: Sections and site

    /// All sections, in menu order.
    public func sections(_ schema: SchemaName, on connection: UnitOfWork) async throws -> [Section] {
        let rows = try await connection.query(
            """
            SELECT id, slug, title, kind, position, mandatory, legal_basis, summary, body, starter, body_source, body_format
              FROM \(unescaped: schema.quoted).sections ORDER BY position, id
            """, logger: self.logger)
        var result: [Section] = []
        for try await (id, slug, title, kind, position, mandatory, basis, summary, body, starter, source, format) in rows.decode(
            (Int, String, String, String, Int, Bool, String, String, String, Bool, String, String).self)
        {
            var section = Section(
                id: id, slug: slug, title: title, kind: SectionKind(rawValue: kind) ?? .feed, position: position,
                mandatory: mandatory, legalBasis: basis, summary: summary, body: body, starter: starter)
            section.bodySource = source
            section.bodyFormat = format
            result.append(section)
        }
        return result
    }

    /// The body of the section with `slug` (nil: no such section), for a
    /// page whose menu and footer the host keeps.
    public func sectionBody(_ schema: SchemaName, slug: String, on connection: UnitOfWork) async throws -> String? {
        try connection.check(schema)
        let rows = try await connection.query(
            "SELECT body FROM \(unescaped: schema.quoted).sections WHERE slug = \(slug)", logger: self.logger)
        for try await body in rows.decode(String.self) { return body }
        return nil
    }

    /// The menu and the footer in one round trip: every section (the body
    /// only for the section with `slug`, when given) joined with the site row.
    /// Without a body (most pages) it runs as a prepared statement.
    public func chrome(
        _ schema: SchemaName, bodyOf slug: String?, on connection: UnitOfWork
    ) async throws -> (sections: [Section], site: SiteInfo) {
        try connection.check(schema)
        let rows: PostgresRowSequence
        if let slug {
            var binds = PostgresBindings()
            binds.append(slug)
            let sql = Self.chromeSQL(schema, body: "CASE WHEN s.slug = $1 THEN s.body ELSE '' END")
            rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: self.logger)
        } else {
            rows = try await self.prepared(Self.chromeStatement, for: schema, on: connection)
        }
        var sections: [Section] = []
        var site: SiteInfo?
        var columns: Columns?
        for try await row in rows {
            let c = columns ?? Columns.of(row)
            columns = c
            try Self.decodeChrome(row.makeRandomAccess(), c, into: &sections, site: &site)
        }
        guard let site else {
            throw TenantCoreError(.notFound, "schema \(schema) has no site row or no sections")
        }
        return (sections, site)
    }

    /// The names of ``chromeSQL(_:body:)``'s columns, in its order.
    static let chromeColumnNames = [
        "id", "slug", "title", "kind", "position", "mandatory", "legal_basis", "summary", "body", "starter",
        "publisher", "responsible_person", "responsible_title", "address", "phone", "email", "notice",
        "notice_from", "notice_until", "updated_at", "emc_site_id", "content_changed_at",
    ]

    /// One row of ``chromeSQL(_:body:)``: a section, and the site the first time.
    static func decodeChrome(_ r: PostgresRandomAccessRow, _ c: Columns, into sections: inout [Section], site: inout SiteInfo?) throws {
        let p = try c.chrome.resolved()
        sections.append(
            Section(
                id: try r[p[0]].decode(Int.self), slug: try r[p[1]].decode(String.self), title: try r[p[2]].decode(String.self),
                kind: SectionKind(rawValue: try r[p[3]].decode(String.self)) ?? .feed, position: try r[p[4]].decode(Int.self),
                mandatory: try r[p[5]].decode(Bool.self), legalBasis: try r[p[6]].decode(String.self),
                summary: try r[p[7]].decode(String.self), body: try r[p[8]].decode(String.self),
                starter: try r[p[9]].decode(Bool.self)))
        if site == nil {
            site = SiteInfo(
                publisher: try r[p[10]].decode(String.self), responsiblePerson: try r[p[11]].decode(String.self),
                responsibleTitle: try r[p[12]].decode(String.self), address: try r[p[13]].decode(String.self),
                phone: try r[p[14]].decode(String.self), email: try r[p[15]].decode(String.self),
                notice: try r[p[16]].decode(String.self), noticeFrom: try r[p[17]].decode(Date?.self),
                noticeUntil: try r[p[18]].decode(Date?.self), updatedAt: try r[p[19]].decode(Date.self))
            site?.emcSiteID = try r[p[20]].decode(String.self)
            site?.contentChangedAt = try r[p[21]].decode(Date?.self)
        }
    }

    /// The number of columns of ``chromeSQL(_:body:)``.
    static let chromeColumnCount = chromeColumnNames.count

    /// The rows of a statement with ``chromeSQL(_:body:)``'s columns beside
    /// another query's (`FULL JOIN … ON false`): the menu and footer from
    /// the rows whose other columns are NULL, each other row handed to
    /// `other`. A join keeps no order: the sections come sorted as the
    /// menu query sorts them.
    static func chromeBeside(
        _ rows: [PostgresRow], of schema: SchemaName, _ other: (PostgresRow, PostgresRandomAccessRow) throws -> Void
    ) throws -> (sections: [Section], site: SiteInfo) {
        var sections: [Section] = []
        var site: SiteInfo?
        var columns: Columns?
        for row in rows {
            let r = row.makeRandomAccess()
            guard r[Self.chromeColumnCount].bytes == nil else {
                try other(row, r)
                continue
            }
            let c = columns ?? Columns.of(row)
            columns = c
            try Self.decodeChrome(r, c, into: &sections, site: &site)
        }
        guard let site else { throw TenantCoreError(.notFound, "schema \(schema) has no site row or no sections") }
        sections.sort { ($0.position, $0.id) < ($1.position, $1.id) }
        return (sections, site)
    }

    /// ``chrome(_:bodyOf:on:)`` without a body.
    static let chromeStatement = PreparedStatements.Statement("chrome") { Self.chromeSQL($0, body: "''::text") }

    /// The menu and footer query with `body` as its body column. The
    /// schema's name is a validated identifier ([a-z0-9_]), so it is
    /// written into the text.
    static func chromeSQL(_ schema: SchemaName, body: String) -> String {
        """
        SELECT s.id, s.slug, s.title, s.kind, s.position, s.mandatory, s.legal_basis, s.summary, \(body) AS body, s.starter,
               t.publisher, t.responsible_person, t.responsible_title, t.address, t.phone, t.email, t.notice,
               t.notice_from, t.notice_until, t.updated_at, t.emc_site_id,
               (SELECT content_changed_at FROM platform.content_changed WHERE schema_name = '\(schema.rawValue)') AS content_changed_at
          FROM \(schema.quoted).sections s CROSS JOIN \(schema.quoted).site t
         ORDER BY s.position, s.id
        """
    }

    /// Runs a statement of this repository for `schema`: prepared on the
    /// connection when a ``PreparedStatements`` is given, else unnamed.
    func prepared(_ statement: PreparedStatements.Statement, for schema: SchemaName, on connection: UnitOfWork) async throws -> PostgresRowSequence {
        try connection.check(schema)
        if let statements = self.statements {
            return try await statements.rows(statement, for: schema, on: connection.connection)
        }
        return try await PreparedStatements.unnamed(statement, for: schema, on: connection.connection, logger: self.logger)
    }

    /// The footer and contact details.
    public func site(_ schema: SchemaName, on connection: UnitOfWork) async throws -> SiteInfo? {
        let rows = try await connection.query(
            """
            SELECT publisher, responsible_person, responsible_title, address, phone, email, notice, notice_from,
                   notice_until, updated_at, emc_site_id
              FROM \(unescaped: schema.quoted).site
            """, logger: self.logger)
        for try await (publisher, person, title, address, phone, email, notice, from, until, updated, emc) in rows.decode(
            (String, String, String, String, String, String, String, Date?, Date?, Date, String).self)
        {
            var site = SiteInfo(
                publisher: publisher, responsiblePerson: person, responsibleTitle: title, address: address, phone: phone,
                email: email, notice: notice, noticeFrom: from, noticeUntil: until, updatedAt: updated)
            site.emcSiteID = emc
            return site
        }
        return nil
    }

    // MARK: Writes

    /// Seeds the sixteen mandatory sections and the footer of a new commune.
    public func seed(
        _ schema: SchemaName, communeName: String, publisher: String, on connection: UnitOfWork
    ) async throws {
        let all = MandatorySection.allCases
        let ids = all.map { Int16($0.id) }
        let slugs = all.map(\.slug)
        let titles = all.map(\.title)
        let kinds = all.map(\.kind.rawValue)
        let positions = all.map { Int16($0.id) }
        let bases = all.map(\.legalBasis)
        let summaries = all.map(\.summary)
        let bodies = all.map { $0.starterBody(communeName: communeName) }
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).sections (id, slug, title, kind, position, mandatory, legal_basis, summary, body, starter)
            SELECT i, s, t, k, p, true, b, m, y, true
              FROM unnest(\(ids)::int2[], \(slugs)::text[], \(titles)::text[], \(kinds)::text[], \(positions)::int2[],
                          \(bases)::text[], \(summaries)::text[], \(bodies)::text[]) AS x(i, s, t, k, p, b, m, y)
            """, logger: self.logger)
        try await connection.query(
            "INSERT INTO \(unescaped: schema.quoted).site (publisher) VALUES (\(publisher))", logger: self.logger)
        // Statistics from the start (sql/tenant/0016): never analysed, a
        // table's size is estimated from each column's width, a catalogue
        // lookup per column on every connection's first read of the commune.
        let s = schema.quoted
        try await connection.query("ANALYZE \(unescaped: s).sections, \(unescaped: s).entries, \(unescaped: s).site", logger: self.logger)
    }

    /// Inserts an entry and returns its id.
    @discardableResult
    public func insert(_ e: Entry, into schema: SchemaName, on connection: UnitOfWork) async throws -> Int64 {
        let issued = e.issuedOn.map { VietnamTime($0).isoDate }
        let effective = e.effectiveOn.map { VietnamTime($0).isoDate }
        let rows = try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).entries (
                section_id, kind, status, title, summary, body, author, published_at, updated_at, is_sample, image_url,
                image_alt, doc_type, doc_number, issuer, signer, issued_on, effective_on, file_url, field, service_level,
                portal_url, processing_time, fee, starts_at, ends_at, location, presider, position_title, phone, email,
                period_year, period_label, consultation_deadline, consultation_result, body_source, body_format)
            VALUES (
                \(e.sectionID), \(e.kind.rawValue), \(e.status.rawValue), \(e.title), \(e.summary), \(e.body), \(e.author),
                \(e.publishedAt), \(e.updatedAt), \(e.isSample), \(e.imageURL), \(e.imageAlt), \(e.docType), \(e.docNumber),
                \(e.issuer), \(e.signer), \(issued)::date, \(effective)::date, \(e.fileURL), \(e.field), \(e.serviceLevel),
                \(e.portalURL), \(e.processingTime), \(e.fee), \(e.startsAt), \(e.endsAt), \(e.location), \(e.presider),
                \(e.positionTitle), \(e.phone), \(e.email), \(e.periodYear), \(e.periodLabel), \(e.consultationDeadline),
                \(e.consultationResult), \(e.bodySource), \(e.bodyFormat))
            RETURNING id
            """, logger: self.logger)
        return try await rows.collect().first?.decode(Int64.self) ?? 0
    }

    /// Replaces an entry's fields; false when it does not exist.
    @discardableResult
    public func update(_ e: Entry, id: Int64, in schema: SchemaName, on connection: UnitOfWork) async throws -> Bool {
        let issued = e.issuedOn.map { VietnamTime($0).isoDate }
        let effective = e.effectiveOn.map { VietnamTime($0).isoDate }
        let rows = try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).entries SET
                kind = \(e.kind.rawValue), status = \(e.status.rawValue), title = \(e.title), summary = \(e.summary),
                body = \(e.body), author = \(e.author), published_at = \(e.publishedAt), updated_at = now(),
                is_sample = false, image_url = \(e.imageURL), image_alt = \(e.imageAlt), doc_type = \(e.docType),
                doc_number = \(e.docNumber), issuer = \(e.issuer), signer = \(e.signer), issued_on = \(issued)::date,
                effective_on = \(effective)::date, file_url = \(e.fileURL), field = \(e.field),
                service_level = \(e.serviceLevel), portal_url = \(e.portalURL), processing_time = \(e.processingTime),
                fee = \(e.fee), starts_at = \(e.startsAt), ends_at = \(e.endsAt), location = \(e.location),
                presider = \(e.presider), position_title = \(e.positionTitle), phone = \(e.phone), email = \(e.email),
                period_year = \(e.periodYear), period_label = \(e.periodLabel),
                consultation_deadline = \(e.consultationDeadline), consultation_result = \(e.consultationResult),
                body_source = \(e.bodySource), body_format = \(e.bodyFormat)
             WHERE id = \(id) AND section_id = \(e.sectionID)
            RETURNING id
            """, logger: self.logger
        ).collect()
        return !rows.isEmpty
    }

    /// Replaces the footer and contact details.
    public func updateSite(_ site: SiteInfo, in schema: SchemaName, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).site
               SET publisher = \(site.publisher), responsible_person = \(site.responsiblePerson),
                   responsible_title = \(site.responsibleTitle), address = \(site.address), phone = \(site.phone),
                   email = \(site.email), notice = \(site.notice), notice_from = \(site.noticeFrom),
                   notice_until = \(site.noticeUntil), emc_site_id = \(site.emcSiteID), updated_at = now()
            """, logger: self.logger)
    }

    /// Replaces a section's body (a static page), marking it as no longer the starter text.
    public func updateSectionBody(
        _ sectionID: Int, body: String, source: String = "", format: String = "html", in schema: SchemaName,
        on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).sections
               SET body = \(body), body_source = \(source), body_format = \(format), starter = false, updated_at = now()
             WHERE id = \(sectionID)
            """, logger: self.logger)
    }

    /// Whether an uploaded file with this id exists.
    public func fileExists(_ id: Int64, in schema: SchemaName, on connection: UnitOfWork) async throws -> Bool {
        try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM \(unescaped: schema.quoted).files WHERE id = \(id))", logger: self.logger
        ).collect().first?.decode(Bool.self) ?? false
    }

    /// Whether the commune already has sample entries.
    public func hasSampleContent(_ schema: SchemaName, on connection: UnitOfWork) async throws -> Bool {
        try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM \(unescaped: schema.quoted).entries WHERE is_sample)", logger: self.logger
        ).collect().first?.decode(Bool.self) ?? false
    }
}

/// The cells of a result's rows by column name: the names are looked up
/// once per result, from its first row, not once per cell; the columns of
/// an entry and of the menu and footer are resolved to positions then too.
struct Columns: Sendable {
    private let index: [String: Int]
    /// Where ``ContentStore/entryColumnNames`` are.
    let entry: Positions
    /// Where ``ContentStore/chromeColumnNames`` are.
    let chrome: Positions
    /// A public list's result: its entries carry only what its page shows
    /// (``ContentStore/listedEntryColumns`` and more).
    let listed: Bool

    /// The columns of `row` from `offset` on (a row with two queries' columns side by side).
    init(_ row: PostgresRow, from offset: Int = 0, listed: Bool = false) {
        self.listed = listed
        var index: [String: Int] = [:]
        for (position, cell) in row.enumerated() where position >= offset && index[cell.columnName] == nil { index[cell.columnName] = position }
        self.index = index
        self.entry = Positions(ContentStore.entryColumnNames, in: index)
        self.chrome = Positions(ContentStore.chromeColumnNames, in: index)
    }

    /// The columns of `row` from `offset` on, as ``init(_:from:listed:)``
    /// resolves them, reused from an earlier result with the same column
    /// names: a public page's statement gives the same columns on every
    /// request, and resolving them (a dictionary of some forty names, then
    /// the entry's and the menu's positions) cost about 3 % of an uncached
    /// article's CPU in the host.
    static func of(_ row: PostgresRow, from offset: Int = 0, listed: Bool = false) -> Columns {
        let known = self.layouts.withLock { $0 }
        for layout in known where layout.offset == offset && layout.listed == listed && layout.matches(row) {
            return layout.columns
        }
        let layout = Layout(names: row.map(\.columnName), offset: offset, listed: listed, columns: Columns(row, from: offset, listed: listed))
        self.layouts.withLock { layouts in
            layouts.removeAll { $0.offset == offset && $0.listed == listed && $0.names == layout.names }
            layouts.insert(layout, at: 0)
            if layouts.count > Self.layoutsKept { layouts.removeLast() }
        }
        return layout.columns
    }

    /// More than the distinct results the public pages read.
    static let layoutsKept = 32

    /// Results' columns resolved lately, the newest first.
    private static let layouts = Mutex<[Layout]>([])

    private struct Layout: Sendable {
        let names: [String]
        let offset: Int
        let listed: Bool
        let columns: Columns

        /// Whether `row` has exactly these columns, in this order.
        func matches(_ row: PostgresRow) -> Bool {
            guard row.count == self.names.count else { return false }
            var i = 0
            for cell in row {
                guard cell.columnName == self.names[i] else { return false }
                i += 1
            }
            return true
        }
    }

    func callAsFunction<Value: PostgresDecodable>(_ name: String, _ row: PostgresRandomAccessRow) throws -> Value {
        guard let position = self.index[name] else { throw TenantCoreError(.internal, "the result has no column \(name)") }
        return try row[position].decode(Value.self)
    }

    /// The positions of a fixed list of names, or the first name missing.
    struct Positions: Sendable {
        private let positions: [Int]
        /// Each name's position, nil where the result has no such column.
        private let found: [Int?]
        private let missing: String?

        init(_ names: [String], in index: [String: Int]) {
            var positions: [Int] = []
            var found: [Int?] = []
            positions.reserveCapacity(names.count)
            found.reserveCapacity(names.count)
            var missing: String?
            for name in names {
                let position = index[name]
                found.append(position)
                if let position { positions.append(position) } else if missing == nil { missing = name }
            }
            self.positions = positions
            self.found = found
            self.missing = missing
        }

        func resolved() throws -> [Int] {
            if let missing { throw TenantCoreError(.internal, "the result has no column \(missing)") }
            return self.positions
        }

        /// Every name's position, nil for those the result left out; throws
        /// when one of `required` (places in `names`) is missing.
        func resolved(requiring required: [Int], of names: [String]) throws -> [Int?] {
            for i in required where self.found[i] == nil {
                throw TenantCoreError(.internal, "the result has no column \(names[i])")
            }
            return self.found
        }
    }
}
