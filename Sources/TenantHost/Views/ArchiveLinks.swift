/// Keeps an archived commune's pages inside its archive: every link, image
/// and form of the old site that names a path of the site (`href="/…"`,
/// `src="/…"`, `action="/…"`) gets the archive's prefix (`/luu-tru/hai-nam`),
/// so `/tin-tuc/12` becomes `/luu-tru/hai-nam/tin-tuc/12`. Absolute and
/// protocol-relative addresses, and the stylesheet and icon every site
/// shares, are left as they are.
enum ArchiveLinks {
    static let attributes: [[UInt8]] = [Array("href=\"/".utf8), Array("src=\"/".utf8), Array("action=\"/".utf8)]
    /// Paths every site shares (the stylesheet, the icon): left as they are.
    static let shared: [[UInt8]] = [Array("_static/".utf8), Array("favicon.svg".utf8)]

    static func rewrite(_ html: HTML, prefix: String) -> HTML {
        let bytes = html.bytes
        let prefixBytes = Array(prefix.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1024)
        var i = 0
        while i < bytes.count {
            var matched = false
            if bytes[i] == UInt8(ascii: "h") || bytes[i] == UInt8(ascii: "s") || bytes[i] == UInt8(ascii: "a") {
                for attribute in self.attributes where i + attribute.count < bytes.count {
                    if bytes[i..<(i + attribute.count)].elementsEqual(attribute), bytes[i + attribute.count] != UInt8(ascii: "/"),
                        !self.shared.contains(where: { bytes[(i + attribute.count)...].starts(with: $0) })
                    {
                        // Up to and without the slash, then the prefix, then the slash.
                        out.append(contentsOf: attribute.dropLast())
                        out.append(contentsOf: prefixBytes)
                        out.append(UInt8(ascii: "/"))
                        i += attribute.count
                        matched = true
                        break
                    }
                }
            }
            if !matched {
                out.append(bytes[i])
                i += 1
            }
        }
        return HTML(bytes: out)
    }
}
