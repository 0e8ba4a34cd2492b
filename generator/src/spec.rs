//! The spec as written: serde types that mirror `spec-format.md` field for field.
//!
//! Every field is optional and spanned here, so that parsing never stops at a missing value and
//! every later error can point at the exact place. Defaults and rules are applied in `validate`.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// A spanned value.
pub type S<T> = Spanned<T>;
/// An optional spanned value.
pub type O<T> = Option<Spanned<T>>;
/// A string-to-string table keeping source order and spans.
pub type StrMap = IndexMap<Spanned<String>, Spanned<String>>;

/// A field that takes either a literal or `{ input = "name" }`: a value given at deploy time
/// (spec-format.md, "Inputs"). `T` is the literal's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Or<T> {
    Lit(T),
    /// The input's name, spanned.
    Input(S<String>),
}

/// A string field that may be an input.
pub type StrOrInput = Or<String>;
/// A list-of-strings field that may be an input.
pub type ListOrInput = Or<Vec<S<String>>>;

impl<T> Or<T> {
    /// The literal, unless the field is an input.
    pub fn lit(&self) -> Option<&T> {
        match self {
            Or::Lit(v) => Some(v),
            Or::Input(_) => None,
        }
    }

    /// The input's name, if the field is one.
    pub fn input(&self) -> Option<&S<String>> {
        match self {
            Or::Lit(_) => None,
            Or::Input(n) => Some(n),
        }
    }
}

/// The literal of an optional field that may be an input, spanned like the field; `None` when
/// the field is absent or an input.
pub fn lit<T: Clone>(o: &O<Or<T>>) -> Option<S<T>> {
    let s = o.as_ref()?;
    s.get_ref().lit().map(|v| Spanned::new(s.span(), v.clone()))
}

/// Reads `{ input = "name" }`, the only table these fields take.
fn input_table<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<S<String>, A::Error> {
    let mut name = None;
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "input" if name.is_none() => name = Some(map.next_value::<S<String>>()?),
            "input" => return Err(serde::de::Error::duplicate_field("input")),
            other => return Err(serde::de::Error::unknown_field(other, &["input"])),
        }
    }
    name.ok_or_else(|| serde::de::Error::missing_field("input"))
}

impl<'de> Deserialize<'de> for Or<String> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Or<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, or { input = \"name\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Or<String>, E> {
                Ok(Or::Lit(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Or<String>, A::Error> {
                input_table(map).map(Or::Input)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Or<Vec<S<String>>> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Or<Vec<S<String>>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of strings, or { input = \"name\" }")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<S<String>>()? {
                    items.push(item);
                }
                Ok(Or::Lit(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                input_table(map).map(Or::Input)
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole spec file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub version: O<i64>,
    /// A base spec (a path relative to this file) whose tables this one overrides key by key.
    pub extends: O<String>,
    /// Dotted keys (or tables) of the base that this spec removes (see [`crate::extends`]).
    pub unset: O<Vec<S<String>>>,
    /// `true`: this file is only a base for others; it is validated for what it sets and not generated.
    pub base: O<bool>,
    pub environment: O<RawEnvironment>,
    pub network: O<RawNetwork>,
    pub bucket: O<RawBucket>,
    pub kms: O<RawKms>,
    pub execution_role: O<RawExecutionRole>,
    pub web_access: O<Vec<S<RawWebAccess>>>,
    pub secrets: O<RawSecrets>,
    pub monitoring: O<RawMonitoring>,
    pub tags: O<StrMap>,
    pub output: O<RawOutput>,
}

/// `[environment]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    pub name: O<String>,
    pub airflow_version: O<String>,
    pub environment_class: O<String>,
    pub min_workers: O<i64>,
    pub max_workers: O<i64>,
    pub schedulers: O<i64>,
    pub min_webservers: O<i64>,
    pub max_webservers: O<i64>,
    pub webserver_access_mode: O<String>,
    pub endpoint_management: O<String>,
    pub worker_replacement_strategy: O<String>,
    pub weekly_maintenance_window_start: O<String>,
    pub dag_s3_path: O<String>,
    pub plugins_s3_path: O<String>,
    pub plugins_s3_object_version: O<String>,
    pub requirements_s3_path: O<String>,
    pub requirements_s3_object_version: O<String>,
    pub startup_script_s3_path: O<String>,
    pub startup_script_s3_object_version: O<String>,
    pub airflow_configuration_options: O<StrMap>,
    pub logging: O<RawLogging>,
    /// The environment (and its log groups) already exist: the output adopts them.
    pub adopt: O<bool>,
}

/// `[environment.logging]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogging {
    pub dag_processing: O<RawLogLevel>,
    pub scheduler: O<RawLogLevel>,
    pub task: O<RawLogLevel>,
    pub webserver: O<RawLogLevel>,
    pub worker: O<RawLogLevel>,
    pub retention_days: O<i64>,
    pub create_log_groups: O<bool>,
}

/// A module's logging: a level (or `"off"`), or `{ level = "WARNING", enabled = false }` (off,
/// keeping its level, as `aws mwaa get-environment` shows a disabled module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawLogLevel {
    Level(String),
    Table { level: Option<String>, enabled: Option<bool> },
}

impl<'de> Deserialize<'de> for RawLogLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawLogLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a log level, or a table { level = \"WARNING\", enabled = false }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawLogLevel, E> {
                Ok(RawLogLevel::Level(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawLogLevel, A::Error> {
                let (mut level, mut enabled) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "level" => level = Some(map.next_value::<String>()?),
                        "enabled" => enabled = Some(map.next_value::<bool>()?),
                        other => return Err(serde::de::Error::unknown_field(other, &["level", "enabled"])),
                    }
                }
                Ok(RawLogLevel::Table { level, enabled })
            }
        }
        d.deserialize_any(V)
    }
}

/// `[network]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub routing: O<String>,
    pub vpc_cidr: O<String>,
    pub public_subnet_cidrs: O<Vec<S<String>>>,
    pub private_subnet_cidrs: O<Vec<S<String>>>,
    pub availability_zones: O<Vec<S<String>>>,
    pub nat_gateways: O<String>,
    pub flow_logs: O<bool>,
    pub s3_endpoint_bucket_arns: O<Vec<S<String>>>,
    pub existing_vpc_id: O<StrOrInput>,
    pub existing_private_subnet_ids: O<ListOrInput>,
    pub existing_internet_gateway_id: O<StrOrInput>,
    pub create_customer_endpoints: O<bool>,
    pub security_group: O<RawSecurityGroup>,
    pub acl: O<RawAcl>,
}

/// `[network.security_group]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecurityGroup {
    pub ingress: O<String>,
    pub additional_ids: O<ListOrInput>,
    pub create: O<bool>,
    pub web_ingress_cidrs: O<Vec<S<String>>>,
    pub web_ingress_prefix_list_ids: O<Vec<S<String>>>,
    pub web_ingress_security_group_ids: O<Vec<S<String>>>,
}

/// `[network.acl]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAcl {
    pub enabled: O<bool>,
}

/// `[bucket]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBucket {
    pub name: O<String>,
    pub encryption: O<String>,
    pub enforce_tls: O<bool>,
    pub retain_on_delete: O<bool>,
    pub existing_arn: O<StrOrInput>,
}

/// `[kms]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKms {
    pub key: O<StrOrInput>,
}

/// `[execution_role]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExecutionRole {
    pub existing_arn: O<StrOrInput>,
    pub additional_policy_arns: O<Vec<S<String>>>,
    pub permissions_boundary_arn: O<String>,
    pub statements: O<Vec<S<RawStatement>>>,
    pub trusted_principals: O<Vec<S<String>>>,
}

/// One `[[execution_role.statements]]` entry: an inline statement of the execution policy.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatement {
    pub sid: O<String>,
    pub effect: O<String>,
    pub actions: O<Vec<S<String>>>,
    pub resources: O<Vec<S<String>>>,
    /// IAM's condition block: `{ Operator = { "key" = "value" or ["values"] } }`.
    pub condition: O<RawCondition>,
}

/// A condition block: operator -> condition key -> value.
pub type RawCondition = IndexMap<S<String>, S<IndexMap<S<String>, S<RawConditionValue>>>>;

/// A condition value as IAM takes it: one string or a list of strings (booleans and numbers are
/// written as IAM's JSON writes them, as text). The list holds plain strings: an untagged enum
/// buffers its input, which loses the spans `Spanned` needs, so a list of spanned strings never
/// matched and every list was refused.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawConditionValue {
    One(String),
    Bool(bool),
    Int(i64),
    Many(Vec<String>),
}

/// One `[[web_access]]` grant.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebAccess {
    pub airflow_role: O<String>,
    pub attach_to_roles: O<Vec<S<String>>>,
    pub attach_to_groups: O<Vec<S<String>>>,
    pub cli: O<bool>,
    pub rest_api: O<bool>,
}

/// `[secrets]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecrets {
    pub backend: O<String>,
    pub connections_prefix: O<String>,
    pub variables_prefix: O<String>,
    pub config_prefix: O<String>,
    pub kms_key_arns: O<Vec<S<String>>>,
}

/// `[monitoring]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonitoring {
    pub alarm_emails: O<Vec<S<String>>>,
    pub sns_topic_arn: O<StrOrInput>,
    pub dashboard: O<bool>,
}

/// `[output]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    pub region: O<String>,
    pub stack_name: O<String>,
    pub terraform_aws_provider: O<String>,
    pub account_id: O<String>,
    pub terraform_layout: O<String>,
}

/// Which tables of the spec have a fixed set of keys, and what those keys are.
///
/// The names come from the serde derives themselves (see [`fields_of`]), so this list cannot
/// drift from the types above. Free-form tables (`tags`, `airflow_configuration_options`) are absent.
#[must_use]
pub fn table_fields(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => fields_of::<RawSpec>(),
        "environment" => fields_of::<RawEnvironment>(),
        "environment.logging" => fields_of::<RawLogging>(),
        "network" => fields_of::<RawNetwork>(),
        "network.security_group" => fields_of::<RawSecurityGroup>(),
        "network.acl" => fields_of::<RawAcl>(),
        "bucket" => fields_of::<RawBucket>(),
        "kms" => fields_of::<RawKms>(),
        "execution_role" => fields_of::<RawExecutionRole>(),
        "execution_role.statements[]" => fields_of::<RawStatement>(),
        "web_access[]" => fields_of::<RawWebAccess>(),
        "secrets" => fields_of::<RawSecrets>(),
        "monitoring" => fields_of::<RawMonitoring>(),
        "output" => fields_of::<RawOutput>(),
        _ => return None,
    })
}

/// Arrays of tables (`[[web_access]]`): each element is a table whose keys are looked up under
/// `PATH[]` in [`table_fields`].
#[must_use]
pub fn is_table_array(path: &str) -> bool {
    matches!(path, "web_access" | "execution_role.statements")
}

/// The free-form `key = "string"` tables: their keys are the user's, their values are leaves.
#[must_use]
pub fn is_string_map(path: &str) -> bool {
    matches!(path, "tags" | "environment.airflow_configuration_options")
}

/// The field names serde's derive knows for a struct, read by asking it to deserialize from a
/// deserializer that records the `fields` argument and then gives up.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Recorder<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for Recorder<'_> {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Recorder(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_come_from_serde() {
        assert!(table_fields("").unwrap_or_default().contains(&"environment"));
        assert!(table_fields("environment").unwrap_or_default().contains(&"max_workers"));
        assert!(table_fields("web_access[]").unwrap_or_default().contains(&"airflow_role"));
        assert_eq!(table_fields("tags"), None);
        assert!(is_string_map("tags") && is_string_map("environment.airflow_configuration_options"));
        assert!(!is_string_map("environment") && table_fields("environment.airflow_configuration_options").is_none());
    }
}
