import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies whose `X-Forwarded-For`, `X-Forwarded-Proto` and
/// `X-Front-Cache-Key` a host believes (`TRUST_PROXY`): addresses and CIDR
/// blocks. A request from any other peer is taken as it came, whatever it
/// says it was forwarded for.
struct TrustedProxies: Sendable, Equatable {
    /// An IPv4 or IPv6 block: the address's bytes and how many leading bits count.
    struct Network: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == self.bytes.count else { return false }
            var bits = self.prefix
            for (a, b) in zip(address, self.bytes) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                guard a & mask == b & mask else { return false }
                bits -= 8
            }
            return true
        }
    }

    let networks: [Network]

    /// Loopback only: nginx on the same machine.
    static let loopback = TrustedProxies(networks: [Network(bytes: [127, 0, 0, 0], prefix: 8), Network(bytes: Array(repeating: 0, count: 15) + [1], prefix: 128)])
    static let none = TrustedProxies(networks: [])

    /// Parses `10.0.0.1, 10.0.1.0/24, fd00::/8`; nil when an entry is not an
    /// address or block (the configuration names it).
    init?(list: String) {
        var networks: [Network] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard entry.utf8.count <= 64 else { return nil }
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.parse(String(parts[0])) else { return nil }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard parts[1].utf8.count <= 3, parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let bits = Int(parts[1]),
                    bits <= bytes.count * 8
                else { return nil }
                prefix = bits
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        guard !networks.isEmpty else { return nil }
        self.networks = networks
    }

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Whether `address` (as NIO prints a peer: `10.0.0.1`, `::1`) is one of the proxies.
    func contains(_ address: String) -> Bool {
        guard !self.networks.isEmpty, let bytes = Self.parse(address) else { return false }
        return self.networks.contains { $0.contains(bytes) }
    }

    /// The client of a request that `peer` forwarded: walking
    /// `X-Forwarded-For` from the right, the first address that is not one
    /// of the proxies (each proxy appends the address it saw); the peer
    /// itself when it is no proxy or the header says nothing usable.
    func client(peer: String, forwardedFor: String?) -> String {
        guard self.contains(peer), let forwardedFor, forwardedFor.utf8.count <= 4096 else { return peer }
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            let address = entry.trimmingCharacters(in: .whitespaces)
            guard Self.parse(address) != nil else { break }
            client = address
            if !self.contains(address) { break }
        }
        return client
    }

    /// The bytes of an IPv4 or IPv6 address (`inet_pton`), or nil.
    static func parse(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
