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

    /// A name typed in the console reaches the starter pages as text.
    @Test func communeName_isEscapedInTheStarterPages() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([(99901, "Xã <img src=x onerror=alert(1)> & Thử")])
            let bodies = try await platform.strings("SELECT body FROM c_99901.sections WHERE body <> '' ORDER BY id")
            #expect(bodies.count == 4)
            #expect(bodies.allSatisfy { $0.contains("&lt;img src=x onerror=alert(1)&gt; &amp; Thử") && !$0.contains("<img") })
        }
    }

    @Test func withTenant_setsSearchPathOnlyForTheTransaction() async throws {
        try await withTestPlatform(poolSize: 1) { platform in
            // setup
            try await platform.makeCommunes([(19774, "Phường Thuận An")])
            let schema = try SchemaName(communeCode: 19774)
            // act
            let inside = try await platform.database.withTenant(schema) { connection in
                try await connection.query("SHOW search_path", logger: platform.logger).collect().first?.decode(String.self)
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

    /// Two communes served through one pooled connection, alternating: each
    /// read sees its own commune's rows only, through schema-qualified SQL
    /// and through `withTenant`'s search_path alike.
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
                let titles = try await platform.database.withTenant(schema) { connection in
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
}
