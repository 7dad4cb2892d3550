import Foundation
import Testing
@testable import TenantCore

@Suite struct VietnamHolidaysTests {
    private func day(_ year: Int, _ month: Int, _ day: Int) -> Int { VietnamTime.days(fromCivil: year, month, day) }

    /// 09:00 in Vietnam on the given day.
    private func morning(_ year: Int, _ month: Int, _ day: Int) -> Date {
        VietnamTime.startOfDay(year: year, month: month, day: day).addingTimeInterval(9 * 3600)
    }

    @Test(arguments: [
        (2020, 1, 25), (2021, 2, 12), (2022, 2, 1), (2023, 1, 22), (2024, 2, 10),
        (2025, 1, 29), (2026, 2, 17), (2027, 2, 6), (2028, 1, 26),
        // Vietnam's meridian: China (UTC+8) had Tết on 20/2/1985 and 18/2/2007.
        (1985, 1, 21), (2007, 2, 17),
    ])
    func lunarNewYear_onVietnamsMeridian(_ expected: (Int, Int, Int)) {
        let (year, month, day) = expected
        #expect(VietnameseLunarCalendar.newYear(year) == self.day(year, month, day))
        #expect(VietnameseLunarCalendar.solarDay(day: 1, month: 1, year: year) == self.day(year, month, day))
    }

    @Test func lastDayOfTheLunarYear_isTheEveOfTet() {
        // 25/1/2025 was 26 tháng Chạp Giáp Thìn; 14/2/2026 was 27 tháng Chạp Ất Tỵ.
        #expect(VietnameseLunarCalendar.lastDay(ofYear: 2024) == self.day(2025, 1, 28))
        #expect(VietnameseLunarCalendar.lastDay(ofYear: 2025) == self.day(2026, 2, 16))
    }

    @Test func hungKingsDay_isTenthOfThirdLunarMonth() {
        #expect(VietnameseLunarCalendar.solarDay(day: 10, month: 3, year: 2024) == self.day(2024, 4, 18))
        #expect(VietnameseLunarCalendar.solarDay(day: 10, month: 3, year: 2025) == self.day(2025, 4, 7))
        #expect(VietnameseLunarCalendar.solarDay(day: 10, month: 3, year: 2026) == self.day(2026, 4, 26))
    }

    @Test func days_2026_followTheLabourCodeAndTheAnnouncements() {
        let expected: Set<Int> = [
            self.day(2026, 1, 1), self.day(2026, 1, 2), // Friday 2/1 swapped for Saturday 10/1
            self.day(2026, 2, 16), self.day(2026, 2, 17), self.day(2026, 2, 18), self.day(2026, 2, 19), self.day(2026, 2, 20),
            self.day(2026, 4, 26), self.day(2026, 4, 27), // Hùng Kings' day on a Sunday, compensated on Monday
            self.day(2026, 4, 30), self.day(2026, 5, 1),
            self.day(2026, 8, 31), // swapped for Saturday 22/8
            self.day(2026, 9, 1), self.day(2026, 9, 2),
        ]
        #expect(VietnamHolidays.days(in: 2026) == expected)
        for holiday in expected { #expect(VietnamHolidays.isHoliday(epochDay: holiday)) }
        #expect(!VietnamHolidays.isHoliday(epochDay: self.day(2026, 2, 13)))
        #expect(!VietnamHolidays.isHoliday(epochDay: self.day(2026, 2, 23)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2026, 1, 10)), "make-up Saturday")
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2026, 8, 22)), "make-up Saturday")
        #expect(!VietnamHolidays.isWorkingDay(epochDay: self.day(2026, 1, 17)), "an ordinary Saturday")
    }

    @Test func announcements_2025() {
        // Tết 25/1–2/2/2025: the compensation of Saturday 1/2 taken on Monday 27/1.
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2025, 1, 27)))
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2025, 2, 1)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2025, 2, 3)))
        // Friday 2/5/2025 off, Saturday 26/4/2025 worked.
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2025, 5, 2)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2025, 4, 26)))
        #expect(!VietnamHolidays.isHoliday(epochDay: self.day(2025, 4, 26)))
        // Quốc khánh 1–2/9/2025 (Monday, Tuesday).
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2025, 9, 1)) && VietnamHolidays.isHoliday(epochDay: self.day(2025, 9, 2)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2025, 9, 3)))
    }

    @Test func compensatoryDays_followTheWeekend() {
        // 2/9/2023 a Saturday: 1/9 (Friday), 2/9 and Monday 4/9 off.
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2023, 9, 1)))
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2023, 9, 2)))
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2023, 9, 4)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2023, 9, 5)))
        // 30/4/2022 Saturday, 1/5/2022 Sunday: 2 and 3 May off.
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2022, 5, 2)))
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2022, 5, 3)))
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2022, 5, 4)))
        // Hùng Kings' day on Saturday 29/4/2023, 30/4 on Sunday, 1/5 on Monday:
        // compensated on 2 and 3 May, past the holiday of 1 May.
        #expect((2...3).allSatisfy { VietnamHolidays.isHoliday(epochDay: self.day(2023, 5, $0)) })
        #expect(VietnamHolidays.isWorkingDay(epochDay: self.day(2023, 5, 4)))
        // 1/1/2022 a Saturday: Monday 3/1 off.
        #expect(VietnamHolidays.isHoliday(epochDay: self.day(2022, 1, 3)))
    }

    @Test func workingDays_skipHolidays() {
        // Friday 13/2/2026 to Monday 23/2/2026: Tết 16–20/2 between two weekends.
        #expect(WorkingDays.between(self.morning(2026, 2, 13), self.morning(2026, 2, 23)) == 1)
        // A week without holidays.
        #expect(WorkingDays.between(self.morning(2026, 3, 9), self.morning(2026, 3, 16)) == 5)
        // Friday 24/4 to Monday 4/5/2026: 27/4 (compensation), 30/4 and 1/5 off.
        #expect(WorkingDays.between(self.morning(2026, 4, 24), self.morning(2026, 5, 4)) == 3)
        // Saturday 10/1/2026 is worked.
        #expect(WorkingDays.between(self.morning(2026, 1, 9), self.morning(2026, 1, 12)) == 2)
        #expect(WorkingDays.between(self.morning(2025, 12, 31), self.morning(2026, 1, 5)) == 1)
        // Back over Tết: 5 working days before Monday 23/2/2026 is Monday 9/2.
        let back = WorkingDays.back(5, from: self.morning(2026, 2, 23))
        #expect(back == self.morning(2026, 2, 9))
        #expect(WorkingDays.back(5, from: self.morning(2026, 3, 16)) == self.morning(2026, 3, 9))
    }

    @Test func between_matchesCountingDayByDay() {
        let first = self.day(2020, 1, 1)
        for start in stride(from: first, to: self.day(2031, 1, 1), by: 3) {
            let end = start + (start % 37) * 3
            var expected = 0
            if end > start {
                for day in (start + 1)...end where VietnamHolidays.isWorkingDay(epochDay: day) { expected += 1 }
            }
            let from = Date(timeIntervalSince1970: TimeInterval(start * 86_400 - VietnamTime.offsetSeconds + 3600))
            let to = Date(timeIntervalSince1970: TimeInterval(end * 86_400 - VietnamTime.offsetSeconds + 80_000))
            #expect(WorkingDays.between(from, to) == expected)
        }
    }

    @Test func everyYear_hasElevenStatutoryDaysAndCompensations() {
        for year in 2000...2100 {
            let days = VietnamHolidays.days(in: year)
            let weekend = VietnamHolidays.statutory(year).filter { WorkingDays.weekday($0) > 5 }.count
            if VietnamHolidays.announced[year] == nil {
                #expect(days.count == 11 + weekend, "\(year)")
            }
            #expect(days.allSatisfy { VietnamTime.civil(fromDays: $0).year == year }, "\(year)")
        }
    }
}
