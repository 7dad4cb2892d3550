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

    static func draft(from form: FormBody, section: Int, kind: EntryKind) -> EntryDraft {
        var d = EntryDraft(sectionID: section, kind: kind)
        func text(_ field: EntryDraft.Field) -> String { form[self.input(field)] }
        d.title = text(.title)
        d.summary = text(.summary)
        d.body = text(.body)
        d.bodyFormat = BodyFormat(rawValue: text(.bodyFormat)) ?? .markdown
        d.author = text(.author)
        d.publish = self.choice(text(.publish))
        d.publishAt = text(.publishAt)
        d.docType = text(.docType)
        d.docNumber = text(.docNumber)
        d.issuer = text(.issuer)
        d.signer = text(.signer)
        d.issuedOn = text(.issuedOn)
        d.effectiveOn = text(.effectiveOn)
        d.fileURL = text(.fileURL)
        d.field = text(.field)
        d.serviceLevel = text(.serviceLevel)
        d.portalURL = text(.portalURL)
        d.processingTime = text(.processingTime)
        d.fee = text(.fee)
        d.startsAt = text(.startsAt)
        d.endsAt = text(.endsAt)
        d.location = text(.location)
        d.presider = text(.presider)
        d.positionTitle = text(.positionTitle)
        d.phone = text(.phone)
        d.email = text(.email)
        d.periodYear = text(.periodYear)
        d.periodLabel = text(.periodLabel)
        d.imageURL = text(.imageURL)
        d.imageAlt = text(.imageAlt)
        d.consultationDeadline = text(.consultationDeadline)
        d.consultationResult = text(.consultationResult)
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
        func text(_ field: SiteInfoDraft.Field) -> String { form[self.input(field)] }
        d.publisher = text(.publisher)
        d.responsiblePerson = text(.responsiblePerson)
        d.responsibleTitle = text(.responsibleTitle)
        d.address = text(.address)
        d.phone = text(.phone)
        d.email = text(.email)
        d.notice = text(.notice)
        d.noticeFrom = text(.noticeFrom)
        d.noticeUntil = text(.noticeUntil)
        d.emcSiteID = text(.emcSiteID)
        return d
    }

    /// The form's values for a draft.
    static func values(_ d: SiteInfoDraft) -> [String: String] {
        [
            self.input(.publisher): d.publisher, self.input(.responsiblePerson): d.responsiblePerson,
            self.input(.responsibleTitle): d.responsibleTitle, self.input(.address): d.address, self.input(.phone): d.phone,
            self.input(.email): d.email, self.input(.notice): d.notice, self.input(.noticeFrom): d.noticeFrom,
            self.input(.noticeUntil): d.noticeUntil, self.input(.emcSiteID): d.emcSiteID,
        ]
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
            title: form[self.input(QuestionSubmission.Field.title)], body: form[self.input(QuestionSubmission.Field.body)])
    }

    static func comment(from form: FormBody) -> CommentSubmission {
        CommentSubmission(
            name: form[self.input(CommentSubmission.Field.name)], contact: form[self.input(CommentSubmission.Field.contact)],
            body: form[self.input(CommentSubmission.Field.body)])
    }

    static func questionErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { QuestionSubmission.Field(rawValue: $0).map(self.input) }
    }

    static func commentErrors(_ failure: ValidationFailure) -> [String: String] {
        failure.renamed { CommentSubmission.Field(rawValue: $0).map(self.input) }
    }
}
