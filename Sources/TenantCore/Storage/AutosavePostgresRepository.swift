import Foundation
import Logging
import PostgresNIO

/// The entry form's autosaves of one commune's schema. Same rule as
/// ``ContentStore``: the schema is the validated ``SchemaName``, every value a bind.
struct AutosaveRepository: Sendable {
    let logger: Logger

    func save(
        _ schema: SchemaName, user: StaffUser, entry: Int64?, section: Int, kind: String, tab: String, fields: [String: String],
        on connection: UnitOfWork
    ) async throws -> Date {
        let json = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        return try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).autosaves (user_id, user_name, entry_id, section_id, kind, tab, fields)
            VALUES (\(user.id), \(user.displayName), \(entry ?? 0), \(section), \(kind), \(tab), \(json)::jsonb)
            ON CONFLICT (user_id, entry_id, tab) DO UPDATE
               SET user_name = EXCLUDED.user_name, section_id = EXCLUDED.section_id, kind = EXCLUDED.kind,
                   fields = EXCLUDED.fields, saved_at = now()
            RETURNING saved_at
            """, logger: self.logger
        ).collect().first?.decode(Date.self) ?? Date()
    }

    /// The newest autosave of someone else (or of this person in another
    /// tab) for the same item within `window`.
    func other(
        _ schema: SchemaName, user: StaffUser, entry: Int64, tab: String, window: Duration, on connection: UnitOfWork
    ) async throws -> OtherEditor? {
        let seconds = Double(window.components.seconds)
        let rows = try await connection.query(
            """
            SELECT user_id, user_name, saved_at FROM \(unescaped: schema.quoted).autosaves
             WHERE entry_id = \(entry) AND saved_at > now() - make_interval(secs => \(seconds))
               AND (user_id <> \(user.id) OR tab <> \(tab))
             ORDER BY saved_at DESC LIMIT 1
            """, logger: self.logger)
        for try await (id, name, at) in rows.decode((Int64, String, Date).self) {
            return OtherEditor(name: id == user.id ? nil : name, savedAt: at)
        }
        return nil
    }

    func find(_ schema: SchemaName, user: StaffUser, entry: Int64?, on connection: UnitOfWork) async throws -> Autosave? {
        let rows = try await connection.query(
            """
            SELECT section_id, kind, fields::text, saved_at FROM \(unescaped: schema.quoted).autosaves
             WHERE user_id = \(user.id) AND entry_id = \(entry ?? 0)
             ORDER BY saved_at DESC LIMIT 1
            """, logger: self.logger)
        for try await (section, kind, json, at) in rows.decode((Int, String, String, Date).self) {
            let fields = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
            return Autosave(entryID: entry, sectionID: section, kind: kind, fields: fields, savedAt: at)
        }
        return nil
    }

    /// Autosaves nobody saved for real within `days` days.
    func purge(_ schema: SchemaName, olderThan days: Int, on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM \(unescaped: schema.quoted).autosaves WHERE saved_at < now() - make_interval(days => \(days)::integer)", logger: self.logger)
    }

    func delete(_ schema: SchemaName, user: StaffUser, entries: [Int64], on connection: UnitOfWork) async throws {
        try await connection.query(
            "DELETE FROM \(unescaped: schema.quoted).autosaves WHERE user_id = \(user.id) AND entry_id = ANY(\(entries))", logger: self.logger)
    }
}
