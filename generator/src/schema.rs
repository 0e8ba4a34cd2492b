//! `mwaagen schema`: the spec's JSON Schema (draft 2020-12), built from the rules validation
//! applies ([`crate::rules`], [`crate::versions`], the defaults of [`crate::model`]), not written
//! by hand, so that an editor checks what `mwaagen validate` checks (the rules that span fields,
//! such as subnets inside the VPC, are the validator's alone).
//!
//! Every value copied from an AWS model shape carries an `x-aws` annotation (service, shape, and
//! where the model lists valid values in prose) on the very schema object whose `minLength`,
//! `maxLength`, `pattern`, `enum`, `minimum`, `maximum`, `minItems`, `maxItems` or
//! `maxProperties` it copies; `scripts/check-botocore.py` compares those with botocore in CI.
//! Constraints of mwaagen's own (or of a user guide page) on the same value sit in `allOf`.

use serde_json::{json, Map, Value};

use crate::model::{
    TerraformLayout, AIRFLOW_ROLES, DEFAULT_PRIVATE_SUBNET_CIDRS, DEFAULT_PUBLIC_SUBNET_CIDRS, DEFAULT_TF_AWS_PROVIDER,
    DEFAULT_VPC_CIDR, LOG_MODULES,
};
use crate::rules::{
    self, Choice, Count, Int, IntChoice, Model, Text, ACCOUNT_ID, ANY_KMS_KEY_ARN, BUCKET_RESERVED_PREFIXES,
    BUCKET_RESERVED_SUFFIXES, CIDR_PREFIX, CONDITION_KEY, CONFIG_KEY, CONFIG_VALUE, EC2_INTERNET_GATEWAY_ID,
    EC2_PREFIX_LIST_ID, EC2_SECURITY_GROUP_ID, EC2_SUBNET_ID, EC2_VPC_ID, ENDPOINT_MANAGEMENT, ENVIRONMENT_CLASS,
    ENVIRONMENT_CLASS_VALUES, ENVIRONMENT_NAME, GROUP_NAME, IAM_ROLE_ARN, KMS_KEY, KMS_KEY_ARN, LOGGING_LEVEL,
    LOG_RETENTION, MAINTENANCE_WINDOW, MAX_WEBSERVERS, MAX_WORKERS, MIN_WEBSERVERS, MIN_WORKERS, MWAA_REGIONS,
    POLICY_ARN, REGION, RELATIVE_PATH, ROLE_MANAGED_POLICIES_MAX, ROLE_NAME, S3_BUCKET_ARN, S3_OBJECT_VERSION,
    SCHEDULERS, SECURITY_GROUP_ID, SECURITY_GROUP_LIST, STACK_NAME, STATEMENT_ACTION, STATEMENT_SID, SUBNET_ID,
    SUBNET_LIST, TAG_KEY, TAG_MAP, TAG_VALUE, WEBSERVER_ACCESS_MODE, WORKER_REPLACEMENT_STRATEGY,
};
use crate::versions;

/// The schema as pretty-printed JSON with a final newline.
#[must_use]
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema as a JSON value.
#[must_use]
pub fn schema() -> Value {
    let mut root = object(
        "An mwaagen spec (format version 1): one Amazon MWAA environment and everything it needs.",
        vec![
            ("version", json!({"description": "The spec format version; the only value today is 1.", "type": "integer", "const": 1})),
            ("extends", described(json!({"type": "string", "minLength": 1}), "A base spec (a path relative to this file) whose tables this one overrides key by key; arrays and [[web_access]] replace.")),
            ("unset", described(json!({"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true}), "Dotted keys (or tables, or arrays) of the base that this spec removes, e.g. \"network.availability_zones\"; each must name something a base sets. Needs `extends`.")),
            ("base", described(json!({"type": "boolean", "default": false}), "true: this file is only a base for other specs. `mwaagen validate` checks what it sets (a key every spec must have, such as environment.name, may be missing); generating it is an error.")),
            ("environment", environment()),
            ("network", network()),
            ("bucket", bucket()),
            ("kms", kms()),
            ("execution_role", execution_role()),
            ("web_access", web_access()),
            ("secrets", secrets()),
            ("monitoring", monitoring()),
            ("tags", tags()),
            ("output", output()),
        ],
        &["version"],
    );
    // bucket.encryption = "sse-kms" uses the environment's key, so that key cannot be AWS owned.
    root = with(
        root,
        "allOf",
        json!([{
            // A whole spec names its environment; a base (or a spec whose base may) need not.
            "if": {"not": {"anyOf": [{"required": ["extends"]}, {"properties": {"base": {"const": true}}, "required": ["base"]}]}},
            "then": {"required": ["environment"], "properties": {"environment": {"required": ["name"]}}},
        }, {
            "if": {"properties": {"bucket": {"properties": {"encryption": {"const": "sse-kms"}}, "required": ["encryption"]}}, "required": ["bucket"]},
            "then": {"required": ["kms"], "properties": {"kms": {"required": ["key"], "properties": {"key": {"not": {"const": "aws_owned"}}}}}},
        }]),
    );
    root = with(root, "dependentRequired", json!({"unset": ["extends"]}));
    if let Value::Object(m) = &mut root {
        let mut head = Map::new();
        head.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        head.insert("$id".into(), json!("urn:mwaagen:spec:1"));
        head.insert("title".into(), json!("mwaagen spec"));
        head.append(m);
        head.insert(
            "$defs".into(),
            json!({"input": {
                "description": "A value given at deploy time instead of a literal: a CloudFormation parameter, a Terraform module variable, a CDK construct prop of this name (spec-format.md, Inputs). Unique in the spec.",
                "type": "object",
                "properties": {"input": {"type": "string", "pattern": format!("^[a-z][a-z0-9_]{{0,{}}}$", crate::validate::INPUT_NAME_MAX - 1)}},
                "required": ["input"],
                "additionalProperties": false,
            }}),
        );
        *m = head;
    }
    root
}

/// A field that may also be written `{ input = "name" }` (spec-format.md, "Inputs").
fn input_or(mut literal: Value) -> Value {
    let description = literal.as_object_mut().and_then(|m| m.remove("description"));
    let default = literal.as_object_mut().and_then(|m| m.remove("default"));
    let mut v = json!({"anyOf": [literal, {"$ref": "#/$defs/input"}]});
    if let Some(Value::String(d)) = description {
        v = described(v, &format!("{d} Or {{ input = \"name\" }}: given at deploy time."));
    }
    with_default(v, default)
}

// --- building blocks ---------------------------------------------------------------------------

fn described(mut v: Value, description: &str) -> Value {
    if let Value::Object(m) = &mut v {
        let mut out = Map::new();
        out.insert("description".into(), json!(description));
        out.append(m);
        *m = out;
    }
    v
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(key.into(), value);
    }
    v
}

fn with_default(v: Value, default: Option<Value>) -> Value {
    match default {
        Some(d) => with(v, "default", d),
        None => v,
    }
}

/// A table with exactly these keys.
fn object(description: &str, properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let props: Map<String, Value> = properties.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let mut v =
        json!({"description": description, "type": "object", "properties": props, "additionalProperties": false});
    if !required.is_empty() {
        v = with(v, "required", json!(required));
    }
    v
}

fn boolean(description: &str, default: bool) -> Value {
    json!({"description": description, "type": "boolean", "default": default})
}

fn annotation(model: Option<Model>) -> Option<Value> {
    model.map(|m| {
        let mut a = json!({"service": m.service, "shape": m.shape});
        if let Some(d) = m.doc_values {
            a = with(a, "doc-values", json!(d));
        }
        a
    })
}

fn annotate(v: Value, model: Option<Model>) -> Value {
    match annotation(model) {
        Some(a) => with(v, "x-aws", a),
        None => v,
    }
}

/// A string under a [`Text`] rule: its lengths and anchored pattern.
fn text(rule: &Text) -> Value {
    let mut v = json!({"type": "string", "minLength": rule.min});
    if rule.max != rules::NO_LIMIT {
        v = with(v, "maxLength", json!(rule.max));
    }
    if let Some(p) = rule.schema_pattern() {
        v = with(v, "pattern", json!(p));
    }
    annotate(v, rule.model)
}

/// A string field under `rule`, with the further rules (own or of other sources) in `allOf`.
fn text_field(description: &str, rule: &Text, extra: Vec<Value>, default: Option<Value>) -> Value {
    let mut v = described(text(rule), &format!("{description} ({}).", rule.source));
    if !extra.is_empty() {
        v = with(v, "allOf", Value::Array(extra));
    }
    with_default(v, default)
}

/// A further pattern on a value, as an `allOf` entry.
fn pattern(p: &str) -> Value {
    json!({"pattern": p})
}

fn not_pattern(p: &str) -> Value {
    json!({"not": {"pattern": p}})
}

fn choice(description: &str, rule: &Choice, default: Option<&str>) -> Value {
    let mut v =
        json!({"description": format!("{description} ({}).", rule.source), "type": "string", "enum": rule.values});
    if let Some(a) = annotation(rule.model) {
        let a = if rule.not_in_model.is_empty() { a } else { with(a, "not-in-model", json!(rule.not_in_model)) };
        v = with(v, "x-aws", a);
    }
    with_default(v, default.map(|d| json!(d)))
}

fn plain_choice(description: &str, values: &[&str], default: Option<&str>) -> Value {
    with_default(json!({"description": description, "type": "string", "enum": values}), default.map(|d| json!(d)))
}

fn int(description: &str, rule: &Int, default: Option<i64>) -> Value {
    let v = json!({
        "description": format!("{description} ({}).", rule.source),
        "type": "integer",
        "minimum": rule.min,
        "maximum": rule.max,
    });
    with_default(annotate(v, rule.model), default.map(|d| json!(d)))
}

fn int_choice(description: &str, rule: &IntChoice, default: i64) -> Value {
    let v = json!({"description": format!("{description} ({}).", rule.source), "type": "integer", "enum": rule.values});
    with(annotate(v, rule.model), "default", json!(default))
}

/// A list of `items`, sized by `count` when given.
fn array(description: &str, items: Value, count: Option<&Count>, unique: bool) -> Value {
    let mut v = json!({"description": description, "type": "array", "items": items});
    if let Some(c) = count {
        if c.min > 0 {
            v = with(v, "minItems", json!(c.min));
        }
        v = with(v, "maxItems", json!(c.max));
        if let Some(a) = annotation(c.model) {
            let a = if c.reserved > 0 { with(a, "reserved", json!(c.reserved)) } else { a };
            v = with(v, "x-aws", a);
        }
    }
    if unique {
        v = with(v, "uniqueItems", json!(true));
    }
    v
}

/// An IPv4 CIDR block with a prefix in [`CIDR_PREFIX`].
fn cidr(description: &str, default: Option<Value>) -> Value {
    let octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    let prefixes: Vec<String> = (CIDR_PREFIX.min..=CIDR_PREFIX.max).map(|p| p.to_string()).collect();
    let p = format!("^({octet}\\.){{3}}{octet}/({})$", prefixes.join("|"));
    with_default(
        json!({"description": format!("{description} ({}); no host bits.", CIDR_PREFIX.source), "type": "string", "pattern": p}),
        default,
    )
}

fn s3_bucket_arn_any_partition() -> String {
    "^arn:aws(-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$".to_owned()
}

// --- the tables ---------------------------------------------------------------------------------

fn environment() -> Value {
    let relative = |what: &str, default: Option<&str>| {
        text_field(
            &format!("{what}: a key relative to the bucket root (no leading '/', no s3://)"),
            &RELATIVE_PATH,
            vec![json!({"minLength": 1}), not_pattern("^/"), not_pattern("^[sS]3://")],
            default.map(|d| json!(d)),
        )
    };
    let version = |what: &str| {
        text_field(
            &format!("The S3 version id of {what}; only with its path. A bucket this spec creates holds no version yet on the first deploy"),
            &S3_OBJECT_VERSION,
            vec![json!({"minLength": 1})],
            None,
        )
    };
    let airflow_version = with(
        text_field(
            "The Airflow version: one MWAA offers for new environments; default the newest",
            &rules::AIRFLOW_VERSION,
            Vec::new(),
            Some(json!(versions::default_version())),
        ),
        "enum",
        json!(versions::OFFERED),
    );
    let airflow_version =
        with(airflow_version, "x-aws", annotation(rules::AIRFLOW_VERSION_VALUES.model).unwrap_or(Value::Null));
    let class = with(
        with(
            text_field("The environment class", &ENVIRONMENT_CLASS, Vec::new(), Some(json!("mw1.small"))),
            "enum",
            json!(ENVIRONMENT_CLASS_VALUES.values),
        ),
        "x-aws",
        annotation(ENVIRONMENT_CLASS_VALUES.model).unwrap_or(Value::Null),
    );
    let options = json!({
        "description": "Airflow configuration options, \"section.key\" = \"value\" (secrets.* options come from [secrets]).",
        "type": "object",
        "propertyNames": with(text(&CONFIG_KEY), "allOf", json!([pattern("^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+$"), not_pattern("^secrets\\.")])),
        "additionalProperties": text(&CONFIG_VALUE),
    });
    let level = |module: &str| {
        let plain = choice(&format!("Log level of the {module} logs, or \"off\""), &LOGGING_LEVEL, Some("INFO"));
        let levels: Vec<&str> = LOGGING_LEVEL.values.iter().copied().filter(|l| *l != "off").collect();
        let table = object(
            "The module's level, kept while it is off (enabled = false)",
            vec![
                ("level", json!({"type": "string", "enum": levels})),
                ("enabled", boolean("false: the module logs nothing, keeping its level", true)),
            ],
            &["level"],
        );
        json!({"description": format!("Logging of the {module} logs: a level, \"off\", or {{ level, enabled }}"), "default": "INFO", "anyOf": [plain, table]})
    };
    let mut logging: Vec<(&str, Value)> = LOG_MODULES.iter().map(|m| (*m, level(m))).collect();
    logging.push((
        "retention_days",
        int_choice(
            "Retention of the five MWAA log groups the stack creates (and of the VPC flow-log group), in days",
            &LOG_RETENTION,
            365,
        ),
    ));
    logging.push((
        "create_log_groups",
        boolean("false: the stack creates no MWAA log group; MWAA creates its own (its retention and key)", true),
    ));
    let env = object(
        "The MWAA environment.",
        vec![
            ("name", text_field("The environment name", &ENVIRONMENT_NAME, Vec::new(), None)),
            ("airflow_version", airflow_version),
            ("environment_class", class),
            ("min_workers", int("The fewest workers (exactly 1 on mw1.micro)", &MIN_WORKERS, Some(1))),
            ("max_workers", int("The most workers, >= min_workers (exactly 1 on mw1.micro; default 10, 1 on mw1.micro)", &MAX_WORKERS, Some(10))),
            ("schedulers", int("Schedulers: 2 to 5, exactly 1 on mw1.micro (default 2, 1 on mw1.micro)", &SCHEDULERS, Some(2))),
            ("min_webservers", int("The fewest web servers: 2 to 5, exactly 1 on mw1.micro (default 2, 1 on mw1.micro)", &MIN_WEBSERVERS, Some(2))),
            ("max_webservers", int("The most web servers, >= min_webservers: 2 to 5, exactly 1 on mw1.micro (default 2, 1 on mw1.micro)", &MAX_WEBSERVERS, Some(2))),
            ("webserver_access_mode", choice("Who reaches the web server; PUBLIC_AND_PRIVATE needs Airflow 3.2 or later", &WEBSERVER_ACCESS_MODE, Some("PUBLIC_ONLY"))),
            ("endpoint_management", choice("Who creates the VPC endpoints MWAA needs; with CUSTOMER the spec creates them", &ENDPOINT_MANAGEMENT, Some("SERVICE"))),
            ("worker_replacement_strategy", choice("How workers are replaced on updates", &WORKER_REPLACEMENT_STRATEGY, None)),
            ("weekly_maintenance_window_start", text_field("DAY:HH:MM (UTC), DAY in MON..SUN, MM 00 or 30", &MAINTENANCE_WINDOW, Vec::new(), None)),
            ("dag_s3_path", relative("The DAG folder", Some("dags"))),
            ("plugins_s3_path", relative("plugins.zip", None)),
            ("plugins_s3_object_version", version("plugins.zip")),
            ("requirements_s3_path", relative("requirements.txt", None)),
            ("requirements_s3_object_version", version("requirements.txt")),
            ("startup_script_s3_path", relative("The startup script", None)),
            ("startup_script_s3_object_version", version("the startup script")),
            ("airflow_configuration_options", options),
            ("logging", object("Logging of the five Airflow components (default INFO each) and the retention of their log groups.", logging, &[])),
            ("adopt", boolean("The environment and its log groups exist already: the output imports them (what `mwaagen import` writes).", false)),
        ],
        // `name` is required at the top level: a base leaves it to the specs that extend it.
        &[],
    );
    let env = with(
        env,
        "dependentRequired",
        json!({
            "plugins_s3_object_version": ["plugins_s3_path"],
            "requirements_s3_object_version": ["requirements_s3_path"],
            "startup_script_s3_object_version": ["startup_script_s3_path"],
        }),
    );
    with(env, "allOf", json!([micro_counts(), version_bound_features()]))
}

/// mw1.micro runs one of each; every larger class 2 to 5 schedulers and web servers.
fn micro_counts() -> Value {
    let one = json!({"const": 1});
    let larger = json!({"minimum": rules::LARGER_THAN_MICRO.min, "maximum": rules::LARGER_THAN_MICRO.max});
    json!({
        "if": {"properties": {"environment_class": {"const": rules::MICRO_CLASS}}, "required": ["environment_class"]},
        "then": {"properties": {"min_workers": one, "max_workers": one, "schedulers": one, "min_webservers": one, "max_webservers": one}},
        "else": {"properties": {"schedulers": larger, "min_webservers": larger, "max_webservers": larger}},
    })
}

/// A setting bound to Airflow versions needs one of the offered versions that have it, written
/// out (the default version is the newest, which the table says has it or not).
fn version_bound_features() -> Value {
    let rules: Vec<Value> = versions::FEATURES
        .iter()
        .filter_map(|f| {
            let (field, value) = f.what.split_once(" = ")?;
            let value: String = value.trim_matches('"').to_owned();
            let offering = versions::offering(f);
            let then = if offering.is_empty() {
                json!(false)
            } else if versions::has(versions::default_version(), f) {
                json!({"properties": {"airflow_version": {"enum": offering}}})
            } else {
                json!({"required": ["airflow_version"], "properties": {"airflow_version": {"enum": offering}}})
            };
            Some(json!({"if": {"properties": {field: {"const": value}}, "required": [field]}, "then": then}))
        })
        .collect();
    json!({"allOf": rules})
}

fn network() -> Value {
    let az = format!("^{}[a-z]$", REGION.pattern.unwrap_or_default());
    let net = object(
        "A new VPC (default), or an existing one (existing_vpc_id and existing_private_subnet_ids, exclusive with the other fields).",
        vec![
            ("routing", plain_choice("public: IGW and NAT gateways; private: no internet, VPC endpoints", &["public", "private"], Some("public"))),
            ("vpc_cidr", cidr("The VPC's IPv4 block", Some(json!(DEFAULT_VPC_CIDR)))),
            ("public_subnet_cidrs", pair("Two public subnets inside vpc_cidr, not overlapping (not with routing = \"private\").", cidr("A subnet block", None), json!(DEFAULT_PUBLIC_SUBNET_CIDRS))),
            ("private_subnet_cidrs", pair("Two private subnets inside vpc_cidr, not overlapping.", cidr("A subnet block", None), json!(DEFAULT_PRIVATE_SUBNET_CIDRS))),
            ("availability_zones", pair("Two distinct availability zones (of output.region when set); default: the region's first two.", json!({"type": "string", "pattern": az}), Value::Null)),
            ("nat_gateways", plain_choice("One NAT gateway per AZ, or a single one (not with routing = \"private\")", &["one_per_az", "single"], Some("one_per_az"))),
            ("flow_logs", boolean("VPC flow logs to a CloudWatch log group.", true)),
            ("s3_endpoint_bucket_arns", array("Private routing only: further buckets the S3 gateway endpoint policy admits.", json!({"type": "string", "pattern": s3_bucket_arn_any_partition()}), None, true)),
            ("existing_vpc_id", input_or(text_field("An existing VPC's id", &EC2_VPC_ID, Vec::new(), None))),
            ("existing_private_subnet_ids", input_or(array("Two existing private subnets in different AZs.", with(text(&SUBNET_ID), "allOf", json!([pattern(&EC2_SUBNET_ID.schema_pattern().unwrap_or_default())])), Some(&SUBNET_LIST), true))),
            ("existing_internet_gateway_id", input_or(text_field("The existing VPC's internet gateway (subnets created in it, public routing)", &EC2_INTERNET_GATEWAY_ID, Vec::new(), None))),
            ("create_customer_endpoints", boolean("With endpoint_management = CUSTOMER: false creates no endpoints (a shared VPC's owner creates them from the output endpoint services).", true)),
            ("security_group", with(object("The environment's security group.", vec![
                ("ingress", plain_choice("all_self: all traffic from itself; restricted: TCP 5432 and 443 from itself", &["all_self", "restricted"], Some("all_self"))),
                ("additional_ids", input_or(with(
                    with(array("Existing security groups added to the environment (MWAA takes 5 in all, one is mwaagen's unless create = false).", with(text(&SECURITY_GROUP_ID), "allOf", json!([pattern(&EC2_SECURITY_GROUP_ID.schema_pattern().unwrap_or_default())])), None, true), "maxItems", json!(SECURITY_GROUP_LIST.max + SECURITY_GROUP_LIST.reserved)),
                    // All 5 of SecurityGroupList with create = false; one fewer beside mwaagen's own
                    // group (the `else` below).
                    "x-aws",
                    annotation(SECURITY_GROUP_LIST.model).unwrap_or(Value::Null),
                ))),
                ("create", boolean("false: no group of mwaagen's; the environment uses exactly additional_ids (1 to 5); only with an existing network", true)),
                ("web_ingress_cidrs", array("IPv4 blocks allowed to reach the web server on TCP 443 (a VPN, a peered network).", json!({"type": "string", "pattern": "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$"}), None, true)),
                ("web_ingress_prefix_list_ids", array("Managed prefix lists allowed to reach the web server on TCP 443.", text(&EC2_PREFIX_LIST_ID), None, true)),
                ("web_ingress_security_group_ids", array("Security groups allowed to reach the web server on TCP 443.", text(&EC2_SECURITY_GROUP_ID), None, true)),
            ], &[]), "allOf", json!([{
                "if": {"properties": {"create": {"const": false}}, "required": ["create"]},
                "then": {"properties": {"additional_ids": {"minItems": 1}, "ingress": false, "web_ingress_cidrs": false, "web_ingress_prefix_list_ids": false, "web_ingress_security_group_ids": false}, "required": ["additional_ids"]},
                "else": {"properties": {"additional_ids": {"maxItems": SECURITY_GROUP_LIST.max}}},
            }]))),
            ("acl", object("A custom network ACL.", vec![("enabled", boolean("A network ACL on every subnet the spec creates: rule 100 allows all IPv4 in and out.", false))], &[])),
        ],
        &[],
    );
    let created = [
        "routing",
        "vpc_cidr",
        "public_subnet_cidrs",
        "private_subnet_cidrs",
        "availability_zones",
        "nat_gateways",
        "flow_logs",
        "s3_endpoint_bucket_arns",
    ];
    let mut excluded: Map<String, Value> = created.iter().map(|k| ((*k).to_owned(), json!(false))).collect();
    excluded.insert("acl".into(), json!({"properties": {"enabled": {"const": false}}}));
    with(
        net,
        "allOf",
        json!([
            {
                "if": {"properties": {"routing": {"const": "private"}}, "required": ["routing"]},
                "then": {"properties": {"public_subnet_cidrs": false, "nat_gateways": false}},
                "else": {"properties": {"s3_endpoint_bucket_arns": {"maxItems": 0}}},
            },
            {
                "if": {"required": ["existing_private_subnet_ids"]},
                "then": {"required": ["existing_vpc_id"], "properties": with(Value::Object(excluded), "existing_internet_gateway_id", json!(false))},
            },
            {
                "if": {"required": ["existing_internet_gateway_id"]},
                "then": {"required": ["existing_vpc_id"]},
            },
            {
                // Subnets in an existing VPC: their blocks, and with public routing its internet gateway.
                "if": {"required": ["existing_vpc_id"], "not": {"required": ["existing_private_subnet_ids"]}},
                "then": {
                    "required": ["private_subnet_cidrs"],
                    "if": {"properties": {"routing": {"const": "private"}}, "required": ["routing"]},
                    "then": {"properties": {"existing_internet_gateway_id": false}},
                    "else": {"required": ["existing_internet_gateway_id", "public_subnet_cidrs"]},
                },
            },
        ]),
    )
}

/// Exactly two distinct entries (one per availability zone).
fn pair(description: &str, items: Value, default: Value) -> Value {
    let v = with(with(array(description, items, None, true), "minItems", json!(2)), "maxItems", json!(2));
    if default.is_null() {
        v
    } else {
        with(v, "default", default)
    }
}

fn bucket() -> Value {
    let mut not_reserved: Vec<Value> = vec![not_pattern("\\.\\."), not_pattern("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$")];
    not_reserved.extend(BUCKET_RESERVED_PREFIXES.iter().map(|p| not_pattern(&format!("^{}", regex::escape(p)))));
    not_reserved.extend(BUCKET_RESERVED_SUFFIXES.iter().map(|s| not_pattern(&format!("{}$", regex::escape(s)))));
    let name = json!({
        "description": "The bucket's name; default: the deployment tool names it (S3 user guide, bucketnamingrules.html).",
        "type": "string",
        "minLength": 3,
        "maxLength": 63,
        "pattern": "^[a-z0-9][a-z0-9.-]*[a-z0-9]$",
        "allOf": not_reserved,
    });
    let b = object(
        "The S3 bucket of DAGs, plugins and requirements: created (default) or existing (existing_arn, exclusive with the other fields). Versioning and Block Public Access are always on.",
        vec![
            ("name", name),
            ("encryption", plain_choice("sse-s3, or sse-kms with the environment's key (needs kms.key other than aws_owned)", &["sse-s3", "sse-kms"], Some("sse-s3"))),
            ("enforce_tls", boolean("The bucket policy denies requests without TLS.", true)),
            ("retain_on_delete", boolean("Deleting the stack keeps the bucket.", true)),
            ("existing_arn", input_or(text_field("An existing bucket's ARN", &S3_BUCKET_ARN, vec![pattern("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")], None))),
        ],
        &[],
    );
    with(
        b,
        "dependentSchemas",
        json!({"existing_arn": {"properties": {"name": false, "encryption": false, "enforce_tls": false, "retain_on_delete": false}}}),
    )
}

fn kms() -> Value {
    let arn = text_field(
        "An existing customer managed key's ARN (single-Region: MWAA supports no aliases and no multi-Region keys)",
        &KMS_KEY,
        vec![pattern(&KMS_KEY_ARN.schema_pattern().unwrap_or_default())],
        None,
    );
    object(
        "The key that encrypts the environment.",
        vec![(
            "key",
            json!({
                "description": "aws_owned (an AWS owned key), create (a customer managed key this stack creates), or an existing key's ARN (which may be { input = \"name\" }: given at deploy time).",
                "default": "aws_owned",
                "anyOf": [{"type": "string", "enum": ["aws_owned", "create"]}, arn, {"$ref": "#/$defs/input"}],
            }),
        )],
        &[],
    )
}

fn policy_arn(description: &str) -> Value {
    text_field(
        description,
        &POLICY_ARN,
        vec![pattern(
            "^arn:aws(-[a-z]+)*:iam::([0-9]{12}|aws):policy/([A-Za-z0-9.,+@=_-]+/)*[A-Za-z0-9+=,.@_-]{1,128}$",
        )],
        None,
    )
}

fn execution_role() -> Value {
    let operators: Vec<&str> = rules::CONDITION_OPERATORS.iter().map(|(n, _)| *n).filter(|n| *n != "Null").collect();
    let operator = format!(
        "^({})?(({})({})?|Null)$",
        rules::CONDITION_SET_PREFIXES.join("|"),
        operators.join("|"),
        rules::CONDITION_IF_EXISTS
    );
    let condition_value = json!({"anyOf": [
        {"type": "string"}, {"type": "boolean"}, {"type": "integer"},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
    ]});
    let condition = json!({
        "description": "IAM's condition block: operator -> condition key -> value or values (IAM user guide, reference_policies_elements_condition_operators.html).",
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": operator},
        "additionalProperties": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": text(&CONDITION_KEY),
            "additionalProperties": condition_value,
        },
    });
    let statement = object(
        "An inline statement added to the execution policy.",
        vec![
            ("sid", text_field("The statement id", &STATEMENT_SID, Vec::new(), None)),
            ("effect", plain_choice("Allow or Deny", &["Allow", "Deny"], Some("Allow"))),
            (
                "actions",
                with(
                    array(
                        "SERVICE:Action, wildcards * and ? in the action part only.",
                        text(&STATEMENT_ACTION),
                        None,
                        false,
                    ),
                    "minItems",
                    json!(1),
                ),
            ),
            (
                "resources",
                with(
                    array(
                        "ARNs or \"*\" (IAM user guide, reference_policies_elements_resource.html).",
                        json!({"type": "string", "anyOf": [{"const": "*"}, {"pattern": "^arn:[^:\\s]+:[^:\\s]+:[^\\s]*:[^\\s]*:[^\\s]+$"}]}),
                        None,
                        false,
                    ),
                    "minItems",
                    json!(1),
                ),
            ),
            ("condition", condition),
        ],
        &["actions", "resources"],
    );
    let max_policies = ROLE_MANAGED_POLICIES_MAX - 1;
    let role = object(
        "The role MWAA runs as: generated with least privilege (default), or existing (existing_arn: nothing is generated).",
        vec![
            ("existing_arn", input_or(text_field("An existing role's ARN", &IAM_ROLE_ARN, vec![pattern("^arn:[a-z-]+:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$")], None))),
            ("additional_policy_arns", with(array(&format!("Managed policies attached besides the generated one (at most {max_policies}: IAM allows {ROLE_MANAGED_POLICIES_MAX} per role, 10 by default)."), policy_arn("A managed policy's ARN"), None, true), "maxItems", json!(max_policies))),
            ("permissions_boundary_arn", json!({"description": "A managed policy's ARN as the role's permissions boundary, or \"\" for none.", "default": "", "anyOf": [{"const": ""}, policy_arn("A managed policy's ARN")]})),
            ("statements", array("Inline statements added to the execution policy.", statement, None, false)),
            ("trusted_principals", array("Further principals that may assume the role: IAM role ARNs or 12-digit account ids.", json!({"type": "string", "anyOf": [{"pattern": "^[0-9]{12}$"}, {"pattern": "^arn:[a-z-]+:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$"}]}), None, true)),
        ],
        &[],
    );
    with(
        role,
        "dependentSchemas",
        json!({"existing_arn": {"properties": {
            "additional_policy_arns": {"maxItems": 0},
            "permissions_boundary_arn": {"const": ""},
            "statements": {"maxItems": 0},
            "trusted_principals": {"maxItems": 0},
        }}}),
    )
}

fn web_access() -> Value {
    let grant = object(
        "A grant: the Airflow role, and the IAM roles and groups that get it.",
        vec![
            (
                "airflow_role",
                plain_choice(
                    "The Airflow role the UI opens with (MWAA user guide, access-policies.html)",
                    AIRFLOW_ROLES,
                    Some("Viewer"),
                ),
            ),
            ("attach_to_roles", array("Existing IAM role names.", text(&ROLE_NAME), None, true)),
            ("attach_to_groups", array("Existing IAM group names.", text(&GROUP_NAME), None, true)),
            ("cli", boolean("Also airflow:CreateCliToken (the Airflow CLI) on the environment.", false)),
            ("rest_api", boolean("Also airflow:InvokeRestApi (the Airflow REST API) as this Airflow role.", false)),
        ],
        &[],
    );
    array("Who may open the Airflow UI.", grant, None, false)
}

fn secrets() -> Value {
    let prefix = |what: &str, default: Option<&str>| {
        with_default(
            json!({
                "description": format!("{what}: Secrets Manager names take ASCII letters, digits and / _ + = . @ -; Parameter Store names start with '/' and take letters, digits and _ . - / (defaults then start with '/')."),
                "type": "string",
                "pattern": "^[A-Za-z0-9/_+=.@-]*[A-Za-z0-9_+=.@-]$",
                "not": {"pattern": "//"},
            }),
            default.map(|d| json!(d)),
        )
    };
    object(
        "Airflow reads connections and variables from AWS Secrets Manager or SSM Parameter Store.",
        vec![
            ("backend", plain_choice("Where the secrets are", &["secrets_manager", "parameter_store"], None)),
            ("connections_prefix", prefix("The name prefix of connections", Some("airflow/connections"))),
            ("variables_prefix", prefix("The name prefix of variables", Some("airflow/variables"))),
            (
                "config_prefix",
                json!({"description": "The name prefix of Airflow configuration, or \"\" for none.", "type": "string", "default": ""}),
            ),
            (
                "kms_key_arns",
                array("Customer managed keys that encrypt those secrets.", text(&ANY_KMS_KEY_ARN), None, true),
            ),
        ],
        &["backend"],
    )
}

fn monitoring() -> Value {
    let email = json!({
        "type": "string",
        "maxLength": 254,
        "pattern": "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*$",
    });
    let topic = json!({
        "description": "An existing SNS topic that receives the alarms (SNS API, CreateTopicInput.Name).",
        "type": "string",
        "pattern": "^arn:aws(-[a-z]+)*:sns:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,251}(\\.fifo)?$",
    });
    let mut m = object(
        "Alarms and a dashboard for the environment. Without alarm_emails and sns_topic_arn the alarms notify nobody (a warning).",
        vec![
            ("alarm_emails", array("Email addresses subscribed to the alarm topic the stack creates.", email, None, true)),
            ("sns_topic_arn", input_or(topic)),
            ("dashboard", boolean("A CloudWatch dashboard of the environment's metrics.", true)),
        ],
        &[],
    );
    m = with(m, "dependentSchemas", json!({"sns_topic_arn": {"properties": {"alarm_emails": {"maxItems": 0}}}}));
    m
}

fn tags() -> Value {
    let v = json!({
        "description": format!("Tags on every taggable resource, the MWAA environment included ({}).", TAG_MAP.source),
        "type": "object",
        "maxProperties": TAG_MAP.max,
        "propertyNames": with(text(&TAG_KEY), "allOf", json!([not_pattern("^[aA][wW][sS]:")])),
        "additionalProperties": text(&TAG_VALUE),
    });
    annotate(v, TAG_MAP.model)
}

fn output() -> Value {
    let region = with(
        text_field(
            "The Terraform provider region and CDK stack region (a warning when MWAA has no endpoint there)",
            &REGION,
            Vec::new(),
            None,
        ),
        "x-mwaa-regions",
        json!(MWAA_REGIONS),
    );
    object(
        "Settings of the generated code.",
        vec![
            ("region", region),
            (
                "stack_name",
                text_field(
                    "The CDK stack name and CloudFormation stack name hint; default ENV-mwaa",
                    &STACK_NAME,
                    Vec::new(),
                    None,
                ),
            ),
            (
                "terraform_aws_provider",
                json!({
                    "description": "The hashicorp/aws version constraint (Terraform language, version-constraints).",
                    "type": "string",
                    "default": DEFAULT_TF_AWS_PROVIDER,
                    "pattern": "^\\s*(~>|>=|<=|!=|>|<|=)?\\s*[0-9]+(\\.[0-9]+){0,2}\\s*(,\\s*(~>|>=|<=|!=|>|<|=)?\\s*[0-9]+(\\.[0-9]+){0,2}\\s*)*$",
                }),
            ),
            (
                "account_id",
                text_field(
                    "The one AWS account the output deploys to: Terraform allowed_account_ids, a CloudFormation rule on AWS::AccountId, the CDK stack's env.account",
                    &ACCOUNT_ID,
                    Vec::new(),
                    None,
                ),
            ),
            (
                "terraform_layout",
                json!({
                    "description": "What --target terraform writes into DIR: root, a root configuration calling the module in DIR/modules/mwaa/; module, the module alone (no provider, no moved blocks).",
                    "type": "string",
                    "enum": TerraformLayout::VALUES,
                    "default": "root",
                }),
            ),
        ],
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{is_string_map, is_table_array, table_fields};

    /// The properties of every table in the schema are exactly the spec's keys (serde's own lists).
    #[test]
    fn every_field_of_the_format_is_in_the_schema() {
        fn walk(v: &Value, path: &str, seen: &mut Vec<String>) {
            let Some(props) = v.get("properties").and_then(Value::as_object) else { return };
            let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
            let mut want: Vec<&str> = table_fields(path).unwrap_or_default().to_vec();
            keys.sort_unstable();
            want.sort_unstable();
            assert_eq!(keys, want, "schema properties of [{path}]");
            seen.push(path.to_owned());
            for (k, child) in props {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if is_string_map(&p) {
                    continue;
                }
                if is_table_array(&p) {
                    walk(child.get("items").unwrap_or(&Value::Null), &format!("{p}[]"), seen);
                } else {
                    walk(child, &p, seen);
                }
            }
        }
        let mut seen = Vec::new();
        walk(&schema(), "", &mut seen);
        for table in [
            "",
            "environment",
            "environment.logging",
            "network",
            "network.security_group",
            "network.acl",
            "bucket",
            "kms",
            "execution_role",
            "execution_role.statements[]",
            "web_access[]",
            "secrets",
            "monitoring",
            "output",
        ] {
            assert!(seen.contains(&table.to_owned()), "[{table}] not reached: {seen:?}");
        }
    }

    #[test]
    fn every_field_has_a_description_and_defaults_match_the_validator() {
        fn walk(v: &Value, path: &str) {
            if let Some(props) = v.get("properties").and_then(Value::as_object) {
                for (k, child) in props {
                    assert!(child.get("description").is_some(), "{path}.{k} has no description");
                    walk(child, &format!("{path}.{k}"));
                    if let Some(items) = child.get("items") {
                        walk(items, &format!("{path}.{k}[]"));
                    }
                }
            }
        }
        let s = schema();
        walk(&s, "");
        // The defaults the schema states are the ones validation applies to an empty environment.
        let source = crate::diagnostics::Source::from_text("t.toml", "version = 1\n[environment]\nname = \"a\"\n");
        let raw = crate::parse::parse(&source).map(|p| p.spec).unwrap_or_default();
        let Ok(config) = crate::validate::validate(&raw, "t.toml") else { panic!("a minimal spec is valid") };
        let env = &s["properties"]["environment"]["properties"];
        assert_eq!(env["airflow_version"]["default"], json!(config.environment.airflow_version));
        assert_eq!(env["max_workers"]["default"], json!(config.environment.max_workers));
        assert_eq!(env["min_workers"]["default"], json!(config.environment.min_workers));
        assert_eq!(env["schedulers"]["default"], json!(config.environment.schedulers));
        assert_eq!(env["dag_s3_path"]["default"], json!(config.environment.dag_s3_path));
        assert_eq!(
            env["logging"]["properties"]["retention_days"]["default"],
            json!(config.environment.log_retention_days)
        );
        assert_eq!(env["webserver_access_mode"]["default"], json!(config.environment.webserver_access_mode));
    }

    #[test]
    fn patterns_in_the_schema_are_the_validators() {
        let s = render();
        assert!(s.contains(&serde_json::to_string(&ENVIRONMENT_NAME.schema_pattern()).unwrap_or_default()));
        assert!(s.contains("\"x-aws\""));
        assert_eq!(
            schema()["properties"]["environment"]["properties"]["name"]["maxLength"],
            json!(ENVIRONMENT_NAME.max)
        );
        assert_eq!(schema()["properties"]["tags"]["maxProperties"], json!(TAG_MAP.max));
        assert_eq!(render(), render(), "deterministic");
    }
}
