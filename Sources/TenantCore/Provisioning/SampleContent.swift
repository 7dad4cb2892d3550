import Foundation
import Logging

/// Demonstration content so a new visitor sees a living site: news,
/// direction notes, documents, procedures, this week's schedule, leaders, a
/// budget report. Every item is flagged `is_sample` and shown with a
/// "Nội dung mẫu" badge.
public struct SampleContent: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Adds the sample set to a commune unless it already has one. Returns
    /// the number of entries added (0 when it already had sample content).
    @discardableResult
    public func add(
        to tenant: TenantRecord, hosts: [String], now: Date = Date(), on connection: UnitOfWork
    ) async throws -> Int {
        let schema = tenant.schema
        let store = ContentStore(logger: self.logger)
        if try await store.hasSampleContent(schema, on: connection) { return 0 }
        let split = VietnameseText.splitUnitName(tenant.name)
        let kind = split.kind.isEmpty ? "xã" : split.kind
        let place = "\(kind) \(split.properName)"
        let ubnd = "UBND \(place)"
        // Wards and towns have residential groups; communes have villages.
        let hamlets = kind == "xã" ? "thôn, xóm" : "tổ dân phố"
        let hamlet = kind == "xã" ? "thôn" : "tổ dân phố"
        let day: TimeInterval = 86_400
        var entries: [Entry] = []
        func article(_ section: MandatorySection, _ daysAgo: Double, _ title: String, _ summary: String, _ body: String) -> Entry {
            Entry(
                sectionID: section.id, kind: .article, title: title, summary: summary, body: body, author: "Văn phòng \(ubnd)",
                publishedAt: now.addingTimeInterval(-daysAgo * day), updatedAt: now.addingTimeInterval(-daysAgo * day),
                isSample: true)
        }
        entries.append(article(.news, 0.2, "\(ubnd) ra quân tổng vệ sinh môi trường, hưởng ứng ngày Chủ nhật xanh",
            "Cán bộ, đoàn viên và Nhân dân các \(hamlets) đồng loạt ra quân thu gom rác thải, phát quang đường làng.",
            "<p>Sáng Chủ nhật, \(ubnd) phối hợp với Ủy ban Mặt trận Tổ quốc và các đoàn thể tổ chức ra quân tổng vệ sinh môi trường trên địa bàn.</p><p>Hơn 500 lượt người tham gia thu gom rác thải, khơi thông cống rãnh, phát quang bụi rậm dọc các tuyến đường liên thôn.</p><h2>Duy trì thường xuyên</h2><p>Ủy ban nhân dân đề nghị các thôn duy trì ngày vệ sinh chung vào Chủ nhật cuối mỗi tháng.</p>"))
        entries.append(article(.news, 1.5, "Khai giảng lớp tập huấn chuyển đổi số cho cán bộ \(hamlets)",
            "Lớp tập huấn giúp cán bộ \(hamlet) sử dụng dịch vụ công trực tuyến và hướng dẫn người dân cài đặt VNeID.",
            "<p>\(ubnd) khai giảng lớp tập huấn kỹ năng số cho 40 cán bộ \(hamlets) và thành viên tổ công nghệ số cộng đồng.</p><ul><li>Sử dụng Cổng Dịch vụ công quốc gia;</li><li>Hướng dẫn người dân kích hoạt định danh điện tử mức 2;</li><li>Thanh toán trực tuyến phí, lệ phí.</li></ul>"))
        entries.append(article(.news, 3, "Hội nghị sơ kết công tác 9 tháng đầu năm",
            "Các chỉ tiêu kinh tế – xã hội cơ bản đạt và vượt kế hoạch; thu ngân sách đạt 82% dự toán.",
            "<p>Hội nghị đánh giá kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội 9 tháng và triển khai nhiệm vụ những tháng cuối năm.</p>"))
        entries.append(article(.news, 6, "Ra mắt mô hình \u{201C}Thôn an toàn về an ninh trật tự\u{201D}",
            "Mô hình huy động Nhân dân tham gia giữ gìn an ninh trật tự tại khu dân cư.",
            "<p>Mô hình được triển khai thí điểm tại 3 thôn trước khi nhân rộng trên toàn \(place).</p>"))
        entries.append(article(.news, 9, "Tiêm chủng mở rộng đợt tháng này cho trẻ dưới 5 tuổi",
            "Trạm Y tế thông báo lịch tiêm chủng và đề nghị phụ huynh mang theo sổ tiêm chủng.",
            "<p>Trạm Y tế \(place) tổ chức tiêm chủng mở rộng vào thứ Ba và thứ Tư tuần tới, từ 7 giờ 30.</p>"))
        entries.append(article(.direction, 2, "Chỉ đạo triển khai các biện pháp phòng, chống bão và mưa lớn",
            "Chủ tịch \(ubnd) yêu cầu các \(hamlet) rà soát phương án sơ tán dân ở khu vực xung yếu.",
            "<p>Các \(hamlet) kiểm tra, gia cố đê bao, cống, chuẩn bị vật tư và lực lượng tại chỗ theo phương châm \u{201C}bốn tại chỗ\u{201D}.</p>"))
        entries.append(article(.direction, 8, "Trả lời kiến nghị của cử tri về sửa chữa đường giao thông nội đồng",
            "Tuyến đường được đưa vào kế hoạch duy tu năm nay, dự kiến thi công trong quý IV.",
            "<p>Ủy ban nhân dân đã giao bộ phận địa chính – xây dựng khảo sát và lập dự toán sửa chữa.</p>"))
        entries.append(article(.legalDissemination, 4, "Những điểm mới của Luật Đất đai người dân cần biết",
            "Tóm tắt các quy định mới về cấp giấy chứng nhận, chuyển mục đích sử dụng đất.",
            "<p>Tài liệu phổ biến pháp luật do Tư pháp – Hộ tịch \(place) biên soạn.</p>"))
        entries.append(article(.plans, 20, "Kế hoạch phát triển kinh tế – xã hội năm 2027",
            "Dự thảo các chỉ tiêu chủ yếu về kinh tế, văn hóa – xã hội, quốc phòng – an ninh.",
            "<p>Kế hoạch được xây dựng trên cơ sở đánh giá kết quả thực hiện năm trước và định hướng của cấp trên.</p>"))
        entries.append(article(.projects, 12, "Công khai dự án xây dựng nhà văn hóa \(hamlet)",
            "Tổng mức đầu tư 1,2 tỷ đồng từ ngân sách xã và Nhân dân đóng góp; thời gian thực hiện 6 tháng.",
            "<p>Chủ đầu tư: \(ubnd). Nguồn vốn: ngân sách xã và huy động đóng góp tự nguyện.</p>"))
        entries.append(article(.socialSupport, 5, "Danh sách hộ nghèo, hộ cận nghèo được hỗ trợ mua thẻ bảo hiểm y tế",
            "Công khai danh sách và tiêu chí bình xét theo quy định.",
            "<p>Danh sách được niêm yết tại trụ sở Ủy ban nhân dân và nhà văn hóa các thôn trong 30 ngày.</p>"))
        var consultation = article(.consultation, 1, "Lấy ý kiến Nhân dân về dự thảo quy ước \(hamlet)",
            "Người dân góp ý dự thảo tại trụ sở Ủy ban nhân dân hoặc ngay trên trang này đến hết thời hạn ghi dưới đây.",
            "<h2>Dự thảo (nội dung mẫu)</h2><p>Điều 1. Quy ước này quy định việc giữ gìn an ninh trật tự, vệ sinh môi trường và nếp sống văn minh trong \(hamlet).</p><p>Điều 2. Mỗi hộ gia đình có trách nhiệm thu gom, phân loại rác thải và tham gia ngày vệ sinh chung hằng tháng.</p>")
        consultation.consultationDeadline = now.addingTimeInterval(20 * day)
        entries.append(consultation)

        var budget = article(.budget, 15, "Công khai dự toán ngân sách năm 2026",
            "Dự toán thu, chi ngân sách \(place) năm 2026 đã được Hội đồng nhân dân quyết định.",
            "<p>Biểu số 1: Cân đối ngân sách. Biểu số 2: Dự toán thu. Biểu số 3: Dự toán chi.</p>")
        budget.kind = .budget
        budget.periodYear = 2026
        budget.periodLabel = "Năm"
        entries.append(budget)

        let documents: [(String, String, String, Double, String)] = [
            ("Quyết định", "125/QĐ-UBND", "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân", 3, "Quy chế làm việc nhiệm kỳ hiện hành."),
            ("Kế hoạch", "87/KH-UBND", "Kế hoạch chuyển đổi số năm 2026", 10, "Các nhiệm vụ chuyển đổi số trọng tâm của địa phương."),
            ("Thông báo", "42/TB-UBND", "Thông báo lịch tiếp công dân định kỳ", 14, "Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân."),
            ("Nghị quyết", "15/NQ-HĐND", "Nghị quyết về dự toán ngân sách năm 2026", 40, "Hội đồng nhân dân quyết định dự toán thu, chi ngân sách."),
        ]
        for (type, number, title, daysAgo, summary) in documents {
            var doc = article(.documents, daysAgo, title, summary, "<p>\(summary)</p>")
            doc.kind = .document
            doc.docType = type
            doc.docNumber = number
            doc.issuer = number.contains("HĐND") ? "HĐND \(place)" : ubnd
            doc.signer = number.contains("HĐND") ? "Chủ tịch HĐND" : "Chủ tịch UBND"
            doc.issuedOn = now.addingTimeInterval(-(daysAgo + 1) * day)
            doc.effectiveOn = now.addingTimeInterval(-(daysAgo + 1) * day)
            entries.append(doc)
        }

        let portal = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"
        let procedures: [(String, String, String, String, String)] = [
            ("Hộ tịch", "Đăng ký khai sinh", "toàn trình", "Ngay trong ngày làm việc", "Không thu lệ phí"),
            ("Hộ tịch", "Đăng ký kết hôn", "một phần", "Ngay trong ngày làm việc", "Không thu lệ phí"),
            ("Hộ tịch", "Đăng ký khai tử", "toàn trình", "Ngay trong ngày làm việc", "Không thu lệ phí"),
            ("Chứng thực", "Chứng thực bản sao từ bản chính", "một phần", "Trong ngày làm việc", "2.000 đồng/trang"),
            ("Bảo trợ xã hội", "Trợ cấp xã hội hằng tháng", "một phần", "Trong 15 ngày làm việc", "Không thu phí, lệ phí"),
            ("Người có công", "Hỗ trợ mai táng phí cho người có công", "một phần", "Trong 5 ngày làm việc", "Không thu phí, lệ phí"),
        ]
        for (field, name, level, time, fee) in procedures {
            var p = article(.procedures, 30, name, "Lĩnh vực \(field). Thủ tục thực hiện tại \(ubnd).",
                            "<p>Trình tự, thành phần hồ sơ và biểu mẫu theo Cổng Dịch vụ công quốc gia.</p>")
            p.kind = .procedure
            p.field = field
            p.serviceLevel = level
            p.portalURL = portal
            p.processingTime = time
            p.fee = fee
            entries.append(p)
        }

        let monday = VietnamTime(now).startOfWeek
        let slots: [(Int, Int, Int, String, String, String)] = [
            (0, 7, 30, "Chào cờ đầu tuần, giao ban lãnh đạo", "Hội trường \(ubnd)", "Chủ tịch UBND"),
            (0, 14, 0, "Tiếp công dân định kỳ", "Phòng tiếp công dân", "Chủ tịch UBND"),
            (1, 8, 0, "Kiểm tra tiến độ xây dựng nhà văn hóa \(hamlet)", "Nhà văn hóa \(hamlet) số 1", "Phó Chủ tịch UBND"),
            (2, 8, 0, "Họp Ban chỉ đạo chuyển đổi số", "Phòng họp số 2", "Chủ tịch UBND"),
            (3, 14, 0, "Làm việc với Đoàn kiểm tra của cấp trên", "Hội trường \(ubnd)", "Chủ tịch UBND"),
            (4, 8, 0, "Họp Ủy ban nhân dân thường kỳ", "Phòng họp số 1", "Chủ tịch UBND"),
        ]
        for (offset, hour, minute, title, location, presider) in slots {
            let start = monday.addingTimeInterval(Double(offset) * day + Double(hour * 3600 + minute * 60))
            var s = Entry(sectionID: MandatorySection.direction.id, kind: .schedule, title: title, isSample: true)
            s.publishedAt = monday.addingTimeInterval(-3 * day)
            s.updatedAt = s.publishedAt
            s.startsAt = start
            s.endsAt = start.addingTimeInterval(2 * 3600)
            s.location = location
            s.presider = presider
            entries.append(s)
        }

        let leaders: [(String, String, String, String)] = [
            ("Nguyễn Văn An", "Chủ tịch Ủy ban nhân dân", "Phụ trách chung; trực tiếp chỉ đạo lĩnh vực tài chính – ngân sách, quốc phòng – an ninh.",
             "Sinh năm 1975. Cử nhân Luật, cao cấp lý luận chính trị. Nhiều năm công tác tại địa phương."),
            ("Trần Thị Bình", "Phó Chủ tịch Ủy ban nhân dân", "Phụ trách lĩnh vực văn hóa – xã hội, giáo dục, y tế, chuyển đổi số.",
             "Sinh năm 1982. Thạc sĩ Quản lý công. Trước đây công tác tại Văn phòng Ủy ban nhân dân."),
        ]
        for (index, (name, position, duties, bio)) in leaders.enumerated() {
            var l = article(.introduction, 60 - Double(index), name, duties, "<p>\(bio) (thông tin mẫu)</p>")
            l.kind = .leader
            l.positionTitle = position
            entries.append(l)
        }

        let store2 = store
        for entry in entries { try await store2.insert(entry, into: schema, on: connection) }

        let primary = hosts.first ?? "\(tenant.slug).gov.vn"
        let site = SiteInfo(
            publisher: "Ủy ban nhân dân \(place)", responsiblePerson: "Nguyễn Văn An (thông tin mẫu)",
            responsibleTitle: "Chủ tịch Ủy ban nhân dân", address: "Trụ sở Ủy ban nhân dân \(place) (địa chỉ mẫu)",
            phone: "", email: "ubnd@\(primary)")
        try await store.updateSite(site, in: schema, on: connection)
        return entries.count
    }
}
