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
scan() { # label, checkov args...: prints one ok or FAIL line, the failed checks after a FAIL
  local label=$1; shift
  local report counts
  if report=$("$VENV/bin/checkov" "$@" --skip-download --compact 2>&1); then
    counts=$(printf '%s\n' "$report" | grep -m1 -E "^Passed checks" || true)
    echo "ok   $label ($counts)"
  else
    echo "FAIL $label"
    printf '%s\n' "$report" | grep -E "^(Passed checks|Check:|\s*FAILED for)" | sed 's/^/    /'
  fi
}
# Each spec's output is generated first; the scans run side by side (MWAAGEN_JOBS, default: the
# CPUs) and their results print in order.
jobs_max=$(check_jobs)
labels=()
queue() { # result file name, label, checkov args...
  local file=$1
  shift
  labels+=("$file")
  wait_for_slot "$jobs_max"
  scan "$@" > "$out/$file.result" 2>&1 &
}
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then name=default-built-in; args=(); else name=$(basename "$arg" .toml); args=("$arg"); fi
  if ! "$BIN" "${args[@]}" --target all --out "$out/$name" >/dev/null; then
    labels+=("$name.mwaagen")
    echo "FAIL $name: mwaagen failed" > "$out/$name.mwaagen.result"
    continue
  fi
  queue "$name.cfn" "$name cloudformation" -f "$out/$name/cloudformation/template.yaml" --framework cloudformation
  queue "$name.tf" "$name terraform" -d "$out/$name/terraform" --framework terraform
done
wait
pass=0; fail=0
for file in "${labels[@]}"; do
  cat "$out/$file.result"
  if head -n 1 "$out/$file.result" | grep -q '^ok '; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "checkov: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
