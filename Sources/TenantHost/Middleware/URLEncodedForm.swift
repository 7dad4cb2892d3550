import Foundation
import TenantCore

/// The one decoder of `application/x-www-form-urlencoded` text, for form
/// bodies and query strings: `+` is a space, `%XX` a byte of UTF-8, the
/// first value of a repeated key wins, values are NFC.
enum URLEncodedForm {
    /// The pairs of `text`, or nil when a percent escape is malformed or
    /// does not decode to UTF-8.
    static func decode(_ text: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.unescape(parts[0]), let value = Self.unescape(parts.count > 1 ? parts[1] : "") else { return nil }
            if fields[key] == nil { fields[key] = VietnameseText.nfc(value) }
        }
        return fields
    }

    static func unescape(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
