//! No stale snapshots: every snapshot file belongs to a case that still exists, so a removed
//! spec or fixture cannot leave an unreviewed snapshot behind.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

fn stems(dir: &Path, ext: &str) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return BTreeSet::new() };
    entries
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_stem().expect("name").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_snapshot_has_a_case() {
    let root = support::root();
    let specs = stems(&root.join("specs"), "toml");
    for target in ["cfn", "terraform", "cdk"] {
        let snaps = stems(&root.join("snapshots").join(target), "snap");
        let orphans: Vec<_> = snaps.difference(&specs).collect();
        assert!(orphans.is_empty(), "snapshots/{target} has snapshots of no spec: {orphans:?}");
    }
    let fixtures = stems(&root.join("tests/invalid"), "toml");
    let snaps = stems(&root.join("snapshots/invalid"), "snap");
    let orphans: Vec<_> = snaps.difference(&fixtures).collect();
    assert!(orphans.is_empty(), "snapshots/invalid has snapshots of no fixture: {orphans:?}");
    let mut extends = stems(&root.join("tests/extends"), "toml");
    extends.extend(stems(&root.join("tests/extends/errors"), "toml").into_iter().map(|s| format!("errors-{s}")));
    extends.extend(stems(&root.join("tests/extends/unset"), "toml").into_iter().map(|s| format!("unset-{s}")));
    let snaps = stems(&root.join("snapshots/extends"), "snap");
    let orphans: Vec<_> = snaps.difference(&extends).collect();
    assert!(orphans.is_empty(), "snapshots/extends has snapshots of no spec: {orphans:?}");
    let mut diff_cases = BTreeSet::new();
    let diff_specs = stems(&root.join("tests/diff"), "toml");
    for case in &diff_specs {
        diff_cases.insert(format!("{case}-cfn"));
        diff_cases.insert(format!("{case}-terraform"));
        // A comparison of two fixtures (tests/diff.rs, upgrade paths): `A-to-B`.
        for other in &diff_specs {
            diff_cases.insert(format!("{case}-to-{other}-cfn"));
            diff_cases.insert(format!("{case}-to-{other}-terraform"));
        }
    }
    let snaps = stems(&root.join("snapshots/diff"), "snap");
    let orphans: Vec<_> = snaps.difference(&diff_cases).collect();
    assert!(orphans.is_empty(), "snapshots/diff has snapshots of no case: {orphans:?}");
    let warned = stems(&root.join("tests/warnings"), "toml");
    let snaps = stems(&root.join("snapshots/warnings"), "snap");
    let orphans: Vec<_> = snaps.difference(&warned).collect();
    assert!(orphans.is_empty(), "snapshots/warnings has snapshots of no fixture: {orphans:?}");
    let leftovers: Vec<String> =
        ["cfn", "terraform", "cdk", "invalid", "cli", "extends", "diff", "warnings", "formats"]
            .iter()
            .flat_map(|d| stems(&root.join("snapshots").join(d), "new"))
            .collect();
    assert!(leftovers.is_empty(), "unreviewed .snap.new files: {leftovers:?}");
}
