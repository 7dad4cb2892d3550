import Foundation
import TenantCore

/// What a procedure list shows: words (typed with or without diacritics, or
/// a procedure's code), one field, one level.
struct ProcedureFilter: Sendable {
    let text: String
    let field: String
    let level: String
    private let words: [String]

    static let levels = ["toàn trình", "một phần"]

    init(_ query: [String: String]) {
        self.text = String((query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        self.field = String((query["linh-vuc"] ?? "").prefix(200))
        self.level = Self.levels.contains(query["muc-do"] ?? "") ? query["muc-do"] ?? "" : ""
        self.words = VietnameseText.fold(self.text).split(separator: " ").map(String.init)
    }

    init(text: String) { self.init(["q": text]) }

    var isEmpty: Bool { self.text.isEmpty && self.field.isEmpty && self.level.isEmpty }

    /// Every word is in the name or the field, or the text is the code.
    func matches(name: String, code: String?, field: String, level: String) -> Bool {
        guard self.field.isEmpty || field == self.field, self.level.isEmpty || level == self.level else { return false }
        if self.words.isEmpty || code == self.text { return true }
        let haystack = VietnameseText.fold(name + " " + field)
        return self.words.allSatisfy { haystack.contains($0) }
    }

    func matches(_ p: ProvinceProcedure) -> Bool {
        self.matches(name: p.name, code: p.code, field: p.field, level: p.serviceLevel)
    }

    func matches(_ e: Entry) -> Bool {
        self.matches(name: e.title, code: nil, field: e.field ?? "", level: e.serviceLevel ?? "")
    }
}

/// The procedures a citizen looks for: the province's catalogue and the
/// commune's own, as a list that reads on a phone (one item per procedure,
/// no wide table), searchable and filterable, and each procedure's own page.
enum ProceduresView {
    /// Where a catalogue procedure's page is, on a commune's site and on a portal.
    static func path(_ p: ProvinceProcedure) -> String { "/\(MandatorySection.procedures.slug)/ma/\(p.code)" }

    /// The search and filter form of a list at `action`.
    static func filterForm(action: String, fields: [String], filter: ProcedureFilter) -> HTML {
        let fieldOptions = HTML(fields.map { f -> HTML in
            "<option value=\"\(f)\"\(f == filter.field ? " selected" as HTML : .empty)>\(f)</option>"
        })
        let levelOptions = HTML(ProcedureFilter.levels.map { l -> HTML in
            "<option value=\"\(l)\"\(l == filter.level ? " selected" as HTML : .empty)>Dịch vụ công trực tuyến \(l)</option>"
        })
        return """
            <form class="filters form-grid" role="search" action="\(href: action)" method="get" aria-label="Tìm thủ tục hành chính">
            <div><label for="tim-thu-tuc">Tên hoặc mã thủ tục (gõ có dấu hoặc không dấu)</label><input id="tim-thu-tuc" name="q" type="search" value="\(filter.text)" maxlength="100"></div>
            <div><label for="linh-vuc">Lĩnh vực</label><select id="linh-vuc" name="linh-vuc"><option value="">Tất cả lĩnh vực</option>\(fieldOptions)</select></div>
            <div><label for="muc-do">Mức độ</label><select id="muc-do" name="muc-do"><option value="">Mọi mức độ</option>\(levelOptions)</select></div>
            <div><button class="button" type="submit">Tìm</button></div>
            </form>

            """
    }

    /// The province's catalogue, grouped by field, each procedure linked to its page here.
    static func catalogue(_ procedures: [ProvinceProcedure]) -> HTML {
        HTML(procedures.runs(by: \.field).map { field, items -> HTML in
            """
            <h2>\(field)</h2>
            <ul class="items procedures">\(items.map { p -> HTML in
                let facts = [self.short("Thời hạn", p.processingTime), self.short("Phí, lệ phí", p.fee)].compactMap { $0 }.joined(separator: " · ")
                return "<li><h3><a href=\"\(href: self.path(p))\">\(p.name)</a></h3><p class=\"meta\">Mã \(p.code)\(p.serviceLevel.isEmpty ? HTML.empty : " · ")\(self.level(p.serviceLevel))\(facts.isEmpty ? "" : " · " + facts)</p></li>"
            })</ul>

            """
        })
    }

    /// `label: value`, cut short for a list (the page has it whole).
    static func short(_ label: String, _ value: String) -> String? {
        guard !value.isEmpty else { return nil }
        return "\(label): " + (value.count > 90 ? value.prefix(88).trimmingCharacters(in: .whitespaces) + "…" : value)
    }

    /// A section's page: the search form, the province's catalogue and the
    /// commune's own procedures, filtered.
    static func render(
        _ chrome: SiteChrome, _ section: Section, _ procedures: [Entry], catalogue: [ProvinceProcedure] = [],
        filter: ProcedureFilter = ProcedureFilter([:])
    ) -> HTML {
        let shownCatalogue = catalogue.filter(filter.matches)
        let shownOwn = procedures.filter(filter.matches)
        let groups = shownOwn.runs { $0.field ?? "Lĩnh vực khác" }
        let own = HTML(groups.map { field, items -> HTML in
            """
            <h3>\(field)</h3>
            <ul class="items procedures">\(items.map { p -> HTML in
                let facts = [p.processingTime.flatMap { self.short("Thời hạn", $0) }, p.fee.flatMap { self.short("Phí, lệ phí", $0) }].compactMap { $0 }.joined(separator: " · ")
                return "<li><h4><a href=\"/\(section.slug)/\(p.id)\">\(p.title)</a>\(Layout.sampleTag(p))</h4><p class=\"meta\">\(self.level(p.serviceLevel))\(facts.isEmpty ? "" : ((p.serviceLevel ?? "").isEmpty ? "" : " · ") + facts)</p></li>"
            })</ul>

            """
        })
        let fields = Array(Set(catalogue.map(\.field) + procedures.compactMap(\.field))).sorted(by: ComplianceConsoleController.vietnameseOrder)
        let total = shownCatalogue.count + shownOwn.count
        var body: HTML = .empty
        if catalogue.isEmpty && procedures.isEmpty {
            body = "<p>Danh mục thủ tục hành chính đang được cập nhật. Người dân có thể tra cứu trên <a href=\"\(href: Layout.nationalPortal)\">Cổng Dịch vụ công quốc gia</a>.</p>"
        } else {
            let province = chrome.tenant.province.map(\.nameInSentence) ?? ""
            let found: HTML = filter.isEmpty ? .empty : "<p role=\"status\">Tìm thấy \(total) thủ tục. <a href=\"/\(section.slug)\">Xem tất cả</a></p>\n"
            body = """
                \(self.filterForm(action: "/" + section.slug, fields: fields, filter: filter))\(found)\
                \(catalogue.isEmpty ? HTML.empty : "<p>Danh mục thủ tục hành chính cấp xã do \(province) công bố, áp dụng tại \(chrome.tenant.nameInSentence). Mỗi thủ tục có trang riêng: trình tự, hồ sơ, thời hạn, phí, căn cứ pháp lý và nơi nộp trực tuyến.</p>\n")\
                \(self.catalogue(shownCatalogue))\(groups.isEmpty ? HTML.empty : "<h2>Thủ tục và ghi chú riêng của \(chrome.tenant.nameInSentence)</h2>\n\(own)")
                """
        }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            <p><a class="button" href="\(href: Layout.nationalPortal)">Cổng Dịch vụ công quốc gia</a></p>
            \(body)
            \(SectionView.basis(section))
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", type: "Collection", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: main)
    }

    /// What a citizen needs to do one procedure; the same on a commune's
    /// site and on a portal.
    static func detail(_ p: ProvinceProcedure, issuer: String) -> HTML {
        func list(_ title: String, _ items: [String], ordered: Bool = false) -> HTML {
            guard !items.isEmpty else { return .empty }
            let tag: HTML = ordered ? "ol" : "ul"
            return "<h2>\(title)</h2><\(tag)>\(items.map { "<li>\($0)</li>" as HTML })</\(tag)>\n"
        }
        let facts: [(String, String)] = [
            ("Mã thủ tục", p.code), ("Lĩnh vực", p.field), ("Cơ quan thực hiện", p.body),
            ("Mức độ dịch vụ công trực tuyến", p.serviceLevel.isEmpty ? "Chưa công bố" : p.serviceLevel.prefix(1).uppercased() + p.serviceLevel.dropFirst()),
            ("Thời hạn giải quyết", p.processingTime.isEmpty ? "Theo quy định" : p.processingTime),
            ("Phí, lệ phí", p.fee.isEmpty ? "Không quy định" : p.fee),
        ].filter { !$0.1.isEmpty }
        let forms: HTML = p.forms.isEmpty ? .empty : """
            <h2>Mẫu đơn, tờ khai</h2><ul>\(p.forms.map { form -> HTML in
                form.url.map { "<li><a href=\"\(href: $0)\">\(form.name)</a></li>" } ?? "<li>\(form.name)</li>"
            })</ul>

            """
        let none: HTML = p.hasDetails ? .empty : """
            <p>Danh mục của \(issuer) chưa ghi trình tự và hồ sơ của thủ tục này; xem đầy đủ trên Cổng Dịch vụ công quốc gia.</p>

            """
        return """
            <h1>\(p.name)</h1>
            <dl class="facts">\(facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" as HTML })</dl>
            <p class="actions"><a class="button" href="\(href: p.portalURL)">Nộp hồ sơ, tra cứu trên Cổng Dịch vụ công quốc gia</a></p>
            \(none)\(list("Trình tự thực hiện", p.steps, ordered: true))\(list("Cách thức thực hiện", p.channels))\(list("Thành phần hồ sơ", p.documents))\
            \(forms)\(p.result.isEmpty ? HTML.empty : "<h2>Kết quả thực hiện</h2><p>\(p.result)</p>\n")\(list("Căn cứ pháp lý", p.legalBasis))\
            <p class="meta">Theo danh mục thủ tục hành chính do \(issuer) công bố.</p>
            """
    }

    /// A catalogue procedure's page on a commune's site.
    static func page(_ chrome: SiteChrome, _ section: Section, _ p: ProvinceProcedure) -> HTML {
        let issuer = chrome.tenant.province?.issuingBody ?? "Ủy ban nhân dân tỉnh"
        var meta = PageMeta(
            title: p.name, description: "\(p.name): trình tự, hồ sơ, thời hạn, phí, lệ phí và nơi nộp.", path: self.path(p), subject: p.field)
        meta.crumbs = [(section.title, "/" + section.slug), (p.name, nil)]
        meta.activeSlug = section.slug
        return Layout.page(chrome, meta, main: self.detail(p, issuer: issuer))
    }

    static func level(_ level: String?) -> HTML {
        switch level {
        case "toàn trình": return "<span class=\"tag tag-full\">Toàn trình</span>"
        case "một phần": return "<span class=\"tag tag-part\">Một phần</span>"
        default: return .empty
        }
    }
}

extension Sequence {
    /// Consecutive elements with the same key, in order: the groups of a
    /// list already sorted by that key (a section's fields, a portal's districts).
    func runs<Key: Equatable>(by key: (Element) -> Key) -> [(Key, [Element])] {
        var groups: [(Key, [Element])] = []
        for element in self {
            let k = key(element)
            if let last = groups.indices.last, groups[last].0 == k { groups[last].1.append(element) } else { groups.append((k, [element])) }
        }
        return groups
    }
}
