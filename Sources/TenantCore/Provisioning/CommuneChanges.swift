import Foundation
import Logging

/// One change to the map at a time, for decisions made after a
/// reorganisation plan: communes merged into another, a commune divided,
/// renamed or moved to another province or district. Each is one
/// transaction that checks everything before it changes anything; running
/// it again after success changes nothing, and a crash leaves nothing
/// half-made. Sites are never deleted: a commune that ends becomes a
/// read-only archive inside its successor's site, and hosts that no longer
/// name a commune answer 301.
extension Reorganisation {
    /// What a change did.
    public struct ChangeReport: Sendable, Equatable {
        /// Communes archived into their successor, renamed or moved by this run.
        public var changed: [Int]
        /// Communes that already were (a rerun).
        public var unchanged: [Int]
        /// Hosts added (primary and development alias) when a name or parent changed.
        public var newHosts: [String]
    }

    /// Yesterday in Vietnam: the last day of a unit that ends today.
    public static func yesterday(_ now: Date = Date()) -> String {
        VietnamTime(now.addingTimeInterval(-86_400)).isoDate
    }

    /// `1/7/2025` for the day after `lastDay` (`2025-06-30`).
    static func firstDayAfter(_ lastDay: String) -> String {
        guard let day = EntryDraft.parseDate(lastDay) else { return lastDay }
        let next = VietnamTime(day.addingTimeInterval(86_400 + 3600))
        return "\(next.day)/\(next.month)/\(next.year)"
    }

    static func checkDay(_ day: String) throws(TenantCoreError) {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), (2000...2100).contains(year), EntryDraft.parseDate(day) != nil
        else { throw .invalid("--last-day must be a date like 2025-06-30, not \(day.debugDescription)", field: .lastDay) }
    }

    /// A commune with a site, as a change needs it.
    struct Site: Sendable {
        var unitID: Int64, code: Int, name: String, slug: String, parentID: Int64, schema: SchemaName, status: String
        var successorID: Int64?, list: Int
        /// Set when a reorganisation has ended the unit.
        var ended = false
    }

    func current(_ code: Int, role: String, on connection: UnitOfWork) async throws -> Site {
        guard let site = try await self.rows.site(code: code, on: connection), site.successorID == nil, !site.ended else {
            throw TenantCoreError.notFound("\(role) \(code) is not a current commune with a site on this platform")
        }
        guard site.status != "archived" else {
            throw TenantCoreError.conflict("\(role) \(code) \(site.name) is archived; resume it first (provisioner commune resume \(code))")
        }
        return site
    }

    /// The slug of an archive inside a site: the old commune's own slug, or
    /// with its code when another archive there has it. Records it in `used`.
    static func archiveSlug(_ slug: String, code: Int, used: inout Set<String>) -> String {
        let chosen = used.contains(slug) ? "\(slug)-\(code)" : slug
        used.insert(chosen)
        return chosen
    }

    /// The archives an ending commune kept move with it into its successor
    /// (a slug already used there gets the old commune's code), so their old
    /// addresses keep leading somewhere.
    func moveArchives(of old: Site, into successor: Int64, used: inout Set<String>, on connection: UnitOfWork) async throws {
        for archive in try await self.rows.archives(keptBy: old.unitID, on: connection) {
            let slug = Self.archiveSlug(archive.slug, code: archive.code, used: &used)
            try await self.rows.moveArchive(archive.id, to: successor, slug: slug, on: connection)
        }
    }

    // MARK: Merge

    /// `commune merge OLD... --into NEW`: the old communes end on `lastDay`
    /// and their sites become archives inside NEW's (a current commune:
    /// the one that absorbs them, or one created with `commune add`).
    public func merge(_ olds: [Int], into newCode: Int, lastDay: String) async throws(TenantCoreError) -> ChangeReport {
        try Self.checkDay(lastDay)
        guard !olds.isEmpty else { throw .invalid("name at least one commune to merge") }
        guard !olds.contains(newCode) else { throw .invalid("commune \(newCode) cannot be merged into itself") }
        guard Set(olds).count == olds.count else { throw .invalid("a commune is named twice") }
        return try await self.provisioning.database.withTransaction { connection in
            try await self.rows.lock(on: connection)
            let target = try await self.current(newCode, role: "commune", on: connection)
            var report = ChangeReport(changed: [], unchanged: [], newHosts: [])
            var toArchive: [Site] = []
            for code in olds {
                guard let old = try await self.rows.site(code: code, on: connection) else {
                    throw TenantCoreError.notFound("commune \(code) has no site on this platform")
                }
                if let successor = old.successorID {
                    guard successor == target.unitID else {
                        throw TenantCoreError.conflict("commune \(code) \(old.name) is already archived into another commune")
                    }
                    report.unchanged.append(code)
                } else {
                    toArchive.append(old)
                }
            }
            var used = try await self.rows.archiveSlugs(in: target.unitID, on: connection)
            for old in toArchive {
                let slug = Self.archiveSlug(old.slug, code: old.code, used: &used)
                try await self.rows.endUnit(id: old.unitID, lastDay: lastDay, on: connection)
                try await self.moveArchives(of: old, into: target.unitID, used: &used, on: connection)
                try await self.rows.recordSuccessor(old: old.unitID, new: target.unitID, share: "whole", primary: true, on: connection)
                _ = try await self.archive(
                    old: (old.unitID, old.code, old.name), slug: slug, into: (target.unitID, target.code, target.name),
                    note: "Từ ngày \(Self.firstDayAfter(lastDay)) thuộc \(target.name).", on: connection)
                report.changed.append(old.code)
            }
            if !toArchive.isEmpty {
                try await self.provisioning.catalogue.touchContent(tenantID: target.unitID, on: connection)
                try await self.audit(
                    commune: target.code, action: "commune.merge",
                    detail: "\(toArchive.map { "\($0.name) (\($0.code))" }.joined(separator: ", ")) merged into \(target.name) (\(target.code)); last day \(lastDay)",
                    on: connection)
            }
            return report
        }
    }

    // MARK: Divide

    /// `commune divide OLD --into NEW... --primary NEW`: OLD ends on
    /// `lastDay`; its site becomes an archive inside the primary successor's
    /// site (where its hosts lead) and every other successor links to it.
    public func divide(_ oldCode: Int, into newCodes: [Int], primary: Int, lastDay: String) async throws(TenantCoreError) -> ChangeReport {
        try Self.checkDay(lastDay)
        guard newCodes.count >= 2 else { throw .invalid("a commune is divided into at least two communes (--into A --into B)") }
        guard Set(newCodes).count == newCodes.count else { throw .invalid("a commune is named twice in --into") }
        guard newCodes.contains(primary) else { throw .invalid("--primary \(primary) must be one of the --into communes") }
        guard !newCodes.contains(oldCode) else {
            throw .invalid("commune \(oldCode) cannot be one of its own successors; give the part it keeps a new commune, or merge the others into it")
        }
        return try await self.provisioning.database.withTransaction { connection in
            try await self.rows.lock(on: connection)
            var targets: [Site] = []
            for code in newCodes { targets.append(try await self.current(code, role: "successor", on: connection)) }
            let main = targets.first { $0.code == primary }!
            guard let old = try await self.rows.site(code: oldCode, on: connection) else {
                throw TenantCoreError.notFound("commune \(oldCode) has no site on this platform")
            }
            if let successor = old.successorID {
                guard successor == main.unitID else {
                    throw TenantCoreError.conflict("commune \(oldCode) \(old.name) is already archived into another commune")
                }
                return ChangeReport(changed: [], unchanged: [oldCode], newHosts: [])
            }
            var used = try await self.rows.archiveSlugs(in: main.unitID, on: connection)
            let slug = Self.archiveSlug(old.slug, code: old.code, used: &used)
            try await self.rows.endUnit(id: old.unitID, lastDay: lastDay, on: connection)
            try await self.moveArchives(of: old, into: main.unitID, used: &used, on: connection)
            for target in targets {
                try await self.rows.recordSuccessor(old: old.unitID, new: target.unitID, share: "part", primary: target.code == primary, on: connection)
                try await self.provisioning.catalogue.touchContent(tenantID: target.unitID, on: connection)
            }
            _ = try await self.archive(
                old: (old.unitID, old.code, old.name), slug: slug, into: (main.unitID, main.code, main.name),
                note: "Từ ngày \(Self.firstDayAfter(lastDay)) chia về \(targets.map(\.name).joined(separator: ", ")).", on: connection)
            try await self.audit(
                commune: old.code, action: "commune.divide",
                detail: "\(old.name) (\(old.code)) divided into \(targets.map { "\($0.name) (\($0.code))" }.joined(separator: ", ")); archive in \(main.name); last day \(lastDay)",
                on: connection)
            return ChangeReport(changed: [oldCode], unchanged: [], newHosts: [])
        }
    }

    // MARK: Rename and move

    /// `commune rename CODE NAME`: the commune keeps its site, content and
    /// code; its name changes, and with its slug its hosts: the new ones are
    /// added and the old ones answer 301 to them.
    public func rename(_ code: Int, to rawName: String, slug: String? = nil) async throws(TenantCoreError) -> ChangeReport {
        let name = VietnameseText.nfc(rawName.trimmingCharacters(in: .whitespaces))
        guard !name.isEmpty, name.count <= 200 else { throw .invalid("a commune needs a name of 1 to 200 characters") }
        let split = VietnameseText.splitUnitName(name)
        guard !split.kind.isEmpty else {
            throw .invalid("give the name with its kind, e.g. \"Xã \(name)\" or \"Phường \(name)\"")
        }
        let chosen = slug.map(VietnameseText.slug) ?? VietnameseText.slug(split.properName)
        if let slug, chosen != slug {
            throw .invalid("slug \(slug.debugDescription) must be lower-case ASCII words joined by hyphens, like \(chosen.debugDescription)")
        }
        guard !chosen.isEmpty else { throw .invalid("cannot make a slug from \(name.debugDescription); pass --slug") }
        return try await self.provisioning.database.withTransaction { connection in
            try await self.rows.lock(on: connection)
            let site = try await self.current(code, role: "commune", on: connection)
            guard site.name != name || site.slug != chosen else { return ChangeReport(changed: [], unchanged: [code], newHosts: []) }
            let hosts = try await self.reidentify(
                site, name: name, kind: split.kind, slug: chosen, parentID: site.parentID, on: connection)
            try await self.audit(
                commune: code, action: "commune.rename",
                detail: "\(site.name) → \(name) (\(code))\(hosts.isEmpty ? "" : "; new hosts \(hosts.joined(separator: ", "))")", on: connection)
            return ChangeReport(changed: [code], unchanged: [], newHosts: hosts)
        }
    }

    /// `commune move CODE --province P` (or `--district D`): the commune
    /// keeps its site and content under another parent; its hosts follow the
    /// parent's name, the old ones answering 301.
    public func move(_ code: Int, to parentLevel: UnitLevel, code parentCode: Int) async throws(TenantCoreError) -> ChangeReport {
        guard parentLevel != .commune else { throw .invalid("a commune moves to a province or a district") }
        return try await self.provisioning.database.withTransaction { connection in
            try await self.rows.lock(on: connection)
            let site = try await self.current(code, role: "commune", on: connection)
            guard let parent = try await self.provisioning.catalogue.unit(parentLevel, code: parentCode, on: connection) else {
                throw TenantCoreError.notFound("\(parentLevel.rawValue) \(parentCode) is not a current unit of the catalogue")
            }
            guard parent.id != site.parentID else { return ChangeReport(changed: [], unchanged: [code], newHosts: []) }
            let old = try await self.provisioning.catalogue.unit(id: site.parentID, on: connection)
            let split = VietnameseText.splitUnitName(site.name)
            let hosts = try await self.reidentify(
                site, name: site.name, kind: split.kind.isEmpty ? "xã" : split.kind, slug: site.slug, parentID: parent.id, on: connection)
            try await self.audit(
                commune: code, action: "commune.move",
                detail: "\(site.name) (\(code)) moved from \(old?.name ?? "?") to \(parent.name)\(hosts.isEmpty ? "" : "; new hosts \(hosts.joined(separator: ", "))")",
                on: connection)
            return ChangeReport(changed: [code], unchanged: [], newHosts: hosts)
        }
    }

    /// Gives a commune's unit a new name, slug or parent (and, for a
    /// continued site, a new code and list), and its site the hosts that
    /// go with them: the new primary and development alias are added, the
    /// old ones kept as redirects. The footer's publisher follows the name
    /// when it still is the one the platform wrote. Returns the new hosts.
    func reidentify(
        _ site: Site, code: Int? = nil, list: Int? = nil, name: String, kind: String, slug: String, parentID: Int64,
        on connection: UnitOfWork
    ) async throws -> [String] {
        let catalogue = self.provisioning.catalogue
        guard let parent = try await catalogue.unit(id: parentID, on: connection) else {
            throw TenantCoreError.notFound("the new parent of commune \(site.code) is not in the catalogue")
        }
        let compact = slug.replacingOccurrences(of: "-", with: "")
        let siblings = try await catalogue.children(of: parent.id, on: connection)
        if let clash = siblings.first(where: { $0.level == .commune && $0.id != site.unitID && $0.compactSlug == compact }) {
            throw TenantCoreError.conflict(
                "\(parent.name) already has a commune with slug \(slug) (\(clash.code) \(clash.name)); pass another --slug")
        }
        var province = parent
        var district: AdminUnit?
        if parent.level == .district {
            district = parent
            guard let up = parent.parentID, let found = try await catalogue.unit(id: up, on: connection) else {
                throw TenantCoreError.notFound("district \(parent.code) has no province")
            }
            province = found
        }
        let wanted = try self.provisioning.policy.hosts(commune: slug, district: district?.slug, province: province.slug)
        let existing = try await catalogue.domains(tenantID: site.unitID, on: connection)
        var added: [String] = []
        for (host, _) in wanted {
            if let owner = try await catalogue.domainOwner(host, on: connection), owner.tenantID != site.unitID {
                throw TenantCoreError.conflict("host \(host) already belongs to commune \(owner.communeCode); pass another --slug")
            }
        }
        try await self.rows.updateUnit(
            id: site.unitID, name: name, kind: kind, slug: slug, parentID: parent.id, code: code, list: list, on: connection)
        let wantedNames = Set(wanted.map(\.0.value))
        for domain in existing where !wantedNames.contains(domain.host) && domain.role != .redirect {
            try await self.rows.setDomainRole(domain.host, to: .redirect, on: connection)
        }
        for (host, role) in wanted {
            if let mine = existing.first(where: { $0.host == host.value }) {
                if mine.role != role {
                    if role == .primary { try await self.rows.demotePrimary(of: site.unitID, on: connection) }
                    try await self.rows.setDomainRole(host.value, to: role, on: connection)
                }
            } else {
                try await catalogue.addDomain(host, tenantID: site.unitID, role: role, on: connection)
                added.append(host.value)
            }
        }
        // The publisher the platform wrote for the old name follows the new one.
        if name != site.name {
            func publisher(_ name: String) -> String {
                let split = VietnameseText.splitUnitName(name)
                return "Ủy ban nhân dân \(split.kind) \(split.properName)"
            }
            let database = self.provisioning.database
            if database.shard(of: site.schema) == .main {
                try await self.rows.replacePublisher(in: site.schema, old: publisher(site.name), new: publisher(name), on: connection)
            } else {
                // On its own cluster, committed just before the catalogue:
                // a rerun after a failure in between finds it done.
                try await database.withTransaction(schema: site.schema) { other in
                    try await self.rows.replacePublisher(in: site.schema, old: publisher(site.name), new: publisher(name), on: other)
                }
            }
        }
        try await catalogue.touchContent(tenantID: site.unitID, on: connection)
        return added
    }
}
