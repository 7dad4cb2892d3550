import Foundation

/// Where the items of an old site go among the sixteen sections: by
/// category (WordPress), by page address, or by address prefix (a crawl).
///
/// The defaults know the names commune sites give their categories; a
/// mapping file adds or overrides rules, one per line:
///
///     # comment
///     category tin-tuc-su-kien = tin-tuc
///     category quang-cao = -            # left out
///     page gioi-thieu/lich-su = gioi-thieu
///     path /tin-tuc-su-kien/ = tin-tuc
///     default = tin-tuc                 # categories no rule names
///
/// A section is named by its slug (`tin-tuc`, `van-ban`…); `-` leaves the
/// items out.
public struct ImportMapping: Sendable, Equatable {
    public enum Target: Sendable, Hashable {
        case section(MandatorySection)
        case leaveOut
    }

    /// A target and the rule that chose it, for the dry run.
    public struct Choice: Sendable, Hashable {
        public var target: Target
        public var rule: String
    }

    public var categories: [String: Target]
    public var pages: [String: Target]
    public var paths: [(prefix: String, target: Target)]
    /// For a post whose categories no rule names.
    public var fallback: Target

    public static func == (a: Self, b: Self) -> Bool {
        a.categories == b.categories && a.pages == b.pages && a.fallback == b.fallback
            && a.paths.map(\.prefix) == b.paths.map(\.prefix) && a.paths.map(\.target) == b.paths.map(\.target)
    }

    /// Names commune sites give the sections' categories and pages.
    static let aliases: [String: MandatorySection] = {
        var table: [String: MandatorySection] = [:]
        for section in MandatorySection.allCases { table[section.slug] = section }
        let more: [MandatorySection: [String]] = [
            .introduction: ["gioi-thieu-chung", "lich-su", "lich-su-hinh-thanh", "dieu-kien-tu-nhien", "tong-quan"],
            .organisation: ["to-chuc-bo-may", "co-cau-to-chuc-bo-may", "lanh-dao", "ban-lanh-dao", "bo-may-to-chuc"],
            .contact: ["lien-he", "thong-tin-lien-he", "lien-lac"],
            .news: [
                "tin-tuc-su-kien", "tin-tuc", "su-kien", "tin-hoat-dong", "tin-dia-phuong", "thong-bao", "tin-tong-hop",
                "uncategorized", "chua-phan-loai", "chua-duoc-phan-loai", "khong-phan-loai", "tin-van-hoa", "van-hoa-the-thao", "tin-moi",
            ],
            .direction: ["chi-dao-dieu-hanh", "lich-cong-tac", "lich-lam-viec", "chi-dao-dieu-hanh-cua-ubnd"],
            .documents: [
                "van-ban", "van-ban-phap-luat", "van-ban-quy-pham-phap-luat", "van-ban-chi-dao-dieu-hanh", "quyet-dinh", "cong-van",
                "nghi-quyet", "ke-hoach-van-ban", "chi-thi", "van-ban-moi",
            ],
            .procedures: ["thu-tuc-hanh-chinh", "tthc", "dich-vu-cong"],
            .legalDissemination: ["pho-bien-phap-luat", "tuyen-truyen-phap-luat", "pho-bien-giao-duc-phap-luat", "phap-luat"],
            .plans: ["quy-hoach-ke-hoach", "quy-hoach", "ke-hoach", "chien-luoc-quy-hoach"],
            .projects: ["du-an-dau-tu", "du-an", "dau-tu", "mua-sam-cong", "dau-thau"],
            .budget: ["cong-khai-ngan-sach", "ngan-sach", "tai-chinh-ngan-sach", "cong-khai-tai-chinh"],
            .socialSupport: ["chinh-sach-an-sinh", "an-sinh-xa-hoi", "chinh-sach-xa-hoi", "chinh-sach"],
            .consultation: ["lay-y-kien", "lay-y-kien-nhan-dan", "du-thao", "gop-y-du-thao"],
            .questions: ["hoi-dap", "hoi-dap-truc-tuyen", "hoi-dap-phap-luat"],
            .accessToInformation: ["tiep-can-thong-tin", "cong-khai-thong-tin"],
            .footer: [],
        ]
        for (section, names) in more { for name in names { table[name] = section } }
        return table
    }()

    public static let defaults = ImportMapping(categories: [:], pages: [:], paths: [], fallback: .section(.news))

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a mapping file over the defaults.
    public static func read(_ text: String, file: String = "mapping") throws(ReadError) -> ImportMapping {
        var mapping = Self.defaults
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = (raw.firstIndex(of: "#").map { raw[..<$0] } ?? raw[...]).trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let place = "\(file) line \(index + 1)"
            guard parts.count == 2 else { throw ReadError(description: "\(place): expected “KIND NAME = SECTION”, found “\(line)”") }
            let target: Target
            if parts[1] == "-" {
                target = .leaveOut
            } else if let section = MandatorySection.allCases.first(where: { $0.slug == parts[1] }), section != .footer {
                target = .section(section)
            } else {
                let slugs = MandatorySection.allCases.filter { $0 != .footer }.map(\.slug).joined(separator: ", ")
                throw ReadError(description: "\(place): “\(parts[1])” is not a section; use one of \(slugs), or - to leave out")
            }
            let words = parts[0].split(separator: " ", maxSplits: 1).map(String.init)
            switch (words.first, words.count) {
            case ("default"?, 1): mapping.fallback = target
            case ("category"?, 2): mapping.categories[Self.key(words[1])] = target
            case ("page"?, 2): mapping.pages[Self.key(words[1])] = target
            case ("path"?, 2):
                guard words[1].hasPrefix("/") else { throw ReadError(description: "\(place): a path starts with /") }
                mapping.paths.append((words[1], target))
            default:
                throw ReadError(description: "\(place): a rule starts with category, page, path or default")
            }
        }
        // Longer prefixes first: /van-ban/quyet-dinh/ before /van-ban/.
        mapping.paths.sort { $0.prefix.count > $1.prefix.count }
        return mapping
    }

    static func key(_ name: String) -> String {
        name.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")).lowercased()
    }

    /// The section of a post in these categories (slugs, most specific
    /// first is not required): a rule of the file, else the first category
    /// whose name is known, else the fallback. A document category wins
    /// over the others.
    public func target(categories slugs: [String]) -> Choice {
        let keys = slugs.map(Self.key)
        let named = keys.compactMap { key in self.categories[key].map { (key, $0) } }
        if let (key, target) = named.first(where: { $0.1 == .section(.documents) }) ?? named.first {
            return Choice(target: target, rule: "category \(key) (mapping file)")
        }
        let known = keys.compactMap { key in Self.aliases[key].map { (key, $0) } }
        if let (key, section) = known.first(where: { $0.1 == .documents }) ?? known.first {
            return Choice(target: .section(section), rule: "category \(key)")
        }
        return Choice(target: self.fallback, rule: keys.isEmpty ? "no category: default" : "no rule for \(keys.joined(separator: ", ")): default")
    }

    /// The section of a page at `path` (its slugs, parent first: `gioi-thieu/lich-su`).
    public func target(page path: String) -> Choice? {
        let key = Self.key(path)
        var prefix = key
        while !prefix.isEmpty {
            if let target = self.pages[prefix] { return Choice(target: target, rule: "page \(prefix) (mapping file)") }
            guard let cut = prefix.lastIndex(of: "/") else { break }
            prefix = String(prefix[..<cut])
        }
        // A page's own name, then its parents' (Lịch sử under Giới thiệu).
        for slug in key.split(separator: "/").reversed() {
            if let section = Self.aliases[String(slug)] { return Choice(target: .section(section), rule: "page \(slug)") }
        }
        return nil
    }

    /// The section of an address of a crawled site, by the file's path rules.
    public func target(path: String) -> Choice? {
        self.paths.first { path.hasPrefix($0.prefix) }.map { Choice(target: $0.target, rule: "path \($0.prefix) (mapping file)") }
    }
}
