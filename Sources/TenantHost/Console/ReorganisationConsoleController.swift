import Foundation
import Hummingbird
import TenantCore

/// `/quan-tri/sap-xep`: the reorganisation of the operator's province.
struct ReorganisationConsoleController: ConsoleBase {
    let services: SiteServices
    let accounts: Accounts
    let editorial: Editorial
    let provisioning: CommuneProvisioning

    init(base: some ConsoleBase) {
        self.services = base.services
        self.accounts = base.accounts
        self.editorial = base.editorial
        self.provisioning = base.provisioning
    }

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
        let seesPlans = session.user.role == .province
        let catalogue = Catalogue(logger: self.services.database.logger)
        let (records, plan): ([ReorganisationRecord], ReorganisationPlan?) = try await self.services.database.withConnection { connection in
            guard seesPlans else { return ([], nil) }
            let records = try await catalogue.reorganisations(province: province, on: connection)
            guard let id = query["phuong-an"], records.contains(where: { $0.planID == id }) else { return (records, nil) }
            return (records, try await catalogue.reorganisationPlan(id, on: connection))
        }
        if query["phuong-an"] != nil && plan == nil {
            return self.page(context, title: "Sắp xếp đơn vị hành chính", status: .notFound, active: "/quan-tri/sap-xep",
                             main: "<p>Không có phương án này trong phạm vi quản lý của tài khoản.</p><p><a href=\"/quan-tri/sap-xep\">Về danh sách phương án</a></p>")
        }
        // Communes in scope, and the archives kept inside them.
        let inScope = self.communesInScope(session.user)
        let ids = Set(inScope.map(\.id))
        var rows = inScope.filter { $0.status != .archived || $0.successorID == nil }
        rows += snapshot.tenants.values.filter { $0.successorID != nil && !ids.contains($0.id) && $0.successorID.map(ids.contains) == true }
        rows += inScope.filter { $0.successorID != nil }
        if let text = query["loc"] {
            let folded = VietnameseText.fold(text)
            rows = rows.filter { VietnameseText.fold($0.name).contains(folded) || String($0.code) == text }
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

/// The reorganisation page of the console.
enum ReorganisationView {
    struct CommuneState {
        var tenant: Tenant
        var successor: Tenant?
        var predecessors: [(name: String, share: String)]
    }

    struct PlannedCommune {
        var commune: ReorganisationPlan.Commune
        var site: Tenant?
        var archivesWanted: Int
        var archivesDone: Int
    }

    struct PlanState {
        var plan: ReorganisationPlan
        var communes: [PlannedCommune]
        var finished: Date?
    }

    static func render(records: [ReorganisationRecord], plan: PlanState?, communes: [CommuneState], filter: String, seesPlans: Bool) -> HTML {
        var parts: [HTML] = []
        if seesPlans {
            let rows = HTML(records.map { r -> HTML in
                let state: HTML = r.finishedAt.map { "<span class=\"status-ok\">Hoàn tất \(Layout.date($0))</span>" }
                    ?? "<span class=\"status-warn\">Đang thực hiện: chạy lại lệnh <code>provisioner reorganise apply</code> để hoàn tất</span>"
                let name: HTML = r.hasPlan
                    ? "<a href=\"\(href: "/quan-tri/sap-xep?phuong-an=" + Layout.percentEncode(r.planID))\">\(r.planID)</a>"
                    : "\(r.planID)<br><span class=\"meta\">Nội dung phương án chưa được lưu: chạy lại <code>reorganise apply</code> với tệp phương án để lưu.</span>"
                return "<tr><th scope=\"row\">\(name)</th><td>\(Layout.date(r.startedAt))</td><td>\(state)</td><td>\(r.summary)</td></tr>"
            })
            parts.append(
                records.isEmpty
                    ? "<h2>Phương án sắp xếp</h2><p>Chưa có phương án nào được áp dụng. Phương án được lập bằng lệnh <code>provisioner reorganise plan</code> và áp dụng bằng <code>provisioner reorganise apply</code>.</p>"
                    : """
                    <h2>Phương án sắp xếp</h2>
                    <div class="table-scroll"><table class="data"><caption>Các phương án đã áp dụng</caption>
                    <thead><tr><th scope="col">Phương án</th><th scope="col">Bắt đầu</th><th scope="col">Tình trạng</th><th scope="col">Tóm tắt</th></tr></thead>
                    <tbody>\(rows)</tbody></table></div>
                    """)
        }
        if let plan {
            let missing = plan.communes.filter { $0.site == nil || $0.archivesDone < $0.archivesWanted }.count
            let rows = HTML(plan.communes.map { c -> HTML in
                let from = HTML(c.commune.predecessors.filter { $0.name != nil }.map { p -> HTML in
                    "<li>\(p.name ?? "")\(p.share == "part" ? " (một phần)" as HTML : .empty)\(c.commune.continues == p.code ? " — trang được kế tục" as HTML : p.archiveSlug != nil ? " — lưu trữ tại /luu-tru/\(p.archiveSlug ?? "")/" : .empty)</li>"
                })
                let state: HTML
                if c.site == nil {
                    state = "<span class=\"status-bad\">Chưa tạo</span>"
                } else if c.archivesDone < c.archivesWanted {
                    state = "<span class=\"status-warn\">Đã tạo, lưu trữ \(c.archivesDone)/\(c.archivesWanted)</span>"
                } else {
                    state = "<span class=\"status-ok\">Hoàn tất</span>"
                }
                return "<tr><th scope=\"row\">\(c.commune.name) <span class=\"meta\">\(c.commune.code)</span></th><td><ul>\(from)</ul></td><td>\(state)</td></tr>"
            })
            let people = HTML(plan.plan.people.map { p -> HTML in "<li>\(p.username): \(p.change)</li>" })
            parts.append(
                """
                <h2>Phương án \(plan.plan.planID)</h2>
                <p>Lập lúc \(plan.plan.createdAt); đơn vị cũ kết thúc ngày \(plan.plan.lastDay). \(plan.plan.summary).</p>
                <p role="status">\(missing == 0 ? "Mọi xã mới của phương án đã được tạo và lưu trữ đầy đủ." as HTML : "Còn \(missing) xã chưa xong: chạy lại lệnh apply với cùng tệp phương án.")</p>
                <div class="table-scroll"><table class="data"><caption>Các xã mới và các xã cũ hình thành nên</caption>
                <thead><tr><th scope="col">Xã mới</th><th scope="col">Hình thành từ</th><th scope="col">Tình trạng</th></tr></thead>
                <tbody>\(rows)</tbody></table></div>
                \(plan.plan.people.isEmpty ? HTML.empty : "<h3>Tài khoản thay đổi</h3><ul>\(people)</ul>")
                """)
        }
        let rows = HTML(communes.map { c -> HTML in
            let state: HTML
            if let successor = c.successor {
                state = "Lưu trữ trong \(successor.name) tại /luu-tru/\(c.tenant.archiveSlug ?? "")/"
            } else {
                state = "\(c.tenant.status.title)"
            }
            let from = c.predecessors.map { "\($0.name)\($0.share == "part" ? " (một phần)" : "")" }.joined(separator: ", ")
            return "<tr><th scope=\"row\">\(c.tenant.name) <span class=\"meta\">\(c.tenant.code)</span></th><td>\(c.tenant.ancestors.first?.name ?? "")</td><td>\(state)</td><td>\(from)</td></tr>"
        })
        parts.append(
            """
            <h2>Tình trạng các xã, phường</h2>
            <form method="get" action="/quan-tri/sap-xep" class="form-grid" role="search" aria-label="Lọc danh sách xã">
            <div><label for="loc">Tên hoặc mã xã, phường</label><input id="loc" name="loc" value="\(filter)"></div>
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <div class="table-scroll"><table class="data"><caption>\(communes.count) xã, phường (cả các xã cũ được lưu trữ)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Trực thuộc</th><th scope="col">Tình trạng</th><th scope="col">Hình thành từ</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """)
        return HTML(parts)
    }
}
