//! A spec change to a pinned `*_object_version` reaches the environment in every target: the
//! version is the environment's property value itself, not the default of a parameter (which
//! `aws cloudformation deploy` and `cdk deploy` would keep at its previous value). Only an S3 path
//! the spec pins no version for has a parameter, for CI (docs/operations.md, section 5).

// Test code: output that cannot be read is a failed test with its message.
#![allow(clippy::panic)]

mod support;

use mwaagen::diagnostics::Source;
use mwaagen::render::{render, Target};

const SPEC: &str = "specs/production.toml";
const PINNED: &str = "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";

fn output(text: &str, target: Target) -> String {
    let source = Source::from_bytes(SPEC, text.as_bytes());
    let ir = mwaagen::compile(&source).unwrap_or_else(|d| panic!("{}", d.render(&source)));
    render(&ir, target).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|f| f.contents).collect::<Vec<_>>().join("\n")
}

#[test]
fn an_edited_pinned_version_is_the_new_value_in_every_target() {
    let before = std::fs::read_to_string(support::root().join(SPEC)).unwrap_or_else(|e| panic!("{e}"));
    assert!(before.contains(PINNED), "{SPEC} pins {PINNED}");
    let after = before.replace(PINNED, "edited-version-2");
    for (target, line, parameter) in [
        (Target::Cfn, "      PluginsS3ObjectVersion: edited-version-2", "\n  PluginsS3ObjectVersion:\n"),
        (
            Target::Terraform,
            "  plugins_s3_object_version        = \"edited-version-2\"",
            "variable \"plugins_s3_object_version\"",
        ),
        (
            Target::Cdk,
            "      pluginsS3ObjectVersion: 'edited-version-2',",
            "new cdk.CfnParameter(this, 'PluginsS3ObjectVersion'",
        ),
    ] {
        let (old, new) = (output(&before, target), output(&after, target));
        assert!(new.lines().any(|l| l == line), "{target:?}: no `{line}` in\n{new}");
        assert!(!new.contains(PINNED) && old.contains(PINNED), "{target:?}");
        // No parameter or variable carries a pinned version: nothing for a deploy to keep.
        assert!(!new.contains(parameter), "{target:?}: {parameter}");
        // The version the spec does not pin stays a parameter for CI.
        let ci = parameter.replace("Plugins", "StartupScript").replace("plugins", "startup_script");
        assert!(new.contains(&ci), "{target:?}: no {ci}");
    }
}

#[test]
fn diff_shows_the_edit_as_an_update_of_the_environment() {
    let before = std::fs::read_to_string(support::root().join(SPEC)).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let new = dir.path().join("production.toml");
    std::fs::write(&new, before.replace(PINNED, "edited-version-2")).unwrap_or_else(|e| panic!("{e}"));
    let o = support::mwaagen(&["diff", SPEC, &new.to_string_lossy()]);
    let report = support::stdout(&o);
    assert!(
        report.contains(&format!("  ~ MwaaEnvironment (AWS::MWAA::Environment) is updated in place\n      PluginsS3ObjectVersion: \"{PINNED}\" -> \"edited-version-2\"\n")),
        "{report}"
    );
    assert!(!report.contains("parameter PluginsS3ObjectVersion"), "{report}");
}
