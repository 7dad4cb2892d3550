import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// The platform's e-mail: invitations, password resets, answers to
/// citizens, alerts, the outbox's delivery and personal data's retention.
/// Messages are read back from the file transport, as `ops/run` shows them.
@Suite struct MailTests {
    /// A private directory for the file transport.
    static func mailDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func delivery(_ platform: TestPlatform, to directory: URL) throws -> MailDelivery {
        let sender = try #require(EmailAddress("khong-tra-loi@nam-dinh.gov.vn"))
        return MailDelivery(
            database: platform.database,
            settings: MailSettings(transport: FileMailTransport(directory: directory), sender: sender, senderName: "Cổng thông tin điện tử"),
            logger: platform.logger)
    }

    /// The messages written to `directory`, each as (headers, plain text).
    static func messages(in directory: URL) throws -> [(headers: String, text: String)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try files.map { name in
            let raw = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let parts = raw.components(separatedBy: "\r\n\r\n")
            let headers = parts[0]
            // The first part after the boundary is text/plain, base64.
            let plain = try #require(raw.range(of: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"))
            let encoded = raw[plain.upperBound...].prefix { $0 != "-" }.replacingOccurrences(of: "\r\n", with: "")
            let text = String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
            return (headers, text)
        }
    }

    /// The console path of the link in a message (`…/quan-tri/moi/<token>`).
    static func link(in text: String, _ marker: String) throws -> String {
        let line = try #require(text.split(separator: "\n").first { $0.contains(marker) })
        let url = String(line).trimmingCharacters(in: .whitespaces)
        let path = try #require(url.range(of: "/quan-tri/"))
        return String(url[path.lowerBound...])
    }

    @Test func invitation_personSetsOwnPassword_linkWorksOnce() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let mail = try Self.mailDirectory()
            try await withTestHost(platform) { host in
                let admin = ConsoleBrowser(host)
                #expect(try await admin.login("huyen.haihau", "matkhau-hai-hau", on: adminSite).status == 303)
                // act: without an address, then with one
                let missing = try await admin.submit(
                    "/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung", on: adminSite,
                    [("ten-dang-nhap", "xa.moi"), ("ho-ten", "Đỗ Thị Mới"), ("xa", "14233"), ("thu-dien-tu", "khong-phai-thu")])
                #expect(missing.status == 400)
                #expect(missing.text.contains("Vui lòng nhập địa chỉ thư điện tử hợp lệ để gửi lời mời."))
                #expect(try await platform.scalar("SELECT count(*) FROM platform.users WHERE username = 'xa.moi'") == 0)
                let created = try await admin.submit(
                    "/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung", on: adminSite,
                    [("ten-dang-nhap", "xa.moi"), ("ho-ten", "Đỗ Thị Mới"), ("xa", "14233"), ("thu-dien-tu", "Do.Thi.Moi@Example.VN")])
                #expect(created.status == 303)
                #expect(try await admin.get(created.header("Location") ?? "", on: adminSite).text.contains("Đã tạo tài khoản và gửi lời mời"))
                // The outbox holds the invitation, written with the account; the worker sends it.
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE kind = 'invitation' AND commune_code = 14233 AND status = 'pending'") == 1)
                let pass = try await Self.delivery(platform, to: mail).runOnce()
                #expect(pass.sent == 1)
                let messages = try Self.messages(in: mail)
                #expect(messages.count == 1)
                let (headers, text) = try #require(messages.first)
                #expect(headers.contains("To: <Do.Thi.Moi@example.vn>"))
                #expect(headers.contains("Subject: =?UTF-8?B?"), "a Vietnamese subject travels as encoded words")
                #expect(text.contains("Kính gửi Đỗ Thị Mới"))
                #expect(text.contains("Anh/chị nhận được thư này vì một quản trị viên đã tạo tài khoản"))
                #expect(text.contains("Huyện Hải Hậu đã tạo cho anh/chị tài khoản \"xa.moi\""))
                let link = try Self.link(in: text, "/quan-tri/moi/")
                // Nobody knows a password for the account before the invitation is accepted.
                #expect(try await ConsoleBrowser(host).login("xa.moi", "", on: adminSite).status == 401)
                // act: the person opens the link and chooses a password (mistyped once)
                let person = ConsoleBrowser(host)
                let form = try await person.get(link, on: adminSite)
                #expect(form.status == 200)
                #expect(form.text.contains("Chào <strong>Đỗ Thị Mới</strong>"))
                #expect(form.header("Referrer-Policy") == "same-origin")
                let mistyped = try await person.submit(link, to: link, on: adminSite, [("mat-khau-moi", "mat-khau-cua-toi-1"), ("nhap-lai", "mat-khau-cua-toi-2")])
                #expect(mistyped.status == 400)
                let accepted = try await person.submit(link, to: link, on: adminSite, [("mat-khau-moi", "mat-khau-cua-toi-1"), ("nhap-lai", "mat-khau-cua-toi-1")])
                // check: signed in, the commune's console is theirs, the link is spent
                #expect(accepted.status == 303)
                #expect(try await person.get("/quan-tri", on: adminSite).status == 303)
                #expect(try await ConsoleBrowser(host).login("xa.moi", "mat-khau-cua-toi-1", on: adminSite).status == 303)
                let again = ConsoleBrowser(host)
                #expect(try await again.get(link, on: adminSite).status == 404)
                #expect(try await again.request("POST", link, on: adminSite, form: [("mat-khau-moi", "chiem-quyen-12345"), ("nhap-lai", "chiem-quyen-12345")]).status == 404)
                #expect(try await ConsoleBrowser(host).login("xa.moi", "chiem-quyen-12345", on: adminSite).status == 401)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'invitation.accept' AND commune_code = 14233") == 1)
                // A made-up link changes nothing.
                #expect(try await again.get("/quan-tri/moi/\(Accounts.randomToken())", on: adminSite).status == 404)
            }
        }
    }

    @Test func forgottenPassword_sameAnswer_throttled_singleUse_endsOtherSessions() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let mail = try Self.mailDirectory()
            try await platform.execute("UPDATE platform.users SET email = 'bien.tap@hainam.vn' WHERE username = 'xa.hainam'")
            try await withTestHost(platform) { host in
                let elsewhere = ConsoleBrowser(host)
                #expect(try await elsewhere.login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303)
                let person = ConsoleBrowser(host)
                // act: an unknown name, then the address of the account (any case)
                let unknown = try await person.submit("/quan-tri/quen-mat-khau", to: "/quan-tri/quen-mat-khau", on: adminSite, [("ten", "khong.co.ai")])
                let known = try await person.submit("/quan-tri/quen-mat-khau", to: "/quan-tri/quen-mat-khau", on: adminSite, [("ten", "Bien.Tap@HaiNam.vn")])
                // check: the same answer either way; one message, to the account's address
                #expect(unknown.status == 200 && known.status == 200)
                #expect(unknown.text == known.text.replacingOccurrences(of: Self.token(known.text), with: Self.token(unknown.text)))
                #expect(known.text.contains("chúng tôi đã gửi đến địa chỉ đó một liên kết"))
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE kind = 'password_reset'") == 1)
                // Three links an hour per account, whatever is asked.
                for _ in 0..<4 {
                    _ = try await person.submit("/quan-tri/quen-mat-khau", to: "/quan-tri/quen-mat-khau", on: adminSite, [("ten", "xa.hainam")])
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE kind = 'password_reset'") == Accounts.resetsPerAccount)
                _ = try await Self.delivery(platform, to: mail).runOnce()
                let texts = try Self.messages(in: mail).map(\.text)
                #expect(texts.count == Accounts.resetsPerAccount)
                // Only the newest link works: each request spends the ones before it.
                let older = try Self.link(in: try #require(texts.first), "/quan-tri/dat-lai/")
                let newest = try Self.link(in: try #require(texts.last), "/quan-tri/dat-lai/")
                #expect(try await person.get(older, on: adminSite).status == 404)
                #expect(try await person.get(newest, on: adminSite).status == 200)
                // act
                let reset = try await person.submit(newest, to: newest, on: adminSite, [("mat-khau-moi", "mat-khau-moi-2026"), ("nhap-lai", "mat-khau-moi-2026")])
                // check: the new password works, the old one and the other session do not, the link is spent
                #expect(reset.status == 303)
                #expect(try await elsewhere.get("/quan-tri", on: adminSite).status == 303, "the other session ended")
                #expect(try await ConsoleBrowser(host).login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 401)
                #expect(try await ConsoleBrowser(host).login("xa.hainam", "mat-khau-moi-2026", on: adminSite).status == 303)
                #expect(try await person.get(newest, on: adminSite).status == 404)
            }
        }
    }

    static func token(_ html: String) -> String { ConsoleBrowser.csrf(in: html) ?? "" }

    /// An administrator sends a reset link to an account they manage (never
    /// types its password), and only within their reach.
    @Test func administratorSendsResetLink_onlyInScope() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(
                username: "xa.giaothien", displayName: "Biên tập Giao Thiện", password: "matkhau-giao-thien", role: .editor, scope: (.commune, 14000),
                email: "giao.thien@example.vn")
            let inScope = try await platform.scalar("SELECT id FROM platform.users WHERE username = 'xa.hainam'")
            let outOfScope = try await platform.scalar("SELECT id FROM platform.users WHERE username = 'xa.giaothien'")
            try await withTestHost(platform) { host in
                let admin = ConsoleBrowser(host)
                #expect(try await admin.login("huyen.haihau", "matkhau-hai-hau", on: adminSite).status == 303)
                let form = "/quan-tri/nguoi-dung/\(inScope)/mat-khau"
                // act: no address yet, then one
                let bad = try await admin.submit(form, to: form, on: adminSite, [("thu-dien-tu", "")])
                let sent = try await admin.submit(form, to: form, on: adminSite, [("thu-dien-tu", "hai.nam@example.vn")])
                // check
                #expect(bad.status == 400)
                #expect(sent.status == 303)
                #expect(try await platform.strings("SELECT email FROM platform.users WHERE username = 'xa.hainam'") == ["hai.nam@example.vn"])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE kind = 'password_reset' AND recipient = 'hai.nam@example.vn'") == 1)
                #expect(try await ConsoleBrowser(host).login("xa.hainam", "matkhau-hai-nam", on: adminSite).status == 303, "the password stays until its owner changes it")
                // act: outside the district
                let other = "/quan-tri/nguoi-dung/\(outOfScope)/mat-khau"
                #expect(try await admin.get(other, on: adminSite).status == 403)
                let token = ConsoleBrowser.csrf(in: try await admin.get("/quan-tri/nguoi-dung", on: adminSite).text) ?? ""
                let refused = try await admin.request("POST", other, on: adminSite, form: [("_csrf", token), ("thu-dien-tu", "ke.gian@example.vn")])
                // check: refused, unchanged, nothing written
                #expect(refused.status == 403)
                #expect(try await platform.strings("SELECT email FROM platform.users WHERE username = 'xa.giaothien'") == ["giao.thien@example.vn"])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE recipient = 'ke.gian@example.vn'") == 0)
                // The outbox page is for operators only.
                #expect(try await admin.get("/quan-tri/thu-gui", on: adminSite).status == 403)
                // An editor reaches no one's reset page.
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                #expect(try await editor.get(form, on: adminSite).status == 403)
            }
        }
    }

    @Test func passwordSetBySomeoneElse_mustBeChangedFirst() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(
                username: "tinh.quantri", displayName: "Quản trị tỉnh", password: "mat-khau-tam-thoi", role: .province, scope: (.province, 36),
                mustChangePassword: true)
            try await withTestHost(platform) { host in
                let person = ConsoleBrowser(host)
                #expect(try await person.login("tinh.quantri", "mat-khau-tam-thoi", on: adminSite).status == 303)
                // check: every page leads to the password form until it is changed
                let dashboard = try await person.get("/quan-tri", on: adminSite)
                #expect(dashboard.status == 303)
                #expect(dashboard.header("Location") == "/quan-tri/mat-khau?bat-buoc=1")
                #expect(try await person.get("/quan-tri/xa", on: adminSite).header("Location") == "/quan-tri/mat-khau?bat-buoc=1")
                let form = try await person.get("/quan-tri/mat-khau?bat-buoc=1", on: adminSite)
                #expect(form.text.contains("Mật khẩu của tài khoản này do người khác đặt."))
                // act
                let changed = try await person.submit(
                    "/quan-tri/mat-khau", to: "/quan-tri/mat-khau", on: adminSite,
                    [("mat-khau-cu", "mat-khau-tam-thoi"), ("mat-khau-moi", "mat-khau-rieng-2026"), ("nhap-lai", "mat-khau-rieng-2026")])
                #expect(changed.status == 303)
                #expect(try await person.get("/quan-tri", on: adminSite).status == 200)
            }
        }
    }

    @Test func answeredQuestion_emailsTheAskerWhoConsented_once() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let mail = try Self.mailDirectory()
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let citizen = ConsoleBrowser(host)
                let question = CitizenTests.question + [("thu-dien-tu", "nguoi.hoi@example.vn")]
                // act: an address without consent, then with it
                let noConsent = try await citizen.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: question)
                #expect(noConsent.status == 400)
                #expect(noConsent.text.contains("Đánh dấu ô đồng ý để nhận câu trả lời qua thư điện tử"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 0)
                let sent = try await citizen.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: question + [("dong-y", "1")])
                #expect(sent.status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions WHERE notify_email = 'nguoi.hoi@example.vn' AND consent_at IS NOT NULL") == 1)
                let code = try await platform.strings("SELECT code FROM c_14224.questions")[0]
                // act: the editor marks it in progress (no message), then answers and publishes, then corrects the answer
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let id = try await platform.scalar("SELECT id FROM c_14224.questions")
                let page = "\(a)/hoi-dap/\(id)"
                _ = try await editor.submit(page, to: page, on: adminSite, [("trang-thai", "in_progress"), ("tra-loi", "")])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox") == 0)
                let answered = try await editor.submit(page, to: page, on: adminSite, [("trang-thai", "answered"), ("tra-loi", "Cần tờ khai và giấy tờ tùy thân."), ("cong-khai", "1")])
                #expect(answered.status == 303)
                _ = try await editor.submit(page, to: page, on: adminSite, [("trang-thai", "answered"), ("tra-loi", "Cần tờ khai, giấy tờ tùy thân."), ("cong-khai", "1")])
                // check: one message, to the asker, linking to the answer on the commune's own site
                _ = try await Self.delivery(platform, to: mail).runOnce()
                let messages = try Self.messages(in: mail)
                #expect(messages.count == 1)
                let (headers, text) = try #require(messages.first)
                #expect(headers.contains("To: <nguoi.hoi@example.vn>"))
                #expect(text.contains("Ủy ban nhân dân Xã Hải Nam đã trả lời câu hỏi \"Hỏi về cấp giấy khai sinh\" (mã tra cứu \(code))"))
                #expect(text.contains("http://\(siteA)"), "\(text)")
                #expect(text.contains("/hoi-dap/tra-cuu?ma=\(code)"))
                #expect(text.contains("đã đồng ý nhận thông báo trả lời qua địa chỉ thư này"))
                // The published question shows the asker's initials, as they did not choose their full name.
                let list = try await host.get("/hoi-dap", host: siteA)
                #expect(list.text.contains("T.V.D. hỏi ngày"))
                #expect(!list.text.contains("Trần Văn Dân"))
            }
        }
    }

    @Test func questionAlerts_atTenWorkingDaysAndOverdue_onceEach_toThoseWhoWantThem() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await platform.execute("UPDATE platform.users SET email = 'bien.tap@hainam.vn' WHERE username = 'xa.hainam'")
            try await platform.execute("UPDATE platform.users SET email = 'huyen@haihau.vn' WHERE username = 'huyen.haihau'")
            try await platform.execute("UPDATE platform.users SET email = 'tac.gia@hainam.vn', alerts_off = '{question_overdue}' WHERE username = 'tg.hainam'")
            // setup: one question 12 working days old, one 25, one answered long ago, one in another commune
            try await platform.execute(
                """
                INSERT INTO c_14224.questions (code, asker_name, contact, title, body, created_at) VALUES
                  ('HD-SAPHAN1', 'A', '0900000001', 'Sắp đến hạn', 'Nội dung câu hỏi', now() - interval '17 days'),
                  ('HD-QUAHAN1', 'B', '0900000002', 'Quá hạn', 'Nội dung câu hỏi', now() - interval '40 days')
                """)
            try await platform.execute(
                """
                INSERT INTO c_14224.questions (code, asker_name, contact, title, body, status, answer, created_at, answered_at) VALUES
                  ('HD-DATRALO', 'C', '0900000003', 'Đã trả lời', 'Nội dung câu hỏi', 'answered', 'Trả lời', now() - interval '60 days', now() - interval '50 days')
                """)
            try await platform.execute(
                """
                INSERT INTO c_14000.questions (code, asker_name, contact, title, body, created_at) VALUES
                  ('HD-GIAOTHI', 'D', '0900000004', 'Xã khác', 'Nội dung câu hỏi', now() - interval '40 days')
                """)
            let directory = try await TenantDirectory().reload(from: platform.database)
            let hainam = try #require(directory.tenants.values.first { $0.code == 14224 })
            let tenant = hainam
            let staff = try await Accounts(database: platform.database, logger: platform.logger).users()
            let alerts = QuestionAlerts(database: platform.database, logger: platform.logger)
            // act
            let written = try await alerts.run(in: hainam, staff: staff, consoleURL: "https://quan-tri.example.vn/quan-tri")
            let again = try await alerts.run(in: hainam, staff: staff, consoleURL: "https://quan-tri.example.vn/quan-tri")
            // check: the warning to the three managers with an address; the overdue alert to the two who did not switch it off
            #expect(written == 5)
            #expect(again == 0, "each alert is written once")
            let rows = try await platform.strings("SELECT kind || ' ' || recipient || ' ' || about FROM platform.mail_outbox ORDER BY kind, recipient")
            #expect(rows == [
                "question_due bien.tap@hainam.vn HD-SAPHAN1", "question_due huyen@haihau.vn HD-SAPHAN1", "question_due tac.gia@hainam.vn HD-SAPHAN1",
                "question_overdue bien.tap@hainam.vn HD-QUAHAN1", "question_overdue huyen@haihau.vn HD-QUAHAN1",
            ])
            let text = try await platform.strings("SELECT body_text FROM platform.mail_outbox WHERE kind = 'question_overdue' LIMIT 1")[0]
            #expect(text.contains("đã quá thời hạn 15 ngày làm việc"))
            #expect(text.contains("https://quan-tri.example.vn/quan-tri/bien-tap/\(tenant.id)/hoi-dap/"))
            #expect(text.contains("Có thể tắt loại thông báo này ở trang Tài khoản"))
        }
    }

    /// A site that fails the compliance checks: its managers hear of it
    /// once a week, unless they switched the alert off.
    @Test func complianceAlert_toManagers_oncePerWeekForTheSameFailures() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await platform.execute("UPDATE platform.users SET email = 'bien.tap@hainam.vn' WHERE username = 'xa.hainam'")
            try await platform.execute("UPDATE platform.users SET email = 'tac.gia@hainam.vn', alerts_off = '{compliance_failed}' WHERE username = 'tg.hainam'")
            let directory = try await TenantDirectory().reload(from: platform.database)
            let hainam = try #require(directory.tenants.values.first { $0.code == 14224 })
            let staff = try await Accounts(database: platform.database, logger: platform.logger).users()
            let alerts = ComplianceAlerts(database: platform.database, logger: platform.logger)
            // act: a new commune's site (nothing published yet) is checked twice
            let first = try await alerts.run(in: hainam, staff: staff, consoleURL: "https://quan-tri.example.vn/quan-tri")
            let second = try await alerts.run(in: hainam, staff: staff, consoleURL: "https://quan-tri.example.vn/quan-tri")
            // check
            #expect(first == 1)
            #expect(second == 0)
            #expect(try await platform.strings("SELECT recipient FROM platform.mail_outbox WHERE kind = 'compliance_failed'") == ["bien.tap@hainam.vn"])
            let text = try await platform.strings("SELECT body_text FROM platform.mail_outbox WHERE kind = 'compliance_failed'")[0]
            #expect(text.contains("chưa đạt") && text.contains("https://quan-tri.example.vn/quan-tri/bien-tap/\(hainam.id)"))
        }
    }

    /// A person switches an alert off from their account page.
    @Test func accountPage_setsAddressAndAlerts() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform) { host in
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let bad = try await editor.submit("/quan-tri/tai-khoan", to: "/quan-tri/tai-khoan", on: adminSite, [("thu-dien-tu", "sai@")])
                #expect(bad.status == 400)
                let saved = try await editor.submit(
                    "/quan-tri/tai-khoan", to: "/quan-tri/tai-khoan", on: adminSite,
                    [("thu-dien-tu", "bien.tap@hainam.vn"), ("canh-bao-question_due", "1"), ("canh-bao-compliance_failed", "1")])
                #expect(saved.status == 303)
                #expect(try await platform.strings("SELECT email || ' ' || array_to_string(alerts_off, ',') FROM platform.users WHERE username = 'xa.hainam'")
                    == ["bien.tap@hainam.vn question_overdue"])
                // Another account's address cannot be taken.
                let other = ConsoleBrowser(host)
                _ = try await other.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                let taken = try await other.submit("/quan-tri/tai-khoan", to: "/quan-tri/tai-khoan", on: adminSite, [("thu-dien-tu", "BIEN.TAP@hainam.vn")])
                #expect(taken.status == 400)
                #expect(taken.text.contains("Địa chỉ thư này đã dùng cho một tài khoản khác."))
            }
        }
    }

    /// A worker killed while handing a message over leaves it to the next
    /// worker once its lease ends: delivered once, neither lost nor doubled.
    @Test func workerKilledMidSend_messageIsSentOnceByTheNext() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let mail = try Self.mailDirectory()
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(
                username: "xa.haiminh", displayName: "Biên tập Hải Minh", password: nil, role: .editor, scope: (.commune, 14233),
                email: "hai.minh@example.vn", consoleURL: "https://quan-tri.example.vn/quan-tri")
            // A mail system that reads the message and hangs before it would
            // take it (exit 0). The wait is the script's own process (exec), so
            // that killing the pid it wrote leaves nothing behind holding
            // descriptors it inherited.
            let script = mail.appendingPathComponent("sendmail-hangs")
            try """
                #!/bin/sh
                cat > "\(mail.path)/incoming.$$"
                echo $$ > "\(mail.path)/sendmail.pid"
                exec sleep 60
                """.write(to: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            // A lease far longer than a loaded machine takes to run the next
            // worker; its end is then brought forward in the database, not waited for.
            let worker = try CommandRunner.start(
                ["provisioner", "mail", "deliver", "--once", "--lease", "600"], databaseURL: platform.url,
                environment: ["MAIL_TRANSPORT": "sendmail:\(script.path)"])
            // act: kill the worker while the mail system holds the message
            var handing = false
            for _ in 0..<600 where !handing {
                try await Task.sleep(for: .milliseconds(50))
                handing = FileManager.default.fileExists(atPath: mail.appendingPathComponent("sendmail.pid").path)
            }
            #expect(handing, "the worker never handed the message over")
            worker.kill()
            _ = await CommandRunner.finish(worker)
            // The machine's crash takes the mail system's half-read message with it.
            if let pid = Int32((try? String(contentsOf: mail.appendingPathComponent("sendmail.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                kill(pid, SIGKILL)
            }
            #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE status = 'pending' AND attempts = 1 AND claimed_until IS NOT NULL") == 1)
            // check: no other worker takes it while the lease runs; the next one sends it once
            let early = try await CommandRunner.provisioner(
                ["mail", "deliver", "--once"], databaseURL: platform.url, environment: ["MAIL_TRANSPORT": "file:\(mail.path)/out"])
            #expect(early.stdout.contains("mail: 0 sent"), "\(early.output)")
            try await platform.execute("UPDATE platform.mail_outbox SET claimed_until = now() - interval '1 second' WHERE claimed_until IS NOT NULL")
            let next = try await CommandRunner.provisioner(
                ["mail", "deliver", "--once"], databaseURL: platform.url, environment: ["MAIL_TRANSPORT": "file:\(mail.path)/out"])
            #expect(next.status == 0, "\(next.output)")
            #expect(next.stdout.contains("mail: 1 sent"), "\(next.output)")
            let out = mail.appendingPathComponent("out")
            #expect(try Self.messages(in: out).count == 1)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE status = 'sent' AND attempts = 2") == 1)
            // A worker that died after the file was written but before it
            // marked the message sent: the next pass rewrites the same file.
            try await platform.execute("UPDATE platform.mail_outbox SET status = 'pending', sent_at = NULL, claimed_until = NULL")
            let rerun = try await CommandRunner.provisioner(
                ["mail", "deliver", "--once"], databaseURL: platform.url, environment: ["MAIL_TRANSPORT": "file:\(mail.path)/out"])
            #expect(rerun.stdout.contains("mail: 1 sent"))
            #expect(try Self.messages(in: out).count == 1, "the same message id, the same file")
        }
    }

    /// A relay that refuses: retried with back-off, then dead, shown to
    /// operators, and sent again by one of them.
    @Test func failingTransport_retriesThenDeadLetter_operatorRetries() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let mail = try Self.mailDirectory()
            try await platform.execute(
                "INSERT INTO platform.mail_outbox (kind, recipient, subject, body_text, body_html, commune_code) VALUES ('question_answered', 'nguoi@example.vn', 'Thử', 'Nội dung', '<p>Nội dung</p>', 14224)")
            let failing = mail.appendingPathComponent("sendmail-fails")
            try "#!/bin/sh\ncat > /dev/null\nexit 75\n".write(to: failing, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing.path)
            let sender = try #require(EmailAddress("khong-tra-loi@nam-dinh.gov.vn"))
            var delivery = MailDelivery(
                database: platform.database, settings: MailSettings(transport: SendmailTransport(path: failing.path), sender: sender, senderName: "Cổng"),
                logger: platform.logger)
            delivery.maxAttempts = 3
            // act: the first attempt fails and waits a minute
            #expect(try await delivery.runOnce() == { var p = MailDelivery.Pass(); p.failed = 1; return p }())
            #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE status = 'pending' AND next_attempt_at > now() + interval '50 seconds' AND last_error LIKE '%exited with 75%'") == 1)
            #expect(try await delivery.runOnce() == MailDelivery.Pass(), "not due yet")
            for _ in 0..<2 {
                try await platform.execute("UPDATE platform.mail_outbox SET next_attempt_at = now()")
                _ = try await delivery.runOnce()
            }
            // check: dead after the third attempt
            #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE status = 'dead' AND attempts = 3") == 1)
            #expect(MailDelivery.backOff(afterAttempt: 1) == 60 && MailDelivery.backOff(afterAttempt: 3) == 240 && MailDelivery.backOff(afterAttempt: 30) == 6 * 3600)
            try await withTestHost(platform) { host in
                let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
                _ = try await accounts.createUser(username: "tinh.namdinh", displayName: "Tỉnh Nam Định", password: "matkhau-tinh-nd", role: .province, scope: (.province, 36))
                let operatorBrowser = ConsoleBrowser(host)
                _ = try await operatorBrowser.login("tinh.namdinh", "matkhau-tinh-nd", on: adminSite)
                let list = try await operatorBrowser.get("/quan-tri/thu-gui?tinh-trang=dead", on: adminSite)
                #expect(list.status == 200)
                #expect(list.text.contains("Gửi không được"))
                let id = try await platform.scalar("SELECT id FROM platform.mail_outbox")
                let retried = try await operatorBrowser.submit("/quan-tri/thu-gui/\(id)", to: "/quan-tri/thu-gui/\(id)/gui-lai", on: adminSite, [])
                #expect(retried.status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.mail_outbox WHERE status = 'pending' AND attempts = 0") == 1)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'mail.retry'") == 1)
                // Another province's operator sees nothing of it.
                _ = try await platform.provisioning.ensureUnit(
                    try platform.provisioning.unitSpec(level: .province, code: 46, name: "Thành phố Huế", parentCode: nil, slug: nil, portalURL: nil))
                _ = try await accounts.createUser(username: "tinh.hue", displayName: "Huế", password: "matkhau-tinh-hue", role: .province, scope: (.province, 46))
                let stranger = ConsoleBrowser(host)
                _ = try await stranger.login("tinh.hue", "matkhau-tinh-hue", on: adminSite)
                #expect(try await stranger.get("/quan-tri/thu-gui/\(id)", on: adminSite).status == 403)
                #expect(!(try await stranger.get("/quan-tri/thu-gui", on: adminSite).text.contains("nguoi@example.vn")))
                // An operator reads an invitation without its link's token.
                let invited = try await accounts.createUser(
                    username: "xa.moi2", displayName: "Mới", password: nil, role: .editor, scope: (.commune, 14224), email: "moi2@example.vn",
                    consoleURL: "http://\(adminSite)/quan-tri")
                let invitation = try await platform.scalar("SELECT id FROM platform.mail_outbox WHERE kind = 'invitation' AND about = '\(invited.username)'")
                let shown = try await operatorBrowser.get("/quan-tri/thu-gui/\(invitation)", on: adminSite)
                #expect(shown.status == 200)
                #expect(shown.text.contains("/quan-tri/moi/…"))
                let stored = try await platform.strings("SELECT body_text FROM platform.mail_outbox WHERE id = \(invitation)")[0]
                let token = try #require(stored.range(of: "/quan-tri/moi/").map { String(stored[$0.upperBound...].prefix { !$0.isWhitespace }) })
                #expect(token.count > 20 && !shown.text.contains(token), "the token never reaches the console")
            }
            _ = mail
        }
    }

    @Test func retention_erasesWhatIsDue_andKeepsTheRest() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await platform.execute(
                """
                INSERT INTO c_14224.questions (code, asker_name, contact, notify_email, title, body, status, answer, published, created_at, answered_at) VALUES
                  ('HD-CUCU001', 'Người Cũ', '0911111111', 'cu@example.vn', 'Câu hỏi cũ', 'Nội dung câu hỏi', 'answered', 'Trả lời', true, now() - interval '300 days', now() - interval '200 days'),
                  ('HD-MOIMOI1', 'Người Mới', '0922222222', 'moi@example.vn', 'Câu hỏi mới', 'Nội dung câu hỏi', 'answered', 'Trả lời', true, now() - interval '20 days', now() - interval '10 days')
                """)
            try await platform.execute(
                """
                INSERT INTO platform.mail_outbox (kind, recipient, subject, body_text, body_html, status, created_at) VALUES
                  ('question_answered', 'cu@example.vn', 'Cũ', 'x', 'x', 'sent', now() - interval '40 days'),
                  ('question_answered', 'moi@example.vn', 'Mới', 'x', 'x', 'sent', now() - interval '2 days'),
                  ('question_answered', 'cho@example.vn', 'Chờ', 'x', 'x', 'pending', now() - interval '40 days')
                """)
            // act: the command, twice
            let first = try await CommandRunner.provisioner(["retention", "run"], databaseURL: platform.url)
            let second = try await CommandRunner.provisioner(["retention", "run"], databaseURL: platform.url)
            // check
            #expect(first.status == 0, "\(first.output)")
            #expect(first.stdout.contains("contact data erased from 1 question(s)"), "\(first.stdout)")
            #expect(second.stdout.contains("contact data erased from 0 question(s)"), "\(second.stdout)")
            #expect(try await platform.strings("SELECT code || ':' || contact || ':' || notify_email FROM c_14224.questions ORDER BY code")
                == ["HD-CUCU001::", "HD-MOIMOI1:0922222222:moi@example.vn"])
            #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions WHERE code = 'HD-CUCU001' AND answer = 'Trả lời' AND erased_at IS NOT NULL") == 1)
            #expect(try await platform.strings("SELECT recipient FROM platform.mail_outbox ORDER BY recipient") == ["cho@example.vn", "moi@example.vn"])
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'retention.erase' AND commune_code = 14224") == 1)
        }
    }

    @Test func citizenData_exportedAndErasedOnRequest_inEveryCommune() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await platform.execute(
                """
                INSERT INTO c_14224.questions (code, asker_name, contact, title, body, status, answer, published, created_at) VALUES
                  ('HD-CONGKHA', 'Lê Văn Hỏi', '0912.345.678', 'Đã công bố', 'Nội dung câu hỏi', 'answered', 'Trả lời', true, now()),
                  ('HD-RIENGTU', 'Lê Văn Hỏi', 'le.hoi@example.vn', 'Chưa công bố', 'Nội dung câu hỏi', 'received', '', false, now()),
                  ('HD-NGUOIKH', 'Người Khác', '0987654321', 'Của người khác', 'Nội dung câu hỏi', 'received', '', false, now())
                """)
            try await platform.execute(
                """
                INSERT INTO c_14000.questions (code, asker_name, contact, title, body) VALUES
                  ('HD-XAKHAC1', 'Lê Văn Hỏi', '+84 912 345 678', 'Ở xã khác', 'Nội dung câu hỏi')
                """)
            // act
            let export = try await CommandRunner.provisioner(["citizen", "export", "--contact", "0912 345 678"], databaseURL: platform.url)
            // check: by the number's digits, wherever it was typed (the +84 form is another number's digits)
            #expect(export.status == 0, "\(export.output)")
            #expect(export.stdout.contains("HD-CONGKHA"))
            #expect(!export.stdout.contains("HD-NGUOIKH"))
            let invalid = try await CommandRunner.provisioner(["citizen", "export", "--contact", "abc"], databaseURL: platform.url)
            #expect(invalid.status != 0)
            // act
            let erase = try await CommandRunner.provisioner(["citizen", "erase", "--contact", "0912345678"], databaseURL: platform.url)
            #expect(erase.status == 0, "\(erase.output)")
            let byMail = try await CommandRunner.provisioner(["citizen", "erase", "--contact", "LE.HOI@example.vn"], databaseURL: platform.url)
            #expect(byMail.status == 0, "\(byMail.output)")
            // check: the published answer stays without who asked; the unpublished question is gone; others untouched
            #expect(try await platform.strings("SELECT code || ':' || asker_name || ':' || contact FROM c_14224.questions ORDER BY code")
                == ["HD-CONGKHA:Người dân:", "HD-NGUOIKH:Người Khác:0987654321"])
            #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = 'citizen.erase'") == 2)
        }
    }

    // MARK: Messages as they leave

    @Test func renderedMail_encodesEverythingOutsideCanType() throws {
        let sender = try #require(EmailAddress("khong-tra-loi@nam-dinh.gov.vn"))
        let to = try #require(EmailAddress("nguoi@example.vn"))
        let subject = "Câu hỏi\r\nBcc: ke-gian@example.com " + String(repeating: "Ủy ban nhân dân xã Hải Nam ", count: 6)
        let rendered = RenderedMail(
            outboxID: 42, from: sender, senderName: "Cổng \"thông tin\"", to: to, subject: subject, text: "Dòng một\n.\nDòng ba",
            html: "<p>x</p>", date: Date(timeIntervalSince1970: 1_780_000_000))
        let text = String(decoding: rendered.bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "no line longer than 78 characters")
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "7-bit: every non-ASCII byte is encoded")
        #expect(!lines.contains { $0.hasPrefix("Bcc:") }, "a line break in the subject adds no header")
        #expect(lines.contains("Message-ID: <outbox-42@nam-dinh.gov.vn>"))
        #expect(lines.contains("To: <nguoi@example.vn>"))
        // The subject decodes back to what was written, the line break a space.
        let words = lines.filter { $0.hasPrefix("Subject: ") || ($0.hasPrefix(" =?UTF-8?B?") && !$0.contains("<")) }
        let decoded = words.map { line -> String in
            let word = line.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces)
            return String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))
    }

    @Test func emailAddress_acceptsAddresses_refusesWhatCouldInjectOrMislead() {
        #expect(EmailAddress("Nguyen.Van-A+hoi@Xa-HaiNam.Gov.VN")?.value == "Nguyen.Van-A+hoi@xa-hainam.gov.vn")
        #expect(EmailAddress("  nguoi@example.vn ")?.value == "nguoi@example.vn")
        #expect(EmailAddress("thu@hải-nam.vn")?.value.hasPrefix("thu@xn--hi-nam-") == true, "an internationalised domain in its ASCII form")
        for bad in ["", "@", "a@", "@b.vn", "a@b", "a b@c.vn", "a@b.vn\r\nBcc: x@y.vn", "a@b.vn>", "<a@b.vn", "\"a\"@b.vn", "a..b@c.vn",
                    ".a@b.vn", "-a@b.vn", "a@b..vn", "a@-b.vn", "a;b@c.vn", "a,b@c.vn", "ngườ@b.vn", String(repeating: "a", count: 65) + "@b.vn",
                    "a@" + String(repeating: "b", count: 250) + ".vn", "-oQ/tmp/x@b.vn x"] {
            #expect(EmailAddress(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func initialsOnly_unlessTheAskerChoseTheirName() {
        #expect(Question.initials(of: "Nguyễn  văn An") == "N.V.A.")
        #expect(Question.initials(of: "Đỗ thị Ánh") == "Đ.T.Á.")
        #expect(Question.initials(of: "  ") == "Người dân")
    }
}

/// Accepts the invitation written for `username` (read from the outbox, as
/// its owner would from the e-mail), choosing `password`.
func acceptInvitation(_ platform: TestPlatform, _ host: TestHost, username: String, password: String) async throws {
    let text = try #require(try await platform.strings(
        "SELECT body_text FROM platform.mail_outbox WHERE kind = 'invitation' AND about = '\(username)' ORDER BY id DESC LIMIT 1").first)
    let link = try MailTests.link(in: text, "/quan-tri/moi/")
    let person = ConsoleBrowser(host)
    let accepted = try await person.submit(link, to: link, on: adminSite, [("mat-khau-moi", password), ("nhap-lai", password)])
    #expect(accepted.status == 303, "the invitation of \(username) is accepted")
}
