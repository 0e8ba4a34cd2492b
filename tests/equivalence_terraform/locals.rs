//! Terraform's local values are evaluated, not trusted.

use super::*;

/// The local values are evaluated, not trusted: a wrong value in locals.tf, or a resource that
/// refers to the wrong one, shows up where it is used.
#[test]
fn wrong_local_values_are_caught_where_they_are_used() {
    let ir = spec("production");
    let cases: [(&str, &str, &str, &[&str]); 6] = [
        // A tag of the spec, on a resource with its own Name and on one without.
        (
            "locals.tf",
            "Team        = \"data-platform\"",
            "Team        = \"data-platforms\"",
            &["vpc.tags", "execution_role.tags", "mwaa_environment.tags"],
        ),
        // A resource's own Name tag.
        (
            "network.tf",
            "{ Name = \"analytics-prod public subnet (AZ1)\" }",
            "{ Name = \"x\" }",
            &["public_subnet_1.tags"],
        ),
        // The spec's tags without the resource's Name.
        (
            "network.tf",
            "merge(local.tags, { Name = \"analytics-prod private subnet (AZ2)\" })",
            "local.tags",
            &["private_subnet_2.tags"],
        ),
        // The environment's name in its ARN, which the trust and permissions policies name.
        (
            "locals.tf",
            "environment/${local.environment_name}",
            "environment/${local.environment_name}-2",
            &["execution_role.assume_role_policy", "execution_policy.policy"],
        ),
        ("locals.tf", "\"analytics-prod\"", "\"analytics-dev\"", &["mwaa_environment.name", "execution_policy.policy"]),
        // A deployment value read from the wrong data source attribute.
        (
            "locals.tf",
            "region     = data.aws_region.current.name",
            "region     = local.partition",
            &["execution_policy.policy"],
        ),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        let diffs = differences(&cfn, &tf);
        for e in expect {
            assert_caught(&diffs, e);
        }
    }
}

/// The evaluation of local values itself: nested locals, merge, and locals inside templates give
/// what the same configuration written without locals gives.
#[test]
fn locals_are_evaluated_as_terraform_does() {
    let with_locals = r#"
locals {
  region = data.aws_region.current.name
  name   = "a\"b$${c}%%{d}\\"
  arn    = "arn:${local.region}:x/${local.name}"
  tags   = { A = "1", B = "2" }
}

resource "aws_vpc" "v" {
  tags = merge(local.tags, { B = "3", Name = "n" })
  x    = local.arn
  y    = "${local.name}-${local.region}"
  z    = [local.region, "${aws_vpc.w.id}/${local.name}"]
}
"#;
    let without = r#"
resource "aws_vpc" "v" {
  tags = { A = "1", B = "3", Name = "n" }
  x    = "arn:${data.aws_region.current.name}:x/a\"b$${c}%%{d}\\"
  y    = "a\"b$${c}%%{d}\\-${data.aws_region.current.name}"
  z    = [data.aws_region.current.name, "${aws_vpc.w.id}/a\"b$${c}%%{d}\\"]
}
"#;
    let neutral = |text: &str| {
        let body = hcl::parse(text).expect("parses");
        let body = Locals::of([&body]).inline(&body);
        let block = body.blocks().find(|b| b.identifier.as_str() == "resource").expect("a resource");
        block.body.attributes().map(|a| (a.key.to_string(), tf_value(&a.expr))).collect::<BTreeMap<_, _>>()
    };
    let got = neutral(with_locals);
    assert_eq!(got, neutral(without));
    assert_eq!(got["x"], json!("arn:${pseudo:region}:x/a\"b$${c}%{d}\\"));
    for bad in [
        "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n",
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_vpc\" \"v\" {\n  x = local.a\n}\n",
        "resource \"aws_vpc\" \"v\" {\n  x = local.unset\n}\n",
        "locals {\n  a = \"s\"\n}\nresource \"aws_vpc\" \"v\" {\n  x = merge(local.a, {})\n}\n",
    ] {
        let body = hcl::parse(bad).expect("parses");
        let result = std::panic::catch_unwind(|| Locals::of([&body]).inline(&body));
        assert!(result.is_err(), "accepted: {bad}");
    }
}
