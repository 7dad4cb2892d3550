import Foundation
import Testing
import TestSupport
@testable import TenantCore

@Suite struct LoginHardeningTests {
    /// Parallel wrong passwords: the check and the record of each attempt
    /// are one step, so no more than the limit reach bcrypt.
    @Test func parallelWrongPasswords_atMostTheLimitAreChecked() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            let accounts = Accounts(database: platform.database, cost: 6, logger: platform.logger)
            _ = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            let results = try await withThrowingTaskGroup(of: Result<StaffUser, LoginRefusal>.self) { group in
                for i in 0..<20 {
                    group.addTask { try await accounts.authenticate(username: "bt.a", password: "sai-\(i)", address: "10.1.0.\(i)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = results.filter { $0 == .failure(.wrongCredentials) }.count
            let refused = results.filter { $0 == .failure(.accountLocked(minutes: 15)) }.count
            print("measured: 20 parallel wrong passwords, \(checked) reached bcrypt, \(refused) refused")
            #expect(checked == accounts.accountLimit, "\(checked) attempts reached bcrypt")
            #expect(refused == 20 - accounts.accountLimit)
            #expect(try await platform.scalar("SELECT count(*) FROM platform.login_attempts WHERE username = 'bt.a'") == accounts.accountLimit)
        }
    }

    @Test func parallelAttemptsFromOneAddress_atMostTheAddressLimitAreChecked() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            let results = try await withThrowingTaskGroup(of: Result<StaffUser, LoginRefusal>.self) { group in
                for i in 0..<40 {
                    group.addTask { try await accounts.authenticate(username: "khong.co.\(i)", password: "sai", address: "10.2.0.1") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 == .failure(.wrongCredentials) }.count == accounts.addressLimit)
            #expect(results.filter { $0 == .failure(.addressLocked(minutes: 15)) }.count == 40 - accounts.addressLimit)
        }
    }

    /// A right password after wrong ones still logs in below the limit, and
    /// its attempt is recorded as a success (it resets the account's count).
    @Test func rightPassword_isRecordedAsSuccess() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            _ = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            for _ in 0..<4 { _ = try await accounts.authenticate(username: "bt.a", password: "sai", address: "10.3.0.1") }
            guard case .success = try await accounts.authenticate(username: "bt.a", password: "mat-khau-dai-du", address: "10.3.0.1") else {
                Issue.record("the right password was refused")
                return
            }
            #expect(try await platform.scalar("SELECT count(*) FROM platform.login_attempts WHERE succeeded") == 1)
            for _ in 0..<4 {
                #expect(try await accounts.authenticate(username: "bt.a", password: "sai", address: "10.3.0.1") == .failure(.wrongCredentials))
            }
        }
    }

}

/// Run alone by ops/test (it compares times).
@Suite struct LoginTimingTests {
    /// An unknown name costs what a wrong password of a real account costs:
    /// the time of a login does not tell which names exist.
    @Test func unknownName_takesAsLongAsAWrongPassword() async throws {
        try await withTestPlatform { platform in
            try await consoleUnits(platform)
            var accounts = Accounts(database: platform.database, cost: 10, logger: platform.logger)
            accounts.accountLimit = 1_000
            accounts.addressLimit = 1_000
            _ = try await accounts.createUser(username: "bt.a", displayName: "A", password: "mat-khau-dai-du", role: .editor, scope: (.commune, 14224))
            _ = try await accounts.authenticate(username: "khoi.dong", password: "sai", address: "10.4.0.1")  // warm up
            func median(_ username: String) async throws -> Double {
                var times: [Double] = []
                for i in 0..<9 {
                    let start = ContinuousClock.now
                    _ = try await accounts.authenticate(username: username, password: "sai-\(i)", address: "10.4.1.\(i)")
                    let elapsed = ContinuousClock.now - start
                    times.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                }
                return times.sorted()[times.count / 2]
            }
            // Interleaved, so a noisy neighbour slows both alike.
            var known: [Double] = []
            var unknown: [Double] = []
            for _ in 0..<2 {
                known.append(try await median("bt.a"))
                unknown.append(try await median("khong.ton.tai"))
            }
            let a = known.min()!
            let b = unknown.min()!
            print("measured: login median, wrong password \(a) s, unknown name \(b) s")
            #expect(abs(a - b) / max(a, b) < 0.2, "wrong password \(a) s, unknown name \(b) s")
        }
    }
}
