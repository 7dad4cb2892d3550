import Foundation

/// Folding and slugs for Vietnamese names: `Xã Hải Nam` → `hai-nam`.
public enum VietnameseText {
    /// Unicode NFC, the form every stored text is kept in.
    public static func nfc(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// Removes diacritics and lower-cases: `Đồng Hới` → `dong hoi`.
    /// Whether `text` holds a control character other than a line break or
    /// a tab (NUL among them, which PostgreSQL refuses in text): such input
    /// is refused with a message, never sent to the database.
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t") || $0.value == 0x7F }
    }

    public static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar {
            case "đ", "Đ": result.append("d")
            case _ where scalar.properties.generalCategory == .nonspacingMark: continue
            default: result.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        return String(result)
    }

    /// A URL- and DNS-safe slug: ASCII letters and digits joined by single
    /// hyphens (`Phường Văn Miếu - Quốc Tử Giám` → `phuong-van-mieu-quoc-tu-giam`).
    public static func slug(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in fold(text).unicodeScalars {
            let isWord = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if isWord {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return out
    }

    /// The unit-type prefixes of official names, longest first.
    static let unitPrefixes = [
        "Thành phố", "Thành Phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Phường", "Xã",
    ]

    /// The name as it reads inside a sentence, its type in lower case:
    /// `Xã Hải Nam` → `xã Hải Nam`.
    public static func inSentence(_ name: String) -> String {
        let split = self.splitUnitName(name)
        return split.kind.isEmpty ? split.properName : "\(split.kind) \(split.properName)"
    }

    /// Whether an official name (NFC, as the catalogue keeps it) starts
    /// with its type: what ``splitUnitName(_:)`` finds, without its
    /// normalising and trimming, for names read on every page.
    public static func hasUnitType(_ name: String) -> Bool {
        self.unitPrefixesWithSpace.contains { name.hasPrefix($0) }
    }

    static let unitPrefixesWithSpace = unitPrefixes.map { $0 + " " }

    /// Splits an official name into its type and its proper name:
    /// `Thị trấn Yên Định` → (`thị trấn`, `Yên Định`). A name that is only a
    /// number (`Phường 12`) keeps its type so the slug stays meaningful.
    public static func splitUnitName(_ name: String) -> (kind: String, properName: String) {
        let name = nfc(name).trimmingCharacters(in: .whitespaces)
        for prefix in unitPrefixes where name.hasPrefix(prefix + " ") {
            let rest = String(name.dropFirst(prefix.count + 1)).trimmingCharacters(in: .whitespaces)
            return (prefix.lowercased(), rest)
        }
        return ("", name)
    }
}
