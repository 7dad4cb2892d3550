import Foundation
import Logging
import PostgresNIO

/// A file of a commune's library with the items that use it.
public struct LibraryFile: Sendable, Hashable {
    public var file: StoredFile
    /// Ids and titles of the items naming the file (featured image, document, or in their text), trash included.
    public var uses: [Use]

    public struct Use: Sendable, Hashable {
        public var entryID: Int64
        public var title: String
    }
}

/// A commune's uploads as a library: search by name, where each is used,
/// deleting an unused one. Same rule as ``ContentStore``.
struct MediaRepository: Sendable {
    let logger: Logger

    /// `/tep/<id>` not followed by a digit, in an item's fields or text.
    static let usedBy = """
        e.image_url = '/tep/' || f.id OR e.file_url = '/tep/' || f.id
        OR (e.body LIKE '%/tep/' || f.id || '%' AND e.body ~ ('/tep/' || f.id || '([^0-9]|$)'))
        """

    func library(_ schema: SchemaName, text: String, on connection: PostgresConnection) async throws -> [LibraryFile] {
        let rows = try await connection.query(
            """
            SELECT f.id, f.name, f.content_type, f.size, f.created_at, coalesce(used.ids, '{}'), coalesce(used.titles, '{}')
              FROM \(unescaped: schema.quoted).files f
              LEFT JOIN LATERAL (
                  SELECT array_agg(e.id ORDER BY e.id) AS ids, array_agg(e.title ORDER BY e.id) AS titles
                    FROM \(unescaped: schema.quoted).entries e WHERE \(unescaped: Self.usedBy)) used ON true
             WHERE \(text) = '' OR strpos(platform.fold(f.name), platform.fold(\(text))) > 0
             ORDER BY f.id DESC LIMIT 500
            """, logger: self.logger)
        var result: [LibraryFile] = []
        for try await (id, name, type, size, created, ids, titles) in rows.decode((Int64, String, String, Int, Date, [Int64], [String]).self) {
            let uses = zip(ids, titles).map { LibraryFile.Use(entryID: $0, title: $1) }
            result.append(LibraryFile(file: StoredFile(id: id, name: name, contentType: type, size: size, createdAt: created), uses: uses))
        }
        return result
    }

    /// Titles of the items using file `id`.
    func uses(_ schema: SchemaName, file id: Int64, on connection: PostgresConnection) async throws -> [String] {
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
    func delete(_ schema: SchemaName, file id: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await !connection.query(
            "DELETE FROM \(unescaped: schema.quoted).files WHERE id = \(id) RETURNING id", logger: self.logger
        ).collect().isEmpty
    }
}
