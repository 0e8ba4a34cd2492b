//! The validated spec: every default applied, every choice a Rust enum. Produced by `validate`,
//! consumed by `lower`; nothing here can be invalid.

use indexmap::IndexMap;
use ipnet::Ipv4Net;

/// Airflow versions that Amazon MWAA offers for new environments, oldest first. The last one is
/// the default. The table, with its sources and the versions past end of support, is [`crate::versions`].
pub const AIRFLOW_VERSIONS: &[&str] = crate::versions::OFFERED;

/// Environment classes that Amazon MWAA offers.
pub const ENVIRONMENT_CLASSES: &[&str] =
    &["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"];

/// Log levels, plus `off`.
pub const LOG_LEVELS: &[&str] = &["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "off"];

/// The Airflow roles MWAA maps web-login tokens to.
pub const AIRFLOW_ROLES: &[&str] = &["Admin", "Op", "User", "Viewer", "Public"];

/// The retention periods CloudWatch Logs accepts (logs API, PutRetentionPolicy `retentionInDays`).
pub const LOG_RETENTION_DAYS: &[i64] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// The five Airflow components MWAA can log, in the order of the MWAA API.
pub const LOG_MODULES: &[&str] = &["dag_processing", "scheduler", "task", "webserver", "worker"];

/// The validated spec.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the spec came from (a path as given, or `<built-in default spec>`).
    pub source_name: String,
    pub environment: Environment,
    pub network: Network,
    pub security_group: SecurityGroup,
    /// `[network.acl] enabled`
    pub acl: bool,
    pub bucket: Bucket,
    pub kms: Kms,
    pub execution_role: ExecutionRole,
    pub web_access: Vec<WebAccess>,
    /// `[secrets]`: Airflow reads connections and variables from AWS.
    pub secrets: Option<Secrets>,
    /// `[monitoring]`: alarms and a dashboard.
    pub monitoring: Option<Monitoring>,
    /// `network.create_customer_endpoints`: with CUSTOMER endpoint management, whether the stack
    /// creates the endpoints (false: a shared VPC whose owner creates them).
    pub create_customer_endpoints: bool,
    pub tags: IndexMap<String, String>,
    pub output: Output,
    /// The spec's inputs (`{ input = "name" }`), in spec order.
    pub inputs: Vec<Input>,
}

/// A value the spec gives, or the name of an input whose value comes at deploy time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given<T> {
    Lit(T),
    Input(String),
}

impl<T> Given<T> {
    /// The literal, unless it is an input.
    pub fn lit(&self) -> Option<&T> {
        match self {
            Given::Lit(v) => Some(v),
            Given::Input(_) => None,
        }
    }
}

/// An input of the spec: a field written `{ input = "name" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// `[a-z][a-z0-9_]*`: the Terraform variable's name.
    pub name: String,
    pub kind: InputKind,
    /// Where the name is written in the spec.
    pub span: std::ops::Range<usize>,
}

/// What an input stands for: one per field that may be an input (spec-format.md, "Inputs").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputKind {
    VpcId,
    PrivateSubnetIds,
    InternetGatewayId,
    SecurityGroupIds,
    BucketArn,
    RoleArn,
    KmsKeyArn,
    TopicArn,
}

impl InputKind {
    /// Every kind, in the order of the spec format.
    pub const ALL: [InputKind; 8] = [
        InputKind::VpcId,
        InputKind::PrivateSubnetIds,
        InputKind::InternetGatewayId,
        InputKind::SecurityGroupIds,
        InputKind::BucketArn,
        InputKind::RoleArn,
        InputKind::KmsKeyArn,
        InputKind::TopicArn,
    ];

    /// The spec field the input stands in for.
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            InputKind::VpcId => "network.existing_vpc_id",
            InputKind::PrivateSubnetIds => "network.existing_private_subnet_ids",
            InputKind::InternetGatewayId => "network.existing_internet_gateway_id",
            InputKind::SecurityGroupIds => "network.security_group.additional_ids",
            InputKind::BucketArn => "bucket.existing_arn",
            InputKind::RoleArn => "execution_role.existing_arn",
            InputKind::KmsKeyArn => "kms.key",
            InputKind::TopicArn => "monitoring.sns_topic_arn",
        }
    }

    /// Whether the value is a list of strings.
    #[must_use]
    pub fn is_list(self) -> bool {
        matches!(self, InputKind::PrivateSubnetIds | InputKind::SecurityGroupIds)
    }
}

#[derive(Debug, Clone)]
pub struct Environment {
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
    pub dag_s3_path: String,
    pub plugins: Option<S3Object>,
    pub requirements: Option<S3Object>,
    pub startup_script: Option<S3Object>,
    pub airflow_configuration_options: IndexMap<String, String>,
    /// One entry per module of [`LOG_MODULES`], in that order.
    pub logging: Vec<ModuleLogging>,
    /// `logging.retention_days`: retention of the log groups the stack creates for MWAA (and of
    /// the VPC flow-log group).
    pub log_retention_days: i64,
    /// `logging.create_log_groups`: false leaves MWAA's log groups to MWAA.
    pub create_log_groups: bool,
    /// `adopt`: the environment and its log groups exist already; the output imports them.
    pub adopt: bool,
}

/// One Airflow module's logging: its level, kept when the module is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleLogging {
    pub module: String,
    pub level: String,
    pub enabled: bool,
}

/// An object in the environment's bucket, optionally pinned to a version.
#[derive(Debug, Clone)]
pub struct S3Object {
    pub path: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    Public,
    Private,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatGateways {
    OnePerAz,
    Single,
}

#[derive(Debug, Clone)]
pub enum Network {
    /// mwaagen creates the VPC and everything in it.
    Created {
        routing: Routing,
        vpc_cidr: Ipv4Net,
        /// Empty with private routing.
        public_subnet_cidrs: Vec<Ipv4Net>,
        private_subnet_cidrs: Vec<Ipv4Net>,
        /// `None`: the region's first two AZs.
        availability_zones: Option<[String; 2]>,
        nat_gateways: NatGateways,
        flow_logs: bool,
        /// Private routing only: further buckets the S3 gateway endpoint policy admits.
        s3_endpoint_bucket_arns: Vec<String>,
        /// `existing_vpc_id` without subnets: the subnets, NAT gateways and routes go into this
        /// VPC; `vpc_cidr` is then the VPC's own block (or the default, unchecked).
        existing_vpc: Option<ExistingVpc>,
    },
    /// The user brings the VPC and two private subnets.
    Existing { vpc_id: Given<String>, private_subnet_ids: Given<[String; 2]> },
}

/// An existing VPC that the spec creates subnets in.
#[derive(Debug, Clone)]
pub struct ExistingVpc {
    pub vpc_id: Given<String>,
    /// The VPC's internet gateway (public routing).
    pub internet_gateway_id: Option<Given<String>>,
    /// Whether the spec names the VPC's CIDR (`vpc_cidr`): only then are the subnets checked.
    pub cidr_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingress {
    AllSelf,
    Restricted,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub ingress: Ingress,
    pub additional_ids: Given<Vec<String>>,
    /// false: no group of mwaagen's; the environment uses exactly `additional_ids`.
    pub create: bool,
    /// Who may reach the web server (TCP 443) from outside the group, in spec order.
    pub web_ingress: Vec<WebIngress>,
}

/// A peer allowed to reach the web server on TCP 443.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebIngress {
    Cidr(String),
    PrefixList(String),
    SecurityGroup(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    SseS3,
    SseKms,
}

#[derive(Debug, Clone)]
pub enum Bucket {
    Created {
        name: Option<String>,
        encryption: Encryption,
        enforce_tls: bool,
        retain_on_delete: bool,
    },
    /// `name`: the bucket's name, empty when the ARN is an input.
    Existing {
        arn: Given<String>,
        name: String,
    },
}

#[derive(Debug, Clone)]
pub enum Kms {
    AwsOwned,
    Create,
    Existing(Given<String>),
}

#[derive(Debug, Clone)]
pub enum ExecutionRole {
    Generated {
        additional_policy_arns: Vec<String>,
        permissions_boundary_arn: Option<String>,
        /// `[[execution_role.statements]]`, in spec order.
        statements: Vec<Statement>,
        /// Further principals that may assume the role: role ARNs or account ids.
        trusted_principals: Vec<String>,
    },
    Existing(Given<String>),
}

/// An inline statement of the execution policy, as the spec writes it.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Operator -> condition key -> values, in spec order.
    pub condition: IndexMap<String, IndexMap<String, ConditionValue>>,
}

/// A condition value: one string, or a list (IAM takes either).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionValue {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct WebAccess {
    pub airflow_role: String,
    pub attach_to_roles: Vec<String>,
    pub attach_to_groups: Vec<String>,
    /// Also `airflow:CreateCliToken` on the environment.
    pub cli: bool,
    /// Also `airflow:InvokeRestApi` as this Airflow role.
    pub rest_api: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretsBackend {
    SecretsManager,
    ParameterStore,
}

/// `[secrets]`, with its defaults applied.
#[derive(Debug, Clone)]
pub struct Secrets {
    pub backend: SecretsBackend,
    pub connections_prefix: String,
    pub variables_prefix: String,
    /// `None` (or empty in the spec): Airflow's configuration is not read from the backend.
    pub config_prefix: Option<String>,
    pub kms_key_arns: Vec<String>,
}

/// Where the alarms of `[monitoring]` go.
#[derive(Debug, Clone)]
pub enum AlarmTopic {
    /// A topic the stack creates, with these email subscriptions.
    Created { emails: Vec<String> },
    /// An existing topic (`sns_topic_arn`).
    Existing(Given<String>),
}

/// `[monitoring]`, with its defaults applied.
#[derive(Debug, Clone)]
pub struct Monitoring {
    pub topic: AlarmTopic,
    pub dashboard: bool,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub region: Option<String>,
    pub stack_name: Option<String>,
    pub terraform_aws_provider: String,
    /// The one account the output deploys to, if the spec names it.
    pub account_id: Option<String>,
    pub terraform_layout: TerraformLayout,
}

/// `output.terraform_layout`: what `--target terraform --out DIR` writes into DIR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TerraformLayout {
    /// A root configuration (provider, `module "mwaa"` call, moved blocks) and the module in
    /// `DIR/modules/mwaa/`.
    #[default]
    Root,
    /// The module alone, in DIR.
    Module,
}

impl TerraformLayout {
    /// The spec's values, in the order the docs list them.
    pub const VALUES: &'static [&'static str] = &["root", "module"];
}

/// `network.vpc_cidr` when the spec gives none (the public-mode reference architecture).
pub const DEFAULT_VPC_CIDR: &str = "10.192.0.0/16";
/// `network.public_subnet_cidrs` when the spec gives none.
pub const DEFAULT_PUBLIC_SUBNET_CIDRS: [&str; 2] = ["10.192.10.0/24", "10.192.11.0/24"];
/// `network.private_subnet_cidrs` when the spec gives none.
pub const DEFAULT_PRIVATE_SUBNET_CIDRS: [&str; 2] = ["10.192.20.0/24", "10.192.21.0/24"];

/// The aws provider constraint used when the spec gives none: from the oldest release the output
/// needs and is tested with (render/terraform/provider.rs says why) to the majors it is written for.
pub const DEFAULT_TF_AWS_PROVIDER: &str = ">= 5.100.0, < 7.0";
