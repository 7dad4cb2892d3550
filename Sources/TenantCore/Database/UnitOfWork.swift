import Logging
import NIOCore
import PostgresNIO

/// The database side of one operation: a connection leased from
/// ``TenantDatabase`` (usually inside one transaction), handed to the body of
/// `withConnection` or `withTransaction` and from there to the
/// repositories, which are the only code that runs SQL on it.
///
/// Everything an operation writes together (a change, its activity-log
/// entry, the e-mail it causes) takes the same unit, so it commits or rolls
/// back as one. Outside `Storage/` and `Database/` a unit is an opaque value:
/// the connection inside it is not reachable from the rest of the platform,
/// and no other module imports PostgresNIO.
///
/// One commune per unit: a unit leased for a commune (`schema:` given to
/// the lease) belongs to that commune. ``commune`` says which, the pool
/// routes it to that commune's cluster and recycles connections by it, and
/// a repository that reads or writes a commune's tables checks the schema
/// it is given against it (``check(_:)``), so a request's work can never
/// reach a second commune's tables. Platform work (the catalogue, the
/// console's accounts, a reorganisation that moves archives between
/// communes) is leased without a commune and may name any.
public struct UnitOfWork: Sendable {
    let connection: PostgresConnection
    /// The commune this unit was leased for, or nil for platform work.
    public let commune: SchemaName?

    init(_ connection: PostgresConnection, commune: SchemaName?) {
        self.connection = connection
        self.commune = commune
    }

    /// Runs one statement on the unit's connection.
    @discardableResult
    func query(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        try await self.connection.queryUnlessClosed(query, logger: logger, file: file, line: line)
    }

    /// `schema`, if this unit may touch it: a unit leased for one commune
    /// refuses every other commune's schema.
    @discardableResult
    func check(_ schema: SchemaName) throws(TenantCoreError) -> SchemaName {
        if let commune = self.commune, commune != schema {
            throw TenantCoreError(.internal, "a unit of work leased for \(commune) was asked for \(schema)")
        }
        return schema
    }

    /// Asks PostgreSQL for an answer (`SELECT 1`): whether the connection still works.
    func probe(logger: Logger) async throws {
        try await self.query("SELECT 1", logger: logger)
    }

    /// Closes a unit opened outside the pool (``TenantDatabase/connect(logger:)``).
    public func close() async throws {
        try await self.connection.close()
    }

    /// Subscribes to `channel` (LISTEN) while `consume` runs, which reads
    /// each notification's payload.
    func listen<Value>(
        on channel: String, _ consume: (Notifications) async throws -> Value
    ) async throws -> Value {
        try await self.connection.listen(on: channel) { notifications in
            try await consume(Notifications(base: notifications))
        }
    }

    /// The payloads of a channel's notifications, as they arrive.
    struct Notifications: AsyncSequence, Sendable {
        typealias Element = String
        let base: PostgresNotificationSequence

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: PostgresNotificationSequence.AsyncIterator
            mutating func next() async throws -> String? { try await self.base.next()?.payload }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: self.base.makeAsyncIterator()) }
    }
}

extension PostgresConnection {
    /// `query`, refused on a connection already closed. PostgresNIO drops a
    /// statement written to a closed connection unanswered, so it would
    /// wait forever (the pool closes leased connections when it is stopped;
    /// a lost connection is closed under a request). It fails instead, as a
    /// dead connection does (``TenantDatabase/isDeadConnection(_:)``).
    func queryUnlessClosed(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        guard !self.isClosed else { throw ChannelError.ioOnClosedChannel }
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}
