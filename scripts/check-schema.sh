#!/usr/bin/env bash
# `mwaagen schema` under a real JSON Schema validator: Python jsonschema 4.26.0 (draft 2020-12),
# the specs read with Python's tomllib. Every example spec and every boundary fixture
# (tests/valid/) must satisfy the schema; every fixture of tests/invalid/ marked
# `# schema: invalid` must break it, at the field its `# expect:` line names.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-jsonschema"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
# regex: ECMA-262's \p{L} in the tag patterns, which Python's re cannot compile.
ensure_tool jsonschema

schema=$(mktemp)
trap 'rm -f "$schema"' EXIT
"$BIN" schema > "$schema"
"$VENV/bin/python" scripts/check-schema.py "$schema" --valid specs/*.toml tests/valid/*.toml tests/extends/*.toml tests/extends/unset/*.toml --invalid tests/invalid/*.toml
