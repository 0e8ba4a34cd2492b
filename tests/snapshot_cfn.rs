//! One CloudFormation snapshot per example spec: adding a spec under `specs/` adds a case.

mod support;

use mwaagen::render::{render, Target};

#[test]
fn cloudformation_of_every_example_spec() {
    for spec in support::example_specs() {
        let ir = support::compile_file(&spec);
        let files = render(&ir, Target::Cfn).expect("renders");
        assert_eq!(files.len(), 1);
        let name = spec.file_stem().expect("file name").to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_path => "../snapshots/cfn", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, files[0].contents);
        });
    }
}

#[test]
fn every_example_renders_as_yaml_that_parses() {
    for spec in support::example_specs() {
        let ir = support::compile_file(&spec);
        let files = render(&ir, Target::Cfn).expect("renders");
        let doc = support::cfn_yaml_to_json(&files[0].contents);
        let resources = doc["Resources"].as_object().expect("Resources");
        assert_eq!(resources.len(), ir.resources.len(), "{}", spec.display());
        for r in &ir.resources {
            assert_eq!(
                resources[&r.id]["Type"],
                mwaagen::render::cfn::cfn_type(r.kind.tag()).expect("a CloudFormation type"),
                "{} in {}",
                r.id,
                spec.display()
            );
        }
    }
}
