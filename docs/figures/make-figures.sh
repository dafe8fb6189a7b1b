#!/bin/sh
# Regenerates every figure of docs/report.md: converts the committed results files to CSV
# (docs/figures/data/), runs the few quick Trimtab commands whose output is a figure's data, and
# draws each figure with `trimtab plot`.
#
# Usage: docs/figures/make-figures.sh [OUTDIR]      (default docs/figures; CSVs go to OUTDIR/data)
#   TRIMTAB=path/to/trimtab   the executable (default: .build/release/trimtab, else .build/debug/trimtab,
#                             else trimtab on PATH)
# Needs python3 (standard library only). Under a minute with a debug build (34–42 s measured on the
# loaded 2-core machine), most of it `trimtab job simulate` (100 seeds).
#
# Where each data set was measured (the commands are in docs/report.md):
#   solver-vs-highs.csv   bench/robust-results.txt, its last section (python3 bench/robust_vs_highs.py)
#   fidelity-heldout.csv  docs/fit.md, "Fidelity on real AWS runs, held out" (test PlatformFidelityTests.leaveOneAppOut)
#   sim-erlang.csv, sim-simpy.csv   docs/simulate-note.md (.build/release/trimtab-bench sim)
#   batch-vs-sim.csv      bench/batch-vs-sim-results.txt (.build/release/trimtab-bench batch-vs-sim)
#   batch-savings.csv     bench/batch-results.txt (trimtab-bench batch)
#   forecast-smape.csv    docs/adapt.md, "Evaluation in IPA's setting" (bench/forecast-eval.sh)
#   adapt-cost.csv        docs/adapt.md, "IPA's video pipeline on four Twitter windows" (bench/adapt-windows.sh)
#   ray-serve.csv         bench/ray-serve-results.md (python3 bench/ray_serve_closed_loop.py)
#   pareto-video.csv      run here: trimtab pareto examples/video-pipeline.yaml --format json
#   job-models.csv        run here: trimtab job fit …/obifaas/summary.json --baseline …/cpr_model.json --format json
#   job-stragglers.csv    run here: trimtab job simulate --model examples/image-job.yaml --split-size 32 --seeds 100 --format json
#   ray-data-heldout.csv  run here: trimtab job fit bench/ray-data/fit-runs.json, then trimtab job predict of every run in
#                         bench/ray-data/held-out-runs.json (measured by python3 bench/ray_data_bench.py sweep)
set -eu
cd "$(dirname "$0")/../.."
OUT=${1:-docs/figures}
DATA=$OUT/data
mkdir -p "$DATA"
if [ -n "${TRIMTAB:-}" ]; then T=$TRIMTAB
elif [ -x .build/release/trimtab ] && ! [ .build/debug/trimtab -nt .build/release/trimtab ]; then T=.build/release/trimtab
elif [ -x .build/debug/trimtab ]; then T=.build/debug/trimtab
else T=trimtab; fi
REF=../shared/reference
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. Quick runs whose JSON is a figure's data.
"$T" pareto examples/video-pipeline.yaml --format json > "$WORK/pareto.json"
"$T" job fit $REF/obifaas/summary.json --baseline $REF/obifaas/cpr_model.json --format json > "$WORK/job-fit.json"
"$T" job simulate --model examples/image-job.yaml --split-size 32 --seeds 100 --format json > "$WORK/job-simulate.json"

# 2. Results files and quick-run JSON → CSV.
python3 - "$DATA" "$WORK" "$T" <<'PY'
import csv, json, os, re, subprocess, sys
data, work, trimtab_exe = sys.argv[1], sys.argv[2], sys.argv[3]

def write(name, header, rows):
    if not rows:
        sys.exit(f"make-figures.sh: no rows for {name}: has its results file changed shape?")
    with open(os.path.join(data, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

def table_rows(path, first_cell_pattern):
    """Rows of the Markdown tables in PATH whose first cell matches the pattern."""
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if re.fullmatch(first_cell_pattern, cells[0]):
                rows.append(cells)
    return rows

def number(text):
    return float(re.sub(r"[^0-9.eE+-]", "", text.replace("−", "-")))

def in_parentheses(text):
    return number(re.search(r"\(([^;)]*)", text).group(1))

# Solver against HiGHS: the last section of bench/robust-results.txt (the latest run), one row per
# family × stages × goal with both medians. Medians the file rounds to 0.000 s are drawn at 0.0005 s.
lines = open("bench/robust-results.txt", encoding="utf-8").read().splitlines()
start = max(i for i, l in enumerate(lines) if l.startswith("# "))
goal_names = {"none": "", "latency_ms": "latency", "cost_per_million_usd": "cost", "accuracy": "accuracy"}
rows, seen = [], set()
for line in lines[start:]:
    # Raw logs prefix each line with its path ("/tmp/…: ") or its run's letter ("D: ").
    if line.startswith("/") or re.match(r"^[A-Za-z0-9-]+: ", line):
        line = line.split(":", 1)[1]
    fields = line.split()
    if len(fields) < 11 or fields[2] not in ("cost", "latency", "accuracy") or not fields[1].isdigit():
        continue
    family, stages, objective, mix = fields[0], fields[1], fields[2], fields[3]
    try:
        trimtab, highs = float(fields[5]), float(fields[7])
    except ValueError:
        continue                                 # a cell without HiGHS (general): "-"
    if highs != highs:
        continue                                 # … or "nan" (the script's newer logs)
    key = (family, stages, objective, mix)
    if key in seen:
        continue
    seen.add(key)
    bounds = "+".join(goal_names.get(b, b) for b in mix.split("+") if goal_names.get(b, b))
    goal = ("max accuracy" if objective == "accuracy" else "min " + objective) + ("; " + bounds if bounds else "")
    rows.append([f"{family} {stages}", f"{int(stages):,} stages", goal, max(highs, 0.0005), max(trimtab, 0.0005)])
if len(rows) < 10:
    sys.exit("make-figures.sh: fewer than 10 cells in the last section of bench/robust-results.txt")
lo, hi = 0.0005, 20.0
rows += [["", "equal time", "", v, v] for v in (lo, 0.002, 0.01, 0.05, 0.2, 1.0, 5.0, hi)]
write("solver-vs-highs.csv", ["cell", "size", "goal", "highs_median_s", "trimtab_median_s"], rows)

# Fidelity on real AWS runs, held out (docs/fit.md): relative errors of the predictions.
rows = []
for cells in table_rows("docs/fit.md", r"App(8|10|12)"):
    if len(cells) != 6 or "ms/run" not in cells[1] and "+" not in cells[1]:
        continue
    mean = cells[2].split("/")
    rows.append([cells[0], in_parentheses(mean[1]), in_parentheses(mean[2]),
                 in_parentheses(cells[3]), in_parentheses(cells[4]), in_parentheses(cells[5])])
write("fidelity-heldout.csv", ["app", "mean (model)", "mean (composed)", "p95 (composed)",
                                "p99 (composed)", "cost per run"], rows)

# Simulator against Erlang C and SimPy (docs/simulate-note.md).
rows = []
for cells in table_rows("docs/simulate-note.md", r"[124]"):
    if len(cells) == 6:
        rows.append([f"c={cells[0]} rho={cells[1]}", number(cells[4]), number(cells[5])])
write("sim-erlang.csv", ["queue", "error of the mean wait", "batch-means SE"], rows)
rows = []
for cells in table_rows("docs/simulate-note.md", r"Trimtab|SimPy.*"):
    if len(cells) == 8:
        rows.append([cells[0].split(" (")[0], number(cells[5]), number(cells[6])])
write("sim-simpy.csv", ["simulator", "events per wall-clock second", "events per CPU second"], rows)

# Batching model against TrimtabSim (bench/batch-vs-sim-results.txt).
rows = []
for line in open("bench/batch-vs-sim-results.txt", encoding="utf-8"):
    f = line.split()
    if len(f) == 14 and f[0] in ("fast", "mbs") and f[1].isdigit():
        rows.append([f[0], f[1], f[2], f[3], f[4], f[5], f[7].rstrip("%")])
write("batch-vs-sim.csv", ["service", "hour", "batch_size", "timeout_ms", "p95_model_ms", "p95_sim_ms", "p95_error_pct"], rows)

# Batching optimum against no batching (bench/batch-results.txt).
rows = []
for line in open("bench/batch-results.txt", encoding="utf-8"):
    f = line.split()
    if len(f) > 9 and f[0].isdigit() and f[8].endswith("×"):
        rows.append([f[0], f[1], f[6], f[7]])
write("batch-savings.csv", ["hour", "rate_per_s", "batching optimum", "best without batching"], rows)

# Forecasting (docs/adapt.md): SMAPE per predictor on both traces.
rows = []
for cells in table_rows("docs/adapt.md", r"\**(reactive|ar1|movmax|ewma|holt-winters|ar|ar-round|logar)\**( \(.*\))?"):
    if len(cells) == 7:
        name = cells[0].replace("*", "").split(" (")[0]
        rows.append([name, "Twitter / 8", number(cells[1])])
        rows.append([name, "NASA", number(cells[4])])
write("forecast-smape.csv", ["predictor", "trace", "smape"], rows)

# Adaptive replay (docs/adapt.md): cost per window and policy.
rows, window = [], ""
for line in open("docs/adapt.md", encoding="utf-8"):
    if not line.startswith("|"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 7 and cells[1] in ("adaptive (movmax)", "static cheapest", "static most accurate"):
        if cells[0]:
            window = cells[0].split(" 1")[0]
        rows.append([window, cells[1], number(cells[5]), cells[3].split(" ")[0]])
write("adapt-cost.csv", ["window", "policy", "cost_usd", "slo_misses"], rows)

# Ray Serve closed loop (bench/ray-serve-results.md): the first table whose header names the
# policy, the share over the SLO, p99 and core-seconds (columns found by name).
rows, columns = [], None
for line in open("bench/ray-serve-results.md", encoding="utf-8"):
    if not line.startswith("|"):
        if rows:
            break                                # the first such table only
        columns = None
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if columns is None and not rows and cells[0] == "policy":
        names = [c.lower() for c in cells]
        find = lambda key: next(i for i, n in enumerate(names) if key in n)
        columns = (find("over slo"), find("p99"), find("core-seconds"))
    elif columns and re.fullmatch(r"(trimtab|autoscale|static).*", cells[0]):
        rows.append([cells[0], number(cells[columns[0]]), number(cells[columns[1]]), number(cells[columns[2]])])
write("ray-serve.csv", ["policy", "over_slo_pct", "p99_ms", "core_seconds"], rows)

# Quick runs.
pareto = json.load(open(os.path.join(work, "pareto.json")))
write("pareto-video.csv", ["latency_ms", "cost_per_million_usd", "accuracy"],
      [[p["predicted"]["latency_ms"], p["predicted"]["cost_per_million_usd"], f'accuracy {p["predicted"]["accuracy"]:.3f}']
       for p in pareto["points"]])
fit = json.load(open(os.path.join(work, "job-fit.json")))
models = [("Trimtab (LOO)", fit["leave_one_out"]["mechanistic"]),
          ("Obi-FaaS refit (LOO)", fit["leave_one_out"]["obifaas_refit"]),
          ("Obi-FaaS published", fit["obifaas_published_in_sample"])]
write("job-models.csv", ["model", "cost", "makespan"],
      [[name, round(m["cost_mape_percent"], 2), round(m["makespan_mape_percent"], 2)] for name, m in models])
sim = json.load(open(os.path.join(work, "job-simulate.json")))
write("job-stragglers.csv", ["workers", "policy", "makespan_p50_s", "makespan_p99_s", "mean_cost_usd"],
      [[r["workers"], r["policy"], round(r["makespan_p50_s"], 2), round(r["makespan_p99_s"], 2), round(r["mean_cost_usd"], 4)]
       for r in sim["results"]])

# Ray Data held out (bench/ray-data/): fit on the fit runs, predict each held-out run's makespan and
# core-seconds (the model's cost at the runs' price per core-second), against what was measured.
model = os.path.join(work, "ray-model.yaml")
subprocess.run([trimtab_exe, "job", "fit", "bench/ray-data/fit-runs.json", "--memory-mb", "1024", "--max-workers", "2", "-o", model],
               check=True, capture_output=True)
fit_runs = json.load(open("bench/ray-data/fit-runs.json"))
price = fit_runs[0]["cost"] / fit_runs[0]["duration_billed"]
rows = []
for r in json.load(open("bench/ray-data/held-out-runs.json")):
    p = json.loads(subprocess.run([trimtab_exe, "job", "predict", "--model", model, "--items", str(r["num_images"]),
                                   "--workers", str(r["num_task_managers"]), "--split-size", str(r["split_size"]),
                                   "--format", "json"], check=True, capture_output=True, text=True).stdout)
    core = p["cost_usd"] / price
    load = r.get("load_1min", [])
    rows.append([f'{r["num_images"]} items x{r["num_task_managers"]} b{r["split_size"]}', r["num_images"], r["num_task_managers"],
                 r["split_size"], round(max(load), 2) if load else "",
                 round(p["makespan_s"], 2), round(r["latency"], 2), round((p["makespan_s"] - r["latency"]) / r["latency"] * 100, 1),
                 round(core, 2), round(r["duration_billed"], 2), round((core - r["duration_billed"]) / r["duration_billed"] * 100, 1)])
write("ray-data-heldout.csv", ["setting", "items", "actors", "batch", "max_load_1min", "makespan_predicted_s", "makespan_measured_s",
                               "makespan error (%)", "core_s_predicted", "core_s_measured", "core-seconds error (%)"], rows)
PY

# 3. The figures, drawn by Trimtab.
P() { "$T" plot "$@"; }
P "$DATA/pareto-video.csv" --x latency_ms --y cost_per_million_usd --by accuracy --kind points \
  --x-label "expected latency (ms)" --y-label "USD per 1M runs" \
  --title "Pareto front of examples/video-pipeline.yaml within its bounds" -o "$OUT/pareto-video.svg"
P "$DATA/solver-vs-highs.csv" --x highs_median_s --y trimtab_median_s --by size --kind points --log-x --log-y \
  --x-label "HiGHS median s" --y-label "Trimtab median s" \
  --title "Median solve time of each family x goal (10 seeds each)" -o "$OUT/solver-vs-highs.svg"
P "$DATA/fidelity-heldout.csv" --x app --y "mean (model),mean (composed),p95 (composed),p99 (composed),cost per run" \
  --kind bars --x-label "held-out app (profile learned on the other two)" --y-label "prediction - measurement (%)" --title "Held-out AWS Step Functions apps: prediction error (%)" -o "$OUT/fidelity-heldout.svg"
P "$DATA/sim-erlang.csv" --x queue --y "error of the mean wait,batch-means SE" --kind bars \
  --x-label "replicas c and utilisation rho (10 million customers each)" --y-label "% of the Erlang C value" \
  --title "TrimtabSim (Kubernetes mode) against Erlang C" -o "$OUT/sim-erlang.svg"
P "$DATA/sim-simpy.csv" --x simulator --y "events per wall-clock second,events per CPU second" --kind bars --log-y \
  --y-label "events per second" \
  --title "24 h of the Twitter trace, 3-stage workflow: events per second" -o "$OUT/sim-simpy.svg"
P "$DATA/batch-vs-sim.csv" --x p95_model_ms --y p95_sim_ms --by service --kind points --log-x --log-y \
  --x-label "model p95 (ms)" --y-label "simulated p95 (ms), mean of 3 seeds" \
  --title "Batching: p95 from the analytic model (x) and TrimtabSim (y), 288 cases" -o "$OUT/batch-vs-sim.svg"
P "$DATA/batch-savings.csv" --x hour --y "batching optimum,best without batching" --kind step \
  --x-label "hour of the Twitter MAPs" --y-label "USD per 1M requests" \
  --title "DeepSpeech, p95 <= 3 s: cost per 1M requests by Twitter hour" -o "$OUT/batch-savings.svg"
P "$DATA/forecast-smape.csv" --x predictor --y smape --by trace --kind bars --y-label "SMAPE on the test part" \
  --title "Forecasting the next 20 s peak: test SMAPE per predictor" -o "$OUT/forecast-smape.svg"
P "$DATA/adapt-cost.csv" --x window --y cost_usd --by policy --kind bars --log-y --y-label "cost of the window (USD)" \
  --title "IPA video pipeline on TrimtabSim: cost per window (USD)" -o "$OUT/adapt-cost.svg"
P "$DATA/ray-serve.csv" --x policy --y over_slo_pct --kind bars --y-label "requests over the SLO (%)" \
  --title "Live Ray Serve, 20 min of Twitter / 8: requests over the 150 ms SLO (%)" -o "$OUT/ray-serve.svg"
P "$DATA/job-models.csv" --x model --y cost,makespan --kind bars --y-label "mean absolute percentage error (%)" \
  --title "59 Obi-FaaS jobs: MAPE (LOO = leave-one-out; published = in sample)" -o "$OUT/job-models.svg"
P "$DATA/job-stragglers.csv" --x workers --y makespan_p99_s --by policy --kind bars --y-label "makespan p99 (s)" \
  --title "20,000 images, 1% stragglers: makespan p99 over 100 seeds (s)" -o "$OUT/job-stragglers.svg"
P "$DATA/ray-data-heldout.csv" --x setting --y "makespan error (%),core-seconds error (%)" --kind bars \
  --x-label "held-out run (items, actors, batch size)" --y-label "prediction - measurement (%)" \
  --title "Ray Data, 2-CPU cluster: held-out runs, prediction error (%)" -o "$OUT/ray-data-heldout.svg"
echo "figures written to $OUT"
