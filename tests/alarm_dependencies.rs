//! Every alarm is created after the MWAA environment, in each target's own words.
//!
//! MWAA takes 20-30 minutes or more to create an environment and sends no scheduler heartbeat
//! meanwhile; the heartbeat alarm treats missing data as breaching, so an alarm created before
//! the environment pages about 15 minutes into every first deploy (issue 23). The IR gives each
//! alarm a dependency on the environment (lower/monitoring.rs); this file checks that each target
//! writes it: CloudFormation `DependsOn`, Terraform `depends_on`, CDK `addResourceDependency`. Each
//! target's output is read by its own parser (YAML, HCL) or, for the CDK TypeScript, by the two
//! statement forms the stack uses to declare a resource and a dependency.
//!
//! `the_checker_fails_on_its_mutations` removes the dependency from one alarm in each target's
//! text and asserts that the checker then fails, naming the alarm.

// Test code: output that cannot be read is a failed test with its message.
#![allow(clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use hcl::{Body, Expression};
use mwaagen::render::{render, Target};
use serde_json::Value;

/// The specs with `[monitoring]`, compiled.
fn monitored_specs() -> Vec<(String, mwaagen::ir::Ir)> {
    let out: Vec<(String, mwaagen::ir::Ir)> = support::example_specs()
        .iter()
        .map(|p| (support::rel(p), support::compile_file(p)))
        .filter(|(_, ir)| ir.resources.iter().any(|r| r.kind.tag() == "alarm"))
        .collect();
    assert!(!out.is_empty(), "no example spec has [monitoring]");
    out
}

fn text(ir: &mwaagen::ir::Ir, target: Target, file: &str) -> String {
    let files = render(ir, target).unwrap_or_else(|e| panic!("{}: {e}", ir.source_name));
    let found: Vec<String> = files.into_iter().filter(|f| f.path.ends_with(file)).map(|f| f.contents).collect();
    assert!(!found.is_empty(), "{}: no {file} in the {target:?} output", ir.source_name);
    found.join("\n")
}

/// Alarm name (logical id, Terraform name or construct id) -> what it depends on.
type Deps = BTreeMap<String, BTreeSet<String>>;

/// Fails naming each alarm that does not depend on `env`; also fails when there is no alarm.
fn check(deps: &Deps, env: &str, what: &str) -> Result<(), String> {
    if deps.is_empty() {
        return Err(format!("{what}: no alarm found"));
    }
    let missing: Vec<&String> = deps.iter().filter(|(_, d)| !d.contains(env)).map(|(a, _)| a).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: created without waiting for the environment ({env}): {missing:?}"))
    }
}

/// CloudFormation: each `AWS::CloudWatch::Alarm` -> its `DependsOn` (a string or a list).
fn cfn_alarm_deps(yaml: &str) -> Deps {
    let doc = support::cfn_yaml_to_json(yaml);
    let resources = doc["Resources"].as_object().unwrap_or_else(|| panic!("no Resources in\n{yaml}"));
    resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|(id, r)| {
            let deps = match &r["DependsOn"] {
                Value::String(s) => BTreeSet::from([s.clone()]),
                Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => BTreeSet::new(),
            };
            (id.clone(), deps)
        })
        .collect()
}

/// Terraform: each `aws_cloudwatch_metric_alarm` (in any module or file) -> the resource types
/// and names of its `depends_on` (`aws_mwaa_environment.x` -> `aws_mwaa_environment`), so that the
/// check holds whatever the environment's resource is named.
fn tf_alarm_deps(hcl_text: &str) -> Deps {
    let body: Body = hcl::from_str(hcl_text).unwrap_or_else(|e| panic!("the Terraform does not parse: {e}"));
    let mut out = Deps::new();
    for block in body.blocks().filter(|b| b.identifier.as_str() == "resource") {
        let labels: Vec<&str> = block.labels.iter().map(hcl::BlockLabel::as_str).collect();
        let [ty, name] = labels.as_slice() else { continue };
        if *ty != "aws_cloudwatch_metric_alarm" {
            continue;
        }
        let deps = block
            .body
            .attributes()
            .find(|a| a.key.as_str() == "depends_on")
            .map(|a| match &a.expr {
                Expression::Array(items) => items
                    .iter()
                    .filter_map(|i| match i {
                        Expression::Traversal(t) => match &t.expr {
                            Expression::Variable(v) => Some(v.as_str().to_owned()),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect(),
                _ => BTreeSet::new(),
            })
            .unwrap_or_default();
        out.insert((*name).to_owned(), deps);
    }
    out
}

/// CDK: each `const x = new cloudwatch.CfnAlarm(scope, 'Id', ...)` -> the construct ids of the
/// resources `x.addResourceDependency(y)` names; `env_class` is the L1 class of the environment.
fn cdk_alarm_deps(ts: &str) -> (Deps, String) {
    let decl =
        regex::Regex::new(r"(?m)^\s*(?:const\s+)?(?:this\.)?(\w+)\s*=\s*new\s+(\w+)\.(\w+)\(\s*\w+,\s*'([^']+)'")
            .unwrap_or_else(|e| panic!("{e}"));
    let dep = regex::Regex::new(r"(?m)^\s*(?:this\.)?(\w+)\.addResourceDependency\((?:this\.)?(\w+)\)")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ids: BTreeMap<String, (String, String)> = BTreeMap::new();
    for c in decl.captures_iter(ts) {
        ids.insert(c[1].to_owned(), (format!("{}.{}", &c[2], &c[3]), c[4].to_owned()));
    }
    let env = ids
        .values()
        .find(|(class, _)| class == "mwaa.CfnEnvironment")
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("no mwaa.CfnEnvironment in the CDK stack"));
    let mut out = Deps::new();
    for (class, id) in ids.values() {
        if class == "cloudwatch.CfnAlarm" {
            out.insert(id.clone(), BTreeSet::new());
        }
    }
    for c in dep.captures_iter(ts) {
        let (Some((class, from)), Some((_, to))) = (ids.get(&c[1]), ids.get(&c[2])) else { continue };
        if class == "cloudwatch.CfnAlarm" {
            out.entry(from.clone()).or_default().insert(to.clone());
        }
    }
    (out, env)
}

fn check_cfn(yaml: &str) -> Result<(), String> {
    check(&cfn_alarm_deps(yaml), "MwaaEnvironment", "CloudFormation")
}

fn check_tf(hcl_text: &str) -> Result<(), String> {
    check(&tf_alarm_deps(hcl_text), "aws_mwaa_environment", "Terraform")
}

fn check_cdk(ts: &str) -> Result<(), String> {
    let (deps, env) = cdk_alarm_deps(ts);
    check(&deps, &env, "CDK")
}

/// Terraform's files that hold resources, as one text (an HCL body per file, concatenated).
fn tf_text(ir: &mwaagen::ir::Ir) -> String {
    let files = render(ir, Target::Terraform).unwrap_or_else(|e| panic!("{}: {e}", ir.source_name));
    files.into_iter().filter(|f| f.path.ends_with(".tf")).map(|f| f.contents).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_alarm_waits_for_the_environment_in_every_target() {
    for (name, ir) in monitored_specs() {
        let alarms = ir.resources.iter().filter(|r| r.kind.tag() == "alarm").count();
        let cfn = text(&ir, Target::Cfn, "template.yaml");
        check_cfn(&cfn).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cfn_alarm_deps(&cfn).len(), alarms, "{name}: CloudFormation alarms");
        let tf = tf_text(&ir);
        check_tf(&tf).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tf_alarm_deps(&tf).len(), alarms, "{name}: Terraform alarms");
        let ts = text(&ir, Target::Cdk, ".ts");
        check_cdk(&ts).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cdk_alarm_deps(&ts).0.len(), alarms, "{name}: CDK alarms");
    }
}

#[test]
fn the_checker_fails_on_its_mutations() {
    let (name, ir) = monitored_specs().swap_remove(0);
    // CloudFormation: the heartbeat alarm's DependsOn dropped.
    let cfn = text(&ir, Target::Cfn, "template.yaml");
    let at = cfn.find("  SchedulerHeartbeatAlarm:\n").unwrap_or_else(|| panic!("{name}: no heartbeat alarm"));
    let mutated = format!("{}{}", &cfn[..at], cfn[at..].replacen("    DependsOn:\n      - MwaaEnvironment\n", "", 1));
    assert_ne!(mutated, cfn, "the CloudFormation mutation changed nothing");
    let err = check_cfn(&mutated).err().unwrap_or_else(|| panic!("{name}: CloudFormation mutation not caught"));
    assert!(err.contains("SchedulerHeartbeatAlarm"), "{err}");
    // Terraform: one alarm's depends_on pointed at the topic instead.
    let tf = tf_text(&ir);
    let block = tf.find("resource \"aws_cloudwatch_metric_alarm\"").unwrap_or_else(|| panic!("no alarm block"));
    let env_ref = regex::Regex::new(r"aws_mwaa_environment\.\w+").unwrap_or_else(|e| panic!("{e}"));
    let rest = env_ref.replace(&tf[block..], "aws_sns_topic.alarm_topic").into_owned();
    let mutated = format!("{}{rest}", &tf[..block]);
    assert_ne!(mutated, tf, "the Terraform mutation changed nothing");
    assert!(check_tf(&mutated).is_err(), "{name}: Terraform mutation not caught");
    // CDK: the dependency statements of the alarms removed.
    let ts = text(&ir, Target::Cdk, ".ts");
    let (deps, _) = cdk_alarm_deps(&ts);
    let first = deps.keys().next().unwrap_or_else(|| panic!("no CDK alarm"));
    let var = regex::Regex::new(&format!(
        r"(?m)^\s*(?:const\s+)?(?:this\.)?(\w+)\s*=\s*new\s+cloudwatch\.CfnAlarm\(\s*\w+,\s*'{first}'"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
    .captures(&ts)
    .map(|c| c[1].to_owned())
    .unwrap_or_else(|| panic!("no variable for {first}"));
    let mutated: String = ts
        .lines()
        .filter(|l| !l.trim_start().starts_with(&format!("{var}.addResourceDependency(")))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(mutated, ts, "the CDK mutation changed nothing");
    let err = check_cdk(&mutated).err().unwrap_or_else(|| panic!("{name}: CDK mutation not caught"));
    assert!(err.contains(first.as_str()), "{err}");
}
