import Foundation
import Logging
import PostgresNIO

/// The steps of a move, each resumable after a crash.
extension ShardMove {
    // MARK: Steps

    func openMove(code: Int, on connection: UnitOfWork) async throws -> Row? {
        let rows = try await connection.query(
            """
            SELECT m.id, m.source, m.target, m.step FROM platform.shard_moves m
              JOIN platform.units u ON u.id = m.tenant_id
             WHERE u.code = \(code) AND u.level = 'commune' AND u.valid_until IS NULL AND m.step IN ('copying', 'frozen', 'switched')
            """, logger: self.logger
        ).collect()
        guard let first = rows.first else { return nil }
        let (id, source, target, step) = try first.decode((Int64, String, String, String).self)
        return Row(id: id, source: try ShardName(source), target: try ShardName(target), step: Step(rawValue: step) ?? .copying)
    }

    /// Records what a run of a move did, in its row of `platform.shard_moves`
    /// (each value given replaces the stored one; copy time adds up over runs).
    func record(
        _ id: Int64, step: Step? = nil, copySeconds: Double? = nil, bytes: Int64? = nil, rows: Int64? = nil, detail: String? = nil
    ) async throws(TenantCoreError) {
        let finished = step == .done || step == .rolledBack
        let detail = detail.map { String($0.prefix(1000)) }
        try await self.database.withConnection { connection in
            try await connection.query(
                """
                UPDATE platform.shard_moves
                   SET step = coalesce(\(step?.rawValue)::text, step),
                       copy_seconds = coalesce(coalesce(copy_seconds, 0) + \(copySeconds)::float8, copy_seconds),
                       bytes = coalesce(\(bytes)::int8, bytes),
                       rows_copied = coalesce(\(rows)::int8, rows_copied),
                       detail = coalesce(\(detail)::text, detail),
                       finished_at = CASE WHEN \(finished) THEN now() ELSE finished_at END
                 WHERE id = \(id)
                """, logger: self.logger)
        }
    }

    /// The name of a move's publication, replication slot and subscription:
    /// the schema, and a hash of the move and the source database (slot
    /// names are shared by every database of a server).
    static func tag(_ schema: SchemaName, move id: Int64, source: DatabaseConfig) -> String {
        let hash = FNV1a.hash("\(id):\(source.database)".utf8)
        return "move_\(schema.rawValue)_\(String(hash, radix: 16))"
    }

    /// Step 1: the target's tables and its subscription; returns once every
    /// table's initial copy is done. Returns the schema's bytes on the source.
    func copy(
        _ schema: SchemaName, row: Row, from source: TenantDatabase, to destination: TenantDatabase,
        progress: @Sendable (String) -> Void
    ) async throws -> Int64 {
        let tag = Self.tag(schema, move: row.id, source: source.config)
        let subscribed = try await destination.withConnection { connection in
            try await connection.query("SELECT count(*)::int FROM pg_subscription WHERE subname = \(tag)", logger: self.logger)
                .collect().first?.decode(Int.self) ?? 0
        }
        let bytes = try await source.withConnection { connection in
            try await connection.query(
                """
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 FROM pg_class c
                 WHERE c.relnamespace = \(schema.rawValue)::regnamespace AND c.relkind = 'r'
                """, logger: self.logger
            ).collect().first?.decode(Int64.self) ?? 0
        }
        if subscribed == 0 {
            // A copy left by a run stopped before it subscribed is started afresh.
            let runner = MigrationRunner(migrations: self.shards.migrations, logger: self.logger)
            try await destination.withTransaction { connection in
                try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema.quoted) CASCADE", logger: self.logger)
                try await runner.createTenantSchema(schema, record: false, on: connection)
                try await connection.query(
                    "CREATE TABLE \(unescaped: schema.quoted).\(unescaped: Self.marker) (id int PRIMARY KEY, at text NOT NULL)",
                    logger: self.logger)
            }
            try await source.withConnection { connection in
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS \(unescaped: schema.quoted).\(unescaped: Self.marker) (id int PRIMARY KEY, at text NOT NULL)",
                    logger: self.logger)
                try await connection.query("DROP PUBLICATION IF EXISTS \(unescaped: tag)", logger: self.logger)
                try await connection.query(
                    "CREATE PUBLICATION \(unescaped: tag) FOR TABLES IN SCHEMA \(unescaped: schema.quoted)", logger: self.logger)
                try await connection.query(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = \(tag)", logger: self.logger)
                // Made here, not by CREATE SUBSCRIPTION, which cannot make a
                // slot in its own cluster (two databases of one server).
                try await connection.query("SELECT pg_create_logical_replication_slot(\(tag), 'pgoutput')", logger: self.logger)
            }
            let conninfo = Self.conninfo(source.config)
            try await destination.withConnection { connection in
                try await connection.query(
                    """
                    CREATE SUBSCRIPTION \(unescaped: tag) CONNECTION \(unescaped: ShardSetup.literal(conninfo))
                    PUBLICATION \(unescaped: tag) WITH (create_slot = false, slot_name = \(unescaped: ShardSetup.literal(tag)), copy_data = true)
                    """, logger: self.logger)
            }
            progress("copying \(schema) (\(bytes / 1024) KiB) to the new cluster")
        }
        let started = ContinuousClock.now
        var reported = ContinuousClock.now
        var (lastReady, progressedAt) = (0, ContinuousClock.now)
        while true {
            let (total, ready) = try await destination.withConnection { connection in
                try await connection.query(
                    """
                    SELECT count(*)::int, count(*) FILTER (WHERE r.srsubstate IN ('r', 's'))::int
                      FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = \(tag)
                    """, logger: self.logger
                ).collect().first?.decode((Int, Int).self) ?? (0, 0)
            }
            if total > 0 && ready == total { break }
            if ready > lastReady { (lastReady, progressedAt) = (ready, ContinuousClock.now) }
            if ContinuousClock.now - progressedAt > .seconds(60) {
                let errors = try await destination.withConnection { connection in
                    try await connection.query(
                        """
                        SELECT (apply_error_count + sync_error_count)::int8 FROM pg_stat_subscription_stats WHERE subname = \(tag)
                        """, logger: self.logger
                    ).collect().first?.decode(Int64.self) ?? 0
                }
                if errors > 0 {
                    throw TenantCoreError(
                        .database, "the copy of \(schema) makes no progress and its subscription reports \(errors) error(s); see the target's server log, then run the move again or abort it")
                }
            }
            if ContinuousClock.now - reported > .seconds(2) {
                progress("copying \(schema): \(ready) of \(total) tables copied")
                reported = ContinuousClock.now
            }
            if ContinuousClock.now - started > .seconds(3600) {
                throw TenantCoreError(.database, "the copy of \(schema) has not finished within an hour; see the target's server log")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return bytes
    }

    /// Step 2, in one transaction on the source. Returns the rows compared
    /// and the moment the writes were frozen.
    func freeze(
        _ schema: SchemaName, from source: TenantDatabase, to destination: TenantDatabase, progress: @Sendable (String) -> Void
    ) async throws -> (Int64, ContinuousClock.Instant) {
        let tables = try await source.withConnection { connection in
            try await connection.query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = \(schema.rawValue) AND tablename <> \(Self.marker) ORDER BY 1",
                logger: self.logger
            ).collect().map { try $0.decode(String.self) }
        }
        let quoted = tables.map { "\(schema.quoted).\(ShardSetup.identifier($0))" }
        // The marker is written on a connection of its own, outside the
        // pool that lends this transaction's (a lease inside a lease holds
        // two of its connections), opened before the tables are locked so
        // that its login does not lengthen the freeze.
        let side = try await source.connect(logger: self.logger)
        do {
            let frozen = try await self.freeze(quoted, of: schema, from: source, to: destination, marker: side)
            try? await side.close()
            return frozen
        } catch {
            try? await side.close()
            throw error
        }
    }

    private func freeze(
        _ quoted: [String], of schema: SchemaName, from source: TenantDatabase, to destination: TenantDatabase, marker side: UnitOfWork
    ) async throws -> (Int64, ContinuousClock.Instant) {
        try await source.withTransaction { connection in
            try await connection.query("SET LOCAL lock_timeout = '5s'", logger: self.logger)
            // Readers go on; writers wait here, then meet the refusal below.
            try await connection.query("LOCK TABLE \(unescaped: quoted.joined(separator: ", ")) IN EXCLUSIVE MODE", logger: self.logger)
            let frozenAt = ContinuousClock.now
            // Committed after every write to the locked tables: once the
            // target has it, it has them all.
            let mark = try await side.query(
                """
                INSERT INTO \(unescaped: schema.quoted).\(unescaped: Self.marker) (id, at) VALUES (1, clock_timestamp()::text)
                ON CONFLICT (id) DO UPDATE SET at = excluded.at RETURNING at
                """, logger: self.logger
            ).collect().first?.decode(String.self) ?? ""
            while true {
                let seen = try await destination.withConnection { other in
                    try await other.query(
                        "SELECT at FROM \(unescaped: schema.quoted).\(unescaped: Self.marker) WHERE id = 1", logger: self.logger
                    ).collect().first?.decode(String.self)
                }
                if seen == mark { break }
                if ContinuousClock.now - frozenAt > .seconds(10) {
                    throw TenantCoreError(.database, "the target did not catch up with \(schema) within 10 s; writes are open again, run the move again")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            // Sequences are not replicated: the target continues from the source's values.
            let sequences = try await connection.query(
                "SELECT sequencename::text, last_value FROM pg_sequences WHERE schemaname = \(schema.rawValue)", logger: self.logger
            ).collect().map { try $0.decode((String, Int64?).self) }
            try await destination.withConnection { other in
                for (name, value) in sequences {
                    let sequence = "\(schema.quoted).\(ShardSetup.identifier(name))"
                    try await other.query(
                        "SELECT setval(\(sequence)::regclass, \(value ?? 1), \(value != nil))", logger: self.logger)
                }
            }
            var total: Int64 = 0
            for table in quoted {
                let here = try await connection.query("SELECT count(*) FROM \(unescaped: table)", logger: self.logger)
                    .collect().first?.decode(Int64.self) ?? -1
                let there = try await destination.withConnection { other in
                    try await other.query("SELECT count(*) FROM \(unescaped: table)", logger: self.logger)
                        .collect().first?.decode(Int64.self) ?? -2
                }
                guard here == there else {
                    throw TenantCoreError(.database, "\(table) has \(here) rows on the source and \(there) on the target; the move stops, writes are open again")
                }
                total += here
            }
            for (name, value) in sequences {
                let there = try await destination.withConnection { other in
                    try await other.query(
                        "SELECT last_value FROM pg_sequences WHERE schemaname = \(schema.rawValue) AND sequencename = \(name)", logger: self.logger
                    ).collect().first?.decode(Int64?.self)
                }
                guard there == value else {
                    throw TenantCoreError(.database, "sequence \(schema).\(name) is \(value ?? 0) on the source and \(there ?? 0) on the target")
                }
            }
            try await self.setRefusal(true, schema, on: connection)
            return (total, frozenAt)
        }
    }

    /// Puts on (or takes off) the trigger that refuses writes to every
    /// table of the schema on this connection's cluster.
    func setRefusal(_ on: Bool, _ schema: SchemaName, on connection: UnitOfWork) async throws {
        let tables = try await connection.query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = \(schema.rawValue) AND tablename <> \(Self.marker) ORDER BY 1",
            logger: self.logger
        ).collect().map { try $0.decode(String.self) }
        for table in tables {
            let quoted = "\(schema.quoted).\(ShardSetup.identifier(table))"
            try await connection.query("DROP TRIGGER IF EXISTS shard_moved ON \(unescaped: quoted)", logger: self.logger)
            if on {
                try await connection.query(
                    """
                    CREATE TRIGGER shard_moved BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(unescaped: quoted)
                    FOR EACH STATEMENT EXECUTE FUNCTION platform.refuse_moved_write()
                    """, logger: self.logger)
            }
        }
    }

    /// Step 3: the catalogue names the target.
    func switchCatalogue(_ tenantID: Int64, _ schema: SchemaName, row: Row, frozenAt: ContinuousClock.Instant?) async throws(TenantCoreError) {
        try await self.database.withTransaction { connection in
            try await connection.query(
                "UPDATE platform.tenants SET shard = \(row.target.rawValue), updated_at = now() WHERE unit_id = \(tenantID)",
                logger: self.logger)
            let freeze = frozenAt.map { (ContinuousClock.now - $0).seconds * 1000 }
            try await connection.query(
                "UPDATE platform.shard_moves SET step = 'switched', switched_at = now(), freeze_ms = \(freeze) WHERE id = \(row.id)",
                logger: self.logger)
        }
        self.database.place(schema, on: row.target)
    }

    /// Drops the subscription, its slot and the publication (each if there).
    func detach(_ schema: SchemaName, row: Row, from source: TenantDatabase, to destination: TenantDatabase) async throws {
        let tag = Self.tag(schema, move: row.id, source: source.config)
        try await destination.withConnection { connection in
            let exists = try await connection.query("SELECT count(*)::int FROM pg_subscription WHERE subname = \(tag)", logger: self.logger)
                .collect().first?.decode(Int.self) ?? 0
            if exists > 0 {
                // The slot is dropped below, on the source, so that this
                // works even when the source is another database of this server.
                try await connection.query("ALTER SUBSCRIPTION \(unescaped: tag) DISABLE", logger: self.logger)
                try await connection.query("ALTER SUBSCRIPTION \(unescaped: tag) SET (slot_name = NONE)", logger: self.logger)
                try await connection.query("DROP SUBSCRIPTION \(unescaped: tag)", logger: self.logger)
            }
            try await connection.query("DROP TABLE IF EXISTS \(unescaped: schema.quoted).\(unescaped: Self.marker)", logger: self.logger)
        }
        try await source.withConnection { connection in
            try await connection.query("DROP PUBLICATION IF EXISTS \(unescaped: tag)", logger: self.logger)
            // The apply worker lets go of the slot a moment after DISABLE.
            for attempt in 0..<100 {
                let active = try await connection.query(
                    "SELECT active FROM pg_replication_slots WHERE slot_name = \(tag)", logger: self.logger
                ).collect().first?.decode(Bool.self)
                guard let active else { break }
                if !active || attempt == 99 {
                    try await connection.query("SELECT pg_drop_replication_slot(\(tag))", logger: self.logger)
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Step 4: waits out the grace period, then drops the source copy.
    func finish(_ row: Row, _ schema: SchemaName, grace: Duration, progress: @Sendable (String) -> Void) async throws(TenantCoreError) {
        let waited = try await self.database.withConnection { connection in
            try await connection.query(
                "SELECT extract(epoch FROM now() - switched_at)::float8 FROM platform.shard_moves WHERE id = \(row.id)", logger: self.logger
            ).collect().first?.decode(Double?.self) ?? nil
        }
        let remaining = grace.seconds - (waited ?? 0)
        if remaining > 0 {
            progress("keeping the old copy of \(schema) on \(row.source) for \(Int(remaining.rounded(.up))) s more")
            try? await Task.sleep(for: .milliseconds(Int(remaining * 1000)))
        }
        let source = try self.database.cluster(named: row.source)
        try await source.withConnection { connection in
            try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema.quoted) CASCADE", logger: self.logger)
        }
        try await self.record(row.id, step: .done)
        self.logger.info("old copy dropped", metadata: ["tenant.schema": "\(schema)", "shard": "\(row.source)"])
    }

    /// A libpq connection string for the cluster of `config` (with its password).
    static func conninfo(_ config: DatabaseConfig) -> String {
        var parts: [(String, String)] = [
            ("host", config.socketDirectory ?? config.host), ("port", "\(config.port)"), ("dbname", config.database),
            ("user", config.username),
        ]
        if let password = config.password { parts.append(("password", password)) }
        if config.sslMode != "disable" { parts.append(("sslmode", config.sslMode)) }
        return parts.map { key, value in
            "\(key)='" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }.joined(separator: " ")
    }
}
