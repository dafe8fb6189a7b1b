"""Ray Data benchmarks of `trimtab job` (issue 17): fit the worker model from short runs, predict
held-out runs, and the planned setting against Ray Data's default autoscaling pool.

    # runs through `trimtab job run --engine ray --record` (needs a Ray cluster and the example's
    # models: python3 examples/ray-serve/train.py; items: examples/ray-serve/batch_items.py)
    python3 bench/ray_data_bench.py sweep --address HOST:PORT --items canvases.txt --runs fit.json 5000:1:128 10000:2:256 ...
    # fit and held-out runs interleaved (fit, held, fit, held, ...): both sets see the same load
    python3 bench/ray_data_bench.py sweep --address HOST:PORT --items canvases.txt --runs fit.json 5000:1:64 ... \
        --held-runs held.json --held 8000:2:128 30000:1:512 ...
    # held-out table: fit on one runs file, predict every run of another
    python3 bench/ray_data_bench.py heldout --fit fit.json --held held.json [--max-workers 2]
    # a deadline: the plan against Ray Data's defaults on the same job, same cluster, same items
    python3 bench/ray_data_bench.py vs-default --address HOST:PORT --model model.yaml --items canvases.txt --n 20000 --deadline-s 30

A shape is ITEMS:ACTORS:BATCH. Every run prints the 1-minute load average before and after
(the machine is shared) and adds it to its record in the runs file (`load_1min`: [before, after];
`job fit` ignores it). Uses .build/release/trimtab if built, else .build/debug/trimtab.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "examples/ray-serve/batch_worker.py") + ":DigitsBatch"
PRICE_PER_CORE_SECOND = 0.04 / 3600   # the Ray Serve example's price_per_core_hour


def trimtab():
    for kind in ("release", "debug"):
        path = os.path.join(ROOT, ".build", kind, "trimtab")
        if os.path.exists(path):
            return path
    sys.exit("build trimtab first (swift build)")


def prefix(items, n, folder):
    path = os.path.join(folder, f"items-{n}.txt")
    if not os.path.exists(path):
        with open(items) as f, open(path, "w") as g:
            for _, line in zip(range(n), f):
                g.write(line)
    return path


def run(args, plan, items, out, record=None, default=False):
    command = [trimtab(), "job", "run", "--engine", "ray", "--ray-address", args.address, "--plan", plan, "--items-file", items,
               "--worker", WORKER, "-o", out, "--format", "json"]
    if record:
        command += ["--record", record]
    if default:
        command.append("--engine-default")
    before = os.getloadavg()[0]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr.strip())
    result = json.loads(done.stdout)
    result["load"] = (before, os.getloadavg()[0])
    return result


def write_plan(folder, workers, batch, predicted=None):
    path = os.path.join(folder, f"plan-{workers}-{batch}.json")
    plan = {"memory_mb": 1024, "split_size": batch, "workers": workers, "cpus_per_worker": 1,
            "platform": {"price_per_gb_second": PRICE_PER_CORE_SECOND}}
    with open(path, "w") as f:
        json.dump(plan, f)
    return path


def add_load(runs, load):
    """Adds the run's 1-minute load average (before, after) to the record `--record` just appended."""
    with open(runs) as f:
        records = json.load(f)
    records[-1]["load_1min"] = [round(x, 2) for x in load]
    with open(runs, "w") as f:
        json.dump(records, f, indent=1, sort_keys=True)


def sweep(args):
    folder = tempfile.mkdtemp(prefix="trimtab-ray-bench-")
    fit = [(shape, args.runs, "fit") for shape in args.shapes]
    held = [(shape, args.held_runs, "held") for shape in args.held or []]
    if held and not args.held_runs:
        sys.exit("--held needs --held-runs (the runs file of the held-out runs)")
    order = []                                   # fit, held, fit, held, ...: the same load for both sets
    for i in range(max(len(fit), len(held))):
        order += fit[i:i + 1] + held[i:i + 1]
    for shape, runs, role in order:
        n, workers, batch = (int(x) for x in shape.split(":"))
        r = run(args, write_plan(folder, workers, batch), prefix(args.items, n, folder), os.path.join(folder, f"out-{shape}.txt"),
                record=runs)
        add_load(runs, r["load"])
        m = r["measured"]
        print(f"{role:4} {shape:16} makespan {m['makespan_s']:7.2f} s  core-s {m['core_seconds']:7.2f}  held {m['held_core_seconds']:7.2f}"
              f"  load {r['load'][0]:.2f} → {r['load'][1]:.2f}", flush=True)


def predict(model, n, workers, batch):
    out = subprocess.run([trimtab(), "job", "predict", "--model", model, "--items", str(n), "--workers", str(workers),
                          "--split-size", str(batch), "--format", "json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def heldout(args):
    folder = tempfile.mkdtemp(prefix="trimtab-ray-heldout-")
    model = args.model_out or os.path.join(folder, "model.yaml")
    subprocess.run([trimtab(), "job", "fit", args.fit, "--memory-mb", "1024", "--max-workers", str(args.max_workers), "-o", model],
                   check=True, capture_output=True)
    fitted = subprocess.run([trimtab(), "job", "fit", args.fit, "--memory-mb", "1024", "--max-workers", str(args.max_workers),
                             "--format", "json"], check=True, capture_output=True, text=True)
    loo = json.loads(fitted.stdout).get("leave_one_out", {}).get("mechanistic", {})
    fit_runs = json.load(open(args.fit))
    price = fit_runs[0]["cost"] / fit_runs[0]["duration_billed"]
    loads = [x for r in fit_runs for x in r.get("load_1min", [])]
    if loads:
        print(f"fit: {len(fit_runs)} runs, load {min(loads):.1f}–{max(loads):.1f}", end="")
    if loo:
        print(f"; leave-one-out MAPE makespan {loo.get('makespan_mape_percent', float('nan')):.1f}%"
              f", core-s {loo.get('cost_mape_percent', float('nan')):.1f}%", end="")
    print()
    print("items actors batch | makespan predicted measured error% | core-s predicted measured error% | load")
    errors = []
    for r in json.load(open(args.held)):
        p = predict(model, r["num_images"], r["num_task_managers"], r["split_size"])
        core = p["cost_usd"] / price
        e_make = (p["makespan_s"] - r["latency"]) / r["latency"] * 100
        e_core = (core - r["duration_billed"]) / r["duration_billed"] * 100
        errors.append((abs(e_make), abs(e_core)))
        load = "–".join(f"{x:.1f}" for x in r.get("load_1min", []))
        print(f"{r['num_images']:6} {r['num_task_managers']:6} {r['split_size']:5} | {p['makespan_s']:8.1f} {r['latency']:8.1f} "
              f"{e_make:+7.1f} | {core:8.1f} {r['duration_billed']:8.1f} {e_core:+7.1f} | {load}")
    if errors:
        print(f"mean absolute error: makespan {sum(e[0] for e in errors) / len(errors):.1f}%, "
              f"core-s {sum(e[1] for e in errors) / len(errors):.1f}%")


def vs_default(args):
    folder = tempfile.mkdtemp(prefix="trimtab-ray-vs-")
    plan = os.path.join(folder, "plan.json")
    done = subprocess.run([trimtab(), "job", "plan", "--model", args.model, "--items", str(args.n), "--deadline-s", str(args.deadline_s),
                           "-o", plan], capture_output=True, text=True)
    if done.returncode not in (0, 3):
        sys.exit(done.stderr.strip())
    print(done.stdout)
    items = prefix(args.items, args.n, folder)
    rows = [("planned", run(args, plan, items, os.path.join(folder, "planned.txt"))),
            ("Ray Data default", run(args, plan, items, os.path.join(folder, "default.txt"), default=True))]
    same = open(os.path.join(folder, "planned.txt")).read() == open(os.path.join(folder, "default.txt")).read()
    print(f"{args.n} items, deadline {args.deadline_s} s; answers identical: {same}")
    print("setting           actors batches makespan_s core_s held_core_s deadline_met load")
    for name, r in rows:
        m = r["measured"]
        print(f"{name:17} {r['workers']:6} {r['splits']:7} {m['makespan_s']:10.2f} {m['core_seconds']:6.2f} {m['held_core_seconds']:11.2f}"
              f" {str(m['makespan_s'] <= args.deadline_s):12} {r['load'][0]:.2f}→{r['load'][1]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep")
    s.add_argument("--address", required=True)
    s.add_argument("--items", required=True)
    s.add_argument("--runs", required=True)
    s.add_argument("shapes", nargs="+", help="the fit runs' shapes, ITEMS:ACTORS:BATCH")
    s.add_argument("--held", nargs="+", help="held-out shapes, run interleaved with the fit shapes")
    s.add_argument("--held-runs", help="the runs file of the held-out runs")
    h = sub.add_parser("heldout")
    h.add_argument("--fit", required=True)
    h.add_argument("--held", required=True)
    h.add_argument("--max-workers", type=int, default=2)
    h.add_argument("--model-out", help="also keep the fitted model here")
    v = sub.add_parser("vs-default")
    v.add_argument("--address", required=True)
    v.add_argument("--model", required=True)
    v.add_argument("--items", required=True)
    v.add_argument("--n", type=int, required=True)
    v.add_argument("--deadline-s", type=float, required=True)
    args = parser.parse_args()
    {"sweep": sweep, "heldout": heldout, "vs-default": vs_default}[args.command](args)


if __name__ == "__main__":
    main()
