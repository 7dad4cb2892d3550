import Foundation
import Logging

/// The alert that a commune's site fails the compliance checks: to every
/// active member of staff who manages the commune, has an address and has
/// not switched it off; once a week for the same failures (a new failure
/// alerts at once).
public struct ComplianceAlerts: Sendable {
    public let database: TenantDatabase
    let logger: Logger

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The alerts written for one commune.
    public func run(in tenant: Tenant, staff: [StaffUser], consoleURL: String, now: Date = Date()) async throws(TenantCoreError) -> Int {
        let recipients = MailKind.complianceFailed.recipients(among: staff, about: tenant)
        guard !recipients.isEmpty else { return 0 }
        let row = try await self.database.withConnection(schema: tenant.schema) { connection in
            try await ContentStore(logger: self.logger).compliance([tenant], now: now, on: connection).first
        }
        guard let row else { return 0 }
        let failing = row.checks(at: now).filter { $0.status == .fail }
        guard !failing.isEmpty else { return 0 }
        // What failed, and the week: the same failures alert again a week later.
        let about = "\(VietnamTime(now).startOfWeek.timeIntervalSince1970):" + failing.map(\.id).sorted().joined(separator: ",")
        let problems = failing.map { $0.detail.isEmpty ? $0.title : "\($0.title): \($0.detail)" }
        let rows = MailRepository(logger: self.logger)
        return try await self.database.withTransaction { connection in
            // One writer at a time per commune, so that two runs write one alert.
            try await rows.lockAlerts(commune: tenant.code, on: connection)
            guard !(try await rows.exists(kind: .complianceFailed, about: about, commune: tenant.code, on: connection)) else { return 0 }
            for (user, email) in recipients {
                try await rows.insert(
                    MailTemplates.complianceFailed(
                        to: email, name: user.displayName, commune: tenant.name, communeCode: tenant.code, problems: problems,
                        link: "\(consoleURL)/bien-tap/\(tenant.id)", about: about),
                    on: connection)
            }
            return recipients.count
        }
    }
}
