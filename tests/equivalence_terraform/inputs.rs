//! The spec's inputs: symbolic on both sides, used and declared alike.

use super::*;

/// A spec whose only input is the bucket, so that the role mwaagen creates grants `BUCKET/*`: a
/// CloudFormation `!Join ["", [!Ref DagsBucketArn, "/*"]]`, a Terraform `"${var.dags_bucket_arn}/*"`.
const BUCKET_INPUT: &str = r#"version = 1

[environment]
name = "bucket-input"

[bucket]
existing_arn = { input = "dags_bucket_arn" }
"#;

fn bucket_input() -> Ir {
    let source = mwaagen::diagnostics::Source::from_bytes("bucket-input.toml", BUCKET_INPUT.as_bytes());
    mwaagen::compile(&source).unwrap_or_else(|d| panic!("{}", d.render(&source)))
}

/// Inputs stay symbolic on both sides and go to the same places: `var.NAME` is `!Ref Name`,
/// `var.subnets[0]` is `!Select [0, !Ref Subnets]`, `concat([sg], var.extra)` is the template's
/// Split/Join, `split(":", var.x)[5]` its `!Select [5, !Split [":", ...]]`, `"${var.x}/*"` its
/// `!Join ["", [...]]`; and each input is declared alike (kind, description, the AWS rule).
#[test]
fn inputs_go_to_the_same_places_and_are_declared_alike() {
    let (cfn, tf) = neutral_forms(&spec("inputs"), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    let names: Vec<&str> = tf.inputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["alarm_topic", "dags_bucket_arn", "extra_security_groups", "kms_key", "role_arn", "subnets", "vpc"]
    );
    for s in [&cfn, &tf] {
        let env = &s.resources["mwaa_environment"].props;
        assert_eq!(env["subnets"], json!(["${input:subnets[0]}", "${input:subnets[1]}"]));
        assert_eq!(
            env["security_groups"],
            json!({"concat": [["${ref:security_group.id}"], "${input:extra_security_groups}"]})
        );
        assert_eq!(s.resources["security_group"].props["vpc"], json!("${input:vpc}"));
        assert_eq!(
            s.outputs["bucket_name"]["value"],
            json!({"select": [5, {"split": [":", "${input:dags_bucket_arn}"]}]})
        );
        // A String parameter carries the rule; VPC ids are CloudFormation's own type.
        assert_eq!(s.inputs["dags_bucket_arn"]["rule"]["min"], json!(1));
    }
    assert_eq!(cfn.inputs["vpc"]["aws_type"], json!("AWS::EC2::VPC::Id"));
    assert_eq!(tf.inputs["vpc"]["rule"]["pattern"], json!("^vpc-[0-9a-f]{1,17}$"));

    let (cfn, tf) = neutral_forms(&spec("inputs-vpc"), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    assert_eq!(tf.inputs.keys().collect::<Vec<_>>(), ["internet_gateway", "vpc"]);

    let (cfn, tf) = neutral_forms(&bucket_input(), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    let policy =
        tf.resources.values().map(|r| r.props.values().map(Value::to_string).collect::<String>()).collect::<String>();
    assert!(policy.contains("\"${input:dags_bucket_arn}/*\""), "no BUCKET/* grant: {policy}");
}

#[test]
fn an_input_used_or_declared_otherwise_is_caught() {
    let ir = spec("inputs");
    let tf_edit = |path: &'static str, from: &'static str, to: &'static str| {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        differences(&cfn, &tf)
    };
    // Another subnet, a lost extra security group, another item of the split ARN.
    assert_caught(&tf_edit("mwaa.tf", "var.subnets[1]", "var.subnets[0]"), "mwaa_environment.subnets");
    assert_caught(&tf_edit("mwaa.tf", ", var.extra_security_groups)", ")"), "mwaa_environment.security_groups");
    assert_caught(
        &tf_edit("outputs.tf", "split(\":\", var.dags_bucket_arn)[5]", "split(\":\", var.dags_bucket_arn)[4]"),
        "output bucket_name",
    );
    // One input for another.
    assert_caught(&tf_edit("mwaa.tf", "var.role_arn", "var.kms_key"), "execution_role_arn");
    // The declaration: its rule (regular expression, bounds, message), its kind, its description.
    assert_caught(&tf_edit("variables.tf", "[a-z0-9.\\\\-]+$", "[a-z0-9.]+$"), "input dags_bucket_arn.rule");
    assert_caught(
        &tf_edit("variables.tf", "length(var.role_arn) <= 1224", "length(var.role_arn) <= 2048"),
        "input role_arn.rule",
    );
    assert_caught(&tf_edit("variables.tf", "(SNS API, CreateTopicInput.Name)", "(SNS)"), "input alarm_topic.rule");
    assert_caught(&tf_edit("variables.tf", "(the spec's input vpc,", "(the input vpc,"), "input vpc.description");
    // No validation at all, on a VPC id whose CloudFormation type has no rule of the template's.
    let text = render(&ir, Target::Terraform).expect("renders");
    let variables = &text.iter().find(|f| f.path == "modules/mwaa/variables.tf").expect("variables.tf").contents;
    let start = variables.find("  validation {\n    condition     = length(var.vpc)").expect("vpc validation");
    let end = start + variables[start..].find("\n  }\n").expect("end of the block") + 5;
    let block = variables[start..end].to_owned();
    assert_caught(&tf_edit("variables.tf", Box::leak(block.into_boxed_str()), ""), "input vpc: no validation");

    // The CloudFormation side: another Select index, the concatenation lost, another rule.
    let cfn_edit = |mutate: &dyn Fn(&mut Value)| {
        let (cfn, tf) = neutral_forms(&ir, |_| {}, |d| mutate(d));
        differences(&cfn, &tf)
    };
    assert_caught(
        &cfn_edit(&|d| d["Outputs"]["BucketName"]["Value"]["Fn::Select"][0] = json!(4)),
        "output bucket_name",
    );
    assert_caught(
        &cfn_edit(&|d| {
            let n = &mut d["Resources"]["MwaaEnvironment"]["Properties"]["NetworkConfiguration"];
            n["SecurityGroupIds"] = json!([{"Fn::GetAtt": ["SecurityGroup", "GroupId"]}]);
        }),
        "mwaa_environment.security_groups",
    );
    assert_caught(&cfn_edit(&|d| d["Parameters"]["KmsKey"]["MaxLength"] = json!(2048)), "input kms_key.rule");
    assert_caught(
        &cfn_edit(&|d| d["Parameters"]["Subnets"]["Type"] = json!("AWS::EC2::Subnet::Id")),
        "input subnets.kind",
    );

    // The `/*` grant of a role mwaagen creates for an input bucket.
    let ir = bucket_input();
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| edit_tf(f, "iam.tf", "\"${var.dags_bucket_arn}/*\"", "\"${var.dags_bucket_arn}/dags/*\""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "${input:dags_bucket_arn}/*");
}

/// The generated root declares each input of the module alike (type, description) and passes it
/// on under its name: what the caller gives is what the module checks and uses.
#[test]
fn the_root_forwards_every_input() {
    for name in ["inputs", "inputs-vpc"] {
        let files = render(&spec(name), Target::Terraform).expect("renders");
        let parse = |path: &str| {
            hcl::parse(&files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents)
                .expect("parses")
        };
        let declared = |body: &Body| -> BTreeMap<String, (String, String)> {
            body.blocks()
                .filter(|b| b.identifier.as_str() == "variable")
                .filter(|b| b.body.attributes().all(|a| a.key.as_str() != "default"))
                .map(|b| {
                    let attr = |k: &str| {
                        b.body
                            .attributes()
                            .find(|a| a.key.as_str() == k)
                            .map(|a| a.expr.to_string())
                            .unwrap_or_default()
                    };
                    (b.labels[0].as_str().to_owned(), (attr("type"), attr("description")))
                })
                .collect()
        };
        let module = declared(&parse("modules/mwaa/variables.tf"));
        let root = declared(&parse("variables.tf"));
        assert!(!module.is_empty(), "{name}: no inputs");
        assert_eq!(root, module, "{name}: the root declares the module's inputs alike");
        let main = parse("main.tf");
        let call = main.blocks().find(|b| b.identifier.as_str() == "module").expect("module call");
        for input in module.keys() {
            let passed = call.body.attributes().find(|a| a.key.as_str() == input).map(|a| a.expr.to_string());
            assert_eq!(passed, Some(format!("var.{input}")), "{name}: module.mwaa.{input}");
        }
    }
}
