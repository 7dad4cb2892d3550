import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

@Suite struct CitizenTests {
    static let question = [("ho-ten", "Trần Văn Dân"), ("lien-he", "0912 345 678"), ("tieu-de", "Hỏi về cấp giấy khai sinh"),
                           ("noi-dung", "Xin hỏi thủ tục cấp lại giấy khai sinh cần những giấy tờ gì?")]

    @Test func question_getsACode_isAnswered_andPublished() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let citizen = ConsoleBrowser(host)
                // Bad input: clear Vietnamese messages, nothing stored.
                let invalid = try await citizen.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: [("ho-ten", ""), ("lien-he", "abc"), ("tieu-de", "x"), ("noi-dung", "ngắn")])
                #expect(invalid.status == 400)
                #expect(invalid.text.contains("Vui lòng nhập họ và tên."))
                #expect(invalid.text.contains("Vui lòng nhập số điện thoại (ít nhất 9 chữ số) hoặc thư điện tử hợp lệ."))
                #expect(invalid.text.contains("Nội dung câu hỏi quá ngắn"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 0)
                // A good question.
                let sent = try await citizen.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: Self.question)
                #expect(sent.status == 303, "post, then redirect, so a reload sends nothing twice")
                let location = try #require(sent.header("Location"))
                let code = try #require(location.range(of: "HD-").map { String(location[$0.lowerBound...].prefix(11)) })
                let received = try await host.get(location, host: siteA)
                #expect(received.text.contains("Ủy ban nhân dân đã nhận câu hỏi của bạn."))
                #expect(received.text.contains("<strong class=\"code\">\(code)</strong>"))
                let tracked = try await host.get("/hoi-dap/tra-cuu?ma=\(code.lowercased())", host: siteA)
                #expect(tracked.text.contains("Đã tiếp nhận"))
                #expect(!tracked.text.contains("0912 345 678"), "the contact stays private")
                #expect(tracked.header("Cache-Control") == "no-store")
                #expect(try await host.get("/hoi-dap/tra-cuu?ma=HD-KHONGCO1", host: siteA).status == 404)
                // Another commune knows nothing of it.
                #expect(try await host.get("/hoi-dap/tra-cuu?ma=\(code)", host: siteB).status == 404)
                // The editor answers and publishes.
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let id = try await platform.scalar("SELECT id FROM c_14224.questions")
                let answered = try await editor.submit("\(a)/hoi-dap/\(id)", to: "\(a)/hoi-dap/\(id)", on: adminSite,
                    [("trang-thai", "answered"), ("tra-loi", "Cần tờ khai và giấy tờ tùy thân."), ("cong-khai", "1")])
                #expect(answered.status == 303)
                let after = try await host.get("/hoi-dap/tra-cuu?ma=\(code)", host: siteA)
                #expect(after.text.contains("Đã trả lời") && after.text.contains("Cần tờ khai và giấy tờ tùy thân."))
                let page = try await host.get("/hoi-dap", host: siteA)
                #expect(page.text.contains("Hỏi về cấp giấy khai sinh"))
                // The list is one page, and questions have no RSS feed.
                #expect(try await host.get("/hoi-dap?trang=2", host: siteA).status == 404)
                #expect(try await host.get("/hoi-dap?trang=1", host: siteA).status == 200)
                #expect(try await host.get("/rss/hoi-dap.xml", host: siteA).status == 404)
            }
        }
    }

    /// A request for information (Law 104/2016): the corner lists what must
    /// be public and takes a request with the form's fields; the request is
    /// tracked apart from questions, answered by the commune's staff, and the
    /// person told by e-mail.
    @Test func informationRequest_tracked_answered_andNeverPublishedAsAQuestion() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let corner = try await host.get("/tiep-can-thong-tin", host: siteA)
                #expect(corner.text.contains("Danh mục thông tin phải công khai"))
                #expect(corner.text.contains("href=\"/cong-khai-ngan-sach\"") || corner.text.contains("Công khai ngân sách"))
                #expect(corner.text.contains("href=\"/tiep-can-thong-tin/yeu-cau\""))
                let citizen = ConsoleBrowser(host)
                // Bad input: every problem named, nothing stored.
                let bad = try await citizen.request("POST", "/tiep-can-thong-tin/yeu-cau", on: siteA, form: [
                    ("ho-ten", "Lê Văn Cần"), ("noi-cu-tru", ""), ("so-dinh-danh", "12345"), ("lien-he", "0912345678"),
                    ("thong-tin", "ngắn"), ("muc-dich", ""), ("cach-nhan", "bay-bo-cau"),
                ])
                #expect(bad.status == 400)
                for message in ["Vui lòng nhập nơi cư trú.", "số định danh cá nhân (12 chữ số)", "Vui lòng mô tả rõ hơn thông tin cần cung cấp",
                                "Vui lòng nhập mục đích sử dụng thông tin.", "Vui lòng chọn cách nhận thông tin."] {
                    #expect(bad.text.contains(message), "\(message)")
                }
                // By e-mail, without an address: refused.
                let noAddress = try await citizen.request("POST", "/tiep-can-thong-tin/yeu-cau", on: siteA, form: Self.request + [("cach-nhan", "thu-dien-tu")])
                #expect(noAddress.status == 400)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 0)
                let sent = try await citizen.request(
                    "POST", "/tiep-can-thong-tin/yeu-cau", on: siteA,
                    form: Self.request + [("cach-nhan", "thu-dien-tu"), ("thu-dien-tu", "le.can@example.vn"), ("dong-y", "1")])
                #expect(sent.status == 303)
                let location = try #require(sent.header("Location"))
                #expect(location.hasPrefix("/tiep-can-thong-tin/tra-cuu?ma=TT-"))
                let code = try #require(location.range(of: "TT-").map { String(location[$0.lowerBound...].prefix(11)) })
                let received = try await host.get(location, host: siteA)
                #expect(received.text.contains("Ủy ban nhân dân đã nhận yêu cầu cung cấp thông tin của bạn."))
                #expect(received.text.contains("chậm nhất 15 ngày làm việc"))
                #expect(try await host.get("/hoi-dap/tra-cuu?ma=\(code)", host: siteA).status == 404, "a request is tracked in its own corner")
                #expect(try await platform.strings("SELECT kind || ' ' || residence || ' ' || id_number || ' ' || delivery FROM c_14224.questions")
                    == ["information Xóm 3, Hải Nam 036090001234 thu-dien-tu"])
                // The commune's staff answer it; even asked to, it is not published as a question.
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let id = try await platform.scalar("SELECT id FROM c_14224.questions")
                let page = try await editor.get("\(a)/hoi-dap/\(id)", on: adminSite)
                #expect(page.text.contains("Yêu cầu cung cấp thông tin (Luật Tiếp cận thông tin 2016)") && page.text.contains("036090001234"))
                let answered = try await editor.submit("\(a)/hoi-dap/\(id)", to: "\(a)/hoi-dap/\(id)", on: adminSite,
                    [("trang-thai", "answered"), ("tra-loi", "Gửi kèm Quyết định số 12/QĐ-UBND."), ("cong-khai", "1")])
                #expect(answered.status == 303)
                #expect(try await host.get("/tiep-can-thong-tin/tra-cuu?ma=\(code)", host: siteA).text.contains("Quyết định số 12/QĐ-UBND"))
                #expect(!(try await host.get("/hoi-dap", host: siteA).text.contains("Bản đồ quy hoạch")))
                let mail = try await platform.strings("SELECT subject || ' | ' || body_text FROM platform.mail_outbox WHERE recipient = 'le.can@example.vn'")
                #expect(mail.count == 1)
                #expect(mail.first?.contains("đã trả lời yêu cầu cung cấp thông tin \(code)") == true)
                #expect(mail.first?.contains("/tiep-can-thong-tin/tra-cuu?ma=\(code)") == true)
            }
        }
    }

    static let request = [("ho-ten", "Lê Văn Cần"), ("noi-cu-tru", "Xóm 3, Hải Nam"), ("so-dinh-danh", "036 090 001 234"), ("lien-he", "0912345678"),
                          ("thong-tin", "Bản đồ quy hoạch sử dụng đất của xã năm 2025"), ("muc-dich", "Xây nhà ở")]

    @Test func honeypotAndRateLimit_stopSpam() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            try await withTestHost(platform) { host in
                let bot = ConsoleBrowser(host)
                let trapped = try await bot.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: Self.question + [("website", "http://spam.example")])
                #expect(trapped.status == 303)
                #expect(trapped.header("Location") == "/hoi-dap")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 0)
                var statuses: [Int] = []
                for _ in 0..<6 {
                    statuses.append(try await bot.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: Self.question).status)
                }
                #expect(statuses == [303, 303, 303, 303, 303, 429])
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.questions") == 5)
                let limited = try await bot.request("POST", "/hoi-dap/gui-cau-hoi", on: siteA, form: Self.question)
                #expect(limited.text.contains("Vui lòng thử lại sau"))
            }
        }
    }

    @Test func consultationComments_showOnlyOnceApproved_andStopAtTheDeadline() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            let schema = try SchemaName(communeCode: 14224)
            let (open, closed) = try await platform.database.withConnection { connection in
                let store = ContentStore(logger: platform.logger)
                var draft = Entry(sectionID: 13, title: "Dự thảo quy ước thôn")
                draft.consultationDeadline = Date().addingTimeInterval(86_400)
                var past = Entry(sectionID: 13, title: "Dự thảo đã hết hạn")
                past.consultationDeadline = Date().addingTimeInterval(-60)
                return (try await store.insert(draft, into: schema, on: connection), try await store.insert(past, into: schema, on: connection))
            }
            try await withTestHost(platform) { host in
                let citizen = ConsoleBrowser(host)
                let comment = [("ho-ten", "Lê Thị Góp"), ("noi-dung", "Đề nghị bổ sung quy định về vệ sinh môi trường.")]
                let sent = try await citizen.request("POST", "/lay-y-kien/\(open)/gop-y", on: siteA, form: comment)
                #expect(sent.status == 303)
                #expect(sent.header("Location") == "/lay-y-kien/\(open)?da-gui=1#gop-y")
                let thanked = try await host.get("/lay-y-kien/\(open)?da-gui=1", host: siteA)
                #expect(thanked.text.contains("Góp ý sẽ hiển thị sau khi được kiểm duyệt."))
                #expect(!(try await host.get("/lay-y-kien/\(open)", host: siteA).text.contains("vệ sinh môi trường")))
                let late = try await citizen.request("POST", "/lay-y-kien/\(closed)/gop-y", on: siteA, form: comment)
                #expect(late.status == 400)
                #expect(late.text.contains("Đã hết hạn góp ý"))
                let editor = ConsoleBrowser(host)
                _ = try await editor.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let id = try await platform.scalar("SELECT id FROM c_14224.comments")
                let approved = try await editor.submit("\(a)/y-kien", to: "\(a)/y-kien/\(id)", on: adminSite, [("duyet", "1")])
                #expect(approved.status == 303)
                let page = try await host.get("/lay-y-kien/\(open)", host: siteA)
                #expect(page.text.contains("Đề nghị bổ sung quy định về vệ sinh môi trường."))
                #expect(page.text.contains("Lê Thị Góp"))
            }
        }
    }
}
