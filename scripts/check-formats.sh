#!/usr/bin/env bash
# `validate --format json|sarif` and `diff --format json` under real JSON Schema validators: the
# SARIF against the SARIF 2.1.0 schema (npm @microsoft/jest-sarif 1.0.0-beta.0, pinned in
# scripts/lib.sh), the JSON against the schemas docs/schemas/ publishes (Python jsonschema 4.26.0).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_tool jsonschema
ensure_tool sarif-schema
"$CACHE/venv-jsonschema/bin/python" scripts/check-formats.py "$BIN" "$CACHE/sarif-schema/sarif-2.1.0-rtm.5.json"
