import Foundation
import Logging

/// A province's catalogue of commune-level administrative procedures, read
/// from CSV (`data/procedures/sample-thu-tuc-cap-xa.csv` shows the format):
///
///     ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do,co_quan_thuc_hien,thoi_han_giai_quyet,phi_le_phi
///
/// Every row is checked before anything changes; each bad row is named
/// with its line and what is wrong.
public enum ProcedureCatalogue {
    public static let header = ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do", "co_quan_thuc_hien", "thoi_han_giai_quyet", "phi_le_phi"]
    public static let maximumRows = 5_000


    public static func parse(_ text: String, source: String) throws(TenantCoreError) -> [ProvinceProcedure] {
        let records = try CSV.parse(text, source: source)
        guard let first = records.first else { throw .invalid("\(source): the file is empty") }
        let names = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names == Self.header else {
            throw .invalid("\(source): line 1 must be the header \(Self.header.joined(separator: ",")), found \(names.joined(separator: ","))")
        }
        guard records.count - 1 <= Self.maximumRows else {
            throw .invalid("\(source): \(records.count - 1) procedures; at most \(Self.maximumRows) per import")
        }
        var problems: [String] = []
        var seen: [String: Int] = [:]
        var result: [ProvinceProcedure] = []
        for record in records.dropFirst() {
            var wrong: [String] = []
            guard record.fields.count == Self.header.count else {
                problems.append("line \(record.line): \(record.fields.count) columns, expected \(Self.header.count)")
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
            if f.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
                wrong.append("control characters")
            }
            guard wrong.isEmpty else {
                problems.append("line \(record.line): " + wrong.joined(separator: "; "))
                continue
            }
            seen[code] = record.line
            result.append(ProvinceProcedure(code: code, name: f[1], field: f[2], serviceLevel: level, body: f[4], processingTime: f[5], fee: f[6]))
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
