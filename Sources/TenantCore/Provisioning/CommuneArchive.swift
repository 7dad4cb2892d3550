import Foundation
import Logging

/// The catalogue part of an export file; the tables travel as JSON beside it.
public struct CommuneArchiveHeader: Codable, Sendable {
    public struct Unit: Codable, Sendable, Hashable {
        public var level: UnitLevel
        public var code: Int
        public var name: String
        public var kind: String
        public var slug: String
        public var portal_url: String?
        public var parent_code: Int?
        public var parent_level: UnitLevel?
    }

    public struct Domain: Codable, Sendable, Hashable {
        public var host: String
        public var role: DomainRole
    }

    public var format: String
    public var format_version: Int
    public var exported_at: String
    public var schema: String
    public var schema_version: Int
    public var status: TenantStatus
    public var status_note: String
    public var content_version: Int64
    /// The commune first, then its parent and its parent's parent.
    public var units: [Unit]
    public var domains: [Domain]
    /// Rows per table, to check a restore against.
    public var row_counts: [String: Int]
}

extension CommuneProvisioning {
    static let exportFormat = "commune-platform-export"

    /// Writes a commune's whole schema and catalogue rows to `path` (JSON),
    /// atomically, and records the export so the commune may later be deleted.
    /// Returns the header written and the file size.
    public func export(code: Int, to path: String) async throws(TenantCoreError) -> (CommuneArchiveHeader, Int) {
        let (header, data) = try await self.exportDocument(code: code)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        do {
            try data.write(to: temporary)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw TenantCoreError(.io, "cannot write \(path): \(error.localizedDescription)", underlying: error)
        }
        let absolute = url.standardizedFileURL.path
        let bytes = data.count
        let archive = ArchiveRepository(logger: self.logger)
        try await self.database.withConnection { connection in
            try await archive.recordExport(
                code: code, schema: header.schema, file: absolute, contentVersion: header.content_version, bytes: bytes, on: connection)
        }
        self.logger.info("commune exported", metadata: ["commune": "\(code)", "tenant.schema": "\(header.schema)", "file": "\(absolute)"])
        return (header, bytes)
    }

    /// A commune's whole schema and catalogue rows as one JSON document (the
    /// format ``restore(from:)`` reads), from one consistent snapshot: what
    /// `commune export` writes and the console hands out as a download.
    public func exportDocument(code: Int) async throws(TenantCoreError) -> (CommuneArchiveHeader, Data) {
        let archive = ArchiveRepository(logger: self.logger)
        let (header, document) = try await self.database.withTransaction(schema: try await self.schema(of: code)) { connection in
            // A consistent snapshot of catalogue rows and content.
            try await archive.snapshot(on: connection)
            guard let record = try await self.catalogue.tenant(code: code, on: connection) else {
                throw TenantCoreError.notFound("commune \(code) has no site on this platform")
            }
            let schema = record.schema
            var units: [CommuneArchiveHeader.Unit] = []
            var next: Int64? = record.unitID
            var child: Int? = nil
            while let id = next, let unit = try await self.catalogue.unit(id: id, on: connection) {
                units.append(.init(level: unit.level, code: unit.code, name: unit.name, kind: unit.kind, slug: unit.slug,
                                   portal_url: unit.portalURL, parent_code: nil, parent_level: nil))
                if child != nil { units[units.count - 2].parent_code = unit.code; units[units.count - 2].parent_level = unit.level }
                child = unit.code
                next = unit.parentID
            }
            let domains = try await self.catalogue.domains(tenantID: record.unitID, on: connection)
                .map { CommuneArchiveHeader.Domain(host: $0.host, role: $0.role) }
            let (tables, rowCounts) = try await archive.exportTables(schema, on: connection)
            let header = CommuneArchiveHeader(
                format: Self.exportFormat, format_version: 1, exported_at: ISO8601DateFormatter().string(from: Date()),
                schema: schema.rawValue, schema_version: record.schemaVersion, status: record.status,
                status_note: record.statusNote, content_version: record.contentVersion, units: units, domains: domains,
                row_counts: rowCounts)
            return (header, tables)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data: Data
        do {
            data = try encoder.encode(header)
        } catch {
            throw TenantCoreError(.io, "cannot encode the export", underlying: error)
        }
        // {"header":…,"tables":…} without decoding the tables in Swift.
        data = Data("{\"header\":".utf8) + data + Data(",\"tables\":".utf8) + Data(document.utf8) + Data("}\n".utf8)
        return (header, data)
    }

    /// Recreates a commune from an export file: catalogue rows (and missing
    /// parents), schema at the exported version, every row, its domains, then
    /// upgrades the schema to the newest version — in one transaction.
    public func restore(from path: String) async throws(TenantCoreError) -> (CommuneArchiveHeader, Int) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TenantCoreError(.io, "cannot read \(path): \(error.localizedDescription)", underlying: error)
        }
        struct Envelope: Decodable { var header: CommuneArchiveHeader }
        let header: CommuneArchiveHeader
        do {
            header = try JSONDecoder().decode(Envelope.self, from: data).header
        } catch {
            throw .invalid("\(path) is not a commune export file (\(error))")
        }
        guard header.format == Self.exportFormat, header.format_version == 1 else {
            throw .invalid("\(path) is a \(header.format) v\(header.format_version) file; expected \(Self.exportFormat) v1")
        }
        guard let commune = header.units.first, commune.level == .commune else {
            throw .invalid("\(path) names no commune")
        }
        let schema = try SchemaName(validating: header.schema)
        guard schema == (try SchemaName(communeCode: commune.code)) else {
            throw .invalid("\(path): schema \(schema) does not belong to commune \(commune.code)")
        }
        guard header.schema_version >= 1, header.schema_version <= self.migrations.tenantVersion else {
            throw .invalid("\(path) was exported at schema version \(header.schema_version); this program knows 1…\(self.migrations.tenantVersion)")
        }
        let hosts = try header.domains.map { d throws(TenantCoreError) in (try Hostname(validating: d.host), d.role) }
        let runner = MigrationRunner(migrations: self.migrations, logger: self.logger)
        let archive = ArchiveRepository(logger: self.logger)
        let restoredRows: Int = try await self.database.withTransaction { connection in
            if try await self.catalogue.unit(.commune, code: commune.code, on: connection) != nil {
                throw TenantCoreError.conflict("commune \(commune.code) already exists; delete it before restoring")
            }
            if try await archive.schemaExists(schema, on: connection) {
                throw TenantCoreError.conflict("schema \(schema) already exists without a catalogue entry; drop it first")
            }
            for (host, _) in hosts {
                if let owner = try await self.catalogue.domainOwner(host, on: connection) {
                    throw TenantCoreError.conflict("host \(host) now belongs to commune \(owner.communeCode)")
                }
            }
            // Parents, from the province down.
            var parentID: Int64? = nil
            for unit in header.units.dropFirst().reversed() {
                if let existing = try await self.catalogue.unit(unit.level, code: unit.code, on: connection) {
                    guard existing.name == unit.name else {
                        throw TenantCoreError.conflict("\(unit.level.rawValue) \(unit.code) is now \(existing.name.debugDescription), the export says \(unit.name.debugDescription)")
                    }
                    parentID = existing.id
                } else {
                    guard let created = try await self.catalogue.insertUnit(
                        level: unit.level, code: unit.code, parentID: parentID, name: unit.name, kind: unit.kind,
                        slug: unit.slug, portalURL: unit.portal_url, on: connection)
                    else { throw TenantCoreError.conflict("\(unit.level.rawValue) \(unit.code) appeared meanwhile") }
                    parentID = created.id
                }
            }
            guard let parentID,
                let unit = try await self.catalogue.insertUnit(
                    level: .commune, code: commune.code, parentID: parentID, name: commune.name, kind: commune.kind,
                    slug: commune.slug, portalURL: nil, on: connection)
            else { throw TenantCoreError.invalid("the export has no parent for commune \(commune.code)") }
            try await archive.insertTenant(
                unitID: unit.id, schema: schema, status: header.status, note: header.status_note, schemaVersion: header.schema_version,
                contentVersion: header.content_version, on: connection)
            try await TenantDatabase.setLocalSearchPath(schema, on: connection, logger: self.logger)
            try await MigrationRunner.runScript(
                self.migrations.tenantScript(upTo: header.schema_version), on: connection, logger: self.logger)
            for migration in self.migrations.tenant where migration.version <= header.schema_version {
                try await runner.record(migration, schema: schema.rawValue, on: connection)
            }
            let document = String(decoding: data, as: UTF8.self)
            let count = try await archive.importTables(schema, document: document, on: connection)
            // The header's counts come from the file: summed without overflow.
            guard header.row_counts.values.allSatisfy({ (0...1_000_000_000).contains($0) }) else {
                throw TenantCoreError.invalid("\(path) promises an impossible number of rows; not restored")
            }
            let expected = header.row_counts.values.reduce(0, +)
            guard count == expected else {
                throw TenantCoreError.invalid("\(path) holds \(count) rows but its header promises \(expected); not restored")
            }
            let wrongDates = try await archive.datesOutOfRange(schema, on: connection)
            guard wrongDates.isEmpty else {
                throw TenantCoreError.invalid(
                    "\(path) has dates outside 1900–2200 in \(wrongDates.joined(separator: ", ")); not restored")
            }
            for (host, role) in hosts {
                try await self.catalogue.addDomain(host, tenantID: unit.id, role: role, on: connection)
            }
            _ = try await runner.migrateTenant(schema, on: connection)
            _ = try await self.catalogue.touchContent(tenantID: unit.id, on: connection)
            return count
        }
        self.logger.notice("commune restored", metadata: ["commune": "\(commune.code)", "tenant.schema": "\(schema)", "rows": "\(restoredRows)"])
        return (header, restoredRows)
    }

    /// Deletes a commune — schema, catalogue rows, domains — only when an
    /// export of its current content exists on disk.
    public func delete(code: Int) async throws(TenantCoreError) -> String {
        let archive = ArchiveRepository(logger: self.logger)
        return try await self.database.withTransaction(schema: try await self.schema(of: code)) { connection in
            guard let record = try await self.catalogue.tenant(code: code, on: connection) else {
                throw TenantCoreError.notFound("commune \(code) has no site on this platform")
            }
            let saved = try await archive.exports(code: code, schema: record.schema, on: connection).first {
                $0.contentVersion == record.contentVersion && FileManager.default.fileExists(atPath: $0.file)
            }?.file
            guard let saved else {
                throw TenantCoreError.conflict(
                    "commune \(code) has no export of its current content; run `provisioner commune export \(code) --out FILE` first")
            }
            let schema = record.schema
            try await archive.deleteSite(unitID: record.unitID, schema: schema, on: connection)
            self.logger.notice("commune deleted", metadata: ["commune": "\(code)", "tenant.schema": "\(schema)", "export": "\(saved)"])
            return saved
        }
    }

    /// The schema of commune `code`, to run its transaction on its cluster
    /// (nil when it has no site: the main cluster then reports that).
    func schema(of code: Int) async throws(TenantCoreError) -> SchemaName? {
        try await self.database.withConnection { connection in try await self.catalogue.tenant(code: code, on: connection)?.schema }
    }
}
