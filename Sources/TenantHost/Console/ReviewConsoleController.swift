import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// A commune's items beyond their form: the searchable list with bulk
/// actions and the trash, an approver's approve and send back, preview
/// links, history and restore, the approval queue and its setting; and the
/// queue of the communes a district or province manages.
struct ReviewConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<CommuneConsoleContext>) {
        group.get("/bai", use: self.items)
        group.post("/bai/hang-loat", use: self.bulk)
        group.post("/bai/:id/duyet", use: self.approve)
        group.post("/bai/:id/tra-lai", use: self.sendBack)
        group.post("/bai/:id/xem-truoc", use: self.preview)
        group.post("/bai/:id/xoa", use: self.trash)
        group.post("/bai/:id/lay-lai", use: self.untrash)
        group.get("/bai/:id/lich-su", use: self.history)
        group.get("/bai/:id/lich-su/:revision", use: self.revision)
        group.post("/bai/:id/lich-su/:revision", use: self.restore)
        group.get("/duyet", use: self.queue)
        group.post("/duyet/so-buoc", use: self.setSteps)
    }

    func addPlatformRoutes(to group: RouterGroup<PlatformConsoleContext>) {
        group.get("/cho-duyet", use: self.platformQueue)
    }

    // MARK: The list

    /// The list's filter from the query: `q`, `chuyen-muc`, `trang-thai`, `tac-gia`, `tu-ngay`, `den-ngay`.
    static func filter(_ query: QueryItems) throws -> EntryFilter {
        var f = EntryFilter()
        f.text = try query.text("q", max: 200) ?? ""
        f.author = try query.text("tac-gia", max: 200) ?? ""
        if let raw = try query.text("chuyen-muc", max: 3) {
            guard let id = Int(raw), (1...99).contains(id) else { throw PageError.badRequest("Chuyên mục không hợp lệ.") }
            f.sectionID = id
        }
        if let raw = try query.text("trang-thai", max: 20) {
            guard let state = EntryFilter.State(rawValue: raw) else { throw PageError.badRequest("Trạng thái không hợp lệ.") }
            f.state = state
        }
        func day(_ key: String) throws -> Date? {
            guard let raw = try query.text(key, max: 10) else { return nil }
            guard let date = EntryDraft.parseLocalDateTime(raw + "T00:00") else { throw PageError.badRequest("Ngày “\(raw)” không hợp lệ.") }
            return date
        }
        f.from = try day("tu-ngay")
        f.until = try day("den-ngay").map { $0.addingTimeInterval(86_400) }
        return f
    }

    @Sendable func items(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let query = try QueryItems(request)
        let filter = try Self.filter(query)
        let page = try query.page()
        let items = try await self.editorial.items(filter, page: page, in: context.tenant)
        let sections = try await self.sections(context.tenant)
        let title = filter.state == .deleted ? "Thùng rác" : filter.sectionID.flatMap { id in sections.first { $0.id == id }?.title } ?? "Bài viết"
        let imported = try await self.editorial.importedItems(among: items.items.map(\.entry.id), in: context.tenant)
        let main = ReviewViews.list(
            base: context.base, sections: sections, filter: filter, items: items, now: Date(), csrf: context.session.csrf,
            approves: context.session.user.mayApprove(context.tenant), imported: imported)
        return self.page(context, title: title, notice: EditorConsoleController.outcome(request), active: "\(context.base)/bai", main: main)
    }

    /// `thao-tac` (`go`, `xoa`, `khoi-phuc`) on every checked `bai-<id>`.
    @Sendable func bulk(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, user) = (context.tenant, context.session.user)
        let form = try await self.form(request, context, session: context.session)
        let ids = form.fields.keys.compactMap { key -> Int64? in
            guard key.hasPrefix("bai-"), key.count <= 22, form[key] == "1" else { return nil }
            return Int64(key.dropFirst(4)).flatMap { $0 > 0 ? $0 : nil }
        }.sorted()
        guard !ids.isEmpty else { throw PageError.badRequest("Chưa chọn bài nào.") }
        guard ids.count <= 100 else { throw PageError.badRequest("Chọn tối đa 100 bài mỗi lần.") }
        let action = form["thao-tac"]
        for id in ids {
            switch action {
            case "go": try await self.editorial.setEntryStatus(.unpublished, entry: id, in: tenant, by: user, address: context.remoteAddress)
            case "xoa": try await self.editorial.trashEntry(id, in: tenant, by: user, address: context.remoteAddress)
            case "khoi-phuc": try await self.editorial.untrashEntry(id, in: tenant, by: user, address: context.remoteAddress)
            default: throw PageError.badRequest("Thao tác không hợp lệ.")
            }
        }
        let result = switch action { case "go": "da-go"; case "xoa": "da-xoa"; default: "da-lay-lai" }
        return Self.redirect("\(context.base)/bai?\(action == "khoi-phuc" ? "trang-thai=deleted&" : "")ket-qua=\(result)")
    }

    // MARK: One item

    func item(_ context: CommuneConsoleContext) async throws -> EditorEntry {
        guard let item = try await self.editorial.item(try Self.id(context), in: context.tenant) else { throw HTTPError(.notFound) }
        return item
    }

    /// An approval from the item's page; the form's errors are shown there.
    @Sendable func approve(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        _ = try await self.form(request, context, session: context.session)
        do {
            let outcome = try await self.editorial.approveEntry(id, publishAt: nil, in: context.tenant, by: context.session.user, address: context.remoteAddress)
            return Self.redirect("\(context.base)/bai/\(id)?ket-qua=\(EntryForm.outcome(outcome))")
        } catch let failure as ValidationFailure {
            throw PageError.badRequest(failure.summary)
        }
    }

    @Sendable func sendBack(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await self.form(request, context, session: context.session)
        do {
            try await self.editorial.returnEntry(id, note: form["nhan-xet"], in: context.tenant, by: context.session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            throw PageError.badRequest(failure.summary)
        }
        return Self.redirect("\(context.base)/duyet?ket-qua=da-tra-lai")
    }

    /// Makes a preview link on the commune's own host and shows it, to
    /// open or to send to the approver. (The console's policy allows forms
    /// to send only to itself, so it does not redirect there.)
    @Sendable func preview(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let item = try await self.item(context)
        _ = try await self.form(request, context, session: context.session)
        let token = try await self.editorial.previewLink(for: item.entry.id, in: context.tenant, by: context.session.user)
        let site = context.siteURL ?? "/"
        let link = "\(site.hasSuffix("/") ? site : site + "/")xem-truoc/\(token)"
        return self.page(context, title: "Xem trước", active: "\(context.base)/bai", main: ReviewViews.previewLink(base: context.base, entry: item.entry, link: link))
    }

    @Sendable func trash(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let item = try await self.item(context)
        let form = try await self.form(request, context, session: context.session)
        guard form["xac-nhan"] == "1" else {
            return self.page(context, title: "Xóa bài?", main: ReviewViews.confirmTrash(base: context.base, entry: item.entry, csrf: context.session.csrf))
        }
        try await self.editorial.trashEntry(item.entry.id, in: context.tenant, by: context.session.user, address: context.remoteAddress)
        return Self.redirect("\(context.base)/bai?chuyen-muc=\(item.entry.sectionID)&ket-qua=da-xoa")
    }

    @Sendable func untrash(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        _ = try await self.form(request, context, session: context.session)
        try await self.editorial.untrashEntry(id, in: context.tenant, by: context.session.user, address: context.remoteAddress)
        return Self.redirect("\(context.base)/bai/\(id)?ket-qua=da-lay-lai")
    }

    // MARK: History

    @Sendable func history(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let item = try await self.item(context)
        let revisions = try await self.editorial.history(of: item.entry.id, in: context.tenant)
        return self.page(context, title: "Lịch sử thay đổi", active: "\(context.base)/bai", main: ReviewViews.history(base: context.base, entry: item.entry, revisions: revisions))
    }

    @Sendable func revision(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        guard let (revision, previous) = try await self.editorial.revision(try Self.id(context, "revision"), of: id, in: context.tenant) else {
            throw HTTPError(.notFound)
        }
        let main = ReviewViews.revision(base: context.base, entryID: id, revision: revision, previous: previous, csrf: context.session.csrf)
        return self.page(context, title: "Thay đổi của bản lưu", active: "\(context.base)/bai", main: main)
    }

    @Sendable func restore(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        let revision = try Self.id(context, "revision")
        _ = try await self.form(request, context, session: context.session)
        try await self.editorial.restoreRevision(revision, of: id, in: context.tenant, by: context.session.user, address: context.remoteAddress)
        return Self.redirect("\(context.base)/bai/\(id)?ket-qua=da-khoi-phuc")
    }

    // MARK: The queue

    @Sendable func queue(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        var filter = EntryFilter()
        filter.state = .pending
        let items = try await self.editorial.items(filter, page: 1, size: 200, in: context.tenant)
        let steps = try await self.editorial.approvalSteps(in: context.tenant)
        let main = ReviewViews.queue(
            base: context.base, items: items.items, steps: steps, approves: context.session.user.mayApprove(context.tenant), csrf: context.session.csrf)
        return self.page(context, title: "Duyệt bài", notice: EditorConsoleController.outcome(request), active: "\(context.base)/duyet", main: main)
    }

    @Sendable func setSteps(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let form = try await self.form(request, context, session: context.session)
        guard let steps = Int(form["so-buoc"]), (1...3).contains(steps) else { throw PageError.badRequest("Chọn từ 1 đến 3 người duyệt.") }
        try await self.editorial.setApprovalSteps(steps, in: context.tenant, by: context.session.user, address: context.remoteAddress)
        return Self.redirect("\(context.base)/duyet?da-luu=1")
    }

    @Sendable func platformQueue(_ request: Request, context: PlatformConsoleContext) async throws -> Response {
        let tenants = self.communesInScope(context.user)
        let byID = Dictionary(tenants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let queued = try await self.editorial.queue(of: tenants).compactMap { q in byID[q.tenantID].map { (q, $0) } }
        return self.page(context, title: "Bài chờ duyệt", active: "/quan-tri/cho-duyet", main: ReviewViews.platformQueue(queued))
    }
}
