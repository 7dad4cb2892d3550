import Foundation
import Logging
import PostgresNIO

/// What an old site's import has taken in (sql/tenant/0015): the items by
/// their key at the source, files by their content, and old addresses.
struct SiteImportRepository: Sendable {
    let logger: Logger

    /// Keys of the items of `source` already taken in.
    func done(_ schema: SchemaName, source: String, on connection: UnitOfWork) async throws -> Set<String> {
        let rows = try await connection.query(
            "SELECT source_id FROM \(unescaped: schema.quoted).imported_items WHERE source = \(source)", logger: self.logger)
        var keys: Set<String> = []
        for try await key in rows.decode(String.self) { keys.insert(key) }
        return keys
    }

    /// Files of `source` taken in, by their old path: id and type.
    func files(_ schema: SchemaName, source: String, on connection: UnitOfWork) async throws -> [String: (id: Int64, type: String)] {
        let rows = try await connection.query(
            """
            SELECT i.source_id, f.id, f.content_type FROM \(unescaped: schema.quoted).imported_items i
              JOIN \(unescaped: schema.quoted).files f ON f.id = i.file_id WHERE i.source = \(source)
            """, logger: self.logger)
        var files: [String: (id: Int64, type: String)] = [:]
        for try await (key, id, type) in rows.decode((String, Int64, String).self) {
            files[key.hasPrefix("file:") ? String(key.dropFirst(5)) : key] = (id, type)
        }
        return files
    }

    func file(_ schema: SchemaName, sha256: [UInt8], on connection: UnitOfWork) async throws -> (id: Int64, type: String)? {
        try await connection.query(
            """
            SELECT f.id, f.content_type FROM \(unescaped: schema.quoted).imported_files i
              JOIN \(unescaped: schema.quoted).files f ON f.id = i.file_id WHERE i.sha256 = \(ByteBuffer(bytes: sha256))
            """, logger: self.logger
        ).collect().first?.decode((Int64, String).self)
    }

    func rememberFile(_ schema: SchemaName, sha256: [UInt8], file: Int64, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).imported_files (sha256, file_id) VALUES (\(ByteBuffer(bytes: sha256)), \(file))
            ON CONFLICT (sha256) DO NOTHING
            """, logger: self.logger)
    }

    enum Target: Sendable {
        case entry(Int64), section(Int), file(Int64)
        var columns: (entry: Int64?, section: Int?, file: Int64?) {
            switch self {
            case .entry(let id): (id, nil, nil)
            case .section(let id): (nil, id, nil)
            case .file(let id): (nil, nil, id)
            }
        }
    }

    /// Records an item taken in; false when it already was (a concurrent run).
    func remember(_ schema: SchemaName, source: String, key: String, target: Target, oldURL: String, on connection: UnitOfWork) async throws -> Bool {
        let (entry, section, file) = target.columns
        return try await !connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).imported_items (source, source_id, entry_id, section_id, file_id, old_url)
            VALUES (\(source), \(key), \(entry), \(section), \(file), \(oldURL))
            ON CONFLICT (source, source_id) DO NOTHING RETURNING 1
            """, logger: self.logger
        ).collect().isEmpty
    }

    /// An old address answering for `target`; the first one given keeps it.
    func address(_ schema: SchemaName, path: String, target: Target, on connection: UnitOfWork) async throws {
        let (entry, section, file) = target.columns
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).old_addresses (path, entry_id, section_id, file_id)
            VALUES (\(path), \(entry), \(section), \(file)) ON CONFLICT (path) DO NOTHING
            """, logger: self.logger)
    }

    /// Where an old address now is: the page of a published item, a
    /// section, or a file; nil when it is not one or its item is not online.
    func newAddress(_ schema: SchemaName, path: String, now: Date, on connection: UnitOfWork) async throws -> String? {
        try await connection.query(
            """
            SELECT CASE
                     WHEN a.entry_id IS NOT NULL THEN '/' || s.slug || '/' || e.id
                     WHEN a.section_id IS NOT NULL THEN '/' || ss.slug
                     ELSE '/tep/' || a.file_id END
              FROM \(unescaped: schema.quoted).old_addresses a
              LEFT JOIN \(unescaped: schema.quoted).entries e ON e.id = a.entry_id
              LEFT JOIN \(unescaped: schema.quoted).sections s ON s.id = e.section_id
              LEFT JOIN \(unescaped: schema.quoted).sections ss ON ss.id = a.section_id
             WHERE a.path = \(path)
               AND (a.entry_id IS NULL OR (e.status = 'published' AND e.published_at <= \(now)))
            """, logger: self.logger
        ).collect().first?.decode(String.self)
    }

    /// Items of the commune brought in from an old site, among `ids`.
    func imported(_ schema: SchemaName, among ids: [Int64], on connection: UnitOfWork) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT entry_id FROM \(unescaped: schema.quoted).imported_items WHERE entry_id = ANY(\(ids))", logger: self.logger)
        var found: Set<Int64> = []
        for try await id in rows.decode(Int64.self) { found.insert(id) }
        return found
    }
}
