/// The one error type of TenantCore, in the style of `PSQLError`: a stable
/// ``Code`` that callers switch on, a message a person can read, and the
/// underlying error for logs.
public struct TenantCoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable {
            case invalidInput
            case notFound
            case conflict
            case databaseUnavailable
            case database
            case migration
            case io
            case rateLimited
            case forbidden
            case caller
            case `internal`
        }

        let base: Base

        /// The caller's input is malformed or refers to something that cannot be used.
        public static let invalidInput = Code(base: .invalidInput)
        /// A unit, commune, domain or page that does not exist.
        public static let notFound = Code(base: .notFound)
        /// The change clashes with what the catalogue already holds.
        public static let conflict = Code(base: .conflict)
        /// PostgreSQL cannot be reached (down, refused, timed out).
        public static let databaseUnavailable = Code(base: .databaseUnavailable)
        /// PostgreSQL answered with an error.
        public static let database = Code(base: .database)
        /// A migration file is missing, malformed or failed.
        public static let migration = Code(base: .migration)
        /// A file could not be read or written.
        public static let io = Code(base: .io)
        /// Too many submissions from one address; try again later.
        public static let rateLimited = Code(base: .rateLimited)
        /// The person may not do this (outside their scope).
        public static let forbidden = Code(base: .forbidden)
        /// An error of the caller's own code, thrown inside a database
        /// closure and carried out unchanged in ``underlying``.
        public static let caller = Code(base: .caller)
        /// Something that should not happen: a bug, or data PostgreSQL
        /// returned in an unexpected shape. Never a reason to think the
        /// database is down.
        public static let `internal` = Code(base: .internal)

        public var description: String { self.base.rawValue }
    }

    /// The input an error is about, named as TenantCore names it (callers
    /// map it to their own form fields or options).
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case username, displayName, password, scope, email
        case code, name, slug, parent, host
        case lastDay
        case shard
    }

    public var code: Code
    /// A message that can be shown to an operator; never contains SQL.
    public var message: String
    /// The input the error is about, when it is about one.
    public var field: Field?
    /// The error this one wraps, for logs only.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, field: Field? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.underlying = underlying
    }

    public var description: String { self.message }

    /// Rethrows what the caller's code threw inside a database closure.
    public func unwrapped() -> any Error {
        self.code == .caller ? (self.underlying ?? self) : self
    }

    static func invalid(_ message: String, field: Field? = nil) -> TenantCoreError { .init(.invalidInput, message, field: field) }
    static func notFound(_ message: String, field: Field? = nil) -> TenantCoreError { .init(.notFound, message, field: field) }
    static func conflict(_ message: String, field: Field? = nil) -> TenantCoreError { .init(.conflict, message, field: field) }
}
