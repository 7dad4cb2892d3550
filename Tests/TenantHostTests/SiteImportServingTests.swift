import Foundation
import Testing
import TestSupport
@testable import TenantCore
@testable import TenantHost

/// An old site's addresses after `provisioner site import`: each answers
/// 301 to its new page on the commune's own site, and nowhere else.
@Suite struct SiteImportServingTests {
    static let fixture = TestEnvironment.wordpressFixture

    /// Imports the WordPress fixture into Hải Nam, published.
    static func importFixture(_ platform: TestPlatform) async throws -> SiteImportReport {
        let snapshot = try await TenantDirectory().reload(from: platform.database)
        let tenant = try #require(snapshot.tenants.values.first { $0.code == 14224 })
        let archive = try WXRArchive.read(try Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/export.xml")))
        let plan = SiteImportPlan.make(archive, mapping: .defaults, commune: "xã Hải Nam")
        let accounts = Accounts(database: platform.database, logger: platform.logger)
        let editorial = Editorial(database: platform.database, accounts: accounts, logger: platform.logger)
        return try await editorial.importSite(plan, into: tenant, publish: true, fetcher: MirrorFiles(root: Self.fixture + "/mirror", maxBytes: 20 << 20))
    }

    @Test func oldAddresses_answer301_toTheirNewPages() async throws {
        try await withTestPlatform(from: .communes([(14224, "Xã Hải Nam"), (14225, "Xã Hải Phúc")])) { platform in
            let report = try await Self.importFixture(platform)
            #expect(report.entries == 44 && report.failures.isEmpty, "\(report.failures)")
            let documentID = try await platform.scalar("SELECT id FROM c_14224.entries WHERE doc_number = '125/QĐ-UBND'")
            let oldImage = try #require(try await platform.strings(
                "SELECT path FROM c_14224.old_addresses WHERE path LIKE '/wp-content/uploads/%.jpg' ORDER BY path LIMIT 1").first)
            let imageFile = try await platform.scalar("SELECT file_id FROM c_14224.old_addresses WHERE path = '\(oldImage)'")
            _ = try await platform.provisioning.addDomain("xahainam.namdinh.gov.vn", code: 14224, role: .redirect)
            try await withTestHost(platform) { host in
                let site = "hai-nam.hue.localhost"
                let moved: [(String, String)] = [
                    ("/2024/03/quyet-dinh-so-125-qd-ubnd-ngay-12-3-2024-ve-viec-ban-hanh-ke-hoach-phong-chong-thien-tai-nam-2024/", "/van-ban/\(documentID)"),
                    ("/category/van-ban/quyet-dinh/", "/van-ban"),
                    ("/category/tin-tuc-su-kien/page/2/", "/tin-tuc"),
                    ("/gioi-thieu/lich-su/", "/gioi-thieu"),
                    (oldImage, "/tep/\(imageFile)"),
                    (oldImage.replacingOccurrences(of: ".jpg", with: "-300x188.jpg"), "/tep/\(imageFile)"),
                ]
                for (old, new) in moved {
                    let response = try await host.get(old, host: site)
                    #expect(response.status == 301 && response.header("location") == new, "\(old): \(response.status) \(response.header("location") ?? "")")
                }
                // The page it points to is the document, found by its number.
                let page = try await host.get("/van-ban/\(documentID)", host: site)
                #expect(page.status == 200 && page.text.contains("125/QĐ-UBND"))
                let byNumber = try await host.get("/van-ban?so=125%2FQ%C4%90-UBND", host: site)
                #expect(byNumber.status == 200 && byNumber.text.contains("/van-ban/\(documentID)"))
                // An address the old site never had is still a 404; another commune knows none of them.
                #expect(try await host.get("/2024/03/khong-co-bai-nay/", host: site).status == 404)
                let other = try await host.get(moved[0].0, host: "hai-phuc.hue.localhost")
                #expect(other.status == 404, "\(other.status) \(other.header("location") ?? "")")
                // The old host, once it points at the platform, sends the old path to the site, which sends it on.
                let viaOldHost = try await host.get(moved[0].0, host: "xahainam.namdinh.gov.vn")
                #expect(viaOldHost.status == 301 && (viaOldHost.header("location") ?? "").hasSuffix(moved[0].0), "\(viaOldHost.header("location") ?? "")")
            }
        }
    }

    /// A draft's old address does not lead to it before it is published.
    @Test func draftsOldAddress_isNotFollowed_untilPublished() async throws {
        try await withTestPlatform(from: .communes([(14224, "Xã Hải Nam")])) { platform in
            _ = try await Self.importFixture(platform)
            // An item published on the old site, taken down here.
            try await platform.execute("UPDATE c_14224.entries SET status = 'draft' WHERE doc_number = '125/QĐ-UBND'")
            try await withTestHost(platform) { host in
                let response = try await host.get(
                    "/2024/03/quyet-dinh-so-125-qd-ubnd-ngay-12-3-2024-ve-viec-ban-hanh-ke-hoach-phong-chong-thien-tai-nam-2024/", host: "hai-nam.hue.localhost")
                #expect(response.status == 404)
            }
        }
    }

    /// After a merge, the old commune's site is an archive inside its
    /// successor's: its old site's addresses lead into the archive.
    @Test func afterAMerge_oldAddressesLeadIntoTheArchive() async throws {
        try await withTestPlatform(from: consoleFixture) { platform in
            let report = try await Self.importFixture(platform)
            #expect(report.entries == 44)
            _ = try await platform.provisioning.addDomain("xahainam.namdinh.gov.vn", code: 14224, role: .redirect)
            _ = try await CommuneChangeTests.changes(platform).merge([14224], into: 14233, lastDay: "2026-11-30")
            let documentID = try await platform.scalar("SELECT id FROM c_14224.entries WHERE doc_number = '125/QĐ-UBND'")
            let old = "/2024/03/quyet-dinh-so-125-qd-ubnd-ngay-12-3-2024-ve-viec-ban-hanh-ke-hoach-phong-chong-thien-tai-nam-2024/"
            try await withTestHost(platform) { host in
                let viaOldHost = try await host.get(old, host: "xahainam.namdinh.gov.vn")
                let location = try #require(viaOldHost.header("location"))
                #expect(viaOldHost.status == 301 && location.hasSuffix("/luu-tru/hai-nam" + old), "\(location)")
                let inArchive = try await host.get("/luu-tru/hai-nam" + old, host: siteB)
                #expect(inArchive.status == 301 && inArchive.header("location") == "/luu-tru/hai-nam/van-ban/\(documentID)", "\(inArchive.status) \(inArchive.header("location") ?? "")")
                let page = try await host.get("/luu-tru/hai-nam/van-ban/\(documentID)", host: siteB)
                #expect(page.status == 200 && page.text.contains("125/QĐ-UBND"))
            }
        }
    }
}
