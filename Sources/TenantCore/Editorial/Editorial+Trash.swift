import Foundation

/// An item's trash, its preview links, the commune's approval setting and
/// the console's lists of items and queues.
extension Editorial {
    // MARK: Trash

    /// Moves an item to the trash. An item online is taken down first,
    /// which only an approver may do.
    public func trashEntry(_ id: Int64, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        try await self.change(tenant, by: user, action: "entry.delete", detail: { _ in "#\(id)" }, address: address) { connection in
            guard let current = try await self.reviews.item(tenant.schema, id: id, forUpdate: true, on: connection), current.entry.status != .deleted else {
                throw TenantCoreError(.notFound, "entry \(id) does not exist")
            }
            if current.entry.status == .published, !user.mayApprove(tenant) { throw TenantCoreError(.forbidden, Self.approverOnly) }
            try await self.reviews.moveToTrash(tenant.schema, entry: id, on: connection)
            _ = try await self.reviews.insertRevision(tenant.schema, entry: id, action: .delete, data: nil, user: user, on: connection)
            try await self.reviews.dequeue(tenantID: tenant.id, entry: id, on: connection)
        }
    }

    /// Takes an item out of the trash, as it was; one that was online comes
    /// back online only for an approver (otherwise taken down).
    @discardableResult
    public func untrashEntry(_ id: Int64, in tenant: Tenant, by user: StaffUser, address: String) async throws -> EntryStatus {
        try await self.change(tenant, by: user, action: "entry.undelete", detail: { "#\(id) → \($0.rawValue)" }, address: address) { connection in
            guard let current = try await self.reviews.item(tenant.schema, id: id, forUpdate: true, on: connection), current.entry.status == .deleted else {
                throw TenantCoreError(.notFound, "entry \(id) is not in the trash")
            }
            var status = current.review.deletedStatus ?? .draft
            if status == .published, !user.mayApprove(tenant) { status = .unpublished }
            try await self.reviews.setStatus(tenant.schema, entry: id, status, on: connection)
            _ = try await self.reviews.insertRevision(tenant.schema, entry: id, action: .undelete, data: nil, user: user, on: connection)
            return status
        }
    }

    /// Deletes for good what has been in the commune's trash for more than
    /// `days` days; returns how many items.
    public func purgeTrash(in tenant: Tenant, olderThan days: Int = ReviewLimits.trashDays) async throws -> Int {
        let count = try await self.transaction(tenant.schema) { connection in
            let count = try await self.reviews.purge(tenant.schema, olderThan: days, on: connection)
            try await self.autosaves.purge(tenant.schema, olderThan: days, on: connection)
            if count > 0 {
                try await self.accounts.audit(nil, actor: "hệ thống", commune: tenant.code, action: "trash.purge", detail: "\(count)", address: "", on: connection)
            }
            return count
        }
        return count
    }

    // MARK: Preview and settings

    /// A link that shows the item (its newest revision) in the site's
    /// layout for ``ReviewLimits/previewLifetime``; returns its token.
    public func previewLink(for id: Int64, in tenant: Tenant, by user: StaffUser) async throws -> String {
        let token = Accounts.randomToken()
        let expires = Date().addingTimeInterval(ReviewLimits.previewLifetime)
        try await self.transaction(tenant.schema) { connection in
            guard try await self.reviews.item(tenant.schema, id: id, on: connection) != nil else { throw TenantCoreError(.notFound, "entry \(id) does not exist") }
            try await self.reviews.insertPreview(tenant.schema, token: token, entry: id, by: user.displayName, expires: expires, on: connection)
        }
        return token
    }

    /// What a preview link shows: the item's newest revision, or nil when
    /// the link is unknown or expired.
    public func previewEntry(token: String, in tenant: Tenant, on connection: UnitOfWork) async throws -> Entry? {
        guard token.count == 43, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        guard let id = try await self.reviews.previewEntry(tenant.schema, token: token, now: Date(), on: connection),
            let item = try await self.reviews.item(tenant.schema, id: id, on: connection)
        else { return nil }
        var entry = item.entry
        if let pending = item.review.pendingRevision, let saved = try await self.reviews.revision(tenant.schema, entry: id, id: pending, on: connection)?.0.entry {
            entry = saved
            entry.id = id
        }
        return entry
    }

    public func approvalSteps(in tenant: Tenant) async throws -> Int {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.approvalSteps(tenant.schema, on: connection)
        }
    }

    /// How many people approve an item of this commune (1 to 3): an approver's setting.
    public func setApprovalSteps(_ steps: Int, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        guard (1...3).contains(steps) else { throw ValidationFailure(["so-buoc": "Chọn từ 1 đến 3 người duyệt."]) }
        guard user.mayApprove(tenant) else { throw TenantCoreError(.forbidden, Self.approverOnly) }
        try await self.change(tenant, by: user, action: "site.approval_steps", detail: { _ in "\(steps)" }, address: address) { connection in
            try await self.reviews.setApprovalSteps(tenant.schema, steps, on: connection)
        }
    }

    /// The console's list of a commune's items.
    public func items(_ filter: EntryFilter, page: Int, size: Int = 30, in tenant: Tenant) async throws -> Page<EditorEntry> {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.items(tenant.schema, filter: filter, page: page, size: size, now: Date(), on: connection)
        }
    }

    /// One item with its approval state.
    public func item(_ id: Int64, in tenant: Tenant) async throws -> EditorEntry? {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.item(tenant.schema, id: id, on: connection)
        }
    }

    /// The dashboard's figures of a commune.
    public func summary(of tenant: Tenant) async throws -> WorkSummary {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.reviews.summary(tenant.schema, on: connection)
        }
    }

    /// What waits for approval in `tenants` (district and province staff).
    public func queue(of tenants: [Tenant]) async throws -> [QueuedEntry] {
        try await self.database.withConnection { connection in
            try await self.reviews.queue(tenantIDs: tenants.map(\.id), on: connection)
        }
    }
}
