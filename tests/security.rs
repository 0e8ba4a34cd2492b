//! Security properties of what mwaagen generates, pinned on the IR and on each target's output.
//!
//! Every example spec under `specs/`, the built-in default spec and a few inline specs (which reach
//! branches no example does: an existing bucket with a generated role, a private network with an
//! ACL and no TLS policy) are compiled to the IR and rendered to CloudFormation and Terraform. Each
//! of the three is read by its own parser into one small neutral model (below), and the checkers
//! run on all three:
//!
//! - `check_execution_policy`: the execution role policy of architecture.md section 2, ARN by ARN,
//!   plus exactly the spec's own `[[execution_role.statements]]`;
//! - `check_kms_key`: the created key's policy (account root, CloudWatch Logs with its encryption
//!   context condition, the execution role via sqs/s3 only) and its rotation;
//! - `check_web_access`: one `airflow:CreateWebLoginToken` statement per `[[web_access]]` grant, on
//!   its Airflow role only (plus `airflow:CreateCliToken` on this environment with `cli`, and
//!   `airflow:InvokeRestApi` on the same role with `rest_api`), attached to exactly the roles and
//!   groups the spec names;
//! - `check_bucket`: versioning, Block Public Access, encryption, TLS-only policy, retention;
//! - `check_trust_and_dependency`: who may assume the execution role, under which conditions, and
//!   that the environment waits for its policy;
//! - `check_network`: no public IPs on launch, self-referencing ingress only, the network ACL;
//! - `check_private_routing`: no way to the internet, and the VPC endpoints of seed 002;
//! - `check_log_groups`: MWAA's log groups, one per enabled module, with the spec's retention, the
//!   environment's key when it has one, retained like the bucket, created before the environment;
//! - `check_alarm_topic`: the alarms notify one topic, encrypted with a key that admits CloudWatch
//!   and nobody else, published to only by this environment's alarms over TLS, with exactly the
//!   spec's subscriptions (or the spec's own topic).
//!
//! What the checkers expect is read from the spec's TOML by this file (with the defaults of
//! spec-format.md), not from the IR, so that a wrong IR cannot set its own expectations.
//!
//! The CDK app is not parsed here: tests/equivalence_cdk.rs proves in CI that `cdk synth` of it
//! yields the CloudFormation template's Resources and Outputs, so the CloudFormation checks cover it.
//!
//! Some properties are not IR properties but constants of the templates (MapPublicIpOnLaunch,
//! versioning, the Block Public Access flags, key rotation): the model of the IR leaves them
//! `null`, and the checkers demand them on the rendered targets only.
//!
//! `each_checker_fails_on_its_mutations` breaks each property in rendered text, parsed JSON or the
//! IR and asserts that the checker guarding it then fails.

// Test code: the model builders outside #[test] functions panic on output they cannot read, which
// is a failed test with its message.
#![allow(clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use hcl::{Body, Expression, ObjectKey, TraversalOperator};
use mwaagen::ir::{snake_case, Attr, Expr, Ir, Kind, Lifecycle, Part, Pseudo, Resource, SgRule};
use mwaagen::render::{render, OutputFile, Target};
use serde_json::{json, Value};

// --- Neutral values ------------------------------------------------------------------------------
//
// Strings are written with neutral placeholders, so that `!Sub "arn:${AWS::Partition}:..."`, the
// IR's `Expr::Sub` and the HCL template `"arn:${local.partition}:..."` (its locals evaluated) read
// the same: `${partition}`, `${region}`, `${account}`, `${az:N}`, and `${ref:ID.arn}` /
// `${ref:ID.id}` for an attribute of another resource (ID is the Terraform name, which is the
// snake-case CloudFormation logical id; `id` stands for what CloudFormation's `Ref` returns).

const PARTITION: &str = "${partition}";
const REGION: &str = "${region}";
const ACCOUNT: &str = "${account}";

fn rref(id: &str, attr: &str) -> String {
    format!("${{ref:{id}.{attr}}}")
}

/// `${ref:ID.ATTR}` -> `ID`.
fn ref_target<'a>(v: &'a str, attr: &str) -> Option<&'a str> {
    v.strip_prefix("${ref:")?.strip_suffix('}')?.strip_suffix(attr)?.strip_suffix('.')
}

fn list(v: Option<&Value>) -> Vec<Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    }
}

/// A string or list of strings (or scalars) as a set of strings.
fn strs(v: Option<&Value>) -> BTreeSet<String> {
    list(v)
        .into_iter()
        .map(|x| match x {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect()
}

fn set<S: AsRef<str>>(items: &[S]) -> BTreeSet<String> {
    items.iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Items of `v` that are not null, with arrays flattened.
fn present(v: Vec<Value>) -> Vec<Value> {
    v.into_iter().flat_map(|x| list(Some(&x))).collect()
}

/// IAM-style wildcard match (`*`, `?`), case-insensitive as IAM actions are.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b) && go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn ensure(ok: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(msg())
    }
}

// --- Policy documents ----------------------------------------------------------------------------

type Cond = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;
type Principal = BTreeMap<String, BTreeSet<String>>;

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn sid(s: &Value) -> String {
    s.get("Sid").and_then(Value::as_str).unwrap_or("(no Sid)").to_owned()
}

fn effect(s: &Value) -> &str {
    s.get("Effect").and_then(Value::as_str).unwrap_or("")
}

fn actions(s: &Value) -> BTreeSet<String> {
    strs(s.get("Action"))
}

fn resources(s: &Value) -> BTreeSet<String> {
    strs(s.get("Resource"))
}

/// `"*"` is the same principal as `{"AWS": "*"}`.
fn principal(s: &Value) -> Principal {
    match s.get("Principal") {
        None | Some(Value::Null) => Principal::new(),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), strs(Some(v)))).collect(),
        Some(other) => Principal::from([("AWS".to_owned(), strs(Some(other)))]),
    }
}

fn principal_of(kind: &str, values: &[&str]) -> Principal {
    Principal::from([(kind.to_owned(), set(values))])
}

fn condition(s: &Value) -> Cond {
    condition_of(s.get("Condition"))
}

/// A `Condition` block (or null) in neutral form.
fn condition_of(c: Option<&Value>) -> Cond {
    match c {
        None | Some(Value::Null) => Cond::new(),
        Some(Value::Object(ops)) => ops
            .iter()
            .map(|(op, kv)| {
                let inner = match kv {
                    Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), strs(Some(v)))).collect(),
                    other => BTreeMap::from([("?".to_owned(), strs(Some(other)))]),
                };
                (op.clone(), inner)
            })
            .collect(),
        Some(other) => Cond::from([("?".to_owned(), BTreeMap::from([("?".to_owned(), strs(Some(other)))]))]),
    }
}

fn cond(entries: &[(&str, &str, &[&str])]) -> Cond {
    let mut c = Cond::new();
    for (op, key, values) in entries {
        c.entry((*op).to_owned()).or_default().insert((*key).to_owned(), set(values));
    }
    c
}

/// Keys a statement may have; others (`NotAction`, `NotPrincipal`, ...) are errors.
fn only_keys(s: &Value, allowed: &[&str]) -> Result<(), String> {
    let obj = s.as_object().ok_or_else(|| format!("statement {s} is not an object"))?;
    for k in obj.keys() {
        ensure(allowed.contains(&k.as_str()), || format!("statement {} has {k}, which it must not use", sid(s)))?;
    }
    Ok(())
}

// --- What the spec asks for ----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum KmsSpec {
    AwsOwned,
    Create,
    Existing(String),
}

#[derive(Debug, Clone, PartialEq)]
enum BucketSpec {
    Created { sse_kms: bool, enforce_tls: bool, retain: bool },
    Existing(String),
}

#[derive(Debug, Clone)]
struct Grant {
    airflow_role: String,
    roles: BTreeSet<String>,
    groups: BTreeSet<String>,
    cli: bool,
    rest_api: bool,
}

/// A `[[execution_role.statements]]` entry, as the spec writes it.
#[derive(Debug, Clone, PartialEq)]
struct SpecStatement {
    sid: Option<String>,
    effect: String,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    condition: Cond,
}

/// `[monitoring]`.
#[derive(Debug, Clone)]
struct MonitoringSpec {
    /// `sns_topic_arn`: the alarms notify this topic, and none is created.
    topic_arn: Option<String>,
    emails: BTreeSet<String>,
}

/// `[secrets]` of a spec, with its defaults (spec-format.md).
#[derive(Debug, Clone)]
struct SecretsSpec {
    /// `secrets_manager` or `parameter_store`.
    backend: String,
    /// Connections, variables and (when set) config prefixes, in that order.
    prefixes: Vec<String>,
    config_prefix: Option<String>,
    kms_key_arns: BTreeSet<String>,
}

/// The security-relevant choices of one spec, with the defaults of spec-format.md.
#[derive(Debug, Clone)]
struct Expect {
    env: String,
    /// `Some(arn)`: the spec brings its own execution role.
    role_arn: Option<String>,
    /// Managed policies the spec attaches to the generated role besides the least-privilege one.
    additional_policy_arns: BTreeSet<String>,
    bucket: BucketSpec,
    kms: KmsSpec,
    web_access: Vec<Grant>,
    /// A new VPC (not `existing_vpc_id`).
    network_created: bool,
    private: bool,
    private_cidrs: Vec<String>,
    restricted: bool,
    acl: bool,
    /// `endpoint_management = "CUSTOMER"`.
    customer_endpoints: bool,
    /// `webserver_access_mode = "PRIVATE_ONLY"`.
    private_only: bool,
    /// `network.security_group.additional_ids`.
    additional_sgs: Vec<String>,
    /// `network.existing_vpc_id`.
    existing_vpc: Option<String>,
    /// `network.s3_endpoint_bucket_arns`.
    s3_endpoint_bucket_arns: Vec<String>,
    flow_logs: bool,
    secrets: Option<SecretsSpec>,
    /// `module -> (enabled, level)` of `[environment.logging]`: "off" is (false, INFO), the
    /// table form `{ level, enabled }` keeps its level.
    logging: BTreeMap<String, (bool, String)>,
    /// `network.security_group.create` (default true): false, the environment's groups are
    /// exactly `additional_ids`.
    sg_created: bool,
    /// `network.security_group.web_ingress_*`: peers the group admits on TCP 443.
    web_ingress: BTreeSet<String>,
    /// Subnets the spec creates (no `existing_private_subnet_ids`), in a new or an existing VPC.
    subnets_created: bool,
    /// `network.create_customer_endpoints` (default true).
    create_customer_endpoints: bool,
    /// `execution_role.trusted_principals`.
    trusted_principals: BTreeSet<String>,
    statements: Vec<SpecStatement>,
    /// Logging modules that are not `off`, in the MWAA API's order.
    log_modules: Vec<String>,
    log_retention: i64,
    monitoring: Option<MonitoringSpec>,
}

impl Expect {
    fn from_toml(text: &str) -> Expect {
        let t: toml::Table = text.parse().unwrap_or_else(|e| panic!("spec is not TOML: {e}"));
        let get = |path: &[&str]| -> Option<toml::Value> {
            let (last, init) = path.split_last()?;
            let mut cur = &t;
            for k in init {
                cur = cur.get(*k)?.as_table()?;
            }
            cur.get(*last).cloned()
        };
        let string = |path: &[&str]| get(path).and_then(|v| v.as_str().map(str::to_owned));
        let boolean = |path: &[&str], default: bool| get(path).and_then(|v| v.as_bool()).unwrap_or(default);
        let strings = |v: Option<&toml::Value>| -> Vec<String> {
            v.and_then(toml::Value::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let bucket = match string(&["bucket", "existing_arn"]) {
            Some(arn) => BucketSpec::Existing(arn),
            None => BucketSpec::Created {
                sse_kms: string(&["bucket", "encryption"]).as_deref() == Some("sse-kms"),
                enforce_tls: boolean(&["bucket", "enforce_tls"], true),
                retain: boolean(&["bucket", "retain_on_delete"], true),
            },
        };
        let kms = match string(&["kms", "key"]).as_deref() {
            None | Some("aws_owned") => KmsSpec::AwsOwned,
            Some("create") => KmsSpec::Create,
            Some(arn) => KmsSpec::Existing(arn.to_owned()),
        };
        let web_access = get(&["web_access"])
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|g| Grant {
                airflow_role: g.get("airflow_role").and_then(toml::Value::as_str).unwrap_or("").to_owned(),
                roles: strings(g.get("attach_to_roles")).into_iter().collect(),
                groups: strings(g.get("attach_to_groups")).into_iter().collect(),
                cli: g.get("cli").and_then(toml::Value::as_bool).unwrap_or(false),
                rest_api: g.get("rest_api").and_then(toml::Value::as_bool).unwrap_or(false),
            })
            .collect();
        let statements = get(&["execution_role", "statements"])
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|st| {
                let condition: Value =
                    st.get("condition").map_or(Value::Null, |c| serde_json::to_value(c).expect("TOML as JSON"));
                SpecStatement {
                    sid: st.get("sid").and_then(toml::Value::as_str).map(str::to_owned),
                    effect: st.get("effect").and_then(toml::Value::as_str).unwrap_or("Allow").to_owned(),
                    actions: strings(st.get("actions")).into_iter().collect(),
                    resources: strings(st.get("resources")).into_iter().collect(),
                    condition: condition_of(Some(&condition)),
                }
            })
            .collect();
        // A module's logging: "LEVEL", "off", or { level = "LEVEL", enabled = BOOL }.
        let module_logging = |m: &str| -> (bool, String) {
            match get(&["environment", "logging", m]) {
                None => (true, "INFO".to_owned()),
                Some(toml::Value::String(l)) if l == "off" => (false, "INFO".to_owned()),
                Some(toml::Value::String(l)) => (true, l),
                Some(toml::Value::Table(t)) => (
                    t.get("enabled").and_then(toml::Value::as_bool).unwrap_or(true),
                    t.get("level").and_then(toml::Value::as_str).unwrap_or("INFO").to_owned(),
                ),
                Some(other) => panic!("environment.logging.{m} is {other}"),
            }
        };
        let create_log_groups = boolean(&["environment", "logging", "create_log_groups"], true);
        let log_modules = ["dag_processing", "scheduler", "task", "webserver", "worker"]
            .into_iter()
            .filter(|m| create_log_groups && module_logging(m).0)
            .map(str::to_owned)
            .collect();
        let monitoring = get(&["monitoring"]).map(|_| MonitoringSpec {
            topic_arn: string(&["monitoring", "sns_topic_arn"]),
            emails: strings(get(&["monitoring", "alarm_emails"]).as_ref()).into_iter().collect(),
        });
        let private_cidrs = match get(&["network", "private_subnet_cidrs"]) {
            Some(v) => strings(Some(&v)),
            None => vec!["10.192.20.0/24".to_owned(), "10.192.21.0/24".to_owned()],
        };
        let secrets = get(&["secrets"]).map(|s| {
            let field = |k: &str, default: &str| s.get(k).and_then(toml::Value::as_str).unwrap_or(default).to_owned();
            let config_prefix = Some(field("config_prefix", "")).filter(|p| !p.is_empty());
            let mut prefixes = vec![
                field("connections_prefix", "airflow/connections"),
                field("variables_prefix", "airflow/variables"),
            ];
            prefixes.extend(config_prefix.clone());
            SecretsSpec {
                backend: field("backend", ""),
                prefixes,
                config_prefix,
                kms_key_arns: strings(s.get("kms_key_arns")).into_iter().collect(),
            }
        });
        let logging = ["dag_processing", "scheduler", "task", "webserver", "worker"]
            .into_iter()
            .map(|m| (m.to_owned(), module_logging(m)))
            .collect();
        let subnets_created = get(&["network", "existing_private_subnet_ids"]).is_none();
        let web_ingress = ["web_ingress_cidrs", "web_ingress_prefix_list_ids", "web_ingress_security_group_ids"]
            .into_iter()
            .flat_map(|k| strings(get(&["network", "security_group", k]).as_ref()))
            .collect();
        Expect {
            customer_endpoints: string(&["environment", "endpoint_management"]).as_deref() == Some("CUSTOMER"),
            private_only: string(&["environment", "webserver_access_mode"]).as_deref() == Some("PRIVATE_ONLY"),
            additional_sgs: strings(get(&["network", "security_group", "additional_ids"]).as_ref()),
            existing_vpc: string(&["network", "existing_vpc_id"]),
            s3_endpoint_bucket_arns: strings(get(&["network", "s3_endpoint_bucket_arns"]).as_ref()),
            // Flow logs come with the subnets the spec creates, in a new VPC or an existing one.
            flow_logs: subnets_created && boolean(&["network", "flow_logs"], true),
            sg_created: boolean(&["network", "security_group", "create"], true),
            web_ingress,
            subnets_created,
            create_customer_endpoints: boolean(&["network", "create_customer_endpoints"], true),
            trusted_principals: strings(get(&["execution_role", "trusted_principals"]).as_ref()).into_iter().collect(),
            secrets,
            logging,
            env: string(&["environment", "name"]).unwrap_or_else(|| panic!("spec without environment.name")),
            role_arn: string(&["execution_role", "existing_arn"]),
            additional_policy_arns: strings(get(&["execution_role", "additional_policy_arns"]).as_ref())
                .into_iter()
                .collect(),
            bucket,
            kms,
            web_access,
            network_created: get(&["network", "existing_vpc_id"]).is_none(),
            private: string(&["network", "routing"]).as_deref() == Some("private"),
            private_cidrs,
            restricted: string(&["network", "security_group", "ingress"]).as_deref() == Some("restricted"),
            acl: boolean(&["network", "acl", "enabled"], false),
            statements,
            log_modules,
            log_retention: get(&["environment", "logging", "retention_days"])
                .and_then(|v| v.as_integer())
                .unwrap_or(365),
            monitoring,
        }
    }

    fn env_arn(&self) -> String {
        format!("arn:{PARTITION}:airflow:{REGION}:{ACCOUNT}:environment/{}", self.env)
    }
}

// --- The neutral model ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Ir,
    Cfn,
    Terraform,
}

/// One resource: neutral id, neutral kind (the IR's kind tags, plus `policy_attachment` for
/// Terraform's attachment resources and `other:TYPE` for anything unknown), neutral properties.
/// Every resource also has `depends_on` (ids) and `deletion_retain` / `replace_retain` (bools).
#[derive(Debug, Clone)]
struct Res {
    id: String,
    kind: String,
    p: Value,
}

impl Res {
    fn get(&self, key: &str) -> Option<&Value> {
        self.p.get(key).filter(|v| !v.is_null())
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.p.get(key).and_then(Value::as_str)
    }
}

#[derive(Debug, Clone)]
struct Model {
    view: View,
    res: Vec<Res>,
    /// Stack outputs: neutral name (the Terraform output name) -> neutral value.
    outputs: BTreeMap<String, Value>,
}

impl Model {
    fn of(&self, kind: &str) -> std::vec::IntoIter<&Res> {
        self.res.iter().filter(|r| r.kind == kind).collect::<Vec<_>>().into_iter()
    }

    fn get(&self, id: &str, kind: &str) -> Option<&Res> {
        self.res.iter().find(|r| r.id == id && r.kind == kind)
    }

    fn one(&self, kind: &str) -> Result<&Res, String> {
        let all: Vec<&Res> = self.of(kind).collect();
        match all.as_slice() {
            [r] => Ok(r),
            other => Err(format!("expected exactly one {kind}, found {}", other.len())),
        }
    }

    /// A rendered target, where template constants are visible.
    fn rendered(&self) -> bool {
        self.view != View::Ir
    }
}

/// Rule of a security group: `protocol` (`-1`, `tcp`, ...), `from`/`to` (null for `-1`),
/// `peers` (security groups) and `cidrs` (IPv4, IPv6 and prefix lists).
fn sg_rule(protocol: &Value, from: &Value, to: &Value, peers: Vec<Value>, cidrs: Vec<Value>) -> Value {
    let protocol = match protocol {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    };
    let protocol = match protocol.as_str() {
        "-1" | "all" => "-1".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        _ => protocol,
    };
    let port = |v: &Value| match v {
        Value::Number(n) => json!(n.as_i64()),
        Value::String(s) => s.parse::<i64>().map_or(Value::Null, |n| json!(n)),
        _ => Value::Null,
    };
    let (from, to) = if protocol == "-1" { (Value::Null, Value::Null) } else { (port(from), port(to)) };
    json!({"protocol": protocol, "from": from, "to": to, "peers": present(peers), "cidrs": present(cidrs)})
}

fn acl_protocol(v: &Value) -> Value {
    json!(match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

// --- IR -> model ---------------------------------------------------------------------------------

fn pseudo(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Region => REGION,
        Pseudo::AccountId => ACCOUNT,
        Pseudo::Partition => PARTITION,
    }
}

fn ir_ref(r: &mwaagen::ir::Ref) -> String {
    let attr = match r.attr {
        Attr::Arn => "arn",
        Attr::DatabaseVpcEndpointService => "database_vpc_endpoint_service",
        Attr::WebserverVpcEndpointService => "webserver_vpc_endpoint_service",
        // CloudFormation's `Ref` of a topic is its ARN.
        _ if r.kind == "sns_topic" => "arn",
        _ => "id",
    };
    rref(&snake_case(&r.id), attr)
}

/// The neutral name of an attribute that the checkers tell apart from `id`, from its
/// CloudFormation (`Arn`) or Terraform (`arn`) spelling.
fn neutral_attr(attr: &str) -> &'static str {
    match attr {
        "Arn" | "arn" => "arn",
        "DatabaseVpcEndpointService" | "database_vpc_endpoint_service" => "database_vpc_endpoint_service",
        "WebserverVpcEndpointService" | "webserver_vpc_endpoint_service" => "webserver_vpc_endpoint_service",
        _ => "id",
    }
}

/// Logging of the environment, as `module -> {enabled, level}` (`level` null when absent).
fn logging_of(modules: impl Iterator<Item = (String, Value, Value)>) -> Value {
    Value::Object(modules.map(|(m, enabled, level)| (m, json!({"enabled": enabled, "level": level}))).collect())
}

fn ir_value(e: &Expr) -> Value {
    match e {
        Expr::Str(s) => json!(s),
        Expr::Int(i) => json!(i),
        Expr::Bool(b) => json!(b),
        Expr::Ref(r) => json!(ir_ref(r)),
        Expr::Pseudo(p) => json!(pseudo(*p)),
        Expr::Sub(parts) => json!(parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                Part::Pseudo(p) => pseudo(*p).to_owned(),
                Part::Ref(r) => ir_ref(r),
            })
            .collect::<String>()),
        Expr::Az(n) => json!(format!("${{az:{n}}}")),
        Expr::Join { sep, items } => json!({"join": [sep, items.iter().map(ir_value).collect::<Vec<_>>()]}),
        Expr::List(items) => Value::Array(items.iter().map(ir_value).collect()),
        Expr::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), ir_value(v))).collect()),
        Expr::Input(name) => json!({"input": name}),
        Expr::Select { index, list } => json!({"select": [index, ir_value(list)]}),
        Expr::Split { sep, of } => json!({"split": [sep, ir_value(of)]}),
        Expr::Concat(lists) => json!({"concat": lists.iter().map(ir_value).collect::<Vec<_>>()}),
    }
}

fn ir_values(items: &[Expr]) -> Value {
    Value::Array(items.iter().map(ir_value).collect())
}

fn ir_opt(e: Option<&Expr>) -> Value {
    e.map_or(Value::Null, ir_value)
}

fn ir_rule(r: &SgRule) -> Value {
    sg_rule(
        &json!(r.protocol),
        &json!(r.from_port),
        &json!(r.to_port),
        vec![ir_opt(r.peer_group.as_ref())],
        vec![json!(r.cidr), json!(r.prefix_list)],
    )
}

fn ir_resource(r: &Resource) -> Res {
    let (kind, mut p) = match &r.kind {
        Kind::Subnet { cidr, public, .. } => ("subnet", json!({"cidr": cidr, "public": public, "map_public_ip": null})),
        Kind::Route { route_table, destination, .. } => {
            ("route", json!({"route_table": ir_value(route_table), "destination": destination, "destination6": null}))
        }
        Kind::RouteTable { .. } => ("route_table", json!({"routes": []})),
        Kind::SubnetRouteTableAssociation { subnet, route_table } => (
            "subnet_route_table_association",
            json!({"subnet": ir_value(subnet), "route_table": ir_value(route_table)}),
        ),
        Kind::SecurityGroup { .. } => ("security_group", json!({"ingress": []})),
        Kind::SecurityGroupIngress { group, rule } => {
            ("security_group_ingress", json!({"group": ir_value(group), "rule": ir_rule(rule)}))
        }
        Kind::NetworkAclEntry { acl, rule_number, egress, protocol, action, cidr } => (
            "network_acl_entry",
            json!({"acl": ir_value(acl), "rule_number": rule_number, "egress": egress,
                   "protocol": protocol, "action": action, "cidr": cidr, "cidr6": null}),
        ),
        Kind::SubnetNetworkAclAssociation { subnet, acl } => {
            ("subnet_network_acl_association", json!({"subnet": ir_value(subnet), "acl": ir_value(acl)}))
        }
        Kind::VpcEndpoint {
            vpc,
            service,
            endpoint_type,
            route_tables,
            subnets,
            security_groups,
            private_dns,
            policy,
        } => (
            "vpc_endpoint",
            json!({"vpc": ir_value(vpc), "service": ir_value(service), "type": endpoint_type,
                   "route_tables": ir_values(route_tables), "subnets": ir_values(subnets),
                   "security_groups": security_groups.as_ref().map_or(json!([]), ir_value), "private_dns": private_dns,
                   "policy": ir_opt(policy.as_ref())}),
        ),
        Kind::IamRole { assume_role_policy, managed_policy_arns, .. } => (
            "iam_role",
            json!({"trust": ir_value(assume_role_policy), "managed_policy_arns": ir_values(managed_policy_arns),
                   "inline_policies": []}),
        ),
        Kind::RolePolicy { role, document, .. } => (
            "role_policy",
            json!({"roles": [ir_value(role)], "groups": [], "users": [], "document": ir_value(document)}),
        ),
        Kind::ManagedPolicy { document, roles, groups, .. } => (
            "managed_policy",
            json!({"document": ir_value(document), "roles": ir_values(roles), "groups": ir_values(groups),
                   "users": []}),
        ),
        Kind::Bucket { sse_algorithm, kms_key, .. } => (
            "bucket",
            json!({"versioning": null, "public_access_block": null,
                   "sse": [{"algorithm": sse_algorithm, "kms_key": ir_opt(kms_key.as_ref())}]}),
        ),
        Kind::BucketPolicy { bucket, document } => {
            ("bucket_policy", json!({"bucket": ir_value(bucket), "document": ir_value(document)}))
        }
        Kind::KmsKey { policy, .. } => ("kms_key", json!({"policy": ir_value(policy), "rotation": null})),
        Kind::LogGroup { name, retention_days, kms_key } => {
            ("log_group", json!({"name": name, "retention": retention_days, "kms_key": ir_opt(kms_key.as_ref())}))
        }
        Kind::SnsTopic { kms_key, .. } => ("sns_topic", json!({"kms_key": ir_value(kms_key)})),
        Kind::SnsSubscription { topic, protocol, endpoint } => {
            ("sns_subscription", json!({"topic": ir_value(topic), "protocol": protocol, "endpoint": endpoint}))
        }
        Kind::SnsTopicPolicy { topic, document } => {
            ("sns_topic_policy", json!({"topics": [ir_value(topic)], "document": ir_value(document)}))
        }
        Kind::Alarm(a) => (
            "alarm",
            json!({"name": a.name, "alarm_actions": ir_values(&a.actions), "ok_actions": ir_values(&a.actions)}),
        ),
        Kind::MwaaEnvironment(s) => (
            "mwaa_environment",
            json!({"name": s.name, "execution_role_arn": ir_value(&s.execution_role_arn),
                   "source_bucket_arn": ir_value(&s.source_bucket_arn), "kms_key": ir_opt(s.kms_key.as_ref()),
                   "security_groups": ir_value(&s.security_group_ids), "subnets": ir_values(&s.subnet_ids),
                   "webserver_access_mode": s.webserver_access_mode,
                   "options": s.airflow_configuration_options,
                   "logging": logging_of(s.logging.iter().map(|l| (l.module.clone(), json!(l.enabled), json!(l.level))))}),
        ),
        other => (other.tag(), json!({})),
    };
    let retain = r.lifecycle == Some(Lifecycle::Retain);
    p["depends_on"] = json!(r.depends_on.iter().map(|d| snake_case(d)).collect::<Vec<_>>());
    p["deletion_retain"] = json!(retain);
    p["replace_retain"] = json!(retain);
    Res { id: snake_case(&r.id), kind: kind.to_owned(), p }
}

fn ir_model(ir: &Ir) -> Model {
    Model {
        view: View::Ir,
        res: ir.resources.iter().map(ir_resource).collect(),
        outputs: ir.outputs.iter().map(|o| (o.tf_name.clone(), ir_value(&o.value))).collect(),
    }
}

// --- CloudFormation -> model ---------------------------------------------------------------------

struct Cfn<'a> {
    types: BTreeMap<&'a str, &'a str>,
}

impl Cfn<'_> {
    /// What `Ref` of a resource returns: the ARN for a managed policy, the "id" otherwise.
    fn ref_of(&self, target: &str) -> String {
        if let Some(p) = target.strip_prefix("AWS::") {
            return match p {
                "Region" => REGION.to_owned(),
                "AccountId" => ACCOUNT.to_owned(),
                "Partition" => PARTITION.to_owned(),
                other => format!("${{pseudo:{other}}}"),
            };
        }
        let arn = matches!(self.types.get(target), Some(&("AWS::IAM::ManagedPolicy" | "AWS::SNS::Topic")));
        let attr = if arn { "arn" } else { "id" };
        rref(&snake_case(target), attr)
    }

    fn get_att(target: &str, attr: &str) -> String {
        rref(&snake_case(target), neutral_attr(attr))
    }

    fn sub(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let var = &after[..end];
            out.push_str(&match var.split_once('.') {
                Some((t, a)) if !var.starts_with("AWS::") => Self::get_att(t, a),
                _ => self.ref_of(var),
            });
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn value(&self, v: &Value) -> Value {
        match v {
            Value::Array(a) => Value::Array(a.iter().map(|v| self.value(v)).collect()),
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().expect("one entry");
                match (k.as_str(), arg) {
                    ("Ref", Value::String(t)) => json!(self.ref_of(t)),
                    ("Fn::GetAtt", Value::Array(a)) if a.len() == 2 => {
                        json!(Self::get_att(a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or("")))
                    }
                    ("Fn::Sub", Value::String(t)) => json!(self.sub(t)),
                    ("Fn::Select", Value::Array(a)) if a.len() == 2 && a[1].get("Fn::GetAZs").is_some() => {
                        json!(format!("${{az:{}}}", a[0]))
                    }
                    ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
                        json!({"join": [self.value(&a[0]), self.value(&a[1])]})
                    }
                    _ => Value::Object(m.iter().map(|(k, v)| (k.clone(), self.value(v))).collect()),
                }
            }
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), self.value(v))).collect()),
            other => other.clone(),
        }
    }
}

fn cfn_rule(r: &Value) -> Value {
    let g = |k: &str| r.get(k).cloned().unwrap_or(Value::Null);
    sg_rule(
        &g("IpProtocol"),
        &g("FromPort"),
        &g("ToPort"),
        vec![g("SourceSecurityGroupId"), g("SourceSecurityGroupName")],
        vec![g("CidrIp"), g("CidrIpv6"), g("SourcePrefixListId")],
    )
}

fn cfn_resource(cx: &Cfn<'_>, id: &str, r: &Value) -> Res {
    let ty = r["Type"].as_str().expect("Type");
    let props = r.get("Properties").map_or_else(|| json!({}), |p| cx.value(p));
    let g = |k: &str| props.get(k).cloned().unwrap_or(Value::Null);
    let kind_only = |k: &str| (k.to_owned(), json!({}));
    let (kind, mut p) = match ty {
        "AWS::EC2::Subnet" => (
            "subnet".to_owned(),
            json!({"cidr": g("CidrBlock"), "public": null, "map_public_ip": g("MapPublicIpOnLaunch")}),
        ),
        "AWS::EC2::Route" => (
            "route".to_owned(),
            json!({"route_table": g("RouteTableId"), "destination": g("DestinationCidrBlock"),
                   "destination6": g("DestinationIpv6CidrBlock")}),
        ),
        "AWS::EC2::RouteTable" => ("route_table".to_owned(), json!({"routes": []})),
        "AWS::EC2::SubnetRouteTableAssociation" => (
            "subnet_route_table_association".to_owned(),
            json!({"subnet": g("SubnetId"), "route_table": g("RouteTableId")}),
        ),
        "AWS::EC2::SecurityGroup" => (
            "security_group".to_owned(),
            json!({"ingress": list(props.get("SecurityGroupIngress")).iter().map(cfn_rule).collect::<Vec<_>>()}),
        ),
        "AWS::EC2::SecurityGroupIngress" => {
            ("security_group_ingress".to_owned(), json!({"group": g("GroupId"), "rule": cfn_rule(&props)}))
        }
        "AWS::EC2::NetworkAclEntry" => (
            "network_acl_entry".to_owned(),
            json!({"acl": g("NetworkAclId"), "rule_number": g("RuleNumber"),
                   "egress": props.get("Egress").cloned().unwrap_or(json!(false)),
                   "protocol": acl_protocol(&g("Protocol")), "action": g("RuleAction"),
                   "cidr": g("CidrBlock"), "cidr6": g("Ipv6CidrBlock")}),
        ),
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            ("subnet_network_acl_association".to_owned(), json!({"subnet": g("SubnetId"), "acl": g("NetworkAclId")}))
        }
        "AWS::EC2::VPCEndpoint" => (
            "vpc_endpoint".to_owned(),
            json!({"vpc": g("VpcId"), "service": g("ServiceName"),
                   "type": props.get("VpcEndpointType").cloned().unwrap_or(json!("Gateway")),
                   "route_tables": list(props.get("RouteTableIds")), "subnets": list(props.get("SubnetIds")),
                   "security_groups": list(props.get("SecurityGroupIds")),
                   "private_dns": g("PrivateDnsEnabled"), "policy": g("PolicyDocument")}),
        ),
        "AWS::IAM::Role" => (
            "iam_role".to_owned(),
            json!({"trust": g("AssumeRolePolicyDocument"), "managed_policy_arns": list(props.get("ManagedPolicyArns")),
                   "inline_policies": list(props.get("Policies")).iter()
                        .map(|p| p.get("PolicyDocument").cloned().unwrap_or(Value::Null)).collect::<Vec<_>>()}),
        ),
        "AWS::IAM::RolePolicy" => (
            "role_policy".to_owned(),
            json!({"roles": list(props.get("RoleName")), "groups": [], "users": [], "document": g("PolicyDocument")}),
        ),
        "AWS::IAM::Policy" => (
            "role_policy".to_owned(),
            json!({"roles": list(props.get("Roles")), "groups": list(props.get("Groups")),
                   "users": list(props.get("Users")), "document": g("PolicyDocument")}),
        ),
        "AWS::IAM::ManagedPolicy" => (
            "managed_policy".to_owned(),
            json!({"document": g("PolicyDocument"), "roles": list(props.get("Roles")),
                   "groups": list(props.get("Groups")), "users": list(props.get("Users"))}),
        ),
        "AWS::S3::Bucket" => {
            let versioning = props.get("VersioningConfiguration").map(|v| v.get("Status").cloned());
            let pab = props.get("PublicAccessBlockConfiguration").map(|b| {
                json!({"block_public_acls": b.get("BlockPublicAcls"), "block_public_policy": b.get("BlockPublicPolicy"),
                       "ignore_public_acls": b.get("IgnorePublicAcls"),
                       "restrict_public_buckets": b.get("RestrictPublicBuckets")})
            });
            let sse: Vec<Value> = props
                .get("BucketEncryption")
                .map(|e| list(e.get("ServerSideEncryptionConfiguration")))
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let d = r.get("ServerSideEncryptionByDefault").cloned().unwrap_or(Value::Null);
                    json!({"algorithm": d.get("SSEAlgorithm"), "kms_key": d.get("KMSMasterKeyID")})
                })
                .collect();
            (
                "bucket".to_owned(),
                json!({"versioning": present(vec![json!(versioning)]),
                       "public_access_block": present(vec![json!(pab)]), "sse": sse}),
            )
        }
        "AWS::S3::BucketPolicy" => {
            ("bucket_policy".to_owned(), json!({"bucket": g("Bucket"), "document": g("PolicyDocument")}))
        }
        "AWS::KMS::Key" => {
            ("kms_key".to_owned(), json!({"policy": g("KeyPolicy"), "rotation": g("EnableKeyRotation")}))
        }
        "AWS::MWAA::Environment" => {
            let net = props.get("NetworkConfiguration").cloned().unwrap_or(Value::Null);
            (
                "mwaa_environment".to_owned(),
                json!({"name": g("Name"), "execution_role_arn": g("ExecutionRoleArn"),
                       "source_bucket_arn": g("SourceBucketArn"), "kms_key": g("KmsKey"),
                       "security_groups": list(net.get("SecurityGroupIds")), "subnets": list(net.get("SubnetIds")),
                       "webserver_access_mode": g("WebserverAccessMode"),
                       "options": props.get("AirflowConfigurationOptions").cloned().unwrap_or_else(|| json!({})),
                       "logging": logging_of(props.get("LoggingConfiguration").and_then(Value::as_object)
                           .into_iter().flatten().map(|(k, v)| (
                               snake_case(k).trim_end_matches("_logs").to_owned(),
                               v.get("Enabled").cloned().unwrap_or(Value::Null),
                               v.get("LogLevel").cloned().unwrap_or(Value::Null))))}),
            )
        }
        "AWS::EC2::VPC" => kind_only("vpc"),
        "AWS::EC2::InternetGateway" | "AWS::EC2::EgressOnlyInternetGateway" => kind_only("internet_gateway"),
        "AWS::EC2::VPCGatewayAttachment" => kind_only("vpc_gateway_attachment"),
        "AWS::EC2::EIP" => kind_only("eip"),
        "AWS::EC2::NatGateway" => kind_only("nat_gateway"),
        "AWS::EC2::NetworkAcl" => kind_only("network_acl"),
        "AWS::Logs::LogGroup" => (
            "log_group".to_owned(),
            json!({"name": g("LogGroupName"), "retention": g("RetentionInDays"), "kms_key": g("KmsKeyId")}),
        ),
        "AWS::SNS::Topic" => ("sns_topic".to_owned(), json!({"kms_key": g("KmsMasterKeyId")})),
        "AWS::SNS::Subscription" => (
            "sns_subscription".to_owned(),
            json!({"topic": g("TopicArn"), "protocol": g("Protocol"), "endpoint": g("Endpoint")}),
        ),
        "AWS::SNS::TopicPolicy" => (
            "sns_topic_policy".to_owned(),
            json!({"topics": list(props.get("Topics")), "document": g("PolicyDocument")}),
        ),
        "AWS::CloudWatch::Alarm" => (
            "alarm".to_owned(),
            json!({"name": g("AlarmName"), "alarm_actions": list(props.get("AlarmActions")),
                   "ok_actions": list(props.get("OKActions"))}),
        ),
        "AWS::EC2::FlowLog" => kind_only("flow_log"),
        "AWS::KMS::Alias" => kind_only("kms_alias"),
        other => kind_only(&format!("other:{other}")),
    };
    let deps: Vec<String> = strs(r.get("DependsOn")).iter().map(|d| snake_case(d)).collect();
    p["depends_on"] = json!(deps);
    p["deletion_retain"] = json!(r.get("DeletionPolicy") == Some(&json!("Retain")));
    p["replace_retain"] = json!(r.get("UpdateReplacePolicy") == Some(&json!("Retain")));
    Res { id: snake_case(id), kind, p }
}

/// The model of a CloudFormation template (as long-form JSON, see `support::cfn_yaml_to_json`).
fn cfn_model(doc: &Value) -> Model {
    let resources = doc["Resources"].as_object().expect("Resources");
    let types = resources.iter().map(|(id, r)| (id.as_str(), r["Type"].as_str().expect("Type"))).collect();
    let cx = Cfn { types };
    let outputs = doc.get("Outputs").and_then(Value::as_object).into_iter().flatten();
    Model {
        view: View::Cfn,
        res: resources.iter().map(|(id, r)| cfn_resource(&cx, id, r)).collect(),
        outputs: outputs.map(|(id, o)| (snake_case(id), cx.value(&o["Value"]))).collect(),
    }
}

// --- Terraform -> model --------------------------------------------------------------------------

fn tf_traversal(t: &hcl::Traversal) -> String {
    let root = match &t.expr {
        Expression::Variable(v) => v.as_str().to_owned(),
        other => return format!("${{?{other:?}}}"),
    };
    let names: Vec<String> = t
        .operators
        .iter()
        .map(|op| match op {
            TraversalOperator::GetAttr(a) => a.to_string(),
            TraversalOperator::Index(Expression::Number(n)) => n.to_string(),
            TraversalOperator::LegacyIndex(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    match (root.as_str(), names.as_slice()) {
        ("data", ["aws_region", _, "name" | "region"]) => REGION.to_owned(),
        ("data", ["aws_caller_identity", _, "account_id"]) => ACCOUNT.to_owned(),
        ("data", ["aws_partition", _, "partition"]) => PARTITION.to_owned(),
        ("data", ["aws_availability_zones", _, "names", i]) => format!("${{az:{i}}}"),
        ("data" | "var" | "local", _) => format!("${{{root}.{}}}", names.join(".")),
        (_, [name, attr, ..]) => rref(name, neutral_attr(attr)),
        (_, [name]) => format!("${{ref:{name}}}"),
        _ => format!("${{{root}}}"),
    }
}

/// An HCL expression as a neutral value: `jsonencode(x)` is `x`, templates are their text with
/// interpolated references in neutral form.
fn tf_value(e: &Expression) -> Value {
    match e {
        Expression::Null => Value::Null,
        Expression::Bool(b) => json!(b),
        Expression::Number(n) => n.as_i64().map_or_else(|| json!(n.to_string()), |i| json!(i)),
        Expression::String(s) => json!(s),
        Expression::Array(items) => Value::Array(items.iter().map(tf_value).collect()),
        Expression::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.clone(),
                        other => format!("{other:?}"),
                    };
                    (key, tf_value(v))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => {
            let template = hcl::Template::from_expr(t).unwrap_or_else(|e| panic!("template does not parse: {e}"));
            let mut s = String::new();
            for el in template.elements() {
                match el {
                    hcl::template::Element::Literal(l) => s.push_str(l),
                    hcl::template::Element::Interpolation(i) => match tf_value(&i.expr) {
                        Value::String(v) => s.push_str(&v),
                        other => s.push_str(&format!("${{{other}}}")),
                    },
                    hcl::template::Element::Directive(d) => s.push_str(&format!("%{{{d:?}}}")),
                }
            }
            json!(s)
        }
        Expression::Traversal(t) => json!(tf_traversal(t)),
        Expression::Variable(v) => json!(format!("${{{}}}", v.as_str())),
        Expression::FuncCall(f) => match (f.name.name.as_str(), f.args.as_slice()) {
            ("jsonencode", [doc]) => tf_value(doc),
            (name, _) => json!(format!("${{{name}(...)}}")),
        },
        Expression::Parenthesis(e) => tf_value(e),
        other => json!(format!("${{?{other:?}}}")),
    }
}

fn tf_attr(body: &Body, key: &str) -> Value {
    body.attributes().find(|a| a.key.as_str() == key).map_or(Value::Null, |a| tf_value(&a.expr))
}

fn tf_blocks<'a>(body: &'a Body, name: &'a str) -> impl Iterator<Item = &'a Body> + 'a {
    body.blocks().filter(move |b| b.identifier.as_str() == name).map(|b| &b.body)
}

fn tf_block_attr(body: &Body, block: &str, key: &str) -> Value {
    tf_blocks(body, block).next().map_or(Value::Null, |b| tf_attr(b, key))
}

/// `[aws_x.name, ...]` of `depends_on` -> names.
fn tf_depends_on(body: &Body) -> Vec<String> {
    let Some(a) = body.attributes().find(|a| a.key.as_str() == "depends_on") else { return Vec::new() };
    let Expression::Array(items) = &a.expr else { return vec![format!("{:?}", a.expr)] };
    items
        .iter()
        .map(|i| match i {
            Expression::Traversal(t) => match t.operators.as_slice() {
                [TraversalOperator::GetAttr(name)] => name.to_string(),
                _ => format!("{t:?}"),
            },
            other => format!("{other:?}"),
        })
        .collect()
}

fn tf_resources(ty: &str, name: &str, body: &Body) -> Vec<Res> {
    let a = |k: &str| tf_attr(body, k);
    let kind_only = |k: &str| (k.to_owned(), json!({}));
    let mut extra = Vec::new();
    let (kind, mut p) = match ty {
        "aws_subnet" => (
            "subnet".to_owned(),
            json!({"cidr": a("cidr_block"), "public": null, "map_public_ip": a("map_public_ip_on_launch")}),
        ),
        "aws_route" => (
            "route".to_owned(),
            json!({"route_table": a("route_table_id"), "destination": a("destination_cidr_block"),
                   "destination6": a("destination_ipv6_cidr_block")}),
        ),
        "aws_route_table" => {
            let routes: Vec<Value> = tf_blocks(body, "route")
                .map(
                    |r| json!({"destination": tf_attr(r, "cidr_block"), "destination6": tf_attr(r, "ipv6_cidr_block")}),
                )
                .collect();
            ("route_table".to_owned(), json!({"routes": routes}))
        }
        "aws_route_table_association" => (
            "subnet_route_table_association".to_owned(),
            json!({"subnet": a("subnet_id"), "route_table": a("route_table_id")}),
        ),
        "aws_security_group" => {
            let ingress: Vec<Value> = tf_blocks(body, "ingress")
                .map(|r| {
                    let mut peers = vec![tf_attr(r, "security_groups")];
                    if tf_attr(r, "self") == json!(true) {
                        peers.push(json!(rref(name, "id")));
                    }
                    sg_rule(
                        &tf_attr(r, "protocol"),
                        &tf_attr(r, "from_port"),
                        &tf_attr(r, "to_port"),
                        peers,
                        vec![tf_attr(r, "cidr_blocks"), tf_attr(r, "ipv6_cidr_blocks"), tf_attr(r, "prefix_list_ids")],
                    )
                })
                .collect();
            ("security_group".to_owned(), json!({"ingress": ingress}))
        }
        "aws_vpc_security_group_ingress_rule" => (
            "security_group_ingress".to_owned(),
            json!({"group": a("security_group_id"), "rule": sg_rule(
                &a("ip_protocol"), &a("from_port"), &a("to_port"),
                vec![a("referenced_security_group_id")],
                vec![a("cidr_ipv4"), a("cidr_ipv6"), a("prefix_list_id")])}),
        ),
        "aws_security_group_rule" if a("type") == json!("ingress") => {
            let mut peers = vec![a("source_security_group_id")];
            if a("self") == json!(true) {
                peers.push(a("security_group_id"));
            }
            (
                "security_group_ingress".to_owned(),
                json!({"group": a("security_group_id"), "rule": sg_rule(
                    &a("protocol"), &a("from_port"), &a("to_port"), peers,
                    vec![a("cidr_blocks"), a("ipv6_cidr_blocks"), a("prefix_list_ids")])}),
            )
        }
        "aws_network_acl" => {
            for (block, egress) in [("ingress", false), ("egress", true)] {
                for (i, r) in tf_blocks(body, block).enumerate() {
                    extra.push(Res {
                        id: format!("{name}.{block}.{i}"),
                        kind: "network_acl_entry".to_owned(),
                        p: json!({"acl": rref(name, "id"), "rule_number": tf_attr(r, "rule_no"), "egress": egress,
                                  "protocol": acl_protocol(&tf_attr(r, "protocol")), "action": tf_attr(r, "action"),
                                  "cidr": tf_attr(r, "cidr_block"), "cidr6": tf_attr(r, "ipv6_cidr_block"),
                                  "depends_on": [], "deletion_retain": false, "replace_retain": false}),
                    });
                }
            }
            kind_only("network_acl")
        }
        "aws_network_acl_rule" => (
            "network_acl_entry".to_owned(),
            json!({"acl": a("network_acl_id"), "rule_number": a("rule_number"),
                   "egress": if a("egress").is_null() { json!(false) } else { a("egress") },
                   "protocol": acl_protocol(&a("protocol")), "action": a("rule_action"),
                   "cidr": a("cidr_block"), "cidr6": a("ipv6_cidr_block")}),
        ),
        "aws_network_acl_association" => {
            ("subnet_network_acl_association".to_owned(), json!({"subnet": a("subnet_id"), "acl": a("network_acl_id")}))
        }
        "aws_vpc_endpoint" => (
            "vpc_endpoint".to_owned(),
            json!({"vpc": a("vpc_id"), "service": a("service_name"),
                   "type": if a("vpc_endpoint_type").is_null() { json!("Gateway") } else { a("vpc_endpoint_type") },
                   "route_tables": list(Some(&a("route_table_ids"))), "subnets": list(Some(&a("subnet_ids"))),
                   "security_groups": list(Some(&a("security_group_ids"))),
                   "private_dns": a("private_dns_enabled"), "policy": a("policy")}),
        ),
        "aws_iam_role" => (
            "iam_role".to_owned(),
            json!({"trust": a("assume_role_policy"), "managed_policy_arns": list(Some(&a("managed_policy_arns"))),
                   "inline_policies":
                        tf_blocks(body, "inline_policy").map(|b| tf_attr(b, "policy")).collect::<Vec<_>>()}),
        ),
        "aws_iam_role_policy" => (
            "role_policy".to_owned(),
            json!({"roles": list(Some(&a("role"))), "groups": [], "users": [], "document": a("policy")}),
        ),
        "aws_iam_policy" => {
            ("managed_policy".to_owned(), json!({"document": a("policy"), "roles": [], "groups": [], "users": []}))
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_policy_attachment" => (
            "policy_attachment".to_owned(),
            json!({"roles": present(vec![a("role"), a("roles")]), "groups": present(vec![a("group"), a("groups")]),
                   "users": present(vec![a("user"), a("users")]), "policy": a("policy_arn")}),
        ),
        "aws_s3_bucket" => ("bucket".to_owned(), json!({"versioning": [], "public_access_block": [], "sse": []})),
        "aws_s3_bucket_versioning" => (
            "bucket_versioning".to_owned(),
            json!({"bucket": a("bucket"), "status": tf_block_attr(body, "versioning_configuration", "status")}),
        ),
        "aws_s3_bucket_public_access_block" => (
            "bucket_public_access_block".to_owned(),
            json!({"bucket": a("bucket"), "flags": {"block_public_acls": a("block_public_acls"),
                   "block_public_policy": a("block_public_policy"), "ignore_public_acls": a("ignore_public_acls"),
                   "restrict_public_buckets": a("restrict_public_buckets")}}),
        ),
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let rules: Vec<Value> = tf_blocks(body, "rule")
                .map(|r| {
                    let d = tf_blocks(r, "apply_server_side_encryption_by_default").next();
                    json!({"algorithm": d.map(|d| tf_attr(d, "sse_algorithm")),
                           "kms_key": d.map(|d| tf_attr(d, "kms_master_key_id"))})
                })
                .collect();
            ("bucket_sse".to_owned(), json!({"bucket": a("bucket"), "rules": rules}))
        }
        "aws_s3_bucket_policy" => ("bucket_policy".to_owned(), json!({"bucket": a("bucket"), "document": a("policy")})),
        "aws_kms_key" => ("kms_key".to_owned(), json!({"policy": a("policy"), "rotation": a("enable_key_rotation")})),
        "aws_mwaa_environment" => (
            "mwaa_environment".to_owned(),
            json!({"name": a("name"), "execution_role_arn": a("execution_role_arn"),
                   "source_bucket_arn": a("source_bucket_arn"), "kms_key": a("kms_key"),
                   "security_groups": list(Some(&tf_block_attr(body, "network_configuration", "security_group_ids"))),
                   "subnets": list(Some(&tf_block_attr(body, "network_configuration", "subnet_ids"))),
                   "webserver_access_mode": a("webserver_access_mode"),
                   "options": if a("airflow_configuration_options").is_null() { json!({}) } else { a("airflow_configuration_options") },
                   "logging": logging_of(tf_blocks(body, "logging_configuration").flat_map(|l| l.blocks()).map(|b| (
                       b.identifier.as_str().trim_end_matches("_logs").to_owned(),
                       tf_attr(&b.body, "enabled"),
                       tf_attr(&b.body, "log_level"))))}),
        ),
        "aws_default_security_group" => {
            let rules = tf_blocks(body, "ingress").count() + tf_blocks(body, "egress").count();
            ("default_security_group".to_owned(), json!({"vpc": a("vpc_id"), "rules": rules}))
        }
        "aws_vpc" => kind_only("vpc"),
        "aws_internet_gateway" | "aws_egress_only_internet_gateway" => kind_only("internet_gateway"),
        "aws_internet_gateway_attachment" => kind_only("vpc_gateway_attachment"),
        "aws_eip" => kind_only("eip"),
        "aws_nat_gateway" => kind_only("nat_gateway"),
        "aws_cloudwatch_log_group" => (
            "log_group".to_owned(),
            json!({"name": a("name"), "retention": a("retention_in_days"), "kms_key": a("kms_key_id")}),
        ),
        "aws_sns_topic" => ("sns_topic".to_owned(), json!({"kms_key": a("kms_master_key_id")})),
        "aws_sns_topic_subscription" => (
            "sns_subscription".to_owned(),
            json!({"topic": a("topic_arn"), "protocol": a("protocol"), "endpoint": a("endpoint")}),
        ),
        "aws_sns_topic_policy" => {
            ("sns_topic_policy".to_owned(), json!({"topics": [a("arn")], "document": a("policy")}))
        }
        "aws_cloudwatch_metric_alarm" => (
            "alarm".to_owned(),
            json!({"name": a("alarm_name"), "alarm_actions": list(Some(&a("alarm_actions"))),
                   "ok_actions": list(Some(&a("ok_actions")))}),
        ),
        "aws_flow_log" => kind_only("flow_log"),
        "aws_kms_alias" => kind_only("kms_alias"),
        other => kind_only(&format!("other:{other}")),
    };
    let retain = tf_block_attr(body, "lifecycle", "prevent_destroy") == json!(true);
    p["depends_on"] = json!(tf_depends_on(body));
    p["deletion_retain"] = json!(retain);
    p["replace_retain"] = json!(retain);
    let mut out = vec![Res { id: name.to_owned(), kind, p }];
    out.extend(extra);
    out
}

/// The model of a Terraform configuration (the `.tf` files outside `tests/`). The bucket's
/// settings, which Terraform keeps in resources of their own, are added to the bucket they name.
fn tf_model(files: &[OutputFile]) -> Model {
    let parsed: Vec<(&OutputFile, Body)> = files
        .iter()
        .filter(|f| f.path.ends_with(".tf") && !f.path.starts_with("tests/"))
        .map(|f| (f, hcl::parse(&f.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path))))
        .collect();
    // Local values hold what the resources refer to (the environment's ARN, the region): the
    // checks read them where they are used.
    let locals = support::locals::Locals::of(parsed.iter().map(|(_, b)| b));
    let mut res = Vec::new();
    let mut outputs = BTreeMap::new();
    for (f, body) in &parsed {
        let body = locals.inline(body);
        for b in body.blocks().filter(|b| b.identifier.as_str() == "output") {
            if let Some(hcl::BlockLabel::String(name)) = b.labels.first() {
                outputs.insert(name.clone(), tf_attr(&b.body, "value"));
            }
        }
        for b in body.blocks().filter(|b| b.identifier.as_str() == "resource") {
            let labels: Vec<String> = b
                .labels
                .iter()
                .map(|l| match l {
                    hcl::BlockLabel::String(s) => s.clone(),
                    hcl::BlockLabel::Identifier(i) => i.to_string(),
                })
                .collect();
            let [ty, name] = labels.as_slice() else { panic!("{}: resource with labels {labels:?}", f.path) };
            res.extend(tf_resources(ty, name, &b.body));
        }
    }
    let parts: Vec<Res> = res
        .iter()
        .filter(|r| matches!(r.kind.as_str(), "bucket_versioning" | "bucket_public_access_block" | "bucket_sse"))
        .cloned()
        .collect();
    for part in parts {
        let Some(bucket) = part.str("bucket").and_then(|b| ref_target(b, "id")).map(str::to_owned) else { continue };
        let Some(b) = res.iter_mut().find(|r| r.kind == "bucket" && r.id == bucket) else { continue };
        let (key, items) = match part.kind.as_str() {
            "bucket_versioning" => ("versioning", vec![part.p["status"].clone()]),
            "bucket_public_access_block" => ("public_access_block", vec![part.p["flags"].clone()]),
            _ => ("sse", list(part.get("rules"))),
        };
        b.p[key].as_array_mut().expect("list").extend(items);
    }
    Model { view: View::Terraform, res, outputs }
}

// --- Shared lookups ------------------------------------------------------------------------------

/// The ARN of the environment's bucket: the created bucket's `Arn`, or the spec's ARN.
fn bucket_arn(m: &Model, e: &Expect) -> Result<String, String> {
    match &e.bucket {
        BucketSpec::Existing(arn) => Ok(arn.clone()),
        BucketSpec::Created { .. } => Ok(rref(&m.one("bucket")?.id, "arn")),
    }
}

/// The ARN of the customer managed key, if the spec uses one.
fn key_arn(m: &Model, e: &Expect) -> Result<Option<String>, String> {
    match &e.kms {
        KmsSpec::AwsOwned => Ok(None),
        KmsSpec::Create => match environment_keys(m).as_slice() {
            [k] => Ok(Some(rref(&k.id, "arn"))),
            other => Err(format!("expected one created key for the environment, found {}", other.len())),
        },
        KmsSpec::Existing(arn) => Ok(Some(arn.clone())),
    }
}

/// The created KMS keys other than the alarm topic's (`check_alarm_topic` checks that one).
fn environment_keys(m: &Model) -> Vec<&Res> {
    let topic_keys: BTreeSet<String> = m.of("sns_topic").filter_map(|t| t.str("kms_key").map(str::to_owned)).collect();
    m.of("kms_key").filter(|k| !topic_keys.contains(&rref(&k.id, "arn"))).collect()
}

/// The generated execution role (the one the environment names), or `None` when the spec brings
/// its own (then the environment must name exactly that one).
fn execution_role<'a>(m: &'a Model, e: &Expect) -> Result<Option<&'a Res>, String> {
    let env = m.one("mwaa_environment")?;
    let arn = env.str("execution_role_arn").ok_or("the environment names no execution role")?;
    if let Some(spec) = &e.role_arn {
        ensure(arn == spec, || format!("the environment's execution role is {arn}, the spec's is {spec}"))?;
        return Ok(None);
    }
    let id = ref_target(arn, "arn").ok_or_else(|| format!("the execution role {arn} is not a generated role"))?;
    m.get(id, "iam_role").map(Some).ok_or_else(|| format!("the execution role {id} is not an IAM role of the stack"))
}

/// How a managed policy of the stack is attached to a role.
#[derive(Debug)]
enum Via {
    /// Listed in the policy's own `Roles` (CloudFormation, IR).
    PolicyRoles,
    /// A separate attachment resource (Terraform), by id.
    Attachment(String),
    /// Listed in the role's `ManagedPolicyArns`.
    RoleProperty,
}

/// The managed policies of the stack attached to role `role_id`, and inline role policies.
fn policies_of_role<'a>(m: &'a Model, role_id: &str) -> Vec<(&'a Res, Via)> {
    let role_ref = rref(role_id, "id");
    let mut out = Vec::new();
    for p in m.of("managed_policy").chain(m.of("role_policy")) {
        if strs(p.get("roles")).contains(&role_ref) {
            out.push((p, Via::PolicyRoles));
        }
    }
    for a in m.of("policy_attachment") {
        let target = a.str("policy").and_then(|p| ref_target(p, "arn")).and_then(|id| m.get(id, "managed_policy"));
        if let (true, Some(p)) = (strs(a.get("roles")).contains(&role_ref), target) {
            out.push((p, Via::Attachment(a.id.clone())));
        }
    }
    if let Some(role) = m.get(role_id, "iam_role") {
        for arn in strs(role.get("managed_policy_arns")) {
            if let Some(p) = ref_target(&arn, "arn").and_then(|id| m.get(id, "managed_policy")) {
                out.push((p, Via::RoleProperty));
            }
        }
    }
    out
}

/// Roles, groups and users a managed policy of the stack is attached to.
fn principals_of_policy(m: &Model, policy_id: &str) -> [BTreeSet<String>; 3] {
    let mut out: [BTreeSet<String>; 3] = Default::default();
    let arn = rref(policy_id, "arn");
    let attachments = m
        .get(policy_id, "managed_policy")
        .into_iter()
        .chain(m.of("policy_attachment").filter(|a| a.str("policy") == Some(arn.as_str())));
    for a in attachments {
        for (i, key) in ["roles", "groups", "users"].into_iter().enumerate() {
            out[i].extend(strs(a.get(key)));
        }
    }
    for role in m.of("iam_role") {
        if strs(role.get("managed_policy_arns")).contains(&arn) {
            out[0].insert(rref(&role.id, "id"));
        }
    }
    out
}

/// The ingress rules of the environment's security group, checked to be on that group.
fn ingress_rules(m: &Model) -> Result<(String, Vec<Value>), String> {
    let sg = m.one("security_group")?;
    let self_ref = rref(&sg.id, "id");
    let mut rules = list(sg.get("ingress"));
    for r in m.of("security_group_ingress") {
        ensure(r.str("group") == Some(self_ref.as_str()), || format!("ingress rule {} is not on {}", r.id, sg.id))?;
        rules.push(r.p["rule"].clone());
    }
    Ok((self_ref, rules))
}

type PortKey = (String, Option<i64>, Option<i64>);

fn port_key(rule: &Value) -> PortKey {
    (
        rule["protocol"].as_str().unwrap_or("").to_owned(),
        rule.get("from").and_then(Value::as_i64),
        rule.get("to").and_then(Value::as_i64),
    )
}

// --- 1. The execution role policy ----------------------------------------------------------------

const BUCKET_READ: [&str; 3] = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"];
const ON_ANY_RESOURCE: [&str; 3] =
    ["s3:GetAccountPublicAccessBlock", "logs:DescribeLogGroups", "cloudwatch:PutMetricData"];
const LOGS_ACTIONS: [&str; 7] = [
    "logs:CreateLogStream",
    "logs:CreateLogGroup",
    "logs:PutLogEvents",
    "logs:GetLogEvents",
    "logs:GetLogRecord",
    "logs:GetLogGroupFields",
    "logs:GetQueryResults",
];
const SQS_ACTIONS: [&str; 6] = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
];
const KMS_ACTIONS: [&str; 4] = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"];

/// What a statement granting one action of section 2 must look like.
struct ExecRule {
    effect: &'static str,
    /// `NotResource` instead of `Resource`.
    not_resource: bool,
    resources: BTreeSet<String>,
    condition: Cond,
}

/// The rule for `action`, or `None` when section 2 does not grant it at all.
fn exec_rule(action: &str, e: &Expect, bucket: &str, key: Option<&str>) -> Option<ExecRule> {
    let rule = |effect, resources: &[&str]| ExecRule {
        effect,
        not_resource: false,
        resources: set(resources),
        condition: Cond::new(),
    };
    let objects = format!("{bucket}/*");
    let sqs = format!("sqs.{REGION}.amazonaws.com");
    let s3 = format!("s3.{REGION}.amazonaws.com");
    Some(match action {
        "airflow:PublishMetrics" => rule("Allow", &[&e.env_arn()]),
        "s3:ListAllMyBuckets" => rule("Deny", &[bucket, &objects]),
        a if BUCKET_READ.contains(&a) => rule("Allow", &[bucket, &objects]),
        a if ON_ANY_RESOURCE.contains(&a) => rule("Allow", &["*"]),
        a if LOGS_ACTIONS.contains(&a) => {
            rule("Allow", &[&format!("arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:airflow-{}-*", e.env)])
        }
        a if SQS_ACTIONS.contains(&a) => rule("Allow", &[&format!("arn:{PARTITION}:sqs:{REGION}:*:airflow-celery-*")]),
        a if KMS_ACTIONS.contains(&a) => match key {
            None => ExecRule {
                effect: "Allow",
                not_resource: true,
                resources: set(&[format!("arn:{PARTITION}:kms:*:{ACCOUNT}:key/*")]),
                condition: cond(&[("StringLike", "kms:ViaService", &[&sqs])]),
            },
            Some(key) => ExecRule {
                effect: "Allow",
                not_resource: false,
                resources: set(&[key]),
                condition: cond(&[("StringLike", "kms:ViaService", &[&sqs, &s3])]),
            },
        },
        _ => return None,
    })
}

/// Every way the execution policy may grant `action`: architecture.md section 2, and what the
/// spec's `[secrets]` adds (`secrets_rules`).
fn exec_rules(action: &str, e: &Expect, bucket: &str, key: Option<&str>) -> Vec<ExecRule> {
    let mut rules: Vec<ExecRule> = exec_rule(action, e, bucket, key).into_iter().collect();
    rules.extend(secrets_rules(action, e));
    rules
}

/// Whether statement `s` grants `a` exactly as `rule` says.
fn matches_rule(s: &Value, a: &str, rule: &ExecRule) -> Result<(), String> {
    let res = resources(s);
    let not_res = strs(s.get("NotResource"));
    let c = condition(s);
    ensure(effect(s) == rule.effect, || format!("{a} has Effect {}, not {}", effect(s), rule.effect))?;
    let (got, other, key_name) =
        if rule.not_resource { (&not_res, &res, "NotResource") } else { (&res, &not_res, "Resource") };
    ensure(*got == rule.resources && other.is_empty(), || {
        format!("{a} is on Resource {res:?} / NotResource {not_res:?}, not {key_name} {:?}", rule.resources)
    })?;
    ensure(c == rule.condition, || format!("{a} has condition {c:?}, not {:?}", rule.condition))
}

fn check_exec_statement(s: &Value, e: &Expect, bucket: &str, key: Option<&str>) -> Result<(), String> {
    only_keys(s, &["Sid", "Effect", "Action", "Resource", "NotResource", "Condition"])?;
    let acts = actions(s);
    ensure(!acts.is_empty(), || "grants no action".to_owned())?;
    for a in &acts {
        let rules = exec_rules(a, e, bucket, key);
        ensure(!rules.is_empty(), || {
            format!("grants {a}, which neither the execution role policy of architecture.md section 2 nor the spec's [secrets] does")
        })?;
        let errors: Vec<String> = rules.iter().filter_map(|r| matches_rule(s, a, r).err()).collect();
        ensure(errors.len() < rules.len(), || errors.join("; or "))?;
    }
    Ok(())
}

// --- 1b. What [secrets] adds to the execution role ------------------------------------------------

/// The Secrets Manager actions of the user guide's policy for the backend (mwaa-create-role.md).
const SECRETS_MANAGER_READ: [&str; 4] = [
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecretVersionIds",
];

/// The ARNs under the spec's prefixes that its backend reads: `secret:PREFIX/*` (Secrets Manager
/// looks up `PREFIX/ID`), `parameter/PREFIX/*` (Parameter Store looks up `/PREFIX/ID`, whose ARN
/// has no second slash).
fn secret_arns(s: &SecretsSpec) -> BTreeSet<String> {
    s.prefixes
        .iter()
        .map(|p| match s.backend.as_str() {
            "parameter_store" => {
                format!("arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/{}/*", p.trim_matches('/'))
            }
            _ => format!("arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:{}/*", p.trim_end_matches('/')),
        })
        .collect()
}

fn secrets_service(s: &SecretsSpec) -> &'static str {
    if s.backend == "parameter_store" {
        "ssm"
    } else {
        "secretsmanager"
    }
}

/// The rules for `action` that `[secrets]` adds: the backend's read actions on exactly the prefixes,
/// `kms:Decrypt` on exactly `kms_key_arns` through the backend's service only.
fn secrets_rules(action: &str, e: &Expect) -> Vec<ExecRule> {
    let Some(s) = &e.secrets else { return Vec::new() };
    let reads: &[&str] = if s.backend == "parameter_store" { &["ssm:GetParameter"] } else { &SECRETS_MANAGER_READ };
    let mut out = Vec::new();
    if reads.contains(&action) {
        out.push(ExecRule { effect: "Allow", not_resource: false, resources: secret_arns(s), condition: Cond::new() });
    }
    if action == "kms:Decrypt" && !s.kms_key_arns.is_empty() {
        let via = format!("{}.{REGION}.amazonaws.com", secrets_service(s));
        out.push(ExecRule {
            effect: "Allow",
            not_resource: false,
            resources: s.kms_key_arns.clone(),
            condition: cond(&[("StringEquals", "kms:ViaService", &[&via])]),
        });
    }
    out
}

/// What `[secrets]` requires the execution policy to grant: (action, resources, condition).
fn secrets_required(e: &Expect) -> Vec<(String, BTreeSet<String>, Cond)> {
    let Some(s) = &e.secrets else { return Vec::new() };
    let reads: &[&str] = if s.backend == "parameter_store" { &["ssm:GetParameter"] } else { &SECRETS_MANAGER_READ };
    let mut out: Vec<(String, BTreeSet<String>, Cond)> =
        reads.iter().map(|a| ((*a).to_owned(), secret_arns(s), Cond::new())).collect();
    if !s.kms_key_arns.is_empty() {
        let via = format!("{}.{REGION}.amazonaws.com", secrets_service(s));
        out.push((
            "kms:Decrypt".to_owned(),
            s.kms_key_arns.clone(),
            cond(&[("StringEquals", "kms:ViaService", &[&via])]),
        ));
    }
    out
}

/// Property 1: the execution role's permissions are exactly those of architecture.md section 2.
fn check_execution_policy(m: &Model, e: &Expect) -> Result<(), String> {
    let Some(role) = execution_role(m, e)? else {
        // The spec brings its own role: the stack must not create MWAA's permissions elsewhere.
        for p in m.of("managed_policy").chain(m.of("role_policy")) {
            ensure(
                statements(&p.p["document"])
                    .iter()
                    .all(|s| !actions(s).iter().any(|a| glob(a, "airflow:PublishMetrics"))),
                || format!("{} grants airflow:PublishMetrics although the spec brings its own execution role", p.id),
            )?;
        }
        return Ok(());
    };
    ensure(list(role.get("inline_policies")).is_empty(), || format!("{} has inline policies", role.id))?;
    // Policies from outside the stack: exactly the spec's additional_policy_arns.
    let in_stack = |arn: &str| ref_target(arn, "arn").and_then(|id| m.get(id, "managed_policy")).is_some();
    let role_ref = rref(&role.id, "id");
    let mut external: BTreeSet<String> =
        strs(role.get("managed_policy_arns")).into_iter().filter(|a| !in_stack(a)).collect();
    for a in m.of("policy_attachment").filter(|a| strs(a.get("roles")).contains(&role_ref)) {
        external.extend(a.str("policy").filter(|p| !in_stack(p)).map(str::to_owned));
    }
    ensure(external == e.additional_policy_arns, || {
        format!("{} has the managed policies {external:?}; the spec adds {:?}", role.id, e.additional_policy_arns)
    })?;
    let attached = policies_of_role(m, &role.id);
    ensure(!attached.is_empty(), || format!("no policy of the stack is attached to the execution role {}", role.id))?;
    let bucket = bucket_arn(m, e)?;
    let key = key_arn(m, e)?;
    let mut granted = BTreeSet::new();
    let mut spec_statements: Vec<&SpecStatement> = e.statements.iter().collect();
    for (p, _) in &attached {
        for s in statements(&p.p["document"]) {
            // One of the spec's own statements, exactly as it writes it.
            if let Some(i) = spec_statements.iter().position(|st| is_spec_statement(s, st)) {
                spec_statements.remove(i);
                continue;
            }
            check_exec_statement(s, e, &bucket, key.as_deref())
                .map_err(|err| format!("execution policy {}, statement {}: {err}", p.id, sid(s)))?;
            for a in actions(s) {
                granted.insert((effect(s).to_owned(), a));
            }
        }
    }
    let mut required = vec![("Allow", "airflow:PublishMetrics"), ("Deny", "s3:ListAllMyBuckets")];
    for group in [&BUCKET_READ[..], &ON_ANY_RESOURCE, &LOGS_ACTIONS, &SQS_ACTIONS, &KMS_ACTIONS] {
        required.extend(group.iter().map(|a| ("Allow", *a)));
    }
    for (eff, a) in required {
        ensure(granted.contains(&(eff.to_owned(), a.to_owned())), || format!("the execution policy lacks {eff} {a}"))?;
    }
    // [secrets]: the backend can read every prefix (and decrypt with every key) the spec names.
    for (a, want, c) in secrets_required(e) {
        let on: BTreeSet<String> = attached
            .iter()
            .flat_map(|(p, _)| statements(&p.p["document"]))
            .filter(|s| effect(s) == "Allow" && actions(s).contains(&a) && condition(s) == c)
            .flat_map(resources)
            .collect();
        ensure(on == want, || format!("the execution policy allows {a} on {on:?}, not on {want:?} ([secrets])"))?;
    }
    ensure(spec_statements.is_empty(), || {
        format!("the execution policy lacks the spec's statements {spec_statements:?}")
    })
}

/// Whether a policy statement is `st` of `[[execution_role.statements]]`, and nothing more.
fn is_spec_statement(s: &Value, st: &SpecStatement) -> bool {
    only_keys(s, &["Sid", "Effect", "Action", "Resource", "Condition"]).is_ok()
        && s.get("Sid").and_then(Value::as_str) == st.sid.as_deref()
        && effect(s) == st.effect
        && actions(s) == st.actions
        && resources(s) == st.resources
        && condition(s) == st.condition
}

// --- 2. The created KMS key ----------------------------------------------------------------------

/// Property 2: a created key lets the account root keep `kms:*`, lets CloudWatch Logs use it only
/// for this environment's log groups (MWAA's and the flow logs'), lets the execution role use it only via sqs and s3,
/// nobody else, and rotates. Without `kms.key = "create"` there is no key, and the environment
/// uses the one the spec names (or the AWS-owned one).
fn check_kms_key(m: &Model, e: &Expect) -> Result<(), String> {
    let env = m.one("mwaa_environment")?;
    let keys = environment_keys(m);
    let env_key = env.str("kms_key");
    let k = match &e.kms {
        KmsSpec::AwsOwned | KmsSpec::Existing(_) => {
            ensure(keys.is_empty(), || "a KMS key is created although the spec does not ask for one".to_owned())?;
            let want = if let KmsSpec::Existing(arn) = &e.kms { Some(arn.as_str()) } else { None };
            return ensure(env_key == want, || format!("the environment uses key {env_key:?}, not {want:?}"));
        }
        KmsSpec::Create => match keys.as_slice() {
            [k] => *k,
            other => return Err(format!("expected one created KMS key, found {}", other.len())),
        },
    };
    let arn = rref(&k.id, "arn");
    ensure(env_key == Some(arn.as_str()), || format!("the environment uses key {env_key:?}, not {arn}"))?;
    if m.rendered() {
        ensure(k.p["rotation"] == json!(true), || format!("key rotation of {} is {}", k.id, k.p["rotation"]))?;
    }
    let root = principal_of("AWS", &[&format!("arn:{PARTITION}:iam::{ACCOUNT}:root")]);
    let logs = principal_of("Service", &[&format!("logs.{REGION}.amazonaws.com")]);
    let logs_context = cond(&[(
        "ArnLike",
        "kms:EncryptionContext:aws:logs:arn",
        &[
            &format!("arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:airflow-{}-*", e.env),
            &format!("arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:/mwaa/{}/vpc-flow-logs", e.env),
        ],
    )]);
    let via = cond(&[(
        "StringLike",
        "kms:ViaService",
        &[&format!("sqs.{REGION}.amazonaws.com"), &format!("s3.{REGION}.amazonaws.com")],
    )]);
    let role = env.str("execution_role_arn").map(|r| principal_of("AWS", &[r]));
    let (mut root_ok, mut logs_ok) = (false, false);
    for s in statements(&k.p["policy"]) {
        only_keys(s, &["Sid", "Effect", "Principal", "Action", "Resource", "Condition"])?;
        let at = || format!("key policy statement {}", sid(s));
        ensure(effect(s) == "Allow", || format!("{}: Effect {}", at(), effect(s)))?;
        let p = principal(s);
        let acts = actions(s);
        if p == root {
            root_ok |= acts.contains("kms:*") && resources(s) == set(&["*"]) && condition(s).is_empty();
        } else if p == logs {
            ensure(condition(s) == logs_context, || {
                format!("{}: CloudWatch Logs without the ArnLike kms:EncryptionContext:aws:logs:arn condition", at())
            })?;
            ensure(acts.iter().all(|a| a.starts_with("kms:") && a != "kms:*" && !glob(a, "kms:PutKeyPolicy")), || {
                format!("{}: CloudWatch Logs may {acts:?}", at())
            })?;
            logs_ok |=
                ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"].iter().all(|w| acts.iter().any(|a| glob(a, w)));
        } else if Some(&p) == role.as_ref() {
            ensure(condition(s) == via, || {
                format!("{}: the execution role may use the key without kms:ViaService sqs/s3", at())
            })?;
            ensure(acts.iter().all(|a| KMS_ACTIONS.contains(&a.as_str())), || {
                format!("{}: the execution role may {acts:?}", at())
            })?;
        } else {
            return Err(format!(
                "{}: grants to {p:?}, which is neither the account, CloudWatch Logs nor the execution role",
                at()
            ));
        }
    }
    ensure(root_ok, || "the account root does not keep kms:* on the key".to_owned())?;
    ensure(logs_ok, || "CloudWatch Logs cannot encrypt with the key".to_owned())
}

// --- 3. Web UI access ----------------------------------------------------------------------------

/// Property 3: each grant is one policy allowing `airflow:CreateWebLoginToken` on `role/ENV/ROLE`
/// only, and with `cli` `airflow:CreateCliToken` on `environment/ENV`, with `rest_api`
/// `airflow:InvokeRestApi` on `role/ENV/ROLE` (MWAA user guide, access-policies.md and
/// access-mwaa-apache-airflow-rest-api.md), one statement each, attached to exactly the spec's
/// roles and groups; no other policy of the stack allows any of the three.
fn check_web_access(m: &Model, e: &Expect) -> Result<(), String> {
    let mut ids = BTreeSet::new();
    for (i, g) in e.web_access.iter().enumerate() {
        let id = format!("web_access_policy_{}", i + 1);
        let p = m
            .get(&id, "managed_policy")
            .ok_or_else(|| format!("no managed policy {id} for web access grant {}", i + 1))?;
        let role_arn = format!("arn:{PARTITION}:airflow:{REGION}:{ACCOUNT}:role/{}/{}", e.env, g.airflow_role);
        // Each action on its own resource: the UI and the REST API as this Airflow role, the CLI
        // on this environment (its token is not tied to a role).
        let mut want: BTreeMap<&str, String> = BTreeMap::from([("airflow:CreateWebLoginToken", role_arn.clone())]);
        if g.cli {
            want.insert("airflow:CreateCliToken", e.env_arn());
        }
        if g.rest_api {
            want.insert("airflow:InvokeRestApi", role_arn);
        }
        let sts = statements(&p.p["document"]);
        ensure(sts.len() == want.len(), || format!("{id} has {} statements, not {}", sts.len(), want.len()))?;
        let mut seen = BTreeSet::new();
        for s in sts {
            only_keys(s, &["Sid", "Effect", "Action", "Resource"])?;
            ensure(effect(s) == "Allow", || format!("{id}: Effect {}", effect(s)))?;
            let acts = actions(s);
            let [a] = acts.iter().collect::<Vec<_>>()[..] else { return Err(format!("{id} allows {acts:?} at once")) };
            let resource =
                want.get(a.as_str()).ok_or_else(|| format!("{id} allows {a}, which the grant does not ask for"))?;
            ensure(resources(s) == set(&[resource]), || format!("{id}: {a} is on {:?}, not {resource}", resources(s)))?;
            seen.insert(a.clone());
        }
        ensure(seen.len() == want.len(), || format!("{id} grants {seen:?}, the spec asks for {:?}", want.keys()))?;
        let [roles, groups, users] = principals_of_policy(m, &id);
        ensure(roles == g.roles && groups == g.groups && users.is_empty(), || {
            format!(
                "{id} is attached to roles {roles:?}, groups {groups:?}, users {users:?}; \
                 the spec names roles {:?}, groups {:?}",
                g.roles, g.groups
            )
        })?;
        ids.insert(id);
    }
    let mut docs: Vec<(String, Value)> = m
        .res
        .iter()
        .filter(|r| matches!(r.kind.as_str(), "managed_policy" | "role_policy") && !ids.contains(&r.id))
        .map(|r| (r.id.clone(), r.p["document"].clone()))
        .collect();
    for r in m.of("iam_role") {
        docs.extend(list(r.get("inline_policies")).into_iter().map(|d| (r.id.clone(), d)));
    }
    for (id, doc) in docs {
        for s in statements(&doc) {
            for token in ["airflow:CreateWebLoginToken", "airflow:CreateCliToken", "airflow:InvokeRestApi"] {
                ensure(effect(s) != "Allow" || !actions(s).iter().any(|a| glob(a, token)), || {
                    format!("{id} also allows {token}")
                })?;
            }
        }
    }
    Ok(())
}

// --- 4. The bucket -------------------------------------------------------------------------------

const BLOCK_PUBLIC_ACCESS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/// Property 4: a created bucket is versioned, blocks all public access, is encrypted as the spec
/// says, refuses requests without TLS (when `enforce_tls`), is retained on delete (when
/// `retain_on_delete`), and no bucket policy allows anyone (`*`). An existing bucket is used as is.
fn check_bucket(m: &Model, e: &Expect) -> Result<(), String> {
    let env = m.one("mwaa_environment")?;
    let buckets: Vec<&Res> = m.of("bucket").collect();
    let source = env.str("source_bucket_arn");
    let (sse_kms, enforce_tls, retain) = match &e.bucket {
        BucketSpec::Existing(arn) => {
            ensure(buckets.is_empty(), || "a bucket is created although the spec brings its own".to_owned())?;
            return ensure(source == Some(arn.as_str()), || format!("the environment reads {source:?}, not {arn}"));
        }
        BucketSpec::Created { sse_kms, enforce_tls, retain } => (*sse_kms, *enforce_tls, *retain),
    };
    let [b] = buckets.as_slice() else { return Err(format!("expected one bucket, found {}", buckets.len())) };
    let arn = rref(&b.id, "arn");
    ensure(source == Some(arn.as_str()), || format!("the environment reads {source:?}, not {arn}"))?;
    if m.rendered() {
        let versioning = list(b.get("versioning"));
        ensure(!versioning.is_empty() && versioning.iter().all(|v| v == "Enabled"), || {
            format!("versioning of {} is {versioning:?}", b.id)
        })?;
        let blocks = list(b.get("public_access_block"));
        ensure(!blocks.is_empty(), || format!("{} has no Block Public Access configuration", b.id))?;
        for block in &blocks {
            for flag in BLOCK_PUBLIC_ACCESS {
                ensure(block.get(flag) == Some(&json!(true)), || {
                    format!("Block Public Access {flag} of {} is not true", b.id)
                })?;
            }
        }
    }
    let sse = list(b.get("sse"));
    ensure(!sse.is_empty(), || format!("{} has no default encryption", b.id))?;
    let want = if sse_kms {
        let key = key_arn(m, e)?.ok_or("sse-kms without a customer managed key")?;
        json!({"algorithm": "aws:kms", "kms_key": key})
    } else {
        json!({"algorithm": "AES256", "kms_key": null})
    };
    for rule in &sse {
        let got = json!({"algorithm": rule.get("algorithm"), "kms_key": rule.get("kms_key")});
        ensure(got == want, || format!("encryption of {} is {got}, not {want}", b.id))?;
    }
    ensure(b.p["deletion_retain"] == json!(retain) && b.p["replace_retain"] == json!(retain), || {
        format!(
            "{} is retained on deletion: {}, on replacement: {}; the spec says {retain}",
            b.id, b.p["deletion_retain"], b.p["replace_retain"]
        )
    })?;
    let name = rref(&b.id, "id");
    let mut tls_denied = false;
    for p in m.of("bucket_policy").filter(|p| p.str("bucket") == Some(name.as_str())) {
        for s in statements(&p.p["document"]) {
            let anyone = principal(s).values().any(|v| v.contains("*"));
            ensure(!(effect(s) == "Allow" && anyone), || format!("{} allows anyone: {s}", p.id))?;
            tls_denied |= effect(s) == "Deny"
                && principal(s) == principal_of("AWS", &["*"])
                && actions(s).contains("s3:*")
                && resources(s).is_superset(&set(&[arn.clone(), format!("{arn}/*")]))
                && s.get("NotAction").is_none()
                && condition(s) == cond(&[("Bool", "aws:SecureTransport", &["false"])]);
        }
    }
    ensure(!enforce_tls || tls_denied, || {
        format!("no bucket policy of {} denies s3:* to everyone on it and its objects without TLS", b.id)
    })
}

// --- 5. Trust and dependency ---------------------------------------------------------------------

/// Property 5: the execution role trusts only airflow.amazonaws.com and airflow-env.amazonaws.com,
/// with `aws:SourceAccount` = the account and `aws:SourceArn` = this environment; the environment
/// depends on its policy being attached. Any role of the stack trusts AWS services only.
fn check_trust_and_dependency(m: &Model, e: &Expect) -> Result<(), String> {
    // Services only, but for the spec's trusted_principals on the execution role (below).
    let trusted = principal_of("AWS", &e.trusted_principals.iter().map(String::as_str).collect::<Vec<_>>());
    for r in m.of("iam_role") {
        for s in statements(&r.p["trust"]) {
            let p = principal(s);
            let spec_trusted = !e.trusted_principals.is_empty() && r.id == "execution_role" && p == trusted;
            ensure(spec_trusted || (!p.is_empty() && p.keys().all(|k| k == "Service")), || {
                format!("{} trusts {p:?}", r.id)
            })?;
        }
    }
    let Some(role) = execution_role(m, e)? else {
        let airflow = m.of("iam_role").find(|r| {
            statements(&r.p["trust"]).iter().any(|s| principal(s).values().flatten().any(|v| v.starts_with("airflow")))
        });
        return ensure(airflow.is_none(), || "a role for MWAA is created although the spec brings its own".to_owned());
    };
    let mut sts = statements(&role.p["trust"]);
    ensure(!sts.is_empty(), || format!("{} trusts nobody", role.id))?;
    // `trusted_principals`: one statement of their own, sts:AssumeRole, no condition.
    let (theirs, mwaa): (Vec<&Value>, Vec<&Value>) = sts.into_iter().partition(|s| principal(s).contains_key("AWS"));
    sts = mwaa;
    ensure(theirs.len() == usize::from(!e.trusted_principals.is_empty()), || {
        format!("{} statements trust AWS principals; the spec names {:?}", theirs.len(), e.trusted_principals)
    })?;
    for s in theirs {
        ensure(principal(s) == trusted && actions(s) == set(&["sts:AssumeRole"]) && condition(s).is_empty(), || {
            format!("{}: trusts {:?} for {:?}, not {trusted:?} for sts:AssumeRole", role.id, principal(s), actions(s))
        })?;
    }
    let services = principal_of("Service", &["airflow.amazonaws.com", "airflow-env.amazonaws.com"]);
    let want_cond =
        cond(&[("StringEquals", "aws:SourceAccount", &[ACCOUNT]), ("ArnLike", "aws:SourceArn", &[&e.env_arn()])]);
    for s in sts {
        only_keys(s, &["Sid", "Effect", "Principal", "Action", "Condition"])?;
        let at = format!("trust policy of {}, statement {}", role.id, sid(s));
        ensure(effect(s) == "Allow", || format!("{at}: Effect {}", effect(s)))?;
        ensure(principal(s) == services, || format!("{at}: trusts {:?}", principal(s)))?;
        ensure(actions(s) == set(&["sts:AssumeRole"]), || format!("{at}: allows {:?}", actions(s)))?;
        ensure(condition(s) == want_cond, || format!("{at}: condition {:?}, not {want_cond:?}", condition(s)))?;
    }
    let env = m.one("mwaa_environment")?;
    let deps = strs(env.get("depends_on"));
    let attached = policies_of_role(m, &role.id);
    ensure(!attached.is_empty(), || format!("no policy is attached to {}", role.id))?;
    for (p, via) in attached {
        let needed = match via {
            Via::PolicyRoles => Some(p.id.clone()),
            Via::Attachment(a) => Some(a),
            Via::RoleProperty => None,
        };
        if let Some(n) = needed {
            ensure(deps.contains(&n), || {
                format!("the environment does not depend on {n} (policy {}); it has {deps:?}", p.id)
            })?;
        }
    }
    Ok(())
}

// --- 6. Network ----------------------------------------------------------------------------------

/// Property 6: no subnet maps public IPs on launch; the environment's security group admits only
/// itself (all traffic for `all_self`, exactly TCP 5432 and 443 for `restricted`); with
/// `[network.acl] enabled`, one ACL with rule 100 allowing all IPv4 in and out on every created
/// subnet, and no ACL otherwise.
fn check_network(m: &Model, e: &Expect) -> Result<(), String> {
    for s in m.of("subnet") {
        ensure(s.p["map_public_ip"] != json!(true), || format!("{} maps public IPs on launch", s.id))?;
    }
    let env = m.one("mwaa_environment")?;
    if !e.sg_created {
        // create = false: no group of mwaagen's; the environment is in exactly the spec's groups.
        ensure(m.of("security_group").next().is_none() && m.of("security_group_ingress").next().is_none(), || {
            "a security group (or rule) is created although the spec says create = false".to_owned()
        })?;
        let want: BTreeSet<String> = e.additional_sgs.iter().cloned().collect();
        return ensure(strs(env.get("security_groups")) == want, || {
            format!("the environment is in {:?}, not exactly {want:?}", env.get("security_groups"))
        });
    }
    let (self_ref, rules) = ingress_rules(m)?;
    ensure(strs(env.get("security_groups")).contains(&self_ref), || {
        "the environment is not in its security group".to_owned()
    })?;
    let mut got = BTreeSet::new();
    let mut web = BTreeSet::new();
    for r in &rules {
        // `web_ingress_*`: TCP 443 from one of the spec's peers, nothing else.
        let peers: BTreeSet<String> =
            strs(r.get("peers")).into_iter().chain(strs(r.get("cidrs"))).filter(|p| p != &self_ref).collect();
        if !peers.is_empty() {
            ensure(port_key(r) == ("tcp".to_owned(), Some(443), Some(443)) && peers.len() == 1, || {
                format!("ingress {r} admits more than one peer, or more than TCP 443")
            })?;
            ensure(peers.is_subset(&e.web_ingress), || format!("ingress {r} admits a peer the spec does not name"))?;
            web.extend(peers);
            continue;
        }
        ensure(list(r.get("cidrs")).is_empty(), || format!("ingress {r} admits addresses, not only the group itself"))?;
        ensure(strs(r.get("peers")) == set(&[&self_ref]), || {
            format!("ingress {r} admits a peer other than the group itself")
        })?;
        got.insert(port_key(r));
    }
    let want: BTreeSet<PortKey> = if e.restricted {
        [("tcp".to_owned(), Some(5432), Some(5432)), ("tcp".to_owned(), Some(443), Some(443))].into()
    } else {
        [("-1".to_owned(), None, None)].into()
    };
    ensure(got == want, || format!("ingress admits {got:?}, not {want:?}"))?;
    ensure(web == e.web_ingress, || format!("the web server admits {web:?}, not the spec's {:?}", e.web_ingress))?;
    // Terraform manages the new VPC's default security group and leaves it without rules
    // (CloudFormation cannot manage it); nothing may reopen it.
    if m.view == View::Terraform && e.network_created {
        let vpc = rref(&m.one("vpc")?.id, "id");
        let locked = m.of("default_security_group").all(|d| d.p["rules"] == json!(0) && d.str("vpc") == Some(&vpc));
        ensure(m.of("default_security_group").count() == 1 && locked, || {
            "the VPC's default security group is not locked (one aws_default_security_group without rules)".to_owned()
        })?;
    }

    let acls: Vec<&Res> = m.of("network_acl").collect();
    if !e.acl {
        return ensure(acls.is_empty() && m.of("network_acl_entry").next().is_none(), || {
            "a network ACL is created although the spec does not enable one".to_owned()
        });
    }
    let [acl] = acls.as_slice() else { return Err(format!("expected one network ACL, found {}", acls.len())) };
    let acl_ref = rref(&acl.id, "id");
    let mut directions = Vec::new();
    for x in m.of("network_acl_entry") {
        let got = json!({"acl": x.p["acl"], "rule_number": x.p["rule_number"], "protocol": x.p["protocol"],
                         "action": x.p["action"], "cidr": x.p["cidr"], "cidr6": x.p["cidr6"]});
        let want = json!({"acl": acl_ref, "rule_number": 100, "protocol": "-1", "action": "allow",
                          "cidr": "0.0.0.0/0", "cidr6": null});
        ensure(got == want, || format!("ACL entry {} is {got}, not {want}", x.id))?;
        directions.push(x.p["egress"].as_bool().unwrap_or(false));
    }
    directions.sort_unstable();
    ensure(directions == [false, true], || {
        format!("ACL rule 100 directions are {directions:?} (egress?), not one in, one out")
    })?;
    let subnets: BTreeSet<String> = m.of("subnet").map(|s| rref(&s.id, "id")).collect();
    let mut associated: Vec<String> = m
        .of("subnet_network_acl_association")
        .filter(|a| a.str("acl") == Some(acl_ref.as_str()))
        .map(|a| a.str("subnet").unwrap_or("").to_owned())
        .collect();
    associated.sort();
    let want: Vec<String> = subnets.into_iter().collect();
    ensure(!want.is_empty() && associated == want, || {
        format!("the ACL is on {associated:?}, not on every created subnet {want:?}")
    })
}

// --- 7. Private routing --------------------------------------------------------------------------

const INTERFACE_SERVICES: [&str; 9] =
    ["logs", "monitoring", "sqs", "ecr.api", "ecr.dkr", "kms", "airflow.api", "airflow.env", "airflow.ops"];

/// Property 7 (`routing = "private"`, issue 8): nothing leads to the internet, each private subnet
/// has its own route table, the S3 gateway endpoint on them admits only the ECR layer bucket and
/// the environment's bucket, read only, and the interface endpoints of seed 002 are there with
/// private DNS, in both subnets, behind the environment's security group, with the full-access
/// endpoint policy of seed 002.
fn check_private_routing(m: &Model, e: &Expect) -> Result<(), String> {
    if !e.private {
        return Ok(());
    }
    for kind in ["internet_gateway", "vpc_gateway_attachment", "nat_gateway", "eip"] {
        let found: Vec<&str> = m.of(kind).map(|r| r.id.as_str()).collect();
        ensure(found.is_empty(), || format!("private routing, but the stack has {kind} {found:?}"))?;
    }
    let routes: Vec<(String, Value)> = m
        .of("route")
        .map(|r| (r.id.clone(), r.p.clone()))
        .chain(m.of("route_table").flat_map(|t| list(t.get("routes")).into_iter().map(|r| (t.id.clone(), r))))
        .collect();
    for (id, r) in &routes {
        ensure(r["destination"] != "0.0.0.0/0" && r["destination6"] != "::/0", || {
            format!("{id} routes to the internet: {r}")
        })?;
    }
    let subnets: Vec<&Res> = m.of("subnet").collect();
    ensure(subnets.len() == e.private_cidrs.len(), || {
        format!("{} subnets, not the {} private ones", subnets.len(), e.private_cidrs.len())
    })?;
    for s in &subnets {
        ensure(s.p["public"] != json!(true), || format!("{} is a public subnet", s.id))?;
        let cidr = s.str("cidr").unwrap_or("");
        ensure(e.private_cidrs.iter().any(|c| c == cidr), || {
            format!("{} ({cidr}) is not a private subnet of the spec", s.id)
        })?;
    }
    let subnet_refs: BTreeSet<String> = subnets.iter().map(|s| rref(&s.id, "id")).collect();
    let mut tables = BTreeSet::new();
    for s in &subnet_refs {
        let rts: Vec<&str> = m
            .of("subnet_route_table_association")
            .filter(|a| a.str("subnet") == Some(s.as_str()))
            .map(|a| a.str("route_table").unwrap_or(""))
            .collect();
        let [rt] = rts.as_slice() else { return Err(format!("{s} has {} route tables, not one", rts.len())) };
        ensure(tables.insert((*rt).to_owned()), || format!("{rt} serves more than one private subnet"))?;
    }
    let all_tables: BTreeSet<String> = m.of("route_table").map(|t| rref(&t.id, "id")).collect();
    ensure(all_tables == tables, || format!("route tables {all_tables:?}, not one per private subnet {tables:?}"))?;

    let (sg, rules) = ingress_rules(m)?;
    let https = ("tcp".to_owned(), Some(443), Some(443));
    ensure(
        rules.iter().any(|r| (port_key(r) == https || port_key(r).0 == "-1") && strs(r.get("peers")) == set(&[&sg])),
        || "the security group does not admit TCP 443 from itself, which the interface endpoints need".to_owned(),
    )?;

    // Customer-managed endpoints (to the environment's own endpoint services) are checked by
    // check_customer_endpoints.
    let endpoints: Vec<&Res> = m.of("vpc_endpoint").filter(|x| !is_customer_endpoint(x)).collect();
    let vpc = rref(&m.one("vpc")?.id, "id");
    for x in &endpoints {
        ensure(x.str("vpc") == Some(vpc.as_str()), || format!("{} is in {:?}, not in {vpc}", x.id, x.str("vpc")))?;
    }
    let s3 = format!("com.amazonaws.{REGION}.s3");
    let gateways: Vec<&&Res> = endpoints.iter().filter(|x| x.str("type") == Some("Gateway")).collect();
    let [gw] = gateways.as_slice() else { return Err(format!("{} gateway endpoints, not one for S3", gateways.len())) };
    ensure(gw.str("service") == Some(s3.as_str()), || {
        format!("gateway endpoint {} is for {:?}", gw.id, gw.str("service"))
    })?;
    ensure(strs(gw.get("route_tables")) == tables, || {
        format!("the S3 endpoint is on {:?}, not {tables:?}", strs(gw.get("route_tables")))
    })?;
    let layers = format!("arn:{PARTITION}:s3:::prod-{REGION}-starport-layer-bucket/*");
    let bucket = bucket_arn(m, e)?;
    let objects = format!("{bucket}/*");
    let allowed = set(&[&layers, &bucket, &objects]);
    // network.s3_endpoint_bucket_arns: these buckets and their objects, with any S3 action (the
    // execution role's IAM decides what), in statements of their own.
    let extra: BTreeSet<String> =
        e.s3_endpoint_bucket_arns.iter().flat_map(|a| [a.clone(), format!("{a}/*")]).collect();
    let mut extra_reached = BTreeSet::new();
    let (mut layers_ok, mut get_ok, mut list_ok) = (false, false, false);
    for s in statements(&gw.p["policy"]) {
        only_keys(s, &["Sid", "Effect", "Principal", "Action", "Resource", "Condition"])?;
        if effect(s) == "Deny" {
            continue;
        }
        let acts = actions(s);
        let res = resources(s);
        let at = format!("S3 endpoint policy statement {}", sid(s));
        if !res.is_empty() && res.is_subset(&extra) {
            ensure(acts.iter().all(|a| a.starts_with("s3:")) && !acts.is_empty(), || {
                format!("{at}: allows {acts:?} on the spec's buckets, not only S3")
            })?;
            ensure(principal(s) == principal_of("AWS", &["*"]) && condition(s).is_empty(), || {
                format!("{at}: narrows the spec's buckets to {:?} / {:?}", principal(s), condition(s))
            })?;
            extra_reached.extend(res);
            continue;
        }
        ensure(acts.iter().all(|a| glob("s3:Get*", a) || glob("s3:List*", a)) && !acts.is_empty(), || {
            format!("{at}: allows {acts:?}, not only reads")
        })?;
        ensure(res.is_subset(&allowed) && !res.is_empty(), || format!("{at}: on {res:?}, not only {allowed:?}"))?;
        let may = |w: &str| acts.iter().any(|a| glob(a, w));
        layers_ok |= res.contains(&layers) && may("s3:GetObject");
        get_ok |= res.contains(&objects) && may("s3:GetObject");
        list_ok |= res.contains(&bucket) && may("s3:ListBucket");
    }
    ensure(extra_reached == extra, || {
        format!("the S3 endpoint reaches {extra_reached:?} of network.s3_endpoint_bucket_arns, not {extra:?}")
    })?;
    ensure(layers_ok, || format!("the S3 endpoint does not allow s3:GetObject on {layers}"))?;
    ensure(get_ok && list_ok, || format!("the S3 endpoint does not allow reading {bucket}"))?;

    let full_access =
        json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": ["*"], "Condition": {}});
    let mut services = Vec::new();
    for x in endpoints.iter().filter(|x| x.str("type") != Some("Gateway")) {
        ensure(x.str("type") == Some("Interface"), || format!("endpoint {} of type {:?}", x.id, x.str("type")))?;
        services.push(x.str("service").unwrap_or("").to_owned());
        ensure(x.p["private_dns"] == json!(true), || format!("{} has no private DNS", x.id))?;
        ensure(strs(x.get("subnets")) == subnet_refs, || {
            format!("{} is in {:?}, not {subnet_refs:?}", x.id, strs(x.get("subnets")))
        })?;
        ensure(strs(x.get("security_groups")) == set(&[&sg]), || {
            format!("{} is behind {:?}", x.id, strs(x.get("security_groups")))
        })?;
        let sts = statements(&x.p["policy"]);
        let shape = |s: &Value| {
            json!({"Effect": effect(s), "Principal": principal(s), "Action": actions(s), "Resource": resources(s),
                   "Condition": condition(s)})
        };
        ensure(
            sts.len() == 1
                && shape(sts[0]) == full_access
                && only_keys(sts[0], &["Sid", "Effect", "Principal", "Action", "Resource"]).is_ok(),
            || format!("{} has policy {}, not the full-access policy of seed 002", x.id, x.p["policy"]),
        )?;
    }
    services.sort();
    let mut want: Vec<String> = INTERFACE_SERVICES.iter().map(|s| format!("com.amazonaws.{REGION}.{s}")).collect();
    // The [secrets] backend's service, which Airflow calls from the environment's subnets.
    want.extend(e.secrets.as_ref().map(|s| format!("com.amazonaws.{REGION}.{}", secrets_service(s))));
    want.sort();
    ensure(services == want, || format!("interface endpoints for {services:?}, not {want:?}"))
}

// --- 8. What the environment waits for ---------------------------------------------------------

/// Property 8: in a network the stack creates, the environment depends on every VPC endpoint the
/// network has for it (private routing) and on the routes of its subnets (their route table
/// associations and those tables' routes), so that MWAA starts only once its subnets reach AWS,
/// and on delete they outlive it. It never depends on a customer-managed endpoint, which is
/// created after it from its attributes.
fn check_network_dependencies(m: &Model, e: &Expect) -> Result<(), String> {
    let env = m.one("mwaa_environment")?;
    let deps = strs(env.get("depends_on"));
    for x in m.of("vpc_endpoint").filter(|x| is_customer_endpoint(x)) {
        ensure(!deps.contains(&x.id), || format!("the environment depends on {}, which is created from it", x.id))?;
    }
    if !e.subnets_created {
        return Ok(());
    }
    let subnets = strs(env.get("subnets"));
    let mut want = BTreeSet::new();
    let mut tables = BTreeSet::new();
    for a in m.of("subnet_route_table_association") {
        if a.str("subnet").is_some_and(|s| subnets.contains(s)) {
            want.insert(a.id.clone());
            tables.extend(a.str("route_table").map(str::to_owned));
        }
    }
    ensure(!tables.is_empty(), || "no route table is associated with the environment's subnets".to_owned())?;
    for r in m.of("route") {
        if r.str("route_table").is_some_and(|t| tables.contains(t)) {
            want.insert(r.id.clone());
        }
    }
    for x in m.of("vpc_endpoint").filter(|x| !is_customer_endpoint(x)) {
        want.insert(x.id.clone());
    }
    let missing: Vec<&String> = want.difference(&deps).collect();
    ensure(missing.is_empty(), || format!("the environment does not wait for {missing:?} (it depends on {deps:?})"))
}

// --- 9. Customer-managed endpoints ---------------------------------------------------------------

/// An endpoint to one of the environment's own endpoint services.
fn is_customer_endpoint(x: &Res) -> bool {
    x.str("service").is_some_and(|s| s.starts_with("${ref:mwaa_environment."))
}

/// Property 9 (`endpoint_management = "CUSTOMER"`, vpc-endpoint-management.html): one interface
/// endpoint to the environment's `DatabaseVpcEndpointService`, and with PRIVATE_ONLY one to its
/// `WebserverVpcEndpointService`, each in the environment's VPC and exactly its subnets, behind
/// exactly its security groups, without private DNS and without a policy; both service names are
/// stack outputs. Without CUSTOMER there is none of them.
fn check_customer_endpoints(m: &Model, e: &Expect) -> Result<(), String> {
    let env = m.one("mwaa_environment")?;
    let service = |attr: &str| rref(&env.id, attr);
    let mut want = Vec::new();
    if e.customer_endpoints {
        want.push(service("database_vpc_endpoint_service"));
        if e.private_only {
            want.push(service("webserver_vpc_endpoint_service"));
        }
    }
    want.sort();
    // create_customer_endpoints = false: none is created; the outputs still name the services.
    let want_endpoints = if e.create_customer_endpoints { want.clone() } else { Vec::new() };
    let found: Vec<&Res> = m.of("vpc_endpoint").filter(|x| is_customer_endpoint(x)).collect();
    let mut got: Vec<String> = found.iter().map(|x| x.str("service").unwrap_or("").to_owned()).collect();
    got.sort();
    ensure(got == want_endpoints, || {
        format!("endpoints to the environment's services {got:?}, not {want_endpoints:?}")
    })?;
    // The VPC the endpoints must be in; looked up only when there are endpoints (with the VPC an
    // input, specs/inputs-vpc.toml, there is no id to compare and no endpoint).
    let vpc = match (&e.existing_vpc, found.is_empty()) {
        (_, true) => String::new(),
        (Some(id), false) => id.clone(),
        (None, false) => rref(&m.one("vpc")?.id, "id"),
    };
    let subnets = strs(env.get("subnets"));
    let sgs = strs(env.get("security_groups"));
    ensure(sgs.len() == usize::from(e.sg_created) + e.additional_sgs.len(), || {
        format!("the environment is in {sgs:?}")
    })?;
    for x in &found {
        let at = &x.id;
        ensure(x.str("type") == Some("Interface"), || format!("{at} is of type {:?}", x.str("type")))?;
        ensure(x.str("vpc") == Some(vpc.as_str()), || format!("{at} is in {:?}, not {vpc}", x.str("vpc")))?;
        ensure(strs(x.get("subnets")) == subnets, || format!("{at} is in {:?}, not {subnets:?}", x.get("subnets")))?;
        ensure(strs(x.get("security_groups")) == sgs, || {
            format!("{at} is behind {:?}, not the environment's {sgs:?}", x.get("security_groups"))
        })?;
        // Rendered targets write the flag; a missing one is the service default (false).
        ensure(x.p["private_dns"] != json!(true), || format!("{at} has private DNS"))?;
        ensure(x.get("policy").is_none(), || format!("{at} has an endpoint policy {}", x.p["policy"]))?;
    }
    let outputs: BTreeSet<String> = m
        .outputs
        .values()
        .filter_map(Value::as_str)
        .filter(|v| v.starts_with("${ref:mwaa_environment."))
        .map(str::to_owned)
        .collect();
    let want_outputs: BTreeSet<String> = want.iter().cloned().collect();
    let services: BTreeSet<String> = outputs.into_iter().filter(|o| o.contains("vpc_endpoint_service")).collect();
    ensure(services == want_outputs, || {
        format!("the outputs name the endpoint services {services:?}, not {want_outputs:?}")
    })
}

// --- 10. The flow-logs role ----------------------------------------------------------------------

/// Property 10: the VPC flow-logs role may write only to its own log group and streams, and
/// `logs:DescribeLogGroups`, which takes no resource but `*` (Service Authorization Reference,
/// CloudWatch Logs), is granted on `*` alone, so that the grant does something.
fn check_flow_logs(m: &Model, e: &Expect) -> Result<(), String> {
    let roles: Vec<&Res> = m
        .of("iam_role")
        .filter(|r| {
            statements(&r.p["trust"])
                .iter()
                .any(|s| principal(s).values().flatten().any(|v| v == "vpc-flow-logs.amazonaws.com"))
        })
        .collect();
    if !e.flow_logs {
        return ensure(roles.is_empty(), || "a flow-logs role although the spec has no flow logs".to_owned());
    }
    let [role] = roles.as_slice() else { return Err(format!("{} flow-logs roles, not one", roles.len())) };
    let group = format!("arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:/mwaa/{}/vpc-flow-logs", e.env);
    let on_group = set(&[group.clone(), format!("{group}:*")]);
    let mut granted = BTreeSet::new();
    for (p, _) in policies_of_role(m, &role.id) {
        for s in statements(&p.p["document"]) {
            let at = format!("{} statement {}", p.id, sid(s));
            ensure(effect(s) == "Allow", || format!("{at}: Effect {}", effect(s)))?;
            for a in actions(s) {
                let want = match a.as_str() {
                    "logs:DescribeLogGroups" => set(&["*"]),
                    "logs:CreateLogStream" | "logs:PutLogEvents" | "logs:DescribeLogStreams" => on_group.clone(),
                    other => return Err(format!("{at}: grants {other}, which VPC flow logs do not need")),
                };
                ensure(resources(s) == want, || format!("{at}: {a} is on {:?}, not {want:?}", resources(s)))?;
                granted.insert(a);
            }
        }
    }
    let need = set(&["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"]);
    ensure(granted == need, || format!("the flow-logs role may {granted:?}, not {need:?}"))
}

// --- 11. Environment settings that permissions depend on -----------------------------------------

/// Property 11: every logging module names its level, off or not (the MWAA API requires `LogLevel`
/// with `Enabled`: `ModuleLoggingConfigurationInput`), as the spec says; and the Airflow secrets
/// backend options are exactly those of `[secrets]`: the Amazon provider's class for the backend
/// and the spec's prefixes (`config_prefix` null unless set), or no `secrets.*` option at all.
fn check_environment_settings(m: &Model, e: &Expect) -> Result<(), String> {
    let env = m.one("mwaa_environment")?;
    let logging = env.p["logging"].as_object().cloned().unwrap_or_default();
    ensure(logging.len() == e.logging.len(), || format!("logging has {:?}", logging.keys().collect::<Vec<_>>()))?;
    for (module, (enabled, want_level)) in &e.logging {
        let got = logging.get(module).cloned().unwrap_or(Value::Null);
        ensure(got["enabled"] == json!(enabled), || format!("{module} logs: {got}, spec enabled = {enabled}"))?;
        ensure(got["level"] == json!(want_level), || {
            format!("{module} logs: level {}, not {want_level}", got["level"])
        })?;
    }
    let options = env.p["options"].as_object().cloned().unwrap_or_default();
    let secrets: BTreeMap<&String, &Value> = options.iter().filter(|(k, _)| k.starts_with("secrets.")).collect();
    let Some(s) = &e.secrets else {
        return ensure(secrets.is_empty(), || format!("secrets options {secrets:?} without [secrets]"));
    };
    let class = match s.backend.as_str() {
        "parameter_store" => "airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend",
        _ => "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
    };
    ensure(secrets.len() == 2, || format!("secrets options {secrets:?}, not backend and backend_kwargs"))?;
    ensure(options.get("secrets.backend") == Some(&json!(class)), || {
        format!("secrets.backend is {:?}, not {class}", options.get("secrets.backend"))
    })?;
    let kwargs: Value = options
        .get("secrets.backend_kwargs")
        .and_then(Value::as_str)
        .and_then(|k| serde_json::from_str(k).ok())
        .ok_or_else(|| format!("secrets.backend_kwargs is not JSON: {:?}", options.get("secrets.backend_kwargs")))?;
    let want = json!({"connections_prefix": s.prefixes[0], "variables_prefix": s.prefixes[1],
                      "config_prefix": s.config_prefix});
    ensure(kwargs == want, || format!("secrets.backend_kwargs is {kwargs}, not {want}"))
}

// --- 12. MWAA's log groups ------------------------------------------------------------------------

/// MWAA's name suffix of each logging module (MWAA API, ModuleLoggingConfiguration).
const LOG_GROUP_SUFFIXES: [(&str, &str); 5] = [
    ("dag_processing", "DAGProcessing"),
    ("scheduler", "Scheduler"),
    ("task", "Task"),
    ("webserver", "WebServer"),
    ("worker", "Worker"),
];

/// Property 8: the stack creates the log group of each module the spec logs, named as MWAA names
/// it, with the spec's retention, encrypted with the environment's key when there is one (or left
/// to CloudWatch Logs' own encryption with an AWS-owned key), retained on delete and replace when
/// the bucket is (and always with a bucket the spec brings), and the environment waits for it.
fn check_log_groups(m: &Model, e: &Expect) -> Result<(), String> {
    let prefix = format!("airflow-{}-", e.env);
    let groups: Vec<&Res> =
        m.of("log_group").filter(|g| g.str("name").is_some_and(|n| n.starts_with(&prefix))).collect();
    let want: BTreeSet<String> = LOG_GROUP_SUFFIXES
        .iter()
        .filter(|(module, _)| e.log_modules.iter().any(|m| m == module))
        .map(|(_, suffix)| format!("{prefix}{suffix}"))
        .collect();
    let got: BTreeSet<String> = groups.iter().filter_map(|g| g.str("name").map(str::to_owned)).collect();
    ensure(got == want && groups.len() == want.len(), || format!("MWAA's log groups are {got:?}, not {want:?}"))?;
    let key = key_arn(m, e)?;
    let retain = !matches!(e.bucket, BucketSpec::Created { retain: false, .. });
    let deps = strs(m.one("mwaa_environment")?.get("depends_on"));
    for g in groups {
        let name = g.str("name").unwrap_or("");
        ensure(g.p["retention"] == json!(e.log_retention), || {
            format!("{name} keeps logs {} days, not {}", g.p["retention"], e.log_retention)
        })?;
        ensure(g.str("kms_key") == key.as_deref(), || {
            format!("{name} is encrypted with {:?}, not {key:?}", g.get("kms_key"))
        })?;
        ensure(g.p["deletion_retain"] == json!(retain) && g.p["replace_retain"] == json!(retain), || {
            format!(
                "{name}: retained on delete {}, on replace {}; the bucket's choice is {retain}",
                g.p["deletion_retain"], g.p["replace_retain"]
            )
        })?;
        ensure(deps.contains(&g.id), || format!("the environment does not wait for {name} ({})", g.id))?;
    }
    Ok(())
}

// --- 13. Alarms and their topic ------------------------------------------------------------------

/// Property 9: with `[monitoring]`, every alarm notifies one topic when it fires and when it
/// recovers. A topic the stack creates is encrypted with a created key whose policy lets the
/// account manage it and CloudWatch (which publishes the alarms) only `kms:Decrypt` and
/// `kms:GenerateDataKey*`, for this stack's alarms of this account (what the example key policy
/// of the SNS developer guide grants, sns-key-management.html, "Enabling compatibility between
/// event sources from AWS services and encrypted topics"), and nobody else; its policy lets only
/// CloudWatch publish, only for this stack's alarms of this account, and refuses publishing
/// without TLS; its subscriptions are exactly the spec's email addresses. With `sns_topic_arn`
/// the alarms notify that topic and none is created. Without `[monitoring]`, nothing of this.
fn check_alarm_topic(m: &Model, e: &Expect) -> Result<(), String> {
    let alarms: Vec<&Res> = m.of("alarm").collect();
    let topics: Vec<&Res> = m.of("sns_topic").collect();
    let Some(mon) = &e.monitoring else {
        return ensure(alarms.is_empty() && topics.is_empty(), || "alarms or a topic without [monitoring]".to_owned());
    };
    ensure(!alarms.is_empty(), || "[monitoring] without alarms".to_owned())?;
    let topic = match &mon.topic_arn {
        Some(arn) => {
            ensure(topics.is_empty() && m.of("sns_subscription").next().is_none(), || {
                "a topic or subscription is created although the spec brings its topic".to_owned()
            })?;
            arn.clone()
        }
        None => {
            let [t] = topics.as_slice() else { return Err(format!("expected one topic, found {}", topics.len())) };
            check_created_topic(m, e, t, &alarms)?;
            rref(&t.id, "arn")
        }
    };
    for a in &alarms {
        for key in ["alarm_actions", "ok_actions"] {
            ensure(strs(a.get(key)) == set(&[&topic]), || {
                format!("alarm {}: {key} {:?}, not [{topic}]", a.id, a.get(key))
            })?;
        }
    }
    Ok(())
}

fn check_created_topic(m: &Model, e: &Expect, t: &Res, alarms: &[&Res]) -> Result<(), String> {
    let mon = e.monitoring.as_ref().ok_or("no [monitoring]")?;
    let topic = rref(&t.id, "arn");
    // Its key.
    let key_id = t.str("kms_key").and_then(|k| ref_target(k, "arn")).ok_or_else(|| {
        format!("the alarm topic is encrypted with {:?}, not with a key of the stack", t.get("kms_key"))
    })?;
    let key = m.get(key_id, "kms_key").ok_or_else(|| format!("{key_id} is not a KMS key of the stack"))?;
    if m.rendered() {
        ensure(key.p["rotation"] == json!(true), || format!("key rotation of {key_id} is {}", key.p["rotation"]))?;
    }
    let alarm_arns: BTreeSet<String> = alarms
        .iter()
        .filter_map(|a| a.str("name"))
        .map(|n| format!("arn:{PARTITION}:cloudwatch:{REGION}:{ACCOUNT}:alarm:{n}"))
        .collect();
    let want = {
        let mut c = cond(&[("StringEquals", "aws:SourceAccount", &[ACCOUNT])]);
        c.insert("ArnLike".into(), BTreeMap::from([("aws:SourceArn".to_owned(), alarm_arns)]));
        c
    };
    let root = principal_of("AWS", &[&format!("arn:{PARTITION}:iam::{ACCOUNT}:root")]);
    let cloudwatch = principal_of("Service", &["cloudwatch.amazonaws.com"]);
    let mut cloudwatch_ok = false;
    for s in statements(&key.p["policy"]) {
        only_keys(s, &["Sid", "Effect", "Principal", "Action", "Resource", "Condition"])?;
        let at = || format!("policy of the topic key, statement {}", sid(s));
        ensure(effect(s) == "Allow", || format!("{}: Effect {}", at(), effect(s)))?;
        let p = principal(s);
        if p == cloudwatch {
            let acts = actions(s);
            ensure(acts.iter().all(|a| ["kms:Decrypt", "kms:GenerateDataKey*"].contains(&a.as_str())), || {
                format!("{}: CloudWatch may {acts:?}", at())
            })?;
            ensure(condition(s) == want, || format!("{}: condition {:?}, not {want:?}", at(), condition(s)))?;
            cloudwatch_ok |= acts.contains("kms:Decrypt") && acts.contains("kms:GenerateDataKey*");
        } else {
            ensure(p == root && actions(s) == set(&["kms:*"]) && condition(s).is_empty(), || {
                format!("{}: grants {:?} to {p:?}", at(), actions(s))
            })?;
        }
    }
    ensure(cloudwatch_ok, || format!("the topic key {key_id} does not let CloudWatch encrypt alarm notifications"))?;
    // Its policy.
    let policies: Vec<&Res> = m.of("sns_topic_policy").filter(|p| strs(p.get("topics")).contains(&topic)).collect();
    let [policy] = policies.as_slice() else {
        return Err(format!("{} policies on the alarm topic, not one", policies.len()));
    };
    ensure(strs(policy.get("topics")) == set(&[&topic]), || format!("{} is also on other topics", policy.id))?;
    let (mut publish, mut tls) = (false, false);
    for s in statements(&policy.p["document"]) {
        only_keys(s, &["Sid", "Effect", "Principal", "Action", "Resource", "Condition"])?;
        let at = || format!("topic policy {}, statement {}", policy.id, sid(s));
        ensure(resources(s) == set(&[&topic]), || format!("{}: on {:?}", at(), resources(s)))?;
        if effect(s) == "Deny" {
            tls |= principal(s) == principal_of("AWS", &["*"])
                && actions(s).iter().any(|a| glob(a, "sns:Publish"))
                && condition(s) == cond(&[("Bool", "aws:SecureTransport", &["false"])]);
            continue;
        }
        ensure(principal(s) == principal_of("Service", &["cloudwatch.amazonaws.com"]), || {
            format!("{}: lets {:?} in", at(), principal(s))
        })?;
        ensure(actions(s) == set(&["sns:Publish"]), || format!("{}: allows {:?}", at(), actions(s)))?;
        ensure(condition(s) == want, || format!("{}: condition {:?}, not {want:?}", at(), condition(s)))?;
        publish = true;
    }
    ensure(publish, || "CloudWatch may not publish the alarms to their topic".to_owned())?;
    ensure(tls, || "the alarm topic does not refuse publishing without TLS".to_owned())?;
    // Its subscriptions.
    let mut emails = BTreeSet::new();
    for sub in m.of("sns_subscription") {
        ensure(sub.str("topic") == Some(topic.as_str()) && sub.str("protocol") == Some("email"), || {
            format!("subscription {}: {:?} to {:?}", sub.id, sub.get("protocol"), sub.get("topic"))
        })?;
        emails.extend(sub.str("endpoint").map(str::to_owned));
    }
    ensure(emails == mon.emails, || format!("the topic's subscribers are {emails:?}, the spec's {:?}", mon.emails))
}

// --- The cases -----------------------------------------------------------------------------------

type Checker = fn(&Model, &Expect) -> Result<(), String>;

const CHECKERS: &[(&str, Checker)] = &[
    ("execution_policy", check_execution_policy),
    ("kms_key", check_kms_key),
    ("web_access", check_web_access),
    ("bucket", check_bucket),
    ("trust_and_dependency", check_trust_and_dependency),
    ("network", check_network),
    ("private_routing", check_private_routing),
    ("network_dependencies", check_network_dependencies),
    ("customer_endpoints", check_customer_endpoints),
    ("flow_logs", check_flow_logs),
    ("environment_settings", check_environment_settings),
    ("log_groups", check_log_groups),
    ("alarm_topic", check_alarm_topic),
];

fn checker(name: &str) -> Checker {
    CHECKERS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no checker {name}")).1
}

/// Specs that reach branches no example spec does.
const INLINE_SPECS: &[(&str, &str)] = &[
    (
        "inline:existing-bucket-and-key",
        r#"
version = 1

[environment]
name = "byo_bucket"

[network]
existing_vpc_id = "vpc-0123456789abcdef0"
existing_private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]

[bucket]
existing_arn = "arn:aws:s3:::byo-bucket-dags"

[kms]
key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

[[web_access]]
airflow_role = "Public"
attach_to_groups = ["everyone-read", "auditors"]
"#,
    ),
    (
        "inline:private-acl-no-tls",
        r#"
version = 1

[environment]
name = "closed-net"
webserver_access_mode = "PRIVATE_ONLY"

[network]
routing = "private"
vpc_cidr = "10.8.0.0/16"
private_subnet_cidrs = ["10.8.1.0/24", "10.8.2.0/24"]
flow_logs = false

[network.acl]
enabled = true

[bucket]
encryption = "sse-kms"
enforce_tls = false
retain_on_delete = false

[kms]
key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
"#,
    ),
];

struct Case {
    /// The spec's file name (`production.toml`), `<built-in default>` or `inline:...`.
    spec: String,
    expect: Expect,
    ir: Ir,
    cfn: String,
    tf: Vec<OutputFile>,
    /// The models of the IR, the CloudFormation and the Terraform, read once.
    models: OnceLock<[Model; 3]>,
}

fn case_of(spec: String, text: &str, ir: Ir) -> Case {
    let cfn = render(&ir, Target::Cfn).unwrap_or_else(|e| panic!("{spec}: CloudFormation: {e:?}"));
    let cfn = cfn.into_iter().find(|f| f.path.ends_with(".yaml")).expect("template.yaml").contents;
    // The module in flat form (for_each expanded, named as earlier output was): support/legacy.rs.
    let tf =
        support::legacy::legacy(&render(&ir, Target::Terraform).unwrap_or_else(|e| panic!("{spec}: Terraform: {e:?}")));
    Case { expect: Expect::from_toml(text), spec, ir, cfn, tf, models: OnceLock::new() }
}

/// Every spec under specs/, the built-in default and the inline specs, compiled and rendered once.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        for path in support::example_specs() {
            let text = std::fs::read_to_string(&path).expect("spec is readable");
            let name = path.file_name().expect("file name").to_string_lossy().into_owned();
            let ir = support::compile_file(&path);
            // The expectations are read from the spec's literals (Expect::from_toml); a spec whose
            // bucket, role, key, topic, subnets or extra groups are inputs (specs/inputs.toml)
            // has values only the deployment knows: their wiring is compared across the targets
            // by the equivalence tests instead. A VPC or internet gateway input
            // (specs/inputs-vpc.toml) is checked here like a literal one.
            let literal_only = ["network.existing_vpc_id", "network.existing_internet_gateway_id"];
            if ir.inputs.iter().any(|i| !literal_only.contains(&i.field.as_str())) {
                continue;
            }
            out.push(case_of(name, &text, ir));
        }
        let default = mwaagen::default_source();
        let ir = mwaagen::compile(&default).unwrap_or_else(|_| panic!("the built-in default spec is invalid"));
        out.push(case_of("<built-in default>".to_owned(), &default.text, ir));
        for (name, text) in INLINE_SPECS {
            let source = mwaagen::diagnostics::Source::from_text(*name, *text);
            let ir = mwaagen::compile(&source).unwrap_or_else(|d| panic!("{name} is invalid:\n{}", d.render(&source)));
            out.push(case_of((*name).to_owned(), text, ir));
        }
        out
    })
}

fn case(spec: &str) -> &'static Case {
    cases().iter().find(|c| c.spec == spec).unwrap_or_else(|| panic!("no spec {spec}"))
}

fn models(c: &Case) -> &[Model; 3] {
    c.models.get_or_init(|| [ir_model(&c.ir), cfn_model(&support::cfn_yaml_to_json(&c.cfn)), tf_model(&c.tf)])
}

/// Runs one checker on the IR, the CloudFormation and the Terraform of every case.
fn assert_property(name: &str) {
    let check = checker(name);
    let mut failures = Vec::new();
    for c in cases() {
        for m in models(c) {
            if let Err(e) = check(m, &c.expect) {
                failures.push(format!("{} ({:?}): {e}", c.spec, m.view));
            }
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

#[test]
fn execution_policy_is_least_privilege() {
    assert_property("execution_policy");
}

#[test]
fn created_kms_key_serves_the_account_logs_and_the_environment_only() {
    assert_property("kms_key");
}

#[test]
fn web_access_grants_one_airflow_role_to_the_named_principals() {
    assert_property("web_access");
}

#[test]
fn bucket_is_versioned_private_encrypted_tls_only_and_retained() {
    assert_property("bucket");
}

#[test]
fn execution_role_trusts_mwaa_of_this_environment_and_the_environment_waits_for_its_policy() {
    assert_property("trust_and_dependency");
}

#[test]
fn network_has_no_public_ips_self_only_ingress_and_the_acl() {
    assert_property("network");
}

#[test]
fn private_routing_has_no_internet_path_and_the_endpoints_of_seed_002() {
    assert_property("private_routing");
}

#[test]
fn the_environment_waits_for_its_routes_and_endpoints() {
    assert_property("network_dependencies");
}

#[test]
fn customer_managed_endpoints_connect_the_environment_and_are_output() {
    assert_property("customer_endpoints");
}

#[test]
fn flow_logs_role_writes_its_own_log_group_and_describes_on_star() {
    assert_property("flow_logs");
}

#[test]
fn logging_levels_and_secrets_options_are_what_the_spec_says() {
    assert_property("environment_settings");
}

#[test]
fn mwaa_log_groups_have_the_spec_retention_the_environment_key_and_come_first() {
    assert_property("log_groups");
}

#[test]
fn alarms_notify_an_encrypted_topic_that_only_they_publish_to() {
    assert_property("alarm_topic");
}

/// The cases reach every branch of the checkers, so that none of them passes by having nothing
/// to look at.
#[test]
fn the_cases_exercise_every_branch() {
    let all: Vec<&Expect> = cases().iter().map(|c| &c.expect).collect();
    let has = |what: &str, f: &dyn Fn(&Expect) -> bool| assert!(all.iter().any(|e| f(e)), "no case with {what}");
    has("an AWS-owned key", &|e| e.kms == KmsSpec::AwsOwned);
    has("a created key", &|e| e.kms == KmsSpec::Create);
    has("an existing key and a generated role", &|e| matches!(e.kms, KmsSpec::Existing(_)) && e.role_arn.is_none());
    has("an existing bucket and a generated role", &|e| {
        matches!(e.bucket, BucketSpec::Existing(_)) && e.role_arn.is_none()
    });
    has("an existing role", &|e| e.role_arn.is_some());
    has("sse-s3", &|e| matches!(e.bucket, BucketSpec::Created { sse_kms: false, .. }));
    has("sse-kms", &|e| matches!(e.bucket, BucketSpec::Created { sse_kms: true, .. }));
    has("enforce_tls = false", &|e| matches!(e.bucket, BucketSpec::Created { enforce_tls: false, .. }));
    has("retain_on_delete = false", &|e| matches!(e.bucket, BucketSpec::Created { retain: false, .. }));
    has("web access to roles", &|e| e.web_access.iter().any(|g| !g.roles.is_empty()));
    has("web access to groups", &|e| e.web_access.iter().any(|g| !g.groups.is_empty()));
    has("restricted ingress", &|e| e.restricted);
    has("all_self ingress", &|e| !e.restricted);
    has("a network ACL", &|e| e.acl);
    has("private routing", &|e| e.private);
    has("private routing with all_self ingress", &|e| e.private && !e.restricted);
    has("customer-managed endpoints and PRIVATE_ONLY", &|e| e.customer_endpoints && e.private_only);
    has("customer-managed endpoints in an existing network", &|e| e.customer_endpoints && e.existing_vpc.is_some());
    has("the Secrets Manager backend", &|e| e.secrets.as_ref().is_some_and(|s| s.backend == "secrets_manager"));
    has("the Parameter Store backend with keys", &|e| {
        e.secrets.as_ref().is_some_and(|s| s.backend == "parameter_store" && !s.kms_key_arns.is_empty())
    });
    has("S3 endpoint buckets under private routing", &|e| e.private && !e.s3_endpoint_bucket_arns.is_empty());
    has("flow logs off", &|e| e.network_created && !e.flow_logs);
    has("a logging module off", &|e| e.logging.values().any(|(enabled, _)| !enabled));
    has("a disabled module keeping another level", &|e| e.logging.values().any(|(on, l)| !on && l != "INFO"));
    has("subnets in an existing VPC", &|e| e.subnets_created && e.existing_vpc.is_some());
    has("exactly the spec's security groups (create = false)", &|e| !e.sg_created);
    has("web server ingress from outside the group", &|e| !e.web_ingress.is_empty());
    has("trusted principals on the execution role", &|e| !e.trusted_principals.is_empty());
    has("CUSTOMER endpoints left to the VPC's owner", &|e| e.customer_endpoints && !e.create_customer_endpoints);
    has("a web access grant with the CLI", &|e| e.web_access.iter().any(|g| g.cli));
    has("a web access grant with the REST API", &|e| e.web_access.iter().any(|g| g.rest_api));
    has("execution role statements", &|e| !e.statements.is_empty());
    has("a retention other than 365 days", &|e| e.log_retention != 365);
    has("log groups deleted with the stack", &|e| matches!(e.bucket, BucketSpec::Created { retain: false, .. }));
    has("a created alarm topic", &|e| e.monitoring.as_ref().is_some_and(|m| m.topic_arn.is_none()));
    has("an existing alarm topic", &|e| e.monitoring.as_ref().is_some_and(|m| m.topic_arn.is_some()));
    let specs: BTreeSet<&str> = cases().iter().map(|c| c.spec.as_str()).collect();
    for f in [
        "production.toml",
        "private.toml",
        "restricted-acl.toml",
        "micro.toml",
        "bring-your-own.toml",
        "customer-endpoints.toml",
        "private-data-lake.toml",
        "operations.toml",
    ] {
        assert!(specs.contains(f), "specs/{f} is gone; the mutations below use it");
    }
}

// --- 14. Every checker fails when its property is broken ------------------------------------------

#[derive(Clone, Copy)]
enum Edit {
    /// Replace the first occurrence of `from` with `to` in the CloudFormation YAML.
    Cfn(&'static str, &'static str),
    /// Change the CloudFormation template parsed into JSON.
    CfnJson(fn(&mut Value)),
    /// Replace the first occurrence of `from` with `to` in one Terraform file.
    Tf(&'static str, &'static str, &'static str),
    /// Replace every occurrence of `from` with `to` in the JSON of one IR resource.
    IrText(&'static str, &'static str, &'static str),
    /// Change the IR.
    Ir(fn(&mut Ir)),
}

struct Mutation {
    checker: &'static str,
    spec: &'static str,
    what: &'static str,
    edit: Edit,
}

fn resource_mut<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc["Resources"].get_mut(id).unwrap_or_else(|| panic!("no resource {id}"))
}

fn ir_resource_mut<'a>(ir: &'a mut Ir, id: &str) -> &'a mut Resource {
    ir.resources.iter_mut().find(|r| r.id == id).unwrap_or_else(|| panic!("no IR resource {id}"))
}

const MUTATIONS: &[Mutation] = &[
    // --- execution_policy
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "PublishMetrics on the stack name instead of the environment (the quick-start bug)",
        edit: Edit::Cfn(
            "- !Sub \"arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:environment/analytics-prod\"",
            "- !Sub \"arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:environment/analytics-prod-mwaa\"",
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "<built-in default>",
        what: "PublishMetrics on environment/ENV-wrong",
        edit: Edit::Tf(
            "iam.tf",
            "Resource = [local.environment_arn]",
            "Resource = [\"${local.environment_arn}-wrong\"]",
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "PublishMetrics on a wrong environment in the IR",
        edit: Edit::IrText("ExecutionPolicy", "environment/analytics-prod\"", "environment/analytics\""),
    },
    Mutation {
        checker: "execution_policy",
        spec: "<built-in default>",
        what: "a `*` action",
        edit: Edit::Cfn(
            "              - cloudwatch:PutMetricData\n",
            "              - cloudwatch:PutMetricData\n              - \"*\"\n",
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "iam:PassRole",
        edit: Edit::Tf("iam.tf", "[\"cloudwatch:PutMetricData\"]", "[\"cloudwatch:PutMetricData\", \"iam:PassRole\"]"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "<built-in default>",
        what: "logs on airflow-* instead of airflow-ENV-*",
        edit: Edit::Tf("iam.tf", "log-group:airflow-mwaa-public-*", "log-group:airflow-*"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "micro.toml",
        what: "sqs on every queue",
        edit: Edit::Cfn(":*:airflow-celery-*\"", ":*:*\""),
    },
    Mutation {
        checker: "execution_policy",
        spec: "micro.toml",
        what: "ListAllMyBuckets allowed instead of denied",
        edit: Edit::Cfn(
            "Sid: DenyListAllBuckets\n            Effect: Deny",
            "Sid: DenyListAllBuckets\n            Effect: Allow",
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "restricted-acl.toml",
        what: "bucket reads on every bucket",
        edit: Edit::CfnJson(|doc| {
            let policy = resource_mut(doc, "ExecutionPolicy");
            let statements = policy["Properties"]["PolicyDocument"]["Statement"].as_array_mut().expect("statements");
            let read = statements.iter_mut().find(|s| s["Sid"] == "ReadEnvironmentBucket").expect("read statement");
            read["Resource"] = json!(["*"]);
        }),
    },
    Mutation {
        checker: "execution_policy",
        spec: "<built-in default>",
        what: "the AWS-owned key statement on Resource instead of NotResource",
        edit: Edit::Cfn("NotResource:", "Resource:"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "private.toml",
        what: "the customer key usable on every key",
        edit: Edit::Tf("iam.tf", "Resource = [aws_kms_key.environment_key.arn]", "Resource = [\"*\"]"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "inline:existing-bucket-and-key",
        what: "bucket reads on another bucket than the spec's",
        edit: Edit::Tf("iam.tf", "\"arn:aws:s3:::byo-bucket-dags\",", "\"arn:aws:s3:::byo-bucket-other\","),
    },
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "AdministratorAccess attached to the execution role",
        edit: Edit::CfnJson(|doc| {
            let arns = resource_mut(doc, "ExecutionRole")["Properties"]["ManagedPolicyArns"].as_array_mut();
            arns.expect("ManagedPolicyArns").push(json!("arn:aws:iam::aws:policy/AdministratorAccess"));
        }),
    },
    Mutation {
        checker: "execution_policy",
        spec: "<built-in default>",
        what: "AdministratorAccess attached to the execution role",
        edit: Edit::Tf(
            "iam.tf",
            r#"resource "aws_iam_policy" "execution_policy" {"#,
            r#"resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.execution_role.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy" "execution_policy" {"#,
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "private.toml",
        what: "the key usable without kms:ViaService",
        edit: Edit::IrText("ExecutionPolicy", "kms:ViaService", "kms:CallerAccount"),
    },
    // --- kms_key
    Mutation {
        checker: "kms_key",
        spec: "production.toml",
        what: "rotation off",
        edit: Edit::Cfn("EnableKeyRotation: true", "EnableKeyRotation: false"),
    },
    Mutation {
        checker: "kms_key",
        spec: "production.toml",
        what: "rotation off",
        edit: Edit::Tf("kms.tf", "enable_key_rotation = true", "enable_key_rotation = false"),
    },
    Mutation {
        checker: "kms_key",
        spec: "private.toml",
        what: "CloudWatch Logs without the encryption context condition",
        edit: Edit::Tf("kms.tf", "\"kms:EncryptionContext:aws:logs:arn\" =", "\"kms:EncryptionContextKeys\" ="),
    },
    Mutation {
        checker: "kms_key",
        spec: "restricted-acl.toml",
        what: "the logs statement granted to everyone",
        edit: Edit::Cfn("Service: !Sub \"logs.${AWS::Region}.amazonaws.com\"", "AWS: \"*\""),
    },
    Mutation {
        checker: "kms_key",
        spec: "production.toml",
        what: "the account root loses kms:*",
        edit: Edit::IrText("EnvironmentKey", ":root", ":user/admin"),
    },
    // --- web_access
    Mutation {
        checker: "web_access",
        spec: "production.toml",
        what: "CreateWebLoginToken on every Airflow role",
        edit: Edit::Cfn("role/analytics-prod/Admin", "role/analytics-prod/*"),
    },
    Mutation {
        checker: "web_access",
        spec: "production.toml",
        what: "attached to another role than the spec names",
        edit: Edit::Tf("iam.tf", "role       = \"PlatformAdmins\"", "role       = \"Everyone\""),
    },
    Mutation {
        checker: "web_access",
        spec: "micro.toml",
        what: "attached to one role more",
        edit: Edit::Cfn("Roles:\n        - Developers", "Roles:\n        - Developers\n        - Contractors"),
    },
    Mutation {
        checker: "web_access",
        spec: "restricted-acl.toml",
        what: "airflow:* instead of CreateWebLoginToken",
        edit: Edit::Tf("iam.tf", "[\"airflow:CreateWebLoginToken\"]", "[\"airflow:*\"]"),
    },
    Mutation {
        checker: "web_access",
        spec: "micro.toml",
        what: "the Op role of another environment",
        edit: Edit::IrText("WebAccessPolicy1", "role/dev_sandbox/Op", "role/other/Op"),
    },
    // --- bucket
    Mutation {
        checker: "bucket",
        spec: "<built-in default>",
        what: "BlockPublicAcls dropped",
        edit: Edit::Cfn("        BlockPublicAcls: true\n", ""),
    },
    Mutation {
        checker: "bucket",
        spec: "restricted-acl.toml",
        what: "block_public_policy false",
        edit: Edit::Tf("s3.tf", "block_public_policy     = true", "block_public_policy     = false"),
    },
    Mutation {
        checker: "bucket",
        spec: "micro.toml",
        what: "versioning suspended",
        edit: Edit::Tf("s3.tf", "status = \"Enabled\"", "status = \"Suspended\""),
    },
    Mutation {
        checker: "bucket",
        spec: "<built-in default>",
        what: "the TLS deny inverted",
        edit: Edit::Cfn("aws:SecureTransport: \"false\"", "aws:SecureTransport: \"true\""),
    },
    Mutation {
        checker: "bucket",
        spec: "production.toml",
        what: "prevent_destroy off",
        edit: Edit::Tf("s3.tf", "prevent_destroy = true", "prevent_destroy = false"),
    },
    Mutation {
        checker: "bucket",
        spec: "production.toml",
        what: "UpdateReplacePolicy dropped",
        edit: Edit::CfnJson(|doc| {
            resource_mut(doc, "EnvironmentBucket").as_object_mut().expect("resource").remove("UpdateReplacePolicy");
        }),
    },
    Mutation {
        checker: "bucket",
        spec: "production.toml",
        what: "AES256 although the spec asks for sse-kms",
        edit: Edit::Cfn("SSEAlgorithm: aws:kms", "SSEAlgorithm: AES256"),
    },
    Mutation {
        checker: "bucket",
        spec: "restricted-acl.toml",
        what: "bucket policy allowing everyone to read",
        edit: Edit::CfnJson(|doc| {
            let policy = resource_mut(doc, "EnvironmentBucketPolicy");
            let statements = policy["Properties"]["PolicyDocument"]["Statement"].as_array_mut().expect("statements");
            statements.push(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                   "Resource": {"Fn::Sub": "${EnvironmentBucket.Arn}/*"}}));
        }),
    },
    Mutation {
        checker: "bucket",
        spec: "production.toml",
        what: "bucket not retained in the IR",
        edit: Edit::Ir(|ir| ir_resource_mut(ir, "EnvironmentBucket").lifecycle = None),
    },
    // --- trust_and_dependency
    Mutation {
        checker: "trust_and_dependency",
        spec: "production.toml",
        what: "SourceArn condition removed",
        edit: Edit::CfnJson(|doc| {
            let role = resource_mut(doc, "ExecutionRole");
            role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
                .as_object_mut()
                .expect("condition")
                .remove("ArnLike");
        }),
    },
    Mutation {
        checker: "trust_and_dependency",
        spec: "<built-in default>",
        what: "EC2 may assume the execution role",
        edit: Edit::Tf(
            "iam.tf",
            "Service = [\"airflow.amazonaws.com\", \"airflow-env.amazonaws.com\"]",
            "Service = [\"airflow.amazonaws.com\", \"airflow-env.amazonaws.com\", \"ec2.amazonaws.com\"]",
        ),
    },
    Mutation {
        checker: "trust_and_dependency",
        spec: "micro.toml",
        what: "any account's environment may use the role",
        edit: Edit::Cfn("aws:SourceAccount: !Ref AWS::AccountId", "aws:SourceAccount: \"*\""),
    },
    Mutation {
        checker: "trust_and_dependency",
        spec: "<built-in default>",
        what: "DependsOn ExecutionPolicy dropped",
        edit: Edit::Cfn("    DependsOn:\n      - ExecutionPolicy\n", ""),
    },
    Mutation {
        checker: "trust_and_dependency",
        spec: "<built-in default>",
        what: "depends_on the policy attachment dropped",
        edit: Edit::Tf("mwaa.tf", "    aws_iam_role_policy_attachment.execution_policy_execution_role,\n", ""),
    },
    Mutation {
        checker: "trust_and_dependency",
        spec: "production.toml",
        what: "the environment's dependency dropped in the IR",
        edit: Edit::Ir(|ir| ir_resource_mut(ir, "MwaaEnvironment").depends_on.clear()),
    },
    // --- network
    Mutation {
        checker: "network",
        spec: "<built-in default>",
        what: "MapPublicIpOnLaunch flipped",
        edit: Edit::Cfn("MapPublicIpOnLaunch: false", "MapPublicIpOnLaunch: true"),
    },
    Mutation {
        checker: "network",
        spec: "micro.toml",
        what: "map_public_ip_on_launch flipped",
        edit: Edit::Tf("network.tf", "map_public_ip_on_launch = false", "map_public_ip_on_launch = true"),
    },
    Mutation {
        checker: "network",
        spec: "production.toml",
        what: "a 0.0.0.0/0 ingress",
        edit: Edit::CfnJson(|doc| {
            doc["Resources"]["OpenIngress"] = json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": {"Fn::GetAtt": ["SecurityGroup", "GroupId"]}, "IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}});
        }),
    },
    Mutation {
        checker: "network",
        spec: "<built-in default>",
        what: "a 0.0.0.0/0 ingress",
        edit: Edit::Tf(
            "security_group.tf",
            "resource \"aws_vpc_security_group_ingress_rule\" \"security_group_ingress\" {",
            r#"resource "aws_vpc_security_group_ingress_rule" "open" {
  security_group_id = aws_security_group.security_group.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "security_group_ingress" {"#,
        ),
    },
    Mutation {
        checker: "network",
        spec: "production.toml",
        what: "the VPC's default security group reopened",
        edit: Edit::Tf(
            "network.tf",
            "resource \"aws_default_security_group\" \"vpc_default\" {\n",
            r#"resource "aws_default_security_group" "vpc_default" {
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
"#,
        ),
    },
    Mutation {
        checker: "network",
        spec: "restricted-acl.toml",
        what: "TCP 0-443 instead of 443",
        edit: Edit::Tf("security_group.tf", "from_port                    = 443", "from_port                    = 0"),
    },
    Mutation {
        checker: "network",
        spec: "restricted-acl.toml",
        what: "the ACL's egress entry turned into a second ingress entry",
        edit: Edit::Cfn("Egress: true", "Egress: false"),
    },
    Mutation {
        checker: "network",
        spec: "restricted-acl.toml",
        what: "a subnet without the ACL",
        edit: Edit::Tf(
            "network.tf",
            "subnet_id      = aws_subnet.private_subnet_2.id\n  network_acl_id",
            "subnet_id      = aws_subnet.private_subnet_1.id\n  network_acl_id",
        ),
    },
    Mutation {
        checker: "network",
        spec: "restricted-acl.toml",
        what: "SSH instead of PostgreSQL in the IR",
        edit: Edit::IrText("SecurityGroupIngressPostgres", "5432", "22"),
    },
    // --- private_routing
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "a NAT gateway",
        edit: Edit::Tf(
            "network.tf",
            "resource \"aws_route_table\" \"private_route_table_1\" {",
            r#"resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.allocation_id
  subnet_id     = aws_subnet.private_subnet_1.id
}

resource "aws_route_table" "private_route_table_1" {"#,
        ),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "an inline route to 0.0.0.0/0",
        edit: Edit::Tf(
            "network.tf",
            "resource \"aws_route_table\" \"private_route_table_1\" {",
            r#"resource "aws_route_table" "private_route_table_1" {
  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = "tgw-0123456789abcdef0"
  }"#,
        ),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "a route to 0.0.0.0/0",
        edit: Edit::CfnJson(|doc| {
            doc["Resources"]["TransitRoute"] = json!({"Type": "AWS::EC2::Route", "Properties": {
                "RouteTableId": {"Ref": "PrivateRouteTable1"}, "DestinationCidrBlock": "0.0.0.0/0",
                "TransitGatewayId": "tgw-0123456789abcdef0"}});
        }),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "an interface endpoint without private DNS",
        edit: Edit::Cfn("PrivateDnsEnabled: true", "PrivateDnsEnabled: false"),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "the S3 endpoint open to every bucket",
        edit: Edit::Tf("endpoints.tf", "s3:::prod-${local.region}-starport-layer-bucket/*", "s3:::*"),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "the S3 endpoint allows writes",
        edit: Edit::CfnJson(|doc| {
            let ep = resource_mut(doc, "S3GatewayEndpoint");
            ep["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = json!(["s3:*"]);
        }),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "the kms endpoint for another service",
        edit: Edit::Tf("endpoints.tf", ".kms\"", ".kms-fips\""),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "no TCP 443 from the security group itself",
        edit: Edit::CfnJson(|doc| {
            doc["Resources"].as_object_mut().expect("resources").remove("SecurityGroupIngressHttps");
        }),
    },
    // --- web_access: the CLI and the REST API
    Mutation {
        checker: "web_access",
        spec: "operations.toml",
        what: "the CLI token on every environment",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "WebAccessPolicy1")["Properties"]["PolicyDocument"]["Statement"].as_array_mut();
            let cli =
                sts.expect("statements").iter_mut().find(|s| s["Sid"] == "CreateCliToken").expect("CLI statement");
            cli["Resource"] =
                json!([{"Fn::Sub": "arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:environment/*"}]);
        }),
    },
    Mutation {
        checker: "web_access",
        spec: "operations.toml",
        what: "the CLI statement also allows web login on the environment",
        edit: Edit::Tf(
            "iam.tf",
            "Action   = [\"airflow:CreateCliToken\"]",
            "Action   = [\"airflow:CreateCliToken\", \"airflow:CreateWebLoginToken\"]",
        ),
    },
    Mutation {
        checker: "web_access",
        spec: "operations.toml",
        what: "the REST API as Admin for the User grant",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "WebAccessPolicy2")["Properties"]["PolicyDocument"]["Statement"].as_array_mut();
            let rest =
                sts.expect("statements").iter_mut().find(|s| s["Sid"] == "InvokeRestApi").expect("REST statement");
            rest["Resource"] = json!([{"Fn::Sub": "arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:role/ops-platform/Admin"}]);
        }),
    },
    Mutation {
        checker: "web_access",
        spec: "production.toml",
        what: "a CLI token the grant does not ask for, in the IR",
        edit: Edit::IrText("WebAccessPolicy1", "\"airflow:CreateWebLoginToken\"", "\"airflow:CreateCliToken\""),
    },
    Mutation {
        checker: "web_access",
        spec: "operations.toml",
        what: "the REST API statement dropped",
        edit: Edit::Tf("iam.tf", "Action = [\"airflow:InvokeRestApi\"]", "Action = [\"airflow:CreateWebLoginToken\"]"),
    },
    // --- execution_policy: the spec's own statements
    Mutation {
        checker: "execution_policy",
        spec: "operations.toml",
        what: "a statement of the spec dropped",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "ExecutionPolicy")["Properties"]["PolicyDocument"]["Statement"].as_array_mut();
            sts.expect("statements").retain(|s| s["Sid"] != "ListDataLake");
        }),
    },
    Mutation {
        checker: "execution_policy",
        spec: "operations.toml",
        what: "a statement of the spec on every object",
        edit: Edit::Tf("iam.tf", "Resource = [\"arn:aws:s3:::ops-data-lake/*\"]", "Resource = [\"*\"]"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "operations.toml",
        what: "the condition of a statement of the spec dropped",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "ExecutionPolicy")["Properties"]["PolicyDocument"]["Statement"].as_array_mut();
            let st =
                sts.expect("statements").iter_mut().find(|s| s["Sid"] == "ReadDataLakeObjects").expect("statement");
            st.as_object_mut().expect("statement").shift_remove("Condition");
        }),
    },
    // --- log_groups
    Mutation {
        checker: "log_groups",
        spec: "production.toml",
        what: "a log group without the environment's key",
        edit: Edit::CfnJson(|doc| {
            resource_mut(doc, "SchedulerLogGroup")["Properties"]
                .as_object_mut()
                .expect("properties")
                .shift_remove("KmsKeyId");
        }),
    },
    Mutation {
        checker: "log_groups",
        spec: "<built-in default>",
        what: "a log group keeping logs 30 days, not 365",
        edit: Edit::Tf(
            "logs.tf",
            "name              = \"airflow-mwaa-public-Task\"\n  retention_in_days = 365",
            "name              = \"airflow-mwaa-public-Task\"\n  retention_in_days = 30",
        ),
    },
    Mutation {
        checker: "log_groups",
        spec: "production.toml",
        what: "the environment no longer waits for a log group",
        edit: Edit::Tf("mwaa.tf", "    aws_cloudwatch_log_group.task_log_group,\n", ""),
    },
    Mutation {
        checker: "log_groups",
        spec: "<built-in default>",
        what: "a log group deleted with the stack while the bucket is retained",
        edit: Edit::CfnJson(|doc| resource_mut(doc, "WorkerLogGroup")["DeletionPolicy"] = json!("Delete")),
    },
    Mutation {
        checker: "log_groups",
        spec: "micro.toml",
        what: "a log group named as monitoring-airflow.md writes it, without airflow-",
        edit: Edit::Cfn("LogGroupName: airflow-dev_sandbox-Scheduler", "LogGroupName: dev_sandbox-Scheduler"),
    },
    Mutation {
        checker: "log_groups",
        spec: "inline:private-acl-no-tls",
        what: "a log group retained although the bucket is deleted, in the IR",
        edit: Edit::Ir(|ir| ir_resource_mut(ir, "TaskLogGroup").lifecycle = Some(Lifecycle::Retain)),
    },
    Mutation {
        checker: "log_groups",
        spec: "operations.toml",
        what: "a log group for the web server, whose logs are off",
        edit: Edit::CfnJson(|doc| {
            let group = resource_mut(doc, "WorkerLogGroup").clone();
            let mut extra = group;
            extra["Properties"]["LogGroupName"] = json!("airflow-ops-platform-WebServer");
            doc["Resources"]["WebserverLogGroup"] = extra;
        }),
    },
    // --- alarm_topic
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "the topic unencrypted",
        edit: Edit::CfnJson(|doc| {
            resource_mut(doc, "AlarmTopic")["Properties"]
                .as_object_mut()
                .expect("properties")
                .shift_remove("KmsMasterKeyId");
        }),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "CloudWatch may also re-encrypt with the topic key",
        edit: Edit::Tf(
            "kms.tf",
            "Action   = [\"kms:Decrypt\", \"kms:GenerateDataKey*\"]",
            "Action   = [\"kms:Decrypt\", \"kms:GenerateDataKey*\", \"kms:ReEncrypt*\"]",
        ),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "every alarm of the account may publish",
        edit: Edit::Tf("monitoring.tf", ":alarm:mwaa-ops-platform-scheduler-heartbeat\",", ":alarm:*\","),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "publishing without TLS allowed",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "AlarmTopicPolicy")["Properties"]["PolicyDocument"]["Statement"].as_array_mut();
            sts.expect("statements").retain(|s| s["Effect"] != "Deny");
        }),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "a subscriber the spec does not name",
        edit: Edit::Cfn("Endpoint: \"data-platform@example.com\"", "Endpoint: \"someone@example.org\""),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "bring-your-own.toml",
        what: "an alarm notifies another topic than the spec's",
        edit: Edit::Tf("monitoring.tf", "platform-alarms\"]", "other-alarms\"]"),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "anyone may publish, in the IR",
        edit: Edit::IrText("AlarmTopicPolicy", "\"cloudwatch.amazonaws.com\"", "\"*\""),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "CloudWatch may use the topic key for any alarm",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "AlarmTopicKey")["Properties"]["KeyPolicy"]["Statement"].as_array_mut();
            let st =
                sts.expect("statements").iter_mut().find(|s| s["Sid"] == "AllowCloudWatchAlarms").expect("statement");
            st.as_object_mut().expect("statement").shift_remove("Condition");
        }),
    },
    Mutation {
        checker: "alarm_topic",
        spec: "operations.toml",
        what: "the topic key also granted to everyone",
        edit: Edit::CfnJson(|doc| {
            let sts = resource_mut(doc, "AlarmTopicKey")["Properties"]["KeyPolicy"]["Statement"].as_array_mut();
            let st =
                sts.expect("statements").iter_mut().find(|s| s["Sid"] == "AllowCloudWatchAlarms").expect("statement");
            st["Principal"] = json!("*");
        }),
    },
    Mutation {
        checker: "private_routing",
        spec: "private.toml",
        what: "the S3 endpoint on one route table only, in the IR",
        edit: Edit::Ir(|ir| {
            if let Kind::VpcEndpoint { route_tables, .. } = &mut ir_resource_mut(ir, "S3GatewayEndpoint").kind {
                route_tables.pop();
            }
        }),
    },
    // --- execution_policy: [secrets]
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "Secrets Manager read on every secret instead of the prefixes",
        edit: Edit::Cfn(":secret:airflow/connections/*\"", ":secret:*\""),
    },
    Mutation {
        checker: "execution_policy",
        spec: "production.toml",
        what: "the variables prefix dropped from the Secrets Manager read",
        edit: Edit::Tf(
            "iam.tf",
            "          \"arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:airflow/variables/*\",\n",
            "",
        ),
    },
    Mutation {
        checker: "execution_policy",
        spec: "private-data-lake.toml",
        what: "Parameter Store read on every parameter",
        edit: Edit::Tf("iam.tf", ":parameter/lake/airflow/variables/*", ":parameter/*"),
    },
    Mutation {
        checker: "execution_policy",
        spec: "private-data-lake.toml",
        what: "the secrets key decrypts through another service",
        edit: Edit::IrText("ExecutionPolicy", "\"lit\":\"ssm.\"", "\"lit\":\"sqs.\""),
    },
    // --- private_routing: s3_endpoint_bucket_arns and the secrets endpoint
    Mutation {
        checker: "private_routing",
        spec: "private-data-lake.toml",
        what: "full S3 access on a bucket the spec does not name",
        edit: Edit::Tf("endpoints.tf", "\"arn:aws:s3:::corp-data-lake-curated/*\"", "\"arn:aws:s3:::corp-other/*\""),
    },
    Mutation {
        checker: "private_routing",
        spec: "private-data-lake.toml",
        what: "no ssm endpoint for the Parameter Store backend",
        edit: Edit::CfnJson(|doc| {
            doc["Resources"].as_object_mut().expect("resources").remove("SsmEndpoint");
        }),
    },
    // --- network_dependencies
    Mutation {
        checker: "network_dependencies",
        spec: "private.toml",
        what: "the environment does not wait for the kms endpoint",
        edit: Edit::Cfn("      - KmsEndpoint\n", ""),
    },
    Mutation {
        checker: "network_dependencies",
        spec: "micro.toml",
        what: "the environment does not wait for its NAT route",
        edit: Edit::Tf("mwaa.tf", "    aws_route.default_private_route_1,\n", ""),
    },
    Mutation {
        checker: "network_dependencies",
        spec: "customer-endpoints.toml",
        what: "the environment waits for an endpoint made from it",
        edit: Edit::Ir(|ir| ir_resource_mut(ir, "MwaaEnvironment").depends_on.push("DatabaseVpcEndpoint".into())),
    },
    // --- customer_endpoints
    Mutation {
        checker: "customer_endpoints",
        spec: "customer-endpoints.toml",
        what: "private DNS on the database endpoint",
        edit: Edit::Cfn("PrivateDnsEnabled: false", "PrivateDnsEnabled: true"),
    },
    Mutation {
        checker: "customer_endpoints",
        spec: "customer-endpoints.toml",
        what: "the web server endpoint to the database service",
        edit: Edit::Tf(
            "endpoints.tf",
            "aws_mwaa_environment.mwaa_environment.webserver_vpc_endpoint_service",
            "aws_mwaa_environment.mwaa_environment.database_vpc_endpoint_service",
        ),
    },
    Mutation {
        checker: "customer_endpoints",
        spec: "customer-endpoints.toml",
        what: "the database endpoint in one subnet",
        edit: Edit::Tf(
            "endpoints.tf",
            "subnet_ids          = [aws_subnet.private_subnet_1.id, aws_subnet.private_subnet_2.id]",
            "subnet_ids          = [aws_subnet.private_subnet_1.id]",
        ),
    },
    Mutation {
        checker: "customer_endpoints",
        spec: "customer-endpoints.toml",
        what: "the web server endpoint service not output",
        edit: Edit::CfnJson(|doc| {
            doc["Outputs"].as_object_mut().expect("outputs").remove("WebserverVpcEndpointService");
        }),
    },
    Mutation {
        checker: "customer_endpoints",
        spec: "customer-endpoints.toml",
        what: "an endpoint outside the environment's security group",
        edit: Edit::Ir(|ir| {
            if let Kind::VpcEndpoint { security_groups, .. } = &mut ir_resource_mut(ir, "WebserverVpcEndpoint").kind {
                *security_groups = None;
            }
        }),
    },
    // --- flow_logs
    Mutation {
        checker: "flow_logs",
        spec: "<built-in default>",
        what: "DescribeLogGroups back on the log group's ARN",
        edit: Edit::CfnJson(|doc| {
            let statements = resource_mut(doc, "FlowLogsRolePolicy")["Properties"]["PolicyDocument"]["Statement"]
                .as_array_mut()
                .expect("statements");
            statements.pop();
            statements[0]["Action"].as_array_mut().expect("actions").push(json!("logs:DescribeLogGroups"));
        }),
    },
    Mutation {
        checker: "flow_logs",
        spec: "production.toml",
        what: "the flow-logs role may delete log groups",
        edit: Edit::Tf(
            "iam.tf",
            "Action   = [\"logs:DescribeLogGroups\"]",
            "Action   = [\"logs:DescribeLogGroups\", \"logs:DeleteLogGroup\"]",
        ),
    },
    // --- environment_settings
    Mutation {
        checker: "environment_settings",
        spec: "micro.toml",
        what: "LogLevel dropped from a module that is off",
        edit: Edit::Cfn("          Enabled: false\n          LogLevel: INFO\n", "          Enabled: false\n"),
    },
    Mutation {
        checker: "environment_settings",
        spec: "production.toml",
        what: "the Parameter Store class for a Secrets Manager spec",
        edit: Edit::Tf("mwaa.tf", "secrets.secrets_manager.SecretsManagerBackend", "secrets.systems_manager.SystemsManagerParameterStoreBackend"),
    },
    Mutation {
        checker: "environment_settings",
        spec: "private-data-lake.toml",
        what: "a config prefix the role cannot read",
        edit: Edit::Ir(|ir| {
            if let Kind::MwaaEnvironment(m) = &mut ir_resource_mut(ir, "MwaaEnvironment").kind {
                if let Some(k) = m.airflow_configuration_options.get_mut("secrets.backend_kwargs") {
                    *k = k.replace("null", "\"airflow/config\"");
                }
            }
        }),
    },
];

fn replace_once(text: &str, from: &str, to: &str) -> Result<String, String> {
    if text.contains(from) {
        Ok(text.replacen(from, to, 1))
    } else {
        Err(format!("the mutation does not apply: {from:?} is not in the output"))
    }
}

/// The model before and after the mutation.
fn mutate(c: &Case, edit: Edit) -> Result<(&Model, Model), String> {
    let [ir_before, cfn_before, tf_before] = models(c);
    Ok(match edit {
        Edit::Cfn(from, to) => (cfn_before, cfn_model(&support::cfn_yaml_to_json(&replace_once(&c.cfn, from, to)?))),
        Edit::CfnJson(f) => {
            let mut doc = support::cfn_yaml_to_json(&c.cfn);
            f(&mut doc);
            (cfn_before, cfn_model(&doc))
        }
        Edit::Tf(file, from, to) => {
            let mut files = c.tf.clone();
            let f = files.iter_mut().find(|f| f.path == file).ok_or_else(|| format!("no Terraform file {file}"))?;
            f.contents = replace_once(&f.contents, from, to)?;
            (tf_before, tf_model(&files))
        }
        Edit::IrText(id, from, to) => {
            let mut ir = c.ir.clone();
            let r = ir.resources.iter_mut().find(|r| r.id == id).ok_or_else(|| format!("no IR resource {id}"))?;
            let text = serde_json::to_string(&*r).expect("IR serializes");
            ensure(text.contains(from), || format!("the mutation does not apply: {from:?} is not in {id}"))?;
            *r = serde_json::from_str(&text.replace(from, to)).expect("mutated IR deserializes");
            (ir_before, ir_model(&ir))
        }
        Edit::Ir(f) => {
            let mut ir = c.ir.clone();
            f(&mut ir);
            ensure(ir != c.ir, || "the mutation changed nothing".to_owned())?;
            (ir_before, ir_model(&ir))
        }
    })
}

#[test]
fn each_checker_fails_on_its_mutations() {
    let mut failures = Vec::new();
    for mu in MUTATIONS {
        let c = case(mu.spec);
        let check = checker(mu.checker);
        let label = format!("{} on {} ({})", mu.checker, mu.spec, mu.what);
        match mutate(c, mu.edit) {
            Err(e) => failures.push(format!("{label}: {e}")),
            Ok((before, after)) => {
                if let Err(e) = check(before, &c.expect) {
                    failures.push(format!("{label}: fails before the mutation: {e}"));
                }
                match check(&after, &c.expect) {
                    Ok(()) => failures.push(format!("{label}: passes after the mutation ({:?})", after.view)),
                    // Shown with --nocapture, to see that each mutation is caught for its reason.
                    Err(e) => eprintln!("{label} [{:?}]: caught: {e}", after.view),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every checker is shown failing on the CloudFormation and on the Terraform output.
#[test]
fn every_checker_has_mutations_on_both_targets() {
    for (name, _) in CHECKERS {
        let edits: Vec<Edit> = MUTATIONS.iter().filter(|m| m.checker == *name).map(|m| m.edit).collect();
        assert!(
            edits.iter().any(|e| matches!(e, Edit::Cfn(..) | Edit::CfnJson(_))),
            "{name}: no CloudFormation mutation"
        );
        assert!(edits.iter().any(|e| matches!(e, Edit::Tf(..))), "{name}: no Terraform mutation");
    }
}

/// A few checks of the readers themselves, on values they must not confuse.
#[test]
fn readers_normalize_references_and_placeholders() {
    let c = case("production.toml");
    for m in models(c) {
        let env = m.one("mwaa_environment").expect("environment");
        assert_eq!(env.str("source_bucket_arn"), Some("${ref:environment_bucket.arn}"), "{:?}", m.view);
        assert_eq!(env.str("execution_role_arn"), Some("${ref:execution_role.arn}"), "{:?}", m.view);
        assert_eq!(strs(env.get("security_groups")), set(&["${ref:security_group.id}"]), "{:?}", m.view);
    }
    assert!(glob("s3:List*", "s3:ListBucket") && glob("kms:GenerateDataKey*", "kms:GenerateDataKey"));
    assert!(!glob("s3:GetObject", "s3:GetObjectAcl") && glob("*", "iam:PassRole"));
    assert_eq!(ref_target("${ref:web_access_policy_1.arn}", "arn"), Some("web_access_policy_1"));
    assert_eq!(ref_target("${ref:web_access_policy_1.arn}", "id"), None);
}
