import Foundation

/// A citizen's question (Hỏi đáp) and where it stands.
public struct Question: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case question
        case information

        /// "câu hỏi" / "yêu cầu cung cấp thông tin", inside a sentence.
        public var noun: String { self == .question ? "câu hỏi" : "yêu cầu cung cấp thông tin" }
    }

    public enum Status: String, Sendable, CaseIterable {
        case received, in_progress, answered

        public var title: String {
            switch self {
            case .received: "Đã tiếp nhận"
            case .in_progress: "Đang xử lý"
            case .answered: "Đã trả lời"
            }
        }
    }

    public var id: Int64
    public var code: String
    public var askerName: String
    public var contact: String
    public var title: String
    public var body: String
    public var status: Status
    public var answer: String
    public var published: Bool
    public var createdAt: Date
    public var answeredAt: Date?
    /// A question for Hỏi đáp, or a request for information (Law 104/2016).
    public var kind: Kind = .question
    /// A request for information: where the person lives, their identity
    /// number, what the information is for and how they want it.
    public var residence = ""
    public var idNumber = ""
    public var purpose = ""
    public var delivery = ""
    /// Where the asker asked to be told of the answer ("" for nowhere, or once erased).
    public var notifyEmail = ""
    /// Whether the asker chose to have their full name published.
    public var showName = false

    /// The name published with the answer: the full name if the asker chose
    /// so, otherwise the initials ("Nguyễn Văn An" → "N.V.A.").
    public var publicName: String {
        self.showName ? self.askerName : Self.initials(of: self.askerName)
    }

    /// "Nguyễn Văn An" → "N.V.A."; nothing to show → "Người dân".
    public static func initials(of name: String) -> String {
        let initials = name.split(whereSeparator: \.isWhitespace).compactMap(\.first).map { "\(String($0).uppercased())." }
        return initials.isEmpty ? "Người dân" : initials.joined()
    }
}

/// A comment on a draft under consultation (Lấy ý kiến Nhân dân).
public struct Comment: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, approved, rejected
    }

    public var id: Int64
    public var entryID: Int64
    public var entryTitle: String
    public var authorName: String
    public var contact: String
    public var body: String
    public var status: Status
    public var createdAt: Date
}

/// An uploaded file of a commune.
public struct StoredFile: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var contentType: String
    public var size: Int
    public var createdAt: Date
}
