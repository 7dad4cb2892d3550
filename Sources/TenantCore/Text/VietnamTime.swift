import Foundation

/// Civil time in Vietnam (UTC+7, no daylight saving), computed with integer
/// arithmetic so pages can format dates without a `DateFormatter`.
public struct VietnamTime: Sendable, Hashable, Comparable {
    public static let offsetSeconds = 7 * 3600

    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    /// 1 = Monday … 7 = Sunday (ISO).
    public let weekday: Int
    let epochDay: Int

    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + Self.offsetSeconds
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        self.epochDay = days
        self.hour = rest / 3600
        self.minute = (rest % 3600) / 60
        // 1970-01-01 was a Thursday (ISO 4).
        self.weekday = ((days % 7) + 7 + 3) % 7 + 1
        (self.year, self.month, self.day) = Self.civil(fromDays: days)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
    /// Hinnant's civil_from_days): the one calendar algorithm of the platform.
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The day, counted from 1970-01-01, of a proleptic Gregorian date (days_from_civil).
    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Midnight (Vietnam time) starting the given civil date.
    public static func startOfDay(year: Int, month: Int, day: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Self.days(fromCivil: year, month, day) * 86_400 - Self.offsetSeconds))
    }

    /// Monday 00:00 of the week containing this moment.
    public var startOfWeek: Date {
        Date(timeIntervalSince1970: TimeInterval((self.epochDay - (self.weekday - 1)) * 86_400 - Self.offsetSeconds))
    }

    /// `26/11/2026`
    public var dateString: String { "\(Self.two(self.day))/\(Self.two(self.month))/\(self.year)" }
    /// `14:05 02/12/2026`
    public var dateTimeString: String { "\(Self.two(self.hour)):\(Self.two(self.minute)) \(self.dateString)" }
    /// `08:30`
    public var timeString: String { "\(Self.two(self.hour)):\(Self.two(self.minute))" }
    /// `2026-11-26`
    public var isoDate: String { "\(self.year)-\(Self.two(self.month))-\(Self.two(self.day))" }
    /// `Thứ Năm`
    public var weekdayName: String {
        ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"][self.weekday - 1]
    }

    public static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public static func < (lhs: VietnamTime, rhs: VietnamTime) -> Bool {
        (lhs.epochDay, lhs.hour, lhs.minute) < (rhs.epochDay, rhs.hour, rhs.minute)
    }
}
