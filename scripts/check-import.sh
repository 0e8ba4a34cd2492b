#!/usr/bin/env bash
# The get-environment JSON that the import round trip (tests/import.rs) makes from each example spec
# is what `aws mwaa get-environment` could print: checked against botocore 1.44.8's
# GetEnvironmentOutput shape, in a venv that this script installs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
VENV="$CACHE/venv-botocore"

source scripts/lib.sh
ensure_tool botocore

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
MWAAGEN_GET_ENVIRONMENT_DIR="$out" cargo test --locked --quiet --test import round_trip_of_every_example_spec
# A spec with inputs (`{ input = "name" }`) has no live values to round-trip (tests/import.rs).
"$VENV/bin/python" scripts/check-get-environment.py --expect "$(grep -L -E '\{ *input *=' specs/*.toml | wc -l)" "$out"
