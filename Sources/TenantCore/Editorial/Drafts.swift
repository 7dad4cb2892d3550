import Foundation

/// What an editor submits for the footer, contact details and maintenance
/// notice of a site. Dates are as a `datetime-local` input holds them
/// (`2026-11-26T08:30`, Vietnam time).
public struct SiteInfoDraft: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case publisher, responsiblePerson, responsibleTitle, address, phone, email, notice, noticeFrom, noticeUntil, emcSiteID
    }

    public var publisher = ""
    public var responsiblePerson = ""
    public var responsibleTitle = ""
    public var address = ""
    public var phone = ""
    public var email = ""
    public var notice = ""
    public var noticeFrom = ""
    public var noticeUntil = ""
    public var emcSiteID = ""

    public init() {}

    /// The values of a saved site, for editing.
    public init(_ site: SiteInfo) {
        self.publisher = site.publisher
        self.responsiblePerson = site.responsiblePerson
        self.responsibleTitle = site.responsibleTitle
        self.address = site.address
        self.phone = site.phone
        self.email = site.email
        self.notice = site.notice
        self.noticeFrom = site.noticeFrom.map(EntryDraft.localDateTime) ?? ""
        self.noticeUntil = site.noticeUntil.map(EntryDraft.localDateTime) ?? ""
        self.emcSiteID = site.emcSiteID
    }
}

/// A citizen's rating of a site (Decree 224/2026, Art. 10(3)(b)): each
/// score `1`…`5` or empty, at least one of them.
public struct RatingSubmission: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case information, services, remark
    }

    public var information: String
    public var services: String
    public var remark: String

    public init(information: String, services: String, remark: String) {
        self.information = information
        self.services = services
        self.remark = remark
    }
}

/// How citizens rated a site over a period.
public struct RatingSummary: Sendable, Hashable {
    public var count: Int
    public var information: Double?
    public var services: Double?

    public init(count: Int, information: Double?, services: Double?) {
        self.count = count
        self.information = information
        self.services = services
    }
}

/// A citizen's question (Hỏi đáp).
public struct QuestionSubmission: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name, contact, title, body, email, consent
    }

    public var name = ""
    /// A phone number or an e-mail address.
    public var contact = ""
    public var title = ""
    public var body = ""
    /// Where to say that the answer is there (optional; only with `consent`).
    public var email = ""
    public var consent = false
    /// Whether the full name is published with the answer (otherwise initials).
    public var showName = false

    public init(
        name: String = "", contact: String = "", title: String = "", body: String = "", email: String = "", consent: Bool = false,
        showName: Bool = false
    ) {
        self.name = name
        self.contact = contact
        self.title = title
        self.body = body
        self.email = email
        self.consent = consent
        self.showName = showName
    }
}

/// A request for information (Law 104/2016, art. 24; the fields of form
/// 01a of Decree 13/2018/NĐ-CP).
public struct InformationRequestSubmission: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name, residence, idNumber, contact, information, purpose, delivery, email, consent
    }

    /// How the person wants the information.
    public enum Delivery: String, Sendable, CaseIterable {
        case email = "thu-dien-tu"
        case post = "buu-chinh"
        case office = "truc-tiep"

        public var title: String {
            switch self {
            case .email: "Qua thư điện tử"
            case .post: "Qua bưu chính"
            case .office: "Nhận trực tiếp tại trụ sở Ủy ban nhân dân"
            }
        }
    }

    public var name = ""
    public var residence = ""
    public var idNumber = ""
    /// A phone number or an e-mail address.
    public var contact = ""
    /// What is asked for: the document or information, as precisely as the person can.
    public var information = ""
    public var purpose = ""
    public var delivery = ""
    public var email = ""
    public var consent = false

    public init(
        name: String = "", residence: String = "", idNumber: String = "", contact: String = "", information: String = "",
        purpose: String = "", delivery: String = "", email: String = "", consent: Bool = false
    ) {
        (self.name, self.residence, self.idNumber, self.contact) = (name, residence, idNumber, contact)
        (self.information, self.purpose, self.delivery, self.email, self.consent) = (information, purpose, delivery, email, consent)
    }
}

/// A citizen's comment on a draft under consultation.
public struct CommentSubmission: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name, contact, body
    }

    public var name = ""
    public var contact = ""
    public var body = ""

    public init(name: String = "", contact: String = "", body: String = "") {
        self.name = name
        self.contact = contact
        self.body = body
    }
}

/// The fields of an editor's answer to a question.
public enum AnswerField: String, Sendable, CaseIterable {
    case answer, publish
}

/// The field of a section body, an upload or a library file's description.
public enum BodyField: String, Sendable, CaseIterable {
    case body, file, alt
}
