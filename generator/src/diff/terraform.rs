//! `mwaagen diff --target terraform`: the CloudFormation property paths and values of a diff in
//! Terraform's words (resource addresses, argument names, HCL values).
//!
//! Most arguments of the hashicorp/aws provider are the snake_case of the CloudFormation property
//! (`MinWorkers` -> `min_workers`, `NetworkConfiguration.SubnetIds` ->
//! `network_configuration.subnet_ids`); [`PLACES`] lists the ones that are not, and the properties
//! that Terraform holds in a resource of their own (the bucket's settings, the security group's
//! egress rules, policy attachments), as templates/terraform/resources.tf.tera writes them.

use serde_json::Value;

use crate::ir::{snake_case, Attr, Pseudo, Ref};
use crate::render::terraform::{hcl_string, pseudo, tf_type, traversal};

/// Where Terraform holds a top-level CloudFormation property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// An argument of the same resource, and how the path below it is written.
    Arg(&'static str, Below),
    /// A resource of its own: `TYPE.<name>SUFFIX` (the bucket's settings take the bucket's name,
    /// SUFFIX empty), the path below written as blocks.
    Part { ty: &'static str, suffix: &'static str },
    /// One resource per array item: `TYPE.<name>_SUFFIX<n>` for item n (1-based; `SUFFIX<n>`
    /// alone for a resource named `this`).
    PerItem { ty: &'static str, suffix: &'static str },
    /// Attachment resources of this type, one per role or group.
    Attachments(&'static str),
    /// Not written in Terraform, with the reason (the change does not reach Terraform).
    Absent(&'static str),
}

/// How the path below an argument is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Below {
    /// Nested blocks: keys in snake_case (`logging_configuration.task_logs.log_level`).
    Blocks,
    /// A `jsonencode()` document: keys as CloudFormation writes them (`policy.Statement[...]`).
    Json,
    /// A map of the user's keys: `["key"]`.
    Map,
    /// Tags: a map in Terraform, a list of Key/Value pairs in most CloudFormation types.
    Tags,
}

/// (CloudFormation type, top-level property, where Terraform holds it), where that is not the
/// snake_case of the property on the same resource. `*` stands for any type.
const PLACES: &[(&str, &str, Place)] = &[
    ("*", "Tags", Place::Arg("tags", Below::Tags)),
    ("*", "PolicyDocument", Place::Arg("policy", Below::Json)),
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", Place::Arg("assume_role_policy", Below::Json)),
    ("AWS::IAM::Role", "ManagedPolicyArns", Place::Attachments("aws_iam_role_policy_attachment")),
    ("AWS::IAM::ManagedPolicy", "Roles", Place::Attachments("aws_iam_role_policy_attachment")),
    ("AWS::IAM::ManagedPolicy", "Groups", Place::Attachments("aws_iam_group_policy_attachment")),
    ("AWS::IAM::RolePolicy", "RoleName", Place::Arg("role", Below::Blocks)),
    ("AWS::IAM::RolePolicy", "PolicyName", Place::Arg("name", Below::Blocks)),
    ("AWS::KMS::Key", "KeyPolicy", Place::Arg("policy", Below::Json)),
    ("AWS::KMS::Alias", "AliasName", Place::Arg("name", Below::Blocks)),
    ("AWS::Logs::LogGroup", "LogGroupName", Place::Arg("name", Below::Blocks)),
    ("AWS::EC2::FlowLog", "ResourceId", Place::Arg("vpc_id", Below::Blocks)),
    ("AWS::EC2::FlowLog", "LogGroupName", Place::Arg("log_destination", Below::Blocks)),
    ("AWS::EC2::FlowLog", "DeliverLogsPermissionArn", Place::Arg("iam_role_arn", Below::Blocks)),
    ("AWS::EC2::SecurityGroup", "GroupDescription", Place::Arg("description", Below::Blocks)),
    (
        "AWS::EC2::SecurityGroup",
        "SecurityGroupEgress",
        Place::PerItem { ty: "aws_vpc_security_group_egress_rule", suffix: "egress_" },
    ),
    ("AWS::EC2::SecurityGroupIngress", "GroupId", Place::Arg("security_group_id", Below::Blocks)),
    (
        "AWS::EC2::SecurityGroupIngress",
        "SourceSecurityGroupId",
        Place::Arg("referenced_security_group_id", Below::Blocks),
    ),
    ("AWS::EC2::SecurityGroupIngress", "CidrIp", Place::Arg("cidr_ipv4", Below::Blocks)),
    ("AWS::S3::Bucket", "BucketName", Place::Arg("bucket", Below::Blocks)),
    (
        "AWS::S3::Bucket",
        "BucketEncryption",
        Place::Part { ty: "aws_s3_bucket_server_side_encryption_configuration", suffix: "" },
    ),
    (
        "AWS::S3::Bucket",
        "LifecycleConfiguration",
        Place::Part { ty: "aws_s3_bucket_lifecycle_configuration", suffix: "" },
    ),
    ("AWS::S3::Bucket", "VersioningConfiguration", Place::Part { ty: "aws_s3_bucket_versioning", suffix: "" }),
    (
        "AWS::S3::Bucket",
        "PublicAccessBlockConfiguration",
        Place::Part { ty: "aws_s3_bucket_public_access_block", suffix: "" },
    ),
    ("AWS::S3::BucketPolicy", "Bucket", Place::Arg("bucket", Below::Blocks)),
    ("AWS::MWAA::Environment", "AirflowConfigurationOptions", Place::Arg("airflow_configuration_options", Below::Map)),
    (
        "AWS::MWAA::Environment",
        "WorkerReplacementStrategy",
        Place::Absent("hashicorp/aws 5.x has no argument for it (see the comment in mwaa.tf)"),
    ),
];

/// Nested CloudFormation keys whose Terraform block or argument is not their snake_case.
const NESTED: &[(&str, &str)] = &[
    ("ServerSideEncryptionConfiguration", "rule"),
    ("ServerSideEncryptionByDefault", "apply_server_side_encryption_by_default"),
    ("Rules", "rule"),
    ("CidrIp", "cidr_ipv4"),
    ("DestinationSecurityGroupId", "referenced_security_group_id"),
];

/// Where Terraform holds `property` of `cfn_type`.
#[must_use]
pub fn place(cfn_type: &str, property: &str) -> Place {
    PLACES
        .iter()
        .find(|(t, p, _)| *t == cfn_type && *p == property)
        .or_else(|| PLACES.iter().find(|(t, p, _)| *t == "*" && *p == property))
        .map_or(Place::Arg("", Below::Blocks), |(_, _, place)| *place)
}

/// The Terraform name of a nested key (`SSEAlgorithm` -> `sse_algorithm`).
#[must_use]
pub fn nested_key(key: &str) -> String {
    NESTED.iter().find(|(k, _)| *k == key).map_or_else(|| snake_case(key), |(_, tf)| (*tf).to_owned())
}

/// The Terraform address of an IR resource named `name` (`private["az1"]`) in the root
/// configuration: `module.mwaa.aws_subnet.private["az1"]`.
#[must_use]
pub fn address(kind: &str, name: &str) -> String {
    module_address(tf_type(kind).unwrap_or("unknown"), name)
}

/// `module.mwaa.TYPE.NAME`: where the root configuration holds the module's resources.
#[must_use]
pub fn module_address(ty: &str, name: &str) -> String {
    format!("module.mwaa.{ty}.{name}")
}

/// A CloudFormation value (long-form intrinsics) as HCL on one line. `kind_of` gives the IR kind
/// of a logical id (`None`: not a resource, so a parameter: `var.NAME`).
#[must_use]
pub fn value(v: &Value, kind_of: &dyn Fn(&str) -> Option<String>) -> String {
    match v {
        Value::String(s) => hcl_string(s),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(|i| value(i, kind_of)).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if super::template::is_intrinsic(v) => {
            let (f, arg) = m.iter().next().map_or(("", &Value::Null), |(k, a)| (k.as_str(), a));
            intrinsic(f, arg, kind_of)
        }
        Value::Object(m) => {
            let items: Vec<String> = m.iter().map(|(k, x)| format!("{} = {}", hcl_key(k), value(x, kind_of))).collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

fn hcl_key(k: &str) -> String {
    crate::render::terraform::hcl_key(k)
}

fn intrinsic(f: &str, arg: &Value, kind_of: &dyn Fn(&str) -> Option<String>) -> String {
    match (f, arg) {
        ("Ref", Value::String(name)) => reference(name, None, kind_of),
        ("Fn::GetAtt", Value::Array(parts)) => {
            let id = parts.first().and_then(Value::as_str).unwrap_or("");
            let attr = parts.get(1).and_then(Value::as_str).unwrap_or("");
            reference(id, Some(attr), kind_of)
        }
        ("Fn::Sub", Value::String(template)) => {
            let mut out = String::from("\"");
            let mut rest = template.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&unquoted(&rest[..start]));
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else {
                    rest = &rest[start..];
                    break;
                };
                let var = &after[..end];
                if let Some(lit) = var.strip_prefix('!') {
                    out.push_str(&unquoted(&format!("${{{lit}}}")));
                } else {
                    let (id, attr) = var.split_once('.').map_or((var, None), |(i, a)| (i, Some(a)));
                    out.push_str(&format!("${{{}}}", reference(id, attr, kind_of)));
                }
                rest = &after[end + 1..];
            }
            out.push_str(&unquoted(rest));
            out.push('"');
            out
        }
        ("Fn::Select", Value::Array(parts)) if parts.get(1).is_some_and(|p| p.get("Fn::GetAZs").is_some()) => {
            format!(
                "data.aws_availability_zones.available.names[{}]",
                parts.first().map_or_else(String::new, |i| i.to_string())
            )
        }
        ("Fn::Join", Value::Array(parts)) => {
            let sep = parts.first().map_or_else(|| "\"\"".to_owned(), |s| value(s, kind_of));
            let items = parts.get(1).map_or_else(|| "[]".to_owned(), |s| value(s, kind_of));
            format!("join({sep}, {items})")
        }
        (f, arg) => format!("{}({})", snake_case(f.trim_start_matches("Fn::")), value(arg, kind_of)),
    }
}

/// Literal text inside an HCL string: escaped as [`hcl_string`] escapes it, without the quotes.
fn unquoted(text: &str) -> String {
    let quoted = hcl_string(text);
    quoted[1..quoted.len() - 1].to_owned()
}

/// `!Ref X` / `!GetAtt X.A` in Terraform: a resource attribute, a pseudo parameter, or a variable.
fn reference(name: &str, attr: Option<&str>, kind_of: &dyn Fn(&str) -> Option<String>) -> String {
    let pseudo_param = match name {
        "AWS::Region" => Some(Pseudo::Region),
        "AWS::AccountId" => Some(Pseudo::AccountId),
        "AWS::Partition" => Some(Pseudo::Partition),
        _ => None,
    };
    if let Some(p) = pseudo_param {
        return pseudo(p).to_owned();
    }
    let Some(kind) = kind_of(name) else {
        return format!("var.{}", snake_case(name));
    };
    let attr = match attr {
        None => Attr::Id,
        Some("Arn") => Attr::Arn,
        Some("GroupId") => Attr::GroupId,
        Some("AllocationId") => Attr::AllocationId,
        Some("WebserverUrl") => Attr::WebserverUrl,
        Some(other) => return format!("{}.{}", address(&kind, &snake_case(name)), snake_case(other)),
    };
    traversal(&Ref { id: name.to_owned(), kind, attr })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind_of(id: &str) -> Option<String> {
        match id {
            "PrivateSubnet1" => Some("subnet".to_owned()),
            "EnvironmentBucket" => Some("bucket".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn values_in_hcl() {
        assert_eq!(value(&json!({"Ref": "PrivateSubnet1"}), &kind_of), "aws_subnet.private[\"az1\"].id");
        assert_eq!(
            value(&json!({"Fn::GetAtt": ["EnvironmentBucket", "Arn"]}), &kind_of),
            "aws_s3_bucket.environment.arn"
        );
        assert_eq!(value(&json!({"Ref": "PluginsS3ObjectVersion"}), &kind_of), "var.plugins_s3_object_version");
        assert_eq!(
            value(&json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${EnvironmentBucket}/*"}), &kind_of),
            "\"arn:${local.partition}:s3:::${aws_s3_bucket.environment.id}/*\""
        );
        assert_eq!(value(&json!(["a", 1, true]), &kind_of), "[\"a\", 1, true]");
    }

    #[test]
    fn places() {
        assert_eq!(place("AWS::MWAA::Environment", "MinWorkers"), Place::Arg("", Below::Blocks));
        assert_eq!(place("AWS::IAM::ManagedPolicy", "PolicyDocument"), Place::Arg("policy", Below::Json));
        assert_eq!(nested_key("SSEAlgorithm"), "sse_algorithm");
        assert_eq!(nested_key("ServerSideEncryptionByDefault"), "apply_server_side_encryption_by_default");
        assert_eq!(nested_key("DagProcessingLogs"), "dag_processing_logs");
    }
}
