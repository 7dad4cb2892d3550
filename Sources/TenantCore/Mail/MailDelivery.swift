import Foundation
import Logging

/// The outbox seen from the console and from the code that writes to it.
public struct Outbox: Sendable {
    public let database: TenantDatabase
    let logger: Logger

    public init(database: TenantDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    var rows: MailRepository { MailRepository(logger: self.logger) }

    /// Newest first; `communes` limits the list to messages about those communes.
    public func messages(status: OutboxMessage.Status? = nil, communes: [Int]? = nil, limit: Int = 200) async throws(TenantCoreError) -> [OutboxMessage] {
        try await self.database.withConnection { connection in
            try await self.rows.messages(status: status, communes: communes, limit: limit, on: connection)
        }
    }

    public func message(_ id: Int64) async throws(TenantCoreError) -> OutboxMessage? {
        try await self.database.withConnection { connection in try await self.rows.message(id, on: connection) }
    }

    public func counts() async throws(TenantCoreError) -> [OutboxMessage.Status: Int] {
        try await self.database.withConnection { connection in try await self.rows.counts(on: connection) }
    }

    /// Puts a dead message back in the queue; false when it is not dead.
    public func retry(_ id: Int64, by actor: AuditActor) async throws(TenantCoreError) -> Bool {
        try await self.database.withTransaction { connection in
            guard try await self.rows.retry(id, on: connection) else { return false }
            try await actor.record("mail.retry", commune: nil, detail: "#\(id)", on: connection, logger: self.logger)
            return true
        }
    }
}

/// Sends what waits in the outbox: several workers (hosts, the mail
/// service) may run at once, each message taken by one of them for a lease.
/// A worker that dies mid-send leaves its messages to be taken again once
/// the lease ends; the outbox id travels as the Message-ID and the file
/// transport's file name, so a retry of the same message is recognisable.
/// A failure is retried with back-off (1 minute, doubling, at most 6 hours)
/// up to `maxAttempts`, then the message is dead: an operator sees it on
/// `/quan-tri/thu-gui` and may send it again.
public struct MailDelivery: Sendable {
    public let database: TenantDatabase
    public let settings: MailSettings
    let logger: Logger
    public var batch = 20
    public var lease: Duration = .seconds(120)
    public var maxAttempts = 8

    public init(database: TenantDatabase, settings: MailSettings, logger: Logger) {
        self.database = database
        self.settings = settings
        self.logger = logger
    }

    var rows: MailRepository { MailRepository(logger: self.logger) }

    public struct Pass: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public var dead = 0

        public init() {}

        /// The messages the pass took.
        var taken: Int { self.sent + self.failed + self.dead }
    }

    /// Seconds before attempt `attempts + 1`.
    public static func backOff(afterAttempt attempts: Int) -> Int {
        let exponent = min(max(attempts - 1, 0), 9)
        return min(60 << exponent, 6 * 3600)
    }

    /// One pass over what is due; returns what happened.
    public func runOnce(now: Date = Date()) async throws(TenantCoreError) -> Pass {
        guard let transport = self.settings.transport else { return Pass() }
        let leaseSeconds = Int(self.lease.components.seconds)
        let claimed = try await self.database.withConnection { connection in
            try await self.rows.claim(limit: self.batch, leaseSeconds: leaseSeconds, on: connection)
        }
        var pass = Pass()
        for message in claimed {
            guard let recipient = EmailAddress(message.recipient) else {
                try await self.database.withConnection { connection in
                    try await self.rows.markFailed(message.id, error: "not an e-mail address", retrySeconds: nil, on: connection)
                }
                pass.dead += 1
                continue
            }
            let rendered = RenderedMail(
                outboxID: message.id, from: self.settings.sender, senderName: self.settings.senderName, to: recipient,
                subject: message.subject, text: message.text, html: message.html, date: now)
            var metadata: Logger.Metadata = ["outbox": "\(message.id)", "kind": "\(message.kind)", "to": "\(recipient.masked)"]
            if let commune = message.commune { metadata["commune"] = "\(commune)" }
            do {
                try await transport.deliver(rendered)
            } catch {
                let retry = error.temporary && message.attempts < self.maxAttempts ? Self.backOff(afterAttempt: message.attempts) : nil
                try await self.database.withConnection { connection in
                    try await self.rows.markFailed(message.id, error: error.description, retrySeconds: retry, on: connection)
                }
                metadata["error"] = "\(error.description)"
                if retry == nil {
                    pass.dead += 1
                    self.logger.error("mail dead", metadata: metadata)
                } else {
                    pass.failed += 1
                    self.logger.warning("mail failed, will retry", metadata: metadata)
                }
                continue
            }
            try await self.database.withConnection { connection in try await self.rows.markSent(message.id, on: connection) }
            pass.sent += 1
            self.logger.info("mail sent", metadata: metadata)
        }
        return pass
    }

    /// Passes until one takes less than a full batch (nothing more is due
    /// now); what they did, added up.
    public func runUntilDone() async throws(TenantCoreError) -> Pass {
        var total = Pass()
        while !Task.isCancelled {
            let pass = try await self.runOnce()
            total.sent += pass.sent
            total.failed += pass.failed
            total.dead += pass.dead
            if pass.taken < self.batch { break }
        }
        return total
    }

    /// ``runUntilDone()`` every `interval` until the task is cancelled; a
    /// database that is away is logged and tried again at the next pass.
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                _ = try await self.runUntilDone()
            } catch {
                self.logger.warning("mail delivery pass failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
