import ArgumentParser
import Foundation
import TenantCore

struct TrashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trash", abstract: "The communes' trash of deleted items.", subcommands: [Purge.self])

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete for good the items that have been in a commune's trash for more than 30 days.",
            discussion: "Run daily (deploy/systemd/trash-purge.timer). Each commune in its own transaction, with its audit entry; a rerun finishes what an interrupted run left.")

        @Option(help: "Days an item stays in the trash.") var olderThanDays = ReviewLimits.trashDays
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...3650).contains(self.olderThanDays) else { throw ValidationError("--older-than-days must be 1 to 3650") }
        }

        func run() async throws {
            let days = self.olderThanDays
            try await withPlatform(self.database) { p in
                let snapshot = try await TenantDirectory().reload(from: p.database)
                let tenants = snapshot.tenants.values.sorted { $0.code < $1.code }
                let accounts = Accounts(database: p.database, logger: p.database.logger)
                let editorial = Editorial(database: p.database, accounts: accounts, logger: p.database.logger)
                var (purged, failed, step) = (0, 0, max(1, tenants.count / 10))
                for (index, tenant) in tenants.enumerated() {
                    do {
                        let count = try await editorial.purgeTrash(in: tenant, olderThan: days)
                        if count > 0 { Console.info("commune \(tenant.code) (\(tenant.name)): \(count) item(s) deleted for good") }
                        purged += count
                    } catch {
                        failed += 1
                        Console.note("commune \(tenant.code) (\(tenant.name)): \(error)")
                    }
                    if (index + 1) % step == 0 || index + 1 == tenants.count {
                        Console.info("trash purge: \(index + 1)/\(tenants.count) communes")
                    }
                }
                Console.info("\(purged) item(s) older than \(days) days deleted for good")
                if failed > 0 { throw CLIError(code: 1, message: "\(failed) commune(s) failed") }
            }
        }
    }
}
