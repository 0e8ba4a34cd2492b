#!/usr/bin/env bash
# A real `terraform apply` of the Terraform that mwaagen generates, against moto (a local emulation
# of the AWS APIs) on 127.0.0.1, for each SPEC (and the built-in default with --default):
#   generate, create in moto what the spec names but does not create (roles and groups that web
#   access policies attach to, the customer managed policies the execution role names), leave out
#   what moto cannot emulate (scripts/apply-moto.py filter: the bucket lifecycle rule), init, apply,
#   plan again (only moto's known drift may show: scripts/apply-moto.py drift), destroy
#   (prevent_destroy is lifted for this), and reset moto. The MWAA environment is applied too: moto
#   has no MWAA, so scripts/mwaa-api.py serves it (a local MWAA API that checks every request
#   against botocore's MWAA model), reached as the HTTP proxy of the provider's MWAA endpoint
#   http://mwaa.invalid (the SDK puts `api.` before MWAA's host, which 127.0.0.1 cannot take). It proves what the mocked `terraform test` cannot: the references resolve to real ids,
#   the ordering holds, and the AWS APIs (as moto models them) accept every value.
#
# The script starts moto_server and the MWAA API itself on free loopback ports and stops them by
# their PIDs on exit.
# Needs terraform and the hashicorp/aws provider mirror like scripts/check-terraform.sh
# (MWAAGEN_SKIP_TERRAFORM=1 skips, loudly); moto[server] 5.2.5 is installed into $CACHE/venv-moto.
# MWAAGEN_APPLY_JOBS sets how many cases run side by side (default 5); MWAAGEN_KEEP_APPLY=DIR copies
# the work folder (logs, configurations, states) there on exit, for a look after a failure.
# MWAAGEN_PLANS_DIR=DIR copies each passing case's second plan (`terraform show -json`, its
# prior_state holds every applied policy with real ARNs) to DIR/NAME.json, for scripts/check-access.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-moto"
mirror="${MWAAGEN_TF_PLUGINS:-/opt/tf-plugins}"

if [ $# -eq 0 ]; then
  echo "usage: scripts/check-apply.sh [--default] SPEC..." >&2
  exit 2
fi
source scripts/lib.sh
require_terraform "the apply against moto" "$mirror" "$BIN"
mkdir -p "$CACHE"
ensure_tool moto
PY="$VENV/bin/python"
"$PY" scripts/apply-moto.py selftest
"$PY" scripts/mwaa-api.py selftest

work=$(mktemp -d)
moto_pid=""
mwaa_pid=""
trap 'stop_services "$work" "${MWAAGEN_KEEP_APPLY:-}"' EXIT

# --- moto on a free loopback port ---------------------------------------------------------------
# AWS managed policies that a spec attaches (execution_role.additional_policy_arns) must exist.
MOTO_IAM_LOAD_MANAGED_POLICIES=true start_moto "$work" "$VENV" "$PY"
# --- the local MWAA API (scripts/mwaa-api.py) on another free loopback port -------------------------
start_mwaa_api "$work" "$PY"
offline_terraform "$work" "$mirror"
# Nothing of the caller's AWS setup may reach the provider.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
echo "moto 5.2.5 on $endpoint (pid $moto_pid), the local MWAA API as proxy $mwaa_proxy (pid $mwaa_pid);" \
  "$(terraform version | head -n 1), provider mirror $mirror"

# Each case in its own folder and state; cases run side by side (MWAAGEN_APPLY_JOBS, default 5: much of a case is the provider waiting),
# which moto serves concurrently. Names cannot collide: each spec has its own environment name,
# and what Terraform names takes a unique suffix.
run_case() { # name, mwaagen args...; writes $work/NAME.result
  local name=$1 start=$SECONDS dir="$work/$1" log="$work/$1.log" step="" failed_at="" region t0 times=""
  shift
  mkdir -p "$dir"
  : > "$log"
  runs() { # step, command...: runs it into the log; remembers the first step that fails
    step=$1; shift
    echo "--- $step: $*" >> "$log"
    t0=$SECONDS
    if "$@" >> "$log" 2>&1; then times="$times $step $((SECONDS - t0))s,"; return 0; fi
    [ -n "$failed_at" ] || failed_at=$step
    return 1
  }
  local ok=true vars=()
  runs generate "$BIN" "$@" --target terraform --out "$dir/generated" || ok=false
  $ok && { "$BIN" "$@" --target ir > "$dir/ir.json" 2>> "$log" || { failed_at=ir; ok=false; }; }
  if $ok; then
    region=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("region") or "us-east-1")' "$dir/ir.json")
    runs filter "$PY" scripts/apply-moto.py filter "$dir/generated" "$dir/tf" || ok=false
  fi
  $ok && { "$PY" scripts/apply-moto.py override "$endpoint" > "$dir/tf/moto_override.tf" || { failed_at=override; ok=false; }; }
  if $ok && grep -qs '^variable "region"' "$dir/tf/variables.tf"; then vars=(-var "region=$region"); fi
  $ok && { runs principals "$PY" scripts/apply-moto.py principals "$dir/ir.json" "$endpoint" "$region" || ok=false; }
  $ok && { runs init terraform -chdir="$dir/tf" init -input=false -backend=false -no-color || ok=false; }
  $ok && { runs apply terraform -chdir="$dir/tf" apply -input=false -auto-approve -no-color "${vars[@]}" || ok=false; }
  $ok && { runs plan terraform -chdir="$dir/tf" plan -input=false -no-color -out=second.plan "${vars[@]}" || ok=false; }
  $ok && { terraform -chdir="$dir/tf" show -json second.plan > "$dir/second-plan.json" 2>> "$log" || { failed_at=show; ok=false; }; }
  $ok && { runs drift "$PY" scripts/apply-moto.py drift "$dir/second-plan.json" || ok=false; }
  # Destroy whatever was created, also after a failure.
  if [ -f "$dir/tf/terraform.tfstate" ]; then
    # The state is fresh from the plan above: no second refresh.
    runs destroy terraform -chdir="$dir/tf" destroy -input=false -auto-approve -refresh=false -no-color "${vars[@]}" || ok=false
  fi
  local added drift
  added=$(grep -Eo 'Apply complete! Resources: [0-9]+ added' "$log" | grep -Eo '[0-9]+' | head -n 1 || true)
  drift=$(grep -c 'known moto drift' "$log" || true)
  # For the access matrix (scripts/check-access.sh): the plan JSON of each passing case.
  if $ok && [ -n "${MWAAGEN_PLANS_DIR:-}" ]; then
    mkdir -p "$MWAAGEN_PLANS_DIR" && cp "$dir/second-plan.json" "$MWAAGEN_PLANS_DIR/$name.json" || { failed_at=plans-dir; ok=false; }
  fi
  if $ok; then
    echo "ok   $name (${added:-0} resources applied and destroyed, $drift known moto drift;${times%,}; $((SECONDS - start))s)" > "$work/$name.result"
  else
    { echo "FAIL $name at $failed_at ($((SECONDS - start))s); its output:"; tail -n 60 "$log" | sed 's/^/     /'; } > "$work/$name.result"
  fi
}

jobs_max="${MWAAGEN_APPLY_JOBS:-5}"
names=()
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then name=default-built-in; args=(); else name=$(basename "$arg" .toml); args=("$arg"); fi
  names+=("$name")
  wait_for_slot "$jobs_max" "$moto_pid" "$mwaa_pid"
  run_case "$name" "${args[@]}" &
done
for pid in $(jobs -rp); do [ "$pid" = "$moto_pid" ] || [ "$pid" = "$mwaa_pid" ] || wait "$pid" || true; done
pass=0; fail=0; failed=()
for name in "${names[@]}"; do
  if [ -f "$work/$name.result" ]; then cat "$work/$name.result"; else echo "FAIL $name: no result"; fi
  if grep -q '^ok ' "$work/$name.result" 2>/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$name"); fi
done
echo "moto apply: $pass passed, $fail failed${failed:+ (${failed[*]})}"
[ "$fail" -eq 0 ]
