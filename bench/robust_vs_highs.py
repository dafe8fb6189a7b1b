#!/usr/bin/env python3
"""Robustness benchmark of the exact planner against HiGHS (scipy.optimize.milp), same run.

For every family x stages x objective, runs `trimtab-bench robust-cell` (its own process, so its
peak memory is its own): each seed's workflow planned for the objective with each subset of the
other two bounds (bounds drawn between the extremes: odd seeds tight, even seeds loose). The
series-parallel instances (chains and fan-outs without branches or loops) are exported, and
HiGHS solves their exact MILP here (a start time per stage, one binary per option; product
accuracy in logs) with mip_rel_gap 1e-9, so both sides prove optimality. Prints the table.

usage: python3 bench/robust_vs_highs.py [--bench .build/release/trimtab-bench] [--seeds 10]
           [--stages 60,100,200] [--chain-stages 1000] [--general-stages 60,100]
           [--families chain,chain-shared,sp-shallow,sp-deep,general] [--time-limit 60]
           [--explain-cells sp-shallow:60,chain:100] [--raw results.jsonl]
       python3 bench/robust_vs_highs.py --markdown RAW.jsonl...   (markdown tables from --raw files)
"""
import argparse
import json
import math
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


def solve_highs(inst, objective, bounds, time_limit):
    """The exact MILP of a series-parallel workflow without branches. Returns (seconds, status, value)."""
    stages = inst["stages"]
    index = {s["name"]: i for i, s in enumerate(stages)}
    x0 = []  # first option variable of each stage
    nx = 0
    for s in stages:
        x0.append(nx)
        nx += len(s["options"])
    ns = len(stages)
    nvar = nx + ns + 1  # options, start times, L
    L = nx + ns
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def add(entries, lb, ub):
        nonlocal r
        for c, v in entries:
            rows.append(r); cols.append(c); vals.append(v)
        lo.append(lb); hi.append(ub)
        r += 1

    for i, s in enumerate(stages):
        add([(x0[i] + k, 1.0) for k in range(len(s["options"]))], 1, 1)

    def finish(u):  # S_u + sum_k t_uk x_uk, as (column, coefficient) terms
        i = index[u]
        return [(nx + i, 1.0)] + [(x0[i] + k, o[0]) for k, o in enumerate(stages[i]["options"])]

    for a, b in inst["edges"]:
        if a == "start":
            continue  # S_b >= 0 is a variable bound
        terms = [(c, -v) for c, v in finish(a)]
        target = L if b == "end" else nx + index[b]
        add([(target, 1.0)] + terms, 0, np.inf)
    c_cost = np.zeros(nvar); c_lat = np.zeros(nvar); c_acc = np.zeros(nvar)
    for i, s in enumerate(stages):
        for k, o in enumerate(s["options"]):
            c_cost[x0[i] + k] = o[1]
            c_acc[x0[i] + k] = math.log(o[2])
    c_lat[L] = 1
    if "cost_per_million_usd" in bounds:
        add([(j, c_cost[j]) for j in range(nx) if c_cost[j] != 0], -np.inf, bounds["cost_per_million_usd"])
    if "accuracy" in bounds:
        add([(j, c_acc[j]) for j in range(nx) if c_acc[j] != 0], math.log(bounds["accuracy"]), np.inf)
    upper = np.full(nvar, np.inf)
    upper[:nx] = 1
    if "latency_ms" in bounds:
        upper[L] = bounds["latency_ms"]
    integrality = np.zeros(nvar); integrality[:nx] = 1
    c = {"cost": c_cost, "latency": c_lat, "accuracy": -c_acc}[objective]
    A = coo_matrix((vals, (rows, cols)), shape=(r, nvar)).tocsr()
    t0 = time.perf_counter()
    res = milp(c, constraints=LinearConstraint(A, lo, hi), integrality=integrality,
               bounds=Bounds(np.zeros(nvar), upper),
               options={"time_limit": time_limit, "mip_rel_gap": 1e-9})
    seconds = time.perf_counter() - t0
    if res.status == 2:
        return seconds, "infeasible", None
    if res.status != 0 or res.x is None:
        return seconds, "unproven" if res.status == 1 else "error", None
    xs = res.x
    value = {"cost": float(c_cost @ xs), "latency": float(xs[L]), "accuracy": math.exp(float(c_acc @ xs))}[objective]
    return seconds, "optimal", value


def run_cell(args, family, n, objective, explain):
    cmd = [args.bench, "robust-cell", family, str(n), objective, str(args.seeds), "--time-limit", str(args.time_limit), "--export"]
    if explain:
        cmd.append("--explain")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    records, peak = [], None
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        o = json.loads(line)
        if "peak_rss_mib" in o:
            peak = o["peak_rss_mib"]
        else:
            records.append(o)
    return records, peak


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def markdown(paths):
    """Markdown tables from --raw files: per family x stages x goal, and per family x stages."""
    recs = [json.loads(line) for path in paths for line in open(path) if line.strip()]
    nan = float("nan")

    def stats(rs):
        ts = [r["seconds"] for r in rs]
        hs = [r["highs_seconds"] for r in rs if "highs_seconds" in r]
        ratios = [r["highs_seconds"] / max(r["seconds"], 1e-6) for r in rs if "highs_seconds" in r]
        st = {}
        for r in rs:
            st[r["status"]] = st.get(r["status"], 0) + 1
        dis = sum(1 for r in rs if r.get("agree") is False)
        unproven = sum(1 for r in rs if r.get("highs_status") == "unproven")
        f = lambda x: "–" if x != x else f"{x:.3f}"
        g = lambda x: "–" if x != x else f"{x:.1f}"
        return [str(len(rs)), f(med(ts)), f(max(ts)), f(med(hs)), f(max(hs) if hs else nan), g(med(ratios)),
                "–" if not ratios else f"{min(ratios):.2f}", f"{max(r['peak_rss_mib'] or 0 for r in rs):.0f}",
                " ".join(f"{k} {v}" for k, v in sorted(st.items())) + (f", disagree {dis}" if dis else "")
                + (f", HiGHS unproven {unproven}" if unproven else "")]

    head = "| family | stages | goal | n | median s | worst s | HiGHS median s | HiGHS worst s | ratio (median of HiGHS/Trimtab) | least ratio | peak MiB | statuses |"
    print(head)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    keys = []
    for r in recs:
        k = (r["family"], r["stages"], r["objective"], "+".join(r["mix"]) or "none")
        if k not in keys:
            keys.append(k)
    for k in keys:
        rs = [r for r in recs if (r["family"], r["stages"], r["objective"], "+".join(r["mix"]) or "none") == k]
        goal = {"cost": "min cost", "latency": "min latency", "accuracy": "max accuracy"}[k[2]] + ("" if k[3] == "none" else "; " + k[3].replace("_per_million_usd", "").replace("_ms", ""))
        print(f"| {k[0]} | {k[1]} | {goal} | " + " | ".join(stats(rs)) + " |")
    print()
    print("| family | stages | n | median s | worst s | HiGHS median s | HiGHS worst s | ratio (median) | least ratio | peak MiB | statuses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    fk = []
    for r in recs:
        if (r["family"], r["stages"]) not in fk:
            fk.append((r["family"], r["stages"]))
    for k in fk:
        rs = [r for r in recs if (r["family"], r["stages"]) == k]
        print(f"| {k[0]} | {k[1]} | " + " | ".join(stats(rs)) + " |")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--markdown":
        markdown(sys.argv[2:])
        return
    p = argparse.ArgumentParser()
    p.add_argument("--bench", default=".build/release/trimtab-bench")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--stages", default="60,100,200")
    p.add_argument("--chain-stages", default="1000")
    p.add_argument("--general-stages", default="60,100")
    p.add_argument("--families", default="chain,chain-shared,sp-shallow,sp-deep,general")
    p.add_argument("--objectives", default="cost,latency,accuracy")
    p.add_argument("--time-limit", type=float, default=60)
    p.add_argument("--explain-cells", default="sp-shallow:60,sp-shallow:200,chain:100",
                   help="family:stages cells whose optimal plans are also explained (the explanation's overhead)")
    p.add_argument("--raw", default=None, help="write every instance's record (without the instance) here")
    args = p.parse_args()
    ints = lambda s: [int(x) for x in s.split(",") if x]
    explain_cells = set(args.explain_cells.split(",")) if args.explain_cells else set()
    raw = open(args.raw, "w") if args.raw else None
    rows = []
    print("family        stages objective mix                        n  trimtab_med_s trimtab_max_s highs_med_s highs_max_s ratio_med ratio_min peak_MiB statuses", flush=True)
    for family in args.families.split(","):
        sizes = ints(args.general_stages) if family == "general" else ints(args.stages) + (ints(args.chain_stages) if family.startswith("chain") else [])
        for n in sizes:
            for objective in args.objectives.split(","):
                records, peak = run_cell(args, family, n, objective, f"{family}:{n}" in explain_cells)
                by_mix = {}
                for rec in records:
                    inst = rec.pop("instance", None)
                    if inst is not None:
                        hs, hstatus, hvalue = solve_highs(inst, objective, rec["bounds"], args.time_limit)
                        rec.update(highs_seconds=hs, highs_status=hstatus, highs_value=hvalue)
                        if rec["status"] == "optimal" and hstatus == "optimal":
                            v = rec["value"]
                            rec["agree"] = abs(v - hvalue) <= 1e-6 * max(1.0, abs(v))
                        elif rec["status"] in ("optimal", "infeasible") and hstatus in ("optimal", "infeasible"):
                            rec["agree"] = rec["status"] == hstatus
                    rec["peak_rss_mib"] = peak
                    if raw:
                        raw.write(json.dumps(rec) + "\n")
                        raw.flush()
                    by_mix.setdefault("+".join(rec["mix"]) or "none", []).append(rec)
                for mix, recs in by_mix.items():
                    ts = [r["seconds"] for r in recs]
                    hs = [r["highs_seconds"] for r in recs if "highs_seconds" in r]
                    ratios = [r["highs_seconds"] / max(r["seconds"], 1e-6) for r in recs if "highs_seconds" in r]
                    statuses = {}
                    for r in recs:
                        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
                    disagree = sum(1 for r in recs if r.get("agree") is False)
                    st = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items())) + (f" DISAGREE:{disagree}" if disagree else "")
                    row = dict(recs=recs, family=family, stages=n, objective=objective, mix=mix, n=len(recs), t_med=med(ts), t_max=max(ts),
                               h_med=med(hs), h_max=max(hs) if hs else float("nan"), r_med=med(ratios),
                               r_min=min(ratios) if ratios else float("nan"), peak=peak, statuses=st)
                    rows.append(row)
                    print(f"{family:<13} {n:<6} {objective:<9} {mix:<26} {len(recs):<3} {row['t_med']:<13.3f} {row['t_max']:<13.3f} "
                          f"{row['h_med']:<11.3f} {row['h_max']:<11.3f} {row['r_med']:<9.1f} {row['r_min']:<9.2f} {peak or 0:<8.0f} {st}", flush=True)
    print("\nSummary by family and stages (all objectives and mixes; medians and worst over instances):")
    print("family        stages instances trimtab_med_s trimtab_max_s highs_med_s highs_max_s ratio_med ratio_min peak_MiB explain_med_s explain_max_s explain/solve_med")
    keys = []
    for r in rows:
        if (r["family"], r["stages"]) not in keys:
            keys.append((r["family"], r["stages"]))
    for fam, n in keys:
        recs = [x for r in rows if r["family"] == fam and r["stages"] == n for x in r["recs"]]
        ts = [x["seconds"] for x in recs]
        hs = [x["highs_seconds"] for x in recs if "highs_seconds" in x]
        ratios = [x["highs_seconds"] / max(x["seconds"], 1e-6) for x in recs if "highs_seconds" in x]
        exs = [x["explain_seconds"] for x in recs if "explain_seconds" in x]
        ex = [x["explain_seconds"] / max(x["seconds"], 1e-6) for x in recs if "explain_seconds" in x]
        peak = max(x["peak_rss_mib"] or 0 for x in recs)
        nan = float("nan")
        print(f"{fam:<13} {n:<6} {len(recs):<9} {med(ts):<13.3f} {max(ts):<13.3f} {med(hs):<11.3f} {max(hs) if hs else nan:<11.3f} "
              f"{med(ratios):<9.1f} {min(ratios) if ratios else nan:<9.2f} {peak:<8.0f} {med(exs):<13.3f} {max(exs) if exs else nan:<13.3f} {med(ex):.2f}")
    if raw:
        raw.close()


if __name__ == "__main__":
    main()
