import Foundation
import Hummingbird
import Logging
import TenantCore

@main
enum App {
    static func main() async {
        let config: AppConfig
        do {
            config = try AppConfig.load()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        StructuredLogHandler.bootstrap(level: config.logLevel, format: config.logFormat == "json" ? .json : .logfmt)
        do {
            let app = try await buildApplication(config: config)
            try await app.runService()
        } catch {
            Logger(label: "tenant-host").critical("tenant-host stopped", metadata: ["error": "\(String(reflecting: error))"])
            exit(1)
        }
    }
}
