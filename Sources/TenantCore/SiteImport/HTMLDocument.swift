import CLibXML2
import Foundation

/// A page of an old site parsed by libxml2's HTML parser (as browsers
/// forgive: unclosed and misnested tags, no network, no entities from
/// outside), queried with XPath 1.0.
final class HTMLDocument {
    private let document: htmlDocPtr

    /// Nil when libxml2 cannot make a document of `bytes` at all.
    init?(_ bytes: [UInt8], url: String) {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        // Pages that do not say their encoding are read as UTF-8, not Latin-1.
        let declares = bytes.prefix(4096).withUnsafeBufferPointer { buffer in
            String(decoding: buffer, as: UTF8.self).lowercased().contains("charset")
        }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlReadMemory(pointer, Int32(buffer.count), url, declares ? nil : "UTF-8", options)
            }
        }
        guard let parsed else { return nil }
        self.document = parsed
    }

    deinit { xmlFreeDoc(self.document) }

    /// A node found by a query, to query under it.
    struct Node {
        fileprivate let pointer: xmlNodePtr
    }

    /// The nodes `xpath` selects (under `node` when given); an invalid
    /// expression selects nothing.
    func nodes(_ xpath: String, under node: Node? = nil) -> [Node] {
        guard let context = xmlXPathNewContext(self.document) else { return [] }
        defer { xmlXPathFreeContext(context) }
        if let node { context.pointee.node = node.pointer }
        let result = xpath.withCString { expression in
            expression.withMemoryRebound(to: xmlChar.self, capacity: xpath.utf8.count + 1) { xmlXPathEvalExpression($0, context) }
        }
        guard let result else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else {
            return []
        }
        return (0..<Int(set.pointee.nodeNr)).compactMap { table[$0].map(Node.init) }
    }

    /// The text of each node `xpath` selects: an attribute's value, an
    /// element's text, trimmed; empty ones left out.
    func strings(_ xpath: String, under node: Node? = nil) -> [String] {
        self.nodes(xpath, under: node).compactMap { node in
            let text = self.text(of: node).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
    }

    func text(of node: Node) -> String {
        // Through a buffer: what xmlNodeGetContent returns needs xmlFree, a mutable global.
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeBufGetContent(buffer, node.pointer) == 0, let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// The node as HTML (its tags and what is inside).
    func html(of node: Node) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        htmlNodeDump(buffer, self.document, node.pointer)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// Removes the nodes `xpath` selects (share buttons, related posts) from the document.
    func remove(_ xpath: String, under node: Node? = nil) {
        for found in self.nodes(xpath, under: node) {
            xmlUnlinkNode(found.pointer)
            xmlFreeNode(found.pointer)
        }
    }
}

extension HTMLDocument {
    /// Whether libxml2 compiles `xpath`.
    static func isValid(xpath: String) -> Bool {
        guard xpath.utf8.count <= 1000, !xpath.contains("\u{0}") else { return false }
        let compiled = xpath.withCString { expression in
            expression.withMemoryRebound(to: xmlChar.self, capacity: xpath.utf8.count + 1) { xmlXPathCompile($0) }
        }
        guard let compiled else { return false }
        xmlXPathFreeCompExpr(compiled)
        return true
    }
}
