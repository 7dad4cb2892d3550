import CCmarkGFM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown as editors write it (headings, lists, emphasis, links, tables,
/// strikethrough, bare links), turned into HTML by cmark-gfm — the reference
/// CommonMark implementation, fuzzed upstream, linear in its input — and then
/// through the sanitiser like any editor HTML.
///
/// Raw HTML inside Markdown is let through by cmark (`CMARK_OPT_UNSAFE`)
/// because the sanitiser, not the Markdown parser, is what makes a body safe.
public enum Markdown {
    /// The longest source rendered, in UTF-8 bytes; longer input is cut
    /// there (editors' forms refuse far shorter bodies before saving).
    public static let maximumBytes = 2 * 1024 * 1024

    /// The cmark-gfm the platform is linked with (`0.29.0.gfm.13`): the
    /// release that removed the quadratic cases of earlier ones.
    public static var libraryVersion: String { String(cString: cmark_version_string()) }

    public static func html(from markdown: String) -> SanitizedHTML {
        HTMLSanitizer.sanitize(self.unsanitisedHTML(from: markdown))
    }

    /// cmark-gfm's HTML before sanitising (for tests and tools).
    static func unsanitisedHTML(from markdown: String) -> String {
        guard !markdown.isEmpty else { return "" }
        Self.registerExtensions
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        var source = markdown
        let tables = source.withUTF8 { Self.tableCells(in: $0) } <= Self.maximumTableCells
        for name in tables ? ["table", "strikethrough", "autolink"] : ["strikethrough", "autolink"] {
            if let extensionHandle = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionHandle)
            }
        }
        source.withUTF8 { bytes in
            let count = min(bytes.count, Self.maximumBytes)
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: count) {
                cmark_parser_feed(parser, $0, count)
            }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// The most table cells a body may make. cmark-gfm 0.29.0.gfm.6 (Debian
    /// 12) filled every row of a table up to its header's width, so a narrow
    /// body with a 20,000-column header made 100 million cells and gigabytes
    /// of memory; gfm.13 stops autocompleting cells itself, and past this
    /// bound the body is still rendered without tables.
    static let maximumTableCells = 100_000

    /// An upper bound of the cells cmark's table extension would make: for
    /// each delimiter row (`|---|:--|`), its columns times the lines that
    /// follow it up to a blank line.
    static func tableCells(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var total = 0
        var columns = 0  // of the table being read, 0 outside one
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            var pipes = 0
            var dashes = 0
            var onlyDelimiterBytes = true
            var blank = true
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") {
                switch bytes[lineEnd] {
                case UInt8(ascii: "|"): pipes += 1; blank = false
                case UInt8(ascii: "-"): dashes += 1; blank = false
                case UInt8(ascii: ":"): blank = false
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
                default: onlyDelimiterBytes = false; blank = false
                }
                lineEnd += 1
            }
            if blank {
                columns = 0
            } else if onlyDelimiterBytes && dashes > 0 && (pipes > 0 || columns == 0) {
                columns = pipes + 1
                total += columns * 2
            } else if columns > 0 {
                total += columns
            }
            if total > Self.maximumTableCells { return total }
            lineStart = lineEnd + 1
        }
        return total
    }

    /// cmark-gfm's extensions register once per process (thread-safe in Swift's lazy globals).
    private static let registerExtensions: Void = cmark_gfm_core_extensions_ensure_registered()
}
