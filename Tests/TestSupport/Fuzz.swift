import Foundation

/// A small, seeded, reproducible random source for fuzz tests
/// (SplitMix64). The seed of a failing case is in the test's message.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public enum Fuzz {
    /// Cases per fuzz test: a few seconds' worth in `ops/test`; set
    /// `FUZZ_ITERATIONS` for a longer run, `FUZZ_SEED` to replay one.
    public static func iterations(default value: Int = 2_000) -> Int {
        ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"].flatMap(Int.init) ?? value
    }

    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_201
    }

    /// Runs `body` `iterations` times, each with its own reproducible seed.
    public static func run(iterations: Int = Fuzz.iterations(), _ body: (inout SeededRandom, UInt64) throws -> Void) rethrows {
        for i in 0..<iterations {
            let seed = Self.seed &+ UInt64(i)
            var random = SeededRandom(seed: seed)
            try body(&random, seed)
        }
    }

    /// ``run(iterations:_:)`` for bodies that send requests.
    public static func runAsync(
        iterations: Int = Fuzz.iterations(), _ body: (inout SeededRandom, UInt64) async throws -> Void
    ) async rethrows {
        for i in 0..<iterations {
            let seed = Self.seed &+ UInt64(i)
            var random = SeededRandom(seed: seed)
            try await body(&random, seed)
        }
    }

    /// Builds a string from fragments that tend to break parsers, mixed with random bytes.
    public static func text(_ random: inout SeededRandom, fragments: [String], maxPieces: Int = 40) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &random) {
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                // Random Unicode scalars, including controls and NUL.
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let value = UInt32.random(in: 0...0x2FFF, using: &random)
                    if let scalar = Unicode.Scalar(value) { out.unicodeScalars.append(scalar) }
                }
            case 1:
                // Random bytes, decoded with repair (as a server receives them).
                let bytes = (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                out += String(decoding: bytes, as: UTF8.self)
            case 2:
                out += String(repeating: fragments.randomElement(using: &random)!, count: Int.random(in: 1...50, using: &random))
            default:
                out += fragments.randomElement(using: &random)!
            }
        }
        return out
    }
}

/// The resident memory of this process, from /proc (0 where unknown).
public enum ProcessMemory {
    public static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
