import Foundation
import TenantCore

/// RSS 2.0, sitemap.xml and robots.txt. XML is escaped with the same rules as HTML.
enum FeedViews {
    static func rss(_ chrome: SiteChrome, _ section: Section, _ items: [Entry], fromProvince: [Announcement] = []) -> HTML {
        let base = chrome.baseURL
        let built = max(items.first?.publishedAt ?? chrome.site.updatedAt, fromProvince.first?.publishedAt ?? .distantPast)
        // Both lists are newest first; the feed merges them by date.
        var merged: [(date: Date, item: HTML)] = items.map { e in
            let link = "\(base)/\(section.slug)/\(e.id)"
            return (e.publishedAt, "<item><title>\(e.title)</title><link>\(link)</link><guid isPermaLink=\"true\">\(link)</guid><pubDate>\(self.rfc822(e.publishedAt))</pubDate><description>\(e.summary)</description></item>\n")
        }
        let source = AnnouncementViews.source(chrome)
        merged += fromProvince.map { a in
            let link = "\(base)/tin-tu-tinh/\(a.id)"
            return (a.publishedAt, "<item><title>\(a.title)</title><link>\(link)</link><guid isPermaLink=\"true\">\(link)</guid><pubDate>\(self.rfc822(a.publishedAt))</pubDate><description>\(a.summary)</description><source url=\"\(chrome.tenant.province?.portalURL ?? link)\">\(source)</source></item>\n")
        }
        merged.sort { $0.date > $1.date }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
            <title>\(section.title) – \(chrome.tenant.name)</title>
            <link>\(base)/\(section.slug)</link>
            <description>\(section.summary)</description>
            <language>vi</language>
            <copyright>\(chrome.site.publisher)</copyright>
            <lastBuildDate>\(self.rfc822(built))</lastBuildDate>
            <atom:link href="\(base)/rss/\(section.slug).xml" rel="self" type="application/rss+xml"/>
            \(merged.prefix(20).map(\.item))</channel>
            </rss>

            """
    }

    static func sitemap(_ chrome: SiteChrome, _ entries: [SitemapEntry]) -> HTML {
        let base = chrome.baseURL
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>\(base)/</loc><changefreq>daily</changefreq></url>
            \(chrome.menu.map { s -> HTML in "<url><loc>\(base)/\(s.slug)</loc></url>\n" })<url><loc>\(base)/lich-cong-tac</loc><changefreq>weekly</changefreq></url>
            <url><loc>\(base)/so-do-trang</loc></url>
            \(self.archives(chrome.predecessors).map { path -> HTML in "<url><loc>\(base)\(path)</loc></url>\n" })\(entries.map { e -> HTML in
                "<url><loc>\(base)/\(chrome.slug(of: e.sectionID))/\(e.entryID)</loc><lastmod>\(VietnamTime(e.updatedAt).isoDate)</lastmod></url>\n"
            })</urlset>

            """
    }

    /// The archives kept on this site (`/luu-tru/<slug>/`), from the communes it was formed from.
    static func archives(_ predecessors: [(name: String, share: String, href: String?)]) -> [String] {
        predecessors.compactMap(\.href).filter { $0.hasPrefix("/luu-tru/") }
    }

    /// Every archive kept on the site has its own sitemap, named here too.
    static func robots(baseURL: String, archives: [String] = []) -> String {
        "User-agent: *\nAllow: /\nDisallow: /tim-kiem\nDisallow: /quan-tri\nSitemap: \(baseURL)/sitemap.xml\n"
            + archives.map { "Sitemap: \(baseURL)\($0)sitemap.xml\n" }.joined()
    }

    /// `Thu, 26 Nov 2026 17:05:00 +0700`
    static func rfc822(_ date: Date) -> String {
        let t = VietnamTime(date)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = Int(date.timeIntervalSince1970) % 60
        return "\(days[t.weekday - 1]), \(VietnamTime.two(t.day)) \(months[t.month - 1]) \(t.year) \(t.timeString):\(VietnamTime.two(seconds)) +0700"
    }
}

enum ErrorView {
    /// A page that names no commune: for unknown or malformed hosts.
    static func plain(title: String, message: String, link: (href: String, label: String)? = nil) -> HTML {
        """
        \(Layout.documentStart)
        <meta name="robots" content="noindex">
        <title>\(title)</title>
        <style>body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;color:#1b1b1b;background:#fff;line-height:1.6}main{max-width:40rem;margin:0 auto}h1{font-size:1.6rem}</style>
        </head>
        <body>
        <main>
        <h1>\(title)</h1>
        <p>\(message)</p>
        \(link.map { link -> HTML in "<p><a href=\"\(href: link.href)\">\(link.label)</a></p>" } ?? .empty)
        </main>
        </body>
        </html>

        """
    }

    /// An error inside a commune's site, with its menu and footer.
    static func inSite(_ chrome: SiteChrome, title: String, message: String) -> HTML {
        var meta = PageMeta(title: title, description: message, path: "/")
        meta.noindex = true
        let main: HTML = """
            <h1>\(title)</h1>
            <p>\(message)</p>
            <p><a href="/">Về trang chủ</a> · <a href="/so-do-trang">Sơ đồ trang</a> · <a href="/tim-kiem">Tìm kiếm</a></p>
            """
        return Layout.page(chrome, meta, main: main)
    }
}
