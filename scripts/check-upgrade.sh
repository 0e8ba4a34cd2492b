#!/usr/bin/env bash
# Upgrading Terraform output made by an earlier mwaagen, against moto (a local emulation of the AWS
# APIs) on 127.0.0.1. For each fixture of tests/upgrade/NAME (the output of mwaagen before the
# module layout, for tests/upgrade/NAME.toml, which is specs/NAME.toml as it was then):
#   apply the old output (less what moto cannot emulate: scripts/apply-moto.py filter), put the
#   output of this mwaagen for the same spec in its place (same state), init, plan: the plan must
#   create and destroy nothing (only moves, from the root's `moved` blocks, and moto's known drift:
#   scripts/apply-moto.py drift), and must move every resource; then destroy.
#
# Then (issue 23, MWAAGEN_UPGRADE_RETAIN=0 skips it) the retained resources: see retain_case below.
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
source scripts/lib.sh
require_terraform "the upgrade check" "$mirror" "$BIN"
mkdir -p "$CACHE"
ensure_tool moto
PY="$VENV/bin/python"

work=$(mktemp -d)
moto_pid=""
mwaa_pid=""
trap 'stop_services "$work" "${MWAAGEN_KEEP_APPLY:-}"' EXIT

MOTO_IAM_LOAD_MANAGED_POLICIES=true start_moto "$work" "$VENV" "$PY"
# The environment too: the local MWAA API (scripts/mwaa-api.py), as in check-apply.sh.
start_mwaa_api "$work" "$PY"
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
  # The spec the fixture was generated from (tests/upgrade/NAME.toml, specs/NAME.toml at 8c1aa24):
  # the same spec, a newer mwaagen, is what an upgrade is (the example specs have grown since).
  $ok && { "$BIN" "tests/upgrade/$name.toml" --target ir > "$dir/ir.json" 2>> "$log" || { failed_at=ir; ok=false; }; }
  $ok && { runs principals "$PY" scripts/apply-moto.py principals "$dir/ir.json" "$endpoint" us-east-1 || ok=false; }
  $ok && { runs init-old terraform -chdir="$dir/tf" init -input=false -backend=false -no-color || ok=false; }
  # The old output is the fixture, not what is tested: an apply that moto or the local MWAA API
  # fails under load (every case and the apply check share the machine) is run once more, on the
  # same state, before the case fails. Its errors stay in the log.
  if $ok && ! runs apply-old terraform -chdir="$dir/tf" apply -input=false -auto-approve -no-color "${vars[@]}"; then
    echo "--- apply-old failed once; applying again (the errors above)" >> "$log"
    failed_at=""
    runs apply-old terraform -chdir="$dir/tf" apply -input=false -auto-approve -no-color "${vars[@]}" || ok=false
  fi
  # The new output in place of the old one, on the same state.
  $ok && { runs generate "$BIN" "tests/upgrade/$name.toml" --target terraform --out "$dir/new" || ok=false; }
  $ok && { find "$dir/tf" -maxdepth 1 -name '*.tf' -delete; runs filter-new "$PY" scripts/apply-moto.py filter "$dir/new" "$dir/tf" || ok=false; }
  $ok && { "$PY" scripts/apply-moto.py override "$endpoint" > "$dir/tf/moto_override.tf"; }
  $ok && { runs init-new terraform -chdir="$dir/tf" init -input=false -backend=false -no-color || ok=false; }
  $ok && { runs plan terraform -chdir="$dir/tf" plan -input=false -no-color -out=upgrade.plan "${vars[@]}" || ok=false; }
  $ok && { terraform -chdir="$dir/tf" show -json upgrade.plan > "$dir/plan.json" 2>> "$log" || { failed_at=show; ok=false; }; }
  $ok && { runs drift "$PY" scripts/apply-moto.py drift "$dir/plan.json" --upgrade || ok=false; }
  $ok && { runs moves "$PY" scripts/apply-moto.py moves "$dir/plan.json" || ok=false; }
  if [ -f "$dir/tf/terraform.tfstate" ]; then
    # With a refresh: it writes the dependencies of the moved resources under their new addresses
    # into the state, which orders the destroy.
    runs destroy terraform -chdir="$dir/tf" destroy -input=false -auto-approve -no-color "${vars[@]}" || ok=false
  fi
  if $ok; then
    echo "ok   upgrade of $name: $(sed -n '/^--- plan:/,/^--- /p' "$log" | grep -E '^Plan:|^No changes' | head -n 1) $(grep -E '^second plan:' "$log" | tail -n 1); $(grep -E '^moves:' "$log" | tail -n 1) ($((SECONDS - start))s)" > "$work/$name.result"
  else
    # The errors first (a destroy's output after them would hide them), then the end of the log.
    { echo "FAIL upgrade of $name at $failed_at ($((SECONDS - start))s):"
      grep -n -A4 -E '^(│ )?Error|^Traceback|FAIL' "$log" | head -n 40 | sed 's/^/     /'
      echo "     ..."; tail -n 30 "$log" | sed 's/^/     /'; } > "$work/$name.result"
  fi
}

# Issue 23: what CloudFormation retains survives a spec change that stops creating it. Applies
# specs/operations.toml with webserver logging on, then as it is (webserver "off"): the log group must
# still exist; then with bucket.existing_arn (the bucket must still exist), then a plan with kms.key
# "aws_owned" (it must forget the key, not delete it; the key must still be enabled).
retain_case() { # writes $work/retain.result
  local name=retain start=$SECONDS dir="$work/retain" log="$work/retain.log" ok=true failed_at="" region=eu-central-1
  mkdir -p "$dir/specs"
  runs() { local step=$1; shift; echo "--- $step: $*" >> "$log"; "$@" >> "$log" 2>&1 || { failed_at=${failed_at:-$step}; return 1; }; }
  sed 's/^webserver = "off".*/webserver = "INFO"/' specs/operations.toml > "$dir/specs/1-webserver-on.toml"
  cp specs/operations.toml "$dir/specs/2-webserver-off.toml"
  "$BIN" "$dir/specs/1-webserver-on.toml" --target ir > "$dir/ir.json" 2>> "$log" || { failed_at=ir; ok=false; }
  $ok && { runs principals "$PY" scripts/apply-moto.py principals "$dir/ir.json" "$endpoint" "$region" || ok=false; }
  stage() { # SPEC [FLAG...]: generate, put in place of the previous output (same state), apply
    local spec=$1
    shift
    rm -rf "$dir/gen"; find "$dir/tf" -name '*.tf' -not -path '*/.terraform/*' -delete 2>/dev/null || true
    runs "generate $(basename "$spec")" "$BIN" "$spec" --target terraform --out "$dir/gen" &&
      runs "filter $(basename "$spec")" "$PY" scripts/apply-moto.py filter "$dir/gen" "$dir/tf" &&
      "$PY" scripts/apply-moto.py override "$endpoint" > "$dir/tf/moto_override.tf" &&
      runs "init $(basename "$spec")" terraform -chdir="$dir/tf" init -input=false -backend=false -no-color &&
      if [[ " $* " == *" -out="* ]]; then
        runs "plan $(basename "$spec")" terraform -chdir="$dir/tf" plan -input=false -no-color "$@"
      else
        runs "apply $(basename "$spec")" terraform -chdir="$dir/tf" apply -input=false -auto-approve -no-color "$@"
      fi
  }
  # After the first apply, no refresh: moto's known drift (scripts/apply-moto.py DRIFT) would be
  # applied back, and moto refuses that update of the security group rule.
  local later=(-refresh=false)
  exists() { # WHAT ARG: is it still in moto?
    runs "still there: $1 $2" "$PY" - "$endpoint" "$region" "$1" "$2" <<'PY'
import sys, boto3
endpoint, region, what, arg = sys.argv[1:]
kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
if what == "log-group":
    groups = boto3.client("logs", **kw).describe_log_groups(logGroupNamePrefix=arg)["logGroups"]
    assert any(g["logGroupName"] == arg for g in groups), f"log group {arg} is gone"
elif what == "bucket":
    boto3.client("s3", **kw).head_bucket(Bucket=arg)
elif what == "key":
    state = boto3.client("kms", **kw).describe_key(KeyId=arg)["KeyMetadata"]["KeyState"]
    assert state == "Enabled", f"key {arg} is {state}"
print(f"{what} {arg} is still there")
PY
  }
  $ok && { stage "$dir/specs/1-webserver-on.toml" || ok=false; }
  local bucket="" key=""
  $ok && { bucket=$(terraform -chdir="$dir/tf" output -raw bucket_name 2>> "$log") && key=$(terraform -chdir="$dir/tf" output -raw kms_key_arn 2>> "$log") || { failed_at=outputs; ok=false; }; }
  $ok && { stage "$dir/specs/2-webserver-off.toml" "${later[@]}" && exists log-group airflow-ops-platform-WebServer || ok=false; }
  if $ok; then
    sed "s|^encryption = \"sse-kms\"|existing_arn = \"arn:aws:s3:::$bucket\"|" specs/operations.toml > "$dir/specs/3-existing-bucket.toml"
    stage "$dir/specs/3-existing-bucket.toml" "${later[@]}" && exists bucket "$bucket" || ok=false
  fi
  # The key: planned, not applied. The apply would also take the key off the log groups, and moto
  # 5.2.5 never finishes that (the provider waits for minutes): the plan must forget the key, not
  # destroy it; then the key is checked to be there still.
  if $ok; then
    sed 's|^key = "create".*|key = "aws_owned"|' "$dir/specs/3-existing-bucket.toml" > "$dir/specs/4-aws-owned-key.toml"
    stage "$dir/specs/4-aws-owned-key.toml" -refresh=false -out=key.plan &&
      terraform -chdir="$dir/tf" show -json key.plan > "$dir/key-plan.json" 2>> "$log" &&
      runs "key forgotten" "$PY" -c '
import json, sys
plan = json.load(open(sys.argv[1]))
acts = {rc["address"]: rc["change"]["actions"] for rc in plan["resource_changes"]}
key = acts.get("module.mwaa.aws_kms_key.environment")
assert key == ["forget"], f"the key: {key}"
print("module.mwaa.aws_kms_key.environment: forget (removed block), not delete")
' "$dir/key-plan.json" && exists key "$key" || ok=false
  fi
  if [ -f "$dir/tf/terraform.tfstate" ]; then
    runs destroy terraform -chdir="$dir/tf" destroy -input=false -auto-approve -no-color || ok=false
  fi
  if $ok; then
    echo "ok   retained after the spec stops creating them: $(grep -c ' is still there' "$log") of 3 (log group, bucket, key) ($((SECONDS - start))s)" > "$work/retain.result"
  else
    { echo "FAIL retained resources at $failed_at ($((SECONDS - start))s):"; tail -n 60 "$log" | sed 's/^/     /'; } > "$work/retain.result"
  fi
}

if [ "${MWAAGEN_UPGRADE_RETAIN:-1}" = 1 ]; then
  retain_case &
fi
for name in "${names[@]}"; do
  [ -d "tests/upgrade/$name" ] && [ -f "tests/upgrade/$name.toml" ] || { echo "FAIL $name: no tests/upgrade/$name or tests/upgrade/$name.toml" > "$work/$name.result"; continue; }
  wait_for_slot "${MWAAGEN_APPLY_JOBS:-5}" "$moto_pid" "$mwaa_pid"
  run_case "$name" &
done
for pid in $(jobs -rp); do [ "$pid" = "$moto_pid" ] || [ "$pid" = "$mwaa_pid" ] || wait "$pid" || true; done
fail=0
[ "${MWAAGEN_UPGRADE_RETAIN:-1}" = 1 ] && names+=(retain)
for name in "${names[@]}"; do
  cat "$work/$name.result" 2>/dev/null || echo "FAIL $name: no result"
  grep -qs '^ok ' "$work/$name.result" || fail=$((fail + 1))
done
echo "upgrade: $((${#names[@]} - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
