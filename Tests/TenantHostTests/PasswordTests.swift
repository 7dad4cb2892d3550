import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

@Suite struct PasswordTests {
    /// Changing one's own password needs the current one, ends every other
    /// session, keeps this one, and is audited.
    @Test func editorChangesOwnPassword_andOtherSessionsEnd() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                // setup: the same editor signed in from two browsers
                let browser = ConsoleBrowser(host)
                let elsewhere = ConsoleBrowser(host)
                #expect(try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303)
                #expect(try await elsewhere.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303)
                // act: a wrong current password, then a mistyped confirmation
                let wrong = try await browser.submit(
                    "/quan-tri/mat-khau", to: "/quan-tri/mat-khau", on: adminSite,
                    [("mat-khau-cu", "khong-phai-mat-khau"), ("mat-khau-moi", "mat-khau-moi-2026"), ("nhap-lai", "mat-khau-moi-2026")])
                let mistyped = try await browser.submit(
                    "/quan-tri/mat-khau", to: "/quan-tri/mat-khau", on: adminSite,
                    [("mat-khau-cu", "matkhau-hai-nam"), ("mat-khau-moi", "mat-khau-moi-2026"), ("nhap-lai", "mat-khau-moi-2027")])
                // check: refused, nothing changed
                #expect(wrong.status == 400)
                #expect(wrong.text.contains("Mật khẩu hiện tại không đúng."))
                #expect(mistyped.status == 400)
                #expect(mistyped.text.contains("Hai lần nhập mật khẩu mới không khớp."))
                #expect(try await elsewhere.get("\(a)", on: adminSite).status == 200)
                // act
                let changed = try await browser.submit(
                    "/quan-tri/mat-khau", to: "/quan-tri/mat-khau", on: adminSite,
                    [("mat-khau-cu", "matkhau-hai-nam"), ("mat-khau-moi", "mat-khau-moi-2026"), ("nhap-lai", "mat-khau-moi-2026")])
                // check
                #expect(changed.status == 303)
                #expect(changed.header("Location") == "/quan-tri/mat-khau?da-luu=1")
                #expect(try await browser.get("\(a)", on: adminSite).status == 200, "this browser stays signed in")
                #expect(try await elsewhere.get("\(a)", on: adminSite).status == 303, "the other session ended")
                let fresh = ConsoleBrowser(host)
                #expect(try await fresh.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 401)
                #expect(try await fresh.login("xa.hainam", "mat-khau-moi-2026", on: adminSite).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'password.change' AND commune_code = 14224") == 1)
            }
        }
    }

    /// A district admin sets a new password for an editor of their district,
    /// and only there; an editor cannot reach the page at all.
    @Test func districtAdmin_resetsEditorPasswordsOnlyInScope() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(
                username: "xa.giaothien", displayName: "Biên tập Giao Thiện", password: "matkhau-giao-thien", role: .editor, scope: (.commune, 14000))
            let inScope = try await platform.scalar("SELECT id FROM platform.users WHERE username = 'xa.hainam'")
            let outOfScope = try await platform.scalar("SELECT id FROM platform.users WHERE username = 'xa.giaothien'")
            try await withTestHost(platform) { host in
                let admin = ConsoleBrowser(host)
                #expect(try await admin.login("huyen.haihau", "matkhau-hai-hau", on: adminSite).status == 303)
                let users = try await admin.get("/quan-tri/nguoi-dung", on: adminSite)
                #expect(users.text.contains("/quan-tri/nguoi-dung/\(inScope)/mat-khau"))
                #expect(!users.text.contains("/quan-tri/nguoi-dung/\(outOfScope)/mat-khau"))
                // act: too short, then right
                let form = "/quan-tri/nguoi-dung/\(inScope)/mat-khau"
                let short = try await admin.submit(form, to: form, on: adminSite, [("mat-khau-moi", "ngan"), ("nhap-lai", "ngan")])
                let reset = try await admin.submit(form, to: form, on: adminSite, [("mat-khau-moi", "cap-lai-2026-11"), ("nhap-lai", "cap-lai-2026-11")])
                // check
                #expect(short.status == 400)
                #expect(short.text.contains("Mật khẩu mới cần từ 10 đến 200 ký tự."))
                #expect(reset.status == 303)
                let editor = ConsoleBrowser(host)
                #expect(try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 401)
                #expect(try await editor.login("xa.hainam", "cap-lai-2026-11", on: adminSite).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'password.reset' AND commune_code = 14224") == 1)
                // act: outside the district
                let other = "/quan-tri/nguoi-dung/\(outOfScope)/mat-khau"
                #expect(try await admin.get(other, on: adminSite).status == 403)
                let token = ConsoleBrowser.csrf(in: try await admin.get("/quan-tri/nguoi-dung", on: adminSite).text) ?? ""
                let refused = try await admin.request(
                    "POST", other, on: adminSite, form: [("_csrf", token), ("mat-khau-moi", "chiem-quyen-2026"), ("nhap-lai", "chiem-quyen-2026")])
                // check: refused and unchanged
                #expect(refused.status == 403)
                #expect(try await ConsoleBrowser(host).login("xa.giaothien", "matkhau-giao-thien", on: adminSite).status == 303)
                // An editor cannot reset anyone's password.
                _ = try await editor.login("xa.hainam", "cap-lai-2026-11", on: adminSite)
                #expect(try await editor.get(form, on: adminSite).status == 403)
            }
        }
    }
}
