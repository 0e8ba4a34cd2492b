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
    /// `None` when disabled.
    pub level: Option<String>,
}

/// An S3 key of the environment with its optional pinned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Key {
    pub path: String,
    pub version: Option<String>,
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
    pub security_group_ids: Vec<Expr>,
    pub subnet_ids: Vec<Expr>,
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
        security_groups: Vec<Expr>,
        private_dns: bool,
        policy: Expr,
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
                let mut v = vec![vpc, service, policy];
                v.extend(route_tables.iter().chain(subnets).chain(security_groups));
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
                v.extend(m.kms_key.iter().chain(&m.security_group_ids).chain(&m.subnet_ids));
                v
            }
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
    /// True when some resource uses [`Expr::Az`] (Terraform then needs its AZ data source).
    pub uses_az_lookup: bool,
    /// The spec's `[tags]`, which every taggable resource carries (see [`Ir::shared_tags`]).
    pub tags: IndexMap<String, String>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
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
    fn sub_templates() {
        assert_eq!(
            Expr::sub("arn:${AWS::Partition}:s3:::x"),
            Expr::Sub(vec![Part::Lit("arn:".into()), Part::Pseudo(Pseudo::Partition), Part::Lit(":s3:::x".into())])
        );
        assert_eq!(Expr::sub("plain"), Expr::s("plain"));
        assert_eq!(Expr::sub_parts(vec![Part::Lit("a".into()), Part::Lit("b".into())]), Expr::s("ab"));
    }
}
