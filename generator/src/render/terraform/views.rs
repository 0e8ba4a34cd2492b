//! The view of each resource that the templates read: the IR resource plus what only Terraform
//! needs (its `aws_*` type and address, the extra resources it becomes, `depends_on` as
//! addresses, name prefixes, policy attachments), what the configuration needs from data
//! sources, and the mock values of the generated `terraform test`.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde::Serialize;

use super::hcl::hcl_string;
use super::kinds::{file_of, tf_type};
use super::names::{old_name, part_name, tf_name, TfName};
use crate::ir::{Attr, Expr, Ir, Kind, Lifecycle, Part, Pseudo, Resource};

/// An IR resource with what the Terraform templates need besides it.
#[derive(Debug, Serialize)]
pub(super) struct View<'a> {
    #[serde(skip)]
    pub(super) r: &'a Resource,
    /// What the templates see of the resource: the resource itself, or its JSON with local values
    /// in place of what they hold (see [`super::locals::rewrite`]).
    #[serde(flatten)]
    shown: Shown<'a>,
    pub(super) tf: TfInfo,
}

#[derive(Debug)]
enum Shown<'a> {
    Resource(&'a Resource),
    Rewritten(serde_json::Value),
}

impl Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Resource(r) => r.serialize(s),
            Shown::Rewritten(v) => v.serialize(s),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub(super) struct TfInfo {
    /// The file the resource is written to (`network.tf`).
    pub(super) file: &'static str,
    /// `aws_subnet`.
    #[serde(rename = "type")]
    ty: &'static str,
    /// The resource's name (`private`, `this`), without the `for_each` key.
    pub(super) name: String,
    /// Its `for_each` key (`az1`), for a resource of a per-zone pair.
    pub(super) key: Option<String>,
    /// `aws_subnet.public["az1"]`.
    pub(super) address: String,
    /// `(old, new)` address of this resource and of each extra resource it becomes: earlier
    /// mwaagen output named them after the logical id (the root's `moved` blocks).
    pub(super) moved: Vec<(String, String)>,
    /// Terraform addresses this resource must be created after.
    depends_on: Vec<String>,
    /// `prevent_destroy` (the resource is retained where CloudFormation retains it).
    pub(super) retain: bool,
    /// With `retain`: this resource's address and those of the extra resources it becomes.
    retained_addresses: Vec<String>,
    /// `name_prefix`, for kinds that CloudFormation names on its own.
    name_prefix: Option<String>,
    /// Names of the extra resources this one becomes, by role (`versioning`, `egress_1`...).
    names: IndexMap<String, String>,
    /// The same extra resources as (type, name), policy attachments aside.
    #[serde(skip)]
    parts: Vec<(&'static str, String)>,
    /// Their names in earlier mwaagen output, in the same order as `parts`.
    #[serde(skip)]
    old_parts: Vec<String>,
    /// Policy attachments: to roles (`managed_policy`, and a role's managed policy ARNs) and groups.
    attachments: Vec<Attachment>,
    /// The policy document attribute and its statement ids, for the generated test.
    policy_sids: Option<PolicySids>,
    /// The environment's subnets that this configuration creates (addresses), for the generated test.
    subnets: Vec<String>,
    /// The `tags` argument as HCL (`local.tags`, `merge(local.tags, { Name = ... })`), if any.
    tags: Option<String>,
}

#[derive(Debug, Serialize)]
struct PolicySids {
    pub(super) attribute: &'static str,
    pub(super) sids: Vec<String>,
}

/// The `Sid` of every statement of a policy document, if each has one.
fn statement_ids(doc: &Expr) -> Option<Vec<String>> {
    let Expr::Map(m) = doc else { return None };
    let Some(Expr::List(statements)) = m.get("Statement") else { return None };
    statements
        .iter()
        .map(|s| match s {
            Expr::Map(s) => match s.get("Sid") {
                Some(Expr::Str(sid)) => Some(sid.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct Attachment {
    /// Terraform resource name.
    pub(super) name: String,
    /// Its name in earlier mwaagen output.
    #[serde(skip)]
    old_name: String,
    /// `role` or `group`.
    pub(super) to: &'static str,
    /// The role or group name.
    pub(super) target: Expr,
    /// The policy ARN.
    pub(super) policy_arn: Expr,
}

/// What the configuration needs from data sources.
#[derive(Debug, Default, Serialize)]
pub(super) struct DataUse {
    pub(super) region: bool,
    pub(super) account_id: bool,
    pub(super) partition: bool,
    pub(super) availability_zones: bool,
}

impl DataUse {
    pub(super) fn visit(&mut self, e: &Expr) {
        match e {
            Expr::Pseudo(p) => self.pseudo(*p),
            Expr::Sub(parts) => {
                for p in parts {
                    if let Part::Pseudo(ps) = p {
                        self.pseudo(*ps);
                    }
                }
            }
            Expr::Az(_) => self.availability_zones = true,
            Expr::Join { items, .. } | Expr::List(items) | Expr::Concat(items) => {
                items.iter().for_each(|i| self.visit(i))
            }
            Expr::Select { list: e, .. } | Expr::Split { of: e, .. } => self.visit(e),
            Expr::Map(m) => m.values().for_each(|v| self.visit(v)),
            Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Ref(_) | Expr::Input(_) => {}
        }
    }

    fn pseudo(&mut self, p: Pseudo) {
        match p {
            Pseudo::Region => self.region = true,
            Pseudo::AccountId => self.account_id = true,
            Pseudo::Partition => self.partition = true,
        }
    }
}

/// A name prefix that AWS completes with a 26-character suffix: `ENV-ROLE-` within `max` bytes.
fn name_prefix(env: &str, tf_name: &str, max: usize) -> String {
    let what = tf_name.replace('_', "-");
    let room = max.saturating_sub(what.len() + 2);
    let env: String = env.chars().take(room).collect();
    let env = env.trim_end_matches(['-', '_']);
    if env.is_empty() {
        format!("{what}-").chars().take(max).collect()
    } else {
        format!("{env}-{what}-")
    }
}

/// A `bucket_prefix` for an unnamed bucket: `airflow-ENV-`, lowercase, within the 37 characters
/// the provider allows (AWS appends 26).
#[must_use]
pub fn bucket_prefix(env: &str) -> String {
    let safe: String = env
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let mut prefix = format!("airflow-{safe}");
    prefix.truncate(36);
    let prefix = prefix.trim_end_matches('-');
    format!("{prefix}-")
}

/// Builds the views of the IR's resources (`rewritten[i]`, when set, is what the templates see of
/// resource `i`; see [`super::locals::rewrite`]): names, attachments and dependencies as Terraform
/// addresses.
pub(super) fn views(ir: &Ir, mut rewritten: Vec<Option<serde_json::Value>>) -> Vec<View<'_>> {
    let kind_of = |id: &str| ir.get(id).map(|r| r.kind.tag());
    let mut out: Vec<View<'_>> = Vec::new();
    rewritten.resize(ir.resources.len(), None);
    for (r, json) in ir.resources.iter().zip(rewritten) {
        let ty = tf_type(r.kind.tag()).unwrap_or("UNKNOWN_KIND");
        let TfName { name, key } = tf_name(r.kind.tag(), &r.id, ty);
        let address = TfName { name: name.clone(), key: key.clone() }.address(ty);
        let mut tf = TfInfo {
            file: file_of(&r.kind),
            ty,
            moved: vec![(format!("{ty}.{}", old_name(&r.id)), address.clone())],
            address,
            name,
            key,
            retain: r.lifecycle == Some(Lifecycle::Retain),
            tags: super::locals::tags_expr(ir, r.tags.as_ref()),
            ..TfInfo::default()
        };
        let n = &tf.name.clone();
        let old = &old_name(&r.id);
        let sids = |attribute, doc| statement_ids(doc).map(|sids| PolicySids { attribute, sids });
        tf.policy_sids = match &r.kind {
            Kind::ManagedPolicy { document, .. }
            | Kind::RolePolicy { document, .. }
            | Kind::BucketPolicy { document, .. } => sids("policy", document),
            Kind::VpcEndpoint { policy: Some(policy), .. } | Kind::KmsKey { policy, .. } => sids("policy", policy),
            Kind::SnsTopicPolicy { document, .. } => sids("policy", document),
            Kind::IamRole { assume_role_policy, .. } => sids("assume_role_policy", assume_role_policy),
            _ => None,
        };
        match &r.kind {
            Kind::MwaaEnvironment(m) => {
                tf.subnets = m
                    .subnet_ids
                    .iter()
                    .filter_map(|s| match s {
                        Expr::Ref(s) if kind_of(&s.id) == Some("subnet") => {
                            Some(tf_name("subnet", &s.id, "aws_subnet").address("aws_subnet"))
                        }
                        _ => None,
                    })
                    .collect();
            }
            // The VPC's default security group, emptied (Terraform only): it takes the VPC's name.
            Kind::Vpc { .. } => tf
                .moved
                .push((format!("aws_default_security_group.{old}_default"), format!("aws_default_security_group.{n}"))),
            Kind::SecurityGroup { egress, .. } => {
                for i in 1..=egress.len() {
                    let role = format!("egress_{i}");
                    tf.add_part(
                        role.clone(),
                        "aws_vpc_security_group_egress_rule",
                        part_name(n, &role),
                        format!("{old}_{role}"),
                    );
                }
            }
            Kind::Bucket { .. } => {
                for (role, ty) in [
                    ("versioning", "aws_s3_bucket_versioning"),
                    ("public_access_block", "aws_s3_bucket_public_access_block"),
                    ("encryption", "aws_s3_bucket_server_side_encryption_configuration"),
                    ("lifecycle", "aws_s3_bucket_lifecycle_configuration"),
                ] {
                    // Each part has a type of its own: it takes the bucket's name.
                    tf.add_part(role.to_owned(), ty, n.clone(), format!("{old}_{role}"));
                }
            }
            Kind::IamRole { managed_policy_arns, .. } => {
                tf.name_prefix = Some(name_prefix(&ir.environment_name, old, 38));
                for (i, arn) in managed_policy_arns.iter().enumerate() {
                    tf.attachments.push(Attachment {
                        name: part_name(n, &format!("managed_policy_{}", i + 1)),
                        old_name: format!("{old}_managed_policy_{}", i + 1),
                        to: "role",
                        target: r.attr(Attr::Id),
                        policy_arn: arn.clone(),
                    });
                }
            }
            Kind::ManagedPolicy { roles, groups, .. } => {
                tf.name_prefix = Some(name_prefix(&ir.environment_name, old, 102));
                for (i, role) in roles.iter().enumerate() {
                    let (name, old_name) = match role {
                        Expr::Ref(t) => (attachment_name(n, t), format!("{old}_{}", crate::ir::snake_case(&t.id))),
                        _ => (part_name(n, &format!("role_{}", i + 1)), format!("{old}_role_{}", i + 1)),
                    };
                    tf.attachments.push(Attachment {
                        name,
                        old_name,
                        to: "role",
                        target: role.clone(),
                        policy_arn: r.attr(Attr::Arn),
                    });
                }
                for (i, group) in groups.iter().enumerate() {
                    let (name, old_name) = match group {
                        Expr::Ref(t) => (attachment_name(n, t), format!("{old}_{}", crate::ir::snake_case(&t.id))),
                        _ => (part_name(n, &format!("group_{}", i + 1)), format!("{old}_group_{}", i + 1)),
                    };
                    tf.attachments.push(Attachment {
                        name,
                        old_name,
                        to: "group",
                        target: group.clone(),
                        policy_arn: r.attr(Attr::Arn),
                    });
                }
            }
            _ => {}
        }
        let moved: Vec<(String, String)> = tf
            .parts
            .iter()
            .zip(&tf.old_parts)
            .map(|((ty, new), old)| (format!("{ty}.{old}"), format!("{ty}.{new}")))
            .chain(tf.attachments.iter().map(|a| {
                let ty = attachment_type(a.to);
                (format!("{ty}.{}", a.old_name), format!("{ty}.{}", a.name))
            }))
            .collect();
        tf.moved.extend(moved);
        let shown = json.map_or(Shown::Resource(r), Shown::Rewritten);
        out.push(View { r, shown, tf });
    }

    // Dependencies, now that every resource's extra names are known.
    let addresses = |id: &str| -> Vec<String> {
        let Some(v) = out.iter().find(|v| v.r.id == id) else {
            return Vec::new();
        };
        match &v.r.kind {
            // A policy is in force once attached: depend on the attachments.
            Kind::ManagedPolicy { .. } if !v.tf.attachments.is_empty() => extra_addresses(v),
            _ => {
                let mut all = vec![v.tf.address.clone()];
                all.extend(extra_addresses(v));
                all
            }
        }
    };
    let mut deps: Vec<Vec<String>> = Vec::new();
    for v in &out {
        let mut d: Vec<String> = v.r.depends_on.iter().flat_map(|id| addresses(id)).collect();
        match &v.r.kind {
            // MWAA refuses a bucket without versioning and Block Public Access: CloudFormation has
            // them as properties of the bucket, Terraform as resources of their own.
            Kind::MwaaEnvironment(m) => {
                if let Expr::Ref(b) = &m.source_bucket_arn {
                    if kind_of(&b.id) == Some("bucket") {
                        let bucket = tf_name("bucket", &b.id, "aws_s3_bucket").name;
                        d.push(format!("aws_s3_bucket_versioning.{bucket}"));
                        d.push(format!("aws_s3_bucket_public_access_block.{bucket}"));
                    }
                }
            }
            // In CloudFormation the policy comes after the whole bucket, Block Public Access included.
            Kind::BucketPolicy { bucket: Expr::Ref(b), .. } if kind_of(&b.id) == Some("bucket") => {
                d.push(format!("aws_s3_bucket_public_access_block.{}", tf_name("bucket", &b.id, "aws_s3_bucket").name));
            }
            _ => {}
        }
        // `depends_on` names whole resources: a per-zone resource waits for both instances.
        for a in &mut d {
            if let Some(i) = a.find('[') {
                a.truncate(i);
            }
        }
        let mut seen = BTreeSet::new();
        d.retain(|a| seen.insert(a.clone()));
        deps.push(d);
    }
    for (v, d) in out.iter_mut().zip(deps) {
        v.tf.depends_on = d;
        if v.tf.retain {
            let mut all = vec![v.tf.address.clone()];
            all.extend(extra_addresses(v));
            v.tf.retained_addresses = all;
        }
    }
    out
}

/// Every Terraform resource type the views become.
pub(super) fn types_of(views: &[View<'_>]) -> BTreeSet<&'static str> {
    views.iter().flat_map(|v| std::iter::once(v.tf.ty).chain(extras(v).into_iter().map(|(ty, _)| ty))).collect()
}

/// Mock ARNs for the generated test, for the types whose ARN other resources pass to arguments
/// that the provider checks are ARNs.
const MOCK_ARNS: &[(&str, &str)] = &[
    ("aws_cloudwatch_log_group", "arn:aws:logs:us-east-1:123456789012:log-group:mock"),
    ("aws_iam_policy", "arn:aws:iam::123456789012:policy/mock"),
    ("aws_iam_role", "arn:aws:iam::123456789012:role/mock"),
    ("aws_kms_key", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"),
    ("aws_mwaa_environment", "arn:aws:airflow:us-east-1:123456789012:environment/mock"),
    ("aws_s3_bucket", "arn:aws:s3:::mock-bucket"),
    ("aws_sns_topic", "arn:aws:sns:us-east-1:123456789012:mock"),
];

/// One `mock_data` or `mock_resource` block of the generated test, with one default.
#[derive(Debug, Serialize)]
pub(super) struct Mock {
    pub(super) block: &'static str,
    #[serde(rename = "type")]
    pub(super) ty: &'static str,
    pub(super) attribute: &'static str,
    /// HCL text.
    pub(super) value: String,
}

/// The mocks the generated test needs: data sources the configuration reads, and ARNs.
pub(super) fn mocks(data: &DataUse, types: &BTreeSet<&'static str>, provider: super::provider::Features) -> Vec<Mock> {
    let mut out = Vec::new();
    let mut data_mock = |used: bool, ty, attribute, value: &str| {
        if used {
            out.push(Mock { block: "mock_data", ty, attribute, value: value.to_owned() });
        }
    };
    data_mock(
        data.availability_zones,
        "aws_availability_zones",
        "names",
        r#"["us-east-1a", "us-east-1b", "us-east-1c"]"#,
    );
    data_mock(data.account_id, "aws_caller_identity", "account_id", r#""123456789012""#);
    data_mock(data.partition, "aws_partition", "partition", r#""aws""#);
    let region_attribute = if provider.region_attribute { "region" } else { "name" };
    data_mock(data.region, "aws_region", region_attribute, r#""us-east-1""#);
    for (ty, arn) in MOCK_ARNS {
        if types.contains(ty) {
            out.push(Mock { block: "mock_resource", ty, attribute: "arn", value: hcl_string(arn) });
        }
    }
    out
}

impl TfInfo {
    pub(super) fn ty(&self) -> &'static str {
        self.ty
    }

    fn add_part(&mut self, role: String, ty: &'static str, name: String, old: String) {
        self.names.insert(role, name.clone());
        self.parts.push((ty, name));
        self.old_parts.push(old);
    }
}

/// The extra resources a view becomes, besides its primary one: (type, name).
fn extras(v: &View<'_>) -> Vec<(&'static str, String)> {
    let mut out = v.tf.parts.clone();
    out.extend(v.tf.attachments.iter().map(|a| (attachment_type(a.to), a.name.clone())));
    out
}

fn attachment_type(to: &str) -> &'static str {
    if to == "group" {
        "aws_iam_group_policy_attachment"
    } else {
        "aws_iam_role_policy_attachment"
    }
}

/// The attachment of policy `n` to the role or group `target`: `execution` when both have that
/// name, else `POLICY_TARGET`.
fn attachment_name(n: &str, target: &crate::ir::Ref) -> String {
    let t = tf_name(&target.kind, &target.id, tf_type(&target.kind).unwrap_or("UNKNOWN_KIND")).name;
    if t == n {
        n.to_owned()
    } else {
        format!("{n}_{t}")
    }
}

/// Addresses of the extra resources a view becomes.
fn extra_addresses(v: &View<'_>) -> Vec<String> {
    extras(v).into_iter().map(|(ty, name)| format!("{ty}.{name}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(bucket_prefix("dev_sandbox"), "airflow-dev-sandbox-");
        assert_eq!(bucket_prefix("Mwaa--Public"), "airflow-mwaa-public-");
        let long = bucket_prefix(&"a".repeat(80));
        assert!(long.len() <= 37 && long.ends_with("a-"), "{long}");
        assert_eq!(name_prefix("analytics-prod", "execution_role", 38), "analytics-prod-execution-role-");
        let p = name_prefix(&"x".repeat(80), "flow_logs_role", 38);
        assert!(p.len() <= 38 && p.ends_with("-flow-logs-role-"), "{p}");
    }
}
