"""Large plans against `trimtab serve`: two concurrent plans of a large workflow while a probe asks
/healthz ten times a second (2 s timeout each); after --sigterm-after seconds the server gets
SIGTERM and the time until it exits is measured.

    python3 bench/http_heavy.py --url http://127.0.0.1:8080 --pid SERVER_PID --workflow big.yaml

Prints one JSON object: each plan's status and seconds, /healthz p50/p99/max (ms) and timeouts
while they ran, peak resident memory (MiB), and the seconds from SIGTERM to exit.
"""
import argparse
import json
import os
import signal
import threading
import time
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--workflow", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--sigterm-after", type=float, default=20)
    args = parser.parse_args()
    body = open(args.workflow, "rb").read()
    plans, health, timeouts, peak = [], [], [0], [0.0]
    stop = time.monotonic() + args.seconds

    def plan():
        start = time.monotonic()
        try:
            request = urllib.request.Request(args.url + "/v1/plan", data=body, method="POST")
            with urllib.request.urlopen(request, timeout=600) as r:
                status = r.status
                answer = json.load(r).get("status")
        except urllib.error.HTTPError as e:
            status, answer = e.code, None
        except Exception as e:  # the server went away (SIGTERM) or the socket timed out
            status, answer = "error: %s" % type(e).__name__, None
        plans.append({"http": status, "status": answer, "seconds": round(time.monotonic() - start, 2)})

    def probe():
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                urllib.request.urlopen(args.url + "/healthz", timeout=2).read()
                health.append((time.monotonic() - start) * 1000)
            except Exception:
                timeouts[0] += 1
            time.sleep(0.1)

    def memory():
        while time.monotonic() < stop + 5:
            try:
                with open(f"/proc/{args.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except FileNotFoundError:
                return
            time.sleep(0.25)

    threads = [threading.Thread(target=plan) for _ in range(2)] + [threading.Thread(target=probe), threading.Thread(target=memory)]
    for t in threads:
        t.start()
    time.sleep(args.sigterm_after)
    os.kill(args.pid, signal.SIGTERM)
    sent = time.monotonic()
    exit_seconds = None
    while time.monotonic() - sent < 120:
        if not os.path.exists(f"/proc/{args.pid}") or open(f"/proc/{args.pid}/stat").read().split()[2] == "Z":
            exit_seconds = round(time.monotonic() - sent, 2)
            break
        time.sleep(0.05)
    if exit_seconds is None:
        os.kill(args.pid, signal.SIGKILL)
    for t in threads:
        t.join(timeout=30)
    health.sort()
    pick = lambda q: round(health[min(len(health) - 1, int(q / 100 * (len(health) - 1)))], 1) if health else None
    print(json.dumps({"plans": plans, "healthz_ms": {"p50": pick(50), "p99": pick(99), "max": round(max(health), 1) if health else None,
                                                    "answered": len(health), "timeouts": timeouts[0]},
                      "peak_rss_mib": round(peak[0], 1), "sigterm_to_exit_s": exit_seconds}))


main()
