#!/usr/bin/env bash
# Runs every test of mwaagen on a fresh machine: Rust lints and tests, then the real tools on the
# output of every example spec and of the built-in default. Installs what the tools need (a Python
# venv for cfn-lint, npm packages for the CDK app) under .cache/ and reuses them on later runs.
#
# Opt-outs (each prints loudly that it skipped): MWAAGEN_SKIP_TERRAFORM=1, MWAAGEN_SKIP_CDK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
mkdir -p "$CACHE"
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test"
cargo test --locked

step "changed lines of each target for a one-value spec change (tests/diff_size.rs; CloudFormation reported, not bounded)"
cargo test --locked --quiet --test diff_size -- --nocapture

step "cargo build --release"
cargo build --locked --release
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen"
export MWAAGEN_BIN="$BIN"

mapfile -t SPECS < <(ls specs/*.toml)

step "cfn-lint 1.58.0 on the CloudFormation of ${#SPECS[@]} specs and the built-in default"
bash scripts/check-cfn.sh --default "${SPECS[@]}"

step "terraform: init, fmt -check, validate, test"
bash scripts/check-terraform.sh --default "${SPECS[@]}"

step "checkov 3.3.30 on the CloudFormation and Terraform output"
bash scripts/check-security.sh --default "${SPECS[@]}"

step "CDK: tsc, synth with cdk-nag, cfn-lint, equivalence with the CloudFormation output"
bash scripts/check-cdk.sh --default "${SPECS[@]}"

printf '\nall checks passed in %ss\n' "$(( $(date +%s) - start ))"
