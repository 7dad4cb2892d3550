import Foundation
import Testing
import TestSupport
@testable import TenantCore

@Suite struct AccountsTests {
    @Test func scope_followsTheHierarchy() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            let snapshot = try await TenantDirectory().reload(from: platform.database)
            func tenant(_ code: Int) -> Tenant { snapshot.tenants.values.first { $0.code == code }! }
            let editor = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            let district = try await accounts.createUser(username: "huyen.a", displayName: "H", password: "mat-khau-dai-du", role: .district, scope: (.district, 366))
            let assigned = try await accounts.createUser(username: "tinh.giao", displayName: "G", password: "mat-khau-dai-du", role: .district, scope: (.province, 46), communes: [19900])
            let operatorOfAll = try await accounts.createUser(username: "quantri", displayName: "Q", password: "mat-khau-dai-du", role: .platform, scope: nil)
            let operatorOfHue = try await accounts.createUser(username: "quantri.hue", displayName: "Q", password: "mat-khau-dai-du", role: .province, scope: (.province, 46))
            #expect(editor.mayManage(tenant(14224)) && !editor.mayManage(tenant(14233)))
            #expect(district.mayManage(tenant(14224)) && district.mayManage(tenant(14233)) && !district.mayManage(tenant(19900)))
            #expect(assigned.mayManage(tenant(19900)) && !assigned.mayManage(tenant(19774)) && !assigned.mayManage(tenant(14224)))
            #expect([14224, 14233, 19900, 19774].allSatisfy { operatorOfAll.mayManage(tenant($0)) })
            #expect(operatorOfHue.mayManage(tenant(19774)) && !operatorOfHue.mayManage(tenant(14224)))
            // Bad accounts are refused with nothing created.
            await #expect(throws: TenantCoreError.self) {
                try await accounts.createUser(username: "X", displayName: "x", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            }
            await #expect(throws: TenantCoreError.self) {
                try await accounts.createUser(username: "ngan", displayName: "x", password: "ngan", role: .editor, scope: (.commune, 14224))
            }
            await #expect(throws: TenantCoreError.self) {
                try await accounts.createUser(username: "sai.pham.vi", displayName: "x", password: "mat-khau-dai-du", role: .editor, scope: (.district, 366))
            }
            await #expect(throws: TenantCoreError.self) {
                try await accounts.createUser(username: "bt.a", displayName: "x", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            }
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users") == 5)
        }
    }

    /// A change made by a staff member and its audit entry are one
    /// transaction: when the entry cannot be written, nothing changed.
    @Test func changesAndTheirAuditEntries_commitTogether() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            let admin = try await accounts.createUser(
                username: "tinh.hue", displayName: "Tỉnh", password: "mat-khau-dai-du", role: .province, scope: (.province, 46), by: .provisioner)
            let actor = AuditActor.staff(admin, address: "10.9.0.1")
            let editor = try await accounts.createUser(
                username: "bt.hue", displayName: "B", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 19900), by: actor)
            _ = try await platform.provisioning.setStatus(code: 19774, to: .suspended, note: "Kiểm tra", by: actor)
            _ = try await platform.provisioning.addDomain("www.thuanan.hue.gov.vn", code: 19900, role: .redirect, by: actor)
            try await accounts.setActive(userID: editor.id, false, by: actor)
            #expect(try await platform.scalar("""
                SELECT count(*) FROM platform.audit_log WHERE username = 'tinh.hue' AND address = '10.9.0.1' AND (
                    (action = 'user.create' AND detail = 'bt.hue (editor)' AND commune_code = 19900)
                    OR (action = 'commune.status' AND detail = 'suspended: Kiểm tra' AND commune_code = 19774)
                    OR (action = 'domain.add' AND detail = 'www.thuanan.hue.gov.vn (redirect)')
                    OR (action = 'user.lock' AND detail = 'bt.hue' AND commune_code = 19900))
                """) == 4)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE username = 'provisioner' AND action = 'user.create'") == 1)
            // act: the audit log refuses the next entries
            try await platform.execute("ALTER TABLE platform.audit_log ADD CONSTRAINT refuse CHECK (address <> '10.9.0.1') NOT VALID")
            await #expect(throws: TenantCoreError.self) { _ = try await platform.provisioning.setStatus(code: 19774, to: .active, by: actor) }
            await #expect(throws: TenantCoreError.self) { try await accounts.setActive(userID: editor.id, true, by: actor) }
            await #expect(throws: TenantCoreError.self) { try await platform.provisioning.removeDomain("thuanan.hue.gov.vn.example", by: actor) }
            // check: none of those changes happened
            #expect(try await platform.scalar("SELECT count(*) FROM platform.tenants WHERE status = 'suspended'") == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.users WHERE username = 'bt.hue' AND active") == 0)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.domains WHERE host = 'www.thuanan.hue.gov.vn'") == 1)
        }
    }

    @Test func addressThrottle_coversEveryAccountFromThatAddress() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            var accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            accounts.addressLimit = 3
            _ = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            for name in ["x1", "x2", "x3"] {
                #expect(try await accounts.authenticate(username: name, password: "sai", address: "10.0.0.9") == .failure(.wrongCredentials))
            }
            #expect(try await accounts.authenticate(username: "bt.a", password: "mat-khau-dai-du", address: "10.0.0.9") == .failure(.addressLocked(minutes: 15)))
            if case .success(let user) = try await accounts.authenticate(username: "bt.a", password: "mat-khau-dai-du", address: "10.0.0.10") {
                #expect(user.username == "bt.a")
            } else {
                Issue.record("another address is not locked")
            }
        }
    }

    @Test func sessions_expireAndEnd() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            var accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            let user = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            let (token, csrf) = try await accounts.startSession(for: user, address: "127.0.0.1")
            #expect(try await accounts.session(token: token)?.csrf == csrf)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.sessions WHERE token_hash = sha256(convert_to('\(token)', 'UTF8'))") == 1)
            #expect(try await platform.strings("SELECT encode(token_hash, 'hex') FROM platform.sessions").first != token, "only a hash is stored")
            try await accounts.endSession(token: token)
            #expect(try await accounts.session(token: token) == nil)
            accounts.sessionLifetime = .seconds(1)
            let (short, _) = try await accounts.startSession(for: user, address: "127.0.0.1")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await accounts.session(token: short) == nil)
            try await accounts.setActive(userID: user.id, false)
            #expect(try await accounts.authenticate(username: "bt.a", password: "mat-khau-dai-du", address: "1.1.1.1") == .failure(.wrongCredentials))
        }
    }

    @Test func workingDays_skipWeekends() {
        // 2026-11-23 is a Monday.
        let monday = VietnamTime.startOfDay(year: 2026, month: 11, day: 23).addingTimeInterval(9 * 3600)
        #expect(WorkingDays.between(monday, monday) == 0)
        #expect(WorkingDays.between(monday, monday.addingTimeInterval(4 * 86_400)) == 4)
        #expect(WorkingDays.between(monday, monday.addingTimeInterval(7 * 86_400)) == 5)
        #expect(WorkingDays.between(monday.addingTimeInterval(4 * 86_400), monday.addingTimeInterval(7 * 86_400)) == 1)
        #expect(WorkingDays.between(monday, monday.addingTimeInterval(21 * 86_400)) == 15)
        #expect(WorkingDays.back(5, from: monday.addingTimeInterval(7 * 86_400)) < monday.addingTimeInterval(86_400))
    }

    @Test func entryDraft_refusesBadFieldsInVietnamese() throws {
        let section = Section(id: 6, slug: "van-ban", title: "Văn bản", kind: .feed, position: 6, mandatory: true, legalBasis: "", summary: "", body: "", starter: false)
        var draft = EntryDraft(sectionID: 6, kind: .document)
        draft.publish = .scheduled
        draft.publishAt = "2020-01-01T08:00"
        draft.issuedOn = "2026-02-31"
        draft.fileURL = "javascript:alert(1)"
        #expect { try draft.validated(section: section) } throws: { error in
            guard let failure = error as? ValidationFailure else { return false }
            return failure.fields["title"] == "Vui lòng nhập tiêu đề."
                && failure.fields["docNumber"] == "Vui lòng nhập số ký hiệu."
                && failure.fields["issuedOn"] == "Ngày ban hành không hợp lệ (dạng năm-tháng-ngày)."
                && failure.fields["publishAt"] == "Thời điểm hẹn giờ phải ở tương lai."
                && failure.fields["fileURL"]?.contains("https://") == true
        }
    }

    @Test func entryDraft_ofAKindTheSectionDoesNotTake_isRefusedByTheCore() throws {
        let documents = Section(id: MandatorySection.documents.id, slug: "van-ban", title: "Văn bản", kind: .feed, position: 6, mandatory: true, legalBasis: "", summary: "", body: "", starter: false)
        var draft = EntryDraft(sectionID: documents.id, kind: .leader)
        draft.title = "Nguyễn Văn A"
        draft.positionTitle = "Chủ tịch"
        #expect(EntryKind.allowed(in: documents.id) == [.document])
        #expect { try draft.validated(section: documents) } throws: { error in
            (error as? ValidationFailure)?.fields["kind"]?.contains("không nhận loại bài này") == true
        }
        draft.kind = .document
        #expect { try draft.validated(section: documents) } throws: { error in
            (error as? ValidationFailure)?.fields["kind"] == nil
        }
    }
}

/// Nam Định with Huyện Hải Hậu (two communes) and Huế (two-level, two communes).
func consoleUnits(_ platform: TestPlatform) async throws {
    let p = platform.provisioning
    _ = try await p.ensureUnit(try p.unitSpec(level: .province, code: 36, name: "Tỉnh Nam Định", parentCode: nil, slug: nil, portalURL: nil))
    _ = try await p.ensureUnit(try p.unitSpec(level: .district, code: 366, name: "Huyện Hải Hậu", parentCode: 36, slug: nil, portalURL: nil))
    for (code, name) in [(14224, "Xã Hải Nam"), (14233, "Xã Hải Minh")] {
        _ = try await p.createCommune(try await p.spec(code: code, name: name, parentLevel: .district, parentCode: 366))
    }
    try await platform.makeCommunes([(19900, "Phường Thuận An"), (19774, "Phường Hóa Châu")])
}
