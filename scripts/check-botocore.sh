#!/usr/bin/env bash
# The constraints of `mwaagen schema` against AWS's own models in a pinned botocore (see
# docs/validation.md, "Moving the botocore pin"). Fails naming the shape that differs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-botocore"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_tool botocore

schema=$(mktemp)
trap 'rm -f "$schema"' EXIT
"$BIN" schema > "$schema"
"$VENV/bin/python" scripts/check-botocore.py "$schema"
