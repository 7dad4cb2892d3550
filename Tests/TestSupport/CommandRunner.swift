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

    public static func finish(_ running: RunningCommand) async -> CommandResult {
        async let stdout = Task.detached { running.out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { running.err.fileHandleForReading.readDataToEndOfFile() }.value
        let (o, e) = await (stdout, stderr)
        running.process.waitUntilExit()
        return CommandResult(
            status: running.process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
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
