"""A bounded loopback load on `trimtab serve`: N concurrent clients POST plan requests of the
examples for T seconds while a probe asks /healthz ten times a second; the server's resident
memory is sampled from /proc.

    python3 bench/http_load.py --url http://127.0.0.1:8080 --pid SERVER_PID [--clients 20] [--seconds 30]

Plain asyncio streams and HTTP/1.1 keep-alive, no dependency beyond Python: what matters is the
server, and a client that opens one connection per request would measure connection set-up.
Prints one JSON object: requests, throughput (req/s), latency p50/p95/p99/max (ms), statuses,
/healthz p50/p99/max (ms) under load, and peak resident memory (MiB).
"""
import argparse
import asyncio
import json
import os
import statistics
import time

EXAMPLES = ["slapp-app3.yaml", "image-tagging.yaml", "video-pipeline.yaml", "sim-three-stage.yaml", "speech-batching.yaml"]


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(q / 100 * (len(values) - 1)))))
    return values[k]


async def request(reader, writer, host, path, body):
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/yaml\r\nContent-Length: {len(body)}\r\n\r\n"
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status


async def client(host, port, bodies, deadline, latencies, statuses, index):
    reader, writer = await asyncio.open_connection(host, port)
    i = index
    while time.monotonic() < deadline:
        body = bodies[i % len(bodies)]
        i += 1
        start = time.monotonic()
        try:
            status = await request(reader, writer, f"{host}:{port}", "/v1/plan", body)
        except (ConnectionError, asyncio.IncompleteReadError):
            statuses["connection error"] = statuses.get("connection error", 0) + 1
            reader, writer = await asyncio.open_connection(host, port)
            continue
        latencies.append((time.monotonic() - start) * 1000)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    writer.close()


async def probe(host, port, deadline, latencies):
    while time.monotonic() < deadline:
        start = time.monotonic()
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        await reader.read()
        writer.close()
        latencies.append((time.monotonic() - start) * 1000)
        await asyncio.sleep(0.1)


async def memory(pid, deadline, peak):
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except FileNotFoundError:
            return
        await asyncio.sleep(0.25)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--examples", default=os.path.join(os.path.dirname(__file__), "..", "examples"))
    args = parser.parse_args()
    host, port = args.url.split("//")[1].split(":")
    port = int(port.rstrip("/"))
    bodies = [open(os.path.join(args.examples, name), "rb").read() for name in EXAMPLES]
    deadline = time.monotonic() + args.seconds
    latencies, statuses, health, peak = [], {}, [], [0.0]
    start = time.monotonic()
    await asyncio.gather(*[client(host, port, bodies, deadline, latencies, statuses, i) for i in range(args.clients)],
                         probe(host, port, deadline, health), memory(args.pid, deadline, peak))
    elapsed = time.monotonic() - start
    print(json.dumps({
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
                       "max": max(latencies) if latencies else None},
        "statuses": statuses,
        "healthz_ms": {"p50": percentile(health, 50), "p99": percentile(health, 99), "max": max(health) if health else None,
                       "probes": len(health)},
        "peak_rss_mib": round(peak[0], 1),
    }))


asyncio.run(main())
