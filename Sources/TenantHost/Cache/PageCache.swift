import CompressNIO
import Foundation
import NIOCore
import Synchronization

import HTTPTypes

/// A rendered page, ready to send: both encodings and their response
/// headers are made once, when the page is stored, not per request.
///
/// A class, so that a hit hands on one reference, not a copy of ten fields.
final class CachedPage: Sendable {
    let body: ByteBuffer
    let gzip: ByteBuffer?
    let contentType: String
    let etag: String
    let lastModified: Date
    let expires: ContinuousClock.Instant
    let headers: HTTPFields
    let gzipHeaders: HTTPFields
    /// The status line and `headers` (or `gzipHeaders`) with Content-Length,
    /// encoded for HTTP/1.1 but for `Date` and the blank line: what the
    /// early path (``CacheHitHandler``) writes as it is.
    let wire: ByteBuffer
    let wireGzip: ByteBuffer

    var cost: Int { self.body.readableBytes + (self.gzip?.readableBytes ?? 0) + 1024 }

    /// Whether `wire` and `wireGzip` were encoded: a page that goes to the
    /// cache must be (``PageCache/makePage(body:contentType:ttl:lastModified:contentSecurityPolicy:compress:wire:now:)``).
    var hasWire: Bool { self.wire.readableBytes > 0 }

    init(
        body: ByteBuffer, gzip: ByteBuffer?, contentType: String, etag: String, lastModified: Date, expires: ContinuousClock.Instant,
        headers: HTTPFields, gzipHeaders: HTTPFields, wire: ByteBuffer, wireGzip: ByteBuffer
    ) {
        self.body = body
        self.gzip = gzip
        self.contentType = contentType
        self.etag = etag
        self.lastModified = lastModified
        self.expires = expires
        self.headers = headers
        self.gzipHeaders = gzipHeaders
        self.wire = wire
        self.wireGzip = wireGzip
    }
}

/// Rendered public pages of every commune, in memory, bounded by bytes.
///
/// Entries are grouped per commune so that a content change drops exactly
/// that commune's pages. Each commune has a generation number, bumped by
/// every invalidation; a render that started before an invalidation is not
/// stored (``store(_:key:tenant:generation:)`` checks the generation), so no
/// page older than the last write is ever served from here.
final class PageCache: Sendable {
    struct Key: Hashable, Sendable {
        let tenant: Int64
        let target: String
    }

    private struct Node {
        var page: CachedPage
        var tick: UInt64
    }

    private struct State {
        var pages: [Key: Node] = [:]
        var byTenant: [Int64: Set<String>] = [:]
        var generations: [Int64: UInt64] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
        var earlyHits = 0
        var evictions = 0
        var globalGeneration: UInt64 = 0
    }

    let capacity: Int
    let ttl: Duration
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: bytes of pages kept (both encodings count).
    ///   - ttl: how long a page may be served without re-rendering; bounds
    ///     how late time-driven changes (the week's schedule, scheduled items) appear.
    init(capacity: Int, ttl: Duration) {
        self.capacity = capacity
        self.ttl = ttl
    }

    /// The commune's current generation, read before rendering.
    func generation(of tenant: Int64) -> UInt64 {
        self.state.withLock { ($0.generations[tenant] ?? 0) &+ $0.globalGeneration }
    }

    /// A fresh page, or — when `allowStale` (the database is unreachable) — an expired one.
    /// `early`: the lookup of ``CacheHitHandler``, whose misses go on to the
    /// router and are counted there.
    func lookup(_ key: Key, now: ContinuousClock.Instant, allowStale: Bool = false, early: Bool = false) -> CachedPage? {
        self.state.withLock { s in
            // One hash of the key: the node found is updated in place.
            guard let index = s.pages.index(forKey: key), allowStale || s.pages.values[index].page.expires > now else {
                if !early { s.misses += 1 }
                return nil
            }
            s.tick &+= 1
            s.pages.values[index].tick = s.tick
            let page = s.pages.values[index].page
            s.hits += 1
            if early { s.earlyHits += 1 }
            return page
        }
    }

    /// Stores a page unless the commune changed since `generation` was read;
    /// true if it was stored.
    @discardableResult
    func store(_ page: CachedPage, key: Key, generation: UInt64) -> Bool {
        // A page made without its encoded head would be answered without
        // one by the early path (``CacheHitHandler``): never kept.
        guard page.cost <= self.capacity / 8, page.hasWire else { return false }
        return self.state.withLock { s in
            guard (s.generations[key.tenant] ?? 0) &+ s.globalGeneration == generation else { return false }
            if let old = s.pages[key] { s.bytes -= old.page.cost }
            s.tick &+= 1
            s.pages[key] = Node(page: page, tick: s.tick)
            s.byTenant[key.tenant, default: []].insert(key.target)
            s.bytes += page.cost
            if s.bytes > self.capacity { Self.evict(&s, to: self.capacity * 9 / 10) }
            return true
        }
    }

    /// Drops every page of a commune and bumps its generation.
    func invalidate(tenant: Int64) {
        self.state.withLock { s in
            s.generations[tenant, default: 0] &+= 1
            guard let targets = s.byTenant.removeValue(forKey: tenant) else { return }
            for target in targets {
                if let node = s.pages.removeValue(forKey: Key(tenant: tenant, target: target)) { s.bytes -= node.page.cost }
            }
        }
    }

    /// Drops everything.
    func invalidateAll() {
        self.state.withLock { s in
            s.globalGeneration &+= 1
            s.pages.removeAll(keepingCapacity: true)
            s.byTenant.removeAll(keepingCapacity: true)
            s.bytes = 0
        }
    }

    /// `earlyHits`: the part of `hits` answered by ``CacheHitHandler``.
    var statistics: (entries: Int, bytes: Int, hits: Int, earlyHits: Int, misses: Int, evictions: Int) {
        self.state.withLock { ($0.pages.count, $0.bytes, $0.hits, $0.earlyHits, $0.misses, $0.evictions) }
    }

    /// Least-recently-used eviction down to `target` bytes. Sorting is
    /// O(n log n) but runs only when the budget is exceeded, and frees 10 %.
    private static func evict(_ s: inout State, to target: Int) {
        let ordered = s.pages.sorted { $0.value.tick < $1.value.tick }
        for (key, node) in ordered {
            guard s.bytes > target else { break }
            s.pages.removeValue(forKey: key)
            s.byTenant[key.tenant]?.remove(key.target)
            if s.byTenant[key.tenant]?.isEmpty == true { s.byTenant.removeValue(forKey: key.tenant) }
            s.bytes -= node.page.cost
            s.evictions += 1
        }
    }

    /// Builds a cache entry: strong ETag over the bytes, gzip variant for
    /// bodies worth compressing.
    /// A page with its headers; `compress` adds the gzip variant (worth
    /// its cost when the page is kept or the client asked for it).
    /// `lastModified`: when what the page shows last changed (never later
    /// than now); `contentSecurityPolicy`: the page's own policy (a site's
    /// EMC script origin), else the platform's.
    static func makePage(
        body: ByteBuffer, contentType: String, ttl: Duration, lastModified: Date? = nil, contentSecurityPolicy: String? = nil,
        compress: Bool = true, wire: Bool = true, now: Date = Date()
    ) -> CachedPage {
        let modified = min(lastModified ?? now, now)
        var gzip: ByteBuffer?
        if compress, body.readableBytes >= 512 {
            var input = body
            if let compressed = try? input.compress(with: .gzip()), compressed.readableBytes < body.readableBytes {
                gzip = compressed
            }
        }
        let etag = Self.etag(body)
        var headers = HTTPFields()
        headers.reserveCapacity(10)
        headers[.contentType] = contentType
        headers[.cacheControl] = "public, no-cache"
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(modified)
        headers[.vary] = "Accept-Encoding"
        PageResponse.addSecurityHeaders(&headers)
        if let contentSecurityPolicy { headers[.contentSecurityPolicy] = contentSecurityPolicy }
        // The gzip variant's headers and the encoded heads only where they
        // can be used: a variant that exists, a page that may be kept.
        var gzipHeaders = headers
        if gzip != nil {
            gzipHeaders[.eTag] = String(etag.dropLast()) + "-gz\""
            gzipHeaders[.contentEncoding] = "gzip"
        }
        return CachedPage(
            body: body, gzip: gzip, contentType: contentType, etag: etag, lastModified: modified, expires: .now + ttl,
            headers: headers, gzipHeaders: gzipHeaders,
            wire: wire ? Self.encode(headers, length: body.readableBytes) : ByteBuffer(),
            wireGzip: wire && gzip != nil ? Self.encode(gzipHeaders, length: gzip?.readableBytes ?? 0) : ByteBuffer())
    }

    /// `HTTP/1.1 200 OK` and the fields, one per line (the values were
    /// checked by `HTTPFields`: no CR or LF).
    static func encode(_ fields: HTTPFields, length: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("HTTP/1.1 200 OK\r\n")
        for field in fields {
            buffer.writeString(field.name.rawName)
            buffer.writeString(": ")
            buffer.writeString(field.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("Content-Length: \(length)\r\n")
        return buffer
    }

    /// `"<16 hex digits>"`: ``hash64(_:)`` of the body.
    static func etag(_ body: ByteBuffer) -> String {
        let hash = body.withUnsafeReadableBytes { Self.hash64($0) }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// A 64-bit hash of the page for its ETag: four independent lanes over
    /// 8-byte words (a byte-at-a-time hash cost 3–4 % of an uncached page's
    /// CPU), each word multiplied and rotated, the lanes and the length
    /// mixed at the end (the finaliser of MurmurHash3). Not cryptographic:
    /// an ETag only has to change when the page does.
    static func hash64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let p1: UInt64 = 0x9E37_79B1_85EB_CA87
        let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (p1 &+ p2, p2, 0, 0 &- p1)
        func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
            let mixed = lane &+ word &* p2
            return ((mixed << 31) | (mixed >> 33)) &* p1
        }
        let count = bytes.count
        var offset = 0
        while offset + 32 <= count {
            lanes.0 = round(lanes.0, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            lanes.1 = round(lanes.1, bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            lanes.2 = round(lanes.2, bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            lanes.3 = round(lanes.3, bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            offset += 32
        }
        var hash = UInt64(count)
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] {
            hash = (hash ^ round(0, lane)) &* p1 &+ p2
        }
        while offset < count {
            hash = (hash ^ UInt64(bytes[offset]) &* p1)
            hash = ((hash << 23) | (hash >> 41)) &* p2
            offset += 1
        }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
