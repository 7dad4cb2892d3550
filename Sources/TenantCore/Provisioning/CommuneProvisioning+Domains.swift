import Foundation
import Logging
import Synchronization

/// A commune's host names: adding, making primary, removing.
extension CommuneProvisioning {
    // MARK: Domains

    /// Adds a host to a commune (optionally as its new primary).
    ///
    /// A member of staff (`actor` with a user) may only add names inside the
    /// zones of the commune's province (``DomainZones``), and never a
    /// reserved name: a province's or district's portal host, or one of
    /// ``reservedHosts`` (the console's). The platform's own command line
    /// (no user) may add any name; a portal's name still never resolves to
    /// a commune (``DirectorySnapshot/resolve(_:)``).
    public func addDomain(_ raw: String, code: Int, role: DomainRole, by actor: AuditActor? = nil) async throws(TenantCoreError) -> DomainRecord {
        let host: Hostname
        do {
            host = try Hostname(normalizing: raw)
        } catch {
            throw .invalid("\(raw.debugDescription) is not a valid host name (\(error))", field: .host)
        }
        guard host.value.contains(".") else {
            throw .invalid("host name \(host) needs at least two labels, e.g. xa.tinh.gov.vn", field: .host)
        }
        return try await self.database.withTransaction { connection in
            guard let record = try await self.catalogue.tenant(code: code, on: connection) else {
                throw TenantCoreError.notFound("commune \(code) has no site on this platform")
            }
            if actor?.user != nil {
                let zones = try await DomainZones.load(for: record.unitID, reserved: self.reservedHosts, policy: self.policy, catalogue: self.catalogue, on: connection)
                try zones.check(host)
            }
            if let owner = try await self.catalogue.domainOwner(host, on: connection) {
                if owner.tenantID == record.unitID && owner.role == role {
                    return owner
                }
                guard owner.tenantID == record.unitID else {
                    throw TenantCoreError.conflict("host \(host) already belongs to commune \(owner.communeCode)", field: .host)
                }
                _ = try await self.catalogue.removeDomain(host, on: connection)
            }
            try await self.catalogue.addDomain(host, tenantID: record.unitID, role: role, on: connection)
            try await actor?.record("domain.add", commune: code, detail: "\(host.value) (\(role.rawValue))", on: connection, logger: self.logger)
            return DomainRecord(host: host.value, tenantID: record.unitID, communeCode: code, role: role)
        }
    }

    /// Why a member of staff could not give commune `code` the host `raw`
    /// (outside its province's zones, or reserved), or nil: what the command
    /// line says before it gives the name all the same.
    public func staffRuleProblem(_ raw: String, code: Int) async throws(TenantCoreError) -> String? {
        guard let host = try? Hostname(normalizing: raw) else { return nil }
        return try await self.database.withConnection { connection -> String? in
            guard let record = try await self.catalogue.tenant(code: code, on: connection) else { return nil }
            let zones = try await DomainZones.load(for: record.unitID, reserved: self.reservedHosts, policy: self.policy, catalogue: self.catalogue, on: connection)
            do {
                try zones.check(host)
                return nil
            } catch {
                return (error as? TenantCoreError)?.message ?? "\(error)"
            }
        }
    }

    /// Removes a host. The primary host can only go once another host is primary.
    public func removeDomain(_ raw: String, by actor: AuditActor? = nil) async throws(TenantCoreError) {
        let host: Hostname
        do {
            host = try Hostname(normalizing: raw)
        } catch {
            throw .invalid("\(raw.debugDescription) is not a valid host name", field: .host)
        }
        try await self.database.withTransaction { connection in
            guard let owner = try await self.catalogue.domainOwner(host, on: connection) else {
                throw TenantCoreError.notFound("no commune has the host \(host)")
            }
            guard owner.role != .primary else {
                throw TenantCoreError.conflict(
                    "\(host) is the primary host of commune \(owner.communeCode); make another host primary first (domain add HOST --commune \(owner.communeCode) --primary)")
            }
            _ = try await self.catalogue.removeDomain(host, on: connection)
            try await actor?.record("domain.remove", commune: owner.communeCode, detail: host.value, on: connection, logger: self.logger)
        }
    }
}
