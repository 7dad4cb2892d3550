#!/usr/bin/python3
"""Load for deploy/drill: writers into commune schemas through HAProxy, and
readers of commune pages through nginx's TLS. Loopback only, bounded in time.

  drill.py writers --dsn DSN --schemas c_1,c_2 --threads N --seconds S --acks FILE --out JSON [--stop FILE]
  drill.py readers --hosts FILE --port 8443 --ca CA --threads N --seconds S --out JSON [--stop FILE]
  drill.py verify  --dsn DSN --acks FILE [--since EPOCH] [--until EPOCH] --out JSON
  drill.py editor  --host HOST --commune-id ID --port 8443 --ca CA --user U --password-file F --seconds S --out JSON
  drill.py editors --hosts FILE --port 8443 --ca CA --user U --password-file F --seconds S --acks FILE --out JSON [--stop FILE]

Editors work in the console, on the console host (--console-host, the
hosts' ADMIN_HOST), at /quan-tri/bien-tap/<commune's unit id>/; --hosts
of editors has one "HOST<TAB>UNIT_ID" line per commune.
  drill.py verify-titles --dsn DSN --acks FILE --out JSON [--shard-dsn NAME=DSN]
"""

import argparse
import http.client
import json
import os
import random
import socket
import ssl
import sys
import threading
import time
import urllib.parse

import psycopg2


def made_by_nginx(response, body):
    """An answer nginx made itself rather than a tenant-host: the platform's
    error page of the front (X-Front-Error, deploy/front-config) or one of
    nginx's built-in pages (they end with <center>nginx</center>)."""
    if response.getheader("X-Front-Error"):
        return True
    if isinstance(body, bytes):
        return b"<center>nginx</center>" in body
    return "<center>nginx</center>" in body


def loopback_only(host):
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"drill load only targets loopback, not {host}")


def stopped(args, deadline):
    return time.time() >= deadline or (args.stop and os.path.exists(args.stop))


def writers(args):
    schemas = args.schemas.split(",")
    deadline = time.time() + args.seconds
    lock = threading.Lock()
    acks = open(args.acks, "a", buffering=1)
    events = []          # (time, ok, kind)
    def worker(n):
        rnd = random.Random(n)
        conn = None
        while not stopped(args, deadline):
            schema = rnd.choice(schemas)
            try:
                if conn is None:
                    conn = psycopg2.connect(args.dsn, connect_timeout=2, application_name="drill-writer")
                    conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("SET statement_timeout = '5s'")
                    cur.execute(
                        f"INSERT INTO {schema}.entries (section_id, title, status, author) "
                        "VALUES (4, %s, 'draft', 'drill') RETURNING id",
                        (f"drill write {time.time():.3f}",))
                    new_id = cur.fetchone()[0]
                now = time.time()
                with lock:
                    acks.write(f"{schema} {new_id} {now:.3f}\n")
                    events.append((now, True, ""))
                time.sleep(args.pause)
            except Exception as e:  # any failure: count it, reconnect
                now = time.time()
                kind = type(e).__name__ + ": " + str(e).strip().split("\n")[0][:80]
                with lock:
                    events.append((now, False, kind))
                try:
                    if conn is not None:
                        conn.close()
                except Exception:
                    pass
                conn = None
                time.sleep(0.1)
        if conn is not None:
            conn.close()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads: t.start()
    for t in threads: t.join()
    acks.close()
    events.sort()
    ok_times = [t for t, ok, _ in events if ok]
    errors = {}
    for _, ok, kind in events:
        if not ok:
            errors[kind] = errors.get(kind, 0) + 1
    # The longest stretch without an acknowledged write (the outage as writers saw it).
    gap, gap_from = 0.0, None
    bounds = ok_times + [min(time.time(), deadline)]  # writes that never resumed count up to the end
    for a, b in zip(bounds, bounds[1:]):
        if b - a > gap:
            gap, gap_from = b - a, a
    first_error = next((t for t, ok, _ in events if not ok), None)
    resumed = next((t for t in ok_times if first_error and t > first_error), None)
    json.dump({"acked": len(ok_times), "errors": sum(errors.values()), "error_kinds": errors,
               "longest_gap_s": round(gap, 2), "gap_from": gap_from,
               "first_error": first_error, "resumed": resumed}, open(args.out, "w"), indent=1)


def readers(args):
    hosts = [h.strip() for h in open(args.hosts) if h.strip()]
    loopback_only(args.address)
    ctx = ssl.create_default_context(cafile=args.ca)
    deadline = time.time() + args.seconds
    lock = threading.Lock()
    counts, errors, timeline = {}, {}, {}
    caches, front = {}, {"count": 0, "by_status": {}, "first": None, "last": None}
    def worker(n):
        rnd = random.Random(1000 + n)
        conn = None
        while not stopped(args, deadline):
            host = rnd.choice(hosts)
            sec = int(time.time())
            try:
                if conn is None:
                    # SNI (and certificate check) of the first host's zone; the
                    # Host header of each request picks the commune.
                    conn = http.client.HTTPSConnection(args.address, args.port, context=ctx, timeout=10)
                    sock = socket.create_connection((args.address, args.port), timeout=10)
                    conn.sock = ctx.wrap_socket(sock, server_hostname=hosts[0])
                path = rnd.choice(args.paths)
                if args.vary:
                    # A query no cache has seen: the page is made from PostgreSQL.
                    path += ("&" if "?" in path else "?") + "r=%d" % rnd.randrange(10**9)
                headers = {"Host": host}
                if args.cookie:
                    headers["Cookie"] = args.cookie
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                body = r.read()
                key = str(r.status)
                cache = r.getheader("X-Cache", "-") or "-"
                by_nginx = made_by_nginx(r, body)
                with lock:
                    caches[cache] = caches.get(cache, 0) + 1
                    if by_nginx:
                        now = time.time()
                        front["count"] += 1
                        front["by_status"][key] = front["by_status"].get(key, 0) + 1
                        front["first"] = front["first"] or now
                        front["last"] = now
                if by_nginx:
                    key += " nginx"
                if r.getheader("connection", "").lower() == "close":
                    conn.close(); conn = None
            except Exception as e:
                key = "exception " + type(e).__name__
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
                time.sleep(0.05)
            with lock:
                counts[key] = counts.get(key, 0) + 1
                slot = timeline.setdefault(sec, {})
                slot[key] = slot.get(key, 0) + 1
            if args.pause:
                time.sleep(args.pause)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads: t.start()
    for t in threads: t.join()
    total = sum(counts.values())
    failed = sum(v for k, v in counts.items() if not (k.startswith("2") or k.startswith("3")))
    bad_seconds = sorted(s for s, c in timeline.items() if any(not (k.startswith("2") or k.startswith("3")) for k in c))
    json.dump({"requests": total, "failed": failed, "by_status": counts, "by_cache": caches,
               "made_by_nginx": front["count"], "made_by_nginx_by_status": front["by_status"],
               "made_by_nginx_first": front["first"], "made_by_nginx_last": front["last"],
               "not_200": sum(v for k, v in counts.items() if k != "200"),
               "failed_seconds": [(s, timeline[s]) for s in bad_seconds][:20]}, open(args.out, "w"), indent=1)


def verify(args):
    rows = [l.split() for l in open(args.acks) if l.strip()]
    rows = [(s, int(i), float(t)) for s, i, t in rows
            if (args.since is None or float(t) >= args.since) and (args.until is None or float(t) <= args.until)]
    by_schema = {}
    for s, i, _ in rows:
        by_schema.setdefault(s, set()).add(i)
    conn = psycopg2.connect(args.dsn, connect_timeout=5)
    missing = {}
    with conn.cursor() as cur:
        for s, ids in by_schema.items():
            cur.execute(f"SELECT id FROM {s}.entries WHERE id = ANY(%s) AND author = 'drill'", (list(ids),))
            found = {r[0] for r in cur.fetchall()}
            if ids - found:
                missing[s] = sorted(ids - found)
    conn.close()
    lost = sum(len(v) for v in missing.values())
    missing = {s: v[:10] for s, v in missing.items()}
    json.dump({"checked": len(rows), "schemas": len(by_schema), "lost": lost, "missing": missing}, open(args.out, "w"), indent=1)


class Session:
    """One visitor of one commune host through nginx's TLS: a kept
    connection and the cookies the site set (a console login). Answers
    made by nginx itself are counted in Session.made_by_nginx (all
    sessions)."""

    made_by_nginx = {}
    _lock = threading.Lock()

    def __init__(self, address, port, ctx, host, timeout=10):
        self.address, self.port, self.ctx, self.host, self.timeout = address, port, ctx, host, timeout
        self.cookies = {}
        self.conn = None

    def close(self):
        try:
            self.conn and self.conn.close()
        except Exception:
            pass
        self.conn = None

    def request(self, method, path, form=None, anonymous=False):
        """(status, X-Cache, body); `anonymous` sends no cookie and keeps none."""
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.address, self.port, context=self.ctx, timeout=self.timeout)
            sock = socket.create_connection((self.address, self.port), timeout=self.timeout)
            # http.client sends a request's headers and body in two writes;
            # without TCP_NODELAY, Nagle and the peer's delayed ACK hold the
            # second one back for 40 ms.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conn.sock = self.ctx.wrap_socket(sock, server_hostname=self.host)
        headers = {"Host": self.host}
        if self.cookies and not anonymous:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        if made_by_nginx(r, data):
            with Session._lock:
                key = f"{method} {r.status}"
                Session.made_by_nginx[key] = Session.made_by_nginx.get(key, 0) + 1
        for name, value in r.getheaders():
            if name.lower() == "set-cookie" and not anonymous:
                k, _, v = value.split(";")[0].partition("=")
                if "Max-Age=0" in value:
                    self.cookies.pop(k, None)
                else:
                    self.cookies[k] = v
        return r.status, r.getheader("X-Cache", ""), data

    def login(self, user, password):
        """Logs in on the console (this session's host is the console host)."""
        _, _, page = self.request("GET", "/quan-tri/dang-nhap")
        status, _, _ = self.request("POST", "/quan-tri/dang-nhap",
                                    [("_csrf", csrf(page)), ("ten", user), ("mat-khau", password), ("tiep", "/quan-tri")])
        return status


def csrf(html):
    marker = 'name="_csrf" value="'
    i = html.find(marker)
    return html[i + len(marker):html.find('"', i + len(marker))] if i >= 0 else ""


def editor(args):
    """An editor publishing through nginx (in the console, on the console
    host) while readers keep the commune's home page in nginx's cache. After
    each publish returns, the home page is read through nginx at once, by
    the editor (the same visitor, at once: must show the new title) and by
    another visitor (without cookies: polled until it shows it, which
    measures how late another host hears of the change)."""
    loopback_only(args.address)
    ctx = ssl.create_default_context(cafile=args.ca)
    console = Session(args.address, args.port, ctx, args.console_host)
    session = Session(args.address, args.port, ctx, args.host)
    request = session.request
    base = f"/quan-tri/bien-tap/{args.commune_id}"
    password = open(args.password_file).read().strip()
    status = console.login(args.user, password)
    if status != 303:
        sys.exit(f"login as {args.user} on {args.console_host} answered {status}")
    deadline = time.time() + args.seconds
    writes = stale = errors = hits_before = visitor_late = 0
    write_ms, visitor_lag_ms = [], []
    stale_titles = []
    n = 0
    while time.time() < deadline:
        n += 1
        try:
            _, cache, _ = request("GET", "/", anonymous=True)
            hits_before += cache == "HIT"
            _, _, form = console.request("GET", base + "/bai/moi?chuyen-muc=4&loai=article")
            title = f"Tin kiểm tra bộ đệm {int(time.time())}-{n}"
            t0 = time.time()
            status, _, page = console.request("POST", base + "/bai", [
                ("_csrf", csrf(form)), ("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", title),
                ("tom-tat", "Bài đăng của diễn tập bộ đệm."), ("noi-dung", "Nội dung."), ("dinh-dang", "markdown"),
                ("dang", "dang")])
            if status != 303:
                errors += 1
                continue
            write_ms.append((time.time() - t0) * 1000)
            writes += 1
            _, _, home = request("GET", "/")
            if title not in home:
                stale += 1
                stale_titles.append(title)
            # Another visitor, right after: fresh at once, or how many ms later.
            _, _, home = request("GET", "/", anonymous=True)
            if title not in home:
                t1 = time.time()
                while title not in home and time.time() - t1 < 5:
                    time.sleep(0.002)
                    _, _, home = request("GET", "/", anonymous=True)
                visitor_late += 1
                visitor_lag_ms.append((time.time() - t1) * 1000 if title in home else float("inf"))
        except Exception as e:
            errors += 1
            session.close()
            console.close()
        time.sleep(args.pause)
    write_ms.sort()
    visitor_lag_ms.sort()
    json.dump({"writes": writes, "stale": stale, "errors": errors, "home_hits_before_write": hits_before,
               "visitor_late": visitor_late,
               "visitor_never": sum(1 for lag in visitor_lag_ms if lag == float("inf")),
               "visitor_lag_max_ms": round(min(visitor_lag_ms[-1], 99999), 1) if visitor_lag_ms else 0,
               "write_p50_ms": round(write_ms[len(write_ms) // 2], 1) if write_ms else None,
               "write_p99_ms": round(write_ms[min(len(write_ms) - 1, len(write_ms) * 99 // 100)], 1) if write_ms else None,
               "write_max_ms": round(write_ms[-1], 1) if write_ms else None,
               "stale_titles": stale_titles[:10]}, open(args.out, "w"), indent=1)


def editors(args):
    """Editors publishing news on many communes through nginx and the
    console (on the console host), one logged-in session per editor, with a
    province administrator's account. Every publish answered 303 is written
    to --acks (host, title) for verify-titles."""
    loopback_only(args.address)
    hosts = [tuple(l.split()) for l in open(args.hosts) if l.strip()]
    ctx = ssl.create_default_context(cafile=args.ca)
    password = open(args.password_file).read().strip()
    deadline = time.time() + args.seconds
    lock = threading.Lock()
    acks = open(args.acks, "a", buffering=1)
    stats = {"writes": 0, "errors": 0, "kinds": {}}
    write_ms = []
    ack_times = []

    def worker(n):
        rnd = random.Random(2000 + n)
        session = None  # on the console host, logged in

        k = 0
        while not stopped(args, deadline):
            host, commune_id = rnd.choice(hosts)
            base = f"/quan-tri/bien-tap/{commune_id}"
            k += 1
            try:
                if session is None:
                    session = Session(args.address, args.port, ctx, args.console_host, timeout=15)
                    status = session.login(args.user, password)
                    if status != 303:
                        raise RuntimeError(f"login answered {status}")
                _, _, form = session.request("GET", base + "/bai/moi?chuyen-muc=4&loai=article")
                title = f"Tin diễn tập {n}-{k}-{int(time.time() * 1000)}"
                t0 = time.time()
                status, _, _ = session.request("POST", base + "/bai", [
                    ("_csrf", csrf(form)), ("chuyen-muc", "4"), ("loai", "article"), ("tieu-de", title),
                    ("tom-tat", "Bài của diễn tập chuyển cụm."), ("noi-dung", "Nội dung."), ("dinh-dang", "markdown"),
                    ("dang", "dang")])
                if status != 303:
                    raise RuntimeError(f"publish answered {status}")
                with lock:
                    write_ms.append((time.time() - t0) * 1000)
                    ack_times.append(time.time())
                    stats["writes"] += 1
                    acks.write(f"{host}\t{title}\n")
            except Exception as e:
                kind = type(e).__name__ + ": " + str(e).strip().split("\n")[0][:80]
                with lock:
                    stats["errors"] += 1
                    stats["kinds"][kind] = stats["kinds"].get(kind, 0) + 1
                if session is not None:
                    session.close()
                session = None
                time.sleep(0.1)
            time.sleep(args.pause)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads: t.start()
    for t in threads: t.join()
    acks.close()
    write_ms.sort()
    ack_times.sort()
    json.dump({"writes": stats["writes"], "errors": stats["errors"], "error_kinds": stats["kinds"],
               "write_p50_ms": round(write_ms[len(write_ms) // 2], 1) if write_ms else None,
               "write_p99_ms": round(write_ms[int(len(write_ms) * 0.99)], 1) if write_ms else None,
               "write_p99_ms": round(write_ms[min(len(write_ms) - 1, len(write_ms) * 99 // 100)], 1) if write_ms else None,
               "write_max_ms": round(write_ms[-1], 1) if write_ms else None,
               "made_by_nginx": sum(Session.made_by_nginx.values()), "made_by_nginx_by_kind": Session.made_by_nginx,
               "ack_times": [round(t, 3) for t in ack_times]}, open(args.out, "w"), indent=1)


def verify_titles(args):
    """Each acknowledged publish is in its commune's schema, on whichever
    cluster the catalogue now places it."""
    rows = [l.rstrip("\n").split("\t") for l in open(args.acks) if l.strip()]
    main = psycopg2.connect(args.dsn, connect_timeout=5)
    clusters = {"main": main}
    where = {}
    with main.cursor() as cur:
        cur.execute("SELECT d.host, t.schema_name, t.shard FROM platform.domains d JOIN platform.tenants t ON t.unit_id = d.tenant_id")
        for host, schema, shard in cur.fetchall():
            where[host] = (schema, shard)
        cur.execute("SELECT name FROM platform.shards WHERE name <> 'main'")
        for (name,) in cur.fetchall():
            dsn = args.shard_dsn.get(name)
            if dsn:
                clusters[name] = psycopg2.connect(dsn, connect_timeout=5)
    missing = []
    by_cluster = {}
    for host, title in rows:
        schema, shard = where[host]
        with clusters[shard].cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {schema}.entries WHERE title = %s", (title,))
            if cur.fetchone()[0] != 1:
                missing.append((host, title))
        by_cluster[shard] = by_cluster.get(shard, 0) + 1
    for c in clusters.values():
        c.close()
    json.dump({"checked": len(rows), "lost": len(missing), "missing": missing[:10], "by_cluster": by_cluster},
              open(args.out, "w"), indent=1)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("writers")
    w.add_argument("--dsn", required=True); w.add_argument("--schemas", required=True)
    w.add_argument("--threads", type=int, default=4); w.add_argument("--seconds", type=float, required=True)
    w.add_argument("--pause", type=float, default=0.02)
    w.add_argument("--acks", required=True); w.add_argument("--out", required=True); w.add_argument("--stop")
    r = sub.add_parser("readers")
    r.add_argument("--hosts", required=True); r.add_argument("--address", default="127.0.0.1")
    r.add_argument("--port", type=int, default=8443); r.add_argument("--ca", required=True)
    r.add_argument("--threads", type=int, default=4); r.add_argument("--seconds", type=float, required=True)
    r.add_argument("--paths", nargs="+", default=["/"]); r.add_argument("--pause", type=float, default=0.0)
    r.add_argument("--out", required=True); r.add_argument("--stop")
    r.add_argument("--cookie"); r.add_argument("--vary", action="store_true")
    m = sub.add_parser("editors")
    m.add_argument("--hosts", required=True); m.add_argument("--address", default="127.0.0.1")
    m.add_argument("--console-host", default="quan-tri.localhost")
    m.add_argument("--port", type=int, default=8443); m.add_argument("--ca", required=True)
    m.add_argument("--user", required=True); m.add_argument("--password-file", required=True)
    m.add_argument("--threads", type=int, default=2); m.add_argument("--seconds", type=float, required=True)
    m.add_argument("--pause", type=float, default=0.1); m.add_argument("--acks", required=True)
    m.add_argument("--out", required=True); m.add_argument("--stop")
    t = sub.add_parser("verify-titles")
    t.add_argument("--dsn", required=True); t.add_argument("--acks", required=True); t.add_argument("--out", required=True)
    t.add_argument("--shard-dsn", action="append", default=[], help="NAME=DSN of another cluster")
    v = sub.add_parser("verify")
    v.add_argument("--dsn", required=True); v.add_argument("--acks", required=True)
    v.add_argument("--since", type=float); v.add_argument("--until", type=float); v.add_argument("--out", required=True)
    e = sub.add_parser("editor")
    e.add_argument("--host", required=True); e.add_argument("--address", default="127.0.0.1")
    e.add_argument("--commune-id", required=True, type=int); e.add_argument("--console-host", default="quan-tri.localhost")
    e.add_argument("--port", type=int, default=8443); e.add_argument("--ca", required=True)
    e.add_argument("--user", required=True); e.add_argument("--password-file", required=True)
    e.add_argument("--seconds", type=float, required=True); e.add_argument("--pause", type=float, default=0.2)
    e.add_argument("--out", required=True)
    args = p.parse_args()
    if args.cmd == "verify-titles":
        args.shard_dsn = dict(x.split("=", 1) for x in args.shard_dsn)
    if args.cmd in ("writers", "verify", "verify-titles"):
        dsn_host = psycopg2.extensions.parse_dsn(args.dsn).get("host", "")
        loopback_only(dsn_host)
    {"writers": writers, "readers": readers, "verify": verify, "editor": editor, "editors": editors,
     "verify-titles": verify_titles}[args.cmd](args)


if __name__ == "__main__":
    main()
