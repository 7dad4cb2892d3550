import Foundation

/// One stored run of the audit (`platform.audit_runs`).
public struct AuditRun: Sendable, Hashable {
    public var id: Int64
    public var tenantID: Int64
    public var ranAt: Date
    public var passed: Int
    public var failed: Int
    public var compliant: Bool
    public var checks: [AuditCheck]
}

/// What a browser found on a sample of a site's pages (`platform.page_checks`,
/// written by ops/audit-pages).
public struct PageCheck: Sendable, Hashable {
    public struct Problem: Sendable, Hashable, Codable {
        public var page: String
        public var id: String
        public var message: String
        public var target: String?
    }

    /// `axe` or `vnu`.
    public var tool: String
    public var checkedAt: Date
    public var pages: Int
    public var problems: Int
    public var detail: [Problem]
}
