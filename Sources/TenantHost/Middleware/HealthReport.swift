import Foundation
import HTTPTypes
import Hummingbird
import TenantCore

/// `/_health`, on any host: whether this process serves (the directory is
/// loaded and PostgreSQL answers), what it knows, and the newest good
/// backup. 200 when it serves, else 503; never cached.
struct HealthReport: Encodable {
    struct Cache: Encodable {
        let pages: Int
        let bytes: Int
        let hits: Int
        let earlyHits: Int
        let misses: Int

        enum CodingKeys: String, CodingKey {
            case pages, bytes, hits, misses
            case earlyHits = "early_hits"
        }
    }

    struct Backup: Encodable {
        let label: String
        let finished: String
        let ageSeconds: Int

        enum CodingKeys: String, CodingKey {
            case label, finished
            case ageSeconds = "age_seconds"
        }
    }

    let status: String
    let communes: Int
    let hosts: Int
    let watching: Bool
    let cache: Cache
    let lastBackup: Backup?

    enum CodingKeys: String, CodingKey {
        case status, communes, hosts, watching, cache
        case lastBackup = "last_backup"
    }

    /// `last_backup` is written as `null` when there is none.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.communes, forKey: .communes)
        try container.encode(self.hosts, forKey: .hosts)
        try container.encode(self.watching, forKey: .watching)
        try container.encode(self.cache, forKey: .cache)
        try container.encode(self.lastBackup, forKey: .lastBackup)
    }

    static func response(_ services: SiteServices) -> Response {
        let snapshot = services.directory.snapshot
        let ok = snapshot.loadedAt != .distantPast && services.database.isAvailable
        let cache = services.cache.statistics
        let report = HealthReport(
            status: ok ? "ok" : "unavailable", communes: snapshot.tenants.count, hosts: snapshot.hostCount, watching: services.watcher.isListening,
            cache: Cache(pages: cache.entries, bytes: cache.bytes, hits: cache.hits, earlyHits: cache.earlyHits, misses: cache.misses),
            lastBackup: services.operations.lastBackup.map { backup in
                Backup(
                    label: backup.label, finished: ISO8601DateFormatter().string(from: backup.stoppedAt),
                    ageSeconds: Int(Date().timeIntervalSince(backup.stoppedAt).rounded(.down)))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = (try? encoder.encode(report)) ?? Data(#"{"status":"unavailable"}"#.utf8)
        body.append(UInt8(ascii: "\n"))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: ok ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: .init(bytes: body)))
    }
}
