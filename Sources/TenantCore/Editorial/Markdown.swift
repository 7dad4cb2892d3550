import Ink

/// Markdown as editors write it (headings, lists, emphasis, links, tables),
/// turned into HTML by Ink and then through the sanitiser like any HTML.
public enum Markdown {
    public static func html(from markdown: String) -> SanitizedHTML {
        guard !markdown.isEmpty else { return HTMLSanitizer.sanitize("") }
        return HTMLSanitizer.sanitize(MarkdownParser().html(from: markdown))
    }
}
