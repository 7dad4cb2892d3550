import Foundation

/// What the entry form sent while its author typed (sql/tenant/0011).
public struct Autosave: Sendable, Hashable {
    public var entryID: Int64?
    public var sectionID: Int
    public var kind: String
    public var fields: [String: String]
    public var savedAt: Date
}

/// Someone else editing the same item, as their autosaves show.
public struct OtherEditor: Sendable, Hashable {
    /// Their name; nil when it is the same person in another tab.
    public var name: String?
    public var savedAt: Date
}
