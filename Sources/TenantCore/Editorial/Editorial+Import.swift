import Foundation
import Logging

/// A Word document (.docx) made into a draft: its text as the body, its
/// first heading as the title, its images into the commune's library.
extension Editorial {
    public struct ImportedDocument: Sendable {
        public var id: Int64
        /// Images put in the library, and those of them without a description.
        public var images: Int
        public var undescribed: Int
        /// Images of kinds the site does not take (Word drawings, EMF), left out.
        public var dropped: Int
    }

    /// Makes a draft of `kind` in section `sectionID` from a .docx. Nothing
    /// is kept when it fails: images already stored are removed again.
    /// - Throws: ``ValidationFailure`` (field `file`) for a file that is not a
    ///   readable .docx, too large, or when pandoc is missing.
    public func importDocument(
        name: String, data: [UInt8], section sectionID: Int, kind: EntryKind, in tenant: Tenant, by user: StaffUser, address: String
    ) async throws -> ImportedDocument {
        let field = BodyField.file.rawValue
        guard !data.isEmpty else { throw ValidationFailure([field: "Chưa chọn tệp."]) }
        guard data.count <= self.maxUpload else { throw ValidationFailure([field: Self.tooLarge(self.maxUpload)]) }
        guard DocumentConverter.looksLikeDocx(data) else {
            throw ValidationFailure([field: "Chỉ nhận tệp Word .docx. Tệp .doc cũ: mở bằng Word hoặc LibreOffice rồi lưu lại dạng .docx."])
        }
        guard let converter = self.converter else {
            self.logger.warning("pandoc is not installed: Word documents cannot be imported", metadata: ["commune": "\(tenant.code)"])
            throw ValidationFailure([field: "Máy chủ chưa nhận được tệp Word; hãy mở tệp, chép nội dung và dán vào trình soạn thảo."])
        }
        let converted: DocumentConverter.Result
        do {
            converted = try await converter.convert(data)
        } catch {
            self.logger.notice("Word document refused by pandoc", metadata: ["commune": "\(tenant.code)", "reason": "\(error)"])
            throw ValidationFailure([field: "Không đọc được tệp Word này (tệp hỏng, có mật khẩu hoặc quá phức tạp). Mở tệp, lưu lại rồi thử lần nữa, hoặc dán nội dung vào trình soạn thảo."])
        }
        var html = converted.html
        var stored: [Int64] = []
        var dropped = 0
        do {
            for (key, bytes) in converted.images.sorted(by: { $0.key < $1.key }) where html.contains(key) {
                let file: StoredFile
                do {
                    file = try await self.upload(name: String(key.dropFirst("media/".count)), data: bytes, in: tenant, by: user, address: address)
                } catch is ValidationFailure {
                    dropped += 1
                    continue
                }
                stored.append(file.id)
                for prefix in ["./", ""] {
                    html = html.replacingOccurrences(of: "src=\"\(prefix)\(key)\"", with: "src=\"/tep/\(file.id)\"")
                }
            }
            let (title, body) = Self.titleAndBody(of: html, fallback: name)
            var draft = EntryDraft(sectionID: sectionID, kind: kind)
            draft.title = String(title.prefix(500))
            draft.body = body
            draft.bodyFormat = .html
            draft.author = user.displayName
            draft.publish = .draft
            let undescribed = EntryDraft.undescribedImages(in: HTMLSanitizer.sanitize(body).value)
            let (id, _) = try await self.saveEntry(draft, id: nil, intent: .draft, in: tenant, by: user, address: address)
            return ImportedDocument(id: id, images: stored.count, undescribed: undescribed, dropped: dropped)
        } catch {
            for id in stored { try? await self.deleteFile(id, in: tenant, by: user, address: address) }
            throw error
        }
    }

    /// The document's first heading, when it opens the document, as the
    /// title (plain text), and the rest as the body; else the file's name.
    static func titleAndBody(of html: String, fallback name: String) -> (String, String) {
        let trimmed = html.drop { $0.isWhitespace }
        if trimmed.hasPrefix("<h1"), let end = trimmed.range(of: "</h1>") {
            let heading = trimmed[..<end.lowerBound]
            var text = ""
            var inTag = false
            for character in heading {
                if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
            }
            let title = Entities.decode(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            if !title.isEmpty { return (title, String(trimmed[end.upperBound...])) }
        }
        var base = name
        if let dot = base.lastIndex(of: "."), dot > base.startIndex { base = String(base[..<dot]) }
        base = base.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces)
        return (base.isEmpty ? "Văn bản tải lên" : base, html)
    }
}
