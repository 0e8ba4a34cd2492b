# Shared by the check scripts: sourced, not run.

# require_terraform WHAT MIRROR BIN: terraform on PATH, the hashicorp/aws provider in the filesystem
# mirror and the mwaagen binary, or stop: with MWAAGEN_SKIP_TERRAFORM=1 the check says loudly that
# WHAT did not run and exits 0 (the apply, upgrade and adoption checks).
require_terraform() {
  local what=$1 mirror=$2 bin=$3 missing=()
  command -v terraform >/dev/null 2>&1 || missing+=("terraform is not on PATH")
  [ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || missing+=("no hashicorp/aws provider in the filesystem mirror $mirror")
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "${MWAAGEN_SKIP_TERRAFORM:-}" = 1 ]; then
      echo "!!! SKIPPED: $what did NOT run (MWAAGEN_SKIP_TERRAFORM=1): ${missing[*]} !!!"
      exit 0
    fi
    printf 'error: %s\n' "${missing[@]}" >&2
    echo "       install them, point MWAAGEN_TF_PLUGINS at the mirror, or set MWAAGEN_SKIP_TERRAFORM=1 to skip" >&2
    exit 1
  fi
  [ -x "$bin" ] || { echo "error: $bin not found; run cargo build --release first" >&2; exit 1; }
}

# ensure_venv DIR TOOL VERSION: a venv in DIR with TOOL==VERSION installed from PyPI, made anew only
# when it is missing or holds another version.
ensure_venv() {
  local dir=$1 tool=$2 version=$3
  command -v python3 >/dev/null || { echo "error: python3 is needed for $tool" >&2; exit 1; }
  if ! "$dir/bin/$tool" --version 2>/dev/null | grep -q "$version"; then
    echo "installing $tool $version into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$tool==$version"
  fi
}

# ensure_venv_packages DIR PACKAGE==VERSION...: a venv in DIR holding exactly those pinned packages
# (extras allowed: moto[server]==5.2.5), made anew only when one of them is missing or at another
# version. For tools whose command has no --version, or that need several packages.
ensure_venv_packages() {
  local dir=$1 spec name version missing=0
  shift
  command -v python3 >/dev/null || { echo "error: python3 is needed for $*" >&2; exit 1; }
  if [ -x "$dir/bin/pip" ]; then
    local frozen
    frozen=$("$dir/bin/pip" freeze --disable-pip-version-check 2>/dev/null | tr '[:upper:]_' '[:lower:]-')
    for spec in "$@"; do
      name=${spec%%==*}; name=${name%%\[*}; version=${spec##*==}
      name=$(printf '%s' "$name" | tr '[:upper:]_' '[:lower:]-')
      printf '%s\n' "$frozen" | grep -qx "$name==$version" || missing=1
    done
  else
    missing=1
  fi
  if [ "$missing" -eq 1 ]; then
    echo "installing $* into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  fi
}

# ensure_npm_file DIR PACKAGE VERSION FILE: FILE (a path inside the package) of the npm package
# PACKAGE@VERSION, kept as DIR/<its base name>; fetched with `npm pack` (which checks the registry's
# integrity hash) only when it is missing or the pin changed. For data files such as a JSON Schema.
ensure_npm_file() {
  local dir=$1 package=$2 version=$3 file=$4 stamp tgz
  stamp="$dir/pinned"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$package@$version $file" ] || [ ! -f "$dir/$(basename "$file")" ]; then
    command -v npm >/dev/null || { echo "error: npm is needed for $package@$version" >&2; exit 1; }
    echo "fetching $file of $package@$version into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    tgz=$(cd "$dir" && npm pack --silent --no-audit --no-fund "$package@$version" | tail -n 1)
    tar -xzf "$dir/$tgz" -C "$dir" "package/$file"
    mv "$dir/package/$file" "$dir/"
    rm -rf "$dir/package" "${dir:?}/$tgz"
    printf '%s\n' "$package@$version $file" > "$stamp"
  fi
}

# ensure_pypi_jsii DIR PIP PACKAGE VERSION: the jsii metadata (`.jsii`, kept as DIR/.jsii) of the
# PyPI package PACKAGE==VERSION, a prebuilt jsii binding whose wheel holds it in
# <module>/_jsii/<name>@<version>.jsii.tgz. The wheel is fetched with PIP's `pip download --no-deps`
# (which checks the index's hash; nothing is installed or imported) only when the pin changed.
ensure_pypi_jsii() {
  local dir=$1 pip=$2 package=$3 version=$4 stamp
  stamp="$dir/pinned"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$package==$version" ] || [ ! -f "$dir/.jsii" ]; then
    echo "fetching the .jsii of $package==$version into $dir"
    rm -rf "$dir"
    mkdir -p "$dir/wheel"
    "$pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$dir/wheel" "$package==$version"
    python3 - "$dir" <<'PY'
import glob, io, sys, tarfile, zipfile
out = sys.argv[1]
(wheel,) = glob.glob(f"{out}/wheel/*.whl")
with zipfile.ZipFile(wheel) as z:
    (member,) = [n for n in z.namelist() if "/_jsii/" in n and n.endswith(".jsii.tgz")]
    with tarfile.open(fileobj=io.BytesIO(z.read(member))) as t:
        data = t.extractfile("package/.jsii").read()
with open(f"{out}/.jsii", "wb") as f:
    f.write(data)
PY
    rm -rf "$dir/wheel"
    printf '%s\n' "$package==$version" > "$stamp"
  fi
}

# Cases of a check run side by side: MWAAGEN_JOBS of them at a time (default: the number of CPUs).
# Each case writes its own files; the caller prints them in order once all are done, so the output
# does not depend on which case ended first.
check_jobs() { printf '%s\n' "${MWAAGEN_JOBS:-$(nproc 2>/dev/null || echo 2)}"; }

# wait_for_slot N [PID...]: returns once fewer than N background jobs of this shell run, not
# counting the PIDs given (a server the cases talk to).
wait_for_slot() {
  local max=$1 running pid
  shift
  while :; do
    running=0
    for pid in $(jobs -rp); do
      case " $* " in *" $pid "*) ;; *) running=$((running + 1)) ;; esac
    done
    [ "$running" -lt "$max" ] && return 0
    wait -n 2>/dev/null || true
  done
}

# The checks' Python tools, each pinned here once: ensure_tool NAME makes $CACHE/venv-NAME ready
# (CACHE must be set). scripts/install-tools.sh makes them all; docs/validation.md says how to
# move the botocore pin (the others move the same way).
ensure_tool() {
  case $1 in
    botocore) ensure_venv_packages "$CACHE/venv-botocore" botocore==1.44.8 ;;
    jsonschema) ensure_venv_packages "$CACHE/venv-jsonschema" jsonschema==4.26.0 regex==2026.11.15 ;;
    cfn-lint) ensure_venv "$CACHE/venv-cfn-lint" cfn-lint 1.58.0 ;;
    checkov) ensure_venv "$CACHE/venv-checkov" checkov 3.3.30 ;;
    policy_sentry) ensure_venv_packages "$CACHE/venv-policy_sentry" policy_sentry==0.15.2 ;;
    moto) ensure_venv_packages "$CACHE/venv-moto" "moto[server]==5.2.5" boto3==1.44.8 botocore==1.44.8 ;;
    pre-commit) ensure_venv "$CACHE/venv-pre-commit" pre-commit 4.7.0 ;;
    # The SARIF 2.1.0 JSON Schema (OASIS, draft-04) as Microsoft's SARIF SDK ships it.
    sarif-schema) ensure_npm_file "$CACHE/sarif-schema" @microsoft/jest-sarif 1.0.0-beta.0 lib/schemas/sarif-2.1.0-rtm.5.json ;;
    # The hashicorp/aws schemas without the provider (scripts/check-provider-schema.sh): 6.69.1 from
    # cdktn-provider-aws 25.8.1's .jsii, 5.100.0 from @cdktf/provider-aws 20.1.0's (to check the
    # reading against terraform's own schema of 5.100.0), and python-hcl2 to read the output.
    provider-schema)
      ensure_venv_packages "$CACHE/venv-provider-schema" python-hcl2==8.1.4 lark==1.3.1
      ensure_pypi_jsii "$CACHE/provider-aws-6.69.1" "$CACHE/venv-provider-schema/bin/pip" cdktn-provider-aws 25.8.1
      ensure_npm_file "$CACHE/provider-aws-5.100.0" @cdktf/provider-aws 20.1.0 .jsii
      ;;
    *) echo "error: ensure_tool: no tool named $1" >&2; return 2 ;;
  esac
}
ALL_TOOLS=(botocore jsonschema cfn-lint checkov policy_sentry moto pre-commit sarif-schema provider-schema)

# offline_terraform DIR MIRROR: terraform for the checks, offline: providers from the filesystem
# MIRROR only (a CLI configuration written to DIR/terraformrc), no checkpoint calls, no shared
# plugin cache (each init links the mirror).
# start_moto WORK VENV PY: moto_server (VENV's) on a free loopback port, logging to WORK/moto.log.
# Sets endpoint and moto_pid once moto answers; prefix MOTO_* settings to the call to pass them.
start_moto() {
  local work=$1 venv=$2 py=$3 port
  port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  endpoint="http://127.0.0.1:$port"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do
    "$py" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/data.json', timeout=1)" 2>/dev/null && return 0
    kill -0 "$moto_pid" 2>/dev/null || { echo "FAIL moto_server exited:"; cat "$work/moto.log"; exit 1; }
    sleep 0.2
  done
  echo "FAIL moto_server did not answer on $endpoint:"; cat "$work/moto.log"; exit 1
}

# stop_services WORK [KEEP]: stops moto_pid and mwaa_pid (those set), copies WORK to KEEP when
# given (a look after a failure), and removes WORK. For an EXIT trap.
stop_services() {
  local work=$1 keep=${2:-} pid
  [ -n "$keep" ] && cp -r "$work" "$keep" 2>/dev/null || true
  for pid in ${moto_pid:-} ${mwaa_pid:-}; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}

# start_mwaa_api WORK PY: the local MWAA API (scripts/mwaa-api.py, checking each request against
# botocore's MWAA model) on a free loopback port, run by PY (the moto venv's python, which has
# botocore). Sets mwaa_pid (the caller stops it) and sends only the provider's MWAA endpoint,
# http://mwaa.invalid, through it as the HTTP proxy: loopback (moto) bypasses the proxy.
start_mwaa_api() {
  local work=$1 py=$2
  "$py" scripts/mwaa-api.py serve "$work/mwaa-port" 2> "$work/mwaa-api.log" &
  mwaa_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/mwaa-port" ] && break
    kill -0 "$mwaa_pid" 2>/dev/null || { echo "FAIL scripts/mwaa-api.py exited:"; cat "$work/mwaa-api.log"; exit 1; }
    sleep 0.1
  done
  [ -s "$work/mwaa-port" ] || { echo "FAIL scripts/mwaa-api.py did not start:"; cat "$work/mwaa-api.log"; exit 1; }
  mwaa_proxy="http://127.0.0.1:$(cat "$work/mwaa-port")"
  export HTTP_PROXY="$mwaa_proxy" http_proxy="$mwaa_proxy" NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
  unset HTTPS_PROXY https_proxy ALL_PROXY all_proxy
}

offline_terraform() {
  local dir=$1 mirror=$2
  cat > "$dir/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
RC
  export TF_CLI_CONFIG_FILE="$dir/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
  # The provider's Go runtime collects garbage less often: ~20% less CPU per terraform command (the
  # cases share 2 CPUs in CI), a few hundred MB more memory each.
  export GOGC="${GOGC:-400}"
  unset TF_PLUGIN_CACHE_DIR
}
