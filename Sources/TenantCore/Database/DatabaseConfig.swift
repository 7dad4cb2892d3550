import Foundation
import PostgresNIO

/// Where PostgreSQL is, parsed from a `DATABASE_URL` such as
/// `postgres://user:secret@127.0.0.1:5432/platform?sslmode=disable`.
///
/// A `host` query item that starts with `/` selects a Unix socket directory
/// (`postgres:///platform?host=/run/postgresql`), as libpq does.
public struct DatabaseConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `disable` (default for loopback), `prefer` or `require`.
    public var sslMode: String
    public var socketDirectory: String?

    public init(
        host: String = "127.0.0.1", port: Int = 5432, username: String = "postgres", password: String? = nil,
        database: String, sslMode: String = "disable", socketDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.socketDirectory = socketDirectory
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Throws: ``TenantCoreError`` (`invalidInput`) naming what is wrong, never echoing the password.
    public init(url: String) throws(TenantCoreError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw .invalid("DATABASE_URL must look like postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw .invalid("DATABASE_URL names no database (postgres://USER@HOST:PORT/DATABASE)")
        }
        var config = DatabaseConfig(database: database.removingPercentEncoding ?? database)
        config.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        config.port = components.port ?? 5432
        config.username = components.user?.removingPercentEncoding ?? "postgres"
        config.password = components.password?.removingPercentEncoding
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(config.host)
        config.sslMode = loopback ? "disable" : "prefer"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value, ["disable", "prefer", "require"].contains(mode) else {
                    throw .invalid("DATABASE_URL sslmode must be disable, prefer or require")
                }
                config.sslMode = mode
            case "host":
                if let value = item.value, value.hasPrefix("/") { config.socketDirectory = value }
            default:
                continue
            }
        }
        self = config
    }

    /// The same server with another database (used by tests and `ops/`).
    public func with(database: String) -> DatabaseConfig {
        var copy = self
        copy.database = database
        return copy
    }

    /// A description safe for logs: no password.
    public var redacted: String {
        let place = self.socketDirectory.map { "socket \($0)" } ?? "\(self.host):\(self.port)"
        return "\(self.username)@\(place)/\(self.database)"
    }

    /// How long opening a connection may take, pooled or not: a server
    /// that does not answer fails the attempt instead of holding it.
    static let connectSeconds: Int64 = 5

    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = self.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)", username: self.username,
                password: self.password, database: self.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch self.sslMode {
            case "require": tls = .require(.makeClientConfiguration())
            case "prefer": tls = .prefer(.makeClientConfiguration())
            default: tls = .disable
            }
            configuration = .init(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectSeconds)
        return configuration
    }

    func connectionConfiguration() -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = self.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)", username: self.username,
                password: self.password, database: self.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch self.sslMode {
            case "require": tls = (try? .require(.init(configuration: .makeClientConfiguration()))) ?? .disable
            case "prefer": tls = (try? .prefer(.init(configuration: .makeClientConfiguration()))) ?? .disable
            default: tls = .disable
            }
            configuration = .init(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectSeconds)
        return configuration
    }
}
