//! The comparison of the two neutral forms, and the helpers the tests share.

use super::*;

/// Every difference between the two neutral forms, one line each.
pub(crate) fn differences(cfn: &Stack, tf: &Stack) -> Vec<String> {
    let mut out = Vec::new();
    let ids: BTreeSet<&String> = cfn.resources.keys().chain(tf.resources.keys()).collect();
    for id in ids {
        match (cfn.resources.get(id), tf.resources.get(id)) {
            (Some(c), Some(t)) => {
                if c.kind != t.kind {
                    out.push(format!("{id}: kind {} in CloudFormation, {} in Terraform", c.kind, t.kind));
                }
                let keys: BTreeSet<&String> = c.props.keys().chain(t.props.keys()).collect();
                for k in keys {
                    let (a, b) = (c.props.get(k), t.props.get(k));
                    if a != b {
                        out.push(format!(
                            "{id}.{k}: CloudFormation {} / Terraform {}",
                            a.map_or("(none)".into(), Value::to_string),
                            b.map_or("(none)".into(), Value::to_string)
                        ));
                    }
                }
            }
            (Some(_), None) => out.push(format!("{id}: only in CloudFormation")),
            (None, Some(_)) => out.push(format!("{id}: only in Terraform")),
            (None, None) => {}
        }
    }
    let params: BTreeSet<&String> = cfn.parameters.keys().chain(tf.parameters.keys()).collect();
    for n in params {
        let (a, b) = (cfn.parameters.get(n), tf.parameters.get(n));
        if a != b {
            out.push(format!(
                "parameter {n}: CloudFormation {} / Terraform {}",
                a.map_or("(none)".into(), Value::to_string),
                b.map_or("(none)".into(), Value::to_string)
            ));
        }
    }
    let names: BTreeSet<&String> = cfn.inputs.keys().chain(tf.inputs.keys()).collect();
    for n in names {
        let (Some(a), Some(b)) = (cfn.inputs.get(n), tf.inputs.get(n)) else {
            out.push(format!(
                "input {n}: only in {}",
                if cfn.inputs.contains_key(n) { "CloudFormation" } else { "Terraform" }
            ));
            continue;
        };
        for k in ["kind", "description"] {
            if a[k] != b[k] {
                out.push(format!("input {n}.{k}: CloudFormation {} / Terraform {}", a[k], b[k]));
            }
        }
        // Terraform checks every input with the AWS rule; CloudFormation a String parameter with
        // the same rule, and an AWS-specific type (`aws_type`) against the account instead.
        if b["rule"]["message"].as_str().map_or(true, str::is_empty) {
            out.push(format!("input {n}: no validation with a message in Terraform"));
        }
        if a.get("rule").is_some() && a["rule"] != b["rule"] {
            out.push(format!("input {n}.rule: CloudFormation {} / Terraform {}", a["rule"], b["rule"]));
        }
        if a.get("rule").is_none() && a.get("aws_type").is_none() {
            out.push(format!("input {n}: neither a rule nor an AWS-specific type in CloudFormation"));
        }
    }
    let names: BTreeSet<&String> = cfn.outputs.keys().chain(tf.outputs.keys()).collect();
    for n in names {
        let (a, b) = (cfn.outputs.get(n), tf.outputs.get(n));
        if a != b {
            out.push(format!(
                "output {n}: CloudFormation {} / Terraform {}",
                a.map_or("(none)".into(), Value::to_string),
                b.map_or("(none)".into(), Value::to_string)
            ));
        }
    }
    out
}

/// Both neutral forms of a spec, after `mutate_tf` and `mutate_cfn` had their way with the output.
pub(crate) fn neutral_forms(
    ir: &Ir,
    mutate_tf: impl FnOnce(&mut Vec<OutputFile>),
    mutate_cfn: impl FnOnce(&mut Value),
) -> (Stack, Stack) {
    neutral_forms_with(ir, &Passed::new(), mutate_tf, mutate_cfn)
}

/// The same, deployed with the values of `passed`.
pub(crate) fn neutral_forms_with(
    ir: &Ir,
    passed: &Passed,
    mutate_tf: impl FnOnce(&mut Vec<OutputFile>),
    mutate_cfn: impl FnOnce(&mut Value),
) -> (Stack, Stack) {
    let cfn_files = render(ir, Target::Cfn).expect("CloudFormation renders");
    let mut doc = support::cfn_yaml_to_json(&cfn_files[0].contents);
    mutate_cfn(&mut doc);
    // The module in flat form (for_each expanded, the names of earlier output, from the moved
    // blocks): tests/support/legacy.rs.
    let mut tf_files = support::legacy::legacy(&render(ir, Target::Terraform).expect("Terraform renders"));
    mutate_tf(&mut tf_files);
    (from_cfn_with(&doc, passed), from_terraform_with(&tf_files, passed))
}

pub(crate) fn spec(name: &str) -> Ir {
    support::compile_file(&support::root().join("specs").join(format!("{name}.toml")))
}

pub(crate) fn edit_tf(files: &mut [OutputFile], path: &str, from: &str, to: &str) {
    let f = files.iter_mut().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    assert!(f.contents.contains(from), "{path} has no {from:?}");
    f.contents = f.contents.replacen(from, to, 1);
}

/// Asserts that the mutation made the comparison fail, naming `expect`.
pub(crate) fn assert_caught(diffs: &[String], expect: &str) {
    assert!(
        diffs.iter().any(|d| d.contains(expect)),
        "a difference mentioning {expect:?} was expected, got {diffs:#?}"
    );
}
