//! The neutral resource graph that every backend renders.
//!
//! An [`Ir`] is an ordered list of [`Resource`]s, each with a stable logical id (the
//! CloudFormation logical id and CDK construct id; Terraform names derive from it), a [`Kind`]
//! with neutral properties, and [`Expr`] values that may refer to other resources' attributes.
//! Backends see only this; they never read the spec.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A value in the graph: a literal, a reference, or a string built from both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    Str(String),
    Int(i64),
    Bool(bool),
    /// An attribute of another resource.
    Ref(Ref),
    /// A value of the deployment: region, account, partition.
    Pseudo(Pseudo),
    /// A string of literal text, pseudo values and references (CloudFormation `Fn::Sub`).
    Sub(Vec<Part>),
    /// The n-th availability zone of the region (0-based), when the spec names none.
    Az(u8),
    /// Items joined with a separator (for outputs listing several ids).
    Join {
        sep: String,
        items: Vec<Expr>,
    },
    List(Vec<Expr>),
    /// A document (policy, options) with literal keys, in order.
    Map(IndexMap<String, Expr>),
    /// The value of the spec's input of this name ([`Input::name`]): a string, or a list of
    /// strings ([`Input::list`]).
    Input(String),
    /// The item at `index` of a list-valued expression (an input's list, a [`Expr::Split`]).
    Select {
        index: u8,
        list: Box<Expr>,
    },
    /// A string cut at each `sep`: a list.
    Split {
        sep: String,
        of: Box<Expr>,
    },
    /// Lists joined end to end: each item is an [`Expr::List`] or a list-valued expression.
    Concat(Vec<Expr>),
}

/// A reference to an attribute of a resource in the same graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    /// Logical id of the target.
    pub id: String,
    /// Kind tag of the target (see [`Kind::tag`]).
    pub kind: String,
    pub attr: Attr,
}

/// Attributes that resources expose. `Id` is what CloudFormation's `Ref` returns for that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr {
    Id,
    Arn,
    GroupId,
    AllocationId,
    WebserverUrl,
    /// The MWAA environment's `DatabaseVpcEndpointService`: the endpoint service of its metadata
    /// database, to which `endpoint_management = "CUSTOMER"` must connect an interface endpoint
    /// (MWAA API, shape `Environment`; user guide, vpc-endpoint-management.html).
    DatabaseVpcEndpointService,
    /// The MWAA environment's `WebserverVpcEndpointService` (PRIVATE_ONLY web server), likewise.
    WebserverVpcEndpointService,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pseudo {
    Region,
    AccountId,
    Partition,
}

/// A piece of a [`Expr::Sub`] string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Lit(String),
    Pseudo(Pseudo),
    Ref(Ref),
}

impl Expr {
    /// A literal string.
    pub fn s(s: impl Into<String>) -> Self {
        Expr::Str(s.into())
    }

    /// A string template: `${AWS::Region}`, `${AWS::AccountId}`, `${AWS::Partition}` and
    /// literal text. References are added with [`Expr::sub_parts`].
    #[must_use]
    pub fn sub(template: &str) -> Self {
        Expr::Sub(parse_pseudo(template)).simplify()
    }

    /// A string template from explicit parts.
    #[must_use]
    pub fn sub_parts(parts: Vec<Part>) -> Self {
        Expr::Sub(parts).simplify()
    }

    /// A list of literal strings.
    pub fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Self {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }

    /// Merges adjacent literals; a template with only literal text becomes a plain string.
    fn simplify(self) -> Self {
        let Expr::Sub(parts) = self else { return self };
        let mut merged: Vec<Part> = Vec::new();
        for p in parts {
            match (merged.last_mut(), p) {
                (_, Part::Lit(s)) if s.is_empty() => {}
                (Some(Part::Lit(prev)), Part::Lit(s)) => prev.push_str(&s),
                (_, p) => merged.push(p),
            }
        }
        match merged.as_slice() {
            [] => Expr::Str(String::new()),
            [Part::Lit(s)] => Expr::Str(s.clone()),
            _ => Expr::Sub(merged),
        }
    }
}

impl Expr {
    /// This document as JSON text, for properties that take a JSON string (a dashboard body): a
    /// string, or an [`Expr::Sub`] when it holds pseudo values or references (written where their
    /// value goes, inside its JSON string). Two-space indentation; a short list of scalars stays on
    /// one line.
    #[must_use]
    pub fn json_text(&self) -> Expr {
        let mut parts = Vec::new();
        json_write(self, 0, &mut parts);
        Expr::sub_parts(parts)
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Expr::List(_) | Expr::Map(_))
    }
}

/// Appends `e` as JSON at nesting depth `depth`.
fn json_write(e: &Expr, depth: usize, out: &mut Vec<Part>) {
    let lit = |out: &mut Vec<Part>, s: &str| out.push(Part::Lit(s.to_owned()));
    match e {
        Expr::Int(n) => lit(out, &n.to_string()),
        Expr::Bool(b) => lit(out, &b.to_string()),
        Expr::List(items) if items.is_empty() => lit(out, "[]"),
        Expr::Map(m) if m.is_empty() => lit(out, "{}"),
        Expr::List(items) => {
            let mut one_line = Vec::new();
            if items.iter().all(Expr::is_scalar) {
                for (i, item) in items.iter().enumerate() {
                    lit(&mut one_line, if i == 0 { "[" } else { ", " });
                    json_write(item, depth, &mut one_line);
                }
                lit(&mut one_line, "]");
            }
            let width: usize = one_line.iter().map(|p| if let Part::Lit(s) = p { s.len() } else { 16 }).sum();
            if !one_line.is_empty() && width <= 100 {
                out.extend(one_line);
                return;
            }
            let pad = "  ".repeat(depth + 1);
            for (i, item) in items.iter().enumerate() {
                lit(out, &format!("{}\n{pad}", if i == 0 { "[" } else { "," }));
                json_write(item, depth + 1, out);
            }
            lit(out, &format!("\n{}]", "  ".repeat(depth)));
        }
        Expr::Map(m) => {
            let pad = "  ".repeat(depth + 1);
            for (i, (k, v)) in m.iter().enumerate() {
                lit(out, &format!("{}\n{pad}{}: ", if i == 0 { "{" } else { "," }, json_string(k)));
                json_write(v, depth + 1, out);
            }
            lit(out, &format!("\n{}}}", "  ".repeat(depth)));
        }
        // Strings, and values that become strings at deploy time.
        Expr::Str(s) => lit(out, &json_string(s)),
        Expr::Pseudo(p) => {
            lit(out, "\"");
            out.push(Part::Pseudo(*p));
            lit(out, "\"");
        }
        Expr::Ref(r) => {
            lit(out, "\"");
            out.push(Part::Ref(r.clone()));
            lit(out, "\"");
        }
        Expr::Sub(parts) => {
            lit(out, "\"");
            for p in parts {
                match p {
                    Part::Lit(s) => {
                        let quoted = json_string(s);
                        lit(out, &quoted[1..quoted.len() - 1]);
                    }
                    other => out.push(other.clone()),
                }
            }
            lit(out, "\"");
        }
        Expr::Az(i) => lit(out, &json_string(&format!("availability zone {i}"))),
        // lower/ puts no input into a JSON text: a CDK construct reads inputs from its props,
        // which a template string cannot name.
        Expr::Input(_) | Expr::Select { .. } | Expr::Split { .. } | Expr::Concat(_) => {
            lit(out, &json_string("(a value given at deploy time)"));
        }
        Expr::Join { sep, items } => {
            let parts: Vec<Part> = items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| {
                    let mut v = if i == 0 { Vec::new() } else { vec![Part::Lit(sep.clone())] };
                    match item {
                        Expr::Str(s) => v.push(Part::Lit(s.clone())),
                        Expr::Pseudo(p) => v.push(Part::Pseudo(*p)),
                        Expr::Ref(r) => v.push(Part::Ref(r.clone())),
                        Expr::Sub(ps) => v.extend(ps.iter().cloned()),
                        other => v.push(Part::Lit(format!("{other:?}"))),
                    }
                    v
                })
                .collect();
            json_write(&Expr::Sub(parts), depth, out);
        }
    }
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    crate::quote::double_quoted(
        s,
        |c| u32::from(c) < 0x20 || matches!(u32::from(c), 0x7f..=0x9f | 0x2028 | 0x2029),
        crate::quote::Hex::Lower,
    )
}

/// Splits `${AWS::...}` pseudo parameters out of a template string.
fn parse_pseudo(template: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${AWS::") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 7..start + len];
        let pseudo = match name {
            "Region" => Pseudo::Region,
            "AccountId" => Pseudo::AccountId,
            "Partition" => Pseudo::Partition,
            _ => break,
        };
        parts.push(Part::Lit(rest[..start].to_owned()));
        parts.push(Part::Pseudo(pseudo));
        rest = &rest[start + len + 1..];
    }
    parts.push(Part::Lit(rest.to_owned()));
    parts
}

/// A security group rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRule {
    /// `-1` for all protocols, or `tcp`.
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    /// Another security group (or the same one) as peer.
    pub peer_group: Option<Expr>,
    /// An IPv4 CIDR as peer.
    pub cidr: Option<String>,
    /// A managed prefix list (`pl-...`) as peer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    pub description: String,
}

/// The bucket's lifecycle rule: old object versions and failed uploads do not pile up, while the
/// newest noncurrent versions (which an environment may pin) are always kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketLifecycleRule {
    pub id: String,
    /// Noncurrent versions expire this many days after they become noncurrent...
    pub noncurrent_days: i64,
    /// ...except for this many newest noncurrent versions of each object.
    pub newer_noncurrent_versions: i64,
    /// Incomplete multipart uploads are aborted after this many days.
    pub abort_incomplete_multipart_days: i64,
}

/// One logging module of the MWAA environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogModule {
    /// `dag_processing`, `scheduler`, `task`, `webserver` or `worker`.
    pub module: String,
    pub enabled: bool,
    /// Written even when the module is disabled: the MWAA API requires `LogLevel` beside
    /// `Enabled` (shape `ModuleLoggingConfigurationInput`, both required).
    pub level: String,
}

/// An S3 key of the environment and its object version: the spec's pinned version as the value
/// itself, or, when the spec pins none, a deployment parameter ([`Parameter`], empty by default)
/// so that CI can pass the version it just uploaded without editing the spec (spec-format.md,
/// "Artifact versions without editing the spec"); an empty value leaves the version unset.
///
/// A pinned version is not a parameter's default: `aws cloudformation deploy` and `cdk deploy`
/// keep a parameter's previous value unless it is passed, so a spec edit of the default would
/// never reach a deployed stack, while Terraform would apply it (docs/operations.md, section 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Key {
    pub path: String,
    /// The spec's `*_object_version`: the value, when the spec pins one.
    pub version: Option<String>,
    /// The parameter that holds the version when the spec pins none (also in [`Ir::parameters`]).
    pub parameter: Option<Parameter>,
}

/// A value passed in at deploy time: a CloudFormation (and CDK) parameter, a Terraform variable.
/// An empty value means "not set": CloudFormation tests it with the condition [`Parameter::condition`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    /// CloudFormation parameter name and CDK construct id (`PluginsS3ObjectVersion`).
    pub id: String,
    /// Terraform variable name (`plugins_s3_object_version`).
    pub tf_name: String,
    /// TypeScript variable of the CDK parameter (`pluginsS3ObjectVersionParameter`).
    pub var_name: String,
    /// Name of the condition "the value is not empty" (`HasPluginsS3ObjectVersion`), and its
    /// TypeScript variable.
    pub condition: String,
    pub condition_var: String,
    pub description: String,
    /// The default; `None` is the empty string in CloudFormation and `null` in Terraform.
    pub default: Option<String>,
}

/// A value of the spec given at deploy time (`{ input = "name" }`, spec-format.md "Inputs"): a
/// CloudFormation parameter, a Terraform module variable, a CDK construct prop. It has no default:
/// the deployment must give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The spec's name for it, `[a-z][a-z0-9_]*`: the Terraform variable.
    pub name: String,
    /// The CloudFormation parameter (`vpc_id` -> `VpcId`).
    pub id: String,
    /// The CDK prop (`vpc_id` -> `vpcId`).
    pub prop: String,
    /// The spec field it stands for (`network.existing_vpc_id`).
    pub field: String,
    /// A list of strings (subnet ids, security group ids), else a string.
    pub list: bool,
    /// The CloudFormation parameter type: an AWS-specific type where CloudFormation has one
    /// (`AWS::EC2::VPC::Id`, `List<AWS::EC2::Subnet::Id>`), else `String`.
    pub cfn_type: String,
    /// The pattern the whole value (each item of a list) must match, in the syntax AWS writes it
    /// (its models' patterns are also valid RE2, Terraform's regex syntax).
    pub pattern: String,
    /// Lengths (characters of a string, items of a list) the value may have.
    pub min: usize,
    pub max: usize,
    /// A list's items must differ (two subnets).
    pub distinct: bool,
    pub description: String,
    /// A value that meets the rule (one item for a string), for tests and docs.
    pub example: Vec<String>,
    /// The rule, as one sentence that ends with its source: Terraform's validation message and
    /// CloudFormation's ConstraintDescription.
    pub rule: String,
}

/// An input's CloudFormation parameter name: `vpc_id` -> `VpcId`.
#[must_use]
pub fn input_id(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Everything the MWAA environment is configured with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MwaaSettings {
    pub name: String,
    pub airflow_version: String,
    pub environment_class: String,
    pub min_workers: i64,
    pub max_workers: i64,
    pub schedulers: i64,
    pub min_webservers: i64,
    pub max_webservers: i64,
    pub webserver_access_mode: String,
    pub endpoint_management: String,
    pub worker_replacement_strategy: Option<String>,
    pub weekly_maintenance_window_start: Option<String>,
    pub source_bucket_arn: Expr,
    pub dag_s3_path: String,
    pub plugins: Option<S3Key>,
    pub requirements: Option<S3Key>,
    pub startup_script: Option<S3Key>,
    /// `section.key` -> value, in spec order.
    pub airflow_configuration_options: IndexMap<String, String>,
    pub execution_role_arn: Expr,
    pub kms_key: Option<Expr>,
    pub logging: Vec<LogModule>,
    /// A list-valued expression: an [`Expr::List`], or an input's list with the group of the
    /// stack's own ([`Expr::Concat`]).
    pub security_group_ids: Expr,
    pub subnet_ids: Vec<Expr>,
}

/// One metric of an alarm, or a metric math expression over others (CloudFormation
/// `MetricDataQuery`, Terraform `metric_query`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmQuery {
    /// Query id, referred to by expressions (`m1`, `queued`).
    pub id: String,
    /// A metric with its statistic, or `None` for an expression.
    pub metric: Option<MetricStat>,
    /// Metric math over the other queries' ids.
    pub expression: Option<String>,
    pub label: Option<String>,
    /// The query whose value the alarm compares with its threshold (exactly one per alarm).
    pub return_data: bool,
}

/// A CloudWatch metric and the statistic taken of it over each period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricStat {
    pub namespace: String,
    pub metric_name: String,
    /// Dimension name -> value, in this order.
    pub dimensions: IndexMap<String, String>,
    /// Seconds.
    pub period: i64,
    /// `Sum`, `Maximum`, ...
    pub stat: String,
}

/// A CloudWatch alarm on one value computed from [`AlarmQuery`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmSettings {
    pub name: String,
    pub description: String,
    pub queries: Vec<AlarmQuery>,
    /// `GreaterThanThreshold`, `LessThanThreshold`, ...
    pub comparison_operator: String,
    pub threshold: i64,
    pub evaluation_periods: i64,
    pub datapoints_to_alarm: i64,
    /// `breaching`, `notBreaching`, `ignore` or `missing`: chosen per alarm (lower/monitoring.rs).
    pub treat_missing_data: String,
    /// Topics notified when the alarm fires and when it recovers.
    pub actions: Vec<Expr>,
}

/// What a resource is, with its neutral properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Vpc {
        cidr: String,
    },
    InternetGateway,
    VpcGatewayAttachment {
        vpc: Expr,
        internet_gateway: Expr,
    },
    Subnet {
        vpc: Expr,
        cidr: String,
        availability_zone: Expr,
        public: bool,
    },
    Eip,
    NatGateway {
        allocation: Expr,
        subnet: Expr,
    },
    RouteTable {
        vpc: Expr,
    },
    /// A default route (`0.0.0.0/0`) to an internet or NAT gateway.
    Route {
        route_table: Expr,
        destination: String,
        gateway: Option<Expr>,
        nat_gateway: Option<Expr>,
    },
    SubnetRouteTableAssociation {
        subnet: Expr,
        route_table: Expr,
    },
    SecurityGroup {
        vpc: Expr,
        description: String,
        egress: Vec<SgRule>,
    },
    SecurityGroupIngress {
        group: Expr,
        rule: SgRule,
    },
    NetworkAcl {
        vpc: Expr,
    },
    NetworkAclEntry {
        acl: Expr,
        rule_number: i64,
        egress: bool,
        protocol: String,
        action: String,
        cidr: String,
    },
    SubnetNetworkAclAssociation {
        subnet: Expr,
        acl: Expr,
    },
    VpcEndpoint {
        vpc: Expr,
        service: Expr,
        /// `Gateway` or `Interface`.
        endpoint_type: String,
        route_tables: Vec<Expr>,
        subnets: Vec<Expr>,
        /// A list-valued expression, as [`MwaaSettings::security_group_ids`]; `None`: none.
        security_groups: Option<Expr>,
        private_dns: bool,
        /// `None`: no endpoint policy (endpoint services that take none, such as MWAA's own).
        policy: Option<Expr>,
    },
    LogGroup {
        name: String,
        retention_days: i64,
        kms_key: Option<Expr>,
    },
    FlowLog {
        vpc: Expr,
        log_group_name: Expr,
        role_arn: Expr,
        traffic_type: String,
    },
    IamRole {
        description: String,
        assume_role_policy: Expr,
        managed_policy_arns: Vec<Expr>,
        permissions_boundary: Option<String>,
    },
    /// An inline policy of a role.
    RolePolicy {
        role: Expr,
        policy_name: String,
        document: Expr,
    },
    ManagedPolicy {
        description: String,
        document: Expr,
        roles: Vec<Expr>,
        groups: Vec<Expr>,
    },
    Bucket {
        name: Option<String>,
        sse_algorithm: String,
        kms_key: Option<Expr>,
        lifecycle_rule: BucketLifecycleRule,
    },
    BucketPolicy {
        bucket: Expr,
        document: Expr,
    },
    KmsKey {
        description: String,
        policy: Expr,
    },
    KmsAlias {
        name: String,
        target: Expr,
    },
    MwaaEnvironment(Box<MwaaSettings>),
    /// An SNS topic for the alarms, encrypted with `kms_key`.
    SnsTopic {
        name: String,
        kms_key: Expr,
    },
    SnsSubscription {
        topic: Expr,
        /// `email`.
        protocol: String,
        endpoint: String,
    },
    SnsTopicPolicy {
        topic: Expr,
        document: Expr,
    },
    Alarm(Box<AlarmSettings>),
    /// A CloudWatch dashboard; `body` is the dashboard's JSON document.
    Dashboard {
        name: String,
        body: Expr,
    },
}

impl Kind {
    /// The serde tag of this kind, as used in [`Ref::kind`] and by templates.
    #[must_use]
    pub fn tag(&self) -> &'static str {
        match self {
            Kind::Vpc { .. } => "vpc",
            Kind::InternetGateway => "internet_gateway",
            Kind::VpcGatewayAttachment { .. } => "vpc_gateway_attachment",
            Kind::Subnet { .. } => "subnet",
            Kind::Eip => "eip",
            Kind::NatGateway { .. } => "nat_gateway",
            Kind::RouteTable { .. } => "route_table",
            Kind::Route { .. } => "route",
            Kind::SubnetRouteTableAssociation { .. } => "subnet_route_table_association",
            Kind::SecurityGroup { .. } => "security_group",
            Kind::SecurityGroupIngress { .. } => "security_group_ingress",
            Kind::NetworkAcl { .. } => "network_acl",
            Kind::NetworkAclEntry { .. } => "network_acl_entry",
            Kind::SubnetNetworkAclAssociation { .. } => "subnet_network_acl_association",
            Kind::VpcEndpoint { .. } => "vpc_endpoint",
            Kind::LogGroup { .. } => "log_group",
            Kind::FlowLog { .. } => "flow_log",
            Kind::IamRole { .. } => "iam_role",
            Kind::RolePolicy { .. } => "role_policy",
            Kind::ManagedPolicy { .. } => "managed_policy",
            Kind::Bucket { .. } => "bucket",
            Kind::BucketPolicy { .. } => "bucket_policy",
            Kind::KmsKey { .. } => "kms_key",
            Kind::KmsAlias { .. } => "kms_alias",
            Kind::MwaaEnvironment(_) => "mwaa_environment",
            Kind::SnsTopic { .. } => "sns_topic",
            Kind::SnsSubscription { .. } => "sns_subscription",
            Kind::SnsTopicPolicy { .. } => "sns_topic_policy",
            Kind::Alarm(_) => "alarm",
            Kind::Dashboard { .. } => "dashboard",
        }
    }

    /// Every IR expression this resource's properties hold (to find what it refers to and what
    /// it needs from the deployment: region, account, zones).
    #[must_use]
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Kind::Vpc { .. } | Kind::InternetGateway | Kind::Eip => Vec::new(),
            Kind::VpcGatewayAttachment { vpc, internet_gateway } => vec![vpc, internet_gateway],
            Kind::Subnet { vpc, availability_zone, .. } => vec![vpc, availability_zone],
            Kind::NatGateway { allocation, subnet } => vec![allocation, subnet],
            Kind::RouteTable { vpc } | Kind::NetworkAcl { vpc } => vec![vpc],
            Kind::Route { route_table, gateway, nat_gateway, .. } => {
                let mut v = vec![route_table];
                v.extend(gateway.iter().chain(nat_gateway));
                v
            }
            Kind::SubnetRouteTableAssociation { subnet, route_table } => vec![subnet, route_table],
            Kind::SecurityGroup { vpc, egress, .. } => {
                let mut v = vec![vpc];
                v.extend(egress.iter().filter_map(|r| r.peer_group.as_ref()));
                v
            }
            Kind::SecurityGroupIngress { group, rule } => {
                let mut v = vec![group];
                v.extend(rule.peer_group.iter());
                v
            }
            Kind::NetworkAclEntry { acl, .. } => vec![acl],
            Kind::SubnetNetworkAclAssociation { subnet, acl } => vec![subnet, acl],
            Kind::VpcEndpoint { vpc, service, route_tables, subnets, security_groups, policy, .. } => {
                let mut v = vec![vpc, service];
                v.extend(policy.iter().chain(route_tables).chain(subnets).chain(security_groups.iter()));
                v
            }
            Kind::LogGroup { kms_key, .. } => kms_key.iter().collect(),
            Kind::FlowLog { vpc, log_group_name, role_arn, .. } => vec![vpc, log_group_name, role_arn],
            Kind::IamRole { assume_role_policy, managed_policy_arns, .. } => {
                let mut v = vec![assume_role_policy];
                v.extend(managed_policy_arns.iter());
                v
            }
            Kind::RolePolicy { role, document, .. } => vec![role, document],
            Kind::ManagedPolicy { document, roles, groups, .. } => {
                let mut v = vec![document];
                v.extend(roles.iter().chain(groups));
                v
            }
            Kind::Bucket { kms_key, .. } => kms_key.iter().collect(),
            Kind::BucketPolicy { bucket, document } => vec![bucket, document],
            Kind::KmsKey { policy, .. } => vec![policy],
            Kind::KmsAlias { target, .. } => vec![target],
            Kind::MwaaEnvironment(m) => {
                let mut v = vec![&m.source_bucket_arn, &m.execution_role_arn];
                v.extend(m.kms_key.iter().chain([&m.security_group_ids]).chain(&m.subnet_ids));
                v
            }
            Kind::SnsTopic { kms_key, .. } => vec![kms_key],
            Kind::SnsSubscription { topic, .. } => vec![topic],
            Kind::SnsTopicPolicy { topic, document } => vec![topic, document],
            Kind::Alarm(a) => a.actions.iter().collect(),
            Kind::Dashboard { body, .. } => vec![body],
        }
    }
}

/// What happens to a resource when the stack deletes or replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lifecycle {
    Retain,
    Delete,
}

/// A finding of a security scanner that this resource accepts by design, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `checkov`, `cfn-lint` or `cdk-nag`.
    pub tool: String,
    /// Rule id, e.g. `CKV_AWS_18`, `W3010` or `AwsSolutions-S1`.
    pub id: String,
    pub reason: String,
}

/// One resource of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Logical id: `PublicSubnet1`.
    pub id: String,
    /// Terraform resource name: `public_subnet_1`.
    pub tf_name: String,
    /// TypeScript variable name: `publicSubnet1`.
    pub var_name: String,
    #[serde(flatten)]
    pub kind: Kind,
    /// Logical ids this resource must be created after, beyond what its references imply.
    pub depends_on: Vec<String>,
    /// Tags, for kinds that take them (`None` for kinds that do not).
    pub tags: Option<IndexMap<String, String>>,
    /// Deletion and replacement policy, where one is set explicitly.
    pub lifecycle: Option<Lifecycle>,
    pub suppressions: Vec<Suppression>,
    /// The resource as CloudFormation declares it: its type and property tree, built from
    /// [`Resource::kind`] once at the end of lowering (`lower::cfn`). The CloudFormation and CDK
    /// backends write it; Terraform reads `kind`. Not part of the IR's JSON (`--target ir`).
    #[serde(skip)]
    pub cfn: CfnResource,
}

impl Resource {
    /// A reference to `attr` of this resource.
    #[must_use]
    pub fn attr(&self, attr: Attr) -> Expr {
        Expr::Ref(self.reference(attr))
    }

    /// The same, as a [`Ref`].
    #[must_use]
    pub fn reference(&self, attr: Attr) -> Ref {
        Ref { id: self.id.clone(), kind: self.kind.tag().to_owned(), attr }
    }
}

/// A resource as CloudFormation declares it: its resource type and its properties, in the order
/// they are written, with CloudFormation's names (CDK's L1 names derive from them through
/// generator/data/cfn-property-types.json).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CfnResource {
    /// `AWS::EC2::Subnet`.
    pub cfn_type: &'static str,
    pub properties: Vec<(&'static str, Prop)>,
    /// What the resource is for, written beside it by targets that are code (CDK).
    pub comment: Option<String>,
}

/// A CloudFormation property value. The leaves are IR expressions, so that a reference, a pseudo
/// value or a `Fn::Sub` string is written by each backend's one expression writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prop {
    /// A scalar, a reference, or a list of them.
    Value(Expr),
    /// A list of objects (or other properties).
    List(Vec<Prop>),
    /// An object whose keys are property names of the resource's schema.
    Object(Vec<(&'static str, Prop)>),
    /// A JSON-typed property (the schema's type is an object without defined properties): a
    /// policy document, Airflow options. Its keys are data, written as they are by every target.
    Json(Expr),
    /// A string property that holds a JSON document (a dashboard body), written as JSON text.
    JsonText(Expr),
    /// The value of a deployment parameter when it is not empty, else no value at all
    /// (`!If [HasX, !Ref X, !Ref AWS::NoValue]`).
    IfSet(Box<Parameter>),
    /// Tags: a list of `Key`/`Value` objects, or (`object`) a JSON object of key -> value.
    Tags { tags: IndexMap<String, String>, object: bool },
}

/// A stack output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// CloudFormation output key (`WebserverUrl`).
    pub id: String,
    /// Terraform output name (`webserver_url`).
    pub tf_name: String,
    pub description: String,
    pub value: Expr,
}

/// The whole graph for one spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ir {
    /// Where the spec came from, for generated headers.
    pub source_name: String,
    pub environment_name: String,
    pub description: String,
    /// Region pinned by the spec, if any.
    pub region: Option<String>,
    pub stack_name: String,
    pub terraform_aws_provider: String,
    /// The one account the output may deploy to (`output.account_id`): Terraform's
    /// `allowed_account_ids`, a CloudFormation rule, the CDK stack's `env.account`.
    pub account_id: Option<String>,
    /// What the Terraform target writes into its folder.
    pub terraform_layout: crate::model::TerraformLayout,
    /// True when some resource uses [`Expr::Az`] (Terraform then needs its AZ data source).
    pub uses_az_lookup: bool,
    /// Values passed in at deploy time, in order.
    pub parameters: Vec<Parameter>,
    /// The spec's inputs, in the order of the fields they stand for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// The spec's `[tags]`, which every taggable resource carries (see [`Ir::shared_tags`]).
    pub tags: IndexMap<String, String>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    /// `[environment] adopt = true`: resources that exist already and that the first deploy
    /// imports (Terraform `import` blocks, CloudFormation resources-to-import.json).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Import>,
}

/// A resource of the IR that exists already, and how its service identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// Logical id of the resource in [`Ir::resources`].
    pub id: String,
    /// The CloudFormation resource type's primary identifier property (`Name`, `LogGroupName`).
    pub property: String,
    /// Its value, which is also the Terraform import id of both types.
    pub value: String,
}

impl Ir {
    /// The resource with logical id `id`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// How a resource's tags relate to the spec's, so that targets with variables can state the
    /// spec's tags once and refer to them.
    #[must_use]
    pub fn shared_tags<'a>(&self, tags: &'a IndexMap<String, String>) -> SharedTags<'a> {
        if *tags == self.tags {
            return SharedTags::Spec;
        }
        match tags.get("Name") {
            Some(name)
                if !self.tags.contains_key("Name")
                    && tags.len() == self.tags.len() + 1
                    && self.tags.iter().all(|(k, v)| tags.get(k) == Some(v)) =>
            {
                SharedTags::SpecAndName(name)
            }
            _ => SharedTags::Own,
        }
    }
}

/// A resource's tags as the spec's tags plus what is its own (see [`Ir::shared_tags`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedTags<'a> {
    /// Exactly the spec's tags.
    Spec,
    /// The spec's tags and a `Name` tag with this value.
    SpecAndName(&'a str),
    /// Anything else: written out in full.
    Own,
}

/// The ARN of the MWAA environment named `env` (API reference, Environment `Arn`:
/// `arn:PARTITION:airflow:REGION:ACCOUNT:environment/NAME`).
#[must_use]
pub fn environment_arn(env: &str) -> Expr {
    Expr::sub(&format!("arn:${{AWS::Partition}}:airflow:${{AWS::Region}}:${{AWS::AccountId}}:environment/{env}"))
}

/// `PublicSubnet1` -> `public_subnet_1`; `NatGateway1EIP` -> `nat_gateway_1_eip`; `VPC` -> `vpc`.
#[must_use]
pub fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let boundary = (c.is_ascii_uppercase() && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
                || (c.is_ascii_uppercase()
                    && prev.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()))
                || (c.is_ascii_digit() && prev.is_ascii_lowercase());
            if boundary {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `public_subnet_1` -> `publicSubnet1`.
#[must_use]
pub fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    for (i, word) in snake.split('_').enumerate() {
        if i == 0 {
            out.push_str(word);
        } else {
            let mut cs = word.chars();
            if let Some(f) = cs.next() {
                out.push(f.to_ascii_uppercase());
                out.extend(cs);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake_case("PublicSubnet1"), "public_subnet_1");
        assert_eq!(snake_case("NatGateway1EIP"), "nat_gateway_1_eip");
        assert_eq!(snake_case("VPC"), "vpc");
        assert_eq!(snake_case("VpcFlowLog"), "vpc_flow_log");
        assert_eq!(snake_case("WebAccessPolicy12"), "web_access_policy_12");
        assert_eq!(snake_case("S3GatewayEndpoint"), "s3_gateway_endpoint");
        assert_eq!(camel_case("nat_gateway_1_eip"), "natGateway1Eip");
        assert_eq!(camel_case("vpc"), "vpc");
    }

    #[test]
    fn json_text_is_json_with_pseudo_values_in_place() {
        let doc = Expr::Map(IndexMap::from([
            ("a".to_owned(), Expr::strs(["x", "y\"z"])),
            ("region".to_owned(), Expr::Pseudo(Pseudo::Region)),
            ("n".to_owned(), Expr::List(vec![Expr::Map(IndexMap::from([("k".to_owned(), Expr::Int(1))]))])),
        ]));
        let Expr::Sub(parts) = doc.json_text() else { panic!("a template") };
        let text: String = parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                _ => "R".to_owned(),
            })
            .collect();
        assert_eq!(
            text,
            "{\n  \"a\": [\"x\", \"y\\\"z\"],\n  \"region\": \"R\",\n  \"n\": [\n    {\n      \"k\": 1\n    }\n  ]\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(back["a"][1], "y\"z");
        assert_eq!(Expr::strs(["x"]).json_text(), Expr::s("[\"x\"]"));
    }

    #[test]
    fn sub_templates() {
        assert_eq!(
            Expr::sub("arn:${AWS::Partition}:s3:::x"),
            Expr::Sub(vec![Part::Lit("arn:".into()), Part::Pseudo(Pseudo::Partition), Part::Lit(":s3:::x".into())])
        );
        assert_eq!(Expr::sub("plain"), Expr::s("plain"));
        assert_eq!(Expr::sub_parts(vec![Part::Lit("a".into()), Part::Lit("b".into())]), Expr::s("ab"));
    }
}
