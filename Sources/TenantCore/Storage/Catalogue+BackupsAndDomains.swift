import Foundation
import Logging
import PostgresNIO

/// The catalogue's backups and domains.
extension Catalogue {
    // MARK: Backups

    /// Moves of communes between clusters not finished (copying, frozen, or within their grace period).
    public func openMoves(on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            "SELECT count(*)::int FROM platform.shard_moves WHERE step IN ('copying', 'frozen', 'switched')", logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// The newest good backup, if any is recorded.
    public func newestBackup(on connection: UnitOfWork) async throws -> BackupRecord? {
        let rows = try await connection.query(
            """
            SELECT label, kind, started_at, stopped_at, database_bytes FROM platform.backups
             ORDER BY stopped_at DESC LIMIT 1
            """, logger: self.logger)
        for try await (label, kind, started, stopped, bytes) in rows.decode((String, String, Date, Date, Int64).self) {
            return BackupRecord(label: label, kind: kind, startedAt: started, stoppedAt: stopped, databaseBytes: bytes)
        }
        return nil
    }

    // MARK: Domains

    /// All domains, or those of one commune.
    public func domains(tenantID: Int64? = nil, on connection: UnitOfWork) async throws -> [DomainRecord] {
        let rows = try await connection.query(
            """
            SELECT d.host, d.tenant_id, u.code, d.role
              FROM platform.domains d JOIN platform.units u ON u.id = d.tenant_id
             WHERE \(tenantID)::int8 IS NULL OR d.tenant_id = \(tenantID)
             ORDER BY u.code, d.role <> 'primary', d.host
            """, logger: self.logger)
        var result: [DomainRecord] = []
        for try await (host, tenant, code, role) in rows.decode((String, Int64, Int, String).self) {
            result.append(DomainRecord(host: host, tenantID: tenant, communeCode: code, role: DomainRole(rawValue: role) ?? .redirect))
        }
        return result
    }

    /// The commune that owns `host`, if any.
    public func domainOwner(_ host: Hostname, on connection: UnitOfWork) async throws -> DomainRecord? {
        let rows = try await connection.query(
            """
            SELECT d.host, d.tenant_id, u.code, d.role
              FROM platform.domains d JOIN platform.units u ON u.id = d.tenant_id
             WHERE d.host = \(host.value)
            """, logger: self.logger)
        for try await (host, tenant, code, role) in rows.decode((String, Int64, Int, String).self) {
            return DomainRecord(host: host, tenantID: tenant, communeCode: code, role: DomainRole(rawValue: role) ?? .redirect)
        }
        return nil
    }

    /// Adds a host to a commune. Making it primary demotes the old primary to a redirect.
    public func addDomain(
        _ host: Hostname, tenantID: Int64, role: DomainRole, on connection: UnitOfWork
    ) async throws {
        if role == .primary {
            try await connection.query(
                "UPDATE platform.domains SET role = 'redirect' WHERE tenant_id = \(tenantID) AND role = 'primary'",
                logger: self.logger)
        }
        try await connection.query(
            "INSERT INTO platform.domains (host, tenant_id, role) VALUES (\(host.value), \(tenantID), \(role.rawValue))",
            logger: self.logger)
    }

    /// Removes a host; returns false when it did not exist.
    public func removeDomain(_ host: Hostname, on connection: UnitOfWork) async throws -> Bool {
        let rows = try await connection.query(
            "DELETE FROM platform.domains WHERE host = \(host.value) RETURNING tenant_id", logger: self.logger
        ).collect()
        return !rows.isEmpty
    }
}
