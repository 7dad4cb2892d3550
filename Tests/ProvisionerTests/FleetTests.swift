import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// A copy of sql/ with one more tenant migration, as a developer adds one.
func sqlDirectory(withExtraTenantMigration sql: String) throws -> String {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("sql-\(UUID().uuidString)")
    try fm.copyItem(at: TestEnvironment.repositoryRoot.appendingPathComponent("sql"), to: dir)
    let next = try MigrationSet.load(from: dir.path).tenantVersion + 1
    let name = String(format: "%04d_test_addition.sql", next)
    try sql.write(to: dir.appendingPathComponent("tenant/\(name)"), atomically: true, encoding: .utf8)
    return dir.path
}

@Suite struct FleetMigrationTests {
    /// Điện Biên and Huế from the 2025 list, imported once per test process.
    static let twoProvinces = TestFixture("dienbienhue2025") { platform in
        let list = try AdminList.read(path: TestEnvironment.dataFile("vn-admin-units-2025.csv")).only(provinces: [46, 11])
        _ = try await platform.provisioning.execute(try await platform.provisioning.plan(list), jobs: 2) { _ in }
    }

    @Test func newTenantMigration_reachesEverySchema_andRerunIsANoop() async throws {
        try await withTestPlatform(from: Self.twoProvinces) { platform in
            // setup: 60 communes at the current version
            let count = try await platform.scalar("SELECT count(*) FROM platform.tenants")
            #expect(count > 60)
            let dir = try sqlDirectory(withExtraTenantMigration: "ALTER TABLE entries ADD COLUMN test_note text;\nCREATE INDEX entries_test_note ON entries (test_note);")
            let newer = try MigrationSet.load(from: dir)
            // check: status says they lag
            let status = try await CommandRunner.provisioner(["status", "--lagging", "--json"], databaseURL: platform.url, environment: ["PLATFORM_SQL_DIR": dir])
            #expect(status.status == 0)
            #expect(status.stdout.contains("\"lagging\" : \(count)"))
            // act
            let migrate = try await CommandRunner.provisioner(["migrate", "--jobs", "2"], databaseURL: platform.url, environment: ["PLATFORM_SQL_DIR": dir])
            // check
            #expect(migrate.status == 0, "\(migrate.output)")
            #expect(migrate.stdout.contains("migrated \(count) schema(s) to version \(newer.tenantVersion)"))
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants WHERE schema_version = \(newer.tenantVersion)") == count)
            #expect(try await platform.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name = 'test_note' AND table_name = 'entries'") == count)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.schema_migrations WHERE version = \(newer.tenantVersion) AND schema_name <> 'platform'") == count)
            let again = try await CommandRunner.provisioner(["migrate"], databaseURL: platform.url, environment: ["PLATFORM_SQL_DIR": dir])
            #expect(again.status == 0)
            #expect(again.stdout.contains("nothing to do"))
            // New communes are created at the newer version directly.
            let provisioning = CommuneProvisioning(database: platform.database, migrations: newer, logger: platform.logger)
            let spec = try await provisioning.spec(code: 99_001, name: "Xã Mới", parentLevel: .province, parentCode: 46)
            #expect(try await provisioning.createCommune(spec).0.schemaVersion == newer.tenantVersion)
            #expect(try await platform.halfMadeCommunes() == [])
        }
    }

    @Test func killedMidMigration_rerunFinishes() async throws {
        try await withTestPlatform(from: Self.twoProvinces) { platform in
            // setup: Điện Biên and Huế
            let total = try await platform.scalar("SELECT count(*) FROM platform.tenants")
            let dir = try sqlDirectory(withExtraTenantMigration: "ALTER TABLE site ADD COLUMN test_flag boolean NOT NULL DEFAULT false;")
            let version = try MigrationSet.load(from: dir).tenantVersion
            // act: kill it once 10 schemas are migrated
            let done = try await platform.killHalfway(
                ["provisioner", "migrate", "--jobs", "2"], environment: ["PLATFORM_SQL_DIR": dir],
                gate: "platform.tenants", after: "UPDATE", count: "SELECT count(*) FROM platform.tenants WHERE schema_version = \(version)", reaches: 10)
            #expect(done >= 10 && done < total)
            // Each schema is whole: version recorded exactly where the column exists.
            let columns = try await platform.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name = 'test_flag'")
            #expect(columns == done)
            let rerun = try await CommandRunner.provisioner(["migrate", "--jobs", "2"], databaseURL: platform.url, environment: ["PLATFORM_SQL_DIR": dir])
            // check
            #expect(rerun.status == 0, "\(rerun.output)")
            #expect(rerun.stdout.contains("migrated \(total - done) schema(s)"))
            #expect(try await platform.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name = 'test_flag'") == total)
        }
    }
}

@Suite struct LifecycleTests {
    @Test func exportDeleteRestore_keepsEveryRow() async throws {
        try await withTestPlatform { platform in
            // setup: a commune with content
            let record = try await platform.makeCommunes([(19774, "Phường Thuận An")])[0]
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: ["thuanan.hue.gov.vn"], on: connection)
            }
            _ = try await platform.provisioning.addDomain("www.thuanan.hue.gov.vn", code: 19774, role: .redirect)
            let rowsBefore = try await platform.dump(schema: "c_19774")
            let catalogueBefore = try await platform.strings(
                "SELECT concat_ws(' ', u.code, u.name, u.slug, t.status, t.schema_version, t.content_version) FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id")
            let hostsBefore = try await platform.strings("SELECT host || ' ' || role FROM platform.domains ORDER BY host")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("c19774-\(UUID().uuidString).json").path
            // Deleting before any export is refused.
            let early = try await CommandRunner.provisioner(["commune", "delete", "19774"], databaseURL: platform.url)
            #expect(early.status == 3)
            #expect(early.stderr.contains("has no export of its current content"))
            // act
            let export = try await CommandRunner.provisioner(["commune", "export", "19774", "--out", file], databaseURL: platform.url)
            #expect(export.status == 0, "\(export.output)")
            let delete = try await CommandRunner.provisioner(["commune", "delete", "19774"], databaseURL: platform.url)
            #expect(delete.status == 0, "\(delete.output)")
            #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.domains") == 0)
            let restore = try await CommandRunner.provisioner(["commune", "restore", file], databaseURL: platform.url)
            // check
            #expect(restore.status == 0, "\(restore.output)")
            #expect(try await platform.dump(schema: "c_19774") == rowsBefore)
            #expect(try await platform.strings("SELECT host || ' ' || role FROM platform.domains ORDER BY host") == hostsBefore)
            let catalogueAfter = try await platform.strings(
                "SELECT concat_ws(' ', u.code, u.name, u.slug, t.status, t.schema_version, t.content_version - 1) FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id")
            #expect(catalogueAfter == catalogueBefore)
            #expect(try await platform.halfMadeCommunes() == [])
            // New entries continue after the restored ids.
            let id = try await platform.database.withConnection { connection in
                try await ContentStore(logger: platform.logger).insert(Entry(sectionID: 4, title: "Sau khi khôi phục"), into: SchemaName(communeCode: 19774), on: connection)
            }
            #expect(id > (try await platform.scalar("SELECT max(id) FROM c_19774.entries WHERE title <> 'Sau khi khôi phục'")))
            // Restoring over an existing commune is refused.
            let twice = try await CommandRunner.provisioner(["commune", "restore", file], databaseURL: platform.url)
            #expect(twice.status == 3)
        }
    }

    /// A file's numbers and dates come from outside: a header that promises
    /// an impossible row count, or a date no page can render, is refused
    /// and nothing is restored.
    @Test func restore_refusesImpossibleCountsAndDates() async throws {
        try await withTestPlatform { platform in
            let record = try await platform.makeCommunes([(19774, "Phường Thuận An")])[0]
            try await platform.database.withConnection { connection in
                _ = try await SampleContent(logger: platform.logger).add(to: record, hosts: ["thuanan.hue.gov.vn"], on: connection)
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("c19774-\(UUID().uuidString).json").path
            #expect(try await CommandRunner.provisioner(["commune", "export", "19774", "--out", file], databaseURL: platform.url).status == 0)
            #expect(try await CommandRunner.provisioner(["commune", "delete", "19774"], databaseURL: platform.url).status == 0)
            let original = try String(contentsOfFile: file, encoding: .utf8)
            func tampered(_ pattern: String, _ replacement: String) throws -> String {
                let regex = try NSRegularExpression(pattern: pattern)
                let range = try #require(regex.firstMatch(in: original, range: NSRange(original.startIndex..., in: original))?.range)
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json").path
                try (original as NSString).replacingCharacters(in: range, with: replacement).write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            for (pattern, replacement) in [
                (#""published_at": *"[^"]*""#, #""published_at":"infinity""#),
                (#""published_at": *"[^"]*""#, #""published_at":"0900-01-01T00:00:00+00:00""#),
                (#""row_counts": *\{"#, #""row_counts":{"x":9223372036854775807,"#),
            ] {
                let bad = try tampered(pattern, replacement)
                let refused = try await CommandRunner.provisioner(["commune", "restore", bad], databaseURL: platform.url)
                #expect(refused.status == 2, "\(replacement): \(refused.output)")
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'") == 0)
                #expect(try await platform.halfMadeCommunes() == [])
            }
            #expect(try await CommandRunner.provisioner(["commune", "restore", file], databaseURL: platform.url).status == 0)
        }
    }

    @Test func deleteAfterContentChanged_needsAFreshExport() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let record = try await platform.record(19774)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("c-\(UUID().uuidString).json").path
            _ = try await platform.provisioning.export(code: 19774, to: file)
            try await platform.database.withConnection { connection in
                _ = try await Catalogue(logger: platform.logger).touchContent(tenantID: record.unitID, on: connection)
            }
            let before = try await platform.fingerprint()
            let result = try await CommandRunner.provisioner(["commune", "delete", "19774"], databaseURL: platform.url)
            #expect(result.status == 3)
            #expect(try await platform.fingerprint() == before)
        }
    }

    @Test func suspendResumeArchive_changeStatus() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An")])) { platform in
            let suspend = try await CommandRunner.provisioner(["commune", "suspend", "19774", "--note", "Bảo trì"], databaseURL: platform.url)
            #expect(suspend.status == 0)
            #expect(try await platform.strings("SELECT status || ' ' || status_note FROM platform.tenants") == ["suspended Bảo trì"])
            _ = try await CommandRunner.provisioner(["commune", "archive", "19774"], databaseURL: platform.url)
            #expect(try await platform.strings("SELECT status FROM platform.tenants") == ["archived"])
            _ = try await CommandRunner.provisioner(["commune", "resume", "19774"], databaseURL: platform.url)
            #expect(try await platform.strings("SELECT status FROM platform.tenants") == ["active"])
            let missing = try await CommandRunner.provisioner(["commune", "suspend", "424242"], databaseURL: platform.url)
            #expect(missing.status == 4)
        }
    }
}
