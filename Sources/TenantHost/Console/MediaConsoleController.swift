import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// A commune's library of uploads (`<console>/tep`): upload, search by
/// name, thumbnails, where each file is used, and deleting unused ones.
struct MediaConsoleController: ConsoleBase {
    let dependencies: ConsoleDependencies

    func addRoutes(to group: RouterGroup<CommuneConsoleContext>) {
        group.get("/tep", use: self.files)
        group.get("/tep/chon", use: self.choices)
        group.post("/tep", use: self.upload)
        group.get("/tep/:id/anh", use: self.thumbnail)
        group.post("/tep/:id/xoa", use: self.delete)
        group.post("/tep/:id/mo-ta", use: self.describe)
        group.post("/tep/:id/thay", use: self.replace)
    }

    @Sendable func files(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let query = try QueryItems(request)
        return try await self.filesPage(context, search: try query.text("q", max: 200) ?? "", errors: [:], status: .ok, notice: Self.saved(request))
    }

    func filesPage(
        _ context: CommuneConsoleContext, search: String = "", errors: [String: String], status: HTTPResponse.Status, notice: String?
    ) async throws -> Response {
        let files = try await self.editorial.library(matching: search, in: context.tenant)
        let main = MediaViews.library(
            base: context.base, files, search: search, limitMB: self.editorial.maxUpload / 1024 / 1024, errors: errors, csrf: context.session.csrf)
        return self.page(context, title: "Tệp tải lên", status: status, notice: notice, active: "\(context.base)/tep", main: main)
    }

    /// The library as the editor's dialog lists it (JSON): newest first,
    /// matching `q` like the library's page.
    @Sendable func choices(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let search = try QueryItems(request).text("q", max: 200) ?? ""
        let files = try await self.editorial.library(matching: search, in: context.tenant)
        return try Self.json(files.prefix(200).map { Choice($0.file, alt: $0.alt) })
    }

    @Sendable func upload(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        // A body larger than the largest file and its form fields is
        // refused before it is parsed, with the same message as a file just
        // over the limit.
        let limit = self.editorial.maxUpload
        // The editor's dialog uploads with `Accept: application/json` and
        // inserts the file it gets back.
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        let form: FormBody
        do {
            form = try await self.form(request, context, session: session, limit: limit + 64 * 1024)
        } catch is NIOTooManyBytesError {
            if wantsJSON { return try Self.json(["loi": Editorial.tooLarge(limit)], status: .contentTooLarge) }
            return try await self.filesPage(context, errors: ["tep": Editorial.tooLarge(limit)], status: .contentTooLarge, notice: nil)
        }
        guard let file = form.files["tep"] else {
            return try await self.filesPage(context, errors: ["tep": "Chưa chọn tệp."], status: .badRequest, notice: nil)
        }
        do {
            let stored = try await self.editorial.upload(name: file.name, data: file.data, in: tenant, by: session.user, address: context.remoteAddress)
            if wantsJSON {
                return try Self.json(Choice(stored), status: .created)
            }
            return try await self.filesPage(context, errors: [:], status: .ok, notice: "Đã tải lên \(stored.name). Chọn tệp này trong ô “Ảnh minh họa” hoặc “Tệp văn bản” của bài.")
        } catch let failure as ValidationFailure {
            if wantsJSON {
                return try Self.json(["loi": SmallForms.bodyErrors(failure).values.sorted().joined(separator: " ")], status: .badRequest)
            }
            return try await self.filesPage(context, errors: SmallForms.bodyErrors(failure), status: .badRequest, notice: nil)
        }
    }

    /// A library file as the editor's dialog lists and inserts it.
    struct Choice: Encodable {
        let id: Int64
        let ten: String
        let loai: String
        let anh: Bool
        let url: String
        let moTa: String

        init(_ file: StoredFile, alt: String = "") {
            self.moTa = alt
            self.id = file.id
            self.ten = file.name
            self.loai = FileType(mime: file.contentType)?.fileExtension.uppercased() ?? "TỆP"
            self.anh = file.contentType.hasPrefix("image/")
            self.url = "/tep/\(file.id)"
        }
    }

    /// A small copy of an image for the library's list (the console's own
    /// host serves it: the commune's host is another origin).
    @Sendable func thumbnail(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        let schema = context.tenant.schema
        guard let (file, data) = try await self.services.database.withConnection(schema: schema, { connection in
            if let copy = try await self.services.content.variant(of: id, width: ImageResizer.widths[0], in: schema, on: connection) { return copy }
            return try await self.services.content.file(id, in: schema, on: connection)
        }), file.contentType.hasPrefix("image/") else { throw HTTPError(.notFound) }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.cacheControl] = "private, max-age=3600"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: data))
    }

    /// A file's description, kept for every place it is put.
    @Sendable func describe(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await self.form(request, context, session: context.session)
        do {
            try await self.editorial.describeFile(id, alt: form["mo-ta"], in: context.tenant, by: context.session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            return try await self.filesPage(context, errors: SmallForms.bodyErrors(failure), status: .badRequest, notice: nil)
        }
        return Self.redirect("\(context.base)/tep?da-luu=1")
    }

    /// New contents for a file at the same address (an image by an image, a PDF by a PDF).
    @Sendable func replace(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        let limit = self.editorial.maxUpload
        let form: FormBody
        do {
            form = try await self.form(request, context, session: context.session, limit: limit + 64 * 1024)
        } catch is NIOTooManyBytesError {
            return try await self.filesPage(context, errors: ["tep": Editorial.tooLarge(limit)], status: .contentTooLarge, notice: nil)
        }
        guard let file = form.files["tep"] else {
            return try await self.filesPage(context, errors: ["tep": "Chưa chọn tệp thay thế."], status: .badRequest, notice: nil)
        }
        do {
            let stored = try await self.editorial.replaceFile(id, name: file.name, data: file.data, in: context.tenant, by: context.session.user, address: context.remoteAddress)
            return try await self.filesPage(context, errors: [:], status: .ok, notice: "Đã thay tệp bằng \(stored.name). Các bài dùng tệp này hiện tệp mới.")
        } catch let failure as ValidationFailure {
            return try await self.filesPage(context, errors: SmallForms.bodyErrors(failure), status: .badRequest, notice: nil)
        }
    }

    @Sendable func delete(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let id = try Self.id(context)
        _ = try await self.form(request, context, session: context.session)
        do {
            try await self.editorial.deleteFile(id, in: context.tenant, by: context.session.user, address: context.remoteAddress)
        } catch let failure as ValidationFailure {
            return try await self.filesPage(context, errors: SmallForms.bodyErrors(failure), status: .conflict, notice: nil)
        }
        return Self.redirect("\(context.base)/tep?da-luu=1")
    }
}
