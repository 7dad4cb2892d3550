#!/usr/bin/env python3
"""Fills a tenant-host page cache: every commune's pages, once each.

    bench/warm.py PORT HOSTS_FILE PATH [PATH ...]

Uses two keep-alive connections at a time; prints how many pages it read
and exits non-zero if any answered other than 200.
"""
import http.client
import sys
import threading


def warm(port, hosts, paths, failures):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for host in hosts:
        for path in paths:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{host}{path}: {response.status}")


def main():
    port, hosts_file, paths = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    hosts = [line.strip() for line in open(hosts_file, encoding="utf-8") if line.strip()]
    failures = []
    threads = [threading.Thread(target=warm, args=(port, hosts[i::2], paths, failures)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"[bench] warmed {len(hosts) * len(paths)} pages over {len(hosts)} communes", file=sys.stderr)
    if failures:
        print("\n".join(failures[:10]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
