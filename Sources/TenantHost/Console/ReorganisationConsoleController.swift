import Foundation
import Hummingbird
import TenantCore

/// `/quan-tri/sap-xep`: the reorganisation of the operator's province.
struct ReorganisationConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/sap-xep", use: self.reorganisation)
    }

    /// `/quan-tri/sap-xep`: the reorganisations applied to the operator's
    /// province (each plan as it was written, with the state of each of its
    /// new communes), and every commune in scope with its state: served,
    /// suspended, or kept as an archive inside its successor's site.
    @Sendable func reorganisation(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let session = context.session
        let query = QueryItemsOf(request)
        let snapshot = self.services.directory.snapshot
        // A province operator sees the plans of their province; the platform
        // operator (no scope) sees all; a district admin sees only communes.
        let province: Int? = session.user.scopeUnitID.flatMap { snapshot.units[$0] }.flatMap { $0.level == .province ? $0.code : nil }
        let seesPlans = session.user.isOperator
        let catalogue = Catalogue(logger: self.services.database.logger)
        let (records, plan): ([ReorganisationRecord], ReorganisationPlan?) = try await self.services.database.withConnection { connection in
            guard seesPlans else { return ([], nil) }
            let records = try await catalogue.reorganisations(province: province, on: connection)
            guard let id = query["phuong-an"], records.contains(where: { $0.planID == id }) else { return (records, nil) }
            return (records, try await catalogue.reorganisationPlan(id, on: connection))
        }
        if query["phuong-an"] != nil && plan == nil {
            return self.page(context, title: "Sắp xếp đơn vị hành chính", status: .notFound, active: "/quan-tri/sap-xep",
                             main: ReorganisationView.unknownPlan)
        }
        // Communes in scope, and the archives kept inside them.
        let inScope = self.communesInScope(session.user)
        let ids = Set(inScope.map(\.id))
        var rows = inScope.filter { $0.status != .archived || $0.successorID == nil }
        rows += snapshot.tenants.values.filter { $0.successorID != nil && !ids.contains($0.id) && $0.successorID.map(ids.contains) == true }
        rows += inScope.filter { $0.successorID != nil }
        if let text = query["loc"] {
            let search = CommuneSearch(text)
            rows = rows.filter { search.matches($0.name, code: $0.code) }
        }
        rows.sort { ($0.successorID == nil ? 0 : 1, $0.code, $0.id) < ($1.successorID == nil ? 0 : 1, $1.code, $1.id) }
        let states = rows.prefix(3000).map { tenant in
            ReorganisationView.CommuneState(
                tenant: tenant, successor: tenant.successorID.flatMap { snapshot.tenants[$0] },
                predecessors: (snapshot.predecessors[tenant.id] ?? []).map { ($0.name, $0.share) })
        }
        let planView = plan.map { plan -> ReorganisationView.PlanState in
            var current: [Int: Tenant] = [:]
            for tenant in snapshot.tenants.values where tenant.successorID == nil && tenant.status != .archived { current[tenant.code] = tenant }
            let communes = plan.communes.filter { province == nil || $0.provinceCode == province }.map { commune in
                let site = current[commune.code].flatMap { $0.name == commune.name ? $0 : nil }
                let wanted = commune.predecessors.compactMap(\.archiveSlug)
                let done = site.map { snapshot.archives[$0.id] ?? [:] }.map { archives in wanted.filter { archives[$0] != nil }.count } ?? 0
                return ReorganisationView.PlannedCommune(commune: commune, site: site, archivesWanted: wanted.count, archivesDone: done)
            }
            return ReorganisationView.PlanState(plan: plan, communes: communes, finished: records.first { $0.planID == plan.planID }?.finishedAt)
        }
        let main = ReorganisationView.render(records: records, plan: planView, communes: states, filter: query["loc"] ?? "", seesPlans: seesPlans)
        return self.page(context, title: "Sắp xếp đơn vị hành chính", active: "/quan-tri/sap-xep", main: main)
    }
}
