import Foundation
import Logging

/// What editors and citizens change, each change in one transaction with
/// the commune's content version bumped (so every host's page cache drops
/// the commune's pages) and an audit entry.
public struct Editorial: Sendable {
    public let database: TenantDatabase
    public let accounts: Accounts
    let logger: Logger
    let content: ContentStore
    let catalogue: Catalogue
    /// Citizens' submissions per address and commune per hour.
    public var submissionsPerHour = 5
    /// Largest upload, in bytes.
    public var maxUpload = 10 * 1024 * 1024
    /// Strips images' metadata and makes their WebP widths; nil without libvips.
    public var resizer: ImageResizer? = ImageResizer()
    /// Turns an uploaded Word document into a draft; nil without pandoc.
    public var converter: DocumentConverter? = DocumentConverter()
    /// Called with the commune's id once a change is committed, before the
    /// caller gets its answer: the host drops that commune's cached pages
    /// here, and nginx's front cache drops them from every front, so the
    /// next request never sees a page older than the write. (Other host
    /// processes learn it from `NOTIFY tenant_content`.)
    let committed: @Sendable (Int64) async -> Void
    /// `committed` purges nginx's front caches: the notification of the
    /// change says so, and other hosts do not purge them again.
    let committedPurgesFronts: Bool
    /// Called with the commune's id before a change's transaction starts
    /// (the host notes that it is the writer: `FrontCache.writing(tenant:)`).
    public var changing: @Sendable (Int64) -> Void = { _ in }

    public init(
        database: TenantDatabase, accounts: Accounts, logger: Logger, committedPurgesFronts: Bool = false,
        committed: @escaping @Sendable (Int64) async -> Void = { _ in }
    ) {
        self.database = database
        self.accounts = accounts
        self.logger = logger
        self.content = ContentStore(logger: logger)
        self.catalogue = Catalogue(logger: logger)
        self.committedPurgesFronts = committedPurgesFronts
        self.committed = committed
    }

    /// The message for a file over `limit` bytes.
    public static func tooLarge(_ limit: Int) -> String {
        "Tệp lớn quá \(limit / 1024 / 1024) MB."
    }

    /// A transaction whose body may throw form errors (``ValidationFailure``)
    /// as well as database ones; both reach the caller unchanged. `schema`:
    /// the commune whose cluster runs it (nil: the catalogue's).
    @discardableResult
    func transaction<Result: Sendable>(
        _ schema: SchemaName?, _ body: @escaping @Sendable (UnitOfWork) async throws -> Result
    ) async throws -> Result {
        do {
            return try await self.database.withTransaction(schema: schema, body)
        } catch {
            throw error.unwrapped()
        }
    }

    /// Runs `change` in a transaction, then marks the commune's content as
    /// changed and records the audit entry, in the same transaction.
    func change<Result: Sendable>(
        _ tenant: Tenant, by user: StaffUser?, action: String, detail: @escaping @Sendable (Result) -> String,
        address: String, _ change: @escaping @Sendable (UnitOfWork) async throws -> Result
    ) async throws -> Result {
        let result: Result
        self.changing(tenant.id)
        do {
            result = try await self.database.withTransaction(schema: tenant.schema) { connection in
                let result = try await change(connection)
                try await self.catalogue.touchContent(tenantID: tenant.id, writerPurgesFronts: self.committedPurgesFronts, on: connection)
                try await self.accounts.audit(user, commune: tenant.code, action: action, detail: detail(result), address: address, on: connection)
                return result
            }
        } catch {
            throw error.unwrapped()
        }
        await self.committed(tenant.id)
        return result
    }

    /// Replaces the body of a static section.
    public func saveSectionBody(
        _ sectionID: Int, body: String, format: BodyFormat, in tenant: Tenant, by user: StaffUser, address: String
    ) async throws {
        guard body.count <= 200_000 else { throw ValidationFailure([BodyField.body.rawValue: "Nội dung dài quá 200.000 ký tự."]) }
        guard !VietnameseText.hasControlCharacters(body) else { throw ValidationFailure([BodyField.body.rawValue: "Nội dung chứa ký tự không hợp lệ."]) }
        let source = VietnameseText.nfc(body)
        let html = format == .markdown ? Markdown.html(from: source) : HTMLSanitizer.sanitize(source)
        try await self.change(tenant, by: user, action: "section.update", detail: { _ in "section \(sectionID)" }, address: address) {
            connection in
            try await self.content.updateSectionBody(
                sectionID, body: html.value, source: source, format: format.rawValue, in: tenant.schema, on: connection)
        }
    }

    /// Replaces the footer, contact details and maintenance notice.
    public func saveSite(_ draft: SiteInfoDraft, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        var errors = FieldErrors()
        typealias F = SiteInfoDraft.Field
        func value(_ field: F, _ raw: String, max: Int, required: Bool = false, label: String) -> String {
            let text = VietnameseText.nfc(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            if required && text.isEmpty { errors.add(field, "Vui lòng nhập \(label).") }
            if text.count > max { errors.add(field, "Quá \(max) ký tự.") }
            if VietnameseText.hasControlCharacters(text) { errors.add(field, "Chứa ký tự không hợp lệ.") }
            return text
        }
        var site = SiteInfo(publisher: value(.publisher, draft.publisher, max: 200, required: true, label: "cơ quan chủ quản"))
        site.responsiblePerson = value(.responsiblePerson, draft.responsiblePerson, max: 120, required: true, label: "người chịu trách nhiệm")
        site.responsibleTitle = value(.responsibleTitle, draft.responsibleTitle, max: 120, label: "chức vụ")
        site.address = value(.address, draft.address, max: 300, label: "địa chỉ")
        site.phone = value(.phone, draft.phone, max: 40, label: "điện thoại")
        site.email = value(.email, draft.email, max: 200, label: "thư điện tử")
        if !site.email.isEmpty && !EntryDraft.looksLikeEmail(site.email) { errors.add(F.email, "Thư điện tử không hợp lệ.") }
        site.notice = value(.notice, draft.notice, max: 1000, label: "thông báo")
        site.emcSiteID = value(.emcSiteID, draft.emcSiteID, max: 300, label: "mã số EMC")
        if !site.emcSiteID.isEmpty, site.emcSiteID.range(of: "^[1-9][0-9]{0,11}$", options: .regularExpression) == nil {
            errors.add(F.emcSiteID, "Mã số EMC là dãy chữ số do Hệ thống EMC cấp cho trang (ví dụ 4064); không nhập địa chỉ hay đoạn mã.")
        }
        for (field, raw, label) in [(F.noticeFrom, draft.noticeFrom, "Thời điểm bắt đầu"), (F.noticeUntil, draft.noticeUntil, "Thời điểm kết thúc")] {
            let text = value(field, raw, max: 20, label: label)
            guard !text.isEmpty else { continue }
            guard let date = EntryDraft.parseLocalDateTime(text) else {
                errors.add(field, "\(label) không hợp lệ.")
                continue
            }
            if field == .noticeFrom { site.noticeFrom = date } else { site.noticeUntil = date }
        }
        if let from = site.noticeFrom, from > Date(), WorkingDays.between(Date(), from) < 7 {
            errors.add(F.noticeFrom, "Việc tạm ngừng có kế hoạch phải được thông báo trước ít nhất 7 ngày làm việc; chọn thời điểm muộn hơn hoặc để trống nếu là sự cố.")
        }
        if let from = site.noticeFrom, let until = site.noticeUntil, until <= from {
            errors.add(F.noticeUntil, "Thời điểm ẩn thông báo phải sau thời điểm bảo trì.")
        }
        try errors.check()
        let saved = site
        try await self.change(tenant, by: user, action: "site.update", detail: { _ in saved.responsiblePerson }, address: address) {
            connection in
            try await self.content.updateSite(saved, in: tenant.schema, on: connection)
        }
    }

    // MARK: Files

    /// Stores an upload after checking its size and what it really is (by
    /// its first bytes, not by its name or declared type).
    public func upload(
        name rawName: String, data: [UInt8], in tenant: Tenant, by user: StaffUser, address: String
    ) async throws -> StoredFile {
        let (cleanName, type, stored, variants) = try await self.prepare(name: rawName, data: data, in: tenant)
        let original = stored
        let copies = variants
        let id = try await self.change(
            tenant, by: user, action: "file.upload", detail: { (id: Int64) in "#\(id) \(cleanName) \(type.mime) \(original.count) B, \(copies.count) WebP" }, address: address
        ) { connection -> Int64 in
            let id = try await self.content.saveFile(cleanName, contentType: type.mime, data: original, in: tenant.schema, on: connection)
            for copy in copies {
                try await self.content.saveVariant(of: id, width: copy.width, data: copy.data, in: tenant.schema, on: connection)
            }
            return id
        }
        return StoredFile(id: id, name: cleanName, contentType: type.mime, size: original.count, createdAt: Date())
    }

    /// What an upload really is (by its first bytes) and its clean name,
    /// after its size is checked.
    /// - Throws: ``ValidationFailure`` (field `file`) for an empty or too large file, or one of another kind.
    func checked(name rawName: String, data: [UInt8]) throws(ValidationFailure) -> (name: String, type: FileType) {
        guard !data.isEmpty else { throw ValidationFailure([BodyField.file.rawValue: "Chưa chọn tệp."]) }
        guard data.count <= self.maxUpload else {
            throw ValidationFailure([BodyField.file.rawValue: Self.tooLarge(self.maxUpload)])
        }
        guard let type = FileType.sniff(data) else {
            throw ValidationFailure([BodyField.file.rawValue: "Chỉ nhận tệp PDF hoặc ảnh PNG, JPEG, GIF, WebP (kiểm tra theo nội dung tệp)."])
        }
        var name = VietnameseText.nfc(rawName).replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
        name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" }.map(Character.init)).trimmingCharacters(in: .whitespaces)
        if name.isEmpty { name = "tep.\(type.fileExtension)" }
        return (String(name.prefix(200)), type)
    }

    /// An upload checked and made ready to store: its size, what it really
    /// is (by its first bytes), a clean name, and for an image its copy
    /// without metadata and its WebP widths.
    func prepare(name rawName: String, data: [UInt8], in tenant: Tenant) async throws -> (name: String, type: FileType, data: [UInt8], variants: [(width: Int, data: [UInt8])]) {
        let (cleanName, type) = try self.checked(name: rawName, data: data)
        var stored = data
        var variants: [(width: Int, data: [UInt8])] = []
        if type != .pdf && type != .gif {
            if let resizer = self.resizer {
                do {
                    if let result = try await resizer.process(data, type: type) {
                        stored = result.original
                        variants = result.variants
                    }
                } catch {
                    self.logger.notice("image refused by libvips", metadata: ["commune": "\(tenant.code)", "reason": "\(error)"])
                    throw ValidationFailure([BodyField.file.rawValue: "Không đọc được ảnh này (tệp hỏng hoặc không đúng định dạng). Mở ảnh, lưu lại rồi tải lên lần nữa."])
                }
            } else {
                self.logger.warning("libvips is not installed: image stored as uploaded", metadata: ["commune": "\(tenant.code)"])
            }
        }
        return (cleanName, type, stored, variants)
    }
}

/// What an upload really is, judged by its first bytes.
public enum FileType: Sendable, Equatable, CaseIterable {
    case pdf, png, jpeg, gif, webp

    /// The type a stored file was given (``mime``).
    public init?(mime: String) {
        guard let found = Self.allCases.first(where: { $0.mime == mime }) else { return nil }
        self = found
    }

    public static func sniff(_ data: [UInt8]) -> FileType? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            data.count >= offset + prefix.count && Array(data[offset..<offset + prefix.count]) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        return nil
    }

    public var mime: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        }
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .png: "png"
        case .jpeg: "jpg"
        case .gif: "gif"
        case .webp: "webp"
        }
    }
}
