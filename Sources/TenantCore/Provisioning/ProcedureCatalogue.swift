import Foundation
import Logging

/// A province's catalogue of commune-level administrative procedures, read
/// from CSV (`data/procedures/sample-thu-tuc-cap-xa.csv` shows the format):
///
///     ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do,co_quan_thuc_hien,thoi_han_giai_quyet,phi_le_phi
///
/// optionally followed by the columns of a procedure's own page, lists one
/// item per line inside the quoted field:
///
///     trinh_tu,cach_thuc,thanh_phan_ho_so,can_cu_phap_ly,mau_don,ket_qua,lien_ket
///
/// Every row is checked before anything changes; each bad row is named
/// with its line and what is wrong.
public enum ProcedureCatalogue {
    public static let header = ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do", "co_quan_thuc_hien", "thoi_han_giai_quyet", "phi_le_phi"]
    public static let detailHeader = ["trinh_tu", "cach_thuc", "thanh_phan_ho_so", "can_cu_phap_ly", "mau_don", "ket_qua", "lien_ket"]
    /// The longest each detail column may be (characters), as the table allows.
    static let detailLimits = [6_000, 3_000, 6_000, 3_000, 3_000, 1_000, 500]
    public static let maximumRows = 5_000


    public static func parse(_ text: String, source: String) throws(TenantCoreError) -> [ProvinceProcedure] {
        let records = try CSV.parse(text, source: source)
        guard let first = records.first else { throw .invalid("\(source): the file is empty") }
        let names = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names == Self.header || names == Self.header + Self.detailHeader else {
            throw .invalid(
                "\(source): line 1 must be the header \(Self.header.joined(separator: ",")) (optionally followed by \(Self.detailHeader.joined(separator: ","))), found \(names.joined(separator: ","))")
        }
        let columns = names.count
        guard records.count - 1 <= Self.maximumRows else {
            throw .invalid("\(source): \(records.count - 1) procedures; at most \(Self.maximumRows) per import")
        }
        var problems: [String] = []
        var seen: [String: Int] = [:]
        var result: [ProvinceProcedure] = []
        for record in records.dropFirst() {
            var wrong: [String] = []
            guard record.fields.count == columns else {
                problems.append("line \(record.line): \(record.fields.count) columns, expected \(columns)")
                continue
            }
            let f = record.fields.map { VietnameseText.nfc($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let code = f[0]
            if code.range(of: #"^[0-9]\.[0-9]{6}$"#, options: .regularExpression) == nil {
                wrong.append("ma_thu_tuc \(code.debugDescription) is not a national procedure code such as 1.001193")
            } else if let line = seen[code] {
                wrong.append("ma_thu_tuc \(code) already on line \(line)")
            }
            if f[1].isEmpty { wrong.append("ten_thu_tuc is empty") }
            if f[2].isEmpty { wrong.append("linh_vuc is empty") }
            let level = f[3].lowercased()
            if !["toàn trình", "một phần", ""].contains(level) {
                wrong.append("muc_do \(f[3].debugDescription) must be \"toàn trình\", \"một phần\" or empty")
            }
            for (index, limit) in [(1, 500), (2, 200), (4, 300), (5, 300), (6, 2_000)] where f[index].count > limit {
                wrong.append("\(Self.header[index]) longer than \(limit) characters")
            }
            // Line breaks separate the items of a detail column; no other control character anywhere.
            for (index, value) in f.enumerated()
            where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !(index >= Self.header.count && ($0 == "\n" || $0 == "\r")) }) {
                wrong.append("\(names[index]) has control characters")
            }
            var details: [[String]] = []
            for (offset, limit) in Self.detailLimits.enumerated() where columns > Self.header.count {
                let value = f[Self.header.count + offset].replacingOccurrences(of: "\r", with: "")
                if value.count > limit { wrong.append("\(Self.detailHeader[offset]) longer than \(limit) characters") }
                details.append(value.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
            if let link = details.last?.first, !(link.hasPrefix("https://") && link.count <= 500 && !link.contains(" ")) {
                wrong.append("lien_ket \(link.prefix(60).debugDescription) must be an https:// address")
            }
            guard wrong.isEmpty else {
                problems.append("line \(record.line): " + wrong.joined(separator: "; "))
                continue
            }
            seen[code] = record.line
            var procedure = ProvinceProcedure(code: code, name: f[1], field: f[2], serviceLevel: level, body: f[4], processingTime: f[5], fee: f[6])
            if details.count == Self.detailHeader.count {
                procedure.steps = details[0]
                procedure.channels = details[1]
                procedure.documents = details[2]
                procedure.legalBasis = details[3]
                procedure.forms = ProvinceProcedure.forms(fromLines: details[4])
                procedure.result = details[5].joined(separator: " ")
                procedure.link = details[6].first ?? ""
            }
            result.append(procedure)
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(50).joined(separator: "\n  ")
            let more = problems.count > 50 ? "\n  … and \(problems.count - 50) more" : ""
            throw .invalid("\(source): \(problems.count) bad row(s), nothing imported:\n  \(shown)\(more)")
        }
        return result
    }

    /// Replaces the catalogue of the province with official code
    /// `province`, in one transaction. A file with no procedure empties
    /// the catalogue only when `emptying` says that is what is meant.
    public static func replace(
        _ procedures: [ProvinceProcedure], province: Int, database: TenantDatabase, by actor: AuditActor = .provisioner,
        emptying: Bool = false
    ) async throws(TenantCoreError) -> AdminUnit {
        guard !procedures.isEmpty || emptying else {
            throw .invalid(
                "the file has a header and no procedure: importing it would empty the province's catalogue; confirm that this is meant (--empty)")
        }
        return try await database.withTransaction { connection in
            guard let unit = try await Catalogue(logger: database.logger).unit(.province, code: province, on: connection) else {
                throw TenantCoreError(.notFound, "province \(province) is not in the catalogue")
            }
            try await PortalStore(logger: database.logger).replaceProcedures(procedures, province: unit.id, on: connection)
            try await actor.record(
                "procedures.import", commune: nil, detail: "\(unit.name): \(procedures.count) procedures", on: connection, logger: database.logger)
            return unit
        }
    }
}
