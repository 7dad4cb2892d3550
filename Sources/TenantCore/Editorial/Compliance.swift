import Foundation
import Logging

/// Working days in Vietnam (Monday to Friday, less public holidays and
/// compensatory days off, plus announced make-up Saturdays: `VietnamHolidays`),
/// for the legal deadlines: content within 5 working days of a decision,
/// answers within 15.
public enum WorkingDays {
    /// Working days after the day of `from` up to the day of `to`: 0 on the
    /// same day, 5 from a Monday to the next Monday in a week without holidays.
    public static func between(_ from: Date, _ to: Date) -> Int {
        let a = self.epochDay(from)
        let b = self.epochDay(to)
        guard b > a else { return 0 }
        var count = (b - a) / 7 * 5
        var day = a + (b - a) / 7 * 7
        while day < b {
            day += 1
            if self.weekday(day) <= 5 { count += 1 }
        }
        return count + VietnamHolidays.adjustment(after: a, through: b)
    }

    static func epochDay(_ date: Date) -> Int {
        Int(((date.timeIntervalSince1970 + Double(VietnamTime.offsetSeconds)) / 86_400).rounded(.down))
    }

    /// 1 = Monday … 7 = Sunday.
    static func weekday(_ epochDay: Int) -> Int { ((epochDay % 7) + 7 + 3) % 7 + 1 }

    /// The moment `days` working days before `date` (same time of day: Vietnam
    /// has no daylight saving).
    public static func back(_ days: Int, from date: Date) -> Date {
        var day = self.epochDay(date)
        var left = days
        var steps = 0
        while left > 0 {
            day -= 1
            steps += 1
            if VietnamHolidays.isWorkingDay(epochDay: day) { left -= 1 }
        }
        return date.addingTimeInterval(-86_400 * Double(steps))
    }
}

/// How one mandatory section of one commune stands.
public struct SectionCompliance: Sendable, Hashable {
    public var sectionID: Int
    public var kind: SectionKind
    /// Published items (feed, catalogue, periodic) or 1 for an edited static page.
    public var items: Int
    public var newest: Date?
    /// The static page still holds the text seeded at provisioning.
    public var starter: Bool
    /// Published sample items (not counted in `items`).
    public var samples: Int = 0

    public var hasContent: Bool {
        switch self.kind {
        case .static: !self.starter
        case .footer: true
        default: self.items > 0
        }
    }

    /// Working days since the newest item (feed sections).
    public func age(at now: Date) -> Int? { self.newest.map { WorkingDays.between($0, now) } }
}

/// One commune's row in the compliance dashboard.
public struct ComplianceRow: Sendable {
    public var tenant: Tenant
    public var sections: [Int: SectionCompliance]
    public var responsiblePerson: String
    public var openQuestions: Int
    /// Questions unanswered for more than 15 working days.
    public var overdueQuestions: Int
    /// The footer as the commune filled it in.
    public var footer = SiteInfo(publisher: "")
    /// Slots of the leaders' schedule in the current week.
    public var scheduleThisWeek = 0
    /// The domain of the footer's e-mail address when it belongs to a unit
    /// a reorganisation ended (`namdinh.gov.vn`).
    public var endedEmailDomain: String? = nil

    /// Mandatory sections with nothing in them.
    public var missing: [Int] {
        MandatorySection.allCases.map(\.id).filter { !(self.sections[$0]?.hasContent ?? false) }
    }

    /// The audit's checks that these figures decide (``ComplianceAudit``).
    public func checks(at now: Date) -> [AuditCheck] { ComplianceAudit.checks(self, now: now) }

    /// No check fails: real content in every mandatory section, a complete
    /// footer, deadlines kept. Sample content never counts.
    public func isCompliant(at now: Date) -> Bool { !self.checks(at: now).contains { $0.status == .fail } }

    /// Feed sections whose newest item is older than `days` working days.
    public func stale(at now: Date, days: Int = 5) -> [Int] {
        self.sections.values.filter { $0.kind == .feed && $0.items > 0 && ($0.age(at: now) ?? 0) > days }.map(\.sectionID).sorted()
    }
}
