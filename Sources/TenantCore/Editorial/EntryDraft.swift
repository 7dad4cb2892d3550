import Foundation

/// How an editor wrote a body.
public enum BodyFormat: String, Sendable, CaseIterable {
    case markdown
    case html
}

/// When an entry is published.
public enum PublishChoice: String, Sendable, CaseIterable {
    /// Kept as a draft, not shown.
    case draft
    /// Published now.
    case now
    /// Published at ``EntryDraft/publishAt``.
    case scheduled
    /// Stays published with the date it has (editing a published entry).
    case keep
}

extension EntryKind {
    /// The kinds of entry each section accepts: the rule every caller of
    /// ``Editorial/saveEntry(_:id:in:by:address:)`` is held to.
    public static func allowed(in section: Int) -> [EntryKind] {
        switch section {
        case MandatorySection.introduction.id: [.leader]
        case MandatorySection.direction.id: [.article, .schedule]
        case MandatorySection.documents.id: [.document]
        case MandatorySection.procedures.id: [.procedure]
        case MandatorySection.budget.id: [.budget, .article]
        default: [.article]
        }
    }
}

/// What an editor submits for an entry, as text fields from a form; turned
/// into an ``Entry`` by ``validated(section:now:)`` or refused with
/// Vietnamese messages per field.
public struct EntryDraft: Sendable, Equatable {
    /// The fields a ``ValidationFailure`` names (by raw value).
    public enum Field: String, Sendable, CaseIterable {
        case sectionID, kind, title, summary, body, bodyFormat, author, publish, publishAt
        case docType, docNumber, issuer, signer, issuedOn, effectiveOn, fileURL
        case field, serviceLevel, portalURL, processingTime, fee
        case startsAt, endsAt, location, presider, positionTitle, phone, email
        case periodYear, periodLabel, imageURL, imageAlt, consultationDeadline, consultationResult
    }

    public var sectionID: Int
    public var kind: EntryKind
    public var title = ""
    public var summary = ""
    public var body = ""
    public var bodyFormat = BodyFormat.markdown
    public var author = ""
    public var publish = PublishChoice.now
    public var publishAt = ""
    public var docType = ""
    public var docNumber = ""
    public var issuer = ""
    public var signer = ""
    public var issuedOn = ""
    public var effectiveOn = ""
    public var fileURL = ""
    public var field = ""
    public var serviceLevel = ""
    public var portalURL = ""
    public var processingTime = ""
    public var fee = ""
    public var startsAt = ""
    public var endsAt = ""
    public var location = ""
    public var presider = ""
    public var positionTitle = ""
    public var phone = ""
    public var email = ""
    public var periodYear = ""
    public var periodLabel = ""
    public var imageURL = ""
    public var imageAlt = ""
    public var consultationDeadline = ""
    public var consultationResult = ""

    public init(sectionID: Int, kind: EntryKind) {
        self.sectionID = sectionID
        self.kind = kind
    }

    /// The form values of an existing entry, for editing.
    public init(_ e: Entry) {
        self.sectionID = e.sectionID
        self.kind = e.kind
        self.title = e.title
        self.summary = e.summary
        self.body = e.bodySource.isEmpty ? e.body : e.bodySource
        self.bodyFormat = e.bodySource.isEmpty ? .html : (BodyFormat(rawValue: e.bodyFormat) ?? .html)
        self.author = e.author
        // Editing a published entry keeps its date unless the editor asks otherwise.
        self.publish = e.status == .draft || e.status == .unpublished ? .draft : (e.publishedAt > Date() ? .scheduled : .keep)
        self.publishAt = Self.localDateTime(e.publishedAt)
        self.docType = e.docType ?? ""
        self.docNumber = e.docNumber ?? ""
        self.issuer = e.issuer ?? ""
        self.signer = e.signer ?? ""
        self.issuedOn = e.issuedOn.map { VietnamTime($0).isoDate } ?? ""
        self.effectiveOn = e.effectiveOn.map { VietnamTime($0).isoDate } ?? ""
        self.fileURL = e.fileURL ?? ""
        self.field = e.field ?? ""
        self.serviceLevel = e.serviceLevel ?? ""
        self.portalURL = e.portalURL ?? ""
        self.processingTime = e.processingTime ?? ""
        self.fee = e.fee ?? ""
        self.startsAt = e.startsAt.map(Self.localDateTime) ?? ""
        self.endsAt = e.endsAt.map(Self.localDateTime) ?? ""
        self.location = e.location ?? ""
        self.presider = e.presider ?? ""
        self.positionTitle = e.positionTitle ?? ""
        self.phone = e.phone ?? ""
        self.email = e.email ?? ""
        self.periodYear = e.periodYear.map(String.init) ?? ""
        self.periodLabel = e.periodLabel ?? ""
        self.imageURL = e.imageURL ?? ""
        self.imageAlt = e.imageAlt ?? ""
        self.consultationDeadline = e.consultationDeadline.map(Self.localDateTime) ?? ""
        self.consultationResult = e.consultationResult
    }

    /// `2026-11-26T08:30` in Vietnam time, as an `<input type="datetime-local">` holds it.
    public static func localDateTime(_ date: Date) -> String {
        let t = VietnamTime(date)
        return "\(t.isoDate)T\(t.timeString)"
    }

    /// Parses `2026-11-26T08:30` (or `2026-11-26 08:30`) as Vietnam time.
    public static func parseLocalDateTime(_ text: String) -> Date? {
        let parts = text.replacingOccurrences(of: " ", with: "T").split(separator: "T")
        guard parts.count == 2, let day = self.parseDate(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard time.count >= 2, (0...23).contains(time[0]), (0...59).contains(time[1]) else { return nil }
        return day.addingTimeInterval(TimeInterval(time[0] * 3600 + time[1] * 60))
    }

    /// Parses `2026-11-26` as midnight of that day in Vietnam.
    public static func parseDate(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1900...2200).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            return nil
        }
        let date = VietnamTime.startOfDay(year: parts[0], month: parts[1], day: parts[2])
        // Reject 31 February and the like: the date must come back unchanged.
        guard VietnamTime(date).day == parts[2] else { return nil }
        return date
    }

    /// The longest body an editor may save, in characters.
    public static let maximumBodyLength = 200_000

    /// Checks every field and builds the entry. Editor HTML and Markdown are
    /// sanitised here, so what is stored is already safe.
    public func validated(section: Section, existing: Entry? = nil, now: Date = Date()) throws(ValidationFailure) -> Entry {
        var errors = FieldErrors()
        func text(_ name: Field, _ value: String, max: Int, required: Bool = false, label: String) -> String {
            let trimmed = VietnameseText.nfc(value.trimmingCharacters(in: .whitespacesAndNewlines))
            if required && trimmed.isEmpty { errors.add(name, "Vui lòng nhập \(label).") }
            if trimmed.count > max { errors.add(name, "\(label.prefix(1).uppercased() + label.dropFirst()) dài quá \(max) ký tự.") }
            if VietnameseText.hasControlCharacters(trimmed) {
                errors.add(name, "\(label.prefix(1).uppercased() + label.dropFirst()) chứa ký tự không hợp lệ.")
            }
            return trimmed
        }
        func optional(_ value: String) -> String? { value.isEmpty ? nil : value }
        func url(_ name: Field, _ value: String, label: String) -> String? {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return nil }
            guard trimmed.count <= 500, SafeURL.check(trimmed, allowing: .resource) != nil,
                !trimmed.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" })
            else {
                errors.add(name, "\(label) phải là địa chỉ bắt đầu bằng https://, http:// hoặc /.")
                return nil
            }
            return trimmed
        }
        func date(_ name: Field, _ value: String, label: String) -> Date? {
            guard !value.isEmpty else { return nil }
            guard let parsed = Self.parseDate(value) else {
                errors.add(name, "\(label) không hợp lệ (dạng năm-tháng-ngày).")
                return nil
            }
            return parsed
        }
        func dateTime(_ name: Field, _ value: String, label: String) -> Date? {
            guard !value.isEmpty else { return nil }
            guard let parsed = Self.parseLocalDateTime(value) else {
                errors.add(name, "\(label) không hợp lệ (ngày và giờ).")
                return nil
            }
            return parsed
        }

        guard EntryKind.allowed(in: section.id).contains(self.kind) else {
            throw ValidationFailure([Field.kind.rawValue: "Chuyên mục “\(section.title)” không nhận loại bài này."])
        }
        var entry = Entry(sectionID: section.id, kind: self.kind, title: "")
        entry.title = text(.title, self.title, max: 500, required: true, label: "tiêu đề")
        entry.summary = text(.summary, self.summary, max: 2000, label: "tóm tắt")
        entry.author = text(.author, self.author, max: 200, label: "tác giả")
        let body = text(.body, self.body, max: Self.maximumBodyLength, label: "nội dung")
        entry.bodySource = body
        entry.bodyFormat = self.bodyFormat.rawValue

        switch self.publish {
        case .keep where existing?.status == .published:
            entry.status = .published
            entry.publishedAt = existing!.publishedAt
        case .draft:
            entry.status = .draft
            entry.publishedAt = now
        case .scheduled:
            entry.status = .published
            if let at = dateTime(.publishAt, self.publishAt, label: "Thời điểm đăng") {
                if at <= now { errors.add(Field.publishAt, "Thời điểm hẹn giờ phải ở tương lai.") }
                entry.publishedAt = at
            } else if self.publishAt.isEmpty {
                errors.add(Field.publishAt, "Vui lòng chọn thời điểm đăng.")
            }
        default:
            entry.status = .published
            entry.publishedAt = now
        }

        switch self.kind {
        case .document:
            entry.docType = optional(text(.docType, self.docType, max: 100, required: true, label: "hình thức văn bản"))
            entry.docNumber = optional(text(.docNumber, self.docNumber, max: 60, required: true, label: "số ký hiệu"))
            entry.issuer = optional(text(.issuer, self.issuer, max: 200, required: true, label: "cơ quan ban hành"))
            entry.signer = optional(text(.signer, self.signer, max: 200, label: "người ký"))
            entry.issuedOn = date(.issuedOn, self.issuedOn, label: "Ngày ban hành")
            if entry.issuedOn == nil && self.issuedOn.isEmpty { errors.add(Field.issuedOn, "Vui lòng nhập ngày ban hành.") }
            entry.effectiveOn = date(.effectiveOn, self.effectiveOn, label: "Ngày hiệu lực")
            entry.fileURL = url(.fileURL, self.fileURL, label: "Tệp văn bản")
        case .procedure:
            entry.field = optional(text(.field, self.field, max: 200, required: true, label: "lĩnh vực"))
            if !["toàn trình", "một phần"].contains(self.serviceLevel) {
                errors.add(Field.serviceLevel, "Vui lòng chọn mức độ dịch vụ công: toàn trình hoặc một phần.")
            }
            entry.serviceLevel = self.serviceLevel
            entry.portalURL = url(.portalURL, self.portalURL, label: "Liên kết Cổng Dịch vụ công")
            entry.processingTime = optional(text(.processingTime, self.processingTime, max: 200, label: "thời hạn giải quyết"))
            entry.fee = optional(text(.fee, self.fee, max: 200, label: "phí, lệ phí"))
        case .schedule:
            entry.startsAt = dateTime(.startsAt, self.startsAt, label: "Thời gian bắt đầu")
            if self.startsAt.isEmpty { errors.add(Field.startsAt, "Vui lòng nhập thời gian bắt đầu.") }
            entry.endsAt = dateTime(.endsAt, self.endsAt, label: "Thời gian kết thúc")
            if let start = entry.startsAt, let end = entry.endsAt, end < start {
                errors.add(Field.endsAt, "Thời gian kết thúc phải sau thời gian bắt đầu.")
            }
            entry.location = optional(text(.location, self.location, max: 200, label: "địa điểm"))
            entry.presider = optional(text(.presider, self.presider, max: 200, label: "người chủ trì"))
        case .leader:
            entry.positionTitle = optional(text(.positionTitle, self.positionTitle, max: 200, required: true, label: "chức vụ"))
            entry.phone = optional(text(.phone, self.phone, max: 40, label: "điện thoại"))
            let email = text(.email, self.email, max: 200, label: "thư điện tử")
            if !email.isEmpty && !Self.looksLikeEmail(email) { errors.add(Field.email, "Thư điện tử không hợp lệ.") }
            entry.email = optional(email)
        case .budget:
            if let year = Int(self.periodYear), (1990...2200).contains(year) {
                entry.periodYear = year
            } else {
                errors.add(Field.periodYear, "Vui lòng nhập năm của kỳ báo cáo.")
            }
            if !["Quý I", "Quý II", "Quý III", "Quý IV", "6 tháng", "Năm", "Quyết toán"].contains(self.periodLabel) {
                errors.add(Field.periodLabel, "Vui lòng chọn kỳ báo cáo.")
            }
            entry.periodLabel = self.periodLabel
            entry.fileURL = url(.fileURL, self.fileURL, label: "Tệp biểu mẫu")
        case .article:
            break
        }
        entry.imageURL = url(.imageURL, self.imageURL, label: "Ảnh minh họa")
        entry.imageAlt = optional(text(.imageAlt, self.imageAlt, max: 300, label: "mô tả ảnh"))
        if entry.imageURL != nil && (entry.imageAlt ?? "").isEmpty {
            errors.add(Field.imageAlt, "Vui lòng mô tả ảnh cho người không nhìn thấy ảnh.")
        }
        var consultationResult = ""
        if section.id == MandatorySection.consultation.id {
            entry.consultationDeadline = dateTime(.consultationDeadline, self.consultationDeadline, label: "Hạn góp ý")
            consultationResult = text(.consultationResult, self.consultationResult, max: 100_000, label: "kết quả tổng hợp")
        }
        try errors.check()
        // Rendering costs CPU: only a form with no error is rendered.
        entry.body = self.bodyFormat == .markdown ? Markdown.html(from: body).value : HTMLSanitizer.sanitize(body).value
        if section.id == MandatorySection.consultation.id { entry.consultationResult = Markdown.html(from: consultationResult).value }
        return entry
    }

    /// Every image of a body says what it shows (WCAG 1.1.1) before the item
    /// goes to approval or online; a draft may still lack some.
    public static func checkImagesDescribed(in body: String) throws(ValidationFailure) {
        let undescribed = Self.undescribedImages(in: body)
        guard undescribed > 0 else { return }
        throw ValidationFailure([
            Field.body.rawValue: undescribed == 1
                ? "Một ảnh trong nội dung chưa có mô tả. Bấm vào ảnh, chọn nút sửa ảnh và nhập mô tả cho người không nhìn thấy ảnh."
                : "\(undescribed) ảnh trong nội dung chưa có mô tả. Bấm vào từng ảnh, chọn nút sửa ảnh và nhập mô tả cho người không nhìn thấy ảnh."
        ])
    }

    /// The images of sanitised HTML whose `alt` is empty (the sanitiser
    /// gives every image one, empty when it had none).
    static func undescribedImages(in html: String) -> Int {
        var count = 0
        var rest = html[...]
        while let start = rest.range(of: "<img ") {
            let tagEnd = rest[start.upperBound...].firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[start.upperBound..<tagEnd]
            if let alt = tag.range(of: " alt=\"") {
                let value = tag[alt.upperBound...].prefix { $0 != "\"" }
                if value.trimmingCharacters(in: .whitespaces).isEmpty { count += 1 }
            } else {
                count += 1
            }
            rest = rest[tagEnd...]
        }
        return count
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
