import Foundation
import PostgresNIO
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
        /// No commune has this host: answer a plain 404 that names no commune.
        case unknown
    }

    let hosts: [String: HostEntry]
    /// Every commune with a site, by unit id.
    public let tenants: [Int64: Tenant]
    /// Every province and district, by unit id.
    public let units: [Int64: AdminUnit]
    public let loadedAt: Date

    init(hosts: [String: HostEntry], tenants: [Int64: Tenant], units: [Int64: AdminUnit], loadedAt: Date = Date()) {
        self.hosts = hosts
        self.tenants = tenants
        self.units = units
        self.loadedAt = loadedAt
    }

    /// A snapshot that knows no host.
    public static let empty = DirectorySnapshot(hosts: [:], tenants: [:], units: [:], loadedAt: .distantPast)

    /// Number of host names known.
    public var hostCount: Int { self.hosts.count }

    /// Resolves a normalised host name.
    public func resolve(_ host: Hostname) -> Resolution {
        guard let entry = self.hosts[host.value], let tenant = self.tenants[entry.tenantID] else { return .unknown }
        if entry.role == .redirect, let primary = tenant.primaryHost, primary != host {
            return .redirect(tenant, to: primary)
        }
        return .serve(tenant)
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
            try await Catalogue(logger: database.logger).loadDirectory(on: connection)
        }
        self.replace(with: snapshot)
        return snapshot
    }
}
