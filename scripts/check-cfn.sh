#!/usr/bin/env bash
# cfn-lint 1.58.0 on the CloudFormation that mwaagen generates for each SPEC (and for the built-in
# default with --default). Fails on any finding: error, warning or informational.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-cfn-lint"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_tool cfn-lint

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Specs run side by side (MWAAGEN_JOBS, default: the CPUs); their results print in order.
run() { # name, mwaagen args...: prints one ok or FAIL line, cfn-lint's findings before a FAIL
  local name=$1; shift
  if ! "$BIN" "$@" --target cfn > "$out/$name.yaml"; then
    echo "FAIL $name: mwaagen failed"; return
  fi
  if "$VENV/bin/cfn-lint" --non-zero-exit-code informational "$out/$name.yaml"; then
    echo "ok   $name"
  else
    echo "FAIL $name: cfn-lint findings above"
  fi
}
jobs_max=$(check_jobs)
names=()
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then name=default-built-in; args=(); else name=$(basename "$arg" .toml); args=("$arg"); fi
  names+=("$name")
  wait_for_slot "$jobs_max"
  run "$name" "${args[@]}" > "$out/$name.result" 2>&1 &
done
wait
pass=0; fail=0
for name in "${names[@]}"; do
  cat "$out/$name.result"
  if tail -n 1 "$out/$name.result" | grep -q '^ok '; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "cfn-lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
