import Foundation

/// The path of an old site's address as kept and looked up: without
/// scheme, host, query or fragment, percent-decoded, NFC, without a
/// trailing slash (`/2024/03/hop-dan/` and `/2024/03/hop-dan` are one).
public enum OldAddress {
    public static func path(_ raw: String) -> String? {
        var text = Substring(raw)
        if let scheme = text.range(of: "://") {
            let afterScheme = text[scheme.upperBound...]
            text = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        guard text.hasPrefix("/"), text.utf8.count <= 2000 else { return nil }
        var path = VietnameseText.nfc(String(text).removingPercentEncoding ?? String(text))
        guard !VietnameseText.hasControlCharacters(path), !path.contains("\n"), !path.contains("\t") else { return nil }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `/wp-content/uploads/2024/03/anh-300x200.jpg` → `/wp-content/uploads/2024/03/anh.jpg`:
    /// the original of a size WordPress made of an image.
    public static func withoutSizeSuffix(_ path: String) -> String? {
        guard let dot = path.lastIndex(of: "."), let dash = path[..<dot].lastIndex(of: "-") else { return nil }
        let size = path[path.index(after: dash)..<dot]
        let parts = size.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        return String(path[..<dash]) + String(path[dot...])
    }

    /// `/category/tin-tuc/page/2` → `/category/tin-tuc`.
    public static func withoutPageNumber(_ path: String) -> String? {
        guard let range = path.range(of: "/page/", options: .backwards) else { return nil }
        let number = path[range.upperBound...]
        guard !number.isEmpty, number.count <= 6, number.allSatisfy({ $0.isASCII && $0.isNumber }), range.lowerBound > path.startIndex else { return nil }
        return String(path[..<range.lowerBound])
    }
}
