#!/usr/bin/env bash
# Checks the Terraform that mwaagen generates against the hashicorp/aws 6.69.1 schema, offline,
# with no 6.x provider binary (none can be installed here): scripts/check-provider-schema.py reads
# the schema from the jsii metadata of the prebuilt bindings (PyPI cdktn-provider-aws 25.8.1), after
# checking that the same reading of @cdktf/provider-aws 20.1.0 equals terraform's own schema of
# 5.100.0 (`terraform providers schema -json` with the offline mirror).
#
# Usage: scripts/check-provider-schema.sh [--default] [SPEC...]
#   One process for all specs: each is generated with `mwaagen SPEC --target terraform --out DIR`.
# Needs python3 (the tools install into $MWAAGEN_CACHE, scripts/lib.sh ensure_tool provider-schema).
# Without terraform or the mirror ($MWAAGEN_TF_PLUGINS, default /opt/tf-plugins) it fails, unless
# MWAAGEN_SKIP_TERRAFORM=1: then the comparison with 5.100.0 is skipped, loudly, and the 6.69.1
# check still runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${MWAAGEN_TF_PLUGINS:-/opt/tf-plugins}"
CACHE="${MWAAGEN_CACHE:-$root/.cache}"
mkdir -p "$CACHE"
source "$root/scripts/lib.sh"

default=0
specs=()
for arg in "$@"; do
    case "$arg" in
        --default) default=1 ;;
        -*) echo "usage: $0 [--default] [SPEC...]" >&2; exit 2 ;;
        *) specs+=("$arg") ;;
    esac
done
if [[ $default -eq 0 && ${#specs[@]} -eq 0 ]]; then
    echo "usage: $0 [--default] [SPEC...]" >&2
    exit 2
fi

target_dir="${CARGO_TARGET_DIR:-target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
bin="${MWAAGEN_BIN:-$target_dir/release/mwaagen}"
if [[ -z "${MWAAGEN_BIN:-}" ]]; then
    (cd "$root" && cargo build --release --quiet)
fi
[[ -x "$bin" ]] || { echo "error: no mwaagen binary at $bin" >&2; exit 1; }

ensure_tool provider-schema

work="$(mktemp -d "${TMPDIR:-/tmp}/check-provider-schema.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cases=()
if [[ $default -eq 1 ]]; then
    "$bin" --target terraform --out "$work/default-built-in" >/dev/null 2>"$work/gen.log" || { cat "$work/gen.log" >&2; exit 1; }
    cases+=("<built-in default spec>=$work/default-built-in")
fi
n=0
for spec in "${specs[@]}"; do
    n=$((n + 1))
    "$bin" "$spec" --target terraform --out "$work/spec$n" >/dev/null 2>"$work/gen.log" || { cat "$work/gen.log" >&2; exit 1; }
    cases+=("$spec=$work/spec$n")
done

# terraform's own schema of 5.100.0: a root that needs only hashicorp/aws, initialized offline.
schema_args=()
if command -v terraform >/dev/null 2>&1 && [[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
    offline_terraform "$work" "$mirror"
    mkdir -p "$work/schema5"
    cat >"$work/schema5/main.tf" <<'TF'
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.100.0"
    }
  }
}
TF
    terraform -chdir="$work/schema5" init -input=false -backend=false -no-color >"$work/init.log" 2>&1 ||
        { cat "$work/init.log" >&2; exit 1; }
    terraform -chdir="$work/schema5" providers schema -json >"$work/schema5.json"
    schema_args=(--tf-schema5 "$work/schema5.json")
elif [[ "${MWAAGEN_SKIP_TERRAFORM:-}" != "1" ]]; then
    echo "error: terraform and the hashicorp/aws 5.100.0 mirror ($mirror) are needed to check the method;" >&2
    echo "       set MWAAGEN_SKIP_TERRAFORM=1 to skip that part (the 6.69.1 check still runs)" >&2
    exit 1
fi

"$CACHE/venv-provider-schema/bin/python" "$root/scripts/check-provider-schema.py" \
    --jsii6 "$CACHE/provider-aws-6.69.1/.jsii" --jsii5 "$CACHE/provider-aws-5.100.0/.jsii" \
    "${schema_args[@]}" "${cases[@]}"
