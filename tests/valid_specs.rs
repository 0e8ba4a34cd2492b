//! Boundary fixtures: every spec under `tests/valid/` holds values that AWS accepts at the edge of
//! a rule (an 80-character environment name, a 64-character option key, a 256-character tag value,
//! Unicode letters in tags, ...). Each must compile with no error, and `mwaagen validate` must
//! accept it; warnings are allowed (some limits are legal but worth one). The same files must
//! satisfy `mwaagen schema` (scripts/check-schema.sh). Each starts with `# accepts: WHAT`.
#![allow(clippy::panic)]

mod support;

use std::path::PathBuf;
use std::process::Command;

use mwaagen::diagnostics::Source;

fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(support::root().join("tests/valid"))
        .expect("tests/valid/ is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "expected the boundary fixtures, found {}", paths.len());
    paths
}

#[test]
fn every_boundary_fixture_compiles() {
    let mut problems = Vec::new();
    for path in fixtures() {
        let rel = support::rel(&path);
        let bytes = std::fs::read(&path).expect("readable");
        assert!(
            String::from_utf8_lossy(&bytes).starts_with("# accepts: "),
            "{rel}: the first line must say what boundary it accepts"
        );
        let source = Source::from_bytes(rel.clone(), &bytes);
        if let Err(d) = mwaagen::compile(&source) {
            problems.push(d.render(&source));
        }
    }
    assert!(problems.is_empty(), "AWS accepts these, mwaagen refuses them:\n{}", problems.join("\n"));
}

#[test]
fn validate_accepts_every_boundary_fixture() {
    let rels: Vec<String> = fixtures().iter().map(|p| support::rel(p)).collect();
    let mut args = vec!["validate".to_owned()];
    args.extend(rels.iter().cloned());
    let o = Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(&args)
        .current_dir(support::root())
        .output()
        .expect("mwaagen runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), rels.len());
}

#[test]
fn boundary_values_reach_the_output_unchanged() {
    // The longest values are not truncated on the way to the IR.
    let ir = support::compile_file(&support::root().join("tests/valid/name-80-chars.toml"));
    assert_eq!(ir.environment_name.chars().count(), 80);
    let json = serde_json::to_string(&support::compile_file(&support::root().join("tests/valid/tags-boundaries.toml")))
        .unwrap_or_default();
    assert!(json.contains(&"v".repeat(256)) && json.contains(&"k".repeat(128)));
    let json =
        serde_json::to_string(&support::compile_file(&support::root().join("tests/valid/tags-unicode-letters.toml")))
            .unwrap_or_default();
    assert!(json.contains("データ基盤") && json.contains("Ⅻ"));
}
