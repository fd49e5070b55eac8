#!/usr/bin/env python3
"""Measures a large project import into a running ftth-acceptd (issue 12, defect 3).

Starts the daemon from --bin on a fresh store in a temporary directory, seeds it with
--seed-projects projects (files of 1,000 through `ftthctl import projects`), then:

1. generates a CSV of --projects projects, one 1:8 splitter each (400,000 projects are about
   30 MB and 3.2 M ports), and POSTs it to /v1/projects/import, printing the answer's status
   and time, the daemon's peak RSS during the import (VmRSS of /proc/PID/status every 50 ms),
   and the time of a PATCH /v1/projects/{code} and a GET /v1/projects issued every second
   while the import runs;
2. times GET /v1/projects afterwards (size of the answer);
3. runs wrk against GET /v1/projects at --connections connections for --wrk-seconds seconds.

Works against any build of the daemon (the `limit` query of the paged API is ignored by an
older one), so the same command measures main and a branch. Standard library only.

  scripts/import-bench.py --bin .build/release --projects 400000 --import-limits raised
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HEADER = "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio\n"


def csv_rows(prefix, count, olt_base):
    """`count` projects of one 1:8 splitter each, 16 splitters (128 ports) per PON port."""
    for i in range(count):
        pon_index, _ = divmod(i, 16)
        olt, pon = divmod(pon_index, 256)
        slot, port = divmod(pon, 16)
        a, b = divmod(olt + olt_base, 250)
        yield (
            f"{prefix}{i:07d},Bench project {i},OLT-{a}-{b},10.{a}.{b}.1,huawei-ma5800,"
            f"0/{slot + 1}/{port},{100 + slot},SP-{i},1:8\n"
        )


def write_csv(path, prefix, count, olt_base):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for row in csv_rows(prefix, count, olt_base):
            f.write(row)
    return os.path.getsize(path)


def request(base, token, method, path, body=None, content_type=None, timeout=900):
    req = urllib.request.Request(base + path, data=body, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if content_type:
        req.add_header("Content-Type", content_type)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        data = e.read()
        status = e.code
    except Exception as e:  # a timeout or a reset: reported as status 0
        data = str(e).encode()
        status = 0
    return status, time.monotonic() - start, data


def rss_kib(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="directory holding ftth-acceptd and ftthctl")
    ap.add_argument("--projects", type=int, default=400_000, help="projects in the imported CSV (0: no import)")
    ap.add_argument("--seed-projects", type=int, default=1000, help="projects stored before the import")
    ap.add_argument("--import-limits", choices=["default", "raised"], default="default",
                    help="raised: [import] limits high enough to take the whole file")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--wrk-seconds", type=int, default=15)
    ap.add_argument("--wrk-timeout", default="30s")
    ap.add_argument("--port", type=int, default=18480)
    ap.add_argument("--store", help="use this existing store (no seeding): to run another build on the same data")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="ftth-import-bench-")
    config = os.path.join(work, "acceptd.toml")
    with open(config, "w") as f:
        store = os.path.abspath(args.store) if args.store else f"{work}/store.sqlite"
        f.write(f'[api]\nhost = "127.0.0.1"\nport = {args.port}\n\n[store]\npath = "{store}"\n')
        if args.import_limits == "raised":
            f.write("\n[import]\nmax_file_bytes = 1073741824\nmax_rows = 10000000\nmax_projects = 1000000\n")
    ctl = os.path.join(args.bin, "ftthctl")
    daemon_bin = os.path.join(args.bin, "ftth-acceptd")

    seeded = 0
    while seeded < args.seed_projects and not args.store:
        n = min(1000, args.seed_projects - seeded)
        seed = os.path.join(work, f"seed-{seeded}.csv")
        write_csv(seed, f"S{seeded // 1000:03d}-", n, olt_base=10_000 + seeded // 4096)
        subprocess.run([ctl, "import", "projects", "--config", config, seed], check=True, stdout=subprocess.DEVNULL)
        seeded += n
    token = subprocess.run(
        [ctl, "token", "create", "--config", config, "--name", f"bench-{os.getpid()}", "--role", "admin"],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    log = open(os.path.join(work, "daemon.log"), "w")
    daemon = subprocess.Popen([daemon_bin, "--config", config], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(200):
            status, _, _ = request(base, token, "GET", "/v1/openapi.yaml", timeout=2)
            if status == 200:
                break
            time.sleep(0.1)
        else:
            sys.exit(f"the daemon did not answer on {base}; its log: {log.name}")
        print(f"daemon pid {daemon.pid}, store {store}, {seeded} projects seeded, "
              f"RSS {rss_kib(daemon.pid) / 1024:.1f} MiB")

        if args.projects > 0:
            big = os.path.join(work, "big.csv")
            size = write_csv(big, "B", args.projects, olt_base=0)
            print(f"CSV: {args.projects} projects, {args.projects * 8} ports, {size / 1e6:.1f} MB")
            with open(big, "rb") as f:
                body = f.read()
            done = threading.Event()
            peak = [rss_kib(daemon.pid)]
            probes = {"PATCH": [], "GET": []}

            def watch_rss():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_kib(daemon.pid))
                    time.sleep(0.05)

            def probe():
                n = 0
                while not done.wait(1.0):
                    n += 1
                    s, t, _ = request(base, token, "PATCH", "/v1/projects/S000-0000001",
                                      json.dumps({"name": f"Seed renamed {n}"}).encode(), "application/json", 900)
                    probes["PATCH"].append((s, t))
                    s, t, _ = request(base, token, "GET", "/v1/projects?limit=100", timeout=900)
                    probes["GET"].append((s, t))

            threads = [threading.Thread(target=watch_rss), threading.Thread(target=probe)]
            for t in threads:
                t.start()
            status, elapsed, answer = request(base, token, "POST", "/v1/projects/import", body, "text/csv", 1800)
            done.set()
            for t in threads:
                t.join()
            print(f"import: HTTP {status} in {elapsed:.2f} s; {answer[:300].decode(errors='replace')}")
            print(f"daemon peak RSS during the import: {peak[0] / 1024:.1f} MiB "
                  f"(VmHWM {rss_kib(daemon.pid, 'VmHWM') / 1024:.1f} MiB)")
            for name, samples in probes.items():
                if samples:
                    times = [t for _, t in samples]
                    statuses = sorted({s for s, _ in samples})
                    print(f"concurrent {name} during the import: {len(samples)} requests, statuses {statuses}, "
                          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")

        status, elapsed, answer = request(base, token, "GET", "/v1/projects", timeout=900)
        print(f"GET /v1/projects: HTTP {status} in {elapsed * 1000:.0f} ms, {len(answer) / 1e6:.2f} MB")

        if args.wrk_seconds > 0:
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.wrk_seconds}s", "--latency",
                 "--timeout", args.wrk_timeout, "-H", f"Authorization: Bearer {token}", base + "/v1/projects"],
                capture_output=True, text=True).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
            p99 = re.search(r"99%\s+(\S+)", out)
            errors = re.search(r"Socket errors:.*|Non-2xx.*", out)
            print(f"wrk GET /v1/projects, {args.connections} connections, {args.wrk_seconds} s: "
                  f"{rps.group(1) if rps else '?'} requests/s, p99 {p99.group(1) if p99 else '?'}"
                  + (f" ({errors.group(0)})" if errors else ""))
        print(f"peak RSS of the daemon over the run (VmHWM): {rss_kib(daemon.pid, 'VmHWM') / 1024:.1f} MiB")
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
    print(f"files kept in {work}")


if __name__ == "__main__":
    main()
