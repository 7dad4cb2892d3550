import Foundation
import Synchronization

/// An immutable picture of every domain and commune, swapped as a whole when
/// the catalogue changes. Resolving a host is one dictionary lookup.
public final class DirectorySnapshot: Sendable {
    struct HostEntry: Sendable {
        let tenantID: Int64
        let role: DomainRole
    }

    /// What a `Host` leads to.
    public enum Resolution: Sendable, Equatable {
        /// Serve this commune's site.
        case serve(Tenant)
        /// A non-primary domain: answer 301 to the primary host.
        case redirect(Tenant, to: Hostname)
        /// A host of a commune that became an archive inside `successor`'s
        /// site: answer 301 to the same path under `/luu-tru/<slug>/` there,
        /// on `host` (the successor's primary host, or its development alias
        /// when the old host was one).
        case archived(Tenant, successor: Tenant, host: Hostname)
        /// The portal of a province or district: its communes and what they
        /// publish.
        case portal(AdminUnit)
        /// No commune has this host: answer a plain 404 that names no commune.
        case unknown
    }

    let hosts: [String: HostEntry]
    /// Every commune with a site, by unit id.
    public let tenants: [Int64: Tenant]
    /// Archived communes by their successor and archive slug.
    public let archives: [Int64: [String: Int64]]
    /// Each commune's development alias (the first, if several).
    let devHosts: [Int64: Hostname]
    /// Each commune's host names, every role.
    let hostsByTenant: [Int64: [String]]
    /// The old communes each commune was formed from (name, and the unit id
    /// of the archived commune when it had a site), for its home page.
    public let predecessors: [Int64: [Predecessor]]

    public struct Predecessor: Sendable, Hashable {
        public let name: String
        public let share: String
        /// The old commune's site, kept as an archive (nil: it had none here).
        public let tenantID: Int64?
    }
    /// Every province and district, by unit id.
    public let units: [Int64: AdminUnit]
    /// Host names of province and district portals (see ``portalHosts(of:)``).
    let portalHosts: [String: Int64]
    /// The platform's notice and each province's (``notices(province:)``).
    public let notices: [PlatformNotice]
    /// Settings of the whole platform (the EMC script).
    public let settings: PlatformSettings
    /// Active communes under each province and district, by name.
    let communesBelow: [Int64: [Tenant]]
    /// Each province's announcements ("Tin từ tỉnh") without their bodies,
    /// newest first, including those scheduled later.
    let announcements: [Int64: [Announcement]]
    /// The footer details of the portals that have them, by unit.
    public let portalInfos: [Int64: PortalInfo]
    public let loadedAt: Date

    init(
        hosts: [String: HostEntry], tenants: [Int64: Tenant], units: [Int64: AdminUnit], predecessors: [Int64: [Predecessor]] = [:],
        notices: [PlatformNotice] = [], settings: PlatformSettings = .defaults, announcements: [Int64: [Announcement]] = [:],
        portalInfos: [Int64: PortalInfo] = [:], loadedAt: Date = Date()
    ) {
        self.hosts = hosts
        self.portalInfos = portalInfos
        self.notices = notices
        self.settings = settings
        self.announcements = announcements
        self.tenants = tenants
        var archives: [Int64: [String: Int64]] = [:]
        for tenant in tenants.values {
            if let successor = tenant.successorID, let slug = tenant.archiveSlug { archives[successor, default: [:]][slug] = tenant.id }
        }
        self.archives = archives
        self.predecessors = predecessors
        var devHosts: [Int64: Hostname] = [:]
        for (host, entry) in hosts where entry.role == .dev {
            if let name = try? Hostname(validating: host), devHosts[entry.tenantID].map({ name.value < $0.value }) ?? true {
                devHosts[entry.tenantID] = name
            }
        }
        self.devHosts = devHosts
        var byTenant: [Int64: [String]] = [:]
        for (host, entry) in hosts { byTenant[entry.tenantID, default: []].append(host) }
        self.hostsByTenant = byTenant.mapValues { $0.sorted() }
        self.units = units
        var portalHosts: [String: Int64] = [:]
        for unit in units.values {
            for host in Self.portalHosts(of: unit, units: units) {
                portalHosts[host.value] = unit.id
            }
        }
        self.portalHosts = portalHosts
        var below: [Int64: [Tenant]] = [:]
        for tenant in tenants.values where tenant.status == .active {
            for unit in tenant.ancestors { below[unit.id, default: []].append(tenant) }
        }
        self.communesBelow = below.mapValues { $0.sorted { ($0.name, $0.code) < ($1.name, $1.code) } }
        self.loadedAt = loadedAt
    }

    /// Suffix of the portals' development aliases, as the communes' default.
    public static let portalDevSuffix = "localhost"

    /// A province's or district's portal hosts: the host of its portal URL
    /// (`namdinh.gov.vn`, set by the provisioner from ``DomainPolicy``) and a
    /// development alias (`nam-dinh.localhost`, `hai-hau.nam-dinh.localhost`).
    /// A portal's host always answers as the portal, even if a commune was
    /// given the same name (only the command line can give one).
    static func portalHosts(of unit: AdminUnit, units: [Int64: AdminUnit]) -> [Hostname] {
        var result: [Hostname] = []
        if let url = unit.portalURL, let host = URLComponents(string: url)?.host, let name = try? Hostname(normalizing: host) {
            result.append(name)
        }
        var labels = [unit.slug]
        if unit.level == .district, let parent = unit.parentID.flatMap({ units[$0] }) { labels.append(parent.slug) }
        if let alias = try? Hostname(validating: (labels + [Self.portalDevSuffix]).joined(separator: ".")) { result.append(alias) }
        return result
    }

    /// The host names whose pages show commune `tenantID`'s content: its
    /// own, and, when it is an archive inside another commune's site, that
    /// commune's (the archive's pages are under `/luu-tru/` there). What a
    /// front cache purges when the commune changes.
    public func pageHosts(of tenantID: Int64) -> [String] {
        var result = self.hostsByTenant[tenantID] ?? []
        if let successor = self.tenants[tenantID]?.successorID, let home = self.archiveHome(of: successor) {
            result += self.hostsByTenant[home.id] ?? []
        }
        return result
    }

    /// The notices a site or portal of `province` shows at `now`: the
    /// platform's, then the province's own. A province's notice is never
    /// shown in another province.
    public func notices(province: Int64?, at now: Date) -> [String] {
        self.notices.filter { $0.provinceID == nil || $0.provinceID == province }.compactMap { $0.active(at: now) }
    }

    /// The zones a member of staff may name a commune's hosts in: its
    /// province's portal host and development alias (`hue.gov.vn`, `hue.localhost`).
    public func zones(of tenant: Tenant, policy: DomainPolicy) -> [Hostname] {
        tenant.province.map { Self.zones(of: $0, units: self.units, policy: policy) } ?? []
    }

    /// A province's zones: its portal hosts, or where it has no portal
    /// address yet, the zone the domain rule gives it (`hue.gov.vn`) and its alias.
    static func zones(of province: AdminUnit, units: [Int64: AdminUnit], policy: DomainPolicy) -> [Hostname] {
        var zones = Self.portalHosts(of: province, units: units)
        if province.portalURL == nil, let url = policy.portal(level: .province, slug: province.slug, provinceSlug: province.slug),
            let host = URLComponents(string: url)?.host, let name = try? Hostname(normalizing: host)
        {
            zones.insert(name, at: 0)
        }
        return zones
    }

    /// The address of a province's or district's portal: its development
    /// alias when `preferDev`, else the host of its portal URL.
    public func portalAddress(of unit: AdminUnit, preferDev: Bool) -> Hostname? {
        let hosts = Self.portalHosts(of: unit, units: self.units).filter { self.portalHosts[$0.value] == unit.id }
        return preferDev ? hosts.last : hosts.first
    }

    /// The unit whose portal now serves an ended unit's: its successor (the
    /// primary one), or, for a unit that none took over (a district
    /// abolished on 1 July 2025), its parent; followed until a unit that
    /// still exists. nil for a unit that still exists, or when none is found.
    public func currentPortalUnit(for unit: AdminUnit) -> AdminUnit? {
        guard unit.validUntil != nil else { return nil }
        var current = unit
        for _ in 0..<8 {
            let nextID = current.successorID ?? self.provinceTakingOver(current)?.id ?? current.parentID
            guard let next = nextID.flatMap({ self.units[$0] }) else { return nil }
            if next.validUntil == nil { return next }
            current = next
        }
        return nil
    }

    /// An ended province that no recorded succession names (provinces merge
    /// by the communes they hand over): the province that now holds most of
    /// the communes whose sites came from it. Looked for only when its old
    /// portal is visited.
    func provinceTakingOver(_ unit: AdminUnit) -> AdminUnit? {
        guard unit.level == .province, unit.validUntil != nil else { return nil }
        var counts: [Int64: Int] = [:]
        for tenant in self.tenants.values where tenant.successorID != nil && tenant.province?.id == unit.id {
            if let province = tenant.successorID.flatMap({ self.tenants[$0] })?.province, province.id != unit.id {
                counts[province.id, default: 0] += 1
            }
        }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }.flatMap { self.units[$0.key] }
    }

    /// The active communes of a province or district (directly or through
    /// a district), by name; worked out once per snapshot.
    public func communes(below unitID: Int64) -> [Tenant] { self.communesBelow[unitID] ?? [] }

    /// The newest `limit` announcements of a province published by `now`.
    public func announcements(province: Int64, limit: Int, now: Date) -> [Announcement] {
        Array((self.announcements[province] ?? []).lazy.filter { $0.publishedAt <= now }.prefix(limit))
    }

    /// Provinces whose announcements differ between two snapshots.
    public func provincesWithOtherAnnouncements(than other: DirectorySnapshot) -> [Int64] {
        Set(self.announcements.keys).union(other.announcements.keys).filter { self.announcements[$0] != other.announcements[$0] }
    }

    /// A snapshot that knows no host.
    public static let empty = DirectorySnapshot(hosts: [:], tenants: [:], units: [:], loadedAt: .distantPast)

    /// Number of host names known.
    public var hostCount: Int { self.hosts.count }

    /// Resolves a normalised host name.
    public func resolve(_ host: Hostname) -> Resolution {
        // A portal's name is never shadowed by a commune's.
        if let id = self.portalHosts[host.value], let unit = self.units[id] { return .portal(unit) }
        guard let entry = self.hosts[host.value], let tenant = self.tenants[entry.tenantID] else { return .unknown }
        // A development alias, or an old one kept as a redirect, leads to aliases.
        let onAlias = entry.role == .dev
            || (entry.role == .redirect && self.devHosts[tenant.id].map { Self.lastLabel($0) == Self.lastLabel(host) } == true)
        if tenant.status == .archived, let id = tenant.successorID, tenant.archiveSlug != nil,
            let successor = self.archiveHome(of: id), let target = self.address(of: successor, preferDev: onAlias)
        {
            return .archived(tenant, successor: successor, host: target)
        }
        if entry.role == .redirect, let primary = tenant.primaryHost, primary != host {
            // An old development alias leads to the current one.
            if onAlias, let dev = self.devHosts[tenant.id], dev != host { return .redirect(tenant, to: dev) }
            return .redirect(tenant, to: primary)
        }
        return .serve(tenant)
    }

    static func lastLabel(_ host: Hostname) -> Substring { host.value.split(separator: ".").last ?? "" }

    /// A commune's primary host, or its development alias when `preferDev`
    /// and it has one (a visitor on a `*.localhost` alias stays on aliases).
    public func address(of tenant: Tenant, preferDev: Bool) -> Hostname? {
        if preferDev, let dev = self.devHosts[tenant.id] { return dev }
        return tenant.primaryHost
    }

    /// Whether `host` is a development alias.
    public func isDev(_ host: Hostname) -> Bool { self.hosts[host.value]?.role == .dev }

    /// The commune whose site shows an archive: the successor, or its own
    /// successor if it was reorganised again.
    func archiveHome(of id: Int64) -> Tenant? {
        var current = self.tenants[id]
        var hops = 0
        while let tenant = current, tenant.status == .archived, let next = tenant.successorID, hops < 8 {
            current = self.tenants[next]
            hops += 1
        }
        return current?.status == .archived ? nil : current
    }

    /// The archived commune shown at `/luu-tru/<slug>/` on `successor`'s site.
    public func archive(in successor: Int64, slug: String) -> Tenant? {
        self.archives[successor]?[slug].flatMap { self.tenants[$0] }
    }

    /// The address of an archived commune's pages: its successor's host
    /// (see ``address(of:preferDev:)``) and `/luu-tru/<slug>`.
    public func archivePath(of tenant: Tenant, preferDev: Bool = false) -> (host: Hostname, path: String)? {
        guard let id = tenant.successorID, let slug = tenant.archiveSlug, let home = self.tenants[id],
            let host = self.address(of: home, preferDev: preferDev)
        else { return nil }
        return (host, "/luu-tru/" + slug)
    }

    /// The hosts of one commune, primary first (for links and tests).
    public func hosts(of tenantID: Int64) -> [(host: String, role: DomainRole)] {
        self.hosts.filter { $0.value.tenantID == tenantID }
            .map { (host: $0.key, role: $0.value.role) }
            .sorted { ($0.role == .primary ? 0 : $0.role == .dev ? 1 : 2, $0.host) < ($1.role == .primary ? 0 : $1.role == .dev ? 1 : 2, $1.host) }
    }
}

/// The live directory of a host process: the current ``DirectorySnapshot``,
/// replaced atomically by ``CatalogueWatcher`` when the catalogue changes.
public final class TenantDirectory: Sendable {
    private let current: Mutex<DirectorySnapshot>

    public init(_ snapshot: DirectorySnapshot = .empty) {
        self.current = Mutex(snapshot)
    }

    public var snapshot: DirectorySnapshot { self.current.withLock { $0 } }

    public func replace(with snapshot: DirectorySnapshot) {
        self.current.withLock { $0 = snapshot }
    }

    /// Resolves a normalised host against the current snapshot.
    public func resolve(_ host: Hostname) -> DirectorySnapshot.Resolution {
        self.snapshot.resolve(host)
    }

    /// Reads the whole catalogue over a connection of its own (the pool may
    /// not be running yet at start-up) and swaps it in.
    @discardableResult
    public func load(from database: TenantDatabase) async throws(TenantCoreError) -> DirectorySnapshot {
        let connection = try await database.connect()
        do {
            let snapshot = try await Catalogue(logger: database.logger).loadDirectory(on: connection)
            try await database.refreshPlacement(on: connection)
            try? await connection.close()
            self.replace(with: snapshot)
            return snapshot
        } catch {
            try? await connection.close()
            throw TenantDatabase.map(error)
        }
    }

    /// Reads the whole catalogue and swaps it in.
    @discardableResult
    public func reload(from database: TenantDatabase) async throws(TenantCoreError) -> DirectorySnapshot {
        let snapshot = try await database.withConnection(retryingReads: true) { connection in
            let snapshot = try await Catalogue(logger: database.logger).loadDirectory(on: connection)
            try await database.refreshPlacement(on: connection)
            return snapshot
        }
        self.replace(with: snapshot)
        return snapshot
    }
}
