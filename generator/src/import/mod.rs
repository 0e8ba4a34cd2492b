//! `mwaagen import FILE.json`: a spec from what `aws mwaa get-environment --name NAME` prints.
//!
//! The input is botocore's `GetEnvironmentOutput` shape (MWAA API 2020-07-01, botocore 1.44.8):
//! `{"Environment": {...}}`. The spec written describes that environment with what it runs in
//! brought as it is (`existing_*`: subnets, security groups, bucket, role, key) and every setting
//! the API reports: class, workers, schedulers, web servers, versions, S3 paths and object
//! versions, Airflow options (the secrets backend as `[secrets]`), logging, tags, access mode,
//! endpoint management, maintenance window. What a spec cannot carry is said in its comments.

pub mod json;

use std::fmt::Write as _;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Source};
use crate::model::LOG_MODULES;

/// The placeholder written for `network.existing_vpc_id` when `--vpc-id` is not given: validation
/// refuses it (a VPC id is `vpc-` and hexadecimal digits), so that it cannot be deployed by mistake.
pub const VPC_PLACEHOLDER: &str = "vpc-REPLACE-ME";

/// The secrets backends of `[secrets]`, as the Airflow Amazon provider names their classes (MWAA
/// user guide, "Configuring an Apache Airflow connection using a AWS Secrets Manager secret").
pub const SECRETS_BACKENDS: &[(&str, &str)] = &[
    ("secrets_manager", "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"),
    ("parameter_store", "airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend"),
];

/// The spec that [`import`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The spec, TOML text with comments.
    pub spec: String,
    /// The environment's name.
    pub name: String,
    /// Whether `network.existing_vpc_id` is the placeholder (no `--vpc-id`).
    pub vpc_placeholder: bool,
}

/// Members of botocore's `Environment` shape that a spec does not set, and why.
const NOT_CARRIED: &[(&str, &str)] = &[
    ("Arn", "the environment's ARN (its region and account go to [output] region and the key ARN)"),
    ("Status", "state of the live environment"),
    ("CreatedAt", "state of the live environment"),
    ("LastUpdate", "state of the live environment (its worker replacement strategy is kept)"),
    ("WebserverUrl", "assigned by MWAA"),
    ("ServiceRoleArn", "the service-linked role, which MWAA creates itself"),
    ("CeleryExecutorQueue", "created by MWAA"),
    ("DatabaseVpcEndpointService", "created by MWAA"),
    ("WebserverVpcEndpointService", "created by MWAA"),
    ("IdentityCenterConfiguration", "mwaagen has no field for IAM Identity Center sign-in"),
    ("Teams", "mwaagen has no field for teams"),
];

/// Members read into the spec.
const CARRIED: &[&str] = &[
    "Name",
    "ExecutionRoleArn",
    "KmsKey",
    "AirflowVersion",
    "SourceBucketArn",
    "DagS3Path",
    "PluginsS3Path",
    "PluginsS3ObjectVersion",
    "RequirementsS3Path",
    "RequirementsS3ObjectVersion",
    "StartupScriptS3Path",
    "StartupScriptS3ObjectVersion",
    "AirflowConfigurationOptions",
    "EnvironmentClass",
    "MaxWorkers",
    "MinWorkers",
    "Schedulers",
    "MinWebservers",
    "MaxWebservers",
    "NetworkConfiguration",
    "LoggingConfiguration",
    "WeeklyMaintenanceWindowStart",
    "Tags",
    "WebserverAccessMode",
    "EndpointManagement",
];

/// How the five logging modules are named in the MWAA API (`LoggingConfiguration`), in the order
/// of [`LOG_MODULES`].
const LOG_MEMBERS: &[&str] = &["DagProcessingLogs", "SchedulerLogs", "TaskLogs", "WebserverLogs", "WorkerLogs"];

/// Reads a get-environment output and writes the spec that describes it.
///
/// # Errors
/// The text is not JSON, not a get-environment output (no `Environment` object), lacks what any
/// environment has (name, bucket, role, subnets), or holds a value of the wrong type; each error
/// names the member and points at it (`file:line:col`).
pub fn import(source: &Source, vpc_id: Option<&str>) -> Result<Imported, Diagnostics> {
    let mut r = Reader { text: &source.text, diags: Vec::new() };
    if let Some(at) = source.invalid_utf8_at {
        return Err(Diagnostics(vec![Diagnostic::new("", Some(at..at + 1), "the file is not valid UTF-8 text")
            .with_help("import reads the JSON that `aws mwaa get-environment --name NAME` prints")]));
    }
    let doc: Value = match serde_json::from_str(&source.text) {
        Ok(v) => v,
        Err(e) => {
            let at = offset(&source.text, e.line(), e.column());
            return Err(Diagnostics(vec![Diagnostic::new("", Some(at..at + 1), format!("not JSON: {e}"))
                .with_help("import reads the JSON that `aws mwaa get-environment --name NAME` prints")]));
        }
    };
    let Some(env) = doc.get("Environment").and_then(Value::as_object) else {
        let help = if doc.get("Environments").is_some() {
            "this is the output of `aws mwaa list-environments`: run `aws mwaa get-environment --name NAME` for one of them"
        } else if doc.get("Name").is_some() && doc.get("Arn").is_some() {
            "this looks like the Environment object alone: import takes the whole output, {\"Environment\": {...}}"
        } else {
            "run `aws mwaa get-environment --name NAME --output json` and import what it prints"
        };
        let span = r.span(&["Environment"]).or(Some(0..1));
        return Err(Diagnostics(vec![Diagnostic::new(
            "",
            span,
            "not the output of `aws mwaa get-environment`: expected an object with an `Environment` object \
             (botocore's GetEnvironmentOutput shape)",
        )
        .with_help(help)]));
    };
    let spec = r.spec(env, vpc_id);
    if !r.diags.is_empty() {
        let mut d = Diagnostics(r.diags);
        d.sort();
        return Err(d);
    }
    spec.ok_or_else(Diagnostics::default)
}

/// The byte offset of a 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len().saturating_sub(1))
}

struct Reader<'a> {
    text: &'a str,
    diags: Vec<Diagnostic>,
}

/// A TOML string literal.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_owned()
    } else {
        toml_str(k)
    }
}

fn toml_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", "))
}

/// Text for a `#` comment: one line.
fn comment(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

impl Reader<'_> {
    fn span(&self, path: &[&str]) -> Option<Range<usize>> {
        json::locate(self.text, path)
    }

    fn err(&mut self, path: &[&str], message: impl Into<String>, help: impl Into<String>) {
        // A missing member points at the object that lacks it.
        let span = (0..=path.len()).rev().find_map(|n| self.span(&path[..n]));
        self.diags.push(Diagnostic::new(path.join("."), span, message).with_help(help));
    }

    fn wrong_type(&mut self, path: &[&str], expected: &str, found: &Value) {
        let found = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        self.err(
            path,
            format!("wrong type: found {found}, expected {expected}"),
            "botocore's GetEnvironmentOutput shape (MWAA API 2020-07-01) gives this member that type: is the file \
             what get-environment printed?",
        );
    }

    fn string(&mut self, obj: &Map<String, Value>, path: &[&str]) -> Option<String> {
        let key = path.last().copied().unwrap_or("");
        match obj.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.wrong_type(path, "a string", other);
                None
            }
        }
    }

    fn int(&mut self, obj: &Map<String, Value>, path: &[&str]) -> Option<i64> {
        let key = path.last().copied().unwrap_or("");
        let v = obj.get(key)?;
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                self.wrong_type(path, "an integer", v);
                None
            }
        }
    }

    fn object<'v>(&mut self, obj: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Map<String, Value>> {
        let key = path.last().copied().unwrap_or("");
        let v = obj.get(key)?;
        match v.as_object() {
            Some(m) => Some(m),
            None => {
                self.wrong_type(path, "an object", v);
                None
            }
        }
    }

    fn strings(&mut self, obj: &Map<String, Value>, path: &[&str]) -> Option<Vec<String>> {
        let key = path.last().copied().unwrap_or("");
        let v = obj.get(key)?;
        let Some(items) = v.as_array() else {
            self.wrong_type(path, "an array of strings", v);
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => {
                    let n = i.to_string();
                    let mut p = path.to_vec();
                    p.push(&n);
                    self.wrong_type(&p, "a string", item);
                }
            }
        }
        Some(out)
    }

    fn string_map(&mut self, obj: &Map<String, Value>, path: &[&str]) -> Vec<(String, String)> {
        let Some(m) = self.object(obj, path) else { return Vec::new() };
        let mut out = Vec::new();
        for (k, v) in m {
            match v.as_str() {
                Some(s) => out.push((k.clone(), s.to_owned())),
                None => {
                    let mut p = path.to_vec();
                    p.push(k);
                    self.wrong_type(&p, "a string", v);
                }
            }
        }
        out
    }

    fn required(&mut self, value: Option<String>, env: &Map<String, Value>, path: &[&str], what: &str) -> String {
        if value.is_none() && !env.contains_key(path.last().copied().unwrap_or("")) {
            self.err(
                path,
                format!("missing: get-environment always reports {what}"),
                "import reads the whole output of `aws mwaa get-environment --name NAME`; check that the file is complete",
            );
        }
        value.unwrap_or_default()
    }

    /// The spec text, or `None` when a required member is missing or of the wrong type (the
    /// reasons are in `self.diags`).
    fn spec(&mut self, env: &Map<String, Value>, vpc_id: Option<&str>) -> Option<Imported> {
        let e = |k: &'static str| -> [&'static str; 2] { ["Environment", k] };
        let name = self.string(env, &e("Name"));
        let name = self.required(name, env, &e("Name"), "the environment's Name");
        let arn = self.string(env, &e("Arn"));
        let bucket = self.string(env, &e("SourceBucketArn"));
        let bucket = self.required(bucket, env, &e("SourceBucketArn"), "the environment's SourceBucketArn");
        let role = self.string(env, &e("ExecutionRoleArn"));
        let role = self.required(role, env, &e("ExecutionRoleArn"), "the environment's ExecutionRoleArn");
        let net_path = e("NetworkConfiguration");
        let net = self.object(env, &net_path);
        let subnets = net.and_then(|n| self.strings(n, &["Environment", "NetworkConfiguration", "SubnetIds"]));
        let subnets_missing = match net {
            Some(n) => !n.contains_key("SubnetIds"),
            // A NetworkConfiguration of the wrong type is reported already.
            None => !env.contains_key("NetworkConfiguration"),
        };
        if subnets_missing {
            self.err(
                &["Environment", "NetworkConfiguration", "SubnetIds"],
                "missing: get-environment always reports the environment's two subnets",
                "import reads the whole output of `aws mwaa get-environment --name NAME`; check that the file is complete",
            );
        }
        let groups = net.and_then(|n| self.strings(n, &["Environment", "NetworkConfiguration", "SecurityGroupIds"]));
        let class = self.string(env, &e("EnvironmentClass"));
        let version = self.string(env, &e("AirflowVersion"));
        let ints: Vec<(&str, Option<i64>)> = [
            ("min_workers", "MinWorkers"),
            ("max_workers", "MaxWorkers"),
            ("schedulers", "Schedulers"),
            ("min_webservers", "MinWebservers"),
            ("max_webservers", "MaxWebservers"),
        ]
        .into_iter()
        .map(|(field, member)| (field, self.int(env, &["Environment", member])))
        .collect();
        let access = self.string(env, &e("WebserverAccessMode"));
        let endpoints = self.string(env, &e("EndpointManagement"));
        let window = self.string(env, &e("WeeklyMaintenanceWindowStart"));
        let last_update = self.object(env, &e("LastUpdate"));
        let strategy =
            last_update.and_then(|u| self.string(u, &["Environment", "LastUpdate", "WorkerReplacementStrategy"]));
        let dag_path = self.string(env, &e("DagS3Path"));
        let objects: Vec<(&str, Option<String>, Option<String>)> = [
            ("plugins", "PluginsS3Path", "PluginsS3ObjectVersion"),
            ("requirements", "RequirementsS3Path", "RequirementsS3ObjectVersion"),
            ("startup_script", "StartupScriptS3Path", "StartupScriptS3ObjectVersion"),
        ]
        .into_iter()
        .map(|(field, path, version)| {
            let p = self.string(env, &["Environment", path]).filter(|s| !s.is_empty());
            let v = self.string(env, &["Environment", version]).filter(|s| !s.is_empty());
            (field, p, v)
        })
        .collect();
        let options = if env.contains_key("AirflowConfigurationOptions") {
            self.string_map(env, &e("AirflowConfigurationOptions"))
        } else {
            Vec::new()
        };
        let tags = if env.contains_key("Tags") { self.string_map(env, &e("Tags")) } else { Vec::new() };
        let key = self.string(env, &e("KmsKey"));
        let logging = self.object(env, &e("LoggingConfiguration"));
        let mut levels: Vec<(&str, Option<String>)> = Vec::new();
        for (module, member) in LOG_MODULES.iter().zip(LOG_MEMBERS) {
            let path = ["Environment", "LoggingConfiguration", member];
            let m = logging.and_then(|l| self.object(l, &path));
            let level = m.map(|m| {
                let enabled = match m.get("Enabled") {
                    None => true,
                    Some(Value::Bool(b)) => *b,
                    Some(other) => {
                        self.wrong_type(
                            &["Environment", "LoggingConfiguration", member, "Enabled"],
                            "true or false",
                            other,
                        );
                        true
                    }
                };
                let level = self.string(m, &["Environment", "LoggingConfiguration", member, "LogLevel"]);
                if enabled {
                    level.unwrap_or_else(|| "INFO".to_owned())
                } else {
                    "off".to_owned()
                }
            });
            levels.push((module, level));
        }
        if !self.diags.is_empty() {
            return None;
        }

        // ARN parts of the environment: arn:PARTITION:airflow:REGION:ACCOUNT:environment/NAME.
        let arn_parts: Vec<&str> = arn.as_deref().map(|a| a.splitn(6, ':').collect()).unwrap_or_default();
        let partition = arn_parts.get(1).copied().filter(|p| !p.is_empty());
        let region = arn_parts.get(3).copied().filter(|p| !p.is_empty());
        let account = arn_parts.get(4).copied().filter(|p| !p.is_empty());

        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(
            w,
            "# Imported by mwaagen {} from the get-environment output of the Amazon MWAA",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            w,
            "# environment {}{}.",
            comment(&name),
            arn.as_deref().map(|a| format!(" ({})", comment(a))).unwrap_or_default()
        );
        let _ = writeln!(
            w,
            "# It describes that environment with what it runs in brought as it is (subnets, security groups,"
        );
        let _ = writeln!(
            w,
            "# bucket, role, key) and every setting. Deployed as it is, it would create a second environment"
        );
        let _ = writeln!(
            w,
            "# of this name, which MWAA refuses while the live one exists: to take the live environment over,"
        );
        let _ = writeln!(
            w,
            "# import it (and its log groups) into the stack or the Terraform state (docs/change-safety.md)."
        );
        let not_carried: Vec<String> = env
            .keys()
            .filter(|k| !CARRIED.contains(&k.as_str()))
            .map(|k| match NOT_CARRIED.iter().find(|(n, _)| n == k) {
                Some((_, why)) => format!("{k}: {why}"),
                None => format!("{k}: not a member this mwaagen knows (botocore 1.44.8)"),
            })
            .collect();
        if !not_carried.is_empty() {
            let _ = writeln!(w, "#\n# Not carried into the spec:");
            for n in &not_carried {
                let _ = writeln!(w, "# - {}", comment(n));
            }
        }
        let _ = writeln!(w, "version = 1\n\n[environment]");
        let _ = writeln!(w, "name = {}", toml_str(&name));
        for (field, v) in [("airflow_version", &version), ("environment_class", &class)] {
            if let Some(v) = v {
                let _ = writeln!(w, "{field} = {}", toml_str(v));
            }
        }
        for (field, v) in &ints {
            if let Some(n) = v {
                let _ = writeln!(w, "{field} = {n}");
            }
        }
        for (field, v) in [
            ("webserver_access_mode", &access),
            ("endpoint_management", &endpoints),
            ("weekly_maintenance_window_start", &window),
        ] {
            if let Some(v) = v {
                let _ = writeln!(w, "{field} = {}", toml_str(v));
            }
        }
        if let Some(s) = &strategy {
            let _ = writeln!(
                w,
                "# The strategy of the environment's last update (LastUpdate); it applies to updates only."
            );
            let _ = writeln!(w, "worker_replacement_strategy = {}", toml_str(s));
        }
        match &dag_path {
            Some(p) => {
                let _ = writeln!(w, "dag_s3_path = {}", toml_str(p));
            }
            None => {
                let _ = writeln!(w, "# get-environment reported no DagS3Path: the default, \"dags\", applies.");
            }
        }
        for (field, path, version) in &objects {
            if let Some(p) = path {
                let _ = writeln!(w, "{field}_s3_path = {}", toml_str(p));
            }
            match (path, version) {
                (Some(_), Some(v)) => {
                    let _ = writeln!(w, "{field}_s3_object_version = {}", toml_str(v));
                }
                (None, Some(v)) => {
                    let _ = writeln!(
                        w,
                        "# {field}_s3_object_version {} was reported without its path: not carried.",
                        comment(v)
                    );
                }
                _ => {}
            }
        }

        // Airflow options; the secrets backend becomes [secrets].
        let secrets = secrets_of(&options);
        let plain: Vec<&(String, String)> = options.iter().filter(|(k, _)| !(k.starts_with("secrets."))).collect();
        if !plain.is_empty() {
            let _ = writeln!(w, "\n[environment.airflow_configuration_options]");
            for (k, v) in &plain {
                let _ = writeln!(w, "{} = {}", toml_str(k), toml_str(v));
            }
        }

        let _ = writeln!(w, "\n[environment.logging]");
        for (module, level) in &levels {
            match level {
                Some(l) => {
                    let _ = writeln!(w, "{module} = {}", toml_str(l));
                }
                None => {
                    let _ = writeln!(w, "# {module}: not reported by get-environment; the default, \"INFO\", applies.");
                }
            }
        }
        let _ = writeln!(w, "# retention_days: get-environment does not say how long the log groups keep their events");
        let _ = writeln!(
            w,
            "# (aws logs describe-log-groups --log-group-name-prefix airflow-{}-); the default is 365.",
            comment(&name)
        );

        let subnets = subnets.unwrap_or_default();
        let _ = writeln!(w, "\n[network]");
        match vpc_id {
            Some(id) => {
                let _ = writeln!(w, "existing_vpc_id = {}", toml_str(id));
            }
            None => {
                let _ = writeln!(w, "# get-environment does not name the VPC of the subnets; find it with");
                let _ = writeln!(
                    w,
                    "#   aws ec2 describe-subnets --subnet-ids {} --query \"Subnets[].VpcId\"",
                    comment(&subnets.join(" "))
                );
                let _ = writeln!(
                    w,
                    "# and write it here (or import again with --vpc-id): mwaagen refuses this placeholder."
                );
                let _ = writeln!(w, "existing_vpc_id = {}", toml_str(VPC_PLACEHOLDER));
            }
        }
        let _ = writeln!(w, "existing_private_subnet_ids = {}", toml_list(&subnets));
        let groups = groups.unwrap_or_default();
        let _ = writeln!(w, "\n[network.security_group]");
        let _ = writeln!(
            w,
            "# mwaagen creates a security group of its own for the environment (traffic between its parts);"
        );
        let _ = writeln!(w, "# the environment's groups are kept beside it.");
        // MWAA takes 1..=5 groups (NetworkConfiguration.SecurityGroupIds), one of them mwaagen's.
        let (kept, dropped) = groups.split_at(groups.len().min(4));
        let _ = writeln!(w, "additional_ids = {}", toml_list(kept));
        for g in dropped {
            let _ =
                writeln!(w, "# {}: not carried: MWAA takes five groups at most, and one is mwaagen's own.", comment(g));
        }

        let _ = writeln!(w, "\n[bucket]\nexisting_arn = {}", toml_str(&bucket));

        let _ = writeln!(w, "\n[kms]");
        match key.as_deref() {
            None => {
                let _ = writeln!(w, "key = \"aws_owned\"");
            }
            Some(k) if is_uuid(k) || k.starts_with("key/") => {
                let id = k.trim_start_matches("key/");
                match (partition, region, account) {
                    (Some(p), Some(r), Some(a)) => {
                        let _ = writeln!(
                            w,
                            "# get-environment reported the key by its id, {}; this is its ARN.",
                            comment(k)
                        );
                        let _ = writeln!(w, "key = {}", toml_str(&format!("arn:{p}:kms:{r}:{a}:key/{id}")));
                    }
                    _ => {
                        let _ = writeln!(w, "# get-environment reported the key by its id only; write its ARN here.");
                        let _ = writeln!(w, "key = {}", toml_str(k));
                    }
                }
            }
            Some(k) if k.contains("alias/") => {
                let _ = writeln!(w, "# get-environment reported the key by an alias; mwaagen needs the key's ARN:");
                let _ = writeln!(w, "#   aws kms describe-key --key-id {} --query KeyMetadata.Arn", comment(k));
                let _ = writeln!(w, "key = {}", toml_str(k));
            }
            Some(k) => {
                let _ = writeln!(w, "key = {}", toml_str(k));
            }
        }

        let _ = writeln!(w, "\n[execution_role]\nexisting_arn = {}", toml_str(&role));

        let _ = writeln!(
            w,
            "\n# [[web_access]]: who may open the Airflow UI is granted by IAM policies, not by the environment,"
        );
        let _ = writeln!(
            w,
            "# so get-environment does not report it: add a [[web_access]] table per Airflow role to grant."
        );

        if let Some(s) = &secrets {
            let _ = writeln!(w, "\n[secrets]");
            let _ = writeln!(w, "# From the secrets.backend and secrets.backend_kwargs options.");
            let _ = writeln!(w, "backend = {}", toml_str(s.backend));
            for (field, v) in &s.prefixes {
                let _ = writeln!(w, "{field} = {}", toml_str(v));
            }
            let _ = writeln!(
                w,
                "# kms_key_arns: get-environment does not say which keys encrypt the secrets; add them here."
            );
            for (k, v) in &s.not_carried {
                let _ = writeln!(
                    w,
                    "# {} = {}: not carried (mwaagen writes the secrets options from [secrets]).",
                    comment(k),
                    comment(v)
                );
            }
        } else {
            for (k, v) in options.iter().filter(|(k, _)| k.starts_with("secrets.")) {
                let _ = writeln!(
                    w,
                    "\n# Airflow option {} = {}: not carried; [secrets] takes the Secrets Manager and Parameter Store backends.",
                    comment(k),
                    comment(v)
                );
            }
        }

        let is_aws = |k: &str| k.to_ascii_lowercase().starts_with("aws:");
        let user: Vec<&(String, String)> = tags.iter().filter(|(k, _)| !is_aws(k)).collect();
        let aws: Vec<&(String, String)> = tags.iter().filter(|(k, _)| is_aws(k)).collect();
        if !user.is_empty() || !aws.is_empty() {
            let _ = writeln!(w, "\n[tags]");
            let _ = writeln!(w, "# The environment's tags; mwaagen puts them on every resource it creates.");
            for (k, v) in &user {
                let _ = writeln!(w, "{} = {}", toml_key(k), toml_str(v));
            }
            for (k, _) in &aws {
                let _ = writeln!(w, "# {}: not carried: tags starting with aws: belong to AWS.", comment(k));
            }
        }

        if let Some(r) = region {
            let _ = writeln!(w, "\n[output]\nregion = {}", toml_str(r));
        }
        Some(Imported { spec: out, name, vpc_placeholder: vpc_id.is_none() })
    }
}

/// `8-4-4-4-12` lowercase hexadecimal: a KMS key id.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `[secrets]` table that the secrets options of an environment amount to.
#[derive(Debug, PartialEq, Eq)]
struct SecretsTable {
    backend: &'static str,
    /// (`connections_prefix` | `variables_prefix` | `config_prefix`, value), as the kwargs hold them.
    prefixes: Vec<(&'static str, String)>,
    /// Options and kwargs that `[secrets]` cannot say.
    not_carried: Vec<(String, String)>,
}

/// `secrets.backend` and `secrets.backend_kwargs` as a `[secrets]` table, when the backend is one
/// that `[secrets]` takes and the kwargs are a JSON object of strings.
fn secrets_of(options: &[(String, String)]) -> Option<SecretsTable> {
    let get = |k: &str| options.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let backend = SECRETS_BACKENDS.iter().find(|(_, class)| Some(*class) == get("secrets.backend"))?.0;
    let kwargs: Map<String, Value> = match get("secrets.backend_kwargs") {
        None => Map::new(),
        Some(text) => serde_json::from_str(text).ok()?,
    };
    let mut prefixes = Vec::new();
    let mut not_carried: Vec<(String, String)> = Vec::new();
    for (k, v) in &kwargs {
        let field = ["connections_prefix", "variables_prefix", "config_prefix"].into_iter().find(|f| f == k);
        match (field, v.as_str()) {
            (Some(f), Some(s)) => prefixes.push((f, s.to_owned())),
            _ => not_carried.push((format!("secrets.backend_kwargs {k}"), v.to_string())),
        }
    }
    for (k, v) in options {
        if k.starts_with("secrets.") && k != "secrets.backend" && k != "secrets.backend_kwargs" {
            not_carried.push((k.clone(), v.clone()));
        }
    }
    Some(SecretsTable { backend, prefixes, not_carried })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(json: &str) -> Result<Imported, Vec<String>> {
        import(&Source::from_text("env.json", json), Some("vpc-0abc1234"))
            .map_err(|d| d.0.iter().map(|d| format!("{}: {}", d.field, d.message)).collect())
    }

    const MINIMAL: &str = r#"{"Environment": {"Name": "x", "SourceBucketArn": "arn:aws:s3:::my-bucket",
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r",
        "NetworkConfiguration": {"SubnetIds": ["subnet-0a", "subnet-0b"], "SecurityGroupIds": ["sg-01"]}}}"#;

    #[test]
    fn a_minimal_output_makes_a_spec_that_compiles() {
        let spec = match imported(MINIMAL) {
            Ok(i) => i.spec,
            Err(e) => e.join("\n"),
        };
        let ir = crate::compile(&Source::from_text("x.toml", spec.as_str()));
        assert!(ir.is_ok(), "{spec}\n{:?}", ir.err());
    }

    #[test]
    fn what_is_not_an_output_is_refused_with_the_member_named() {
        assert_eq!(imported("[1, 2]").err().unwrap_or_default().len(), 1);
        let e = imported(r#"{"Environments": ["a"]}"#).err().unwrap_or_default();
        assert!(e[0].contains("not the output of `aws mwaa get-environment`"), "{e:?}");
        let e = imported(r#"{"Environment": {"Name": 3}}"#).err().unwrap_or_default();
        assert!(e.iter().any(|m| m == "Environment.Name: wrong type: found a number, expected a string"), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("Environment.SourceBucketArn: missing")), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("Environment.NetworkConfiguration.SubnetIds: missing")), "{e:?}");
        let e = imported("{\"Environment\": ").err().unwrap_or_default();
        assert!(e[0].starts_with(": not JSON"), "{e:?}");
    }

    #[test]
    fn errors_point_at_the_member() {
        let text = "{\n  \"Environment\": {\n    \"Name\": \"x\",\n    \"MaxWorkers\": \"ten\"\n  }\n}\n";
        let d = import(&Source::from_text("env.json", text), None).err().unwrap_or_default();
        let max = d.0.iter().find(|d| d.field == "Environment.MaxWorkers").map(|d| d.span.clone());
        assert_eq!(max, Some(Some(56..61)), "{d:?}");
        assert!(d.render(&Source::from_text("env.json", text)).contains("--> env.json:4:19"));
    }

    #[test]
    fn secrets_options_become_a_secrets_table() {
        let opts = vec![
            ("secrets.backend".to_owned(), SECRETS_BACKENDS[1].1.to_owned()),
            (
                "secrets.backend_kwargs".to_owned(),
                r#"{"connections_prefix": "c", "variables_prefix": "v", "sep": "/"}"#.to_owned(),
            ),
        ];
        let s = secrets_of(&opts);
        assert_eq!(
            s,
            Some(SecretsTable {
                backend: "parameter_store",
                prefixes: vec![("connections_prefix", "c".to_owned()), ("variables_prefix", "v".to_owned())],
                not_carried: vec![("secrets.backend_kwargs sep".to_owned(), "\"/\"".to_owned())],
            })
        );
        assert_eq!(secrets_of(&[("secrets.backend".to_owned(), "my.Backend".to_owned())]), None);
    }
}
