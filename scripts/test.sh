#!/usr/bin/env bash
# Runs every test of mwaagen on a fresh machine: Rust lints and tests, the JSON Schema against
# botocore's AWS models and under jsonschema, then the real tools on the output of every example
# spec and of the built-in default. Installs what the tools need (Python venvs for botocore,
# jsonschema, cfn-lint, checkov, policy_sentry, moto, pre-commit and python-hcl2, the hashicorp/aws
# schemas of the provider bindings (.jsii), npm packages for the CDK app,
# the access matrix's IAM simulator and the SARIF schema) under .cache/ and reuses them on later runs.
#
# Opt-outs (each prints loudly that it skipped): MWAAGEN_SKIP_TERRAFORM=1 (also the apply against
# moto), MWAAGEN_SKIP_CDK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
mkdir -p "$CACHE"
export CARGO_TERM_COLOR=never

# Each step's time, printed as a table at the end (docs/performance.md, README).
step_name="" step_start=0 timings=()
end_step() {
  [ -z "$step_name" ] || timings+=("$(printf '%6ss  %s' "$(( $(date +%s) - step_start ))" "$step_name")")
}
step() { end_step; step_name=$*; step_start=$(date +%s); printf '\n==> %s\n' "$*"; }
start=$(date +%s)

# The checks' pinned Python tools install in the background while cargo builds (most of it is
# download); the first check waits for them.
mkdir -p "$CACHE/logs"
bash scripts/install-tools.sh > "$CACHE/logs/install-tools.log" 2>&1 &
installer=$!
trap 'kill "$installer" 2>/dev/null || true' EXIT

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test"
cargo test --locked

step "changed lines of each target for a one-value spec change (tests/diff_size.rs; CloudFormation reported, not bounded)"
cargo test --locked --quiet --test diff_size -- --nocapture

# The tools check the binary that cargo test built (the dev profile): the release profile's fat
# LTO with one codegen unit takes ~3 minutes on 2 CPUs and changes no output (docs/performance.md
# measures the release build).
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/mwaagen"
[ -x "$BIN" ] || { echo "error: cargo test built no $BIN" >&2; exit 1; }
export MWAAGEN_BIN="$BIN"

mapfile -t SPECS < <(ls specs/*.toml)

step "the checks' pinned Python tools (scripts/install-tools.sh, started with cargo)"
if ! wait "$installer"; then
  cat "$CACHE/logs/install-tools.log"
  echo "error: installing the checks' Python tools failed (log above)" >&2
  exit 1
fi
cat "$CACHE/logs/install-tools.log"

step "mwaagen schema against AWS's models (botocore 1.44.8)"
bash scripts/check-botocore.sh

step "mwaagen schema under jsonschema 4.26.0: example specs and boundary fixtures pass, marked invalid fixtures fail"
bash scripts/check-schema.sh

step "validate --format json|sarif and diff --format json against their schemas (SARIF 2.1.0; docs/schemas/)"
bash scripts/check-formats.sh

step ".pre-commit-hooks.yaml under pre-commit 4.7.0 in a temporary git repository"
bash scripts/check-pre-commit.sh

step "cfn-lint 1.58.0 on the CloudFormation of ${#SPECS[@]} specs and the built-in default"
bash scripts/check-cfn.sh --default "${SPECS[@]}"

step "mwaagen diff: createOnlyProperties table against cfn-lint 1.58.0's resource schemas"
bash scripts/check-create-only.sh

step "mwaagen import: round-trip JSON of the specs without inputs against botocore 1.44.8's GetEnvironmentOutput"
bash scripts/check-import.sh

step "terraform: init, fmt -check, validate, test"
bash scripts/check-terraform.sh --default "${SPECS[@]}"

step "Terraform output against the hashicorp/aws 6.69.1 schema (cdktn-provider-aws 25.8.1's .jsii; the reading checked against terraform's 5.100.0 schema)"
bash scripts/check-provider-schema.sh --default "${SPECS[@]}"

step "checkov 3.3.30 on the CloudFormation and Terraform output"
bash scripts/check-security.sh --default "${SPECS[@]}"

step "policy_sentry 0.15.2: every IAM policy document of ${#SPECS[@]} specs and the built-in default"
bash scripts/check-iam.sh --default "${SPECS[@]}"

step "CDK: tsc, synth with cdk-nag, cfn-lint, equivalence with the CloudFormation output"
bash scripts/check-cdk.sh --default "${SPECS[@]}"

step "CloudFormation/CDK property types against cfn-lint 1.58.0's resource schemas and aws-cdk-lib's L1 names"
bash scripts/check-property-types.sh

# The built-in default is specs/default.toml; default, private and restricted-acl as issue 13 asks;
# the two newer specs reach customer endpoints, an ssm endpoint, extra S3 gateway buckets and
# principals that must exist first.
APPLY_SPECS=(specs/default.toml specs/private.toml specs/restricted-acl.toml specs/customer-endpoints.toml specs/private-data-lake.toml)
# The apply leaves each case's plan JSON (real ARNs) for the access matrix below.
PLANS_DIR=$(mktemp -d)
trap 'kill "$installer" 2>/dev/null || true; rm -rf "$PLANS_DIR"' EXIT
step "terraform apply against moto 5.2.5: ${APPLY_SPECS[*]}; upgrade of earlier output (tests/upgrade)"
# The upgrade check (its own moto) runs beside the apply: both mostly wait for the provider.
bash scripts/check-upgrade.sh > "$CACHE/logs/check-upgrade.log" 2>&1 &
upgrade=$!
apply_status=0
MWAAGEN_PLANS_DIR="$PLANS_DIR" bash scripts/check-apply.sh "${APPLY_SPECS[@]}" || apply_status=$?
upgrade_status=0
wait "$upgrade" || upgrade_status=$?
grep -E '^(ok|FAIL|upgrade:|!!!)' "$CACHE/logs/check-upgrade.log" || true
[ "$upgrade_status" -eq 0 ] || { sed 's/^/    /' "$CACHE/logs/check-upgrade.log" | tail -n 80; exit "$upgrade_status"; }
[ "$apply_status" -eq 0 ] || exit "$apply_status"

step "access matrix: tests/access/*.yaml under @cloud-copilot/iam-simulate 0.1.173 (CloudFormation of every spec, Terraform plans of the moto apply), mutations, docs/security.md table"
bash scripts/check-access.sh --plans "$PLANS_DIR"

step "adoption round trip against moto and the local MWAA API: import -> terraform plan (imports only) -> apply -> empty plan"
bash scripts/check-adopt.sh

end_step
printf '\nseconds per step:\n'
printf '%s\n' "${timings[@]}"
printf '\nall checks passed in %ss\n' "$(( $(date +%s) - start ))"
