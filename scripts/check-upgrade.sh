#!/usr/bin/env bash
# Upgrading Terraform output made by an earlier mwaagen, against moto (a local emulation of the AWS
# APIs) on 127.0.0.1. For each fixture of tests/upgrade/NAME (the output of mwaagen before the
# module layout, for specs/NAME.toml):
#   apply the old output (less what moto cannot emulate: scripts/apply-moto.py filter), put the
#   output of this mwaagen for specs/NAME.toml in its place (same state), init, plan: the plan must
#   create and destroy nothing (only moves, from the root's `moved` blocks, and moto's known drift:
#   scripts/apply-moto.py drift), and must move every resource; then destroy.
#
# Usage: scripts/check-upgrade.sh [NAME...] (default: every fixture). Needs what
# scripts/check-apply.sh needs (terraform, the provider mirror, moto[server] in $CACHE/venv-moto);
# MWAAGEN_SKIP_TERRAFORM=1 skips, loudly. It starts moto_server itself on a free loopback port and
# stops it by its PID on exit. MWAAGEN_KEEP_APPLY=DIR copies the work folder there on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-moto"
mirror="${MWAAGEN_TF_PLUGINS:-/opt/tf-plugins}"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in tests/upgrade/*/; do names+=("$(basename "$d")"); done
fi
missing=()
command -v terraform >/dev/null 2>&1 || missing+=("terraform is not on PATH")
[ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || missing+=("no hashicorp/aws provider in the filesystem mirror $mirror")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${MWAAGEN_SKIP_TERRAFORM:-}" = 1 ]; then
    echo "!!! SKIPPED: the upgrade check did NOT run (MWAAGEN_SKIP_TERRAFORM=1): ${missing[*]} !!!"
    exit 0
  fi
  printf 'error: %s\n' "${missing[@]}" >&2
  exit 1
fi
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }

source scripts/lib.sh
mkdir -p "$CACHE"
ensure_tool moto
PY="$VENV/bin/python"

work=$(mktemp -d)
moto_pid=""
stop_moto() {
  [ -n "${MWAAGEN_KEEP_APPLY:-}" ] && cp -r "$work" "$MWAAGEN_KEEP_APPLY" 2>/dev/null || true
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_moto EXIT

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/data.json', timeout=1)" 2>/dev/null && break
  kill -0 "$moto_pid" 2>/dev/null || { echo "FAIL moto_server exited:"; cat "$work/moto.log"; exit 1; }
  sleep 0.2
done
offline_terraform "$work" "$mirror"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
echo "moto 5.2.5 on $endpoint (pid $moto_pid); $(terraform version | head -n 1)"

run_case() { # NAME: writes $work/NAME.result
  local name=$1 start=$SECONDS dir="$work/$1" log="$work/$1.log" ok=true failed_at="" vars=(-var region=us-east-1)
  mkdir -p "$dir"
  runs() { local step=$1; shift; echo "--- $step: $*" >> "$log"; "$@" >> "$log" 2>&1 || { failed_at=${failed_at:-$step}; return 1; }; }
  runs filter-old "$PY" scripts/apply-moto.py filter "tests/upgrade/$name" "$dir/tf" || ok=false
  $ok && { "$PY" scripts/apply-moto.py override "$endpoint" > "$dir/tf/moto_override.tf"; }
  $ok && { "$BIN" "specs/$name.toml" --target ir > "$dir/ir.json" 2>> "$log" || { failed_at=ir; ok=false; }; }
  $ok && { runs principals "$PY" scripts/apply-moto.py principals "$dir/ir.json" "$endpoint" us-east-1 || ok=false; }
  $ok && { runs init-old terraform -chdir="$dir/tf" init -input=false -backend=false -no-color || ok=false; }
  $ok && { runs apply-old terraform -chdir="$dir/tf" apply -input=false -auto-approve -no-color "${vars[@]}" || ok=false; }
  # The new output in place of the old one, on the same state.
  $ok && { runs generate "$BIN" "specs/$name.toml" --target terraform --out "$dir/new" || ok=false; }
  $ok && { find "$dir/tf" -maxdepth 1 -name '*.tf' -delete; runs filter-new "$PY" scripts/apply-moto.py filter "$dir/new" "$dir/tf" || ok=false; }
  $ok && { "$PY" scripts/apply-moto.py override "$endpoint" > "$dir/tf/moto_override.tf"; }
  $ok && { runs init-new terraform -chdir="$dir/tf" init -input=false -backend=false -no-color || ok=false; }
  $ok && { runs plan terraform -chdir="$dir/tf" plan -input=false -no-color -out=upgrade.plan "${vars[@]}" || ok=false; }
  $ok && { terraform -chdir="$dir/tf" show -json upgrade.plan > "$dir/plan.json" 2>> "$log" || { failed_at=show; ok=false; }; }
  $ok && { runs drift "$PY" scripts/apply-moto.py drift "$dir/plan.json" || ok=false; }
  $ok && { runs moves "$PY" scripts/apply-moto.py moves "$dir/plan.json" || ok=false; }
  if [ -f "$dir/tf/terraform.tfstate" ]; then
    # With a refresh: it writes the dependencies of the moved resources under their new addresses
    # into the state, which orders the destroy.
    runs destroy terraform -chdir="$dir/tf" destroy -input=false -auto-approve -no-color "${vars[@]}" || ok=false
  fi
  if $ok; then
    echo "ok   upgrade of $name: $(sed -n '/^--- plan:/,/^--- /p' "$log" | grep -E '^Plan:|^No changes' | head -n 1) $(grep -E '^second plan:' "$log" | tail -n 1); $(grep -E '^moves:' "$log" | tail -n 1) ($((SECONDS - start))s)" > "$work/$name.result"
  else
    { echo "FAIL upgrade of $name at $failed_at ($((SECONDS - start))s):"; tail -n 60 "$log" | sed 's/^/     /'; } > "$work/$name.result"
  fi
}

for name in "${names[@]}"; do
  [ -d "tests/upgrade/$name" ] && [ -f "specs/$name.toml" ] || { echo "FAIL $name: no tests/upgrade/$name or specs/$name.toml" > "$work/$name.result"; continue; }
  wait_for_slot "${MWAAGEN_APPLY_JOBS:-5}" "$moto_pid"
  run_case "$name" &
done
for pid in $(jobs -rp); do [ "$pid" = "$moto_pid" ] || wait "$pid" || true; done
fail=0
for name in "${names[@]}"; do
  cat "$work/$name.result"
  grep -q '^ok ' "$work/$name.result" || fail=$((fail + 1))
done
echo "upgrade: $((${#names[@]} - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
