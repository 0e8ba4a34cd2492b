//! `validate --format json|sarif` and `diff --format json`: their shape, snapshotted for one case
//! each (scripts/check-formats.sh validates every fixture against the schemas), and the exit
//! statuses, which do not depend on the format.

mod support;

use support::{mwaagen, stderr, stdout};

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots/formats", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name.to_owned(), text);
    });
}

#[test]
fn validate_sarif_of_an_invalid_spec() {
    let o = mwaagen(&["validate", "--format", "sarif", "tests/invalid/cidr-host-bits.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "machine formats print nothing else: {}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "network.vpc_cidr");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let text = stderr(&mwaagen(&["validate", "tests/invalid/cidr-host-bits.toml"]));
    let at = format!("--> tests/invalid/cidr-host-bits.toml:{}:{}\n", region["startLine"], region["startColumn"]);
    assert!(text.contains(&at), "{at} not in\n{text}");
    snapshot("validate-sarif", &stdout(&o));
}

#[test]
fn validate_json_of_a_base_a_warning_and_an_error() {
    let o = mwaagen(&[
        "validate",
        "--format",
        "json",
        "tests/extends/base.toml",
        "tests/extends/dev.toml",
        "tests/invalid/cidr-host-bits.toml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    snapshot("validate-json", &stdout(&o));
    let ok = mwaagen(&["validate", "--format", "json", "tests/extends/dev.toml"]);
    assert_eq!(ok.status.code(), Some(0), "a warning is no error");
    let denied = mwaagen(&["validate", "--format", "json", "--deny-warnings", "tests/extends/dev.toml"]);
    assert_eq!(denied.status.code(), Some(1), "unless --deny-warnings");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&denied)).expect("JSON");
    assert_eq!(doc["specs"][0]["diagnostics"][0]["severity"], "error");
}

#[test]
fn diff_json_of_a_replacement() {
    let o =
        mwaagen(&["diff", "tests/diff/old.toml", "tests/diff/rename.toml", "--format", "json", "--fail-on-replace"]);
    assert_eq!(o.status.code(), Some(3), "--fail-on-replace with JSON: {}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let env = doc["changes"].as_array().expect("changes").iter().find(|c| c["logical_id"] == "MwaaEnvironment");
    let env = env.expect("the environment changes");
    assert_eq!(env["action"], "replace");
    assert_eq!(env["stateful"], true);
    assert_eq!(env["replacement_cause"], serde_json::json!(["Name"]));
    snapshot("diff-json-rename", &stdout(&o));
}

#[test]
fn hostile_file_names_and_values_stay_valid_json_and_uris() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("spécs & \"quotes\" #1");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let spec = dir.join("a b%20c.toml");
    std::fs::write(&spec, "version = 1\n[environment]\nname = \"x\\\"y\\n</script>\\u0000\"\n").expect("write");
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mwaagen"))
            .args(["validate", "--format", format, "spécs & \"quotes\" #1/a b%20c.toml"])
            .current_dir(tmp.path())
            .output()
            .expect("runs")
    };
    let json = run("json");
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    let d = &doc["specs"][0]["diagnostics"][0];
    assert_eq!(d["file"], "spécs & \"quotes\" #1/a b%20c.toml");
    assert_eq!(d["field"], "environment.name");
    let sarif = run("sarif");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&sarif)).expect("SARIF is JSON");
    let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("a URI")
        .to_owned();
    assert_eq!(uri, "sp%C3%A9cs%20%26%20%22quotes%22%20%231/a%20b%2520c.toml");
    assert!(uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)), "{uri}");
}
