import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TenantCore

/// Reads, every half minute, what operators need to see on every host:
/// the newest good backup (for /_health, /metrics and the console), and the
/// commune moves between clusters not yet finished.
final class OperationsMonitor: Service, Sendable {
    let database: TenantDatabase
    let logger: Logger
    let interval: Duration
    private let backup = Mutex<BackupRecord?>(nil)
    private let moves = Mutex<Int?>(nil)

    init(database: TenantDatabase, logger: Logger, interval: Duration = .seconds(30)) {
        self.database = database
        self.logger = logger
        self.interval = interval
    }

    /// The newest good backup recorded in the catalogue, as last read.
    var lastBackup: BackupRecord? { self.backup.withLock { $0 } }

    /// Moves of communes between clusters under way (copying, frozen or
    /// waiting for their grace period), as last read.
    var openMoves: Int? { self.moves.withLock { $0 } }

    func refresh() async {
        let open = try? await self.database.withConnection { connection in
            try await Catalogue(logger: self.logger).openMoves(on: connection)
        }
        self.moves.withLock { $0 = open }
        do {
            let newest = try await self.database.withConnection { connection in
                try await Catalogue(logger: self.logger).newestBackup(on: connection)
            }
            self.backup.withLock { $0 = newest }
        } catch {
            self.logger.debug("cannot read the newest backup", metadata: ["error": "\(error.message)"])
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if self.database.isAvailable { await self.refresh() }
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}

extension BackupRecord {
    /// Hours since it finished, for people.
    func age(at now: Date = Date()) -> String {
        let hours = now.timeIntervalSince(self.stoppedAt) / 3600
        return hours < 48 ? String(format: "%.1f giờ", hours) : String(format: "%.0f ngày", hours / 24)
    }
}
