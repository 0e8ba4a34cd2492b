#!/usr/bin/env bash
# The CDK target with the real tools, for each SPEC (and the built-in default with --default), plus
# one built-in spec full of hostile strings (quotes, backslashes, line breaks, U+2028, `${`):
#   generate ONE app for all of them (mwaagen SPEC... --target cdk --out: a stack per environment,
#   `lib/<environment>.ts` each), one `cdk synth` offline with no AWS credentials (its app command
#   compiles with tsc, strict, first), cfn-lint 1.58.0 on each synthesized template, and
#   tests/equivalence_cdk.rs: each synthesized template equals the CloudFormation target's output
#   for its spec. Synth must print no feature-flag notice (cdk.json sets the recommended flags).
# It also prints what cdk-nag reports, and checks that cdk-nag fails the synth of an app once one
# of its acknowledgements is taken out.
#
# npm packages are installed once into $CACHE/cdk-deps (again only when the generated package.json
# asks for other versions) and linked into the app; cfn-lint lives in $CACHE/venv-cfn-lint.
# Needs node and npm (Node.js 20+); MWAAGEN_SKIP_CDK=1 skips everything, and says so loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
DEPS="$CACHE/cdk-deps"
VENV="$CACHE/venv-cfn-lint"

if [ "${MWAAGEN_SKIP_CDK:-}" = 1 ]; then
  echo "!!! SKIPPED: CDK checks (tsc, cdk synth, cfn-lint, equivalence) because MWAAGEN_SKIP_CDK=1 !!!" >&2
  exit 0
fi
if [ $# -eq 0 ]; then
  echo "usage: scripts/check-cdk.sh [--default] SPEC..." >&2
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "error: the CDK checks need node and npm (Node.js 20 or newer) on PATH;" >&2
  echo "       install them, or set MWAAGEN_SKIP_CDK=1 to skip these checks" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "error: the CDK checks need Node.js 20 or newer, found $(node --version)" >&2
  exit 1
fi
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }

mkdir -p "$CACHE"
source "$ROOT/scripts/lib.sh"
ensure_tool cfn-lint

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apps" "$work/synth" "$work/logs" "$work/specs"

# Strings that TypeScript, JSON and YAML each escape differently, and text that CDK would take for
# its own tokens: the synthesized template must still equal the CloudFormation one, value for value. (No U+007F: CDK writes it raw into the JSON
# template, which cfn-lint's parser rejects. No `${AWS::Region}`: cfn-lint flags it outside Fn::Sub.)
cat > "$work/specs/escaping.toml" <<'EOF'
version = 1

[environment]
name = "escaping"
dag_s3_path = "dags/it's \"quoted\" \\ back`tick` ${not_a_var} %{x} */ --> ${Token[TOKEN.1]}"
plugins_s3_path = "plugins/zero\u200bwidth, word\u2060joiner, soft\u00adhyphen, Zürich ☃ 𝄞 \ufeff bidi\u202e end.zip"
plugins_s3_object_version = "v'1\"\\"

[environment.airflow_configuration_options]
"core.quotes" = "it's \"quoted\""
"core.backslashes" = "C:\\path\\n \\u2028"
"core.escapes_as_text" = "a\\nb\\r\\nc\\td \\u0000"
"core.templates" = "${not_a_ref} ${!x} `backtick` #{y} %{z}"
"core.cdk_tokens" = "${Token[AWS.Region.9]} #{Token[X.1]} -1.8881545897087626e+289"

# AWS takes non-ASCII text in S3 keys (one line) and tags (Unicode letters, separators, numbers),
# not in Airflow options (MWAA's ConfigValue is printable ASCII): the line and paragraph
# separators go in a tag, the format characters and astral-plane text in a key.
[tags]
Owner = "Zürich data/platform: a=b+c@d"
Separators = "x\u2028y\u2029z"
EOF

# Cases: "name<TAB>spec". The built-in default is specs/default.toml (include_str! in lib.rs): with
# --default it is that file, unless it is among the specs already (one environment per app).
cases=()
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then continue; fi
  cases+=("$(basename "$arg" .toml)	$arg")
done
for arg in "$@"; do
  if [ "$arg" = "--default" ] && ! printf '%s\n' "${cases[@]}" | cut -f2 | grep -qx 'specs/default.toml\|.*/specs/default.toml'; then
    cp "$ROOT/specs/default.toml" "$work/specs/default-built-in.toml"
    cases+=("default-built-in	$work/specs/default-built-in.toml")
  fi
done
cases+=("escaping-built-in	$work/specs/escaping.toml")
dups=$(printf '%s\n' "${cases[@]}" | cut -f1 | sort | uniq -d)
[ -z "$dups" ] || { echo "error: two specs named $dups" >&2; exit 2; }
specs=()
for case in "${cases[@]}"; do specs+=("${case#*	}"); done

deps_key() { # the dependency set of an app's package.json, as one line of JSON
  node -e 'const p = require(process.argv[1]);
    console.log(JSON.stringify({ dependencies: p.dependencies, devDependencies: p.devDependencies }))' "$1"
}

# Install the app's npm packages once; reinstall only when the dependency set changes.
"$BIN" --target cdk --out "$work/deps-probe" > /dev/null
key=$(deps_key "$work/deps-probe/package.json")
if [ ! -d "$DEPS/node_modules" ] || [ "$(cat "$DEPS/deps.json" 2>/dev/null)" != "$key" ]; then
  echo "installing the CDK app's npm packages into $DEPS"
  rm -rf "$DEPS"
  mkdir -p "$DEPS"
  node -e 'const d = JSON.parse(process.argv[1]);
    console.log(JSON.stringify({ name: "mwaagen-cdk-deps", private: true, ...d }, null, 2))' "$key" > "$DEPS/package.json"
  (cd "$DEPS" && npm install --no-audit --no-fund --loglevel=error)
  echo "$key" > "$DEPS/deps.json"
fi

# The test binary is run directly (cargo would queue for its lock on the build folder).
echo "building tests/equivalence_cdk.rs"
cargo test --locked --quiet --no-run --test equivalence_cdk --message-format=json \
  > "$work/logs/cargo-build.json" 2> "$work/logs/cargo-build.log" || {
  cat "$work/logs/cargo-build.log"
  exit 1
}
EQUIVALENCE=$(node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
    if (!l) continue; const m = JSON.parse(l);
    if (m.reason === "compiler-artifact" && m.target.name === "equivalence_cdk" && m.executable) console.log(m.executable);
  }' "$work/logs/cargo-build.json")
[ -x "$EQUIVALENCE" ] || { echo "error: cargo built no tests/equivalence_cdk.rs executable" >&2; exit 1; }

# Synth offline without credentials: nothing from the caller's AWS setup may reach the CLI.
synth_env=(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE
  -u AWS_DEFAULT_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION
  AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
  AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true)

seconds() { # since $1 (from now_ms), with one decimal
  local ms=$(( $(date +%s%3N) - $1 ))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}


app="$work/app"
out="$work/synth"
log="$work/logs/app.log"
t0=$(date +%s%3N)
"$BIN" "${specs[@]}" --target cdk --out "$work/generated" > "$log" 2>&1 || { cat "$log"; exit 1; }
mv "$work/generated/cdk" "$app"
if [ "$(deps_key "$app/package.json")" != "$key" ]; then
  echo "FAIL the app's package.json asks for other npm packages than $DEPS holds"; exit 1
fi
ln -s "$DEPS/node_modules" "$app/node_modules"
if ! grep -q '"app": "npx tsc && ' "$app/cdk.json"; then
  echo "FAIL cdk.json's app does not compile with tsc first: this check would type-check nothing"; exit 1
fi
# synth runs the app as cdk.json says, `npx tsc && node dist/bin/mwaa.js`: tsc (strict, the
# generated tsconfig.json) compiles it first and any type error fails synth. Notices stay on: a
# feature-flag notice fails the check.
if ! (cd "$app" && "${synth_env[@]}" npx --no-install cdk synth --quiet) >> "$log" 2>&1; then
  echo "FAIL tsc+synth of the app of ${#cases[@]} environments; its output:"
  tail -n 60 "$log" | sed 's/^/     /'
  exit 1
fi
if grep -qi 'feature flag' "$log"; then
  echo "FAIL synth printed a feature-flag notice:"; grep -i -B2 -A5 'feature flag' "$log" | sed 's/^/     /'; exit 1
fi
echo "ok   tsc+synth of one app with ${#cases[@]} environments ($(seconds "$t0"), no feature-flag notice)"

# Each case: its stack's template, cfn-lint, and cdk-nag's report; equivalence runs once for all.
nag_of() { # stack name -> cdk-nag's AwsSolutions findings of that stack, "none" or "S1, IAM5 x2"
  node -e 'const r = require(process.argv[1]); const ids = {};
    for (const p of r.pluginReports) if (p.pluginName === "AwsSolutions")
      for (const v of p.violations) for (const c of v.violatingConstructs) {
        if (!c.constructPath.startsWith(process.argv[2] + "/")) continue;
        const id = v.ruleName.replace(/^AwsSolutions-/, "").replace(/\[.*/, "");
        ids[id] = (ids[id] || 0) + 1;
      }
    const s = Object.entries(ids).map(([k, n]) => n > 1 ? `${k} x${n}` : k).join(", ");
    console.log(s || "none")' "$app/cdk.out/validation-report.json" "$1"
}
lint_case() { # name, spec
  local name=$1 spec=$2 stack t0 lint_log
  stack=$("$BIN" "$spec" --target ir 2>/dev/null | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d));
    process.stdin.on("end", () => console.log(JSON.parse(s).stack_name))')
  if [ ! -f "$app/cdk.out/$stack.template.json" ]; then
    echo "FAIL $name: synth wrote no $stack.template.json"; return
  fi
  cp "$app/cdk.out/$stack.template.json" "$out/$name.template.json"
  cp "$spec" "$out/$name.toml"
  t0=$(date +%s%3N)
  lint_log="$work/logs/$name.cfn-lint.log"
  if "$VENV/bin/cfn-lint" --non-zero-exit-code informational "$out/$name.template.json" > "$lint_log" 2>&1; then
    echo "ok   $name (stack $stack: cfn-lint $(seconds "$t0"); cdk-nag: $(nag_of "$stack"))"
  else
    echo "FAIL $name: cfn-lint on stack $stack:"; tail -n 40 "$lint_log" | sed 's/^/     /'
  fi
}
jobs_max=$(check_jobs)
mkdir -p "$work/results"
for case in "${cases[@]}"; do
  wait_for_slot "$jobs_max"
  lint_case "${case%%	*}" "${case#*	}" > "$work/results/${case%%	*}" 2>&1 &
done
wait
pass=1
fail=0
failed=()
for case in "${cases[@]}"; do
  name=${case%%	*}
  cat "$work/results/$name"
  if grep -q '^ok ' "$work/results/$name"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$name"); fi
done
t0=$(date +%s%3N)
if MWAAGEN_CDK_SYNTH_DIR="$out" "$EQUIVALENCE" --ignored --quiet synthesized_templates > "$work/logs/equivalence.log" 2>&1; then
  echo "ok   equivalence: each of the ${#cases[@]} synthesized templates equals its spec's CloudFormation output ($(seconds "$t0"))"
  pass=$((pass + 1))
else
  echo "FAIL equivalence:"; tail -n 60 "$work/logs/equivalence.log" | sed 's/^/     /'
  fail=$((fail + 1)); failed+=("equivalence")
fi

# An app written by hand (tests/cdk-app) around the constructs generated from specs/operations.toml
# and specs/inputs.toml (one stack each, one synth): tsc and synth pass, and each construct's
# resources are its spec's, the second with the app's own resources and values as its inputs
# (tests/equivalence_cdk.rs).
hand="$work/apps/hand-written"
log="$work/logs/hand-written.log"
t0=$(date +%s%3N)
cp -r "$ROOT/tests/cdk-app" "$hand"
mkdir -p "$hand/lib"
for spec in operations inputs; do
  "$BIN" "$ROOT/specs/$spec.toml" --target cdk --out "$work/apps/$spec-generated" >> "$log" 2>&1
done
cp "$work/apps/operations-generated/lib/ops-platform.ts" "$work/apps/inputs-generated/lib/platform-inputs.ts" "$hand/lib/"
ln -s "$DEPS/node_modules" "$hand/node_modules"
if (cd "$hand" && "${synth_env[@]}" npx --no-install cdk synth --quiet --no-notices) >> "$log" 2>&1 &&
  MWAAGEN_CDK_APP_TEMPLATE="$hand/cdk.out/hand-written-platform.template.json" \
    MWAAGEN_CDK_INPUTS_APP_TEMPLATE="$hand/cdk.out/hand-written-inputs.template.json" \
    "$EQUIVALENCE" --ignored --quiet a_hand_written_app >> "$log" 2>&1; then
  echo "ok   a hand-written app with the generated constructs of specs/operations.toml and specs/inputs.toml (its own resources as inputs): tsc, synth, their resources equal the specs' ($(seconds "$t0"))"
  pass=$((pass + 1))
else
  echo "FAIL the hand-written app (tests/cdk-app):"; tail -n 60 "$log" | sed 's/^/     /'
  fail=$((fail + 1)); failed+=("hand-written")
fi

# The acknowledgements are what keeps synth green, not a plugin that reports nothing: take one
# out of an environment that has one, in an app of that environment alone, and cdk-nag must fail
# synth naming that finding.
nag_case=""
for case in "${cases[@]}"; do
  name=${case%%	*}
  env_file=$(grep -l "cdkNag: \['" "$app"/lib/*.ts 2>/dev/null | head -n 1 || true)
  if [ -n "$env_file" ]; then break; fi
done
if [ -n "$env_file" ]; then
  env_name=$(basename "$env_file" .ts)
  spec=""
  for case in "${cases[@]}"; do
    s=${case#*	}
    if [ "$("$BIN" "$s" --target ir 2>/dev/null | node -e 'let t = ""; process.stdin.on("data", (d) => (t += d));
      process.stdin.on("end", () => console.log(JSON.parse(t).environment_name))')" = "$env_name" ]; then spec=$s; break; fi
  done
  probe="$work/apps/nag-probe"
  log="$work/logs/nag-probe.log"
  "$BIN" "$spec" --target cdk --out "$probe" > /dev/null
  ln -s "$DEPS/node_modules" "$probe/node_modules"
  # The first cdk-nag rule of the environment, taken out of its accept() entry.
  id=$(node -e 'const fs = require("fs"); const f = process.argv[1]; const s = fs.readFileSync(f, "utf8");
    const m = s.match(/cdkNag: \[(\x27[^\x27]+\x27)(, )?/);
    fs.writeFileSync(f, s.replace(m[0], "cdkNag: ["));
    console.log(m[1].slice(1, -1))' "$probe/lib/$env_name.ts")
  t0=$(date +%s%3N)
  if (cd "$probe" && "${synth_env[@]}" npx --no-install cdk synth --quiet --no-notices) > "$log" 2>&1; then
    echo "FAIL cdk-nag: synth of $env_name passed without the acknowledgement of $id"
    fail=$((fail + 1))
    failed+=("nag-probe")
  elif grep -qF "Acknowledge with 'AwsSolutions::$id'" "$log"; then
    echo "ok   cdk-nag fails synth of $env_name without the acknowledgement of $id ($(seconds "$t0"))"
    pass=$((pass + 1))
  else
    echo "FAIL cdk-nag: synth of $env_name without the acknowledgement of $id failed for another reason:"
    tail -n 40 "$log" | sed 's/^/     /'
    fail=$((fail + 1))
    failed+=("nag-probe")
  fi
else
  echo "FAIL cdk-nag: no environment acknowledges a cdk-nag finding: the probe has nothing to take out"
  fail=$((fail + 1))
  failed+=("nag-probe")
fi

if [ "$fail" -gt 0 ]; then
  echo "CDK: $pass passed, $fail failed (${failed[*]})"
else
  echo "CDK: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
