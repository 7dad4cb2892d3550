import Foundation
import Logging
import PostgresNIO

/// What the public site reads of a commune's schema, all through the
/// validated `SchemaName` with every value a bind.
extension ContentStore {
    // MARK: Public reads

    /// What the home page shows: latest news, documents, direction, and the
    /// leaders' schedule of this week (Monday 00:00 in Vietnam), in one round
    /// trip, as a prepared statement.
    public func home(_ schema: SchemaName, on connection: UnitOfWork) async throws -> HomeContent {
        var cards: [Entry] = []
        for try await row in try await self.prepared(Self.homeStatement, for: schema, on: connection) {
            cards.append(try Self.decodeCard(row))
        }
        return Self.homeContent(cards)
    }

    /// The home page's cards in their lists, each sorted as its statement
    /// sorts it: whether read alone or beside the menu (whose join keeps no
    /// order), the page gets the same lists.
    static func homeContent(_ cards: [Entry]) -> HomeContent {
        var home = HomeContent(news: [], documents: [], direction: [], schedule: [])
        for entry in cards {
            if entry.kind == .schedule {
                home.schedule.append(entry)
            } else if entry.sectionID == MandatorySection.news.id {
                home.news.append(entry)
            } else if entry.sectionID == 6 {
                home.documents.append(entry)
            } else {
                home.direction.append(entry)
            }
        }
        let newest = { (a: Entry, b: Entry) in (a.publishedAt, a.id) > (b.publishedAt, b.id) }
        home.news.sort(by: newest)
        home.documents.sort(by: newest)
        home.direction.sort(by: newest)
        home.schedule.sort { ($0.startsAt ?? .distantPast, $0.id) < ($1.startsAt ?? .distantPast, $1.id) }
        return home
    }

    /// The menu, the footer and the home page's lists in one round trip:
    /// the two statements' rows side by side (`FULL JOIN … ON false` gives
    /// each row its own columns and NULL for the other's), as a prepared
    /// statement.
    public func homePage(_ schema: SchemaName, on connection: UnitOfWork) async throws -> (sections: [Section], site: SiteInfo, home: HomeContent) {
        var cards: [Entry] = []
        let rows = try await self.prepared(Self.homePageStatement, for: schema, on: connection).collect()
        let (sections, site) = try Self.chromeBeside(rows, of: schema) { row, _ in
            cards.append(try Self.decodeCard(row, from: Self.chromeColumnCount))
        }
        return (sections, site, Self.homeContent(cards))
    }

    static let homePageStatement = PreparedStatements.Statement("homepage") { schema in
        "SELECT c.*, e.* FROM (\(Self.chromeSQL(schema, body: "''::text"))) c FULL JOIN (\(Self.homeSQL(schema))) e ON false"
    }

    /// One lateral subquery for the three lists and the narrow card columns
    /// (PostgreSQL plans it several times faster than a union of four
    /// full-width selects), and this week's schedule. No parameters: the
    /// time is the server's `now()`, so the generic plan is made at the
    /// first execution and kept.
    static let homeStatement = PreparedStatements.Statement("home") { Self.homeSQL($0) }

    static func homeSQL(_ schema: SchemaName) -> String {
        """
        SELECT e.* FROM (VALUES (4::int2, 6), (6::int2, 5), (5::int2, 4)) AS list (section, size)
         CROSS JOIN LATERAL (
            SELECT \(Self.cardColumns) FROM \(schema.quoted).entries
             WHERE section_id = list.section AND status = 'published' AND published_at <= now()
               AND (list.section <> 5 OR kind = 'article')
             ORDER BY published_at DESC, id DESC LIMIT list.size) AS e
        UNION ALL
        (SELECT \(Self.cardColumns)
           FROM \(schema.quoted).entries,
                (SELECT (date_trunc('week', (now() AT TIME ZONE 'UTC') + interval '7 hours') - interval '7 hours')
                        AT TIME ZONE 'UTC' AS starts) AS week
          WHERE kind = 'schedule' AND status = 'published' AND starts_at >= week.starts AND starts_at < week.starts + interval '7 days'
          ORDER BY starts_at, id LIMIT 60)
        """
    }

    /// What a section's list shows of an item (its picture, a document's
    /// type, number and date, a budget report's period): no body, nor the
    /// other kinds' fields. A statement planned with fewer columns is
    /// planned faster (BENCHMARKS.md).
    static let listedColumns = Self.listColumns("image_url, doc_type, doc_number, issued_on, period_year, period_label")
    /// What the documents page lists of a document.
    static let listedDocumentColumns = Self.listColumns("doc_type, doc_number, issuer, issued_on")
    /// What the procedures page lists of the commune's own procedures.
    static let listedProcedureColumns = Self.listColumns("field, service_level, processing_time, fee")
    /// What the introduction shows of a leader: portrait, office, phone and profile.
    static let listedLeaderColumns = Self.listColumns("body, image_url, image_alt, position_title, phone")
    /// What the week's schedule shows of a meeting.
    static let listedSlotColumns = Self.listColumns("starts_at, location, presider")

    /// One page of a section's published items, newest first.
    public func list(
        _ schema: SchemaName, section: Int, kinds: [EntryKind]? = nil, page: Int, size: Int, now: Date,
        on connection: UnitOfWork
    ) async throws -> Page<Entry> {
        let kindNames = (kinds ?? EntryKind.allCases).map(\.rawValue)
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.listedColumns), count(*) OVER () AS total FROM \(unescaped: schema.quoted).entries
             WHERE section_id = \(section) AND kind = ANY(\(kindNames)) AND status = 'published' AND published_at <= \(now)
             ORDER BY published_at DESC, id DESC
             LIMIT \(size) OFFSET \((page - 1) * size)
            """, logger: self.logger)
        var result = try await self.page(rows, number: page, size: size, listed: true)
        if result.items.isEmpty && page > 1 {
            result.total = try await connection.query(
                """
                SELECT count(*) FROM \(unescaped: schema.quoted).entries
                 WHERE section_id = \(section) AND kind = ANY(\(kindNames)) AND status = 'published' AND published_at <= \(now)
                """, logger: self.logger
            ).collect().first?.decode(Int.self) ?? 0
        }
        return result
    }

    /// A published entry of a section, or nil.
    public func entry(
        _ schema: SchemaName, section: Int, id: Int64, now: Date, on connection: UnitOfWork
    ) async throws -> Entry? {
        try await self.entries(
            connection.query(
                """
                SELECT \(unescaped: Self.entryColumns) FROM \(unescaped: schema.quoted).entries
                 WHERE id = \(id) AND section_id = \(section) AND status = 'published' AND published_at <= \(now)
                """, logger: self.logger)
        ).first
    }

    /// An article's page with the menu and footer, in one round trip: the
    /// published entry of the section named by `slug`, and the five newest
    /// other items of that section (no schedule slot), beside the menu and
    /// footer as ``homePage(_:on:)`` reads them; kept prepared per
    /// connection and commune with its values bound.
    public func articlePageWithChrome(
        _ schema: SchemaName, slug: String, id: Int64, now: Date, on connection: UnitOfWork
    ) async throws -> (sections: [Section], site: SiteInfo, entry: Entry?, related: [Entry]) {
        let rows = try await self.articleRows(Self.articlePageStatement, schema, slug: slug, id: id, now: now, on: connection)
        var article = ArticleRows(offset: Self.chromeColumnCount)
        let (sections, site) = try Self.chromeBeside(rows, of: schema) { try article.add($0, $1) }
        return (sections, site, article.entry, article.sortedRelated)
    }

    /// $1 the entry's id, $2 its section's slug, $3 the time of the request.
    static let articlePageStatement = PreparedStatements.Statement("articlepage") { schema in
        "SELECT c.*, e.* FROM (\(Self.chromeSQL(schema, body: "''::text"))) c FULL JOIN (\(Self.articleSQL(schema))) e ON false"
    }

    /// An article's page without the menu and footer (the host keeps
    /// those): the published entry and the five newest other items of its
    /// section, kept prepared per connection and commune like
    /// ``articlePageWithChrome(_:slug:id:now:on:)``.
    public func articlePage(
        _ schema: SchemaName, slug: String, id: Int64, now: Date, on connection: UnitOfWork
    ) async throws -> (entry: Entry?, related: [Entry]) {
        var article = ArticleRows(offset: 0)
        for row in try await self.articleRows(Self.articleStatement, schema, slug: slug, id: id, now: now, on: connection) {
            try article.add(row, row.makeRandomAccess())
        }
        return (article.entry, article.sortedRelated)
    }

    /// Runs one of the article's statements with the entry's id, its
    /// section's slug and the time as bound values.
    private func articleRows(
        _ statement: PreparedStatements.Statement, _ schema: SchemaName, slug: String, id: Int64, now: Date, on connection: UnitOfWork
    ) async throws -> [PostgresRow] {
        try connection.check(schema)
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(slug)
        binds.append(now)
        if let statements = self.statements {
            return try await statements.rows(statement, binds: binds, for: schema, on: connection.connection)
        }
        return try await connection.query(PostgresQuery(unsafeSQL: statement.sql(schema), binds: binds), logger: self.logger).collect()
    }

    /// The rows of ``articleSQL(_:)``: the entry and the related items.
    private struct ArticleRows {
        let offset: Int
        var columns: Columns?
        var entry: Entry?
        var related: [Entry] = []

        init(offset: Int) { self.offset = offset }

        mutating func add(_ row: PostgresRow, _ r: PostgresRandomAccessRow) throws {
            let c = self.columns ?? Columns.of(row, from: self.offset)
            self.columns = c
            let item = try ContentStore.decodeEntry(r, c)
            if try c("main", r) as Bool { self.entry = item } else { self.related.append(item) }
        }

        /// Newest first, as the statement sorts them (a join keeps no order).
        var sortedRelated: [Entry] { self.related.sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) } }
    }

    /// $1 the entry's id, $2 its section's slug, $3 the time of the request.
    static let articleStatement = PreparedStatements.Statement("article") { Self.articleSQL($0) }

    /// The entry (`main`) and its section's five newest other items.
    static func articleSQL(_ schema: SchemaName) -> String {
        let section = "(SELECT id FROM \(schema.quoted).sections WHERE slug = $2)"
        return """
            (SELECT \(Self.entryColumns), true AS main FROM \(schema.quoted).entries
              WHERE id = $1 AND section_id = \(section) AND status = 'published' AND published_at <= $3)
            UNION ALL
            (SELECT \(Self.summaryColumns), false FROM \(schema.quoted).entries
              WHERE section_id = \(section) AND status = 'published' AND published_at <= $3 AND kind <> 'schedule' AND id <> $1
              ORDER BY published_at DESC, id DESC LIMIT 5)
            """
    }

    /// The procedures page in one round trip: the commune's own published
    /// procedures (section 7) by field, title and id, and beside them
    /// (`FULL JOIN … ON false`) its province's catalogue as its list shows it
    /// (``PortalStore/procedureList(province:on:)``: code, name, field,
    /// level, time and fee) by field, name and code; none without a
    /// province. Each side carries its rank in PostgreSQL's order, so both
    /// come back in the order (and collation) the database sorts them.
    public func proceduresPage(
        _ schema: SchemaName, province: Int64?, now: Date, on connection: UnitOfWork
    ) async throws -> (own: [Entry], catalogue: [ProvinceProcedure]) {
        try connection.check(schema)
        let rows = try await connection.query(
            """
            SELECT c.*, e.* FROM (
                SELECT row_number() OVER (ORDER BY field, name, code) AS catalogue_rank, \(unescaped: PortalStore.listedColumns)
                  FROM platform.procedures WHERE province_id = \(province)) c
            FULL JOIN (
                SELECT row_number() OVER (ORDER BY coalesce(field, ''), title, id) AS own_rank, \(unescaped: Self.listedProcedureColumns)
                  FROM \(unescaped: schema.quoted).entries
                 WHERE section_id = 7 AND kind = 'procedure' AND status = 'published' AND published_at <= \(now)) e ON false
            """, logger: self.logger)
        var own: [(rank: Int, entry: Entry)] = []
        var catalogue: [(rank: Int, procedure: ProvinceProcedure)] = []
        var columns: Columns?
        for try await row in rows {
            let r = row.makeRandomAccess()
            if let rank = try r[0].decode(Int?.self) {
                catalogue.append((rank, try PortalStore.decodeListed(r, from: 1)))
                continue
            }
            // The entry's names from here on (the catalogue's field, fee… come before).
            let c = columns ?? Columns.of(row, from: 8, listed: true)
            columns = c
            own.append((try r[7].decode(Int.self), try Self.decodeEntry(r, c)))
        }
        return (own.sorted { $0.rank < $1.rank }.map(\.entry), catalogue.sorted { $0.rank < $1.rank }.map(\.procedure))
    }

    /// Leaders' profiles (section 1, kind leader) in their display order.
    public func leaders(_ schema: SchemaName, now: Date, on connection: UnitOfWork) async throws -> [Entry] {
        try await self.entries(
            connection.query(
                """
                SELECT \(unescaped: Self.listedLeaderColumns) FROM \(unescaped: schema.quoted).entries
                 WHERE kind = 'leader' AND status = 'published' AND published_at <= \(now)
                 ORDER BY published_at, id
                """, logger: self.logger), listed: true)
    }

    /// The introduction's page without the menu and footer (the host keeps
    /// those), in one round trip: the body of the section with `slug` (nil:
    /// no such section) and, beside it (`FULL JOIN … ON false`), the
    /// leaders' profiles as ``leaders(_:now:on:)`` reads them.
    public func introduction(
        _ schema: SchemaName, slug: String, now: Date, on connection: UnitOfWork
    ) async throws -> (body: String?, leaders: [Entry]) {
        try connection.check(schema)
        let rows = try await connection.query(
            """
            SELECT b.body AS section_body, e.* FROM (SELECT body FROM \(unescaped: schema.quoted).sections WHERE slug = \(slug)) b
              FULL JOIN (SELECT \(unescaped: Self.listedLeaderColumns) FROM \(unescaped: schema.quoted).entries
                          WHERE kind = 'leader' AND status = 'published' AND published_at <= \(now)) e ON false
            """, logger: self.logger)
        var body: String?
        var leaders: [Entry] = []
        var columns: Columns?
        for try await row in rows {
            let r = row.makeRandomAccess()
            if let text = try r[0].decode(String?.self) {
                body = text
                continue
            }
            let c = columns ?? Columns.of(row, from: 1, listed: true)
            columns = c
            leaders.append(try Self.decodeEntry(r, c))
        }
        // As ``leaders(_:now:on:)`` sorts them: a join keeps no order.
        leaders.sort { ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id) }
        return (body, leaders)
    }

    /// Schedule slots of the week starting at `weekStart`.
    public func schedule(
        _ schema: SchemaName, weekStart: Date, on connection: UnitOfWork
    ) async throws -> [Entry] {
        try await self.entries(
            connection.query(
                """
                SELECT \(unescaped: Self.listedSlotColumns) FROM \(unescaped: schema.quoted).entries
                 WHERE kind = 'schedule' AND status = 'published'
                   AND starts_at >= \(weekStart) AND starts_at < \(weekStart.addingTimeInterval(7 * 86_400))
                 ORDER BY starts_at, id
                """, logger: self.logger), listed: true)
    }

    /// The documents page in one round trip: the documents matching the
    /// structured search, newest issued first, a page of them, and beside
    /// them (`FULL JOIN … ON false`, as ``homePage(_:on:)``) the document
    /// types, issuers and years present, for the search form: one scan of the
    /// published documents grouped three ways (`GROUPING` tells the three
    /// apart: 3 types, 5 issuers, 6 years).
    public func documents(
        _ schema: SchemaName, query: DocumentQuery, page: Int, size: Int, now: Date, on connection: UnitOfWork
    ) async throws -> (facets: DocumentFacets, page: Page<Entry>) {
        // 125/QD finds 125/QĐ-UBND: numbers compare folded, like the text search.
        let number = query.number.map { "%" + Self.likeEscaped(VietnameseText.fold($0)) + "%" }
        let issuer = query.issuer
        let text = query.text
        let rows = try await connection.query(
            """
            SELECT f.*, d.* FROM (
                SELECT GROUPING(doc_type, issuer, year)::int8 AS facet, doc_type AS facet_type, issuer AS facet_issuer, year AS facet_year
                  FROM (SELECT doc_type, issuer, extract(year FROM issued_on)::int8 AS year FROM \(unescaped: schema.quoted).entries
                         WHERE kind = 'document' AND status = 'published' AND published_at <= \(now)) AS documents
                 GROUP BY GROUPING SETS ((doc_type), (issuer), (year))) f
            FULL JOIN (
                SELECT \(unescaped: Self.listedDocumentColumns), count(*) OVER () AS total FROM \(unescaped: schema.quoted).entries
                 WHERE section_id = 6 AND kind = 'document' AND status = 'published' AND published_at <= \(now)
                   AND (\(query.type)::text IS NULL OR doc_type = \(query.type))
                   AND (\(number)::text IS NULL OR platform.fold(doc_number) LIKE \(number))
                   AND (\(issuer)::text IS NULL OR issuer = \(issuer))
                   AND (\(query.year)::int8 IS NULL OR extract(year FROM issued_on) = \(query.year))
                   AND (\(text)::text IS NULL OR search @@ plainto_tsquery('simple', platform.search_words(\(text))))
                 ORDER BY issued_on DESC NULLS LAST, published_at DESC, id DESC
                 LIMIT \(size) OFFSET \((page - 1) * size)) d ON false
            """, logger: self.logger)
        var facets = DocumentFacets(types: [], issuers: [], years: [])
        var items: [Entry] = []
        var total = 0
        var columns: Columns?
        for try await row in rows {
            let r = row.makeRandomAccess()
            if let set = try r[0].decode(Int?.self) {
                switch set {
                case 3: if let type = try r[1].decode(String?.self) { facets.types.append(type) }
                case 5: if let issuer = try r[2].decode(String?.self) { facets.issuers.append(issuer) }
                default: if let year = try r[3].decode(Int?.self) { facets.years.append(year) }
                }
                continue
            }
            let c = columns ?? Columns.of(row, from: 4, listed: true)
            columns = c
            items.append(try Self.decodeEntry(r, c))
            total = try c("total", r)
        }
        facets.types.sort()
        facets.issuers.sort()
        facets.years.sort(by: >)
        // As the statement sorts them: a join keeps no order.
        items.sort { a, b in
            if a.issuedOn != b.issuedOn {
                guard let x = a.issuedOn else { return false }
                guard let y = b.issuedOn else { return true }
                return x > y
            }
            return (a.publishedAt, a.id) > (b.publishedAt, b.id)
        }
        return (facets, Page(items: items, number: page, size: size, total: total))
    }

    /// Full-text search over sections and published entries, with or without
    /// diacritics: `hai hau` finds `Hải Hậu`.
    public func search(
        _ schema: SchemaName, text: String, page: Int, size: Int, now: Date, on connection: UnitOfWork
    ) async throws -> Page<SearchHit> {
        let rows = try await connection.query(
            """
            WITH q AS (SELECT plainto_tsquery('simple', platform.search_words(\(text))) AS query),
            hits AS (
                SELECT s.id AS section_id, NULL::int8 AS entry_id, s.title, s.summary AS snippet, NULL::timestamptz AS published_at,
                       ts_rank(s.search, q.query) + 0.5 AS rank
                  FROM \(unescaped: schema.quoted).sections s, q WHERE s.search @@ q.query
                UNION ALL
                SELECT e.section_id, e.id, e.title, e.summary, e.published_at, ts_rank(e.search, q.query)
                  FROM \(unescaped: schema.quoted).entries e, q
                 WHERE e.search @@ q.query AND e.status = 'published' AND e.published_at <= \(now)
            )
            SELECT h.section_id, h.entry_id, h.title, h.snippet, h.published_at, count(*) OVER (), h.rank::float8, s.slug, s.title
              FROM hits h JOIN \(unescaped: schema.quoted).sections s ON s.id = h.section_id
             ORDER BY h.rank DESC, h.published_at DESC NULLS FIRST, h.entry_id NULLS FIRST, h.section_id
             LIMIT \(size) OFFSET \((page - 1) * size)
            """, logger: self.logger)
        var hits: [SearchHit] = []
        var total = 0
        for try await (section, entry, title, snippet, published, count, rank, slug, sectionTitle) in rows.decode(
            (Int, Int64?, String, String, Date?, Int, Double, String, String).self)
        {
            var hit = SearchHit(sectionID: section, entryID: entry, title: title, snippet: snippet, publishedAt: published)
            hit.rank = rank
            hit.sectionSlug = slug
            hit.sectionTitle = sectionTitle
            hits.append(hit)
            total = count
        }
        return Page(items: hits, number: page, size: size, total: total)
    }

    /// Latest items of a section for its RSS feed.
    public func feed(
        _ schema: SchemaName, section: Int, limit: Int, now: Date, on connection: UnitOfWork
    ) async throws -> [Entry] {
        try await self.entries(
            connection.query(
                """
                SELECT \(unescaped: Self.summaryColumns) FROM \(unescaped: schema.quoted).entries
                 WHERE section_id = \(section) AND status = 'published' AND published_at <= \(now)
                 ORDER BY published_at DESC, id DESC LIMIT \(limit)
                """, logger: self.logger))
    }

    /// Every published entry, for the sitemaps.
    public func sitemap(_ schema: SchemaName, now: Date, limit: Int, on connection: UnitOfWork) async throws -> [SitemapEntry] {
        let rows = try await connection.query(
            """
            SELECT section_id, id, title, updated_at FROM \(unescaped: schema.quoted).entries
             WHERE status = 'published' AND published_at <= \(now) AND kind NOT IN ('schedule', 'leader')
             ORDER BY section_id, published_at DESC, id DESC LIMIT \(limit)
            """, logger: self.logger)
        var result: [SitemapEntry] = []
        for try await (section, id, title, updated) in rows.decode((Int, Int64, String, Date).self) {
            result.append(SitemapEntry(sectionID: section, entryID: id, title: title, updatedAt: updated))
        }
        return result
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
