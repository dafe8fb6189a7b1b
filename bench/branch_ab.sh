#!/bin/bash
# Before/after of the opt-in branch and bound over a chain's free items (docs/solver-note.md,
# branch solver-bb), one build: each cell's two-bound mix (--mix 3) with TRIMTAB_BENCH_BRANCH=0
# and =1 in turn, so both see the same load. One JSON record per instance, tagged with the
# variant ("branch") and the 1-minute load average when its cell started.
# usage: bench/branch_ab.sh OUT.jsonl [STAGES...]   (default stages: 60 100 1000)
set -euo pipefail
out=${1:?usage: bench/branch_ab.sh OUT.jsonl [STAGES...]}
shift
stages=${*:-60 100 1000}
: > "$out"
for n in $stages; do for fam in chain chain-shared; do for obj in cost latency accuracy; do for b in 0 1; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  TRIMTAB_BENCH_BRANCH=$b nice -n 19 .build/release/trimtab-bench robust-cell "$fam" "$n" "$obj" 10 --time-limit 10 --mix 3 2>/dev/null \
    | python3 -c "
import sys, json
for line in sys.stdin:
    r = json.loads(line)
    if 'seconds' in r:
        r.update(branch=$b, load_avg_1m=$load)
    else:
        r.update(family='$fam', stages=$n, objective='$obj', branch=$b)
    print(json.dumps(r))
" >> "$out"
done; done; done; done
