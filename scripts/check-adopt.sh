#!/usr/bin/env bash
# Adopting a live environment, end to end, against moto and the local MWAA API
# (scripts/mwaa-api.py), with the real terraform and hashicorp/aws provider:
#   1. a live environment made as a console user would (scripts/adopt-moto.py live): its network,
#      bucket, role and log groups in moto, the environment through the MWAA API;
#      get-environment's Environment object (boto3's resp["Environment"]) -> mwaagen import
#      --vpc-id -> mwaagen --target terraform -> terraform plan: the environment and its five log
#      groups are imported and nothing is added, changed or destroyed; apply imports them; a
#      second plan is empty.
#   2. a live environment on 2.6.3, a version MWAA no longer offers: import writes the spec with
#      the version marked and exits 1; after choosing 2.7.2 the plan imports and changes the
#      environment's airflow_version only; apply upgrades it; a second plan is empty.
# Needs terraform and the provider mirror like scripts/check-apply.sh (MWAAGEN_SKIP_TERRAFORM=1
# skips, loudly); moto[server] 5.2.5 in $CACHE/venv-moto (scripts/lib.sh ensure_tool moto).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-moto"
mirror="${MWAAGEN_TF_PLUGINS:-/opt/tf-plugins}"

source scripts/lib.sh
require_terraform "the adoption round trip" "$mirror" "$BIN"
mkdir -p "$CACHE"
ensure_tool moto
PY="$VENV/bin/python"

work=$(mktemp -d)
moto_pid=""
mwaa_pid=""
trap 'stop_services "$work" "${MWAAGEN_KEEP_ADOPT:-}"' EXIT

start_moto "$work" "$VENV" "$PY"
start_mwaa_api "$work" "$PY"
proxy=$mwaa_proxy
offline_terraform "$work" "$mirror"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true

tf() { terraform -chdir="$1" "$2" -input=false -no-color "${@:3}"; }
# plan DIR MODE: a plan, its JSON checked by adopt-moto.py plan MODE
plan() {
  tf "$1" plan -out=p.plan > "$1/plan.txt" 2>&1 || { cat "$1/plan.txt"; return 1; }
  terraform -chdir="$1" show -json p.plan > "$1/plan.json"
  grep -E '^Plan:|No changes' "$1/plan.txt" | sed 's/^/  /'
  "$PY" scripts/adopt-moto.py plan "$1/plan.json" "$2"
}
generate() { # spec dir
  "$BIN" "$1" --target terraform --out "$2" > /dev/null
  "$PY" scripts/apply-moto.py override "$endpoint" > "$2/moto_override.tf"
  tf "$2" init -backend=false > "$2/init.log" 2>&1 || { cat "$2/init.log"; return 1; }
}

fail=0
echo "--- 1. adopt a live environment on an offered version"
d="$work/adopted"; mkdir -p "$d"
vpc=$("$PY" scripts/adopt-moto.py live adopted-env 2.10.3 "$endpoint" "$proxy" "$d/environment.json")
"$BIN" import "$d/environment.json" --vpc-id "$vpc" --out "$d/spec.toml"
grep -q '^adopt = true$' "$d/spec.toml" || { echo "FAIL the imported spec does not adopt"; fail=1; }
generate "$d/spec.toml" "$d/tf"
grep -q "^import {" "$d/tf/adopt.tf" || { echo "FAIL no import blocks"; fail=1; }
plan "$d/tf" adopt || fail=1
grep -q 'Plan: 6 to import, 0 to add, 0 to change, 0 to destroy' "$d/tf/plan.txt" || { echo "FAIL the plan adds, changes or destroys"; fail=1; }
tf "$d/tf" apply p.plan > "$d/apply.log" 2>&1 || { tail -30 "$d/apply.log"; fail=1; }
grep -E '^Apply complete' "$d/apply.log" | sed 's/^/  /' || true
plan "$d/tf" clean || fail=1

echo "--- 2. adopt a live environment on 2.6.3, which MWAA no longer offers"
d="$work/legacy"; mkdir -p "$d"
vpc=$("$PY" scripts/adopt-moto.py live legacy-env 2.6.3 "$endpoint" "$proxy" "$d/environment.json")
set +e
"$BIN" import "$d/environment.json" --vpc-id "$vpc" --out "$d/spec.toml" 2> "$d/import.err"
rc=$?
set -e
if [ "$rc" -ne 1 ] || ! grep -q '^# CHOOSE: the live value of environment.airflow_version' "$d/spec.toml" \
  || ! grep -q 'the live environment legacy-env has values that mwaagen refuses' "$d/import.err"; then
  echo "FAIL import of 2.6.3: exit $rc, or no marked spec"; cat "$d/import.err"; fail=1
else
  echo "  import exit 1: $(tail -n 1 "$d/import.err" | cut -c1-110)..."
fi
sed -i 's/^airflow_version = "2.6.3"$/airflow_version = "2.7.2"/' "$d/spec.toml"
"$BIN" validate "$d/spec.toml" > /dev/null
generate "$d/spec.toml" "$d/tf"
plan "$d/tf" version || fail=1
tf "$d/tf" apply p.plan > "$d/apply.log" 2>&1 || { tail -30 "$d/apply.log"; fail=1; }
grep -E '^Apply complete' "$d/apply.log" | sed 's/^/  /' || true
plan "$d/tf" clean || fail=1

if [ "$fail" -ne 0 ]; then echo "adoption round trip: FAILED"; exit 1; fi
echo "adoption round trip: ok (an offered version adopted with 0 changes; 2.6.3 marked, then upgraded alone)"
