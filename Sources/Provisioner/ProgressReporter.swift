import Foundation
import TenantCore

/// Shows the progress of a long operation on standard error: a line that
/// rewrites itself (count, rate, ETA) on a terminal, and plain lines every
/// 10 % or 10 seconds otherwise, so logs stay readable.
final class ProgressReporter: Sendable {
    private let label: String
    private let state = LockedState()
    /// Rate and ETA count from the first update instead of from creation
    /// (a phase that starts after another).
    private let fromFirstUpdate: Bool

    final class LockedState: @unchecked Sendable {
        let lock = NSLock()
        var lastPrint = ContinuousClock.now - .seconds(60)
        var lastDecile = -1
        var lastLength = 0
        var start = ContinuousClock.now
        var started = false
    }

    init(label: String, fromFirstUpdate: Bool = false) {
        self.label = label
        self.fromFirstUpdate = fromFirstUpdate
    }

    func update(_ progress: CommuneProvisioning.Progress) {
        let now = ContinuousClock.now
        let start = self.state.lock.withLock {
            if self.fromFirstUpdate && !self.state.started { self.state.start = now }
            self.state.started = true
            return self.state.start
        }
        let elapsed = max(0.001, Self.seconds(now - start))
        let finished = progress.done + progress.failed
        let rate = Double(finished) / elapsed
        let remaining = rate > 0 ? Double(progress.total - finished) / rate : 0
        let percent = progress.total > 0 ? finished * 100 / progress.total : 100
        let line =
            "\(self.label): \(finished)/\(progress.total) (\(percent)%) \(String(format: "%.1f", rate))/s eta \(Self.clock(remaining))"
            + (progress.failed > 0 ? " failed \(progress.failed)" : "")
        self.state.lock.lock()
        defer { self.state.lock.unlock() }
        if Console.stderrIsTerminal {
            guard Self.seconds(now - self.state.lastPrint) >= 0.1 || finished == progress.total else { return }
            self.state.lastPrint = now
            let padded = line + String(repeating: " ", count: max(0, self.state.lastLength - line.count))
            self.state.lastLength = line.count
            FileHandle.standardError.write(Data(("\r" + padded).utf8))
        } else {
            let decile = percent / 10
            guard decile > self.state.lastDecile || Self.seconds(now - self.state.lastPrint) >= 10 else { return }
            self.state.lastDecile = decile
            self.state.lastPrint = now
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() {
        if Console.stderrIsTerminal {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}
