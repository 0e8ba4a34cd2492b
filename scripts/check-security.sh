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

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_tool checkov

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each spec's output is generated first; then one checkov process per framework reads all of them
# (its start-up is most of a scan: 20 processes took 130 CPU-seconds, these two take ~15), and
# scripts/checkov-summary.py says what it found per spec and framework. Both run side by side.
names=()
cfn_args=()
fail=0
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then name=default-built-in; args=(); else name=$(basename "$arg" .toml); args=("$arg"); fi
  if ! "$BIN" "${args[@]}" --target all --out "$out/specs/$name" >/dev/null; then
    echo "FAIL $name: mwaagen failed"; fail=$((fail + 1)); continue
  fi
  names+=("$name")
  cfn_args+=(-f "$out/specs/$name/cloudformation/template.yaml")
done
[ ${#names[@]} -gt 0 ] || { echo "usage: scripts/check-security.sh [--default] SPEC..." >&2; exit 2; }
scan() { # framework, checkov args...: writes $out/FRAMEWORK.json; checkov exits 1 on findings
  local framework=$1 rc=0
  shift
  "$VENV/bin/checkov" "$@" --framework "$framework" --skip-download --compact -o json \
    > "$out/$framework.json" 2> "$out/$framework.log" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "FAIL checkov $framework exited $rc:"; sed 's/^/    /' "$out/$framework.log" | tail -n 40
    return 1
  fi
}
scan cloudformation "${cfn_args[@]}" > "$out/cloudformation.scan" 2>&1 &
cfn_pid=$!
# One folder above every spec's output: given several -d, checkov 3.3.30 reports the first folder's
# files once per folder (its counts double); from one parent it reports each spec's own.
scan terraform -d "$out/specs" > "$out/terraform.scan" 2>&1 &
tf_pid=$!
wait "$cfn_pid" || fail=$((fail + 1))
wait "$tf_pid" || fail=$((fail + 1))
cat "$out/cloudformation.scan" "$out/terraform.scan"
summary=""
if [ -f "$out/cloudformation.json" ] && [ -f "$out/terraform.json" ]; then
  summary=$("$VENV/bin/python" scripts/checkov-summary.py "$out/specs" "$out/cloudformation.json" \
    "$out/terraform.json" "${names[@]}" 2>&1 || true)
fi
printf '%s\n' "$summary"
pass=$(grep -c '^ok ' <<<"$summary" || true)
fail=$((fail + $(grep -c '^FAIL ' <<<"$summary" || true)))
[ "$pass" -eq $((2 * ${#names[@]})) ] || [ "$fail" -gt 0 ] || fail=1
echo "checkov: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
