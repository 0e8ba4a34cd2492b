#!/usr/bin/env bash
# The access matrix (issue 24, docs/security.md "Access matrix"): every row of tests/access/*.yaml
# (principal, action, resource, context, expected decision), evaluated by the IAM policy simulator
# @cloud-copilot/iam-simulate against the policies as generated:
#   - CloudFormation: the template of each case, intrinsics resolved for account 123456789012;
#   - Terraform: the plan JSON that scripts/check-apply.sh leaves with MWAAGEN_PLANS_DIR (the
#     moto apply's state: every ARN real), for the cases whose matrix lists terraform.
# Then the mutations (a dropped SQS action, a widened bucket ARN, a missing kms:ViaService, a '*'
# principal in the topic policy): each must make a row wrong, and the run names the row.
# Then docs/security.md's table is checked against the rows (--write-doc rewrites it).
#
#   scripts/check-access.sh [--plans DIR] [--write-doc]
#
# Without --plans (or MWAAGEN_PLANS_DIR), the Terraform cases fail unless MWAAGEN_SKIP_TERRAFORM=1,
# which skips them loudly. Needs node and npm; the simulator's pinned packages
# (tests/access/package-lock.json) are installed by `npm ci` into $CACHE/access-deps.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
PLANS="${MWAAGEN_PLANS_DIR:-}"
doc_mode=()
while [ $# -gt 0 ]; do
  case $1 in
    --plans) PLANS=$2; shift 2 ;;
    --write-doc) doc_mode=(--write-doc); shift ;;
    *) echo "usage: scripts/check-access.sh [--plans DIR] [--write-doc]" >&2; exit 2 ;;
  esac
done
command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "error: the access matrix needs node and npm (Node.js 20 or newer) on PATH" >&2; exit 1; }
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build first (or set MWAAGEN_BIN)" >&2; exit 1; }

# The simulator, pinned by tests/access/package-lock.json; installed again only when the lock changes.
DEPS="$CACHE/access-deps"
if ! cmp -s tests/access/package-lock.json "$DEPS/package-lock.json" || [ ! -d "$DEPS/node_modules/@cloud-copilot/iam-simulate" ]; then
  echo "installing the access matrix's npm packages (tests/access/package-lock.json) into $DEPS"
  rm -rf "$DEPS"
  mkdir -p "$DEPS"
  cp tests/access/package.json tests/access/package-lock.json "$DEPS/"
  (cd "$DEPS" && npm ci --no-audit --no-fund --loglevel=error)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each matrix file names its cases: NAME and the spec (none: the built-in default).
cases=()
while IFS=$'\t' read -r name spec; do
  if [ -n "$spec" ]; then
    "$BIN" "$spec" --target cfn > "$work/$name.yaml" 2> "$work/$name.err" \
      || { cat "$work/$name.err"; echo "error: mwaagen failed on $spec" >&2; exit 1; }
  else
    "$BIN" --target cfn > "$work/$name.yaml" 2> "$work/$name.err" \
      || { cat "$work/$name.err"; echo "error: mwaagen failed on the built-in default" >&2; exit 1; }
  fi
  cases+=("$name:cfn:$work/$name.yaml")
  if [ -n "$PLANS" ] && [ -f "$PLANS/$name.json" ]; then cases+=("$name:terraform:$PLANS/$name.json"); fi
done < <(node --input-type=module -e '
  import { createRequire } from "node:module"
  import { readdirSync, readFileSync } from "node:fs"
  const require = createRequire(process.argv[1] + "/package.json")
  const YAML = require("yaml")
  for (const f of readdirSync("tests/access").filter((f) => f.endsWith(".yaml") && f !== "groups.yaml").sort())
    for (const c of YAML.parse(readFileSync("tests/access/" + f, "utf8")).cases ?? [])
      console.log(`${c.name}\t${c.spec ?? ""}`)
' "$DEPS")

node scripts/check-access.mjs --deps "$DEPS" --matrix tests/access --mutations --doc docs/security.md "${doc_mode[@]}" "${cases[@]}"
