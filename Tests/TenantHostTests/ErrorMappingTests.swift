import HTTPTypes
import NIOCore
import TestSupport
import Testing
import TenantCore
@testable import TenantHost

/// One mapping from TenantCore's error codes to what people see, and
/// unknown errors reported as faults of the platform, never as an outage.
@Suite struct ErrorMappingTests {
    struct Unexpected: Error {}

    @Test func unknownErrors_areInternal_andNetworkErrors_anOutage() {
        let unknown = TenantDatabase.map(Unexpected())
        #expect(unknown.code == .internal)
        #expect(!unknown.message.contains("cannot reach"))
        #expect(TenantDatabase.map(ChannelError.ioOnClosedChannel).code == .databaseUnavailable)
        #expect(TenantDatabase.map(IOError(errnoCode: 111, reason: "connect")).code == .databaseUnavailable)
        #expect(ErrorMapping.answer(for: unknown).status == .internalServerError)
    }

    @Test func everyCode_hasOneAnswer() {
        let expected: [(TenantCoreError.Code, Int)] = [
            (.notFound, 404), (.invalidInput, 400), (.conflict, 409), (.rateLimited, 429), (.forbidden, 403),
            (.databaseUnavailable, 503), (.database, 500), (.internal, 500), (.migration, 500), (.io, 500),
        ]
        for (code, status) in expected {
            let answer = ErrorMapping.answer(for: TenantCoreError(code, "x"))
            #expect(answer.status.code == status, "\(code)")
            #expect(!answer.title.isEmpty && !answer.message.isEmpty)
        }
        #expect(ErrorMapping.answer(for: TenantCoreError(.databaseUnavailable, "x")).retryAfter)
        #expect(ErrorMapping.answer(for: TenantCoreError(.rateLimited, "Bạn đã gửi 5 lần")).message == "Bạn đã gửi 5 lần")
    }

    @Test func errorsAboutAField_nameIt() async throws {
        try await withTestPlatform { platform in
            let accounts = Accounts(database: platform.database, cost: 4, logger: platform.logger)
            let short = await #expect(throws: TenantCoreError.self) {
                _ = try await accounts.createUser(username: "quantri", displayName: "Q", password: "ngan", role: .platform, scope: nil)
            }
            #expect(short?.field == .password)
            let name = await #expect(throws: TenantCoreError.self) {
                _ = try await accounts.createUser(username: "Q!", displayName: "Q", password: "mat-khau-dai-du", role: .platform, scope: nil)
            }
            #expect(name?.field == .username)
        }
    }
}
