import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The console's own files, at `/quan-tri/tai-nguyen/<name>`: the rich-text
/// editor (`assets/prose-editor/`, fetched and verified by
/// `ops/fetch-editor`) and the script that puts it on the entry form
/// (`assets/console/`). A fixed list read once at start: no request value
/// names a file on disk.
struct ConsoleAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    /// URL name → file under the assets directory, and its type.
    static let files: [String: (path: String, type: String)] = [
        "prose-editor.js": ("prose-editor/editor.js", "text/javascript; charset=utf-8"),
        "prose-editor.css": ("prose-editor/editor.css", "text/css; charset=utf-8"),
        "prose-overrides.css": ("prose-editor/overrides.css", "text/css; charset=utf-8"),
        "material-icons.css": ("prose-editor/material-icons.css", "text/css; charset=utf-8"),
        "material-icons.woff2": ("prose-editor/material-icons.woff2", "font/woff2"),
        "soan-thao.js": ("console/soan-thao.js", "text/javascript; charset=utf-8"),
        "soan-thao.css": ("console/soan-thao.css", "text/css; charset=utf-8"),
    ]

    private let assets: [String: Asset]

    /// True when every file was found: the entry form then offers the editor.
    var complete: Bool { self.assets.count == Self.files.count }

    init(directory: String, logger: Logger) {
        var loaded: [String: Asset] = [:]
        for (name, file) in Self.files {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file.path)") else {
                logger.warning("console asset missing: the entry form falls back to a plain text area", metadata: ["file": "\(directory)/\(file.path)"])
                continue
            }
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            loaded[name] = Asset(body: ByteBuffer(bytes: data), contentType: file.type, etag: "\"\(digest)\"")
        }
        self.assets = loaded
        // Every file counts: a new script, style or font is a new version.
        let tags = loaded.keys.sorted().compactMap { loaded[$0]?.etag }.joined(separator: ",")
        self.combinedVersion = SHA256.hash(data: Data(tags.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The tag of the files' current versions, put in their URLs so that a
    /// new release is fetched at once while a browser keeps the old ones.
    var version: String { self.combinedVersion }

    private let combinedVersion: String

    func response(_ name: String, ifNoneMatch: String?) -> Response {
        guard let asset = self.assets[name] else { return Response(status: .notFound) }
        var headers = HTTPFields()
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "public, max-age=86400"
        headers[.xContentTypeOptions] = "nosniff"
        if ifNoneMatch == asset.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
