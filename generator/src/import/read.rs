//! Reading a get-environment output: every member the spec needs, type-checked against
//! botocore's `Environment` shape, each problem pointing at the member (`file:line:col`).

use std::ops::Range;

use serde_json::{Map, Value};

use super::{json, CARRIED, LOG_MEMBERS, NOT_CARRIED};
use crate::diagnostics::Diagnostic;
use crate::model::LOG_MODULES;

/// What an environment's get-environment output says, read and type-checked.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub name: String,
    pub arn: Option<String>,
    pub bucket: String,
    pub role: String,
    pub subnets: Vec<String>,
    pub groups: Vec<String>,
    pub class: Option<String>,
    pub version: Option<String>,
    /// (spec field, value) of the counts: workers, schedulers, web servers.
    pub ints: Vec<(&'static str, Option<i64>)>,
    pub access: Option<String>,
    pub endpoints: Option<String>,
    pub window: Option<String>,
    /// The worker replacement strategy of the last update.
    pub strategy: Option<String>,
    pub dag_path: Option<String>,
    /// (spec field prefix, S3 path, object version) of plugins, requirements, startup script.
    pub objects: Vec<(&'static str, Option<String>, Option<String>)>,
    pub options: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub key: Option<String>,
    /// (module, level or `off`; `None`: not reported), in the order of the spec format.
    /// Each module's (level, enabled), `None` when get-environment does not report the module.
    pub levels: Vec<(&'static str, Option<(String, bool)>)>,
    /// Members the spec does not carry, each with the reason.
    pub not_carried: Vec<String>,
}

pub(super) struct Reader<'a> {
    pub text: &'a str,
    pub diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    pub(super) fn span(&self, path: &[&str]) -> Option<Range<usize>> {
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

    /// The members of `env` that a spec carries, or `None` when one it needs is missing or of the
    /// wrong type (the reasons are in `self.diags`).
    pub(super) fn read(&mut self, env: &Map<String, Value>) -> Option<Found> {
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
        let mut levels: Vec<(&str, Option<(String, bool)>)> = Vec::new();
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
                // A disabled module keeps its level (ModuleLoggingConfiguration has both).
                let level = self.string(m, &["Environment", "LoggingConfiguration", member, "LogLevel"]);
                (level.unwrap_or_else(|| "INFO".to_owned()), enabled)
            });
            levels.push((module, level));
        }
        if !self.diags.is_empty() {
            return None;
        }
        let not_carried: Vec<String> = env
            .keys()
            .filter(|k| !CARRIED.contains(&k.as_str()))
            .map(|k| match NOT_CARRIED.iter().find(|(n, _)| n == k) {
                Some((_, why)) => format!("{k}: {why}"),
                None => format!("{k}: not a member this mwaagen knows (botocore 1.44.8)"),
            })
            .collect();
        Some(Found {
            name,
            arn,
            bucket,
            role,
            subnets: subnets.unwrap_or_default(),
            groups: groups.unwrap_or_default(),
            class,
            version,
            ints,
            access,
            endpoints,
            window,
            strategy,
            dag_path,
            objects,
            options,
            tags,
            key,
            levels,
            not_carried,
        })
    }
}
