import ArgumentParser
import Foundation
import TenantCore

struct ProceduresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "procedures", abstract: "The province's catalogue of commune-level administrative procedures.",
        discussion: """
            One catalogue per province, shown by every commune of the province on its procedures page
            (grouped by field, beside the commune's own additions) and on the province's portal.
            CSV columns: \(ProcedureCatalogue.header.joined(separator: ",")), optionally followed by \(ProcedureCatalogue.detailHeader.joined(separator: ",")) (lists one item per line). See data/procedures/.
            """,
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a province's catalogue with a CSV file's rows.")
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The province's official code.") var province: Int
        @Flag(help: "Accept a file with no procedure: it empties the province's catalogue.") var empty = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (file, province, emptying) = (self.file, self.province, self.empty)
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CLIError(code: 2, message: "cannot read \(file) as UTF-8 text")
            }
            let procedures: [ProvinceProcedure]
            do {
                procedures = try ProcedureCatalogue.parse(text, source: file)
            } catch {
                throw CLIError(code: 2, message: error.message)
            }
            let unit = try await withPlatform(self.database) { p in
                try await ProcedureCatalogue.replace(procedures, province: province, database: p.database, emptying: emptying)
            }
            Console.info("\(unit.name): \(procedures.count) procedures in \(Set(procedures.map(\.field)).count) fields")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a province's catalogue.")
        @Option(help: "The province's official code.") var province: Int
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let province = self.province
            let procedures = try await withPlatform(self.database) { p in
                try await p.database.withConnection { connection in
                    guard let unit = try await Catalogue(logger: p.database.logger).unit(.province, code: province, on: connection) else {
                        throw TenantCoreError(.notFound, "province \(province) is not in the catalogue")
                    }
                    return try await PortalStore(logger: p.database.logger).procedures(province: unit.id, on: connection)
                }
            }
            for p in procedures { print([p.code, p.field, p.name, p.serviceLevel].joined(separator: "\t")) }
        }
    }
}
