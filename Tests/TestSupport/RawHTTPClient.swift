import Foundation
import NIOCore
import NIOPosix

/// An HTTP/1.1 client that sends exactly the bytes it is given, so tests
/// can send any `Host` (none, NUL, 2,000 characters…). One request per
/// connection (`Connection: close`).
public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: self.body, as: UTF8.self) }
}

public enum RawHTTPClient {
    /// `GET path` with this `Host` (nil: no Host header at all).
    public static func get(
        port: Int, host: String?, path: String = "/", headers: [(String, String)] = [], version: String = "HTTP/1.1"
    ) async throws -> RawHTTPResponse {
        var request = "GET \(path) \(version)\r\n"
        if let host { request += "Host: \(host)\r\n" }
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "Connection: close\r\n\r\n"
        return try await self.send(Array(request.utf8), port: port)
    }

    public static func send(_ bytes: [UInt8], port: Int) async throws -> RawHTTPResponse {
        try self.parse(try await self.sendReadingAll(bytes, port: port))
    }

    /// Sends `bytes` and returns everything read until the server closes.
    public static func sendReadingAll(_ bytes: [UInt8], port: Int) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let data: [UInt8] = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var data: [UInt8] = []
            do {
                for try await chunk in inbound { data.append(contentsOf: chunk.readableBytesView) }
            } catch {
                if data.isEmpty { throw error }
            }
            return data
        }
        return data
    }

    static func parse(_ data: [UInt8]) throws -> RawHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = data.firstRange(of: separator) else {
            throw ParseError(message: "no complete response (\(data.count) bytes): \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ParseError(message: "bad status line \(head[0])") }
        var headers: [(String, String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(data[end.upperBound...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = try self.dechunk(body)
        } else if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
            body = Array(body.prefix(length))
        }
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Several responses read off one connection (each with Content-Length;
    /// HEAD and 304 responses have no body whatever their length says).
    public static func parseSequence(_ data: [UInt8], bodiless: Set<Int> = []) throws -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var rest = data[...]
        while !rest.isEmpty {
            guard let end = rest.firstRange(of: [13, 10, 13, 10] as [UInt8]) else {
                throw ParseError(message: "no complete response after \(responses.count)")
            }
            var response = try self.parse(Array(rest[..<end.upperBound]))
            let length = bodiless.contains(responses.count) || response.status == 304 ? 0 : Int(response.header("Content-Length") ?? "") ?? 0
            guard rest.distance(from: end.upperBound, to: rest.endIndex) >= length else {
                throw ParseError(message: "response \(responses.count) is cut short")
            }
            response.body = Array(rest[end.upperBound..<(end.upperBound + length)])
            responses.append(response)
            rest = rest[(end.upperBound + length)...]
        }
        return responses
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = data[i...].firstRange(of: [13, 10]) else { break }
            let sizeText = String(decoding: data[i..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw ParseError(message: "bad chunk size") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            out.append(contentsOf: data[start..<min(data.count, start + size)])
            i = start + size + 2
        }
        return out
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
    }
}
