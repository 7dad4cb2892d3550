import MultipartKit
import NIOCore
import TenantCore

/// `multipart/form-data` bodies (file uploads), with MultipartKit's parser.
enum Multipart {
    static func parse(_ buffer: ByteBuffer, contentType: String) throws -> FormBody {
        guard let boundary = self.parameter("boundary", in: contentType), !boundary.isEmpty, boundary.count <= 200 else {
            throw PageError.badRequest("Biểu mẫu tải tệp không hợp lệ.")
        }
        // MultipartKit 4.7 indexes a 128-entry table with each byte of a
        // part's header name: a byte of 0x80 or more there traps the process.
        guard Self.headerNamesAreASCII(buffer.readableBytesView, boundary: Array(boundary.utf8)) else {
            throw PageError.badRequest("Biểu mẫu tải tệp không hợp lệ.")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [([String: String], ByteBuffer)] = []
        var headers: [String: String] = [:]
        var body = ByteBuffer()
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, body))
            headers = [:]
            body = ByteBuffer()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw PageError.badRequest("Biểu mẫu tải tệp không hợp lệ.")
        }
        var form = FormBody()
        for (headers, body) in parts {
            guard let disposition = headers["content-disposition"], let name = self.parameter("name", in: disposition) else { continue }
            if let filename = self.parameter("filename", in: disposition) {
                form.files[name] = (VietnameseText.nfc(filename), Array(body.readableBytesView))
            } else if form.fields[name] == nil {
                form.fields[name] = VietnameseText.nfc(String(buffer: body))
            }
        }
        return form
    }

    /// Whether every header line of every part has an ASCII name: the
    /// bytes before its first `:`, in the lines between a `--boundary` line
    /// and the blank line after it.
    static func headerNamesAreASCII(_ bytes: ByteBufferView, boundary: [UInt8]) -> Bool {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var inHeaders = false
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            var lineEnd = lineStart
            while lineEnd < bytes.endIndex, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var line = bytes[lineStart..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.starts(with: delimiter) {
                inHeaders = true
            } else if inHeaders {
                if line.isEmpty {
                    inHeaders = false
                } else {
                    for byte in line {
                        if byte == UInt8(ascii: ":") { break }
                        if byte >= 0x80 { return false }
                    }
                }
            }
            lineStart = lineEnd + 1
        }
        return true
    }

    /// `name="value"` (or `name=value`) inside a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

import Foundation
