import ArgumentParser
import Foundation
import Logging
import TenantCore

@main
struct Provisioner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioner",
        abstract: "Put communes on the platform and keep the fleet healthy.",
        discussion: """
            Connects to PostgreSQL through DATABASE_URL (or --database-url).

            Exit codes: 0 success; 1 the operation failed or finished with failures;
            2 invalid input (file, argument, host name); 3 conflict with the catalogue;
            4 not found; 5 PostgreSQL unreachable or refused the login;
            64 wrong command-line usage.
            """,
        subcommands: [
            Setup.self, ProvinceCommand.self, DistrictCommand.self, CommuneCommand.self, Import.self, DomainCommand.self,
            Migrate.self, Status.self, SampleContent.self, UserCommand.self, ReorganiseCommand.self, ProceduresCommand.self,
            ShardsCommand.self, TrashCommand.self, MailCommand.self, RetentionCommand.self, CitizenCommand.self, VisitsCommand.self,
            SiteCommand.self,
        ]
    )
}

/// Options every command that talks to PostgreSQL takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: $DATABASE_URL)")
    var databaseURL: String?

    @Flag(name: .shortAndLong, help: "Log every commune and statement outcome.")
    var verbose = false

    func config() throws -> DatabaseConfig {
        guard let url = self.databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw CLIError(code: 2, message: "DATABASE_URL is not set; pass --database-url postgres://USER@HOST:PORT/DATABASE")
        }
        do {
            return try DatabaseConfig(url: url)
        } catch {
            throw CLIError(code: 2, message: error.message)
        }
    }
}

/// A failure with the exit code it maps to.
struct CLIError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { self.message }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ error: TenantCoreError) {
        self.message = error.message
        switch error.code {
        case .invalidInput, .migration: self.code = 2
        case .conflict: self.code = 3
        case .notFound: self.code = 4
        case .databaseUnavailable: self.code = 5
        default: self.code = 1
        }
    }
}

enum Console {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func info(_ line: String) {
        print(line)
    }

    /// Where links in e-mail lead: `CONSOLE_URL` (https://HOST/quan-tri),
    /// else the console of `ops/run`'s default port.
    static var consoleURL: String {
        ProcessInfo.processInfo.environment["CONSOLE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://quan-tri.localhost:8080/quan-tri"
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func makeLogger(verbose: Bool) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
        var logger = Logger(label: "provisioner")
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}

/// Runs `body` with a connected platform, then shuts the pool down. Maps
/// every failure to a message on standard error and a documented exit code.
func withPlatform<Result: Sendable>(
    _ options: DatabaseOptions, poolSize: Int = 2, policy: DomainPolicy? = nil, requireCatalogue: Bool = true,
    _ body: @escaping @Sendable (CommuneProvisioning) async throws -> Result
) async throws -> Result {
    let logger = Console.makeLogger(verbose: options.verbose)
    do {
        let config = try options.config()
        let migrations = try MigrationSet.bundled()
        let policy = try policy ?? DomainPolicy(environment: ProcessInfo.processInfo.environment)
        let database = TenantDatabase(config: config, poolSize: poolSize, recycleAfter: 0, logger: logger)
        let provisioning = CommuneProvisioning(database: database, migrations: migrations, policy: policy, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            do {
                try await database.ping()
            } catch {
                throw CLIError(code: 5, message: "cannot connect to \(database.config.redacted): \(TenantDatabase.map(error).message)")
            }
            if requireCatalogue {
                let version = try await MigrationRunner(migrations: migrations, logger: logger).platformVersion(database)
                guard version > 0 else {
                    throw CLIError(code: 2, message: "the platform catalogue does not exist in \(config.redacted); run `provisioner setup` first")
                }
                guard version >= migrations.platformVersion else {
                    throw CLIError(code: 2, message: "the catalogue is at version \(version), this program needs \(migrations.platformVersion); run `provisioner setup`")
                }
                try await database.refreshPlacement()
            }
            return try await body(provisioning)
        }
    } catch let error as CLIError {
        Console.note("error: \(error.message)")
        throw ExitCode(error.code)
    } catch let error as TenantCoreError {
        Console.note("error: \(error.message)")
        throw ExitCode(CLIError(error).code)
    } catch let error as ExitCode {
        throw error
    } catch {
        Console.note("error: \(TenantDatabase.map(error).message)")
        throw ExitCode(1)
    }
}

