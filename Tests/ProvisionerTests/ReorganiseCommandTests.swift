import Foundation
import Testing
import TenantCore
import TestSupport

/// `provisioner reorganise` as an operator runs it: Nam Định (2024 list,
/// 175 communes) into Ninh Bình's 129 communes of the 2025 list, killed with
/// SIGKILL halfway and run again.
@Suite struct ReorganiseCommandTests {
    static let file2024 = TestEnvironment.dataFile("vn-admin-units-2024.csv")
    static let file2025 = TestEnvironment.dataFile("vn-admin-units-2025.csv")
    static let successors = TestEnvironment.dataFile("vn-admin-successors-2025.csv")

    @Test func killedMidApply_rerunFinishesWithNothingHalfMadeOrDuplicated() async throws {
        try await withTestPlatform(from: ImportTests.namDinh2024) { platform in
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants") == 175)
            let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: planFile) }
            let plan = try await CommandRunner.provisioner(
                ["reorganise", "plan", "--to", Self.file2025, "--successors", Self.successors, "--province", "37", "--out", planFile],
                databaseURL: platform.url)
            #expect(plan.status == 0, "\(plan.output)")
            #expect(plan.stderr.contains("Xã Hải Hưng (14248)"), "\(plan.stderr.prefix(2000))")
            #expect(plan.stderr.contains("domains: hainam.haihau.namdinh.gov.vn, hai-nam.hai-hau.nam-dinh.localhost → /luu-tru/hai-nam/"), "\(plan.stderr.prefix(2000))")

            // act: kill -9 once 10 new communes exist
            let afterKill = try await platform.killHalfway(
                ["provisioner", "reorganise", "apply", planFile, "--jobs", "2"],
                gate: "platform.units", after: "INSERT", count: "SELECT count(*) FROM platform.units WHERE list = 2025 AND level = 'commune'", reaches: 10)
            #expect(afterKill >= 10)
            #expect(afterKill < 129, "apply finished before it could be killed")
            // Whatever was committed is whole: each new commune with its site, each archive with its successor.
            #expect(try await platform.halfMadeCommunes() == [])
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units u LEFT JOIN platform.tenants t ON t.unit_id = u.id WHERE u.list = 2025 AND u.level = 'commune' AND t.unit_id IS NULL") == 0)

            // act: run it again, then once more
            let rerun = try await CommandRunner.provisioner(["reorganise", "apply", planFile], databaseURL: platform.url)
            #expect(rerun.status == 0, "\(rerun.output)")
            #expect(rerun.stdout.contains("already there \(afterKill)"), "\(rerun.stdout)")
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE list = 2025 AND level = 'commune'") == 129)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants WHERE successor_id IS NOT NULL") == 175)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE list = 2024 AND valid_until IS NULL") == 0)
            #expect(try await platform.halfMadeCommunes() == [])
            let again = try await CommandRunner.provisioner(["reorganise", "apply", planFile], databaseURL: platform.url)
            #expect(again.status == 0)
            #expect(again.stdout.contains("new communes created 0, already there 129, old communes archived 0"), "\(again.stdout)")
        }
    }
}
