//! Every example spec deploys the same in both targets, and the neutral form keeps what matters.

use super::*;

#[test]
fn terraform_deploys_what_cloudformation_deploys_for_every_example() {
    let mut specs: Vec<(String, Ir)> =
        support::example_specs().iter().map(|p| (support::rel(p), support::compile_file(p))).collect();
    let default = mwaagen::compile(&mwaagen::default_source()).expect("the default spec compiles");
    specs.push(("<built-in default spec>".into(), default));
    for (name, ir) in &specs {
        let (cfn, tf) = neutral_forms(ir, |_| {}, |_| {});
        let diffs = differences(&cfn, &tf);
        assert!(diffs.is_empty(), "{name}: Terraform differs from CloudFormation:\n  {}", diffs.join("\n  "));
        // The comparison covered every resource of the IR, and each kept its properties.
        assert_eq!(tf.resources.len(), ir.resources.len(), "{name}");
        for r in &ir.resources {
            let n = &tf.resources[&r.tf_name];
            assert_eq!(n.kind, r.kind.tag(), "{name}: {}", r.id);
            assert!(
                !n.props.keys().any(|k| k.contains("unmapped")),
                "{name}: {} has unmapped properties: {:?}",
                r.id,
                n.props
            );
        }
        assert_eq!(tf.outputs.len(), ir.outputs.len(), "{name}");
    }
}

#[test]
fn the_neutral_form_keeps_what_matters() {
    let (cfn, tf) = neutral_forms(&spec("production"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        let subnet = &s.resources["private_subnet_1"].props;
        assert_eq!(subnet["cidr"], json!("10.40.16.0/20"));
        assert_eq!(subnet["availability_zone"], json!("eu-west-1a"));
        assert_eq!(subnet["vpc"], json!("${ref:vpc.id}"));
        let env = &s.resources["mwaa_environment"].props;
        assert_eq!(
            env["depends_on"],
            json!([
                "dag_processing_log_group",
                "default_private_route_1",
                "default_private_route_2",
                "execution_policy",
                "private_subnet_1_route_table_association",
                "private_subnet_2_route_table_association",
                "scheduler_log_group",
                "task_log_group",
                "webserver_log_group",
                "worker_log_group"
            ])
        );
        assert_eq!(env["plugins_s3_object_version"], json!("3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"));
        let group = &s.resources["scheduler_log_group"].props;
        assert_eq!(group["name"], json!("airflow-analytics-prod-Scheduler"));
        assert_eq!(group["kms_key"], json!("${ref:environment_key.arn}"));
        assert_eq!(env["logging"]["webserver"], json!({"enabled": true, "level": "ERROR"}));
        assert_eq!(env["source_bucket_arn"], json!("${ref:environment_bucket.arn}"));
        let bucket = &s.resources["environment_bucket"].props;
        assert_eq!(bucket["retain"], json!(true));
        assert_eq!(bucket["encryption"]["rules"][0]["kms_key"], json!("${ref:environment_key.arn}"));
        let policy = &s.resources["execution_policy"].props;
        assert_eq!(policy["roles"], json!(["${ref:execution_role.id}"]));
        // Section 2's nine statements and the Secrets Manager read of [secrets].
        assert_eq!(policy["policy"]["Statement"].as_array().map(Vec::len), Some(10));
        assert_eq!(
            s.resources["web_access_policy_2"].props["policy"]["Statement"][0]["Resource"][0],
            json!("arn:${pseudo:partition}:airflow:${pseudo:region}:${pseudo:account_id}:role/analytics-prod/User")
        );
        assert_eq!(
            s.resources["execution_role"].props["managed_policy_arns"],
            json!(["arn:aws:iam::123456789012:policy/analytics-data-lake-read"])
        );
        assert_eq!(s.outputs["webserver_url"]["value"], json!("https://${ref:mwaa_environment.webserver_url}"));
    }
    let (cfn, tf) = neutral_forms(&spec("bring-your-own"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["mwaa_environment"].props["worker_replacement_strategy"], json!("GRACEFUL"));
    }
    let (cfn, tf) = neutral_forms(&spec("micro"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["private_subnet_2"].props["availability_zone"], json!("${az:1}"));
        assert_eq!(
            s.resources["mwaa_environment"].props["logging"]["worker"],
            json!({"enabled": false, "level": "INFO"})
        );
    }
}
