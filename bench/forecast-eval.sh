#!/bin/sh
# IPA's forecasting setting: the peak of the next 20 s from the per-10 s maxima of the last 120 s.
# Twitter (count / 8): train on days 1–14, test on days 15–22. NASA: train on the first 60%.
# Usage: bench/forecast-eval.sh [TRIMTAB]
set -e
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/trimtab}
REF=../shared/reference/traces
COMMON="--history 120 --bin 10 --horizon 20 --step 10"
echo "== Twitter ÷ 8, train days 1–14, test days 15–22"
"$BIN" forecast --trace $REF/twitter_per_second.tbz2 --scale 0.125 $COMMON --train-until 1209600 --compare
"$BIN" forecast --trace $REF/twitter_per_second.tbz2 --scale 0.125 $COMMON --train-until 1209600 --select --format json
echo "== NASA, train on the first 60%, test on the last 40%"
"$BIN" forecast --trace $REF/nasa_per_second.tbz2 $COMMON --train-until 60% --compare
"$BIN" forecast --trace $REF/nasa_per_second.tbz2 $COMMON --train-until 60% --select --format json
