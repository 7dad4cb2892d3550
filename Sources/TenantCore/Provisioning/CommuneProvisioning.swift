import Foundation
import Logging
import Synchronization

/// The operations that put communes on the platform and keep the fleet
/// healthy. The `provisioner` CLI and the admin console both call these.
public struct CommuneProvisioning: Sendable {
    public let database: TenantDatabase
    public let migrations: MigrationSet
    public let policy: DomainPolicy
    let logger: Logger
    let catalogue: Catalogue
    let content: ContentStore
    /// Names no member of staff may give a commune besides the portals'
    /// (the console host, `ADMIN_HOST`).
    public var reservedHosts: Set<String> = []

    public init(database: TenantDatabase, migrations: MigrationSet, policy: DomainPolicy = DomainPolicy(), logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.policy = policy
        self.logger = logger
        self.catalogue = Catalogue(logger: logger)
        self.content = ContentStore(logger: logger)
    }

    /// Whether an operation created something or found it already there.
    public enum Outcome: String, Sendable, Equatable {
        case created
        case unchanged
    }

    // MARK: Provinces and districts

    /// Finds or creates a province or district. An existing unit with the
    /// same code but another name or parent is a conflict.
    public func ensureUnit(_ spec: UnitSpec) async throws(TenantCoreError) -> (AdminUnit, Outcome) {
        try await self.database.withTransaction { connection in
            try await self.ensureUnit(spec, on: connection)
        }
    }

    func ensureUnit(_ spec: UnitSpec, on connection: UnitOfWork) async throws -> (AdminUnit, Outcome) {
        guard spec.level != .commune else { throw TenantCoreError.invalid("use createCommune for communes") }
        var parent: AdminUnit?
        if spec.level == .district {
            guard let parentCode = spec.parentCode,
                let found = try await self.catalogue.unit(.province, code: parentCode, on: connection)
            else {
                throw TenantCoreError.notFound("province \(spec.parentCode.map(String.init) ?? "?") is not in the catalogue; add it first")
            }
            parent = found
        }
        if let existing = try await self.catalogue.unit(spec.level, code: spec.code, on: connection) {
            guard existing.name == spec.name, existing.parentID == parent?.id else {
                throw TenantCoreError.conflict(
                    "\(spec.level.rawValue) \(spec.code) is already in the catalogue as \(existing.name.debugDescription); refusing to change it to \(spec.name.debugDescription)")
            }
            if let url = spec.portalURL, url != existing.portalURL {
                try await self.catalogue.setPortal(unitID: existing.id, url: url, on: connection)
                var updated = existing
                updated.portalURL = url
                return (updated, .created)
            }
            return (existing, .unchanged)
        }
        let portal = try spec.portalURL.map(Self.validatedURL)
            ?? self.policy.portal(level: spec.level, slug: spec.slug, provinceSlug: parent?.slug ?? spec.slug)
        guard
            let unit = try await self.catalogue.insertUnit(
                level: spec.level, code: spec.code, parentID: parent?.id, name: spec.name, kind: spec.kind, slug: spec.slug,
                portalURL: portal, list: spec.list, on: connection)
        else {
            throw TenantCoreError.conflict("\(spec.level.rawValue) \(spec.code) was created by someone else meanwhile; run again")
        }
        self.logger.info(
            "created \(spec.level.rawValue)", metadata: ["unit.code": "\(spec.code)", "unit.name": "\(spec.name)"])
        return (unit, .created)
    }

    static func validatedURL(_ url: String) throws -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty,
            SafeURL.check(url, allowing: .web) == url,
            !url.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\"" })
        else {
            throw TenantCoreError.invalid("portal URL \(url.debugDescription) must be an http(s) address")
        }
        return url
    }

    // MARK: Communes

    /// Creates a commune in one transaction: its catalogue rows, its schema at
    /// the newest tenant version, its sixteen sections and footer, and its
    /// domains — all together or nothing. A commune that already exists with
    /// the same name and parent is left as it is (`unchanged`). With an
    /// `actor`, a new commune's audit entry is part of the transaction.
    public func createCommune(_ spec: CommuneSpec, by actor: AuditActor? = nil) async throws(TenantCoreError) -> (TenantRecord, Outcome) {
        var metadata: Logger.Metadata = ["commune": "\(spec.code)"]
        let logger = self.logger
        let result: (TenantRecord, Outcome) = try await self.database.withTransaction { connection in
            let result = try await self.createCommune(spec, on: connection)
            if result.1 == .created {
                try await actor?.record("commune.create", commune: spec.code, detail: result.0.name, on: connection, logger: logger)
            }
            return result
        }
        if result.0.shard != .main {
            // On another cluster, the portals' copy of its published items
            // is made once the catalogue names the commune.
            self.database.place(result.0.schema, on: result.0.shard)
            try await self.database.withTransaction(schema: result.0.schema) { connection in
                try await PortalStore(logger: logger).copyPublished(of: result.0.schema, on: connection)
            }
        }
        metadata["tenant.schema"] = "\(result.0.schema)"
        metadata["outcome"] = "\(result.1.rawValue)"
        self.logger.debug("commune provisioned", metadata: metadata)
        return result
    }

    /// ``createCommune(_:)`` inside the caller's transaction.
    func createCommune(_ spec: CommuneSpec, on connection: UnitOfWork) async throws -> (TenantRecord, Outcome) {
        guard let parent = try await self.catalogue.unit(spec.parentLevel, code: spec.parentCode, on: connection) else {
            throw TenantCoreError.notFound(
                "\(spec.source): \(spec.parentLevel.rawValue) \(spec.parentCode) is not in the catalogue; add it first", field: .parent)
        }
        if let existing = try await self.catalogue.tenant(code: spec.code, on: connection) {
            guard existing.name == spec.name, existing.parentID == parent.id else {
                throw TenantCoreError.conflict(
                    "\(spec.source): commune \(spec.code) is already in the catalogue as \(existing.name.debugDescription) under unit \(existing.parentID); refusing to change it", field: .code)
            }
            return (existing, .unchanged)
        }
        if try await self.catalogue.unit(.commune, code: spec.code, on: connection) != nil {
            throw TenantCoreError.conflict("\(spec.source): commune \(spec.code) exists in the catalogue without a site", field: .code)
        }
        let schema = try await self.schemaName(for: spec, on: connection)
        var province = parent
        var district: AdminUnit?
        if parent.level == .district {
            district = parent
            guard let parentOfDistrict = parent.parentID,
                let found = try await self.catalogue.unit(id: parentOfDistrict, on: connection)
            else { throw TenantCoreError.notFound("district \(parent.code) has no province") }
            province = found
        }
        let hosts = try self.policy.hosts(commune: spec.slug, district: district?.slug, province: province.slug)
        for (host, _) in hosts {
            if let owner = try await self.catalogue.domainOwner(host, on: connection) {
                throw TenantCoreError.conflict(
                    "\(spec.source): host \(host) already belongs to commune \(owner.communeCode); give this commune another slug", field: .host)
            }
        }
        guard
            let unit = try await self.catalogue.insertUnit(
                level: .commune, code: spec.code, parentID: parent.id, name: spec.name, kind: spec.kind,
                slug: spec.slug, portalURL: nil, list: spec.list, on: connection)
        else { throw TenantCoreError.conflict("commune \(spec.code) was created by someone else meanwhile") }
        let shards = Shards(database: self.database, migrations: self.migrations, logger: self.logger)
        // A run stopped after making the schema on its cluster, before the
        // catalogue named it, left it there: this run finishes on that cluster.
        let leftBehind = spec.shard == nil ? try await shards.clusterHolding(schema, on: connection) : nil
        let shard = try await shards.placement(requested: spec.shard ?? leftBehind, on: connection)
        try await self.catalogue.insertTenant(
            unitID: unit.id, schema: schema, schemaVersion: self.migrations.tenantVersion, shard: shard, on: connection)
        let runner = MigrationRunner(migrations: self.migrations, logger: self.logger)
        let split = VietnameseText.splitUnitName(spec.name)
        let publisher = "Ủy ban nhân dân \(split.kind.isEmpty ? spec.kind : split.kind) \(split.properName)"
        if shard == .main {
            try await runner.createTenantSchema(schema, on: connection)
            try await self.content.seed(schema, communeName: VietnameseText.inSentence(spec.name), publisher: publisher, on: connection)
        } else {
            // The schema on its cluster commits just before the catalogue
            // here: a run stopped between the two leaves a schema nothing
            // names, which the next run drops and makes again.
            try await self.database.cluster(named: shard).withTransaction { other in
                try await runner.dropTenantSchema(schema, on: other)
                try await runner.createTenantSchema(schema, on: other)
                try await self.content.seed(schema, communeName: VietnameseText.inSentence(spec.name), publisher: publisher, on: other)
            }
        }
        for (host, role) in hosts {
            try await self.catalogue.addDomain(host, tenantID: unit.id, role: role, on: connection)
        }
        guard let record = try await self.catalogue.tenant(code: spec.code, on: connection) else {
            throw TenantCoreError.notFound("commune \(spec.code) vanished while being created")
        }
        return (record, .created)
    }

    /// `c_<code>`, unless a commune of the 2024 list already has that schema
    /// (the 2025 list reuses codes): then `c_25<code>`.
    func schemaName(for spec: CommuneSpec, on connection: UnitOfWork) async throws -> SchemaName {
        let plain = try SchemaName(communeCode: spec.code)
        guard spec.list == 2025 else { return plain }
        return try await self.catalogue.schemaTaken(plain, on: connection) ? try SchemaName(communeCode: spec.code, list: 2025) : plain
    }

    // MARK: Fleet migration

    /// Brings every commune schema to the newest `sql/tenant/` version,
    /// `jobs` schemas at a time, each in its own transaction. Safe to stop at
    /// any moment and run again: committed schemas are not touched twice.
    public func migrateAll(
        jobs: Int, progress: @escaping @Sendable (Progress) -> Void
    ) async throws(TenantCoreError) -> Report {
        let target = self.migrations.tenantVersion
        let lagging = try await self.database.withConnection { connection in
            try await self.catalogue.tenants(belowVersion: target, on: connection)
        }
        let runner = MigrationRunner(migrations: self.migrations, logger: self.logger)
        return await Self.forEach(lagging, jobs: jobs, label: { "\($0.schema)" }, progress: progress) { record in
            let schema = record.schema
            let applied = try await self.database.withTransaction(schema: schema) { connection in
                try await runner.migrateTenant(schema, on: connection)
            }
            if !applied.isEmpty {
                self.logger.debug(
                    "schema migrated",
                    metadata: ["tenant.schema": "\(schema)", "commune": "\(record.code)", "versions": "\(applied)"])
            }
            return applied.isEmpty ? .unchanged : .created
        }
    }

    // MARK: Lifecycle

    /// Changes a commune's status; host processes pick it up at once (NOTIFY).
    public func setStatus(code: Int, to status: TenantStatus, note: String = "", by actor: AuditActor? = nil) async throws(TenantCoreError) -> TenantRecord {
        let logger = self.logger
        return try await self.database.withTransaction { connection in
            guard let record = try await self.catalogue.tenant(code: code, on: connection) else {
                throw TenantCoreError.notFound("commune \(code) has no site on this platform")
            }
            try await self.catalogue.setStatus(tenantID: record.unitID, status: status, note: note, on: connection)
            try await actor?.record(
                "commune.status", commune: code, detail: "\(status.rawValue)\(note.isEmpty ? "" : ": \(note)")", on: connection, logger: logger)
            var updated = record
            updated.status = status
            updated.statusNote = note
            self.logger.notice("commune status changed", metadata: ["commune": "\(code)", "status": "\(status.rawValue)"])
            return updated
        }
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        self.mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        self.mutex.withLock { body(&$0) }
    }
}

struct ForEachState {
    var next = 0
    var done = 0
    var created = 0
    var unchanged = 0
    var failures: [String] = []
    var durations: [Double] = []
}

extension Duration {
    var seconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension CommuneProvisioning {
    /// Builds the spec of a commune added by hand: its kind from the name and
    /// a slug unique among its siblings (the proper name, or the proper name
    /// and the code when a sibling already uses it).
    public func spec(
        code: Int, name rawName: String, parentLevel: UnitLevel, parentCode: Int, slug: String? = nil
    ) async throws(TenantCoreError) -> CommuneSpec {
        let name = VietnameseText.nfc(rawName.trimmingCharacters(in: .whitespaces))
        guard !name.isEmpty, name.count <= 200, !VietnameseText.hasControlCharacters(name) else { throw .invalid("a commune needs a name of 1 to 200 characters", field: .name) }
        guard parentLevel != .commune else { throw .invalid("a commune's parent is a district or a province", field: .parent) }
        let split = VietnameseText.splitUnitName(name)
        var chosen = slug.map(VietnameseText.slug) ?? VietnameseText.slug(split.properName)
        if let slug, chosen != slug {
            throw .invalid("slug \(slug.debugDescription) must be lower-case ASCII words joined by hyphens, like \(chosen.debugDescription)", field: .slug)
        }
        if chosen.isEmpty { chosen = "\(code)" }
        let candidate = chosen
        let taken: Bool = try await self.database.withConnection { connection in
            guard let parent = try await self.catalogue.unit(parentLevel, code: parentCode, on: connection) else {
                throw TenantCoreError.notFound("\(parentLevel.rawValue) \(parentCode) is not in the catalogue; add it first", field: .parent)
            }
            let siblings = try await self.catalogue.children(of: parent.id, on: connection)
            return siblings.contains { $0.level == .commune && $0.code != code && $0.compactSlug == candidate.replacingOccurrences(of: "-", with: "") }
        }
        if taken {
            guard slug == nil else { throw .conflict("slug \(candidate) is already used by another commune of this parent", field: .slug) }
            chosen = "\(candidate)-\(code)"
        }
        return CommuneSpec(
            code: code, name: name, kind: split.kind.isEmpty ? "xã" : split.kind, slug: chosen,
            provinceCode: parentLevel == .province ? parentCode : 0, districtCode: parentLevel == .district ? parentCode : nil,
            source: "commune \(code)")
    }

    /// Builds the spec of a province or district added by hand.
    public func unitSpec(
        level: UnitLevel, code: Int, name rawName: String, parentCode: Int?, slug: String?, portalURL: String?
    ) throws(TenantCoreError) -> UnitSpec {
        let name = VietnameseText.nfc(rawName.trimmingCharacters(in: .whitespaces))
        guard !name.isEmpty, name.count <= 200, !VietnameseText.hasControlCharacters(name) else { throw .invalid("a \(level.rawValue) needs a name of 1 to 200 characters") }
        guard (1...99_999_999).contains(code) else { throw .invalid("invalid \(level.rawValue) code \(code)") }
        let split = VietnameseText.splitUnitName(name)
        let chosen = slug.map(VietnameseText.slug) ?? VietnameseText.slug(split.properName)
        if let slug, chosen != slug {
            throw .invalid("slug \(slug.debugDescription) must be lower-case ASCII words joined by hyphens, like \(chosen.debugDescription)")
        }
        guard !chosen.isEmpty else { throw .invalid("cannot make a slug from \(name.debugDescription); pass --slug") }
        let portal = try portalURL.map { url throws(TenantCoreError) -> String in
            do { return try Self.validatedURL(url) } catch { throw TenantDatabase.map(error) }
        }
        return UnitSpec(
            level: level, code: code, name: name,
            kind: split.kind.isEmpty ? (level == .province ? "tỉnh" : "huyện") : split.kind, slug: chosen,
            parentCode: parentCode, portalURL: portal)
    }
}

extension CommuneProvisioning {
    /// Runs a change in each commune's own transaction, `jobs` at a time, and
    /// marks the commune's content as changed when `change` returns true.
    public func forEachCommune(
        _ codes: [Int], jobs: Int, progress: @escaping @Sendable (Progress) -> Void,
        _ change: @escaping @Sendable (TenantRecord, UnitOfWork) async throws -> Bool
    ) async throws(TenantCoreError) -> Report {
        await Self.forEach(codes, jobs: jobs, label: { "commune \($0)" }, progress: progress) { code in
            let schema = try await self.database.withConnection { connection in
                try await self.catalogue.tenant(code: code, on: connection)?.schema
            }
            return try await self.database.withTransaction(schema: schema) { connection in
                guard let record = try await self.catalogue.tenant(code: code, on: connection) else {
                    throw TenantCoreError.notFound("commune \(code) has no site on this platform")
                }
                let changed = try await change(record, connection)
                if changed { try await self.catalogue.touchContent(tenantID: record.unitID, on: connection) }
                return changed ? .created : .unchanged
            }
        }
    }
}
