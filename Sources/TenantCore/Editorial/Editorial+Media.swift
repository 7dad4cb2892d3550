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

    /// The description the library keeps for a file, nil when it has none or does not exist.
    public func fileDescription(_ id: Int64, in tenant: Tenant) async throws -> String? {
        let alt = try await self.database.withConnection(schema: tenant.schema) { connection in
            try await self.media.description(tenant.schema, file: id, on: connection)
        }
        return alt?.isEmpty == false ? alt : nil
    }

    /// Sets the description of a library file (offered wherever it is put).
    /// - Throws: ``ValidationFailure`` for a description too long or with control characters.
    public func describeFile(_ id: Int64, alt rawAlt: String, in tenant: Tenant, by user: StaffUser, address: String) async throws {
        let alt = VietnameseText.nfc(rawAlt.trimmingCharacters(in: .whitespacesAndNewlines))
        guard alt.count <= 300, !VietnameseText.hasControlCharacters(alt) else {
            throw ValidationFailure([BodyField.alt.rawValue: "Mô tả ảnh tối đa 300 ký tự, không có ký tự điều khiển."])
        }
        try await self.change(tenant, by: user, action: "file.describe", detail: { _ in "#\(id) \(alt.prefix(80))" }, address: address) { connection in
            guard try await self.media.describe(tenant.schema, file: id, alt: alt, on: connection) else {
                throw TenantCoreError(.notFound, "file \(id) does not exist")
            }
        }
    }

    /// New contents for a library file under the same address: an image by
    /// an image, a PDF by a PDF. Every item using it shows the new one.
    /// - Throws: ``ValidationFailure`` for an upload refused as in ``upload(name:data:in:by:address:)``
    ///   or of another kind.
    public func replaceFile(_ id: Int64, name: String, data: [UInt8], in tenant: Tenant, by user: StaffUser, address: String) async throws -> StoredFile {
        let prepared = try await self.prepare(name: name, data: data, in: tenant)
        try await self.change(tenant, by: user, action: "file.replace", detail: { _ in "#\(id) \(prepared.name) \(prepared.data.count) B" }, address: address) { connection in
            guard let current = try await self.media.contentType(tenant.schema, file: id, on: connection) else {
                throw TenantCoreError(.notFound, "file \(id) does not exist")
            }
            guard current.hasPrefix("image/") == prepared.type.mime.hasPrefix("image/") else {
                throw ValidationFailure([BodyField.file.rawValue: current.hasPrefix("image/") ? "Ảnh chỉ được thay bằng một ảnh." : "Tệp PDF chỉ được thay bằng một tệp PDF."])
            }
            try await self.media.replace(tenant.schema, file: id, name: prepared.name, contentType: prepared.type.mime, data: prepared.data, on: connection)
            for copy in prepared.variants {
                try await self.content.saveVariant(of: id, width: copy.width, data: copy.data, in: tenant.schema, on: connection)
            }
        }
        return StoredFile(id: id, name: prepared.name, contentType: prepared.type.mime, size: prepared.data.count, createdAt: Date())
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
