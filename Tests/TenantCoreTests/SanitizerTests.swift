import Testing
@testable import TenantCore

@Suite struct SanitizerTests {
    @Test(arguments: [
        ("<p>Xin chào</p><script>alert(1)</script>", "<p>Xin chào</p>"),
        ("<p onclick=\"steal()\">a</p>", "<p>a</p>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"https://chinhphu.vn\">Chính phủ</a>", "<a href=\"https://chinhphu.vn\" rel=\"noopener noreferrer\">Chính phủ</a>"),
        ("<p style=\"display:none\">ẩn</p>", "<p>ẩn</p>"),
        ("<style>p{display:none}</style><p>x</p>", "<p>x</p>"),
        ("<img src=\"data:image/png;base64,AAAA\" onerror=\"x()\">", ""),
        ("<img src=\"/a.png\">", "<img src=\"/a.png\" alt=\"\">"),
        ("<iframe src=\"https://evil\"></iframe>ok", "ok"),
        ("<b>đậm<i>nghiêng</b> tiếp", "<b>đậm<i>nghiêng</i></b> tiếp"),
        ("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"),
        ("<h1>Tiêu đề</h1>", "<h2>Tiêu đề</h2>"),
        ("<!-- bình luận --><p>x</p>", "<p>x</p>"),
        ("<svg><script>x()</script></svg>y", "y"),
        ("<p>&lt;script&gt;</p>", "<p>&lt;script&gt;</p>"),
        ("<table><tr><td colspan=\"2\" onmouseover=\"x\">a</td></tr></table>", "<table><tr><td colspan=\"2\">a</td></tr></table>"),
        ("<unknown>giữ chữ</unknown>", "giữ chữ"),
        ("<p>open", "<p>open</p>"),
        ("<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>"),
    ])
    func sanitize(_ input: String, _ expected: String) {
        #expect(HTMLSanitizer.sanitize(input).value == expected)
    }

    @Test func libraryImages_getTheirCopies_andOthersStayAsTheyAre() {
        let body = HTMLSanitizer.sanitize("<p>a</p><img alt=\"Chợ\" src=\"/tep/12\"><img src=\"/tep/12/480\" alt=\"x\"><img src=\"https://a.vn/b.png\" alt=\"y\">")
        #expect(body.withLibraryImageSizes(widths: [480, 960], sizes: "100vw").value
            == "<p>a</p><img srcset=\"/tep/12/480 480w, /tep/12/960 960w\" sizes=\"100vw\" loading=\"lazy\" alt=\"Chợ\" src=\"/tep/12\"><img src=\"/tep/12/480\" alt=\"x\"><img src=\"https://a.vn/b.png\" alt=\"y\">")
    }

    @Test func imagesWithoutDescription_areCounted() throws {
        #expect(EntryDraft.undescribedImages(in: HTMLSanitizer.sanitize("<img src=\"/tep/1\"><img src=\"/tep/2\" alt=\" \"><img src=\"/tep/3\" alt=\"Cổng chợ\">").value) == 2)
        #expect { try EntryDraft.checkImagesDescribed(in: "<p>Chợ</p><figure><img src=\"/tep/1\" alt=\"\"></figure>") } throws: { error in
            (error as? ValidationFailure)?.fields["body"]?.contains("Một ảnh trong nội dung chưa có mô tả") == true
        }
        try EntryDraft.checkImagesDescribed(in: "<p>Chợ</p><figure><img src=\"/tep/1\" alt=\"Cổng chợ\"></figure>")
    }

    @Test func paragraphs_escapeEverything() {
        #expect(HTMLSanitizer.paragraphs(fromPlainText: "Dòng 1\n<b>2</b>\n\nĐoạn 2").value == "<p>Dòng 1<br>&lt;b&gt;2&lt;/b&gt;</p><p>Đoạn 2</p>")
    }
}
