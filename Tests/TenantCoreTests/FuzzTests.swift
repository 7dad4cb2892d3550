import Foundation
import Testing
import TestSupport
@testable import TenantCore

/// Seeded fuzzing of TenantCore's parsers of outside input. Each runs a few
/// seconds in `ops/test`; `FUZZ_ITERATIONS=200000 swift test --filter Fuzz`
/// runs longer, `FUZZ_SEED=N` replays a case.
@Suite struct FuzzTests {
    static let markupFragments = [
        "<", ">", "</", "/>", "<p>", "</p>", "<p", "<a href=\"", "<a href='", "\"", "'", "=", " ", "\n", "\n\n", "\t",
        "<script>", "</script>", "<style>", "<svg>", "<img src=", "<!--", "-->", "<!", "<?", "<![CDATA[", "&", "&amp;",
        "&#", "&#x", "&#106;", "&#0;", "&#x110000;", ";", "javascript:", "JaVaScRiPt:", "java\tscript:", "vbscript:",
        "data:", "//", "/\\", "\\", "\\\\", "http://", "https://", "mailto:", "tel:", "#", "?", "onclick=", "onerror=",
        "style=", "<b>", "</b>", "<i>", "<table>", "<tr>", "<td colspan=99999>", "<ol start=", "<h1>", "<div>", "</div>",
        "*", "**", "_", "`", "```", "~~", "[", "]", "(", ")", "![", "](", "# ", "> ", "- ", "1. ", "|", "|---|",
        "Ủy ban", "xã", "\u{0}", "\u{7F}", "\u{202E}", "\u{FEFF}", "\u{200B}", "\r\n",
    ]

    /// No crash, no hang; the output is a fixed point of the sanitiser and
    /// carries no script URL, protocol-relative or backslash link.
    @Test func sanitiser() {
        Fuzz.run { random, seed in
            let input = Fuzz.text(&random, fragments: Self.markupFragments, maxPieces: 60)
            let once = HTMLSanitizer.sanitize(input).value
            let twice = HTMLSanitizer.sanitize(once).value
            #expect(once == twice, "seed \(seed): not idempotent for \(input.debugDescription)")
            Self.checkSafe(once, seed: seed, input: input)
        }
    }

    /// E-mail addresses typed by citizens and staff: no crash; an accepted
    /// address has one `@`, nothing that could end a header or start an
    /// option, and is accepted again as itself.
    @Test func emailAddresses() {
        let fragments = ["a", "Z", "9", ".", "..", "@", "@@", "-", "_", "+", "\"", "<", ">", " ", "\r\n", "\n", "\t", "\u{0}", ",", ";", ":",
                         "xn--", "ả", "Đ", "\u{202E}", "\u{FEFF}", "example", ".vn", ".gov.vn", "[", "]", "(", ")", "\\", "%", "=?", "?="]
        Fuzz.run(iterations: Fuzz.iterations(default: 2_000)) { random, seed in
            let input = Fuzz.text(&random, fragments: fragments, maxPieces: 12)
            guard let address = EmailAddress(input) else { return }
            let value = address.value
            #expect(value.filter { $0 == "@" }.count == 1, "seed \(seed): \(input.debugDescription)")
            #expect(value.utf8.allSatisfy { (0x21...0x7e).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "\"") },
                    "seed \(seed): \(value.debugDescription)")
            #expect(!value.hasPrefix("-"), "seed \(seed): \(value.debugDescription)")
            #expect(EmailAddress(value)?.value == value, "seed \(seed): not stable for \(value.debugDescription)")
        }
    }

    /// A body's library images given their copies: no crash; what is added
    /// is only `srcset`, `sizes` and `loading` built from digits; every image
    /// is still counted for its description.
    @Test func libraryImageSizes() {
        let fragments = Self.markupFragments + ["<img src=\"/tep/", "12\"", "7\" alt=\"", "\" alt=\"\">", "/tep/", "99999999999999999999\"", "<img ", "alt=\"\"", " alt=\" \""]
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let input = Fuzz.text(&random, fragments: fragments, maxPieces: 40)
            let clean = HTMLSanitizer.sanitize(input)
            let sized = clean.withLibraryImageSizes(widths: [480, 960], sizes: "100vw").value
            let stripped = sized.replacingOccurrences(of: #"srcset="(/tep/[0-9]+/[0-9]+ [0-9]+w(, )?)+" sizes="100vw" loading="lazy" "#, with: "", options: .regularExpression)
            #expect(stripped == clean.value, "seed \(seed): more than copies added to \(input.debugDescription)")
            _ = EntryDraft.undescribedImages(in: sized)
        }
    }

    @Test func markdown() {
        Fuzz.run(iterations: Fuzz.iterations(default: 1_000)) { random, seed in
            let input = Fuzz.text(&random, fragments: Self.markupFragments, maxPieces: 60)
            let html = Markdown.html(from: input).value
            #expect(HTMLSanitizer.sanitize(html).value == html, "seed \(seed): not a fixed point")
            Self.checkSafe(html, seed: seed, input: input)
        }
    }

    /// Every href or src left in sanitised output is one ``SafeURL`` accepts,
    /// and none starts with a scheme that runs code or leaves the site in disguise.
    static func checkSafe(_ html: String, seed: UInt64, input: String) {
        let lower = html.lowercased()
        #expect(!lower.contains("<script"), "seed \(seed): \(input.debugDescription)")
        #expect(!lower.contains(" on") || !Self.hasEventHandler(lower), "seed \(seed): event handler in \(html.debugDescription)")
        for value in Self.attributeValues(html, names: ["href", "src"]) {
            let decoded = Entities.decode(value)
            #expect(SafeURL.check(decoded, allowing: .link) != nil, "seed \(seed): unsafe URL \(decoded.debugDescription)")
            #expect(!decoded.contains("\\"), "seed \(seed): backslash URL \(decoded.debugDescription)")
            #expect(!decoded.hasPrefix("//"), "seed \(seed): protocol-relative URL \(decoded.debugDescription)")
            #expect(!decoded.lowercased().hasPrefix("javascript:"), "seed \(seed)")
        }
    }

    static func hasEventHandler(_ html: String) -> Bool {
        html.range(of: "<[a-z0-9]+[^>]*\\son[a-z]+=", options: .regularExpression) != nil
    }

    static func attributeValues(_ html: String, names: [String]) -> [String] {
        var values: [String] = []
        for name in names {
            var rest = Substring(html)
            while let range = rest.range(of: " \(name)=\"") {
                let after = rest[range.upperBound...]
                let end = after.firstIndex(of: "\"") ?? after.endIndex
                values.append(String(after[..<end]))
                rest = after[end...]
            }
        }
        return values
    }

    @Test(arguments: [
        "/\\evil.example/x", "\\\\evil.example", "//evil.example", "/\t/evil.example", "javascript:alert(1)",
        " JAVASCRIPT:alert(1)", "java\nscript:alert(1)", "data:text/html,x", "vbscript:x", "http:/\\evil.example",
        "https:///evil.example", "http:\\\\evil.example", "/%5Cevil", "",
    ])
    func unsafeURLs_areRefusedEverywhere(_ url: String) {
        let decodedIsSafe = url == "/%5Cevil"  // an escaped backslash stays a path on this site
        #expect((SafeURL.check(url, allowing: .link) != nil) == decodedIsSafe, "\(url.debugDescription)")
        let html = HTMLSanitizer.sanitize("<a href=\"\(url)\">x</a><img src=\"\(url)\">").value
        if !decodedIsSafe {
            #expect(html == "<a>x</a>", "\(url.debugDescription) → \(html)")
        }
        let markdown = Markdown.html(from: "[x](\(url))").value
        #expect(!markdown.contains("evil.example\""), "\(url.debugDescription) → \(markdown)")
    }

    @Test(arguments: ["/tin-tuc", "https://dichvucong.gov.vn/p/home", "http://a.vn", "mailto:a@b.vn", "tel:0123", "#muc", "?trang=2"])
    func safeURLs_pass(_ url: String) {
        #expect(SafeURL.check(url, allowing: .link) == url)
    }

    static let hostFragments = [
        "a", "hai-nam", ".", "..", "-", "xn--", "xn--hu-07s", "huế", "Ủy", "ß", "ﬁ", ":", ":8080", ":99999", ":-1", "[", "]",
        "::1", "@", "/", "\\", " ", "\t", "%", "%2e", "_", "*", "localhost", "gov.vn", "\u{0}", "\u{FF0E}", "\u{3002}",
        String(repeating: "a", count: 63), String(repeating: "a", count: 64), "0", "127.0.0.1",
    ]

    /// Host normalisation (with IDN → punycode): no crash, no hang, and what
    /// it accepts is a valid host name that normalises to itself.
    @Test func hostNormalisation() {
        Fuzz.run(iterations: Fuzz.iterations(default: 5_000)) { random, seed in
            let input = Fuzz.text(&random, fragments: Self.hostFragments, maxPieces: 12)
            guard let host = try? Hostname(normalizing: input) else { return }
            #expect(host.value.utf8.count <= 253, "seed \(seed)")
            #expect(host.value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") && !$0.isUppercase },
                    "seed \(seed): \(input.debugDescription) → \(host.value.debugDescription)")
            #expect((try? Hostname(normalizing: host.value))?.value == host.value, "seed \(seed): \(host.value)")
        }
    }

    /// The official lists an operator imports (CSV): a file is accepted
    /// whole, with every slug valid and unique among siblings, or refused
    /// with an invalid-input error naming where.
    @Test func adminListCSV() {
        let headers = [
            "province_code,province_name,commune_code,commune_name,commune_type\n",
            "province_code,province_name,district_code,district_name,commune_code,commune_name\n",
            "province_code,commune_code\n", "",
        ]
        let fragments = [",", "\"", "\"\"", "\n", "\r\n", "46", "19900", "0", "-1", "99999999999", "Thành phố Huế", "Phường Thuận An",
                         "Xã", "xã", "phường", " ", "\u{FEFF}", "\u{0}", "a,b", "1", "366", "Huyện Hải Hậu", "Phường X", "Xã X"]
        Fuzz.run(iterations: Fuzz.iterations(default: 3_000)) { random, seed in
            let text = headers.randomElement(using: &random)! + Fuzz.text(&random, fragments: fragments, maxPieces: 40)
            do {
                let list = try AdminList.parse(text, source: "fuzz.csv")
                for commune in list.communes {
                    #expect(commune.slug.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil, "seed \(seed): \(commune.slug)")
                }
            } catch let error as TenantCoreError {
                #expect(error.code == .invalidInput, "seed \(seed): \(error)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// A province's procedure catalogue: accepted rows are whole and valid,
    /// anything else an invalid-input error.
    @Test func procedureCatalogueCSV() {
        let headers = [ProcedureCatalogue.header.joined(separator: ",") + "\n", "ma_thu_tuc,ten_thu_tuc\n", "",
                       (ProcedureCatalogue.header + ProcedureCatalogue.detailHeader).joined(separator: ",") + "\n"]
        let fragments = [",", "\"", "\"\"", "\n", "\r\n", "1.001193", "2.000794", "1.2", "Thủ tục đăng ký khai sinh", "Hộ tịch", "toàn trình",
                         "một phần", "trực tuyến", " ", "\u{FEFF}", "\u{0}", "\u{7}", "Ủy ban nhân dân cấp xã", "Miễn phí", "a,b",
                         ",,,,,,", "Tờ khai|https://a.gov.vn/t.docx", "|", "https://dichvucong.gov.vn/x", "javascript:x", "\"a\nb\""]
        Fuzz.run(iterations: Fuzz.iterations(default: 3_000)) { random, seed in
            let text = headers.randomElement(using: &random)! + Fuzz.text(&random, fragments: fragments, maxPieces: 40)
            do {
                let procedures = try ProcedureCatalogue.parse(text, source: "fuzz.csv")
                #expect(Set(procedures.map(\.code)).count == procedures.count, "seed \(seed)")
                for p in procedures {
                    #expect(p.code.range(of: #"^[0-9]\.[0-9]{6}$"#, options: .regularExpression) != nil, "seed \(seed): \(p.code)")
                    #expect(!p.name.isEmpty && !p.field.isEmpty && ["toàn trình", "một phần", ""].contains(p.serviceLevel), "seed \(seed)")
                    #expect(p.link.isEmpty || p.link.hasPrefix("https://"), "seed \(seed): \(p.link)")
                    #expect(p.forms.allSatisfy { !$0.name.isEmpty && ($0.url?.hasPrefix("https://") ?? true) }, "seed \(seed)")
                    #expect((p.steps + p.documents + p.channels + p.legalBasis).allSatisfy { !$0.isEmpty && !$0.contains("\n") }, "seed \(seed)")
                }
            } catch let error as TenantCoreError {
                #expect(error.code == .invalidInput, "seed \(seed): \(error)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// Successor files (an operator writes them by hand): parsed whole,
    /// every row in range, or refused with an invalid-input error.
    @Test func successorCSV() {
        let headers = ["old_commune_code,new_commune_code,share,primary\n", "new_commune_code,old_commune_code,primary,share,x\n", "old_commune_code\n", ""]
        let fragments = [",", "\"", "\"\"", "\n", "\r\n", "14224", "14248", "0", "1", "-1", "99999", "100000", "whole", "part", "Whole",
                         " ", "\u{FEFF}", "\u{0}", "a,b", "2", "1.0", "١"]
        Fuzz.run(iterations: Fuzz.iterations(default: 3_000)) { random, seed in
            let text = headers.randomElement(using: &random)! + Fuzz.text(&random, fragments: fragments, maxPieces: 40)
            do {
                for row in try SuccessorList.parse(text, source: "fuzz.csv") {
                    #expect((1...99_999).contains(row.oldCode) && (1...99_999).contains(row.newCode), "seed \(seed)")
                    #expect(row.share == "whole" || row.share == "part", "seed \(seed)")
                }
            } catch let error as TenantCoreError {
                #expect(error.code == .invalidInput, "seed \(seed): \(error)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static let jsonBytes = Array("{}[]\",:0-\\ntf".utf8)

    /// A plan file edited by hand or cut short: decoded or refused, never a crash.
    @Test func reorganisationPlanJSON() throws {
        let plan = ReorganisationPlan(
            format: ReorganisationPlan.formatName, formatVersion: 1, planID: "reorg-x", createdAt: "2026-12-01T00:00:00Z",
            fingerprint: "0", lastDay: "2025-06-30",
            provinces: [.init(code: 37, name: "Ninh Bình", kind: "tỉnh", slug: "ninh-binh", absorbs: [36])],
            communes: [.init(code: 14248, name: "Xã Hải Hưng", kind: "xã", slug: "hai-hung", provinceCode: 37,
                             predecessors: [.init(code: 14224, name: "Xã Hải Nam", share: "whole", primary: true, archiveSlug: "hai-nam")],
                             renamedFrom: nil)],
            retire: [.init(level: "commune", code: 14224, name: "Xã Hải Nam")], unplaced: [], people: [])
        let bytes = Array(try JSONEncoder().encode(plan))
        Fuzz.run(iterations: Fuzz.iterations(default: 3_000)) { random, seed in
            var mutated = bytes
            for _ in 0..<(1 + Int(random.next() % 8)) {
                let i = Int(random.next() % UInt64(mutated.count))
                switch random.next() % 3 {
                case 0: mutated[i] = UInt8(truncatingIfNeeded: random.next())
                case 1: mutated.remove(at: i)
                default: mutated.insert(Self.jsonBytes[Int(random.next() % UInt64(Self.jsonBytes.count))], at: i)
                }
                if mutated.isEmpty { break }
            }
            _ = try? JSONDecoder().decode(ReorganisationPlan.self, from: Data(mutated))
        }
    }

    /// A cluster an operator registers (`provisioner shards add NAME --url
    /// --secret`): refused as invalid input, or accepted only as the
    /// catalogue's checks accept it — a name of [a-z0-9_], a URL without a
    /// password, a secret naming a variable or a file.
    @Test func clusterRegistration() throws {
        let names = ["b", "shard_2", "B", "main", "2a", "a-b", "a b", "x", "ổ", "_", String(repeating: "a", count: 32), ""]
        let urls = ["postgres://", "postgresql://", "http://", "u", ":", "pw", "@", "127.0.0.1", ":5432", "/platform", "?sslmode=require",
                    "?host=/run/pg", "&sslrootcert=/etc/ca.pem", "?sslmode=verify-full", "%40", "[::1]", "/", " ", "'"]
        let secrets = ["", "env:", "file:", "SHARD_B", "b", "/etc/pw", "1", " ", "x y", "'", "env:A", String(repeating: "Z", count: 70)]
        let urlPassword = try Regex("^[a-z]+://[^/@]*:[^/@]*@")
        let envSecret = try Regex("^env:[A-Z_][A-Z0-9_]{0,62}$")
        let fileSecret = try Regex("^file:/[^\\s]{1,400}$")
        let shardName = try Regex("^[a-z][a-z0-9_]{0,30}$")
        Fuzz.run(iterations: Fuzz.iterations(default: 5_000)) { random, seed in
            let name = Fuzz.text(&random, fragments: names, maxPieces: 2)
            let url = Fuzz.text(&random, fragments: urls, maxPieces: 8)
            let secret = Fuzz.text(&random, fragments: secrets, maxPieces: 3)
            do {
                let (accepted, acceptedURL, acceptedSecret) = try ShardRecord.validated(name: name, url: url, secret: secret)
                #expect(accepted.rawValue.wholeMatch(of: shardName) != nil && accepted != .main, "seed \(seed): \(name.debugDescription)")
                #expect(acceptedURL.firstMatch(of: urlPassword) == nil, "seed \(seed): \(url.debugDescription)")
                #expect(try DatabaseConfig(url: acceptedURL).password == nil, "seed \(seed)")
                #expect(
                    acceptedSecret.isEmpty || acceptedSecret.wholeMatch(of: envSecret) != nil || acceptedSecret.wholeMatch(of: fileSecret) != nil,
                    "seed \(seed): \(secret.debugDescription)")
            } catch let error as TenantCoreError {
                #expect(error.code == .invalidInput, "seed \(seed): \(error.message)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
        #expect(throws: TenantCoreError.self) { try ShardRecord.validated(name: "b", url: "postgres://u:secret@h/db", secret: "") }
        #expect(throws: TenantCoreError.self) { try ShardRecord.validated(name: "main", url: "postgres://u@h/db", secret: "") }
        #expect(try ShardRecord.validated(name: "b", url: "postgres://u@h:5432/db", secret: "env:SHARD_B").0.rawValue == "b")
    }

    /// Dates and times from forms and query strings.
    @Test func dates() {
        let fragments = ["2026", "-", "11", "02", "29", "31", "00", "T", " ", ":", "08", "30", "99", "-1", "9999999999999999999999", "+", "٣"]
        Fuzz.run(iterations: Fuzz.iterations(default: 5_000)) { random, seed in
            let input = Fuzz.text(&random, fragments: fragments, maxPieces: 10)
            if let date = EntryDraft.parseDate(input) {
                #expect((1900...2200).contains(VietnamTime(date).year), "seed \(seed)")
            }
            _ = EntryDraft.parseLocalDateTime(input)
            // A reorganisation's --last-day: a real date, or refused as invalid input.
            do {
                try Reorganisation.checkDay(input)
                #expect(EntryDraft.parseDate(input) != nil, "seed \(seed): \(input.debugDescription)")
                let next = Reorganisation.firstDayAfter(input).split(separator: "/").compactMap { Int($0) }
                #expect(next.count == 3, "seed \(seed): \(input.debugDescription)")
            } catch let error as TenantCoreError {
                #expect(error.code == .invalidInput && error.field == .lastDay, "seed \(seed)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
        #expect(throws: TenantCoreError.self) { try Reorganisation.checkDay("2026-02-31") }
        #expect(Reorganisation.firstDayAfter("2025-06-30") == "1/7/2025")
        #expect(Reorganisation.firstDayAfter("2026-12-31") == "1/1/2027")
    }
}
