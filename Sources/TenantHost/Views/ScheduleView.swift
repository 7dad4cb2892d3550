import Foundation
import TenantCore

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
