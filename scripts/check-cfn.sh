#!/usr/bin/env bash
# cfn-lint 1.58.0 on the CloudFormation that mwaagen generates for each SPEC (and for the built-in
# default with --default). Fails on any finding: error, warning or informational.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-cfn-lint"
VERSION=1.58.0

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_venv "$VENV" cfn-lint "$VERSION"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0; fail=0
run() { # name, mwaagen args...
  local name=$1; shift
  if ! "$BIN" "$@" --target cfn > "$out/$name.yaml"; then
    echo "FAIL $name: mwaagen failed"; fail=$((fail + 1)); return
  fi
  if "$VENV/bin/cfn-lint" --non-zero-exit-code informational "$out/$name.yaml"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: cfn-lint findings above"; fail=$((fail + 1))
  fi
}
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then run default-built-in; else run "$(basename "$arg" .toml)" "$arg"; fi
done
echo "cfn-lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
