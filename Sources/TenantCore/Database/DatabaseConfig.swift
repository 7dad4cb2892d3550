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
    /// `disable` (default for loopback), `prefer` or `require`. `require`
    /// checks the server's certificate chain and name, as libpq's
    /// `verify-full` does, which the URL may also say.
    public var sslMode: String
    public var socketDirectory: String?
    /// The certificate authorities the server's certificate must chain to
    /// (`sslrootcert`, a PEM file or directory), instead of the system's store.
    public var sslRootCertificate: String?

    public init(
        host: String = "127.0.0.1", port: Int = 5432, username: String = "postgres", password: String? = nil,
        database: String, sslMode: String = "disable", socketDirectory: String? = nil,
        sslRootCertificate: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.socketDirectory = socketDirectory
        self.sslRootCertificate = sslRootCertificate
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
                guard let mode = item.value, ["disable", "prefer", "require", "verify-full"].contains(mode) else {
                    throw .invalid("DATABASE_URL sslmode must be disable, prefer, require or verify-full")
                }
                // The certificate's chain and name are checked under both.
                config.sslMode = mode == "verify-full" ? "require" : mode
            case "sslrootcert":
                guard let path = item.value, path.hasPrefix("/"), !path.contains("\0") else {
                    throw .invalid("DATABASE_URL sslrootcert must be an absolute path (sslrootcert=/etc/…/ca.pem)")
                }
                config.sslRootCertificate = path
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

    /// How the server's certificate is checked: its chain (against
    /// `sslrootcert` when the URL names one) and its name.
    func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = self.sslRootCertificate { tls.trustRoots = .file(roots) }
        return tls
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = self.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)", username: self.username,
                password: self.password, database: self.database)
        } else {
            // A TLS set-up that fails (an unreadable `sslrootcert`) fails
            // every connection the pool opens; it never falls back to clear text.
            let tls: PostgresClient.Configuration.TLS
            switch self.sslMode {
            case "require": tls = .require(self.tlsConfiguration())
            case "prefer": tls = .prefer(self.tlsConfiguration())
            default: tls = .disable
            }
            configuration = .init(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectSeconds)
        return configuration
    }

    /// - Throws: ``TenantCoreError`` (`databaseUnavailable`) when TLS is
    ///   asked for and cannot be set up: the connection is never opened in
    ///   clear text instead.
    func connectionConfiguration() throws(TenantCoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = self.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)", username: self.username,
                password: self.password, database: self.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch self.sslMode {
            case "require": tls = .require(try self.sslContext())
            case "prefer": tls = .prefer(try self.sslContext())
            default: tls = .disable
            }
            configuration = .init(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectSeconds)
        return configuration
    }

    private func sslContext() throws(TenantCoreError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: self.tlsConfiguration())
        } catch {
            let roots = self.sslRootCertificate.map { "the certificates of sslrootcert \($0)" } ?? "the system's certificates"
            throw TenantCoreError(
                .databaseUnavailable,
                "sslmode=\(self.sslMode) asks for TLS, which cannot be set up with \(roots) (\(error)); nothing was sent to \(self.host)",
                underlying: error)
        }
    }
}
