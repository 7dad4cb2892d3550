import Foundation
import Logging

/// What citizens send a commune (questions, requests for information,
/// comments on drafts, ratings), each within the per-address limit, and
/// the staff's answers and moderation.
extension Editorial {
    /// Records a submission for the rate limit; refuses when the address sent
    /// too many to this site within the hour. `site`: a commune's tenant or
    /// a portal's unit (one numbering: a tenant is its commune's unit).
    func admit(address: String, site: Int64, form: String, on connection: UnitOfWork) async throws {
        let recent = try await self.content.recentSubmissions(address: address, tenantID: site, on: connection)
        guard recent < self.submissionsPerHour else {
            throw TenantCoreError(.rateLimited, "Bạn đã gửi \(recent) lần trong một giờ qua. Vui lòng thử lại sau.")
        }
        try await self.content.recordSubmission(address: address, tenantID: site, form: form, on: connection)
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
            try await self.admit(address: address, site: tenant.id, form: "question", on: connection)
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
        let rating = try Self.validated(submission)
        try await self.transaction(tenant.schema) { connection in
            try await self.admit(address: address, site: tenant.id, form: "rating", on: connection)
            try await PortalStore(logger: self.logger).insertRating(
                tenantID: tenant.id, information: rating.information, services: rating.services, remark: rating.remark, on: connection)
        }
    }

    /// A citizen's rating of a province's or district's portal, within the
    /// same per-address limit as a commune's forms.
    public func submitPortalRating(_ submission: RatingSubmission, to unit: AdminUnit, address: String) async throws {
        let rating = try Self.validated(submission)
        try await self.transaction(nil) { connection in
            try await self.admit(address: address, site: unit.id, form: "portal-rating", on: connection)
            try await PortalStore(logger: self.logger).insertPortalRating(
                unitID: unit.id, information: rating.information, services: rating.services, remark: rating.remark, on: connection)
        }
    }

    /// The scores (`1`…`5`, at least one) and the remark of a rating.
    /// - Throws: ``ValidationFailure`` naming the field.
    static func validated(_ submission: RatingSubmission) throws -> (information: Int?, services: Int?, remark: String) {
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
        return (information, services, remark)
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
            try await self.admit(address: address, site: tenant.id, form: "information", on: connection)
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
            try await self.admit(address: address, site: tenant.id, form: "comment", on: connection)
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
