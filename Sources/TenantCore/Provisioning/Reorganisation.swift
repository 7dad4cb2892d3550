import Foundation
import Logging

/// One row of a successor file: which old (2024) commune went, wholly or in
/// part, into which new (2025) one, and whether that one is where the old
/// commune's address should now lead (its primary successor).
public struct SuccessorRow: Sendable, Hashable, Codable {
    public var oldCode: Int
    public var newCode: Int
    public var share: String
    public var primary: Bool
    /// `vn-admin-successors-2025.csv:12`, for messages.
    public var source: String
}

/// Successor files (`old_commune_code,new_commune_code,share,primary`):
/// the published mapping and any rows an operator adds for what it lacks.
public enum SuccessorList {
    /// Reads the files in order; a later row for the same (old, new) pair
    /// replaces an earlier one, so an operator's file can correct the mapping.
    public static func read(paths: [String]) throws(TenantCoreError) -> [SuccessorRow] {
        var rows: [String: SuccessorRow] = [:]
        var order: [String] = []
        for path in paths {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw TenantCoreError(.io, "cannot read \(path): \(error.localizedDescription)", underlying: error)
            }
            for row in try self.parse(text, source: URL(fileURLWithPath: path).lastPathComponent) {
                let key = "\(row.oldCode)>\(row.newCode)"
                if rows.updateValue(row, forKey: key) == nil { order.append(key) }
            }
        }
        return order.compactMap { rows[$0] }
    }

    public static func parse(_ text: String, source: String) throws(TenantCoreError) -> [SuccessorRow] {
        let records = try CSV.parse(text, source: source)
        guard let header = records.first else { throw .invalid("\(source) is empty") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let required = ["old_commune_code", "new_commune_code", "share", "primary"]
        let missing = required.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw .invalid("\(source):\(header.line): missing column(s) \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
        }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [SuccessorRow] = []
        for record in records.dropFirst() {
            let at = "\(source):\(record.line)"
            guard record.fields.count == columns.count else {
                throw .invalid("\(at): expected \(columns.count) fields, found \(record.fields.count)")
            }
            func field(_ name: String) -> String { record.fields[index[name]!].trimmingCharacters(in: .whitespaces) }
            guard let old = Int(field("old_commune_code")), (1...99_999).contains(old) else {
                throw .invalid("\(at): old_commune_code must be a commune code, found \(field("old_commune_code").debugDescription)")
            }
            guard let new = Int(field("new_commune_code")), (1...99_999).contains(new) else {
                throw .invalid("\(at): new_commune_code must be a commune code, found \(field("new_commune_code").debugDescription)")
            }
            let share = field("share")
            guard share == "whole" || share == "part" else { throw .invalid("\(at): share must be whole or part, found \(share.debugDescription)") }
            let primary = field("primary")
            guard primary == "0" || primary == "1" else { throw .invalid("\(at): primary must be 0 or 1, found \(primary.debugDescription)") }
            rows.append(SuccessorRow(oldCode: old, newCode: new, share: share, primary: primary == "1", source: at))
        }
        return rows
    }
}

/// What `provisioner reorganise apply` will do, worked out by
/// `reorganise plan` from the catalogue, the 2025 list and the successor
/// files, and written as JSON for people to read before anything changes.
public struct ReorganisationPlan: Codable, Sendable {
    public static let formatName = "commune-platform reorganisation plan"

    public struct Province: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var kind: String
        public var slug: String
        /// Codes of the 2024 provinces on the platform whose communes it takes.
        public var absorbs: [Int]
    }

    public struct Predecessor: Codable, Sendable, Hashable {
        public var code: Int
        /// Name in the catalogue; nil when the old commune has no site here.
        public var name: String?
        public var share: String
        public var primary: Bool
        /// Where its site is kept on this commune's site: `/luu-tru/<slug>/`
        /// (only for an old commune whose primary successor this is).
        public var archiveSlug: String?
        /// Its hosts, which answer 301 into the archive (or, when its site is
        /// continued, to the new commune's hosts) once the plan is applied.
        public var hosts: [String]? = nil
    }

    public struct Commune: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var kind: String
        public var slug: String
        public var provinceCode: Int
        public var predecessors: [Predecessor]
        /// The new name, when exactly one old commune went wholly into it
        /// under another name (a rename rather than a merge).
        public var renamedFrom: String?
        /// The old commune (on the platform, whose seat and code this one
        /// took) whose site this commune continues instead of starting a new
        /// one: its content, editors and schema stay, its hosts answer 301 to
        /// the new ones. Nil (the default): a new site, the predecessor
        /// becomes an archive in it.
        public var continues: Int?
    }

    public struct OldUnit: Codable, Sendable, Hashable {
        public var level: String
        public var code: Int
        public var name: String
    }

    public struct PersonChange: Codable, Sendable, Hashable {
        public var username: String
        public var role: String
        /// `editor of Xã Hải Nam (14224) → editor of Xã … (2025 code)`
        public var change: String
    }

    public var format: String
    public var formatVersion: Int
    public var planID: String
    public var createdAt: String
    /// The part of the catalogue the plan was made from; apply refuses if it changed.
    public var fingerprint: String
    /// The last day of the old units.
    public var lastDay: String
    public var provinces: [Province]
    public var communes: [Commune]
    /// Old units on the platform that the plan ends (their sites stay, as archives).
    public var retire: [OldUnit]
    /// Old communes on the platform in these provinces that no successor row
    /// places: apply refuses until an operator adds rows for them.
    public var unplaced: [OldUnit]
    public var people: [PersonChange]
    /// What happens to district admins whose district ends: `lock` (the
    /// default) or `convert` (they keep, through user_communes, the new
    /// communes their district's communes went into). Nil means `lock`.
    public var districtAdmins: String?

    /// The summary in Vietnamese, as the console shows it.
    public var summaryVietnamese: String {
        let merged = self.communes.filter { $0.predecessors.filter { $0.name != nil }.count > 1 }.count
        let archived = self.communes.reduce(0) { $0 + $1.predecessors.filter { $0.archiveSlug != nil }.count }
        let continued = self.communes.filter { $0.continues != nil }.count
        return "\(self.provinces.count) tỉnh, thành phố; \(self.communes.count) xã, phường mới (\(merged) xã hình thành từ nhiều xã trên hệ thống); \(archived) xã cũ được lưu trữ trong xã kế thừa"
            + (continued > 0 ? "; \(continued) xã mới kế tục trang của xã cũ" : "")
            + "; \(self.retire.count) đơn vị cũ kết thúc; \(self.unplaced.count) xã chưa xác định nơi chuyển đến; \(self.people.count) tài khoản thay đổi"
    }

    public var summary: String {
        let merged = self.communes.filter { $0.predecessors.filter { $0.name != nil }.count > 1 }.count
        let archived = self.communes.reduce(0) { $0 + $1.predecessors.filter { $0.archiveSlug != nil }.count }
        return "\(self.provinces.count) provinces, \(self.communes.count) new communes (\(merged) formed from several communes on the platform), \(archived) old communes archived into their successors, \(self.retire.count) old units ended, \(self.unplaced.count) unplaced, \(self.people.count) staff accounts changed"
    }
}

/// The 2025 reorganisation of a catalogue: planning it, and applying a plan
/// so that a crash at any moment leaves nothing half-made and a rerun
/// finishes the job.
public struct Reorganisation: Sendable {
    public let provisioning: CommuneProvisioning
    let logger: Logger
    let catalogue: Catalogue
    let rows: ReorganisationRepository

    public init(provisioning: CommuneProvisioning, logger: Logger) {
        self.provisioning = provisioning
        self.logger = logger
        self.catalogue = Catalogue(logger: logger)
        self.rows = ReorganisationRepository(logger: logger)
    }

    /// The last day of the 2024 list.
    public static let lastDay = "2025-06-30"

    // MARK: Plan

    /// Works out the plan for `provinces` (2025 codes; empty: every province
    /// of the list). Reads only; every problem with the inputs is reported
    /// at once, before anything could change.
    public func plan(
        to list: AdminList, successors: [SuccessorRow], provinces: [Int], continueSeats: Bool = false, districtAdmins: String = "lock"
    ) async throws(TenantCoreError) -> ReorganisationPlan {
        guard ["lock", "convert"].contains(districtAdmins) else { throw .invalid("--district-admins is lock or convert, not \(districtAdmins.debugDescription)") }
        guard list.year == 2025 else { throw .invalid("--to must be the 2025 list (without districts); this one has districts") }
        let list = try list.only(provinces: provinces)
        var problems: [String] = []

        // The successor rows, checked against the 2025 list.
        let fullNew = Set(list.communes.map(\.code))
        var byOld: [Int: [SuccessorRow]] = [:]
        var byNew: [Int: [SuccessorRow]] = [:]
        for row in successors {
            byOld[row.oldCode, default: []].append(row)
            byNew[row.newCode, default: []].append(row)
        }

        return try await self.provisioning.database.withConnection { connection in
            // Old communes on the platform (current units of the 2024 list).
            let olds = try await self.rows.oldCommunes(on: connection)
            let newProvinceOf = Dictionary(list.communes.map { ($0.code, $0.provinceCode) }, uniquingKeysWith: { a, _ in a })
            // An old commune on the platform needs exactly one address to
            // lead to (the file has two such ambiguities elsewhere).
            for old in olds.values.sorted(by: { $0.code < $1.code }) {
                let primaries = (byOld[old.code] ?? []).filter(\.primary)
                if primaries.count > 1 {
                    problems.append(
                        "old commune \(old.code) \(old.name) has \(primaries.count) primary successors (\(primaries.map { "\($0.newCode) at \($0.source)" }.joined(separator: ", "))); keep one")
                } else if primaries.isEmpty, let rows = byOld[old.code], rows.contains(where: { newProvinceOf[$0.newCode] != nil }) {
                    problems.append("old commune \(old.code) \(old.name) has successors (\(rows.map { "\($0.newCode)" }.joined(separator: ", "))) but none is primary; mark one")
                }
            }

            // Old communes whose primary successor is in this plan.
            var inScope: [Int: ReorganisationRepository.OldCommune] = [:]
            for old in olds.values {
                guard let primary = byOld[old.code]?.first(where: \.primary) else { continue }
                if newProvinceOf[primary.newCode] != nil { inScope[old.code] = old }
            }
            for row in successors where fullNew.contains(row.newCode) == false && olds[row.oldCode] != nil && inScope[row.oldCode] != nil {
                problems.append("\(row.source): new commune \(row.newCode) is not in the 2025 list")
            }
            for old in inScope.values where old.successor != nil || old.status == "archived" {
                problems.append("old commune \(old.code) \(old.name) is already archived (another plan applied to it)")
            }
            let touchedProvinces = Set(inScope.values.map(\.province))
            let unplaced = olds.values.filter { touchedProvinces.contains($0.province) && byOld[$0.code] == nil }
                .sorted { $0.code < $1.code }
            // Old communes of a touched province whose primary successor is
            // outside the plan would be left in a province that ends.
            let elsewhere = olds.values.filter {
                touchedProvinces.contains($0.province) && inScope[$0.code] == nil && byOld[$0.code] != nil
            }
            if !elsewhere.isEmpty {
                let provinces = Set(elsewhere.compactMap { old in byOld[old.code]?.first(where: \.primary).flatMap { _ in old.province } })
                problems.append(
                    "\(elsewhere.count) old communes of provinces \(provinces.sorted().map(String.init).joined(separator: ", ")) go to provinces outside this plan (e.g. \(elsewhere.prefix(3).map { "\($0.code) \($0.name)" }.joined(separator: ", "))); add those provinces with --province")
            }
            if !problems.isEmpty {
                throw TenantCoreError.invalid(
                    "the inputs have \(problems.count) problem\(problems.count > 1 ? "s" : ""); nothing was planned:\n  "
                        + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""))
            }

            // The hosts of the old communes, which will lead to their successors.
            let hostsOf = try await self.rows.hosts(ofTenants: inScope.values.map(\.id), on: connection)

            // Old districts and provinces that end with their communes.
            var retire: [ReorganisationPlan.OldUnit] = inScope.values.sorted { $0.code < $1.code }.map { .init(level: "commune", code: $0.code, name: $0.name) }
            let remaining = Set(olds.values.filter { inScope[$0.code] == nil }.map(\.province))
            let units = try await self.rows.currentUnits2024(on: connection)
            var absorbed: [Int: Set<Int>] = [:]
            for old in inScope.values {
                if let primary = byOld[old.code]?.first(where: \.primary), let newProvince = newProvinceOf[primary.newCode] {
                    absorbed[newProvince, default: []].insert(old.province)
                }
            }
            for (level, code, name, province) in units {
                if touchedProvinces.contains(province) && !remaining.contains(province) && unplaced.isEmpty {
                    retire.append(.init(level: level, code: code, name: name))
                }
            }

            // New communes, each with its predecessors on the platform.
            var communes: [ReorganisationPlan.Commune] = []
            for spec in list.communes {
                var predecessors: [ReorganisationPlan.Predecessor] = []
                var usedSlugs: Set<String> = []
                for row in (byNew[spec.code] ?? []).sorted(by: { ($0.primary ? 0 : 1, $0.oldCode) < ($1.primary ? 0 : 1, $1.oldCode) }) {
                    let old = olds[row.oldCode]
                    let isPrimary = old.flatMap { byOld[$0.code]?.first(where: \.primary)?.newCode } == spec.code
                    var slug: String?
                    if let old, isPrimary {
                        slug = Self.archiveSlug(old.slug, code: old.code, used: &usedSlugs)
                    }
                    predecessors.append(
                        .init(
                            code: row.oldCode, name: old?.name, share: row.share, primary: row.primary, archiveSlug: slug,
                            hosts: isPrimary ? old.flatMap { hostsOf[$0.id] } : nil))
                }
                // A commune that took the code (and seat) of one of its
                // predecessors may continue that predecessor's site.
                var continues: Int?
                if continueSeats, let index = predecessors.firstIndex(where: { $0.code == spec.code && $0.archiveSlug != nil }) {
                    continues = spec.code
                    predecessors[index].archiveSlug = nil
                }
                let onPlatform = predecessors.filter { $0.name != nil }
                let renamed = onPlatform.count == 1 && onPlatform[0].share == "whole" && onPlatform[0].name != spec.name ? onPlatform[0].name : nil
                communes.append(
                    .init(
                        code: spec.code, name: spec.name, kind: spec.kind, slug: spec.slug, provinceCode: spec.provinceCode,
                        predecessors: predecessors, renamedFrom: renamed, continues: continues))
            }
            let newProvinces = list.provinces.map {
                ReorganisationPlan.Province(code: $0.code, name: $0.name, kind: $0.kind, slug: $0.slug, absorbs: (absorbed[$0.code] ?? []).sorted())
            }

            // Staff: editors follow their commune; district admins of ended
            // districts are locked; province operators of an ended province
            // move to the province that absorbs it.
            var people: [ReorganisationPlan.PersonChange] = []
            let retiredDistricts = Set(retire.filter { $0.level == "district" }.map(\.code))
            for (username, role, level, code, name) in try await self.rows.staffOf2024Units(on: connection) {
                switch (role, level) {
                case ("editor", "commune"):
                    if let old = inScope[code], let primary = byOld[old.code]?.first(where: \.primary),
                        let new = list.communes.first(where: { $0.code == primary.newCode })
                    {
                        people.append(.init(username: username, role: role, change: "editor of \(name) (\(code)) → editor of \(new.name) (\(new.code)) and reader of the archive"))
                    }
                case ("district", "district") where retiredDistricts.contains(code):
                    people.append(
                        .init(
                            username: username, role: role,
                            change: districtAdmins == "convert"
                                ? "district admin of \(name) (\(code)), which ends → keeps the new communes its communes went into"
                                : "district admin of \(name) (\(code)), which ends → locked"))
                case ("province", "province"):
                    if let new = newProvinces.first(where: { $0.absorbs.contains(code) }) {
                        people.append(.init(username: username, role: role, change: "operator of \(name) (\(code)) → operator of \(new.name) (\(new.code))"))
                    }
                default:
                    continue
                }
            }

            let fingerprint = Self.fingerprint(olds: inScope.values.map { "\($0.id):\($0.code):\($0.name):\($0.status)" } + retire.map { "\($0.level):\($0.code):\($0.name)" })
            let created = ISO8601DateFormatter().string(from: Date())
            return ReorganisationPlan(
                format: ReorganisationPlan.formatName, formatVersion: 1,
                planID: "reorg-" + String(fingerprint.prefix(12)) + "-" + provinces.sorted().map(String.init).joined(separator: "-"),
                createdAt: created, fingerprint: fingerprint, lastDay: Self.lastDay, provinces: newProvinces, communes: communes,
                retire: retire, unplaced: unplaced.map { .init(level: "commune", code: $0.code, name: $0.name) }, people: people,
                districtAdmins: districtAdmins)
        }
    }

    /// Two FNV-1a hashes (different offsets) of the sorted items: 32 hex
    /// digits that change when any item does.
    static func fingerprint(olds: [String]) -> String {
        let text = Array(olds.sorted().joined(separator: "\n").utf8)
        return FNV1a.hex(text) + FNV1a.hex(text, offset: 0x84222325_cbf29ce4)
    }

    /// The fingerprint of the catalogue as the plan saw it, read again now.
    func currentFingerprint(_ plan: ReorganisationPlan, on connection: UnitOfWork) async throws -> String {
        let codes = plan.retire.filter { $0.level == "commune" }.map(\.code)
        let (communes, present) = try await self.rows.fingerprintItems(communeCodes: codes, on: connection)
        var items = communes
        items += plan.retire.map { "\($0.level):\($0.code):\($0.name)" }.filter { present.contains($0) }
        return Self.fingerprint(olds: items)
    }
}
