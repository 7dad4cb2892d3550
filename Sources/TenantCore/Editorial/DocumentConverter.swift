import Foundation
import Logging

/// Turns an uploaded Word document (.docx) into HTML with pandoc (Debian's
/// package): headings, paragraphs, lists, tables, emphasis, links, and its
/// images as files. Like every parser of outside input it runs as a
/// separate process, sandboxed (`--sandbox`: no file or network access but
/// its input and output), with a heap limit, a CPU limit, an output limit
/// and a deadline.
public struct DocumentConverter: Sendable {
    public static let deadline: Duration = .seconds(60)
    /// Heap of one pandoc run (its runtime's `-M`).
    public static let heap = "512m"
    /// The most images taken from one document, and their total size.
    public static let maximumImages = 40
    public static let maximumImageBytes = 60 * 1024 * 1024

    let pandoc: String

    /// nil when pandoc is not installed.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let candidates = [environment["PANDOC"], "/usr/bin/pandoc", "/usr/local/bin/pandoc"].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        self.pandoc = found
    }

    public struct Result: Sendable {
        /// pandoc's HTML, not yet sanitised; its images are named `media/<name>`.
        public var html: String
        /// The images, by the name the HTML gives them.
        public var images: [String: [UInt8]]
    }

    public enum Failure: Error, Sendable { case unreadable(String) }

    /// Whether `data` looks like a .docx (a ZIP archive) at all.
    public static func looksLikeDocx(_ data: [UInt8]) -> Bool {
        data.count > 4 && Array(data.prefix(4)) == [0x50, 0x4B, 0x03, 0x04]
    }

    /// The largest HTML taken from pandoc, in bytes.
    public static let maximumOutput = 4 * 1024 * 1024

    public func convert(_ data: [UInt8]) async throws -> Result {
        try await ProcessSlots.shared.withSlot { try await self.run(data) }
    }

    func run(_ data: [UInt8]) async throws -> Result {
        try await LimitedProcess.withPrivateDirectory("docx") { directory in
            try await self.run(data, in: directory)
        }
    }

    func run(_ data: [UInt8], in directory: URL) async throws -> Result {
        let input = directory.appendingPathComponent("in.docx").path
        let output = directory.appendingPathComponent("out.html").path
        _ = FileManager.default.createFile(atPath: input, contents: Data(data))
        // CPU seconds and the largest file it may write (KiB). pandoc reads
        // `media/` relative to its working directory, the private one made here.
        let child = LimitedProcess(
            executable: self.pandoc,
            arguments: ["--sandbox", "-f", "docx", "-t", "html5", "--extract-media=.", "-o", output, input, "+RTS", "-M\(Self.heap)", "-RTS"],
            limits: "ulimit -t 60; ulimit -f 16384", environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path, "LANG": "C.UTF-8"],
            directory: directory, deadline: Self.deadline)
        let status: Int32
        do {
            status = try await child.run()
        } catch {
            throw Failure.unreadable("cannot start pandoc: \(error)")
        }
        guard status == 0 else { throw Failure.unreadable("pandoc ended with status \(status)") }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? nil
        guard let size, size <= Self.maximumOutput, let html = FileManager.default.contents(atPath: output) else {
            throw Failure.unreadable("pandoc's HTML is missing or larger than \(Self.maximumOutput) bytes")
        }
        var images: [String: [UInt8]] = [:]
        var total = 0
        let media = directory.appendingPathComponent("media")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: media.path)) ?? []).sorted() {
            guard images.count < Self.maximumImages, !name.hasPrefix("."), !name.contains("/") else { continue }
            let path = media.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let bytes = FileManager.default.contents(atPath: path), total + bytes.count <= Self.maximumImageBytes
            else { continue }
            total += bytes.count
            images["media/\(name)"] = [UInt8](bytes)
        }
        return Result(html: String(decoding: html, as: UTF8.self), images: images)
    }
}
