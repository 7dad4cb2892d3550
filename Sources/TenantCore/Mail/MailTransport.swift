import Foundation

/// Where rendered messages go.
public protocol MailTransport: Sendable {
    /// Hands one message over. Throws ``MailTransportFailure`` when it was
    /// not taken; sending the same outbox id twice must not make two
    /// messages where the transport can help it.
    func deliver(_ mail: RenderedMail) async throws(MailTransportFailure)
    var summary: String { get }
}

public struct MailTransportFailure: Error, Sendable, CustomStringConvertible {
    /// A failure worth retrying (the relay is down) or not (the address is refused).
    public var temporary: Bool
    public var description: String

    public init(temporary: Bool, _ description: String) {
        self.temporary = temporary
        self.description = description
    }
}

/// Messages written as files, `<outbox id>.eml`, for `ops/run` and the
/// tests: no mail server needed, every message readable. Writing the same
/// id again replaces the file (a retry after a crash makes no second message).
public struct FileMailTransport: MailTransport {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public var summary: String { "files in \(self.directory.path)" }

    public func file(_ outboxID: Int64) -> URL {
        self.directory.appendingPathComponent(String(format: "%08lld.eml", outboxID))
    }

    public func deliver(_ mail: RenderedMail) async throws(MailTransportFailure) {
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            let target = self.file(mail.outboxID)
            let temporary = self.directory.appendingPathComponent(".\(mail.outboxID)-\(UUID().uuidString).tmp")
            try mail.bytes.write(to: temporary)
            // rename(2): the file appears whole or not at all, and replaces an earlier copy.
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw MailTransportFailure(temporary: true, "cannot write \(target.lastPathComponent): \(reason)")
            }
        } catch let failure as MailTransportFailure {
            throw failure
        } catch {
            throw MailTransportFailure(temporary: true, "cannot write to \(self.directory.path): \(error)")
        }
    }
}

/// Hands each message to the machine's mail system through its `sendmail`
/// command (Postfix's, in production), which queues it and relays it to the
/// province's mail server over SMTP with STARTTLS and authentication
/// (deploy/postfix/). The platform then needs no SMTP client of its own,
/// and a relay that is down delays messages in Postfix's queue, not here.
public struct SendmailTransport: MailTransport {
    public let path: String

    public init(path: String = "/usr/sbin/sendmail") {
        self.path = path
    }

    public var summary: String { "sendmail at \(self.path)" }

    public func deliver(_ mail: RenderedMail) async throws(MailTransportFailure) {
        let status: Int32
        do {
            status = try await LimitedProcess.withPrivateDirectory("mail") { directory in
                let message = directory.appendingPathComponent("message.eml")
                try mail.bytes.write(to: message)
                let input = try FileHandle(forReadingFrom: message)
                defer { try? input.close() }
                // -i: a line of one dot does not end the message; -f: the
                // envelope sender; the recipient after --, never taken as an option.
                let process = LimitedProcess(
                    executable: self.path, arguments: ["-i", "-f", mail.sender.value, "--", mail.recipient.value],
                    limits: "ulimit -t 30", environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], directory: directory,
                    deadline: .seconds(60))
                return try await process.run(standardInput: input)
            }
        } catch {
            throw MailTransportFailure(temporary: true, "cannot run \(self.path): \(error)")
        }
        switch status {
        case 0: return
        // EX_TEMPFAIL, or killed at the deadline: try again later.
        case 75, -1, 9, 137: throw MailTransportFailure(temporary: true, "\(self.path) exited with \(status) (temporary)")
        default: throw MailTransportFailure(temporary: false, "\(self.path) refused the message (exit \(status))")
        }
    }
}

/// How the platform sends mail, from the environment.
public struct MailSettings: Sendable {
    public var transport: (any MailTransport)?
    public var sender: EmailAddress
    public var senderName: String

    public init(transport: (any MailTransport)?, sender: EmailAddress, senderName: String) {
        self.transport = transport
        self.sender = sender
        self.senderName = senderName
    }

    /// `MAIL_TRANSPORT`: `file:/path`, `sendmail` or `sendmail:/path`, or
    /// `off` (messages wait in the outbox). `MAIL_FROM`, `MAIL_FROM_NAME`.
    public static func from(environment: [String: String], defaultDirectory: String?) -> Result<MailSettings, TenantCoreError> {
        let raw = environment["MAIL_TRANSPORT"] ?? ""
        var transport: (any MailTransport)?
        switch raw {
        case "":
            transport = defaultDirectory.map { FileMailTransport(directory: URL(fileURLWithPath: $0)) }
        case "off":
            transport = nil
        case "sendmail":
            transport = SendmailTransport()
        case let value where value.hasPrefix("sendmail:/"):
            transport = SendmailTransport(path: String(value.dropFirst("sendmail:".count)))
        case let value where value.hasPrefix("file:/"):
            transport = FileMailTransport(directory: URL(fileURLWithPath: String(value.dropFirst("file:".count))))
        default:
            return .failure(.invalid("MAIL_TRANSPORT=\(raw) is not file:/PATH, sendmail, sendmail:/PATH or off"))
        }
        let fromRaw = environment["MAIL_FROM"] ?? "khong-tra-loi@cong-thong-tin.localhost"
        guard let sender = EmailAddress(fromRaw) else { return .failure(.invalid("MAIL_FROM=\(fromRaw) is not an e-mail address")) }
        let name = environment["MAIL_FROM_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "Cổng thông tin điện tử cấp xã"
        return .success(MailSettings(transport: transport, sender: sender, senderName: VietnameseText.nfc(name)))
    }
}
