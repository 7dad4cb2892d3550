import Foundation
import TenantCore

enum DocumentsView {
    static func render(
        _ chrome: SiteChrome, _ section: Section, query: DocumentQuery, facets: DocumentFacets, page: Page<Entry>
    ) -> HTML {
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            selected ? "<option value=\"\(value)\" selected>\(label)</option>" : "<option value=\"\(value)\">\(label)</option>"
        }
        let types = HTML(facets.types.map { option($0, $0, selected: $0 == query.type) })
        let issuers = HTML(facets.issuers.map { option($0, $0, selected: $0 == query.issuer) })
        let years = HTML(facets.years.map { option(String($0), String($0), selected: $0 == query.year) })
        let rows: HTML
        if page.items.isEmpty {
            rows = query.isEmpty ? "<p>Chưa có văn bản nào được đăng.</p>" : "<p role=\"status\">Không tìm thấy văn bản phù hợp với điều kiện tìm kiếm.</p>"
        } else {
            rows = """
                <p role="status">Tìm thấy \(page.total) văn bản.</p>
                <div class="table-scroll"><table class="data">
                <caption class="visually-hidden">Danh sách văn bản</caption>
                <thead><tr><th scope="col">Số ký hiệu</th><th scope="col">Ngày ban hành</th><th scope="col">Trích yếu</th><th scope="col">Cơ quan ban hành</th></tr></thead>
                <tbody>\(page.items.map { e -> HTML in
                    "<tr><td>\(e.docNumber ?? "")</td><td>\(e.issuedOn.map(Layout.date) ?? "")</td><td><a href=\"/\(section.slug)/\(e.id)\">\(e.title)</a>\(Layout.sampleTag(e))<br><span class=\"meta\">\(e.docType ?? "")</span></td><td>\(e.issuer ?? "")</td></tr>"
                })</tbody></table></div>
                """
        }
        var queryItems: [(String, String)] = []
        if let v = query.type { queryItems.append(("loai", v)) }
        if let v = query.number { queryItems.append(("so", v)) }
        if let v = query.issuer { queryItems.append(("co-quan", v)) }
        if let v = query.year { queryItems.append(("nam", String(v))) }
        if let v = query.text { queryItems.append(("tu-khoa", v)) }
        let main: HTML = """
            <h1>\(section.title)</h1>
            <p class="lead">\(section.summary)</p>
            <form class="form-grid" method="get" action="/\(section.slug)" role="search" aria-label="Tìm kiếm văn bản">
            <div><label for="loai">Hình thức văn bản</label><select id="loai" name="loai"><option value="">Tất cả</option>\(types)</select></div>
            <div><label for="so">Số ký hiệu</label><input id="so" name="so" value="\(query.number ?? "")" maxlength="60"></div>
            <div><label for="co-quan">Cơ quan ban hành</label><select id="co-quan" name="co-quan"><option value="">Tất cả</option>\(issuers)</select></div>
            <div><label for="nam">Năm ban hành</label><select id="nam" name="nam"><option value="">Tất cả</option>\(years)</select></div>
            <div><label for="tu-khoa">Trích yếu, từ khóa</label><input id="tu-khoa" name="tu-khoa" value="\(query.text ?? "")" maxlength="200"></div>
            <div><button class="button" type="submit">Tìm văn bản</button></div>
            </form>
            \(rows)
            \(Layout.pager(page.number, of: page.pageCount, path: "/" + section.slug, query: queryItems))
            \(SectionView.basis(section))<p class="no-print"><a href="/rss/\(section.slug).xml">Theo dõi văn bản mới qua RSS</a></p>
            """
        var meta = PageMeta(title: section.title, description: section.summary, path: "/\(section.slug)", type: "Collection", subject: section.title)
        meta.crumbs = [(section.title, nil)]
        meta.feedSlug = section.slug
        meta.activeSlug = section.slug
        meta.noindex = !query.isEmpty || page.number > 1
        return Layout.page(chrome, meta, main: main)
    }
}

enum ProceduresView {
    /// The province's catalogue, grouped by field, each procedure linked to
    /// its own page on the national portal.
    static func catalogue(_ procedures: [ProvinceProcedure]) -> HTML {
        guard !procedures.isEmpty else { return .empty }
        var groups: [(String, [ProvinceProcedure])] = []
        for p in procedures {
            if let last = groups.indices.last, groups[last].0 == p.field { groups[last].1.append(p) } else { groups.append((p.field, [p])) }
        }
        return HTML(groups.map { field, items -> HTML in
            """
            <h2>\(field)</h2>
            <div class="table-scroll"><table class="data">
            <thead><tr><th scope="col">Mã</th><th scope="col">Tên thủ tục</th><th scope="col">Mức độ</th><th scope="col">Thời hạn giải quyết</th><th scope="col">Phí, lệ phí</th></tr></thead>
            <tbody>\(items.map { p -> HTML in
                "<tr><td>\(p.code)</td><td><a href=\"\(href: p.portalURL)\">\(p.name)</a></td><td>\(self.level(p.serviceLevel))</td><td>\(p.processingTime)</td><td>\(p.fee)</td></tr>"
            })</tbody></table></div>
            """
        })
    }

    static func render(_ chrome: SiteChrome, _ section: Section, _ procedures: [Entry], catalogue: [ProvinceProcedure] = []) -> HTML {
        var groups: [(String, [Entry])] = []
        for p in procedures {
            let field = p.field ?? "Lĩnh vực khác"
            if let last = groups.indices.last, groups[last].0 == field { groups[last].1.append(p) } else { groups.append((field, [p])) }
        }
        var body: HTML
        if groups.isEmpty && !catalogue.isEmpty {
            body = .empty
        } else if groups.isEmpty {
            body = "<p>Danh mục thủ tục hành chính đang được cập nhật. Người dân có thể tra cứu trên <a href=\"\(href: Layout.nationalPortal)\">Cổng Dịch vụ công quốc gia</a>.</p>"
        } else {
            body = HTML(groups.map { field, items -> HTML in
                """
                <h2>\(field)</h2>
                <div class="table-scroll"><table class="data">
                <thead><tr><th scope="col">Tên thủ tục</th><th scope="col">Mức độ</th><th scope="col">Thời hạn giải quyết</th><th scope="col">Phí, lệ phí</th><th scope="col">Thực hiện</th></tr></thead>
                <tbody>\(items.map { p -> HTML in
                    "<tr><td><a href=\"/\(section.slug)/\(p.id)\">\(p.title)</a>\(Layout.sampleTag(p))</td><td>\(self.level(p.serviceLevel))</td><td>\(p.processingTime ?? "")</td><td>\(p.fee ?? "")</td><td>\(p.portalURL.map { "<a href=\"\(href: $0)\">Nộp trực tuyến<span class=\"visually-hidden\">: \(p.title)</span></a>" as HTML } ?? .empty)</td></tr>"
                })</tbody></table></div>
                """
            })
        }
        if !catalogue.isEmpty {
            let province = chrome.tenant.province.map(\.nameInSentence) ?? ""
            let own: HTML = groups.isEmpty ? .empty : "<h2 class=\"h3\">Thủ tục và ghi chú riêng của \(chrome.tenant.nameInSentence)</h2>\(body)"
            body = """
                <p>Danh mục thủ tục hành chính cấp xã do \(province) công bố, áp dụng tại \(chrome.tenant.nameInSentence). Mỗi thủ tục dẫn tới trang của thủ tục đó trên Cổng Dịch vụ công quốc gia.</p>
                \(self.catalogue(catalogue))\(own)
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

    static func level(_ level: String?) -> HTML {
        switch level {
        case "toàn trình": return "<span class=\"tag tag-full\">Toàn trình</span>"
        case "một phần": return "<span class=\"tag tag-part\">Một phần</span>"
        default: return .empty
        }
    }
}

enum ScheduleView {
    /// Schedule slots grouped by day.
    static func days(_ slots: [Entry], compact: Bool) -> HTML {
        guard !slots.isEmpty else { return "<p>Chưa có lịch công tác trong tuần.</p>" }
        var groups: [(VietnamTime, [Entry])] = []
        for slot in slots {
            guard let start = slot.startsAt else { continue }
            let day = VietnamTime(start)
            if let last = groups.indices.last, groups[last].0.isoDate == day.isoDate { groups[last].1.append(slot) } else { groups.append((day, [slot])) }
        }
        return HTML(groups.map { day, items -> HTML in
            """
            <h3 class="schedule-day">\(day.weekdayName), \(day.dateString)</h3>
            <ul class="items">\(items.map { s -> HTML in
                "<li><strong>\(s.startsAt.map { VietnamTime($0).timeString } ?? "")</strong> – \(s.title)\(Layout.sampleTag(s))\(compact ? HTML.empty : "<br><span class=\"meta\">\(s.location.map { "Địa điểm: " + $0 } ?? "")\(s.presider.map { " · Chủ trì: " + $0 } ?? "")</span>")</li>"
            })</ul>
            """
        })
    }

    static func render(_ chrome: SiteChrome, weekStart: Date, slots: [Entry]) -> HTML {
        let start = VietnamTime(weekStart)
        let end = VietnamTime(weekStart.addingTimeInterval(6 * 86_400))
        let previous = VietnamTime(weekStart.addingTimeInterval(-7 * 86_400)).isoDate
        let next = VietnamTime(weekStart.addingTimeInterval(7 * 86_400)).isoDate
        let direction = chrome.section(id: MandatorySection.direction.id)
        let main: HTML = """
            <h1>Lịch công tác tuần</h1>
            <p class="lead">Lịch làm việc của lãnh đạo Ủy ban nhân dân từ \(start.dateString) đến \(end.dateString).</p>
            <nav aria-label="Chọn tuần"><ul class="pager"><li><a href="/lich-cong-tac?tuan=\(previous)" rel="prev">‹ Tuần trước</a></li><li><a href="/lich-cong-tac">Tuần này</a></li><li><a href="/lich-cong-tac?tuan=\(next)" rel="next">Tuần sau ›</a></li></ul></nav>
            \(self.days(slots, compact: false))
            \(direction.map { SectionView.basis($0) } ?? .empty)
            """
        var meta = PageMeta(
            title: "Lịch công tác tuần \(start.dateString)", description: "Lịch công tác của lãnh đạo \(chrome.tenant.nameInSentence)",
            path: "/lich-cong-tac?tuan=\(start.isoDate)", type: "Event", date: weekStart, subject: "Lịch công tác")
        meta.crumbs = [(direction?.title ?? "Chỉ đạo, điều hành", "/" + (direction?.slug ?? "")), ("Lịch công tác tuần", nil)]
        meta.activeSlug = direction?.slug
        return Layout.page(chrome, meta, main: main)
    }
}

enum SearchView {
    /// The archives a search may include, and whether this one does.
    struct Options {
        var archives: [String] = []
        var included = false
    }

    static func render(_ chrome: SiteChrome, text: String, page: Page<SearchHit>?, options: Options = Options()) -> HTML {
        let pagerQuery: [(String, String)] = options.included ? [("q", text), ("luu-tru", "1")] : [("q", text)]
        let results: HTML
        if let page {
            if page.items.isEmpty {
                results = "<p role=\"status\">Không tìm thấy kết quả nào cho “\(text)”.</p>"
            } else {
                results = """
                    <p role="status">Có \(page.total) kết quả cho “\(text)”.</p>
                    <ul class="items">\(page.items.map { hit -> HTML in
                        let slug = hit.archive == nil ? chrome.slug(of: hit.sectionID) : hit.sectionSlug
                        let prefix = hit.archive.map { "/luu-tru/\($0.slug)" } ?? ""
                        let link = prefix + (hit.entryID.map { "/\(slug)/\($0)" } ?? "/\(slug)")
                        let section = hit.archive == nil ? chrome.section(id: hit.sectionID)?.title ?? "" : hit.sectionTitle
                        let source: HTML = hit.archive.map { "<span class=\"badge\">Lưu trữ \($0.name) (cũ)</span> " } ?? .empty
                        return "<li><h2 class=\"h3\"><a href=\"\(href: link)\">\(hit.title)</a></h2><p class=\"meta\">\(source)\(section)\(hit.publishedAt.map { " · " + Layout.date($0) } ?? "")</p><p>\(hit.snippet)</p></li>"
                    })</ul>
                    \(Layout.pager(page.number, of: page.pageCount, path: "/tim-kiem", query: pagerQuery))
                    """
            }
        } else {
            results = "<p>Nhập từ khóa, có dấu hoặc không dấu (ví dụ: “thu tuc khai sinh”).</p>"
        }
        let main: HTML = """
            <h1>Tìm kiếm</h1>
            <form class="form-grid" method="get" action="/tim-kiem" role="search" aria-label="Tìm kiếm trên trang">
            <div><label for="q2">Từ khóa</label><input id="q2" name="q" type="search" value="\(text)" maxlength="200"></div>
            \(options.archives.isEmpty ? HTML.empty : "<div class=\"check\"><input type=\"checkbox\" id=\"luu-tru\" name=\"luu-tru\" value=\"1\"\(options.included ? " checked" as HTML : .empty)> <label for=\"luu-tru\">Tìm cả trong trang lưu trữ của các xã cũ: \(options.archives.joined(separator: ", "))</label></div>")
            <div><button class="button" type="submit">Tìm kiếm</button></div>
            </form>
            \(results)
            """
        var meta = PageMeta(title: text.isEmpty ? "Tìm kiếm" : "Tìm kiếm: \(text)", description: "Tìm kiếm trên trang thông tin điện tử \(chrome.tenant.nameInSentence)", path: "/tim-kiem")
        meta.crumbs = [("Tìm kiếm", nil)]
        meta.noindex = true
        return Layout.page(chrome, meta, main: main)
    }
}

enum SitemapView {
    static let slug = "so-do-trang"

    static func render(_ chrome: SiteChrome, entries: [SitemapEntry]) -> HTML {
        let bySection = Dictionary(grouping: entries, by: \.sectionID)
        let main: HTML = """
            <h1>Sơ đồ trang</h1>
            <ul>
            <li><a href="/">Trang chủ</a></li>
            \(chrome.menu.map { section -> HTML in
                let items = (bySection[section.id] ?? []).prefix(10)
                let children: HTML = items.isEmpty ? .empty : "<ul>\(items.map { e -> HTML in "<li><a href=\"/\(section.slug)/\(e.entryID)\">\(e.title)</a></li>" })</ul>"
                return "<li><a href=\"/\(section.slug)\">\(section.title)</a>\(children)</li>"
            })
            <li><a href="/lich-cong-tac">Lịch công tác tuần</a></li>
            <li><a href="/tim-kiem">Tìm kiếm</a></li>
            </ul>
            <p><a href="/sitemap.xml">Sơ đồ trang dạng XML</a> cho máy tìm kiếm.</p>
            """
        var meta = PageMeta(title: "Sơ đồ trang", description: "Sơ đồ trang thông tin điện tử \(chrome.tenant.nameInSentence)", path: "/so-do-trang")
        meta.crumbs = [("Sơ đồ trang", nil)]
        meta.activeSlug = Self.slug
        return Layout.page(chrome, meta, main: main)
    }
}
