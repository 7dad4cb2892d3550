import TenantCore

/// The one stylesheet of every commune site: mobile first, system fonts,
/// WCAG 2.1 AA contrast (body text 15.9:1, links 8.6:1, header 7.2:1), a
/// visible focus ring, a print layout. Served from memory under a
/// content-hashed name so browsers may cache it for a year.
enum Stylesheet {
    static let css = """
        :root{--red:#a50e0e;--red-dark:#7a0a0a;--ink:#1b1b1b;--muted:#4a4a4a;--line:#d6d6d6;--bg:#f6f4f0;--link:#0a4a8f;--focus:#ffbf47;--gold:#f6c945}
        *{box-sizing:border-box}
        html{font-size:100%;-webkit-text-size-adjust:100%}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.6}
        a{color:var(--link);text-underline-offset:.15em}
        a:hover{color:var(--red-dark)}
        :focus-visible{outline:3px solid var(--focus);outline-offset:2px;box-shadow:0 0 0 5px #1b1b1b}
        img{max-width:100%;height:auto}
        h1,h2,h3{line-height:1.3;color:var(--ink)}
        h1{font-size:1.6rem;margin:.2em 0 .5em}
        h2{font-size:1.25rem;margin:1.4em 0 .6em}
        h3{font-size:1.05rem;margin:1em 0 .3em}
        .wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
        .visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;border:0}
        .skip{position:absolute;left:-999px;top:0;background:var(--focus);color:#000;padding:.6rem 1rem;z-index:10;font-weight:700}
        .skip:focus{left:0}
        .notice{background:#fff4d6;border-bottom:2px solid #c98a00;padding:.6rem 0;color:#3d2b00}
        .notice p{margin:0}
        .masthead{background:var(--red);color:#fff;border-bottom:4px solid var(--gold)}
        .masthead a{color:#fff}
        .masthead .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.8rem 1.5rem;padding-top:.8rem;padding-bottom:.8rem}
        .brand{display:flex;align-items:center;gap:.8rem;color:#fff;text-decoration:none;flex:1 1 18rem}
        .brand:hover{color:#fff}
        .brand svg{flex:none;width:3.2rem;height:3.2rem}
        .brand-kicker{display:block;font-size:.8rem;letter-spacing:.04em;text-transform:uppercase}
        .brand-name{display:block;font-size:1.45rem;font-weight:700;line-height:1.2;text-transform:uppercase}
        .brand-parent{display:block;font-size:.9rem}
        .search{display:flex;flex:1 1 16rem;max-width:26rem}
        .search input{flex:1;min-width:0;font:inherit;padding:.5rem .7rem;border:2px solid #fff;border-radius:4px 0 0 4px}
        .search button,.button{font:inherit;font-weight:600;background:var(--gold);color:#1b1b1b;border:2px solid var(--gold);padding:.5rem .9rem;cursor:pointer}
        .search button{border-radius:0 4px 4px 0}
        .button{display:inline-block;border-radius:4px;text-decoration:none}
        .menu{background:var(--red-dark)}
        .menu ul{list-style:none;margin:0;padding:0}
        .menu a{display:block;color:#fff;text-decoration:none;padding:.55rem .7rem;font-weight:600;font-size:.95rem}
        .menu a:hover,.menu a[aria-current=page]{background:#fff;color:var(--red-dark)}
        .menu-wide{display:none}
        .menu details summary{color:#fff;font-weight:700;padding:.7rem 0;cursor:pointer}
        .menu details ul{display:grid;grid-template-columns:1fr 1fr;padding-bottom:.6rem}
        @media (min-width:60rem){.menu details{display:none}.menu-wide{display:flex;flex-wrap:wrap}}
        main{padding:1.2rem 0 2.5rem;background:#fff}
        main:focus{outline:none}
        .crumbs{font-size:.9rem;color:var(--muted);margin-bottom:.6rem}
        .crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}
        .crumbs li+li::before{content:"›";margin-right:.3rem}
        .layout{display:grid;gap:1.5rem}
        @media (min-width:60rem){.layout{grid-template-columns:2fr 1fr}}
        .panel{background:var(--bg);border-top:3px solid var(--red);padding:.2rem 1rem 1rem;margin-bottom:1.2rem}
        .panel h2{margin-top:.8rem}
        .items{list-style:none;margin:0;padding:0}
        .items li{padding:.7rem 0;border-bottom:1px solid var(--line)}
        .items li:last-child{border-bottom:0}
        .items h2,.items h3{margin:0 0 .2rem;font-size:1.05rem}
        .items p{margin:.2rem 0}
        .meta{color:var(--muted);font-size:.88rem}
        .tag{display:inline-block;font-size:.75rem;font-weight:700;padding:.05rem .45rem;border-radius:3px;background:#e8e8e8;color:#1b1b1b;vertical-align:middle}
        .tag-sample{background:#fde2b4;color:#4a2f00}
        .tag-full{background:#d7ecd9;color:#0e4a17}
        .tag-part{background:#dde7f5;color:#0a2f5f}
        .lead{font-size:1.1rem;font-weight:600}
        .prose{max-width:46rem}
        .prose table,.data{border-collapse:collapse;width:100%;margin:1rem 0}
        .data th,.data td,.prose th,.prose td{border:1px solid var(--line);padding:.45rem .6rem;text-align:left;vertical-align:top}
        .data th{background:var(--bg)}
        .table-scroll{overflow-x:auto;max-width:100%;position:relative}
        main .wrap,.footer .wrap{overflow-wrap:anywhere;min-width:0}
        .layout>*{min-width:0}
        main table{overflow-wrap:normal}
        .form-grid .check{display:flex;gap:.4rem;align-items:center}.form-grid .check input{width:auto}
        .badge{display:inline-block;background:#fff4d6;color:#1b1b1b;border:1px solid #8a6d00;border-radius:3px;padding:0 .3rem;font-size:.85em}
        .cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));list-style:none;padding:0}
        .cards li{border:1px solid var(--line);border-left:4px solid var(--red);padding:.6rem .9rem}
        .cards h3{margin:.1rem 0 .3rem}
        .cards p{margin:0;font-size:.92rem;color:var(--muted)}
        .schedule-day{margin:.8rem 0 .2rem;font-weight:700}
        .form-grid{display:grid;gap:.8rem;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));align-items:end;background:var(--bg);padding:1rem;margin:1rem 0}
        .form-grid label{display:block;font-weight:600;font-size:.92rem}
        .form-grid input,.form-grid select{width:100%;font:inherit;padding:.45rem;border:1px solid #767676;border-radius:3px;background:#fff}
        .pager{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:1.5rem 0}
        .pager a,.pager span{display:inline-block;min-width:2.4rem;text-align:center;padding:.35rem .6rem;border:1px solid var(--line);text-decoration:none}
        .pager [aria-current]{background:var(--red);color:#fff;border-color:var(--red)}
        .basis{font-size:.88rem;color:var(--muted);border-left:3px solid var(--line);padding-left:.7rem}
        .links{list-style:none;padding:0;margin:0}
        .links li{margin:.35rem 0}
        .footer{background:#2b2b2b;color:#f2f2f2;padding:1.5rem 0 2rem;font-size:.95rem}
        .footer a{color:#fff}
        .footer h2{color:#fff;font-size:1.05rem;margin:.4rem 0 .5rem}
        .footer .cols{display:grid;gap:1.2rem}
        @media (min-width:48rem){.footer .cols{grid-template-columns:2fr 1fr 1fr}}
        .footer p{margin:.2rem 0}
        .field{margin:0 0 1rem}.field label{display:block;font-weight:600}.field.check label{display:inline;font-weight:400}
        .field input[type=text],.field input[type=password],.field input[type=url],.field input[type=email],.field input[type=date],.field input[type=datetime-local],.field input[type=number],.field select,.field textarea{width:100%;max-width:46rem;font:inherit;padding:.45rem;border:1px solid #6b6b6b;border-radius:3px;background:#fff}
        .field [aria-invalid=true]{border:2px solid #b00020}
        .hint{display:block;color:#4a4a4a;font-size:.9rem}.error{display:block;color:#b00020;font-weight:700}
        .error-summary{border:3px solid #b00020;padding:.5rem 1rem;margin:1rem 0}.error-summary h2{margin:.3rem 0;font-size:1.1rem}
        .notice-box,.saved{border-left:5px solid #0e6b2a;background:#e8f5ec;padding:.6rem 1rem;margin:1rem 0}
        .code{font-size:1.4rem;letter-spacing:.08em}
        .portrait{float:right;margin:0 0 .5rem 1rem;border:1px solid var(--line)}
        .print-only{display:none}
        @media print{.masthead,.menu,.footer,.search,.no-print,.skip,.notice{display:none!important}.print-only{display:block}body{font-size:12pt;color:#000}a{color:#000}main{padding:0}}
        """

    /// Path with a content hash, so the file can be cached for a year.
    static let path = "/_static/site-\(String(FNV1a.hash(css.utf8), radix: 16)).css"

    /// The national emblem beside the issuing body's name (Circular
    /// 32/2017, Art. 16(3)): a yellow star on a red disc in a ring of gold
    /// rice ears, the cogwheel and the red ribbon, drawn small.
    static let emblem: HTML = """
        <svg viewBox="0 0 64 64" aria-hidden="true" focusable="false"><circle cx="32" cy="29" r="27" fill="#f2c230"/><g fill="#d9a514"><ellipse cx="27.7" cy="53.1" rx="1.6" ry="3.2" transform="rotate(190 27.7 53.1)"/><ellipse cx="20.9" cy="50.8" rx="1.6" ry="3.2" transform="rotate(207 20.9 50.8)"/><ellipse cx="15.0" cy="46.6" rx="1.6" ry="3.2" transform="rotate(224 15.0 46.6)"/><ellipse cx="10.6" cy="40.9" rx="1.6" ry="3.2" transform="rotate(241 10.6 40.9)"/><ellipse cx="8.0" cy="34.1" rx="1.6" ry="3.2" transform="rotate(258 8.0 34.1)"/><ellipse cx="7.6" cy="26.9" rx="1.6" ry="3.2" transform="rotate(275 7.6 26.9)"/><ellipse cx="9.3" cy="19.8" rx="1.6" ry="3.2" transform="rotate(292 9.3 19.8)"/><ellipse cx="13.0" cy="13.6" rx="1.6" ry="3.2" transform="rotate(309 13.0 13.6)"/><ellipse cx="18.3" cy="8.7" rx="1.6" ry="3.2" transform="rotate(326 18.3 8.7)"/><ellipse cx="36.3" cy="53.1" rx="1.6" ry="3.2" transform="rotate(170 36.3 53.1)"/><ellipse cx="43.1" cy="50.8" rx="1.6" ry="3.2" transform="rotate(153 43.1 50.8)"/><ellipse cx="49.0" cy="46.6" rx="1.6" ry="3.2" transform="rotate(136 49.0 46.6)"/><ellipse cx="53.4" cy="40.9" rx="1.6" ry="3.2" transform="rotate(119 53.4 40.9)"/><ellipse cx="56.0" cy="34.1" rx="1.6" ry="3.2" transform="rotate(102 56.0 34.1)"/><ellipse cx="56.4" cy="26.9" rx="1.6" ry="3.2" transform="rotate(85 56.4 26.9)"/><ellipse cx="54.7" cy="19.8" rx="1.6" ry="3.2" transform="rotate(68 54.7 19.8)"/><ellipse cx="51.0" cy="13.6" rx="1.6" ry="3.2" transform="rotate(51 51.0 13.6)"/><ellipse cx="45.7" cy="8.7" rx="1.6" ry="3.2" transform="rotate(34 45.7 8.7)"/></g><circle cx="32" cy="27" r="18" fill="#da251d"/><polygon fill="#ffde00" points="32.0,15.0 34.8,23.1 43.4,23.3 36.6,28.5 39.1,36.7 32.0,31.8 24.9,36.7 27.4,28.5 20.6,23.3 29.2,23.1"/><g fill="#b8860b"><rect x="36.9" y="46.7" width="2.6" height="2.6" transform="rotate(0 38.2 48.0)"/><rect x="35.1" y="51.1" width="2.6" height="2.6" transform="rotate(45 36.4 52.4)"/><rect x="30.7" y="52.9" width="2.6" height="2.6" transform="rotate(90 32.0 54.2)"/><rect x="26.3" y="51.1" width="2.6" height="2.6" transform="rotate(135 27.6 52.4)"/><rect x="24.5" y="46.7" width="2.6" height="2.6" transform="rotate(180 25.8 48.0)"/><rect x="26.3" y="42.3" width="2.6" height="2.6" transform="rotate(225 27.6 43.6)"/><rect x="30.7" y="40.5" width="2.6" height="2.6" transform="rotate(270 32.0 41.8)"/><rect x="35.1" y="42.3" width="2.6" height="2.6" transform="rotate(315 36.4 43.6)"/><circle cx="32" cy="48" r="5.6"/></g><circle cx="32" cy="48" r="2.2" fill="#f2c230"/><path d="M11 50q21 9 42 0v5q-21 9-42 0z" fill="#da251d"/></svg>
        """

    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#c8102e"/><polygon fill="#f6c945" points="32,13 37.3,26.7 52,27.4 40.6,36.6 44.5,50.9 32,42.8 19.5,50.9 23.4,36.6 12,27.4 26.7,26.7"/></svg>
        """
}
