import Foundation
import Logging

/// Applying a plan: each commune merged into its successor, resumable.
extension Reorganisation {
    // MARK: Apply

    public struct ApplyReport: Sendable {
        public var created: Int
        public var unchanged: Int
        public var archived: Int
        public var failures: [String]
        public var seconds: Double
    }

    /// Applies a plan: (1) the old units end and their district admins are
    /// locked, in one transaction; (2) the new provinces; (3) each new
    /// commune in its own transaction — its site, its predecessors archived
    /// into it, their editors moved to it. Every step checks what is already
    /// done, so a rerun after a crash finishes the job and a rerun after
    /// success changes nothing.
    public func apply(
        _ plan: ReorganisationPlan, jobs: Int, progress: @escaping @Sendable (CommuneProvisioning.Progress) -> Void
    ) async throws(TenantCoreError) -> ApplyReport {
        let start = ContinuousClock.now
        guard plan.format == ReorganisationPlan.formatName, plan.formatVersion == 1 else {
            throw .invalid("not a reorganisation plan (format \(plan.format.debugDescription) v\(plan.formatVersion))")
        }
        guard plan.unplaced.isEmpty else {
            throw .invalid(
                "the plan leaves \(plan.unplaced.count) old communes unplaced (e.g. \(plan.unplaced.prefix(3).map { "\($0.code) \($0.name)" }.joined(separator: ", "))); add successor rows for them (a second --successors file) and plan again")
        }
        // (1) Recorded, checked against the catalogue, old units ended.
        try await self.provisioning.database.withTransaction { connection in
            try await self.rows.lock(on: connection)
            var retired: Bool?
            if let recorded = try await self.rows.recordedPlan(plan.planID, on: connection) {
                guard recorded.fingerprint == plan.fingerprint else { throw TenantCoreError.conflict("plan \(plan.planID) was recorded with another fingerprint") }
                retired = recorded.retired
            }
            let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
            if retired != nil {
                // Recorded before plans were kept (platform migration 7): keep it now.
                try await self.rows.keepPlan(
                    plan.planID, summary: plan.summaryVietnamese, json: json, provinces: plan.provinces.map(\.code), on: connection)
            }
            if retired == true { return }
            if retired == nil {
                let now = try await self.currentFingerprint(plan, on: connection)
                guard now == plan.fingerprint else {
                    throw TenantCoreError.conflict(
                        "the catalogue changed since the plan was made (\(plan.createdAt)): communes, districts or provinces it ends were changed, added or archived. Nothing was changed; make the plan again")
                }
                try await self.rows.recordPlan(
                    plan.planID, fingerprint: plan.fingerprint, summary: plan.summaryVietnamese, json: json,
                    provinces: plan.provinces.map(\.code), on: connection)
            }
            for level in ["commune", "district", "province"] {
                let codes = plan.retire.filter { $0.level == level }.map(\.code)
                guard !codes.isEmpty else { continue }
                try await self.rows.endUnits(level: level, codes: codes, lastDay: plan.lastDay, on: connection)
            }
            if plan.districtAdmins ?? "lock" == "lock" {
                try await self.rows.lockAdminsOfEndedDistricts(on: connection)
            }
            try await self.rows.markRetired(plan.planID, on: connection)
            try await self.audit(action: "reorganisation.retire", detail: "\(plan.planID): \(plan.retire.count) old units end on \(plan.lastDay)", on: connection)
        }

        // (2) The new provinces; operators of the old ones they absorb move to them.
        for province in plan.provinces {
            let spec = UnitSpec(
                level: .province, code: province.code, name: province.name, kind: province.kind, slug: province.slug, parentCode: nil,
                portalURL: nil, list: 2025)
            try await self.provisioning.database.withTransaction { connection in
                let (unit, _) = try await self.provisioning.ensureUnit(spec, on: connection)
                if !province.absorbs.isEmpty {
                    try await self.rows.moveProvinceOperators(fromProvinces: province.absorbs, to: unit.id, on: connection)
                }
            }
        }

        // (3) Each new commune in its own transaction.
        let archivedCount = Locked(0)
        // Communes that continue a predecessor's site first: the others then
        // find that predecessor's ended identity whatever the order of jobs.
        var report = CommuneProvisioning.Report(created: 0, unchanged: 0, failures: [], seconds: 0, durations: [])
        for batch in [plan.communes.filter { $0.continues != nil }, plan.communes.filter { $0.continues == nil }] where !batch.isEmpty {
            let part = await CommuneProvisioning.forEach(batch, jobs: jobs, label: { "\($0.code) \($0.name)" }, progress: progress) { commune in
                let (outcome, archived) = try await self.applyCommune(commune, plan: plan)
                archivedCount.withLock { $0 += archived }
                return outcome
            }
            report.created += part.created
            report.unchanged += part.unchanged
            report.failures += part.failures
            report.durations += part.durations
        }
        let failures = report.failures
        if failures.isEmpty {
            try await self.provisioning.database.withConnection { connection in
                try await self.rows.markFinished(plan.planID, on: connection)
            }
        }
        return ApplyReport(
            created: report.created, unchanged: report.unchanged, archived: archivedCount.withLock { $0 }, failures: failures,
            seconds: (ContinuousClock.now - start).seconds)
    }

    /// One new commune: its site (if not there yet), its predecessors
    /// recorded and archived into it, their editors moved to it.
    func applyCommune(_ commune: ReorganisationPlan.Commune, plan: ReorganisationPlan) async throws -> (CommuneProvisioning.Outcome, Int) {
        let spec = CommuneSpec(
            code: commune.code, name: commune.name, kind: commune.kind, slug: commune.slug, provinceCode: commune.provinceCode,
            districtCode: nil, source: "plan \(plan.planID), commune \(commune.code)", list: 2025)
        let convert = plan.districtAdmins == "convert"
        return try await self.provisioning.database.withTransaction { connection in
            var continued = false
            if let code = commune.continues, try await self.provisioning.catalogue.tenant(code: commune.code, on: connection) == nil {
                try await self.continueSite(code, as: commune, plan: plan, convertDistrictAdmins: convert, on: connection)
                continued = true
            }
            var (record, outcome) = try await self.provisioning.createCommune(spec, on: connection)
            if continued { outcome = .created }
            var archived = 0
            for predecessor in commune.predecessors where predecessor.name != nil {
                guard let oldID = try await self.rows.endedCommuneID(code: predecessor.code, on: connection) else { continue }
                try await self.rows.recordSuccessor(
                    old: oldID, new: record.unitID, share: predecessor.share, primary: predecessor.primary, on: connection)
                guard let slug = predecessor.archiveSlug else { continue }
                if try await self.archive(
                    old: (oldID, predecessor.code, predecessor.name ?? ""), slug: slug,
                    into: (record.unitID, commune.code, commune.name), convertDistrictAdmins: convert, on: connection)
                {
                    archived += 1
                }
            }
            if outcome == .created {
                try await self.audit(
                    commune: commune.code, action: "reorganisation.create",
                    detail: "\(commune.name) (\(commune.code)) from \(commune.predecessors.map { "\($0.name ?? "?") (\($0.code))" }.joined(separator: ", "))",
                    on: connection)
            }
            return (outcome, archived)
        }
    }

    /// Makes an old commune's site a read-only archive inside `successor`'s
    /// site at `/luu-tru/<slug>/`, and moves its editors to the successor
    /// (and district admins who keep their communes, when the plan converts
    /// them). False when it already was.
    func archive(
        old: (id: Int64, code: Int, name: String), slug: String, into successor: (id: Int64, code: Int, name: String),
        convertDistrictAdmins: Bool = false, note: String? = nil, on connection: UnitOfWork
    ) async throws -> Bool {
        let note = note ?? "Từ ngày 1/7/2025 thuộc \(successor.name)."
        guard try await self.rows.archiveTenant(old.id, into: successor.id, slug: slug, note: note, on: connection) else { return false }
        try await self.rows.moveStaff(from: old.id, to: successor.id, on: connection)
        if convertDistrictAdmins, let parent = try await self.rows.parent(of: old.id, on: connection) {
            try await self.rows.assignDistrictAdmins(of: parent, to: successor.id, on: connection)
        }
        try await self.audit(
            commune: old.code, action: "reorganisation.archive",
            detail: "\(old.name) (\(old.code)) archived into \(successor.name) (\(successor.code)) at /luu-tru/\(slug)/",
            on: connection)
        return true
    }

    /// A new commune that continues its predecessor's site: the old unit
    /// becomes the new one (code, list, name, parent; the site, schema and
    /// editors stay with it), a copy keeps the old unit's identity as ended,
    /// and the old hosts answer 301 to the new ones.
    func continueSite(
        _ oldCode: Int, as commune: ReorganisationPlan.Commune, plan: ReorganisationPlan, convertDistrictAdmins: Bool,
        on connection: UnitOfWork
    ) async throws {
        let found = try await self.rows.endedSite(code: oldCode, on: connection)
        guard let (old, oldKind, portal) = found, old.successorID == nil else {
            throw TenantCoreError.conflict("commune \(commune.code) continues \(oldCode), which has no site left to continue (already archived, or not ended by this plan)")
        }
        guard let province = try await self.provisioning.catalogue.unit(.province, code: commune.provinceCode, on: connection) else {
            throw TenantCoreError.notFound("province \(commune.provinceCode) is not in the catalogue")
        }
        let hosts = try await self.reidentify(
            old, code: commune.code, list: 2025, name: commune.name, kind: commune.kind, slug: commune.slug, parentID: province.id, on: connection)
        let historyID = try await self.rows.insertEndedUnit(
            code: old.code, parentID: old.parentID, name: old.name, kind: oldKind, slug: old.slug, portalURL: portal, lastDay: plan.lastDay,
            on: connection)
        guard let historyID, let predecessor = commune.predecessors.first(where: { $0.code == oldCode }) else { return }
        try await self.rows.recordSuccessor(old: historyID, new: old.unitID, share: predecessor.share, primary: true, on: connection)
        if convertDistrictAdmins {
            try await self.rows.assignDistrictAdmins(of: old.parentID, to: old.unitID, on: connection)
        }
        try await self.audit(
            commune: commune.code, action: "reorganisation.continue",
            detail: "\(commune.name) (\(commune.code)) continues the site of \(old.name) (\(old.code)); new hosts \(hosts.joined(separator: ", "))",
            on: connection)
    }

    func audit(commune: Int? = nil, action: String, detail: String, on connection: UnitOfWork) async throws {
        try await self.rows.audit(commune: commune, action: action, detail: detail, on: connection)
    }
}
