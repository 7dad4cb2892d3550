/// A typed input whose fields a form carries as text. Each field names the
/// property it fills here, once and exhaustively, so the host reads a form
/// into it and shows it again with one loop each, and a field added to the
/// input fails to compile until it is mapped.
public protocol TextFields {
    associatedtype Field: CaseIterable, RawRepresentable where Field.RawValue == String
    /// The text property `field` fills, or nil for a field of another type
    /// (a choice, a number), which the form reads on its own.
    static func text(_ field: Field) -> WritableKeyPath<Self, String>?
}

extension EntryDraft: TextFields {
    public static func text(_ field: Field) -> WritableKeyPath<EntryDraft, String>? {
        switch field {
        case .sectionID, .kind, .bodyFormat, .publish: nil
        case .title: \.title
        case .summary: \.summary
        case .body: \.body
        case .author: \.author
        case .publishAt: \.publishAt
        case .docType: \.docType
        case .docNumber: \.docNumber
        case .issuer: \.issuer
        case .signer: \.signer
        case .issuedOn: \.issuedOn
        case .effectiveOn: \.effectiveOn
        case .fileURL: \.fileURL
        case .field: \.field
        case .serviceLevel: \.serviceLevel
        case .portalURL: \.portalURL
        case .processingTime: \.processingTime
        case .fee: \.fee
        case .startsAt: \.startsAt
        case .endsAt: \.endsAt
        case .location: \.location
        case .presider: \.presider
        case .positionTitle: \.positionTitle
        case .phone: \.phone
        case .email: \.email
        case .periodYear: \.periodYear
        case .periodLabel: \.periodLabel
        case .imageURL: \.imageURL
        case .imageAlt: \.imageAlt
        case .consultationDeadline: \.consultationDeadline
        case .consultationResult: \.consultationResult
        }
    }
}

extension SiteInfoDraft: TextFields {
    public static func text(_ field: Field) -> WritableKeyPath<SiteInfoDraft, String>? {
        switch field {
        case .publisher: \.publisher
        case .responsiblePerson: \.responsiblePerson
        case .responsibleTitle: \.responsibleTitle
        case .address: \.address
        case .phone: \.phone
        case .email: \.email
        case .notice: \.notice
        case .noticeFrom: \.noticeFrom
        case .noticeUntil: \.noticeUntil
        case .emcSiteID: \.emcSiteID
        }
    }
}
