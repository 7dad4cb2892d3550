import TenantCore

/// Where the console's form inputs meet TenantCore's typed inputs: each
/// field of a draft has one input name here, chosen by an exhaustive switch,
/// so renaming a field in TenantCore fails to compile until its form follows.
/// Validation failures come back keyed by TenantCore's field names and are
/// shown beside these inputs.
enum EntryForm {
    static func input(_ field: EntryDraft.Field) -> String {
        switch field {
        case .sectionID: "chuyen-muc"
        case .kind: "loai"
        case .title: "tieu-de"
        case .summary: "tom-tat"
        case .body: "noi-dung"
        case .bodyFormat: "dinh-dang"
        case .author: "tac-gia"
        case .publish: "dang"
        case .publishAt: "hen-gio-luc"
        case .docType: "loai-van-ban"
        case .docNumber: "so-ky-hieu"
        case .issuer: "co-quan"
        case .signer: "nguoi-ky"
        case .issuedOn: "ngay-ban-hanh"
        case .effectiveOn: "ngay-hieu-luc"
        case .fileURL: "tep"
        case .field: "linh-vuc"
        case .serviceLevel: "muc-do"
        case .portalURL: "lien-ket"
        case .processingTime: "thoi-han"
        case .fee: "phi"
        case .startsAt: "bat-dau"
        case .endsAt: "ket-thuc"
        case .location: "dia-diem"
        case .presider: "chu-tri"
        case .positionTitle: "chuc-vu"
        case .phone: "dien-thoai"
        case .email: "email"
        case .periodYear: "nam"
        case .periodLabel: "ky"
        case .imageURL: "anh"
        case .imageAlt: "mo-ta-anh"
        case .consultationDeadline: "han-gop-y"
        case .consultationResult: "ket-qua"
        }
    }

    /// The value of the `dang` radio button for each choice.
    static func value(_ choice: PublishChoice) -> String {
        switch choice {
        case .draft: "nhap"
        case .now: "dang"
        case .scheduled: "hen-gio"
        case .keep: "giu"
        }
    }

    static func choice(_ value: String) -> PublishChoice {
        PublishChoice.allCases.first { self.value($0) == value } ?? .now
    }

    /// What the button pressed asks for: `hanh-dong` is `luu` (save the
    /// draft), `gui-duyet` (submit) or `dang` (approve and publish). A form
    /// without it (older pages) publishes unless the draft was chosen.
    static func intent(_ form: FormBody) -> SaveIntent {
        switch form["hanh-dong"] {
        case "luu": .draft
        case "gui-duyet": .submit
        case "dang": .publish
        default: form[self.input(.publish)] == self.value(.draft) ? .draft : .publish
        }
    }

    /// The `ket-qua` of the page an editor lands on after a step.
    static func outcome(_ outcome: ReviewOutcome) -> String {
        switch outcome {
        case .saved: "da-luu"
        case .submitted: "da-gui-duyet"
        case .approved: "da-duyet"
        case .published: "da-dang"
        case .returned: "da-tra-lai"
        }
    }

    static func notice(_ value: String) -> String? {
        switch value {
        case "da-luu": "Đã lưu bản nháp. Bài chưa hiện trên trang."
        case "da-gui-duyet": "Đã gửi duyệt. Người duyệt sẽ xem bài; bạn vẫn sửa được trong lúc chờ."
        case "da-duyet": "Đã duyệt. Bài cần thêm người duyệt trước khi đăng."
        case "da-dang": "Đã duyệt và đăng."
        case "da-tra-lai": "Đã trả lại bài cho người viết kèm nhận xét."
        case "da-go": "Đã gỡ bài xuống."
        case "da-khoi-phuc": "Đã khôi phục. Bản khôi phục là bản nháp mới nhất."
        case "da-xoa": "Đã chuyển bài vào thùng rác."
        case "da-lay-lai": "Đã lấy bài ra khỏi thùng rác."
        case "da-nhap-word": "Đã tạo bản nháp từ tệp Word. Đọc lại, thêm mô tả cho từng ảnh rồi gửi duyệt."
        default: nil
        }
    }

    static func draft(from form: FormBody, section: Int, kind: EntryKind) -> EntryDraft {
        var d = EntryDraft(sectionID: section, kind: kind)
        form.fill(&d, input: self.input)
        d.bodyFormat = BodyFormat(rawValue: form[self.input(.bodyFormat)]) ?? .markdown
        d.publish = self.choice(form[self.input(.publish)])
        return d
    }

    static func errors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { EntryDraft.Field(rawValue: $0).map(self.input) }
    }
}

enum SiteForm {
    static func input(_ field: SiteInfoDraft.Field) -> String {
        switch field {
        case .publisher: "co-quan"
        case .responsiblePerson: "nguoi-chiu-trach-nhiem"
        case .responsibleTitle: "chuc-vu"
        case .address: "dia-chi"
        case .phone: "dien-thoai"
        case .email: "email"
        case .notice: "thong-bao"
        case .noticeFrom: "thong-bao-tu"
        case .noticeUntil: "thong-bao-den"
        case .emcSiteID: "ma-emc"
        }
    }

    static func draft(from form: FormBody) -> SiteInfoDraft {
        var d = SiteInfoDraft()
        form.fill(&d, input: self.input)
        return d
    }

    /// The form's values for a draft.
    static func values(_ d: SiteInfoDraft) -> [String: String] {
        FormBody.values(of: d, input: self.input)
    }

    static func errors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { SiteInfoDraft.Field(rawValue: $0).map(self.input) }
    }
}

/// The inputs of a question's answer, a section's body and an upload.
enum SmallForms {
    static func input(_ field: AnswerField) -> String {
        switch field {
        case .answer: "tra-loi"
        case .publish: "cong-khai"
        }
    }

    static func input(_ field: BodyField) -> String {
        switch field {
        case .body: "noi-dung"
        case .file: "tep"
        case .alt: "mo-ta"
        }
    }

    static func answerErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { AnswerField(rawValue: $0).map(self.input) }
    }

    static func bodyErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { BodyField(rawValue: $0).map(self.input) }
    }
}

/// The citizens' forms on the public site.
enum CitizenForm {
    static func input(_ field: QuestionSubmission.Field) -> String {
        switch field {
        case .name: "ho-ten"
        case .contact: "lien-he"
        case .title: "tieu-de"
        case .body: "noi-dung"
        case .email: "thu-dien-tu"
        case .consent: "dong-y"
        }
    }

    static func input(_ field: CommentSubmission.Field) -> String {
        switch field {
        case .name: "ho-ten"
        case .contact: "lien-he"
        case .body: "noi-dung"
        }
    }

    static func question(from form: FormBody) -> QuestionSubmission {
        QuestionSubmission(
            name: form[self.input(QuestionSubmission.Field.name)], contact: form[self.input(QuestionSubmission.Field.contact)],
            title: form[self.input(QuestionSubmission.Field.title)], body: form[self.input(QuestionSubmission.Field.body)],
            email: form[self.input(QuestionSubmission.Field.email)], consent: form[self.input(QuestionSubmission.Field.consent)] == "1",
            showName: form["cong-bo-ten"] == "1")
    }

    static func comment(from form: FormBody) -> CommentSubmission {
        CommentSubmission(
            name: form[self.input(CommentSubmission.Field.name)], contact: form[self.input(CommentSubmission.Field.contact)],
            body: form[self.input(CommentSubmission.Field.body)])
    }

    static func input(_ field: InformationRequestSubmission.Field) -> String {
        switch field {
        case .name: "ho-ten"
        case .residence: "noi-cu-tru"
        case .idNumber: "so-dinh-danh"
        case .contact: "lien-he"
        case .information: "thong-tin"
        case .purpose: "muc-dich"
        case .delivery: "cach-nhan"
        case .email: "thu-dien-tu"
        case .consent: "dong-y"
        }
    }

    static func informationRequest(from form: FormBody) -> InformationRequestSubmission {
        typealias F = InformationRequestSubmission.Field
        return InformationRequestSubmission(
            name: form[self.input(F.name)], residence: form[self.input(F.residence)], idNumber: form[self.input(F.idNumber)],
            contact: form[self.input(F.contact)], information: form[self.input(F.information)], purpose: form[self.input(F.purpose)],
            delivery: form[self.input(F.delivery)], email: form[self.input(F.email)], consent: form[self.input(F.consent)] == "1")
    }

    static func informationErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { InformationRequestSubmission.Field(rawValue: $0).map(self.input) }
    }

    static func questionErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { QuestionSubmission.Field(rawValue: $0).map(self.input) }
    }

    static func commentErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { CommentSubmission.Field(rawValue: $0).map(self.input) }
    }

    static func input(_ field: RatingSubmission.Field) -> String {
        switch field {
        case .information: "thong-tin"
        case .services: "dich-vu"
        case .remark: "y-kien"
        }
    }

    /// A rating as a commune's site or a portal posts it.
    static func rating(from form: FormBody) -> RatingSubmission {
        RatingSubmission(
            information: form[self.input(RatingSubmission.Field.information)], services: form[self.input(RatingSubmission.Field.services)],
            remark: form[self.input(RatingSubmission.Field.remark)])
    }

    static func ratingErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { RatingSubmission.Field(rawValue: $0).map(self.input) }
    }
}
