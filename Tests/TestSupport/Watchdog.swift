import Foundation
import Synchronization
import Testing

/// Says on stderr where the tests stand when the run stops making progress.
/// `withTestPlatform` and `withTestHost` record what each test is waiting on
/// (a fixture, its database, the host starting or stopping, its body); when
/// nothing has moved for a while, a plain thread prints every test in flight
/// with its step, and whether the task timers and the executor still run. A
/// run that hangs then names where, instead of only timing out.
public enum Watchdog {
    struct State {
        var steps: [Int: (test: String, step: String, since: Date)] = [:]
        var nextID = 0
        var lastMove = Date()
        var taskBeat = Date()
        var probe: Date?
        var reported = false

        /// A test entered, moved on or left: the run makes progress.
        mutating func moved() {
            self.lastMove = Date()
            self.reported = false
        }
    }

    static let state = Mutex(State())
    private static let started: Bool = {
        Task.detached {
            while true {
                try? await Task.sleep(for: .milliseconds(500))
                Watchdog.state.withLock { $0.taskBeat = Date() }
            }
        }
        Thread {
            while true {
                Thread.sleep(forTimeInterval: 5)
                let now = Watchdog.state.withLock { $0 }
                let still = -now.lastMove.timeIntervalSinceNow
                guard still > 45, !now.reported, !now.steps.isEmpty else { continue }
                Watchdog.state.withLock {
                    $0.reported = true
                    $0.probe = nil
                }
                Task.detached { Watchdog.state.withLock { $0.probe = Date() } }
                Thread.sleep(forTimeInterval: 1)
                let probed = Watchdog.state.withLock { $0.probe } != nil
                var report = "[watchdog] no test has moved for \(Int(still)) s; task timers last fired "
                report += "\(Int(-now.taskBeat.timeIntervalSinceNow)) s ago; a new task \(probed ? "ran" : "did not run") within 1 s\n"
                for entry in now.steps.values.sorted(by: { $0.since < $1.since }) {
                    report += "[watchdog]   \(entry.test): \(entry.step) for \(Int(-entry.since.timeIntervalSinceNow)) s\n"
                }
                FileHandle.standardError.write(Data(report.utf8))
            }
        }.start()
        return true
    }()

    /// A test's place in the watchdog's list, from `enter` to `leave`.
    public struct Step: Sendable {
        let id: Int

        /// Records what the test waits on now.
        public func now(_ step: String) {
            Watchdog.state.withLock { state in
                state.steps[self.id]?.step = step
                state.steps[self.id]?.since = Date()
                state.moved()
            }
        }

        public func leave() {
            Watchdog.state.withLock { state in
                state.steps[self.id] = nil
                state.moved()
            }
        }
    }

    /// Starts the watchdog (once per process) and lists the current test as
    /// at `step`.
    public static func enter(_ step: String) -> Step {
        _ = Self.started
        var test = Test.current?.name ?? "?"
        if Test.current?.isParameterized == true { test += " (one of its cases)" }
        return Self.state.withLock { state in
            state.nextID += 1
            state.steps[state.nextID] = (test, step, Date())
            state.moved()
            return Step(id: state.nextID)
        }
    }
}
