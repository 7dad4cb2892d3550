import Foundation
import TenantCore

/// The reorganisation page of the console.
enum ReorganisationView {
    /// For a plan that is not in the account's scope.
    static let unknownPlan: HTML = "<p>Không có phương án này trong phạm vi quản lý của tài khoản.</p><p><a href=\"/quan-tri/sap-xep\">Về danh sách phương án</a></p>"

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
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Các phương án đã áp dụng"><table class="data"><caption>Các phương án đã áp dụng</caption>
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
                <div class="table-scroll" tabindex="0" role="region" aria-label="Các xã mới và các xã cũ hình thành nên"><table class="data"><caption>Các xã mới và các xã cũ hình thành nên</caption>
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
            return "<tr><th scope=\"row\">\(c.tenant.name) <span class=\"meta\">\(c.tenant.code)</span></th><td>\(c.tenant.ancestors.first?.fullName ?? "")</td><td>\(state)</td><td>\(from)</td></tr>"
        })
        parts.append(
            """
            <h2>Tình trạng các xã, phường</h2>
            <form method="get" action="/quan-tri/sap-xep" class="form-grid" role="search" aria-label="Lọc danh sách xã">
            <div><label for="loc">Tên hoặc mã xã, phường</label><input id="loc" name="loc" value="\(filter)"></div>
            <div><button class="button" type="submit">Lọc</button></div>
            </form>
            <div class="table-scroll" tabindex="0" role="region" aria-label="\(communes.count) xã, phường (cả các xã cũ được lưu trữ)"><table class="data"><caption>\(communes.count) xã, phường (cả các xã cũ được lưu trữ)</caption>
            <thead><tr><th scope="col">Xã, phường</th><th scope="col">Trực thuộc</th><th scope="col">Tình trạng</th><th scope="col">Hình thành từ</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """)
        return HTML(parts)
    }
}
