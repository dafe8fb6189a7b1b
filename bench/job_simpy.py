#!/usr/bin/env python3
"""Cross-check of `trimtab job simulate` against a SimPy model of the same worker pool.

1. Deterministic split times: SimPy and trimtab must give the same makespan and cost for the
   static and dynamic policies (to 1e-9) on a grid of job shapes.
2. Random split times (log-normal x Pareto stragglers, each side with its own generator):
   makespan p50/p99 and mean cost over SEEDS seeds, and the wall time of each tool.

Usage: bench/job_simpy.py [SEEDS]   (uses $TRIMTAB or .build/release/trimtab or .build/debug/trimtab)
Requires: pip install simpy
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

import simpy

HERE = os.path.dirname(os.path.abspath(__file__))
TRIMTAB = os.environ.get("TRIMTAB") or next(
    p for p in [os.path.join(HERE, "../.build/release/trimtab"), os.path.join(HERE, "../.build/debug/trimtab")] if os.path.exists(p))

# Worker model: the 3008 MB setup of examples/image-job.yaml (fitted from Obi-FaaS's summary.json),
# with 100 ms billing and a request fee so that rounding is exercised.
INIT, OVERHEAD, PER_SPLIT, PER_ITEM = 4.592, 0.9233, 0.05, 0.1308
MEMORY, PRICE_GBS, PRICE_REQ, GRANULARITY_MS = 3008, 0.0000166667, 0.0000002, 100
MODEL = f"""
platform: {{price_per_gb_second: {PRICE_GBS}, price_per_request: {PRICE_REQ}, billing_granularity_ms: {GRANULARITY_MS}}}
split_sizes: [8, 32]
workers:
  - memory_mb: {MEMORY}
    init_s: {INIT}
    overhead_s: {OVERHEAD}
    split_s: {{per_split: {PER_SPLIT}, per_item: {PER_ITEM}}}
"""


def billed(seconds):
    steps = math.ceil(seconds * 1000 / GRANULARITY_MS * (1 - 1e-12))
    return max(steps, 0) * GRANULARITY_MS / 1000


def simulate(n, s, w, policy, sigma, p, xm, alpha, seed):
    """Makespan and cost of one job, simulated with SimPy."""
    rng = random.Random(seed)
    env = simpy.Environment()
    splits = (n + s - 1) // s

    def split_time(items):
        f = math.exp(rng.gauss(0, sigma)) if sigma > 0 else 1.0
        if p > 0 and rng.random() < p:
            f *= xm * (1 - rng.random()) ** (-1 / alpha)
        return (PER_SPLIT + PER_ITEM * items) * f

    ends, lifetimes = [], []

    def static_worker(items):
        yield env.timeout(INIT)
        while items > 0:
            k = min(s, items)
            yield env.timeout(split_time(k))
            items -= k
        ends.append(env.now)
        lifetimes.append(env.now)

    queue = simpy.Store(env)
    for i in range(splits):
        queue.put(i)

    def dynamic_worker():
        yield env.timeout(INIT)
        while queue.items:
            i = yield queue.get()
            k = s if i < splits - 1 else n - (splits - 1) * s
            yield env.timeout(split_time(k))
            ends.append(env.now)
        lifetimes.append(env.now)

    if policy == "static":
        workers = min(w, n)
        for i in range(workers):
            env.process(static_worker(n // workers + (1 if i < n % workers else 0)))
    else:
        for _ in range(min(w, splits)):
            env.process(dynamic_worker())
    env.run()
    seconds = sum(billed(t + OVERHEAD) for t in lifetimes)
    cost = seconds * MEMORY / 1024 * PRICE_GBS + len(lifetimes) * PRICE_REQ
    return max(ends), cost


def trimtab(model, n, s, workers, seeds, sigma, p, xm, alpha):
    args = [TRIMTAB, "job", "simulate", "--model", model, "--items", str(n), "--split-size", str(s),
            "--workers", ",".join(map(str, workers)), "--seeds", str(seeds), "--sigma", str(sigma),
            "--straggler-probability", str(p), "--straggler-factor", str(xm), "--tail-alpha", str(alpha), "--format", "json"]
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["results"], time.perf_counter() - t0


def percentile(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(MODEL)
        model = f.name
    print(f"trimtab: {TRIMTAB}")

    # 1. Deterministic: exact agreement.
    worst = 0.0
    checked = 0
    for n in [1, 31, 1000, 20000]:
        for s in [8, 32]:
            rows, _ = trimtab(model, n, s, [1, 7, 50, 300], 1, 0, 0, 3, 1.5)
            for row in rows:
                if row["policy"] == "speculative":
                    continue
                mk, cost = simulate(n, s, row["workers"], row["policy"], 0, 0, 3, 1.5, 1)
                worst = max(worst, abs(mk - row["makespan_p50_s"]), abs(cost - row["mean_cost_usd"]))
                checked += 1
    print(f"deterministic: {checked} (shape, policy) pairs, largest difference trimtab vs SimPy = {worst:.3g}")

    # 2. Random split times: distributions and wall time.
    n, s, workers = 20000, 32, [50, 100, 300]
    sigma, p, xm, alpha = 0.2, 0.01, 3, 1.5
    rows, t_trimtab = trimtab(model, n, s, workers, seeds, sigma, p, xm, alpha)
    t0 = time.perf_counter()
    simpy_rows = []
    for w in workers:
        for policy in ["static", "dynamic"]:
            runs = [simulate(n, s, w, policy, sigma, p, xm, alpha, seed) for seed in range(1, seeds + 1)]
            mks = [r[0] for r in runs]
            simpy_rows.append((w, policy, percentile(mks, 0.5), percentile(mks, 0.99), sum(r[1] for r in runs) / seeds))
    t_simpy = time.perf_counter() - t0
    print(f"random split times: N={n}, split {s}, sigma {sigma}, stragglers p={p} x Pareto(min {xm}, alpha {alpha}), {seeds} seeds")
    print(f"{'workers':>7} {'policy':<8} {'p50 trimtab':>11} {'p50 SimPy':>9} {'p99 trimtab':>11} {'p99 SimPy':>9} {'cost trimtab':>12} {'cost SimPy':>10}")
    for (w, policy, p50, p99, cost) in simpy_rows:
        row = next(r for r in rows if r["workers"] == w and r["policy"] == policy)
        print(f"{w:>7} {policy:<8} {row['makespan_p50_s']:>11.2f} {p50:>9.2f} {row['makespan_p99_s']:>11.2f} {p99:>9.2f} "
              f"{row['mean_cost_usd']:>12.4f} {cost:>10.4f}")
    print(f"wall time: trimtab {t_trimtab:.2f} s for static+dynamic+speculative; SimPy {t_simpy:.2f} s for static+dynamic")
    os.unlink(model)


if __name__ == "__main__":
    main()
