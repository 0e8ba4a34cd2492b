//! One snapshot of the CDK app per example spec: every file of the app, each preceded by
//! `==> path <==`. Adding a spec under `specs/` adds a case.

mod support;

use mwaagen::render::{render, Target};

#[test]
fn cdk_app_of_every_example_spec() {
    for spec in support::example_specs() {
        let ir = support::compile_file(&spec);
        let files = render(&ir, Target::Cdk).expect("renders");
        let mut all = String::new();
        for f in &files {
            all.push_str(&format!("==> {} <==\n{}", f.path, f.contents));
            if !f.contents.ends_with('\n') {
                all.push('\n');
            }
        }
        let name = spec.file_stem().expect("file name").to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_path => "../snapshots/cdk", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, all);
        });
    }
}

#[test]
fn the_app_has_the_files_the_spec_format_promises() {
    let ir = support::compile_file(&support::root().join("specs/default.toml"));
    let files = render(&ir, Target::Cdk).expect("renders");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for want in ["cdk.json", "package.json", "tsconfig.json", "bin/mwaa.ts", "lib/mwaa-public.ts", "README.md"] {
        assert!(paths.contains(&want), "no {want} among {paths:?}");
    }
    let marker = Target::Cdk.marker();
    for f in &files {
        // The first 512 bytes are what --check reads to recognise a stale generated file.
        let head: String = f.contents.chars().take(400).collect();
        assert!(head.contains(mwaagen::render::GENERATED_MARKER) && head.contains(&marker), "{} has no header", f.path);
    }
}

#[test]
fn json_files_parse_and_pin_exact_versions() {
    let ir = support::compile_file(&support::root().join("specs/production.toml"));
    let files = render(&ir, Target::Cdk).expect("renders");
    let get = |p: &str| files.iter().find(|f| f.path == p).map(|f| f.contents.clone()).expect(p);
    let package: serde_json::Value = serde_json::from_str(&get("package.json")).expect("package.json parses");
    for section in ["dependencies", "devDependencies"] {
        for (name, version) in package[section].as_object().expect(section) {
            let v = version.as_str().expect("string");
            assert!(v.chars().all(|c| c.is_ascii_digit() || c == '.'), "{name} {v} is not an exact version");
        }
    }
    assert_eq!(package["dependencies"]["aws-cdk-lib"], "2.276.0");
    assert_eq!(package["devDependencies"]["aws-cdk"], "2.1148.1");
    let cdk: serde_json::Value = serde_json::from_str(&get("cdk.json")).expect("cdk.json parses");
    assert_eq!(cdk["app"], "npx tsc && node dist/bin/mwaa.js");
}

#[test]
fn rendering_is_deterministic() {
    for spec in support::example_specs() {
        let ir = support::compile_file(&spec);
        assert_eq!(render(&ir, Target::Cdk).expect("renders"), render(&ir, Target::Cdk).expect("renders"));
    }
}
