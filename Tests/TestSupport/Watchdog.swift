import Dispatch
import Foundation
import Testing

/// Says on stderr where the tests stand when the run stops making progress.
/// `withTestPlatform` and `withTestHost` record what each test is waiting on
/// (a fixture, its database, the host starting or stopping, its body); when
/// nothing has moved for a while, a plain thread prints every test in flight
/// with its step, and whether the task timers and the executor still run. A
/// run that hangs then names where, instead of only timing out.
public enum Watchdog {
    final class State: @unchecked Sendable {
        let lock = NSLock()
        var steps: [Int: (test: String, step: String, since: Date)] = [:]
        var nextID = 0
        var lastMove = Date()
        var taskBeat = Date()
        var probe: Date?
        var reported = false
    }

    static let state = State()
    private static let started: Bool = {
        let state = Self.state
        Task.detached {
            while true {
                try? await Task.sleep(for: .milliseconds(500))
                state.lock.withLock { state.taskBeat = Date() }
            }
        }
        Thread {
            while true {
                Thread.sleep(forTimeInterval: 5)
                let (still, reported, taskBeat, steps) = state.lock.withLock {
                    (-state.lastMove.timeIntervalSinceNow, state.reported, state.taskBeat, state.steps)
                }
                guard still > 45, !reported, !steps.isEmpty else { continue }
                state.lock.withLock { state.reported = true; state.probe = nil }
                Task.detached { state.lock.withLock { state.probe = Date() } }
                Thread.sleep(forTimeInterval: 1)
                let probed = state.lock.withLock { state.probe } != nil
                var report = "[watchdog] no test has moved for \(Int(still)) s; task timers last fired "
                report += "\(Int(-taskBeat.timeIntervalSinceNow)) s ago; a new task \(probed ? "ran" : "did not run") within 1 s\n"
                for (_, entry) in steps.sorted(by: { $0.value.since < $1.value.since }) {
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
            let state = Watchdog.state
            state.lock.withLock {
                state.steps[self.id]?.step = step
                state.steps[self.id]?.since = Date()
                state.lastMove = Date()
                state.reported = false
            }
        }

        public func leave() {
            let state = Watchdog.state
            state.lock.withLock {
                state.steps[self.id] = nil
                state.lastMove = Date()
                state.reported = false
            }
        }
    }

    /// Starts the watchdog (once per process) and lists the current test as
    /// at `step`.
    public static func enter(_ step: String) -> Step {
        _ = Self.started
        var test = Test.current?.name ?? "?"
        if Test.current?.isParameterized == true { test += " (one of its cases)" }
        let state = Self.state
        return state.lock.withLock {
            state.nextID += 1
            state.steps[state.nextID] = (test, step, Date())
            state.lastMove = Date()
            state.reported = false
            return Step(id: state.nextID)
        }
    }
}
