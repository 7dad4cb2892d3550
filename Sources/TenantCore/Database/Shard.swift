import Foundation

/// The name of a PostgreSQL cluster in `platform.shards`: lower-case
/// letters, digits and `_`, starting with a letter. `main` is the cluster
/// of `DATABASE_URL`, which holds the catalogue.
public struct ShardName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    public static let main = ShardName(trusted: "main")

    public init(_ raw: String) throws(TenantCoreError) {
        let bytes = Array(raw.utf8)
        guard (1...31).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            bytes.allSatisfy({
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "_")
            })
        else {
            throw .invalid("invalid cluster name \(raw.prefix(40).debugDescription): lower-case letters, digits and _, starting with a letter, at most 31")
        }
        self.rawValue = raw
    }

    private init(trusted: String) { self.rawValue = trusted }

    public var description: String { self.rawValue }

    /// Decoded names are checked like typed ones.
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
    public static func < (a: ShardName, b: ShardName) -> Bool { a.rawValue < b.rawValue }
}

/// Whether a cluster takes new communes.
public enum ShardState: String, Sendable, CaseIterable {
    /// Takes new communes and moves.
    case open
    /// Takes none; `shards rebalance` moves its communes away.
    case draining
    /// Takes none and is never the target of a move.
    case readOnly = "read_only"
}

/// One row of `platform.shards`, with what it holds.
public struct ShardRecord: Sendable, Equatable {
    public var name: ShardName
    /// `postgres://USER@HOST:PORT/DATABASE`, never with a password; empty for `main`.
    public var url: String
    /// Where the password is: `env:NAME`, `file:/path`, or empty for none.
    public var secret: String
    public var state: ShardState
    public var communes: Int
    /// Bytes of the commune schemas placed there (nil when not measured).
    public var bytes: Int64?

    public init(name: ShardName, url: String, secret: String, state: ShardState, communes: Int = 0, bytes: Int64? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.state = state
        self.communes = communes
        self.bytes = bytes
    }

    /// Checks what an operator gives for a new cluster: a URL without a
    /// password, and a secret that names an environment variable or a file.
    public static func validated(name: String, url: String, secret: String) throws(TenantCoreError) -> (ShardName, String, String) {
        let name = try ShardName(name)
        guard name != .main else { throw .invalid("`main` is the cluster of DATABASE_URL; give the new cluster another name") }
        let config = try DatabaseConfig(url: url)
        guard config.password == nil else {
            throw .invalid("the cluster's URL must not carry its password; give it with --secret env:NAME or --secret file:/path")
        }
        guard url.utf8.count <= 500 else { throw .invalid("the cluster's URL is longer than 500 characters") }
        if !secret.isEmpty {
            let isEnv = secret.hasPrefix("env:") && (try? ShardRecord.environmentName(String(secret.dropFirst(4)))) != nil
            let isFile = secret.hasPrefix("file:/") && secret.utf8.count <= 405 && !secret.contains(where: \.isWhitespace)
            guard isEnv || isFile else {
                throw .invalid("--secret must be env:NAME (an environment variable, A-Z, 0-9 and _) or file:/path")
            }
        }
        return (name, url, secret)
    }

    static func environmentName(_ raw: String) throws(TenantCoreError) -> String {
        let bytes = Array(raw.utf8)
        guard (1...63).contains(bytes.count), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0]),
            bytes.allSatisfy({
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "_")
            })
        else { throw .invalid("invalid environment variable name \(raw.prefix(70).debugDescription)") }
        return raw
    }

    /// Where this process connects to the cluster: the URL with the password
    /// read from the environment or the file named by ``secret``.
    public func databaseConfig(main: DatabaseConfig, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TenantCoreError) -> DatabaseConfig
    {
        guard self.name != .main else { return main }
        var config = try DatabaseConfig(url: self.url)
        if self.secret.hasPrefix("env:") {
            let variable = try Self.environmentName(String(self.secret.dropFirst(4)))
            guard let value = environment[variable], !value.isEmpty else {
                throw TenantCoreError(.databaseUnavailable, "cluster \(self.name): the environment variable \(variable) with its password is not set")
            }
            config.password = value
        } else if self.secret.hasPrefix("file:") {
            let path = String(self.secret.dropFirst(5))
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw TenantCoreError(.databaseUnavailable, "cluster \(self.name): cannot read its password file \(path)")
            }
            config.password = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return config
    }
}
