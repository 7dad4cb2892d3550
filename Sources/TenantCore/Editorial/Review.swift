import Foundation

/// Where an item stands in its approval.
public enum ReviewState: String, Sendable, Codable, CaseIterable {
    /// Not submitted (a draft being written, or a published item as approved).
    case none
    /// Submitted, waiting for approval.
    case pending
    /// Sent back to its author with a comment.
    case returned
}

/// An item's approval and trash state, beside its content.
public struct EntryReview: Sendable, Hashable {
    public var state: ReviewState = .none
    /// The approver's comment when the item was sent back.
    public var note: String = ""
    /// Who submitted the current round.
    public var submittedBy: Int64?
    /// Who approved in the current round (a commune may ask for 1 to 3).
    public var approvedBy: [Int64] = []
    /// A change to a published item, waiting for approval; the item stays
    /// online as approved until then.
    public var pendingRevision: Int64?
    public var deletedAt: Date?
    /// The status an item in the trash had, and gets back when restored.
    public var deletedStatus: EntryStatus?

    public init() {}
}

/// What a save asks for: the explicit choices of the entry form.
public enum SaveIntent: String, Sendable, CaseIterable {
    /// Keep the draft; nothing changes online.
    case draft
    /// Keep the draft and ask for approval.
    case submit
    /// Approve and publish (an approver): one approval of the steps the
    /// commune asks for; published when the last one is given.
    case publish
}

/// What a workflow step ended in.
public enum ReviewOutcome: Sendable, Equatable {
    case saved
    case submitted
    /// Approved by this person; `remaining` more approvals are needed.
    case approved(remaining: Int)
    case published
    case returned
}

/// One line of an item's history: a save (with the item's fields as they
/// were saved) or a step of its approval.
public struct Revision: Sendable, Hashable {
    public enum Action: String, Sendable, CaseIterable {
        case save, submit, approve, publish, `return`, restore, unpublish, delete, undelete, autosave

        /// The action in the history's words.
        public var title: String {
            switch self {
            case .save: "Lưu"
            case .submit: "Gửi duyệt"
            case .approve: "Duyệt"
            case .publish: "Duyệt và đăng"
            case .return: "Trả lại"
            case .restore: "Khôi phục bản cũ"
            case .unpublish: "Gỡ xuống"
            case .delete: "Chuyển vào thùng rác"
            case .undelete: "Khôi phục từ thùng rác"
            case .autosave: "Tự động lưu"
            }
        }
    }

    public var id: Int64
    public var entryID: Int64
    public var action: Action
    /// The item as saved; nil for a step that changed no field.
    public var entry: Entry?
    public var userID: Int64?
    public var userName: String
    public var note: String
    public var createdAt: Date
}

/// An item waiting for approval, as district and province staff see it.
public struct QueuedEntry: Sendable, Hashable {
    public var tenantID: Int64
    public var entryID: Int64
    public var title: String
    public var submittedBy: String
    public var submittedAt: Date
    public var approvals: Int
    public var steps: Int
}

/// An item of the console's list with its approval state.
public struct EditorEntry: Sendable, Hashable {
    public var entry: Entry
    public var review: EntryReview

    /// Where the item stands, as the list's filter names it.
    public func state(now: Date) -> EntryFilter.State {
        switch (self.entry.status, self.review.state) {
        case (.deleted, _): .deleted
        case (_, .pending): .pending
        case (_, .returned): .returned
        case (.draft, _): .draft
        case (.unpublished, _): .unpublished
        case (.published, _): self.entry.publishedAt > now ? .scheduled : .published
        }
    }

    /// The item's state in the list's words.
    public func stateTitle(now: Date) -> String {
        let state = self.state(now: now)
        let online = state == .published || state == .scheduled
        return online && self.review.pendingRevision != nil ? state.title + ", có thay đổi chưa duyệt" : state.title
    }
}

/// The console's search of a commune's items.
public struct EntryFilter: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        case draft, pending, returned, scheduled, published, unpublished, deleted

        public var title: String {
            switch self {
            case .draft: "Nháp"
            case .pending: "Chờ duyệt"
            case .returned: "Bị trả lại"
            case .scheduled: "Hẹn giờ"
            case .published: "Đã đăng"
            case .unpublished: "Đã gỡ"
            case .deleted: "Trong thùng rác"
            }
        }
    }

    /// Words of the title, summary or author, with or without diacritics.
    public var text = ""
    public var sectionID: Int?
    public var state: State?
    public var author = ""
    public var from: Date?
    public var until: Date?

    public init() {}
}

/// How long a preview link works, and an item stays in the trash.
public enum ReviewLimits {
    public static let previewLifetime: TimeInterval = 48 * 3600
    public static let trashDays = 30
    public static let noteLength = 2000
}

/// The commune's dashboard figures of the editors' work and its storage.
public struct WorkSummary: Sendable, Hashable {
    public var pending: Int
    public var returned: Int
    public var trashed: Int
    public var files: Int
    public var bytes: Int64
}
