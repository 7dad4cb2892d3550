import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization
// The pool's own error type (a public product of postgres-nio).
import _ConnectionPoolModule

/// Transactions on a leased connection, connections outside the pool, and
/// what a PostgreSQL failure means to the platform.
extension TenantDatabase {
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        file: StaticString = #fileID, line: UInt = #line, _ body: (UnitOfWork) async throws -> Result
    ) async throws(TenantCoreError) -> Result {
        try await self.withConnection(file: file, line: line) { connection in
            try await Self.inTransaction(connection, logger: self.logger, body)
        }
    }

    /// Runs `body` in one transaction on the cluster of `schema`'s commune.
    ///
    /// On another cluster the transaction also writes the catalogue through
    /// postgres_fdw, whose remote part runs at REPEATABLE READ: two editors
    /// of one commune touching its catalogue row at once make one of them
    /// fail with a serialization failure (40001), or a deadlock (40P01).
    /// Such a transaction was rolled back whole, so it is run again (three
    /// times at most).
    @discardableResult
    public func withTransaction<Result: Sendable>(
        schema: SchemaName?, file: StaticString = #fileID, line: UInt = #line, _ body: (UnitOfWork) async throws -> Result
    ) async throws(TenantCoreError) -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await self.withConnection(schema: schema, file: file, line: line) { connection in
                    try await Self.inTransaction(connection, logger: self.logger, body)
                }
            } catch where attempt < 4 && Self.isConflict(error) {
                try? await Task.sleep(for: .milliseconds(Int.random(in: 5...40) * attempt))
            }
        }
    }

    /// `SET LOCAL search_path` for the current transaction of `connection`
    /// (the commune's schema, then `public`): it ends with the transaction
    /// and never leaks to the next user of the pooled connection.
    static func setLocalSearchPath(_ schema: SchemaName, on connection: UnitOfWork, logger: Logger) async throws {
        try await connection.query("SET LOCAL search_path TO \(unescaped: connection.check(schema).quoted), public", logger: logger)
    }

    /// BEGIN … COMMIT around `body` on an already leased connection.
    static func inTransaction<Result: Sendable>(
        _ connection: UnitOfWork, logger: Logger,
        _ body: (UnitOfWork) async throws -> Result
    ) async throws -> Result {
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Opens a connection outside the pool (for LISTEN and long bulk work),
    /// as a unit of platform work; its owner closes it.
    public func connect(logger: Logger? = nil) async throws(TenantCoreError) -> UnitOfWork {
        do {
            return UnitOfWork(try await PostgresConnection.connect(
                configuration: try self.config.connectionConfiguration(), id: Int.random(in: 1_000_000...Int(Int32.max)),
                logger: logger ?? self.logger), commune: nil)
        } catch {
            throw Self.map(error)
        }
    }

    /// Opens and closes one connection: fails fast, with the server's reason,
    /// when PostgreSQL is down or refuses the login.
    public func ping() async throws(TenantCoreError) {
        let connection = try await self.connect()
        try? await connection.close()
    }

    /// PostgresNIO and connection-pool errors, as opposed to what the caller's code threw.
    static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is ConnectionPoolError
            || error is CancellationError || error is ChannelError || error is IOError
    }

    static func isDeadConnection(_ error: any Error) -> Bool {
        if let error = error as? ChannelError { return error == .ioOnClosedChannel }
        guard let error = error as? PSQLError else { return false }
        return error.code == .serverClosedConnection || error.code == .clientClosedConnection
            || error.code == .connectionError || error.code == .uncleanShutdown
    }

    /// Translates PostgresNIO and pool errors into ``TenantCoreError``.
    public static func map(_ error: any Error) -> TenantCoreError {
        if let error = error as? TenantCoreError { return error }
        if let error = error as? PSQLError {
            if error.code == .server, let state = error.serverInfo?[.sqlState] {
                let message = error.serverInfo?[.message] ?? "database error"
                switch state {
                case "PM001":
                    return TenantCoreError(.databaseUnavailable, "the commune is moving to another cluster; try again", underlying: error)
                case "23505":
                    return TenantCoreError(.conflict, "already exists: \(message)", underlying: error)
                // Malformed input PostgreSQL refused: NUL or bad UTF-8 in text (22021, 22P05),
                // a number out of range (22003), a value too large to store (54000).
                case "23503", "23514", "22P02", "22001", "22007", "22008", "P0001", "22021", "22P05", "22003", "54000":
                    return TenantCoreError(.invalidInput, "invalid data: \(message)", underlying: error)
                case "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006", "08001", "08004":
                    return TenantCoreError(.databaseUnavailable, "PostgreSQL is not available: \(message)", underlying: error)
                case "28P01", "28000":
                    return TenantCoreError(.databaseUnavailable, "PostgreSQL refused the login: \(message)", underlying: error)
                case "3D000":
                    return TenantCoreError(.databaseUnavailable, "database does not exist: \(message)", underlying: error)
                default:
                    return TenantCoreError(.database, "PostgreSQL error \(state): \(message)", underlying: error)
                }
            }
            return TenantCoreError(.databaseUnavailable, "cannot reach PostgreSQL (\(error.code))", underlying: error)
        }
        // The network between the host and PostgreSQL.
        if error is ChannelError || error is IOError || error is ConnectionPoolError {
            return TenantCoreError(.databaseUnavailable, "cannot reach PostgreSQL: \(error)", underlying: error)
        }
        // One cancelled request (its client went away) says nothing about PostgreSQL.
        if error is CancellationError { return TenantCoreError(.internal, "the request was cancelled", underlying: error) }
        // Anything else is a fault of the platform itself, not an outage.
        return TenantCoreError(.internal, "unexpected error: \(String(reflecting: error).prefix(300))", underlying: error)
    }
}
