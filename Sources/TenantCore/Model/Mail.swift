import Foundation

/// One row of `platform.mail_outbox`, for the worker and the console.
public struct OutboxMessage: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, sent, dead

        public var title: String {
            switch self {
            case .pending: "Chờ gửi"
            case .sent: "Đã gửi"
            case .dead: "Gửi không được"
            }
        }
    }

    public var id: Int64
    public var kind: String
    public var recipient: String
    public var subject: String
    public var text: String
    public var html: String
    public var commune: Int?
    public var status: Status
    public var attempts: Int
    public var lastError: String
    public var createdAt: Date
    public var sentAt: Date?

    /// The text as staff may read it: the single-use links of invitations
    /// and resets shown without their token. An operator who reads the
    /// outbox must not be able to set another person's password.
    public var redactedText: String {
        var text = self.text
        for marker in ["/quan-tri/moi/", "/quan-tri/dat-lai/"] {
            var searchFrom = text.startIndex
            while let range = text.range(of: marker, range: searchFrom..<text.endIndex) {
                let tokenEnd = text[range.upperBound...].firstIndex { $0.isWhitespace } ?? text.endIndex
                text.replaceSubrange(range.upperBound..<tokenEnd, with: "…")
                searchFrom = text.index(range.upperBound, offsetBy: 1, limitedBy: text.endIndex) ?? text.endIndex
            }
        }
        return text
    }
}
