import Foundation

/// Reads the fields of an official document (văn bản) from how commune
/// sites write them: "Số: 125/QĐ-UBND", "Quyết định số 125/QĐ-UBND ngày
/// 12/3/2024 về việc…", "Ngày ban hành: 12/03/2024", "Người ký: …".
public enum DocumentRecognizer {
    public struct Fields: Sendable, Hashable {
        public var number: String
        public var type: String
        public var issuer: String?
        public var signer: String?
        public var issuedOn: Date?
        public var effectiveOn: Date?
        /// The text says it is a document: a "Số:" line, or a title starting with its kind.
        public var stated: Bool
    }

    /// Kinds of document by the abbreviation of their symbol (Nghị định 30/2020/NĐ-CP, Phụ lục III).
    static let kinds: [(code: String, name: String)] = [
        ("QĐ", "Quyết định"), ("NQ", "Nghị quyết"), ("CT", "Chỉ thị"), ("TB", "Thông báo"), ("KH", "Kế hoạch"),
        ("BC", "Báo cáo"), ("TTr", "Tờ trình"), ("HD", "Hướng dẫn"), ("CTr", "Chương trình"), ("GM", "Giấy mời"),
        ("QC", "Quy chế"), ("QyĐ", "Quy định"), ("PA", "Phương án"), ("ĐA", "Đề án"), ("BB", "Biên bản"), ("GXN", "Giấy xác nhận"),
    ]
    static let names = [
        "Quyết định", "Nghị quyết", "Chỉ thị", "Thông báo", "Kế hoạch", "Báo cáo", "Tờ trình", "Hướng dẫn", "Chương trình",
        "Giấy mời", "Quy chế", "Quy định", "Phương án", "Đề án", "Biên bản", "Công văn", "Thông tư", "Nghị định", "Luật",
    ]

    /// `125/QĐ-UBND`, `123/2024/QĐ-UBND`, `45/UBND-VP`, `05/NQ-HĐND`.
    nonisolated(unsafe) static let number = /(?<n>[0-9]{1,5}(?:\/[0-9]{4})?\/[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)/
    nonisolated(unsafe) static let labelledNumber = /(?i)số(?:\s+ký\s+hiệu|\s+hiệu)?\s*[:.]\s*/
    nonisolated(unsafe) static let numericDate = /(?<d>[0-9]{1,2})\s*[\/.\-]\s*(?<m>[0-9]{1,2})\s*[\/.\-]\s*(?<y>[0-9]{4})/
    nonisolated(unsafe) static let wordedDate = /(?i)(?<d>[0-9]{1,2})\s+tháng\s+(?<m>[0-9]{1,2})\s+năm\s+(?<y>[0-9]{4})/

    /// The document's fields, nil when the text carries no number.
    /// `title` and `text` are plain text (NFC); `commune` is the issuer
    /// when the text names none ("Ủy ban nhân dân xã Hải Nam").
    public static func recognise(title: String, text: String, commune: String) -> Fields? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        // The number: a "Số:" line, else "số …" in the title, else any symbol in the title.
        var number: String?
        var stated = false
        for line in lines {
            if let label = line.prefixMatch(of: labelledNumber), let found = line[label.range.upperBound...].prefixMatch(of: Self.number) {
                number = String(found.output.n)
                stated = true
                break
            }
        }
        if number == nil { number = title.firstMatch(of: Self.number).map { String($0.output.n) } }
        guard let number else { return nil }

        let type = Self.type(title: title, number: number)
        let folded = VietnameseText.fold(title)
        if Self.names.contains(where: { folded.hasPrefix(VietnameseText.fold($0)) }) { stated = true }
        let issuedOn = Self.labelled(["ngày ban hành", "ban hành ngày", "ngày ký"], in: lines).flatMap(Self.date)
            ?? Self.dateAfter(number, in: title) ?? Self.dateAfter(number, in: lines.joined(separator: "\n"))
            ?? Self.placeAndDate(in: lines)
        let effectiveOn = Self.labelled(["ngày hiệu lực", "ngày có hiệu lực", "hiệu lực từ ngày", "có hiệu lực từ ngày"], in: lines).flatMap(Self.date)
        // "Đỗ Minh Khoa – Phó Chủ tịch UBND xã": the name, without the office.
        let signer = Self.labelled(["người ký", "người ký ban hành"], in: lines)
            .map { line in Self.clean(line.components(separatedBy: " – ").first.map { $0.components(separatedBy: " - ")[0] } ?? line) }
            .flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        var issuer = Self.labelled(["cơ quan ban hành", "nơi ban hành"], in: lines).map(Self.clean)
        if issuer?.isEmpty ?? true { issuer = Self.issuer(number: number, commune: commune) }
        return Fields(number: number, type: type, issuer: issuer.map { String($0.prefix(200)) }, signer: signer, issuedOn: issuedOn, effectiveOn: effectiveOn,
            stated: stated)
    }

    /// The kind the title starts with, else the one of the symbol's
    /// abbreviation; a symbol of the office alone (`45/UBND-VP`) is a Công văn.
    static func type(title: String, number: String) -> String {
        let folded = VietnameseText.fold(title)
        if let name = Self.names.first(where: { folded.hasPrefix(VietnameseText.fold($0)) }) { return name }
        let symbol = number.split(separator: "/").last.map(String.init) ?? ""
        let code = symbol.split(separator: "-").first.map(String.init) ?? ""
        if let kind = Self.kinds.first(where: { $0.code == code }) { return kind.name }
        return "Công văn"
    }

    /// Who issued it, by the organ in the symbol (`QĐ-UBND`: the people's committee).
    static func issuer(number: String, commune: String) -> String {
        let symbol = number.split(separator: "/").last.map(String.init) ?? ""
        let parts = symbol.split(separator: "-").map(String.init)
        if parts.contains("HĐND") { return "Hội đồng nhân dân \(commune)" }
        if parts.contains("ĐU") || parts.contains("ĐUX") { return "Đảng ủy \(commune)" }
        if parts.contains("MTTQ") { return "Ủy ban Mặt trận Tổ quốc Việt Nam \(commune)" }
        return "Ủy ban nhân dân \(commune)"
    }

    /// The rest of the first line starting with one of `labels` and a colon.
    static func labelled(_ labels: [String], in lines: [String]) -> String? {
        for line in lines {
            let folded = VietnameseText.fold(line)
            for label in labels {
                let key = VietnameseText.fold(label)
                guard folded.hasPrefix(key) else { continue }
                // Folding keeps one character per character: cut the original at the same place.
                let rest = line.dropFirst(label.count).drop { $0 == " " || $0 == ":" || $0 == "." }
                if !rest.isEmpty { return String(rest) }
            }
        }
        return nil
    }

    static func clean(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".;,")))
    }

    /// The date of the document's heading line: "Hải Nam, ngày 05 tháng 6 năm 2023".
    static func placeAndDate(in lines: [String]) -> Date? {
        for line in lines.prefix(20) where line.count <= 80 {
            let folded = VietnameseText.fold(line)
            guard let comma = folded.range(of: ", ngay "), folded[comma.upperBound...].contains("thang") else { continue }
            if let date = Self.date(line) { return date }
        }
        return nil
    }

    /// The date of "…số 125/QĐ-UBND ngày 12/3/2024…".
    static func dateAfter(_ number: String, in text: String) -> Date? {
        guard let found = text.range(of: number) else { return nil }
        let after = text[found.upperBound...].prefix(40)
        let folded = VietnameseText.fold(String(after)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard folded.hasPrefix("ngay") else { return nil }
        return Self.date(String(after))
    }

    /// The first date of `text`: 12/03/2024, 12-3-2024, 12.3.2024 or "12 tháng 3 năm 2024".
    static func date(_ text: String) -> Date? {
        let candidates = [text.firstMatch(of: numericDate).map { ($0.range.lowerBound, $0.output.d, $0.output.m, $0.output.y) },
                          text.firstMatch(of: wordedDate).map { ($0.range.lowerBound, $0.output.d, $0.output.m, $0.output.y) }]
            .compactMap { $0 }.sorted { $0.0 < $1.0 }
        guard let (_, d, m, y) = candidates.first, let day = Int(d), let month = Int(m), let year = Int(y),
            (1900...2100).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let days = VietnamTime.days(fromCivil: year, month, day)
        guard VietnamTime.civil(fromDays: days) == (year, month, day) else { return nil }
        return VietnamTime.startOfDay(year: year, month: month, day: day)
    }
}
