import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// A commune's console (`/quan-tri/bien-tap/<id>` on the console host): its
/// overview, sections and entries, static pages, the footer, uploads,
/// questions and comments. The group's ``CommuneConsoleContext`` guarantees
/// a session that may manage this commune.
struct EditorConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<CommuneConsoleContext>) {
        group.get("/", use: self.dashboard)
        group.get("/chuyen-muc/:section", use: self.sectionEntries)
        group.get("/bai/moi", use: self.newEntry)
        group.post("/bai", use: self.createEntry)
        group.post("/bai/tu-luu", use: self.autosave)
        group.post("/bai/tu-tep", use: self.importDocument)
        group.get("/bai/:id", use: self.editEntry)
        group.post("/bai/:id", use: self.updateEntry)
        group.post("/bai/:id/trang-thai", use: self.changeEntryStatus)
        group.post("/markdown", use: self.markdown)
        group.get("/trang/:section", use: self.editSectionBody)
        group.post("/trang/:section", use: self.saveSectionBody)
        group.get("/thong-tin", use: self.editSite)
        group.post("/thong-tin", use: self.saveSite)
        group.get("/hoi-dap", use: self.questions)
        group.get("/hoi-dap/:id", use: self.question)
        group.post("/hoi-dap/:id", use: self.answer)
        group.get("/y-kien", use: self.comments)
        group.post("/y-kien/:id", use: self.moderate)
    }

    /// The commune's overview: its sections against their deadlines, open questions, ratings.
    @Sendable func dashboard(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let tenant = context.tenant
        let now = Date()
        let (row, open, pending, rating, remarks) = try await self.services.database.withConnection(schema: tenant.schema) { connection in
            let row = try await self.services.content.compliance([tenant], now: now, on: connection).first
            let open = try await self.services.content.questions(publishedOnly: false, in: tenant.schema, on: connection).filter { $0.status != .answered }.count
            let pending = try await self.services.content.comments(entry: nil, status: .pending, in: tenant.schema, on: connection).count
            let store = PortalStore(logger: self.services.logger)
            let rating = try await store.ratingSummaries(tenantIDs: [tenant.id], since: now.addingTimeInterval(-365 * 86_400), on: connection)[tenant.id]
            let remarks = try await store.ratingRemarks(tenantID: tenant.id, limit: 5, on: connection)
            return (row, open, pending, rating, remarks)
        }
        let sections = try await self.sections(tenant)
        let work = try await self.editorial.summary(of: tenant)
        let main = HTML([
            DashboardViews.work(work, base: context.base),
            DashboardViews.commune(sections: sections, compliance: row, open: open, pending: pending, now: now, base: context.base),
            DashboardViews.ratings(rating, remarks: remarks),
        ])
        return self.page(context, title: "Tổng quan", active: context.base, main: main)
    }

    // MARK: Entries

    @Sendable func sectionEntries(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        guard let sectionID = Int(context.parameters.get("section") ?? ""), let section = try await self.sections(context.tenant).first(where: { $0.id == sectionID }) else {
            throw HTTPError(.notFound)
        }
        if section.kind == .static || section.kind == .footer { return Self.redirect("\(context.base)/trang/\(section.id)") }
        return Self.redirect("\(context.base)/bai?chuyen-muc=\(section.id)")
    }

    @Sendable func newEntry(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let query = QueryItemsOf(request)
        guard let sectionID = Int(query["chuyen-muc"] ?? ""), let section = try await self.sections(tenant).first(where: { $0.id == sectionID }),
            Self.takesNewItems(section)
        else { throw PageError.badRequest("Chuyên mục không hợp lệ.") }
        let allowed = EntryKind.allowed(in: section.id)
        let kind = query["loai"].flatMap(EntryKind.init(rawValue:)) ?? allowed[0]
        guard allowed.contains(kind) else { throw PageError.badRequest("Chuyên mục này không nhận loại bài đó.") }
        var draft = EntryDraft(sectionID: section.id, kind: kind)
        draft.author = session.user.displayName
        // Saving a new item keeps it a draft unless the editor chooses to publish.
        draft.publish = .draft
        draft.bodyFormat = .html
        // A new item typed and never saved, of this section and kind, is offered back.
        let formURL = "\(context.base)/bai/moi?chuyen-muc=\(section.id)&loai=\(kind.rawValue)"
        var offer: AutosaveOffer?
        if let saved = try await self.editorial.autosaved(entry: nil, in: tenant, by: session.user), saved.sectionID == section.id, saved.kind == kind.rawValue {
            let restore = query["tu-luu"] == "1"
            if restore { draft = EntryForm.draft(from: FormBody(fields: saved.fields), section: section.id, kind: kind) }
            offer = AutosaveOffer(savedAt: saved.savedAt, formURL: formURL, restored: restore)
        }
        return try await self.entryForm(context, section: section, draft: draft, id: nil, errors: [:], status: .ok, autosave: offer)
    }

    /// Whether items are added to `section` one by one: every list, and the
    /// introduction's leaders (its page's own text is edited as a page).
    static func takesNewItems(_ section: Section) -> Bool {
        switch section.kind {
        case .footer: false
        case .static: section.id == MandatorySection.introduction.id
        default: true
        }
    }

    @Sendable func editEntry(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let tenant = context.tenant
        let id = try Self.id(context)
        guard let item = try await self.editorial.item(id, in: tenant), item.entry.status != .deleted,
            let section = try await self.sections(tenant).first(where: { $0.id == item.entry.sectionID })
        else { throw HTTPError(.notFound) }
        // The form shows the newest revision: a change waiting for approval, not the item as online.
        var shown = item.entry
        if let pending = item.review.pendingRevision, let saved = try await self.editorial.revision(pending, of: id, in: tenant)?.0.entry {
            shown = saved
        }
        let newest = try await self.editorial.newestSave(of: id, in: tenant)
        let latest = newest?.id ?? 0
        var draft = EntryDraft(shown)
        // An autosave newer than the item's last save is offered back.
        var offer: AutosaveOffer?
        var basedOn = latest
        let lastSaved = newest?.at ?? item.entry.updatedAt
        // An autosave typed on another save than the newest one counts only
        // well after it: one still on its way when its form was saved for
        // real lands just after that save and is no news.
        if let saved = try await self.editorial.autosaved(entry: id, in: tenant, by: context.session.user),
            saved.savedAt > lastSaved.addingTimeInterval(saved.fields["ban"] == String(latest) ? 0 : 10)
        {
            let restore = QueryItemsOf(request)["tu-luu"] == "1"
            if restore {
                draft = EntryForm.draft(from: FormBody(fields: saved.fields), section: section.id, kind: item.entry.kind)
                // Saved as of the save it was typed on: a newer one meets the clash check.
                basedOn = saved.fields["ban"].flatMap { Int64($0) } ?? latest
            }
            offer = AutosaveOffer(savedAt: saved.savedAt, formURL: "\(context.base)/bai/\(id)", restored: restore)
        }
        return try await self.entryForm(
            context, section: section, draft: draft, id: id, errors: [:], status: .ok, notice: Self.outcome(request), item: item,
            basedOn: basedOn, autosave: offer)
    }

    @Sendable func createEntry(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        try await self.saveEntry(request, context, id: nil)
    }

    @Sendable func updateEntry(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        try await self.saveEntry(request, context, id: try Self.id(context))
    }

    func saveEntry(_ request: Request, _ context: CommuneConsoleContext, id: Int64?) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        // The form may carry a new image and a new document besides its fields.
        let form = try await self.form(request, context, session: session, limit: 2 * self.editorial.maxUpload + 256 * 1024)
        guard let sectionID = Int(form["chuyen-muc"]), let section = try await self.sections(tenant).first(where: { $0.id == sectionID }),
            let kind = EntryKind(rawValue: form["loai"]), EntryKind.allowed(in: sectionID).contains(kind)
        else { throw PageError.badRequest("Chuyên mục hoặc loại bài không hợp lệ.") }
        var draft = EntryForm.draft(from: form, section: sectionID, kind: kind)
        // A file chosen in the form is uploaded first and becomes the item's image or document.
        var uploadErrors: [String: String] = [:]
        for (input, field, target) in [("anh-moi", "anh", \EntryDraft.imageURL), ("tep-moi", "tep", \EntryDraft.fileURL)] {
            guard let file = form.files[input], !file.data.isEmpty else { continue }
            do {
                let stored = try await self.editorial.upload(name: file.name, data: file.data, in: tenant, by: session.user, address: context.remoteAddress)
                draft[keyPath: target] = "/tep/\(stored.id)"
            } catch let failure as ValidationFailure {
                uploadErrors[field] = failure.summary
            }
        }
        if !uploadErrors.isEmpty {
            var item: EditorEntry?
            if let id { item = try await self.editorial.item(id, in: tenant) }
            return try await self.entryForm(context, section: section, draft: draft, id: id, errors: uploadErrors, status: .badRequest, item: item)
        }
        // A library image chosen without a description takes the one the library keeps.
        if draft.imageAlt.trimmingCharacters(in: .whitespaces).isEmpty, EntryView.isUpload(draft.imageURL), let file = Int64(draft.imageURL.dropFirst(5)) {
            draft.imageAlt = try await self.editorial.fileDescription(file, in: tenant) ?? ""
        }
        let intent = EntryForm.intent(form)
        let basedOn = Int64(form["ban"])
        do {
            let (saved, outcome) = try await self.editorial.saveEntry(
                draft, id: id, intent: intent, basedOn: basedOn, in: tenant, by: session.user, address: context.remoteAddress)
            // Saved for real: what was kept while typing is no longer needed.
            try await self.editorial.discardAutosaves(entries: id == nil ? [0, saved] : [saved], in: tenant, by: session.user)
            return Self.redirect("\(context.base)/bai/\(saved)?ket-qua=\(EntryForm.outcome(outcome))")
        } catch let failure as ValidationFailure {
            var item: EditorEntry?
            var latest: Int64?
            if let id {
                item = try await self.editorial.item(id, in: tenant)
                // After a clash the next save is a conscious one: the form now knows the newest save.
                latest = try await self.editorial.latestSave(of: id, in: tenant)
            }
            return try await self.entryForm(
                context, section: section, draft: draft, id: id, errors: EntryForm.errors(failure), status: .badRequest, item: item, basedOn: latest)
        }
    }

    /// The notice after a save or a step of the workflow.
    static func outcome(_ request: Request) -> String? {
        guard let query = request.uri.query else { return nil }
        return EntryForm.notice(QueryItemsOf(request)["ket-qua"] ?? "") ?? (query.contains("da-luu=1") ? "Đã lưu." : nil)
    }

    func entryForm(
        _ context: CommuneConsoleContext, section: Section, draft d: EntryDraft, id: Int64?, errors: [String: String],
        status: HTTPResponse.Status, notice: String? = nil, item: EditorEntry? = nil, basedOn: Int64? = nil, autosave: AutosaveOffer? = nil
    ) async throws -> Response {
        let files = try await self.services.database.withConnection(schema: context.tenant.schema) { connection in
            try await self.services.content.files(in: context.tenant.schema, on: connection)
        }
        let title = id == nil ? "Thêm \(d.kind.title.lowercased()) – \(section.title)" : "Sửa \(d.kind.title.lowercased())"
        let approves = context.session.user.mayApprove(context.tenant)
        let main = HTML([
            item.map { ReviewViews.statePanel(base: context.base, item: $0, approves: approves, csrf: context.session.csrf) } ?? .empty,
            EditorViews.entryForm(base: context.base, section: section, draft: d, id: id, errors: errors, csrf: context.session.csrf, item: item, approves: approves, basedOn: basedOn,
                files: files, limitMB: self.editorial.maxUpload / 1024 / 1024, editor: self.editorVersion, autosave: autosave),
        ])
        return self.page(context, title: title, status: status, notice: notice, active: "\(context.base)/bai", main: main, headers: self.editorHeaders)
    }

    @Sendable func changeEntryStatus(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let id = try Self.id(context)
        let form = try await self.form(request, context, session: session)
        guard let status = EntryStatus(rawValue: form["trang-thai"]) else { throw PageError.badRequest("Trạng thái không hợp lệ.") }
        // Taking an item off the site asks first: the list's button leads
        // here, and only the confirmation's own button changes anything.
        if status == .unpublished, form["xac-nhan"] != "1" {
            guard let entry = try await self.services.database.withConnection(schema: tenant.schema, { connection in
                try await self.services.content.anyEntry(tenant.schema, id: id, on: connection)
            }) else { throw PageError.notFound("Không có bài này.") }
            let main = EditorViews.confirmUnpublish(base: context.base, entry: entry, csrf: session.csrf)
            return self.page(context, title: "Gỡ bài xuống?", main: main)
        }
        do {
            try await self.editorial.setEntryStatus(status, entry: id, in: tenant, by: session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            throw PageError.badRequest("Chưa đăng được bài: \(failure.summary)")
        }
        return Self.redirect("\(context.base)/bai/\(id)?ket-qua=\(status == .unpublished ? "da-go" : "da-dang")")
    }

    // MARK: Static sections and site

    @Sendable func editSectionBody(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        guard let id = Int(context.parameters.get("section") ?? ""), let section = try await self.sections(tenant).first(where: { $0.id == id }) else {
            throw HTTPError(.notFound)
        }
        let (body, format): (String, BodyFormat) = section.bodySource.isEmpty
            ? (section.body, .html) : (section.bodySource, BodyFormat(rawValue: section.bodyFormat) ?? .html)
        var leaders: [Entry] = []
        if section.id == MandatorySection.introduction.id {
            leaders = try await self.services.database.withConnection(schema: tenant.schema) { connection in
                try await self.services.content.editorEntries(tenant.schema, section: section.id, page: 1, size: 100, on: connection).items
            }
        }
        return self.sectionForm(
            context, session: session, section: section, body: body, format: format, errors: [:], status: .ok,
            notice: Self.saved(request), leaders: leaders)
    }

    func sectionForm(
        _ context: CommuneConsoleContext, session: ConsoleSession, section: Section, body: String, format: BodyFormat,
        errors: [String: String], status: HTTPResponse.Status, notice: String?, leaders: [Entry] = []
    ) -> Response {
        let main = EditorViews.sectionBody(
            base: context.base, section: section, body: body, format: format, errors: errors, csrf: session.csrf, leaders: leaders, editor: self.editorVersion)
        return self.page(context, title: section.title, status: status, notice: notice, main: main, headers: self.editorHeaders)
    }

    @Sendable func saveSectionBody(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        guard let id = Int(context.parameters.get("section") ?? ""), let section = try await self.sections(tenant).first(where: { $0.id == id }) else {
            throw HTTPError(.notFound)
        }
        let form = try await self.form(request, context, session: session)
        let format = BodyFormat(rawValue: form["dinh-dang"]) ?? .html
        do {
            try await self.editorial.saveSectionBody(id, body: form["noi-dung"], format: format, in: tenant, by: session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            return self.sectionForm(context, session: session, section: section, body: form["noi-dung"], format: format, errors: SmallForms.bodyErrors(failure), status: .badRequest, notice: nil)
        }
        return Self.redirect("\(context.base)/trang/\(id)?da-luu=1")
    }

    @Sendable func editSite(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let site = try await self.services.database.withConnection(schema: tenant.schema) { connection in
            try await self.services.content.site(tenant.schema, on: connection)
        } ?? SiteInfo(publisher: "")
        let fields = SiteForm.values(SiteInfoDraft(site))
        return self.siteForm(context, session: session, fields: fields, errors: [:], status: .ok, notice: Self.saved(request))
    }

    func siteForm(
        _ context: CommuneConsoleContext, session: ConsoleSession, fields f: [String: String], errors: [String: String],
        status: HTTPResponse.Status, notice: String?
    ) -> Response {
        let main = EditorViews.site(base: context.base, fields: f, errors: errors, csrf: session.csrf)
        return self.page(context, title: "Thông tin chung", status: status, notice: notice, active: "\(context.base)/thong-tin", main: main)
    }

    @Sendable func saveSite(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let form = try await self.form(request, context, session: session)
        do {
            try await self.editorial.saveSite(SiteForm.draft(from: form), in: tenant, by: session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            return self.siteForm(context, session: session, fields: form.fields, errors: SiteForm.errors(failure), status: .badRequest, notice: nil)
        }
        return Self.redirect("\(context.base)/thong-tin?da-luu=1")
    }

    // MARK: Questions and comments

    @Sendable func questions(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let tenant = context.tenant
        let questions = try await self.services.database.withConnection(schema: tenant.schema) { connection in
            try await self.services.content.questions(publishedOnly: false, in: tenant.schema, on: connection)
        }
        let now = Date()
        let main = EditorViews.questions(base: context.base, questions, now: now)
        return self.page(context, title: "Hỏi đáp", notice: Self.saved(request), active: "\(context.base)/hoi-dap", main: main)
    }

    @Sendable func question(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        guard let q = try await self.services.database.withConnection(schema: tenant.schema, { connection in
            try await self.services.content.question(id: try Self.id(context), in: tenant.schema, on: connection)
        }) else { throw HTTPError(.notFound) }
        return self.questionPage(context, session: session, q: q, errors: [:], status: .ok, answer: q.answer, state: q.status, publish: q.published)
    }

    func questionPage(
        _ context: CommuneConsoleContext, session: ConsoleSession, q: Question, errors: [String: String], status: HTTPResponse.Status,
        answer: String, state: Question.Status, publish: Bool
    ) -> Response {
        let main = EditorViews.question(base: context.base, q, errors: errors, csrf: session.csrf, answer: answer, state: state, publish: publish)
        return self.page(context, title: q.title, status: status, active: "\(context.base)/hoi-dap", main: main)
    }

    @Sendable func answer(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let id = try Self.id(context)
        let form = try await self.form(request, context, session: session)
        let state = Question.Status(rawValue: form["trang-thai"]) ?? .received
        let publish = form["cong-khai"] == "1"
        do {
            try await self.editorial.answerQuestion(
                id, status: state, answer: form["tra-loi"], publish: publish, in: tenant, by: session.user, address: context.remoteAddress,
                siteURL: context.siteURL)
        } catch let failure as ValidationFailure {
            guard let q = try await self.services.database.withConnection(schema: tenant.schema, { connection in
                try await self.services.content.question(id: id, in: tenant.schema, on: connection)
            }) else { throw HTTPError(.notFound) }
            return self.questionPage(context, session: session, q: q, errors: SmallForms.answerErrors(failure), status: .badRequest, answer: form["tra-loi"], state: state, publish: publish)
        }
        return Self.redirect("\(context.base)/hoi-dap?da-luu=1")
    }

    @Sendable func comments(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let pending = try await self.services.database.withConnection(schema: tenant.schema) { connection in
            try await self.services.content.comments(entry: nil, status: .pending, in: tenant.schema, on: connection)
        }
        let main = EditorViews.comments(base: context.base, pending, csrf: session.csrf)
        return self.page(context, title: "Góp ý dự thảo", notice: Self.saved(request), active: "\(context.base)/y-kien", main: main)
    }

    @Sendable func moderate(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        let id = try Self.id(context)
        let form = try await self.form(request, context, session: session)
        try await self.editorial.moderateComment(id, approve: form["duyet"] == "1", in: tenant, by: session.user, address: context.remoteAddress)
        return Self.redirect("\(context.base)/y-kien?da-luu=1")
    }
}

