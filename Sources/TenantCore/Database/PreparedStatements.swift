import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Named prepared statements, per pooled connection and commune.
///
/// Through the unnamed statement PostgreSQL parses and plans a query on every
/// request, and with a different commune's schema on every request no plan
/// can be shared: on tables this small, planning costs more than running.
/// A statement prepared on a connection for one commune (`PREPARE`) is
/// planned once; a request then sends `EXECUTE` with its name, which
/// PostgreSQL parses in microseconds and answers from the kept plan.
///
/// - Isolation: a statement's SQL names the commune's tables through its
///   validated ``SchemaName`` and is built by the repository from a fixed
///   text; its name is the schema's name and the statement's fixed id
///   (`c_14224__home`), so a name can only ever run that commune's
///   statement, and nothing from a request reaches either.
/// - Plans: most statements take no parameters (the time is PostgreSQL's
///   `now()`), so PostgreSQL makes the generic plan at the first execution
///   and keeps it. A statement that needs values (an article's id) is kept
///   by PostgresNIO at the protocol level instead, its values bound.
/// - When it pays: preparing costs a round trip and a plan, so a statement
///   is prepared on a connection the second time it runs there for that
///   commune while the connection still remembers the first (the last
///   2 × `communesPerConnection` statements it ran, about as many requests
///   as communes it keeps); until then it runs unnamed, as before. A platform of a few hundred communes soon has all
///   of them prepared; a crawl over ten thousand prepares little.
/// - Memory: each kept statement holds its plan in the backend. A
///   connection keeps the statements of at most `communesPerConnection`
///   communes and deallocates those of the least recently served one beyond
///   that bound.
public final class PreparedStatements: Sendable {
    /// A statement of a repository: a fixed identifier and its SQL for one commune.
    public struct Statement: Sendable {
        public let id: String
        public let sql: @Sendable (SchemaName) -> String

        /// - Parameter id: lower-case letters only (it becomes part of the statement's name).
        public init(_ id: StaticString, sql: @escaping @Sendable (SchemaName) -> String) {
            let text = "\(id)"
            precondition(!text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
            self.id = text
            self.sql = sql
        }

        /// The name on the server: the commune's schema and the statement (at most 63 bytes).
        func name(for schema: SchemaName) -> String { "\(schema.rawValue)__\(self.id)" }
    }

    /// Communes whose statements one connection keeps (0: none are prepared).
    public let communesPerConnection: Int
    private let logger: Logger
    private let connections = Mutex<[ObjectIdentifier: Kept]>([:])
    private let counters = Counters()

    private final class Counters: Sendable {
        let prepared = Atomic<Int>(0)
        let reused = Atomic<Int>(0)
        let deallocated = Atomic<Int>(0)
    }

    /// What one connection keeps.
    private struct Kept {
        let connection: PostgresConnection
        /// Names of the statements prepared on it, by commune.
        var statements: [SchemaName: Set<String>] = [:]
        /// When each commune with statements last used one.
        var lastUse: [SchemaName: UInt64] = [:]
        /// Statements with binds PostgresNIO prepared here (never deallocated:
        /// the driver keeps its own record of them; the connection's recycling
        /// bounds them).
        var bound: Set<String> = []
        /// Statements run here recently, prepared or not, and when.
        var seen: [String: UInt64] = [:]
        var clock: UInt64 = 0
    }

    /// Statements prepared, executions that reused one, statements deallocated (since start).
    public var figures: (prepared: Int, reused: Int, deallocated: Int) {
        (
            self.counters.prepared.load(ordering: .relaxed), self.counters.reused.load(ordering: .relaxed),
            self.counters.deallocated.load(ordering: .relaxed)
        )
    }

    public init(communesPerConnection: Int, logger: Logger) {
        self.communesPerConnection = max(0, communesPerConnection)
        self.logger = logger
    }

    /// Runs `statement` for `schema` on `connection` (leased by the caller,
    /// so no other task uses it meanwhile): unnamed the first time,
    /// prepared the second, executed by name after that.
    public func rows(
        _ statement: Statement, for schema: SchemaName, on connection: PostgresConnection
    ) async throws -> PostgresRowSequence {
        guard self.communesPerConnection > 0 else {
            return try await Self.unnamed(statement, for: schema, on: connection, logger: self.logger)
        }
        let name = statement.name(for: schema)
        let (use, evicted) = self.connections.withLock { connections -> (Use, [String]) in
            let id = Self.entry(connection, in: &connections)
            return Self.use(schema, name: name, in: &connections[id]!, bound: self.communesPerConnection)
        }
        for old in evicted {
            // Best effort: a statement the server no longer has needs nothing more.
            try? await self.run("DEALLOCATE \"\(old)\"", on: connection)
            self.counters.deallocated.add(1, ordering: .relaxed)
        }
        switch use {
        case .unnamed:
            return try await Self.unnamed(statement, for: schema, on: connection, logger: self.logger)
        case .kept:
            self.counters.reused.add(1, ordering: .relaxed)
        case .prepare:
            do {
                try await self.run("PREPARE \"\(name)\" AS \(statement.sql(schema))", on: connection)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P05" {
                // Already there (kept through an error of ours): use it.
            }
            self.connections.withLock { connections in
                guard var kept = connections[ObjectIdentifier(connection)] else { return }
                kept.statements[schema, default: []].insert(name)
                kept.lastUse[schema] = kept.clock
                connections[ObjectIdentifier(connection)] = kept
            }
            self.counters.prepared.add(1, ordering: .relaxed)
        }
        do {
            return try await connection.queryUnlessClosed(PostgresQuery(unsafeSQL: "EXECUTE \"\(name)\""), logger: self.logger)
        } catch {
            // Whatever went wrong (a dropped schema, a lost connection), the
            // next request prepares afresh.
            self.connections.withLock { connections in
                guard var kept = connections[ObjectIdentifier(connection)] else { return }
                kept.statements[schema]?.remove(name)
                if kept.statements[schema]?.isEmpty == true {
                    kept.statements[schema] = nil
                    kept.lastUse[schema] = nil
                }
                connections[ObjectIdentifier(connection)] = kept
            }
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] != "26000" {
                try? await self.run("DEALLOCATE \"\(name)\"", on: connection)
            }
            throw error
        }
    }

    /// Runs `statement` with `binds` for `schema` on `connection` and reads
    /// its rows: unnamed the first time, then as a statement PostgresNIO
    /// prepares on the connection under the statement's name (Parse once;
    /// then Bind with the values and Execute). `EXECUTE` takes no bind
    /// parameters, so a statement with values cannot be kept by `PREPARE`.
    /// PostgreSQL plans the first five executions for their values, then
    /// keeps the generic plan when it costs no more.
    public func rows(
        _ statement: Statement, binds: PostgresBindings, for schema: SchemaName, on connection: PostgresConnection
    ) async throws -> [PostgresRow] {
        let name = statement.name(for: schema)
        let use: Use =
            self.communesPerConnection == 0
            ? .unnamed
            : self.connections.withLock { connections in
                let id = Self.entry(connection, in: &connections)
                let seenBefore = Self.see(name, in: &connections[id]!, bound: self.communesPerConnection)
                if connections[id]!.bound.contains(name) { return .kept }
                guard seenBefore else { return .unnamed }
                connections[id]!.bound.insert(name)
                return .prepare
            }
        var rows: [PostgresRow] = []
        guard use != .unnamed else {
            for try await row in try await connection.queryUnlessClosed(
                PostgresQuery(unsafeSQL: statement.sql(schema), binds: binds), logger: self.logger)
            {
                rows.append(row)
            }
            return rows
        }
        if use == .kept { self.counters.reused.add(1, ordering: .relaxed) } else { self.counters.prepared.add(1, ordering: .relaxed) }
        do {
            guard !connection.isClosed else { throw ChannelError.ioOnClosedChannel }
            try await DriverStatement.$current.withValue((name, statement.sql(schema))) {
                for try await row in try await connection.execute(DriverStatement(bindings: binds), logger: self.logger) {
                    rows.append(row)
                }
            }
            return rows
        } catch {
            self.connections.withLock { connections in
                _ = connections[ObjectIdentifier(connection)]?.bound.remove(name)
            }
            // The server lost the statement, or cannot run it as prepared (a
            // table it reads changed): the driver would keep sending it, so
            // the connection goes, and the pool opens a fresh one.
            if let error = error as? PSQLError, ["26000", "0A000"].contains(error.serverInfo?[.sqlState]) {
                self.forget(connection)
                try? await connection.close()
            }
            throw error
        }
    }

    /// A statement PostgresNIO prepares per connection, under the name and
    /// SQL of the task-local `current`: its protocol takes them from the
    /// type, while a commune's statement has the commune's name and SQL.
    private struct DriverStatement: PostgresPreparedStatement {
        typealias Row = PostgresRow
        @TaskLocal static var current = (name: "", sql: "")
        static var name: String { Self.current.name }
        static var sql: String { Self.current.sql }
        let bindings: PostgresBindings
        func makeBindings() throws -> PostgresBindings { self.bindings }
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// Runs `statement` for `schema` as the unnamed statement (parsed and planned anew).
    public static func unnamed(
        _ statement: Statement, for schema: SchemaName, on connection: PostgresConnection, logger: Logger
    ) async throws -> PostgresRowSequence {
        try await connection.queryUnlessClosed(PostgresQuery(unsafeSQL: statement.sql(schema)), logger: logger)
    }

    private enum Use { case unnamed, kept, prepare }

    /// Marks `name` as just run and says how to run it: kept, to prepare
    /// (seen before), or unnamed (first seen). Returns the names of
    /// statements to deallocate: those of the commune whose statements were
    /// least recently used, when one commune more would pass the bound.
    private static func use(_ schema: SchemaName, name: String, in kept: inout Kept, bound: Int) -> (Use, [String]) {
        let seenBefore = Self.see(name, in: &kept, bound: bound)
        if kept.statements[schema]?.contains(name) == true {
            kept.lastUse[schema] = kept.clock
            return (.kept, [])
        }
        guard seenBefore else { return (.unnamed, []) }
        var evicted: [String] = []
        if kept.statements[schema] == nil && kept.statements.count >= bound,
            let oldest = kept.lastUse.min(by: { $0.value < $1.value })?.key
        {
            kept.lastUse[oldest] = nil
            evicted = Array(kept.statements.removeValue(forKey: oldest) ?? [])
        }
        return (.prepare, evicted)
    }

    /// Marks `name` as just run; whether it ran here recently before.
    private static func see(_ name: String, in kept: inout Kept, bound: Int) -> Bool {
        kept.clock += 1
        let seenBefore = kept.seen.updateValue(kept.clock, forKey: name) != nil
        if kept.seen.count > 2 * bound, let oldest = kept.seen.min(by: { $0.value < $1.value })?.key {
            kept.seen[oldest] = nil
        }
        return seenBefore
    }

    /// The entry of `connection`, made afresh when the pool replaced the
    /// connection that had its address.
    private static func entry(_ connection: PostgresConnection, in connections: inout [ObjectIdentifier: Kept]) -> ObjectIdentifier {
        let id = ObjectIdentifier(connection)
        if connections[id]?.connection !== connection {
            // A connection the pool closed leaves its entry behind (and a
            // new one may take its address): drop those now.
            connections = connections.filter { !$0.value.connection.isClosed && $0.key != id }
            connections[id] = Kept(connection: connection)
        }
        return id
    }

    /// A statement with no result, run to its end.
    private func run(_ sql: String, on connection: PostgresConnection) async throws {
        // Through queryUnlessClosed: the DEALLOCATE after a lost connection
        // must fail, not wait for an answer that never comes.
        for try await _ in try await connection.queryUnlessClosed(PostgresQuery(unsafeSQL: sql), logger: self.logger) {}
    }

    /// Forgets what `connection` kept (it is being closed).
    public func forget(_ connection: PostgresConnection) {
        self.connections.withLock { $0[ObjectIdentifier(connection)] = nil }
    }

    /// Forgets every connection's statements (the pool was replaced).
    public func forgetAll() {
        self.connections.withLock { $0.removeAll() }
    }
}
