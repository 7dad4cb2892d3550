import Foundation

/// One numbered SQL file: `sql/platform/0001_catalogue.sql` or `sql/tenant/0002_questions.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// FNV-1a of the file's bytes; a file must never change once applied.
    public let checksum: String

    /// `0001_catalogue.sql`
    public var fileName: String {
        let digits = String(self.version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + self.name + ".sql"
    }
}

/// The migrations of the shared catalogue and of every commune schema, read
/// from the repository's `sql/` directory.
public struct MigrationSet: Sendable {
    public let platform: [Migration]
    public let tenant: [Migration]
    /// `sql/tenant-current.sql`: a commune's schema at `version` written
    /// once, which a new schema is made from instead of every file in turn.
    public let tenantCurrent: (version: Int, sql: String)?

    public init(platform: [Migration], tenant: [Migration], tenantCurrent: (version: Int, sql: String)? = nil) {
        self.platform = platform
        self.tenant = tenant
        self.tenantCurrent = tenantCurrent
    }

    /// The version a freshly provisioned commune schema is created at.
    public var tenantVersion: Int { self.tenant.last?.version ?? 0 }
    /// The newest catalogue version.
    public var platformVersion: Int { self.platform.last?.version ?? 0 }

    /// A commune's schema at `version` (the newest by default) as one
    /// script, sent to PostgreSQL in a single round trip: the written
    /// current schema when it is not newer than `version`, then the files
    /// after it; else the files from the first.
    public func tenantScript(upTo version: Int? = nil) -> String {
        let limit = version ?? self.tenantVersion
        var parts: [String] = []
        var after = 0
        if let current = self.tenantCurrent, current.version <= limit {
            parts.append(current.sql)
            after = current.version
        }
        parts += self.tenant.filter { $0.version > after && $0.version <= limit }.map(\.sql)
        return parts.joined(separator: "\n;\n")
    }

    /// The same schema from the files alone, first to last: what the
    /// written current schema is checked against.
    public func tenantScriptFromFiles(upTo version: Int? = nil) -> String {
        let limit = version ?? self.tenantVersion
        return self.tenant.filter { $0.version <= limit }.map(\.sql).joined(separator: "\n;\n")
    }

    /// Reads `platform/` and `tenant/` under `directory`.
    /// - Throws: `TenantCoreError.migration` for a badly named file, a duplicate or a gap in the numbering.
    public static func load(from directory: String) throws(TenantCoreError) -> MigrationSet {
        let tenant = try self.loadFolder("\(directory)/tenant")
        return MigrationSet(
            platform: try self.loadFolder("\(directory)/platform"),
            tenant: tenant,
            tenantCurrent: try self.loadCurrent("\(directory)/tenant-current.sql", newest: tenant.last?.version ?? 0))
    }

    /// Reads the written current schema, if there is one; its first line
    /// names the version it stands for (`-- version: 15`).
    static func loadCurrent(_ path: String, newest: Int) throws(TenantCoreError) -> (version: Int, sql: String)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let sql: String
        do {
            sql = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TenantCoreError(.migration, "cannot read \(path) as UTF-8", underlying: error)
        }
        let first = sql.prefix { $0 != "\n" }
        guard first.hasPrefix("-- version: "), let version = Int(first.dropFirst("-- version: ".count)), version >= 1 else {
            throw TenantCoreError(.migration, "\(path): the first line must be `-- version: N`, the tenant version it stands for")
        }
        guard version <= newest else {
            throw TenantCoreError(.migration, "\(path) stands for version \(version), but sql/tenant/ ends at \(newest)")
        }
        return (version, sql)
    }

    /// Finds the `sql/` directory: `$PLATFORM_SQL_DIR`, else `sql/` in the
    /// current directory or a parent of it, else next to the executable's
    /// build folder (`.build/release/tenant-host` → `sql/`).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TenantCoreError) -> String {
        if let explicit = environment["PLATFORM_SQL_DIR"], !explicit.isEmpty { return explicit }
        let fm = FileManager.default
        var starts = [fm.currentDirectoryPath]
        starts.append(URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent().path)
        for start in starts {
            var url = URL(fileURLWithPath: start).standardizedFileURL
            for _ in 0..<8 {
                let candidate = url.appendingPathComponent("sql/platform").path
                if fm.fileExists(atPath: candidate) { return url.appendingPathComponent("sql").path }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { break }
                url = parent
            }
        }
        throw TenantCoreError(.migration, "cannot find the sql/ directory; run from the repository or set PLATFORM_SQL_DIR")
    }

    /// Loads the set found by ``locate(environment:)``.
    public static func bundled() throws(TenantCoreError) -> MigrationSet {
        try self.load(from: try self.locate())
    }

    static func loadFolder(_ path: String) throws(TenantCoreError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw TenantCoreError(.migration, "cannot read \(path)", underlying: error)
        }
        var migrations: [Migration] = []
        for file in names {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
                throw TenantCoreError(.migration, "\(path)/\(file): migration files are named NNNN_name.sql")
            }
            guard version == migrations.count + 1 else {
                throw TenantCoreError(
                    .migration, "\(path)/\(file): expected version \(migrations.count + 1), numbering must have no gap or duplicate")
            }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(file)"))
            } catch {
                throw TenantCoreError(.io, "cannot read \(path)/\(file)", underlying: error)
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                throw TenantCoreError(.migration, "\(path)/\(file) is not UTF-8")
            }
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql, checksum: Self.fnv1a(data)))
        }
        return migrations
    }

    static func fnv1a(_ data: Data) -> String {
        FNV1a.hex(data)
    }
}
