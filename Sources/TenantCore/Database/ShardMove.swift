import Foundation
import Logging
import PostgresNIO

/// Moves one commune's schema to another cluster while its site stays up.
///
/// 1. **copying**: the target gets the schema's tables (the tenant
///    migrations, unrecorded) and subscribes to a publication of the
///    schema on the source (`CREATE PUBLICATION … FOR TABLES IN SCHEMA`):
///    PostgreSQL copies the rows, then streams every later change.
/// 2. **frozen**: one transaction on the source locks the commune's tables
///    against writes (readers go on), commits a marker row and waits for
///    it on the target (so every earlier change is there), copies the
///    sequences, compares the row counts of every table, and puts a trigger
///    on each table that refuses writes (SQLSTATE PM001).
/// 3. **switched**: the catalogue names the target. Hosts hear it by
///    NOTIFY; a write refused by the old copy meanwhile is run again on the
///    new one. The subscription and publication are dropped.
/// 4. **done**: after a grace period (hosts that had not heard still read
///    the old copy) the source schema is dropped.
///
/// Each step's state is committed in `platform.shard_moves` before the
/// next starts, and every step can be run again: a move stopped anywhere
/// is resumed by running it again, or undone by ``abort(code:)`` before
/// the switch. Writes are accepted by at most one copy at any time: the
/// source refuses them before the catalogue names the target.
public struct ShardMove: Sendable {
    public enum Step: String, Sendable, Comparable, CaseIterable {
        case copying, frozen, switched, done
        case rolledBack = "rolled_back"

        var order: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Step, b: Step) -> Bool { a.order < b.order }
    }

    public struct Report: Sendable {
        public var code: Int
        public var schema: SchemaName
        public var source: ShardName
        public var target: ShardName
        public var step: Step
        public var resumed: Bool
        public var copySeconds: Double?
        /// From the lock on the source to the catalogue's switch (writes wait or are retried meanwhile).
        public var freezeMilliseconds: Double?
        public var rows: Int64?
        public var bytes: Int64?
    }

    let shards: Shards
    var database: TenantDatabase { self.shards.database }
    var logger: Logger { self.shards.logger }
    let catalogue: Catalogue

    public init(shards: Shards) {
        self.shards = shards
        self.catalogue = Catalogue(logger: shards.logger)
    }

    /// The table each side commits to during the freeze (not a commune's table).
    static let marker = "shard_move_marker"

    struct Row {
        var id: Int64
        var source: ShardName
        var target: ShardName
        var step: Step
    }

    /// Moves commune `code` to cluster `target`, or resumes its unfinished
    /// move there. `stopAfter` ends the run once that step is committed,
    /// leaving everything as a process killed there would (for drills and
    /// tests). `waitForGrace: false` leaves the source copy to
    /// ``finishSwitched(grace:progress:)``.
    @discardableResult
    public func move(
        code: Int, to target: ShardName, grace: Duration = .seconds(30), waitForGrace: Bool = true,
        stopAfter: Step? = nil, progress: @Sendable (String) -> Void = { _ in }
    ) async throws(TenantCoreError) -> Report {
        let (tenant, open) = try await self.database.withConnection { connection in
            (try await self.catalogue.tenant(code: code, on: connection), try await self.openMove(code: code, on: connection))
        }
        guard let tenant else { throw TenantCoreError.notFound("commune \(code) has no site", field: .code) }
        let schema = tenant.schema
        var row: Row
        var report = Report(
            code: code, schema: schema, source: .main, target: target, step: .copying, resumed: open != nil)
        if let open {
            guard open.target == target else {
                throw TenantCoreError.conflict(
                    "commune \(code) is being moved to \(open.target) (step \(open.step.rawValue)); finish it with `shards move \(code) --to \(open.target)` or undo it with `shards move \(code) --abort`")
            }
            row = open
            progress("resuming the move of \(code) from \(open.source) to \(open.target) at step \(open.step.rawValue)")
        } else {
            let current = tenant.shard
            guard current != target else { throw TenantCoreError.invalid("commune \(code) is already on cluster \(target)", field: .shard) }
            guard tenant.schemaVersion == self.shards.migrations.tenantVersion else {
                throw TenantCoreError.conflict(
                    "commune \(code) is at schema version \(tenant.schemaVersion), not \(self.shards.migrations.tenantVersion); run `provisioner migrate` first")
            }
            _ = try self.database.cluster(named: current)
            _ = try self.database.cluster(named: target)
            row = try await self.database.withConnection { connection in
                try await self.shards.requireOpen(target, on: connection)
                let id = try await connection.query(
                    """
                    INSERT INTO platform.shard_moves (tenant_id, schema_name, source, target)
                    VALUES (\(tenant.unitID), \(schema.rawValue), \(current.rawValue), \(target.rawValue)) RETURNING id
                    """, logger: self.logger
                ).collect().first?.decode(Int64.self) ?? 0
                return Row(id: id, source: current, target: target, step: .copying)
            }
        }
        report.source = row.source
        let source = try self.database.cluster(named: row.source)
        let destination = try self.database.cluster(named: row.target)
        var metadata: Logger.Metadata = [
            "commune": "\(code)", "tenant.schema": "\(schema)", "shard.from": "\(row.source)", "shard.to": "\(row.target)",
        ]
        do {
            if row.step == .copying {
                let started = ContinuousClock.now
                report.bytes = try await self.copy(schema, row: row, from: source, to: destination, progress: progress)
                report.copySeconds = (ContinuousClock.now - started).seconds
                try await self.record(row.id, copySeconds: report.copySeconds ?? 0, bytes: report.bytes ?? 0)
                if stopAfter == .copying { return report }
                let (rows, frozenAt) = try await self.freeze(schema, from: source, to: destination, progress: progress)
                report.rows = rows
                try await self.record(row.id, step: .frozen, rows: rows)
                row.step = .frozen
                report.step = .frozen
                if stopAfter == .frozen { return report }
                try await self.switchCatalogue(tenant.unitID, schema, row: row, frozenAt: frozenAt)
                report.freezeMilliseconds = (ContinuousClock.now - frozenAt).seconds * 1000
                row.step = .switched
            } else if row.step == .frozen {
                try await self.switchCatalogue(tenant.unitID, schema, row: row, frozenAt: nil)
                row.step = .switched
            }
            report.step = .switched
            metadata["freeze_ms"] = "\(report.freezeMilliseconds.map { String(format: "%.1f", $0) } ?? "-")"
            self.logger.notice("commune switched to another cluster", metadata: metadata)
            progress("commune \(code) now served from \(row.target)\(report.freezeMilliseconds.map { String(format: " (writes frozen %.0f ms)", $0) } ?? "")")
            try await self.detach(schema, row: row, from: source, to: destination)
            if stopAfter == .switched { return report }
            if waitForGrace {
                try await self.finish(row, schema, grace: grace, progress: progress)
                report.step = .done
            }
            return report
        } catch {
            let mapped = TenantDatabase.map(error)
            metadata["error"] = "\(mapped.message)"
            self.logger.error("move stopped", metadata: metadata)
            try? await self.record(row.id, detail: mapped.message)
            throw mapped
        }
    }

    /// Undoes a move that has not switched: the target copy, the
    /// subscription and the source's publication are dropped, and the
    /// source takes writes again.
    public func abort(code: Int) async throws(TenantCoreError) -> Report {
        let (tenant, open) = try await self.database.withConnection { connection in
            (try await self.catalogue.tenant(code: code, on: connection), try await self.openMove(code: code, on: connection))
        }
        guard let tenant, let open else { throw TenantCoreError.notFound("commune \(code) has no move under way", field: .code) }
        guard open.step < .switched else {
            throw TenantCoreError.conflict("the move of commune \(code) has switched to \(open.target); run it again to finish it")
        }
        let schema = tenant.schema
        let source = try self.database.cluster(named: open.source)
        let destination = try self.database.cluster(named: open.target)
        do {
            try await self.detach(schema, row: open, from: source, to: destination)
            try await destination.withConnection { connection in
                try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema.quoted) CASCADE", logger: self.logger)
            }
            try await source.withTransaction { connection in
                try await self.setRefusal(false, schema, on: connection)
                try await connection.query("DROP TABLE IF EXISTS \(unescaped: schema.quoted).\(unescaped: Self.marker)", logger: self.logger)
            }
        } catch {
            throw TenantDatabase.map(error)
        }
        try await self.record(open.id, step: .rolledBack)
        self.logger.notice("move undone", metadata: ["commune": "\(code)", "tenant.schema": "\(schema)"])
        return Report(code: code, schema: schema, source: open.source, target: open.target, step: .rolledBack, resumed: true)
    }

    /// Drops the source copies of switched moves once their grace period
    /// has passed, waiting for those still within it.
    public func finishSwitched(grace: Duration, progress: @Sendable (String) -> Void = { _ in }) async throws(TenantCoreError) -> Int {
        let rows: [(Row, SchemaName)] = try await self.database.withConnection { connection in
            var rows: [(Row, SchemaName)] = []
            for try await (id, schema, source, target) in try await connection.query(
                "SELECT id, schema_name, source, target FROM platform.shard_moves WHERE step = 'switched' ORDER BY switched_at",
                logger: self.logger
            ).decode((Int64, String, String, String).self) {
                rows.append(
                    (Row(id: id, source: try ShardName(source), target: try ShardName(target), step: .switched), try SchemaName(validating: schema)))
            }
            return rows
        }
        for (row, schema) in rows {
            do {
                try await self.detach(schema, row: row, from: try self.database.cluster(named: row.source), to: try self.database.cluster(named: row.target))
            } catch {
                throw TenantDatabase.map(error)
            }
            try await self.finish(row, schema, grace: grace, progress: progress)
        }
        return rows.count
    }
}

