
/// Where a member of staff may name a commune's hosts: inside the zones of
/// its province (the host of the province's portal URL, `hue.gov.vn`, and
/// its development alias, `hue.localhost`), and never on a reserved name
/// (any province's or district's portal host, the console's host). A name
/// another commune owns is refused as a conflict by the caller.
struct DomainZones: Sendable {
    /// The province's zones, `hue.gov.vn` and `hue.localhost`.
    let zones: [Hostname]
    let provinceName: String
    /// Every portal host of the platform, and the hosts the caller reserves.
    let reserved: Set<String>

    static func load(
        for communeID: Int64, reserved: Set<String>, policy: DomainPolicy, catalogue: Catalogue, on connection: UnitOfWork
    ) async throws -> DomainZones {
        var units: [Int64: AdminUnit] = [:]
        for unit in try await catalogue.portalUnits(on: connection) { units[unit.id] = unit }
        var unit = try await catalogue.unit(id: communeID, on: connection)
        while let current = unit, current.level != .province { unit = current.parentID.flatMap { units[$0] } }
        var taken = reserved
        for unit in units.values {
            for host in DirectorySnapshot.portalHosts(of: unit, units: units) { taken.insert(host.value) }
        }
        let zones = unit.map { DirectorySnapshot.zones(of: $0, units: units, policy: policy) } ?? []
        // A zone is a portal's name (its portal answers there), set or not yet.
        for zone in zones { taken.insert(zone.value) }
        return DomainZones(zones: zones, provinceName: unit?.name ?? "", reserved: taken)
    }

    /// Refuses `host` unless it lies strictly inside one of the zones and is not reserved.
    func check(_ host: Hostname) throws(TenantCoreError) {
        guard !self.reserved.contains(host.value) else {
            throw TenantCoreError(
                .conflict, "\(host) is reserved: portal names and the console's host are given only by the platform's command line",
                field: .host)
        }
        guard self.zones.contains(where: { host.value.hasSuffix("." + $0.value) }) else {
            let zones = self.zones.map(\.value).joined(separator: " or ")
            throw TenantCoreError(
                .forbidden, "\(host) is outside \(self.provinceName)'s zones: a commune's names end in .\(zones)", field: .host)
        }
    }
}
