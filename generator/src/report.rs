//! `mwaagen validate --format json|sarif`: the results of checking specs, for machines.
//!
//! - JSON (docs/formats.md, schema docs/schemas/validate.schema.json): one object per spec, each
//!   diagnostic with severity, field, file, line, column, end line and column, message and help.
//! - SARIF 2.1.0 (OASIS, for code scanning): one run; a rule per spec field that has a result (its
//!   id is the field, array indexes left out: `web_access[].airflow_role`), each result with the
//!   rule, level and a physical location (file, 1-based line and column, columns counted in
//!   Unicode code points as `columnKind` says).
//!
//! Both are built from the same [`Checked`] list as the text output, so the three never disagree.

use serde_json::{json, Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Source};

/// Version of the JSON shape: raised when a field changes meaning or goes away (fields may be added).
pub const JSON_VERSION: u32 = 1;

/// What checking one spec found.
#[derive(Debug)]
pub enum Outcome {
    /// Valid: the environment it describes (`None` for a base spec) and its warnings.
    Valid { environment: Option<String>, warnings: Diagnostics },
    /// Invalid (warnings made errors by `--deny-warnings` included).
    Invalid(Diagnostics),
    /// The file could not be read: why.
    Unreadable(String),
}

/// One spec and what checking it found.
#[derive(Debug)]
pub struct Checked {
    /// The spec as read (its name is the path as given); for an unreadable file, only the name.
    pub source: Source,
    pub outcome: Outcome,
}

/// One diagnostic located: (severity, diagnostic, the file it points into).
fn located(checked: &Checked) -> Vec<(&'static str, &Diagnostic, &Source)> {
    let (severity, diags) = match &checked.outcome {
        Outcome::Valid { warnings, .. } => ("warning", warnings),
        Outcome::Invalid(d) => ("error", d),
        Outcome::Unreadable(_) => return Vec::new(),
    };
    diags.0.iter().map(|d| (severity, d, d.file.as_deref().unwrap_or(&checked.source))).collect()
}

/// 1-based (line, column, end line, end column) of a diagnostic in `file`; the end is exclusive
/// (the position after the span), as SARIF's `endColumn` is.
fn region(d: &Diagnostic, file: &Source) -> (usize, usize, usize, usize) {
    let span = d.span.clone().unwrap_or(0..0);
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end.max(span.start));
    (line, column, end_line, end_column)
}

/// The `--format json` document of a validate run.
#[must_use]
pub fn validate_json(results: &[Checked]) -> String {
    let specs: Vec<Value> = results
        .iter()
        .map(|c| {
            let mut diagnostics: Vec<Value> = located(c)
                .into_iter()
                .map(|(severity, d, file)| {
                    let (line, column, end_line, end_column) = region(d, file);
                    json!({
                        "severity": severity,
                        "field": d.field,
                        "file": file.name,
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            if let Outcome::Unreadable(why) = &c.outcome {
                diagnostics.push(json!({
                    "severity": "error", "field": "", "file": c.source.name, "line": 1, "column": 1,
                    "end_line": 1, "end_column": 1, "message": why, "help": null,
                }));
            }
            let (valid, kind, environment) = match &c.outcome {
                Outcome::Valid { environment: Some(e), .. } => (true, "spec", Some(e.as_str())),
                Outcome::Valid { environment: None, .. } => (true, "base", None),
                _ => (false, "spec", None),
            };
            json!({
                "file": c.source.name,
                "valid": valid,
                "kind": kind,
                "environment": environment,
                "diagnostics": diagnostics,
            })
        })
        .collect();
    let doc = json!({
        "version": JSON_VERSION,
        "tool": {"name": "mwaagen", "version": env!("CARGO_PKG_VERSION")},
        "valid": results.iter().all(|c| matches!(c.outcome, Outcome::Valid { .. })),
        "specs": specs,
    });
    pretty(&doc)
}

/// The rule id of a diagnostic: its field without array indexes; `spec` for file-level problems
/// (syntax, encoding, an unreadable file).
#[must_use]
pub fn rule_id(field: &str) -> String {
    if field.is_empty() {
        return "spec".to_owned();
    }
    let mut out = String::with_capacity(field.len());
    let mut in_index = false;
    for ch in field.chars() {
        match ch {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// A relative path as a URI reference (RFC 3986): unreserved characters and `/` as they are,
/// everything else percent-encoded; an absolute path as a `file://` URI.
fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `--format sarif` document (SARIF 2.1.0) of a validate run.
#[must_use]
pub fn validate_sarif(results: &[Checked]) -> String {
    let mut rules: Vec<String> = Vec::new();
    let mut sarif_results = Vec::new();
    let rule_index = |id: String, rules: &mut Vec<String>| match rules.iter().position(|r| *r == id) {
        Some(i) => i,
        None => {
            rules.push(id);
            rules.len() - 1
        }
    };
    for c in results {
        for (severity, d, file) in located(c) {
            let id = rule_id(&d.field);
            let index = rule_index(id.clone(), &mut rules);
            let (line, column, end_line, end_column) = region(d, file);
            let text = match &d.help {
                Some(h) => format!("{}: {}\nhelp: {h}", if d.field.is_empty() { "spec" } else { &d.field }, d.message),
                None => format!("{}: {}", if d.field.is_empty() { "spec" } else { &d.field }, d.message),
            };
            sarif_results.push(json!({
                "ruleId": id,
                "ruleIndex": index,
                "level": severity,
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(&file.name)},
                    "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
                }}],
            }));
        }
        if let Outcome::Unreadable(why) = &c.outcome {
            let index = rule_index("spec".to_owned(), &mut rules);
            sarif_results.push(json!({
                "ruleId": "spec",
                "ruleIndex": index,
                "level": "error",
                "message": {"text": why},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&c.source.name)}}}],
            }));
        }
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|id| {
            let text = if id == "spec" {
                "The spec file: readable UTF-8 TOML, version and structure".to_owned()
            } else {
                format!("The spec field `{id}`: its type, value and the rules between it and other fields")
            };
            let mut rule = Map::new();
            rule.insert("id".into(), json!(id));
            rule.insert("shortDescription".into(), json!({"text": text}));
            Value::Object(rule)
        })
        .collect();
    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mwaagen",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    });
    pretty(&doc)
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_leave_out_array_indexes() {
        assert_eq!(rule_id("web_access[0].attach_to_roles[12]"), "web_access[].attach_to_roles[]");
        assert_eq!(rule_id("environment.name"), "environment.name");
        assert_eq!(rule_id(""), "spec");
    }

    #[test]
    fn uris_encode_what_a_uri_reference_cannot_hold() {
        assert_eq!(uri("specs/my env#1.toml"), "specs/my%20env%231.toml");
        assert_eq!(uri("/tmp/x.toml"), "file:///tmp/x.toml");
        assert_eq!(uri("./specs/é.toml"), "./specs/%C3%A9.toml");
    }
}
