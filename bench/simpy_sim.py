#!/usr/bin/env python3
"""The simulation benchmark's workflow, written with SimPy (PyPI), for `trimtab-bench sim`.

Models exactly what Trimtab's simulator does in serverless mode for a workflow of stages joined
by branches (no parallel fan-out): arrivals from a per-second trace, spread uniformly at random
within each second; at each stage the most recently idle warm instance serves the request, or a
new one starts and pays the cold start; instances idle for longer than the keep-alive are
reclaimed; a concurrency limit queues requests FIFO; service times are lognormal with the
stage's mean and coefficient of variation; every invocation is billed (granularity applied,
cold start included). The model (stages, branches, prices) comes as JSON from the benchmark,
so both simulators run the same model.

Prints one JSON object: requests, model events (arrivals + service completions, the same count
Trimtab's engine reports), wall and CPU seconds, events per second, mean/p99 latency, cold starts, cost.
"""
import argparse
import collections
import json
import math
import random
import time

import simpy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trace", required=True, help="per-second counts (workload.txt)")
    ap.add_argument("--seconds", type=int, required=True, help="simulate the first SECONDS of the trace")
    ap.add_argument("--model", required=True, help="model JSON written by trimtab-bench")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with open(args.model) as f:
        model = json.load(f)
    with open(args.trace) as f:
        counts = [int(x) for x in f.read().split()[: args.seconds]]

    random.seed(args.seed)
    env = simpy.Environment()
    price_gb_s = model["price_per_gb_second"]
    price_req = model["price_per_request"]
    granularity = model["billing_granularity_ms"]

    class Stage:
        def __init__(self, spec):
            self.mean = spec["mean_ms"] / 1000.0
            self.sigma = math.sqrt(math.log(1 + spec["cv"] ** 2))
            self.mu = math.log(self.mean) - self.sigma ** 2 / 2
            self.cold = spec["cold_start_ms"] / 1000.0
            self.keep_alive = spec["keep_alive_s"]
            self.memory_gb = spec["memory_mb"] / 1024.0
            limit = spec["concurrency_limit"]
            self.slots = simpy.Resource(env, capacity=limit) if limit else None
            self.idle = collections.deque()  # times at which instances went idle, oldest first
            self.targets = [t for t, _ in spec["next"]]
            cumulative, acc = [], 0.0
            for _, p in spec["next"]:
                acc += p
                cumulative.append(acc)
            cumulative[-1] = 1.0
            self.cumulative = cumulative

    stages = [Stage(s) for s in model["stages"]]
    start = model["start"]
    stats = {"events": 0, "cold": 0, "cost": 0.0}
    latencies = []

    def serve(stage):
        now = env.now
        idle = stage.idle
        while idle and idle[0] + stage.keep_alive < now:
            idle.popleft()
        if idle:
            idle.pop()
            cold = False
        else:
            cold = True
            stats["cold"] += 1
        duration = random.lognormvariate(stage.mu, stage.sigma) + (stage.cold if cold else 0.0)
        billed = math.ceil(duration * 1000 / granularity * (1 - 1e-12)) * granularity
        stats["cost"] += price_gb_s * stage.memory_gb * billed / 1000 + price_req
        yield env.timeout(duration)
        stats["events"] += 1
        idle.append(env.now)

    def request(arrival):
        s = start
        while s >= 0:
            stage = stages[s]
            if stage.slots is None:
                yield from serve(stage)
            else:
                with stage.slots.request() as slot:
                    yield slot
                    yield from serve(stage)
            u = random.random()
            k = 0
            while u >= stage.cumulative[k]:
                k += 1
            s = stage.targets[k]
        latencies.append(env.now - arrival)

    def arrivals():
        for second, n in enumerate(counts):
            for u in sorted(random.random() for _ in range(n)):
                t = second + u
                yield env.timeout(t - env.now)
                stats["events"] += 1
                env.process(request(t))

    env.process(arrivals())
    began = time.perf_counter()
    cpu_began = time.process_time()
    env.run()
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    latencies.sort()
    n = len(latencies)
    print(json.dumps({
        "requests": n,
        "events": stats["events"],
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "events_per_second": stats["events"] / wall,
        "mean_ms": 1000 * sum(latencies) / n,
        "p99_ms": 1000 * latencies[min(n - 1, int(math.ceil(0.99 * n)) - 1)],
        "cold_starts": stats["cold"],
        "cost_per_million_usd": stats["cost"] / n * 1e6,
    }))


if __name__ == "__main__":
    main()
