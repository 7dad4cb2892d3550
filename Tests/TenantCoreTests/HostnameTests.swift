import Testing
@testable import TenantCore

@Suite struct HostnameTests {
    @Test func normalizing_lowercasesAndStripsPortAndTrailingDot() throws {
        // act
        let host = try Hostname(normalizing: "Hai-Nam.Hai-Hau.Nam-Dinh.LOCALHOST.:8080")
        // check
        #expect(host.value == "hai-nam.hai-hau.nam-dinh.localhost")
    }

    @Test func normalizing_unicodeLabel_becomesPunycode() throws {
        #expect(try Hostname(normalizing: "Hải-Nam.localhost").value == "xn--hi-nam-bd8b.localhost")
        #expect(try Hostname(normalizing: "xn--hi-nam-bd8b.localhost").value == "xn--hi-nam-bd8b.localhost")
        #expect(try Hostname(normalizing: "đồng-hới.vn").value == "xn--ng-hi-4ya0444c7ba.vn")
    }

    @Test func punycode_matchesRFC3492() {
        #expect(Punycode.encode("bücher") == "bcher-kva")
        #expect(Punycode.encode("hải-nam") == "hi-nam-bd8b")
    }

    @Test(arguments: [
        "", ":", ":8080", "a..b", ".", "bad host", "a\u{0}b.vn", "a\tb.vn", "host:99999", "host:80x", "under_score.vn",
        "-lead.vn", "trail-.vn", "[::1]:8080", "127.0.0.1", "127.0.0.1:8080", "a/b.vn", "a@b.vn", "😀.vn",
        "../../etc/passwd", "%2e%2e.vn",
    ])
    func normalizing_rejectsWhatCannotBeAHost(_ raw: String) {
        #expect(throws: Hostname.Rejection.self) { try Hostname(normalizing: raw) }
    }

    @Test func normalizing_rejectsOverlongNames() {
        for raw in [String(repeating: "a", count: 64) + ".vn", String(repeating: "abc.", count: 70) + "vn", String(repeating: "x", count: 5000)] {
            #expect(throws: Hostname.Rejection.self) { try Hostname(normalizing: raw) }
        }
    }

    @Test func schemaName_onlyFromCodesOrValidated() throws {
        #expect(try SchemaName(communeCode: 14224).rawValue == "c_14224")
        #expect(try SchemaName(communeCode: 70).rawValue == "c_00070")
        #expect(try SchemaName(communeCode: 70).quoted == "\"c_00070\"")
        #expect(throws: TenantCoreError.self) { try SchemaName(communeCode: 0) }
        for bad in ["public", "c_1", "c_123456789", "c_1234a", "C_12345", "c_12345;drop", "\"c_12345\"", "platform", ""] {
            #expect(throws: TenantCoreError.self) { try SchemaName(validating: bad) }
        }
        #expect(try SchemaName(validating: "c_00070").rawValue == "c_00070")
    }
}

@Suite struct TextTests {
    @Test func fold_removesDiacriticsAndCase() {
        #expect(VietnameseText.fold("Hải Hậu") == "hai hau")
        #expect(VietnameseText.fold("ĐỒNG HỚI") == "dong hoi")
        #expect(VietnameseText.slug("Phường Văn Miếu - Quốc Tử Giám") == "phuong-van-mieu-quoc-tu-giam")
        #expect(VietnameseText.slug("Xã Ea H'Leo") == "xa-ea-h-leo")
    }

    @Test func splitUnitName_separatesTypeFromName() {
        #expect(VietnameseText.splitUnitName("Thị trấn Yên Định") == ("thị trấn", "Yên Định"))
        #expect(VietnameseText.splitUnitName("Tỉnh Nam Định") == ("tỉnh", "Nam Định"))
        #expect(VietnameseText.splitUnitName("Đặc khu Phú Quốc") == ("đặc khu", "Phú Quốc"))
        #expect(VietnameseText.splitUnitName("Nam Định") == ("", "Nam Định"))
    }

    @Test func nfc_composesDecomposedInput() {
        let decomposed = "Ha\u{0309}i Nam"  // "Hải" typed with a combining hook above
        #expect(VietnameseText.nfc(decomposed) == "Hải Nam")
        #expect(VietnameseText.nfc(decomposed).unicodeScalars.count == 7)
    }

    @Test func vietnamTime_usesUTCPlus7() throws {
        // 2026-11-26T17:30:00Z is 00:30 on the 27th in Vietnam, a Friday.
        let date = try #require(ISO8601.parse("2026-11-26T17:30:00Z"))
        let t = VietnamTime(date)
        #expect(t.dateString == "27/11/2026")
        #expect(t.timeString == "00:30")
        #expect(t.weekdayName == "Thứ Sáu")
        #expect(VietnamTime(t.startOfWeek).dateString == "23/11/2026")
        #expect(VietnamTime(t.startOfWeek).timeString == "00:00")
        #expect(VietnamTime.startOfDay(year: 2026, month: 11, day: 23) == t.startOfWeek)
    }
}

enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}

import Foundation
