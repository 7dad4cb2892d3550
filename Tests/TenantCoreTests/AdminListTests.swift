import Testing
import TestSupport
@testable import TenantCore

@Suite struct AdminListTests {
    static let list2024 = Result { try AdminList.read(path: TestEnvironment.dataFile("vn-admin-units-2024.csv")) }
    static let list2025 = Result { try AdminList.read(path: TestEnvironment.dataFile("vn-admin-units-2025.csv")) }

    @Test func officialLists_parseWithTheirShape() throws {
        let list2024 = try Self.list2024.get()
        #expect(list2024.format == .threeLevel)
        #expect(list2024.provinces.count == 63)
        // 696 districts existed; the five without communes (island districts such as
        // Hoàng Sa or Bạch Long Vĩ) have no row in a list of communes.
        #expect(list2024.districts.count == 691)
        #expect(list2024.communes.count == 10_051)
        let list2025 = try Self.list2025.get()
        #expect(list2025.format == .twoLevel)
        #expect(list2025.provinces.count == 34)
        #expect(list2025.districts.isEmpty)
        #expect(list2025.communes.count == 3_321)
        #expect(list2025.communes.allSatisfy { $0.districtCode == nil })
    }

    @Test(arguments: [2024, 2025])
    func officialLists_giveEveryCommuneUniqueHosts(_ year: Int) throws {
        // setup: the lists as parsed once for this suite
        let list = try (year == 2024 ? Self.list2024 : Self.list2025).get()
        let policy = DomainPolicy()
        let provinces = Dictionary(uniqueKeysWithValues: list.provinces.map { ($0.code, $0.slug) })
        let districts = Dictionary(uniqueKeysWithValues: list.districts.map { ($0.code, $0.slug) })
        // act
        var owners: [String: Int] = [:]
        for commune in list.communes {
            let hosts = try policy.hosts(
                commune: commune.slug, district: commune.districtCode.map { districts[$0]! },
                province: provinces[commune.provinceCode]!)
            for (host, _) in hosts {
                // check: a host can never belong to two communes
                #expect(owners[host.value] == nil, "\(host) would serve both \(owners[host.value] ?? 0) and \(commune.code)")
                owners[host.value] = commune.code
            }
        }
        #expect(owners.count == list.communes.count * 2)
    }

    @Test func clashingNames_getDeterministicSlugs() throws {
        let list = try Self.list2024.get()
        let slugs = Dictionary(uniqueKeysWithValues: list.communes.map { ($0.code, $0.slug) })
        // "Phường Sa Pa" and "Phường Sa Pả" fold to the same name in Thị xã Sa Pa.
        #expect(slugs[3001] == "sa-pa-3001")
        #expect(slugs[3002] == "sa-pa-3002")
        #expect(slugs[14224] == "hai-nam")
        // The same slugs come out when only that province is imported.
        let lao = try list.only(provinces: [10])
        #expect(lao.communes.first { $0.code == 3001 }?.slug == "sa-pa-3001")
        let again = try AdminList.read(path: TestEnvironment.dataFile("vn-admin-units-2024.csv"))
        #expect(again.communes.map(\.slug) == list.communes.map(\.slug))
        // Huyện Long Mỹ and Thị xã Long Mỹ share a province.
        let longMy = list.districts.filter { $0.parentCode == 93 && $0.name.hasSuffix("Long Mỹ") }.map(\.slug).sorted()
        #expect(longMy == ["huyen-long-my", "thi-xa-long-my"])
    }

    @Test func missingColumn_isNamed() {
        let csv = "province_code,province_name,commune_code\n1,Hà Nội,4\n"
        #expect { try AdminList.parse(csv, source: "x.csv") } throws: { error in
            let message = (error as? TenantCoreError)?.message ?? ""
            return message.contains("missing column") && message.contains("commune_name")
        }
    }

    @Test func brokenRow_namesItsLine() {
        let csv = """
            province_code,province_name,commune_code,commune_name
            46,Thành phố Huế,19774,Phường Thuận An
            46,Thành phố Huế,19777
            """
        #expect { try AdminList.parse(csv, source: "x.csv") } throws: { error in
            (error as? TenantCoreError)?.message == "x.csv:3: expected 4 fields, found 3"
        }
    }

    @Test(arguments: [
        ("46,Huế,abc,Xã A", "commune_code must be a positive whole number"),
        ("46,Huế,-4,Xã A", "commune_code must be a positive whole number"),
        ("0,Huế,4,Xã A", "province_code must be a positive whole number"),
        ("46,Huế,4,", "commune_name is empty"),
    ])
    func invalidValues_areRefusedWithTheirLine(_ row: String, _ expected: String) {
        let csv = "province_code,province_name,commune_code,commune_name\n\(row)\n"
        #expect { try AdminList.parse(csv, source: "x.csv") } throws: { error in
            let message = (error as? TenantCoreError)?.message ?? ""
            return message.hasPrefix("x.csv:2: ") && message.contains(expected)
        }
    }

    @Test func duplicateCode_namesBothLines() {
        let csv = "province_code,province_name,commune_code,commune_name\n46,Huế,4,Xã A\n46,Huế,4,Xã B\n"
        #expect { try AdminList.parse(csv, source: "x.csv") } throws: { error in
            (error as? TenantCoreError)?.message == "x.csv:3: commune code 4 appears twice (also on line 2)"
        }
    }

    @Test func quotedFieldsAndBOM_areRead() throws {
        let csv = "\u{FEFF}province_code,province_name,commune_code,commune_name\r\n46,\"Thành phố Huế\",4,\"Xã \"\"A\"\", B\"\r\n"
        let list = try AdminList.parse(csv, source: "x.csv")
        #expect(list.communes.first?.name == "Xã \"A\", B")
        #expect(list.provinces.first?.slug == "hue")
    }

    @Test func onlyProvinces_refusesUnknownCodes() throws {
        let list = try Self.list2025.get()
        #expect(try list.only(provinces: [46]).communes.count == 40)
        #expect(throws: TenantCoreError.self) { try list.only(provinces: [999]) }
    }
}

@Suite struct AdminUnitNameTests {
    /// The 2025 list names some provinces without their type.
    @Test func fullName_addsTheTypeWhereTheListLeftItOut() {
        let bare = AdminUnit(id: 1, level: .province, code: 37, parentID: nil, name: "Ninh Bình", kind: "tỉnh", slug: "ninh-binh", portalURL: nil)
        #expect(bare.fullName == "Tỉnh Ninh Bình")
        #expect(bare.nameInSentence == "tỉnh Ninh Bình")
        let typed = AdminUnit(id: 2, level: .province, code: 46, parentID: nil, name: "Thành phố Huế", kind: "thành phố", slug: "hue", portalURL: nil)
        #expect(typed.fullName == "Thành phố Huế")
        #expect(typed.nameInSentence == "thành phố Huế")
    }

    /// The quick test of a page's unit names agrees with the full split on
    /// every name of both official lists.
    @Test func hasUnitType_agreesWithTheSplit_onBothLists() throws {
        for file in ["vn-admin-units-2024.csv", "vn-admin-units-2025.csv"] {
            let list = try AdminList.read(path: TestEnvironment.dataFile(file))
            let names = list.provinces.map(\.name) + list.districts.map(\.name) + list.communes.map(\.name)
            #expect(names.count > 3_000)
            for name in names {
                #expect(VietnameseText.hasUnitType(name) == !VietnameseText.splitUnitName(name).kind.isEmpty, "\(file): \(name)")
            }
        }
    }
}
