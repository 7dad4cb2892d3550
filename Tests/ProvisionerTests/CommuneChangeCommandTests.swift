import Foundation
import Testing
import TenantCore
import TestSupport

/// `provisioner commune merge|divide|rename|move` as an operator types them.
@Suite struct CommuneChangeCommandTests {
    @Test func changes_reportWhatTheyDid_andRefuseBadInputWithItsExitCode() async throws {
        try await withTestPlatform { platform in
            let p = platform.provisioning
            _ = try await p.ensureUnit(try p.unitSpec(level: .province, code: 37, name: "Tỉnh Ninh Bình", parentCode: nil, slug: nil, portalURL: nil))
            _ = try await p.ensureUnit(try p.unitSpec(level: .province, code: 46, name: "Thành phố Huế", parentCode: nil, slug: nil, portalURL: nil))
            for (code, name) in [(14224, "Xã Hải Hưng"), (14233, "Xã Hải Minh"), (14001, "Xã Giao Thủy"), (14002, "Xã Giao Hòa"), (14003, "Xã Giao Phúc")] {
                _ = try await p.createCommune(try await p.spec(code: code, name: name, parentLevel: .province, parentCode: 37))
            }
            func run(_ arguments: [String]) async throws -> CommandResult {
                try await CommandRunner.provisioner(arguments, databaseURL: platform.url)
            }

            let itself = try await run(["commune", "merge", "14224", "--into", "14224"])
            #expect(itself.status == 2)
            #expect(itself.stderr.contains("cannot be merged into itself"), "\(itself.output)")
            let unknown = try await run(["commune", "merge", "99999", "--into", "14224"])
            #expect(unknown.status == 4, "\(unknown.output)")
            let badDay = try await run(["commune", "merge", "14233", "--into", "14224", "--last-day", "30/11/2026"])
            #expect(badDay.status == 2 && badDay.stderr.contains("--last-day"), "\(badDay.output)")

            let merged = try await run(["commune", "merge", "14233", "--into", "14224"])
            #expect(merged.status == 0, "\(merged.output)")
            #expect(merged.stdout.contains("14233 merged into 14224"))
            let again = try await run(["commune", "merge", "14233", "--into", "14224"])
            #expect(again.status == 0 && again.stdout.contains("unchanged"), "\(again.output)")

            let divided = try await run(["commune", "divide", "14001", "--into", "14002", "--into", "14003", "--primary", "14002"])
            #expect(divided.status == 0, "\(divided.output)")
            let renamed = try await run(["commune", "rename", "14224", "Xã Hải Hưng Mới"])
            #expect(renamed.status == 0, "\(renamed.output)")
            #expect(renamed.stdout.contains("haihungmoi.ninhbinh.gov.vn"))
            let moved = try await run(["commune", "move", "14224", "--province", "46"])
            #expect(moved.status == 0, "\(moved.output)")
            #expect(moved.stdout.contains("haihungmoi.hue.gov.vn"))
            let noParent = try await run(["commune", "move", "14224"])
            #expect(noParent.status == 64, "\(noParent.output)")
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action LIKE 'commune.%'") == 4)
        }
    }
}
