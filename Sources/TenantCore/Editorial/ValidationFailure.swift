/// Form input that cannot be saved: one Vietnamese message per field, shown
/// beside the field; nothing was changed.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var fields: [String: String]

    public init(_ fields: [String: String]) {
        self.fields = fields
    }

    public var isEmpty: Bool { self.fields.isEmpty }

    /// One line listing every problem, for the summary at the top of a form.
    public var summary: String {
        self.fields.keys.sorted().compactMap { self.fields[$0] }.joined(separator: " ")
    }
}

/// Collects field problems while a form is read.
public struct FieldErrors: Sendable {
    public private(set) var fields: [String: String] = [:]

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        if self.fields[field] == nil { self.fields[field] = message }
    }

    public func check() throws(ValidationFailure) {
        if !self.fields.isEmpty { throw ValidationFailure(self.fields) }
    }
}

