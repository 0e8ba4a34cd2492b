//! Warnings: specs under `tests/warnings/` are legal but will likely fail or surprise at deploy
//! time. Each must compile with its warning, print it on every command (`validate`, generation,
//! `--check`) without changing the exit status, and with `--deny-warnings` exit 1 and write
//! nothing. Each fixture starts with `# expect-warning: FIELD` (the field of its first warning)
//! and a line saying which case it is.
#![allow(clippy::panic)]

mod support;

use support::{mwaagen, stderr};

use std::path::PathBuf;

use mwaagen::diagnostics::Source;

struct Fixture {
    name: String,
    rel: String,
    field: String,
}

fn fixtures() -> Vec<Fixture> {
    let dir = support::root().join("tests/warnings");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/warnings/ is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "expected a fixture per warning, found {}", paths.len());
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("readable");
            let field = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect-warning: "))
                .unwrap_or_else(|| panic!("{}: the first line must be `# expect-warning: FIELD`", p.display()))
                .trim()
                .to_owned();
            let name = p.file_stem().expect("name").to_string_lossy().into_owned();
            Fixture { rel: format!("tests/warnings/{name}.toml"), name, field }
        })
        .collect()
}

fn entries(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(Iterator::count).unwrap_or(0)
}

#[test]
fn each_fixture_compiles_with_its_warning() {
    for f in fixtures() {
        let source = Source::from_bytes(f.rel.clone(), &std::fs::read(support::root().join(&f.rel)).expect("readable"));
        let compiled = match mwaagen::compile_with_warnings(&source) {
            Ok(c) => c,
            Err(d) => panic!("{}: a warning fixture must be valid:\n{}", f.name, d.render(&source)),
        };
        let first = compiled.warnings.0.first().unwrap_or_else(|| panic!("{}: no warning", f.name));
        assert_eq!(first.field, f.field, "{}: first warning", f.name);
        assert!(first.span.is_some() && first.help.is_some(), "{}: a warning has a place and a hint", f.name);
        // The same spec through `compile` is simply valid.
        assert!(mwaagen::compile(&source).is_ok(), "{}", f.name);
    }
}

#[test]
fn validate_prints_each_warning_and_succeeds() {
    for f in fixtures() {
        let o = mwaagen(&["validate", &f.rel]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{}: {err}", f.name);
        assert!(String::from_utf8_lossy(&o.stdout).starts_with(&format!("ok: {}", f.rel)), "{}", f.name);
        assert!(err.starts_with(&format!("warning: {}: ", f.field)), "{}: {err}", f.name);
        assert!(err.contains(&format!("--> {}:", f.rel)), "{}: no file:line:col\n{err}", f.name);
        assert!(err.contains("= help: "), "{}: {err}", f.name);
        assert!(!err.contains("error:"), "{}: {err}", f.name);
        assert!(err.lines().last().is_some_and(|l| l.starts_with(&format!("warning: {} has ", f.rel))), "{err}");
        insta::with_settings!({ snapshot_path => "../snapshots/warnings", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(f.name.clone(), err);
        });
    }
}

#[test]
fn a_warning_never_stops_generation_or_check() {
    for f in fixtures() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_string_lossy().into_owned();
        let printed = mwaagen(&[&f.rel, "--target", "cfn"]);
        assert_eq!(printed.status.code(), Some(0), "{}: {}", f.name, stderr(&printed));
        assert!(String::from_utf8_lossy(&printed.stdout).contains("AWS::MWAA::Environment"), "{}", f.name);
        assert!(stderr(&printed).starts_with(&format!("warning: {}: ", f.field)), "{}", f.name);
        let written = mwaagen(&[&f.rel, "--target", "cfn", "--out", &dir]);
        assert_eq!(written.status.code(), Some(0), "{}: {}", f.name, stderr(&written));
        assert!(tmp.path().join("template.yaml").is_file(), "{}", f.name);
        assert!(stderr(&written).contains(&format!("warning: {}: ", f.field)), "{}", f.name);
        let check = mwaagen(&[&f.rel, "--target", "cfn", "--out", &dir, "--check"]);
        assert_eq!(check.status.code(), Some(0), "{}: {}", f.name, stderr(&check));
        assert!(stderr(&check).contains(&format!("warning: {}: ", f.field)), "{}", f.name);
    }
}

#[test]
fn deny_warnings_exits_1_and_writes_nothing() {
    for f in fixtures() {
        let v = mwaagen(&["validate", "--deny-warnings", &f.rel]);
        let err = stderr(&v);
        assert_eq!(v.status.code(), Some(1), "{}: {err}", f.name);
        assert!(v.stdout.is_empty(), "{}", f.name);
        assert!(err.starts_with(&format!("error: {}: ", f.field)), "{}: {err}", f.name);
        assert!(err.contains("--deny-warnings)"), "{}: {err}", f.name);
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_string_lossy().into_owned();
        let g = mwaagen(&[&f.rel, "--target", "all", "--out", &dir, "--deny-warnings"]);
        assert_eq!(g.status.code(), Some(1), "{}: {}", f.name, stderr(&g));
        assert!(g.stdout.is_empty(), "{}", f.name);
        assert_eq!(entries(tmp.path()), 0, "{}: --deny-warnings wrote files", f.name);
        assert!(stderr(&g).contains("nothing was written"), "{}", f.name);
        let printed = mwaagen(&[&f.rel, "--target", "cfn", "--deny-warnings"]);
        assert_eq!(printed.status.code(), Some(1), "{}", f.name);
        assert!(printed.stdout.is_empty(), "{}", f.name);
    }
}

#[test]
fn deny_warnings_passes_specs_without_warnings() {
    let o = mwaagen(&[
        "validate",
        "--deny-warnings",
        "specs/default.toml",
        "specs/private.toml",
        "tests/valid/name-80-chars.toml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_string_lossy().into_owned();
    let g = mwaagen(&["--target", "cfn", "--out", &dir, "--deny-warnings"]);
    assert_eq!(g.status.code(), Some(0), "{}", stderr(&g));
    assert!(tmp.path().join("template.yaml").is_file());
}

#[test]
fn one_warned_spec_among_several_denies_the_whole_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_string_lossy().into_owned();
    let args = ["specs/default.toml", "tests/warnings/path-in-created-bucket.toml", "--target", "cfn", "--out", &dir];
    let with = mwaagen(&[&args[..], &["--deny-warnings"]].concat());
    assert_eq!(with.status.code(), Some(1), "{}", stderr(&with));
    assert_eq!(entries(tmp.path()), 0);
    assert!(!stderr(&with).contains("specs/default.toml"), "the clean spec is not reported:\n{}", stderr(&with));
    let without = mwaagen(&args);
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    assert_eq!(entries(tmp.path()), 2, "one folder per environment");
}

#[test]
fn diff_prints_the_warnings_of_both_specs() {
    let warned = "tests/warnings/requirements-private-routing.toml";
    let o = mwaagen(&["diff", "specs/default.toml", warned]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("--> {warned}:")), "{err}");
    assert!(err.contains("warning: environment.requirements_s3_path"), "{err}");
}

/// A warning about a value that a base spec sets points into the base, where it is written.
#[test]
fn a_warning_from_a_base_spec_points_into_the_base() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = "version = 1\n\n[environment]\nname = \"base\"\n\n[network]\nrouting = \"private\"\n";
    let child = "version = 1\nextends = \"base.toml\"\n\n[environment]\nname = \"child\"\nrequirements_s3_path = \"requirements.txt\"\n";
    std::fs::write(dir.path().join("base.toml"), base).expect("base");
    std::fs::write(dir.path().join("child.toml"), child).expect("child");
    let path = dir.path().join("child.toml");
    let source = Source::from_bytes(path.to_string_lossy(), child.as_bytes());
    let compiled = mwaagen::compile_with_warnings(&source).unwrap_or_else(|d| panic!("{}", d.render(&source)));
    let rendered = compiled.warnings.render_warnings(&source);
    // The private-routing warning names the base file and line 7, where routing is written.
    assert!(rendered.contains("base.toml:7:11"), "{rendered}");
}
