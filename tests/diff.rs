//! `mwaagen diff`: each spec under tests/diff/ changes one thing of tests/diff/old.toml; the report
//! of each is snapshotted in both languages, and what it must say is checked: which resources are
//! replaced and why, what a stateful resource loses, and the exit status of `--fail-on-replace`.

// A report or spec that lacks what a test looks for fails the test with a panic.
#![allow(clippy::panic)]

mod support;

use support::{mwaagen, stdout};

use std::process::{Command, Output};

/// The change specs, each compared with tests/diff/old.toml.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(support::root().join("tests/diff"))
        .expect("tests/diff is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| n != "old")
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    names
}

fn diff(case: &str, extra: &[&str]) -> Output {
    let new = format!("tests/diff/{case}.toml");
    let mut args = vec!["diff", "tests/diff/old.toml", new.as_str()];
    args.extend(extra);
    mwaagen(&args)
}

/// The block of the report about one resource: its head line and the lines under it.
fn block(report: &str, head: &str) -> String {
    report
        .split("\n\n")
        .find(|b| b.lines().next().is_some_and(|l| l.contains(head)))
        .unwrap_or_else(|| panic!("no block for {head} in\n{report}"))
        .to_owned()
}

#[test]
fn reports_of_every_case_in_both_languages() {
    for case in cases() {
        for (language, args) in [("cfn", &[][..]), ("terraform", &["--target", "terraform"][..])] {
            let o = diff(&case, args);
            assert_eq!(o.status.code(), Some(0), "{case}: {}", String::from_utf8_lossy(&o.stderr));
            insta::with_settings!({ snapshot_path => "../snapshots/diff", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(format!("{case}-{language}"), stdout(&o));
            });
        }
    }
}

#[test]
fn the_environment_is_replaced_with_the_cause_named() {
    for (case, cause) in [
        ("rename", "Name: \"analytics\" -> \"analytics-v2\" (forces replacement)"),
        ("kms-key", "KmsKey: !GetAtt EnvironmentKey.Arn -> \"arn:aws:kms:eu-west-1:123456789012:key/"),
        (
            "subnets",
            "NetworkConfiguration.SubnetIds[0]: refers to PrivateSubnet1, which is replaced (forces replacement)",
        ),
    ] {
        let report = stdout(&diff(case, &[]));
        let env = block(&report, "MwaaEnvironment (AWS::MWAA::Environment)");
        assert!(env.starts_with("-/+ MwaaEnvironment (AWS::MWAA::Environment) is replaced"), "{case}:\n{env}");
        assert!(env.contains(cause), "{case}: the cause is not named:\n{env}");
        assert!(env.contains("! stateful: a new environment with a new, empty Airflow metadata database"), "{env}");
        let o = diff(case, &["--fail-on-replace"]);
        assert_eq!(o.status.code(), Some(3), "{case}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("MwaaEnvironment"), "{case}");
        // The same in Terraform's words.
        let tf = stdout(&diff(case, &["--target", "terraform"]));
        let env = block(&tf, "module.mwaa.aws_mwaa_environment.this");
        assert!(env.starts_with("-/+ module.mwaa.aws_mwaa_environment.this is replaced"), "{case}:\n{env}");
        assert!(env.contains("(forces replacement)") && !env.contains("NetworkConfiguration"), "{case}:\n{env}");
        let o = diff(case, &["--target", "terraform", "--fail-on-replace"]);
        assert_eq!(o.status.code(), Some(3), "{case}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("module.mwaa.aws_mwaa_environment.this"), "{case}");
    }
    // A subnet change is a replacement of the subnet first; the environment follows it.
    let report = stdout(&diff("subnets", &[]));
    assert!(block(&report, "PrivateSubnet1 (AWS::EC2::Subnet)")
        .contains("CidrBlock: \"10.40.16.0/20\" -> \"10.40.64.0/20\" (forces replacement)"));
}

#[test]
fn a_worker_count_is_an_update_in_place() {
    let o = diff("workers", &["--fail-on-replace"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report = stdout(&o);
    let env = block(&report, "MwaaEnvironment");
    assert!(
        env.starts_with("  ~ MwaaEnvironment (AWS::MWAA::Environment) is updated in place\n      MaxWorkers: 10 -> 15\n      MWAA applies this in place"),
        "{env}"
    );
    assert!(report.ends_with("0 to replace, 1 to update in place, 0 to add, 0 to remove.\n"), "{report}");
    let tf = stdout(&diff("workers", &["--target", "terraform"]));
    assert!(
        tf.contains("  ~ module.mwaa.aws_mwaa_environment.this is updated in place\n      max_workers: 10 -> 15\n"),
        "{tf}"
    );
}

#[test]
fn a_bucket_rename_replaces_the_bucket() {
    let o = diff("bucket-rename", &["--fail-on-replace"]);
    assert_eq!(o.status.code(), Some(3));
    let report = stdout(&o);
    let bucket = block(&report, "EnvironmentBucket (AWS::S3::Bucket)");
    assert!(bucket.starts_with("-/+ EnvironmentBucket (AWS::S3::Bucket) is replaced"), "{bucket}");
    assert!(
        bucket.contains("BucketName: \"analytics-airflow-dags\" -> \"analytics-airflow-dags-v2\" (forces replacement)")
    );
    assert!(bucket.contains("! stateful: a new, empty bucket"), "{bucket}");
    // The environment is not replaced: SourceBucketArn can change in place.
    let env = block(&report, "MwaaEnvironment");
    assert!(
        env.contains("is updated in place") && env.contains("SourceBucketArn: refers to EnvironmentBucket"),
        "{env}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 stateful resource would be replaced: EnvironmentBucket"));
}

#[test]
fn without_fail_on_replace_a_replacement_exits_0() {
    for case in cases() {
        assert_eq!(diff(&case, &[]).status.code(), Some(0), "{case}");
    }
}

#[test]
fn every_example_spec_compared_with_itself_has_no_change() {
    for spec in support::example_specs() {
        let rel = support::rel(&spec);
        for target in ["cfn", "terraform"] {
            let o = mwaagen(&["diff", &rel, &rel, "--target", target, "--fail-on-replace"]);
            assert_eq!(o.status.code(), Some(0), "{rel}");
            let text = stdout(&o);
            assert!(text.ends_with("\nNo changes: both specs deploy the same resources.\n"), "{rel}:\n{text}");
        }
    }
    // Two different specs are not reported as the same.
    let o = mwaagen(&["diff", "specs/default.toml", "tests/extends/dev.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("No changes"));
}

#[test]
fn output_is_the_same_on_every_run_and_has_no_colour_when_piped() {
    let a = stdout(&diff("rename", &[]));
    let b = stdout(&diff("rename", &[]));
    assert_eq!(a, b);
    let o = Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(["diff", "tests/diff/old.toml", "tests/diff/rename.toml"])
        .current_dir(support::root())
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    assert!(!o.stdout.contains(&0x1b), "colour codes on a pipe");
    assert_eq!(stdout(&o), a);
}

#[test]
fn an_invalid_spec_is_reported_and_nothing_is_compared() {
    let o = mwaagen(&["diff", "tests/diff/old.toml", "tests/invalid/range-max-workers-26.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("--> tests/invalid/range-max-workers-26.toml:"), "{stderr}");
    let o = mwaagen(&["diff", "tests/diff/old.toml", "tests/diff/no-such-spec.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read tests/diff/no-such-spec.toml"));
    let o = mwaagen(&["diff", "tests/diff/old.toml"]);
    assert_eq!(o.status.code(), Some(2), "a missing argument is bad usage");
}

/// The Airflow version changes of the MWAA user guide (upgrading-environment), each pair of
/// fixtures with its verdict: refused ones exit 3 with `--fail-on-replace` and warn without it.
#[test]
fn airflow_version_changes_follow_mwaa_upgrade_paths() {
    for (old, new, allowed, says) in [
        ("old", "airflow-3.0.6", false, "first airflow_version = \"2.11.0\" (a minor upgrade), then \"3.0.6\""),
        ("airflow-2.11.0", "airflow-3.0.6", true, "MWAA upgrades in place (a major upgrade from the latest 2.x)"),
        ("airflow-3.0.6", "airflow-2.11.0", true, "MWAA downgrades in place (a downgrade from 3.x to the latest 2.x)"),
        ("airflow-3.0.6", "old", false, "first airflow_version = \"2.11.0\", then \"2.10.3\""),
        ("old", "airflow-2.11.0", true, "MWAA upgrades in place (a minor version change)"),
    ] {
        let (o, n) = (format!("tests/diff/{old}.toml"), format!("tests/diff/{new}.toml"));
        let case = format!("{old}-to-{new}");
        for (language, args) in [("cfn", &[][..]), ("terraform", &["--target", "terraform"][..])] {
            let mut argv = vec!["diff", o.as_str(), n.as_str()];
            argv.extend(args);
            let plain = mwaagen(&argv);
            assert_eq!(plain.status.code(), Some(0), "{case}: without --fail-on-replace a refusal only warns");
            let report = stdout(&plain);
            let env = block(&report, if language == "cfn" { "MwaaEnvironment" } else { "aws_mwaa_environment" });
            assert!(env.contains(says), "{case} ({language}):\n{env}");
            assert_eq!(env.contains("! MWAA refuses"), !allowed, "{case} ({language}):\n{env}");
            let warned = support::stderr(&plain).contains("warning: MWAA refuses the Airflow version change");
            assert_eq!(warned, !allowed, "{case}: {}", support::stderr(&plain));
            argv.push("--fail-on-replace");
            let strict = mwaagen(&argv);
            assert_eq!(strict.status.code(), Some(if allowed { 0 } else { 3 }), "{case} ({language})");
            if !allowed {
                assert!(support::stderr(&strict).contains("error: --fail-on-replace: MWAA refuses"), "{case}");
                // A refused change is not applied, so no update duration is promised.
                assert!(!env.contains("MWAA applies this in place"), "{case}:\n{env}");
                // The refusal names the new-environment route for an upgrade from 2.10.3 or older.
                if old == "old" {
                    assert!(env.contains("create a new environment at 3.0.6"), "{case}:\n{env}");
                }
            }
            // From tests/diff/old.toml, reports_of_every_case_in_both_languages has the snapshot.
            if old != "old" {
                insta::with_settings!({ snapshot_path => "../snapshots/diff", prepend_module_to_snapshot => false, omit_expression => true }, {
                    insta::assert_snapshot!(format!("{case}-{language}"), report);
                });
            }
        }
    }
}

/// The new-environment route: a renamed environment at 3.0.6 is a new environment, to which MWAA's
/// in-place version rules do not apply (the replacement's loss is reported instead).
#[test]
fn a_new_environment_at_a_new_major_version_is_not_refused() {
    let o = diff("airflow-3.0.6-renamed", &[]);
    let report = stdout(&o);
    let env = block(&report, "MwaaEnvironment (AWS::MWAA::Environment)");
    assert!(env.starts_with("-/+ MwaaEnvironment (AWS::MWAA::Environment) is replaced"), "{env}");
    assert!(!env.contains("MWAA refuses") && !env.contains("MWAA upgrades"), "{env}");
    assert!(!support::stderr(&o).contains("MWAA refuses"), "{}", support::stderr(&o));
}

/// A KMS key change replaces the environment, which keeps its name: CloudFormation cannot do
/// that (the update fails and rolls back; the report says what to do instead), Terraform does it
/// by destroy-then-create (an outage, and the metadata database is lost).
#[test]
fn a_replacement_that_keeps_a_custom_name_fails_under_cloudformation_and_is_destroy_then_create_in_terraform() {
    let o = diff("kms-key", &[]);
    let env = block(&stdout(&o), "MwaaEnvironment (AWS::MWAA::Environment)");
    assert!(
        env.contains("! CloudFormation cannot replace a resource with a custom name: it would create the new one as \"analytics\""),
        "{env}"
    );
    assert!(
        env.contains("the update fails and the stack rolls back") && env.contains("Instead: change environment.name")
    );
    assert!(support::stderr(&o)
        .contains("warning: CloudFormation cannot replace MwaaEnvironment (custom name \"analytics\")"));
    let strict = diff("kms-key", &["--fail-on-replace"]);
    assert!(
        support::stderr(&strict).contains("error: --fail-on-replace: CloudFormation cannot replace MwaaEnvironment")
    );
    // A rename is a replacement that works: the new name is free.
    let rename = block(&stdout(&diff("rename", &[])), "MwaaEnvironment (AWS::MWAA::Environment)");
    assert!(!rename.contains("custom name"), "{rename}");
    // Terraform.
    let tf = block(&stdout(&diff("kms-key", &["--target", "terraform"])), "module.mwaa.aws_mwaa_environment.this");
    assert!(tf.contains("! Terraform replaces it by destroy-then-create, the old one destroyed before the new one is created: no environment runs"), "{tf}");
    assert!(tf.contains("! stateful: a new environment with a new, empty Airflow metadata database"), "{tf}");
    assert!(!tf.contains("CloudFormation"), "{tf}");
}

/// An in-place update of the environment says how long MWAA takes and, with
/// `worker_replacement_strategy`, what becomes of running tasks.
#[test]
fn an_environment_update_says_how_long_and_what_happens_to_running_tasks() {
    let env = block(&stdout(&diff("workers", &[])), "MwaaEnvironment");
    assert!(env.contains("MWAA applies this in place: the environment is UPDATING for roughly 20-30 minutes"), "{env}");
    assert!(env.contains("worker_replacement_strategy is not set"), "{env}");
    let graceful = block(&stdout(&diff("graceful", &[])), "MwaaEnvironment");
    assert!(
        graceful
            .contains("with worker_replacement_strategy = \"GRACEFUL\", running tasks finish first (up to 12 hours)"),
        "{graceful}"
    );
    let tf = block(&stdout(&diff("graceful", &["--target", "terraform"])), "aws_mwaa_environment");
    assert!(tf.contains("is not passed by Terraform"), "{tf}");
    // A constraint that admits only 6.12.0 and later: the Terraform passes the strategy.
    let tf = block(&stdout(&diff("graceful-6x", &["--target", "terraform"])), "aws_mwaa_environment");
    assert!(!tf.contains("is not passed by Terraform"), "{tf}");
    assert!(
        tf.contains("with worker_replacement_strategy = \"GRACEFUL\", running tasks finish first (up to 12 hours)"),
        "{tf}"
    );
}
