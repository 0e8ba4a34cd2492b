//! Reviewable output (issue 16): a small spec change makes a small pull request. For every example
//! spec (the built-in default among them), three changes are made to the spec (one tag value, one Airflow
//! configuration option, `max_workers`), both versions are generated, and the two generations of
//! each target are compared with a line diff, file by file. Terraform and CDK must change at most
//! three lines for each, the same number on every spec however many resources it has (private
//! routing adds a dozen endpoints, the restricted ACL its entries), and at least one line (the
//! change is there). CloudFormation, which has no variables, repeats every tag on every resource;
//! its figure is printed, not bounded (`cargo test --test diff_size -- --nocapture` shows the table).

// Test code: a panic is a failed test, with its message.
#![allow(clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mwaagen::diagnostics::Source;
use mwaagen::ir::{Ir, Kind};
use mwaagen::render::{render, OutputFile, Target};
use similar::{ChangeTag, TextDiff};
use toml::{Table, Value};

/// The most lines a change of one of these spec values may change in Terraform or CDK.
const MAX_CHANGED_LINES: usize = 3;

/// Lines that a change touches, counted the way a side-by-side review shows them: a replaced line
/// counts once, a removed or added line once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Changed {
    lines: usize,
    removed: usize,
    added: usize,
}

fn changed_lines(old: &[OutputFile], new: &[OutputFile]) -> Changed {
    let mut total = Changed::default();
    let text = |files: &[OutputFile], path: &str| {
        files.iter().find(|f| f.path == path).map(|f| f.contents.clone()).unwrap_or_default()
    };
    let mut paths: Vec<&str> = old.iter().chain(new).map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let (a, b) = (text(old, path), text(new, path));
        let diff = TextDiff::from_lines(&a, &b);
        for hunk in diff.grouped_ops(0) {
            let (mut removed, mut added) = (0, 0);
            for op in &hunk {
                for change in diff.iter_changes(op) {
                    match change.tag() {
                        ChangeTag::Delete => removed += 1,
                        ChangeTag::Insert => added += 1,
                        ChangeTag::Equal => {}
                    }
                }
            }
            total.lines += removed.max(added);
            total.removed += removed;
            total.added += added;
        }
    }
    total
}

/// A change of a spec: (spec name, spec) -> (before, after).
/// `None` when the spec has no such change (mw1.micro runs exactly one worker).
type SpecChange = fn(&str, &Table) -> Option<(Table, Table)>;

fn compile(name: &str, spec: &Table) -> Ir {
    let text = toml::to_string(spec).unwrap_or_else(|e| panic!("{name}: {e}"));
    let source = Source::from_text(name, &text);
    mwaagen::compile(&source).unwrap_or_else(|d| panic!("{name} is invalid:\n{}\n{text}", d.render(&source)))
}

fn table<'a>(spec: &'a mut Table, path: &[&str]) -> &'a mut Table {
    let mut t = spec;
    for key in path {
        t = t
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Table(Table::new()))
            .as_table_mut()
            .unwrap_or_else(|| panic!("{key} is not a table"));
    }
    t
}

/// A spec before and after changing the value of one entry of the table at `path` (its first
/// entry; one is added first when the table is empty or missing).
fn change_entry(spec: &Table, path: &[&str], key: &str, values: [&str; 2]) -> (Table, Table) {
    let mut before = spec.clone();
    let t = table(&mut before, path);
    if t.is_empty() {
        t.insert(key.to_owned(), Value::String(values[0].to_owned()));
    }
    let mut after = before.clone();
    let t = table(&mut after, path);
    let (_, v) = t.iter_mut().next().unwrap_or_else(|| panic!("{path:?} is empty"));
    let new = if v.as_str() == Some(values[1]) { values[0] } else { values[1] };
    *v = Value::String(new.to_owned());
    (before, after)
}

/// The spec before and after `max_workers` moves by one (up, or down when it is at the limit);
/// `None` on mw1.micro, which runs exactly one worker (environment-class.html), so that no other
/// count is a valid spec.
fn change_max_workers(name: &str, spec: &Table) -> Option<(Table, Table)> {
    let ir = compile(name, spec);
    let Some(Kind::MwaaEnvironment(m)) =
        ir.resources.iter().map(|r| &r.kind).find(|k| matches!(k, Kind::MwaaEnvironment(_)))
    else {
        panic!("{name}: no MWAA environment");
    };
    if m.environment_class == "mw1.micro" {
        return None;
    }
    let to = if m.max_workers < 25 { m.max_workers + 1 } else { m.max_workers - 1 };
    let mut after = spec.clone();
    table(&mut after, &["environment"]).insert("max_workers".to_owned(), Value::Integer(to));
    Some((spec.clone(), after))
}

#[test]
fn a_small_spec_change_changes_a_few_lines_of_terraform_and_cdk() {
    // The built-in default spec is specs/default.toml (mwaagen::DEFAULT_SPEC), one of these.
    let specs: Vec<(String, Table)> = support::example_specs()
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (support::rel(p), text.parse::<Table>().unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        })
        .collect();

    let changes: [(&str, SpecChange); 3] = [
        ("one tag value", |_, s| Some(change_entry(s, &["tags"], "DiffProbe", ["one", "two"]))),
        ("one Airflow option", |_, s| {
            Some(change_entry(s, &["environment", "airflow_configuration_options"], "core.parallelism", ["32", "48"]))
        }),
        ("max_workers", change_max_workers),
    ];
    let targets = [Target::Cfn, Target::Terraform, Target::Cdk];
    // (change, target) -> spec -> changed lines
    let mut figures: BTreeMap<(&str, &str), BTreeMap<String, Changed>> = BTreeMap::new();
    let mut report = String::from("changed lines (−removed +added) per target, for one change of the spec\n");
    let _ = writeln!(
        report,
        "{:<30} {:<20} {:>10} {:>14} {:>14} {:>14}",
        "spec", "change", "resources", "cfn", "terraform", "cdk"
    );
    for (name, spec) in &specs {
        for (change, make) in &changes {
            let Some((before, after)) = make(name, spec) else {
                let _ = writeln!(report, "{name:<30} {change:<20} (no such change of this spec)");
                continue;
            };
            let (a, b) = (compile(name, &before), compile(name, &after));
            let mut row = format!("{name:<30} {change:<20} {:>10}", a.resources.len());
            for target in targets {
                let old = render(&a, target).unwrap_or_else(|e| panic!("{name}: {e}"));
                let new = render(&b, target).unwrap_or_else(|e| panic!("{name}: {e}"));
                let c = changed_lines(&old, &new);
                let _ = write!(row, " {:>14}", format!("{} (−{} +{})", c.lines, c.removed, c.added));
                figures.entry((change, target.name())).or_default().insert(name.clone(), c);
            }
            report.push_str(&row);
            report.push('\n');
        }
    }
    println!("{report}");

    for ((change, target), by_spec) in &figures {
        for (name, c) in by_spec {
            assert!(
                c.lines > 0,
                "{name}: changing {change} changed nothing in {target}: the test changed nothing\n{report}"
            );
        }
        if *target == "cfn" {
            continue;
        }
        for (name, c) in by_spec {
            assert!(
                c.lines <= MAX_CHANGED_LINES && c.removed <= MAX_CHANGED_LINES && c.added <= MAX_CHANGED_LINES,
                "{name}: changing {change} changed {} lines of {target} (−{} +{}), more than {MAX_CHANGED_LINES}\n{report}",
                c.lines,
                c.removed,
                c.added
            );
        }
        // Constant as resources grow: the same figure on every spec.
        assert!(
            by_spec.values().all(|c| c == by_spec.values().next().expect("a spec")),
            "changing {change} changes a different number of {target} lines from spec to spec\n{report}"
        );
    }
}
