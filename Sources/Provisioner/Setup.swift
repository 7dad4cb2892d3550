import ArgumentParser
import TenantCore

struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the platform catalogue (sql/platform). Safe to run again.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let applied = try await withPlatform(self.database, requireCatalogue: false) { provisioning in
            let applied = try await MigrationRunner(migrations: provisioning.migrations, logger: provisioning.database.logger)
                .migratePlatform(provisioning.database)
            // Other clusters take the catalogue's functions and tables as they now are.
            if !applied.isEmpty {
                _ = try await Shards(database: provisioning.database, migrations: provisioning.migrations, logger: provisioning.database.logger)
                    .prepareAll()
            }
            return applied
        }
        if applied.isEmpty {
            Console.info("catalogue is up to date (version \(try MigrationSet.bundled().platformVersion)); nothing changed")
        } else {
            Console.info("catalogue upgraded: applied \(applied.map { "\($0)" }.joined(separator: ", "))")
        }
    }
}
