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
}
