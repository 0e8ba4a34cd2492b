//! `extends`: a base spec and two specs that override it (tests/extends/), each checked against the
//! same spec written out in full (tests/extends/flat/), snapshotted, and errors in a chain of
//! files reported in the file where the value is written.

// A report or spec that lacks what a test looks for fails the test with a panic.
#![allow(clippy::panic)]

mod support;

use support::mwaagen;

use std::path::Path;
use std::process::Command;

use mwaagen::render::{render, Target};

/// The specs that extend tests/extends/base.toml.
const OVERRIDING: &[&str] = &["dev", "prod"];

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots/extends", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name.to_owned(), text);
    });
}

#[test]
fn an_overriding_spec_is_its_base_with_its_own_keys_on_top() {
    for name in OVERRIDING {
        let root = support::root();
        let mut merged = support::compile_file(&root.join(format!("tests/extends/{name}.toml")));
        let flat = support::compile_file(&root.join(format!("tests/extends/flat/{name}.toml")));
        assert_eq!(merged.source_name, format!("tests/extends/{name}.toml"), "headers name the spec, not its base");
        merged.source_name.clone_from(&flat.source_name);
        assert_eq!(merged, flat, "tests/extends/{name}.toml and its written-out twin differ");
    }
}

#[test]
fn the_two_overriding_specs_differ_where_they_say() {
    let root = support::root();
    let dev = support::compile_file(&root.join("tests/extends/dev.toml"));
    let prod = support::compile_file(&root.join("tests/extends/prod.toml"));
    let settings = |ir: &mwaagen::ir::Ir| match ir.get("MwaaEnvironment").map(|r| &r.kind) {
        Some(mwaagen::ir::Kind::MwaaEnvironment(m)) => (**m).clone(),
        other => panic!("no environment: {other:?}"),
    };
    let (d, p) = (settings(&dev), settings(&prod));
    // Inherited by both.
    assert_eq!(d.weekly_maintenance_window_start.as_deref(), Some("SUN:03:30"));
    assert_eq!(p.weekly_maintenance_window_start, d.weekly_maintenance_window_start);
    assert_eq!(d.airflow_configuration_options["core.default_task_retries"], "3");
    assert_eq!(p.airflow_configuration_options["core.default_task_retries"], "3");
    // Overridden key by key inside a table.
    assert_eq!(d.airflow_configuration_options["core.parallelism"], "8");
    assert_eq!(p.airflow_configuration_options["core.parallelism"], "32");
    assert_eq!((d.environment_class.as_str(), d.max_workers), ("mw1.small", 2));
    assert_eq!((p.environment_class.as_str(), p.max_workers), ("mw1.large", 20));
    // [[web_access]] replaces: prod has no Viewer grant of the base.
    let grants = |ir: &mwaagen::ir::Ir| ir.resources.iter().filter(|r| r.id.starts_with("WebAccessPolicy")).count();
    assert_eq!((grants(&dev), grants(&prod)), (2, 2));
    let prod_cfn = &render(&prod, Target::Cfn).expect("renders")[0].contents;
    assert!(prod_cfn.contains("role/analytics-prod/User") && !prod_cfn.contains("role/analytics-prod/Viewer"));
}

#[test]
fn cloudformation_of_each_overriding_spec() {
    for name in OVERRIDING {
        let ir = support::compile_file(&support::root().join(format!("tests/extends/{name}.toml")));
        let files = render(&ir, Target::Cfn).expect("renders");
        snapshot(name, &files[0].contents);
    }
}

#[test]
fn a_base_validates_for_what_it_sets_and_is_not_generated() {
    let o = mwaagen(&["validate", "tests/extends/base.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", support::stderr(&o));
    assert_eq!(support::stdout(&o), "ok: tests/extends/base.toml (base spec)\n");
    // `mwaagen validate DIR/*.toml` with a base among the specs.
    let mut specs: Vec<String> = std::fs::read_dir(support::root().join("tests/extends"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| support::rel(&p))
        .collect();
    specs.sort();
    assert!(specs.len() >= 3, "{specs:?}");
    let mut args = vec!["validate"];
    args.extend(specs.iter().map(String::as_str));
    let o = mwaagen(&args);
    assert_eq!(o.status.code(), Some(0), "{}", support::stderr(&o));
    assert_eq!(support::stdout(&o).lines().count(), specs.len());
    // Generating it is an error that says so, and writes nothing.
    let out_dir = tempfile::tempdir().expect("temp dir");
    let o = mwaagen(&["tests/extends/base.toml", "--target", "cfn", "--out", &out_dir.path().to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(support::stderr(&o).contains("is a base spec (`base = true`)"), "{}", support::stderr(&o));
    assert_eq!(std::fs::read_dir(out_dir.path()).expect("out dir").count(), 0, "nothing is written");
    // The same file without `base = true` is a spec that lacks its name.
    let text = std::fs::read_to_string(support::root().join("tests/extends/base.toml")).expect("read");
    assert!(text.contains("\nbase = true\n"));
    let copy = out_dir.path().join("not-a-base.toml");
    std::fs::write(&copy, text.replace("\nbase = true\n", "\n")).expect("write");
    let o = mwaagen(&["validate", &copy.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(support::stderr(&o).contains("error: environment.name: missing required key `name`"));
    // A base that sets everything is validated whole: its warnings are shown, and denied on request.
    let micro = std::fs::read_to_string(support::root().join("specs/micro.toml")).expect("read");
    assert!(micro.contains("\nversion = 1\n"));
    let whole = out_dir.path().join("whole-base.toml");
    std::fs::write(&whole, micro.replace("\nversion = 1\n", "\nversion = 1\nbase = true\n")).expect("write");
    let o = mwaagen(&["validate", &whole.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(0), "{}", support::stderr(&o));
    assert!(support::stdout(&o).ends_with("(base spec)\n") && support::stderr(&o).contains("warning: "));
    let o = mwaagen(&["validate", "--deny-warnings", &whole.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1), "{}", support::stderr(&o));
}

#[test]
fn unset_removes_keys_of_the_base() {
    let root = support::root();
    let ir = support::compile_file(&root.join("tests/extends/unset/team-vpc.toml"));
    let Some(mwaagen::ir::Kind::MwaaEnvironment(env)) = ir.get("MwaaEnvironment").map(|r| &r.kind) else {
        panic!("no environment")
    };
    let options = &env.airflow_configuration_options;
    assert!(!options.contains_key("core.parallelism"), "{options:?}");
    assert_eq!(options.get("core.default_task_retries").map(String::as_str), Some("3"), "the rest is inherited");
    assert_eq!(env.environment_class, "mw1.small", "inherited");
    // Without `unset`, the base's zones contradict the existing network.
    let o = mwaagen(&["validate", "tests/extends/unset/team-vpc-without-unset.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = support::stderr(&o);
    assert!(
        err.contains("error: network.availability_zones: ") && err.contains("--> tests/extends/base.toml:"),
        "{err}"
    );
    let files = render(&ir, Target::Cfn).expect("renders");
    snapshot("unset-team-vpc", &files[0].contents);
}

/// Errors of a chain: each points into the file where the value is written. Snapshot names are
/// `errors-` and the spec's file name.
#[test]
fn errors_point_into_the_file_that_holds_the_value() {
    for (name, spec, files) in [
        (
            "errors-child-of-bad-base",
            "tests/extends/errors/child-of-bad-base.toml",
            &["tests/extends/errors/child-of-bad-base.toml:7:8", "tests/extends/errors/base-bad-value.toml:5:15"][..],
        ),
        ("errors-cycle-a", "tests/extends/errors/cycle-a.toml", &["tests/extends/errors/cycle-b.toml:2:11"][..]),
        // Missing in the child and its base: reported in the child, at its `extends`.
        (
            "errors-child-missing-name",
            "tests/extends/errors/child-missing-name.toml",
            &["tests/extends/errors/child-missing-name.toml:5:11"][..],
        ),
        (
            "errors-unset-removes-nothing",
            "tests/extends/errors/unset-removes-nothing.toml",
            &[
                "tests/extends/errors/unset-removes-nothing.toml:4:10",
                "tests/extends/errors/unset-removes-nothing.toml:4:39",
                "tests/extends/errors/unset-removes-nothing.toml:4:50",
            ][..],
        ),
        (
            "errors-unset-without-extends",
            "tests/extends/errors/unset-without-extends.toml",
            &["tests/extends/errors/unset-without-extends.toml:3:10"][..],
        ),
    ] {
        let out_dir = tempfile::tempdir().expect("temp dir");
        let o = mwaagen(&[spec, "--target", "cfn", "--out", &out_dir.path().to_string_lossy()]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(o.stdout.is_empty());
        assert_eq!(std::fs::read_dir(out_dir.path()).expect("out dir").count(), 0, "nothing is written");
        for at in files {
            assert!(stderr.contains(&format!("--> {at}\n")), "{name}: no `--> {at}` in\n{stderr}");
        }
        // Each position is inside the file it names, and the line shown is that file's line.
        for line in stderr.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")) {
            let (file, pos) = line.split_once(':').expect("file:line:col");
            let n: usize = pos.split(':').next().and_then(|l| l.parse().ok()).expect("a line number");
            let text = std::fs::read_to_string(support::root().join(file)).expect("the named file exists");
            let shown = text.lines().nth(n - 1).expect("the line is in the file");
            assert!(stderr.contains(&format!("{n} | {shown}")), "{name}: line {n} of {file} is not the one shown");
        }
        snapshot(name, &stderr);
    }
}

#[test]
fn a_base_path_is_relative_to_the_spec_not_to_the_working_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("envs");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(support::root().join("tests/extends/base.toml"), tmp.path().join("base.toml")).expect("copy");
    let spec = std::fs::read_to_string(support::root().join("tests/extends/dev.toml")).expect("read");
    std::fs::write(dir.join("dev.toml"), spec.replace("\"base.toml\"", "\"../base.toml\"")).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(["validate", "envs/dev.toml"])
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(["validate", "dev.toml"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Path::new(&dir.join("dev.toml")).exists());
}
