/// How a section's content behaves.
public enum SectionKind: String, Sendable, Codable, CaseIterable {
    /// A reference page edited when something changes.
    case `static`
    /// Items accumulate (news, documents…); the 5-working-day rule applies.
    case feed
    /// A catalogue kept in sync (administrative procedures).
    case catalogue
    /// Content with a reporting cycle (plans, budget disclosure).
    case periodic
    /// The publisher and person responsible shown on every page.
    case footer
}

/// A section of a commune's site as stored in its schema.
public struct Section: Sendable, Hashable, Codable {
    public var id: Int
    public var slug: String
    public var title: String
    public var kind: SectionKind
    public var position: Int
    public var mandatory: Bool
    public var legalBasis: String
    public var summary: String
    public var body: String
    public var starter: Bool
    /// What the editor wrote (Markdown or HTML), and how.
    public var bodySource: String = ""
    public var bodyFormat: String = "html"

    public init(
        id: Int, slug: String, title: String, kind: SectionKind, position: Int, mandatory: Bool, legalBasis: String,
        summary: String, body: String, starter: Bool
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.kind = kind
        self.position = position
        self.mandatory = mandatory
        self.legalBasis = legalBasis
        self.summary = summary
        self.body = body
        self.starter = starter
    }
}

/// The sixteen sections every commune site carries from its first day
/// (DESIGN.md), each with the legal text that requires it.
public enum MandatorySection: Int, Sendable, CaseIterable {
    case introduction = 1
    case organisation = 2
    case contact = 3
    case news = 4
    case direction = 5
    case documents = 6
    case procedures = 7
    case legalDissemination = 8
    case plans = 9
    case projects = 10
    case budget = 11
    case socialSupport = 12
    case consultation = 13
    case questions = 14
    case accessToInformation = 15
    case footer = 16

    public var id: Int { self.rawValue }

    public var slug: String {
        switch self {
        case .introduction: "gioi-thieu"
        case .organisation: "co-cau-to-chuc"
        case .contact: "lien-he"
        case .news: "tin-tuc"
        case .direction: "chi-dao-dieu-hanh"
        case .documents: "van-ban"
        case .procedures: "thu-tuc-hanh-chinh"
        case .legalDissemination: "pho-bien-phap-luat"
        case .plans: "quy-hoach-ke-hoach"
        case .projects: "du-an-dau-tu"
        case .budget: "cong-khai-ngan-sach"
        case .socialSupport: "chinh-sach-an-sinh"
        case .consultation: "lay-y-kien"
        case .questions: "hoi-dap"
        case .accessToInformation: "tiep-can-thong-tin"
        case .footer: "co-quan-chu-quan"
        }
    }

    public var title: String {
        switch self {
        case .introduction: "Giới thiệu"
        case .organisation: "Cơ cấu tổ chức"
        case .contact: "Thông tin liên hệ"
        case .news: "Tin tức – Sự kiện"
        case .direction: "Chỉ đạo, điều hành"
        case .documents: "Văn bản"
        case .procedures: "Thủ tục hành chính"
        case .legalDissemination: "Phổ biến pháp luật"
        case .plans: "Quy hoạch, kế hoạch"
        case .projects: "Dự án, đầu tư, mua sắm công"
        case .budget: "Công khai ngân sách"
        case .socialSupport: "Chính sách an sinh"
        case .consultation: "Lấy ý kiến Nhân dân"
        case .questions: "Hỏi đáp"
        case .accessToInformation: "Tiếp cận thông tin"
        case .footer: "Cơ quan chủ quản"
        }
    }

    public var kind: SectionKind {
        switch self {
        case .introduction, .organisation, .contact, .accessToInformation: .static
        case .news, .direction, .documents, .legalDissemination, .projects, .socialSupport, .consultation, .questions: .feed
        case .procedures: .catalogue
        case .plans, .budget: .periodic
        case .footer: .footer
        }
    }

    public var legalBasis: String {
        switch self {
        case .introduction:
            "Nghị định 224/2026/NĐ-CP, Điều 9 khoản 1 điểm c; Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm a"
        case .organisation:
            "Luật Tiếp cận thông tin 104/2016/QH13, Điều 19 khoản 1 điểm đ; Nghị định 42/2022/NĐ-CP, Điều 4; Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 11 khoản 4"
        case .contact:
            "Nghị định 42/2022/NĐ-CP, Điều 4; Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm k, l; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm đ"
        case .news:
            "Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm b"
        case .direction:
            "Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm c (gồm lịch làm việc của lãnh đạo)"
        case .documents:
            "Nghị định 42/2022/NĐ-CP, Điều 4; Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm e; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm a"
        case .procedures:
            "Nghị định 224/2026/NĐ-CP, Điều 9 khoản 1 điểm a; Thông tư 32/2017/TT-BTTTT, Điều 6; Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 12, 13"
        case .legalDissemination:
            "Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm d; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm b"
        case .plans:
            "Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 1, 3; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm c; Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm đ"
        case .projects:
            "Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm h; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm d; Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 3, 6"
        case .budget:
            "Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 2, 5, 12; Luật Tiếp cận thông tin, Điều 19 khoản 1 điểm e"
        case .socialSupport:
            "Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 7–10"
        case .consultation:
            "Nghị định 43/2011/NĐ-CP, Điều 10 khoản 1 điểm i; Luật Thực hiện dân chủ ở cơ sở, Điều 11 khoản 11; Luật Tiếp cận thông tin, Điều 17 khoản 1 điểm c"
        case .questions:
            "Nghị định 43/2011/NĐ-CP, Điều 15 khoản 2 và Điều 17 khoản 1 điểm đ"
        case .accessToInformation:
            "Nghị định 13/2018/NĐ-CP, Điều 6 khoản 3 và Điều 11; Luật Tiếp cận thông tin, Điều 9 khoản 1 và Điều 19 khoản 1 điểm g"
        case .footer:
            "Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c"
        }
    }

    /// One line under the section title: what a citizen finds here.
    public var summary: String {
        switch self {
        case .introduction:
            "Tổ chức bộ máy hành chính, bản đồ địa giới hành chính, điều kiện tự nhiên, lịch sử, truyền thống văn hóa, di tích, danh thắng và tiểu sử tóm tắt của lãnh đạo."
        case .organisation:
            "Chức năng, nhiệm vụ, quyền hạn, sơ đồ tổ chức; nhiệm vụ của cán bộ, công chức; quy chế thực hiện dân chủ và quy tắc ứng xử."
        case .contact:
            "Địa chỉ, điện thoại, thư điện tử của cơ quan và của cán bộ đầu mối."
        case .news:
            "Tin, bài về hoạt động và các vấn đề thuộc phạm vi quản lý của địa phương."
        case .direction:
            "Ý kiến chỉ đạo, điều hành; phản hồi kiến nghị; khen thưởng, xử lý vi phạm; lịch làm việc của lãnh đạo."
        case .documents:
            "Văn bản quy phạm pháp luật và văn bản quản lý hành chính, có công cụ tìm kiếm theo loại, số ký hiệu, cơ quan ban hành, năm."
        case .procedures:
            "Danh mục thủ tục hành chính theo lĩnh vực, mức độ dịch vụ công trực tuyến và liên kết tới Cổng Dịch vụ công quốc gia."
        case .legalDissemination:
            "Phổ biến, hướng dẫn thực hiện pháp luật, chế độ, chính sách."
        case .plans:
            "Kế hoạch phát triển kinh tế – xã hội, quy hoạch, kế hoạch sử dụng đất và kết quả thực hiện."
        case .projects:
            "Danh sách dự án, đầu tư công, đấu thầu, mua sắm công; thu hồi đất, bồi thường, tái định cư."
        case .budget:
            "Dự toán, tình hình thực hiện theo quý, 6 tháng, năm và quyết toán ngân sách; các khoản huy động đóng góp."
        case .socialSupport:
            "Chính sách hỗ trợ, trợ cấp, bảo hiểm y tế, nhà ở; tiêu chí, đối tượng, quy trình bình xét và kết quả."
        case .consultation:
            "Dự thảo, chủ trương cần lấy ý kiến Nhân dân, thời hạn góp ý và kết quả tiếp thu, giải trình."
        case .questions:
            "Gửi câu hỏi, phản ánh, kiến nghị; theo dõi tình trạng xử lý; các câu trả lời được công bố."
        case .accessToInformation:
            "Danh mục thông tin phải công khai, đầu mối cung cấp thông tin và cách gửi yêu cầu cung cấp thông tin."
        case .footer:
            "Cơ quan chủ quản, người chịu trách nhiệm, địa chỉ, điện thoại, thư điện tử."
        }
    }

    /// The body seeded at provisioning for static sections, until an editor writes the real one.
    public func starterBody(communeName rawName: String) -> String {
        // Names come from lists and from the console: escaped like any text.
        let communeName = HTMLEscaping.escape(rawName)
        return switch self {
        case .introduction:
            "<p>Trang giới thiệu \(communeName): tổ chức bộ máy, địa giới hành chính, điều kiện tự nhiên, lịch sử và văn hóa. Nội dung đang được Ủy ban nhân dân cập nhật.</p>"
        case .organisation:
            "<p>Sơ đồ tổ chức, chức năng, nhiệm vụ của Ủy ban nhân dân \(communeName) và nhiệm vụ của cán bộ, công chức. Nội dung đang được cập nhật.</p>"
        case .contact:
            "<p>Thông tin liên hệ của Ủy ban nhân dân \(communeName) và cán bộ đầu mối cung cấp thông tin. Nội dung đang được cập nhật.</p>"
        case .accessToInformation:
            "<p>Công dân có quyền yêu cầu cung cấp thông tin theo Luật Tiếp cận thông tin. Danh mục thông tin công khai và đầu mối tiếp nhận yêu cầu của \(communeName) đang được cập nhật.</p>"
        default:
            ""
        }
    }

    /// Sections shown in the main menu, in order.
    public static var menu: [MandatorySection] { Self.allCases.filter { $0 != .footer } }
}
