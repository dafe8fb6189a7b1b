"""Closed-loop benchmark on a live Ray Serve: the digits pipeline (examples/ray-serve) under the
same segment of the Twitter trace with three policies, one after the other, in one run:

  trimtab     `trimtab control` (forecast + exact pipeline planner, looping) through the ray_serve
              sink, starting from serve.yaml as shipped (linear/linear, one replica per stage);
  autoscale   Ray Serve's own autoscaler (`autoscaling_config`, `target_ongoing_requests`) with a
              fixed variant and batch setting;
  static      a fixed configuration sized for the peak (`--static-replicas` per stage).

The load: an open-loop asyncio client (aiohttp). For second k of the trace segment it sends
counts[k] requests at times drawn uniformly in [k, k+1) — given the count, the arrival times of a
Poisson process within the second — and never waits for an answer before the next send, so a slow
server meets the load the trace says, not a load slowed down by its own latency. Latency is taken
from the scheduled send time (no coordinated omission). A small asyncio client rather than locust:
one process, no extra package, exact per-second counts, and on a 2-core machine it leaves the
cores to Ray (locust's load shapes set users and spawn rates, not arrivals per second).

The trace is read with Trimtab's semantics (`PerSecondTrace`): per-second counts, a `.tbz2`
unpacked with tar, scaled by `--scale` from second 0 of the trace with the fraction carried
(second k gets floor(s·C_k) − floor(s·C_{k−1}), C the running total).

Per policy it reports: the share of requests over the SLO (at the client; failed or timed-out
requests count as over), p50/p95/p99 latency, reserved CPU-core-seconds (Σ over deployments of
replicas × ray_actor_options.num_cpus, sampled from the Serve REST API every second and integrated
over the sampling intervals), the mean accuracy of the requests served (the product of the held-out
accuracies, digits-pipeline.yaml, of the two variants each response names; and the share of right
digits on samples.json's held-out canvases), and the number of reconfigurations (samples whose
deployed replicas, CPUs or user_config differ from the sample before).

Needs Ray started with the example on PYTHONPATH, Prometheus scraping Ray (examples/ray-serve/
prometheus.yml) and a built `trimtab`. See bench/README.md for the command that produced
bench/ray-serve-results.md.
"""
import argparse
import asyncio
import copy
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

import aiohttp
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------- the trace, as Trimtab reads it

def read_trace(path):
    """Per-second counts of a trace file or a .tbz2/.tar.bz2/.tar.gz/.tgz archive of one file."""
    if path.lower().endswith((".tbz2", ".tar.bz2", ".tar.gz", ".tgz")):
        with tarfile.open(path) as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            if len(members) != 1:
                sys.exit(f"{path}: the archive holds {len(members)} files; expected one file of per-second counts")
            text = archive.extractfile(members[0]).read()
    else:
        with open(path, "rb") as f:
            text = f.read()
    return np.array(text.replace(b",", b" ").split(), dtype=np.int64)


def scaled(counts, scale):
    """Trimtab's scaling: floor(scale · running total) differences, from second 0."""
    total = np.floor(np.cumsum(counts).astype(np.float64) * scale)
    return np.diff(np.concatenate([[0.0], total])).astype(np.int64)


# ---------------------------------------------------------------- Serve configuration

def serve_config(app_dir, policy, args):
    """The Serve config (REST API JSON) each policy starts from."""
    with open(os.path.join(app_dir, "serve.yaml")) as f:
        config = yaml.safe_load(f)
    config["http_options"] = {"host": "127.0.0.1", "port": args.http_port}
    app = config["applications"][0]
    for deployment in app["deployments"]:
        if deployment["name"] not in ("locate", "classify"):
            continue
        if policy == "trimtab":
            continue  # serve.yaml as shipped: trimtab control takes it from there
        deployment["user_config"] = {"variant": args.variant, "max_batch_size": args.batch_size,
                                     "batch_wait_timeout_s": args.batch_wait_timeout_s}
        if policy == "static":
            deployment["num_replicas"] = args.static_replicas
        else:
            deployment.pop("num_replicas", None)
            deployment["autoscaling_config"] = {
                "min_replicas": 1, "max_replicas": args.max_replicas,
                "target_ongoing_requests": args.target_ongoing_requests,
                "upscale_delay_s": args.upscale_delay_s, "downscale_delay_s": args.downscale_delay_s,
            }
    return config


async def deploy(session, dashboard, config, timeout=600):
    """PUT the config and wait until the application is RUNNING with every replica running."""
    async with session.put(f"{dashboard}/api/serve/applications/", json=config) as r:
        if r.status >= 300:
            sys.exit(f"Ray rejected the config: HTTP {r.status}: {await r.text()}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        app = await application(session, dashboard)
        if app and app.get("status") == "RUNNING" and all(
                d.get("status") == "HEALTHY" and sum(r.get("state") == "RUNNING" for r in d.get("replicas", []))
                == d.get("target_num_replicas", 0) for d in app.get("deployments", {}).values()):
            return app
    sys.exit("the application did not reach RUNNING")


async def application(session, dashboard, name="digits"):
    try:
        async with session.get(f"{dashboard}/api/serve/applications/", timeout=aiohttp.ClientTimeout(total=10)) as r:
            body = await r.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    return (body.get("applications") or {}).get(name)


def snapshot(app):
    """What is deployed, per model deployment: replicas (any state), CPUs each, user_config."""
    out = {}
    for name, d in (app or {}).get("deployments", {}).items():
        config = d.get("deployment_config", {})
        cpus = (config.get("ray_actor_options") or {}).get("num_cpus", 1) or 0
        out[name] = {"replicas": len(d.get("replicas", [])), "target": d.get("target_num_replicas"),
                     "num_cpus": cpus, "user_config": config.get("user_config")}
    return out


# ---------------------------------------------------------------- one policy

async def sampler(session, dashboard, samples, stop):
    """Every second: the deployed replicas × CPUs (reserved cores) and the settings."""
    while not stop.is_set():
        started = time.monotonic()
        app = await application(session, dashboard)
        if app is not None:
            samples.append((time.time(), snapshot(app)))
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def one_request(session, url, sample, scheduled, results, timeout):
    try:
        async with session.post(url, json={"canvas": sample["canvas"]}, timeout=aiohttp.ClientTimeout(total=timeout)) as r:
            body = await r.json() if r.status == 200 else None
            ok = r.status == 200 and body is not None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok, body = False, None
    latency = (time.monotonic() - scheduled) * 1000
    results.append({"t": scheduled, "ms": latency, "ok": ok,
                    "variants": (body or {}).get("variants"),
                    "right": bool(body) and body.get("digit") == sample["digit"]})


async def replay(session, url, counts, samples, results, timeout, rng, measure_from):
    """Open loop: counts[k] requests uniformly in second k; results before `measure_from` (s) dropped."""
    start = time.monotonic() + 0.5
    tasks = []
    for k, n in enumerate(counts):
        for offset in sorted(rng.random() for _ in range(int(n))):
            at = start + k + offset
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            sink = results if k >= measure_from else []
            tasks.append(asyncio.create_task(one_request(session, url, rng.choice(samples), at, sink, timeout)))
    await asyncio.sleep(max(0.0, start + len(counts) - time.monotonic()))
    await asyncio.gather(*tasks)
    return start


def summarise(policy, results, samples, measure_start, measure_end, accuracy, slo_ms):
    lat = np.array([r["ms"] for r in results])
    over = sum(1 for r in results if not r["ok"] or r["ms"] > slo_ms)
    window = [(t, s) for t, s in samples if measure_start <= t <= measure_end]
    core_seconds = 0.0
    for (t0, s0), (t1, _) in zip(window, window[1:]):
        core_seconds += sum(d["replicas"] * d["num_cpus"] for d in s0.values()) * (t1 - t0)
    reconfigurations = sum(1 for (_, a), (_, b) in zip(window, window[1:])
                           if {k: (v["target"], v["num_cpus"], v["user_config"]) for k, v in a.items()}
                           != {k: (v["target"], v["num_cpus"], v["user_config"]) for k, v in b.items()})
    served = [r for r in results if r["ok"] and r["variants"]]
    composed = [accuracy["locate"][r["variants"]["locate"]] * accuracy["classify"][r["variants"]["classify"]] for r in served]
    mix = {}
    for r in served:
        key = f'{r["variants"]["locate"]}/{r["variants"]["classify"]}'
        mix[key] = mix.get(key, 0) + 1
    return {
        "policy": policy, "requests": len(results), "failed": sum(1 for r in results if not r["ok"]),
        "over_slo_share": over / max(1, len(results)),
        "p50_ms": float(np.percentile(lat, 50)) if len(lat) else None,
        "p95_ms": float(np.percentile(lat, 95)) if len(lat) else None,
        "p99_ms": float(np.percentile(lat, 99)) if len(lat) else None,
        "core_seconds": core_seconds, "sampled_seconds": (window[-1][0] - window[0][0]) if len(window) > 1 else 0,
        "samples": len(window),
        "accuracy_composed": float(np.mean(composed)) if composed else None,
        "accuracy_measured": sum(r["right"] for r in served) / max(1, len(served)),
        "reconfigurations": reconfigurations, "variant_mix": mix,
    }


async def run_policy(policy, args, counts, lead_in, canvases, accuracy, log, label=None):
    label = label or policy
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        log(f"{policy}: deploying")
        await deploy(session, args.dashboard, serve_config(args.app_dir, policy, args))
        await asyncio.sleep(args.settle_seconds)
        control = None
        if policy == "trimtab":
            control_log = open(os.path.join(args.work_dir, "trimtab-control.log"), "a")
            control = subprocess.Popen([args.trimtab, "control", args.control_config], stdout=control_log, stderr=control_log,
                                       cwd=args.work_dir)
        samples, stop = [], asyncio.Event()
        sampling = asyncio.create_task(sampler(session, args.dashboard, samples, stop))
        results = []
        log(f"{policy}: replaying {len(counts)} s ({lead_in} s lead-in, not measured), {int(sum(counts))} requests")
        start = await replay(session, args.endpoint, counts, canvases, results, args.timeout, random.Random(args.seed), lead_in)
        stop.set()
        await sampling
        if control is not None:
            control.send_signal(signal.SIGINT)
            try:
                control.wait(timeout=120)
            except subprocess.TimeoutExpired:
                control.kill()
                control.wait()
        epoch = time.time() - time.monotonic()
        summary = summarise(label, results, samples, epoch + start + lead_in, epoch + start + len(counts), accuracy, args.slo_ms)
        with open(os.path.join(args.work_dir, f"{label}-requests.jsonl"), "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")
        with open(os.path.join(args.work_dir, f"{label}-samples.jsonl"), "w") as f:
            for t, s in samples:
                f.write(json.dumps({"t": t, "deployments": s}) + "\n")
        log(f"{label}: {json.dumps(summary)}")
        return summary


def control_config(args):
    """control.yaml as shipped, pointed at this run's Prometheus, Ray and SLO."""
    with open(os.path.join(args.app_dir, "control.yaml")) as f:
        text = f.read()
    config = yaml.safe_load(text)
    config["workflow"] = os.path.abspath(args.workflow) if args.workflow else os.path.join(args.app_dir, "digits-pipeline.yaml")
    config["prometheus"]["url"] = args.prometheus
    config["sink"]["ray_serve"]["address"] = args.dashboard
    config["slo_ms"] = args.slo_ms
    if args.slo_percentile:
        config["slo_percentile"] = args.slo_percentile
    # Warm up on the lead-in only (not on an earlier policy's replay of the same segment).
    config["prometheus"]["history_seconds"] = max(args.lead_in, config.get("interval_seconds", 30))
    config["database"] = os.path.join(args.work_dir, "trimtab-history.sqlite")
    path = os.path.join(args.work_dir, "control-bench.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    return path


def table(rows, args):
    lines = ["| policy | requests | over SLO | p50 ms | p95 ms | p99 ms | core-seconds | accuracy (held-out, composed) | digits right | reconfigurations |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f'| {r["policy"]} | {r["requests"]} | {100 * r["over_slo_share"]:.2f}% | {r["p50_ms"]:.1f} | {r["p95_ms"]:.1f} | '
                     f'{r["p99_ms"]:.1f} | {r["core_seconds"]:.0f} | {r["accuracy_composed"]:.4f} | {r["accuracy_measured"]:.4f} | {r["reconfigurations"]} |')
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trace", default=os.path.join(ROOT, "..", "shared", "reference", "traces", "twitter_per_second.tbz2"))
    p.add_argument("--scale", type=float, default=0.125)
    p.add_argument("--start", type=int, required=True, help="first measured second of the trace")
    p.add_argument("--seconds", type=int, default=300, help="measured seconds per policy")
    p.add_argument("--lead-in", type=int, default=60, help="seconds before --start replayed first, not measured")
    p.add_argument("--policies", default="trimtab,autoscale,static")
    p.add_argument("--slo-ms", type=float, default=100)
    p.add_argument("--slo-percentile", type=float, default=None,
                   help="trimtab control plans this percentile of the latency (slo_percentile), not the mean")
    p.add_argument("--variant", default="svm", help="the fixed variant of autoscale and static")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--batch-wait-timeout-s", type=float, default=0.005)
    p.add_argument("--static-replicas", type=int, default=2)
    p.add_argument("--max-replicas", type=int, default=2)
    p.add_argument("--target-ongoing-requests", type=float, default=2)
    p.add_argument("--tune-targets", default="", help="target_ongoing_requests values to try first, e.g. 2,1,0.5")
    p.add_argument("--tune-seconds", type=int, default=120, help="measured seconds of each tuning trial (the busiest of the segment)")
    p.add_argument("--upscale-delay-s", type=float, default=30)
    p.add_argument("--downscale-delay-s", type=float, default=600)
    p.add_argument("--app-dir", default=os.path.join(ROOT, "examples", "ray-serve"))
    p.add_argument("--dashboard", default="http://127.0.0.1:8265")
    p.add_argument("--endpoint", default="http://127.0.0.1:8000/")
    p.add_argument("--http-port", type=int, default=8000)
    p.add_argument("--prometheus", default="http://127.0.0.1:9090")
    p.add_argument("--workflow", default=None, help="the workflow trimtab control plans with (default: the app dir's "
                   "digits-pipeline.yaml, train.py's offline tables; e.g. the one trimtab fit wrote from trimtab profile --ray-serve)")
    p.add_argument("--trimtab", default=os.path.join(ROOT, ".build", "release", "trimtab"))
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--settle-seconds", type=float, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work-dir", default=None)
    p.add_argument("--out", default=None, help="Markdown results file to write (the table, the command, the date)")
    args = p.parse_args()
    args.work_dir = args.work_dir or tempfile.mkdtemp(prefix="trimtab-bench-ray-")
    os.makedirs(args.work_dir, exist_ok=True)
    args.trimtab = os.path.abspath(args.trimtab)
    args.control_config = control_config(args)

    counts_all = scaled(read_trace(args.trace)[: args.start + args.seconds], args.scale)
    lead_in = min(args.lead_in, args.start)
    counts = counts_all[args.start - lead_in: args.start + args.seconds]
    measured = counts[lead_in:]
    with open(os.path.join(args.app_dir, "samples.json")) as f:
        canvases = json.load(f)
    with open(os.path.join(args.app_dir, "digits-pipeline.yaml")) as f:
        workflow = yaml.safe_load(f)
    accuracy = {s["name"]: {v["name"]: v["accuracy"] for v in s["variants"]} for s in workflow["stages"]}

    def log(message):
        line = f"{datetime.datetime.now().strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        with open(os.path.join(args.work_dir, "bench.log"), "a") as f:
            f.write(line + "\n")

    log(f"trace seconds {args.start}..{args.start + args.seconds} × {args.scale}: {int(measured.sum())} requests, "
        f"mean {measured.mean():.2f}/s, max {measured.max()}/s, min {measured.min()}/s; work dir {args.work_dir}")
    tuning = []
    if args.tune_targets:
        # As a user tunes the autoscaler: load-test the busiest window of the segment with each
        # target, from the default down, and keep the first (cheapest) whose share over the SLO is
        # at most 1 % (or the best one if none is).
        w = min(args.tune_seconds, args.seconds)
        sums = np.convolve(measured, np.ones(w, dtype=np.int64), mode="valid")
        busiest = int(np.argmax(sums))
        window = counts[busiest: busiest + lead_in + w]
        log(f"tuning target_ongoing_requests on trace seconds {args.start + busiest}..{args.start + busiest + w} "
            f"(after {lead_in} s lead-in): {args.tune_targets}")
        chosen = None
        for target in [float(t) for t in args.tune_targets.split(",")]:
            args.target_ongoing_requests = target
            trial = asyncio.run(run_policy("autoscale", args, window, lead_in, canvases, accuracy, log, label=f"tune-{target:g}"))
            trial["target_ongoing_requests"] = target
            tuning.append(trial)
            if trial["over_slo_share"] <= 0.01:
                chosen = target
                break
        if chosen is None:
            chosen = min(tuning, key=lambda t: t["over_slo_share"])["target_ongoing_requests"]
        args.target_ongoing_requests = chosen
        log(f"chosen target_ongoing_requests = {chosen:g}")
    rows = [asyncio.run(run_policy(policy, args, counts, lead_in, canvases, accuracy, log)) for policy in args.policies.split(",")]
    print(table(rows, args))
    with open(os.path.join(args.work_dir, "summary.json"), "w") as f:
        json.dump({"arguments": vars(args), "tuning": tuning, "rows": rows}, f, indent=2)
    if args.out:
        command = "python bench/ray_serve_closed_loop.py " + " ".join(sys.argv[1:])
        with open(args.out, "w") as f:
            f.write(f"# Ray Serve closed-loop benchmark\n\nRun {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} "
                    f"with\n\n    {command}\n\n"
                    f"Trace: Twitter seconds {args.start}–{args.start + args.seconds} × {args.scale} "
                    f"({int(measured.sum())} requests, mean {measured.mean():.2f}/s, peak {measured.max()}/s), "
                    f"{lead_in} s lead-in before each policy, not measured. SLO {args.slo_ms:g} ms at the client.\n\n"
                    + table(rows, args) + "\n\n"
                    + (f"Autoscaler tuning (busiest {min(args.tune_seconds, args.seconds)} s of the segment, each target "
                       f"from the default down until at most 1 % is over the SLO): "
                       + "; ".join(f'target {t["target_ongoing_requests"]:g}: {100 * t["over_slo_share"]:.2f}% over, '
                                   f'p99 {t["p99_ms"]:.1f} ms, {t["core_seconds"]:.0f} core-s' for t in tuning)
                       + f" → {args.target_ongoing_requests:g}.\n\n" if tuning else "")
                    + "Variant mix per policy (locate/classify: requests):\n\n"
                    + "\n".join(f'- {r["policy"]}: {r["variant_mix"]}' for r in rows) + "\n")


if __name__ == "__main__":
    main()
