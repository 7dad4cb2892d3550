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

    /// How the original is saved again, without its metadata; nil for a type not resized.
    static func save(_ type: FileType) -> String? {
        switch type {
        case .png: "png[strip]"
        case .jpeg: "jpg[Q=90,strip]"
        case .webp: "webp[Q=90,strip]"
        case .gif, .pdf: nil
        }
    }

    func resize(_ data: [UInt8], type: FileType) async throws -> Result? {
        guard let save = Self.save(type) else { return nil }
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

    /// Many images at once, as ``process(_:type:)`` makes each, with a
    /// handful of `vipsthumbnail` runs for the whole batch instead of four
    /// `vips` runs per image (an import brings thousands; starting libvips
    /// costs more than resizing a photo). Nil for an image of the batch
    /// libvips could not read; the others are unaffected.
    public func processBatch(_ images: [(data: [UInt8], type: FileType)]) async throws -> [Result?] {
        try await ProcessSlots.shared.withSlot { try await self.resizeBatch(images) }
    }

    func resizeBatch(_ images: [(data: [UInt8], type: FileType)]) async throws -> [Result?] {
        var results = [Result?](repeating: nil, count: images.count)
        try await LimitedProcess.withPrivateDirectory("import") { directory in
            // One group per format: the stripped original keeps its format.
            for type in [FileType.jpeg, .png, .webp] {
                let members = images.indices.filter { images[$0].type == type }
                guard !members.isEmpty, let save = Self.save(type) else { continue }
                let ext = save.prefix { $0 != "[" }
                var inputs: [String] = []
                for index in members {
                    let input = directory.appendingPathComponent("i\(index).\(type.fileExtension)").path
                    guard FileManager.default.createFile(atPath: input, contents: Data(images[index].data)) else { continue }
                    inputs.append(input)
                }
                // The originals without metadata ("…>": never enlarged), then their widths.
                let batchDeadline = Self.deadline + .seconds(2 * inputs.count)
                _ = try? await self.run(
                    ["-s", "100000x100000>", "-o", directory.path + "/%s-o.\(save)"] + inputs,
                    executable: self.thumbnailer, in: directory, deadline: batchDeadline)
                let originals = members.map { (index: $0, path: directory.appendingPathComponent("i\($0)-o.\(ext)").path) }
                    .filter { FileManager.default.fileExists(atPath: $0.path) }
                guard !originals.isEmpty else { continue }
                let output = (try? await self.run(["-f", "width"] + originals.map(\.path), executable: self.header, in: directory, deadline: batchDeadline)) ?? ""
                let widths = output.split(separator: "\n").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard widths.count == originals.count else { continue }
                for target in Self.widths {
                    let wider = zip(originals, widths).filter { ($0.1 ?? 0) > target }.map(\.0.path)
                    guard !wider.isEmpty else { continue }
                    _ = try? await self.run(
                        ["-s", "\(target)x100000>", "-o", directory.path + "/%s-w\(target).webp[Q=80,strip]"] + wider,
                        executable: self.thumbnailer, in: directory, deadline: batchDeadline)
                }
                for (original, width) in zip(originals, widths) {
                    guard let width, width > 0, let bytes = FileManager.default.contents(atPath: original.path) else { continue }
                    var variants: [(Int, [UInt8])] = []
                    var complete = true
                    for target in Self.widths where target < width {
                        let made = directory.appendingPathComponent("i\(original.index)-o-w\(target).webp").path
                        guard let copy = FileManager.default.contents(atPath: made) else { complete = false; break }
                        variants.append((target, [UInt8](copy)))
                    }
                    if complete { results[original.index] = Result(original: [UInt8](bytes), width: width, variants: variants) }
                }
            }
        }
        return results
    }

    var thumbnailer: String { URL(fileURLWithPath: self.vips).deletingLastPathComponent().appendingPathComponent("vipsthumbnail").path }
    var header: String { URL(fileURLWithPath: self.vips).deletingLastPathComponent().appendingPathComponent("vipsheader").path }

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
    func run(_ arguments: [String], executable: String? = nil, in directory: URL, deadline: Duration = Self.deadline) async throws -> String {
        let outputPath = directory.appendingPathComponent("stdout-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: outputPath)
        else { throw Failure.unreadable("cannot create \(outputPath)") }
        defer { try? output.close() }
        // No run-time code generation (liborc): the host's sandbox forbids writable executable memory.
        let child = LimitedProcess(
            executable: executable ?? self.vips, arguments: arguments, limits: "ulimit -v \(Self.memoryKiB)",
            environment: ["PATH": "/usr/bin:/bin", "VIPS_CONCURRENCY": "1", "VIPS_WARNING": "0", "VIPS_NOVECTOR": "1"],
            directory: nil, deadline: deadline)
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
