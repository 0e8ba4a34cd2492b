//! Specs read from a git revision (`mwaagen diff --base-ref REF SPEC`): the spec as it was at REF,
//! with its `extends` bases from the same revision (see [`crate::extends`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostics::{Origin, Source};

/// The object name git takes for `path` at `rev`: `REV:./PATH` for a path relative to the
/// working folder (git reads `./` and `../` from there), `REV:PATH` relative to the top of the
/// work tree for an absolute path.
fn object(rev: &str, path: &Path) -> Result<String, String> {
    let shown = path.to_string_lossy().replace('\\', "/");
    if !path.is_absolute() {
        return Ok(format!("{rev}:./{}", shown.trim_start_matches("./")));
    }
    let top = run(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let full = path.parent().and_then(|d| std::fs::canonicalize(d).ok()).zip(path.file_name()).map(|(d, f)| d.join(f));
    match full.as_deref().and_then(|f| f.strip_prefix(&top).ok()) {
        Some(inside) => Ok(format!("{rev}:{}", inside.to_string_lossy().replace('\\', "/"))),
        None => Err(format!("{shown} is not inside the git work tree {}", top.display())),
    }
}

/// `git ARGS` in the working folder: its standard output, or what went wrong.
fn run(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}); --base-ref reads the old spec with git"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim().to_owned())
    }
}

/// The bytes of `path` at revision `rev`.
///
/// # Errors
/// The revision or the file at it does not exist, or git cannot be run: git's own words.
pub fn show(rev: &str, path: &Path) -> Result<Vec<u8>, String> {
    if rev.starts_with('-') {
        return Err(format!("{rev:?} is not a git revision"));
    }
    // `--` would end the revisions; an object name is one argument.
    run(&["show", &object(rev, path)?]).map_err(|e| format!("it cannot be read at {rev}: {e}"))
}

/// The spec `path` as it was at `rev`, named by its path (messages show `REV:PATH`).
///
/// # Errors
/// As [`show`].
pub fn source_at(rev: &str, path: &Path) -> Result<Source, String> {
    let bytes = show(rev, path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut source = Source::from_file(path, &bytes);
    source.origin = Origin::Git { rev: rev.to_owned() };
    Ok(source)
}
