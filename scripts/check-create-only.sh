#!/usr/bin/env bash
# The createOnlyProperties table that `mwaagen diff` uses (generator/data/cfn-create-only.json)
# against the resource schemas of cfn-lint 1.58.0: same properties for every type, and every type
# that the CloudFormation backend emits present.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
VENV="$CACHE/venv-cfn-lint"

source scripts/lib.sh
ensure_tool cfn-lint
"$VENV/bin/python" scripts/cfn-create-only.py --check
