import Foundation
import Logging

/// After a reorganisation, footers whose e-mail is still on a domain of an
/// ended unit (`namdinh.gov.vn`): each found, with the same mailbox on the
/// domain of the commune's province now (`ninhbinh.gov.vn`) proposed, and
/// rewritten on request, one commune per transaction with its audit entry.
/// The proposal is only an address's domain: the province's mail server
/// must have the mailbox (deploy/README.md, "E-mail").
public struct FooterDomains: Sendable {
    public struct Proposal: Sendable, Hashable {
        public let tenant: Tenant
        public let current: String
        public let proposed: String
    }

    let database: TenantDatabase
    let logger: Logger

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The communes among `tenants` whose footer e-mail is on an ended unit's domain.
    public func proposals(_ tenants: [Tenant]) async throws(TenantCoreError) -> [Proposal] {
        let store = ContentStore(logger: self.logger)
        let rows = try await self.database.byCluster(tenants, schema: \.schema) { group, connection in
            try await store.compliance(group, now: Date(), on: connection)
        }
        return rows.compactMap { row -> Proposal? in
            guard row.endedEmailDomain != nil, let province = row.tenant.province, province.validUntil == nil,
                let at = row.footer.email.lastIndex(of: "@")
            else { return nil }
            let mailbox = row.footer.email[..<at]
            return Proposal(tenant: row.tenant, current: row.footer.email, proposed: "\(mailbox)@\(province.compactSlug).gov.vn")
        }.sorted { $0.tenant.code < $1.tenant.code }
    }

    /// Writes `proposal` if the footer still has the address it was made
    /// from (an editor may have changed it since); true when written.
    public func apply(_ proposal: Proposal, by actor: AuditActor = .provisioner) async throws(TenantCoreError) -> Bool {
        let store = ContentStore(logger: self.logger)
        let catalogue = Catalogue(logger: self.logger)
        let logger = self.logger
        return try await self.database.withTransaction(schema: proposal.tenant.schema) { connection in
            guard var site = try await store.site(proposal.tenant.schema, on: connection), site.email == proposal.current else { return false }
            site.email = proposal.proposed
            try await store.updateSite(site, in: proposal.tenant.schema, on: connection)
            _ = try await catalogue.touchContent(tenantID: proposal.tenant.id, on: connection)
            try await actor.record(
                "site.footer-domain", commune: proposal.tenant.code, detail: "\(proposal.current) → \(proposal.proposed)", on: connection,
                logger: logger)
            return true
        }
    }
}
