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

# ensure_pip_venv DIR REQUIREMENT...: a venv in DIR holding exactly these pinned packages (for
# Python libraries with no command of their own to ask for a version), made anew only when DIR is
# missing or was made for other requirements.
ensure_pip_venv() {
  local dir=$1; shift
  local want="$*"
  command -v python3 >/dev/null || { echo "error: python3 is needed for $want" >&2; exit 1; }
  if [ "$(cat "$dir/.mwaagen-requirements" 2>/dev/null)" != "$want" ]; then
    echo "installing $want into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    echo "$want" > "$dir/.mwaagen-requirements"
  fi
}
