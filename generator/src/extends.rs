//! `extends = "base.toml"`: a spec inherits the tables of a base spec and overrides them key by key.
//!
//! The base (and its own base, and so on) is read from disk, relative to the spec that names it,
//! and parsed into the same spanned tree as the spec; the trees are merged before the rest of
//! parsing sees them, so that unknown keys, wrong types and rule errors in a base are found like
//! those of the spec itself:
//! - tables merge key by key, the spec's value winning (`[tags]` and
//!   `[environment.airflow_configuration_options]` too);
//! - arrays replace: `public_subnet_cidrs`, and each array of tables, `[[web_access]]` and
//!   `[[execution_role.statements]]`, as a whole;
//! - `version`, `extends`, `base` and `unset` are never inherited: every file states its own
//!   `version`, and a base must state the same one;
//! - `unset = ["network.availability_zones", ...]` removes dotted keys (or whole tables, or arrays)
//!   of the bases before the merge: a spec's list applies to every base under it, a base's to its
//!   own bases. An entry that removes nothing is an error (a misspelling would otherwise be
//!   silently ignored), as is `unset` in a file that extends nothing.
//!
//! `base = true` marks a file that only others extend: see [`crate::check_spec`].
//!
//! Spans of a base are shifted past the spec's text (each base after the previous one), so that one
//! offset says both which file and where; [`Bases::localize`] turns them back into a span in the
//! base's own text with the base attached ([`Diagnostic::file`]), so that every error points into
//! the file where the value was written.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{quote, Diagnostic, Diagnostics, Origin, Source};

/// How many bases deep a chain of `extends` may go: far more than a dev/stage/prod layout needs,
/// few enough that a mistake is reported rather than followed.
pub const MAX_DEPTH: usize = 8;

/// The base specs of one spec, in the order they are inherited (its own base first).
#[derive(Debug, Clone, Default)]
pub struct Bases {
    files: Vec<Base>,
}

#[derive(Debug, Clone)]
struct Base {
    source: Arc<Source>,
    /// Where this base's text starts in the shared offset space.
    offset: usize,
}

impl Bases {
    /// True when the spec extends nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The names of the base files, in the order they are inherited.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|b| b.source.name.as_str())
    }

    /// The spec's text followed by each base's, one newline apart: the text that every shifted
    /// span indexes (a value's own text is looked up for some messages).
    #[must_use]
    pub fn text<'a>(&self, spec: &'a Source) -> Cow<'a, str> {
        if self.files.is_empty() {
            return Cow::Borrowed(&spec.text);
        }
        let mut text = spec.text.clone();
        for b in &self.files {
            text.push('\n');
            text.push_str(&b.source.text);
        }
        Cow::Owned(text)
    }

    /// The spec's tree with every base merged under it, less what `unset` removes (see the module
    /// docs), and the problems of the `unset` lists (spans in the shared offset space: pass them
    /// through [`Bases::localize`]).
    #[must_use]
    pub fn merge_into<'a>(&'a self, spec: Spanned<DeTable<'a>>) -> (Spanned<DeTable<'a>>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let mut unsets = unsets_of(spec.get_ref(), 0, &mut problems);
        let mut merged = spec;
        for (i, b) in self.files.iter().enumerate() {
            // A base with syntax errors was refused by `load`; a recoverable parse of it here
            // yields the same tree.
            let (tree, _) = DeTable::parse_recoverable(&b.source.text);
            let mut base = shift_table(tree.get_ref(), b.offset);
            let own = unsets_of(&base, i + 1, &mut problems);
            for u in &mut unsets {
                u.used |= remove_path(&mut base, &u.path);
            }
            unsets.extend(own);
            let span = merged.span();
            merged = Spanned::new(span, merge(merged.into_inner(), base));
        }
        for u in unsets.iter().filter(|u| !u.used) {
            let d = if u.file == self.files.len() {
                Diagnostic::new(
                    "unset",
                    Some(u.span.clone()),
                    "`unset` removes keys of a base, and this file extends none",
                )
                .with_help("add `extends = \"base.toml\"` (the base whose keys to remove), or remove `unset`")
            } else {
                let bases: Vec<&str> = self.files[u.file..].iter().map(|b| b.source.name.as_str()).collect();
                Diagnostic::new(
                    "unset",
                    Some(u.span.clone()),
                    format!("{} removes nothing: no base sets it ({})", quote(&u.path), bases.join(", ")),
                )
                .with_help(
                    "name a dotted key, table or array that a base sets, e.g. \"network.availability_zones\" or \
                     \"environment.airflow_configuration_options.core.parallelism\": check the spelling",
                )
            };
            problems.push(d);
        }
        (merged, problems)
    }

    /// Moves diagnostics whose span lies in a base into that base's own text, with the base
    /// attached, so that they render against the file where the value was written.
    #[must_use]
    pub fn localize(&self, diags: Diagnostics) -> Diagnostics {
        if self.files.is_empty() {
            return diags;
        }
        Diagnostics(
            diags
                .0
                .into_iter()
                .map(|mut d| {
                    if d.file.is_some() {
                        return d;
                    }
                    let Some(span) = d.span.clone() else { return d };
                    if let Some(b) = self.files.iter().rev().find(|b| span.start >= b.offset) {
                        d.span = Some(span.start - b.offset..span.end.saturating_sub(b.offset));
                        d.file = Some(Arc::clone(&b.source));
                    }
                    d
                })
                .collect(),
        )
    }
}

/// Reads the chain of bases that `spec` (already parsed into `root`) extends.
///
/// # Errors
/// A base that cannot be read, is not UTF-8 or not TOML; a chain that comes back to a file it
/// already holds (a cycle) or is deeper than [`MAX_DEPTH`]; a base with another (or no)
/// `version`. Each error points at the `extends` value that leads to the problem, in the file
/// where it is written (syntax errors of a base point into the base).
pub fn load(spec: &Source, root: &DeTable<'_>) -> Result<Bases, Diagnostics> {
    let mut bases = Bases::default();
    let Some((mut target, mut at)) = extends_of(root) else {
        return Ok(bases);
    };
    let version = version_of(root);
    // Files already in the chain (as identified on disk), and as shown.
    let identity = |p: &Path| match spec.origin {
        Origin::Disk => identity(p),
        Origin::Git { .. } => p.to_path_buf(),
    };
    let mut seen: Vec<(PathBuf, String)> = vec![(identity(Path::new(&spec.name)), spec.name.clone())];
    let mut from = spec.name.clone();
    let mut offset = 0usize;
    let mut next_offset = spec.text.len() + 1;
    loop {
        // `at` is the span of the `extends` value, in the file that starts at `offset`.
        let at_shifted = at.start + offset..at.end + offset;
        let fail = |bases: &Bases, message: String, help: String| {
            let d = Diagnostic::new("extends", Some(at_shifted.clone()), message).with_help(help);
            Err(bases.localize(Diagnostics(vec![d])))
        };
        if target.trim().is_empty() {
            return fail(
                &bases,
                "`extends` is empty".to_owned(),
                "name a base spec, a path relative to this file, e.g. extends = \"base.toml\"".to_owned(),
            );
        }
        let path = resolve(&from, &target);
        let shown = path.to_string_lossy().replace('\\', "/");
        let id = identity(&path);
        if let Some(pos) = seen.iter().position(|(p, _)| *p == id) {
            let mut names: Vec<&str> = seen[pos..].iter().map(|(_, n)| n.as_str()).collect();
            names.push(&seen[pos].1);
            return fail(
                &bases,
                format!("{} closes a cycle of `extends`: {}", quote(&target), names.join(" -> ")),
                "a base cannot extend, directly or through other bases, the spec that extends it: remove one `extends`"
                    .to_owned(),
            );
        }
        if bases.files.len() >= MAX_DEPTH {
            return fail(
                &bases,
                format!("more than {MAX_DEPTH} bases deep"),
                "a spec and its bases form a short chain (e.g. prod.toml -> base.toml): shorten it".to_owned(),
            );
        }
        let bytes = match read_base(&spec.origin, &path) {
            Ok(b) => b,
            Err(why) => {
                return fail(
                    &bases,
                    format!("cannot read the base spec {}: {why}", quote(&shown)),
                    format!("`extends` takes a path relative to {from}: check the name, or create the base spec"),
                );
            }
        };
        let mut base = Source::from_bytes(shown.clone(), &bytes);
        base.origin = spec.origin.clone();
        let base = Arc::new(base);
        bases.files.push(Base { source: Arc::clone(&base), offset: next_offset });
        let base_offset = next_offset;
        next_offset += base.text.len() + 1;
        if let Some(bad) = base.invalid_utf8_at {
            let d = Diagnostic::new(
                "",
                Some(bad + base_offset..bad + base_offset + 1),
                "the base spec is not valid UTF-8 text",
            )
            .with_help("a base spec is a TOML text file; check that `extends` names the right file");
            return Err(bases.localize(Diagnostics(vec![d])));
        }
        let (tree, errors) = DeTable::parse_recoverable(&base.text);
        if !errors.is_empty() {
            let mut d = Diagnostics(
                errors
                    .iter()
                    .map(|e| {
                        let mut d = crate::parse::syntax_error(&base.text, e);
                        d.span = d.span.map(|s| s.start + base_offset..s.end + base_offset);
                        d
                    })
                    .collect(),
            );
            d.sort();
            return Err(bases.localize(d));
        }
        match (version, version_of(tree.get_ref())) {
            (Some(mine), Some(theirs)) if mine != theirs => {
                return fail(
                    &bases,
                    format!("the base spec {shown} is written for spec version {theirs}, this spec for version {mine}"),
                    "a spec can only extend a base of its own format version: make both `version` the same".to_owned(),
                )
            }
            (_, None) => {
                return fail(
                    &bases,
                    format!("the base spec {shown} has no `version`"),
                    "every spec file, bases too, starts with `version = 1`: add it to the base".to_owned(),
                )
            }
            _ => {}
        }
        seen.push((id, shown.clone()));
        match extends_of(tree.get_ref()) {
            Some((t, a)) => {
                target = t;
                at = a;
                from = shown;
                offset = base_offset;
            }
            None => return Ok(bases),
        }
    }
}

/// Largest base spec read, in bytes: far above any real spec, and a guard against a path such as
/// `/dev/zero` that would never end.
const MAX_BASE_BYTES: u64 = 4 << 20;

/// The bytes of a base spec: a regular file of at most [`MAX_BASE_BYTES`], from the work tree or
/// from the git revision the spec was read from.
fn read_base(origin: &Origin, path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if let Origin::Git { rev } = origin {
        let bytes = crate::git::show(rev, path)?;
        if bytes.len() as u64 > MAX_BASE_BYTES {
            return Err(format!("it is larger than {} MiB, which no spec is", MAX_BASE_BYTES >> 20));
        }
        return Ok(bytes);
    }
    let describe = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_owned(),
        _ => e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(describe)?;
    if !meta.is_file() {
        return Err("it is not a file".to_owned());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(MAX_BASE_BYTES + 1).read_to_end(&mut bytes)).map_err(describe)?;
    if bytes.len() as u64 > MAX_BASE_BYTES {
        return Err(format!("it is larger than {} MiB, which no spec is", MAX_BASE_BYTES >> 20));
    }
    Ok(bytes)
}

/// The `extends` value of a spec and its span, when it is a string (any other type is reported
/// by the type check of parsing).
fn extends_of(root: &DeTable<'_>) -> Option<(String, Range<usize>)> {
    let v = root.get("extends")?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span())),
        _ => None,
    }
}

/// The `version` of a spec, when it is an integer.
fn version_of(root: &DeTable<'_>) -> Option<i64> {
    match root.get("version")?.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// `target` relative to the folder of the spec `from`, with `.` and `..` resolved in the text
/// (so that errors show `specs/base.toml`, not `specs/env/../base.toml`).
fn resolve(from: &str, target: &str) -> PathBuf {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for c in dir.join(target).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// What identifies a file on disk: its canonical path (links resolved), or the path as given
/// when it cannot be resolved (a spec that is not on disk).
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The keys every file states for itself, never inherited from a base.
const OWN_KEYS: &[&str] = &["version", "extends", "base", "unset"];

/// One entry of an `unset` list.
#[derive(Debug)]
struct Unset {
    path: String,
    /// In the shared offset space.
    span: Range<usize>,
    /// Which file wrote it: 0 the spec, `i + 1` its base `i`. It applies to the bases after it.
    file: usize,
    /// Whether it removed something from some base.
    used: bool,
}

/// The entries of `table`'s `unset` list that are strings (other types are reported by the type
/// check of parsing); an entry naming a key that is never inherited is reported here.
fn unsets_of(table: &DeTable<'_>, file: usize, problems: &mut Vec<Diagnostic>) -> Vec<Unset> {
    let Some(DeValue::Array(items)) = table.get("unset").map(Spanned::get_ref) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let DeValue::String(path) = item.get_ref() else { continue };
        if OWN_KEYS.contains(&path.as_ref()) || path.trim().is_empty() {
            problems.push(
                Diagnostic::new("unset", Some(item.span()), format!("{} cannot be unset", quote(path))).with_help(
                    format!("{} are never inherited from a base; `unset` names keys a base sets", OWN_KEYS.join(", ")),
                ),
            );
            continue;
        }
        out.push(Unset { path: path.to_string(), span: item.span(), file, used: false });
    }
    out
}

/// Removes the dotted `path` from `table`; true when something was removed. A key may itself hold
/// dots (`environment.airflow_configuration_options.core.parallelism` names the option
/// `core.parallelism`): the whole rest of the path is tried as a key before it is split further.
fn remove_path(table: &mut DeTable<'_>, path: &str) -> bool {
    if table.remove(path).is_some() {
        return true;
    }
    for (i, _) in path.match_indices('.') {
        let (head, tail) = (&path[..i], &path[i + 1..]);
        if let Some(DeValue::Table(inner)) = table.get_mut(head).map(Spanned::get_mut) {
            if remove_path(inner, tail) {
                return true;
            }
        }
    }
    false
}

/// `spec` over `base`: tables merge key by key, anything else (arrays included) is replaced.
/// [`OWN_KEYS`] come from the spec only.
fn merge<'a>(spec: DeTable<'a>, base: DeTable<'a>) -> DeTable<'a> {
    let mut spec = spec;
    let mut out = DeTable::new();
    for (k, base_value) in base {
        if OWN_KEYS.contains(&k.get_ref().as_ref()) {
            continue;
        }
        match spec.remove_entry(k.get_ref().as_ref()) {
            None => {
                out.insert(k, base_value);
            }
            // The spec's key (and its span) is kept: that is where the value was written.
            Some((key, mine)) => {
                let value = if mine.get_ref().is_table() && base_value.get_ref().is_table() {
                    let span = mine.span();
                    match (mine.into_inner(), base_value.into_inner()) {
                        (DeValue::Table(m), DeValue::Table(b)) => Spanned::new(span, DeValue::Table(merge(m, b))),
                        (m, _) => Spanned::new(span, m),
                    }
                } else {
                    mine
                };
                out.insert(key, value);
            }
        }
    }
    for (k, v) in spec {
        out.insert(k, v);
    }
    out
}

/// A copy of `table` with every span moved by `offset`.
fn shift_table<'a>(table: &DeTable<'a>, offset: usize) -> DeTable<'a> {
    table.iter().map(|(k, v)| (Spanned::new(moved(k.span(), offset), k.get_ref().clone()), shift(v, offset))).collect()
}

fn shift<'a>(v: &Spanned<DeValue<'a>>, offset: usize) -> Spanned<DeValue<'a>> {
    let inner = match v.get_ref() {
        DeValue::Table(t) => DeValue::Table(shift_table(t, offset)),
        DeValue::Array(items) => DeValue::Array(items.iter().map(|i| shift(i, offset)).collect()),
        other => other.clone(),
    };
    Spanned::new(moved(v.span(), offset), inner)
}

fn moved(span: Range<usize>, offset: usize) -> Range<usize> {
    span.start + offset..span.end + offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_beside_the_spec() {
        assert_eq!(resolve("specs/prod.toml", "base.toml"), PathBuf::from("specs/base.toml"));
        assert_eq!(resolve("specs/env/prod.toml", "../base.toml"), PathBuf::from("specs/base.toml"));
        assert_eq!(resolve("prod.toml", "./base.toml"), PathBuf::from("base.toml"));
        assert_eq!(resolve("a/prod.toml", "../../base.toml"), PathBuf::from("../base.toml"));
    }

    fn merged(spec: &str, base: &str) -> String {
        let (s, _) = DeTable::parse_recoverable(spec);
        let (b, _) = DeTable::parse_recoverable(base);
        let m = merge(s.into_inner(), b.into_inner());
        let value: toml::Table =
            serde::Deserialize::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, m))).unwrap_or_default();
        toml::to_string(&value).unwrap_or_default()
    }

    #[test]
    fn tables_merge_key_by_key_and_arrays_replace() {
        let out = merged(
            "version = 1\n[environment]\nname = \"dev\"\n[tags]\nEnv = \"dev\"\n[[web_access]]\nairflow_role = \"Op\"\n",
            "version = 1\nextends = \"x.toml\"\n[environment]\nname = \"base\"\nmax_workers = 5\n[tags]\nTeam = \"t\"\nEnv = \"base\"\n[[web_access]]\nairflow_role = \"Admin\"\n[[web_access]]\nairflow_role = \"Viewer\"\n",
        );
        assert!(out.contains("name = \"dev\""), "{out}");
        assert!(out.contains("max_workers = 5"), "{out}");
        assert!(out.contains("Team = \"t\"") && out.contains("Env = \"dev\""), "{out}");
        assert_eq!(out.matches("[[web_access]]").count(), 1, "{out}");
        assert!(out.contains("airflow_role = \"Op\"") && !out.contains("Admin"), "{out}");
        assert!(!out.contains("extends"), "{out}");
    }

    #[test]
    fn unset_removes_dotted_keys_tables_and_keys_with_dots() {
        let (tree, _) = DeTable::parse_recoverable(
            "[network]\navailability_zones = [\"a\", \"b\"]\nvpc_cidr = \"10.0.0.0/16\"\n[environment.airflow_configuration_options]\n\"core.parallelism\" = \"8\"\n\"core.x\" = \"1\"\n[tags]\nTeam = \"t\"\n",
        );
        let mut t = tree.into_inner();
        assert!(remove_path(&mut t, "network.availability_zones"));
        assert!(!remove_path(&mut t, "network.availability_zones"), "removed once");
        assert!(remove_path(&mut t, "environment.airflow_configuration_options.core.parallelism"));
        assert!(remove_path(&mut t, "tags"));
        assert!(!remove_path(&mut t, "network.vpc"), "a prefix of a key is not the key");
        let value: toml::Table =
            serde::Deserialize::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, t))).unwrap_or_default();
        let out = toml::to_string(&value).unwrap_or_default();
        assert!(!out.contains("availability_zones") && !out.contains("parallelism") && !out.contains("Team"), "{out}");
        assert!(out.contains("vpc_cidr") && out.contains("core.x"), "{out}");
    }
}
