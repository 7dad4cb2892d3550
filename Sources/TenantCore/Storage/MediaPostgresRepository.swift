import Foundation
import Logging
import PostgresNIO

/// A commune's uploads as a library: search by name, where each is used,
/// deleting an unused one. Same rule as ``ContentStore``.
struct MediaRepository: Sendable {
    let logger: Logger

    /// `/tep/<id>` not followed by a digit, in an item's fields or text.
    static let usedBy = """
        e.image_url = '/tep/' || f.id OR e.file_url = '/tep/' || f.id
        OR (e.body LIKE '%/tep/' || f.id || '%' AND e.body ~ ('/tep/' || f.id || '([^0-9]|$)'))
        """

    func library(_ schema: SchemaName, text: String, on connection: UnitOfWork) async throws -> [LibraryFile] {
        let rows = try await connection.query(
            """
            SELECT f.id, f.name, f.content_type, f.size, f.created_at, f.alt, coalesce(used.ids, '{}'), coalesce(used.titles, '{}')
              FROM \(unescaped: schema.quoted).files f
              LEFT JOIN LATERAL (
                  SELECT array_agg(e.id ORDER BY e.id) AS ids, array_agg(e.title ORDER BY e.id) AS titles
                    FROM \(unescaped: schema.quoted).entries e WHERE \(unescaped: Self.usedBy)) used ON true
             WHERE \(text) = '' OR strpos(platform.fold(f.name), platform.fold(\(text))) > 0
             ORDER BY f.id DESC LIMIT 500
            """, logger: self.logger)
        var result: [LibraryFile] = []
        for try await (id, name, type, size, created, alt, ids, titles) in rows.decode((Int64, String, String, Int, Date, String, [Int64], [String]).self) {
            let uses = zip(ids, titles).map { LibraryFile.Use(entryID: $0, title: $1) }
            result.append(LibraryFile(file: StoredFile(id: id, name: name, contentType: type, size: size, createdAt: created), alt: alt, uses: uses))
        }
        return result
    }

    /// Titles of the items using file `id`.
    func uses(_ schema: SchemaName, file id: Int64, on connection: UnitOfWork) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT e.title FROM \(unescaped: schema.quoted).entries e, \(unescaped: schema.quoted).files f
             WHERE f.id = \(id) AND (\(unescaped: Self.usedBy)) ORDER BY e.id LIMIT 20
            """, logger: self.logger)
        var titles: [String] = []
        for try await title in rows.decode(String.self) { titles.append(title) }
        return titles
    }

    /// Deletes a file and its copies; false when it does not exist.
    func description(_ schema: SchemaName, file id: Int64, on connection: UnitOfWork) async throws -> String? {
        try await connection.query("SELECT alt FROM \(unescaped: schema.quoted).files WHERE id = \(id)", logger: self.logger)
            .collect().first?.decode(String.self)
    }

    /// Sets a file's description; false when the file does not exist.
    func describe(_ schema: SchemaName, file id: Int64, alt: String, on connection: UnitOfWork) async throws -> Bool {
        try await !connection.query(
            "UPDATE \(unescaped: schema.quoted).files SET alt = \(alt) WHERE id = \(id) RETURNING id", logger: self.logger
        ).collect().isEmpty
    }

    /// The type of a file, nil when it does not exist (row locked until the transaction ends).
    func contentType(_ schema: SchemaName, file id: Int64, on connection: UnitOfWork) async throws -> String? {
        try await connection.query(
            "SELECT content_type FROM \(unescaped: schema.quoted).files WHERE id = \(id) FOR UPDATE", logger: self.logger
        ).collect().first?.decode(String.self)
    }

    /// New contents for a file under the same id (every `/tep/<id>` keeps
    /// working), its copies replaced by `variants`.
    func replace(
        _ schema: SchemaName, file id: Int64, name: String, contentType: String, data: [UInt8], on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).files
               SET name = \(name), content_type = \(contentType), size = \(data.count), data = \(ByteBuffer(bytes: data)), created_at = now()
             WHERE id = \(id)
            """, logger: self.logger)
        try await connection.query("DELETE FROM \(unescaped: schema.quoted).file_variants WHERE file_id = \(id)", logger: self.logger)
    }

    func delete(_ schema: SchemaName, file id: Int64, on connection: UnitOfWork) async throws -> Bool {
        try await !connection.query(
            "DELETE FROM \(unescaped: schema.quoted).files WHERE id = \(id) RETURNING id", logger: self.logger
        ).collect().isEmpty
    }
}
