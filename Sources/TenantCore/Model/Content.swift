import Foundation

/// What an entry is; decides which of its fields matter.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case article, document, procedure, schedule, leader, budget
}

/// Publication state of an entry. A published entry with a future
/// `publishedAt` is scheduled and stays hidden until then.
public enum EntryStatus: String, Sendable, Codable, CaseIterable {
    case draft, published, unpublished
    /// In the trash (sql/tenant/0008): restorable for ``ReviewLimits/trashDays`` days.
    case deleted
}

/// One published item of a commune: a news article, a document, a procedure,
/// a schedule slot, a leader's profile or a budget report.
public struct Entry: Sendable, Hashable, Codable {
    public var id: Int64
    public var sectionID: Int
    public var kind: EntryKind
    public var status: EntryStatus
    public var title: String
    public var summary: String
    /// Sanitised HTML.
    public var body: String
    public var author: String
    public var publishedAt: Date
    public var updatedAt: Date
    public var isSample: Bool
    public var imageURL: String?
    public var imageAlt: String?
    public var docType: String?
    public var docNumber: String?
    public var issuer: String?
    public var signer: String?
    public var issuedOn: Date?
    public var effectiveOn: Date?
    public var fileURL: String?
    public var field: String?
    public var serviceLevel: String?
    public var portalURL: String?
    public var processingTime: String?
    public var fee: String?
    public var startsAt: Date?
    public var endsAt: Date?
    public var location: String?
    public var presider: String?
    public var positionTitle: String?
    public var phone: String?
    public var email: String?
    public var periodYear: Int?
    public var periodLabel: String?
    /// Consultations (Lấy ý kiến): comments are taken until this moment.
    public var consultationDeadline: Date?
    /// Consultations: the published summary of what was received (HTML).
    public var consultationResult: String = ""
    /// What the editor wrote (Markdown or HTML) before sanitising; empty for
    /// entries made before it was kept.
    public var bodySource: String = ""
    /// `markdown` or `html`: how ``bodySource`` is written.
    public var bodyFormat: String = "html"

    public init(
        id: Int64 = 0, sectionID: Int, kind: EntryKind = .article, status: EntryStatus = .published, title: String,
        summary: String = "", body: String = "", author: String = "", publishedAt: Date = Date(),
        updatedAt: Date = Date(), isSample: Bool = false
    ) {
        self.id = id
        self.sectionID = sectionID
        self.kind = kind
        self.status = status
        self.title = title
        self.summary = summary
        self.body = body
        self.author = author
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.isSample = isSample
    }
}

/// The footer and contact block (section 16) and the maintenance notice.
public struct SiteInfo: Sendable, Hashable, Codable {
    public var publisher: String
    public var responsiblePerson: String
    public var responsibleTitle: String
    public var address: String
    public var phone: String
    public var email: String
    public var notice: String
    public var noticeFrom: Date?
    public var noticeUntil: Date?
    public var updatedAt: Date
    /// The site's id in the EMC monitoring system (Circular 22/2023/TT-BTTTT),
    /// digits, or empty; the script it loads is the platform's (``PlatformSettings``).
    public var emcSiteID: String = ""
    /// When the commune's content last changed (`platform.tenants`).
    public var contentChangedAt: Date?

    public init(
        publisher: String, responsiblePerson: String = "", responsibleTitle: String = "", address: String = "",
        phone: String = "", email: String = "", notice: String = "", noticeFrom: Date? = nil, noticeUntil: Date? = nil,
        updatedAt: Date = Date()
    ) {
        self.publisher = publisher
        self.responsiblePerson = responsiblePerson
        self.responsibleTitle = responsibleTitle
        self.address = address
        self.phone = phone
        self.email = email
        self.notice = notice
        self.noticeFrom = noticeFrom
        self.noticeUntil = noticeUntil
        self.updatedAt = updatedAt
    }

    /// The notice to show at `now`: set, and within its window if it has one.
    public func activeNotice(at now: Date = Date()) -> String? {
        guard !self.notice.isEmpty else { return nil }
        if let until = self.noticeUntil, now > until { return nil }
        if let from = self.noticeFrom, now < from.addingTimeInterval(-14 * 86_400) { return nil }
        return self.notice
    }
}

/// One page of a listing.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var number: Int
    public var size: Int
    public var total: Int

    public init(items: [Item], number: Int, size: Int, total: Int) {
        self.items = items
        self.number = number
        self.size = size
        self.total = total
    }

    public var pageCount: Int { max(1, (self.total + self.size - 1) / self.size) }
}

/// Filters of the document search (Văn bản).
public struct DocumentQuery: Sendable, Hashable {
    public var type: String?
    public var number: String?
    public var issuer: String?
    public var year: Int?
    public var text: String?

    public init(type: String? = nil, number: String? = nil, issuer: String? = nil, year: Int? = nil, text: String? = nil) {
        self.type = type
        self.number = number
        self.issuer = issuer
        self.year = year
        self.text = text
    }

    public var isEmpty: Bool { self.type == nil && self.number == nil && self.issuer == nil && self.year == nil && self.text == nil }
}

/// Values offered in the document search form.
public struct DocumentFacets: Sendable, Hashable {
    public var types: [String]
    public var issuers: [String]
    public var years: [Int]
}

/// A full-text search hit: a section page or an entry.
public struct SearchHit: Sendable, Hashable {
    public var sectionID: Int
    public var entryID: Int64?
    public var title: String
    public var snippet: String
    public var publishedAt: Date?
    /// PostgreSQL's rank of the hit (sections weigh more than entries).
    public var rank: Double = 0
    public var sectionSlug: String = ""
    public var sectionTitle: String = ""
    /// Set on a hit from an archive kept inside the site: its slug (the
    /// page is under `/luu-tru/<slug>/`) and the old commune's name.
    public var archive: (slug: String, name: String)? {
        get { self.archiveSlug.map { ($0, self.archiveName) } }
        set { self.archiveSlug = newValue?.slug; self.archiveName = newValue?.name ?? "" }
    }
    var archiveSlug: String?
    var archiveName: String = ""

    public init(sectionID: Int, entryID: Int64?, title: String, snippet: String, publishedAt: Date?) {
        self.sectionID = sectionID
        self.entryID = entryID
        self.title = title
        self.snippet = snippet
        self.publishedAt = publishedAt
    }
}

/// What the home page shows.
public struct HomeContent: Sendable {
    public var news: [Entry]
    public var documents: [Entry]
    public var direction: [Entry]
    public var schedule: [Entry]
}

/// An entry in the XML/HTML sitemap.
public struct SitemapEntry: Sendable, Hashable {
    public var sectionID: Int
    public var entryID: Int64
    public var title: String
    public var updatedAt: Date
}
