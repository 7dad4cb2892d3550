import Foundation
import Testing
import TestSupport
@testable import TenantCore
@testable import TenantHost

/// The compliance list: a page of rows at a time, its links keeping the
/// filter, each commune addressed by its catalogue id.
@Suite struct ComplianceListTests {
    static func rows(_ count: Int) throws -> [ComplianceRow] {
        try (1...count).map { i in
            let tenant = Tenant(
                id: Int64(1_000 + i), code: 20_000 + i, schema: try SchemaName(communeCode: 20_000 + i), name: "Phường Số \(i)",
                slug: "so-\(i)", status: .active, statusNote: "", ancestors: [], primaryHost: nil, contentChangedAt: Date())
            return ComplianceRow(tenant: tenant, sections: [:], responsiblePerson: "", openQuestions: 0, overdueQuestions: 0)
        }
    }

    @Test func aLongList_isPaged_andItsLinksKeepTheFilter() throws {
        let rows = try Self.rows(120)
        let first = ComplianceView.render(
            rows: rows, ratings: [:], now: Date(), filter: .init(["loc": "so", "ket-qua": "thieu"]), provinces: []
        ).string
        #expect(first.contains("120 xã, phường."))
        #expect(first.contains("Trang 1/3"))
        #expect(first.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 50)
        #expect(first.contains("href=\"/quan-tri/tuan-thu/1001\""), "a commune is linked by its id, not its code")
        #expect(first.contains("href=\"/quan-tri/tuan-thu?ket-qua=thieu&amp;loc=so&amp;sap-xep=ma&amp;trang=2\" rel=\"next\""))
        #expect(!first.contains("rel=\"prev\""))
        let last = ComplianceView.render(rows: rows, ratings: [:], now: Date(), filter: .init(["trang": "9"]), provinces: []).string
        #expect(last.contains("Trang 3/3"))
        #expect(last.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 20)
        #expect(last.contains(">Phường Số 120</a>"))
        // A malformed page or sort is the first page in code order.
        let odd = ComplianceView.Filter(["trang": "-3", "sap-xep": "x'", "tinh": "abc"])
        #expect(odd.page == 1 && odd.sort == "ma" && odd.province == nil)
    }
}

extension HTML {
    var string: String { String(decoding: self.bytes, as: UTF8.self) }
}
