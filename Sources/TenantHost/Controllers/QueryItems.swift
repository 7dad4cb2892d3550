import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenantCore

/// The query string, decoded (`+` as space, percent-escapes, NFC) and validated.
struct QueryItems {
    var values: [String: String] = [:]

    init(_ request: Request) throws {
        try self.init(query: request.uri.query ?? "")
    }

    init(query: String) throws {
        guard let values = URLEncodedForm.decode(query) else { throw PageError.badRequest("Địa chỉ chứa ký tự không hợp lệ.") }
        self.values = values.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// A non-empty text of at most `max` characters, or nil.
    func text(_ key: String, max: Int) throws -> String? {
        guard let value = self.values[key], !value.isEmpty else { return nil }
        guard value.count <= max, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PageError.badRequest("Nội dung tìm kiếm quá dài hoặc chứa ký tự không hợp lệ (tối đa \(max) ký tự).")
        }
        return value
    }

    /// `?trang=N`, 1 when absent; at most 99,999, so that no list's offset
    /// (page × page size) can overflow.
    func page() throws -> Int {
        guard let raw = self.values["trang"], !raw.isEmpty else { return 1 }
        guard raw.utf8.count <= 5, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let page = Int(raw), page >= 1 else {
            throw PageError.badRequest("Số trang “\(raw.prefix(20))” không hợp lệ; số trang là một số nguyên dương.")
        }
        return page
    }

    /// The procedure list's search and filter (`q`, `linh-vuc`, `muc-do`).
    func procedureFilter() throws -> ProcedureFilter {
        ProcedureFilter([
            "q": try self.text("q", max: 100) ?? "", "linh-vuc": try self.text("linh-vuc", max: 200) ?? "",
            "muc-do": try self.text("muc-do", max: 20) ?? "",
        ])
    }

    func documentQuery() throws -> DocumentQuery {
        var query = DocumentQuery()
        query.type = try self.text("loai", max: 100)
        query.number = try self.text("so", max: 60)
        query.issuer = try self.text("co-quan", max: 200)
        query.text = try self.text("tu-khoa", max: 200)
        if let year = try self.text("nam", max: 4) {
            guard let value = Int(year), (1945...2100).contains(value) else {
                throw PageError.badRequest("Năm ban hành “\(year)” không hợp lệ.")
            }
            query.year = value
        }
        return query
    }

    /// `?tuan=YYYY-MM-DD`: any day of the wanted week.
    func week() throws -> Date? {
        guard let raw = try self.text("tuan", max: 10) else { return nil }
        guard let day = EntryDraft.parseDate(raw), (2000...2100).contains(VietnamTime(day).year) else {
            throw PageError.badRequest("Tuần “\(raw)” không hợp lệ; dùng dạng năm-tháng-ngày, ví dụ 2026-11-23.")
        }
        return day.addingTimeInterval(3600)
    }
}

extension RouterMethods {
    /// GET and HEAD, answered alike: the body of a HEAD answer is dropped on
    /// the way out (by NIO's encoder, or by ``CacheHitHandler``).
    @discardableResult
    func read(_ path: RouterPath, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator) -> Self {
        self.get(path, use: handler)
        return self.head(path, use: handler)
    }
}
