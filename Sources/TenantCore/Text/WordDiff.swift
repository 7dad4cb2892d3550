import Foundation

/// A readable difference between two texts, word by word: what an editor
/// sees on an item's history ("what changed"), not a line diff of markup.
public enum WordDiff {
    public enum Piece: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// Beyond this many words on either side the texts are shown as one
    /// removal and one addition (the difference's cost grows with both).
    public static let wordLimit = 20_000

    public static func pieces(from old: String, to new: String) -> [Piece] {
        let a = Self.words(old)
        let b = Self.words(new)
        if a == b { return a.isEmpty ? [] : [.same(a.joined())] }
        guard a.count <= Self.wordLimit, b.count <= Self.wordLimit else {
            return [a.isEmpty ? nil : Piece.removed(a.joined()), b.isEmpty ? nil : Piece.added(b.joined())].compactMap { $0 }
        }
        let difference = b.difference(from: a)
        var removed = Set<Int>()
        var added = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): added.insert(offset)
            }
        }
        // Walk both sides: removals of `a` come before the insertions of `b` at the same place.
        var result: [Piece] = []
        func append(_ piece: Piece) {
            switch (result.last, piece) {
            case (.same(let x)?, .same(let y)): result[result.count - 1] = .same(x + y)
            case (.removed(let x)?, .removed(let y)): result[result.count - 1] = .removed(x + y)
            case (.added(let x)?, .added(let y)): result[result.count - 1] = .added(x + y)
            default: result.append(piece)
            }
        }
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                append(.removed(a[i]))
                i += 1
            } else if j < b.count, added.contains(j) {
                append(.added(b[j]))
                j += 1
            } else if i < a.count, j < b.count {
                append(.same(b[j]))
                i += 1
                j += 1
            } else if i < a.count {
                append(.removed(a[i]))
                i += 1
            } else {
                append(.added(b[j]))
                j += 1
            }
        }
        return result
    }

    /// Words with the spaces after them, so that joining gives the text back.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inSpace = false
        for character in text {
            let space = character.isWhitespace
            if inSpace && !space {
                result.append(current)
                current = ""
            }
            current.append(character)
            inSpace = space
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The text of sanitised HTML: tags dropped, block ends as new lines,
    /// the entities the sanitiser writes decoded.
    public static func text(ofHTML html: String) -> String {
        var text = html
        for block in ["</p>", "</h2>", "</h3>", "</h4>", "</li>", "<br>", "<br/>", "</tr>", "</blockquote>"] {
            text = text.replacingOccurrences(of: block, with: block + "\n")
        }
        text = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
