import Foundation

/// A commune's row in the catalogue, as the provisioner and the console see it.
public struct TenantRecord: Sendable, Hashable, Codable {
    public var unitID: Int64
    public var code: Int
    public var name: String
    public var slug: String
    public var parentID: Int64
    public var schema: SchemaName
    public var status: TenantStatus
    public var statusNote: String
    public var schemaVersion: Int
    public var contentVersion: Int64
    public var createdAt: Date
    /// The cluster of its schema (`platform.shards`).
    public var shard: ShardName
}

/// A backup pgBackRest made of the whole cluster (recorded by ops/backup).
public struct BackupRecord: Sendable, Hashable, Codable {
    public var label: String
    public var kind: String
    public var startedAt: Date
    public var stoppedAt: Date
    public var databaseBytes: Int64
}

/// A host name of a commune.
public struct DomainRecord: Sendable, Hashable, Codable {
    public var host: String
    public var tenantID: Int64
    public var communeCode: Int
    public var role: DomainRole
}

/// A reorganisation recorded in the catalogue by `reorganise apply`.
public struct ReorganisationRecord: Sendable, Hashable {
    public var planID: String
    public var summary: String
    public var provinces: [Int]
    public var startedAt: Date
    public var finishedAt: Date?
    /// Whether the plan itself is kept (plans applied before platform
    /// migration 7 are kept once `reorganise apply` runs again).
    public var hasPlan: Bool
}

/// One line of `provisioner status`.
public struct TenantStatusRow: Sendable, Codable, Hashable {
    public var code: Int
    public var name: String
    public var parent: String
    public var parentLevel: UnitLevel
    public var province: String
    public var status: TenantStatus
    public var schema: String
    public var schemaVersion: Int
    public var domains: [String]
    public var primaryDomain: String?
    /// The cluster of its schema (`platform.shards`).
    public var shard: ShardName
}
