#!/usr/bin/env bash
# The property types that the CloudFormation and CDK backends write resources with
# (generator/data/cfn-property-types.json) against the resource schemas of cfn-lint 1.58.0: same
# properties and types for every type the CloudFormation backend emits; and every CDK name in the
# table declared by the aws-cdk-lib that the generated CDK app pins (installed by
# scripts/check-cdk.sh into $CACHE/cdk-deps, which scripts/test.sh runs first); and the feature flags
# that the CDK app's cdk.json sets (generator/data/cdk-feature-flags.json) equal to that aws-cdk-lib's
# recommended-feature-flags.json, what `cdk init` writes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
VENV="$CACHE/venv-cfn-lint"
LIB="$CACHE/cdk-deps/node_modules/aws-cdk-lib"

source scripts/lib.sh
ensure_tool cfn-lint
if [ "${MWAAGEN_SKIP_CDK:-}" = 1 ]; then
  echo "!!! SKIPPED: CDK property names against aws-cdk-lib because MWAAGEN_SKIP_CDK=1 !!!" >&2
  exec "$VENV/bin/python" scripts/cfn-property-types.py --check
fi
if [ ! -f "$LIB/package.json" ]; then
  echo "error: $LIB not found: run scripts/check-cdk.sh first (it installs the CDK app's npm packages)" >&2
  exit 1
fi
echo "aws-cdk-lib $(node -p "require('$LIB/package.json').version")"
"$VENV/bin/python" scripts/cfn-property-types.py --check --cdk-lib "$LIB"
python3 - "$LIB/recommended-feature-flags.json" generator/data/cdk-feature-flags.json <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
have = json.load(open(sys.argv[2]))["flags"]
if have != want:
    diff = sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
    print(f"FAIL {sys.argv[2]} differs from {sys.argv[1]}: {', '.join(diff) or 'order'}")
    print("copy the installed file's flags into it (the value of \"flags\")")
    sys.exit(1)
print(f"ok   the {len(have)} feature flags of cdk.json are aws-cdk-lib's recommended ones")
PY
