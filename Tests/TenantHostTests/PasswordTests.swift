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
}
