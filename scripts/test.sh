#!/usr/bin/env bash
# Runs Trimtab's tests on a fresh machine with Swift 6.3: installs what the tests use when it is
# missing, then runs `swift test` (in parallel) and prints its summary.
#
#   scripts/test.sh                    # the whole suite
#   scripts/test.sh --filter Control   # any further arguments go to `swift test`
#
# What the tests use besides the Swift toolchain and the package mirror:
#   Debian: prometheus (a real Prometheus server for the controller's tests), kubernetes-client
#           (kubectl, checks the in-repo Kubernetes API test server), python3 and python3-venv,
#           bzip2 (the reference traces are .tbz2), chromium (the dashboard's test, headless)
#   PyPI:   moto[server] (the AWS Lambda API, with boto3 for its fixture), kubernetes-validate
#           (schema check of job manifests), ray[serve,data] and scikit-learn (the Ray Serve example
#           that the ray_serve sink's end-to-end test trains, deploys and controls, and whose
#           models `job run --engine ray` runs on Ray Data — pyarrow, pandas), mcp (the
#           official MCP client, for trimtab mcp and /mcp), schemathesis (fuzzes the HTTP API
#           from its OpenAPI document), playwright (drives chromium) — in a virtual
#           environment, .build/test-venv, whose bin/ goes first on PATH for the tests (they find
#           moto_server, kubernetes-validate, ray, serve and python3 there).
# Debian packages are installed with apt-get (through sudo when not root). Set
# TRIMTAB_TEST_NO_INSTALL=1 to install nothing: a test whose tool is missing then fails.
# Exit status: swift test's (non-zero when a test fails), or 1 when the set-up fails.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test.sh: $*" >&2; }

if [ ! -d ../shared/reference ]; then
  say "../shared/reference is missing (the tests read reference data from it)"
  exit 1
fi

VENV="$PWD/.build/test-venv"
PIP_PACKAGES=('moto[server]' kubernetes-validate 'ray[serve,data]' scikit-learn mcp schemathesis playwright)

if [ "${TRIMTAB_TEST_NO_INSTALL:-}" != 1 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
  need_apt=()
  command -v prometheus >/dev/null || need_apt+=(prometheus)
  command -v kubectl >/dev/null || need_apt+=(kubernetes-client)
  command -v bzip2 >/dev/null || need_apt+=(bzip2)
  command -v chromium >/dev/null || need_apt+=(chromium)
  if ! command -v python3 >/dev/null; then
    need_apt+=(python3 python3-venv)
  elif [ ! -x "$VENV/bin/python3" ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    need_apt+=(python3-venv)
  fi
  if [ ${#need_apt[@]} -gt 0 ]; then
    say "installing Debian packages: ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
  if [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/kubernetes-validate" ] || [ ! -x "$VENV/bin/serve" ] \
     || [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/python3" -c 'import sklearn, mcp, playwright, pyarrow, pandas' 2>/dev/null; then
    say "installing ${PIP_PACKAGES[*]} into $VENV"
    mkdir -p "$(dirname "$VENV")"
    [ -x "$VENV/bin/python3" ] || python3 -m venv "$VENV"
    "$VENV/bin/python3" -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
  fi
fi
if [ -d "$VENV/bin" ]; then export PATH="$VENV/bin:$PATH"; fi

missing=()
for tool in prometheus kubectl python3 bzip2 chromium moto_server kubernetes-validate ray serve st; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || say "missing: ${missing[*]} (the tests that use them will fail)"

log="$(mktemp "${TMPDIR:-/tmp}/trimtab-test.XXXXXX")"
start=$(date +%s)
set +e
swift test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

# The summary: swift test's closing lines (Swift Testing's and XCTest's) and every failed test.
echo
echo "== summary (swift test, ${elapsed} s, exit ${status}; full output in $log)"
grep -E '(Test|Suite) .* failed after' "$log" | grep -v 'Test run with' || true
grep -E 'Test run with [0-9]+ tests?|Executed [0-9]+ tests?' "$log" | tail -n 3 || true
exit "$status"
