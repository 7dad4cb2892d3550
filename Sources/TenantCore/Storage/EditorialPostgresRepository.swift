import Foundation
import PostgresNIO

/// Editorial reads and writes of one commune's schema, for the console and
/// the citizens' forms. Same rule as ``ContentStore``: the schema name is
/// the validated ``SchemaName``, every value a bind.
extension ContentStore {
    // MARK: Entries, any status

    /// A section's entries in every state, newest first.
    public func editorEntries(
        _ schema: SchemaName, section: Int, page: Int, size: Int, on connection: UnitOfWork
    ) async throws -> Page<Entry> {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.summaryColumns), count(*) OVER () AS total FROM \(unescaped: schema.quoted).entries
             WHERE section_id = \(section)
             ORDER BY published_at DESC, id DESC LIMIT \(size) OFFSET \((page - 1) * size)
            """, logger: self.logger)
        return try await self.page(rows, number: page, size: size)
    }

    /// An entry whatever its state.
    public func anyEntry(_ schema: SchemaName, id: Int64, on connection: UnitOfWork) async throws -> Entry? {
        try await self.entries(
            connection.query(
                "SELECT \(unescaped: Self.entryColumns) FROM \(unescaped: schema.quoted).entries WHERE id = \(id)", logger: self.logger)
        ).first
    }

    /// Publishes, unpublishes or returns an entry to draft.
    @discardableResult
    public func setStatus(
        _ status: EntryStatus, entry id: Int64, in schema: SchemaName, now: Date, on connection: UnitOfWork
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).entries
               SET status = \(status.rawValue), updated_at = now(),
                   published_at = CASE WHEN \(status.rawValue) = 'published' AND status <> 'published' AND published_at < \(now)
                                       THEN \(now) ELSE published_at END
             WHERE id = \(id) RETURNING id
            """, logger: self.logger
        ).collect()
        return !rows.isEmpty
    }

    // MARK: Files

    public func saveFile(
        _ name: String, contentType: String, data: [UInt8], in schema: SchemaName, on connection: UnitOfWork
    ) async throws -> Int64 {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).files (name, content_type, size, data)
            VALUES (\(name), \(contentType), \(data.count), \(ByteBuffer(bytes: data)))
            RETURNING id
            """, logger: self.logger
        ).collect().first?.decode(Int64.self) ?? 0
    }

    /// A WebP copy of an image upload, `width` pixels wide (sql/tenant/0009).
    func saveVariant(of id: Int64, width: Int, data: [UInt8], in schema: SchemaName, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).file_variants (file_id, width, content_type, size, data)
            VALUES (\(id), \(width), 'image/webp', \(data.count), \(ByteBuffer(bytes: data)))
            """, logger: self.logger)
    }

    /// The widest copy of an image at most `width` pixels wide, with its file's name.
    public func variant(of id: Int64, width: Int, in schema: SchemaName, on connection: UnitOfWork) async throws -> (StoredFile, ByteBuffer)? {
        let rows = try await connection.query(
            """
            SELECT f.id, f.name, v.content_type, v.size, f.created_at, v.data
              FROM \(unescaped: schema.quoted).file_variants v JOIN \(unescaped: schema.quoted).files f ON f.id = v.file_id
             WHERE v.file_id = \(id) AND v.width <= \(width) ORDER BY v.width DESC LIMIT 1
            """, logger: self.logger)
        for try await (id, name, type, size, created, data) in rows.decode((Int64, String, String, Int, Date, ByteBuffer).self) {
            return (StoredFile(id: id, name: name, contentType: type, size: size, createdAt: created), data)
        }
        return nil
    }

    public func file(_ id: Int64, in schema: SchemaName, on connection: UnitOfWork) async throws -> (StoredFile, ByteBuffer)? {
        let rows = try await connection.query(
            "SELECT id, name, content_type, size, created_at, data FROM \(unescaped: schema.quoted).files WHERE id = \(id)",
            logger: self.logger)
        for try await (id, name, type, size, created, data) in rows.decode((Int64, String, String, Int, Date, ByteBuffer).self) {
            return (StoredFile(id: id, name: name, contentType: type, size: size, createdAt: created), data)
        }
        return nil
    }

    public func files(in schema: SchemaName, on connection: UnitOfWork) async throws -> [StoredFile] {
        let rows = try await connection.query(
            "SELECT id, name, content_type, size, created_at FROM \(unescaped: schema.quoted).files ORDER BY id DESC LIMIT 500",
            logger: self.logger)
        var files: [StoredFile] = []
        for try await (id, name, type, size, created) in rows.decode((Int64, String, String, Int, Date).self) {
            files.append(StoredFile(id: id, name: name, contentType: type, size: size, createdAt: created))
        }
        return files
    }

    // MARK: Questions

    static let questionColumns = """
        id, code, asker_name, contact, title, body, status, answer, published, created_at, answered_at, notify_email, show_name,
        kind, residence, id_number, purpose, delivery
        """

    func questions(_ rows: PostgresRowSequence) async throws -> [Question] {
        var result: [Question] = []
        for try await row in rows.decode(
            (Int64, String, String, String, String, String, String, String, Bool, Date, Date?, String, Bool, String, String, String, String, String).self)
        {
            let (id, code, name, contact, title, body, status, answer, published, created, answered, notify, showName, kind, residence, idNumber, purpose, delivery) = row
            var question = Question(
                id: id, code: code, askerName: name, contact: contact, title: title, body: body,
                status: Question.Status(rawValue: status) ?? .received, answer: answer, published: published,
                createdAt: created, answeredAt: answered)
            question.notifyEmail = notify
            question.showName = showName
            question.kind = Question.Kind(rawValue: kind) ?? .question
            (question.residence, question.idNumber, question.purpose, question.delivery) = (residence, idNumber, purpose, delivery)
            result.append(question)
        }
        return result
    }

    public func insertQuestion(
        code: String, name: String, contact: String, title: String, body: String, notifyEmail: String = "", showName: Bool = false,
        kind: Question.Kind = .question, residence: String = "", idNumber: String = "", purpose: String = "", delivery: String = "",
        in schema: SchemaName, on connection: UnitOfWork
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).questions
                   (code, asker_name, contact, title, body, notify_email, consent_at, show_name, kind, residence, id_number, purpose, delivery)
            VALUES (\(code), \(name), \(contact), \(title), \(body), \(notifyEmail), CASE WHEN \(notifyEmail) <> '' THEN now() END, \(showName),
                    \(kind.rawValue), \(residence), \(idNumber), \(purpose), \(delivery))
            ON CONFLICT (code) DO NOTHING RETURNING id
            """, logger: self.logger
        ).collect()
        return !rows.isEmpty
    }

    public func question(code: String, in schema: SchemaName, on connection: UnitOfWork) async throws -> Question? {
        try await self.questions(
            connection.query(
                "SELECT \(unescaped: Self.questionColumns) FROM \(unescaped: schema.quoted).questions WHERE code = \(code)",
                logger: self.logger)
        ).first
    }

    public func question(id: Int64, in schema: SchemaName, on connection: UnitOfWork) async throws -> Question? {
        try await self.questions(
            connection.query(
                "SELECT \(unescaped: Self.questionColumns) FROM \(unescaped: schema.quoted).questions WHERE id = \(id)",
                logger: self.logger)
        ).first
    }

    /// Published questions and answers, or every question (console).
    public func questions(
        publishedOnly: Bool, in schema: SchemaName, limit: Int = 200, on connection: UnitOfWork
    ) async throws -> [Question] {
        try await self.questions(
            connection.query(
                """
                SELECT \(unescaped: Self.questionColumns) FROM \(unescaped: schema.quoted).questions
                 WHERE NOT \(publishedOnly) OR (published AND status = 'answered' AND kind = 'question')
                 ORDER BY (status = 'answered'), created_at DESC LIMIT \(limit)
                """, logger: self.logger))
    }

    public func updateQuestion(
        id: Int64, status: Question.Status, answer: String, published: Bool, in schema: SchemaName,
        on connection: UnitOfWork
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).questions
               SET status = \(status.rawValue), answer = \(answer), published = \(published), updated_at = now(),
                   answered_at = CASE WHEN \(status.rawValue) = 'answered' THEN coalesce(answered_at, now()) ELSE NULL END
             WHERE id = \(id) RETURNING id
            """, logger: self.logger
        ).collect()
        return !rows.isEmpty
    }

    // MARK: Comments

    public func insertComment(
        entry: Int64, name: String, contact: String, body: String, in schema: SchemaName, on connection: UnitOfWork
    ) async throws {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.quoted).comments (entry_id, author_name, contact, body)
            VALUES (\(entry), \(name), \(contact), \(body))
            """, logger: self.logger)
    }

    /// Comments of one consultation (approved only for the public page), or all pending ones.
    public func comments(
        entry: Int64?, status: Comment.Status?, in schema: SchemaName, on connection: UnitOfWork
    ) async throws -> [Comment] {
        let rows = try await connection.query(
            """
            SELECT c.id, c.entry_id, e.title, c.author_name, c.contact, c.body, c.status, c.created_at
              FROM \(unescaped: schema.quoted).comments c JOIN \(unescaped: schema.quoted).entries e ON e.id = c.entry_id
             WHERE (\(entry)::int8 IS NULL OR c.entry_id = \(entry)) AND (\(status?.rawValue)::text IS NULL OR c.status = \(status?.rawValue))
             ORDER BY c.created_at LIMIT 1000
            """, logger: self.logger)
        var result: [Comment] = []
        for try await (id, entryID, title, name, contact, body, status, created) in rows.decode(
            (Int64, Int64, String, String, String, String, String, Date).self)
        {
            result.append(
                Comment(
                    id: id, entryID: entryID, entryTitle: title, authorName: name, contact: contact, body: body,
                    status: Comment.Status(rawValue: status) ?? .pending, createdAt: created))
        }
        return result
    }

    public func moderate(
        comment id: Int64, to status: Comment.Status, in schema: SchemaName, on connection: UnitOfWork
    ) async throws -> Int64? {
        try await connection.query(
            """
            UPDATE \(unescaped: schema.quoted).comments SET status = \(status.rawValue), moderated_at = now()
             WHERE id = \(id) RETURNING entry_id
            """, logger: self.logger
        ).collect().first?.decode(Int64.self)
    }
}

extension ContentStore {
    /// Citizens' submissions from one address to one commune within the
    /// hour. Addresses are kept as keyed hashes (sql/platform/0015).
    func recentSubmissions(address: String, tenantID: Int64, on connection: UnitOfWork) async throws -> Int {
        try await connection.query(
            """
            SELECT count(*) FROM platform.form_submissions
             WHERE address_hash = platform.address_hash(\(address)) AND tenant_id = \(tenantID) AND at > now() - interval '1 hour'
            """, logger: self.logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// Records a submission and deletes those the limit no longer needs
    /// (older than an hour): nothing keeps who sent what for longer.
    func recordSubmission(address: String, tenantID: Int64, form: String, on connection: UnitOfWork) async throws {
        try await connection.query(
            """
            INSERT INTO platform.form_submissions (address_hash, tenant_id, form)
            VALUES (platform.address_hash(\(address)), \(tenantID), \(form))
            """, logger: self.logger)
        try await connection.query(
            "DELETE FROM platform.form_submissions WHERE at < now() - interval '1 hour'", logger: self.logger)
    }
}
