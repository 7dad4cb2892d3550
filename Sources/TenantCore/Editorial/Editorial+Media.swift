import Foundation

/// A commune's uploads as a library.
extension Editorial {
    var media: MediaRepository { MediaRepository(logger: self.logger) }

    /// The commune's files matching `text` (by name, diacritics ignored), newest first, with where each is used.
    public func library(matching text: String, in tenant: Tenant) async throws -> [LibraryFile] {
        try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.media.library(tenant.schema, text: text, on: connection)
        }
    }

    /// Deletes a file no item uses (in its fields, its text, or in the trash).
    /// - Throws: ``ValidationFailure`` naming the items that use it.
    public func deleteFile(_ id: Int64, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        try await self.change(tenant, by: user, action: "file.delete", detail: { _ in "#\(id)" }, address: address) { connection in
            let uses = try await self.media.uses(tenant.schema, file: id, on: connection)
            guard uses.isEmpty else {
                throw ValidationFailure([BodyField.file.rawValue: "Tệp đang được dùng trong: \(uses.map { "“\($0)”" }.joined(separator: ", ")). Bỏ tệp khỏi các bài đó trước khi xóa."])
            }
            guard try await self.media.delete(tenant.schema, file: id, on: connection) else {
                throw TenantCoreError(.notFound, "file \(id) does not exist")
            }
        }
    }
}
