//! Terraform HCL backend: the IR as a root module for hashicorp/aws 5.x.
//!
//! Templates under `templates/terraform/` write the blocks; this module gives them
//! - filters that escape strings and write IR expressions as HCL (`hcl_str`, `hcl`, `hcl_json`,
//!   `hcl_map`, `hcl_list`, `hcl_key`, `tf_comment`),
//! - a per-resource view with what only Terraform needs: the `aws_*` type, the names of the extra
//!   resources one IR resource becomes (bucket settings, rules, attachments) and `depends_on`
//!   as Terraform addresses,
//! - and [`align`], which lines up `=` signs exactly like `terraform fmt`, so that every generated
//!   file is already formatted.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;
use tera::{Tera, Value};

use super::{expr_arg, usize_arg, OutputFile, RenderError, Target};
use crate::ir::{Attr, Expr, Ir, Kind, Lifecycle, Part, Pseudo, Ref, Resource};

/// This backend's templates, embedded at build time: (name, text).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("terraform/macros.tera", include_str!("../../../templates/terraform/macros.tera")),
    ("terraform/versions.tf", include_str!("../../../templates/terraform/versions.tf.tera")),
    ("terraform/providers.tf", include_str!("../../../templates/terraform/providers.tf.tera")),
    ("terraform/variables.tf", include_str!("../../../templates/terraform/variables.tf.tera")),
    ("terraform/data.tf", include_str!("../../../templates/terraform/data.tf.tera")),
    ("terraform/resources.tf", include_str!("../../../templates/terraform/resources.tf.tera")),
    ("terraform/outputs.tf", include_str!("../../../templates/terraform/outputs.tf.tera")),
    ("terraform/tests/mwaa.tftest.hcl", include_str!("../../../templates/terraform/tests/mwaa.tftest.hcl.tera")),
    ("terraform/tests/release/main.tf", include_str!("../../../templates/terraform/tests/release/main.tf.tera")),
];

/// The provider version mwaagen generates for and tests with.
pub const TESTED_AWS_PROVIDER: &str = "5.100.0";

/// The oldest Terraform the generated configuration needs (the generated test needs 1.11).
pub const REQUIRED_TERRAFORM: &str = ">= 1.5.0";

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("hcl_str", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("hcl_str expects a string, got {v}")))?;
        Ok(Value::String(hcl_string(s)))
    });
    tera.register_filter("hcl_key", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("hcl_key expects a string, got {v}")))?;
        Ok(Value::String(hcl_key(s)))
    });
    tera.register_filter("tf_comment", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("tf_comment expects a string, got {v}")))?;
        Ok(Value::String(comment_text(s)))
    });
    tera.register_filter("hcl", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        let e = match args.get("attr").and_then(Value::as_str) {
            Some(a) => with_attr(e, a)?,
            None => e,
        };
        Ok(Value::String(expr(&e, usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_json", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        Ok(Value::String(format!("jsonencode({})", expr(&e, usize_arg(args, "indent", 0)))))
    });
    tera.register_filter("hcl_list", |v: &Value, args: &HashMap<String, Value>| {
        let items: Vec<Expr> = super::json_arg(v)?;
        Ok(Value::String(expr(&Expr::List(items), usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_map", |v: &Value, args: &HashMap<String, Value>| {
        let map: IndexMap<String, String> = super::json_arg(v)?;
        let e = Expr::Map(map.into_iter().map(|(k, v)| (k, Expr::Str(v))).collect());
        Ok(Value::String(expr(&e, usize_arg(args, "indent", 0))))
    });
}

// --- Strings ---------------------------------------------------------------------------------

/// A quoted HCL string literal that Terraform reads back as exactly `s`: quotes, backslashes and
/// control characters escaped, `${` and `%{` doubled so they stay literal text.
#[must_use]
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_template_text(&mut out, s, false);
    out.push('"');
    out
}

/// Appends `s` as literal text of a quoted template. With `ascii_only`, every non-ASCII
/// character is written as a `\u` escape too.
fn push_template_text(out: &mut String, s: &str, ascii_only: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if needs_escape(c) || (ascii_only && !c.is_ascii()) => {
                let n = u32::from(c);
                if n > 0xffff {
                    let _ = write!(out, "\\U{n:08X}");
                } else {
                    let _ = write!(out, "\\u{n:04X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// Characters written as `\u` escapes: control characters, and those that some tools treat as
/// line breaks or byte-order marks.
fn needs_escape(c: char) -> bool {
    let n = u32::from(c);
    n < 0x20 || (0x7f..=0x9f).contains(&n) || matches!(n, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff)
}

/// Words that an unquoted object key would not be read as literally.
const HCL_KEYWORDS: &[&str] = &["true", "false", "null", "for", "in", "if", "else", "endif", "endfor"];

/// An object key: bare when it is a plain identifier, otherwise quoted. A quoted key writes its
/// non-ASCII characters as escapes, so that its width in columns is its length in bytes, which is
/// what the `=` alignment of [`align`] counts (`terraform fmt` counts grapheme clusters).
#[must_use]
pub fn hcl_key(k: &str) -> String {
    let bare = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !HCL_KEYWORDS.contains(&k);
    if bare {
        return k.to_owned();
    }
    let mut out = String::with_capacity(k.len() + 2);
    out.push('"');
    push_template_text(&mut out, k, true);
    out.push('"');
    out
}

/// Text for a `#` comment: one line, no control characters.
fn comment_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || needs_escape(c) { ' ' } else { c }).collect()
}

// --- Expressions -----------------------------------------------------------------------------

/// The Terraform resource type of an IR kind (the primary one, when a kind becomes several).
#[must_use]
pub fn tf_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "vpc" => "aws_vpc",
        "internet_gateway" => "aws_internet_gateway",
        "vpc_gateway_attachment" => "aws_internet_gateway_attachment",
        "subnet" => "aws_subnet",
        "eip" => "aws_eip",
        "nat_gateway" => "aws_nat_gateway",
        "route_table" => "aws_route_table",
        "route" => "aws_route",
        "subnet_route_table_association" => "aws_route_table_association",
        "security_group" => "aws_security_group",
        "security_group_ingress" => "aws_vpc_security_group_ingress_rule",
        "network_acl" => "aws_network_acl",
        "network_acl_entry" => "aws_network_acl_rule",
        "subnet_network_acl_association" => "aws_network_acl_association",
        "vpc_endpoint" => "aws_vpc_endpoint",
        "log_group" => "aws_cloudwatch_log_group",
        "flow_log" => "aws_flow_log",
        "iam_role" => "aws_iam_role",
        "role_policy" => "aws_iam_role_policy",
        "managed_policy" => "aws_iam_policy",
        "bucket" => "aws_s3_bucket",
        "bucket_policy" => "aws_s3_bucket_policy",
        "kms_key" => "aws_kms_key",
        "kms_alias" => "aws_kms_alias",
        "mwaa_environment" => "aws_mwaa_environment",
        _ => return None,
    })
}

/// The Terraform attribute that holds what CloudFormation's `Ref` (IR [`Attr::Id`]) returns.
fn id_attribute(kind: &str) -> &'static str {
    match kind {
        "iam_role" | "log_group" | "kms_alias" => "name",
        "managed_policy" => "arn",
        "kms_key" => "key_id",
        "eip" => "public_ip",
        _ => "id",
    }
}

fn attribute(r: &Ref) -> &'static str {
    match r.attr {
        Attr::Id => id_attribute(&r.kind),
        Attr::Arn => "arn",
        Attr::GroupId => "id",
        Attr::AllocationId => "allocation_id",
        Attr::WebserverUrl => "webserver_url",
    }
}

/// Replaces the attribute of a reference (`attr="arn"` in a template).
fn with_attr(e: Expr, attr: &str) -> tera::Result<Expr> {
    let Expr::Ref(mut r) = e else {
        return Ok(e);
    };
    r.attr = match attr {
        "arn" => Attr::Arn,
        "id" => Attr::Id,
        other => return Err(tera::Error::msg(format!("hcl: unknown attr override {other:?}"))),
    };
    Ok(Expr::Ref(r))
}

/// `aws_subnet.private_subnet_1.id`.
pub(crate) fn traversal(r: &Ref) -> String {
    let ty = tf_type(&r.kind).unwrap_or("UNKNOWN_KIND");
    format!("{ty}.{}.{}", crate::ir::snake_case(&r.id), attribute(r))
}

pub(crate) fn pseudo(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Region => "data.aws_region.current.name",
        Pseudo::AccountId => "data.aws_caller_identity.current.account_id",
        Pseudo::Partition => "data.aws_partition.current.partition",
    }
}

/// An expression on one line, if it has one: everything but non-empty maps and long lists.
fn inline(e: &Expr) -> Option<String> {
    Some(match e {
        Expr::Str(s) => hcl_string(s),
        Expr::Int(n) => n.to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Ref(r) => traversal(r),
        Expr::Pseudo(p) => pseudo(*p).to_owned(),
        Expr::Sub(parts) => {
            let mut s = String::from("\"");
            for p in parts {
                match p {
                    Part::Lit(t) => push_template_text(&mut s, t, false),
                    Part::Pseudo(ps) => {
                        let _ = write!(s, "${{{}}}", pseudo(*ps));
                    }
                    Part::Ref(r) => {
                        let _ = write!(s, "${{{}}}", traversal(r));
                    }
                }
            }
            s.push('"');
            s
        }
        Expr::Az(i) => format!("data.aws_availability_zones.available.names[{i}]"),
        Expr::Join { sep, items } => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            format!("join({}, [{}])", hcl_string(sep), items?.join(", "))
        }
        Expr::List(items) => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            let text = format!("[{}]", items?.join(", "));
            if text.len() > MAX_INLINE_LIST {
                return None;
            }
            text
        }
        Expr::Map(m) if m.is_empty() => "{}".to_owned(),
        Expr::Map(_) => return None,
    })
}

/// Lists longer than this (as one line) are written one item per line.
const MAX_INLINE_LIST: usize = 64;

/// An expression as the value of an attribute whose line starts at `indent`: inline when it
/// fits, otherwise opening on this line and closing on its own line at `indent`.
#[must_use]
pub fn expr(e: &Expr, indent: usize) -> String {
    if let Some(s) = inline(e) {
        return s;
    }
    let pad = " ".repeat(indent);
    let inner = " ".repeat(indent + 2);
    match e {
        Expr::Map(m) => {
            let mut out = String::from("{\n");
            for (k, v) in m {
                let _ = writeln!(out, "{inner}{} = {}", hcl_key(k), expr(v, indent + 2));
            }
            out.push_str(&pad);
            out.push('}');
            out
        }
        Expr::List(items) => {
            let mut out = String::from("[\n");
            for item in items {
                let _ = writeln!(out, "{inner}{},", expr(item, indent + 2));
            }
            out.push_str(&pad);
            out.push(']');
            out
        }
        Expr::Join { sep, items } => {
            format!("join({}, {})", hcl_string(sep), expr(&Expr::List(items.clone()), indent))
        }
        // `inline` handles every other variant.
        _ => String::new(),
    }
}

// --- Alignment -------------------------------------------------------------------------------

/// Lines up the `=` of consecutive attribute lines the way `terraform fmt` does (hclwrite's
/// `formatCells`): a run of lines that each hold a complete `key = value` (the brackets after the
/// first `=` balance on the line) gets its `=` one space after the longest key; any other line
/// (blank, comment, block header, closing bracket, or an attribute whose value continues on the
/// next lines) ends the run. Keys are ASCII here (see [`hcl_key`]), so their width is their length.
#[must_use]
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let cells: Vec<Option<(usize, usize)>> = lines.iter().map(|l| assign_cell(l)).collect();
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    while i < lines.len() {
        if cells[i].is_none() {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cells[i].is_some() {
            i += 1;
        }
        let width = cells[start..i].iter().flatten().map(|(lead, _)| *lead).max().unwrap_or(0);
        for (line, cell) in lines[start..i].iter().zip(&cells[start..i]) {
            if let Some((lead, eq)) = cell {
                out.push_str(&line[..*lead]);
                out.push_str(&" ".repeat(width - lead + 1));
                out.push_str(&line[*eq..]);
                out.push('\n');
            }
        }
    }
    out.pop();
    out
}

/// For a line holding a complete `key = value`: (end of the key, byte offset of the `=`).
fn assign_cell(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    // Contexts: true = inside a quoted string's text, false = expression (top level or `${ }`).
    let mut stack: Vec<bool> = Vec::new();
    let mut in_string = false;
    let mut eq: Option<usize> = None;
    let mut net = 0i32;
    let mut i = first;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    if eq.is_some() {
                        net += 1;
                    }
                    stack.push(true);
                    in_string = false;
                    i += 1;
                }
                b'"' => in_string = stack.pop().unwrap_or(false),
                _ => {}
            }
        } else {
            match b {
                b'"' => {
                    stack.push(false);
                    in_string = true;
                }
                b'#' => break,
                b'/' if bytes.get(i + 1) == Some(&b'/') => break,
                b'{' | b'[' | b'(' => {
                    if eq.is_some() {
                        net += 1;
                    }
                    stack.push(false);
                }
                b'}' | b']' | b')' => {
                    if eq.is_some() {
                        net -= 1;
                    }
                    in_string = stack.pop().unwrap_or(false);
                }
                b'=' if eq.is_none() && i > first => {
                    let prev = bytes[i - 1];
                    let next = bytes.get(i + 1).copied();
                    if !matches!(prev, b'=' | b'!' | b'<' | b'>') && !matches!(next, Some(b'=' | b'>')) {
                        eq = Some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    let eq = eq?;
    if net != 0 {
        return None;
    }
    let lead = line[..eq].trim_end().len();
    Some((lead, eq))
}

// --- The view of each resource ---------------------------------------------------------------

/// An IR resource with what the Terraform templates need besides it.
#[derive(Debug, Serialize)]
struct View<'a> {
    #[serde(flatten)]
    r: &'a Resource,
    tf: TfInfo,
}

#[derive(Debug, Default, Serialize)]
struct TfInfo {
    /// The file the resource is written to (`network.tf`).
    file: &'static str,
    /// `aws_subnet`.
    #[serde(rename = "type")]
    ty: &'static str,
    /// `aws_subnet.public_subnet_1`.
    address: String,
    /// Terraform addresses this resource must be created after.
    depends_on: Vec<String>,
    /// `prevent_destroy` (the resource is retained where CloudFormation retains it).
    retain: bool,
    /// With `retain`: this resource's address and those of the extra resources it becomes.
    retained_addresses: Vec<String>,
    /// `name_prefix`, for kinds that CloudFormation names on its own.
    name_prefix: Option<String>,
    /// Names of the extra resources this one becomes, by role (`versioning`, `egress_1`...).
    names: IndexMap<String, String>,
    /// The same extra resources as (type, name), policy attachments aside.
    #[serde(skip)]
    parts: Vec<(&'static str, String)>,
    /// Policy attachments: to roles (`managed_policy`, and a role's managed policy ARNs) and groups.
    attachments: Vec<Attachment>,
    /// The policy document attribute and its statement ids, for the generated test.
    policy_sids: Option<PolicySids>,
    /// The environment's subnets that this configuration creates (addresses), for the generated test.
    subnets: Vec<String>,
}

#[derive(Debug, Serialize)]
struct PolicySids {
    attribute: &'static str,
    sids: Vec<String>,
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
    name: String,
    /// `role` or `group`.
    to: &'static str,
    /// The role or group name.
    target: Expr,
    /// The policy ARN.
    policy_arn: Expr,
}

/// Where each kind is written: files by concern.
fn file_of(kind: &Kind) -> &'static str {
    match kind {
        Kind::Vpc { .. }
        | Kind::InternetGateway
        | Kind::VpcGatewayAttachment { .. }
        | Kind::Subnet { .. }
        | Kind::Eip
        | Kind::NatGateway { .. }
        | Kind::RouteTable { .. }
        | Kind::Route { .. }
        | Kind::SubnetRouteTableAssociation { .. }
        | Kind::NetworkAcl { .. }
        | Kind::NetworkAclEntry { .. }
        | Kind::SubnetNetworkAclAssociation { .. } => "network.tf",
        Kind::VpcEndpoint { .. } => "endpoints.tf",
        Kind::SecurityGroup { .. } | Kind::SecurityGroupIngress { .. } => "security_group.tf",
        Kind::LogGroup { .. } | Kind::FlowLog { .. } => "logs.tf",
        Kind::KmsKey { .. } | Kind::KmsAlias { .. } => "kms.tf",
        Kind::Bucket { .. } | Kind::BucketPolicy { .. } => "s3.tf",
        Kind::IamRole { .. } | Kind::RolePolicy { .. } | Kind::ManagedPolicy { .. } => "iam.tf",
        Kind::MwaaEnvironment(_) => "mwaa.tf",
    }
}

/// The resource files, in the order they are written.
const RESOURCE_FILES: &[&str] =
    &["network.tf", "security_group.tf", "endpoints.tf", "logs.tf", "kms.tf", "s3.tf", "iam.tf", "mwaa.tf"];

/// What the configuration needs from data sources.
#[derive(Debug, Default, Serialize)]
struct DataUse {
    region: bool,
    account_id: bool,
    partition: bool,
    availability_zones: bool,
}

impl DataUse {
    fn visit(&mut self, e: &Expr) {
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
            Expr::Join { items, .. } | Expr::List(items) => items.iter().for_each(|i| self.visit(i)),
            Expr::Map(m) => m.values().for_each(|v| self.visit(v)),
            Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Ref(_) => {}
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

/// Builds the views: names, attachments and dependencies as Terraform addresses.
fn views(ir: &Ir) -> Vec<View<'_>> {
    let kind_of = |id: &str| ir.get(id).map(|r| r.kind.tag());
    let mut out: Vec<View<'_>> = Vec::new();
    for r in &ir.resources {
        let ty = tf_type(r.kind.tag()).unwrap_or("UNKNOWN_KIND");
        let mut tf = TfInfo {
            file: file_of(&r.kind),
            ty,
            address: format!("{ty}.{}", r.tf_name),
            retain: r.lifecycle == Some(Lifecycle::Retain),
            ..TfInfo::default()
        };
        let n = &r.tf_name;
        let sids = |attribute, doc| statement_ids(doc).map(|sids| PolicySids { attribute, sids });
        tf.policy_sids = match &r.kind {
            Kind::ManagedPolicy { document, .. }
            | Kind::RolePolicy { document, .. }
            | Kind::BucketPolicy { document, .. } => sids("policy", document),
            Kind::VpcEndpoint { policy, .. } | Kind::KmsKey { policy, .. } => sids("policy", policy),
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
                            Some(format!("aws_subnet.{}", crate::ir::snake_case(&s.id)))
                        }
                        _ => None,
                    })
                    .collect();
            }
            Kind::SecurityGroup { egress, .. } => {
                for i in 1..=egress.len() {
                    tf.add_part(format!("egress_{i}"), "aws_vpc_security_group_egress_rule", format!("{n}_egress_{i}"));
                }
            }
            Kind::Bucket { .. } => {
                for (role, ty) in [
                    ("versioning", "aws_s3_bucket_versioning"),
                    ("public_access_block", "aws_s3_bucket_public_access_block"),
                    ("encryption", "aws_s3_bucket_server_side_encryption_configuration"),
                    ("lifecycle", "aws_s3_bucket_lifecycle_configuration"),
                ] {
                    tf.add_part(role.to_owned(), ty, format!("{n}_{role}"));
                }
            }
            Kind::IamRole { managed_policy_arns, .. } => {
                tf.name_prefix = Some(name_prefix(&ir.environment_name, n, 38));
                for (i, arn) in managed_policy_arns.iter().enumerate() {
                    tf.attachments.push(Attachment {
                        name: format!("{n}_managed_policy_{}", i + 1),
                        to: "role",
                        target: r.attr(Attr::Id),
                        policy_arn: arn.clone(),
                    });
                }
            }
            Kind::ManagedPolicy { roles, groups, .. } => {
                tf.name_prefix = Some(name_prefix(&ir.environment_name, n, 102));
                for (i, role) in roles.iter().enumerate() {
                    let name = match role {
                        Expr::Ref(t) => format!("{n}_{}", crate::ir::snake_case(&t.id)),
                        _ => format!("{n}_role_{}", i + 1),
                    };
                    tf.attachments.push(Attachment {
                        name,
                        to: "role",
                        target: role.clone(),
                        policy_arn: r.attr(Attr::Arn),
                    });
                }
                for (i, group) in groups.iter().enumerate() {
                    let name = match group {
                        Expr::Ref(t) => format!("{n}_{}", crate::ir::snake_case(&t.id)),
                        _ => format!("{n}_group_{}", i + 1),
                    };
                    tf.attachments.push(Attachment {
                        name,
                        to: "group",
                        target: group.clone(),
                        policy_arn: r.attr(Attr::Arn),
                    });
                }
            }
            _ => {}
        }
        out.push(View { r, tf });
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
                        let bucket = crate::ir::snake_case(&b.id);
                        d.push(format!("aws_s3_bucket_versioning.{bucket}_versioning"));
                        d.push(format!("aws_s3_bucket_public_access_block.{bucket}_public_access_block"));
                    }
                }
            }
            // In CloudFormation the policy comes after the whole bucket, Block Public Access included.
            Kind::BucketPolicy { bucket: Expr::Ref(b), .. } if kind_of(&b.id) == Some("bucket") => {
                d.push(format!(
                    "aws_s3_bucket_public_access_block.{}_public_access_block",
                    crate::ir::snake_case(&b.id)
                ));
            }
            _ => {}
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
fn types_of(views: &[View<'_>]) -> BTreeSet<&'static str> {
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
];

/// One `mock_data` or `mock_resource` block of the generated test, with one default.
#[derive(Debug, Serialize)]
struct Mock {
    block: &'static str,
    #[serde(rename = "type")]
    ty: &'static str,
    attribute: &'static str,
    /// HCL text.
    value: String,
}

/// The mocks the generated test needs: data sources the configuration reads, and ARNs.
fn mocks(data: &DataUse, types: &BTreeSet<&'static str>) -> Vec<Mock> {
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
    data_mock(data.region, "aws_region", "name", r#""us-east-1""#);
    for (ty, arn) in MOCK_ARNS {
        if types.contains(ty) {
            out.push(Mock { block: "mock_resource", ty, attribute: "arn", value: hcl_string(arn) });
        }
    }
    out
}

impl TfInfo {
    fn add_part(&mut self, role: String, ty: &'static str, name: String) {
        self.names.insert(role, name.clone());
        self.parts.push((ty, name));
    }
}

/// The extra resources a view becomes, besides its primary one: (type, name).
fn extras(v: &View<'_>) -> Vec<(&'static str, String)> {
    let mut out = v.tf.parts.clone();
    out.extend(v.tf.attachments.iter().map(|a| {
        let ty = if a.to == "group" { "aws_iam_group_policy_attachment" } else { "aws_iam_role_policy_attachment" };
        (ty, a.name.clone())
    }));
    out
}

/// Addresses of the extra resources a view becomes.
fn extra_addresses(v: &View<'_>) -> Vec<String> {
    extras(v).into_iter().map(|(ty, name)| format!("{ty}.{name}")).collect()
}

// --- Provider version constraint -------------------------------------------------------------

type Version = (u64, u64, u64);

/// One condition of a version constraint: (operator, version, number of parts written).
fn parse_condition(c: &str) -> Option<(&str, Version, usize)> {
    let c = c.trim();
    let op = ["~>", ">=", "<=", "!=", ">", "<", "="].into_iter().find(|op| c.starts_with(op)).unwrap_or("");
    let parts: Vec<u64> = c[op.len()..].trim().split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let get = |i: usize| parts.get(i).copied().unwrap_or(0);
    Some((if op.is_empty() { "=" } else { op }, (get(0), get(1), get(2)), parts.len()))
}

fn satisfies(v: Version, op: &str, c: Version, parts: usize) -> bool {
    match op {
        "=" => v == c,
        "!=" => v != c,
        ">" => v > c,
        ">=" => v >= c,
        "<" => v < c,
        "<=" => v <= c,
        // `~> 5` and `~> 5.1`: same major; `~> 5.1.2`: same minor.
        _ => v >= c && if parts == 3 { (v.0, v.1) == (c.0, c.1) } else { v.0 == c.0 },
    }
}

/// Whether `v` meets every condition of `constraint` (`None` if it cannot be parsed).
fn admits(constraint: &str, v: Version) -> Option<bool> {
    let conds: Vec<_> = constraint.split(',').map(parse_condition).collect::<Option<_>>()?;
    Some(conds.iter().all(|(op, c, parts)| satisfies(v, op, *c, *parts)))
}

/// The highest major version [`admitted_majors`] looks at.
const MAX_MAJOR: u64 = 20;

/// The major versions (1..=[`MAX_MAJOR`]) that `constraint` admits some version of.
fn admitted_majors(constraint: &str) -> Option<Vec<u64>> {
    let conds: Vec<_> = constraint.split(',').map(parse_condition).collect::<Option<_>>()?;
    // The admitted set is an intersection of intervals minus points: if it holds a version of a
    // major, it holds one of these candidates.
    let mut candidates: Vec<Version> = Vec::new();
    for (_, c, _) in &conds {
        candidates.extend([*c, (c.0, c.1, c.2 + 1), (c.0, c.1 + 1, 0)]);
    }
    Some(
        (1..=MAX_MAJOR)
            .filter(|m| {
                candidates
                    .iter()
                    .chain(&[(*m, 0, 0), (*m, 0, 1)])
                    .any(|v| v.0 == *m && conds.iter().all(|(op, c, parts)| satisfies(*v, op, *c, *parts)))
            })
            .collect(),
    )
}

/// The comment above the provider constraint in `versions.tf`.
fn provider_note(constraint: &str) -> Vec<String> {
    let tested: Version = (5, 100, 0);
    let majors = admitted_majors(constraint).unwrap_or_default();
    let list: Vec<String> = majors.iter().map(|m| format!("{m}.x")).collect();
    let mut lines = vec![match list.as_slice() {
        [] => "It admits no provider version.".to_owned(),
        [one] => format!("It admits provider {one} only."),
        [first, .., last] if majors.last() == Some(&MAX_MAJOR) => {
            format!("It admits provider {first} and every later major version up to {last} and beyond.")
        }
        [init @ .., last] => format!("It admits provider {} and {last}.", init.join(", ")),
    }];
    lines
        .push(format!("Written for the aws_* resources of provider 5.x; mwaagen tests it with {TESTED_AWS_PROVIDER}."));
    if admits(constraint, tested) != Some(true) {
        lines.push(format!("WARNING: this constraint excludes {TESTED_AWS_PROVIDER}, the version mwaagen tests with."));
    }
    lines
}

// --- Rendering -------------------------------------------------------------------------------

/// Renders the IR into this target's files.
///
/// # Errors
/// A [`RenderError`] if a template fails or the IR holds a kind this backend does not know.
pub(crate) fn render(ir: &Ir) -> Result<Vec<OutputFile>, RenderError> {
    if let Some(r) = ir.resources.iter().find(|r| tf_type(r.kind.tag()).is_none()) {
        return Err(RenderError(format!("terraform: no resource type for kind {:?} of {}", r.kind.tag(), r.id)));
    }
    // References name their target by logical id; the Terraform name must follow from it.
    if let Some(r) = ir.resources.iter().find(|r| r.tf_name != crate::ir::snake_case(&r.id)) {
        return Err(RenderError(format!(
            "terraform: {} is named {}, not {}",
            r.id,
            r.tf_name,
            crate::ir::snake_case(&r.id)
        )));
    }
    let views = views(ir);
    let mut data = DataUse::default();
    for r in &ir.resources {
        for e in r.kind.exprs() {
            data.visit(e);
        }
    }
    for o in &ir.outputs {
        data.visit(&o.value);
    }
    let retained: Vec<&View<'_>> = views.iter().filter(|v| v.tf.retain).collect();
    let mocks = mocks(&data, &types_of(&views));
    let needs_region_variable = ir.region.is_none();

    let mut ctx = super::base_context(ir, Target::Terraform);
    ctx.insert("views", &views);
    ctx.insert("data", &data);
    ctx.insert("region_variable", &needs_region_variable);
    ctx.insert("bucket_prefix", &bucket_prefix(&ir.environment_name));
    ctx.insert("provider_note", &provider_note(&ir.terraform_aws_provider));
    ctx.insert("required_terraform", REQUIRED_TERRAFORM);
    ctx.insert("retained", &retained);
    ctx.insert("mocks", &mocks);
    let render = |template: &str, ctx: &tera::Context| -> Result<String, RenderError> {
        let text = super::render_ctx(Target::Terraform, template, ctx)?;
        Ok(align(text.trim_end()) + "\n")
    };
    let mut files = Vec::new();
    let mut add = |path: &str, contents: String| files.push(OutputFile { path: path.to_owned(), contents });

    add("versions.tf", render("terraform/versions.tf", &ctx)?);
    add("providers.tf", render("terraform/providers.tf", &ctx)?);
    if needs_region_variable {
        add("variables.tf", render("terraform/variables.tf", &ctx)?);
    }
    if data.region || data.account_id || data.partition || data.availability_zones {
        add("data.tf", render("terraform/data.tf", &ctx)?);
    }
    for file in RESOURCE_FILES {
        if !views.iter().any(|v| v.tf.file == *file) {
            continue;
        }
        ctx.insert("file", file);
        add(file, render("terraform/resources.tf", &ctx)?);
    }
    ctx.remove("file");
    add("outputs.tf", render("terraform/outputs.tf", &ctx)?);
    add("tests/mwaa.tftest.hcl", render("terraform/tests/mwaa.tftest.hcl", &ctx)?);
    if !retained.is_empty() {
        add("tests/release/main.tf", render("terraform/tests/release/main.tf", &ctx)?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_hcl_would_read_otherwise() {
        assert_eq!(hcl_string("plain"), "\"plain\"");
        assert_eq!(hcl_string("a${b}"), "\"a$${b}\"");
        assert_eq!(hcl_string("a%{b}"), "\"a%%{b}\"");
        assert_eq!(hcl_string("$${"), "\"$$${\"");
        assert_eq!(hcl_string("$ % $$ %%"), "\"$ % $$ %%\"");
        assert_eq!(hcl_string("q\"b\\n\nt\tr\r"), "\"q\\\"b\\\\n\\nt\\tr\\r\"");
        assert_eq!(hcl_string("é😀"), "\"é😀\"");
        assert_eq!(hcl_string("\u{1}\u{85}\u{2028}"), "\"\\u0001\\u0085\\u2028\"");
    }

    /// Every hostile string survives a round trip through a real HCL parser.
    #[test]
    fn strings_round_trip_through_hcl() {
        let hostile = [
            "plain",
            "${var.x}",
            "%{ if true }x%{ endif }",
            "$${already}",
            "$$${",
            "a$",
            "%",
            "q\"uote",
            "back\\slash\\",
            "new\nline\r\n",
            "tab\tx",
            "`backtick`",
            "é 漢字 😀 E\u{301}",
            "\u{0}\u{1f}\u{7f}\u{85}\u{2028}\u{feff}",
            "",
        ];
        for s in hostile {
            // As an attribute value, and as an object key.
            let text = format!("a = {}\nb = {{\n  {} = 1\n}}\n", hcl_string(s), hcl_key(s));
            let value: serde_json::Value = hcl::from_str(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(value["a"], serde_json::json!(s), "{text}");
            assert_eq!(value["b"], serde_json::json!({ s: 1 }), "{text}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(hcl_key("Version"), "Version");
        assert_eq!(hcl_key("aws:SourceAccount"), "\"aws:SourceAccount\"");
        assert_eq!(hcl_key("core.parallelism"), "\"core.parallelism\"");
        assert_eq!(hcl_key("null"), "\"null\"");
        assert_eq!(hcl_key("Équipe"), "\"\\u00C9quipe\"");
        assert_eq!(hcl_key("1a"), "\"1a\"");
    }

    fn r(kind: &str, id: &str, attr: Attr) -> Expr {
        Expr::Ref(Ref { id: id.into(), kind: kind.into(), attr })
    }

    #[test]
    fn references() {
        assert_eq!(expr(&r("iam_role", "ExecutionRole", Attr::Id), 0), "aws_iam_role.execution_role.name");
        assert_eq!(expr(&r("iam_role", "ExecutionRole", Attr::Arn), 0), "aws_iam_role.execution_role.arn");
        assert_eq!(expr(&r("managed_policy", "ExecutionPolicy", Attr::Id), 0), "aws_iam_policy.execution_policy.arn");
        assert_eq!(expr(&r("kms_key", "EnvironmentKey", Attr::Id), 0), "aws_kms_key.environment_key.key_id");
        assert_eq!(
            expr(&r("security_group", "SecurityGroup", Attr::GroupId), 0),
            "aws_security_group.security_group.id"
        );
        assert_eq!(expr(&r("eip", "NatGateway1EIP", Attr::AllocationId), 0), "aws_eip.nat_gateway_1_eip.allocation_id");
        assert_eq!(expr(&Expr::Az(1), 0), "data.aws_availability_zones.available.names[1]");
        let sub = Expr::Sub(vec![
            Part::Lit("arn:".into()),
            Part::Pseudo(Pseudo::Partition),
            Part::Lit(":s3:::${x}/".into()),
            Part::Ref(Ref { id: "B".into(), kind: "bucket".into(), attr: Attr::Id }),
        ]);
        assert_eq!(expr(&sub, 0), "\"arn:${data.aws_partition.current.partition}:s3:::$${x}/${aws_s3_bucket.b.id}\"");
        let join = Expr::Join { sep: ",".into(), items: vec![r("subnet", "A", Attr::Id), Expr::s("b")] };
        assert_eq!(expr(&join, 0), "join(\",\", [aws_subnet.a.id, \"b\"])");
    }

    #[test]
    fn documents_open_and_close_at_their_indent() {
        let doc = Expr::Map(IndexMap::from([
            ("Version".to_owned(), Expr::s("2012-10-17")),
            (
                "Statement".to_owned(),
                Expr::List(vec![Expr::Map(IndexMap::from([
                    ("Action".to_owned(), Expr::strs(["a:B"])),
                    ("Condition".to_owned(), Expr::Map(IndexMap::new())),
                ]))]),
            ),
        ]));
        assert_eq!(
            expr(&doc, 2),
            "{\n    Version = \"2012-10-17\"\n    Statement = [\n      {\n        Action = [\"a:B\"]\n        Condition = {}\n      },\n    ]\n  }"
        );
        let long = Expr::strs(["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:X"]);
        assert_eq!(
            expr(&long, 0),
            "[\n  \"logs:CreateLogStream\",\n  \"logs:CreateLogGroup\",\n  \"logs:PutLogEvents\",\n  \"logs:X\",\n]"
        );
    }

    /// Cases checked with `terraform fmt` 1.11.4: input -> what fmt writes.
    #[test]
    fn alignment_matches_terraform_fmt() {
        let cases = [
            // A run of attributes, broken by a comment line, a nested block and a blank line.
            (
                "a {\n  #c\n  ab = 1\n  abcd = \"x = y\"\n  # note\n  x = 2\n  long_name = 3\n  b {\n    c = 1\n  }\n  d = 1\n\n  efg = 2\n}",
                "a {\n  #c\n  ab   = 1\n  abcd = \"x = y\"\n  # note\n  x         = 2\n  long_name = 3\n  b {\n    c = 1\n  }\n  d = 1\n\n  efg = 2\n}",
            ),
            // A multi-line value ends the run; its inner lines form their own runs.
            (
                "r {\n  name = 1\n  policy = jsonencode({\n    Version = \"1\"\n    Statement = [\n      {\n        Sid = \"A\"\n        Effect = \"B\"\n      },\n    ]\n  })\n  description = \"y\"\n  permissions_boundary = \"z\"\n}",
                "r {\n  name = 1\n  policy = jsonencode({\n    Version = \"1\"\n    Statement = [\n      {\n        Sid    = \"A\"\n        Effect = \"B\"\n      },\n    ]\n  })\n  description          = \"y\"\n  permissions_boundary = \"z\"\n}",
            ),
            // Quoted keys, brackets and `=` inside strings and interpolations, `==` in a condition.
            (
                "m = {\n  \"a:b\" = \"${x[0]}{\"\n  k = \"}=\"\n  \"\\u00C9\" = 1\n}\nassert {\n  condition = a == b\n  error_message = \"x\"\n}",
                "m = {\n  \"a:b\"    = \"${x[0]}{\"\n  k        = \"}=\"\n  \"\\u00C9\" = 1\n}\nassert {\n  condition     = a == b\n  error_message = \"x\"\n}",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(align(input), want, "input:\n{input}");
        }
    }

    #[test]
    fn constraints() {
        assert_eq!(admitted_majors(">= 5.0, < 7.0"), Some(vec![5, 6]));
        assert_eq!(admitted_majors("~> 5.100"), Some(vec![5]));
        assert_eq!(admitted_majors("~> 5.100.0"), Some(vec![5]));
        assert_eq!(admitted_majors(">= 5.50"), Some((5..=20).collect()));
        assert_eq!(admitted_majors("= 4.67.0"), Some(vec![4]));
        assert_eq!(admitted_majors("> 5.0, < 5.0"), Some(vec![]));
        assert_eq!(admits("~> 5.100.0", (5, 100, 3)), Some(true));
        assert_eq!(admits("~> 5.100.0", (5, 101, 0)), Some(false));
        assert_eq!(admits("~> 5.99", (5, 100, 0)), Some(true));
        assert_eq!(admits("!= 5.100.0", (5, 100, 0)), Some(false));
        assert!(provider_note("~> 4.0").iter().any(|l| l.starts_with("WARNING")));
        assert!(!provider_note(">= 5.0, < 7.0").iter().any(|l| l.starts_with("WARNING")));
    }

    /// Checkov findings go inside the resource block; other tools' suppressions are not Terraform's.
    #[test]
    fn checkov_suppressions_are_comments_in_the_block() {
        let mut ir = crate::compile(&crate::default_source()).expect("the default spec compiles");
        let bucket = ir.resources.iter_mut().find(|r| r.id == "EnvironmentBucket").expect("a bucket");
        bucket.suppressions.clear();
        for (tool, id) in [("checkov", "CKV_AWS_18"), ("cfn-lint", "W3011"), ("checkov", "CKV2_AWS_62")] {
            bucket.suppressions.push(crate::ir::Suppression {
                tool: tool.into(),
                id: id.into(),
                reason: format!("reason for {id}\nsecond line"),
            });
        }
        let files = render(&ir).expect("renders");
        let s3 = &files.iter().find(|f| f.path == "s3.tf").expect("s3.tf").contents;
        assert!(
            s3.contains(
                "resource \"aws_s3_bucket\" \"environment_bucket\" {\n  #checkov:skip=CKV_AWS_18:reason for CKV_AWS_18 second line\n  #checkov:skip=CKV2_AWS_62:reason for CKV2_AWS_62 second line\n  # CloudFormation"
            ),
            "{s3}"
        );
        assert!(!s3.contains("W3011"), "{s3}");
    }

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
