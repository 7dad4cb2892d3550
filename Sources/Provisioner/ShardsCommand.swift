import ArgumentParser
import Foundation
import TenantCore

struct ShardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards", abstract: "PostgreSQL clusters: register them, and move communes between them online.",
        discussion: """
            The catalogue lives on the cluster of DATABASE_URL (`main`); a commune's schema on the cluster
            `provisioner status` shows. A cluster's password is never stored: --secret says where each host
            finds it (env:NAME or file:/path).
            """,
        subcommands: [List.self, Add.self, State.self, Move.self, Rebalance.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Clusters with their state, communes and the size of their schemas.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let json = self.json
            let records = try await withPlatform(self.database) { p in
                try await Shards(database: p.database, migrations: p.migrations, logger: p.database.logger).list()
            }
            if json {
                struct Row: Encodable { var name: String, state: String, communes: Int, bytes: Int64?, url: String, secret: String }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let rows = records.map {
                    Row(name: $0.name.rawValue, state: $0.state.rawValue, communes: $0.communes, bytes: $0.bytes, url: $0.url, secret: $0.secret)
                }
                Console.info(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            Console.info("cluster\tstate\tcommunes\tsize\turl")
            for record in records {
                let size = record.bytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unreachable"
                Console.info("\(record.name)\t\(record.state.rawValue)\t\(record.communes)\t\(size)\t\(record.url.isEmpty ? "DATABASE_URL" : record.url)")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a cluster (or change its address) after preparing it to hold commune schemas.",
            discussion: """
                Installs the catalogue's functions there, and reaches the catalogue from there through
                postgres_fdw. Needs wal_level = logical on every cluster a commune is moved from.
                """)
        @Argument(help: "Its name: lower-case letters, digits and _.") var name: String
        @Option(help: "postgres://USER@HOST:PORT/DATABASE, without the password.") var url: String
        @Option(help: "Where its password is: env:NAME or file:/path (none when omitted).") var secret: String = ""
        @Option(name: .customLong("main-url"), help: "How that cluster's server reaches the main cluster, without a password (default: DATABASE_URL, its password left out); that server authenticates with its own ~postgres/.pgpass or a client certificate.")
        var mainURL: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (name, url, secret, mainURL) = (self.name, self.url, self.secret, self.mainURL)
            let record = try await withPlatform(self.database) { p in
                let main = try mainURL.map { raw throws in try DatabaseConfig(url: raw) }
                return try await Shards(database: p.database, migrations: p.migrations, logger: p.database.logger)
                    .add(name: name, url: url, secret: secret, mainAddress: main)
            }
            Console.info("cluster \(record.name) ready (\(record.state.rawValue)): \(record.url)")
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "open (takes new communes), draining (takes none; rebalance empties it) or read_only (takes none).")
        @Argument var name: String
        @Argument var state: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard ShardState(rawValue: self.state) != nil else { throw ValidationError("state must be open, draining or read_only") }
            do { _ = try ShardName(self.name) } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            let (name, state) = (try ShardName(self.name), ShardState(rawValue: self.state)!)
            try await withPlatform(self.database) { p in
                try await Shards(database: p.database, migrations: p.migrations, logger: p.database.logger).setState(name, to: state)
            }
            Console.info("cluster \(name) is \(state.rawValue)")
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a commune's schema to another cluster while its site stays up (resumes a stopped move).",
            discussion: """
                Copies the schema with logical replication, freezes the commune's writes for well under a second,
                switches the catalogue, and drops the old copy after --grace seconds. Stopped at any point, run
                it again: it resumes where it stopped; --abort undoes a move that has not switched yet.
                """)
        @Argument(help: "The commune's code.") var code: Int
        @Option(help: "The cluster to move it to.") var to: String?
        @Option(help: "Seconds the old copy is kept, read-only, after the switch.") var grace: Int = 30
        @Flag(help: "Undo the commune's unfinished move.") var abort = false
        @Option(name: .customLong("stop-after"), help: .hidden) var stopAfter: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard self.abort == (self.to == nil) else { throw ValidationError("give --to CLUSTER, or --abort") }
            if let to = self.to { do { _ = try ShardName(to) } catch { throw ValidationError(error.message) } }
            guard (0...86_400).contains(self.grace) else { throw ValidationError("--grace must be 0…86400 seconds") }
            if let stop = self.stopAfter, ShardMove.Step(rawValue: stop) == nil { throw ValidationError("unknown step \(stop)") }
        }

        func run() async throws {
            let (code, grace, abort) = (self.code, self.grace, self.abort)
            let target = try self.to.map { raw throws in try ShardName(raw) }
            let stop = self.stopAfter.flatMap(ShardMove.Step.init(rawValue:))
            let report = try await withPlatform(self.database, poolSize: 4) { p in
                let mover = ShardMove(shards: Shards(database: p.database, migrations: p.migrations, logger: p.database.logger))
                if abort { return try await mover.abort(code: code) }
                return try await mover.move(code: code, to: target!, grace: .seconds(grace), stopAfter: stop) { Console.note($0) }
            }
            Console.info(Self.describe(report))
        }

        static func describe(_ report: ShardMove.Report) -> String {
            var line = "commune \(report.code) (\(report.schema)): \(report.source) → \(report.target), \(report.step.rawValue)"
            if let rows = report.rows { line += "; \(rows) rows" }
            if let bytes = report.bytes { line += String(format: ", %.1f MiB", Double(bytes) / 1_048_576) }
            if let copy = report.copySeconds { line += String(format: "; copy %.2f s", copy) }
            if let freeze = report.freezeMilliseconds { line += String(format: "; writes frozen %.0f ms", freeze) }
            return line
        }
    }

    struct Rebalance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Even out the open clusters and empty draining ones, one commune at a time.")
        @Option(name: .customLong("max-moves"), help: "Moves at most.") var maxMoves: Int = 10
        @Option(help: "Seconds each old copy is kept after its switch.") var grace: Int = 30
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...100_000).contains(self.maxMoves) else { throw ValidationError("--max-moves must be 1…100000") }
            guard (0...86_400).contains(self.grace) else { throw ValidationError("--grace must be 0…86400 seconds") }
        }

        func run() async throws {
            let (maxMoves, grace) = (self.maxMoves, self.grace)
            let reports = try await withPlatform(self.database, poolSize: 4) { p in
                let shards = Shards(database: p.database, migrations: p.migrations, logger: p.database.logger)
                return try await shards.rebalance(maxMoves: maxMoves, grace: .seconds(grace)) { Console.note($0) }
            }
            for report in reports { Console.info(Move.describe(report)) }
            Console.info(reports.isEmpty ? "the clusters are balanced; nothing moved" : "moved \(reports.count) commune(s)")
        }
    }
}
