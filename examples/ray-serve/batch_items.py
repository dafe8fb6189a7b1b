"""Writes the example batch job's items: held-out canvases, one JSON 16×16 canvas per line.

    python batch_items.py --count 20000 --out canvases.txt [--answers answers.txt]

Canvases are built from the held-out digit images only (digits_data.split_digits), with a fixed
seed: the same count gives the same file. --answers writes the true "DIGIT SLOT" per line.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits_data import make_canvases, split_digits  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--answers")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    _, test_images, _, test_labels = split_digits()
    canvases, slots, digits = make_canvases(test_images, test_labels, args.count, seed=args.seed)
    with open(args.out, "w") as f:
        for c in canvases:
            f.write(json.dumps([[round(float(x), 1) for x in row] for row in c], separators=(",", ":")) + "\n")
    if args.answers:
        with open(args.answers, "w") as f:
            for d, s in zip(digits, slots):
                f.write(f"{int(d)} {int(s)}\n")


if __name__ == "__main__":
    main()
