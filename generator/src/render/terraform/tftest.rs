//! The module's offline test, `tests/mwaa.tftest.hcl`, written from the resource views.
//!
//! It was a Tera template; parsing it cost ~10 M instructions per process (pest reads a template
//! at roughly a million instructions a kilobyte, docs/performance.md), more than rendering it, and
//! it is plain text with loops. Written here, it reads the same JSON views the templates read, so
//! that what it asserts stays what the resource blocks write.

use std::fmt::Write;

use indexmap::IndexMap;
use serde_json::Value;

use super::hcl::{expr, hcl_string};
use super::views::Mock;
use crate::ir::{Expr, Ir};
use crate::render::RenderError;

/// What the test needs besides the IR.
pub(super) struct TestInput<'a> {
    pub(super) header: &'a [String; 2],
    /// The resource views, as the templates see them (JSON).
    pub(super) views: &'a [Value],
    pub(super) mocks: &'a [Mock],
    /// Some resource is retained (`prevent_destroy`): the last run releases it.
    pub(super) retained: bool,
}

/// Tera's truthiness, which the template relied on: null, false, "", [] and {} are false.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Number(_)) => true,
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The `hcl` filter: an IR expression as HCL.
fn hcl(v: Option<&Value>) -> Result<String, RenderError> {
    let e: Expr = serde::Deserialize::deserialize(v.unwrap_or(&Value::Null))
        .map_err(|e| RenderError(format!("terraform test: an expression expected: {e}")))?;
    Ok(expr(&e, 0))
}

/// The `hcl_map(indent=4)` filter: a string map as an HCL object.
fn hcl_map(v: Option<&Value>) -> Result<String, RenderError> {
    let map: IndexMap<String, String> = serde::Deserialize::deserialize(v.unwrap_or(&Value::Null))
        .map_err(|e| RenderError(format!("terraform test: a map of strings expected: {e}")))?;
    Ok(expr(&super::locals::string_map(&map), 4))
}

fn assert(out: &mut String, condition: &str, message: &str) {
    let _ = write!(out, "\n\n  assert {{\n    condition = {condition}\n    error_message = \"{message}\"\n  }}");
}

/// The test file, before `align` (the caller aligns it as every other file).
pub(super) fn tftest(ir: &Ir, input: &TestInput<'_>) -> Result<String, RenderError> {
    let mut out = format!("# {}\n# {}", input.header[0], input.header[1]);
    out.push_str(
        "\n\n# An offline test of this configuration: `terraform init -backend=false && terraform test`.\n\
         # The AWS provider is mocked, so plan and apply run with no credentials and no network. The\n\
         # asserts check the values the spec sets and how the resources are wired together. The mocks give\n\
         # data sources plausible values, and ARNs to the resources whose ARN other resources pass to\n\
         # arguments that the provider checks are ARNs.\n\nmock_provider \"aws\" {",
    );
    for (i, mock) in input.mocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(
            out,
            "\n  {} \"{}\" {{\n    defaults = {{\n      {} = {}\n    }}\n  }}",
            mock.block, mock.ty, mock.attribute, mock.value
        );
    }
    out.push_str("\n}");
    // The module has no region variable (the caller's provider has the region); the inputs have
    // no default, so the test gives each a value that meets its rule.
    if !ir.inputs.is_empty() {
        out.push_str("\n\nvariables {");
        for i in &ir.inputs {
            let value = if i.list {
                format!("[{}]", i.example.iter().map(|x| hcl_string(x)).collect::<Vec<_>>().join(", "))
            } else {
                hcl_string(i.example.first().map_or("", String::as_str))
            };
            let _ = write!(out, "\n  {} = {value}", i.name);
        }
        out.push_str("\n}");
    }

    out.push_str("\n\n# What the spec sets, as planned.\nrun \"plan\" {\n  command = plan");
    for v in input.views {
        planned(&mut out, v)?;
    }
    out.push_str("\n}");

    if !ir.parameters.is_empty() {
        for v in input.views.iter().filter(|v| text(v, "kind") == "mwaa_environment") {
            out.push_str(
                "\n\n# The object versions that CI passes with -var reach the environment (each variable is named\n\
                 # after the argument it sets).\nrun \"object_versions_from_ci\" {\n  command = plan\n\n  variables {",
            );
            for p in &ir.parameters {
                let _ = write!(out, "\n    {} = \"from-ci\"", p.tf_name);
            }
            out.push_str("\n  }");
            for p in &ir.parameters {
                assert(
                    &mut out,
                    &format!("{}.{} == \"from-ci\"", address(v), p.tf_name),
                    &format!("{}: {} is not the value passed in", text(v, "id"), p.tf_name),
                );
            }
            out.push_str("\n}");
        }
    }

    out.push_str("\n\n# How the resources are wired, once applied.\nrun \"apply\" {\n  command = apply");
    if input.retained {
        out.push_str("\n\n  # Shared with run \"release\" below.\n  state_key = \"mwaa\"");
    }
    for v in input.views {
        applied(&mut out, v)?;
    }
    if ir.outputs.iter().any(|o| o.tf_name == "webserver_url") {
        assert(&mut out, "startswith(output.webserver_url, \"https://\")", "webserver_url must be an https URL");
    }
    out.push_str("\n}");
    if input.retained {
        out.push_str(
            "\n\n# Terraform before 1.14 cannot clean up after a test whose resources have prevent_destroy\n\
             # (hashicorp/terraform#34960). This run takes over the state of run \"apply\" with a configuration\n\
             # that forgets the resources CloudFormation would retain and destroys the rest.\n\
             run \"release\" {\n  state_key = \"mwaa\"\n\n  module {\n    source = \"./tests/release\"\n  }\n}",
        );
    }
    Ok(out)
}

fn address(v: &Value) -> &str {
    v.get("tf").map_or("", |t| text(t, "address"))
}

/// The asserts of run "plan" for one resource: the values the spec sets.
fn planned(out: &mut String, v: &Value) -> Result<(), RenderError> {
    let (a, id) = (address(v), text(v, "id"));
    match text(v, "kind") {
        "vpc" => assert(
            out,
            &format!("{a}.cidr_block == {}", hcl_string(text(v, "cidr"))),
            &format!("{id}: wrong CIDR block"),
        ),
        "subnet" => {
            assert(
                out,
                &format!("{a}.cidr_block == {}", hcl_string(text(v, "cidr"))),
                &format!("{id}: wrong CIDR block"),
            );
            let az = hcl(v.get("availability_zone"))?;
            assert(out, &format!("{a}.availability_zone == {az}"), &format!("{id}: wrong availability zone"));
        }
        "security_group_ingress" => {
            let rule = v.get("rule").unwrap_or(&Value::Null);
            let mut c = format!("{a}.ip_protocol == {}", hcl_string(text(rule, "protocol")));
            if let (Some(from @ Value::Number(_)), Some(to)) = (rule.get("from_port"), rule.get("to_port")) {
                let _ = write!(c, " && {a}.from_port == {from} && {a}.to_port == {to}");
            }
            assert(out, &c, &format!("{id}: wrong protocol or ports"));
        }
        "network_acl_entry" => {
            let c = format!(
                "{a}.rule_number == {} && {a}.egress == {} && {a}.rule_action == {} && {a}.cidr_block == {}",
                v.get("rule_number").unwrap_or(&Value::Null),
                v.get("egress").unwrap_or(&Value::Null),
                hcl_string(text(v, "action")),
                hcl_string(text(v, "cidr"))
            );
            assert(out, &c, &format!("{id}: wrong rule"));
        }
        "log_group" => {
            let c = format!(
                "{a}.name == {} && {a}.retention_in_days == {}",
                hcl_string(text(v, "name")),
                v.get("retention_days").unwrap_or(&Value::Null)
            );
            assert(out, &c, &format!("{id}: wrong name or retention"));
        }
        "bucket" => {
            let names = v.get("tf").and_then(|t| t.get("names")).unwrap_or(&Value::Null);
            assert(
                out,
                &format!(
                    "aws_s3_bucket_versioning.{}.versioning_configuration[0].status == \"Enabled\"",
                    text(names, "versioning")
                ),
                &format!("{id}: MWAA needs a versioned bucket"),
            );
            assert(
                out,
                &format!(
                    "alltrue([for k in [\"block_public_acls\", \"block_public_policy\", \"ignore_public_acls\", \
                     \"restrict_public_buckets\"] : aws_s3_bucket_public_access_block.{}[k]])",
                    text(names, "public_access_block")
                ),
                &format!("{id}: MWAA needs all four Block Public Access settings on"),
            );
            assert(
                out,
                &format!(
                    "one(one(aws_s3_bucket_server_side_encryption_configuration.{}.rule).\
                     apply_server_side_encryption_by_default).sse_algorithm == {}",
                    text(names, "encryption"),
                    hcl_string(text(v, "sse_algorithm"))
                ),
                &format!("{id}: wrong encryption"),
            );
            if truthy(v.get("name")) {
                assert(
                    out,
                    &format!("{a}.bucket == {}", hcl_string(text(v, "name"))),
                    &format!("{id}: wrong bucket name"),
                );
            }
        }
        "mwaa_environment" => environment_planned(out, v, a, id)?,
        _ => {}
    }
    Ok(())
}

fn environment_planned(out: &mut String, v: &Value, a: &str, id: &str) -> Result<(), RenderError> {
    for attr in [
        "name",
        "airflow_version",
        "environment_class",
        "min_workers",
        "max_workers",
        "schedulers",
        "min_webservers",
        "max_webservers",
        "webserver_access_mode",
        "endpoint_management",
        "weekly_maintenance_window_start",
        "dag_s3_path",
    ] {
        match v.get(attr) {
            Some(n @ Value::Number(_)) => assert(out, &format!("{a}.{attr} == {n}"), &format!("{id}: wrong {attr}")),
            value if truthy(value) => {
                assert(out, &format!("{a}.{attr} == {}", hcl_string(text(v, attr))), &format!("{id}: wrong {attr}"))
            }
            _ => {}
        }
    }
    for key in ["plugins", "requirements", "startup_script"] {
        let Some(o) = v.get(key).filter(|o| truthy(Some(o))) else { continue };
        assert(
            out,
            &format!("{a}.{key}_s3_path == {}", hcl_string(text(o, "path"))),
            &format!("{id}: wrong {key}_s3_path"),
        );
        if truthy(o.get("version")) {
            assert(
                out,
                &format!("{a}.{key}_s3_object_version == {}", hcl_string(text(o, "version"))),
                &format!("{id}: wrong {key}_s3_object_version"),
            );
        }
    }
    let subnets: Vec<&str> = v
        .get("tf")
        .and_then(|t| t.get("subnets"))
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let [s0, s1] = subnets.as_slice() {
        assert(
            out,
            &format!("{s0}.availability_zone != {s1}.availability_zone"),
            &format!("{id}: MWAA needs its two subnets in different availability zones"),
        );
    }
    if truthy(v.get("airflow_configuration_options")) {
        let map = hcl_map(v.get("airflow_configuration_options"))?;
        assert(
            out,
            &format!("{a}.airflow_configuration_options == tomap({map})"),
            &format!("{id}: wrong Airflow configuration options"),
        );
    }
    for l in v.get("logging").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        let module = text(l, "module");
        assert(
            out,
            &format!(
                "{a}.logging_configuration[0].{module}_logs[0].enabled == {} && \
                 {a}.logging_configuration[0].{module}_logs[0].log_level == {}",
                l.get("enabled").unwrap_or(&Value::Null),
                hcl_string(text(l, "level"))
            ),
            &format!("{id}: wrong {module} logging"),
        );
    }
    if truthy(v.get("tags")) {
        let map = hcl_map(v.get("tags"))?;
        assert(out, &format!("{a}.tags == tomap({map})"), &format!("{id}: wrong tags"));
    }
    Ok(())
}

/// The asserts of run "apply" for one resource: how it is wired to the others.
fn applied(out: &mut String, v: &Value) -> Result<(), RenderError> {
    let (a, id) = (address(v), text(v, "id"));
    if text(v, "kind") == "mwaa_environment" {
        let subnets = v.get("subnet_ids").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let mut c = format!("length({a}.network_configuration[0].subnet_ids) == {}", subnets.len());
        for x in subnets {
            let _ = write!(c, " && contains({a}.network_configuration[0].subnet_ids, {})", hcl(Some(x))?);
        }
        assert(out, &c, &format!("{id}: wrong subnets"));
        let groups = v.get("security_group_ids");
        let c = match groups.and_then(|g| g.get("list")).and_then(Value::as_array).filter(|l| !l.is_empty()) {
            Some(list) => {
                let mut c = format!("length({a}.network_configuration[0].security_group_ids) == {}", list.len());
                for x in list {
                    let _ =
                        write!(c, " && contains({a}.network_configuration[0].security_group_ids, {})", hcl(Some(x))?);
                }
                c
            }
            None => format!("toset({a}.network_configuration[0].security_group_ids) == toset({})", hcl(groups)?),
        };
        assert(out, &c, &format!("{id}: wrong security groups"));
        assert(
            out,
            &format!(
                "{a}.source_bucket_arn == {} && {a}.execution_role_arn == {}",
                hcl(v.get("source_bucket_arn"))?,
                hcl(v.get("execution_role_arn"))?
            ),
            &format!("{id}: wrong bucket or execution role"),
        );
        if truthy(v.get("kms_key")) {
            assert(out, &format!("{a}.kms_key == {}", hcl(v.get("kms_key"))?), &format!("{id}: wrong KMS key"));
        }
    } else if let Some(p) = v.get("tf").and_then(|t| t.get("policy_sids")).filter(|p| truthy(Some(p))) {
        let sids: Vec<String> = p
            .get("sids")
            .and_then(Value::as_array)
            .map(|s| s.iter().map(|x| hcl_string(x.as_str().unwrap_or_default())).collect())
            .unwrap_or_default();
        assert(
            out,
            &format!("[for s in jsondecode({a}.{}).Statement : s.Sid] == [{}]", text(p, "attribute"), sids.join(", ")),
            &format!("{id}: wrong policy statements"),
        );
    }
    Ok(())
}
