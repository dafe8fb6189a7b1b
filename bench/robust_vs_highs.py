#!/usr/bin/env python3
"""Robustness benchmark of the exact planner against HiGHS (scipy.optimize.milp), same run.

For every family x stages x objective, runs `trimtab-bench robust-cell` (its own process, so its
peak memory is its own): each seed's workflow planned for the objective with each subset of the
other two bounds (bounds drawn between the extremes: odd seeds tight, even seeds loose; or all
in one band with `--band LO,HI`, to probe very tight, middling or very loose bounds). The
series-parallel instances (chains and fan-outs without branches or loops) are exported, and
HiGHS solves their exact MILP here (a start time per stage, one binary per option; product
accuracy in logs) with mip_rel_gap 1e-9, so both sides prove optimality. Prints the table.

usage: python3 bench/robust_vs_highs.py [--bench .build/release/trimtab-bench] [--seeds 10]
           [--stages 60,100,200] [--large-stages 1000] [--large-families chain,chain-shared,sp-shallow] [--general-stages 60,100]
           [--families chain,chain-shared,sp-shallow,sp-deep,general] [--time-limit 60]
             (also chain-wide, sp-wide: 64 memory sizes and up to 6 variants per stage)
           [--explain-cells sp-shallow:60,chain:100] [--band LO,HI] [--raw results.jsonl]
       python3 bench/robust_vs_highs.py --markdown RAW.jsonl...   (markdown tables from --raw files)
       python3 bench/robust_vs_highs.py --compare BEFORE.jsonl[,MORE.jsonl] AFTER.jsonl...   (before/after tables)
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


def solve_highs(inst, objective, bounds, time_limit, gap=None):
    """The exact MILP of a series-parallel workflow without branches. Returns (seconds, status, value,
    bound): `value` the optimum, or when the time limit stopped HiGHS its best configuration's value
    (None if it found none); `bound` HiGHS's dual bound then (the objective's units: a lower bound
    on cost or latency, an upper bound on accuracy), else None."""
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
               options={"time_limit": time_limit, "mip_rel_gap": 1e-9 if gap is None else gap})
    seconds = time.perf_counter() - t0
    if res.status == 2:
        return seconds, "infeasible", None, None
    value = None
    if res.x is not None:
        xs = res.x
        value = {"cost": float(c_cost @ xs), "latency": float(xs[L]), "accuracy": math.exp(float(c_acc @ xs))}[objective]
    if res.status != 0 or res.x is None or gap is not None:
        dual = getattr(res, "mip_dual_bound", None)
        bound = None
        if dual is not None and math.isfinite(dual):
            bound = math.exp(-dual) if objective == "accuracy" else float(dual)
        if res.status == 0 and res.x is not None:
            # Stopped at the gap (--gap): within it, as Trimtab's "feasible" answers are.
            return seconds, "within-gap", value, bound
        return seconds, "unproven" if res.status == 1 else "error", value, bound
    return seconds, "optimal", value, None


def run_cell(args, family, n, objective, explain):
    cmd = [args.bench, "robust-cell", family, str(n), objective, str(args.seeds), "--time-limit", str(args.time_limit), "--export"]
    if explain:
        cmd.append("--explain")
    if args.band:
        cmd += ["--band", args.band]
    if args.gap is not None:
        cmd += ["--gap", str(args.gap)]
    if args.mix is not None:
        cmd += ["--mix", str(args.mix)]
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


def cell_stats(rs):
    """Median and worst times of Trimtab and HiGHS, their ratio, peak memory, statuses and the
    explanation's overhead, over the records `rs`."""
    ts = [r["seconds"] for r in rs]
    hs = [r["highs_seconds"] for r in rs if "highs_seconds" in r]
    ratios = [r["highs_seconds"] / max(r["seconds"], 1e-6) for r in rs if "highs_seconds" in r]
    explain = [r["explain_seconds"] for r in rs if "explain_seconds" in r]
    statuses = {}
    for r in rs:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    disagree = sum(1 for r in rs if r.get("agree") is False)
    unproven = sum(1 for r in rs if r.get("highs_status") == "unproven")
    nan = float("nan")
    return dict(n=len(rs), t_med=med(ts), t_max=max(ts), h_med=med(hs), h_max=max(hs) if hs else nan,
                r_med=med(ratios), r_min=min(ratios) if ratios else nan,
                peak=max(r.get("peak_rss_mib") or 0 for r in rs),
                statuses=" ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + (f", disagree {disagree}" if disagree else "")
                + (f", HiGHS unproven {unproven}" if unproven else ""),
                e_med=med(explain), e_max=max(explain) if explain else nan,
                e_ratio=med([r["explain_seconds"] / max(r["seconds"], 1e-6) for r in rs if "explain_seconds" in r]))


def cells(recs, key):
    """Records grouped by `key`, in first-seen order."""
    groups = {}
    for r in recs:
        groups.setdefault(key(r), []).append(r)
    return groups.items()


def goal_key(r):
    return (r["family"], r["stages"], r["objective"], "+".join(r["mix"]) or "none")


def markdown_tables(recs):
    """Markdown: per family x stages x goal, then per family x stages."""
    f = lambda x: "–" if x != x else f"{x:.3f}"
    g = lambda x: "–" if x != x else f"{x:.1f}"
    h = lambda x: "–" if x != x else f"{x:.2f}"
    cols = lambda c: [str(c["n"]), f(c["t_med"]), f(c["t_max"]), f(c["h_med"]), f(c["h_max"]), g(c["r_med"]), h(c["r_min"]),
                      f"{c['peak']:.0f}", c["statuses"]]
    print("| family | stages | goal | n | median s | worst s | HiGHS median s | HiGHS worst s | ratio (median of HiGHS/Trimtab) | least ratio | peak MiB | statuses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k, rs in cells(recs, goal_key):
        goal = {"cost": "min cost", "latency": "min latency", "accuracy": "max accuracy"}[k[2]] + ("" if k[3] == "none" else "; " + k[3].replace("_per_million_usd", "").replace("_ms", ""))
        print(f"| {k[0]} | {k[1]} | {goal} | " + " | ".join(cols(cell_stats(rs))) + " |")
    print()
    print("| family | stages | n | median s | worst s | HiGHS median s | HiGHS worst s | ratio (median) | least ratio | peak MiB | statuses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, rs in cells(recs, lambda r: (r["family"], r["stages"])):
        print(f"| {k[0]} | {k[1]} | " + " | ".join(cols(cell_stats(rs))) + " |")
    explained = [r for r in recs if "explain_seconds" in r]
    if explained:
        print()
        print("| family | stages | explained plans | explain median s | explain worst s | explain ÷ solve, median |")
        print("|---|---|---|---|---|---|")
        for k, rs in cells(explained, lambda r: (r["family"], r["stages"])):
            c = cell_stats(rs)
            print(f"| {k[0]} | {k[1]} | {c['n']} | {f(c['e_med'])} | {f(c['e_max'])} | {h(c['e_ratio'])} |")


def compare_tables(before, after):
    """Markdown: per family x stages x goal of `after`, Trimtab's median and worst before and
    after, HiGHS's median (after's run) and the median ratio after; then per family x stages."""
    f = lambda x: "–" if x != x else f"{x:.3f}"
    g = lambda x: "–" if x != x else f"{x:.1f}"
    old = {}
    for r in before:
        old.setdefault(goal_key(r), []).append(r)

    def row(label, olds, news):
        o, n = cell_stats(olds) if olds else None, cell_stats(news)
        # "feasible": a configuration found but not proven optimal; "unproven": none found in time.
        unproven = lambda rs: sum(1 for r in rs if r["status"] not in ("optimal", "infeasible"))
        return (f"| {label} | {len(news)} | " + (f"{f(o['t_med'])} | {f(o['t_max'])} | {unproven(olds)} | " if o else "– | – | – | ")
                + f"{f(n['t_med'])} | {f(n['t_max'])} | {unproven(news)} | {f(n['h_med'])} | {g(n['r_med'])} | {n['peak']:.0f} |")

    print("| family, stages, goal | n | before median s | before worst s | before unproven | after median s | after worst s | after unproven | HiGHS median s | ratio after (median) | peak MiB after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, rs in cells(after, goal_key):
        goal = {"cost": "min cost", "latency": "min latency", "accuracy": "max accuracy"}[k[2]] + ("" if k[3] == "none" else "; " + k[3].replace("_per_million_usd", "").replace("_ms", ""))
        print(row(f"{k[0]} {k[1]} {goal}", old.get(k, []), rs))
    print()
    print("| family, stages | n | before median s | before worst s | before unproven | after median s | after worst s | after unproven | HiGHS median s | ratio after (median) | peak MiB after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, rs in cells(after, lambda r: (r["family"], r["stages"])):
        olds = [r for r in before if (r["family"], r["stages"]) == k]
        print(row(f"{k[0]} {k[1]}", olds, rs))


def main():
    if len(sys.argv) > 3 and sys.argv[1] == "--compare":
        # --compare BEFORE.jsonl[,BEFORE2.jsonl...] AFTER.jsonl...
        load = lambda paths: [json.loads(line) for path in paths for line in open(path) if line.strip()]
        compare_tables(load(sys.argv[2].split(",")), load(sys.argv[3:]))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--markdown":
        markdown_tables([json.loads(line) for path in sys.argv[2:] for line in open(path) if line.strip()])
        return
    p = argparse.ArgumentParser()
    p.add_argument("--bench", default=".build/release/trimtab-bench")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--stages", default="60,100,200")
    # The largest size (1,000 stages) is for chains and shallow series-parallel
    # workflows; `--chain-stages` is its older name.
    p.add_argument("--large-stages", "--chain-stages", dest="large_stages", default="1000",
                   help="stage counts run for the --large-families as well")
    p.add_argument("--large-families", default="chain,chain-shared,sp-shallow")
    p.add_argument("--general-stages", default="60,100")
    p.add_argument("--families", default="chain,chain-shared,sp-shallow,sp-deep,general")
    p.add_argument("--objectives", default="cost,latency,accuracy")
    p.add_argument("--time-limit", type=float, default=60)
    p.add_argument("--explain-cells", default="sp-shallow:60,chain:100",
                   help="family:stages cells whose optimal plans are also explained (the explanation's overhead)")
    p.add_argument("--band", default=None,
                   help="LO,HI: draw every bound LO-HI of the way from its best value to its worst (0-1), "
                        "in place of the tight (odd seeds, 0.1-0.4) and loose (even seeds, 0.6-0.9) bands")
    p.add_argument("--gap", type=float, default=None,
                   help="both solvers stop once proven within this relative gap (HiGHS's mip_rel_gap; Trimtab's --gap)")
    p.add_argument("--mix", type=int, default=None,
                   help="only this bound mix (0 none, 1 and 2 one bound, 3 both), as robust-cell's --mix")
    p.add_argument("--raw", default=None, help="write every instance's record (without the instance) here")
    args = p.parse_args()
    ints = lambda s: [int(x) for x in s.split(",") if x]
    explain_cells = set(args.explain_cells.split(",")) if args.explain_cells else set()
    raw = open(args.raw, "w") if args.raw else None
    every = []
    print("family        stages objective mix                        n  trimtab_med_s trimtab_max_s highs_med_s highs_max_s ratio_med ratio_min peak_MiB statuses", flush=True)
    for family in args.families.split(","):
        large = ints(args.large_stages) if family in args.large_families.split(",") else []
        sizes = ints(args.general_stages) if family == "general" else ints(args.stages) + large
        for n in sizes:
            for objective in args.objectives.split(","):
                load_before = os.getloadavg()[0]
                records, peak = run_cell(args, family, n, objective, f"{family}:{n}" in explain_cells)
                for rec in records:
                    # The machine is shared: the 1-minute load average when the cell started.
                    rec["load_avg_1m"] = load_before
                    inst = rec.pop("instance", None)
                    if inst is not None:
                        hs, hstatus, hvalue, hbound = solve_highs(inst, objective, rec["bounds"], args.time_limit, args.gap)
                        rec.update(highs_seconds=hs, highs_status=hstatus, highs_value=hvalue)
                        if hbound is not None:
                            rec["highs_bound"] = hbound
                        # A time-limited Trimtab answer's proven bound can be checked against
                        # any configuration HiGHS found: none may beat the bound.
                        if "bound" in rec and hvalue is not None:
                            b = rec["bound"]
                            scale = max(abs(b), abs(hvalue)) if objective == "accuracy" else max(1.0, abs(hvalue))
                            rec["bound_holds"] = (hvalue <= b + 1e-9 * scale) if objective == "accuracy" else (hvalue >= b - 1e-9 * scale)
                        if rec["status"] == "optimal" and hstatus == "optimal":
                            v = rec["value"]
                            # Accuracy relative: a product of many accuracies is tiny, where an
                            # absolute tolerance would call any two answers equal.
                            scale = max(abs(v), abs(hvalue)) if objective == "accuracy" else max(1.0, abs(v))
                            rec["agree"] = abs(v - hvalue) <= 1e-6 * scale
                        elif rec["status"] in ("optimal", "infeasible") and hstatus in ("optimal", "infeasible"):
                            rec["agree"] = rec["status"] == hstatus
                    rec["peak_rss_mib"] = peak
                    if raw:
                        raw.write(json.dumps(rec) + "\n")
                        raw.flush()
                every += records
                for k, recs in cells(records, goal_key):
                    c = cell_stats(recs)
                    print(f"{family:<13} {n:<6} {objective:<9} {k[3]:<26} {c['n']:<3} {c['t_med']:<13.3f} {c['t_max']:<13.3f} "
                          f"{c['h_med']:<11.3f} {c['h_max']:<11.3f} {c['r_med']:<9.1f} {c['r_min']:<9.2f} {c['peak']:<8.0f} {c['statuses']}", flush=True)
    print()
    markdown_tables(every)
    if raw:
        raw.close()


if __name__ == "__main__":
    main()
