import Foundation

/// A converter of outside input (libvips, pandoc) run as a child process
/// under `sh -c '<limits>; exec "$0" "$@"'`: the limits are the shell's
/// `ulimit`s, the arguments never part of the shell's text, and a deadline
/// after which the child is killed.
///
/// The child reads and writes files, never a pipe: a process spawned
/// meanwhile by another task inherits open descriptors (Foundation's
/// `Process` closes none), and a pipe's reader would then wait for that
/// process's end instead of this one's. The exit is awaited without
/// holding a thread of Swift's cooperative pool.
struct LimitedProcess {
    var executable: String
    var arguments: [String]
    /// `ulimit` commands, e.g. `ulimit -v 1048576`.
    var limits: String
    var environment: [String: String]
    var directory: URL?
    var deadline: Duration

    enum Failure: Error { case cannotStart(String) }

    /// Runs the child with `standardOutput` and `standardInput` (files; else
    /// nothing) and returns its
    /// exit status (`SIGKILL`ed at the deadline).
    func run(standardOutput: FileHandle? = nil, standardInput: FileHandle? = nil) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(self.limits); exec \"$0\" \"$@\"", self.executable] + self.arguments
        process.environment = self.environment
        if let directory = self.directory { process.currentDirectoryURL = directory }
        process.standardOutput = standardOutput ?? FileHandle.nullDevice
        // Damaged input can make a converter warn for every row: nothing reads that.
        process.standardError = FileHandle.nullDevice
        process.standardInput = standardInput ?? FileHandle.nullDevice
        let (exits, exited) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.yield(finished.terminationStatus)
            exited.finish()
        }
        do {
            try process.run()
        } catch {
            throw Failure.cannotStart("\(self.executable): \(error)")
        }
        let pid = process.processIdentifier
        let deadline = self.deadline
        let watchdog = Task {
            try await Task.sleep(for: deadline)
            kill(pid, SIGKILL)
            // Foundation's termination handler is sometimes never called on
            // Linux (the child reaped elsewhere): a second after the kill the
            // wait ends anyway, as a killed process's, instead of never.
            try await Task.sleep(for: .seconds(1))
            exited.yield(SIGKILL)
            exited.finish()
        }
        defer { watchdog.cancel() }
        var status: Int32 = -1
        for await code in exits { status = code }
        return status
    }

    /// A new directory only this process can read, removed after `body`.
    static func withPrivateDirectory<T>(_ prefix: String, _ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }
}
