import Foundation
import Logging

/// One log line per event on standard error, as logfmt
/// (`ts=… level=info label=tenant-host msg="…" tenant.schema=c_14224`) or as
/// JSON objects, so that logs can be searched by commune.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable {
        case logfmt, json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: Format

    public init(label: String, level: Logger.Level, format: Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Self.timestamp()), ("level", event.level.rawValue), ("label", self.label), ("msg", event.message.description),
        ]
        var merged = self.metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() { fields.append((key, merged[key]!.description)) }
        let line: String
        switch self.format {
        case .json:
            line = "{" + fields.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}\n"
        case .logfmt:
            line = fields.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ") + "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func timestamp() -> String {
        let now = Date()
        let t = VietnamTime(now)
        let seconds = Int(now.timeIntervalSince1970) % 60
        let millis = Int((now.timeIntervalSince1970 * 1000).truncatingRemainder(dividingBy: 1000))
        return "\(t.isoDate)T\(t.timeString):\(VietnamTime.two(seconds)).\(String(format: "%03d", millis))+07:00"
    }

    static func logfmtValue(_ value: String) -> String {
        if !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) { return value }
        return jsonString(value)
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Installs the handler for every logger of the process.
    public static func bootstrap(level: Logger.Level, format: Format) {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: format) }
    }
}
