#!/usr/bin/env python3
"""The slowloris case of issue 12 against ftth-acceptd: N half-open connections (half a header,
then one more header line every second, never the blank line) while a client on another address
keeps asking GET /v1/projects on fresh connections. The daemon runs with `ulimit -n` NOFILE.

Prints: how many half-open connections the daemon refused at once, how many it closed by its
header timeout and when, how many stayed open past the timeout (should be 0), the other client's
answers (status counts, p50/p99/max latency, failures), the daemon's CPU time and its peak of open
descriptors. Standard library only.

    scripts/slowloris.py --daemon .build/debug/ftth-acceptd --ftthctl .build/debug/ftthctl \
        [--half-open 1000] [--nofile 1024] [--header-timeout 10] [--attack-sources 1]
"""
import argparse
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stats(pid):
    """CPU seconds (user + system) and open descriptors of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return cpu, fds


def ask(port, token, source):
    """One GET /v1/projects on a fresh connection from `source`: (status or error, seconds)."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0)) as s:
            s.sendall(f"GET /v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                      "Connection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "closed"
    except OSError as e:
        status = type(e).__name__
    return status, time.monotonic() - start


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--daemon", required=True)
    parser.add_argument("--ftthctl", required=True)
    parser.add_argument("--half-open", type=int, default=1000)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument("--header-timeout", type=float, default=10)
    parser.add_argument("--attack-sources", type=int, default=1,
                        help="spread the half-open connections over this many loopback addresses (127.0.1.x)")
    parser.add_argument("--extra", type=float, default=5, help="seconds to watch past the header timeout")
    args = parser.parse_args()
    # This script holds every half-open connection itself: raise its own soft limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.half_open + 256)), hard))

    work = tempfile.mkdtemp(prefix="ftth-slowloris-")
    store = os.path.join(work, "store.sqlite")
    port = free_port()
    config = os.path.join(work, "acceptd.toml")
    with open(config, "w") as f:
        f.write(f'[api]\nhost = "127.0.0.1"\nport = {port}\nheader_timeout_s = {args.header_timeout}\n'
                f'[store]\npath = "{store}"\n')
    created = subprocess.run([args.ftthctl, "token", "create", "--name", "bench", "--role", "crew", "--store", store],
                             check=True, capture_output=True, text=True).stdout
    token = next(w for w in created.split() if w.startswith("ftth_"))

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, args.nofile))

    log = open(os.path.join(work, "acceptd.log"), "w")
    daemon = subprocess.Popen([args.daemon, "--config", config], preexec_fn=limit, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while ask(port, token, "127.0.0.2")[0] != "200":
            if time.monotonic() > deadline or daemon.poll() is not None:
                sys.exit(f"the daemon did not answer on port {port}: see {log.name}")
            time.sleep(0.2)
        cpu0, fds0 = proc_stats(daemon.pid)

        # The attack: half a header on each connection.
        sel = selectors.DefaultSelector()
        opened, failed_to_open = {}, 0
        t0 = time.monotonic()
        for i in range(args.half_open):
            source = f"127.0.1.{i % args.attack_sources + 1}"
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
                s.sendall(b"GET /v1/projects HTTP/1.1\r\nHost: x\r\n")
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ)
                opened[s] = time.monotonic()
            except OSError:
                failed_to_open += 1
        attack_open = time.monotonic() - t0

        closed_at = {}
        answers = []
        peak_fds = fds0
        next_ask = next_trickle = time.monotonic()
        end = t0 + args.header_timeout + args.extra
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_ask:
                answers.append(ask(port, token, "127.0.0.2"))
                next_ask = now + 0.25
            if now >= next_trickle:
                for s in list(opened):
                    if s not in closed_at:
                        try:
                            s.send(b"X-Trickle: 1\r\n")
                        except OSError:
                            pass
                next_trickle = now + 1
                peak_fds = max(peak_fds, proc_stats(daemon.pid)[1])
            for key, _ in sel.select(timeout=0.05):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    closed_at[s] = time.monotonic() - opened[s]
                    sel.unregister(s)
        cpu1, _ = proc_stats(daemon.pid)

        # The attack loop notices a refusal only once every connection is open: anything closed
        # before half the timeout was refused, the rest timed out.
        refused = [t for t in closed_at.values() if t < args.header_timeout / 2]
        timed_out = sorted(t for t in closed_at.values() if t >= args.header_timeout / 2)
        still_open = len(opened) - len(closed_at)
        statuses = {}
        for status, _ in answers:
            statuses[status] = statuses.get(status, 0) + 1
        ok = [t * 1000 for status, t in answers if status == "200"]
        print(f"daemon: ulimit -n {args.nofile}, header_timeout_s {args.header_timeout}, "
              f"attack from {args.attack_sources} address(es)")
        print(f"half-open connections: {len(opened)} opened in {attack_open:.2f} s ({failed_to_open} could not connect)")
        print(f"  refused at once (closed before half the timeout; noticed within {max(refused, default=0):.2f} s): {len(refused)}")
        if timed_out:
            print(f"  closed by the header timeout: {len(timed_out)}, after {timed_out[0]:.2f}-{timed_out[-1]:.2f} s "
                  f"(median {percentile(timed_out, 50):.2f} s)")
        else:
            print("  closed by the header timeout: 0")
        print(f"  still open {args.header_timeout + args.extra:.0f} s after the attack began: {still_open}")
        print(f"other client (127.0.0.2, one GET /v1/projects every 0.25 s): {len(answers)} requests, "
              f"statuses {statuses}")
        print(f"  200 latency ms: p50 {percentile(ok, 50):.1f}, p99 {percentile(ok, 99):.1f}, max {max(ok, default=float('nan')):.1f}")
        print(f"daemon CPU during the attack: {cpu1 - cpu0:.2f} s over {time.monotonic() - t0:.1f} s; "
              f"open descriptors: {fds0} before, peak {peak_fds}")
        for s in opened:
            s.close()
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()


if __name__ == "__main__":
    main()
