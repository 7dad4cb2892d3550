import Testing
@testable import TenantCore
@Test func placeholder() { #expect(TenantCoreVersion.value == 1) }
