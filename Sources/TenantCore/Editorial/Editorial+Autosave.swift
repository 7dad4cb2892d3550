import Foundation

/// The entry form's autosaves: what was typed, kept every few seconds apart
/// from the item's revisions, offered back on the next visit, and who else
/// is editing the same item.
extension Editorial {
    var autosaves: AutosaveRepository { AutosaveRepository(logger: self.logger) }

    /// The most an autosave keeps, in UTF-8 bytes of its fields.
    public static let autosaveLimit = 600_000
    /// How recent another person's autosave must be to say they are editing.
    public static let editingWindow: Duration = .seconds(120)

    /// Keeps `fields` (the form's inputs, by name) for `user` and the item
    /// (nil: a new one), replacing the previous autosave; answers with its
    /// time and anyone else (or another tab) editing the same item.
    /// - Throws: ``ValidationFailure`` when too large; `TenantCoreError.notFound` for an item this commune does not have.
    public func autosave(
        entry: Int64?, section: Int, kind: EntryKind, tab: String, fields: [String: String], in tenant: Tenant, by user: StaffUser
    ) async throws -> (savedAt: Date, other: OtherEditor?) {
        let size = fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard size <= Self.autosaveLimit else {
            throw ValidationFailure([BodyField.body.rawValue: "Bài quá dài để tự lưu; hãy bấm Lưu nháp."])
        }
        let tab = String(tab.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }.map(Character.init).prefix(40))
        if let entry, try await self.item(entry, in: tenant) == nil {
            throw TenantCoreError(.notFound, "item \(entry) does not exist")
        }
        return try await self.database.withConnection(schema: tenant.schema) { connection in
            let at = try await self.autosaves.save(
                tenant.schema, user: user, entry: entry, section: section, kind: kind.rawValue, tab: tab, fields: fields, on: connection)
            guard let entry else { return (at, nil) }
            let other = try await self.autosaves.other(tenant.schema, user: user, entry: entry, tab: tab, window: Self.editingWindow, on: connection)
            return (at, other)
        }
    }

    /// `user`'s autosave of the item (nil: of a new item), if any.
    public func autosaved(entry: Int64?, in tenant: Tenant, by user: StaffUser) async throws -> Autosave? {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.autosaves.find(tenant.schema, user: user, entry: entry, on: connection)
        }
    }

    /// Forgets `user`'s autosaves of these items (0: a new item), once saved for real.
    public func discardAutosaves(entries: [Int64], in tenant: Tenant, by user: StaffUser) async throws {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.autosaves.delete(tenant.schema, user: user, entries: entries, on: connection)
        }
    }
}
