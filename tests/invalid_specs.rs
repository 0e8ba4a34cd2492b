//! Invalid specs: every file under `tests/invalid/` must be rejected with a clear error that names
//! the field, the place and what would be valid, and nothing may be written. Adding a case is
//! adding a fixture.
//!
//! Each fixture starts with `# expect: FIELD` (the field the first error names; `<file>` for
//! file-level errors such as TOML syntax errors), then a comment saying which rule it breaks,
//! then optionally `# errors: N` (how many errors must be reported). Only `file-empty.toml`
//! cannot carry a header; its expectation is in [`HEADERLESS`].
// The fixture helpers below are test code too: a malformed fixture fails the test with a panic.
#![allow(clippy::panic)]

mod support;

use support::mwaagen;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use mwaagen::diagnostics::Source;

/// No line of an error report may be longer than this (in characters).
const MAX_LINE: usize = 200;

/// Fixtures that cannot start with a comment, and the field their first error must name.
const HEADERLESS: &[(&str, &str)] = &[("file-empty", "environment")];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// The first error names this field: `error: FIELD: ...`.
    Field(String),
    /// The first error is about the file as a whole and names no field.
    File,
}

#[derive(Debug)]
struct Fixture {
    /// File stem, e.g. `version-2`.
    name: String,
    /// Path relative to the project root, as the CLI is given it: `tests/invalid/version-2.toml`.
    rel: String,
    bytes: Vec<u8>,
    expect: Expect,
    /// `# errors: N`, when given.
    errors: Option<usize>,
}

fn fixtures() -> Vec<Fixture> {
    let dir = support::root().join("tests/invalid");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/invalid/ is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 50, "expected at least 50 invalid fixtures, found {}", paths.len());
    paths.iter().map(|p| fixture(p)).collect()
}

fn fixture(path: &Path) -> Fixture {
    let name = path.file_stem().expect("file name").to_string_lossy().into_owned();
    let bytes = std::fs::read(path).expect("fixture is readable");
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next().unwrap_or("");
    let expect = match first.strip_prefix("# expect: ") {
        Some("<file>") => Expect::File,
        Some(field) if !field.trim().is_empty() => Expect::Field(field.trim().to_owned()),
        _ => match HEADERLESS.iter().find(|(n, _)| *n == name) {
            Some((_, field)) => Expect::Field((*field).to_owned()),
            None => panic!("{}: the first line must be `# expect: FIELD` or `# expect: <file>`", path.display()),
        },
    };
    let headerless = HEADERLESS.iter().any(|(n, _)| *n == name);
    if !headerless {
        let rule = lines.next().unwrap_or("");
        assert!(
            rule.starts_with("# ") && rule.len() > 15,
            "{}: the second line must say in words which rule the fixture breaks, found {rule:?}",
            path.display()
        );
    }
    let errors = lines
        .next()
        .and_then(|l| l.strip_prefix("# errors: "))
        .map(|n| n.trim().parse().unwrap_or_else(|_| panic!("{}: `# errors: N` needs a number", path.display())));
    Fixture { rel: format!("tests/invalid/{name}.toml"), name, bytes, expect, errors }
}

/// Every `--> FILE:LINE:COL` position in `stderr` that points into `rel`.
fn positions(stderr: &str, rel: &str) -> Vec<(usize, usize)> {
    let marker = format!("{rel}:");
    let mut out = Vec::new();
    for line in stderr.lines() {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else { continue };
        let Some(pos) = rest.strip_prefix(&marker) else { continue };
        let parsed = pos.split_once(':').and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)));
        if let Some(p) = parsed {
            out.push(p);
        }
    }
    out
}

/// The blocks of a report: one per diagnostic (`error: ...` up to the blank line), then the summary.
fn blocks(stderr: &str) -> Vec<&str> {
    stderr.split("\n\n").map(str::trim).filter(|b| !b.is_empty()).collect()
}

/// Whether an `error:` line names a field (`error: network.vpc_cidr: ...`) rather than the file.
fn names_a_field(error_line: &str) -> bool {
    let rest = error_line.strip_prefix("error: ").unwrap_or("");
    rest.split_once(": ").is_some_and(|(field, _)| !field.is_empty() && !field.contains(' '))
}

/// Everything the CLI must do with one invalid fixture; returns the problems found.
fn check_cli(f: &Fixture) -> (Vec<String>, String) {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out_path = out_dir.path().to_string_lossy().into_owned();
    let out = mwaagen(&[&f.rel, "--target", "cfn", "--out", &out_path]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut problems = Vec::new();
    let mut fail = |m: String| problems.push(format!("{}: {m}", f.name));

    match out.status.code() {
        Some(1) => {}
        Some(101) => fail(format!("panicked (exit 101):\n{stderr}")),
        other => fail(format!("exit status {other:?}, expected 1")),
    }
    if !out.stdout.is_empty() {
        fail(format!("wrote to stdout: {}", String::from_utf8_lossy(&out.stdout)));
    }
    let written: Vec<_> = std::fs::read_dir(out_dir.path()).expect("out dir").collect();
    if !written.is_empty() {
        fail(format!("wrote {} entries into --out", written.len()));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        fail(format!("stderr shows a panic:\n{stderr}"));
    }

    let lines_in_file = String::from_utf8_lossy(&f.bytes).split('\n').count();
    let pos = positions(&stderr, &f.rel);
    if pos.is_empty() {
        fail(format!("stderr has no `{}:LINE:COL`:\n{stderr}", f.rel));
    }
    for (line, col) in &pos {
        if *line == 0 || *col == 0 || *line > lines_in_file {
            fail(format!("position {line}:{col} is outside the file ({lines_in_file} lines)"));
        }
    }

    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    let summary = errors.last().copied().unwrap_or("");
    let diag_lines = &errors[..errors.len().saturating_sub(1)];
    match &f.expect {
        Expect::Field(field) => {
            if !stderr.contains(&format!("error: {field}: ")) {
                fail(format!("no `error: {field}:` in stderr:\n{stderr}"));
            } else if !diag_lines.first().is_some_and(|l| l.starts_with(&format!("error: {field}: "))) {
                fail(format!("the first error is not about {field}:\n{stderr}"));
            }
        }
        Expect::File => {
            if !diag_lines.first().is_some_and(|l| !names_a_field(l)) {
                fail(format!("the first error should be a file-level error without a field:\n{stderr}"));
            }
        }
    }
    let n = diag_lines.len();
    let want_summary = format!("error: {} has {n} error{}; nothing was written", f.rel, if n == 1 { "" } else { "s" });
    if summary != want_summary {
        fail(format!("last line should be `{want_summary}`, found `{summary}`"));
    }
    if n != pos.len() {
        fail(format!("{n} errors but {} positions", pos.len()));
    }
    if let Some(want) = f.errors {
        if n != want {
            fail(format!("{n} errors reported, the fixture says {want}:\n{stderr}"));
        }
    }
    for block in blocks(&stderr) {
        let head = block.lines().next().unwrap_or("");
        if head == summary {
            continue;
        }
        // What would be valid: a help line, or the message itself says what was expected.
        if !block.contains("= help: ") && !head.contains("expected") {
            fail(format!("error without a hint of what would be valid:\n{block}"));
        }
        if !block.contains(" | ") || !block.contains('^') {
            fail(format!("error without the source line and a caret:\n{block}"));
        }
    }
    for line in stderr.lines() {
        if line.chars().count() > MAX_LINE {
            fail(format!("stderr line of {} characters (max {MAX_LINE}): {line}", line.chars().count()));
        }
    }
    (problems, stderr)
}

#[test]
fn the_cli_rejects_every_invalid_fixture_and_writes_nothing() {
    let mut problems = Vec::new();
    for f in fixtures() {
        problems.extend(check_cli(&f).0);
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n\n"));
}

#[test]
fn stderr_of_every_invalid_fixture() {
    for f in fixtures() {
        let (_, stderr) = check_cli(&f);
        insta::with_settings!({ snapshot_path => "../snapshots/invalid", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(f.name.clone(), stderr);
        });
    }
}

#[test]
fn the_library_rejects_every_invalid_fixture_without_panicking() {
    let mut problems = Vec::new();
    for f in fixtures() {
        let source = Source::from_bytes(f.rel.clone(), &f.bytes);
        let result = catch_unwind(AssertUnwindSafe(|| mwaagen::compile(&source).map(|_| ())));
        let diags = match result {
            Err(_) => {
                problems.push(format!("{}: compile panicked", f.name));
                continue;
            }
            Ok(Ok(())) => {
                problems.push(format!("{}: compile accepted an invalid spec", f.name));
                continue;
            }
            Ok(Err(d)) => d,
        };
        let Some(first) = diags.0.first() else {
            problems.push(format!("{}: Err with no diagnostics", f.name));
            continue;
        };
        let want = match &f.expect {
            Expect::Field(field) => field.as_str(),
            Expect::File => "",
        };
        if first.field != want {
            problems.push(format!("{}: first diagnostic is for `{}`, expected `{want}`", f.name, first.field));
        }
        if let Some(n) = f.errors {
            if diags.0.len() != n {
                problems.push(format!("{}: {} diagnostics, the fixture says {n}", f.name, diags.0.len()));
            }
        }
        for d in &diags.0 {
            if d.span.as_ref().is_some_and(|s| s.start > s.end || s.end > source.text.len()) {
                problems.push(format!("{}: span {:?} of `{}` is outside the text", f.name, d.span, d.field));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn validate_reports_every_invalid_spec_on_stderr() {
    let specs = ["tests/invalid/version-2.toml", "tests/invalid/file-syntax-error.toml", "tests/invalid/tags-51.toml"];
    let mut args = vec!["validate"];
    args.extend(specs);
    let out = mwaagen(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    for spec in specs {
        assert!(stderr.contains(&format!("error: {spec} has 1 error\n")), "{spec} not reported:\n{stderr}");
        assert!(!positions(&stderr, spec).is_empty(), "no position in {spec}:\n{stderr}");
    }
    assert!(stderr.contains("error: version: unsupported spec version 2"), "{stderr}");
    assert!(stderr.contains("error: tags: has 51 tags"), "{stderr}");
    assert!(stderr.ends_with("error: 3 of 3 specs are invalid\n"), "{stderr}");
    // `validate` writes nothing, so it does not say so.
    assert!(!stderr.contains("nothing was written"), "{stderr}");
}

#[test]
fn validate_fails_only_the_invalid_spec_of_a_mix() {
    for args in [
        ["validate", "specs/production.toml", "tests/invalid/kms-typo.toml"],
        ["validate", "tests/invalid/kms-typo.toml", "specs/production.toml"],
    ] {
        let out = mwaagen(&args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stdout, "ok: specs/production.toml (environment analytics-prod)\n");
        // production.toml has warnings (it pins object versions in a bucket it creates); no error names it.
        let mut header = "";
        let mut errors_about_it = 0;
        for line in stderr.lines() {
            if line.starts_with("error: ") || line.starts_with("warning: ") {
                header = line;
            }
            if line.contains("production.toml") && !header.starts_with("warning: ") {
                errors_about_it += 1;
            }
        }
        assert_eq!(errors_about_it, 0, "the valid spec is reported as failing:\n{stderr}");
        assert!(stderr.contains("error: kms.key: \"aws-owned\" is not a valid KMS key setting"), "{stderr}");
        assert!(stderr.contains("tests/invalid/kms-typo.toml:9:7"), "{stderr}");
        assert!(stderr.ends_with("error: 1 of 2 specs are invalid\n"), "{stderr}");
    }
}

#[test]
fn validate_of_a_missing_file_is_an_error_not_a_panic() {
    let out = mwaagen(&["validate", "tests/invalid/does-not-exist.toml", "specs/micro.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot read tests/invalid/does-not-exist.toml"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: specs/micro.toml"));
}

/// splitmix64: a tiny deterministic generator, so that the mutated inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

/// Bytes that are likely to break TOML, spans or UTF-8 handling in interesting ways.
const NASTY: &[&[u8]] = &[
    b"\"",
    b"'",
    b"[",
    b"]",
    b"[[",
    b"=",
    b"\n",
    b"\r\n",
    b"#",
    b".",
    b",",
    b"{",
    b"}",
    b"\\",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",
    "é".as_bytes(),
    "🚀".as_bytes(),
    b"\"\"\"",
    b"-1",
    b"99999999999999999999",
    b"1e400",
];

/// Variants of `spec`: every 7th-byte truncation, then `random` edits (flips, inserts, deletes, swaps).
fn variants(spec: &[u8], rng: &mut Rng, random: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..spec.len()).step_by(7).map(|n| spec[..n].to_vec()).collect();
    for _ in 0..random {
        let mut v = spec.to_vec();
        for _ in 0..=rng.below(3) {
            let at = rng.below(v.len());
            match rng.below(4) {
                0 => v[at] ^= 1 << rng.below(8),
                1 => {
                    let ins = NASTY[rng.below(NASTY.len())];
                    v.splice(at..at, ins.iter().copied());
                }
                2 => {
                    let end = (at + 1 + rng.below(16)).min(v.len());
                    v.drain(at..end);
                }
                _ => {
                    let other = rng.below(v.len());
                    v.swap(at, other);
                }
            }
            if v.is_empty() {
                break;
            }
        }
        out.push(v);
    }
    out
}

#[test]
fn mangled_example_specs_never_panic() {
    let mut rng = Rng(0x6d77_6161_6765_6e21);
    let mut total = 0;
    let mut rejected = 0;
    let mut panics = Vec::new();
    for path in support::example_specs() {
        let spec = std::fs::read(&path).expect("spec is readable");
        for (i, bytes) in variants(&spec, &mut rng, 150).into_iter().enumerate() {
            total += 1;
            let source = Source::from_bytes(format!("{}#{i}", support::rel(&path)), &bytes);
            let outcome = catch_unwind(AssertUnwindSafe(|| match mwaagen::compile(&source) {
                Ok(_) => false,
                // Rendering is part of handling bad input: it must not panic either.
                Err(d) => !d.render(&source).is_empty(),
            }));
            match outcome {
                Ok(was_rejected) => rejected += usize::from(was_rejected),
                Err(_) => panics.push(format!("{}#{i}: {:?}", support::rel(&path), String::from_utf8_lossy(&bytes))),
            }
        }
    }
    assert!(total >= 500, "only {total} variants");
    // Most variants are broken; if hardly any is rejected, the mutations are not reaching the parser.
    assert!(rejected * 2 > total, "only {rejected} of {total} variants were rejected");
    assert!(panics.is_empty(), "{} of {total} variants panicked:\n{}", panics.len(), panics.join("\n"));
}
