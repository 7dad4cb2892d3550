import Foundation

/// What the platform sends, and so what a person can switch off (alerts) or
/// not (messages they asked for).
public enum MailKind: String, Sendable, CaseIterable, Codable {
    case invitation
    case passwordReset = "password_reset"
    case questionAnswered = "question_answered"
    case questionDue = "question_due"
    case questionOverdue = "question_overdue"
    case complianceFailed = "compliance_failed"

    /// Alerts to staff, each of which its recipient may switch off.
    public static let alerts: [MailKind] = [.questionDue, .questionOverdue, .complianceFailed]

    /// Who receives this alert about `tenant`: the active staff who manage
    /// the commune, have an address and did not switch the alert off.
    func recipients(among staff: [StaffUser], about tenant: Tenant) -> [(user: StaffUser, address: EmailAddress)] {
        staff.compactMap { user in
            guard user.active, user.mayManage(tenant), !user.alertsOff.contains(self.rawValue),
                let address = user.email.flatMap(EmailAddress.init)
            else { return nil }
            return (user, address)
        }
    }

    public var title: String {
        switch self {
        case .invitation: "Lời mời tạo tài khoản"
        case .passwordReset: "Đặt lại mật khẩu"
        case .questionAnswered: "Trả lời câu hỏi của người dân"
        case .questionDue: "Câu hỏi sắp đến hạn trả lời"
        case .questionOverdue: "Câu hỏi quá hạn trả lời"
        case .complianceFailed: "Trang không đạt kiểm tra tuân thủ"
        }
    }
}

/// A message to one person, before it is written to the outbox.
public struct OutgoingMail: Sendable, Equatable {
    public var kind: MailKind
    public var recipient: EmailAddress
    public var subject: String
    /// The plain-text part; the HTML part is made from it (paragraphs and links).
    public var text: String
    /// The commune the message is about, if any.
    public var commune: Int?
    /// What it is about (a question's code), so that an alert is written once.
    public var about: String

    public init(kind: MailKind, recipient: EmailAddress, subject: String, text: String, commune: Int? = nil, about: String = "") {
        self.kind = kind
        self.recipient = recipient
        self.subject = VietnameseText.nfc(subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))
        self.text = VietnameseText.nfc(text)
        self.commune = commune
        self.about = about
    }

    /// The HTML part: the text's paragraphs, each line kept, links made
    /// clickable, everything else escaped.
    public var html: String {
        let paragraphs = self.text.components(separatedBy: "\n\n").map { paragraph -> String in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                let escaped = HTMLEscaping.escape(String(line))
                guard line.hasPrefix("http://") || line.hasPrefix("https://"), !line.contains(" ") else { return escaped }
                return "<a href=\"\(escaped)\">\(escaped)</a>"
            }
            return "<p>\(lines.joined(separator: "<br>\n"))</p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>\(HTMLEscaping.escape(self.subject))</title></head>
            <body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a">
            \(paragraphs.joined(separator: "\n"))
            </body></html>
            """
    }
}

/// One message as it leaves for the mail system: RFC 5322 with a
/// `multipart/alternative` body (plain text, then HTML), UTF-8 throughout,
/// the subject as RFC 2047 encoded words and both parts in base64, so that
/// no line is longer than 78 characters and no outside text can add a header.
public struct RenderedMail: Sendable {
    public let outboxID: Int64
    public let sender: EmailAddress
    public let recipient: EmailAddress
    public let bytes: Data

    public init(outboxID: Int64, from sender: EmailAddress, senderName: String, to recipient: EmailAddress, subject: String, text: String, html: String, date: Date) {
        self.outboxID = outboxID
        self.sender = sender
        self.recipient = recipient
        let domain = sender.value.split(separator: "@").last.map(String.init) ?? "localhost"
        let boundary = "=_phan-\(outboxID)-\(Int(date.timeIntervalSince1970))"
        var lines: [String] = []
        lines.append("From: \(Self.encodedWords(senderName, prefix: "From: ".count)) <\(sender.value)>")
        lines.append("To: <\(recipient.value)>")
        lines.append("Subject: \(Self.encodedWords(subject, prefix: "Subject: ".count))")
        lines.append("Date: \(Self.rfc5322Date(date))")
        // The outbox id names the message: a retry after a crash carries the same id.
        lines.append("Message-ID: <outbox-\(outboxID)@\(domain)>")
        lines.append("MIME-Version: 1.0")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines.append(contentsOf: Self.base64Lines(text))
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/html; charset=utf-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines.append(contentsOf: Self.base64Lines(html))
        lines.append("--\(boundary)--")
        lines.append("")
        self.bytes = Data(lines.joined(separator: "\r\n").utf8)
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, folded onto
    /// continuation lines; plain ASCII without specials stays as it is.
    static func encodedWords(_ text: String, prefix: Int) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.utf8.allSatisfy({ (0x20...0x7e).contains($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "?") }),
            clean.utf8.count + prefix <= 78, !clean.contains("\"")
        {
            return clean
        }
        // 39 bytes of UTF-8 make 52 characters of base64: with "=?UTF-8?B?" and
        // "?=" a word is 64, and a line with "Subject: " or a space before it fits in 78.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
