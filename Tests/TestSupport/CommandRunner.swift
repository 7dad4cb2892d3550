import Foundation

/// Runs a built executable of the package, as an operator would.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var output: String { self.stdout + self.stderr }
}

public enum CommandRunner {
    /// Runs `provisioner ARGS…` to completion.
    public static func provisioner(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) async throws -> CommandResult {
        let process = try self.start(["provisioner"] + arguments, databaseURL: databaseURL, environment: environment)
        return await self.finish(process)
    }

    /// Starts a command without waiting (to kill it mid-way).
    public static func start(_ command: [String], databaseURL: String?, environment: [String: String] = [:]) throws -> RunningCommand {
        let process = Process()
        process.executableURL = try TestEnvironment.executable(command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["PLATFORM_SQL_DIR"] = TestEnvironment.repositoryRoot.appendingPathComponent("sql").path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = TestEnvironment.repositoryRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let running = RunningCommand(process: process, out: out, err: err)
        try process.run()
        return running
    }

    /// Reads both pipes to their end and waits for the process, on threads
    /// of their own: blocking reads on Swift's cooperative pool (two threads
    /// on this machine) could starve every other test of the run.
    public static func finish(_ running: RunningCommand) async -> CommandResult {
        await withCheckedContinuation { continuation in
            let output = Collected()
            let reader = Thread {
                output.stdout = running.out.fileHandleForReading.readDataToEndOfFile()
                output.done.signal()
            }
            reader.start()
            Thread {
                let stderr = running.err.fileHandleForReading.readDataToEndOfFile()
                output.done.wait()
                running.process.waitUntilExit()
                continuation.resume(
                    returning: CommandResult(
                        status: running.process.terminationStatus, stdout: String(decoding: output.stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self)))
            }.start()
        }
    }

    final class Collected: @unchecked Sendable {
        var stdout = Data()
        let done = DispatchSemaphore(value: 0)
    }
}

public final class RunningCommand: @unchecked Sendable {
    public let process: Process
    let out: Pipe
    let err: Pipe

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        self.out = out
        self.err = err
    }

    /// SIGKILL: no chance to clean up, as in a crash or a power cut.
    public func kill() {
        Foundation.kill(self.process.processIdentifier, SIGKILL)
    }
}
