import Foundation
import ServiceLifecycle
import TenantCore

/// Sends the outbox from the host process when MAIL_TRANSPORT is set
/// (`ops/run` writes files under `.data/mail`); in production the mail
/// service (`provisioner mail deliver`) does it instead, and any number of
/// either may run: each message is taken by one of them.
struct MailService: Service {
    let delivery: MailDelivery
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.delivery.run(every: self.interval)
        }
    }
}
