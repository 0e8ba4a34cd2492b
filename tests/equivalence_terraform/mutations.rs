//! A change on either side shows up as a difference: resources, settings, policies, dependencies,
//! outputs, alarms.

use super::*;

#[test]
fn a_changed_cidr_in_the_hcl_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| edit_tf(f, "network.tf", "\"10.40.16.0/20\"", "\"10.40.17.0/20\""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "private_subnet_1.cidr");
}

#[test]
fn a_dropped_policy_statement_on_the_cfn_side_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |_| {},
        |doc| {
            let statements = doc["Resources"]["ExecutionPolicy"]["Properties"]["PolicyDocument"]["Statement"]
                .as_array_mut()
                .expect("statements");
            statements.pop();
        },
    );
    assert_caught(&differences(&cfn, &tf), "execution_policy.policy");
}

#[test]
fn a_missing_depends_on_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("default"),
        |f| edit_tf(f, "mwaa.tf", "    aws_iam_role_policy_attachment.execution_policy_execution_role,\n", ""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.depends_on");
}

#[test]
fn a_lost_prevent_destroy_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| edit_tf(f, "kms.tf", "prevent_destroy = true", "prevent_destroy = false"),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "environment_key.retain");
    // On a part of the bucket too.
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| {
            let s3 = f.iter_mut().find(|f| f.path == "s3.tf").expect("s3.tf");
            let at = s3.contents.find("aws_s3_bucket_versioning").expect("versioning");
            let (head, tail) = s3.contents.split_at(at);
            s3.contents = format!("{head}{}", tail.replacen("prevent_destroy = true", "prevent_destroy = false", 1));
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "aws_s3_bucket_versioning.environment_bucket_versioning.retain");
}

#[test]
fn changed_settings_tags_and_extra_resources_are_caught() {
    let ir = spec("production");
    let cases: [(&str, &str, &str, &str); 5] = [
        ("mwaa.tf", "max_workers                      = 20", "max_workers = 21", "mwaa_environment.max_workers"),
        ("mwaa.tf", "log_level = \"ERROR\"", "log_level = \"INFO\"", "mwaa_environment.logging"),
        ("locals.tf", "    Environment = \"production\"\n", "", "vpc.tags"),
        ("iam.tf", "\"s3:GetBucket*\", ", "", "execution_policy.policy"),
        ("s3.tf", "sse_algorithm     = \"aws:kms\"", "sse_algorithm = \"AES256\"", "environment_bucket.encryption"),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| {
            let n = f.iter_mut().find(|f| f.path == "network.tf").expect("network.tf");
            n.contents.push_str("\nresource \"aws_vpc\" \"spare\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "spare: only in Terraform");
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| {
            edit_tf(
                f,
                "network.tf",
                "  map_public_ip_on_launch = false\n",
                "  map_public_ip_on_launch = false\n  ipv6_native = true\n",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "unmapped.ipv6_native");
}

#[test]
fn the_worker_replacement_strategy_exception_still_compares_the_value() {
    let (cfn, tf) = neutral_forms(
        &spec("bring-your-own"),
        |_| {},
        |doc| doc["Resources"]["MwaaEnvironment"]["Properties"]["WorkerReplacementStrategy"] = json!("FORCED"),
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.worker_replacement_strategy");
}

#[test]
fn the_worker_replacement_strategy_argument_under_a_6x_constraint_is_compared() {
    let text = |files: &[OutputFile]| {
        files.iter().find(|f| f.path.ends_with("mwaa.tf")).map(|f| f.contents.clone()).expect("mwaa.tf")
    };
    let tf_files = render(&spec("provider-6"), Target::Terraform).expect("renders");
    let mwaa = text(&tf_files);
    assert!(mwaa.contains("  worker_replacement_strategy = \"FORCED\"\n"), "an argument, not a comment:\n{mwaa}");
    assert!(!mwaa.contains("# worker_replacement_strategy"), "no comment beside the argument:\n{mwaa}");
    let (cfn, tf) = neutral_forms(&spec("provider-6"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["mwaa_environment"].props["worker_replacement_strategy"], json!("FORCED"));
    }
    let (cfn, tf) = neutral_forms(
        &spec("provider-6"),
        |f| {
            edit_tf(
                f,
                "mwaa.tf",
                "worker_replacement_strategy = \"FORCED\"",
                "worker_replacement_strategy = \"GRACEFUL\"",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.worker_replacement_strategy");
}

#[test]
fn a_removed_output_or_changed_az_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("micro"),
        |f| edit_tf(f, "network.tf", "names[1]", "names[0]"),
        |doc| {
            doc["Outputs"].as_object_mut().expect("outputs").remove("VpcId");
        },
    );
    let diffs = differences(&cfn, &tf);
    assert_caught(&diffs, "availability_zone");
    assert_caught(&diffs, "output vpc_id");
}

/// What issue 13 added, compared like the rest: customer-managed endpoints (their service is an
/// attribute of the environment, they have no policy), the environment's dependencies on the
/// network, the secrets backend options, the S3 gateway's extra buckets, `LogLevel` of a module
/// that is off, and the flow-logs statements. Each change on one side is a difference.
#[test]
fn customer_endpoints_secrets_and_network_dependencies_are_compared() {
    let cases: [(&str, &str, &str, &str, &str); 8] = [
        (
            "customer-endpoints",
            "endpoints.tf",
            "aws_mwaa_environment.mwaa_environment.database_vpc_endpoint_service",
            "aws_mwaa_environment.mwaa_environment.webserver_vpc_endpoint_service",
            "database_vpc_endpoint.service",
        ),
        (
            "customer-endpoints",
            "endpoints.tf",
            "private_dns_enabled = false",
            "private_dns_enabled = true",
            "database_vpc_endpoint.private_dns",
        ),
        ("private-data-lake", "mwaa.tf", "    aws_vpc_endpoint.ssm_endpoint,\n", "", "mwaa_environment.depends_on"),
        (
            "private-data-lake",
            "mwaa.tf",
            "\\\"config_prefix\\\": null",
            "\\\"config_prefix\\\": \\\"x\\\"",
            "mwaa_environment.airflow_configuration_options",
        ),
        (
            "private-data-lake",
            "endpoints.tf",
            "\"arn:aws:s3:::corp-data-lake-raw/*\",\n",
            "",
            "s3_gateway_endpoint.policy",
        ),
        (
            "micro",
            "mwaa.tf",
            "      enabled   = false\n      log_level = \"INFO\"\n    }\n    scheduler_logs",
            "      enabled = false\n    }\n    scheduler_logs",
            "mwaa_environment.logging",
        ),
        (
            "micro",
            "mwaa.tf",
            "    aws_route_table_association.private_subnet_2_route_table_association,\n",
            "",
            "mwaa_environment.depends_on",
        ),
        (
            "default",
            "iam.tf",
            "Action   = [\"logs:DescribeLogGroups\"]",
            "Action   = [\"logs:DescribeLogStreams\"]",
            "flow_logs_role_policy.policy",
        ),
    ];
    for (name, path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&spec(name), |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    // A policy on a customer-managed endpoint, on the CloudFormation side only.
    let (cfn, tf) = neutral_forms(
        &spec("customer-endpoints"),
        |_| {},
        |doc| doc["Resources"]["WebserverVpcEndpoint"]["Properties"]["PolicyDocument"] = json!({"Statement": []}),
    );
    assert_caught(&differences(&cfn, &tf), "webserver_vpc_endpoint.policy");
    // The outputs of the endpoint services.
    let (cfn, tf) = neutral_forms(
        &spec("customer-endpoints"),
        |_| {},
        |doc| {
            doc["Outputs"].as_object_mut().expect("outputs").remove("DatabaseVpcEndpointService");
        },
    );
    assert_caught(&differences(&cfn, &tf), "output database_vpc_endpoint_service");
}

#[test]
fn changed_alarms_topic_and_dashboard_are_caught() {
    let ir = spec("operations");
    let cases: [(&str, &str, &str, &str); 5] = [
        ("monitoring.tf", "threshold           = 0", "threshold = 1", "dag_import_errors_alarm.threshold"),
        ("monitoring.tf", "Function    = \"Executor\"", "Function = \"Scheduler\"", "queued_tasks_alarm.queries"),
        (
            "monitoring.tf",
            "treat_missing_data  = \"breaching\"",
            "treat_missing_data = \"notBreaching\"",
            "scheduler_heartbeat_alarm.treat_missing_data",
        ),
        ("monitoring.tf", "\"Scheduler heartbeat\"", "\"Heartbeat\"", "dashboard.body"),
        // The first group of logs.tf is the flow-log group, whose retention follows retention_days.
        ("logs.tf", "retention_in_days = 90", "retention_in_days = 30", "flow_logs_log_group.retention_days"),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    let (cfn, tf) = neutral_forms(
        &ir,
        |_| {},
        |doc| {
            doc["Resources"]["AlarmTopic"]["Properties"].as_object_mut().expect("topic").shift_remove("KmsMasterKeyId");
        },
    );
    assert_caught(&differences(&cfn, &tf), "alarm_topic.kms_key");
}
