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

use crate::diagnostics::{did_you_mean, key_path, quote, user_key_path, Diagnostic, Diagnostics, Source};
use crate::spec::{is_string_map, is_table_array, table_fields, RawSpec};

/// A parsed spec with the problems that do not stop validation: unknown keys, which are dropped
/// from `spec` and reported (with a did-you-mean where one is close).
#[derive(Debug)]
pub struct Parsed {
    pub spec: RawSpec,
    /// Unknown keys, and entries of `unset` that remove nothing.
    pub unknown_keys: Vec<Diagnostic>,
    /// Paths offered as did-you-mean for unknown keys (`environment.name` for `nmae`): a rule
    /// error saying such a key is missing would only repeat the suggestion.
    pub suggested: Vec<String>,
    /// The base specs merged under this one (`extends`): spans past the spec's own text point
    /// into them, and [`Bases::localize`](crate::extends::Bases::localize) says where.
    pub bases: crate::extends::Bases,
}

/// Parses a spec source into its raw, spanned form.
///
/// # Errors
/// Every syntax error and type mismatch, with every unknown key, as diagnostics. When the only
/// problems are unknown keys, parsing succeeds and returns them in [`Parsed::unknown_keys`], so
/// that the caller can validate the rest and report everything in one run.
pub fn parse(source: &Source) -> Result<Parsed, Diagnostics> {
    if let Some(at) = source.invalid_utf8_at {
        return Err(Diagnostics(vec![Diagnostic::new("", Some(at..at + 1), "the spec is not valid UTF-8 text")
            .with_help("a spec is a TOML text file; check that the right file was given")]));
    }
    let (root, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let diags = errors.iter().map(|e| syntax_error(&source.text, e)).collect();
        let mut d = Diagnostics(diags);
        d.sort();
        return Err(d);
    }
    let bases = crate::extends::load(source, root.get_ref())?;
    // Problems of `unset` lists travel with the unknown keys: reported with every other problem.
    let (mut root, mut unknown_keys) = bases.merge_into(root);
    let mut suggested = Vec::new();
    drop_unknown_keys(root.get_mut(), "", "", &mut unknown_keys, &mut suggested);

    let root_span = root.span();
    match RawSpec::deserialize(toml::de::Deserializer::from(root.clone())) {
        Ok(spec) => Ok(Parsed { spec, unknown_keys, suggested, bases }),
        Err(_) => {
            let mut diags = unknown_keys;
            collect_type_errors(root.get_ref(), root_span, &bases.text(source), &mut diags);
            let mut d = Diagnostics(diags);
            d.sort();
            Err(bases.localize(d))
        }
    }
}

/// A TOML syntax error, worded for the two cases where the parser's own words mislead.
pub(crate) fn syntax_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let msg = e.message().trim().replace('\n', "; ");
    let span = e.span();
    let at = span.as_ref().map_or(0, |s| s.start.min(text.len()));
    let snippet = span.as_ref().and_then(|s| text.get(s.clone())).unwrap_or("");
    let line_start = text.get(..at).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let before = text.get(line_start..at).unwrap_or("").trim_end();
    let after = text.get(at..).unwrap_or("").split('\n').next().unwrap_or("").trim();
    if msg == "duplicate key" && !snippet.is_empty() {
        let name = snippet.trim_matches(|c| c == '"' || c == '\'');
        return Diagnostic::new("", span, format!("invalid TOML: {} is defined twice", quote(name)))
            .with_help("TOML allows each key and each [table] only once: merge the two, or remove one");
    }
    if before.ends_with('=') && (after.is_empty() || after.starts_with('#')) {
        return Diagnostic::new("", span, "invalid TOML: a key with no value after `=`")
            .with_help("write a value after `=`: a \"string\", a number, true or false, or an [array]");
    }
    Diagnostic::new("", span, format!("invalid TOML: {msg}")).with_help("see https://toml.io for the syntax")
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
/// `suggested` collects the paths offered as did-you-mean.
fn drop_unknown_keys(
    table: &mut DeTable<'_>,
    schema: &str,
    shown: &str,
    diags: &mut Vec<Diagnostic>,
    suggested: &mut Vec<String>,
) {
    let Some(fields) = table_fields(schema) else {
        return;
    };
    let unknown: Vec<(String, Range<usize>)> = table
        .keys()
        .filter(|k| !fields.contains(&k.get_ref().as_ref()))
        .map(|k| (k.get_ref().to_string(), k.span()))
        .collect();
    for (key, span) in &unknown {
        let mut d = Diagnostic::new(key_path(shown, key), Some(span.clone()), format!("unknown key {}", quote(key)));
        d = match did_you_mean(key, fields.iter().copied()) {
            Some(s) => {
                suggested.push(key_path(shown, s));
                d.with_help(format!("did you mean `{s}`?"))
            }
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
        let child_shown = key_path(shown, &key);
        match value.get_mut() {
            DeValue::Table(t) => drop_unknown_keys(t, &child_schema, &child_shown, diags, suggested),
            DeValue::Array(items) if is_table_array(&child_schema) => {
                let element = format!("{child_schema}[]");
                for (i, item) in items.iter_mut().enumerate() {
                    if let DeValue::Table(t) = item.get_mut() {
                        drop_unknown_keys(t, &element, &format!("{child_shown}[{i}]"), diags, suggested);
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

/// A value found where the schema ends: a scalar, an array, or a table the schema does not
/// expect at that place.
type Leaf<'a, 'i> = (Vec<Step<'i>>, &'a Spanned<DeValue<'i>>);

/// Deserializes each leaf on its own, inside a document that holds only that leaf, so that
/// every type error is found and carries the leaf's path.
fn collect_type_errors(root: &DeTable<'_>, root_span: Range<usize>, text: &str, diags: &mut Vec<Diagnostic>) {
    let mut leaves = Vec::new();
    walk_leaves(root, "", &mut Vec::new(), &mut leaves);
    for (path, leaf) in leaves {
        let Some(err) = leaf_error(&path, leaf, &root_span) else {
            continue;
        };
        // An array that would be fine empty has elements of the wrong type: blame each of them.
        if let DeValue::Array(items) = leaf.get_ref() {
            let empty = Spanned::new(leaf.span(), DeValue::Array(DeArray::new()));
            if !items.is_empty() && leaf_error(&path, &empty, &root_span).is_none() {
                for (i, item) in items.iter().enumerate() {
                    let mut item_path = path.clone();
                    item_path.push(Step::Index(i, item.span()));
                    if let Some(e) = leaf_error(&item_path, item, &root_span) {
                        diags.push(type_error(&item_path, item, &e, text));
                    }
                }
                continue;
            }
        }
        diags.push(type_error(&path, leaf, &err, text));
    }
}

fn leaf_error(path: &[Step<'_>], leaf: &Spanned<DeValue<'_>>, root_span: &Range<usize>) -> Option<toml::de::Error> {
    let doc = isolate(path, leaf, root_span.clone());
    RawSpec::deserialize(toml::de::Deserializer::from(doc)).err()
}

/// Walks the tables the schema knows; everything else is a leaf. Values of free-form string
/// tables are leaves even when they are tables themselves (`[tags.team]`), so that the error
/// names `tags.team`, not a key inside it.
fn walk_leaves<'a, 'i>(table: &'a DeTable<'i>, schema: &str, path: &mut Vec<Step<'i>>, out: &mut Vec<Leaf<'a, 'i>>) {
    for (key, value) in table {
        path.push(Step::Key(key.clone()));
        let child = join(schema, key.get_ref());
        match value.get_ref() {
            DeValue::Table(t) if table_fields(&child).is_some() => walk_leaves(t, &child, path, out),
            DeValue::Table(t) if is_string_map(&child) => {
                for (k, v) in t {
                    path.push(Step::Key(k.clone()));
                    out.push((path.clone(), v));
                    path.pop();
                }
            }
            DeValue::Array(items) if is_table_array(&child) => {
                let element = format!("{child}[]");
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i, item.span()));
                    match item.get_ref() {
                        DeValue::Table(t) => walk_leaves(t, &element, path, out),
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

/// The path shown to the user; keys of free-form tables are always quoted (`tags."Team"`),
/// like validation shows them.
fn shown_path(path: &[Step<'_>]) -> String {
    let mut shown = String::new();
    for (i, step) in path.iter().enumerate() {
        shown = match step {
            Step::Key(k) if is_string_map(&schema_path(&path[..i])) => user_key_path(&shown, k.get_ref()),
            Step::Key(k) => key_path(&shown, k.get_ref()),
            Step::Index(n, _) => format!("{shown}[{n}]"),
        };
    }
    shown
}

/// The path used to look up the schema: raw keys, `[]` for any array index.
fn schema_path(path: &[Step<'_>]) -> String {
    path.iter().fold(String::new(), |acc, step| match step {
        Step::Key(k) => join(&acc, k.get_ref()),
        Step::Index(..) => format!("{acc}[]"),
    })
}

/// At most `max` characters of `s`, with `…` when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// One type error, worded in the spec format's terms, with a hint for the common slips.
fn type_error(path: &[Step<'_>], leaf: &Spanned<DeValue<'_>>, err: &toml::de::Error, text: &str) -> Diagnostic {
    let shown = shown_path(path);
    let span = leaf.span();
    let literal = clip(text.get(span.clone()).unwrap_or("").trim(), 40);
    let found = match leaf.get_ref() {
        DeValue::String(s) => format!("the string {}", quote(s)),
        DeValue::Integer(_) => format!("the integer {literal}"),
        DeValue::Float(_) => format!("the float {literal}"),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        DeValue::Datetime(d) => format!("the date-time {d}"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    };
    let raw = err.message().trim();
    let expected = raw.rsplit_once(", expected ").map(|(_, e)| expected_words(e));
    // An integer where an integer belongs, yet an error: it does not fit in 64 bits.
    if matches!(leaf.get_ref(), DeValue::Integer(_)) && matches!(expected.as_deref(), Some("an integer") | None) {
        return Diagnostic::new(shown, Some(span), format!("the integer {literal} is out of range"))
            .with_help("use a small whole number (see the field's range in the spec format)");
    }
    let Some(expected) = expected.filter(|_| raw.starts_with("invalid type")) else {
        return Diagnostic::new(shown, Some(span), humanize(raw));
    };
    let parent = schema_path(&path[..path.len().saturating_sub(1)]);
    let in_string_map = is_string_map(&parent);
    let help = match (leaf.get_ref(), expected.as_str()) {
        (DeValue::Table(t), _) if t.get("input").is_some() => Some(format!(
            "only these fields may be {{ input = \"name\" }} (spec-format.md, Inputs): {}",
            crate::model::InputKind::ALL.iter().map(|k| k.field()).collect::<Vec<_>>().join(", ")
        )),
        (DeValue::Table(_), "a string") if in_string_map && parent == "tags" => {
            Some("tags are flat: write `Key = \"value\"` lines directly under [tags]".to_owned())
        }
        (DeValue::Table(_), "a string") if in_string_map => Some(
            "a bare dotted key makes a nested table: quote the whole key, e.g. \"core.parallelism\" = \"64\""
                .to_owned(),
        ),
        (DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_), "a string") => {
            Some(format!("put the value in double quotes: \"{literal}\""))
        }
        (DeValue::String(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
            Some(format!("remove the quotes: {}", s.trim()))
        }
        (DeValue::Float(_), "an integer") => Some("use a whole number".to_owned()),
        (DeValue::String(s), "true or false") if matches!(s.trim(), "true" | "false") => {
            Some(format!("remove the quotes: {}", s.trim()))
        }
        (_, "true or false") => Some("write true or false, without quotes".to_owned()),
        (_, "an array" | "a table") if shown.starts_with("web_access") => {
            Some("write each grant as a [[web_access]] table (double brackets) with its keys below it".to_owned())
        }
        (_, "an array" | "a table") if shown.starts_with("execution_role.statements") && !shown.contains("].") => Some(
            "write each statement as an [[execution_role.statements]] table (double brackets) with its keys below it"
                .to_owned(),
        ),
        (DeValue::String(s), "an array") => Some(format!("put the value in brackets: [{}]", quote(s))),
        (_, "a table") => Some(format!("write it as a table: a [{shown}] line with its keys below it")),
        _ => None,
    };
    let d = Diagnostic::new(shown, Some(span), format!("wrong type: found {found}, expected {expected}"));
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// serde's name for an expected type, in the words of the spec format.
fn expected_words(e: &str) -> String {
    match e.trim() {
        "i64" => "an integer".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "a table".to_owned(),
        "a boolean" => "true or false".to_owned(),
        s if s.starts_with("struct ") => "a table".to_owned(),
        s => s.to_owned(),
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
        match crate::compile(&Source::from_text("t.toml", text)) {
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
        let d = crate::compile(&Source::from_text(
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
    fn unknown_keys_do_not_hide_rule_errors() {
        let d = diags("version = 1\n[environment]\nnmae = \"a\"\nmax_workers = 40\n[enviroment.logging]\n");
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        // `name` and `[environment]` are not reported missing: their typos already say so.
        assert_eq!(fields, ["environment.nmae", "environment.max_workers", "enviroment"], "{d:?}");
        assert!(d[1].message.contains("out of range"), "{d:?}");
        let d = diags("version = 1\n[enviroment]\nname = \"a\"\n");
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["enviroment"], "{d:?}");
    }

    #[test]
    fn syntax_errors_have_spans() {
        let d = crate::compile(&Source::from_text("t.toml", "version = 1\n[environment\n")).err().unwrap_or_default();
        assert!(!d.0.is_empty());
        assert!(d.0.iter().all(|d| d.span.is_some()));
    }

    #[test]
    fn section_of_wrong_type() {
        let e = errors("version = 1\nenvironment = 5\n");
        assert_eq!(e, ["environment: wrong type: found the integer 5, expected a table"]);
    }

    fn diags(text: &str) -> Vec<Diagnostic> {
        crate::compile(&Source::from_text("t.toml", text)).err().unwrap_or_default().0
    }

    #[test]
    fn a_table_inside_a_free_form_table_is_named_itself() {
        let d = diags("version = 1\n[environment]\nname = \"a\"\n[tags.team]\nname = \"x\"\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "tags.\"team\"");
        assert_eq!(d[0].message, "wrong type: found a table, expected a string");
        let d = diags("version = 1\n[environment.airflow_configuration_options]\ncore.parallelism = \"64\"\n");
        assert_eq!(d[0].field, "environment.airflow_configuration_options.\"core\"");
        assert!(d[0].help.as_deref().unwrap_or_default().contains("quote the whole key"), "{d:?}");
        let d = diags("version = 1\n[kms]\nkey = { arn = \"x\" }\n");
        assert_eq!(d[0].field, "kms.key");
        let d = diags("version = 1\n[web_access]\nairflow_role = \"Admin\"\n");
        assert_eq!(
            (d[0].field.as_str(), d[0].message.as_str()),
            ("web_access", "wrong type: found a table, expected an array")
        );
        let d = diags("version = 1\nweb_access = [\"Admin\"]\n");
        assert_eq!(d[0].field, "web_access[0]");
        assert!(d[0].help.as_deref().unwrap_or_default().contains("[[web_access]]"), "{d:?}");
    }

    #[test]
    fn keys_that_are_not_bare_are_quoted_in_paths() {
        let d = diags("version = 1\n[environment.airflow_configuration_options]\n\"core.parallelism\" = 64\n");
        assert_eq!(d[0].field, "environment.airflow_configuration_options.\"core.parallelism\"");
        assert_eq!(d[0].help.as_deref(), Some("put the value in double quotes: \"64\""));
        let d = diags("version = 1\n\"the key\" = 1\n[environment]\nname = \"a\"\n");
        assert_eq!(d[0].field, "\"the key\"");
    }

    #[test]
    fn array_elements_of_the_wrong_type_are_named_one_by_one() {
        let d = diags("version = 1\n[network]\navailability_zones = [1, \"us-east-1b\", true]\n");
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["network.availability_zones[0]", "network.availability_zones[2]"]);
        // A whole array where a string belongs is one error on the field.
        let d = diags("version = 1\n[environment]\nname = [\"a\"]\n");
        assert_eq!(
            (d[0].field.as_str(), d[0].message.as_str()),
            ("environment.name", "wrong type: found an array, expected a string")
        );
    }

    #[test]
    fn hints_for_common_slips() {
        let d = diags("version = \"1\"\n[network]\nflow_logs = \"false\"\n");
        assert_eq!(d[0].help.as_deref(), Some("remove the quotes: 1"));
        assert_eq!(d[1].help.as_deref(), Some("remove the quotes: false"));
        let d = diags("version = 1\n[environment]\nmax_workers = 99999999999999999999\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("out of range"), "{d:?}");
    }

    #[test]
    fn duplicate_keys_and_missing_values_are_worded_plainly() {
        let d = diags("version = 1\nversion = 1\n");
        assert_eq!(d[0].message, "invalid TOML: \"version\" is defined twice");
        assert_eq!(d[0].span, Some(12..19));
        let d = diags("version = 1\n[environment]\nname =   # nothing\n");
        assert_eq!(d[0].message, "invalid TOML: a key with no value after `=`");
    }
}
