#!/usr/bin/env bash
# .pre-commit-hooks.yaml under the real pre-commit (4.7.0, pinned in scripts/lib.sh), in a temporary
# git repository that uses both hooks through a .pre-commit-config.yaml: `pre-commit run` passes on
# a valid spec with up-to-date output, and fails on an invalid spec (mwaagen-validate) and on stale
# output (mwaagen-check). The hooks are taken from a copy of this repository's
# .pre-commit-hooks.yaml in its own small git repository (what `repo:` names), as pre-commit clones it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
ensure_tool pre-commit
PRE_COMMIT="$CACHE/venv-pre-commit/bin/pre-commit"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The hooks run `mwaagen` from PATH, as an installed mwaagen would be.
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" "$work/bin/mwaagen"
export PATH="$work/bin:$PATH" PRE_COMMIT_HOME="$work/pre-commit-home"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
git_q() { git -c commit.gpgsign=false -c init.defaultBranch=main "$@" -q; }

hooks="$work/hooks"
mkdir -p "$hooks"
cp .pre-commit-hooks.yaml "$hooks/"
(cd "$hooks" && git_q init && git add -A && git_q commit -m hooks)
rev=$(git -C "$hooks" rev-parse HEAD)

repo="$work/repo"
mkdir -p "$repo/specs"
cp specs/private.toml "$repo/specs/team.toml"
cat > "$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: mwaagen-validate
      - id: mwaagen-check
        args: [specs/team.toml, --target, all, --out, infra/team]
YAML
(cd "$repo" && mwaagen specs/team.toml --target all --out infra/team > /dev/null)
(cd "$repo" && git_q init && git add -A && git_q commit -m one)

failed=0
# expect CODE WHAT: pre-commit run --all-files in the test repository exits CODE.
expect() {
  local code=$1 what=$2 got=0
  (cd "$repo" && "$PRE_COMMIT" run --all-files --color never) > "$work/log" 2>&1 || got=$?
  if [ "$got" -eq "$code" ]; then
    echo "ok   $what (exit $got)"
  else
    echo "FAIL $what: exit $got, expected $code"; cat "$work/log"; failed=1
  fi
}
# The hook with id $1 reported $2 (Passed or Failed) in the last run.
hook_said() {
  if grep -Eq "^mwaagen $1.*\\.+$2\$" "$work/log"; then echo "ok   hook $1: $2"; else echo "FAIL hook $1 not $2"; cat "$work/log"; failed=1; fi
}

expect 0 "valid spec, up-to-date output"
hook_said validate Passed
hook_said "--check" Passed

# An invalid spec: validate fails (and --check, which validates too).
cp "$repo/specs/team.toml" "$work/team.toml"
sed -i 's/^name = "\(.*\)"/name = "9-\1"/' "$repo/specs/team.toml"
grep -q '^name = "9-' "$repo/specs/team.toml" || { echo "FAIL the test could not break the spec"; exit 1; }
expect 1 "invalid spec"
hook_said validate Failed
grep -q 'specs/team.toml:.*' "$work/log" && grep -q "environment.name" "$work/log" \
  && echo "ok   the error names the field and the file" || { echo "FAIL no located error"; failed=1; }

# A valid change without regenerating: the committed output is stale.
cp "$work/team.toml" "$repo/specs/team.toml"
sed -i 's/^\[environment\]$/[environment]\nmax_workers = 7/' "$repo/specs/team.toml"
grep -q '^max_workers = 7' "$repo/specs/team.toml" || { echo "FAIL the test could not change the spec"; exit 1; }
expect 1 "stale output"
hook_said validate Passed
hook_said "--check" Failed
grep -q "differs from what mwaagen would write" "$work/log" && echo "ok   --check says what differs" \
  || { echo "FAIL --check gave no reason"; failed=1; }

# Regenerated: clean again.
(cd "$repo" && mwaagen specs/team.toml --target all --out infra/team > /dev/null)
expect 0 "regenerated output"

"$PRE_COMMIT" --version
exit "$failed"
