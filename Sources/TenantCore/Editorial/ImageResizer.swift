import Foundation
import Logging

/// Makes an uploaded image fit for phones with libvips (the `vips` command
/// of Debian's libvips-tools): the original saved again without its
/// metadata (GPS position, camera), and WebP copies a few widths wide for
/// `srcset`. Each run is a separate process with a memory limit and a
/// deadline, like every parser of outside input.
public struct ImageResizer: Sendable {
    /// The widths of the WebP copies; none wider than the original.
    public static let widths = [480, 960, 1600]
    public static let deadline: Duration = .seconds(30)
    /// Virtual memory of one `vips` run, in KiB.
    public static let memoryKiB = 1_048_576

    let vips: String

    /// nil when libvips-tools is not installed.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let candidates = [environment["VIPS"], "/usr/bin/vips", "/usr/local/bin/vips"].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        self.vips = found
    }

    public struct Result: Sendable {
        /// The original without metadata, in its own format.
        public var original: [UInt8]
        public var width: Int
        public var variants: [(width: Int, data: [UInt8])]
    }

    public enum Failure: Error, Sendable { case unreadable(String) }

    /// - Throws: ``Failure/unreadable(_:)`` when libvips cannot read the image (or gives up).
    public func process(_ data: [UInt8], type: FileType) async throws -> Result? {
        try await ProcessSlots.shared.withSlot { try await self.resize(data, type: type) }
    }

    func resize(_ data: [UInt8], type: FileType) async throws -> Result? {
        let save: String
        switch type {
        case .png: save = "png[strip]"
        case .jpeg: save = "jpg[Q=90,strip]"
        case .webp: save = "webp[Q=90,strip]"
        case .gif, .pdf: return nil
        }
        return try await LimitedProcess.withPrivateDirectory("upload") { directory in
            let input = directory.appendingPathComponent("in.\(type.fileExtension)").path
            let original = directory.appendingPathComponent("original.\(save)").path
            _ = FileManager.default.createFile(atPath: input, contents: Data(data))
            try await self.run(["copy", input + "[fail]", original], in: directory)
            let stripped = directory.appendingPathComponent("original.\(save.prefix { $0 != "[" })").path
            let width = try await self.width(of: stripped, in: directory)
            var variants: [(Int, [UInt8])] = []
            for target in Self.widths where target < width {
                let out = directory.appendingPathComponent("w\(target).webp[Q=80,strip]").path
                try await self.run(["thumbnail", stripped, out, String(target), "--size", "down"], in: directory)
                let made = directory.appendingPathComponent("w\(target).webp").path
                guard let bytes = FileManager.default.contents(atPath: made) else { throw Failure.unreadable("no output for width \(target)") }
                variants.append((target, [UInt8](bytes)))
            }
            guard let bytes = FileManager.default.contents(atPath: stripped) else { throw Failure.unreadable("no stripped original") }
            return Result(original: [UInt8](bytes), width: width, variants: variants)
        }
    }

    func width(of path: String, in directory: URL) async throws -> Int {
        let header = URL(fileURLWithPath: self.vips).deletingLastPathComponent().appendingPathComponent("vipsheader").path
        let output = try await self.run(["-f", "width", path], executable: header, in: directory)
        guard let width = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)), width > 0 else {
            throw Failure.unreadable("vipsheader answered \(output.prefix(40))")
        }
        return width
    }

    /// Runs `vips` (or `executable`) with `arguments` under a memory limit
    /// and the deadline (``LimitedProcess``); returns its standard output,
    /// written to a file of `directory`.
    @discardableResult
    func run(_ arguments: [String], executable: String? = nil, in directory: URL) async throws -> String {
        let outputPath = directory.appendingPathComponent("stdout-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: outputPath)
        else { throw Failure.unreadable("cannot create \(outputPath)") }
        defer { try? output.close() }
        // No run-time code generation (liborc): the host's sandbox forbids writable executable memory.
        let child = LimitedProcess(
            executable: executable ?? self.vips, arguments: arguments, limits: "ulimit -v \(Self.memoryKiB)",
            environment: ["PATH": "/usr/bin:/bin", "VIPS_CONCURRENCY": "1", "VIPS_WARNING": "0", "VIPS_NOVECTOR": "1"],
            directory: nil, deadline: Self.deadline)
        let status: Int32
        do {
            status = try await child.run(standardOutput: output)
        } catch {
            throw Failure.unreadable("cannot start vips: \(error)")
        }
        guard status == 0 else { throw Failure.unreadable("\(arguments.first ?? "vips") ended with status \(status)") }
        return String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
    }
}
