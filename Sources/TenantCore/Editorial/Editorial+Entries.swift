import Foundation

/// An item's life in the console: saved as drafts (every save a revision),
/// submitted, approved by as many people as the commune asks for, sent
/// back with a comment, published, taken down, moved to the trash and
/// restored. Citizens only ever see an item's row as last approved: a change
/// to a published item waits in a revision until it is approved.
extension Editorial {
    var reviews: ReviewRepository { ReviewRepository(logger: self.logger) }

    /// The message when someone who may not approve asks to publish.
    static let approverOnly = "Chỉ người duyệt bài mới đăng, gỡ hoặc khôi phục bài đã đăng. Bấm “Gửi duyệt” để người duyệt xem bài."

    /// Creates (id nil) or updates an item from an editor's form.
    /// - Parameter intent: save the draft, submit it, or approve and publish it.
    /// - Parameter basedOn: the newest save when the form was opened
    ///   (``latestSave(of:in:)``, 0 when there was none): a save made since,
    ///   in another tab or by another person, is not overwritten unknowingly.
    /// - Throws: ``ValidationFailure`` with a message per field, or ``TenantCoreError``.
    @discardableResult
    public func saveEntry(
        _ draft: EntryDraft, id: Int64?, intent: SaveIntent, basedOn: Int64? = nil, in tenant: Tenant, by user: StaffUser, address: String
    ) async throws -> (id: Int64, outcome: ReviewOutcome) {
        let schema = tenant.schema
        let sections = try await self.database.withConnection(schema: schema) { connection in
            try await self.content.sections(schema, on: connection)
        }
        guard let section = sections.first(where: { $0.id == draft.sectionID }), section.kind != .footer else {
            throw ValidationFailure([EntryDraft.Field.sectionID.rawValue: "Chuyên mục không tồn tại."])
        }
        if intent == .publish, !user.mayApprove(tenant) {
            throw ValidationFailure([EntryDraft.Field.publish.rawValue: Self.approverOnly])
        }
        var existing: EditorEntry?
        if let id {
            existing = try await self.database.withConnection(schema: schema) { connection in try await self.reviews.item(schema, id: id, on: connection) }
            guard let existing else { throw TenantCoreError(.notFound, "entry \(id) does not exist") }
            if existing.entry.status == .deleted {
                throw ValidationFailure([EntryDraft.Field.title.rawValue: "Bài đang ở thùng rác; khôi phục bài trước khi sửa."])
            }
        }
        var form = draft
        // Only publishing reads the publication choice; a save keeps the item as it is online.
        if intent != .publish { form.publish = existing?.entry.status == .published ? .keep : .draft }
        let entry = try form.validated(section: section, existing: existing?.entry)
        if intent != .draft { try EntryDraft.checkImagesDescribed(in: entry.body) }
        try await self.checkFileLinks(entry, in: schema)
        return try await self.change(
            tenant, by: user, action: id == nil ? "entry.create" : "entry.update",
            detail: { "\(section.title) #\($0.id): \(entry.title) (\(Self.describe($0.outcome)))" }, address: address
        ) { connection in
            if let id, let basedOn, let latest = try await self.reviews.latestSave(schema, entry: id, on: connection), latest.id != basedOn {
                throw ValidationFailure([
                    EntryDraft.Field.title.rawValue:
                        "\(latest.by) đã lưu bài này lúc \(VietnamTime(latest.at).dateTimeString), sau khi trang này được mở (ở thẻ khác hoặc người khác). "
                        + "Nội dung của bạn vẫn ở dưới đây, chưa được lưu: xem bản kia ở “Lịch sử thay đổi”, hoặc bấm lưu lần nữa để lưu nội dung của bạn thành bản mới nhất."
                ])
            }
            return try await self.store(entry, id: id, action: .save, note: "", intent: intent, tenant: tenant, user: user, on: connection)
        }
    }

    /// The newest save of an item (0: none yet), for ``saveEntry(_:id:intent:basedOn:in:by:address:)``.
    public func latestSave(of id: Int64, in tenant: Tenant) async throws -> Int64 {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.latestSave(tenant.schema, entry: id, on: connection)?.id ?? 0
        }
    }

    /// The item's newest save and its time (nil: never, an item from before revisions).
    public func newestSave(of id: Int64, in tenant: Tenant) async throws -> (id: Int64, at: Date)? {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.latestSave(tenant.schema, entry: id, on: connection).map { ($0.id, $0.at) }
        }
    }

    /// Links to uploads must name files this commune has.
    func checkFileLinks(_ entry: Entry, in schema: SchemaName) async throws {
        var missing: [String: String] = [:]
        for (field, url) in [(EntryDraft.Field.fileURL.rawValue, entry.fileURL), (EntryDraft.Field.imageURL.rawValue, entry.imageURL)] {
            guard let url, url.hasPrefix("/tep/") else { continue }
            guard let fileID = Int64(url.dropFirst(5).prefix { $0.isNumber }),
                try await self.database.withConnection(schema: schema, { connection in try await self.content.fileExists(fileID, in: schema, on: connection) })
            else {
                missing[field] = "Không có tệp \(url) trong mục Tệp tải lên của trang này."
                continue
            }
        }
        if !missing.isEmpty { throw ValidationFailure(missing) }
    }

    static func describe(_ outcome: ReviewOutcome) -> String {
        switch outcome {
        case .saved: "đã lưu"
        case .submitted: "gửi duyệt"
        case .approved(let remaining): "đã duyệt, còn \(remaining) người duyệt"
        case .published: "đã đăng"
        case .returned: "trả lại"
        }
    }

    /// Stores `content` as the item's newest revision (and in its row, unless
    /// the row is online), then takes the step `intent` asks for.
    func store(
        _ content: Entry, id: Int64?, action: Revision.Action, note: String, intent: SaveIntent, tenant: Tenant, user: StaffUser,
        on connection: UnitOfWork
    ) async throws -> (id: Int64, outcome: ReviewOutcome) {
        let schema = tenant.schema
        var current: EditorEntry?
        if let id {
            current = try await self.reviews.item(schema, id: id, forUpdate: true, on: connection)
            guard current != nil else { throw TenantCoreError(.notFound, "entry \(id) does not exist") }
        }
        var stored = content
        let entryID: Int64
        var review = current?.review ?? EntryReview()
        if let current {
            entryID = current.entry.id
            if try await !self.reviews.hasRevisions(schema, entry: entryID, on: connection) {
                // What the item said before its history was kept.
                _ = try await self.reviews.insertRevision(
                    schema, entry: entryID, action: .save, data: current.entry, user: nil,
                    userName: current.entry.author.isEmpty ? "Không rõ" : current.entry.author, note: "Bản trước khi có lịch sử",
                    at: current.entry.updatedAt, on: connection)
            }
            if current.entry.status == .published {
                stored.status = .published
                stored.publishedAt = current.entry.publishedAt
            } else {
                stored.status = current.entry.status
                guard try await self.content.update(stored, id: entryID, in: schema, on: connection) else {
                    throw TenantCoreError(.notFound, "entry \(entryID) is not in this section")
                }
            }
        } else {
            stored.status = .draft
            entryID = try await self.content.insert(stored, into: schema, on: connection)
        }
        let revision = try await self.reviews.insertRevision(schema, entry: entryID, action: action, data: stored, user: user, note: note, on: connection)
        review.pendingRevision = current?.entry.status == .published ? revision : nil
        let outcome: ReviewOutcome
        switch intent {
        case .draft:
            outcome = .saved
        case .submit:
            try await self.submit(entryID, title: stored.title, review: &review, tenant: tenant, user: user, on: connection)
            outcome = .submitted
        case .publish:
            outcome = try await self.approve(
                entryID, publishAt: content.publishedAt, review: &review, tenant: tenant, user: user, note: "", explicit: false, on: connection)
        }
        try await self.reviews.setReview(schema, entry: entryID, review, on: connection)
        return (entryID, outcome)
    }

    func submit(_ id: Int64, title: String, review: inout EntryReview, tenant: Tenant, user: StaffUser, on connection: UnitOfWork) async throws {
        let steps = try await self.reviews.approvalSteps(tenant.schema, on: connection)
        review.state = .pending
        review.note = ""
        review.submittedBy = user.id
        review.approvedBy = []
        _ = try await self.reviews.insertRevision(tenant.schema, entry: id, action: .submit, data: nil, user: user, on: connection)
        try await self.reviews.enqueue(tenantID: tenant.id, entry: id, title: title, by: user.displayName, approvals: 0, steps: steps, on: connection)
    }

    /// One approval. The last of the steps the commune asks for publishes
    /// the item (its pending revision, if any) at `publishAt`. With more
    /// than one step, each approval is another person's, not the author's.
    /// `explicit`: the approver chose this item in the queue (an approval
    /// that cannot count is refused rather than turned into a submission).
    func approve(
        _ id: Int64, publishAt: Date?, review: inout EntryReview, tenant: Tenant, user: StaffUser, note: String, explicit: Bool,
        on connection: UnitOfWork
    ) async throws -> ReviewOutcome {
        let schema = tenant.schema
        guard user.mayApprove(tenant) else { throw ValidationFailure([EntryDraft.Field.publish.rawValue: Self.approverOnly]) }
        guard let row = try await self.reviews.item(schema, id: id, on: connection) else { throw TenantCoreError(.notFound, "entry \(id) does not exist") }
        var live = row.entry
        if let pending = review.pendingRevision,
            let saved = try await self.reviews.revision(schema, entry: id, id: pending, on: connection)?.0.entry
        {
            live = saved
        }
        // Nothing is approved with an image nobody described (a draft may have one).
        try EntryDraft.checkImagesDescribed(in: live.body)
        let steps = try await self.reviews.approvalSteps(schema, on: connection)
        if review.state != .pending {
            review.state = .pending
            review.submittedBy = user.id
            review.approvedBy = []
        }
        if review.approvedBy.contains(user.id) {
            throw ValidationFailure([EntryDraft.Field.publish.rawValue: "Bạn đã duyệt bài này; trang cần thêm người duyệt khác."])
        }
        let counts = steps == 1 || review.submittedBy != user.id
        if !counts && explicit {
            throw ValidationFailure([EntryDraft.Field.publish.rawValue: "Trang này cần \(steps) người duyệt khác người gửi bài."])
        }
        if counts { review.approvedBy.append(user.id) }
        guard review.approvedBy.count >= steps else {
            _ = try await self.reviews.insertRevision(schema, entry: id, action: counts ? .approve : .submit, data: nil, user: user, note: note, on: connection)
            try await self.reviews.enqueue(
                tenantID: tenant.id, entry: id, title: row.entry.title, by: user.displayName, approvals: review.approvedBy.count, steps: steps, on: connection)
            return counts ? .approved(remaining: steps - review.approvedBy.count) : .submitted
        }
        let now = Date()
        let wasOnline = row.entry.status == .published
        live.status = .published
        live.publishedAt = publishAt ?? (wasOnline ? row.entry.publishedAt : now)
        if !wasOnline, live.publishedAt < now { live.publishedAt = now }
        guard try await self.content.update(live, id: id, in: schema, on: connection) else {
            throw TenantCoreError(.notFound, "entry \(id) does not exist")
        }
        _ = try await self.reviews.insertRevision(schema, entry: id, action: .publish, data: nil, user: user, note: note, on: connection)
        try await self.reviews.dequeue(tenantID: tenant.id, entry: id, on: connection)
        review = EntryReview()
        return .published
    }

    /// Approves the item `id` from the queue or its page: published at
    /// `publishAt` (nil: now, or its date if it is online).
    @discardableResult
    public func approveEntry(
        _ id: Int64, publishAt: Date?, note: String = "", in tenant: Tenant, by user: StaffUser, address: String
    ) async throws -> ReviewOutcome {
        let text = try Self.reviewNote(note, required: false)
        return try await self.change(tenant, by: user, action: "entry.approve", detail: { "#\(id): \(Self.describe($0))" }, address: address) {
            connection in
            guard var review = try await self.reviews.item(tenant.schema, id: id, forUpdate: true, on: connection)?.review,
                review.state == .pending
            else { throw ValidationFailure([EntryDraft.Field.publish.rawValue: "Bài không ở trạng thái chờ duyệt."]) }
            let outcome = try await self.approve(id, publishAt: publishAt, review: &review, tenant: tenant, user: user, note: text, explicit: true, on: connection)
            try await self.reviews.setReview(tenant.schema, entry: id, review, on: connection)
            return outcome
        }
    }

    /// Sends a submitted item back to its author with a comment.
    public func returnEntry(_ id: Int64, note: String, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        let text = try Self.reviewNote(note, required: true)
        guard user.mayApprove(tenant) else { throw ValidationFailure([ReviewField.note.rawValue: Self.approverOnly]) }
        try await self.change(tenant, by: user, action: "entry.return", detail: { _ in "#\(id): \(text)" }, address: address) { connection in
            guard var review = try await self.reviews.item(tenant.schema, id: id, forUpdate: true, on: connection)?.review,
                review.state == .pending
            else { throw ValidationFailure([ReviewField.note.rawValue: "Bài không ở trạng thái chờ duyệt."]) }
            review.state = .returned
            review.note = text
            review.approvedBy = []
            _ = try await self.reviews.insertRevision(tenant.schema, entry: id, action: .return, data: nil, user: user, note: text, on: connection)
            try await self.reviews.dequeue(tenantID: tenant.id, entry: id, on: connection)
            try await self.reviews.setReview(tenant.schema, entry: id, review, on: connection)
        }
    }

    /// The form field of an approver's comment.
    public enum ReviewField: String, Sendable { case note }

    static func reviewNote(_ raw: String, required: Bool) throws -> String {
        var errors = FieldErrors()
        let text = Self.citizenText(raw, ReviewField.note, max: ReviewLimits.noteLength, label: "nhận xét", into: &errors, required: required)
        try errors.check()
        return text
    }

    /// Takes an item off the site (status `unpublished`) or puts it back
    /// (an approval): only approvers.
    public func setEntryStatus(_ status: EntryStatus, entry id: Int64, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        guard user.mayApprove(tenant) else { throw TenantCoreError(.forbidden, Self.approverOnly) }
        try await self.change(tenant, by: user, action: "entry.\(status.rawValue)", detail: { _ in "#\(id)" }, address: address) { connection in
            guard var current = try await self.reviews.item(tenant.schema, id: id, forUpdate: true, on: connection), current.entry.status != .deleted
            else { throw TenantCoreError(.notFound, "entry \(id) does not exist") }
            switch status {
            case .published:
                let at: Date? = current.entry.publishedAt > Date() ? current.entry.publishedAt : nil
                _ = try await self.approve(id, publishAt: at, review: &current.review, tenant: tenant, user: user, note: "", explicit: false, on: connection)
                try await self.reviews.setReview(tenant.schema, entry: id, current.review, on: connection)
            case .unpublished:
                try await self.reviews.setStatus(tenant.schema, entry: id, .unpublished, on: connection)
                _ = try await self.reviews.insertRevision(tenant.schema, entry: id, action: .unpublish, data: nil, user: user, on: connection)
            case .draft, .deleted:
                throw TenantCoreError(.invalidInput, "an item becomes a draft or is deleted through its own actions")
            }
        }
    }

    // MARK: History

    /// An item's history, newest first.
    public func history(of id: Int64, in tenant: Tenant) async throws -> [Revision] {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.revisions(tenant.schema, entry: id, on: connection)
        }
    }

    /// One saved revision and the one before it.
    public func revision(_ revision: Int64, of id: Int64, in tenant: Tenant) async throws -> (Revision, previous: Revision?)? {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.revision(tenant.schema, entry: id, id: revision, on: connection)
        }
    }

    /// Makes an earlier revision the newest (itself a revision); a published
    /// item keeps its approved form online until the restored one is approved.
    public func restoreRevision(_ revision: Int64, of id: Int64, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        guard let (found, _) = try await self.revision(revision, of: id, in: tenant), var data = found.entry else {
            throw TenantCoreError(.notFound, "revision \(revision) of entry \(id) does not exist")
        }
        data.id = id
        let restored = data
        try await self.change(tenant, by: user, action: "entry.restore", detail: { _ in "#\(id) ← bản #\(revision)" }, address: address) { connection in
            guard let current = try await self.reviews.item(tenant.schema, id: id, on: connection), current.entry.status != .deleted else {
                throw TenantCoreError(.notFound, "entry \(id) does not exist")
            }
            var copy = restored
            copy.sectionID = current.entry.sectionID
            _ = try await self.store(copy, id: id, action: .restore, note: "Khôi phục bản lưu lúc \(VietnamTime(found.createdAt).dateTimeString)", intent: .draft, tenant: tenant, user: user, on: connection)
        }
    }
}
