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
