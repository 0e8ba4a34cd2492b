//! TOML text -> [`RawSpec`], reporting every syntax error, unknown key and wrong type at once.
//!
//! serde stops at the first error, so parsing runs in three steps:
//! 1. parse the document into a spanned tree (all syntax errors are collected),
//! 2. walk the tree against the key lists of the serde types and drop unknown keys, with a
//!    did-you-mean for each,
//! 3. deserialize with serde (`deny_unknown_fields`); if that fails, deserialize each leaf value
//!    on its own so that every wrong type is reported, each with its field path.

use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, Source};
use crate::spec::{table_fields, RawSpec};

/// Parses a spec source into its raw, spanned form.
///
/// # Errors
/// Every syntax error, unknown key and type mismatch, as diagnostics.
pub fn parse(source: &Source) -> Result<RawSpec, Diagnostics> {
    if let Some(at) = source.invalid_utf8_at {
        return Err(Diagnostics(vec![Diagnostic::new("", Some(at..at + 1), "the spec is not valid UTF-8 text")
            .with_help("a spec is a TOML text file; check that the right file was given")]));
    }
    let (mut root, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let msg = e.message().trim().replace('\n', "; ");
                Diagnostic::new("", e.span(), format!("invalid TOML: {msg}"))
                    .with_help("see https://toml.io for the syntax")
            })
            .collect();
        let mut d = Diagnostics(diags);
        d.sort();
        return Err(d);
    }
    let mut diags = Vec::new();
    drop_unknown_keys(root.get_mut(), "", "", &mut diags);

    let root_span = root.span();
    let spec = match RawSpec::deserialize(toml::de::Deserializer::from(root.clone())) {
        Ok(spec) => Some(spec),
        Err(_) => {
            collect_type_errors(root.get_ref(), root_span, &mut diags);
            None
        }
    };
    match spec {
        Some(spec) if diags.is_empty() => Ok(spec),
        _ => {
            let mut d = Diagnostics(diags);
            d.sort();
            Err(d)
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Removes keys that the schema does not know, reporting each. `schema` is the path used to look
/// up key lists (`web_access[]` for every grant), `shown` the path shown to the user.
fn drop_unknown_keys(table: &mut DeTable<'_>, schema: &str, shown: &str, diags: &mut Vec<Diagnostic>) {
    let Some(fields) = table_fields(schema) else {
        return;
    };
    let unknown: Vec<(String, Range<usize>)> = table
        .keys()
        .filter(|k| !fields.contains(&k.get_ref().as_ref()))
        .map(|k| (k.get_ref().to_string(), k.span()))
        .collect();
    for (key, span) in &unknown {
        let mut d = Diagnostic::new(join(shown, key), Some(span.clone()), format!("unknown key `{key}`"));
        d = match did_you_mean(key, fields.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "valid keys {}: {}",
                if shown.is_empty() { "at the top level".to_owned() } else { format!("in [{shown}]") },
                fields.join(", ")
            )),
        };
        diags.push(d);
    }
    if !unknown.is_empty() {
        let old = std::mem::take(table);
        for (k, v) in old {
            if !unknown.iter().any(|(u, _)| u == k.get_ref().as_ref()) {
                table.insert(k, v);
            }
        }
    }
    for (key, value) in table.iter_mut() {
        let key = key.get_ref().to_string();
        let child_schema = join(schema, &key);
        let child_shown = join(shown, &key);
        match value.get_mut() {
            DeValue::Table(t) => drop_unknown_keys(t, &child_schema, &child_shown, diags),
            DeValue::Array(items) if child_schema == "web_access" => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let DeValue::Table(t) = item.get_mut() {
                        drop_unknown_keys(t, "web_access[]", &format!("{child_shown}[{i}]"), diags);
                    }
                }
            }
            _ => {}
        }
    }
}

/// One step from the root to a leaf.
#[derive(Clone)]
enum Step<'i> {
    Key(Spanned<std::borrow::Cow<'i, str>>),
    Index(usize, Range<usize>),
}

/// Deserializes each leaf on its own, inside a document that holds only that leaf, so that
/// every type error is found and carries the leaf's path.
fn collect_type_errors(root: &DeTable<'_>, root_span: Range<usize>, diags: &mut Vec<Diagnostic>) {
    let mut leaves = Vec::new();
    walk_leaves(root, &mut Vec::new(), &mut leaves);
    for (path, leaf) in leaves {
        let doc = isolate(&path, leaf, root_span.clone());
        if let Err(e) = RawSpec::deserialize(toml::de::Deserializer::from(doc)) {
            let shown = path.iter().fold(String::new(), |acc, step| match step {
                Step::Key(k) => join(&acc, k.get_ref()),
                Step::Index(i, _) => format!("{acc}[{i}]"),
            });
            let span = e.span().or_else(|| Some(leaf.span()));
            diags.push(Diagnostic::new(shown, span, humanize(e.message())));
        }
    }
}

fn walk_leaves<'a, 'i>(
    table: &'a DeTable<'i>,
    path: &mut Vec<Step<'i>>,
    out: &mut Vec<(Vec<Step<'i>>, &'a Spanned<DeValue<'i>>)>,
) {
    for (key, value) in table {
        path.push(Step::Key(key.clone()));
        match value.get_ref() {
            DeValue::Table(t) if !t.is_empty() => walk_leaves(t, path, out),
            DeValue::Array(items) if items.iter().any(|v| v.get_ref().is_table()) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i, item.span()));
                    match item.get_ref() {
                        DeValue::Table(t) if !t.is_empty() => walk_leaves(t, path, out),
                        _ => out.push((path.clone(), item)),
                    }
                    path.pop();
                }
            }
            _ => out.push((path.clone(), value)),
        }
        path.pop();
    }
}

/// Builds a document that contains only `leaf`, at `path`.
fn isolate<'i>(path: &[Step<'i>], leaf: &Spanned<DeValue<'i>>, root_span: Range<usize>) -> Spanned<DeTable<'i>> {
    let mut value = leaf.clone();
    for step in path.iter().rev().take(path.len().saturating_sub(1)) {
        value = wrap(step, value);
    }
    let mut table = DeTable::new();
    if let Some(Step::Key(k)) = path.first() {
        table.insert(k.clone(), value);
    }
    Spanned::new(root_span, table)
}

fn wrap<'i>(step: &Step<'i>, inner: Spanned<DeValue<'i>>) -> Spanned<DeValue<'i>> {
    // `step` names where `inner` sits; the container is one level up, so its span is unknown here:
    // use the inner span, which is only used for messages about the container itself.
    match step {
        Step::Key(k) => {
            let span = inner.span();
            let mut t = DeTable::new();
            t.insert(k.clone(), inner);
            Spanned::new(span, DeValue::Table(t))
        }
        Step::Index(_, span) => {
            let mut a = DeArray::new();
            a.push(inner);
            Spanned::new(span.clone(), DeValue::Array(a))
        }
    }
}

/// Rewrites serde's type names into the words of the spec format.
fn humanize(message: &str) -> String {
    let mut m = message.trim().replace('\n', "; ");
    for (from, to) in [
        ("expected i64", "expected an integer"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected a boolean", "expected true or false"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(pos) = m.find("expected struct ") {
        m.truncate(pos);
        m.push_str("expected a table");
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        m = format!("wrong type: found {rest}");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse(&Source::from_text("t.toml", text)) {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(|d| format!("{}: {}", d.field, d.message)).collect(),
        }
    }

    #[test]
    fn valid_minimal_parses() {
        assert!(errors("version = 1\n[environment]\nname = \"a\"\n").is_empty());
    }

    #[test]
    fn every_type_error_is_reported() {
        let e =
            errors("version = \"1\"\n[environment]\nname = 3\nmax_workers = \"x\"\n[network]\nflow_logs = \"yes\"\n");
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].starts_with("version: wrong type"), "{e:?}");
        assert!(e[1].starts_with("environment.name: wrong type"), "{e:?}");
        assert!(e[2].starts_with("environment.max_workers: wrong type"), "{e:?}");
        assert!(e[3].starts_with("network.flow_logs: wrong type"), "{e:?}");
    }

    #[test]
    fn unknown_keys_everywhere_with_suggestions() {
        let d = parse(&Source::from_text(
            "t.toml",
            "versoin = 1\n[environment]\nnmae = \"a\"\n[[web_access]]\nairflow_rol = \"Admin\"\n",
        ))
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = d.0.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["versoin", "environment.nmae", "web_access[0].airflow_rol"]);
        assert_eq!(d.0[1].help.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn syntax_errors_have_spans() {
        let d = parse(&Source::from_text("t.toml", "version = 1\n[environment\n")).err().unwrap_or_default();
        assert!(!d.0.is_empty());
        assert!(d.0.iter().all(|d| d.span.is_some()));
    }

    #[test]
    fn section_of_wrong_type() {
        let e = errors("version = 1\nenvironment = 5\n");
        assert_eq!(e, ["environment: wrong type: found integer `5`, expected a table"]);
    }
}
