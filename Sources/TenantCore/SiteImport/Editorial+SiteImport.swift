import Crypto
import Foundation
import Logging

/// Carries out a ``SiteImportPlan`` in a commune: each item in its own
/// transaction with the record of where it came from, so an import killed
/// at any moment leaves whole items only, and a rerun takes in what is
/// missing and doubles nothing.
extension Editorial {
    var imports: SiteImportRepository { SiteImportRepository(logger: self.logger) }

    /// Who the history names for imported items.
    static let importer = "Nhập từ trang cũ"

    /// - Parameter publish: items published on the old site are published
    ///   here too (with their old dates); otherwise every item is a draft.
    /// - Parameter fileProgress: called as files are stored (first), with (done, total).
    /// - Parameter progress: called after each item with (done, total).
    public func importSite(
        _ plan: SiteImportPlan, into tenant: Tenant, publish: Bool, fetcher: any SiteFileFetcher,
        fileProgress: @Sendable (Int, Int) -> Void = { _, _ in }, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> SiteImportReport {
        let schema = tenant.schema
        var run = ImportRun(plan: plan, tenant: tenant, publish: publish, fetcher: fetcher, editorial: self)
        (run.done, run.files, run.sections) = try await self.database.withConnection(schema: schema) { connection in
            (try await self.imports.done(schema, source: plan.source, on: connection),
             try await self.imports.files(schema, source: plan.source, on: connection),
             try await self.content.sections(schema, on: connection))
        }
        // Old addresses of every item, to rewrite links between them and find dead ones.
        run.knownPaths.insert("/")
        for item in plan.items { if let path = OldAddress.path(item.url) { run.knownPaths.insert(path) } }
        for page in plan.categoryPages { run.knownPaths.insert(page.path) }
        for attachment in plan.attachments.values {
            if let path = OldAddress.path(attachment.link) { run.knownPaths.insert(path) }
            if let path = OldAddress.path(attachment.attachmentURL) { run.knownPaths.insert(path) }
        }
        try await run.takeFiles { done, total in fileProgress(done, total) }
        for (index, item) in plan.items.enumerated() {
            try await run.take(item)
            progress(index + 1, plan.items.count)
        }
        try await run.finish()
        return run.report
    }
}

/// One import's state as it goes: what is already in, files by their old
/// address, what the report says.
struct ImportRun {
    let plan: SiteImportPlan
    let tenant: Tenant
    let publish: Bool
    let fetcher: any SiteFileFetcher
    let editorial: Editorial
    var done: Set<String> = []
    var files: [String: (id: Int64, type: String)] = [:]
    var sections: [Section] = []
    var knownPaths: Set<String> = []
    /// An original's old path → the paths of it and its resized copies the items link to.
    var aliases: [String: Set<String>] = [:]
    /// Old path → new path of items taken in during this run or before.
    var moved: [String: String] = [:]
    var report = SiteImportReport()

    init(plan: SiteImportPlan, tenant: Tenant, publish: Bool, fetcher: any SiteFileFetcher, editorial: Editorial) {
        self.plan = plan
        self.tenant = tenant
        self.publish = publish
        self.fetcher = fetcher
        self.editorial = editorial
    }

    var schema: SchemaName { self.tenant.schema }
    var imports: SiteImportRepository { self.editorial.imports }

    mutating func take(_ item: SiteImportPlan.Item) async throws {
        switch item.placement {
        case .leftOut(let reason):
            self.report.leftOut.append(.init(url: item.url, reason: "\(item.title): \(reason)"))
        case .entry(let section, let kind):
            guard !self.done.contains(item.key) else {
                self.report.alreadyDone += 1
                return
            }
            try await self.takeEntry(item, section: section, kind: kind)
        case .sectionText(let section):
            guard !self.done.contains(item.key) else {
                self.report.alreadyDone += 1
                return
            }
            guard self.publish else {
                self.report.leftOut.append(.init(
                    url: item.url, reason: "\(item.title): nội dung trang “\(section.title)” chỉ được ghi khi đăng ngay (--publish, hoặc ô “Đăng ngay” trong trang quản trị): trang này không có bản nháp"))
                return
            }
            try await self.takeSectionText(item, section: section)
        }
    }

    // MARK: Items

    mutating func takeEntry(_ item: SiteImportPlan.Item, section: MandatorySection, kind: EntryKind) async throws {
        guard let sectionRow = self.sections.first(where: { $0.id == section.id }) else {
            self.report.failures.append(.init(url: item.url, reason: "chuyên mục \(section.slug) không có ở xã này"))
            return
        }
        let source = item.source
        var notes = item.notes
        let body = self.body(of: item)
        var draft = EntryDraft(sectionID: section.id, kind: kind)
        draft.title = String(item.title.prefix(500))
        draft.summary = String(WordDiff.text(ofHTML: HTMLSanitizer.sanitize(source.excerpt).value).prefix(2000))
        draft.body = body
        draft.bodyFormat = .html
        draft.author = self.plan.authors[source.author] ?? source.author
        draft.publish = .draft
        if let fields = item.document {
            draft.docType = fields.type
            draft.docNumber = fields.number
            draft.issuer = fields.issuer ?? ""
            draft.signer = fields.signer ?? ""
            let issued = fields.issuedOn ?? source.date
            if fields.issuedOn == nil { notes.insert("không đọc được ngày ban hành: lấy ngày đăng") }
            draft.issuedOn = issued.map { VietnamTime($0).isoDate } ?? ""
            draft.effectiveOn = fields.effectiveOn.map { VietnamTime($0).isoDate } ?? ""
            if let pdf = Self.firstFileLink(in: body, files: self.files.values.map { $0 }) { draft.fileURL = pdf }
        }
        // The featured image, with the description the library keeps.
        if let thumbnail = source.thumbnailID, let attachment = self.plan.attachments[thumbnail] {
            if let file = self.file(attachment.attachmentURL), file.type.hasPrefix("image/") {
                let alt = SiteImportPlan.description(of: attachment)
                if alt.isEmpty {
                    notes.insert("ảnh đại diện chưa có mô tả: không gắn (ảnh vẫn ở thư viện)")
                } else {
                    draft.imageURL = "/tep/\(file.id)"
                    draft.imageAlt = String(alt.prefix(300))
                }
            }
        }
        var entry: Entry
        do {
            entry = try draft.validated(section: sectionRow)
        } catch {
            let reasons = error.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            self.report.failures.append(.init(url: item.url, reason: "\(item.title): \(reasons)"))
            return
        }
        entry.publishedAt = source.date ?? Date()
        if source.date == nil { notes.insert("không rõ ngày đăng: lấy ngày nhập") }
        entry.author = draft.author
        if self.publish && (source.status == "publish" || source.status == "future") {
            if EntryDraft.undescribedImages(in: entry.body) > 0 {
                notes.insert("có ảnh chưa có mô tả: để bản nháp cho biên tập viên mô tả rồi đăng")
            } else {
                entry.status = .published
            }
        }
        let stored = entry
        let (source_, key, url) = (self.plan.source, item.key, item.url)
        let path = item.oldPath
        let (schema, imports, content, reviews) = (self.schema, self.imports, self.editorial.content, self.editorial.reviews)
        let id: Int64
        do {
            id = try await self.editorial.transaction(schema) { connection in
            let id = try await content.insert(stored, into: schema, on: connection)
            _ = try await reviews.insertRevision(
                schema, entry: id, action: stored.status == .published ? .publish : .save, data: stored, user: nil,
                userName: Editorial.importer, note: "Nhập từ \(url)", on: connection)
            guard try await imports.remember(schema, source: source_, key: key, target: .entry(id), oldURL: url, on: connection) else {
                throw ImportRun.Concurrent()
            }
            if let path { try await imports.address(schema, path: path, target: .entry(id), on: connection) }
            return id
            }
        } catch is ImportRun.Concurrent {
            self.report.alreadyDone += 1
            return
        }
        self.done.insert(key)
        if let path { self.moved[path] = "/\(section.slug)/\(id)" }
        self.report.entries += 1
        if kind == .document { self.report.documents += 1 }
        if stored.status == .published { self.report.published += 1 }
        for note in notes.sorted() { self.report.notes.append(.init(url: item.url, reason: note)) }
    }

    struct Concurrent: Error {}

    /// A page's text into a static section: the section's starter text is
    /// replaced by the first page; later pages follow under their title.
    mutating func takeSectionText(_ item: SiteImportPlan.Item, section: MandatorySection) async throws {
        let notes = item.notes
        let body = HTMLSanitizer.sanitize(self.body(of: item)).value
        let (schema, imports, content, source, key, url) = (self.schema, self.imports, self.editorial.content, self.plan.source, item.key, item.url)
        let title = HTMLSanitizer.escape(item.title)
        let path = item.oldPath
        try await self.editorial.transaction(schema) { connection in
            let current = try await content.sections(schema, on: connection).first { $0.id == section.id }
            let text = (current?.starter ?? true) || (current?.body.isEmpty ?? true) ? body : (current?.body ?? "") + "<h2>\(title)</h2>" + body
            try await content.updateSectionBody(section.id, body: text, source: text, format: "html", in: schema, on: connection)
            guard try await imports.remember(schema, source: source, key: key, target: .section(section.id), oldURL: url, on: connection) else {
                throw ImportRun.Concurrent()
            }
            if let path { try await imports.address(schema, path: path, target: .section(section.id), on: connection) }
        }
        self.done.insert(key)
        if let path { self.moved[path] = "/\(section.slug)" }
        self.report.sectionTexts += 1
        for note in notes.sorted() { self.report.notes.append(.init(url: item.url, reason: note)) }
    }

    /// Category pages and attachment pages, then the commune's caches and one audit line.
    mutating func finish() async throws {
        let (schema, imports, categoryPages) = (self.schema, self.imports, self.plan.categoryPages)
        var attachmentPages: [(String, Int64)] = []
        for attachment in self.plan.attachments.values {
            guard let path = OldAddress.path(attachment.link), let filePath = OldAddress.path(attachment.attachmentURL),
                let file = self.files[filePath] else { continue }
            attachmentPages.append((path, file.id))
        }
        let report = self.report
        let pages = attachmentPages
        let (tenant, editorial, source) = (self.tenant, self.editorial, self.plan.source)
        try await self.editorial.transaction(schema) { connection in
            for page in categoryPages {
                try await imports.address(schema, path: page.path, target: .section(page.section.id), on: connection)
            }
            for (path, file) in pages { try await imports.address(schema, path: path, target: .file(file), on: connection) }
            try await editorial.catalogue.touchContent(tenantID: tenant.id, writerPurgesFronts: editorial.committedPurgesFronts, on: connection)
            try await editorial.accounts.audit(
                nil, commune: tenant.code, action: "site.import",
                detail: "\(source): \(report.entries) bài (\(report.documents) văn bản, \(report.published) đăng), \(report.sectionTexts) trang, \(report.filesStored) tệp mới, \(report.filesReused) tệp trùng, \(report.failures.count) lỗi",
                on: connection)
        }
        await self.editorial.committed(tenant.id)
    }

    // MARK: Bodies and files

    /// The item's text as sanitised HTML with its links to the old site's
    /// files and pages pointed at their new places (the files are in already).
    mutating func body(of item: SiteImportPlan.Item) -> String {
        var replacements: [String: String] = [:]
        // Every address in src="…" and href="…" (the sanitiser writes them so).
        for link in Self.links(in: item.html) where replacements[link] == nil {
            if let new = self.rewrite(link, from: item.source.link) { replacements[link] = new }
        }
        return replacements.isEmpty ? item.html : Self.replaceLinks(in: item.html, replacements)
    }

    /// A link of a page of the old site, as an absolute address and old path, when it leads to the old site.
    func onOldSite(_ escapedLink: String, page: String) -> (absolute: URL, path: String)? {
        let link = escapedLink.replacingOccurrences(of: "&amp;", with: "&")
        guard !link.hasPrefix("#"), let absolute = URL(string: link, relativeTo: URL(string: page))?.absoluteURL,
            let host = absolute.host?.lowercased(), self.plan.hosts.contains(host), let path = OldAddress.path(absolute.absoluteString)
        else { return nil }
        return (absolute, path)
    }

    /// A link's absolute address and old path when it is a file of the old site.
    func oldFile(_ escapedLink: String, on page: String) -> (url: String, path: String)? {
        guard let (absolute, path) = self.onOldSite(escapedLink, page: page), Self.isFile(path) else { return nil }
        return (absolute.absoluteString, path)
    }

    static func isFile(_ path: String) -> Bool { path.hasPrefix("/wp-content/uploads/") || Self.looksLikeFile(path) }

    // MARK: Files first

    /// Every file the items use, fetched, checked, resized in batches (two
    /// at once) and stored before any item is written, so items only link.
    mutating func takeFiles(progress: @Sendable (Int, Int) -> Void) async throws {
        var wanted: [(url: String, path: String, page: String)] = []
        var aliases: [String: Set<String>] = [:]
        var seen = Set(self.files.keys)
        for item in self.plan.items where !self.done.contains(item.key) {
            switch item.placement {
            case .leftOut: continue
            case .sectionText where !self.publish: continue
            default: break
            }
            var links = Self.links(in: item.html)
            if let thumbnail = item.source.thumbnailID, let attachment = self.plan.attachments[thumbnail] { links.insert(attachment.attachmentURL, at: 0) }
            for link in links {
                // A resized copy (anh-1024x640.jpg) and its original are one file.
                guard let file = self.oldFile(link, on: item.url) else { continue }
                let original = OldAddress.withoutSizeSuffix(file.path) ?? file.path
                aliases[original, default: []].insert(file.path)
                guard !seen.contains(original), !seen.contains(file.path) else { continue }
                seen.insert(original)
                wanted.append((file.url, file.path, item.url))
            }
        }
        guard !wanted.isEmpty else { return }
        self.aliases = aliases
        let batches = stride(from: 0, to: wanted.count, by: Self.batchSize).map { Array(wanted[$0..<min($0 + Self.batchSize, wanted.count)]) }
        let (fetcher, editorial, tenant) = (self.fetcher, self.editorial, self.tenant)
        var done = 0
        try await withThrowingTaskGroup(of: [PreparedFile].self) { group in
            var next = 0
            // Two batches in preparation at once (ProcessSlots runs two libvips at once).
            while next < min(2, batches.count) {
                let batch = batches[next]
                group.addTask { await Self.prepare(batch, fetcher: fetcher, editorial: editorial, tenant: tenant) }
                next += 1
            }
            while let prepared = try await group.next() {
                try await self.store(prepared)
                done += prepared.count
                progress(done, wanted.count)
                if next < batches.count {
                    let batch = batches[next]
                    group.addTask { await Self.prepare(batch, fetcher: fetcher, editorial: editorial, tenant: tenant) }
                    next += 1
                }
            }
        }
    }

    static let batchSize = 24

    /// A file fetched and checked, ready to store (or why not).
    struct PreparedFile: Sendable {
        enum Outcome: Sendable {
            case ready(name: String, type: FileType, data: [UInt8], variants: [(width: Int, data: [UInt8])])
            case refused(String)
            case failed(String)
        }
        var url: String
        var path: String
        var fetchedPath: String
        var page: String
        var sha256: [UInt8]
        var outcome: Outcome
        /// Every old address of the file (its resized copies' too).
        var paths: Set<String> = []
    }

    /// Fetches a batch (the original of a resized copy first) and makes its
    /// images ready with one libvips batch; an image the batch could not
    /// read is tried alone, for its exact reason.
    static func prepare(
        _ batch: [(url: String, path: String, page: String)], fetcher: any SiteFileFetcher, editorial: Editorial, tenant: Tenant
    ) async -> [PreparedFile] {
        var prepared: [PreparedFile] = []
        for wanted in batch {
            var data: [UInt8]?
            var fetchedPath = wanted.path
            var reason = ""
            for candidate in [OldAddress.withoutSizeSuffix(wanted.path), wanted.path].compactMap({ $0 }) {
                guard var address = URLComponents(string: wanted.url) else { break }
                address.path = candidate
                do {
                    data = try await fetcher.fetch(address.string ?? wanted.url)
                    fetchedPath = candidate
                    break
                } catch {
                    reason = "\(error)"
                }
            }
            guard let data else {
                prepared.append(PreparedFile(url: wanted.url, path: wanted.path, fetchedPath: wanted.path, page: wanted.page, sha256: [], outcome: .failed(reason)))
                continue
            }
            // Checked as an upload is; the images are made ready below, in one batch.
            let outcome: PreparedFile.Outcome
            if data.isEmpty {
                outcome = .refused("tệp rỗng")
            } else {
                do {
                    let (name, type) = try editorial.checked(name: String(fetchedPath.split(separator: "/").last ?? "tep"), data: data)
                    outcome = .ready(name: name, type: type, data: data, variants: [])
                } catch {
                    outcome = .refused(error.fields.values.sorted().joined(separator: " "))
                }
            }
            prepared.append(PreparedFile(
                url: wanted.url, path: wanted.path, fetchedPath: fetchedPath, page: wanted.page, sha256: Array(SHA256.hash(data: data)), outcome: outcome))
        }
        // Images: one batch for libvips; the rest as they are.
        let images = prepared.indices.filter {
            if case .ready(_, let type, _, _) = prepared[$0].outcome { return type != .pdf && type != .gif }
            return false
        }
        guard !images.isEmpty, let resizer = editorial.resizer else { return prepared }
        let inputs: [(data: [UInt8], type: FileType)] = images.map {
            guard case .ready(_, let type, let data, _) = prepared[$0].outcome else { return ([], .png) }
            return (data, type)
        }
        let results = (try? await resizer.processBatch(inputs)) ?? Array(repeating: nil, count: inputs.count)
        for (position, index) in images.enumerated() {
            guard case .ready(let name, let type, let data, _) = prepared[index].outcome else { continue }
            if let result = results[position] {
                prepared[index].outcome = .ready(name: name, type: type, data: result.original, variants: result.variants)
                continue
            }
            do {
                let single = try await editorial.prepare(name: name, data: data, in: tenant)
                prepared[index].outcome = .ready(name: single.name, type: single.type, data: single.data, variants: single.variants)
            } catch let failure as ValidationFailure {
                prepared[index].outcome = .refused(failure.fields.values.sorted().joined(separator: " "))
            } catch {
                prepared[index].outcome = .failed("\(error)")
            }
        }
        return prepared
    }

    /// Stores a prepared batch in one transaction: a file whose content is
    /// already stored is only linked to its new old address.
    mutating func store(_ batch: [PreparedFile]) async throws {
        let (schema, imports, content, source) = (self.schema, self.imports, self.editorial.content, self.plan.source)
        var ready: [PreparedFile] = []
        for var file in batch {
            let original = OldAddress.withoutSizeSuffix(file.path) ?? file.path
            file.paths = Set([file.path, file.fetchedPath]).union(self.aliases[original] ?? [])
            switch file.outcome {
            case .failed(let reason): self.report.failures.append(.init(url: file.url, reason: "không tải được tệp (trang \(file.page)): \(reason)"))
            case .refused(let reason): self.report.leftOut.append(.init(url: file.url, reason: "tệp không được nhận (trang \(file.page)): \(reason)"))
            case .ready: ready.append(file)
            }
        }
        guard !ready.isEmpty else { return }
        let toStore = ready
        let stored = try await self.editorial.transaction(schema) { connection -> [(String, String, Int64, String, Bool)] in
            var results: [(String, String, Int64, String, Bool)] = []
            var bySHA: [[UInt8]: (Int64, String)] = [:]
            for file in toStore {
                guard case .ready(let name, let type, let data, let variants) = file.outcome else { continue }
                let id: Int64
                let mime: String
                var reused = false
                if let known = bySHA[file.sha256] {
                    (id, mime) = known
                    reused = true
                } else if let existing = try await imports.file(schema, sha256: file.sha256, on: connection) {
                    (id, mime) = existing
                    reused = true
                } else {
                    id = try await content.saveFile(name, contentType: type.mime, data: data, in: schema, on: connection)
                    mime = type.mime
                    for copy in variants { try await content.saveVariant(of: id, width: copy.width, data: copy.data, in: schema, on: connection) }
                    try await imports.rememberFile(schema, sha256: file.sha256, file: id, on: connection)
                }
                bySHA[file.sha256] = (id, mime)
                _ = try await imports.remember(schema, source: source, key: "file:" + file.fetchedPath, target: .file(id), oldURL: file.url, on: connection)
                for path in file.paths { try await imports.address(schema, path: path, target: .file(id), on: connection) }
                results.append((file.path, file.fetchedPath, id, mime, reused))
            }
            return results
        }
        for (path, fetchedPath, id, mime, reused) in stored {
            let original = OldAddress.withoutSizeSuffix(path) ?? path
            for alias in self.aliases[original] ?? [] { self.files[alias] = (id, mime) }
            self.files[path] = (id, mime)
            self.files[fetchedPath] = (id, mime)
            if reused { self.report.filesReused += 1 } else { self.report.filesStored += 1 }
        }
    }

    /// The new address of a link of the old site, nil to leave it.
    mutating func rewrite(_ escapedLink: String, from page: String) -> String? {
        guard let (absolute, path) = self.onOldSite(escapedLink, page: page) else { return nil }
        if Self.isFile(path) {
            return self.file(absolute.absoluteString).map { "/tep/\($0.id)" }
        }
        if let new = self.moved[path] { return new }
        if !self.knownPaths.contains(path) {
            self.report.deadLinks.append(.init(url: page, reason: escapedLink.replacingOccurrences(of: "&amp;", with: "&")))
        }
        // The old path: the site answers it with a 301 once its item is in.
        return HTMLSanitizer.escape(absolute.path.isEmpty ? "/" : absolute.path + (absolute.query.map { "?" + $0 } ?? ""))
    }

    /// A file of the old site as the files' phase stored it (by its old
    /// address, or a resized copy's original); nil when it could not be,
    /// the reason already in the report.
    func file(_ url: String) -> (id: Int64, type: String)? {
        guard let path = OldAddress.path(url) else { return nil }
        return self.files[path] ?? OldAddress.withoutSizeSuffix(path).flatMap { self.files[$0] }
    }

    static func looksLikeFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar"].contains { lower.hasSuffix($0) }
    }

    /// The first link of `html` to a stored PDF.
    static func firstFileLink(in html: String, files: [(id: Int64, type: String)]) -> String? {
        let pdfs = Set(files.filter { $0.type == "application/pdf" }.map { "/tep/\($0.id)" })
        return Self.links(in: html).first { pdfs.contains($0) }
    }

    /// The values of `src="…"` and `href="…"` in sanitised HTML, as written (escaped).
    static func links(in html: String) -> [String] {
        var found: [String] = []
        for attribute in [" src=\"", " href=\""] {
            var rest = html[...]
            while let start = rest.range(of: attribute) {
                let value = rest[start.upperBound...].prefix { $0 != "\"" }
                found.append(String(value))
                rest = rest[start.upperBound...]
            }
        }
        return found
    }

    static func replaceLinks(in html: String, _ replacements: [String: String]) -> String {
        var result = html
        for attribute in [" src=\"", " href=\""] {
            for (old, new) in replacements {
                result = result.replacingOccurrences(of: attribute + old + "\"", with: attribute + new + "\"")
            }
        }
        return result
    }
}

extension Editorial {
    /// Where an old site's address (`/2024/03/hop-dan/`) now is in the
    /// commune's site, nil when it is not one an import recorded or its item is
    /// not online. A resized image's address (`anh-300x200.jpg`) finds its original.
    public func newAddress(forOld rawPath: String, in tenant: Tenant) async throws -> String? {
        guard let path = OldAddress.path(rawPath) else { return nil }
        let schema = tenant.schema
        return try await self.database.withConnection(schema: schema) { connection in
            if let found = try await self.imports.newAddress(schema, path: path, now: Date(), on: connection) { return found }
            // A list's later page (/category/tin-tuc-su-kien/page/2) is the list.
            if let list = OldAddress.withoutPageNumber(path) {
                return try await self.imports.newAddress(schema, path: list, now: Date(), on: connection)
            }
            guard let original = OldAddress.withoutSizeSuffix(path) else { return nil }
            return try await self.imports.newAddress(schema, path: original, now: Date(), on: connection)
        }
    }

    /// Which of `ids` came from an old site (the console marks them).
    public func importedItems(among ids: [Int64], in tenant: Tenant) async throws -> Set<Int64> {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.imports.imported(tenant.schema, among: ids, on: connection)
        }
    }
}
