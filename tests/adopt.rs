//! `[environment] adopt = true` (what `mwaagen import` writes): the Terraform output imports the
//! environment and its log groups (adopt.tf, import blocks whose addresses are resources of the
//! configuration), and the CloudFormation output lists the same resources in
//! resources-to-import.json, each with the DeletionPolicy an IMPORT change set needs. Without
//! adopt, neither file. The end-to-end round trip is scripts/check-adopt.sh.
#![allow(clippy::panic)]

mod support;

use mwaagen::render::{render, OutputFile, Target};
use serde_json::{json, Value};

fn file<'a>(files: &'a [OutputFile], path: &str) -> Option<&'a str> {
    files.iter().find(|f| f.path == path).map(|f| f.contents.as_str())
}

#[test]
fn adopted_environment_and_log_groups_are_imported_in_both_targets() {
    let ir = support::compile_file(&support::root().join("tests/valid/adopt-imported.toml"));
    let cfn = render(&ir, Target::Cfn).expect("renders");
    let list: Value =
        serde_json::from_str(file(&cfn, "resources-to-import.json").expect("resources-to-import.json")).expect("JSON");
    let mut want = Vec::new();
    for (id, suffix) in
        [("DagProcessing", "DAGProcessing"), ("Scheduler", "Scheduler"), ("Task", "Task"), ("Worker", "Worker")]
    {
        want.push(json!({"ResourceType": "AWS::Logs::LogGroup", "LogicalResourceId": format!("{id}LogGroup"),
                         "ResourceIdentifier": {"LogGroupName": format!("airflow-console-made-{suffix}")}}));
    }
    want.push(json!({"ResourceType": "AWS::MWAA::Environment", "LogicalResourceId": "MwaaEnvironment",
                     "ResourceIdentifier": {"Name": "console-made"}}));
    assert_eq!(list, Value::Array(want));
    // Every resource to import has a DeletionPolicy (CloudFormation user guide, resource-import.html).
    let template = file(&cfn, "template.yaml").expect("template");
    for entry in list.as_array().into_iter().flatten() {
        let id = entry["LogicalResourceId"].as_str().unwrap_or_default();
        let block = template.split(&format!("\n  {id}:\n")).nth(1).unwrap_or_default();
        let head: String =
            block.lines().take_while(|l| !l.starts_with("    Properties:")).collect::<Vec<_>>().join("\n");
        assert!(head.contains("DeletionPolicy: Retain"), "{id} has no DeletionPolicy:\n{head}");
    }

    let tf = render(&ir, Target::Terraform).expect("renders");
    let adopt = file(&tf, "adopt.tf").expect("adopt.tf");
    let body = hcl::parse(adopt).unwrap_or_else(|e| panic!("adopt.tf does not parse: {e}\n{adopt}"));
    let all: String =
        tf.iter().filter(|f| f.path.ends_with(".tf") && f.path != "adopt.tf").map(|f| f.contents.as_str()).collect();
    let mut imported = Vec::new();
    for block in body.blocks().filter(|b| b.identifier() == "import") {
        let attr = |k: &str| block.body().attributes().find(|a| a.key() == k).map(|a| a.expr().to_string());
        let to = attr("to").unwrap_or_default();
        let (ty, name) = to.split_once('.').unwrap_or_default();
        assert!(all.contains(&format!("resource \"{ty}\" \"{name}\" {{")), "import to {to}, which is not a resource");
        let for_each = attr("for_each").unwrap_or_default();
        assert!(for_each.starts_with("var.adopt ? toset([\""), "{to}: for_each {for_each}");
        imported.push(to);
    }
    assert_eq!(imported.len(), 5, "{adopt}");
    assert!(imported.contains(&"aws_mwaa_environment.mwaa_environment".to_owned()), "{imported:?}");
    // The offline test plans without importing (a mocked provider imports nothing).
    let test = file(&tf, "tests/mwaa.tftest.hcl").expect("test");
    assert!(test.contains("\n  adopt  = false\n") || test.contains("\n  adopt = false\n"), "{test}");
}

#[test]
fn without_adopt_there_is_nothing_to_import() {
    let ir = support::compile_file(&support::root().join("specs/shared-vpc.toml"));
    assert!(file(&render(&ir, Target::Cfn).expect("renders"), "resources-to-import.json").is_none());
    let tf = render(&ir, Target::Terraform).expect("renders");
    assert!(file(&tf, "adopt.tf").is_none());
    assert!(tf.iter().all(|f| !f.contents.contains("import {")));
}
