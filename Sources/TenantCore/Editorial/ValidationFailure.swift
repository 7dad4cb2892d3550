/// Form input that cannot be saved: one Vietnamese message per field, shown
/// beside the field; nothing was changed.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var fields: [String: String]

    public init(_ fields: [String: String]) {
        self.fields = fields
    }

    /// The messages keyed by a caller's own names for the fields (e.g. a
    /// form's inputs); a field the caller does not name keeps its own.
    public func renamed(_ name: (String) -> String?) -> [String: String] {
        Dictionary(self.fields.map { (name($0.key) ?? $0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
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

    /// Adds a problem with a field of a typed input (its raw value is the key).
    public mutating func add<Field: RawRepresentable>(_ field: Field, _ message: String) where Field.RawValue == String {
        self.add(field.rawValue, message)
    }

    public func check() throws(ValidationFailure) {
        if !self.fields.isEmpty { throw ValidationFailure(self.fields) }
    }
}

