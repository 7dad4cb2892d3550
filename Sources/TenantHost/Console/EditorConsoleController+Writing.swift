import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// Ways into the entry form's text besides typing: Markdown made the
/// editor's HTML, a Word document made a draft, and the autosaves kept
/// while typing.
extension EditorConsoleController {
    /// Markdown typed in the body, as the sanitised HTML the editor opens
    /// when its author switches to "Trình soạn thảo". Changes nothing.
    @Sendable func markdown(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let form = try await self.form(request, context, session: context.session)
        let source = form["noi-dung"]
        guard source.count <= EntryDraft.maximumBodyLength else { throw PageError.badRequest("Nội dung dài quá \(EntryDraft.maximumBodyLength) ký tự.") }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Markdown.html(from: source).value)))
    }

    /// A Word document (.docx) made into a draft of the section and kind
    /// the new-item page was for; back to that page with a message if not.
    @Sendable func importDocument(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let (tenant, session) = (context.tenant, context.session)
        // The section and kind are in the address: a file too large to read still gets its form back.
        let query = QueryItemsOf(request)
        guard let sectionID = Int(query["chuyen-muc"] ?? ""), let section = try await self.sections(tenant).first(where: { $0.id == sectionID }),
            Self.takesNewItems(section),
            let kind = EntryKind(rawValue: query["loai"] ?? ""), EntryKind.allowed(in: sectionID).contains(kind)
        else { throw PageError.badRequest("Chuyên mục hoặc loại bài không hợp lệ.") }
        let limit = self.editorial.maxUpload
        do {
            let form: FormBody
            do {
                form = try await self.form(request, context, session: session, limit: limit + 64 * 1024)
            } catch is NIOTooManyBytesError {
                throw ValidationFailure([BodyField.file.rawValue: Editorial.tooLarge(limit)])
            }
            guard let file = form.files["tep-word"], !file.data.isEmpty else { throw ValidationFailure([BodyField.file.rawValue: "Chưa chọn tệp Word."]) }
            let imported = try await self.editorial.importDocument(
                name: file.name, data: file.data, section: section.id, kind: kind, in: tenant, by: session.user, address: context.remoteAddress)
            return Self.redirect("\(context.base)/bai/\(imported.id)?ket-qua=da-nhap-word")
        } catch let failure as ValidationFailure {
            var draft = EntryDraft(sectionID: section.id, kind: kind)
            draft.author = session.user.displayName
            draft.publish = .draft
            draft.bodyFormat = .html
            return try await self.entryForm(
                context, section: section, draft: draft, id: nil, errors: ["tep-word": failure.fields[BodyField.file.rawValue] ?? failure.summary],
                status: .badRequest)
        }
    }

    /// What the entry form holds, kept every few seconds while its author
    /// types (``Editorial/autosave(entry:section:kind:tab:fields:in:by:)``):
    /// JSON with the time and whoever else is editing the item.
    @Sendable func autosave(_ request: Request, context: CommuneConsoleContext) async throws -> Response {
        let form = try await self.form(request, context, session: context.session, limit: Editorial.autosaveLimit + 64 * 1024)
        guard let section = Int(form["chuyen-muc"]), let kind = EntryKind(rawValue: form["loai"]), EntryKind.allowed(in: section).contains(kind) else {
            throw PageError.badRequest("Chuyên mục hoặc loại bài không hợp lệ.")
        }
        let entry = form["bai"].isEmpty ? nil : Int64(form["bai"])
        if !form["bai"].isEmpty && entry == nil { throw PageError.badRequest("Số bài không hợp lệ.") }
        // The item's fields, and the save the form was opened at (`ban`), so
        // that a restored autosave still meets the check for a newer save.
        let names = Set(EntryDraft.Field.allCases.map(EntryForm.input) + ["ban"])
        let fields = form.fields.filter { names.contains($0.key) }
        let saved: (savedAt: Date, other: OtherEditor?)
        do {
            saved = try await self.editorial.autosave(
                entry: entry, section: section, kind: kind, tab: form["tab"], fields: fields, in: context.tenant, by: context.session.user)
        } catch let failure as ValidationFailure {
            return try Self.json(["loi": failure.summary], status: .contentTooLarge)
        }
        var answer = ["luc": VietnamTime(saved.savedAt).timeString]
        if let other = saved.other {
            answer["khac"] = other.name.map { "\($0) cũng đang sửa bài này (tự lưu lúc \(VietnamTime(other.savedAt).timeString)). Lưu cùng lúc sẽ được báo." }
                ?? "Bài này đang mở ở một thẻ khác của bạn (tự lưu lúc \(VietnamTime(other.savedAt).timeString))."
        }
        return try Self.json(answer)
    }
}
