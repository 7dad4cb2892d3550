import Foundation
import Logging
import PostgresNIO

/// The rows of an item's approval, history, trash and preview links in one
/// commune's schema (sql/tenant/0008), and the platform's review queue
/// (sql/platform/0017). The schema name is the validated ``SchemaName``;
/// every value is a bind.
struct ReviewRepository: Sendable {
    let logger: Logger

    static let reviewColumns = "review, review_note, submitted_by, approved_by, pending_revision, deleted_at, deleted_status"

    static func decodeReview(_ row: PostgresRow, _ c: Columns) throws -> EntryReview {
        let r = row.makeRandomAccess()
        var review = EntryReview()
        review.state = ReviewState(rawValue: try c("review", r)) ?? .none
        review.note = try c("review_note", r)
        review.submittedBy = try c("submitted_by", r)
        review.approvedBy = try c("approved_by", r)
        review.pendingRevision = try c("pending_revision", r)
        review.deletedAt = try c("deleted_at", r)
        review.deletedStatus = (try c("deleted_status", r) as String?).flatMap(EntryStatus.init(rawValue:))
        return review
    }

    // MARK: Items

    /// An item, whatever its state, with its approval state; locked for the
    /// transaction when `forUpdate`.
    func item(_ schema: SchemaName, id: Int64, forUpdate: Bool = false, on connection: UnitOfWork) async throws -> EditorEntry? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.query(
            """
            SELECT \(unescaped: ContentStore.entryColumns), \(unescaped: Self.reviewColumns)
              FROM \(unescaped: schema.quoted).entries WHERE id = \(id)\(unescaped: lock)
            """, logger: self.logger)
        for try await row in rows {
            let c = Columns.of(row)
            return EditorEntry(entry: try ContentStore.decodeEntry(row, c), review: try Self.decodeReview(row, c))
        }
        return nil
    }

    /// The console's list: a commune's items matching `filter`, newest first
    /// (the trash only when the filter asks for it).
    func items(_ schema: SchemaName, filter f: EntryFilter, page: Int, size: Int, now: Date, on connection: UnitOfWork) async throws -> Page<EditorEntry> {
        let state = f.state?.rawValue
        let rows = try await connection.query(
            """
            SELECT \(unescaped: ContentStore.summaryColumns), \(unescaped: Self.reviewColumns), count(*) OVER () AS total
              FROM \(unescaped: schema.quoted).entries
             WHERE (\(f.sectionID)::int4 IS NULL OR section_id = \(f.sectionID))
               AND (\(f.text) = '' OR strpos(platform.fold(title || ' ' || summary || ' ' || author || ' ' || coalesce(doc_number, '')), platform.fold(\(f.text))) > 0)
               AND (\(f.author) = '' OR strpos(platform.fold(author), platform.fold(\(f.author))) > 0)
               AND (\(f.from)::timestamptz IS NULL OR updated_at >= \(f.from))
               AND (\(f.until)::timestamptz IS NULL OR updated_at < \(f.until))
               AND CASE \(state)::text
                     WHEN 'deleted' THEN status = 'deleted'
                     WHEN 'pending' THEN status <> 'deleted' AND review = 'pending'
                     WHEN 'returned' THEN status <> 'deleted' AND review = 'returned'
                     WHEN 'draft' THEN status = 'draft' AND review = 'none'
                     WHEN 'unpublished' THEN status = 'unpublished'
                     WHEN 'scheduled' THEN status = 'published' AND published_at > \(now)
                     WHEN 'published' THEN status = 'published' AND published_at <= \(now)
                     ELSE status <> 'deleted'
                   END
             ORDER BY updated_at DESC, id DESC LIMIT \(size) OFFSET \((page - 1) * size)
            """, logger: self.logger)
        var items: [EditorEntry] = []
        var total = 0
        var columns: Columns?
        for try await row in rows {
            let c = columns ?? Columns.of(row)
            columns = c
            items.append(EditorEntry(entry: try ContentStore.decodeEntry(row, c), review: try Self.decodeReview(row, c)))
            total = try c("total", row.makeRandomAccess())
        }
        return Page(items: items, number: page, size: size, total: total)
    }

    func setReview(_ schema: SchemaName, entry id: Int64, _ review: EntryReview, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).entries
               SET review = \(review.state.rawValue), review_note = \(review.note), submitted_by = \(review.submittedBy),
                   approved_by = \(review.approvedBy), pending_revision = \(review.pendingRevision), updated_at = now()
             WHERE id = \(id)
            """, logger: self.logger)
    }

    /// Sets a published, unpublished or draft item's status.
    func setStatus(_ schema: SchemaName, entry id: Int64, _ status: EntryStatus, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).entries
               SET status = \(status.rawValue), updated_at = now(),
                   deleted_at = NULL, deleted_status = NULL
             WHERE id = \(id)
            """, logger: self.logger)
    }

    // MARK: Trash

    func moveToTrash(_ schema: SchemaName, entry id: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).entries
               SET deleted_status = status, status = 'deleted', deleted_at = now(), review = 'none', review_note = '',
                   approved_by = '{}', updated_at = now()
             WHERE id = \(id) AND status <> 'deleted'
            """, logger: self.logger)
    }

    /// Deletes for good the items in the trash for more than `days` days;
    /// returns how many.
    func purge(_ schema: SchemaName, olderThan days: Int, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            WITH gone AS (
                DELETE FROM \(unescaped: schema.quoted).entries
                 WHERE status = 'deleted' AND deleted_at < now() - make_interval(days => \(days)::int4) RETURNING id)
            SELECT count(*) FROM gone
            """, logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    // MARK: Revisions

    func insertRevision(
        _ schema: SchemaName, entry id: Int64, action: Revision.Action, data: Entry?, user: StaffUser?, userName: String? = nil,
        note: String = "", at: Date? = nil, on connection: UnitOfWork
    ) async throws -> Int64 {
        let json = try data.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).entry_revisions (entry_id, action, data, user_id, user_name, note, created_at)
            VALUES (\(id), \(action.rawValue), \(json)::jsonb, \(user?.id), \(userName ?? user?.displayName ?? ""), \(note),
                    coalesce(\(at), clock_timestamp()))
            RETURNING id
            """, logger: self.logger
        ).collect().first?.decode(Int64.self) ?? 0
    }

    /// The newest save of an item: its id, who made it and when.
    func latestSave(_ schema: SchemaName, entry id: Int64, on connection: UnitOfWork) async throws -> (id: Int64, by: String, at: Date)? {
        let rows = try await connection.query(
            """
            SELECT id, user_name, created_at FROM \(unescaped: schema.quoted).entry_revisions
             WHERE entry_id = \(id) AND data IS NOT NULL ORDER BY id DESC LIMIT 1
            """, logger: self.logger)
        for try await (id, by, at) in rows.decode((Int64, String, Date).self) { return (id, by, at) }
        return nil
    }

    func hasRevisions(_ schema: SchemaName, entry id: Int64, on connection: UnitOfWork) async throws -> Bool {
        try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM \(unescaped: schema.quoted).entry_revisions WHERE entry_id = \(id) AND data IS NOT NULL)",
            logger: self.logger
        ).collect().first?.decode(Bool.self) ?? false
    }

    /// An item's history, newest first; the saved fields only when `withData`.
    func revisions(_ schema: SchemaName, entry id: Int64, withData: Bool = false, on connection: UnitOfWork) async throws -> [Revision] {
        let rows = try await connection.query(
            """
            SELECT id, entry_id, action, CASE WHEN \(withData) THEN data::text END, data IS NOT NULL, user_id, user_name, note, created_at
              FROM \(unescaped: schema.quoted).entry_revisions WHERE entry_id = \(id) ORDER BY id DESC LIMIT 500
            """, logger: self.logger)
        return try await self.decodeRevisions(rows)
    }

    /// One revision with its fields, and the save before it (what it changed).
    func revision(_ schema: SchemaName, entry: Int64, id: Int64, on connection: UnitOfWork) async throws -> (Revision, previous: Revision?)? {
        let rows = try await connection.query(
            """
            (SELECT id, entry_id, action, data::text, true, user_id, user_name, note, created_at
               FROM \(unescaped: schema.quoted).entry_revisions WHERE entry_id = \(entry) AND id = \(id) AND data IS NOT NULL)
            UNION ALL
            (SELECT id, entry_id, action, data::text, true, user_id, user_name, note, created_at
               FROM \(unescaped: schema.quoted).entry_revisions WHERE entry_id = \(entry) AND id < \(id) AND data IS NOT NULL
              ORDER BY id DESC LIMIT 1)
            """, logger: self.logger)
        let found = try await self.decodeRevisions(rows)
        guard let first = found.first, first.id == id else { return nil }
        return (first, found.dropFirst().first)
    }

    func decodeRevisions(_ rows: PostgresRowSequence) async throws -> [Revision] {
        var result: [Revision] = []
        let decoder = JSONDecoder()
        for try await (id, entryID, action, json, _, userID, userName, note, created) in rows.decode(
            (Int64, Int64, String, String?, Bool, Int64?, String, String, Date).self)
        {
            let entry = try json.map { try decoder.decode(Entry.self, from: Data($0.utf8)) }
            result.append(
                Revision(
                    id: id, entryID: entryID, action: Revision.Action(rawValue: action) ?? .save, entry: entry, userID: userID,
                    userName: userName, note: note, createdAt: created))
        }
        return result
    }

    /// What waits in a commune: items pending and sent back, and its uploads' count and bytes.
    func summary(_ schema: SchemaName, on connection: UnitOfWork) async throws -> WorkSummary {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM \(unescaped: schema.quoted).entries WHERE status <> 'deleted' AND review = 'pending'),
                   (SELECT count(*) FROM \(unescaped: schema.quoted).entries WHERE status <> 'deleted' AND review = 'returned'),
                   (SELECT count(*) FROM \(unescaped: schema.quoted).entries WHERE status = 'deleted'),
                   (SELECT count(*) FROM \(unescaped: schema.quoted).files),
                   (SELECT coalesce(sum(size), 0)::int8 FROM \(unescaped: schema.quoted).files)
            """, logger: self.logger)
        for try await (pending, returned, trashed, files, bytes) in rows.decode((Int, Int, Int, Int, Int64).self) {
            return WorkSummary(pending: pending, returned: returned, trashed: trashed, files: files, bytes: bytes)
        }
        return WorkSummary(pending: 0, returned: 0, trashed: 0, files: 0, bytes: 0)
    }

    // MARK: Preview links

    func insertPreview(_ schema: SchemaName, token: String, entry id: Int64, by name: String, expires: Date, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).preview_links (token_hash, entry_id, created_by, expires_at)
            VALUES (sha256(convert_to(\(token), 'UTF8')), \(id), \(name), \(expires))
            """, logger: self.logger)
        try await connection.query("DELETE FROM \(unescaped: schema.quoted).preview_links WHERE expires_at < now()", logger: self.logger)
    }

    /// The item a live preview link shows.
    func previewEntry(_ schema: SchemaName, token: String, now: Date, on connection: UnitOfWork) async throws -> Int64? {
        try await connection.query(
            """
            SELECT entry_id FROM \(unescaped: schema.quoted).preview_links
             WHERE token_hash = sha256(convert_to(\(token), 'UTF8')) AND expires_at > \(now)
            """, logger: self.logger
        ).collect().first?.decode(Int64.self)
    }

    // MARK: Settings

    func approvalSteps(_ schema: SchemaName, on connection: UnitOfWork) async throws -> Int {
        try await connection.query("SELECT approval_steps FROM \(unescaped: schema.quoted).site", logger: self.logger)
            .collect().first?.decode(Int.self) ?? 1
    }

    func setApprovalSteps(_ schema: SchemaName, _ steps: Int, on connection: UnitOfWork) async throws {
        try await connection.query("UPDATE \(unescaped: schema.quoted).site SET approval_steps = \(steps)", logger: self.logger)
    }

    // MARK: The platform's queue

    func enqueue(tenantID: Int64, entry: Int64, title: String, by name: String, approvals: Int, steps: Int, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.review_queue (tenant_id, entry_id, title, submitted_by, approvals, steps)
            VALUES (\(tenantID), \(entry), \(title), \(name), \(approvals), \(steps))
            ON CONFLICT (tenant_id, entry_id) DO UPDATE
               SET title = excluded.title, approvals = excluded.approvals, steps = excluded.steps,
                   submitted_by = CASE WHEN excluded.approvals = 0 THEN excluded.submitted_by ELSE platform.review_queue.submitted_by END,
                   submitted_at = CASE WHEN excluded.approvals = 0 THEN now() ELSE platform.review_queue.submitted_at END
            """, logger: self.logger)
    }

    func dequeue(tenantID: Int64, entry: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM platform.review_queue WHERE tenant_id = \(tenantID) AND entry_id = \(entry)", logger: self.logger)
    }

    /// What waits for approval in the communes `tenantIDs`, oldest first.
    func queue(tenantIDs: [Int64], on connection: UnitOfWork) async throws -> [QueuedEntry] {
        let rows = try await connection.query(
            """
            SELECT tenant_id, entry_id, title, submitted_by, submitted_at, approvals, steps FROM platform.review_queue
             WHERE tenant_id = ANY(\(tenantIDs)) ORDER BY submitted_at LIMIT 1000
            """, logger: self.logger)
        var result: [QueuedEntry] = []
        for try await (tenant, entry, title, by, at, approvals, steps) in rows.decode((Int64, Int64, String, String, Date, Int, Int).self) {
            result.append(QueuedEntry(tenantID: tenant, entryID: entry, title: title, submittedBy: by, submittedAt: at, approvals: approvals, steps: steps))
        }
        return result
    }
}
