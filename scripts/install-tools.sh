#!/usr/bin/env bash
# Makes every pinned Python tool of the checks ready in $CACHE (ensure_tool in scripts/lib.sh).
# scripts/test.sh runs it in the background while cargo builds: most of an install is download.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${MWAAGEN_CACHE:-$PWD/.cache}"
mkdir -p "$CACHE"
source scripts/lib.sh
for tool in "${ALL_TOOLS[@]}"; do
  t0=$SECONDS
  ensure_tool "$tool"
  echo "ready: $tool ($((SECONDS - t0))s)"
done
