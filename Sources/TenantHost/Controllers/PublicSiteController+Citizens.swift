import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// Citizens talking back: questions with a tracking code, comments on
/// drafts, and the files editors attach.
extension PublicSiteController {
    @Sendable func questionForm(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.render(request, context) { chrome, _ in
            .page(CitizenViews.questionForm(chrome, fields: [:], errors: [:]), contentType: Self.html)
        }
    }

    @Sendable func submitQuestion(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.submitTracked(request, context, tracking: "/hoi-dap/tra-cuu", otherwise: "/hoi-dap") { form in
            try await self.editorial.submitQuestion(CitizenForm.question(from: form), to: context.tenant, address: context.remoteAddress)
        } formAgain: { chrome, form, failure in
            CitizenViews.questionForm(chrome, fields: form.fields, errors: CitizenForm.questionErrors(failure))
        }
    }

    /// A citizen's form that gets a tracking code (a question, a request for
    /// information): a bot that filled the hidden field is thanked and
    /// nothing kept; a code leads, post/redirect/get, to its tracking page
    /// (a reload never sends the form twice); field errors show the form
    /// again with a 400; the rate limit answers in the site's layout.
    func submitTracked(
        _ request: Request, _ context: TenantRequestContext, tracking: String, otherwise: String,
        submit: @Sendable (FormBody) async throws -> String,
        formAgain: @escaping @Sendable (SiteChrome, FormBody, ValidationFailure) -> HTML
    ) async throws -> Response {
        let form = try await FormBody.read(request, context: context, limit: 64 * 1024)
        var outcome: Result<String?, any Error>
        if !form["website"].isEmpty {
            outcome = .success(nil)
        } else {
            do {
                outcome = .success(try await submit(form))
            } catch {
                outcome = .failure(error)
            }
        }
        let result = outcome
        if case .success(let code) = result {
            return Self.seeOther(code.map { "\(tracking)?ma=\($0)&moi=1" } ?? otherwise)
        }
        return try await self.render(request, context) { chrome, _ in
            switch result {
            case .success:
                throw PageError.badRequest("")
            case .failure(let failure as ValidationFailure):
                return .personal(formAgain(chrome, form, failure), status: .badRequest)
            case .failure(let error as TenantCoreError) where error.code == .rateLimited:
                let answer = ErrorMapping.answer(for: error)
                return .personal(ErrorView.inSite(chrome, title: answer.title, message: answer.message), status: answer.status)
            case .failure(let error):
                throw error
            }
        }
    }

    @Sendable func informationForm(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.render(request, context) { chrome, _ in
            .page(CitizenViews.informationForm(chrome, fields: [:], errors: [:]), contentType: Self.html)
        }
    }

    @Sendable func submitInformationRequest(_ request: Request, context: TenantRequestContext) async throws -> Response {
        try await self.submitTracked(request, context, tracking: "/tiep-can-thong-tin/tra-cuu", otherwise: "/tiep-can-thong-tin") { form in
            try await self.editorial.submitInformationRequest(
                CitizenForm.informationRequest(from: form), to: context.tenant, address: context.remoteAddress)
        } formAgain: { chrome, form, failure in
            CitizenViews.informationForm(chrome, fields: form.fields, errors: CitizenForm.informationErrors(failure))
        }
    }

    @Sendable func ratingForm(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let sent = request.uri.query == "da-gui=1"
        return try await self.render(request, context) { chrome, _ in
            .page(CitizenViews.ratingForm(chrome, fields: [:], errors: [:], sent: sent), contentType: Self.html)
        }
    }

    @Sendable func submitRating(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, context: context, limit: 16 * 1024)
        let tenant = context.tenant
        var failure: (any Error)?
        if form["website"].isEmpty {
            do {
                try await self.editorial.submitRating(CitizenForm.rating(from: form), to: tenant, address: context.remoteAddress)
            } catch {
                failure = error
            }
        }
        let problem = failure
        if problem == nil { return Self.seeOther("/danh-gia?da-gui=1") }
        return try await self.render(request, context) { chrome, _ in
            switch problem {
            case let failure as ValidationFailure:
                return .personal(
                    CitizenViews.ratingForm(chrome, fields: form.fields, errors: CitizenForm.ratingErrors(failure), sent: false), status: .badRequest)
            case let error as TenantCoreError where error.code == .rateLimited:
                let answer = ErrorMapping.answer(for: error)
                return .personal(ErrorView.inSite(chrome, title: answer.title, message: answer.message), status: answer.status)
            default:
                throw problem ?? PageError.badRequest("")
            }
        }
    }

    @Sendable func trackQuestion(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let query = try QueryItems(request)
        let code = (try query.text("ma", max: 20) ?? "").uppercased()
        let isNew = query.values["moi"] == "1"
        let kind: Question.Kind = request.uri.path.hasPrefix("/tiep-can-thong-tin") ? .information : .question
        return try await self.render(request, context) { chrome, connection in
            var question = code.isEmpty ? nil : try await self.services.content.question(code: code, in: chrome.tenant.schema, on: connection)
            // Each corner tracks its own: a request's code is looked up under Tiếp cận thông tin.
            if question?.kind != kind { question = nil }
            let status: HTTPResponse.Status = !code.isEmpty && question == nil ? .notFound : .ok
            return .personal(
                CitizenViews.tracking(chrome, code: code, question: question, searched: !code.isEmpty, isNew: isNew, kind: kind), status: status)
        }
    }

    @Sendable func submitComment(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        let form = try await FormBody.read(request, context: context, limit: 64 * 1024)
        let tenant = context.tenant
        var failure: (any Error)?
        if form["website"].isEmpty {
            do {
                try await self.editorial.submitComment(CitizenForm.comment(from: form), on: id, to: tenant, address: context.remoteAddress)
            } catch {
                failure = error
            }
        }
        let problem = failure
        if problem == nil { return Self.seeOther("/lay-y-kien/\(id)?da-gui=1#gop-y") }
        return try await self.render(request, context) { chrome, connection in
            let store = self.services.content
            guard let section = chrome.section(id: MandatorySection.consultation.id),
                let entry = try await store.entry(chrome.tenant.schema, section: section.id, id: id, now: chrome.now, on: connection)
            else { throw PageError.notFound("Dự thảo không tồn tại.") }
            switch problem {
            case nil:
                throw PageError.badRequest("")
            case let failure as ValidationFailure:
                let comments = try await store.comments(entry: id, status: .approved, in: chrome.tenant.schema, on: connection)
                let block = CitizenViews.consultation(chrome, entry, comments: comments, now: chrome.now, fields: form.fields, errors: CitizenForm.commentErrors(failure))
                return .personal(EntryView.render(chrome, section, entry, related: [], extra: block), status: .badRequest)
            case let error as TenantCoreError where error.code == .rateLimited:
                let answer = ErrorMapping.answer(for: error)
                return .personal(ErrorView.inSite(chrome, title: answer.title, message: answer.message), status: answer.status)
            case let error as TenantCoreError where error.code == .notFound:
                throw PageError.notFound("Dự thảo không tồn tại.")
            case let error?:
                throw error
            }
        }
    }

    static func seeOther(_ location: String) -> Response { Redirect.to(location) }

    /// An uploaded file, with the type found when it was uploaded.
    /// `/tep/<id>/<width>`: an image's WebP copy at most that wide (one of
    /// ``ImageResizer/widths``), or the image itself when it has none.
    @Sendable func fileVariant(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        guard let width = Int(context.parameters.get("width") ?? ""), ImageResizer.widths.contains(width) else { throw HTTPError(.notFound) }
        let schema = context.tenant.schema
        guard let (file, data) = try await self.services.database.withConnection(retryingReads: true, schema: schema, { connection in
            if let copy = try await self.services.content.variant(of: id, width: width, in: schema, on: connection) { return copy }
            return try await self.services.content.file(id, in: schema, on: connection)
        }) else { throw HTTPError(.notFound) }
        return Self.fileResponse(file, data, width: width, ifNoneMatch: request.headers[.ifNoneMatch])
    }

    @Sendable func file(_ request: Request, context: TenantRequestContext) async throws -> Response {
        let id = try Self.entryID(context)
        let schema = context.tenant.schema
        guard let (file, data) = try await self.services.database.withConnection(retryingReads: true, schema: schema, { connection in
            try await self.services.content.file(id, in: schema, on: connection)
        }) else { throw HTTPError(.notFound) }
        return Self.fileResponse(file, data, ifNoneMatch: request.headers[.ifNoneMatch])
    }

    /// A library file or one of its copies. A file can be replaced under
    /// the same address (the library's "Thay"), so caches keep it five
    /// minutes and then ask again with its ETag (its id, width, time and size).
    static func fileResponse(_ file: StoredFile, _ data: ByteBuffer, width: Int = 0, ifNoneMatch: String? = nil) -> Response {
        var headers = HTTPFields()
        let etag = "\"\(file.id)-\(width)-\(Int(file.createdAt.timeIntervalSince1970 * 1000))-\(data.readableBytes)\""
        headers[.eTag] = etag
        headers[.cacheControl] = "public, max-age=300"
        if let ifNoneMatch, ifNoneMatch.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentDisposition] = "inline; filename*=UTF-8''\(Layout.percentEncode(file.name))"
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: data))
    }
}
