//! CloudFormation YAML: scalar escaping and IR expressions as YAML with short-form intrinsics.
//!
//! Filters return text that starts with its own separator: `" value"` for inline values and
//! `"\n<indent>..."` for blocks, so that a template writes `Key:{{ v | cfn(indent=8) }}`.

use std::collections::HashMap;
use std::fmt::Write as _;

use tera::{Tera, Value};

use super::{expr_arg, usize_arg};
use crate::ir::{Attr, CfnResource, Expr, Ir, Lifecycle, Part, Prop, Pseudo, Ref, Suppression};

use super::{OutputFile, RenderError, Target};

/// The CloudFormation templates, embedded at build time: (name, text).
pub(crate) const TEMPLATES: &[(&str, &str)] =
    &[("cfn/template.yaml", include_str!("../../../templates/cfn/template.yaml.tera"))];

/// Renders the template: the file's structure comes from the template, each resource's
/// properties from its property tree ([`properties`]).
pub(crate) fn render(ir: &Ir) -> Result<Vec<OutputFile>, RenderError> {
    let resources = ir
        .resources
        .iter()
        .map(|r| {
            Ok(View {
                id: &r.id,
                cfn_type: resource_type(&r.cfn, &r.id)?,
                depends_on: &r.depends_on,
                lifecycle: r.lifecycle,
                suppressions: &r.suppressions,
                properties: properties(&r.cfn),
            })
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    let mut ctx = super::base_context(ir, Target::Cfn);
    ctx.insert("resources", &resources);
    ctx.insert("parameters", &parameters_section(ir));
    Ok(vec![OutputFile {
        path: "template.yaml".into(),
        contents: super::render_ctx(Target::Cfn, "cfn/template.yaml", &ctx)?,
    }])
}

/// The `Parameters` and `Conditions` sections (empty when the spec has neither inputs nor
/// unpinned object versions), each line starting with its line break. Written here rather than in
/// the template: parsing template text costs more than writing it (docs/performance.md).
fn parameters_section(ir: &Ir) -> String {
    let mut s = String::new();
    if ir.parameters.is_empty() && ir.inputs.is_empty() {
        return s;
    }
    if ir.inputs.is_empty() {
        s.push_str(
            "\n\n# Object versions that the spec does not pin: CI passes them at deploy time (--parameter-overrides);\n\
             # empty: not set.\nParameters:",
        );
    } else {
        s.push_str(
            "\n\nParameters:\n  # The spec's inputs: given at deploy time, with no default. An AWS-specific type where\n  \
             # CloudFormation has one (it checks the ids exist in the account and region), else a String with\n  \
             # the AWS rule mwaagen applies to a literal (CloudFormation user guide,\n  \
             # parameters-section-structure.html).",
        );
    }
    for i in &ir.inputs {
        let _ = write!(s, "\n  {}:\n    Type: {}\n    Description: {}", i.id, i.cfn_type, yaml_scalar(&i.description));
        if i.cfn_type == "String" {
            let _ = write!(
                s,
                "\n    AllowedPattern: {}\n    MinLength: {}\n    MaxLength: {}\n    ConstraintDescription: {}",
                yaml_scalar(&format!("^{}$", i.pattern)),
                i.min,
                i.max,
                yaml_scalar(&i.rule)
            );
        }
    }
    if !ir.parameters.is_empty() && !ir.inputs.is_empty() {
        s.push_str(
            "\n  # Object versions that the spec does not pin: CI passes them at deploy time\n  \
             # (--parameter-overrides); empty: not set.",
        );
    }
    for p in &ir.parameters {
        let default = p.default.as_deref().filter(|d| !d.is_empty()).map_or_else(|| "\"\"".to_owned(), yaml_scalar);
        let _ = write!(
            s,
            "\n  {}:\n    Type: String\n    Default: {default}\n    Description: {}",
            p.id,
            yaml_scalar(&p.description)
        );
    }
    if !ir.parameters.is_empty() {
        s.push_str("\n\nConditions:");
        for p in &ir.parameters {
            let _ = write!(s, "\n  {}: !Not [!Equals [!Ref {}, \"\"]]", p.condition, p.id);
        }
    }
    s
}

/// What the template reads of a resource.
#[derive(serde::Serialize)]
struct View<'a> {
    id: &'a str,
    cfn_type: &'static str,
    depends_on: &'a [String],
    lifecycle: Option<Lifecycle>,
    suppressions: &'a [Suppression],
    /// The `Properties` block's lines, each starting with a line break.
    properties: String,
}

/// The resource type, which lowering sets for every resource.
pub(crate) fn resource_type(cfn: &CfnResource, id: &str) -> Result<&'static str, RenderError> {
    if cfn.cfn_type.is_empty() {
        return Err(RenderError(format!("resource {id} has no CloudFormation type")));
    }
    Ok(cfn.cfn_type)
}

/// The lines of a resource's `Properties:` block (at indent 6).
#[must_use]
pub fn properties(cfn: &CfnResource) -> String {
    let mut out = String::new();
    for (name, value) in &cfn.properties {
        let _ = write!(out, "\n      {name}:{}", prop_block(value, 8));
    }
    out
}

/// A property value as the value part of `key:` whose nested lines are at `indent`.
fn prop_block(p: &Prop, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match p {
        Prop::Value(e) | Prop::Json(e) => block(e, indent),
        Prop::JsonText(e) => json_block(&e.json_text(), indent),
        Prop::IfSet(param) => format!(" !If [{}, !Ref {}, !Ref AWS::NoValue]", param.condition, param.id),
        Prop::Tags { tags, object: true } => {
            block(&Expr::Map(tags.iter().map(|(k, v)| (k.clone(), Expr::s(v.clone()))).collect()), indent)
        }
        Prop::Tags { tags, object: false } => block(
            &Expr::List(
                tags.iter()
                    .map(|(k, v)| {
                        Expr::Map(
                            [("Key".to_owned(), Expr::s(k.clone())), ("Value".to_owned(), Expr::s(v.clone()))]
                                .into_iter()
                                .collect(),
                        )
                    })
                    .collect(),
            ),
            indent,
        ),
        Prop::List(items) if items.is_empty() => " []".to_owned(),
        Prop::Object(fields) if fields.is_empty() => " {}".to_owned(),
        Prop::List(items) => {
            let mut out = String::new();
            for item in items {
                // A nested block starts on the dash's line.
                let b = prop_block(item, indent + 2);
                let b = b
                    .strip_prefix(&format!("\n{}", " ".repeat(indent + 2)))
                    .map_or(b.clone(), |rest| format!(" {rest}"));
                let _ = write!(out, "\n{pad}-{b}");
            }
            out
        }
        Prop::Object(fields) => {
            let mut out = String::new();
            for (k, v) in fields {
                let _ = write!(out, "\n{pad}{k}:{}", prop_block(v, indent + 2));
            }
            out
        }
    }
}

/// The CloudFormation resource type of an IR kind (`subnet` -> `AWS::EC2::Subnet`).
#[must_use]
pub fn cfn_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "vpc" => "AWS::EC2::VPC",
        "internet_gateway" => "AWS::EC2::InternetGateway",
        "vpc_gateway_attachment" => "AWS::EC2::VPCGatewayAttachment",
        "subnet" => "AWS::EC2::Subnet",
        "eip" => "AWS::EC2::EIP",
        "nat_gateway" => "AWS::EC2::NatGateway",
        "route_table" => "AWS::EC2::RouteTable",
        "route" => "AWS::EC2::Route",
        "subnet_route_table_association" => "AWS::EC2::SubnetRouteTableAssociation",
        "security_group" => "AWS::EC2::SecurityGroup",
        "security_group_ingress" => "AWS::EC2::SecurityGroupIngress",
        "network_acl" => "AWS::EC2::NetworkAcl",
        "network_acl_entry" => "AWS::EC2::NetworkAclEntry",
        "subnet_network_acl_association" => "AWS::EC2::SubnetNetworkAclAssociation",
        "vpc_endpoint" => "AWS::EC2::VPCEndpoint",
        "log_group" => "AWS::Logs::LogGroup",
        "flow_log" => "AWS::EC2::FlowLog",
        "iam_role" => "AWS::IAM::Role",
        "role_policy" => "AWS::IAM::RolePolicy",
        "managed_policy" => "AWS::IAM::ManagedPolicy",
        "bucket" => "AWS::S3::Bucket",
        "bucket_policy" => "AWS::S3::BucketPolicy",
        "kms_key" => "AWS::KMS::Key",
        "kms_alias" => "AWS::KMS::Alias",
        "mwaa_environment" => "AWS::MWAA::Environment",
        "sns_topic" => "AWS::SNS::Topic",
        "sns_subscription" => "AWS::SNS::Subscription",
        "sns_topic_policy" => "AWS::SNS::TopicPolicy",
        "alarm" => "AWS::CloudWatch::Alarm",
        "dashboard" => "AWS::CloudWatch::Dashboard",
        _ => return None,
    })
}

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("yaml_str", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("yaml_str expects a string, got {v}")))?;
        Ok(Value::String(yaml_scalar(s)))
    });
    tera.register_filter("cfn", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        Ok(Value::String(block(&e, usize_arg(args, "indent", 0))))
    });
}

/// YAML 1.1 words that a plain scalar would turn into a boolean or null.
const YAML_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// A YAML scalar for `s` that every YAML 1.1 and 1.2 parser reads back as exactly `s`:
/// plain for simple identifiers, double-quoted with escapes otherwise.
#[must_use]
pub fn yaml_scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./-:".contains(c))
        && !s.ends_with(':')
        && !YAML_WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_owned();
    }
    crate::quote::double_quoted(s, needs_escape, crate::quote::Hex::Upper)
}

/// Characters that YAML does not allow raw in a quoted scalar, or that some parsers treat as
/// line breaks or byte-order marks.
fn needs_escape(c: char) -> bool {
    let n = u32::from(c);
    n < 0x20 || (0x7f..=0x9f).contains(&n) || matches!(n, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff)
}

fn attr_name(a: Attr) -> &'static str {
    match a {
        Attr::Id => "Ref",
        Attr::Arn => "Arn",
        Attr::GroupId => "GroupId",
        Attr::AllocationId => "AllocationId",
        Attr::WebserverUrl => "WebserverUrl",
        Attr::DatabaseVpcEndpointService => "DatabaseVpcEndpointService",
        Attr::WebserverVpcEndpointService => "WebserverVpcEndpointService",
    }
}

fn pseudo_name(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Region => "AWS::Region",
        Pseudo::AccountId => "AWS::AccountId",
        Pseudo::Partition => "AWS::Partition",
    }
}

/// The `${...}` form of a reference inside `!Sub`.
fn sub_var(r: &Ref) -> String {
    match r.attr {
        Attr::Id => format!("${{{}}}", r.id),
        a => format!("${{{}.{}}}", r.id, attr_name(a)),
    }
}

/// The text of a `!Sub` template; literal `${` is written `${!` so it stays literal.
#[must_use]
pub fn sub_template(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Lit(t) => s.push_str(&t.replace("${", "${!")),
            Part::Pseudo(ps) => {
                let _ = write!(s, "${{{}}}", pseudo_name(*ps));
            }
            Part::Ref(r) => s.push_str(&sub_var(r)),
        }
    }
    s
}

/// An expression on one line (flow style), for scalars and intrinsic functions.
fn inline(e: &Expr) -> String {
    match e {
        Expr::Str(s) => yaml_scalar(s),
        Expr::Int(n) => n.to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Ref(r) if r.attr == Attr::Id => format!("!Ref {}", r.id),
        Expr::Ref(r) => format!("!GetAtt {}.{}", r.id, attr_name(r.attr)),
        Expr::Pseudo(p) => format!("!Ref {}", pseudo_name(*p)),
        Expr::Sub(parts) => format!("!Sub {}", yaml_scalar(&sub_template(parts))),
        Expr::Az(i) => format!("!Select [{i}, !GetAZs \"\"]"),
        Expr::Join { sep, items } => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("!Join [{}, [{}]]", yaml_scalar(sep), items.join(", "))
        }
        Expr::List(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Expr::Input(name) => format!("!Ref {}", crate::ir::input_id(name)),
        Expr::Select { index, list } => format!("!Select [{index}, {}]", inline(list)),
        Expr::Split { sep, of } => format!("!Split [{}, {}]", yaml_scalar(sep), inline(of)),
        // CloudFormation has no list concatenation: the ids are joined into one string and split
        // again (Fn::Join of a list parameter's Ref, then Fn::Split).
        Expr::Concat(lists) => {
            let mut items = Vec::new();
            for l in lists {
                match l {
                    Expr::List(xs) => items.extend(xs.iter().map(inline)),
                    other => items.push(format!("!Join [\",\", {}]", inline(other))),
                }
            }
            format!("!Split [\",\", !Join [\",\", [{}]]]", items.join(", "))
        }
        Expr::Map(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("{}: {}", yaml_scalar(k), inline(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// An expression as the value part of `key:` at `indent`: inline after a space, or as a block
/// on the following lines.
#[must_use]
pub fn block(e: &Expr, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match e {
        Expr::List(items) if !items.is_empty() => {
            let mut out = String::new();
            for item in items {
                let _ = write!(out, "\n{pad}-{}", list_item(item, indent + 2));
            }
            out
        }
        Expr::Map(m) if !m.is_empty() => {
            let mut out = String::new();
            for (k, v) in m {
                let _ = write!(out, "\n{pad}{}:{}", yaml_scalar(k), block(v, indent + 2));
            }
            out
        }
        _ => format!(" {}", inline(e)),
    }
}

/// A JSON text (from [`Expr::json_text`]) as the value of a property at `indent`: a literal block
/// scalar (`|-`), so that the document reads as JSON, unless its text holds a character a block
/// scalar cannot carry; then a quoted scalar.
fn json_block(text: &Expr, indent: usize) -> String {
    let (tag, body) = match text {
        Expr::Str(s) => ("", s.clone()),
        Expr::Sub(parts) => ("!Sub ", sub_template(parts)),
        other => return block(other, indent),
    };
    let printable = body.chars().all(|c| c == '\n' || !(c.is_control() || needs_escape(c)));
    if !printable || body.lines().any(|l| l.ends_with(' ') || l.is_empty()) {
        return format!(" {tag}{}", yaml_scalar(&body));
    }
    let pad = " ".repeat(indent);
    let mut out = format!(" {tag}|-");
    for line in body.lines() {
        let _ = write!(out, "\n{pad}{line}");
    }
    out
}

/// A sequence item: nested blocks start on the dash's line.
fn list_item(e: &Expr, indent: usize) -> String {
    match e {
        Expr::List(items) if !items.is_empty() => {
            let b = block(e, indent);
            b.replacen(&format!("\n{}", " ".repeat(indent)), " ", 1)
        }
        Expr::Map(m) if !m.is_empty() => {
            let b = block(e, indent);
            b.replacen(&format!("\n{}", " ".repeat(indent)), " ", 1)
        }
        _ => format!(" {}", inline(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(yaml_scalar("mw1.small"), "mw1.small");
        assert_eq!(yaml_scalar("kms:ViaService"), "kms:ViaService");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("10.0.0.0/16"), "\"10.0.0.0/16\"");
        assert_eq!(yaml_scalar("a \"b\"\n"), "\"a \\\"b\\\"\\n\"");
        assert_eq!(yaml_scalar(""), "\"\"");
        assert_eq!(yaml_scalar("\u{85}"), "\"\\u0085\"");
    }

    #[test]
    fn blocks() {
        let e = Expr::Map(
            [
                ("A".to_owned(), Expr::s("x")),
                (
                    "B".to_owned(),
                    Expr::List(vec![Expr::Map(
                        [("C".to_owned(), Expr::Int(1)), ("D".to_owned(), Expr::Bool(true))].into_iter().collect(),
                    )]),
                ),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(block(&e, 2), "\n  A: x\n  B:\n    - C: 1\n      D: true");
    }

    #[test]
    fn sub_escapes_literal_dollar_brace() {
        assert_eq!(sub_template(&[Part::Lit("a${b}".into()), Part::Pseudo(Pseudo::Region)]), "a${!b}${AWS::Region}");
    }
}
