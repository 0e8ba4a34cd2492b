#!/usr/bin/env bash
# checkov 3.3.30 on the CloudFormation and Terraform that mwaagen generates for each SPEC (and for
# the built-in default with --default): any failed check fails. Findings the architecture has by
# design are suppressed in the generated code itself, each with its reason (docs/security.md).
# cdk-nag runs inside the CDK app on every synth (scripts/check-cdk.sh), where a finding fails synth.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-checkov"
VERSION=3.3.30

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_venv "$VENV" checkov "$VERSION"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0; fail=0
scan() { # label, checkov args...
  local label=$1; shift
  local report counts
  if report=$("$VENV/bin/checkov" "$@" --skip-download --compact 2>&1); then
    counts=$(printf '%s\n' "$report" | grep -m1 -E "^Passed checks" || true)
    echo "ok   $label ($counts)"; pass=$((pass + 1))
  else
    echo "FAIL $label"
    printf '%s\n' "$report" | grep -E "^(Passed checks|Check:|\s*FAILED for)" | sed 's/^/    /'
    fail=$((fail + 1))
  fi
}
run() { # name, mwaagen args...
  local name=$1; shift
  if ! "$BIN" "$@" --target all --out "$out/$name" >/dev/null; then
    echo "FAIL $name: mwaagen failed"; fail=$((fail + 1)); return
  fi
  scan "$name cloudformation" -f "$out/$name/cloudformation/template.yaml" --framework cloudformation
  scan "$name terraform" -d "$out/$name/terraform" --framework terraform
}
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then run default-built-in; else run "$(basename "$arg" .toml)" "$arg"; fi
done
echo "checkov: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
