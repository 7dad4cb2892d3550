import Foundation

/// A directory served over HTTP on a free port (Python's http.server), as an old site.
public final class StaticServer: @unchecked Sendable {
    let process = Process()
    public let port: Int

    public init(root: String) throws {
        // The port comes back in a file: no pipe to read on the test's threads.
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("static-server-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        let script = """
            import functools, http.server, os, socketserver, sys
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *args): pass
            handler = functools.partial(Quiet, directory=sys.argv[1])
            with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as s:
                with open(sys.argv[2] + ".part", "w") as f: f.write(str(s.server_address[1]))
                os.rename(sys.argv[2] + ".part", sys.argv[2])
                s.serve_forever()
            """
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        self.process.arguments = ["-c", script, root, portFile]
        self.process.standardOutput = FileHandle.nullDevice
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            kill(self.process.processIdentifier, SIGKILL)
            throw StaticServerError()
        }
        self.port = port
    }

    /// SIGKILL: a child of the test process may start with SIGTERM blocked.
    public func stop() {
        kill(self.process.processIdentifier, SIGKILL)
        self.process.waitUntilExit()
    }
}

public struct StaticServerError: Error, CustomStringConvertible {
    public var description: String { "the test server did not start within 10 s" }
}
