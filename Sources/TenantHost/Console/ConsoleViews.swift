import Foundation
import TenantCore

/// Who is looking at a console page, and where.
struct ConsoleFrame {
    var user: StaffUser?
    /// The commune whose console this is (nil: the platform console).
    var tenant: Tenant?
    var csrf: String
    /// The commune's public site (`http://hai-nam.hai-hau.nam-dinh.localhost:8080/`).
    var siteURL: String? = nil
    var notice: String?
}

/// Form controls with labels, hints and error messages tied to their field
/// (`aria-describedby`, `aria-invalid`), and a summary at the top.
enum Field {
    static func describedBy(_ name: String, errors: [String: String], hint: Bool) -> HTML {
        var ids: [String] = []
        if hint { ids.append("h-\(name)") }
        if errors[name] != nil { ids.append("e-\(name)") }
        guard !ids.isEmpty else { return .empty }
        return " aria-describedby=\"\(ids.joined(separator: " "))\"\(errors[name] != nil ? " aria-invalid=\"true\"" as HTML : .empty)"
    }

    static func message(_ name: String, errors: [String: String], hint: String?) -> HTML {
        var parts: [HTML] = []
        if let hint { parts.append("<span class=\"hint\" id=\"h-\(name)\">\(hint)</span>") }
        if let error = errors[name] { parts.append("<span class=\"error\" id=\"e-\(name)\">\(error)</span>") }
        return HTML(parts)
    }

    /// A required field's mark: `aria-required` on a text input (the server
    /// says what is missing), the browser's own `required` on a date or time,
    /// where ARIA has no say.
    static func requiredAttribute(_ type: StaticString) -> HTML {
        ["text", "email", "tel", "url", "password", "search", "number"].contains(type.description) ? " aria-required=\"true\"" : " required"
    }

    static func text(
        _ name: String, _ label: String, value: String, errors: [String: String], required: Bool = false,
        type: StaticString = "text", hint: String? = nil, autocomplete: StaticString = "off"
    ) -> HTML {
        """
        <div class="field"><label for="f-\(name)">\(label)\(required ? " <span aria-hidden=\"true\">*</span>" as HTML : .empty)</label>\
        \(self.message(name, errors: errors, hint: hint))\
        <input id="f-\(name)" name="\(name)" type="\(HTML(stringLiteral: type))" value="\(value)" autocomplete="\(HTML(stringLiteral: autocomplete))"\(required ? Self.requiredAttribute(type) : .empty)\(self.describedBy(name, errors: errors, hint: hint != nil))></div>

        """
    }

    static func area(
        _ name: String, _ label: String, value: String, errors: [String: String], rows: Int = 8, required: Bool = false,
        hint: String? = nil
    ) -> HTML {
        """
        <div class="field"><label for="f-\(name)">\(label)\(required ? " <span aria-hidden=\"true\">*</span>" as HTML : .empty)</label>\
        \(self.message(name, errors: errors, hint: hint))\
        <textarea id="f-\(name)" name="\(name)" rows="\(rows)"\(required ? " aria-required=\"true\"" as HTML : .empty)\(self.describedBy(name, errors: errors, hint: hint != nil))>\(value)</textarea></div>

        """
    }

    static func select(
        _ name: String, _ label: String, options: [(String, String)], selected: String, errors: [String: String],
        hint: String? = nil
    ) -> HTML {
        let items = HTML(options.map { value, title -> HTML in
            value == selected ? "<option value=\"\(value)\" selected>\(title)</option>" : "<option value=\"\(value)\">\(title)</option>"
        })
        return """
            <div class="field"><label for="f-\(name)">\(label)</label>\(self.message(name, errors: errors, hint: hint))\
            <select id="f-\(name)" name="\(name)"\(self.describedBy(name, errors: errors, hint: hint != nil))>\(items)</select></div>

            """
    }

    static func check(_ name: String, _ label: String, checked: Bool, errors: [String: String] = [:]) -> HTML {
        "<div class=\"field check\">\(self.message(name, errors: errors, hint: nil))<input type=\"checkbox\" id=\"f-\(name)\" name=\"\(name)\" value=\"1\"\(checked ? " checked" as HTML : .empty)\(self.describedBy(name, errors: errors, hint: false))> <label for=\"f-\(name)\">\(label)</label></div>\n"
    }

    static func csrf(_ token: String) -> HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
    }

    /// The list of problems at the top of a form, in the order of `fields`
    /// (then any other), focused when the page opens.
    static func summary(_ errors: [String: String], order fields: [String] = []) -> HTML {
        guard !errors.isEmpty else { return .empty }
        let keys = fields.filter { errors[$0] != nil } + errors.keys.filter { !fields.contains($0) }.sorted()
        let items = HTML(keys.map { key -> HTML in
            "<li><a href=\"#f-\(key)\">\(errors[key] ?? "")</a></li>"
        })
        return "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus><h2>Vui lòng sửa các lỗi sau</h2><ul>\(items)</ul></div>\n"
    }
}

enum ConsoleLayout {
    static let css: HTML = """
        <style>
        .console .masthead{background:#1f3a5f;border-bottom-color:#f6c945}
        .console .menu{background:#142a45}
        .console .menu a:hover,.console .menu a[aria-current=page]{color:#142a45}
        .legend{columns:2 16rem;font-size:.9rem;padding-left:1.2rem}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.actions form{display:inline}
        .linkbutton{background:none;border:0;color:#0a4a8f;text-decoration:underline;font:inherit;cursor:pointer;padding:0}
        form.inline{margin:.35rem 0 0;font-size:.9rem}form.inline input[type=text]{width:100%;max-width:16rem;padding:.2rem .3rem;font:inherit}form.inline input[type=file]{max-width:14rem}
        .status-ok{color:#0e6b2a;font-weight:700}.status-bad{color:#b00020;font-weight:700}.status-warn{color:#7a4a00;font-weight:700}
        fieldset{border:1px solid #d6d6d6;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:700}
        .plain{list-style:none;padding-left:0}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}.facts dt{font-weight:700}.facts dd{margin:0}
        .button.secondary{background:#fff;border-color:#5a4a00}
        .state{border-left:5px solid #1f3a5f;background:#eef3f9;padding:.6rem 1rem;margin:1rem 0}.state.returned{border-color:#b00020;background:#fdeeee}
        .diff{white-space:pre-wrap;border:1px solid #d6d6d6;padding:.6rem 1rem;line-height:1.7}
        .diff ins{background:#cdeed5;text-decoration:underline}.diff del{background:#f8d4d4;text-decoration:line-through}
        .filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}.filters .field{margin:0}
        </style>
        """

    static func page(_ frame: ConsoleFrame, title: String, main: HTML, active: String = "") -> HTML {
        let place = frame.tenant?.name ?? "Hệ thống trang thông tin điện tử cấp xã"
        var nav: [(String, String)] = []
        if frame.user != nil {
            if let tenant = frame.tenant {
                let base = ConsolePaths.commune(tenant)
                nav = [(base, "Tổng quan"), (base + "/bai", "Bài viết"), (base + "/duyet", "Duyệt bài"), (base + "/hoi-dap", "Hỏi đáp"), (base + "/y-kien", "Góp ý dự thảo"),
                       (base + "/tep", "Tệp tải lên"), (base + "/thong-tin", "Thông tin chung"), (base + "/thong-ke", "Thống kê")]
                if let site = frame.siteURL { nav.append((site, "Xem trang công khai")) }
                if frame.user?.isAdministrator == true { nav.append(("/quan-tri", "Quản trị hệ thống")) }
            } else if frame.user?.isAdministrator != true {
                // A commune's editor on a page of their own (password, account):
                // their commune's console is one link away, and nothing they cannot open is offered.
                nav = [("/quan-tri", "Tổng quan")]
            } else {
                nav = [("/quan-tri", "Tổng quan"), ("/quan-tri/cho-duyet", "Bài chờ duyệt"), ("/quan-tri/tuan-thu", "Tuân thủ"), ("/quan-tri/xa", "Xã, phường"), ("/quan-tri/sap-xep", "Sắp xếp ĐVHC"),
                       ("/quan-tri/xa/moi", "Tạo xã mới"),
                       ("/quan-tri/nguoi-dung", "Người dùng"), ("/quan-tri/nhat-ky", "Nhật ký"), ("/quan-tri/thong-ke", "Thống kê")]
                if frame.user?.isOperator == true {
                    nav += [("/quan-tri/tin-tu-tinh", "Tin từ tỉnh"), ("/quan-tri/thu-tuc", "Thủ tục hành chính"), ("/quan-tri/thong-bao", "Thông báo"),
                            ("/quan-tri/cong-thong-tin", "Cổng tỉnh"),
                            ("/quan-tri/thu-gui", "Thư gửi đi")]
                }
                if frame.user?.role == .platform {
                    nav.append(("/quan-tri/cai-dat", "Cài đặt hệ thống"))
                }
            }
        }
        let menu = HTML(nav.map { href, label -> HTML in
            href == active ? "<li><a href=\"\(href: href)\" aria-current=\"page\">\(label)</a></li>" : "<li><a href=\"\(href: href)\">\(label)</a></li>"
        })
        let account: HTML = frame.user.map { user -> HTML in
            """
            <form method="post" action="/quan-tri/dang-xuat" class="actions">\(Field.csrf(frame.csrf))<span>\(user.displayName) · \(user.roleTitle)</span> <a href="/quan-tri/tai-khoan">Tài khoản</a> <a href="/quan-tri/mat-khau">Đổi mật khẩu</a> <button class="button" type="submit">Đăng xuất</button></form>
            """
        } ?? .empty
        let notice: HTML = frame.notice.map { "<p class=\"saved\" role=\"status\">\($0)</p>" } ?? .empty
        return """
            \(Layout.documentStart)
            <meta name="robots" content="noindex">
            <title>\(title) – Quản trị \(place)</title>
            <link rel="stylesheet" href="\(href: Stylesheet.path)">
            \(self.css)
            </head>
            <body class="console">
            <a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
            <header class="masthead"><div class="wrap">
            <a class="brand" href="/quan-tri">\(Stylesheet.emblem)<span><span class="brand-kicker">Quản trị</span><span class="brand-name">\(place)</span></span></a>
            \(account)
            </div></header>
            <nav class="menu" aria-label="Quản trị"><div class="wrap"><ul class="menu-wide" style="display:flex;flex-wrap:wrap">\(menu)</ul></div></nav>
            <main id="noi-dung" tabindex="-1"><div class="wrap">
            <h1>\(title)</h1>
            \(notice)\(main)
            </div></main>
            </body>
            </html>

            """
    }
}
