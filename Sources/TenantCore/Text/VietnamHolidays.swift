import Foundation

/// The Vietnamese lunisolar calendar (âm lịch), reckoned on Vietnam's meridian
/// (UTC+7) as the official calendar is since 1968. Hồ Ngọc Đức's well-known
/// algorithm: new moons by Meeus' series, the sun's longitude at local
/// midnight, month 11 as the month holding the winter solstice, and in a year of
/// 13 months the first month without a major solar term as the leap month.
///
/// Only what the holiday calendar needs: the solar day of a date in an ordinary
/// (not leap) lunar month. Foundation's `Calendar(identifier: .chinese)` is not
/// used: it reckons on China's meridian (UTC+8), which puts some new moons on
/// another day, e.g. Tết 1985 on 20 February instead of Vietnam's 21 January.
/// Days are counted from 1970-01-01 like `VietnamTime` and `WorkingDays`.
/// Valid roughly 1800–2199 (the ΔT term of the new-moon series).
enum VietnameseLunarCalendar {
    /// Vietnam's time zone, in hours.
    static let timeZone = 7.0
    /// Julian day number of 1970-01-01.
    static let julianDayOfEpoch = 2_440_588

    /// The solar day of `day`/`month` of lunar year `year` (the lunar year whose
    /// 1/1 falls in solar year `year`), `month` an ordinary month 1…12.
    static func solarDay(day: Int, month: Int, year: Int) -> Int {
        let (a11, b11) = month < 11
            ? (self.month11(year - 1), self.month11(year))
            : (self.month11(year), self.month11(year + 1))
        let k = Int((0.5 + (Double(a11) - 2_415_021.076998695) / 29.530588853).rounded(.down))
        var offset = month - 11
        if offset < 0 { offset += 12 }
        // A lunar year of 13 months (about 384 days between two months 11):
        // an ordinary month after the leap month comes one lunation later.
        if b11 - a11 > 365, offset >= self.leapMonthOffset(a11) { offset += 1 }
        return self.newMoonDay(k + offset) + day - 1 - self.julianDayOfEpoch
    }

    /// The solar day of lunar 1/1 (Tết Nguyên đán) of lunar year `year`.
    static func newYear(_ year: Int) -> Int { self.solarDay(day: 1, month: 1, year: year) }

    /// The last day of lunar year `year` (29 or 30 tháng Chạp): the day
    /// before the next lunar 1/1.
    static func lastDay(ofYear year: Int) -> Int { self.newYear(year + 1) - 1 }

    /// Julian day number of the local day of the `k`-th new moon after the one
    /// of 1900-01-01 (Meeus, Astronomical Algorithms, ch. 49, abridged).
    static func newMoonDay(_ k: Int) -> Int {
        let k = Double(k)
        let t = k / 1236.85
        let t2 = t * t
        let t3 = t2 * t
        let dr = Double.pi / 180
        var jd1 = 2_415_020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
        jd1 += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
        let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
        let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
        let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
        var c1 = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m)
        c1 = c1 - 0.4068 * sin(mpr * dr) + 0.0161 * sin(dr * 2 * mpr)
        c1 = c1 - 0.0004 * sin(dr * 3 * mpr)
        c1 = c1 + 0.0104 * sin(dr * 2 * f) - 0.0051 * sin(dr * (m + mpr))
        c1 = c1 - 0.0074 * sin(dr * (m - mpr)) + 0.0004 * sin(dr * (2 * f + m))
        c1 = c1 - 0.0004 * sin(dr * (2 * f - m)) - 0.0006 * sin(dr * (2 * f + mpr))
        c1 = c1 + 0.0010 * sin(dr * (2 * f - mpr)) + 0.0005 * sin(dr * (2 * mpr + m))
        let deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2
        let jdNew = jd1 + c1 - deltaT
        return Int((jdNew + 0.5 + self.timeZone / 24).rounded(.down))
    }

    /// The sun's apparent longitude at local midnight starting Julian day
    /// `jdn`, as the 30° sector 0…11 it lies in (0 = from the March equinox;
    /// 9 = from the winter solstice).
    static func sunLongitudeSector(_ jdn: Int) -> Int {
        let t = (Double(jdn) - 2_451_545.5 - self.timeZone / 24) / 36525
        let t2 = t * t
        let dr = Double.pi / 180
        let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
        let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
        var dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * m)
        dl += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m)
        var l = (l0 + dl) * dr
        l -= 2 * Double.pi * (l / (2 * Double.pi)).rounded(.down)
        return Int((l / Double.pi * 6).rounded(.down))
    }

    /// Julian day number of the first day of lunar month 11 (the month holding
    /// the winter solstice) that ends solar year `year`.
    static func month11(_ year: Int) -> Int {
        let offset = VietnamTime.days(fromCivil: year, 12, 31) + self.julianDayOfEpoch - 2_415_021
        let k = Int((Double(offset) / 29.530588853).rounded(.down))
        let newMoon = self.newMoonDay(k)
        return self.sunLongitudeSector(newMoon) >= 9 ? self.newMoonDay(k - 1) : newMoon
    }

    /// In a 13-month year starting at month 11 `a11`: how many lunations
    /// after `a11` the leap month begins (the first month whose start and the
    /// next month's start lie in the same sector, i.e. with no major term).
    static func leapMonthOffset(_ a11: Int) -> Int {
        let k = Int(((Double(a11) - 2_415_021.076998695) / 29.530588853 + 0.5).rounded(.down))
        var i = 1
        var arc = self.sunLongitudeSector(self.newMoonDay(k + i))
        var last = 0
        repeat {
            last = arc
            i += 1
            arc = self.sunLongitudeSector(self.newMoonDay(k + i))
        } while arc != last && i < 14
        return i - 1
    }
}

/// Public holidays of civil servants in Vietnam, for deadlines counted in
/// working days.
///
/// The rules are those of the Labour Code 2019 (Bộ luật Lao động 45/2019/QH14),
/// Art. 112(1), 11 days a year:
/// - Tết Dương lịch: 1 January;
/// - Tết Âm lịch (Tết Nguyên đán): 5 days, here the last day of the lunar year
///   and lunar 1/1 to 4/1 of the new year (the Prime Minister fixes the days
///   each year; this is the usual choice);
/// - Giỗ Tổ Hùng Vương: 10/3 lunar (the ordinary month 3 in a year whose
///   third month is doubled);
/// - Ngày Chiến thắng: 30 April; Quốc tế Lao động: 1 May;
/// - Quốc khánh: 2 September and one adjacent day, 1 or 3 September.
///   The Prime Minister fixes the Tết and Quốc khánh days each year
///   (Art. 112(3)). The rule here is 1 September (as in 2022, 2023, 2025,
///   2026); a year that takes 3 September needs an entry in `announced` (in
///   2024 the compensation rule already gave 3 September, 1 September being a
///   Sunday).
///
/// Art. 111(3): a holiday falling on the weekly rest day (Saturday or Sunday
/// for civil servants) is compensated by the next working day; compensatory
/// days skip weekends and other holidays (30/4/2022 Saturday and 1/5/2022
/// Sunday give 2 and 3 May 2022). Two holidays on the same day count once.
///
/// The government also announces, year by year, swaps of a bridging working
/// day for a Saturday, and sometimes places the compensatory days of Tết before
/// it: `announced` holds those known. A year without an entry follows the rules
/// alone. The 24 November "Ngày Văn hóa Việt Nam" day off, planned by the
/// Politburo, is not yet in the Labour Code and not included.
///
/// Days are counted from 1970-01-01 in Vietnam time, as `WorkingDays.epochDay`.
/// Years 1970…2199 are computed once, at first use, into an immutable table;
/// other years are computed on demand.
public enum VietnamHolidays {
    /// Holidays of solar year `year`: statutory days, compensatory days and
    /// announced days off, without the announced working days.
    public static func days(in year: Int) -> Set<Int> {
        if let table = self.table.year(year) { return table.holidays }
        return self.compute(year).holidays
    }

    /// Whether the day is a holiday or a compensatory / bridging day off.
    public static func isHoliday(epochDay: Int) -> Bool {
        if self.table.covers(epochDay) { return self.table.holidays.contains(epochDay) }
        return self.compute(self.year(of: epochDay)).holidays.contains(epochDay)
    }

    /// Whether the day is a working day: Monday to Friday and not a holiday, or
    /// a Saturday or Sunday announced as a make-up working day.
    public static func isWorkingDay(epochDay: Int) -> Bool {
        if self.table.covers(epochDay) {
            if self.table.makeUp.contains(epochDay) { return true }
            return WorkingDays.weekday(epochDay) <= 5 && !self.table.holidays.contains(epochDay)
        }
        let year = self.compute(self.year(of: epochDay))
        if year.makeUp.contains(epochDay) { return true }
        return WorkingDays.weekday(epochDay) <= 5 && !year.holidays.contains(epochDay)
    }

    /// Working days the calendar adds to, less those it takes from, the plain
    /// Monday-to-Friday count over the days after `from` up to `to`
    /// (inclusive): make-up weekend days minus holidays on weekdays.
    static func adjustment(after from: Int, through to: Int) -> Int {
        guard to > from else { return 0 }
        if self.table.covers(from + 1), self.table.covers(to) {
            return self.count(self.table.makeUpSorted, after: from, through: to)
                - self.count(self.table.weekdayHolidays, after: from, through: to)
        }
        var result = 0
        var year: (number: Int, table: Year)?
        for day in (from + 1)...to {
            let number = self.year(of: day)
            if year?.number != number { year = (number, self.table.year(number) ?? self.compute(number)) }
            guard let table = year?.table else { continue }
            if table.makeUp.contains(day) { result += 1 }
            if table.holidays.contains(day), WorkingDays.weekday(day) <= 5 { result -= 1 }
        }
        return result
    }

    /// The statutory holidays of `year` before compensation.
    static func statutory(_ year: Int) -> [Int] {
        let tet = VietnameseLunarCalendar.newYear(year)
        let day = { (month: Int, day: Int) in VietnamTime.days(fromCivil: year, month, day) }
        return [
            day(1, 1),
            tet - 1, tet, tet + 1, tet + 2, tet + 3,
            VietnameseLunarCalendar.solarDay(day: 10, month: 3, year: year),
            day(4, 30), day(5, 1),
            day(9, 1), day(9, 2),
        ]
    }

    // MARK: - Announcements

    struct Announcement: Sendable {
        /// Extra days off (bridging days, compensation moved before Tết).
        var off: [(month: Int, day: Int)]
        /// Working days: Saturdays worked in exchange for a bridging day, or
        /// the weekday the rule would have given as compensation.
        var work: [(month: Int, day: Int)]
    }

    /// Announced deviations from the rules, by year (Ministry of Labour,
    /// later Ministry of Home Affairs, on the Prime Minister's instructions).
    static let announced: [Int: Announcement] = [
        // Công văn 8726/VPCP-KGVX, Thông báo 6150/TB-BLĐTBXH (2024):
        // Tết 25/1–2/2/2025, the compensation of Saturday 1/2 (4 Tết) taken on
        // Monday 27/1 instead of Monday 3/2; Friday 2/5 off, Saturday 26/4
        // worked. (1–2/9/2025 follow the rule.)
        2025: Announcement(off: [(1, 27), (5, 2)], work: [(2, 3), (4, 26)]),
        // Công văn 12729/VPCP-KGVX (25/12/2025): Friday 2/1/2026 off,
        // Saturday 10/1 worked. Prime Minister's decision of 10/2025: Tết
        // 14/2–22/2 (the rule); Quốc khánh 1–2/9 with Monday 31/8 off and
        // Saturday 22/8 worked.
        2026: Announcement(off: [(1, 2), (8, 31)], work: [(1, 10), (8, 22)]),
    ]

    // MARK: - Computation

    struct Year: Sendable {
        var holidays: Set<Int>
        /// Saturdays and Sundays that are working days.
        var makeUp: Set<Int>
    }

    static func compute(_ year: Int) -> Year {
        var holidays = Set(self.statutory(year))
        for day in holidays.sorted() where WorkingDays.weekday(day) > 5 {
            var substitute = day + 1
            while WorkingDays.weekday(substitute) > 5 || holidays.contains(substitute) { substitute += 1 }
            holidays.insert(substitute)
        }
        var makeUp: Set<Int> = []
        if let announcement = self.announced[year] {
            for (month, day) in announcement.off { holidays.insert(VietnamTime.days(fromCivil: year, month, day)) }
            for (month, day) in announcement.work {
                let day = VietnamTime.days(fromCivil: year, month, day)
                holidays.remove(day)
                if WorkingDays.weekday(day) > 5 { makeUp.insert(day) }
            }
        }
        return Year(holidays: holidays, makeUp: makeUp)
    }

    static func year(of epochDay: Int) -> Int { VietnamTime.civil(fromDays: epochDay).year }

    struct Table: Sendable {
        let years: ClosedRange<Int>
        let perYear: [Year]
        let days: ClosedRange<Int>
        let holidays: Set<Int>
        let makeUp: Set<Int>
        /// Sorted, for counting in a range by binary search.
        let weekdayHolidays: [Int]
        let makeUpSorted: [Int]

        init(years: ClosedRange<Int>) {
            self.years = years
            self.perYear = years.map { VietnamHolidays.compute($0) }
            self.days = VietnamTime.days(fromCivil: years.lowerBound, 1, 1)...VietnamTime.days(fromCivil: years.upperBound, 12, 31)
            // Compensatory days never leave their year (the latest holiday is
            // 2 September), so the union is exact.
            self.holidays = self.perYear.reduce(into: []) { $0.formUnion($1.holidays) }
            self.makeUp = self.perYear.reduce(into: []) { $0.formUnion($1.makeUp) }
            self.weekdayHolidays = self.holidays.filter { WorkingDays.weekday($0) <= 5 }.sorted()
            self.makeUpSorted = self.makeUp.sorted()
        }

        func covers(_ epochDay: Int) -> Bool { self.days.contains(epochDay) }

        func year(_ year: Int) -> Year? { self.years.contains(year) ? self.perYear[year - self.years.lowerBound] : nil }
    }

    /// Computed once, thread-safely, at first use (a static `let`).
    static let table = Table(years: 1970...2199)

    /// Elements of sorted `days` in `from + 1 ... to`.
    static func count(_ days: [Int], after from: Int, through to: Int) -> Int {
        self.firstIndex(in: days, above: to) - self.firstIndex(in: days, above: from)
    }

    /// Index of the first element greater than `value`.
    private static func firstIndex(in days: [Int], above value: Int) -> Int {
        var low = 0
        var high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
