import ArgumentParser
import TenantCore

struct ProvinceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province", abstract: "Add or list provinces.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a province by its official code (idempotent).")

        @Argument(help: "Official (GSO) code, e.g. 36.") var code: Int
        @Argument(help: "Official name, e.g. \"Tỉnh Nam Định\".") var name: String
        @Option(help: "Slug used in host names (default: from the name, e.g. nam-dinh).") var slug: String?
        @Option(name: .customLong("portal-url"), help: "The province portal (default: https://<slug>.gov.vn).") var portalURL: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (code, name, slug, portal) = (self.code, self.name, self.slug, self.portalURL)
            let (unit, outcome) = try await withPlatform(self.database) { p in
                try await p.ensureUnit(try p.unitSpec(level: .province, code: code, name: name, parentCode: nil, slug: slug, portalURL: portal))
            }
            Console.info("\(outcome == .created ? "saved" : "unchanged"): province \(unit.code) \(unit.name) (\(unit.slug)) \(unit.portalURL ?? "")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List provinces and districts.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let units = try await withPlatform(self.database) { p in
                try await p.database.withConnection { connection in
                    let catalogue = Catalogue(logger: p.database.logger)
                    return try await catalogue.units(.province, on: connection) + catalogue.units(.district, on: connection)
                }
            }
            for unit in units.sorted(by: { ($0.level == .district ? 1 : 0, $0.code) < ($1.level == .district ? 1 : 0, $1.code) }) {
                Console.info("\(unit.level.rawValue)\t\(unit.code)\t\(unit.name)\t\(unit.slug)\t\(unit.portalURL ?? "")")
            }
        }
    }
}

struct DistrictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district", abstract: "Add districts (provinces that still have them).", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a district under its province (idempotent).")

        @Argument(help: "Official (GSO) code, e.g. 366.") var code: Int
        @Argument(help: "Official name, e.g. \"Huyện Hải Hậu\".") var name: String
        @Option(help: "Code of the province it belongs to.") var province: Int
        @Option(help: "Slug used in host names (default: from the name).") var slug: String?
        @Option(name: .customLong("portal-url"), help: "The district portal (default: https://<district>.<province>.gov.vn).") var portalURL: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (code, name, province, slug, portal) = (self.code, self.name, self.province, self.slug, self.portalURL)
            let (unit, outcome) = try await withPlatform(self.database) { p in
                try await p.ensureUnit(try p.unitSpec(level: .district, code: code, name: name, parentCode: province, slug: slug, portalURL: portal))
            }
            Console.info("\(outcome == .created ? "saved" : "unchanged"): district \(unit.code) \(unit.name) (\(unit.slug)) \(unit.portalURL ?? "")")
        }
    }
}
