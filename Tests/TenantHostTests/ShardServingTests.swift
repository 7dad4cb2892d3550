import Foundation
import TenantCore
import Testing
import TestSupport

@testable import TenantHost

/// Communes on two PostgreSQL clusters, served by one host: pages of both,
/// a change on the other cluster reaching the host's cache by that
/// cluster's NOTIFY, and a commune moved while the host serves it.
@Suite struct ShardServingTests {
    @Test func communesOnTwoClusters_areServed_andStayServedThroughAMove() async throws {
        try await withTestPlatform(poolSize: 4) { platform in
            try await platform.makeCommunes([(19900, "Phường Thuận An")])
            try await platform.withShard("b") { b, _ in
                var spec = try await platform.provisioning.spec(code: 19903, name: "Xã Phú Mậu", parentLevel: .province, parentCode: 46)
                spec.shard = b
                let onB = try await platform.provisioning.createCommune(spec).0
                #expect(onB.shard.rawValue == "b")
                try await withTestHost(platform, cacheTTL: 3600) { host in
                    let (siteA, siteB) = ("thuan-an.hue.localhost", "phu-mau.hue.localhost")
                    let first = try await host.get(host: siteA)
                    #expect(first.status == 200 && first.text.contains("Thuận An"))
                    let second = try await host.get(host: siteB)
                    #expect(second.status == 200 && second.text.contains("Phú Mậu"))
                    #expect(!second.text.contains("Thuận An"))
                    // A change made on b is announced there, and the cached page is replaced.
                    try await platform.database.withTransaction(schema: onB.schema) { connection in
                        try await ContentStore(logger: platform.logger).insert(
                            Entry(sectionID: 4, title: "Tin mới ở cụm b"), into: onB.schema, on: connection)
                        try await Catalogue(logger: platform.logger).touchContent(tenantID: onB.unitID, on: connection)
                    }
                    // (A change made before the host listened on b is covered too:
                    // its pages are dropped once the host starts listening there.)
                    #expect(try await host.eventually(timeout: .seconds(5)) {
                        try await host.get(host: siteB).text.contains("Tin mới ở cụm b")
                    })
                    #expect(try await host.eventually {
                        try await platform.scalar(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(platform.name)_b' AND query ILIKE 'LISTEN%'") == 1
                    })
                    // Moved while served (its old copy dropped at once): pages
                    // and searches made from PostgreSQL keep answering.
                    let shards = Shards(database: platform.database, migrations: platform.migrations, logger: platform.logger)
                    let report = try await ShardMove(shards: shards).move(code: 19900, to: b, grace: .zero)
                    #expect(report.step == .done)
                    for round in 0..<10 {
                        #expect(try await host.get(host: siteA).status == 200)
                        let search = try await host.get("/tim-kiem?q=thu%E1%BA%ADn&r=\(round)", host: siteA)
                        #expect(search.status == 200, "\(search.text.prefix(300))")
                        #expect(try await host.get("/tin-tuc", host: siteA).status == 200)
                    }
                }
            }
        }
    }
}
