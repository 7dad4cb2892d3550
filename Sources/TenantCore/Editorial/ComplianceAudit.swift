import Foundation

/// What the audit asks of a footer (Circular 32/2017, Art. 16(3)(c)).
extension SiteInfo {
    /// Text that stands in for real details, compared without diacritics
    /// or case: the sample set's markers and the usual fillers anywhere in
    /// a value, and whole values that are only a filler (a real person may
    /// well be called Nguyễn Văn Anh).
    static let placeholderMarkers = ["thong tin mau", "dia chi mau", "noi dung mau", "(mau)", "chua cap nhat", "dang cap nhat", "xxx",
                                     "...", "…", "example.", "lorem"]
    static let placeholderValues: Set<String> = ["nguyen van a", "tran van b", "mau", "test", "a", "-"]

    public static func isPlaceholder(_ value: String) -> Bool {
        let folded = VietnameseText.fold(value).trimmingCharacters(in: .whitespaces)
        return Self.placeholderValues.contains(folded) || Self.placeholderMarkers.contains { folded.contains($0) }
    }

    /// What is missing or still a placeholder, by field name (Vietnamese).
    public var footerProblems: [String] {
        var result: [String] = []
        for (label, value) in [("cơ quan chủ quản", self.publisher), ("người chịu trách nhiệm", self.responsiblePerson),
                               ("chức vụ người chịu trách nhiệm", self.responsibleTitle), ("địa chỉ", self.address),
                               ("điện thoại", self.phone), ("thư điện tử", self.email)]
        {
            let text = value.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { result.append("chưa có \(label)") }
            else if Self.isPlaceholder(text) { result.append("\(label) còn là thông tin mẫu") }
        }
        if !self.phone.isEmpty, self.phone.filter(\.isNumber).count < 8 { result.append("số điện thoại không đủ chữ số") }
        return result
    }
}

/// The outcome of one check of the audit.
public enum AuditStatus: String, Sendable, Codable, Hashable {
    case pass, warn, fail

    public var title: String {
        switch self {
        case .pass: "Đạt"
        case .warn: "Cần chú ý"
        case .fail: "Không đạt"
        }
    }
}

/// One check of the compliance audit, with the legal text it rests on.
public struct AuditCheck: Sendable, Codable, Hashable {
    /// Stable key: `section.4`, `footer`, `deadline.news`, `function.rss`…
    public var id: String
    public var title: String
    public var basis: String
    public var status: AuditStatus
    public var detail: String

    public init(id: String, title: String, basis: String, status: AuditStatus, detail: String) {
        self.id = id
        self.title = title
        self.basis = basis
        self.status = status
        self.detail = detail
    }
}

/// One commune's audit: every check, and whether it is compliant (no check
/// failed). Stored in `platform.audit_runs` for the history.
public struct AuditReport: Sendable, Hashable {
    public var tenant: Tenant
    public var ranAt: Date
    public var checks: [AuditCheck]

    public init(tenant: Tenant, ranAt: Date, checks: [AuditCheck]) {
        self.tenant = tenant
        self.ranAt = ranAt
        self.checks = checks
    }

    public var failed: Int { self.checks.count { $0.status == .fail } }
    public var passed: Int { self.checks.count { $0.status == .pass } }
    public var compliant: Bool { self.failed == 0 }
}

/// The compliance audit an inspector of the Department runs, as checks
/// over one commune's figures (``ComplianceRow``); the site's functions are
/// checked by the host, which can fetch its pages (``AuditCheck`` ids
/// `function.*`).
public enum ComplianceAudit {
    public static let footerBasis = "Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c"
    public static let emcBasis = "Thông tư 22/2023/TT-BTTTT, Chương III (gắn mã theo dõi của Hệ thống EMC)"
    public static let questionsBasis = "Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm đ (trả lời trong 15 ngày làm việc)"

    /// How recent the newest item of a section must be, in working days,
    /// and the text that asks for it.
    public static let freshness: [(key: String, section: MandatorySection, days: Int, basis: String)] = [
        ("news", .news, 10, "Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm a (cập nhật thường xuyên); mức của nền tảng: 10 ngày làm việc"),
        ("direction", .direction, 22, "Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm a; mức của nền tảng: 22 ngày làm việc"),
        ("budget", .budget, 70, "Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 11 khoản 2 (công khai theo quý); mức của nền tảng: 70 ngày làm việc"),
    ]

    /// Every check that the commune's figures decide.
    public static func checks(_ row: ComplianceRow, now: Date) -> [AuditCheck] {
        var checks: [AuditCheck] = []
        for section in MandatorySection.allCases {
            let state = row.sections[section.id]
            let id = "section.\(section.id)"
            let title = "Chuyên mục \(section.id). \(section.title) có nội dung thật"
            guard let state else {
                checks.append(AuditCheck(id: id, title: title, basis: section.legalBasis, status: .fail, detail: "Trang không có chuyên mục này."))
                continue
            }
            switch section.kind {
            case .footer:
                continue
            case .static:
                checks.append(
                    state.starter
                        ? AuditCheck(id: id, title: title, basis: section.legalBasis, status: .fail, detail: "Vẫn là nội dung khởi tạo sẵn, chưa được biên tập.")
                        : AuditCheck(id: id, title: title, basis: section.legalBasis, status: .pass, detail: "Đã biên tập."))
            default:
                if state.items > 0 {
                    checks.append(AuditCheck(id: id, title: title, basis: section.legalBasis, status: .pass, detail: "\(state.items) mục đã đăng."))
                } else if state.samples > 0 {
                    checks.append(AuditCheck(id: id, title: title, basis: section.legalBasis, status: .fail, detail: "Chỉ có \(state.samples) mục nội dung mẫu, chưa có mục thật."))
                } else {
                    checks.append(AuditCheck(id: id, title: title, basis: section.legalBasis, status: .fail, detail: "Chưa có mục nào."))
                }
            }
        }
        let footer = row.footer.footerProblems
        checks.append(
            AuditCheck(
                id: "footer", title: "Chân trang đủ cơ quan chủ quản, người chịu trách nhiệm và chức vụ, địa chỉ, điện thoại, thư điện tử",
                basis: Self.footerBasis, status: footer.isEmpty ? .pass : .fail,
                detail: footer.isEmpty ? "Đủ thông tin." : footer.joined(separator: "; ").capitalisedFirst + "."))
        if let domain = row.endedEmailDomain {
            checks.append(
                AuditCheck(
                    id: "footer.domain", title: "Thư điện tử ở chân trang dùng tên miền đang hoạt động", basis: Self.footerBasis,
                    status: .fail,
                    detail: "Địa chỉ \(row.footer.email) dùng tên miền \(domain) của đơn vị hành chính đã kết thúc hoạt động; thư gửi tới đó có thể không đến."))
        } else if !row.footer.email.isEmpty {
            checks.append(
                AuditCheck(
                    id: "footer.domain", title: "Thư điện tử ở chân trang dùng tên miền đang hoạt động", basis: Self.footerBasis,
                    status: .pass, detail: "Tên miền của địa chỉ thư không thuộc đơn vị đã kết thúc hoạt động."))
        }
        let emc = row.footer.emcSiteID.trimmingCharacters(in: .whitespaces)
        checks.append(
            AuditCheck(
                id: "emc", title: "Trang gắn mã giám sát của Hệ thống EMC", basis: Self.emcBasis, status: emc.isEmpty ? .fail : .pass,
                detail: emc.isEmpty
                    ? "Chưa khai báo mã trang do Hệ thống EMC cấp (Thông tin trang, mục Mã giám sát EMC)."
                    : "Mã trang trên Hệ thống EMC: \(emc)."))
        for (key, section, days, basis) in Self.freshness {
            let state = row.sections[section.id]
            let id = "deadline.\(key)"
            let title = "\(section.title): mục mới nhất trong vòng \(days) ngày làm việc"
            if let age = state?.age(at: now), (state?.items ?? 0) > 0 {
                checks.append(
                    AuditCheck(
                        id: id, title: title, basis: basis, status: age <= days ? .pass : .fail,
                        detail: "Mục mới nhất cách đây \(age) ngày làm việc (đã trừ ngày nghỉ lễ, Tết)."))
            } else {
                checks.append(AuditCheck(id: id, title: title, basis: basis, status: .fail, detail: "Chưa có mục thật nào."))
            }
        }
        checks.append(
            AuditCheck(
                id: "deadline.schedule", title: "Lịch công tác của lãnh đạo tuần này đã đăng",
                basis: MandatorySection.direction.legalBasis, status: row.scheduleThisWeek > 0 ? .pass : .fail,
                detail: row.scheduleThisWeek > 0
                    ? "\(row.scheduleThisWeek) mục lịch trong tuần."
                    : "Chưa có lịch công tác thật của tuần này (lịch mẫu không được tính)."))
        checks.append(
            AuditCheck(
                id: "deadline.questions", title: "Câu hỏi của người dân được trả lời trong 15 ngày làm việc", basis: Self.questionsBasis,
                status: row.overdueQuestions == 0 ? .pass : .fail,
                detail: row.overdueQuestions == 0
                    ? "Không có câu hỏi quá hạn (\(row.openQuestions) câu đang xử lý)."
                    : "\(row.overdueQuestions) câu hỏi quá 15 ngày làm việc chưa được trả lời."))
        return checks
    }
}

extension String {
    var capitalisedFirst: String { self.prefix(1).uppercased() + self.dropFirst() }
}
