# Shared by the check scripts: sourced, not run.

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

# ensure_packages DIR REQUIREMENT...: a venv in DIR holding each pinned REQUIREMENT (NAME==VERSION),
# for packages without a command of their own (botocore). Missing ones are installed from PyPI
# into the venv, which is made when it is missing.
ensure_packages() {
  local dir=$1; shift
  command -v python3 >/dev/null || { echo "error: python3 is needed for $*" >&2; exit 1; }
  [ -x "$dir/bin/python" ] || { rm -rf "$dir"; python3 -m venv "$dir"; }
  local have req missing=()
  have=$("$dir/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null || true)
  for req in "$@"; do
    grep -qix -- "$req" <<<"$have" || missing+=("$req")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} into $dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "${missing[@]}"
  fi
}
