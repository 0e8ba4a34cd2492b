//! Parameters with a default: both sides deployed at the defaults, at values passed in and empty.

use super::*;

/// Every parameter of `ir` set to `value`.
fn passing(ir: &Ir, value: &str) -> Passed {
    ir.parameters.iter().map(|p| (p.id.clone(), value.to_owned())).collect()
}

#[test]
fn deploy_time_values_resolve_alike_at_their_defaults_and_when_passed() {
    let mut with_parameters = 0;
    for path in support::example_specs() {
        let ir = support::compile_file(&path);
        if ir.parameters.is_empty() {
            continue;
        }
        with_parameters += 1;
        let name = support::rel(&path);
        let env = |s: &Stack, p: &str| s.resources["mwaa_environment"].props.get(p).cloned();
        for (label, passed) in
            [("defaults", Passed::new()), ("from CI", passing(&ir, "from-ci")), ("empty", passing(&ir, ""))]
        {
            let (cfn, tf) = neutral_forms_with(&ir, &passed, |_| {}, |_| {});
            let diffs = differences(&cfn, &tf);
            assert!(
                diffs.is_empty(),
                "{name} ({label}): Terraform differs from CloudFormation:\n  {}",
                diffs.join("\n  ")
            );
            assert_eq!(cfn.parameters.len(), ir.parameters.len(), "{name}");
            for p in &ir.parameters {
                let property = p.tf_name.as_str();
                let want = match label {
                    "from CI" => Some(json!("from-ci")),
                    "empty" => None,
                    _ => p.default.as_ref().map(|d| json!(d)),
                };
                for s in [&cfn, &tf] {
                    assert_eq!(env(s, property), want, "{name} ({label}): {property}");
                }
            }
        }
    }
    assert!(with_parameters >= 2, "at least two example specs set S3 paths (production, operations)");
}

#[test]
fn a_parameter_that_is_ignored_or_declared_otherwise_is_caught() {
    let ir = spec("production");
    let from_ci = passing(&ir, "from-ci");
    // Terraform ignores the variable (the spec pins no startup script version: CI passes it).
    let (cfn, tf) = neutral_forms_with(
        &ir,
        &from_ci,
        |f| {
            edit_tf(
                f,
                "mwaa.tf",
                "var.startup_script_s3_object_version == \"\" ? null : var.startup_script_s3_object_version",
                "null",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.startup_script_s3_object_version");
    // A version the spec pins is the value itself, in both: one of them changed is caught.
    let (cfn, tf) =
        neutral_forms(&ir, |f| edit_tf(f, "mwaa.tf", "\"3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\"", "\"other\""), |_| {});
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.plugins_s3_object_version");
    // CloudFormation sets the version only when the parameter is empty.
    let (cfn, tf) = neutral_forms_with(
        &ir,
        &from_ci,
        |_| {},
        |doc| {
            let c = &mut doc["Conditions"]["HasStartupScriptS3ObjectVersion"];
            *c = c["Fn::Not"][0].clone();
        },
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.startup_script_s3_object_version");
    // Another default.
    let (cfn, tf) =
        neutral_forms(&ir, |f| edit_tf(f, "variables.tf", "default     = null", "default     = \"v2\""), |_| {});
    assert_caught(&differences(&cfn, &tf), "parameter startup_script_s3_object_version");
    // A parameter Terraform does not declare.
    let (cfn, tf) = neutral_forms(
        &ir,
        |_| {},
        |doc| doc["Parameters"]["Extra"] = json!({"Type": "String", "Default": "", "Description": "x"}),
    );
    assert_caught(&differences(&cfn, &tf), "parameter extra");
}
