#!/bin/sh
# Replays IPA's four Twitter windows (load = count / 8) with the adaptive loop and both static
# baselines. Usage: bench/adapt-windows.sh [TRIMTAB] [extra adapt flags…]
# The trace is read straight from the reference archive (unpacked to a temporary folder).
set -e
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/trimtab}
[ $# -gt 0 ] && shift
TRACE=${TRACE:-../shared/reference/traces/twitter_per_second.tbz2}
run() {
    name=$1; shift
    echo "== $name"
    "$BIN" adapt examples/video-k8s.yaml --trace "$TRACE" --scale 0.125 --interval 10s --baselines "$@"
    echo
}
run bursty --window 1301160-1302360 "$@"
run "steady low" --window 1299600-1300800 "$@"
run "steady high" --window 1768800-1769400 "$@"
run fluctuating --window 1301400-1302000 --window 1308600-1309200 "$@"
