import Foundation

/// Decodes the HTML character references editors and word processors produce.
enum Entities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "ndash": "–", "mdash": "—",
        "hellip": "…", "laquo": "«", "raquo": "»", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "lsquo": "\u{2018}",
        "rsquo": "\u{2019}", "copy": "©", "reg": "®", "deg": "°", "times": "×", "bull": "•",
    ]

    /// Decodes `&name;`, `&#NN;` and `&#xHH;` (at most 12 characters between
    /// `&` and `;`). Works on bytes, not characters: a combining mark after
    /// `;` or `&` must not hide a reference (that would make sanitising twice
    /// differ from sanitising once).
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "&")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "&") else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let limit = min(bytes.count, i + 14)
            if let semi = bytes[(i + 1)..<limit].firstIndex(of: UInt8(ascii: ";")),
                Self.append(reference: bytes[(i + 1)..<semi], to: &out)
            {
                i = semi + 1
            } else {
                out.append(UInt8(ascii: "&"))
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends what the reference between `&` and `;` stands for, if it is
    /// one we decode; numeric references are read from the bytes without
    /// making a string (a body can hold a million of them).
    static func append(reference name: ArraySlice<UInt8>, to out: inout [UInt8]) -> Bool {
        guard name.first == UInt8(ascii: "#") else {
            guard let decoded = Self.named[String(decoding: name, as: UTF8.self)] else { return false }
            out.append(contentsOf: decoded.utf8)
            return true
        }
        var digits = name.dropFirst()
        var radix: UInt32 = 10
        if let x = digits.first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            radix = 16
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return false }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(byte - UInt8(ascii: "A")) + 10
            default: return false
            }
            value = value * UInt64(radix) + digit  // at most 12 digits: no overflow
        }
        guard value != 0, value <= UInt64(UInt32.max), let scalar = Unicode.Scalar(UInt32(value)) else { return false }
        out.append(contentsOf: UTF8.encode(scalar)!)
        return true
    }
}
