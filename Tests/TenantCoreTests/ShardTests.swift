import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
import TestSupport

@testable import TenantCore

/// Several PostgreSQL clusters: placement of new communes, and moves of a
/// commune between clusters (whole, under writes, stopped and resumed).
/// The second cluster is another database of the test server: to the
/// platform a cluster of its own (its own pool, schemas, and logical
/// replication between the two).
@Suite struct ShardTests {
    static func spec(_ platform: TestPlatform, _ code: Int, _ name: String, on shard: ShardName? = nil) async throws -> CommuneSpec {
        var spec = try await platform.provisioning.spec(code: code, name: name, parentLevel: .province, parentCode: 46)
        spec.shard = shard
        return spec
    }

    static func sections(_ platform: TestPlatform, _ schema: SchemaName) async throws -> Int {
        try await platform.database.withTenant(schema) { connection in
            try await ContentStore(logger: platform.logger).sections(schema, on: connection).count
        }
    }

    /// The link from another cluster to the catalogue is the hosts' role's
    /// own mapping, never PUBLIC's, and holds no password; a main URL with
    /// a password is refused before anything is prepared.
    @Test func theLinkToTheCatalogue_holdsNoPassword() async throws {
        try await withTestPlatform { platform in
            try await platform.withShard("b") { _, shardConfig in
                let mappings = try await Admin.strings(
                    "SELECT usename::text || ' ' || array_to_string(umoptions, ',') FROM pg_user_mappings WHERE srvname = 'platform_main'",
                    on: shardConfig)
                #expect(mappings == ["\(shardConfig.username) password_required=false,user=\(platform.config.username)"])
                var withPassword = platform.config
                withPassword.password = "mat-khau-bi-mat"
                let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                await #expect(throws: TenantCoreError.self) {
                    try await shards.add(
                        name: "c", url: "postgres://\(shardConfig.username)@\(shardConfig.host):\(shardConfig.port)/\(shardConfig.database)",
                        secret: "", mainAddress: withPassword)
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.shards WHERE name = 'c'") == 0)
                let options = try await Admin.strings("SELECT array_to_string(umoptions, ',') FROM pg_user_mappings", on: shardConfig)
                #expect(!options.joined().contains("mat-khau-bi-mat"))
            }
        }
    }

    @Test func newCommunes_goToTheOpenClusterWithTheFewest_andAreServedFromIt() async throws {
        try await withTestPlatform(poolSize: 4) { platform in
            try await platform.makeCommunes([(19774, "Phường Thuận An")])
            try await platform.withShard("b") { b, shardConfig in
                let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                // main has one commune, b none: the next goes to b, then main (a tie goes to main).
                let first = try await platform.provisioning.createCommune(try await Self.spec(platform, 19777, "Xã Phú Mậu")).0
                let second = try await platform.provisioning.createCommune(try await Self.spec(platform, 19780, "Xã Phú Thanh")).0
                #expect(first.shard.rawValue == "b")
                #expect(second.shard.rawValue == "main")
                // The schema, its versions and its sections live on b only.
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19777'") == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM c_19777.sections", on: shardConfig) == 16)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19780'", on: shardConfig) == 0)
                #expect(
                    try await platform.scalar("SELECT count(*) FROM platform.schema_migrations WHERE schema_name = 'c_19777'")
                        == platform.migrations.tenant.count)
                // Served from b through the platform's routing, its menu and
                // footer read without a round trip to the main cluster.
                #expect(try await Self.sections(platform, first.schema) == 16)
                for record in [first, second] {
                    let plan = try await platform.database.withTenant(record.schema) { connection in
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "EXPLAIN " + ContentStore.chromeSQL(record.schema, body: "''::text")), logger: platform.logger
                        ).collect().map { try $0.decode(String.self) }.joined(separator: "\n")
                    }
                    #expect(plan.contains("Foreign Scan") == false, "\(plan)")
                    #expect(plan.contains("tenants") == (record.shard.rawValue == "main"), "\(plan)")
                }
                #expect(try await Self.sections(platform, second.schema) == 16)
                // A published item of a commune on b reaches the portals' index on main.
                try await platform.database.withTransaction(schema: first.schema) { connection in
                    try await connection.query(
                        "INSERT INTO c_19777.entries (section_id, title) VALUES (4, 'Tin từ cụm b')", logger: platform.logger)
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.gathered WHERE tenant_id = \(first.unitID) AND title = 'Tin từ cụm b'") == 1)
                // An explicit cluster wins; a draining one takes nothing new.
                let third = try await platform.provisioning.createCommune(try await Self.spec(platform, 19783, "Xã Phú Hồ", on: b)).0
                #expect(third.shard.rawValue == "b")
                try await shards.setState(b, to: .draining)
                let fourth = try await platform.provisioning.createCommune(try await Self.spec(platform, 19786, "Xã Phú Lương")).0
                #expect(fourth.shard.rawValue == "main")
                await #expect(throws: TenantCoreError.self) {
                    _ = try await platform.provisioning.createCommune(try await Self.spec(platform, 19789, "Xã Phú Đa", on: b))
                }
                #expect(try await platform.scalar("SELECT count(*) FROM platform.units WHERE code = 19789") == 0)
                let listed = try await shards.list()
                #expect(listed.map(\.name.rawValue) == ["main", "b"])
                #expect(listed.map(\.communes) == [3, 2])
                #expect(listed[1].state == .draining)
                #expect((listed[1].bytes ?? 0) > 0)
                // Two communes on different clusters never see each other's rows.
                let names = try await platform.database.withTenant(first.schema) { connection in
                    try await connection.query("SELECT title FROM entries WHERE section_id = 4", logger: platform.logger).collect()
                        .map { try $0.decode(String.self) }
                }
                #expect(names.contains("Tin từ cụm b"))
                #expect(try await platform.scalar("SELECT count(*) FROM c_19780.entries WHERE title = 'Tin từ cụm b'") == 0)
            }
        }
    }

    @Test func aMove_copiesEverything_underWrites_andLosesNone() async throws {
        try await withTestPlatform(poolSize: 6) { platform in
            try await platform.makeCommunes([])
            try await platform.withShard("b") { b, shardConfig in
                let record = try await platform.provisioning.createCommune(try await Self.spec(platform, 19774, "Phường Thuận An", on: .main)).0
                let schema = record.schema
                for index in 0..<200 {
                    try await platform.execute("INSERT INTO c_19774.entries (section_id, title) VALUES (4, 'Tin số \(index)')")
                }
                let before = try await platform.scalar("SELECT count(*) FROM c_19774.entries")
                let lastID = try await platform.scalar("SELECT max(id) FROM c_19774.entries")
                // An editor writing all along: each write through the platform's routing.
                let written = Atomic<Int>(0)
                let failed = Mutex<[String]>([])
                let stop = Atomic<Bool>(false)
                let writer = Task {
                    var index = 0
                    while !stop.load(ordering: .relaxed) {
                        index += 1
                        do {
                            try await platform.database.withTransaction(schema: schema) { connection in
                                try await connection.query(
                                    "INSERT INTO c_19774.entries (section_id, title) VALUES (4, \("Bài trong lúc chuyển \(index)"))",
                                    logger: platform.logger)
                            }
                            written.add(1, ordering: .relaxed)
                        } catch {
                            failed.withLock { $0.append(TenantDatabase.map(error).message) }
                        }
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                }
                let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                let report = try await ShardMove(shards: shards).move(code: 19774, to: b, grace: .zero)
                try await Task.sleep(for: .milliseconds(200))
                stop.store(true, ordering: .relaxed)
                await writer.value
                // check
                #expect(failed.withLock { $0 } == [])
                #expect(written.load(ordering: .relaxed) > 0)
                #expect(report.step == .done)
                #expect(report.freezeMilliseconds != nil)
                #expect(try await platform.record(19774).shard.rawValue == "b")
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'") == 0)
                let after = try await platform.scalar("SELECT count(*) FROM c_19774.entries", on: shardConfig)
                #expect(after == before + written.load(ordering: .relaxed))
                // The sequence continues: a new entry gets a fresh id.
                let id = try await platform.database.withTransaction(schema: schema) { connection in
                    try await connection.query(
                        "INSERT INTO c_19774.entries (section_id, title) VALUES (4, 'Sau khi chuyển') RETURNING id", logger: platform.logger
                    ).collect().first?.decode(Int.self) ?? 0
                }
                #expect(id > lastID + written.load(ordering: .relaxed))
                #expect(try await Self.sections(platform, schema) == 16)
                // Nothing of the move is left behind.
                #expect(try await platform.scalar("SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", on: shardConfig) == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_publication") == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()") == 0)
                #expect(
                    try await platform.scalar(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'c_19774' AND tablename = 'shard_move_marker'", on: shardConfig) == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'shard_moved'", on: shardConfig) == 0)
                let moves = try await platform.strings("SELECT step || ':' || (freeze_ms IS NOT NULL)::text || ':' || rows_copied FROM platform.shard_moves")
                #expect(moves.count == 1 && moves[0].hasPrefix("done:true:"), "\(moves)")
                // And back again.
                let back = try await ShardMove(shards: shards).move(code: 19774, to: .main, grace: .zero)
                #expect(back.step == .done)
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.entries") == after + 1)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'", on: shardConfig) == 0)
            }
        }
    }

    @Test func aMoveStoppedAtEachStep_resumesOrIsUndone() async throws {
        try await withTestPlatform(poolSize: 6) { platform in
            try await platform.makeCommunes([])
            try await platform.withShard("b") { b, shardConfig in
                let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                let mover = ShardMove(shards: shards)
                let first = try await platform.provisioning.createCommune(try await Self.spec(platform, 19774, "Phường Thuận An", on: .main)).0
                let second = try await platform.provisioning.createCommune(try await Self.spec(platform, 19777, "Xã Phú Mậu", on: .main)).0
                let third = try await platform.provisioning.createCommune(try await Self.spec(platform, 19780, "Xã Phú Thanh", on: .main)).0

                // Stopped once copied: the source still takes writes, and the copy follows them.
                #expect(try await mover.move(code: 19774, to: b, stopAfter: .copying).step == .copying)
                try await platform.database.withTransaction(schema: first.schema) { connection in
                    try await connection.query("INSERT INTO c_19774.entries (section_id, title) VALUES (4, 'Viết khi đang chép')", logger: platform.logger)
                }
                await #expect(throws: TenantCoreError.self) { try await mover.move(code: 19774, to: .main) }
                let resumed = try await mover.move(code: 19774, to: b, grace: .zero)
                #expect(resumed.resumed && resumed.step == .done)
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.entries WHERE title = 'Viết khi đang chép'", on: shardConfig) == 1)

                // Stopped while frozen: the old copy refuses writes (no copy takes them)…
                #expect(try await mover.move(code: 19777, to: b, stopAfter: .frozen).step == .frozen)
                #expect(try await platform.record(19777).shard.rawValue == "main")
                await #expect(throws: TenantCoreError.self) {
                    try await platform.database.withTransaction(schema: second.schema) { connection in
                        try await connection.query("INSERT INTO c_19777.entries (section_id, title) VALUES (4, 'Bị từ chối')", logger: platform.logger)
                    }
                }
                // …readers are still served…
                #expect(try await Self.sections(platform, second.schema) == 16)
                // …and the next run switches.
                #expect(try await mover.move(code: 19777, to: b, grace: .zero).step == .done)
                try await platform.database.withTransaction(schema: second.schema) { connection in
                    try await connection.query("INSERT INTO c_19777.entries (section_id, title) VALUES (4, 'Sau khi tiếp tục')", logger: platform.logger)
                }
                #expect(try await platform.scalar("SELECT count(*) FROM c_19777.entries WHERE title = 'Sau khi tiếp tục'", on: shardConfig) == 1)
                #expect(try await platform.scalar("SELECT count(*) FROM c_19777.entries WHERE title = 'Bị từ chối'", on: shardConfig) == 0)

                // Undone before the switch: nothing is left on b, and the source takes writes again.
                #expect(try await mover.move(code: 19780, to: b, stopAfter: .frozen).step == .frozen)
                #expect(try await mover.abort(code: 19780).step == .rolledBack)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19780'", on: shardConfig) == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", on: shardConfig) == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_publication") == 0)
                try await platform.database.withTransaction(schema: third.schema) { connection in
                    try await connection.query("INSERT INTO c_19780.entries (section_id, title) VALUES (4, 'Lại nhận bài')", logger: platform.logger)
                }
                #expect(try await platform.record(19780).shard.rawValue == "main")
                #expect(
                    try await platform.strings("SELECT step FROM platform.shard_moves ORDER BY id") == ["done", "done", "rolled_back"])
            }
        }
    }

    @Test func aMoveKilledHalfway_isFinishedByTheNextRun() async throws {
        try await withTestPlatform(poolSize: 4) { platform in
            try await platform.makeCommunes([])
            try await platform.withShard("b") { b, shardConfig in
                let record = try await platform.provisioning.createCommune(try await Self.spec(platform, 19774, "Phường Thuận An", on: .main)).0
                for index in 0..<50 {
                    try await platform.execute("INSERT INTO c_19774.entries (section_id, title) VALUES (4, 'Tin số \(index)')")
                }
                let entries = try await platform.scalar("SELECT count(*) FROM c_19774.entries")
                // Killed (SIGKILL) while recording the freeze: the source
                // already refuses writes, the catalogue still names it.
                _ = try await platform.killHalfway(
                    ["provisioner", "shards", "move", "19774", "--to", "b", "--grace", "0"], gate: "platform.shard_moves",
                    after: "UPDATE", count: "SELECT count(*) FROM platform.shard_moves WHERE copy_seconds IS NOT NULL", reaches: 0)
                #expect(try await platform.strings("SELECT step FROM platform.shard_moves") == ["copying"])
                #expect(try await platform.record(19774).shard.rawValue == "main")
                let result = try await CommandRunner.provisioner(["shards", "move", "19774", "--to", "b", "--grace", "0"], databaseURL: platform.url)
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("19774") && result.stdout.contains("done"))
                #expect(try await platform.record(19774).shard.rawValue == "b")
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.entries", on: shardConfig) == entries)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'") == 0)
                #expect(try await Self.sections(platform, record.schema) == 16)
                // The status and the cluster list say where it is.
                let status = try await CommandRunner.provisioner(["status"], databaseURL: platform.url)
                #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("19774\t") && $0.hasSuffix("\tb") })
                let list = try await CommandRunner.provisioner(["shards", "list"], databaseURL: platform.url)
                #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("b\topen\t1\t") })
            }
        }
    }

    @Test func rebalance_evensOutOpenClusters_andEmptiesADrainingOne() async throws {
        try await withTestPlatform(poolSize: 4) { platform in
            try await platform.makeCommunes([(19774, "Phường Thuận An"), (19777, "Xã Phú Mậu"), (19780, "Xã Phú Thanh")])
            try await platform.withShard("b") { b, shardConfig in
                let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                // 3 on main, none on b: one move leaves 2 and 1.
                let first = try await shards.rebalance(maxMoves: 5, grace: .zero)
                #expect(first.map(\.code) == [19774])
                #expect(first.allSatisfy { $0.step == .done && $0.target == b })
                #expect(try await shards.list(measure: false).map(\.communes) == [2, 1])
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.sections", on: shardConfig) == 16)
                // Balanced: nothing to do.
                #expect(try await shards.rebalance(maxMoves: 5, grace: .zero).isEmpty)
                // A draining cluster is emptied, within the number of moves allowed.
                try await shards.setState(b, to: .draining)
                let second = try await shards.rebalance(maxMoves: 5, grace: .zero)
                #expect(second.map(\.code) == [19774] && second[0].target == .main)
                #expect(try await shards.list(measure: false).map(\.communes) == [3, 0])
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.sections") == 16)
            }
        }
    }

    @Test func aCommuneCreationStoppedAfterItsSchema_isFinishedOnTheSameCluster() async throws {
        try await withTestPlatform(poolSize: 4) { platform in
            try await platform.makeCommunes([])
            try await platform.withShard("b") { b, shardConfig in
                for code in [19777, 19780] {
                    _ = try await platform.provisioning.createCommune(try await Self.spec(platform, code, "Xã \(code == 19777 ? "Phú Mậu" : "Phú Thanh")", on: b))
                }
                // What a run stopped between the two commits leaves: the
                // schema (with a stray row) on b, nothing in the catalogue.
                try await Admin.execute("CREATE SCHEMA c_19774", on: shardConfig)
                try await Admin.execute("CREATE TABLE c_19774.stray (id int)", on: shardConfig)
                // main has fewer communes, but the rerun finishes on b.
                let record = try await platform.provisioning.createCommune(try await Self.spec(platform, 19774, "Phường Thuận An")).0
                #expect(record.shard.rawValue == "b")
                #expect(try await platform.scalar("SELECT count(*) FROM c_19774.sections", on: shardConfig) == 16)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'c_19774' AND tablename = 'stray'", on: shardConfig) == 0)
                #expect(try await platform.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'c_19774'") == 0)
            }
        }
    }
}
