import Foundation
import Logging
import PostgresNIO

/// Prepares a PostgreSQL cluster to hold commune schemas: the catalogue's
/// functions (search folding, the portals' gathering trigger, content
/// touches), and every catalogue table reached on the main cluster through
/// postgres_fdw, so that a commune's transaction — its rows, the audit
/// entry, the gathered copy of its news — runs whole on its own cluster.
///
/// Run again after every catalogue migration (`provisioner migrate` does):
/// it replaces the functions and the foreign tables with the main
/// cluster's current ones, and leaves the commune schemas as they are.
public struct ShardSetup: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The foreign server that reaches the main cluster from another one.
    static let server = "platform_main"

    /// Catalogue relations another cluster has its own of, not the main one's.
    static let local = ["content_changed"]

    /// - Parameters:
    ///   - shard: a connection to the cluster to prepare (no transaction open).
    ///   - main: a connection to the main cluster.
    ///   - mainAddress: how the cluster's server reaches the main cluster
    ///     (host, port, database, user). Its password, if it has one, is
    ///     never used: the link's user mapping is for the role this
    ///     connection logs in as (the hosts' role on that cluster), never
    ///     PUBLIC, and holds no password. The main cluster authenticates the
    ///     link by what that server has of its own: its system user's
    ///     password file (`~postgres/.pgpass`) or a client certificate
    ///     (deploy/README.md, "Several clusters").
    public func prepare(_ shard: UnitOfWork, main: UnitOfWork, mainAddress: DatabaseConfig) async throws {
        let functions = try await main.query(
            """
            SELECT pg_get_functiondef(p.oid) FROM pg_proc p
             WHERE p.pronamespace = 'platform'::regnamespace AND p.prokind = 'f' ORDER BY p.proname
            """, logger: self.logger
        ).collect().map { try $0.decode(String.self) }
        // Columns the main cluster numbers itself in rows that nothing
        // refers to (the audit log, form submissions, ratings): left out of
        // the foreign tables, so that an insert from here lets the main
        // cluster number the row. (postgres_fdw would send them as NULL.)
        var numbered: [(String, String)] = []
        for try await (table, column) in try await main.query(
            """
            SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relnamespace = 'platform'::regnamespace AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contype = 'f' AND k.confrelid = c.oid AND a.attnum = ANY (k.confkey))
            """, logger: self.logger
        ).decode((String, String).self) {
            numbered.append((table, column))
        }
        var server = [
            "host": mainAddress.socketDirectory ?? mainAddress.host, "port": "\(mainAddress.port)", "dbname": mainAddress.database,
        ]
        if mainAddress.sslMode != "disable" { server["sslmode"] = mainAddress.sslMode }
        // password_required 'false' (a superuser's option): the password,
        // when the main cluster asks for one, comes from the server's own
        // password file, not from a catalogue any dump prints.
        let mapping = ["user": mainAddress.username, "password_required": "false"]

        try await TenantDatabase.inTransaction(shard, logger: self.logger) { connection in
            try await connection.query("SET LOCAL check_function_bodies = off", logger: self.logger)
            try await connection.query("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public", logger: self.logger)
            try await connection.query("CREATE EXTENSION IF NOT EXISTS postgres_fdw WITH SCHEMA public", logger: self.logger)
            try await connection.query("CREATE SCHEMA IF NOT EXISTS platform", logger: self.logger)
            // Dropping the server drops the foreign tables imported before.
            try await connection.query("DROP SERVER IF EXISTS \(unescaped: Self.server) CASCADE", logger: self.logger)
            try await connection.query(
                "CREATE SERVER \(unescaped: Self.server) FOREIGN DATA WRAPPER postgres_fdw OPTIONS (\(unescaped: Self.options(server)))",
                logger: self.logger)
            try await connection.query(
                "CREATE USER MAPPING FOR CURRENT_USER SERVER \(unescaped: Self.server) OPTIONS (\(unescaped: Self.options(mapping)))",
                logger: self.logger)
            // Every catalogue table and view but those that are this
            // cluster's own (``local``).
            try await connection.query(
                """
                IMPORT FOREIGN SCHEMA platform EXCEPT (\(unescaped: Self.local.joined(separator: ", ")))
                FROM SERVER \(unescaped: Self.server) INTO platform OPTIONS (import_default 'true')
                """, logger: self.logger)
            // A page's Last-Modified is not worth a round trip to the main
            // cluster on every page made here (sql/platform/0014).
            try await connection.query(
                """
                CREATE OR REPLACE VIEW platform.content_changed AS
                    SELECT NULL::text AS schema_name, NULL::timestamptz AS content_changed_at WHERE false
                """, logger: self.logger)
            for (table, column) in numbered {
                try await connection.query(
                    "ALTER FOREIGN TABLE platform.\(unescaped: Self.identifier(table)) DROP COLUMN \(unescaped: Self.identifier(column))",
                    logger: self.logger)
            }
            for definition in functions {
                try await connection.query("\(unescaped: definition)", logger: self.logger)
            }
        }
        self.logger.info("cluster prepared", metadata: ["functions": "\(functions.count)", "main": "\(mainAddress.redacted)"])
    }

    /// `key 'value', …` with each value quoted as an SQL literal.
    static func options(_ values: [String: String]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.literal($0.value))" }.joined(separator: ", ")
    }

    /// An SQL string literal of an operator's setting (never of a request value).
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A quoted identifier read from the main cluster's own catalogue.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
