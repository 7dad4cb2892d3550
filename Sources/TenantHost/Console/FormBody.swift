import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// A URL-encoded or multipart form body.
struct FormBody: Sendable {
    var fields: [String: String] = [:]
    var files: [String: (name: String, data: [UInt8])] = [:]

    subscript(_ key: String) -> String { self.fields[key] ?? "" }

    /// Reads the body of `request` (at most `limit` bytes).
    static func read(_ request: Request, context: some RequestContext, limit: Int) async throws -> FormBody {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            return try Multipart.parse(buffer, contentType: type)
        }
        // A form is URL-encoded or multipart; a `text/plain` post is what a
        // cross-site script sends without asking first.
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else { throw HTTPError(.unsupportedMediaType) }
        guard let fields = URLEncodedForm.decode(String(buffer: buffer)) else {
            throw PageError.badRequest("Dữ liệu biểu mẫu không hợp lệ.")
        }
        return FormBody(fields: fields)
    }

    /// Fills the text fields of `draft` from the inputs `input` names.
    func fill<Draft: TextFields>(_ draft: inout Draft, input: (Draft.Field) -> String) {
        for field in Draft.Field.allCases {
            if let path = Draft.text(field) { draft[keyPath: path] = self[input(field)] }
        }
    }

    /// The inputs' values for the text fields of `draft`, to show it again.
    static func values<Draft: TextFields>(of draft: Draft, input: (Draft.Field) -> String) -> [String: String] {
        var values: [String: String] = [:]
        for field in Draft.Field.allCases {
            if let path = Draft.text(field) { values[input(field)] = draft[keyPath: path] }
        }
        return values
    }
}
