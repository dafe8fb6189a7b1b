#!/usr/bin/env python3
"""Benchmark: `trimtab fit` against scipy.optimize.curve_fit (Levenberg–Marquardt), the tool a
user would otherwise pick, on the same data: every function of slapp-alg App1–3.

For each function both fit OptiServe's a0 + a1*exp(-m/a2) to the per-memory means, with
relative weights (sigma = mean), and both score it by leave-one-memory-size-out MAPE.
Prints per-function CV MAPE and the wall time of the whole run for each tool.

usage: python3 bench/fit_vs_scipy.py TRIMTAB_BINARY [REFERENCE_DIR]
"""
import csv, json, subprocess, sys, time
from collections import defaultdict
import numpy as np
from scipy.optimize import curve_fit

trimtab = sys.argv[1]
ref = sys.argv[2] if len(sys.argv) > 2 else "../shared/reference"

def expo(m, a0, a1, a2):
    return a0 + a1 * np.exp(-m / a2)

def scipy_cv(sizes, means):
    errors = []
    for k in range(len(sizes)):
        tr = [i for i in range(len(sizes)) if i != k]
        x, y = sizes[tr], means[tr]
        try:
            p, _ = curve_fit(expo, x, y, p0=(y.min(), y.max() * 2, 300.0), sigma=y, maxfev=20000)
            errors.append(abs(expo(sizes[k], *p) - means[k]) / means[k])
        except RuntimeError:
            errors.append(float("nan"))
    return 100 * float(np.nanmean(errors)), sum(np.isnan(errors))

rows = []
scipy_time = trimtab_time = 0.0
for app in (1, 2, 3):
    path = f"{ref}/slapp-alg/App{app}_Lambda_Logs.csv"
    t0 = time.perf_counter()
    out = subprocess.run([trimtab, "fit", path, "--format", "json"], capture_output=True, text=True, check=True).stdout
    trimtab_time += time.perf_counter() - t0
    fits = {s["name"]: s for s in json.loads(out)["stages"]}
    t0 = time.perf_counter()
    data = defaultdict(lambda: defaultdict(list))
    for r in csv.DictReader(open(path)):
        data[r["Function"]][int(r["Memory Size"])].append(float(r["Duration"]))
    results = {}
    for f, by_mem in data.items():
        sizes = np.array(sorted(by_mem), dtype=float)
        means = np.array([np.mean(by_mem[int(m)]) for m in sizes])
        results[f] = scipy_cv(sizes, means)
    scipy_time += time.perf_counter() - t0
    for f in sorted(results):
        s = fits[f]
        rows.append((f"App{app} {f}", s["families"]["exponential"], s["cv_mape_percent"], s["family"], *results[f]))

print(f"{'function':<10} {'trimtab exp':>12} {'trimtab chosen':>15} {'family':<17} {'scipy LM exp':>12} {'LM failures':>11}")
for name, te, tc, fam, se, fails in rows:
    print(f"{name:<10} {te:>11.2f}% {tc:>14.2f}% {fam:<17} {se:>11.2f}% {fails:>11}")
print(f"wall time: trimtab fit (3 families, CV, tails; release binary) {trimtab_time:.2f} s; "
      f"scipy curve_fit (exponential only, CV) {scipy_time:.2f} s")
