import Foundation
import Testing
import TenantCore
import TestSupport
@testable import TenantHost

/// An item's way to citizens: written and submitted by an author, sent back
/// or approved by an approver (as many as the commune asks for), previewed
/// at a link that expires; its history, restores and the trash.
@Suite struct ReviewTests {
    static let article = [("chuyen-muc", "4"), ("loai", "article"), ("dinh-dang", "markdown")]

    @Test func authorSubmits_approverSendsBack_thenPublishes_andAChangeWaitsForApproval() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let author = ConsoleBrowser(host)
                #expect(try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite).status == 303)
                let form = try await author.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite).text
                #expect(form.contains("value=\"gui-duyet\">Gửi duyệt</button>"))
                #expect(!form.contains("Duyệt và đăng"), "an author is not offered to publish")
                // Asking to publish anyway changes nothing.
                let forced = try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Họp dân tháng Mười Hai"), ("noi-dung", "Bản đầu"), ("hanh-dong", "dang")])
                #expect(forced.status == 400)
                #expect(forced.text.contains("Chỉ người duyệt bài mới đăng"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entries WHERE title = 'Họp dân tháng Mười Hai'") == 0)

                let sent = try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Họp dân tháng Mười Hai"), ("noi-dung", "Bản đầu"), ("hanh-dong", "gui-duyet")])
                #expect(sent.status == 303)
                #expect(sent.header("Location")?.hasSuffix("ket-qua=da-gui-duyet") == true)
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Họp dân tháng Mười Hai'")
                #expect(try await platform.strings("SELECT status || '/' || review FROM c_14224.entries WHERE id = \(id)") == ["draft/pending"])
                #expect(try await platform.scalar("SELECT count(*) FROM platform.review_queue WHERE entry_id = \(id)") == 1)
                #expect(!(try await host.get("/tin-tuc", host: siteA).text.contains("Họp dân tháng Mười Hai")))

                // The district sees the queue of its communes.
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                #expect(try await district.get("/quan-tri/cho-duyet", on: adminSite).text.contains("Họp dân tháng Mười Hai"))

                // A preview on the commune's own host: never cached, never indexed, expires.
                let preview = try await author.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/xem-truoc", on: adminSite, [])
                #expect(preview.status == 200)
                let link = try #require(preview.text.range(of: "href=\"http://[^\"]*/xem-truoc/[^\"]*", options: .regularExpression)
                    .map { String(preview.text[$0].dropFirst(6)) })
                let start = try #require(link.range(of: "/xem-truoc/"))
                let path = String(link[start.lowerBound...])
                #expect(link.contains(siteA))
                let shown = try await host.get(path, host: siteA)
                #expect(shown.status == 200)
                #expect(shown.text.contains("Họp dân tháng Mười Hai") && shown.text.contains("Bản xem trước"))
                #expect(shown.header("Cache-Control") == "no-store")
                #expect(shown.header("X-Robots-Tag")?.contains("noindex") == true)
                #expect(try await host.get(path, host: siteB).status == 404, "another commune's host does not know the link")
                #expect(try await host.get("/xem-truoc/khong-dung", host: siteA).status == 404)

                // Sent back with a comment: the author reads why.
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                #expect(try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/tra-lai", on: adminSite, [("nhan-xet", " ")]).status == 400)
                let back = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/tra-lai", on: adminSite, [("nhan-xet", "Thêm giờ họp và địa điểm.")])
                #expect(back.status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM platform.review_queue WHERE entry_id = \(id)") == 0)
                let returned = try await author.get("\(a)/bai/\(id)", on: adminSite).text
                #expect(returned.contains("Bị trả lại") && returned.contains("Thêm giờ họp và địa điểm."))

                // Fixed, submitted again, approved: online.
                #expect(try await author.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Họp dân tháng Mười Hai"), ("noi-dung", "Họp lúc 8 giờ tại nhà văn hóa"), ("hanh-dong", "gui-duyet")]).status == 303)
                let approved = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/duyet", on: adminSite, [])
                #expect(approved.header("Location")?.hasSuffix("ket-qua=da-dang") == true)
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).text.contains("Họp lúc 8 giờ tại nhà văn hóa"))

                // A change to the published item stays off the site until approved.
                #expect(try await author.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Họp dân tháng Mười Hai (dời ngày)"), ("noi-dung", "Họp lúc 14 giờ"), ("hanh-dong", "gui-duyet")]).status == 303)
                let online = try await host.get("/tin-tuc/\(id)", host: siteA).text
                #expect(online.contains("Họp lúc 8 giờ") && !online.contains("dời ngày"))
                #expect(try await author.get("\(a)/bai/\(id)", on: adminSite).text.contains("Họp lúc 14 giờ"), "the form shows the change")
                #expect(try await host.get(path, host: siteA).text.contains("Họp lúc 14 giờ"), "the preview shows the change")
                #expect(try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/duyet", on: adminSite, []).status == 303)
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).text.contains("Họp lúc 14 giờ"))

                let steps = try await platform.strings("SELECT action FROM c_14224.entry_revisions WHERE entry_id = \(id) ORDER BY id")
                #expect(steps == ["save", "submit", "return", "save", "submit", "publish", "save", "submit", "publish"])
                for action in ["entry.return", "entry.approve"] {
                    #expect(try await platform.scalar("SELECT count(*) FROM platform.audit_log WHERE action = '\(action)' AND commune_code = 14224") >= 1)
                }
                // The link expires.
                try await platform.execute("UPDATE c_14224.preview_links SET expires_at = now() - interval '1 second'")
                #expect(try await host.get(path, host: siteA).status == 404)
            }
        }
    }

    @Test func twoSteps_needTwoOtherPeople() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                #expect(try await author.submit("\(a)/duyet", to: "\(a)/duyet/so-buoc", on: adminSite, [("so-buoc", "2")]).status == 403, "an author does not set the steps")
                #expect(try await approver.submit("\(a)/duyet", to: "\(a)/duyet/so-buoc", on: adminSite, [("so-buoc", "2")]).status == 303)
                _ = try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Tin hai bước"), ("hanh-dong", "gui-duyet")])
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Tin hai bước'")
                let first = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/duyet", on: adminSite, [])
                #expect(first.header("Location")?.hasSuffix("ket-qua=da-duyet") == true)
                #expect(try await platform.strings("SELECT status FROM c_14224.entries WHERE id = \(id)") == ["draft"])
                #expect(try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/duyet", on: adminSite, []).status == 400, "one person approves once")
                // The district admin approves for the communes it manages.
                let district = ConsoleBrowser(host)
                _ = try await district.login("huyen.haihau", "matkhau-hai-hau", on: adminSite)
                #expect(try await district.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/duyet", on: adminSite, []).status == 303)
                #expect(try await platform.strings("SELECT status FROM c_14224.entries WHERE id = \(id)") == ["published"])
                // An approver's own item needs two others: their "publish" only submits it.
                let own = try await approver.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Tin của người duyệt"), ("hanh-dong", "dang")])
                #expect(own.header("Location")?.hasSuffix("ket-qua=da-gui-duyet") == true)
                // The district makes a commune's editors authors or approvers.
                for (name, approves) in [("tg2.hainam", false), ("duyet2.hainam", true)] {
                    let made = try await district.submit("/quan-tri/nguoi-dung", to: "/quan-tri/nguoi-dung", on: adminSite,
                        [("vai-tro", "editor"), ("ten-dang-nhap", name), ("ho-ten", "Cán bộ \(name)"), ("xa", "14224"), ("thu-dien-tu", "\(name)@hainam.vn")]
                            + (approves ? [("duyet-bai", "1")] : []))
                    #expect(made.status == 303, "\(made.text.prefix(300))")
                    #expect(try await platform.strings("SELECT may_approve::text FROM platform.users WHERE username = '\(name)'") == [approves ? "true" : "false"])
                }
                // Another commune's staff cannot approve here, nor see its queue.
                let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
                _ = try await accounts.createUser(username: "huyen.giaothuy", displayName: "Huyện Giao Thủy", password: "matkhau-giao-thuy", role: .district, scope: (.district, 367))
                let other = ConsoleBrowser(host)
                _ = try await other.login("huyen.giaothuy", "matkhau-giao-thuy", on: adminSite)
                #expect(!(try await other.get("/quan-tri/cho-duyet", on: adminSite).text.contains("Tin của người duyệt")))
                #expect(try await other.request("POST", "\(a)/bai/\(id)/duyet", on: adminSite, form: [("_csrf", "x")]).status == 403)
            }
        }
    }

    @Test func history_showsWhatChanged_restores_andTheTrashKeepsItemsThirtyDays() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                _ = try await approver.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Khai trương chợ mới"), ("noi-dung", "Chợ mở cửa lúc sáu giờ sáng."), ("hanh-dong", "dang")])
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Khai trương chợ mới'")
                _ = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Khai trương chợ mới"), ("noi-dung", "Chợ mở cửa lúc bảy giờ sáng."), ("hanh-dong", "dang"), ("dang", "giu")])
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).text.contains("bảy giờ"))
                let history = try await approver.get("\(a)/bai/\(id)/lich-su", on: adminSite).text
                #expect(history.contains("Duyệt và đăng") && history.contains("Biên tập Hải Nam"))
                let revisions = try await platform.strings("SELECT id::text FROM c_14224.entry_revisions WHERE entry_id = \(id) AND data IS NOT NULL ORDER BY id")
                #expect(revisions.count == 2)
                let diff = try await approver.get("\(a)/bai/\(id)/lich-su/\(revisions[1])", on: adminSite).text
                #expect(diff.contains("<del aria-label=\"đã xóa\">sáu </del><ins aria-label=\"đã thêm\">bảy </ins>"))
                // Restoring the first text is a new revision; online stays as approved until approved.
                #expect(try await approver.submit("\(a)/bai/\(id)/lich-su/\(revisions[0])", to: "\(a)/bai/\(id)/lich-su/\(revisions[0])", on: adminSite, []).status == 303)
                #expect(try await approver.get("\(a)/bai/\(id)", on: adminSite).text.contains("sáu giờ"))
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).text.contains("bảy giờ"))
                #expect(try await platform.strings("SELECT action FROM c_14224.entry_revisions WHERE entry_id = \(id) ORDER BY id DESC LIMIT 1") == ["restore"])

                // A save made since the form was opened (another tab, another person) is not overwritten unknowingly.
                func ban(_ html: String) -> String {
                    guard let range = html.range(of: "name=\"ban\" value=\"") else { return "" }
                    return String(html[range.upperBound...].prefix { $0.isNumber })
                }
                let opened = ban(try await approver.get("\(a)/bai/\(id)", on: adminSite).text)
                #expect(!opened.isEmpty)
                let other = ConsoleBrowser(host)
                _ = try await other.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                #expect(try await other.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Khai trương chợ mới"), ("noi-dung", "Bản của người viết."), ("hanh-dong", "luu")]).status == 303)
                let saves = try await platform.scalar("SELECT count(*) FROM c_14224.entry_revisions WHERE entry_id = \(id)")
                let clash = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)", on: adminSite,
                    Self.article + [("tieu-de", "Khai trương chợ mới"), ("noi-dung", "Bản của người duyệt."), ("hanh-dong", "luu"), ("ban", opened)])
                #expect(clash.status == 400)
                #expect(clash.text.contains("Người viết Hải Nam đã lưu bài này") && clash.text.contains("Bản của người duyệt."))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.entry_revisions WHERE entry_id = \(id)") == saves, "nothing was saved")
                #expect(try await approver.request("POST", "\(a)/bai/\(id)", on: adminSite, form: [("_csrf", ConsoleBrowser.csrf(in: clash.text) ?? "")]
                    + Self.article + [("tieu-de", "Khai trương chợ mới"), ("noi-dung", "Bản của người duyệt."), ("hanh-dong", "luu"), ("ban", ban(clash.text))]).status == 303,
                    "saving again, knowingly, goes through")

                // The author may not take a published item down, even by deleting it.
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                #expect(try await author.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/xoa", on: adminSite, [("xac-nhan", "1")]).status == 403)
                // Delete asks first, then goes to the trash; the trash gives it back.
                let asked = try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/xoa", on: adminSite, [])
                #expect(asked.status == 200 && asked.text.contains("thùng rác"))
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).status == 200)
                #expect(try await approver.submit("\(a)/bai/\(id)", to: "\(a)/bai/\(id)/xoa", on: adminSite, [("xac-nhan", "1")]).status == 303)
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).status == 404)
                #expect(try await approver.get("\(a)/bai?trang-thai=deleted", on: adminSite).text.contains("Khai trương chợ mới"))
                #expect(!(try await approver.get("\(a)/bai", on: adminSite).text.contains("Khai trương chợ mới")))
                let restored = try await approver.submit("\(a)/bai?trang-thai=deleted", to: "\(a)/bai/hang-loat", on: adminSite,
                    [("bai-\(id)", "1"), ("thao-tac", "khoi-phuc")])
                #expect(restored.status == 303)
                #expect(try await host.get("/tin-tuc/\(id)", host: siteA).status == 200)

                // Search without diacritics and by state.
                #expect(try await approver.get("\(a)/bai?q=cho+moi", on: adminSite).text.contains("Khai trương chợ mới"))
                #expect(!(try await approver.get("\(a)/bai?q=cho+moi&trang-thai=draft", on: adminSite).text.contains("Khai trương chợ mới")))
                #expect(try await approver.get("\(a)/bai?trang-thai=khong-co", on: adminSite).status == 400)

                // The purge deletes what has been in the trash for more than 30 days, only that.
                for (title, days) in [("Tin xóa lâu", 31), ("Tin mới xóa", 5)] {
                    _ = try await approver.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                        Self.article + [("tieu-de", title), ("hanh-dong", "luu")])
                    let trashed = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = '\(title)'")
                    _ = try await approver.submit("\(a)/bai/\(trashed)", to: "\(a)/bai/\(trashed)/xoa", on: adminSite, [("xac-nhan", "1")])
                    try await platform.execute("UPDATE c_14224.entries SET deleted_at = now() - interval '\(days) days' WHERE id = \(trashed)")
                }
                let tenant = try #require(try await TenantDirectory().reload(from: platform.database).tenants.values.first { $0.code == 14224 })
                let editorial = Editorial(database: platform.database, accounts: Accounts(database: platform.database, cost: 4, logger: platform.logger), logger: platform.logger)
                #expect(try await editorial.purgeTrash(in: tenant) == 1)
                #expect(try await platform.strings("SELECT title FROM c_14224.entries WHERE status = 'deleted'") == ["Tin mới xóa"])
                #expect(try await editorial.purgeTrash(in: tenant) == 0, "a rerun deletes nothing more")
            }
        }
    }

    @Test func featuredImage_needsADescription_andShowsOnTheArticle_andTheDashboardCountsTheWork() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await platform.execute(
                "INSERT INTO c_14224.files (name, content_type, size, data) VALUES ('cho.png', 'image/png', 2048, decode(repeat('00', 2048), 'hex'))")
            let file = try await platform.scalar("SELECT max(id) FROM c_14224.files")
            try await withTestHost(platform) { host in
                let approver = ConsoleBrowser(host)
                _ = try await approver.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let bare = try await approver.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Chợ mới có ảnh"), ("anh", "/tep/\(file)"), ("hanh-dong", "dang")])
                #expect(bare.status == 400 && bare.text.contains("Vui lòng mô tả ảnh"))
                #expect(try await approver.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Chợ mới có ảnh"), ("anh", "/tep/\(file)"), ("mo-ta-anh", "Cổng chợ mới"), ("hanh-dong", "dang")]).status == 303)
                let id = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Chợ mới có ảnh'")
                let page = try await host.get("/tin-tuc/\(id)", host: siteA).text
                #expect(page.contains("<img src=\"/tep/\(file)\"") && page.contains("alt=\"Cổng chợ mới\""))
                let author = ConsoleBrowser(host)
                _ = try await author.login("tg.hainam", "matkhau-tac-gia", on: adminSite)
                _ = try await author.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Tin chờ"), ("hanh-dong", "gui-duyet")])
                // The library: search by name, where a file is used, deleting only an unused one.
                let library = try await approver.get("\(a)/tep?q=CHO", on: adminSite).text
                #expect(library.contains("cho.png") && library.contains("href=\"\(a)/bai/\(id)\">Chợ mới có ảnh</a>"))
                #expect(try await approver.get("\(a)/tep?q=khong-co-ten-nay", on: adminSite).text.contains("Không có tệp nào."))
                #expect(try await approver.get("\(a)/tep/\(file)/anh", on: adminSite).header("Content-Type") == "image/png")
                let refused = try await approver.submit("\(a)/tep", to: "\(a)/tep/\(file)/xoa", on: adminSite, [])
                #expect(refused.status == 409 && refused.text.contains("Tệp đang được dùng trong: “Chợ mới có ảnh”"))
                try await platform.execute("INSERT INTO c_14224.files (name, content_type, size, data) VALUES ('thua.pdf', 'application/pdf', 5, '%PDF-')")
                let unused = try await platform.scalar("SELECT max(id) FROM c_14224.files")
                #expect(try await approver.submit("\(a)/tep", to: "\(a)/tep/\(unused)/xoa", on: adminSite, []).status == 303)
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 1)
                let dashboard = try await approver.get(a, on: adminSite).text
                #expect(dashboard.contains("Bài chờ duyệt: <a href=\"\(a)/duyet\">1</a>"))
                #expect(dashboard.contains("1 tệp, 0,0 MB"))
            }
        }
    }

    /// libvips (installed by ops/test) strips a photo's metadata and makes
    /// WebP copies; the article offers them with srcset.
    @Test func imageUploads_loseTheirMetadata_andGetWebPWidths() async throws {
        let photo = try fixture("photo-2400x1350.png")
        #expect(String(decoding: photo, as: UTF8.self).contains("GPSLatitude"))
        try await withTestPlatform(from: consoleFixture) { platform in
            let a = try await consolePath(platform, 14224)
            try await withTestHost(platform) { host in
                let browser = ConsoleBrowser(host)
                _ = try await browser.login("xa.hainam", "matkhau-hai-nam", on: adminSite)
                let token = ConsoleBrowser.csrf(in: try await browser.get("\(a)/tep", on: adminSite).text) ?? ""
                func upload(_ name: String, _ bytes: [UInt8]) async throws -> RawHTTPResponse {
                    try await browser.upload("\(a)/tep", on: adminSite, csrf: token, file: ("tep", name, "image/png", bytes))
                }
                let ok = try await upload("cho.png", photo)
                #expect(ok.status == 200, "\(ok.text.prefix(300))")
                let id = try await platform.scalar("SELECT max(id) FROM c_14224.files")
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files WHERE position('GPSLatitude'::bytea in data) > 0") == 0, "the metadata is gone")
                let widths = try await platform.strings("SELECT width::text FROM c_14224.file_variants WHERE file_id = \(id) ORDER BY width")
                #expect(widths.compactMap { Int($0) }.sorted() == [480, 960, 1600])
                let copy = try await host.get("/tep/\(id)/960", host: siteA)
                #expect(copy.header("Content-Type") == "image/webp")
                #expect(copy.body.count > 12 && Array(copy.body[8..<12]) == Array("WEBP".utf8))
                #expect(copy.body.count < photo.count)
                #expect(try await host.get("/tep/\(id)/961", host: siteA).status == 404, "only the widths made are addressable")
                let original = try await host.get("/tep/\(id)", host: siteA)
                #expect(original.header("Content-Type") == "image/png" && !original.text.contains("GPSLatitude"))
                // A file that only starts like a PNG is refused with a message, and nothing is kept.
                let broken = try await upload("hong.png", Array(photo.prefix(200)) + [UInt8](repeating: 7, count: 500))
                #expect(broken.status == 400 && broken.text.contains("Không đọc được ảnh này"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_14224.files") == 1)
                // Damaged images (seeded): each one kept or refused with a message, never a 500.
                var generator = SplitMix(seed: 2026)
                for _ in 0..<6 {
                    var damaged = photo
                    for _ in 0..<20 { damaged[Int(generator.next() % UInt64(damaged.count - 8)) + 8] = UInt8(truncatingIfNeeded: generator.next()) }
                    let answer = try await upload("hong.png", damaged)
                    #expect(answer.status == 200 || (answer.status == 400 && answer.text.contains("Không đọc được ảnh này")), "\(answer.status)")
                }
                // An image chosen in the entry form itself is uploaded and becomes the featured image.
                let inForm = try await browser.upload(
                    "\(a)/bai", on: adminSite, csrf: token, Self.article + [("tieu-de", "Tin kèm ảnh tải trong bài"), ("mo-ta-anh", "Ảnh chợ"), ("hanh-dong", "dang")],
                    file: ("anh-moi", "cho-2.png", "image/png", photo))
                #expect(inForm.status == 303, "\(inForm.text.prefix(300))")
                let image = try await platform.strings("SELECT image_url FROM c_14224.entries WHERE title = 'Tin kèm ảnh tải trong bài'")
                let newest = try await platform.scalar("SELECT max(id) FROM c_14224.files")
                #expect(image == ["/tep/\(newest)"])
                #expect(try await browser.get("\(a)/bai/moi?chuyen-muc=4&loai=article", on: adminSite).text.contains("<option value=\"/tep/\(newest)\">cho-2.png"),
                    "the form offers the library's images by name")
                // The article offers the copies.
                _ = try await browser.submit("\(a)/bai/moi?chuyen-muc=4&loai=article", to: "\(a)/bai", on: adminSite,
                    Self.article + [("tieu-de", "Chợ có ảnh nhỏ"), ("anh", "/tep/\(id)"), ("mo-ta-anh", "Cổng chợ"), ("hanh-dong", "dang")])
                let entry = try await platform.scalar("SELECT id FROM c_14224.entries WHERE title = 'Chợ có ảnh nhỏ'")
                #expect(try await host.get("/tin-tuc", host: siteA).text.contains("<img src=\"/tep/\(id)/480\" alt=\"\" width=\"160\""), "the list shows the small copy")
                #expect(try await host.get("/tin-tuc/\(entry)", host: siteA).text.contains("srcset=\"/tep/\(id)/480 480w, /tep/\(id)/960 960w, /tep/\(id)/1600 1600w\""))
            }
        }
    }
}

/// A small seeded generator for the damaged images.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
