import Foundation
import TenantCore

/// Visits as a chart (SVG drawn here: no script) with its figures as a
/// table beside it, the communes' totals and a commune's top pages.
enum StatisticsView {
    /// Bars of views per day, the highest scaled to the chart's height.
    static func chart(_ daily: [(day: String, views: Int)], caption: String) -> HTML {
        let width = 640, height = 180, gap = 2
        let bar = max(2, (width - gap * max(daily.count - 1, 0)) / max(daily.count, 1))
        let peak = max(daily.map(\.views).max() ?? 0, 1)
        let bars = HTML(daily.enumerated().map { index, item -> HTML in
            let h = item.views == 0 ? 0 : max(1, item.views * (height - 20) / peak)
            let x = index * (bar + gap)
            return "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(bar)\" height=\"\(h)\" fill=\"#a50f15\"><title>\(self.date(item.day)): \(item.views) lượt xem</title></rect>"
        })
        let total = daily.reduce(0) { $0 + $1.views }
        let rows = HTML(daily.reversed().map { "<tr><td>\(self.date($0.day))</td><td>\($0.views)</td></tr>" as HTML })
        return """
            <figure class="chart">
            <svg viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-label="\(caption): tổng \(total) lượt xem, cao nhất \(peak) lượt một ngày">\(bars)<line x1="0" y1="\(height)" x2="\(width)" y2="\(height)" stroke="#555"/></svg>
            <figcaption>\(caption): <strong>\(total)</strong> lượt xem trang\(daily.first.map { " từ \(self.date($0.day))" } ?? "")\(daily.last.map { " đến \(self.date($0.day))" } ?? "").</figcaption>
            </figure>
            <details><summary>Số liệu từng ngày</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Lượt xem từng ngày"><table class="data"><caption>Lượt xem từng ngày</caption><thead><tr><th scope="col">Ngày</th><th scope="col">Lượt xem</th></tr></thead><tbody>\(rows)</tbody></table></div>
            </details>

            """
    }

    /// `2026-12-06` → `06/12/2026`.
    static func date(_ day: String) -> String {
        let parts = day.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : day
    }

    static func topPages(_ pages: [(path: String, views: Int)]) -> HTML {
        guard !pages.isEmpty else { return "<p>Chưa có lượt xem nào được ghi nhận trong thời gian này.</p>" }
        return """
            <div class="table-scroll" tabindex="0" role="region" aria-label="Trang được xem nhiều nhất"><table class="data"><caption>Trang được xem nhiều nhất</caption>
            <thead><tr><th scope="col">Trang</th><th scope="col">Lượt xem</th></tr></thead>
            <tbody>\(pages.map { "<tr><td>\($0.path)</td><td>\($0.views)</td></tr>" as HTML })</tbody></table></div>

            """
    }

    static let note: HTML = """
        <p class="hint">Đếm mỗi lần một trang được mở (kể cả trang máy chủ trả từ bộ nhớ đệm), không đếm máy tìm kiếm, tệp và trang quản trị; \
        không dùng cookie và không lưu địa chỉ IP của người xem. Số liệu được cập nhật 5 phút một lần.</p>

        """
}
