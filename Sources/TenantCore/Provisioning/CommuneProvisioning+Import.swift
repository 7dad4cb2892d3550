import Foundation
import Logging
import Synchronization

/// Creating a province's communes from an official list, many at a time.
extension CommuneProvisioning {
    // MARK: Bulk import

    /// What an import will do, worked out before anything is changed.
    public struct ImportPlan: Sendable {
        public var units: [UnitSpec]
        public var communes: [CommuneSpec]
        public var unchangedUnits: Int
        public var unchangedCommunes: Int

        public var isEmpty: Bool { self.units.isEmpty && self.communes.isEmpty }
    }

    /// Compares a list with the catalogue. Any clash — a code already used
    /// with another name or parent, a host owned by another commune — is
    /// reported here, before anything is written.
    public func plan(_ list: AdminList) async throws(TenantCoreError) -> ImportPlan {
        try await self.database.withConnection { connection in
            var existing: [UnitLevel: [Int: AdminUnit]] = [:]
            var byID: [Int64: AdminUnit] = [:]
            for level in UnitLevel.allCases {
                let units = try await self.catalogue.units(level, on: connection)
                existing[level] = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
                for unit in units { byID[unit.id] = unit }
            }
            var owners: [String: Int] = [:]
            for domain in try await self.catalogue.domains(on: connection) { owners[domain.host] = domain.communeCode }

            var problems: [String] = []
            var plan = ImportPlan(units: [], communes: [], unchangedUnits: 0, unchangedCommunes: 0)
            for spec in list.provinces + list.districts {
                if let unit = existing[spec.level]?[spec.code] {
                    let parentCode = unit.parentID.flatMap { byID[$0]?.code }
                    if unit.name != spec.name || parentCode != spec.parentCode {
                        problems.append(
                            "\(spec.level.rawValue) \(spec.code) \(spec.name.debugDescription) is already in the catalogue as \(unit.name.debugDescription)\(parentCode.map { " under \($0)" } ?? "")")
                    } else {
                        plan.unchangedUnits += 1
                    }
                } else {
                    plan.units.append(spec)
                }
            }
            let provinceSlugs = Dictionary(list.provinces.map { ($0.code, $0.slug) }, uniquingKeysWith: { a, _ in a })
            let districtSlugs = Dictionary(list.districts.map { ($0.code, $0.slug) }, uniquingKeysWith: { a, _ in a })
            var planned: [String: Int] = [:]
            for spec in list.communes {
                if let unit = existing[.commune]?[spec.code] {
                    let parent = unit.parentID.flatMap { byID[$0] }
                    if unit.name != spec.name || parent?.code != spec.parentCode || parent?.level != spec.parentLevel {
                        problems.append(
                            "\(spec.source): commune \(spec.code) \(spec.name.debugDescription) is already in the catalogue as \(unit.name.debugDescription) under \(parent?.name ?? "?")")
                    } else {
                        plan.unchangedCommunes += 1
                    }
                    continue
                }
                let provinceSlug = existing[.province]?[spec.provinceCode]?.slug ?? provinceSlugs[spec.provinceCode] ?? ""
                let districtSlug = spec.districtCode.map { existing[.district]?[$0]?.slug ?? districtSlugs[$0] ?? "" }
                for (host, _) in try self.policy.hosts(commune: spec.slug, district: districtSlug, province: provinceSlug) {
                    if let owner = owners[host.value] {
                        problems.append("\(spec.source): host \(host) for commune \(spec.code) already belongs to commune \(owner)")
                    } else if let other = planned[host.value] {
                        problems.append("\(spec.source): host \(host) would be given to communes \(other) and \(spec.code)")
                    }
                    planned[host.value] = spec.code
                }
                plan.communes.append(spec)
            }
            if !problems.isEmpty, list.year == 2025 {
                let codes = list.communes.map(\.code)
                let count = try await self.catalogue.countCurrentCommunes(list: 2024, codes: codes, on: connection)
                if count > 0 {
                    throw TenantCoreError.conflict(
                        "this catalogue holds \(count) communes of the 2024 list whose codes the 2025 list gives to other communes; nothing was changed. Carry them into the 2025 list with `provisioner reorganise plan --to FILE --successors vn-admin-successors-2025.csv --out PLAN.json`, then `provisioner reorganise apply PLAN.json`")
                }
            }
            if !problems.isEmpty {
                let shown = problems.prefix(10).joined(separator: "\n  ")
                let more = problems.count > 10 ? "\n  … and \(problems.count - 10) more" : ""
                throw TenantCoreError.conflict(
                    "the list clashes with the catalogue in \(problems.count) place\(problems.count > 1 ? "s" : ""); nothing was changed:\n  \(shown)\(more)")
            }
            return plan
        }
    }

    /// Progress of a long operation, reported after each item.
    public struct Progress: Sendable {
        public var done: Int
        public var failed: Int
        public var total: Int
        public var current: String

        public init(done: Int, failed: Int, total: Int, current: String) {
            (self.done, self.failed, self.total, self.current) = (done, failed, total, current)
        }
    }

    /// How a bulk operation ended.
    public struct Report: Sendable {
        public var created: Int
        public var unchanged: Int
        public var failures: [String]
        public var seconds: Double
        /// Seconds each successful item took, for medians.
        public var durations: [Double]
    }

    /// Carries out a plan: provinces and districts first, then every commune
    /// in its own transaction, `jobs` at a time. Stops scheduling new work at
    /// the first failure; what was committed stays, and a rerun finishes.
    public func execute(
        _ plan: ImportPlan, jobs: Int, progress: @escaping @Sendable (Progress) -> Void
    ) async throws(TenantCoreError) -> Report {
        let start = ContinuousClock.now
        var created = 0
        var unchanged = 0
        for spec in plan.units where spec.level == .province {
            if try await self.ensureUnit(spec).1 == .created { created += 1 } else { unchanged += 1 }
        }
        for spec in plan.units where spec.level == .district {
            if try await self.ensureUnit(spec).1 == .created { created += 1 } else { unchanged += 1 }
        }
        let communes = plan.communes
        let report = await Self.forEach(communes, jobs: jobs, label: { "\($0.code) \($0.name)" }, progress: progress) { spec in
            try await self.createCommune(spec).1
        }
        var result = report
        result.created += created
        result.unchanged += unchanged
        result.seconds = (ContinuousClock.now - start).seconds
        return result
    }

    /// Runs `work` over `items` with `jobs` concurrent workers, counting outcomes.
    static func forEach<Item: Sendable>(
        _ items: [Item], jobs: Int, label: @escaping @Sendable (Item) -> String,
        progress: @escaping @Sendable (Progress) -> Void,
        work: @escaping @Sendable (Item) async throws -> Outcome
    ) async -> Report {
        let state = Locked(ForEachState())
        let total = items.count
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, min(jobs, max(1, total))) {
                group.addTask {
                    while true {
                        let index: Int? = state.withLock { s in
                            guard s.next < total, s.failures.isEmpty else { return nil }
                            defer { s.next += 1 }
                            return s.next
                        }
                        guard let index else { return }
                        let item = items[index]
                        let began = ContinuousClock.now
                        do {
                            let outcome = try await work(item)
                            let seconds = (ContinuousClock.now - began).seconds
                            let snapshot = state.withLock { s -> Progress in
                                s.done += 1
                                if outcome == .created { s.created += 1; s.durations.append(seconds) } else { s.unchanged += 1 }
                                return Progress(done: s.done, failed: s.failures.count, total: total, current: label(item))
                            }
                            progress(snapshot)
                        } catch {
                            let message = "\(label(item)): \(TenantDatabase.map(error).message)"
                            let snapshot = state.withLock { s -> Progress in
                                s.failures.append(message)
                                return Progress(done: s.done, failed: s.failures.count, total: total, current: label(item))
                            }
                            progress(snapshot)
                        }
                    }
                }
            }
        }
        let final = state.withLock { $0 }
        return Report(
            created: final.created, unchanged: final.unchanged, failures: final.failures,
            seconds: (ContinuousClock.now - start).seconds, durations: final.durations)
    }
}
