import Foundation
import Testing
import TestSupport
@testable import TenantCore

@Suite struct ImportTests {
    static let file2024 = TestEnvironment.dataFile("vn-admin-units-2024.csv")
    static let file2025 = TestEnvironment.dataFile("vn-admin-units-2025.csv")

    /// Nam Định from the 2024 list (175 communes under 10 districts),
    /// imported once per test process by `provisioner import` as an operator
    /// runs it; its exit status and output are kept in the database
    /// (`public.import_output`) for the import test. The reorganisation test
    /// starts from it too.
    static let namDinh2024 = TestFixture("namdinh2024") { platform in
        let result = try await CommandRunner.provisioner(["import", Self.file2024, "--province", "36", "--jobs", "2"], databaseURL: platform.url)
        try await platform.execute("CREATE TABLE public.import_output (status int NOT NULL, output text NOT NULL)")
        try await platform.execute(
            "INSERT INTO public.import_output VALUES (\(result.status), '\(result.output.replacingOccurrences(of: "'", with: "''"))')")
    }

    @Test func importRealProvinceFromEachList_createsCompleteCommunes() async throws {
        try await withTestPlatform(from: Self.namDinh2024) { platform in
            // act: Nam Định (2024) was imported by the fixture; now Huế (2025)
            let b = try await CommandRunner.provisioner(["import", Self.file2025, "--province", "46"], databaseURL: platform.url)
            // check
            #expect(try await platform.scalar("SELECT status FROM public.import_output") == 0)
            let a = try await platform.strings("SELECT output FROM public.import_output").joined()
            #expect(a.contains("created 185, unchanged 0, failed 0"), "\(a)")
            #expect(b.status == 0, "\(b.output)")
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants") == 215)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE level = 'district'") == 9)
            #expect(try await platform.halfMadeCommunes() == [])
            // Nam Định keeps its districts; Huế's communes hang under the province.
            let parent2024 = try await platform.strings(
                "SELECT p.level || ' ' || p.name FROM platform.units u JOIN platform.units p ON p.id = u.parent_id WHERE u.level = 'commune' AND u.code = 14224")
            #expect(parent2024 == ["district Huyện Hải Hậu"])
            let parent2025 = try await platform.strings(
                "SELECT DISTINCT p.level || ' ' || p.name FROM platform.units u JOIN platform.units p ON p.id = u.parent_id JOIN platform.tenants t ON t.unit_id = u.id WHERE p.code = 46")
            #expect(parent2025 == ["province Thành phố Huế"])
            let hosts = try await platform.strings(
                "SELECT host FROM platform.domains d JOIN platform.units u ON u.id = d.tenant_id WHERE u.code = 14224 ORDER BY role")
            #expect(hosts == ["hai-nam.hai-hau.nam-dinh.localhost", "hainam.haihau.namdinh.gov.vn"])
            let sections = try await platform.strings("SELECT slug || ':' || legal_basis FROM c_14224.sections ORDER BY position")
            #expect(sections.count == 16)
            #expect(sections.allSatisfy { $0.split(separator: ":", maxSplits: 1).last?.isEmpty == false })
        }
    }

    @Test func rerunningAnImport_changesNothingAndSaysSo() async throws {
        try await withTestPlatform { platform in
            // setup
            let first = try await CommandRunner.provisioner(["import", Self.file2025, "--province", "46"], databaseURL: platform.url)
            #expect(first.status == 0, "\(first.output)")
            let before = try await platform.fingerprint()
            // act
            let again = try await CommandRunner.provisioner(["import", Self.file2025, "--province", "46"], databaseURL: platform.url)
            // check
            #expect(again.status == 0)
            #expect(again.stdout.contains("nothing to do: all 40 communes"))
            #expect(try await platform.fingerprint() == before)
        }
    }

    @Test func killedMidImport_rerunFinishesWithNothingHalfMade() async throws {
        try await withTestPlatform { platform in
            // setup: Bạc Liêu, 64 communes in the 2024 list
            let total = 64
            // act: kill it once 15 communes exist
            let afterKill = try await platform.killHalfway(
                ["provisioner", "import", Self.file2024, "--province", "95", "--jobs", "2"],
                gate: "platform.tenants", after: "INSERT", count: "SELECT count(*) FROM platform.tenants", reaches: 15)
            // check: whatever got committed is whole
            #expect(afterKill >= 15)
            #expect(afterKill < total, "the import finished before it could be killed")
            #expect(try await platform.halfMadeCommunes() == [])
            // act: run it again
            let rerun = try await CommandRunner.provisioner(["import", Self.file2024, "--province", "95"], databaseURL: platform.url)
            // check
            #expect(rerun.status == 0, "\(rerun.output)")
            #expect(rerun.stderr.contains("communes (\(afterKill) already there)"), "\(rerun.stderr)")
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants") == total)
            #expect(try await platform.scalar("SELECT count(*) FROM (SELECT code FROM platform.units GROUP BY level, code HAVING count(*) > 1) d") == 0)
            #expect(try await platform.halfMadeCommunes() == [])
        }
    }

    @Test func listClashingWithTheCatalogue_isRefusedBeforeAnyChange() async throws {
        try await withTestPlatform { platform in
            // setup: commune 19900 (Phường Thuận An in the 2025 list) exists under another name
            try await platform.makeCommunes([(19900, "Phường Thuận An Cũ")])
            let before = try await platform.fingerprint()
            // act
            let result = try await CommandRunner.provisioner(["import", Self.file2025, "--province", "46"], databaseURL: platform.url)
            // check
            #expect(result.status == 3)
            #expect(result.stderr.contains("commune 19900 \"Phường Thuận An\" is already in the catalogue as \"Phường Thuận An Cũ\""))
            #expect(result.stderr.contains("nothing was changed"))
            #expect(try await platform.fingerprint() == before)
        }
    }
}

@Suite struct BadInputTests {
    func expectRefused(
        _ arguments: [String], status: Int32, message: String, in platform: TestPlatform, url: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await platform.fingerprint()
        let result = try await CommandRunner.provisioner(arguments, databaseURL: url ?? platform.url)
        #expect(result.status == status, "\(arguments): \(result.output)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(try await platform.fingerprint() == before, "\(arguments) changed the catalogue", sourceLocation: sourceLocation)
    }

    func writeCSV(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func csvWithMissingColumn() async throws {
        try await withTestPlatform { platform in
            let file = try self.writeCSV("province_code,province_name,commune_code\n46,Thành phố Huế,19774\n")
            try await self.expectRefused(["import", file], status: 2, message: "missing column commune_name", in: platform)
        }
    }

    @Test func csvWithBrokenRow_namesTheLine() async throws {
        try await withTestPlatform { platform in
            let file = try self.writeCSV(
                "province_code,province_name,commune_code,commune_name\n46,Thành phố Huế,19774,Phường Thuận An\n46,Thành phố Huế,xyz,Phường Hóa Châu\n")
            try await self.expectRefused(["import", file], status: 2, message: ":3: commune_code must be a positive whole number", in: platform)
        }
    }

    @Test func unknownParent() async throws {
        try await withTestPlatform { platform in
            try await self.expectRefused(
                ["commune", "add", "99999", "Xã Thử", "--district", "4242"], status: 4,
                message: "district 4242 is not in the catalogue", in: platform)
        }
    }

    @Test func duplicateAndMalformedDomains() async throws {
        try await withTestPlatform(from: .communes([(19774, "Phường Thuận An"), (19777, "Phường Hóa Châu")])) { platform in
            try await self.expectRefused(
                ["domain", "add", "ThuanAn.Hue.gov.vn", "--commune", "19777"], status: 3,
                message: "host thuanan.hue.gov.vn already belongs to commune 19774", in: platform)
            try await self.expectRefused(
                ["domain", "add", "bad host!", "--commune", "19777"], status: 2, message: "is not a valid host name", in: platform)
            try await self.expectRefused(
                ["domain", "add", "localhost", "--commune", "19777"], status: 2, message: "needs at least two labels", in: platform)
            try await self.expectRefused(
                ["domain", "remove", "thuanan.hue.gov.vn"], status: 3, message: "make another host primary first", in: platform)
        }
    }

    @Test func invalidCodes() async throws {
        try await withTestPlatform { platform in
            try await platform.makeCommunes([])
            try await self.expectRefused(
                ["commune", "add", "0", "Xã Không", "--province", "46"], status: 2, message: "invalid commune code 0", in: platform)
            try await self.expectRefused(
                ["commune", "add", "abc", "Xã Chữ", "--province", "46"], status: 64, message: "abc", in: platform)
            try await self.expectRefused(
                ["commune", "add", "123", "Xã Hai Cha", "--province", "46", "--district", "1"], status: 64,
                message: "give exactly one parent", in: platform)
        }
    }

    @Test func wrongDatabaseURL() async throws {
        try await withTestPlatform { platform in
            try await self.expectRefused(
                ["status"], status: 5, message: "cannot connect to postgres@127.0.0.1:1/nothing", in: platform,
                url: "postgres://postgres@127.0.0.1:1/nothing")
            try await self.expectRefused(
                ["status"], status: 2, message: "DATABASE_URL must look like postgres://", in: platform, url: "mysql://x")
            try await self.expectRefused(
                ["status"], status: 5, message: "database does not exist",
                in: platform, url: "postgres://\(platform.config.username)@127.0.0.1:\(platform.config.port)/no_such_db")
        }
    }
}
