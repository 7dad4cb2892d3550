import Foundation
import Logging
import PostgresNIO

/// What editors and citizens change, each change in one transaction with
/// the commune's content version bumped (so every host's page cache drops
/// the commune's pages) and an audit entry.
public struct Editorial: Sendable {
    public let database: TenantDatabase
    public let accounts: Accounts
    let logger: Logger
    let content: ContentStore
    let catalogue: Catalogue
    /// Citizens' submissions per address and commune per hour.
    public var submissionsPerHour = 5
    /// Largest upload, in bytes.
    public var maxUpload = 10 * 1024 * 1024
    /// Strips images' metadata and makes their WebP widths; nil without libvips.
    public var resizer: ImageResizer? = ImageResizer()
    /// Turns an uploaded Word document into a draft; nil without pandoc.
    public var converter: DocumentConverter? = DocumentConverter()
    /// Called with the commune's id once a change is committed, before the
    /// caller gets its answer: the host drops that commune's cached pages
    /// here, and nginx's front cache drops them from every front, so the
    /// next request never sees a page older than the write. (Other host
    /// processes learn it from `NOTIFY tenant_content`.)
    let committed: @Sendable (Int64) async -> Void
    /// `committed` purges nginx's front caches: the notification of the
    /// change says so, and other hosts do not purge them again.
    let committedPurgesFronts: Bool
    /// Called with the commune's id before a change's transaction starts
    /// (the host notes that it is the writer: `FrontCache.writing(tenant:)`).
    public var changing: @Sendable (Int64) -> Void = { _ in }

    public init(
        database: TenantDatabase, accounts: Accounts, logger: Logger, committedPurgesFronts: Bool = false,
        committed: @escaping @Sendable (Int64) async -> Void = { _ in }
    ) {
        self.database = database
        self.accounts = accounts
        self.logger = logger
        self.content = ContentStore(logger: logger)
        self.catalogue = Catalogue(logger: logger)
        self.committedPurgesFronts = committedPurgesFronts
        self.committed = committed
    }

    /// The message for a file over `limit` bytes.
    public static func tooLarge(_ limit: Int) -> String {
        "Tệp lớn quá \(limit / 1024 / 1024) MB."
    }

    /// A transaction whose body may throw form errors (``ValidationFailure``)
    /// as well as database ones; both reach the caller unchanged.
    @discardableResult
    func transaction<Result: Sendable>(
        _ schema: SchemaName, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await self.database.withTransaction(schema: schema, body)
        } catch {
            throw error.unwrapped()
        }
    }

    /// Runs `change` in a transaction, then marks the commune's content as
    /// changed and records the audit entry, in the same transaction.
    func change<Result: Sendable>(
        _ tenant: Tenant, by user: StaffUser?, action: String, detail: @escaping @Sendable (Result) -> String,
        address: String, _ change: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let result: Result
        self.changing(tenant.id)
        do {
            result = try await self.database.withTransaction(schema: tenant.schema) { connection in
                let result = try await change(connection)
                try await self.catalogue.touchContent(tenantID: tenant.id, writerPurgesFronts: self.committedPurgesFronts, on: connection)
                try await self.accounts.audit(user, commune: tenant.code, action: action, detail: detail(result), address: address, on: connection)
                return result
            }
        } catch {
            throw error.unwrapped()
        }
        await self.committed(tenant.id)
        return result
    }

    /// Replaces the body of a static section.
    public func saveSectionBody(
        _ sectionID: Int, body: String, format: BodyFormat, in tenant: Tenant, by user: StaffUser, address: String
    ) async throws {
        guard body.count <= 200_000 else { throw ValidationFailure([BodyField.body.rawValue: "Nội dung dài quá 200.000 ký tự."]) }
        guard !VietnameseText.hasControlCharacters(body) else { throw ValidationFailure([BodyField.body.rawValue: "Nội dung chứa ký tự không hợp lệ."]) }
        let source = VietnameseText.nfc(body)
        let html = format == .markdown ? Markdown.html(from: source) : HTMLSanitizer.sanitize(source)
        try await self.change(tenant, by: user, action: "section.update", detail: { _ in "section \(sectionID)" }, address: address) {
            connection in
            try await self.content.updateSectionBody(
                sectionID, body: html.value, source: source, format: format.rawValue, in: tenant.schema, on: connection)
        }
    }

    /// Replaces the footer, contact details and maintenance notice.
    public func saveSite(_ draft: SiteInfoDraft, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        var errors = FieldErrors()
        typealias F = SiteInfoDraft.Field
        func value(_ field: F, _ raw: String, max: Int, required: Bool = false, label: String) -> String {
            let text = VietnameseText.nfc(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            if required && text.isEmpty { errors.add(field, "Vui lòng nhập \(label).") }
            if text.count > max { errors.add(field, "Quá \(max) ký tự.") }
            if VietnameseText.hasControlCharacters(text) { errors.add(field, "Chứa ký tự không hợp lệ.") }
            return text
        }
        var site = SiteInfo(publisher: value(.publisher, draft.publisher, max: 200, required: true, label: "cơ quan chủ quản"))
        site.responsiblePerson = value(.responsiblePerson, draft.responsiblePerson, max: 120, required: true, label: "người chịu trách nhiệm")
        site.responsibleTitle = value(.responsibleTitle, draft.responsibleTitle, max: 120, label: "chức vụ")
        site.address = value(.address, draft.address, max: 300, label: "địa chỉ")
        site.phone = value(.phone, draft.phone, max: 40, label: "điện thoại")
        site.email = value(.email, draft.email, max: 200, label: "thư điện tử")
        if !site.email.isEmpty && !EntryDraft.looksLikeEmail(site.email) { errors.add(F.email, "Thư điện tử không hợp lệ.") }
        site.notice = value(.notice, draft.notice, max: 1000, label: "thông báo")
        site.emcSiteID = value(.emcSiteID, draft.emcSiteID, max: 300, label: "mã số EMC")
        if !site.emcSiteID.isEmpty, site.emcSiteID.range(of: "^[1-9][0-9]{0,11}$", options: .regularExpression) == nil {
            errors.add(F.emcSiteID, "Mã số EMC là dãy chữ số do Hệ thống EMC cấp cho trang (ví dụ 4064); không nhập địa chỉ hay đoạn mã.")
        }
        for (field, raw, label) in [(F.noticeFrom, draft.noticeFrom, "Thời điểm bắt đầu"), (F.noticeUntil, draft.noticeUntil, "Thời điểm kết thúc")] {
            let text = value(field, raw, max: 20, label: label)
            guard !text.isEmpty else { continue }
            guard let date = EntryDraft.parseLocalDateTime(text) else {
                errors.add(field, "\(label) không hợp lệ.")
                continue
            }
            if field == .noticeFrom { site.noticeFrom = date } else { site.noticeUntil = date }
        }
        if let from = site.noticeFrom, from > Date(), WorkingDays.between(Date(), from) < 7 {
            errors.add(F.noticeFrom, "Việc tạm ngừng có kế hoạch phải được thông báo trước ít nhất 7 ngày làm việc; chọn thời điểm muộn hơn hoặc để trống nếu là sự cố.")
        }
        if let from = site.noticeFrom, let until = site.noticeUntil, until <= from {
            errors.add(F.noticeUntil, "Thời điểm ẩn thông báo phải sau thời điểm bảo trì.")
        }
        try errors.check()
        let saved = site
        try await self.change(tenant, by: user, action: "site.update", detail: { _ in saved.responsiblePerson }, address: address) {
            connection in
            try await self.content.updateSite(saved, in: tenant.schema, on: connection)
        }
    }

    // MARK: Files

    /// Stores an upload after checking its size and what it really is (by
    /// its first bytes, not by its name or declared type).
    public func upload(
        name rawName: String, data: [UInt8], in tenant: Tenant, by user: StaffUser, address: String
    ) async throws -> StoredFile {
        let (cleanName, type, stored, variants) = try await self.prepare(name: rawName, data: data, in: tenant)
        let original = stored
        let copies = variants
        let id = try await self.change(
            tenant, by: user, action: "file.upload", detail: { (id: Int64) in "#\(id) \(cleanName) \(type.mime) \(original.count) B, \(copies.count) WebP" }, address: address
        ) { connection -> Int64 in
            let id = try await self.content.saveFile(cleanName, contentType: type.mime, data: original, in: tenant.schema, on: connection)
            for copy in copies {
                try await self.content.saveVariant(of: id, width: copy.width, data: copy.data, in: tenant.schema, on: connection)
            }
            return id
        }
        return StoredFile(id: id, name: cleanName, contentType: type.mime, size: original.count, createdAt: Date())
    }

    /// An upload checked and made ready to store: its size, what it really
    /// is (by its first bytes), a clean name, and for an image its copy
    /// without metadata and its WebP widths.
    func prepare(name rawName: String, data: [UInt8], in tenant: Tenant) async throws -> (name: String, type: FileType, data: [UInt8], variants: [(width: Int, data: [UInt8])]) {
        guard !data.isEmpty else { throw ValidationFailure([BodyField.file.rawValue: "Chưa chọn tệp."]) }
        guard data.count <= self.maxUpload else {
            throw ValidationFailure([BodyField.file.rawValue: Self.tooLarge(self.maxUpload)])
        }
        guard let type = FileType.sniff(data) else {
            throw ValidationFailure([BodyField.file.rawValue: "Chỉ nhận tệp PDF hoặc ảnh PNG, JPEG, GIF, WebP (kiểm tra theo nội dung tệp)."])
        }
        var name = VietnameseText.nfc(rawName).replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
        name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" }.map(Character.init)).trimmingCharacters(in: .whitespaces)
        if name.isEmpty { name = "tep.\(type.fileExtension)" }
        let cleanName = String(name.prefix(200))
        var stored = data
        var variants: [(width: Int, data: [UInt8])] = []
        if type != .pdf && type != .gif {
            if let resizer = self.resizer {
                do {
                    if let result = try await resizer.process(data, type: type) {
                        stored = result.original
                        variants = result.variants
                    }
                } catch {
                    self.logger.notice("image refused by libvips", metadata: ["commune": "\(tenant.code)", "reason": "\(error)"])
                    throw ValidationFailure([BodyField.file.rawValue: "Không đọc được ảnh này (tệp hỏng hoặc không đúng định dạng). Mở ảnh, lưu lại rồi tải lên lần nữa."])
                }
            } else {
                self.logger.warning("libvips is not installed: image stored as uploaded", metadata: ["commune": "\(tenant.code)"])
            }
        }
        return (cleanName, type, stored, variants)
    }

    // MARK: Citizens

    /// Records a submission for the rate limit; refuses when the address sent
    /// too many to this commune within the hour.
    func admit(address: String, tenant: Tenant, form: String, on connection: PostgresConnection) async throws {
        let recent = try await self.content.recentSubmissions(address: address, tenantID: tenant.id, on: connection)
        guard recent < self.submissionsPerHour else {
            throw TenantCoreError(.rateLimited, "Bạn đã gửi \(recent) lần trong một giờ qua. Vui lòng thử lại sau.")
        }
        try await self.content.recordSubmission(address: address, tenantID: tenant.id, form: form, on: connection)
    }

    static func citizenText<Field: RawRepresentable>(
        _ raw: String, _ key: Field, max: Int, label: String, into errors: inout FieldErrors, required: Bool = true
    ) -> String where Field.RawValue == String {
        let text = VietnameseText.nfc(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        if required && text.isEmpty { errors.add(key, "Vui lòng nhập \(label).") }
        if text.count > max { errors.add(key, "\(label.prefix(1).uppercased() + label.dropFirst()) không được dài quá \(max) ký tự.") }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            errors.add(key, "\(label.prefix(1).uppercased() + label.dropFirst()) chứa ký tự không hợp lệ.")
        }
        return text
    }

    /// A citizen's question. Returns its tracking code.
    /// - Throws: ``ValidationFailure`` (Vietnamese, per field) or a rate-limit ``TenantCoreError``.
    public func submitQuestion(_ submission: QuestionSubmission, to tenant: Tenant, address: String) async throws -> String {
        var errors = FieldErrors()
        typealias F = QuestionSubmission.Field
        let name = Self.citizenText(submission.name, F.name, max: 120, label: "họ và tên", into: &errors)
        let contact = Self.citizenText(submission.contact, F.contact, max: 200, label: "số điện thoại hoặc thư điện tử", into: &errors)
        let title = Self.citizenText(submission.title, F.title, max: 200, label: "tiêu đề", into: &errors)
        let body = Self.citizenText(submission.body, F.body, max: 5000, label: "nội dung câu hỏi", into: &errors)
        if !contact.isEmpty && !EntryDraft.looksLikeEmail(contact) && contact.filter(\.isNumber).count < 9 {
            errors.add(F.contact, "Vui lòng nhập số điện thoại (ít nhất 9 chữ số) hoặc thư điện tử hợp lệ.")
        }
        if !body.isEmpty && body.count < 10 { errors.add(F.body, "Nội dung câu hỏi quá ngắn (ít nhất 10 ký tự).") }
        let notifyEmail = Self.notifyAddress(
            submission.email, consent: submission.consent, required: false, email: F.email, consentField: F.consent, into: &errors)
        try errors.check()
        let (showName, notify) = (submission.showName, notifyEmail)
        return try await self.transaction(tenant.schema) { connection in
            try await self.admit(address: address, tenant: tenant, form: "question", on: connection)
            for _ in 0..<5 {
                let code = Self.trackingCode()
                if try await self.content.insertQuestion(
                    code: code, name: name, contact: contact, title: title, body: body, notifyEmail: notify, showName: showName,
                    in: tenant.schema, on: connection)
                {
                    try await self.accounts.audit(nil, actor: "người dân", commune: tenant.code, action: "question.received", detail: code, address: address, on: connection)
                    return code
                }
            }
            throw TenantCoreError(.conflict, "could not allocate a tracking code")
        }
    }

    /// A citizen's rating of the site; nothing that names them is kept.
    public func submitRating(_ submission: RatingSubmission, to tenant: Tenant, address: String) async throws {
        var errors = FieldErrors()
        typealias F = RatingSubmission.Field
        func score(_ raw: String, _ field: F) -> Int? {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard text.count == 1, let value = Int(text), (1...5).contains(value) else {
                errors.add(field, "Chọn một mức từ 1 đến 5.")
                return nil
            }
            return value
        }
        let information = score(submission.information, .information)
        let services = score(submission.services, .services)
        let remark = Self.citizenText(submission.remark, F.remark, max: 1000, label: "ý kiến", into: &errors, required: false)
        if information == nil && services == nil && submission.information.isEmpty && submission.services.isEmpty {
            errors.add(F.information, "Chọn mức độ hài lòng về thông tin hoặc về dịch vụ công.")
        }
        try errors.check()
        try await self.transaction(tenant.schema) { connection in
            try await self.admit(address: address, tenant: tenant, form: "rating", on: connection)
            try await PortalStore(logger: self.logger).insertRating(
                tenantID: tenant.id, information: information, services: services, remark: remark, on: connection)
        }
    }

    /// The address a citizen gave to be told of the answer: valid, and only
    /// with the consent box ticked (the consent is stored with it); "" for none.
    static func notifyAddress<Field: RawRepresentable>(
        _ typed: String, consent: Bool, required: Bool, email emailField: Field, consentField: Field, into errors: inout FieldErrors
    ) -> String where Field.RawValue == String {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            if consent || required { errors.add(emailField, "Vui lòng nhập địa chỉ thư điện tử để nhận câu trả lời.") }
            return ""
        }
        guard let email = EmailAddress(text) else {
            errors.add(emailField, "Địa chỉ thư điện tử không hợp lệ.")
            return ""
        }
        if !consent { errors.add(consentField, "Đánh dấu ô đồng ý để nhận câu trả lời qua thư điện tử, hoặc để trống địa chỉ thư.") }
        return email.value
    }

    /// A request for information (Law 104/2016): tracked like a question,
    /// with the code `TT-…`. Returns the code.
    public func submitInformationRequest(_ submission: InformationRequestSubmission, to tenant: Tenant, address: String) async throws -> String {
        var errors = FieldErrors()
        typealias F = InformationRequestSubmission.Field
        let name = Self.citizenText(submission.name, F.name, max: 120, label: "họ và tên", into: &errors)
        let residence = Self.citizenText(submission.residence, F.residence, max: 300, label: "nơi cư trú", into: &errors)
        let idNumber = submission.idNumber.filter { !$0.isWhitespace }
        let digitsOnly = idNumber.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        if !(digitsOnly && (idNumber.count == 12 || idNumber.count == 9)) {
            errors.add(F.idNumber, "Vui lòng nhập số định danh cá nhân (12 chữ số) hoặc số chứng minh nhân dân (9 chữ số).")
        }
        let contact = Self.citizenText(submission.contact, F.contact, max: 200, label: "số điện thoại hoặc thư điện tử", into: &errors)
        if !contact.isEmpty && !EntryDraft.looksLikeEmail(contact) && contact.filter(\.isNumber).count < 9 {
            errors.add(F.contact, "Vui lòng nhập số điện thoại (ít nhất 9 chữ số) hoặc thư điện tử hợp lệ.")
        }
        let information = Self.citizenText(submission.information, F.information, max: 5000, label: "thông tin cần cung cấp", into: &errors)
        if !information.isEmpty && information.count < 10 { errors.add(F.information, "Vui lòng mô tả rõ hơn thông tin cần cung cấp (ít nhất 10 ký tự).") }
        let purpose = Self.citizenText(submission.purpose, F.purpose, max: 1000, label: "mục đích sử dụng thông tin", into: &errors)
        let delivery = InformationRequestSubmission.Delivery(rawValue: submission.delivery)
        if delivery == nil { errors.add(F.delivery, "Vui lòng chọn cách nhận thông tin.") }
        let notifyEmail = Self.notifyAddress(
            submission.email, consent: submission.consent, required: delivery == .email, email: F.email, consentField: F.consent, into: &errors)
        try errors.check()
        let notify = notifyEmail
        let title = String(information.prefix(120))
        let chosen = delivery?.rawValue ?? ""
        return try await self.transaction(tenant.schema) { connection in
            try await self.admit(address: address, tenant: tenant, form: "information", on: connection)
            for _ in 0..<5 {
                let code = Self.trackingCode(prefix: "TT-")
                if try await self.content.insertQuestion(
                    code: code, name: name, contact: contact, title: title, body: information, notifyEmail: notify, kind: .information,
                    residence: residence, idNumber: idNumber, purpose: purpose, delivery: chosen, in: tenant.schema, on: connection)
                {
                    try await self.accounts.audit(nil, actor: "người dân", commune: tenant.code, action: "information.received", detail: code, address: address, on: connection)
                    return code
                }
            }
            throw TenantCoreError(.conflict, "could not allocate a tracking code")
        }
    }

    /// `HD-7K3M9Q2P`: letters and digits that cannot be mistaken for each other.
    static func trackingCode(prefix: String = "HD-") -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The editor's answer, status and whether the question is published.
    ///
    /// When the question becomes answered and its asker gave an address
    /// (with consent), the e-mail saying so is written to the outbox in the
    /// same transaction, with a link under `siteURL` (the commune's site).
    public func answerQuestion(
        _ id: Int64, status: Question.Status, answer: String, publish: Bool, in tenant: Tenant, by user: StaffUser, address: String,
        siteURL: String? = nil
    ) async throws {
        var errors = FieldErrors()
        let text = Self.citizenText(answer, AnswerField.answer, max: 20_000, label: "câu trả lời", into: &errors, required: status == .answered)
        if publish && status != .answered { errors.add(AnswerField.publish, "Chỉ công bố được câu hỏi đã trả lời.") }
        try errors.check()
        // A question that does not exist changes nothing: no audit entry, no cache drop.
        try await self.change(
            tenant, by: user, action: "question.\(status.rawValue)", detail: { _ in "#\(id)\(publish ? " published" : "")" },
            address: address
        ) { connection in
            guard let before = try await self.content.question(id: id, in: tenant.schema, on: connection),
                try await self.content.updateQuestion(id: id, status: status, answer: text, published: publish, in: tenant.schema, on: connection)
            else { throw TenantCoreError(.notFound, "question \(id) does not exist") }
            if status == .answered, before.status != .answered, let email = EmailAddress(before.notifyEmail), let siteURL {
                let path = before.kind == .question ? "/hoi-dap/tra-cuu" : "/tiep-can-thong-tin/tra-cuu"
                try await MailRepository(logger: self.logger).insert(
                    MailTemplates.questionAnswered(
                        to: email, commune: "Ủy ban nhân dân \(tenant.name)", communeCode: tenant.code, code: before.code, title: before.title,
                        link: "\(siteURL)\(path)?ma=\(before.code)", kind: before.kind),
                    on: connection)
            }
        }
    }

    /// A citizen's comment on a consultation, until its deadline; shown once moderated.
    public func submitComment(_ submission: CommentSubmission, on entryID: Int64, to tenant: Tenant, address: String) async throws {
        var errors = FieldErrors()
        typealias F = CommentSubmission.Field
        let name = Self.citizenText(submission.name, F.name, max: 120, label: "họ và tên", into: &errors)
        let contact = Self.citizenText(submission.contact, F.contact, max: 200, label: "liên hệ", into: &errors, required: false)
        let body = Self.citizenText(submission.body, F.body, max: 5000, label: "nội dung góp ý", into: &errors)
        if !body.isEmpty && body.count < 10 { errors.add(F.body, "Nội dung góp ý quá ngắn (ít nhất 10 ký tự).") }
        try errors.check()
        try await self.transaction(tenant.schema) { connection in
            guard let entry = try await self.content.entry(
                tenant.schema, section: MandatorySection.consultation.id, id: entryID, now: Date(), on: connection)
            else { throw TenantCoreError(.notFound, "consultation \(entryID) does not exist") }
            if let deadline = entry.consultationDeadline, deadline < Date() {
                throw ValidationFailure([CommentSubmission.Field.body.rawValue: "Đã hết hạn góp ý cho dự thảo này."])
            }
            try await self.admit(address: address, tenant: tenant, form: "comment", on: connection)
            try await self.content.insertComment(entry: entryID, name: name, contact: contact, body: body, in: tenant.schema, on: connection)
        }
    }

    /// Approves or rejects a comment; an approved comment appears on the public page.
    public func moderateComment(
        _ id: Int64, approve: Bool, in tenant: Tenant, by user: StaffUser, address: String
    ) async throws {
        try await self.change(
            tenant, by: user, action: approve ? "comment.approve" : "comment.reject", detail: { _ in "#\(id)" }, address: address
        ) { connection in
            guard try await self.content.moderate(comment: id, to: approve ? .approved : .rejected, in: tenant.schema, on: connection) != nil
            else { throw TenantCoreError(.notFound, "comment \(id) does not exist") }
        }
    }
}

/// What an upload really is, judged by its first bytes.
public enum FileType: Sendable, Equatable, CaseIterable {
    case pdf, png, jpeg, gif, webp

    /// The type a stored file was given (``mime``).
    public init?(mime: String) {
        guard let found = Self.allCases.first(where: { $0.mime == mime }) else { return nil }
        self = found
    }

    public static func sniff(_ data: [UInt8]) -> FileType? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            data.count >= offset + prefix.count && Array(data[offset..<offset + prefix.count]) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        return nil
    }

    public var mime: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        }
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .png: "png"
        case .jpeg: "jpg"
        case .gif: "gif"
        case .webp: "webp"
        }
    }
}
