import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// Markdown through cmark-gfm, then the sanitiser: what editors write
/// renders as they expect, and no body can hang or exhaust the process.
@Suite struct MarkdownTests {
    @Test(arguments: [
        ("# Tiêu đề", "<h2>Tiêu đề</h2>"),
        ("## Mục", "<h2>Mục</h2>"),
        ("**đậm** và *nghiêng*", "<p><strong>đậm</strong> và <em>nghiêng</em></p>"),
        ("- một\n- hai", "<ul>\n<li>một</li>\n<li>hai</li>\n</ul>"),
        ("1. một\n2. hai", "<ol>\n<li>một</li>\n<li>hai</li>\n</ol>"),
        ("[Cổng](https://dichvucong.gov.vn)", "<p><a href=\"https://dichvucong.gov.vn\" rel=\"noopener noreferrer\">Cổng</a></p>"),
        ("> trích dẫn", "<blockquote>\n<p>trích dẫn</p>\n</blockquote>"),
        ("| A | B |\n|---|---|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"),
        ("~~bỏ~~", "<p><del>bỏ</del></p>"),
        ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
        ("<script>alert(1)</script>chữ", "chữ"),
        ("Dòng <b>HTML</b> giữ lại", "<p>Dòng <b>HTML</b> giữ lại</p>"),
    ])
    func rendersWhatEditorsWrite(_ markdown: String, _ expected: String) {
        #expect(Markdown.html(from: markdown).value.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }

    /// The bodies a commune starts with (HTML, which Markdown passes through)
    /// render exactly as the sanitiser alone renders them.
    @Test func sampleContent_rendersTheSameAsMarkdown() {
        let bodies = [
            "<p>Sáng Chủ nhật, UBND xã phối hợp tổ chức ra quân.</p><p>Hơn 500 lượt người tham gia.</p><h2>Duy trì thường xuyên</h2><p>Đề nghị các thôn duy trì.</p>",
            "<p>Khai giảng lớp tập huấn.</p><ul><li>Sử dụng Cổng Dịch vụ công quốc gia;</li><li>Hướng dẫn người dân;</li><li>Thanh toán trực tuyến.</li></ul>",
            "<p>Trạm Y tế tổ chức tiêm chủng vào thứ Ba, từ 7 giờ 30.</p>",
        ]
        for body in bodies {
            let viaMarkdown = Markdown.html(from: body).value
            #expect(Self.collapsed(viaMarkdown) == Self.collapsed(HTMLSanitizer.sanitize(body).value), "\(body)")
        }
    }

    /// Ink 0.6 looped for ever on this (an unclosed tag at the very end).
    @Test func unclosedTagAtTheEnd_finishes() {
        let input = String(repeating: "<p>hello world</p>", count: 1000) + "<p"
        let (html, seconds, grownBytes) = Self.measure { Markdown.html(from: input) }
        #expect(html.value.contains("hello world"))
        print("measured: Ink's hang input (18,002 bytes) rendered in \(seconds) s of CPU, memory grew \(grownBytes) bytes")
        #expect(seconds < 2, "took \(seconds) s of CPU")
        #expect(grownBytes < 256 << 20, "grew by \(grownBytes) bytes")
    }

    /// Inputs that have broken Markdown parsers: each finishes quickly with bounded memory.
    @Test func hostileCorpus_finishesWithinBounds() {
        var corpus: [(String, String)] = []
        let megabyte = 1 << 20
        for tail in ["<p", "<a href=\"", "<", "</", "<!--", "<![CDATA[", "<?x", "<div", "[x](", "![a](", "`", "```", "<http://"] {
            corpus.append(("unclosed \(tail)", String(repeating: "<p>hello world</p>", count: 2000) + tail))
        }
        corpus.append(("nested lists", (0..<5000).map { String(repeating: "  ", count: $0 % 200) + "- mục" }.joined(separator: "\n")))
        corpus.append(("nested quotes", String(repeating: ">", count: 50_000) + " x"))
        corpus.append(("nested emphasis", String(repeating: "*a **b ", count: 30_000)))
        corpus.append(("open brackets", String(repeating: "[", count: 200_000)))
        corpus.append(("open links", String(repeating: "[a](", count: 100_000)))
        corpus.append(("backticks", (1...2000).map { String(repeating: "`", count: $0) }.joined(separator: "x")))
        corpus.append(("table columns", "|" + String(repeating: "a|", count: 20_000) + "\n|" + String(repeating: "-|", count: 20_000) + "\n" + String(repeating: "|x\n", count: 5000)))
        corpus.append(("nested tags", String(repeating: "<div><span><b>", count: 50_000)))
        corpus.append(("closing tags", String(repeating: "<b>", count: 50_000) + String(repeating: "</i>", count: 50_000)))
        corpus.append(("1 MB text", String(repeating: "Ủy ban nhân dân xã thông báo. ", count: megabyte / 40)))
        corpus.append(("1 MB entities", String(repeating: "&amp;&#x41;&bogus;", count: megabyte / 18)))
        corpus.append(("NUL bytes", String(repeating: "a\u{0}b\u{0}<p\u{0}>", count: 50_000)))
        corpus.append(("invalid UTF-8", String(decoding: (0..<megabyte).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }, as: UTF8.self)))
        var slowest = (name: "", seconds: 0.0, grown: 0)
        defer { print("measured: \(corpus.count) hostile Markdown bodies, slowest \(slowest.name) \(slowest.seconds) s of CPU (memory grew \(slowest.grown) bytes)") }
        for (name, input) in corpus {
            let (html, seconds, grownBytes) = Self.measure { Markdown.html(from: input) }
            if seconds > slowest.seconds { slowest = (name, seconds, grownBytes) }
            #expect(seconds < 5, "\(name): took \(seconds) s of CPU")
            #expect(grownBytes < 512 << 20, "\(name): grew by \(grownBytes) bytes")
            #expect(html.value.utf8.count < 64 * max(input.utf8.count, 1), "\(name): output \(html.value.utf8.count) bytes")
            #expect(!html.value.contains("\u{0}"), "\(name)")
        }
    }

    /// cmark-gfm 0.29.0.gfm.6 (Debian 12) took seconds on these 200 KB
    /// bodies (quadratic in the input); the platform links gfm.13, which
    /// fixed them (ops/lib/cmark.sh). Linear is proven by growth, not by a
    /// clock: each body is rendered at 16 KB and at sixteen times that, and
    /// the larger must cost less than 96 times the smaller (linear gives
    /// 16, up to about 45 once the input outgrows the caches; quadratic
    /// gives 256). Each size keeps its fastest of three runs of thread CPU
    /// time, so a busy machine does not move the ratio.
    @Test func quadraticClasses_stayLinear() {
        #expect(Markdown.libraryVersion == "0.29.0.gfm.13")
        let classes: [(String, (Int) -> String)] = [
            ("wide table header", { Self.repeated("a|", to: $0) + "\n-|-\n" }),
            ("long row under a table", { "a|b\n-|-\n" + Self.repeated("|", to: $0) }),
            ("brackets in a table row", { "a|b\n-|-\n" + Self.repeated("[|", to: $0) }),
            ("nested images and brackets", { Self.repeated("![[]()", to: $0) }),
            ("open brackets", { Self.repeated("[", to: $0) }),
            ("long emphasis runs", { Self.repeated("*a_ ", to: $0) }),
            ("strong delimiters", { Self.repeated("**", to: $0) }),
            ("deep lists", { Self.repeated("- ", to: $0) + "a" }),
            ("deep quotes", { Self.repeated("> ", to: $0) }),
            ("link references", { size in
                let count = size / 24
                return (0..<count).map { "[r\($0)]: /u\($0)\n" }.joined() + (0..<count).map { "[r\($0)] " }.joined()
            }),
            ("one reference, many uses", { "[a]: /" + String(repeating: "x", count: 1000) + "\n\n" + Self.repeated("[a]", to: $0) }),
            ("autolink candidates", { Self.repeated("a@", to: $0) }),
            ("angle brackets", { Self.repeated("<", to: $0) }),
            ("backticks", { Self.repeated("`", to: $0) }),
        ]
        let small = 16 * 1024
        for (name, body) in classes {
            let (smaller, larger) = (body(small), body(16 * small))
            let fastest = { (input: String) -> Double in
                (0..<3).map { _ in Self.measure { Markdown.html(from: input) }.1 }.min() ?? 0
            }
            let (atSmall, atLarge) = (fastest(smaller), fastest(larger))
            let growth = atLarge / max(atSmall, 1e-6)
            print("measured: \(name), \(larger.utf8.count) bytes cost \(growth)× \(smaller.utf8.count) bytes (\(atLarge) s of CPU)")
            #expect(growth < 96, "\(name): sixteen times the input cost \(growth) times as much (\(atSmall) s → \(atLarge) s)")
        }
    }

    static func repeated(_ piece: String, to size: Int) -> String {
        String(repeating: piece, count: size / piece.utf8.count)
    }

    /// A form with an error is refused before its body is rendered: a
    /// costly body in an invalid form costs well under rendering it once
    /// (deep quotes are linear but the dearest Markdown per byte; checking
    /// the other fields of 200 KB costs about a tenth of rendering).
    @Test func invalidDraft_isNotRendered() throws {
        var draft = EntryDraft(sectionID: 4, kind: .article)
        draft.bodyFormat = .markdown
        draft.body = Self.repeated("> ", to: 200_000)
        let section = Section(id: 4, slug: "tin-tuc", title: "Tin tức", kind: .feed, position: 4, mandatory: true, legalBasis: "", summary: "", body: "", starter: false)
        let refuse = { Self.measure { () -> Result<Entry, ValidationFailure> in
            Result { () throws(ValidationFailure) -> Entry in try draft.validated(section: section) }
        } }
        let (outcome, _, _) = refuse()
        let refusing = (0..<3).map { _ in refuse().1 }.min() ?? 0
        guard case .failure(let failure) = outcome else { Issue.record("a draft without a title was accepted"); return }
        #expect(failure.fields[EntryDraft.Field.title.rawValue] != nil)
        let rendering = (0..<3).map { _ in Self.measure { Markdown.html(from: draft.body) }.1 }.min() ?? 0
        print("measured: refusing the form cost \(refusing / max(rendering, 1e-9))× rendering its body (\(rendering) s of CPU)")
        #expect(refusing < rendering / 2, "refusing took \(refusing) s of CPU, rendering the body \(rendering) s")
    }

    static func collapsed(_ html: String) -> String {
        html.replacingOccurrences(of: "\n", with: "")
    }

    /// CPU time the calling thread spent in `body`, and the growth of the
    /// process's resident memory. CPU time, not wall time: the bound is on
    /// the work a body costs, which the other tests running in parallel on
    /// two cores do not stretch.
    static func measure<T>(_ body: () -> T) -> (T, Double, Int) {
        let before = ProcessMemory.residentBytes()
        let start = Self.threadCPUSeconds()
        let result = body()
        let seconds = Self.threadCPUSeconds() - start
        let after = ProcessMemory.residentBytes()
        return (result, seconds, max(0, after - before))
    }

    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
