import Foundation
import PostgresNIO
import Testing
import TestSupport
@testable import TenantCore

@Suite struct DatabaseTests {
    @Test func migratePlatform_twice_changesNothing() async throws {
        try await withTestPlatform { platform in
            // setup: the template is already migrated
            let runner = MigrationRunner(migrations: platform.migrations, logger: platform.logger)
            // act
            let applied = try await runner.migratePlatform(platform.database)
            // check
            #expect(applied.isEmpty)
            let recorded = try await platform.scalar("SELECT count(*) FROM platform.schema_migrations WHERE schema_name = 'platform'")
            #expect(recorded == platform.migrations.platform.count)
        }
    }

    @Test func createCommune_recordsEveryTenantVersionForItsSchema() async throws {
        try await withTestPlatform { platform in
            let records = try await platform.makeCommunes([(19774, "Phường Thuận An")])
            #expect(records[0].schema.rawValue == "c_19774")
            #expect(records[0].schemaVersion == platform.migrations.tenantVersion)
            let versions = try await platform.scalar("SELECT count(*) FROM platform.schema_migrations WHERE schema_name = 'c_19774'")
            #expect(versions == platform.migrations.tenant.count)
            let sections = try await platform.scalar("SELECT count(*) FROM c_19774.sections")
            #expect(sections == 16)
            let domains = try await platform.strings("SELECT host FROM platform.domains WHERE tenant_id = \(records[0].unitID) ORDER BY role")
            #expect(domains == ["thuan-an.hue.localhost", "thuanan.hue.gov.vn"])
        }
    }

    /// The tables public pages read have statistics from the start, so
    /// the planner never estimates their size column by column: a new
    /// commune's after seeding, an older one's after migration 16.
    @Test func publicTables_haveStatisticsFromTheStart() async throws {
        try await withTestPlatform { platform in
            let stats = { (schema: String) in
                try await platform.strings(
                    """
                    SELECT relname || ' ' || reltuples::int FROM pg_class
                     WHERE relnamespace = '\(schema)'::regnamespace AND relname IN ('sections', 'entries', 'site') ORDER BY relname
                    """)
            }
            _ = try await platform.makeCommunes([(19774, "Phường Thuận An")])
            #expect(try await stats("c_19774") == ["entries 0", "sections 16", "site 1"])

            let older = try SchemaName(communeCode: 99_003)
            let migrations = platform.migrations
            let sixteen = try #require(migrations.tenant.first { $0.version == 16 })
            try await Self.run(
                migrations.tenantScript(upTo: 15) + "\n;\nINSERT INTO site (publisher) VALUES ('UBND')", in: older, creating: true,
                on: platform)
            #expect(try await stats(older.rawValue) == ["entries -1", "sections -1", "site -1"])
            try await Self.run(sixteen.sql, in: older, creating: false, on: platform)
            #expect(try await stats(older.rawValue) == ["entries 0", "sections 0", "site 1"])
        }
    }

    /// `sql/tenant-current.sql`, which new communes are made from, makes
    /// the schema the files of `sql/tenant/` make one after another:
    /// columns in their order, types, defaults, generated expressions,
    /// constraints, indexes, sequences and triggers.
    @Test func writtenCurrentSchema_isTheSchemaTheFilesMake() async throws {
        try await withTestPlatform { platform in
            let migrations = platform.migrations
            let current = try #require(migrations.tenantCurrent, "sql/tenant-current.sql is missing")
            #expect(
                current.version == migrations.tenantVersion,
                "bring sql/tenant-current.sql to version \(migrations.tenantVersion); it stands for \(current.version)")
            // Below its version the written schema is not used; at or above it, it is.
            #expect(!migrations.tenantScript(upTo: current.version - 1).contains(current.sql))
            #expect(migrations.tenantScript().hasPrefix(current.sql))
            #expect(migrations.tenantScriptFromFiles() == migrations.tenant.map(\.sql).joined(separator: "\n;\n"))

            let fromFiles = try SchemaName(communeCode: 99_001)
            let written = try SchemaName(communeCode: 99_002)
            let runner = MigrationRunner(migrations: migrations, logger: platform.logger)
            try await Self.run(migrations.tenantScriptFromFiles(), in: fromFiles, creating: true, on: platform)
            try await platform.database.withTransaction { connection in
                try await runner.createTenantSchema(written, record: false, on: connection)
            }
            let a = try await platform.strings(Self.describe(fromFiles))
            let b = try await platform.strings(Self.describe(written))
            #expect(a.count > 200, "\(a.count) lines describe the schema")
            #expect(a.filter { !b.contains($0) } == [], "made by the files, not by sql/tenant-current.sql")
            #expect(b.filter { !a.contains($0) } == [], "made by sql/tenant-current.sql, not by the files")
        }
    }

    /// Runs `script` in `schema` (made first when `creating`) in one
    /// transaction, as a tenant migration runs.
    static func run(_ script: String, in schema: SchemaName, creating: Bool, on platform: TestPlatform) async throws {
        try await platform.database.withTransaction { connection in
            if creating { try await connection.query("CREATE SCHEMA \(unescaped: schema.quoted)", logger: platform.logger) }
            try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: platform.logger)
            try await MigrationRunner.runScript(script, on: connection, logger: platform.logger)
        }
    }

    /// One line per column, relation, constraint, index, trigger and
    /// sequence of `schema`, its own name left out.
    static func describe(_ schema: SchemaName) -> String {
        """
        WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = '\(schema.rawValue)')
        SELECT line FROM (
          SELECT 'column ' || c.relname || '.' || a.attname || ' #' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)
                 || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                 || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                 || ' generated=' || a.attgenerated::text || ' identity=' || a.attidentity::text AS line
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN s ON c.relnamespace = s.oid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r'
          UNION ALL
          SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' toast=' || (c.reltoastrelid <> 0)::text
                 || ' ' || coalesce(array_to_string(c.reloptions, ','), '')
            FROM pg_class c JOIN s ON c.relnamespace = s.oid
          UNION ALL
          SELECT 'constraint ' || r.relname || '.' || k.conname || ' ' || replace(pg_get_constraintdef(k.oid), s.nspname || '.', '')
            FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN s ON r.relnamespace = s.oid
          UNION ALL
          SELECT 'index ' || replace(pg_get_indexdef(i.indexrelid), s.nspname || '.', '')
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN s ON c.relnamespace = s.oid
          UNION ALL
          SELECT 'trigger ' || replace(pg_get_triggerdef(t.oid), s.nspname || '.', '')
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN s ON c.relnamespace = s.oid WHERE NOT t.tgisinternal
          UNION ALL
          SELECT 'sequence ' || c.relname || ' ' || q.seqtypid::regtype::text || ' ' || q.seqstart || ' ' || q.seqincrement
                 || ' ' || q.seqmax || ' ' || q.seqmin || ' ' || q.seqcache || ' ' || q.seqcycle::text
            FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN s ON c.relnamespace = s.oid
        ) x ORDER BY line
        """
    }

    /// A name typed in the console reaches the starter pages as text.
    @Test func communeName_isEscapedInTheStarterPages() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([(99901, "Xã <img src=x onerror=alert(1)> & Thử")])
            let bodies = try await platform.strings("SELECT body FROM c_99901.sections WHERE body <> '' ORDER BY id")
            #expect(bodies.count == 4)
            #expect(bodies.allSatisfy { $0.contains("&lt;img src=x onerror=alert(1)&gt; &amp; Thử") && !$0.contains("<img") })
        }
    }

    /// What creating a commune's schema relies on (`MigrationRunner`).
    @Test func setLocalSearchPath_lastsOnlyForTheTransaction() async throws {
        try await withTestPlatform(poolSize: 1) { platform in
            // setup
            try await platform.makeCommunes([(19774, "Phường Thuận An")])
            let schema = try SchemaName(communeCode: 19774)
            // act
            let inside = try await platform.database.withTransaction(schema: schema) { connection in
                try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: platform.logger)
                return try await connection.query("SHOW search_path", logger: platform.logger).collect().first?.decode(String.self)
            }
            let after = try await platform.database.withConnection { connection in
                try await connection.query("SHOW search_path", logger: platform.logger).collect().first?.decode(String.self)
            }
            // check
            #expect(inside == "c_19774, public")
            #expect(after == "\"$user\", public")
        }
    }

    /// A pooled connection is replaced once it has served `recycleAfter`
    /// distinct communes, however often it served each; leases that name
    /// no commune do not count.
    @Test func pooledConnection_isReplacedAfterServingRecycleAfterCommunes() async throws {
        try await withTestPlatform { platform in
            // setup
            let database = TenantDatabase(config: platform.config, poolSize: 1, recycleAfter: 2, logger: platform.logger)
            let a = try SchemaName(communeCode: 19774)
            let b = try SchemaName(communeCode: 19777)
            func backend(_ schema: SchemaName?) async throws -> Int32? {
                try await database.withConnection(schema: schema) { connection in
                    try await connection.query("SELECT pg_backend_pid()", logger: platform.logger).collect().first?.decode(Int32.self)
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                // act
                let first = try await backend(a)
                let sameCommune = try await backend(a)
                let noCommune = try await backend(nil)
                let secondCommune = try await backend(b)
                let afterwards = try await backend(a)
                group.cancelAll()
                // check
                #expect(first != nil)
                #expect(sameCommune == first)
                #expect(noCommune == first)
                #expect(secondCommune == first)
                #expect(afterwards != first)
            }
        }
    }

    /// A lease naming a commune takes that commune's connection (so a
    /// backend's caches and prepared statements cover a fixed share of the
    /// communes); the communes spread over the connections; a lease naming
    /// none takes a connection nobody holds; and a commune whose connection
    /// is queued well beyond the others takes another.
    @Test func communeLeases_takeTheirOwnConnection_unlessItIsQueued() async throws {
        try await withTestPlatform { platform in
            // setup
            let database = TenantDatabase(config: platform.config, poolSize: 4, recycleAfter: 0, logger: platform.logger)
            let schemas = try [19774, 19777, 19900, 19903, 19906, 19909, 19912, 19915, 14224, 14233].map { try SchemaName(communeCode: $0) }
            func pid(_ connection: UnitOfWork) async throws -> Int32 {
                try await connection.query("SELECT pg_backend_pid()", logger: platform.logger).collect().first!.decode(Int32.self)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                // act
                var backends: [SchemaName: Set<Int32>] = [:]
                for _ in 0..<3 {
                    for schema in schemas {
                        backends[schema, default: []].insert(try await database.withConnection(schema: schema) { try await pid($0) })
                    }
                }
                let (held, other) = try await database.withConnection(schema: schemas[0]) { connection in
                    (try await pid(connection), try await database.withConnection { try await pid($0) })
                }
                // One lease holds the commune's connection and `spillAfter` more wait for it: the next goes elsewhere.
                let (released, release) = AsyncStream.makeStream(of: Void.self)
                let holder = Task {
                    try await database.withConnection(schema: schemas[0]) { _ in for await _ in released { break } }
                }
                let waiting = TenantDatabase.spillAfter
                let queued = (0..<waiting).map { _ in Task { try await database.withConnection(schema: schemas[0]) { try await pid($0) } } }
                while database.leasesWaiting < waiting { try await Task.sleep(for: .milliseconds(5)) }
                let spilled = try await database.withConnection(schema: schemas[0]) { try await pid($0) }
                release.yield()
                try await holder.value
                var afterQueue: [Int32] = []
                for task in queued { afterQueue.append(try await task.value) }
                group.cancelAll()
                // check
                #expect(backends.values.allSatisfy { $0.count == 1 }, "\(backends)")
                #expect(Set(backends.values.flatMap { $0 }).count > 1)
                #expect(held != other)
                #expect(spilled != held)
                #expect(afterQueue == Array(repeating: held, count: waiting))
            }
        }
    }

    /// A lease inside another of the same pool never waits on the
    /// connection its own task holds. A commune's inner lease would take
    /// the commune's connection, held by the outer one, and wait for good
    /// with any pool size: it gets another. With a pool of one there is no
    /// other, and it is refused at once, naming both places.
    @Test func leaseInsideALease_neverWaitsOnItself() async throws {
        try await withTestPlatform { platform in
            // setup
            let two = TenantDatabase(config: platform.config, poolSize: 2, recycleAfter: 0, logger: platform.logger)
            let one = TenantDatabase(config: platform.config, poolSize: 1, recycleAfter: 0, logger: platform.logger)
            let strict = TenantDatabase(config: platform.config, poolSize: 2, recycleAfter: 0, nestedLeases: .refused, logger: platform.logger)
            let schema = try SchemaName(communeCode: 14224)
            let logger = platform.logger
            @Sendable func pid(_ connection: UnitOfWork) async throws -> Int32 {
                try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first!.decode(Int32.self)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await two.run() }
                group.addTask { try await one.run() }
                group.addTask { try await strict.run() }
                // act: each case races a 20-second limit, so a lease that waits on itself fails here, not the run
                func within<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
                    try await withThrowingTaskGroup(of: T?.self) { race in
                        race.addTask { try await body() }
                        race.addTask { try await Task.sleep(for: .seconds(20)); return nil }
                        defer { race.cancelAll() }
                        return try await race.next()!
                    }
                }
                let pair = try await within {
                    try await two.withConnection(schema: schema) { connection in
                        (try await pid(connection), try await two.withConnection(schema: schema) { try await pid($0) })
                    }
                }
                let unnamed = try await within {
                    try await two.withConnection { connection in
                        (try await pid(connection), try await two.withTransaction { try await pid($0) })
                    }
                }
                let refused = try await within { () -> String in
                    do {
                        try await one.withConnection(schema: schema) { _ in try await one.withConnection { _ in } }
                        return "served"
                    } catch let error as TenantCoreError {
                        return error.code == .caller ? error.message : "\(error)"
                    }
                }
                let afterwards = try await within { try await one.withConnection(schema: schema) { try await pid($0) } }
                let refusedByStrict = try await within { () -> String in
                    do {
                        try await strict.withConnection { _ in try await strict.withTransaction(schema: schema) { _ in } }
                        return "served"
                    } catch let error as TenantCoreError {
                        return error.code == .caller ? error.message : "\(error)"
                    }
                }
                group.cancelAll()
                // check
                #expect(pair != nil, "the commune's inner lease waited on the outer one's connection")
                if let pair { #expect(pair.0 != pair.1) }
                #expect(unnamed != nil, "an inner lease naming no commune waited on the outer one")
                if let unnamed { #expect(unnamed.0 != unnamed.1) }
                #expect(refused?.contains("inside leases of every connection of the pool") == true, "\(refused ?? "waited for good")")
                #expect(refused?.contains("DatabaseTests.swift") == true, "names where the leases were asked for")
                #expect(afterwards != nil, "the pool of one serves the next lease")
                #expect(refusedByStrict?.contains("inside a lease of the same pool taken at TenantCoreTests/DatabaseTests.swift") == true, "\(refusedByStrict ?? "waited")")
            }
        }
    }

    /// Stopping the pool while leases run, queue and retry (and while a
    /// query cut short by the stop marks PostgreSQL lost, which replaced the
    /// pool with clients nobody would run): every lease ends, and so does
    /// `run()`. A lease left waiting once held up a host's shutdown forever.
    @Test func stoppingThePool_endsEveryLease() async throws {
        try await withTestPlatform { platform in
            // setup
            let database = TenantDatabase(config: platform.config, poolSize: 2, recycleAfter: 0, logger: platform.logger)
            let (ended, end) = AsyncStream.makeStream(of: String.self)
            let runner = Task {
                try? await database.run()
                end.yield("run")
            }
            let workers = 12
            for _ in 0..<workers {
                Task {
                    while true {
                        do {
                            try await database.withConnection(retryingReads: true) { connection in
                                _ = try await connection.query("SELECT pg_sleep(0.05)", logger: platform.logger).collect()
                            }
                        } catch {
                            break
                        }
                    }
                    end.yield("lease")
                }
            }
            while database.leasesInUse < 2 { try await Task.sleep(for: .milliseconds(5)) }
            // act
            runner.cancel()
            database.markAvailable(false)
            // A deadline far beyond the stop, so that a lease that waits
            // for ever fails this test instead of holding the run.
            Task {
                try? await Task.sleep(for: .seconds(30))
                end.finish()
            }
            var leases = 0
            var runEnded = false
            for await what in ended {
                if what == "run" { runEnded = true } else { leases += 1 }
                if runEnded && leases == workers { break }
            }
            // check
            #expect(runEnded, "run() did not return")
            #expect(leases == workers, "\(workers - leases) of \(workers) leases still waiting")
        }
    }

    /// Two communes served through one pooled connection, alternating: each
    /// read sees its own commune's rows only, through schema-qualified SQL
    /// and through a search_path set for the transaction alike.
    @Test func twoTenantsOnePooledConnection_neverSeeEachOthersRows() async throws {
        try await withTestPlatform(poolSize: 1) { platform in
            // setup
            try await platform.makeCommunes([(19774, "Phường Thuận An"), (19777, "Phường Hóa Châu")])
            let a = try SchemaName(communeCode: 19774)
            let b = try SchemaName(communeCode: 19777)
            let store = ContentStore(logger: platform.logger)
            for (schema, marker) in [(a, "MARKER-A"), (b, "MARKER-B")] {
                try await platform.database.withConnection { connection in
                    try await store.insert(Entry(sectionID: 4, title: "\(marker) tin", summary: marker), into: schema, on: connection)
                }
            }
            // act + check, alternating on the single connection
            for round in 0..<20 {
                let (schema, mine, theirs) = round % 2 == 0 ? (a, "MARKER-A", "MARKER-B") : (b, "MARKER-B", "MARKER-A")
                let page = try await platform.database.withConnection { connection in
                    try await store.list(schema, section: 4, page: 1, size: 50, now: Date(), on: connection)
                }
                #expect(page.items.map(\.summary) == [mine])
                let titles = try await platform.database.withTransaction(schema: schema) { connection in
                    try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: platform.logger)
                    var titles: [String] = []
                    for try await title in try await connection.query("SELECT title FROM entries", logger: platform.logger).decode(String.self) {
                        titles.append(title)
                    }
                    return titles
                }
                #expect(titles == ["\(mine) tin"])
                #expect(!titles.contains { $0.contains(theirs) })
            }
            let backends = try await platform.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            #expect(backends <= 1)
        }
    }

    /// A unit of work leased for one commune serves that commune only: its
    /// reads of another commune's tables, and a search_path
    /// for another, are refused before any SQL runs; platform work (leased
    /// for no commune) may name either.
    @Test func aCommunesUnitOfWork_refusesAnotherCommune() async throws {
        try await withTestPlatform(poolSize: 1) { platform in
            // setup
            try await platform.makeCommunes([(19774, "Phường Thuận An"), (19777, "Phường Hóa Châu")])
            let a = try SchemaName(communeCode: 19774)
            let b = try SchemaName(communeCode: 19777)
            let store = ContentStore(logger: platform.logger)
            // act + check
            let own = try await platform.database.withConnection(schema: a) { try await store.chrome(a, bodyOf: nil, on: $0) }
            #expect(own.sections.count == 16)
            await #expect(throws: TenantCoreError.self) {
                try await platform.database.withConnection(schema: a) { try await store.chrome(b, bodyOf: nil, on: $0) }
            }
            await #expect(throws: TenantCoreError.self) {
                try await platform.database.withConnection(schema: a) { connection in
                    try await TenantDatabase.setLocalSearchPath(b, on: connection, logger: platform.logger)
                }
            }
            let either = try await platform.database.withConnection { connection in
                (try await store.chrome(a, bodyOf: nil, on: connection), try await store.chrome(b, bodyOf: nil, on: connection))
            }
            #expect(either.0.sections.count == 16 && either.1.sections.count == 16)
        }
    }

    /// The home page's one statement reads what its two statements read:
    /// the same sections and footer, and the same four lists in the same order.
    @Test func homePage_readsWhatChromeAndHomeRead() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([(19774, "Phường Thuận An")])
            let schema = try SchemaName(communeCode: 19774)
            let store = ContentStore(logger: platform.logger)
            let now = Date()
            try await platform.database.withConnection { connection in
                for (section, count) in [(4, 8), (6, 7), (5, 6)] {
                    for number in 0..<count {
                        _ = try await store.insert(
                            Entry(sectionID: section, title: "Mục \(section)-\(number)", publishedAt: now.addingTimeInterval(Double(-number * 3600 - section))),
                            into: schema, on: connection)
                    }
                }
                for day in [2, 0, 1] {
                    var slot = Entry(sectionID: 5, kind: .schedule, title: "Lịch \(day)", publishedAt: now.addingTimeInterval(-60))
                    slot.startsAt = VietnamTime(now).startOfWeek.addingTimeInterval(Double(day) * 86_400 + 8 * 3600)
                    _ = try await store.insert(slot, into: schema, on: connection)
                }
            }
            let (apart, together) = try await platform.database.withConnection { connection in
                let chrome = try await store.chrome(schema, bodyOf: nil, on: connection)
                let home = try await store.home(schema, on: connection)
                return ((chrome.sections, chrome.site, home), try await store.homePage(schema, on: connection))
            }
            #expect(together.sections == apart.0 && !together.sections.isEmpty)
            #expect(together.site == apart.1)
            #expect(together.home.news == apart.2.news && together.home.news.count == 6)
            #expect(together.home.documents == apart.2.documents && together.home.documents.count == 5)
            #expect(together.home.direction == apart.2.direction && together.home.direction.count == 4)
            #expect(together.home.schedule == apart.2.schedule && together.home.schedule.map(\.title) == ["Lịch 0", "Lịch 1", "Lịch 2"])
        }
    }

    /// An article's page is one statement with its values bound, prepared
    /// by PostgresNIO per connection and commune: two communes whose
    /// articles share an id, alternating on one connection, each read their
    /// own article and related items, before and after it is prepared.
    @Test func articleStatements_bindTheirValues_andNeverCrossCommunes() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([(19774, "Phường Thuận An"), (19777, "Phường Hóa Châu")])
            let database = TenantDatabase(config: platform.config, poolSize: 1, recycleAfter: 0, preparedCommunes: 2, logger: platform.logger)
            let store = ContentStore(logger: platform.logger, statements: database.statements)
            let communes = try [(19774, "Thuận An"), (19777, "Hóa Châu")].map { (try SchemaName(communeCode: $0.0), $0.1) }
            var first: [SchemaName: Int64] = [:]
            for (schema, name) in communes {
                try await platform.database.withConnection { connection in
                    for number in 1...3 {
                        let id = try await store.insert(
                            Entry(sectionID: 4, title: "Tin \(number) của \(name)", publishedAt: Date().addingTimeInterval(Double(number - 10) * 3600)),
                            into: schema, on: connection)
                        if number == 1 { first[schema] = id }
                    }
                    _ = try await store.insert(Entry(sectionID: 4, status: .draft, title: "Nháp của \(name)"), into: schema, on: connection)
                }
            }
            #expect(first[communes[0].0] == first[communes[1].0], "the two communes' first articles share an id")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                for round in 0..<8 {
                    let (schema, name) = communes[round % 2]
                    let page = try await database.withConnection(schema: schema) { connection in
                        try await store.articlePageWithChrome(schema, slug: "tin-tuc", id: first[schema]!, now: Date(), on: connection)
                    }
                    #expect(page.site.publisher.contains(name) && page.sections.map(\.id) == page.sections.map(\.id).sorted() && page.sections.count >= 16)
                    #expect(page.entry?.title == "Tin 1 của \(name)", "round \(round)")
                    #expect(page.related.map(\.title) == ["Tin 3 của \(name)", "Tin 2 của \(name)"], "round \(round)")
                }
                // Another section's id, or a time before it was published, finds nothing.
                let (schema, _) = communes[0]
                let elsewhere = try await database.withConnection(schema: schema) { connection in
                    try await store.articlePageWithChrome(schema, slug: "van-ban", id: first[schema]!, now: Date(), on: connection)
                }
                #expect(elsewhere.entry == nil && !elsewhere.sections.isEmpty)
                let early = try await database.withConnection(schema: schema) { connection in
                    try await store.articlePageWithChrome(schema, slug: "tin-tuc", id: first[schema]!, now: Date().addingTimeInterval(-86_400), on: connection)
                }
                #expect(early.entry == nil && early.related.isEmpty)
                let prepared = try await database.withConnection { connection in
                    try await connection.query(
                        "SELECT name || ' ' || statement FROM pg_prepared_statements WHERE name LIKE '%articlepage' ORDER BY name", logger: platform.logger
                    ).collect().map { try $0.decode(String.self) }
                }
                #expect(prepared.map { String($0.prefix { $0 != " " }) } == ["c_19774__articlepage", "c_19777__articlepage"])
                for text in prepared {
                    let own = String(text.prefix(7))
                    #expect(text.contains("\"\(own)\".entries") && !text.contains(own == "c_19774" ? "c_19777" : "c_19774"), "\(text)")
                }
                #expect(database.statements.figures.reused > 0)
                group.cancelAll()
            }
        }
    }

    /// The home page's prepared statements, with three communes on one
    /// pooled connection that keeps the statements of two: a commune's
    /// statements are prepared the second time it is served, each commune
    /// reads its own rows only, each statement on the server names its own
    /// commune, the least recently served commune's statements are
    /// deallocated, and a write is seen by the next execution.
    @Test func preparedStatements_neverCrossCommunes_andStayWithinTheirBound() async throws {
        try await withTestPlatform { platform in
            // setup
            try await platform.makeCommunes([(19774, "Phường Thuận An"), (19777, "Phường Hóa Châu"), (19900, "Phường Kim Long")])
            let database = TenantDatabase(config: platform.config, poolSize: 1, recycleAfter: 0, preparedCommunes: 2, logger: platform.logger)
            let store = ContentStore(logger: platform.logger, statements: database.statements)
            let communes = try [(19774, "Thuận An"), (19777, "Hóa Châu"), (19900, "Kim Long")].map { (try SchemaName(communeCode: $0.0), $0.1) }
            for (schema, name) in communes {
                try await platform.database.withConnection { connection in
                    try await store.insert(Entry(sectionID: 4, title: "Tin riêng của \(name)"), into: schema, on: connection)
                }
            }
            func read(_ schema: SchemaName) async throws -> (news: [String], publisher: String, prepared: [String], backend: Int32) {
                try await database.withConnection(schema: schema) { connection in
                    let home = try await store.home(schema, on: connection)
                    let (_, site) = try await store.chrome(schema, bodyOf: nil, on: connection)
                    var prepared: [String] = []
                    let rows = try await connection.query(
                        "SELECT name, statement FROM pg_prepared_statements ORDER BY name", logger: platform.logger)
                    for try await (name, statement) in rows.decode((String, String).self) {
                        // Each statement reads the tables of the commune its name gives, and no other's.
                        let ownSchema = String(name[..<(name.range(of: "__")?.lowerBound ?? name.endIndex)])
                        #expect(statement.contains("\"\(ownSchema)\"."), "\(name): \(statement)")
                        for other in communes.map(\.0.rawValue) where other != ownSchema {
                            #expect(!statement.contains(other), "\(name) mentions \(other)")
                        }
                        prepared.append(name)
                    }
                    let backend = try await connection.query("SELECT pg_backend_pid()", logger: platform.logger).collect().first!.decode(Int32.self)
                    return (home.news.map(\.title), site.publisher, prepared, backend)
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                // act + check: A and B alternating on the one connection
                let (a, b, c) = (communes[0], communes[1], communes[2])
                var backends: Set<Int32> = []
                for round in 0..<10 {
                    let (schema, name) = round % 2 == 0 ? a : b
                    let seen = try await read(schema)
                    backends.insert(seen.backend)
                    #expect(seen.news.contains("Tin riêng của \(name)"))
                    #expect(!seen.news.contains { $0.hasPrefix("Tin riêng") && !$0.hasSuffix(name) }, "\(seen.news)")
                    #expect(seen.publisher.contains(name), "\(seen.publisher)")
                    let expected: [String] =
                        switch round {
                        case 0, 1: []  // first seen: unnamed
                        case 2: ["c_19774__chrome", "c_19774__home"]
                        default: ["c_19774__chrome", "c_19774__home", "c_19777__chrome", "c_19777__home"]
                        }
                    #expect(seen.prepared == expected, "round \(round)")
                }
                #expect(backends.count == 1)
                // A third commune: unnamed at first; prepared the second
                // time, when the least recently served (A) is deallocated.
                let third = try await read(c.0)
                #expect(third.news.contains("Tin riêng của Kim Long"))
                #expect(third.prepared == ["c_19774__chrome", "c_19774__home", "c_19777__chrome", "c_19777__home"])
                #expect(try await read(c.0).prepared == ["c_19777__chrome", "c_19777__home", "c_19900__chrome", "c_19900__home"])
                // A write is seen by the next execution of a kept statement.
                try await platform.database.withConnection { connection in
                    try await store.insert(Entry(sectionID: 4, title: "Tin mới của Kim Long"), into: c.0, on: connection)
                }
                #expect(try await read(c.0).news.first == "Tin mới của Kim Long")
                // A again: forgotten (C's reads pushed it out of the last
                // four statements run), so unnamed, then prepared afresh;
                // its own rows either way.
                let again = try await read(a.0)
                #expect(again.news.contains("Tin riêng của Thuận An") && !again.news.contains("Tin mới của Kim Long"))
                #expect(again.prepared == ["c_19777__chrome", "c_19777__home", "c_19900__chrome", "c_19900__home"])
                let prepared = try await read(a.0)
                #expect(prepared.news.contains("Tin riêng của Thuận An") && !prepared.news.contains("Tin mới của Kim Long"))
                #expect(prepared.prepared == ["c_19774__chrome", "c_19774__home", "c_19900__chrome", "c_19900__home"])
                let figures = database.statements.figures
                #expect(figures.prepared == 8 && figures.deallocated == 4 && figures.reused == 14, "\(figures)")
                group.cancelAll()
            }
        }
    }

    @Test func search_findsDiacriticsFromPlainLetters() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let schema = try SchemaName(communeCode: 19774)
            let store = ContentStore(logger: platform.logger)
            try await platform.database.withConnection { connection in
                try await store.insert(Entry(sectionID: 4, title: "Đoàn công tác huyện Hải Hậu thăm Đồng Hới", summary: "giao lưu"), into: schema, on: connection)
                try await store.insert(Entry(sectionID: 4, title: "Tin khác", summary: "không liên quan"), into: schema, on: connection)
            }
            for query in ["hai hau", "Hải Hậu", "HAI HAU", "dong hoi"] {
                let hits = try await platform.database.withConnection { connection in
                    try await store.search(schema, text: query, page: 1, size: 10, now: Date(), on: connection)
                }
                #expect(hits.items.map(\.title) == ["Đoàn công tác huyện Hải Hậu thăm Đồng Hới"], "query \(query)")
            }
        }
    }

    /// Hits come best first, then newest: a section's title before the
    /// items, items of equal rank by date, as the statement sorts them.
    @Test func search_ordersHitsByRankThenDate() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let schema = try SchemaName(communeCode: 19774)
            let store = ContentStore(logger: platform.logger)
            let now = Date()
            try await platform.database.withConnection { connection in
                for (offset, title) in ["Văn bản hội nghị ba", "Văn bản hội nghị một", "Văn bản hội nghị bốn", "Văn bản hội nghị hai"].enumerated() {
                    try await store.insert(
                        Entry(sectionID: 4, title: title, summary: "Tóm tắt", publishedAt: now.addingTimeInterval(Double(-offset) * 3_600)),
                        into: schema, on: connection)
                }
            }
            let hits = try await platform.database.withConnection { connection in
                try await store.search(schema, text: "văn bản", page: 1, size: 10, now: now, on: connection)
            }
            #expect(hits.total == hits.items.count && hits.items.count >= 5, "\(hits.items.map(\.title))")
            #expect(hits.items.first?.entryID == nil, "the section “Văn bản” first")
            let items = hits.items.filter { $0.entryID != nil }
            #expect(items.map(\.title) == ["Văn bản hội nghị ba", "Văn bản hội nghị một", "Văn bản hội nghị bốn", "Văn bản hội nghị hai"])
            // The second page goes on where the first stopped.
            let second = try await platform.database.withConnection { connection in
                try await store.search(schema, text: "văn bản", page: 2, size: 2, now: now, on: connection)
            }
            #expect(second.items.map(\.title) == Array(hits.items.dropFirst(2).prefix(2).map(\.title)))
        }
    }

    /// An editor's read of an entry carries every column (its form saves
    /// what it read): a result that leaves one out is refused. Only a
    /// public list's result may leave out what its page does not show.
    @Test func entryReads_refuseAMissingColumn_unlessListed() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let schema = try SchemaName(communeCode: 19774)
            let store = ContentStore(logger: platform.logger)
            try await platform.database.withConnection { connection in
                var procedure = Entry(sectionID: 7, kind: .procedure, title: "Thủ tục đăng ký khai sinh", summary: "Hộ tịch")
                procedure.fee = "Miễn phí"
                procedure.portalURL = "https://dichvucong.gov.vn"
                try await store.insert(procedure, into: schema, on: connection)
                let sql = "SELECT \(ContentStore.listedProcedureColumns) FROM \(schema.quoted).entries WHERE kind = 'procedure'"
                await #expect(throws: TenantCoreError.self) {
                    try await store.entries(connection.query(PostgresQuery(unsafeSQL: sql), logger: platform.logger))
                }
                let listed = try await store.entries(connection.query(PostgresQuery(unsafeSQL: sql), logger: platform.logger), listed: true)
                #expect(listed.map(\.fee) == ["Miễn phí"])
                #expect(listed.map(\.portalURL) == [nil] && listed.map(\.body) == [""])
            }
        }
    }

    /// ``Columns/of(_:from:listed:)`` reuses a result's resolved columns
    /// only for a result with the same names in the same order, from the
    /// same offset.
    @Test func resolvedColumns_areReusedOnlyForTheSameColumns() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            try await platform.database.withConnection { connection in
                func read(_ sql: String, from offset: Int = 0) async throws -> [Int] {
                    let row = try #require(try await connection.query(PostgresQuery(unsafeSQL: sql), logger: platform.logger).collect().first)
                    let c = Columns.of(row, from: offset)
                    return [try c("a", row.makeRandomAccess()), try c("b", row.makeRandomAccess())]
                }
                for _ in 0..<2 {
                    let inOrder = try await read("SELECT 1 AS a, 2 AS b")
                    #expect(inOrder == [1, 2])
                    let reordered = try await read("SELECT 2 AS b, 1 AS a")
                    #expect(reordered == [1, 2])
                    let wider = try await read("SELECT 1 AS a, 2 AS b, 3 AS c")
                    #expect(wider == [1, 2])
                    // The same names, another offset: the first `a` is not counted.
                    let afterOne = try await read("SELECT 9 AS a, 1 AS a, 2 AS b", from: 1)
                    #expect(afterOne == [1, 2])
                    let fromTheStart = try await read("SELECT 9 AS a, 1 AS a, 2 AS b")
                    #expect(fromTheStart == [9, 2])
                }
            }
        }
    }

    @Test func scheduledAndDraftEntries_stayHidden() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let schema = try SchemaName(communeCode: 19774)
            let store = ContentStore(logger: platform.logger)
            try await platform.database.withConnection { connection in
                try await store.insert(Entry(sectionID: 4, title: "Đã đăng"), into: schema, on: connection)
                try await store.insert(Entry(sectionID: 4, title: "Hẹn giờ", publishedAt: Date().addingTimeInterval(3600)), into: schema, on: connection)
                try await store.insert(Entry(sectionID: 4, status: .draft, title: "Nháp"), into: schema, on: connection)
            }
            let page = try await platform.database.withConnection { connection in
                try await store.list(schema, section: 4, page: 1, size: 10, now: Date(), on: connection)
            }
            #expect(page.items.map(\.title) == ["Đã đăng"])
            #expect(page.total == 1)
        }
    }

    /// `sslmode=require` is kept or the connection is not made: a TLS
    /// set-up that fails (an unreadable `sslrootcert`) refuses, and nothing
    /// goes out in clear text.
    @Test func requiredTLS_thatCannotBeSetUp_refusesTheConnection() async throws {
        // setup: the test server, over TCP
        let plain = try Self.testServerOverTCP()
        var brokenRoots = plain
        brokenRoots.sslMode = "require"
        brokenRoots.sslRootCertificate = "/nonexistent/commune-platform/ca.pem"
        // act + check: the server answers when asked in clear text…
        let reachable = try await TenantDatabase(config: plain, logger: TestEnvironment.logger).connect()
        try await reachable.close()
        // …and never when TLS was required and could not be set up.
        do {
            let connection = try await TenantDatabase(config: brokenRoots, logger: TestEnvironment.logger).connect()
            try? await connection.close()
            Issue.record("a connection was opened although its TLS could not be set up")
        } catch {
            #expect(error.code == .databaseUnavailable)
            #expect(error.message.contains("sslrootcert /nonexistent/commune-platform/ca.pem"), "\(error.message)")
        }
    }

    /// Against a server speaking TLS with a certificate from a private CA
    /// (`ops/test` turns TLS on and names the CA): a single connection and
    /// a pooled one go through TLS when `sslrootcert` names that CA, and
    /// refuse when it names another CA or when the system's store is
    /// trusted instead.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TEST_TLS_CA"] != nil, "ops/test turns TLS on"))
    func requiredTLS_checksTheServerAgainstItsRootCertificate() async throws {
        // setup
        let environment = ProcessInfo.processInfo.environment
        let plain = try Self.testServerOverTCP()
        var trusted = plain
        trusted.sslMode = "require"
        trusted.sslRootCertificate = try #require(environment["TEST_TLS_CA"])
        var otherCA = trusted
        otherCA.sslRootCertificate = try #require(environment["TEST_TLS_OTHER_CA"])
        var systemStore = trusted
        systemStore.sslRootCertificate = nil
        let logger = TestEnvironment.logger
        let overTLS: PostgresQuery = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        // act + check: one connection
        let single = try await TenantDatabase(config: trusted, logger: logger).connect()
        let singleTLS = try await single.query(overTLS, logger: logger).collect().first?.decode(Bool.self)
        try await single.close()
        #expect(singleTLS == true)
        for refused in [otherCA, systemStore] {
            await #expect(throws: TenantCoreError.self, "roots \(refused.sslRootCertificate ?? "of the system")") {
                let connection = try await TenantDatabase(config: refused, logger: logger).connect()
                try? await connection.close()
            }
        }
        // …and the pool
        let pool = TenantDatabase(config: trusted, poolSize: 1, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            let pooledTLS = try await pool.withConnection { connection in
                try await connection.query(overTLS, logger: logger).collect().first?.decode(Bool.self)
            }
            group.cancelAll()
            #expect(pooledTLS == true)
        }
    }

    static func testServerOverTCP() throws -> DatabaseConfig {
        let admin = try TestEnvironment.adminConfig()
        return DatabaseConfig(
            host: "127.0.0.1", port: admin.port, username: admin.username, password: admin.password,
            database: admin.database)
    }

    /// `sslrootcert` names the authorities to trust, by absolute path only;
    /// `verify-full` is what `require` already checks.
    @Test func databaseURL_readsTheTLSSettings() throws {
        let url = "postgres://app@db.hue.internal:5000/platform?sslmode=verify-full&sslrootcert=/etc/commune-platform/tls/ca.pem"
        let config = try DatabaseConfig(url: url)
        #expect(config.sslMode == "require")
        #expect(config.sslRootCertificate == "/etc/commune-platform/tls/ca.pem")
        #expect(try DatabaseConfig(url: "postgres://app@db.hue.internal/platform").sslMode == "prefer")
        #expect(throws: TenantCoreError.self) { try DatabaseConfig(url: "postgres://app@db/platform?sslrootcert=ca.pem") }
        #expect(throws: TenantCoreError.self) { try DatabaseConfig(url: "postgres://app@db/platform?sslmode=verify-ca") }
    }
}
