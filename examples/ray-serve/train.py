"""Trains the example's model variants, scores them on held-out data, measures their compute
time, and writes the Trimtab workflow file.

    python train.py [--out DIR]        # DIR defaults to this folder

Writes DIR/models/{locate,classify}-{linear,mlp,svm}.joblib, DIR/digits-pipeline.yaml (the
workflow: held-out accuracies, latency by batch size), DIR/samples.json (held-out canvases with
their answers, for clients and tests) and DIR/accuracy-report.json (the composed and measured
end-to-end accuracy of every pair of variants). Deterministic: fixed seeds, one thread. Exits 1
when the end-to-end accuracy composed as the spec composes it (the product of the stages'
held-out accuracies) is further than --tolerance from the accuracy measured on the held-out
canvases, for any pair of variants.
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from digits_data import crop, make_canvases, split_digits  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH_SIZES = [1, 2, 4, 8, 16]
VARIANTS = ["linear", "mlp", "svm"]   # listed fastest first


def model(variant):
    """A fresh, seeded model of `variant`."""
    if variant == "linear":
        return LogisticRegression(max_iter=300)
    if variant == "mlp":
        return MLPClassifier((64,), max_iter=150, random_state=0)
    return SVC(C=10, gamma="scale")


def locate_features(canvases):
    """What the locate stage sees: the whole canvas, 256 pixels scaled to 0–1 (plus noise)."""
    return np.asarray(canvases).reshape(len(canvases), -1) / 16.0


def classify_features(canvases, slots):
    """What the classify stage sees: the 8×8 window of the given slot, scaled to 0–1."""
    return np.array([crop(c, s) for c, s in zip(canvases, slots)]) / 16.0


def compute_time_ms(fitted, features, batch, repeats):
    """Median wall time (ms) of one predict() of `batch` rows, one thread."""
    rows = features[:batch]
    fitted.predict(rows)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fitted.predict(rows)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--train-canvases", type=int, default=3000)
    parser.add_argument("--test-canvases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30, help="timed predict() calls per variant and batch size")
    parser.add_argument("--tolerance", type=float, default=0.05)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    os.makedirs(os.path.join(args.out, "models"), exist_ok=True)
    started = time.perf_counter()

    train_images, test_images, train_labels, test_labels = split_digits()
    train_canvases, train_slots, train_digits = make_canvases(train_images, train_labels, args.train_canvases, seed=1)
    test_canvases, test_slots, test_digits = make_canvases(test_images, test_labels, args.test_canvases, seed=2)
    data = {
        "locate": (locate_features(train_canvases), train_slots, locate_features(test_canvases), test_slots),
        # The classifier is trained and scored on the window where the digit is (a correct locate).
        "classify": (classify_features(train_canvases, train_slots), train_digits,
                     classify_features(test_canvases, test_slots), test_digits),
    }
    fitted = {}
    accuracy = {}
    latency = {}
    with threadpool_limits(1):
        for stage, (x_train, y_train, x_test, y_test) in data.items():
            for variant in VARIANTS:
                m = model(variant).fit(x_train, y_train)
                fitted[stage, variant] = m
                accuracy[stage, variant] = float(np.mean(m.predict(x_test) == y_test))
                latency[stage, variant] = {b: compute_time_ms(m, x_test, b, args.repeats) for b in BATCH_SIZES}
                joblib.dump(m, os.path.join(args.out, "models", f"{stage}-{variant}.joblib"))
                print(f"{stage:8} {variant:6} held-out accuracy {accuracy[stage, variant]:.4f}  compute ms by batch "
                      + " ".join(f"{b}:{latency[stage, variant][b]:.3f}" for b in BATCH_SIZES), flush=True)

        # End to end on the held-out canvases: locate, crop where it says, classify.
        pairs = []
        x_locate = locate_features(test_canvases)
        for lv in VARIANTS:
            slots = fitted["locate", lv].predict(x_locate)
            x_classify = classify_features(test_canvases, slots)
            for cv in VARIANTS:
                digits = fitted["classify", cv].predict(x_classify)
                composed = accuracy["locate", lv] * accuracy["classify", cv]
                measured = float(np.mean(digits == test_digits))
                strict = float(np.mean((digits == test_digits) & (slots == test_slots)))
                pairs.append({"locate": lv, "classify": cv, "composed": composed, "measured": measured,
                              "measured_slot_and_digit": strict, "gap": measured - composed})
    write_workflow(os.path.join(args.out, "digits-pipeline.yaml"), accuracy, latency, args)
    samples = [{"canvas": np.round(test_canvases[i], 3).tolist(), "slot": int(test_slots[i]), "digit": int(test_digits[i])}
               for i in range(50)]
    with open(os.path.join(args.out, "samples.json"), "w") as f:
        json.dump(samples, f)
    report = {"test_canvases": args.test_canvases, "tolerance": args.tolerance,
              "stages": {f"{s}/{v}": accuracy[s, v] for s, v in accuracy}, "pairs": pairs}
    with open(os.path.join(args.out, "accuracy-report.json"), "w") as f:
        json.dump(report, f, indent=2)

    print(f"\nend to end on {args.test_canvases} held-out canvases (composed = product of the stages' accuracies):")
    print("locate classify composed measured gap    slot+digit")
    worst = 0.0
    for p in pairs:
        worst = max(worst, abs(p["gap"]))
        print(f"{p['locate']:6} {p['classify']:8} {p['composed']:.4f}   {p['measured']:.4f}   {p['gap']:+.4f} {p['measured_slot_and_digit']:.4f}")
    print(f"largest gap {worst:.4f} (tolerance {args.tolerance}); trained in {time.perf_counter() - started:.1f} s")
    if worst > args.tolerance:
        print("train.py: the composed accuracy is off the measured one by more than the tolerance", file=sys.stderr)
        sys.exit(1)


def write_workflow(path, accuracy, latency, args):
    lines = [
        "# Written by examples/ray-serve/train.py — do not edit by hand; run `python train.py`.",
        "# The Ray Serve example pipeline: locate the upright digit on a noisy 16x16 canvas, then classify it.",
        f"# Accuracies: measured on {args.test_canvases} held-out canvases built from digit images never seen in",
        "# training (locate: the right slot; classify: the right digit in the right window).",
        f"# Latencies: the model's compute time (median of {args.repeats} predict() calls, one thread, on the",
        "# machine that ran train.py) per batch at one CPU core; Ray Serve's own per-request overhead",
        "# (proxy, handles, queueing) is not in them.",
        "version: 1",
        "name: digits-ray-serve",
        "platform:",
        "  kind: kubernetes",
        "  price_per_core_hour: 0.04",
        "stages:",
    ]
    for stage in ["locate", "classify"]:
        lines += [f"  - name: {stage}", "    variants:"]
        for variant in VARIANTS:
            lines += [f"      - name: {variant}", f"        accuracy: {accuracy[stage, variant]:.4f}",
                      "        latency_ms_by_batch:"]
            lines += [f"          {b}: {{1000: {latency[stage, variant][b]:.4f}}}" for b in BATCH_SIZES]
    lines += [
        "edges:",
        "  - {from: start, to: locate}",
        "  - {from: locate, to: classify}",
        "  - {from: classify, to: end}",
        "accuracy:",
        "  combine: product",
        "goal:",
        "  maximize: accuracy",
        "  subject_to:",
        "    latency_ms: 50",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
