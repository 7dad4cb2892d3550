import Foundation

/// A published news item or document of a commune, as province and district
/// portals gather it (`platform.gathered`).
public struct GatheredItem: Sendable, Hashable {
    public var tenantID: Int64
    public var entryID: Int64
    public var sectionID: Int
    public var kind: EntryKind
    public var title: String
    public var summary: String
    public var docNumber: String?
    public var publishedAt: Date
    public var isSample: Bool

    public init(
        tenantID: Int64, entryID: Int64, sectionID: Int, kind: EntryKind, title: String, summary: String, docNumber: String?,
        publishedAt: Date, isSample: Bool
    ) {
        self.tenantID = tenantID
        self.entryID = entryID
        self.sectionID = sectionID
        self.kind = kind
        self.title = title
        self.summary = summary
        self.docNumber = docNumber
        self.publishedAt = publishedAt
        self.isSample = isSample
    }
}

/// "Tin từ tỉnh": an announcement a province publishes once for every
/// commune of the province.
public struct Announcement: Sendable, Hashable {
    public var id: Int64
    public var provinceID: Int64
    public var title: String
    public var summary: String
    /// Sanitised HTML.
    public var body: String
    public var author: String
    public var publishedAt: Date
    public var withdrawn: Bool

    public init(
        id: Int64 = 0, provinceID: Int64, title: String, summary: String, body: String, author: String, publishedAt: Date,
        withdrawn: Bool = false
    ) {
        self.id = id
        self.provinceID = provinceID
        self.title = title
        self.summary = summary
        self.body = body
        self.author = author
        self.publishedAt = publishedAt
        self.withdrawn = withdrawn
    }
}

/// A notice (planned maintenance) on every site and portal of one
/// province (set by its operator), or of every province (`provinceID`
/// nil: set by the platform role).
public struct PlatformNotice: Sendable, Hashable {
    /// The province whose sites show it; nil: every province.
    public var provinceID: Int64?
    public var text: String
    public var from: Date?
    public var until: Date?

    public init(provinceID: Int64? = nil, text: String, from: Date? = nil, until: Date? = nil) {
        self.provinceID = provinceID
        self.text = text
        self.from = from
        self.until = until
    }

    /// The text while it is to be shown: from 14 days before `from` (the
    /// maintenance itself) until `until`, as a commune's own notice.
    public func active(at now: Date) -> String? {
        guard !self.text.isEmpty else { return nil }
        if let until = self.until, now > until { return nil }
        if let from = self.from, now < from.addingTimeInterval(-14 * 86_400) { return nil }
        return self.text
    }
}

/// Settings of the whole platform (`platform.settings`), changed by the
/// platform role and read into every host's directory.
public struct PlatformSettings: Sendable, Hashable {
    /// The EMC monitoring system's script and tracker (Circular
    /// 22/2023/TT-BTTTT): every site that has an EMC site id loads this
    /// script, and no other, with that id.
    public var emcScript: String
    public var emcTracker: String

    public static let defaults = PlatformSettings(
        emcScript: "https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js", emcTracker: "https://f-emc.ngsp.gov.vn/tracking")

    public init(emcScript: String, emcTracker: String) {
        self.emcScript = emcScript
        self.emcTracker = emcTracker
    }

    /// `https://host[:port]` of an https address made only of safe characters; nil otherwise.
    public static func origin(of address: String) -> String? {
        guard address.utf8.count <= 300,
            address.range(of: #"^https://[a-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/-]*$"#, options: .regularExpression) != nil,
            let url = URLComponents(string: address), let host = url.host, !host.isEmpty
        else { return nil }
        return "https://" + host + (url.port.map { ":\($0)" } ?? "")
    }

    /// The origins a page with the EMC code may load scripts from and send
    /// measurements to, or nil when the settings are not usable.
    public var emcOrigins: [String]? {
        guard let script = Self.origin(of: self.emcScript), let tracker = Self.origin(of: self.emcTracker) else { return nil }
        return script == tracker ? [script] : [script, tracker]
    }
}

/// One administrative procedure of a province's catalogue (thủ tục hành
/// chính cấp xã), shown by every commune of the province.
public struct ProvinceProcedure: Sendable, Hashable {
    /// The national code (mã TTHC), `1.001193`.
    public var code: String
    public var name: String
    /// Lĩnh vực.
    public var field: String
    /// `toàn trình`, `một phần`, or empty when the catalogue does not say.
    public var serviceLevel: String
    /// Cơ quan thực hiện.
    public var body: String
    public var processingTime: String
    public var fee: String
    /// Trình tự thực hiện, one step per item.
    public var steps: [String] = []
    /// Cách thức thực hiện: in person, online, by post.
    public var channels: [String] = []
    /// Thành phần hồ sơ.
    public var documents: [String] = []
    /// Căn cứ pháp lý.
    public var legalBasis: [String] = []
    /// Mẫu đơn, tờ khai: a name, and where to download it when known.
    public var forms: [(name: String, url: String?)] = []
    /// Kết quả thực hiện.
    public var result = ""
    /// The procedure's own page on the National Public Service Portal, when known.
    public var link = ""

    public init(code: String, name: String, field: String, serviceLevel: String, body: String, processingTime: String, fee: String) {
        self.code = code
        self.name = name
        self.field = field
        self.serviceLevel = serviceLevel
        self.body = body
        self.processingTime = processingTime
        self.fee = fee
    }

    public static func == (a: ProvinceProcedure, b: ProvinceProcedure) -> Bool {
        a.code == b.code && a.name == b.name && a.field == b.field && a.serviceLevel == b.serviceLevel && a.body == b.body
            && a.processingTime == b.processingTime && a.fee == b.fee && a.steps == b.steps && a.channels == b.channels
            && a.documents == b.documents && a.legalBasis == b.legalBasis && a.forms.map(\.name) == b.forms.map(\.name)
            && a.forms.map(\.url) == b.forms.map(\.url) && a.result == b.result && a.link == b.link
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.name)
    }

    /// Whether the catalogue says more than the list shows (a page of its own is worth reading).
    public var hasDetails: Bool {
        !(self.steps.isEmpty && self.channels.isEmpty && self.documents.isEmpty && self.legalBasis.isEmpty && self.forms.isEmpty)
    }

    /// The forms as stored: `name|url` per line.
    public var formLines: [String] { self.forms.map { form in form.url.map { "\(form.name)|\($0)" } ?? form.name } }

    /// Forms from `name|url` lines; a URL that is not https is dropped.
    public static func forms(fromLines lines: [String]) -> [(name: String, url: String?)] {
        lines.compactMap { line -> (name: String, url: String?)? in
            let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty else { return nil }
            let url = parts.count == 2 && parts[1].hasPrefix("https://") && !parts[1].contains(" ") ? parts[1] : nil
            return (name, url)
        }
    }

    /// The procedure on the National Public Service Portal, found by its
    /// code (the portal's own page of a procedure is keyed by an internal
    /// id, not by the code; see data/procedures/README.md).
    public var portalURL: String {
        self.link.isEmpty ? "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=" + self.code : self.link
    }
}

/// The footer details of a province's or district's portal.
public struct PortalInfo: Sendable, Hashable {
    public var responsiblePerson = ""
    public var responsibleTitle = ""
    public var address = ""
    public var phone = ""
    public var email = ""

    public init() {}

    public var isEmpty: Bool { self == PortalInfo() }
}
