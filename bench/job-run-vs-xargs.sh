#!/bin/sh
# Benchmark: `trimtab job run` (long-lived workers, dynamic allocation) against what a user
# would do without it: cut the items into splits and run one worker process per split with
# `xargs -P` (each split pays the worker's start-up again). Same items, same worker, same
# parallelism, same machine. Prints wall times and checks that both outputs are identical.
# Usage: bench/job-run-vs-xargs.sh [ITEMS] [SPLIT] [WORKERS] [INIT_SLEEP]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
trimtab=${TRIMTAB:-"$here/../.build/release/trimtab"}
[ -x "$trimtab" ] || trimtab="$here/../.build/debug/trimtab"
n=${1:-2000}; s=${2:-32}; w=${3:-2}; init=${4:-0}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seq -f "img-%06g.jpg" 1 "$n" > "$tmp/items.txt"
printf '{"memory_mb": 3008, "split_size": %d, "workers": %d, "items": %d}\n' "$s" "$w" "$n" > "$tmp/plan.json"
worker="INIT_SLEEP=$init python3 $here/job_worker.py"

t0=$(date +%s.%N)
"$trimtab" job run --plan "$tmp/plan.json" --items "$tmp/items.txt" --command "$worker" -o "$tmp/trimtab.out" \
  --max-local-workers "$w" --format json > "$tmp/report.json"
t1=$(date +%s.%N)

mkdir "$tmp/splits"
split -l "$s" -a 6 -d "$tmp/items.txt" "$tmp/splits/s"
t2=$(date +%s.%N)
ls "$tmp/splits" | xargs -P "$w" -I{} sh -c "{ cat '$tmp/splits/{}'; echo; } | $worker > '$tmp/splits/{}.out'"
cat "$tmp"/splits/s??????.out > "$tmp/xargs.out"
t3=$(date +%s.%N)

cmp -s "$tmp/trimtab.out" "$tmp/xargs.out" && same=identical || same=DIFFERENT
echo "items=$n split=$s workers=$w init_sleep=${init}s outputs=$same"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "trimtab job run: %.2f s\nxargs -P, one process per split: %.2f s\n", b - a, d - c }'
grep -o '"init_s": [0-9.e-]*\|"median_split_s": [0-9.e-]*\|"workers_started": [0-9]*' "$tmp/report.json" | tr '\n' ' '; echo
