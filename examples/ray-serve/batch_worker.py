"""The example's offline batch job: read a canvas per line, answer "DIGIT SLOT" per line.

One worker, three engines (docs/job.md):

- Ray Data (`trimtab job run --engine ray --worker batch_worker.py:DigitsBatch`): Trimtab's
  driver calls `DigitsBatch(**worker_args)` once per actor (the model load) and then the instance
  on each batch — a list of item lines — which returns one answer line per item, in order;
- local processes and Kubernetes pods (`trimtab job run --command 'python3 batch_worker.py'`,
  `trimtab job manifest`): run as a program, it speaks the split protocol on stdin/stdout
  (the split's items one per line, then an empty line → one answer line per item).

An item is a JSON 16×16 canvas (batch_items.py writes them). Both stages of the Ray Serve
example's pipeline run on it: locate (which slot holds the upright digit), then classify the
digit in that slot. The variants default to svm (the slowest, most accurate): models come from
`models_dir` (default models/ next to this file, written by train.py). Single-threaded.
"""
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import joblib  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from digits_data import crop  # noqa: E402


class DigitsBatch:
    def __init__(self, models_dir=None, locate="svm", classify="svm"):
        models_dir = models_dir or os.path.join(HERE, "models")
        self.locate = joblib.load(os.path.join(models_dir, f"locate-{locate}.joblib"))
        self.classify = joblib.load(os.path.join(models_dir, f"classify-{classify}.joblib"))

    def __call__(self, lines):
        canvases = np.array([json.loads(line) for line in lines], dtype=float)
        if canvases.ndim != 3 or canvases.shape[1:] != (16, 16):
            raise ValueError(f"an item must be a 16×16 canvas, got shape {canvases.shape[1:]}")
        slots = self.locate.predict(canvases.reshape(len(canvases), -1) / 16.0)
        digits = self.classify.predict(np.array([crop(c, s) for c, s in zip(canvases, slots)]) / 16.0)
        return [f"{int(d)} {int(s)}" for d, s in zip(digits, slots)]


def main():
    """The split protocol of `trimtab job run` (local) and `trimtab job manifest` pods."""
    worker = DigitsBatch(models_dir=os.environ.get("DIGITS_MODELS_DIR"))
    split = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line:
            split.append(line)
            continue
        for answer in worker(split):
            sys.stdout.write(answer + "\n")
        sys.stdout.flush()
        split = []


if __name__ == "__main__":
    main()
