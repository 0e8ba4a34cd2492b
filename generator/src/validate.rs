//! Every rule of `spec-format.md`: [`RawSpec`] -> [`Config`], or every problem found.

use std::net::Ipv4Addr;
use std::ops::Range;

use indexmap::IndexMap;
use ipnet::Ipv4Net;

use crate::diagnostics::{did_you_mean, one_of, quote, user_key_path, Diagnostic, Diagnostics};
use crate::model::{
    AlarmTopic, Bucket, ConditionValue, Config, Encryption, Environment, ExecutionRole, Ingress, Kms, Monitoring,
    NatGateways, Network, Output, Routing, S3Object, Secrets, SecretsBackend, SecurityGroup, Statement, WebAccess,
    AIRFLOW_ROLES, AIRFLOW_VERSIONS, DEFAULT_TF_AWS_PROVIDER, ENVIRONMENT_CLASSES, LOG_LEVELS, LOG_MODULES,
    LOG_RETENTION_DAYS,
};
use crate::spec::{RawNetwork, RawSpec, O, S};

/// Validates a parsed spec and applies defaults.
///
/// # Errors
/// Every rule that the spec breaks, each as a diagnostic with field, place and a hint.
pub fn validate(raw: &RawSpec, source_name: &str) -> Result<Config, Diagnostics> {
    let mut v = Validator::default();
    let config = v.spec(raw, source_name);
    if v.diags.is_empty() {
        if let Some(config) = config {
            return Ok(config);
        }
    }
    let mut d = Diagnostics(v.diags);
    d.sort();
    Err(d)
}

#[derive(Default)]
struct Validator {
    diags: Vec<Diagnostic>,
}

fn span<T>(s: &S<T>) -> Option<Range<usize>> {
    Some(s.span())
}

fn val<T>(o: &O<T>) -> Option<&T> {
    o.as_ref().map(|s| s.get_ref())
}

const DEFAULT_PUBLIC: [&str; 2] = ["10.192.10.0/24", "10.192.11.0/24"];
const DEFAULT_PRIVATE: [&str; 2] = ["10.192.20.0/24", "10.192.21.0/24"];
const DEFAULT_VPC: &str = "10.192.0.0/16";

impl Validator {
    fn err(&mut self, field: &str, span: Option<Range<usize>>, msg: impl Into<String>, help: impl Into<String>) {
        let help = help.into();
        let mut d = Diagnostic::new(field, span, msg);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// A string that must be one of `choices`, with a did-you-mean when it is not.
    fn choice(&mut self, field: &str, o: &O<String>, choices: &[&str], default: &str) -> String {
        let Some(s) = o else {
            return default.to_owned();
        };
        let value = s.get_ref();
        if choices.contains(&value.as_str()) {
            return value.clone();
        }
        let help = match did_you_mean(value, choices.iter().copied()) {
            Some(m) => format!("did you mean \"{m}\"? valid values: {}", one_of(choices)),
            None => format!("valid values: {}", one_of(choices)),
        };
        self.err(field, span(s), format!("{} is not a valid value", quote(value)), help);
        default.to_owned()
    }

    fn int_in(&mut self, field: &str, o: &O<i64>, default: i64, lo: i64, hi: i64) -> i64 {
        let Some(s) = o else { return default };
        let n = *s.get_ref();
        if (lo..=hi).contains(&n) {
            n
        } else {
            self.err(field, span(s), format!("{n} is out of range"), format!("use a whole number from {lo} to {hi}"));
            default
        }
    }

    fn spec(&mut self, raw: &RawSpec, source_name: &str) -> Option<Config> {
        match &raw.version {
            None => {
                self.err("version", None, "missing required key `version`", "add `version = 1` at the top of the spec")
            }
            Some(v) if *v.get_ref() != 1 => self.err(
                "version",
                span(v),
                format!("unsupported spec version {}", v.get_ref()),
                "this mwaagen reads `version = 1`",
            ),
            Some(_) => {}
        }
        let output = self.output(raw);
        let environment = match &raw.environment {
            None => {
                self.err(
                    "environment",
                    None,
                    "missing required table [environment]",
                    "add `[environment]` with at least `name = \"my-env\"`",
                );
                None
            }
            Some(env) => self.environment(env),
        };
        let kms = self.kms(raw, &output);
        let (network, acl) = self.network(raw, &output);
        let security_group = self.security_group(raw);
        let bucket = self.bucket(raw, &kms);
        let execution_role = self.execution_role(raw);
        let web_access = self.web_access(raw);
        let secrets = self.secrets(raw);
        let monitoring = self.monitoring(raw);
        let tags = self.tags(raw);
        // `extends` was followed by the parser (crate::extends): the base is merged in already.
        Some(Config {
            source_name: source_name.to_owned(),
            environment: environment?,
            network,
            security_group,
            acl,
            bucket,
            kms,
            execution_role,
            web_access,
            secrets,
            monitoring,
            tags,
            output,
        })
    }

    fn environment(&mut self, env_s: &S<crate::spec::RawEnvironment>) -> Option<Environment> {
        let env = env_s.get_ref();
        let name = match &env.name {
            None => {
                self.err(
                    "environment.name",
                    span(env_s),
                    "missing required key `name`",
                    "add `name = \"my-env\"` to [environment]",
                );
                None
            }
            Some(n) => {
                let s = n.get_ref();
                if is_env_name(s) {
                    Some(s.clone())
                } else {
                    self.err(
                        "environment.name",
                        span(n),
                        format!("{} is not a valid MWAA environment name", quote(s)),
                        "use 1 to 80 characters: a letter first, then letters, digits, '-' or '_'",
                    );
                    None
                }
            }
        };
        let airflow_version = match &env.airflow_version {
            None => AIRFLOW_VERSIONS[AIRFLOW_VERSIONS.len() - 1].to_owned(),
            Some(v) if AIRFLOW_VERSIONS.contains(&v.get_ref().as_str()) => v.get_ref().clone(),
            Some(v) => {
                self.err(
                    "environment.airflow_version",
                    span(v),
                    format!("Airflow version {} is not one that Amazon MWAA offers", quote(v.get_ref())),
                    format!("known versions: {}", AIRFLOW_VERSIONS.join(", ")),
                );
                String::new()
            }
        };
        let class =
            self.choice("environment.environment_class", &env.environment_class, ENVIRONMENT_CLASSES, "mw1.small");
        let micro = class == "mw1.micro";
        let min_workers = self.int_in("environment.min_workers", &env.min_workers, 1, 1, 25);
        let max_workers = self.int_in("environment.max_workers", &env.max_workers, 10, 1, 25);
        if max_workers < min_workers {
            self.min_above_max("workers", &env.min_workers, &env.max_workers, min_workers, max_workers);
        }
        let schedulers = self.micro_count("environment.schedulers", &env.schedulers, micro, &class, "scheduler");
        let min_web = self.micro_count("environment.min_webservers", &env.min_webservers, micro, &class, "web server");
        let max_web = self.micro_count("environment.max_webservers", &env.max_webservers, micro, &class, "web server");
        if max_web < min_web {
            self.min_above_max("webservers", &env.min_webservers, &env.max_webservers, min_web, max_web);
        }
        let access = self.choice(
            "environment.webserver_access_mode",
            &env.webserver_access_mode,
            &["PUBLIC_ONLY", "PRIVATE_ONLY"],
            "PUBLIC_ONLY",
        );
        let endpoint = self.choice(
            "environment.endpoint_management",
            &env.endpoint_management,
            &["SERVICE", "CUSTOMER"],
            "SERVICE",
        );
        let strategy = env.worker_replacement_strategy.as_ref().map(|_| {
            self.choice(
                "environment.worker_replacement_strategy",
                &env.worker_replacement_strategy,
                &["FORCED", "GRACEFUL"],
                "GRACEFUL",
            )
        });
        let window = env.weekly_maintenance_window_start.as_ref().map(|w| {
            if !is_maintenance_window(w.get_ref()) {
                self.err(
                    "environment.weekly_maintenance_window_start",
                    span(w),
                    format!("{} is not a maintenance window start", quote(w.get_ref())),
                    "write DAY:HH:MM with DAY one of MON, TUE, WED, THU, FRI, SAT, SUN, HH 00 to 23 and MM 00 or 30, e.g. \"SUN:03:30\"",
                );
            }
            w.get_ref().clone()
        });
        let dag_s3_path = match &env.dag_s3_path {
            None => "dags".to_owned(),
            Some(p) => {
                self.s3_path("environment.dag_s3_path", p);
                p.get_ref().clone()
            }
        };
        let plugins = self.s3_object("plugins", &env.plugins_s3_path, &env.plugins_s3_object_version);
        let requirements =
            self.s3_object("requirements", &env.requirements_s3_path, &env.requirements_s3_object_version);
        let startup_script =
            self.s3_object("startup_script", &env.startup_script_s3_path, &env.startup_script_s3_object_version);
        let mut options = IndexMap::new();
        if let Some(opts) = &env.airflow_configuration_options {
            for (k, v) in opts.get_ref() {
                if !is_airflow_option_key(k.get_ref()) {
                    self.err(
                        &user_key_path("environment.airflow_configuration_options", k.get_ref()),
                        span(k),
                        format!("{} is not an Airflow configuration key", quote(k.get_ref())),
                        "write \"section.key\", e.g. \"core.default_task_retries\" (letters, digits and '_' on each side of one dot)",
                    );
                }
                if k.get_ref().starts_with("secrets.") {
                    self.err(
                        &user_key_path("environment.airflow_configuration_options", k.get_ref()),
                        span(k),
                        format!("{} is written by mwaagen from [secrets]", quote(k.get_ref())),
                        "remove it here and add a [secrets] table (backend = \"secrets_manager\" or \"parameter_store\"): \
                         mwaagen then sets secrets.backend and secrets.backend_kwargs and grants the execution role read access",
                    );
                }
                if let Some(c) = v.get_ref().chars().find(|c| c.is_control()) {
                    self.err(
                        &user_key_path("environment.airflow_configuration_options", k.get_ref()),
                        span(v),
                        format!("the value contains the control character {c:?}"),
                        "Airflow configuration values are single-line text: remove line breaks, tabs and other control characters",
                    );
                }
                options.insert(k.get_ref().clone(), v.get_ref().clone());
            }
        }
        let mut logging = Vec::new();
        let raw_log = env.logging.as_ref().map(|l| l.get_ref());
        for module in LOG_MODULES {
            let o = raw_log.and_then(|l| match *module {
                "dag_processing" => l.dag_processing.as_ref(),
                "scheduler" => l.scheduler.as_ref(),
                "task" => l.task.as_ref(),
                "webserver" => l.webserver.as_ref(),
                _ => l.worker.as_ref(),
            });
            let level = self.choice(&format!("environment.logging.{module}"), &o.cloned(), LOG_LEVELS, "INFO");
            logging.push(((*module).to_owned(), (level != "off").then_some(level)));
        }
        let log_retention_days = match raw_log.and_then(|l| l.retention_days.as_ref()) {
            None => 365,
            Some(d) if LOG_RETENTION_DAYS.contains(d.get_ref()) => *d.get_ref(),
            Some(d) => {
                self.err(
                    "environment.logging.retention_days",
                    span(d),
                    format!("{} days is not a retention CloudWatch Logs allows", d.get_ref()),
                    format!(
                        "use one of {} (CloudWatch Logs API, PutRetentionPolicy retentionInDays)",
                        LOG_RETENTION_DAYS.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ),
                );
                365
            }
        };
        Some(Environment {
            name: name?,
            airflow_version,
            environment_class: class,
            min_workers,
            max_workers,
            schedulers,
            min_webservers: min_web,
            max_webservers: max_web,
            webserver_access_mode: access,
            endpoint_management: endpoint,
            worker_replacement_strategy: strategy,
            weekly_maintenance_window_start: window,
            dag_s3_path,
            plugins,
            requirements,
            startup_script,
            airflow_configuration_options: options,
            logging,
            log_retention_days,
        })
    }

    /// `max_X >= min_X` is broken. The error names the field the caret points at: `max_X` when
    /// it is written, else `min_X` (max_X then has its default, which the user did not write).
    fn min_above_max(&mut self, what: &str, min_o: &O<i64>, max_o: &O<i64>, min: i64, max: i64) {
        match (max_o, min_o) {
            (Some(m), _) => self.err(
                &format!("environment.max_{what}"),
                span(m),
                format!("max_{what} ({max}) is less than min_{what} ({min})"),
                format!("max_{what} must be greater than or equal to min_{what}"),
            ),
            (None, Some(m)) => self.err(
                &format!("environment.min_{what}"),
                span(m),
                format!("min_{what} ({min}) is more than the default max_{what} ({max})"),
                format!("lower min_{what}, or set max_{what} to {min} or more"),
            ),
            // Both defaults: cannot happen, the defaults are consistent.
            (None, None) => {}
        }
    }

    /// Schedulers and web servers: 2..=5, or exactly 1 on mw1.micro.
    fn micro_count(&mut self, field: &str, o: &O<i64>, micro: bool, class: &str, what: &str) -> i64 {
        if micro {
            if let Some(s) = o {
                if *s.get_ref() != 1 {
                    self.err(
                        field,
                        span(s),
                        format!("{class} runs exactly 1 {what}, not {}", s.get_ref()),
                        "set it to 1 or leave it out (the default on mw1.micro is 1)",
                    );
                }
            }
            1
        } else if o.as_ref().is_some_and(|s| *s.get_ref() == 1) {
            self.err(
                field,
                o.as_ref().and_then(span),
                format!("{class} runs 2 to 5 {what}s, not 1"),
                "use a whole number from 2 to 5 (only environment_class = \"mw1.micro\" runs exactly 1)",
            );
            2
        } else {
            self.int_in(field, o, 2, 2, 5)
        }
    }

    fn s3_path(&mut self, field: &str, p: &S<String>) {
        let s = p.get_ref();
        let problem = if s.is_empty() {
            Some("is empty")
        } else if s.starts_with('/') {
            Some("starts with '/'")
        } else if s.to_ascii_lowercase().starts_with("s3://") {
            Some("is an s3:// URL")
        } else if s.len() > 1024 {
            Some("is longer than 1024 bytes")
        } else if s.chars().any(char::is_control) {
            Some("contains a control character")
        } else {
            None
        };
        if let Some(problem) = problem {
            self.err(
                field,
                span(p),
                format!("{} {problem}", quote(s)),
                "give a key relative to the bucket root, e.g. \"dags\" or \"plugins.zip\"",
            );
        }
    }

    fn s3_object(&mut self, what: &str, path: &O<String>, version: &O<String>) -> Option<S3Object> {
        let path_field = format!("environment.{what}_s3_path");
        let version_field = format!("environment.{what}_s3_object_version");
        if let Some(p) = path {
            self.s3_path(&path_field, p);
        }
        if let Some(v) = version {
            if path.is_none() {
                self.err(
                    &version_field,
                    span(v),
                    format!("{what}_s3_object_version is set but {what}_s3_path is not"),
                    format!("add {what}_s3_path, or remove {what}_s3_object_version"),
                );
            } else if v.get_ref().is_empty() || v.get_ref().len() > 1024 || v.get_ref().chars().any(char::is_control) {
                self.err(
                    &version_field,
                    span(v),
                    format!("{} is not an S3 object version id", quote(v.get_ref())),
                    "give the version id S3 returned for the object (1 to 1024 printable characters)",
                );
            }
        }
        path.as_ref().map(|p| S3Object { path: p.get_ref().clone(), version: val(version).cloned() })
    }

    fn network(&mut self, raw: &RawSpec, output: &Output) -> (Network, bool) {
        let default = RawNetwork::default();
        let net = raw.network.as_ref().map_or(&default, |n| n.get_ref());
        let acl_o = net.acl.as_ref().and_then(|a| a.get_ref().enabled.as_ref());
        let acl = acl_o.is_some_and(|a| *a.get_ref());
        if net.existing_vpc_id.is_some() || net.existing_private_subnet_ids.is_some() {
            let created: [(&str, Option<Range<usize>>); 7] = [
                ("routing", net.routing.as_ref().and_then(span)),
                ("vpc_cidr", net.vpc_cidr.as_ref().and_then(span)),
                ("public_subnet_cidrs", net.public_subnet_cidrs.as_ref().and_then(span)),
                ("private_subnet_cidrs", net.private_subnet_cidrs.as_ref().and_then(span)),
                ("availability_zones", net.availability_zones.as_ref().and_then(span)),
                ("nat_gateways", net.nat_gateways.as_ref().and_then(span)),
                ("flow_logs", net.flow_logs.as_ref().and_then(span)),
            ];
            for (key, s) in created {
                if s.is_some() {
                    self.err(
                        &format!("network.{key}"),
                        s,
                        format!("`{key}` cannot be combined with an existing network"),
                        "with existing_vpc_id and existing_private_subnet_ids mwaagen creates no network: remove one or the other",
                    );
                }
            }
            if acl {
                self.err(
                    "network.acl.enabled",
                    acl_o.and_then(span),
                    "a network ACL needs subnets that mwaagen creates",
                    "with an existing network, manage its network ACLs where the network is defined, or remove this",
                );
            }
            let vpc_id = match &net.existing_vpc_id {
                None => {
                    self.err(
                        "network.existing_vpc_id",
                        net.existing_private_subnet_ids.as_ref().and_then(span),
                        "existing_private_subnet_ids is set but existing_vpc_id is not",
                        "add `existing_vpc_id = \"vpc-...\"`, the VPC the subnets belong to",
                    );
                    String::new()
                }
                Some(id) => {
                    if !is_aws_id(id.get_ref(), "vpc-") {
                        self.err(
                            "network.existing_vpc_id",
                            span(id),
                            format!("{} is not a VPC id", quote(id.get_ref())),
                            "write vpc- followed by hexadecimal digits, e.g. \"vpc-0abc1234\"",
                        );
                    }
                    id.get_ref().clone()
                }
            };
            let subnets = match &net.existing_private_subnet_ids {
                None => {
                    self.err(
                        "network.existing_private_subnet_ids",
                        net.existing_vpc_id.as_ref().and_then(span),
                        "existing_vpc_id is set but existing_private_subnet_ids is not",
                        "add two private subnet ids in different AZs, e.g. [\"subnet-0a\", \"subnet-0b\"]",
                    );
                    [String::new(), String::new()]
                }
                Some(list) => self.existing_subnets(list),
            };
            return (Network::Existing { vpc_id, private_subnet_ids: subnets }, false);
        }

        let routing = match self.choice("network.routing", &net.routing, &["public", "private"], "public").as_str() {
            "private" => Routing::Private,
            _ => Routing::Public,
        };
        let vpc_cidr = match &net.vpc_cidr {
            None => parse_net(DEFAULT_VPC),
            Some(c) => self.cidr("network.vpc_cidr", c, 16, 28),
        };
        let mut all: Vec<(String, Ipv4Net, Option<Range<usize>>)> = Vec::new();
        let mut public = Vec::new();
        if routing == Routing::Private {
            for (key, o) in [
                ("public_subnet_cidrs", net.public_subnet_cidrs.as_ref().and_then(span)),
                ("nat_gateways", net.nat_gateways.as_ref().and_then(span)),
            ] {
                if o.is_some() {
                    self.err(
                        &format!("network.{key}"),
                        o,
                        format!("`{key}` cannot be used with routing = \"private\""),
                        "private routing has no public subnets and no NAT gateways: remove it, or use routing = \"public\"",
                    );
                }
            }
        } else {
            public =
                self.subnet_list("public_subnet_cidrs", net.public_subnet_cidrs.as_ref(), &DEFAULT_PUBLIC, &mut all);
        }
        let private =
            self.subnet_list("private_subnet_cidrs", net.private_subnet_cidrs.as_ref(), &DEFAULT_PRIVATE, &mut all);
        if let Some(vpc) = vpc_cidr {
            self.check_subnets(vpc, &all, net.vpc_cidr.as_ref().and_then(span));
        }
        let availability_zones = net.availability_zones.as_ref().and_then(|azs| self.azs(azs, output));
        let nat_gateways = match self
            .choice("network.nat_gateways", &net.nat_gateways, &["one_per_az", "single"], "one_per_az")
            .as_str()
        {
            "single" => NatGateways::Single,
            _ => NatGateways::OnePerAz,
        };
        let flow_logs = val(&net.flow_logs).copied().unwrap_or(true);
        let mut s3_endpoint_bucket_arns = Vec::new();
        if let Some(list) = &net.s3_endpoint_bucket_arns {
            if routing == Routing::Public && !list.get_ref().is_empty() {
                self.err(
                    "network.s3_endpoint_bucket_arns",
                    span(list),
                    "`s3_endpoint_bucket_arns` only applies to routing = \"private\"",
                    "public routing has no S3 gateway endpoint: the NAT gateways reach every bucket; remove this",
                );
            }
            for (i, a) in list.get_ref().iter().enumerate() {
                let field = format!("network.s3_endpoint_bucket_arns[{i}]");
                if bucket_arn_name(a.get_ref()).is_none() {
                    self.err(
                        &field,
                        span(a),
                        format!("{} is not an S3 bucket ARN", quote(a.get_ref())),
                        "write arn:aws:s3:::BUCKET-NAME (no key or path after the name)",
                    );
                } else if s3_endpoint_bucket_arns.contains(a.get_ref()) {
                    self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each bucket once");
                }
                s3_endpoint_bucket_arns.push(a.get_ref().clone());
            }
        }
        (
            Network::Created {
                routing,
                vpc_cidr: vpc_cidr.unwrap_or_else(|| parse_net(DEFAULT_VPC).unwrap_or_default()),
                public_subnet_cidrs: public,
                private_subnet_cidrs: private,
                availability_zones,
                nat_gateways,
                flow_logs,
                s3_endpoint_bucket_arns,
            },
            acl,
        )
    }

    fn existing_subnets(&mut self, list: &S<Vec<S<String>>>) -> [String; 2] {
        let ids = list.get_ref();
        if ids.len() != 2 {
            self.err(
                "network.existing_private_subnet_ids",
                span(list),
                format!("has {}; MWAA needs exactly 2", count(ids.len(), "subnet id", "subnet ids")),
                "give two private subnets in different availability zones",
            );
        }
        for (i, id) in ids.iter().enumerate() {
            if !is_aws_id(id.get_ref(), "subnet-") {
                self.err(
                    &format!("network.existing_private_subnet_ids[{i}]"),
                    span(id),
                    format!("{} is not a subnet id", quote(id.get_ref())),
                    "write subnet- followed by hexadecimal digits, e.g. \"subnet-0a1b2c3d\"",
                );
            }
        }
        if ids.len() == 2 && ids[0].get_ref() == ids[1].get_ref() {
            self.err(
                "network.existing_private_subnet_ids[1]",
                span(&ids[1]),
                "the same subnet is listed twice",
                "MWAA needs two different subnets in different availability zones",
            );
        }
        let get = |i: usize| ids.get(i).map(|s| s.get_ref().clone()).unwrap_or_default();
        [get(0), get(1)]
    }

    fn cidr(&mut self, field: &str, c: &S<String>, min_prefix: u8, max_prefix: u8) -> Option<Ipv4Net> {
        let text = c.get_ref();
        let Ok(net) = text.parse::<Ipv4Net>() else {
            self.err(
                field,
                span(c),
                format!("{} is not an IPv4 CIDR block", quote(text)),
                "write an address and a prefix length, e.g. \"10.192.0.0/16\"",
            );
            return None;
        };
        if net.network() != net.addr() {
            self.err(
                field,
                span(c),
                format!("\"{text}\" has host bits set"),
                format!("did you mean \"{}\"?", net.trunc()),
            );
            return None;
        }
        if !(min_prefix..=max_prefix).contains(&net.prefix_len()) {
            self.err(
                field,
                span(c),
                format!("prefix /{} is out of range", net.prefix_len()),
                format!("use a prefix length from /{min_prefix} to /{max_prefix}"),
            );
            return None;
        }
        Some(net)
    }

    fn subnet_list(
        &mut self,
        key: &str,
        list: Option<&S<Vec<S<String>>>>,
        defaults: &[&str; 2],
        all: &mut Vec<(String, Ipv4Net, Option<Range<usize>>)>,
    ) -> Vec<Ipv4Net> {
        let mut out = Vec::new();
        match list {
            None => {
                for (i, d) in defaults.iter().enumerate() {
                    if let Some(n) = parse_net(d) {
                        all.push((format!("the default network.{key}[{i}]"), n, None));
                        out.push(n);
                    }
                }
            }
            Some(l) => {
                if l.get_ref().len() != 2 {
                    self.err(
                        &format!("network.{key}"),
                        span(l),
                        format!(
                            "has {}; exactly 2 are needed (one per availability zone)",
                            count(l.get_ref().len(), "CIDR block", "CIDR blocks")
                        ),
                        format!("give two blocks, e.g. [\"{}\", \"{}\"]", defaults[0], defaults[1]),
                    );
                }
                for (i, c) in l.get_ref().iter().enumerate() {
                    let field = format!("network.{key}[{i}]");
                    if let Some(n) = self.cidr(&field, c, 16, 28) {
                        all.push((field, n, span(c)));
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    fn check_subnets(
        &mut self,
        vpc: Ipv4Net,
        all: &[(String, Ipv4Net, Option<Range<usize>>)],
        vpc_span: Option<Range<usize>>,
    ) {
        let outside: Vec<&(String, Ipv4Net, Option<Range<usize>>)> =
            all.iter().filter(|(_, net, s)| s.is_none() && !vpc.contains(net)).collect();
        if !outside.is_empty() {
            let nets: Vec<String> = outside.iter().map(|(_, net, _)| net.to_string()).collect();
            let keys: Vec<&str> = ["public_subnet_cidrs", "private_subnet_cidrs"]
                .into_iter()
                .filter(|k| outside.iter().any(|(field, _, _)| field.contains(k)))
                .collect();
            self.err(
                "network.vpc_cidr",
                vpc_span,
                format!("the default subnets {} are not inside vpc_cidr {vpc}", nets.join(", ")),
                format!("set {} to blocks inside {vpc} as well", keys.join(" and ")),
            );
        }
        for (i, (field, net, s)) in all.iter().enumerate() {
            if s.is_some() && !vpc.contains(net) {
                self.err(
                    field,
                    s.clone(),
                    format!("subnet {net} is not inside vpc_cidr {vpc}"),
                    format!("choose a block inside {vpc}"),
                );
            }
            for (other_field, other, other_span) in &all[..i] {
                if net.contains(other) || other.contains(net) {
                    // Blame a block the user wrote: a default one has no place in the file.
                    let (f, sp, n, o, of) = if s.is_some() || other_span.is_none() {
                        (field, s, net, other, other_field)
                    } else {
                        (other_field, other_span, other, net, field)
                    };
                    self.err(
                        f,
                        sp.clone(),
                        format!("subnet {n} overlaps {of} ({o})"),
                        "subnets must not overlap; choose another block",
                    );
                }
            }
        }
    }

    fn azs(&mut self, azs: &S<Vec<S<String>>>, output: &Output) -> Option<[String; 2]> {
        let list = azs.get_ref();
        let mut ok = true;
        if list.len() != 2 {
            self.err(
                "network.availability_zones",
                span(azs),
                format!("has {}; exactly 2 are needed", count(list.len(), "entry", "entries")),
                "give two availability zones of the region, e.g. [\"us-east-1a\", \"us-east-1b\"], or leave it out",
            );
            ok = false;
        }
        for (i, az) in list.iter().enumerate() {
            let name = az.get_ref();
            let field = format!("network.availability_zones[{i}]");
            if !is_az(name) {
                self.err(
                    &field,
                    span(az),
                    format!("{} is not an availability zone name", quote(name)),
                    "write a name like \"us-east-1a\"",
                );
                ok = false;
            } else if let Some(region) = &output.region {
                if !name.starts_with(region.as_str()) {
                    self.err(
                        &field,
                        span(az),
                        format!("\"{name}\" is not in output.region \"{region}\""),
                        format!("use zones of {region}, e.g. \"{region}a\""),
                    );
                    ok = false;
                }
            }
            if list[..i].iter().any(|o| o.get_ref() == name) {
                self.err(
                    &field,
                    span(az),
                    format!("{} is listed twice", quote(name)),
                    "MWAA needs two different availability zones",
                );
                ok = false;
            }
        }
        ok.then(|| [list[0].get_ref().clone(), list[1].get_ref().clone()])
    }

    fn security_group(&mut self, raw: &RawSpec) -> SecurityGroup {
        let sg = raw.network.as_ref().and_then(|n| n.get_ref().security_group.as_ref()).map(|s| s.get_ref());
        let ingress = match self
            .choice(
                "network.security_group.ingress",
                &sg.and_then(|s| s.ingress.clone()),
                &["all_self", "restricted"],
                "all_self",
            )
            .as_str()
        {
            "restricted" => Ingress::Restricted,
            _ => Ingress::AllSelf,
        };
        let mut additional_ids = Vec::new();
        if let Some(ids) = sg.and_then(|s| s.additional_ids.as_ref()) {
            if ids.get_ref().len() > 4 {
                self.err(
                    "network.security_group.additional_ids",
                    span(ids),
                    format!("has {} security groups; at most 4 are allowed", ids.get_ref().len()),
                    "MWAA takes at most 5 security groups, and mwaagen always adds its own",
                );
            }
            for (i, id) in ids.get_ref().iter().enumerate() {
                let field = format!("network.security_group.additional_ids[{i}]");
                if !is_aws_id(id.get_ref(), "sg-") {
                    self.err(
                        &field,
                        span(id),
                        format!("{} is not a security group id", quote(id.get_ref())),
                        "write sg- followed by hexadecimal digits, e.g. \"sg-0abc1234\"",
                    );
                } else if additional_ids.contains(id.get_ref()) {
                    self.err(
                        &field,
                        span(id),
                        format!("\"{}\" is listed twice", id.get_ref()),
                        "list each security group once",
                    );
                }
                additional_ids.push(id.get_ref().clone());
            }
        }
        SecurityGroup { ingress, additional_ids }
    }

    fn bucket(&mut self, raw: &RawSpec, kms: &Kms) -> Bucket {
        let Some(b) = &raw.bucket else {
            return Bucket::Created {
                name: None,
                encryption: Encryption::SseS3,
                enforce_tls: true,
                retain_on_delete: true,
            };
        };
        let b = b.get_ref();
        if let Some(arn) = &b.existing_arn {
            for (key, s) in [
                ("name", b.name.as_ref().and_then(span)),
                ("encryption", b.encryption.as_ref().and_then(span)),
                ("enforce_tls", b.enforce_tls.as_ref().and_then(span)),
                ("retain_on_delete", b.retain_on_delete.as_ref().and_then(span)),
            ] {
                if s.is_some() {
                    self.err(
                        &format!("bucket.{key}"),
                        s,
                        format!("`{key}` cannot be combined with bucket.existing_arn"),
                        "an existing bucket is used as it is: remove this, or remove existing_arn to let mwaagen create the bucket",
                    );
                }
            }
            let name = bucket_arn_name(arn.get_ref()).map(str::to_owned);
            let Some(name) = name else {
                self.err(
                    "bucket.existing_arn",
                    span(arn),
                    format!("{} is not an S3 bucket ARN", quote(arn.get_ref())),
                    "write arn:aws:s3:::BUCKET-NAME (no key or path after the name)",
                );
                return Bucket::Existing { arn: arn.get_ref().clone(), name: String::new() };
            };
            return Bucket::Existing { arn: arn.get_ref().clone(), name };
        }
        if let Some(n) = &b.name {
            if let Some(problem) = bucket_name_problem(n.get_ref()) {
                self.err(
                    "bucket.name",
                    span(n),
                    format!("{} is not a valid S3 bucket name: {problem}", quote(n.get_ref())),
                    "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
                );
            }
        }
        let encryption =
            match self.choice("bucket.encryption", &b.encryption, &["sse-s3", "sse-kms"], "sse-s3").as_str() {
                "sse-kms" => {
                    if matches!(kms, Kms::AwsOwned) {
                        self.err(
                            "bucket.encryption",
                            b.encryption.as_ref().and_then(span),
                            "sse-kms needs a customer managed KMS key, but kms.key is \"aws_owned\"",
                            "set [kms] key = \"create\" (or an existing key ARN), or use encryption = \"sse-s3\"",
                        );
                    }
                    Encryption::SseKms
                }
                _ => Encryption::SseS3,
            };
        Bucket::Created {
            name: val(&b.name).cloned(),
            encryption,
            enforce_tls: val(&b.enforce_tls).copied().unwrap_or(true),
            retain_on_delete: val(&b.retain_on_delete).copied().unwrap_or(true),
        }
    }

    fn kms(&mut self, raw: &RawSpec, output: &Output) -> Kms {
        let Some(key) = raw.kms.as_ref().and_then(|k| k.get_ref().key.as_ref()) else {
            return Kms::AwsOwned;
        };
        match key.get_ref().as_str() {
            "aws_owned" => Kms::AwsOwned,
            "create" => Kms::Create,
            arn => {
                match parse_kms_key_arn(arn) {
                    Some(region) => {
                        if let Some(r) = &output.region {
                            if r != region {
                                self.err(
                                    "kms.key",
                                    span(key),
                                    format!("the key is in {region}, but output.region is {r}"),
                                    "MWAA needs a key in the environment's own region",
                                );
                            }
                        }
                    }
                    None => {
                        let help = match did_you_mean(arn, ["aws_owned", "create"]) {
                            Some(m) => format!("did you mean \"{m}\"? valid values: \"aws_owned\", \"create\" or a key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                            None => "valid values: \"aws_owned\", \"create\" or a key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".to_owned(),
                        };
                        self.err("kms.key", span(key), format!("{} is not a valid KMS key setting", quote(arn)), help);
                    }
                }
                Kms::Existing(arn.to_owned())
            }
        }
    }

    fn execution_role(&mut self, raw: &RawSpec) -> ExecutionRole {
        let Some(r) = &raw.execution_role else {
            return ExecutionRole::Generated {
                additional_policy_arns: Vec::new(),
                permissions_boundary_arn: None,
                statements: Vec::new(),
            };
        };
        let r = r.get_ref();
        let boundary = r.permissions_boundary_arn.as_ref().filter(|b| !b.get_ref().is_empty());
        let extra = r.additional_policy_arns.as_ref().filter(|a| !a.get_ref().is_empty());
        if let Some(arn) = &r.existing_arn {
            if !is_role_arn(arn.get_ref()) {
                self.err(
                    "execution_role.existing_arn",
                    span(arn),
                    format!("{} is not an IAM role ARN", quote(arn.get_ref())),
                    "write arn:aws:iam::ACCOUNT-ID:role/ROLE-NAME, e.g. arn:aws:iam::123456789012:role/my-mwaa-role",
                );
            }
            for (key, s) in [
                ("additional_policy_arns", extra.and_then(span)),
                ("permissions_boundary_arn", boundary.and_then(span)),
                ("statements", r.statements.as_ref().filter(|s| !s.get_ref().is_empty()).and_then(span)),
            ] {
                if s.is_some() {
                    self.err(
                        &format!("execution_role.{key}"),
                        s,
                        format!("`{key}` cannot be combined with execution_role.existing_arn"),
                        "mwaagen generates no role when you bring your own: manage its policies where the role is defined",
                    );
                }
            }
            return ExecutionRole::Existing(arn.get_ref().clone());
        }
        let mut arns: Vec<String> = Vec::new();
        if let Some(list) = extra {
            if list.get_ref().len() > 19 {
                self.err(
                    "execution_role.additional_policy_arns",
                    span(list),
                    format!(
                        "has {} policies; a role takes at most 20 managed policies, one of them mwaagen's",
                        list.get_ref().len()
                    ),
                    "combine policies, or attach them elsewhere",
                );
            }
            for (i, a) in list.get_ref().iter().enumerate() {
                let field = format!("execution_role.additional_policy_arns[{i}]");
                if !is_policy_arn(a.get_ref()) {
                    self.err(
                        &field,
                        span(a),
                        format!("{} is not an IAM managed policy ARN", quote(a.get_ref())),
                        "write arn:aws:iam::ACCOUNT-ID:policy/NAME or arn:aws:iam::aws:policy/NAME",
                    );
                } else if arns.contains(a.get_ref()) {
                    self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each policy once");
                }
                arns.push(a.get_ref().clone());
            }
        }
        if let Some(b) = boundary {
            if !is_policy_arn(b.get_ref()) {
                self.err(
                    "execution_role.permissions_boundary_arn",
                    span(b),
                    format!("{} is not an IAM managed policy ARN", quote(b.get_ref())),
                    "write arn:aws:iam::ACCOUNT-ID:policy/NAME, or \"\" for no boundary",
                );
            }
        }
        let statements = self.statements(r.statements.as_ref());
        ExecutionRole::Generated {
            statements,
            additional_policy_arns: arns,
            permissions_boundary_arn: boundary.map(|b| b.get_ref().clone()),
        }
    }

    fn web_access(&mut self, raw: &RawSpec) -> Vec<WebAccess> {
        let Some(list) = &raw.web_access else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, grant) in list.get_ref().iter().enumerate() {
            let g = grant.get_ref();
            let prefix = format!("web_access[{i}]");
            let airflow_role = self.choice(&format!("{prefix}.airflow_role"), &g.airflow_role, AIRFLOW_ROLES, "Viewer");
            let mut names = |key: &str, o: &O<Vec<S<String>>>, max: usize, what: &str| -> Vec<String> {
                let mut v: Vec<String> = Vec::new();
                for (j, n) in o.as_ref().map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
                    let field = format!("{prefix}.{key}[{j}]");
                    if !is_iam_name(n.get_ref(), max) {
                        self.err(
                            &field,
                            span(n),
                            format!("{} is not an IAM {what} name", quote(n.get_ref())),
                            format!("use 1 to {max} letters, digits and + = , . @ _ - (a name, not an ARN)"),
                        );
                    } else if v.contains(n.get_ref()) {
                        self.err(
                            &field,
                            span(n),
                            format!("\"{}\" is listed twice", n.get_ref()),
                            format!("list each {what} once"),
                        );
                    }
                    v.push(n.get_ref().clone());
                }
                v
            };
            let attach_to_roles = names("attach_to_roles", &g.attach_to_roles, 64, "role");
            let attach_to_groups = names("attach_to_groups", &g.attach_to_groups, 128, "group");
            out.push(WebAccess {
                airflow_role,
                attach_to_roles,
                attach_to_groups,
                cli: val(&g.cli).copied().unwrap_or(false),
                rest_api: val(&g.rest_api).copied().unwrap_or(false),
            });
        }
        out
    }

    fn tags(&mut self, raw: &RawSpec) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        let Some(tags) = &raw.tags else { return out };
        if tags.get_ref().len() > 50 {
            self.err(
                "tags",
                span(tags),
                format!("has {} tags; AWS allows at most 50", tags.get_ref().len()),
                "remove some tags",
            );
        }
        for (k, v) in tags.get_ref() {
            let key = k.get_ref();
            let field = user_key_path("tags", key);
            if key.is_empty() || key.chars().count() > 128 {
                let help =
                    if key.is_empty() { "give the tag a key" } else { "shorten the key to at most 128 characters" };
                self.err(&field, span(k), "tag keys must be 1 to 128 characters long", help);
            } else if key.to_ascii_lowercase().starts_with("aws:") {
                self.err(
                    &field,
                    span(k),
                    "tag keys must not start with \"aws:\"",
                    "the aws: prefix is reserved for AWS; choose another key",
                );
            } else if let Some(c) = key.chars().find(|c| !is_tag_char(*c)) {
                self.err(
                    &field,
                    span(k),
                    format!("tag key contains {:?}, which AWS does not allow in tags", c),
                    TAG_CHARS_HELP,
                );
            }
            let value = v.get_ref();
            if value.chars().count() > 256 {
                self.err(
                    &field,
                    span(v),
                    "tag values must be at most 256 characters long",
                    "shorten the value to at most 256 characters",
                );
            } else if let Some(c) = value.chars().find(|c| !is_tag_char(*c)) {
                self.err(
                    &field,
                    span(v),
                    format!("tag value contains {:?}, which AWS does not allow in tags", c),
                    TAG_CHARS_HELP,
                );
            }
            out.insert(key.clone(), value.clone());
        }
        out
    }

    fn statements(&mut self, list: Option<&S<Vec<S<crate::spec::RawStatement>>>>) -> Vec<Statement> {
        let mut out = Vec::new();
        for (i, st_s) in list.map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
            let st = st_s.get_ref();
            let prefix = format!("execution_role.statements[{i}]");
            let sid = st.sid.as_ref().map(|s| {
                if s.get_ref().is_empty() || !s.get_ref().chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.err(
                        &format!("{prefix}.sid"),
                        span(s),
                        format!("{} is not a statement id", quote(s.get_ref())),
                        "use letters and digits only (IAM policy grammar: Sid)",
                    );
                }
                s.get_ref().clone()
            });
            let effect = self.choice(&format!("{prefix}.effect"), &st.effect, &["Allow", "Deny"], "Allow");
            let mut strings = |key: &str, o: &O<Vec<S<String>>>| -> Vec<String> {
                match o {
                    None => {
                        self.err(
                            &format!("{prefix}.{key}"),
                            span(st_s),
                            format!("missing required key `{key}`"),
                            format!("add `{key} = [...]` to the statement"),
                        );
                        Vec::new()
                    }
                    Some(l) if l.get_ref().is_empty() => {
                        self.err(
                            &format!("{prefix}.{key}"),
                            span(l),
                            format!("`{key}` is empty"),
                            format!("list at least one entry in `{key}`"),
                        );
                        Vec::new()
                    }
                    Some(l) => l.get_ref().iter().map(|a| a.get_ref().clone()).collect(),
                }
            };
            let actions = strings("actions", &st.actions);
            let resources = strings("resources", &st.resources);
            let mut condition = IndexMap::new();
            if let Some(c) = &st.condition {
                for (op, keys) in c.get_ref() {
                    let mut m = IndexMap::new();
                    for (key, value) in keys.get_ref() {
                        let v = match value.get_ref() {
                            crate::spec::RawConditionValue::One(s) => ConditionValue::One(s.clone()),
                            crate::spec::RawConditionValue::Bool(b) => ConditionValue::One(b.to_string()),
                            crate::spec::RawConditionValue::Int(n) => ConditionValue::One(n.to_string()),
                            crate::spec::RawConditionValue::Many(l) => {
                                ConditionValue::Many(l.iter().map(|s| s.get_ref().clone()).collect())
                            }
                        };
                        m.insert(key.get_ref().clone(), v);
                    }
                    condition.insert(op.get_ref().clone(), m);
                }
            }
            out.push(Statement { sid, effect, actions, resources, condition });
        }
        out
    }

    fn secrets(&mut self, raw: &RawSpec) -> Option<Secrets> {
        let s_s = raw.secrets.as_ref()?;
        let s = s_s.get_ref();
        let backend = match &s.backend {
            None => {
                self.err(
                    "secrets.backend",
                    span(s_s),
                    "missing required key `backend`",
                    "add `backend = \"secrets_manager\"` or `backend = \"parameter_store\"` to [secrets]",
                );
                SecretsBackend::SecretsManager
            }
            Some(_) => {
                match self
                    .choice("secrets.backend", &s.backend, &["secrets_manager", "parameter_store"], "secrets_manager")
                    .as_str()
                {
                    "parameter_store" => SecretsBackend::ParameterStore,
                    _ => SecretsBackend::SecretsManager,
                }
            }
        };
        let prefix = |o: &O<String>, default: &str| val(o).cloned().unwrap_or_else(|| default.to_owned());
        let mut kms_key_arns = Vec::new();
        for (i, a) in s.kms_key_arns.as_ref().map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
            if parse_kms_key_arn(a.get_ref()).is_none() {
                self.err(
                    &format!("secrets.kms_key_arns[{i}]"),
                    span(a),
                    format!("{} is not a KMS key ARN", quote(a.get_ref())),
                    "write arn:aws:kms:REGION:ACCOUNT-ID:key/KEY-ID",
                );
            }
            kms_key_arns.push(a.get_ref().clone());
        }
        Some(Secrets {
            backend,
            connections_prefix: prefix(&s.connections_prefix, "airflow/connections"),
            variables_prefix: prefix(&s.variables_prefix, "airflow/variables"),
            config_prefix: val(&s.config_prefix).filter(|p| !p.is_empty()).cloned(),
            kms_key_arns,
        })
    }

    fn monitoring(&mut self, raw: &RawSpec) -> Option<Monitoring> {
        let m = raw.monitoring.as_ref()?.get_ref();
        let emails: Vec<String> = m
            .alarm_emails
            .as_ref()
            .map(|l| l.get_ref().iter().map(|e| e.get_ref().clone()).collect())
            .unwrap_or_default();
        if let Some(list) = &m.alarm_emails {
            for (i, e) in list.get_ref().iter().enumerate() {
                let ok = e.get_ref().split_once('@').is_some_and(|(user, domain)| {
                    !user.is_empty() && domain.contains('.') && !e.get_ref().chars().any(char::is_whitespace)
                });
                if !ok {
                    self.err(
                        &format!("monitoring.alarm_emails[{i}]"),
                        span(e),
                        format!("{} is not an email address", quote(e.get_ref())),
                        "write an address like \"oncall@example.com\"",
                    );
                }
            }
        }
        let topic = match &m.sns_topic_arn {
            Some(t) => {
                if let Some(l) = m.alarm_emails.as_ref().filter(|l| !l.get_ref().is_empty()) {
                    self.err(
                        "monitoring.alarm_emails",
                        span(l),
                        "`alarm_emails` cannot be combined with `sns_topic_arn`",
                        "subscribe the addresses to the existing topic instead, or remove sns_topic_arn to let mwaagen create one",
                    );
                }
                let ok = t.get_ref().strip_prefix("arn:").and_then(|r| r.split_once(":sns:")).is_some();
                if !ok {
                    self.err(
                        "monitoring.sns_topic_arn",
                        span(t),
                        format!("{} is not an SNS topic ARN", quote(t.get_ref())),
                        "write arn:aws:sns:REGION:ACCOUNT-ID:TOPIC-NAME",
                    );
                }
                AlarmTopic::Existing(t.get_ref().clone())
            }
            None => AlarmTopic::Created { emails },
        };
        Some(Monitoring { topic, dashboard: val(&m.dashboard).copied().unwrap_or(true) })
    }

    fn output(&mut self, raw: &RawSpec) -> Output {
        let o = raw.output.as_ref().map(|o| o.get_ref());
        let region = o.and_then(|o| o.region.as_ref()).and_then(|r| {
            if is_region(r.get_ref()) {
                Some(r.get_ref().clone())
            } else {
                self.err(
                    "output.region",
                    span(r),
                    format!("{} is not an AWS region name", quote(r.get_ref())),
                    "write a region like \"us-east-1\" or \"eu-west-1\"",
                );
                None
            }
        });
        let stack_name = o.and_then(|o| o.stack_name.as_ref()).map(|s| {
            let n = s.get_ref();
            let ok = n.len() <= 128
                && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                self.err(
                    "output.stack_name",
                    span(s),
                    format!("{} is not a CloudFormation stack name", quote(n)),
                    "use 1 to 128 letters, digits and '-', starting with a letter",
                );
            }
            n.clone()
        });
        let terraform_aws_provider = match o.and_then(|o| o.terraform_aws_provider.as_ref()) {
            None => DEFAULT_TF_AWS_PROVIDER.to_owned(),
            Some(c) => {
                if !is_version_constraint(c.get_ref()) {
                    self.err(
                        "output.terraform_aws_provider",
                        span(c),
                        format!("{} is not a Terraform version constraint", quote(c.get_ref())),
                        "write comma-separated conditions like \">= 5.0, < 7.0\" or \"~> 5.100\"",
                    );
                }
                c.get_ref().clone()
            }
        };
        Output { region, stack_name, terraform_aws_provider }
    }
}

/// `1 entry`, `3 entries`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const TAG_CHARS_HELP: &str = "use letters, digits, spaces and _ . : / = + - @";

fn parse_net(s: &str) -> Option<Ipv4Net> {
    s.parse().ok()
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    (1..=80).contains(&s.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_maintenance_window(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let [day, hh, mm] = parts.as_slice() else {
        return false;
    };
    ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].contains(day)
        && hh.len() == 2
        && hh.parse::<u8>().is_ok_and(|h| h < 24)
        && hh.bytes().all(|b| b.is_ascii_digit())
        && (*mm == "00" || *mm == "30")
}

fn is_airflow_option_key(s: &str) -> bool {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    matches!(s.split_once('.'), Some((a, b)) if word(a) && word(b))
}

fn is_aws_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (1..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn is_az(s: &str) -> bool {
    s.len() <= 32
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().last().is_some_and(|b| b.is_ascii_lowercase())
        && s.contains('-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

fn is_partition_prefix(p: &str) -> bool {
    matches!(p, "arn:aws" | "arn:aws-cn" | "arn:aws-us-gov" | "arn:aws-iso" | "arn:aws-iso-b")
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_iam_name(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

fn iam_arn_parts(s: &str) -> Option<(&str, &str)> {
    // arn:PARTITION:iam::ACCOUNT:RESOURCE
    let rest = s.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":iam::")?;
    if !is_partition_prefix(&format!("arn:{partition}")) {
        return None;
    }
    rest.split_once(':')
}

fn is_iam_path_name(s: &str) -> bool {
    !s.is_empty() && !s.ends_with('/') && s.split('/').all(|seg| !seg.is_empty() && is_iam_name(seg, 128))
}

fn is_role_arn(s: &str) -> bool {
    iam_arn_parts(s)
        .is_some_and(|(acct, res)| is_account(acct) && res.strip_prefix("role/").is_some_and(is_iam_path_name))
}

fn is_policy_arn(s: &str) -> bool {
    iam_arn_parts(s).is_some_and(|(acct, res)| {
        (is_account(acct) || acct == "aws") && res.strip_prefix("policy/").is_some_and(is_iam_path_name)
    })
}

/// The bucket name of an S3 bucket ARN (`arn:PARTITION:s3:::NAME`), if `s` is one.
fn bucket_arn_name(s: &str) -> Option<&str> {
    s.split_once(":s3:::")
        .filter(|(p, _)| is_partition_prefix(p))
        .map(|(_, n)| n)
        .filter(|n| bucket_name_problem(n).is_none())
}

/// The region of a KMS key ARN, if `s` is one.
fn parse_kms_key_arn(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":kms:")?;
    if !is_partition_prefix(&format!("arn:{partition}")) {
        return None;
    }
    let (region, rest) = rest.split_once(':')?;
    let (account, res) = rest.split_once(':')?;
    let id = res.strip_prefix("key/")?;
    (is_region(region)
        && is_account(account)
        && !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then_some(region)
}

/// Why `name` is not a valid S3 bucket name (general purpose buckets), if it is not.
#[must_use]
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        return Some("it must be 3 to 63 characters long");
    }
    if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-') {
        return Some("it may contain only lowercase letters, digits, '.' and '-'");
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Some("it must start and end with a letter or digit");
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Some("it must not contain \"..\", \".-\" or \"-.\"");
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some("it must not look like an IP address");
    }
    if name.starts_with("xn--")
        || name.starts_with("sthree-")
        || name.ends_with("-s3alias")
        || name.ends_with("--ol-s3")
    {
        return Some("it uses a prefix or suffix that S3 reserves");
    }
    None
}

/// AWS tag characters: Unicode letters, digits, spaces and `_ . : / = + - @`.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || "_.:/=+-@".contains(c)
        || matches!(c, ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

fn is_version_constraint(s: &str) -> bool {
    !s.trim().is_empty()
        && s.split(',').all(|part| {
            let p = part.trim();
            let v =
                ["~>", ">=", "<=", "!=", ">", "<", "="].iter().find_map(|op| p.strip_prefix(op)).unwrap_or(p).trim();
            let nums: Vec<&str> = v.split('.').collect();
            (1..=3).contains(&nums.len()) && nums.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(field, message)` of every error in a spec text.
    fn errors(text: &str) -> Vec<(String, String)> {
        let source = crate::diagnostics::Source::from_text("t.toml", text);
        let raw = crate::parse::parse(&source).map(|p| p.spec).unwrap_or_default();
        match validate(&raw, "t.toml") {
            Ok(_) => Vec::new(),
            Err(d) => d.0.into_iter().map(|d| (d.field, d.message)).collect(),
        }
    }

    const ENV: &str = "version = 1\n[environment]\nname = \"a\"\n";

    #[test]
    fn min_above_the_default_max_names_min() {
        let e = errors(&format!("{ENV}min_workers = 15\nmin_webservers = 3\n"));
        assert_eq!(
            e,
            [
                ("environment.min_workers".into(), "min_workers (15) is more than the default max_workers (10)".into()),
                (
                    "environment.min_webservers".into(),
                    "min_webservers (3) is more than the default max_webservers (2)".into()
                ),
            ]
        );
        let e = errors(&format!("{ENV}min_workers = 5\nmax_workers = 4\n"));
        assert_eq!(e[0].0, "environment.max_workers");
    }

    #[test]
    fn one_scheduler_outside_micro_says_only_micro_runs_one() {
        let e = errors(&format!("{ENV}environment_class = \"mw1.large\"\nschedulers = 1\nmin_webservers = 1\n"));
        assert_eq!(
            e,
            [
                ("environment.schedulers".into(), "mw1.large runs 2 to 5 schedulers, not 1".into()),
                ("environment.min_webservers".into(), "mw1.large runs 2 to 5 web servers, not 1".into()),
            ]
        );
    }

    #[test]
    fn default_subnets_outside_the_vpc_are_one_error() {
        let e = errors(&format!("{ENV}[network]\nvpc_cidr = \"10.50.0.0/16\"\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "network.vpc_cidr");
        // Only the default lists that are outside are named.
        let source = crate::diagnostics::Source::from_text(
            "t.toml",
            format!("{ENV}[network]\nvpc_cidr = \"10.50.0.0/16\"\npublic_subnet_cidrs = [\"10.50.1.0/24\", \"10.50.2.0/24\"]\n"),
        );
        let d = validate(&crate::parse::parse(&source).map(|p| p.spec).unwrap_or_default(), "t.toml")
            .err()
            .unwrap_or_default();
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].help.as_deref(), Some("set private_subnet_cidrs to blocks inside 10.50.0.0/16 as well"));
    }

    #[test]
    fn an_overlap_with_a_default_subnet_blames_the_written_one() {
        let e = errors(&format!("{ENV}[network]\npublic_subnet_cidrs = [\"10.192.20.0/24\", \"10.192.11.0/24\"]\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "network.public_subnet_cidrs[0]");
        assert!(e[0].1.contains("the default network.private_subnet_cidrs[0]"), "{e:?}");
    }

    #[test]
    fn free_form_keys_are_quoted_and_values_shortened() {
        let e = errors(&format!(
            "{ENV}plugins_s3_path = \"/{}\"\n[environment.airflow_configuration_options]\nparallelism = \"1\"\n[tags]\nTeam = \"a\\nb\"\n\"aws:x\" = \"y\"\n",
            "p".repeat(2000)
        ));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "environment.plugins_s3_path",
                "environment.airflow_configuration_options.\"parallelism\"",
                "tags.\"Team\"",
                "tags.\"aws:x\""
            ]
        );
        assert!(e[0].1.chars().count() < 100, "{e:?}");
    }

    #[test]
    fn names() {
        assert!(is_env_name("mwaa-public"));
        assert!(is_env_name("a_B-9"));
        assert!(!is_env_name("9abc"));
        assert!(!is_env_name(""));
        assert!(!is_env_name(&"a".repeat(81)));
        assert!(is_env_name(&"a".repeat(80)));
    }

    #[test]
    fn windows() {
        assert!(is_maintenance_window("SUN:03:30"));
        assert!(is_maintenance_window("MON:23:00"));
        assert!(!is_maintenance_window("SUN:24:00"));
        assert!(!is_maintenance_window("SUN:03:15"));
        assert!(!is_maintenance_window("sun:03:30"));
        assert!(!is_maintenance_window("SUN:3:30"));
    }

    #[test]
    fn arns() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/my-mwaa-role"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/path/to/role"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:policy/x"));
        assert!(is_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert_eq!(
            parse_kms_key_arn("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            Some("eu-west-1")
        );
        assert_eq!(parse_kms_key_arn("arn:aws:kms:eu-west-1:123456789012:alias/x"), None);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket_name_problem("airflow-analytics-dags"), None);
        assert!(bucket_name_problem("Airflow").is_some());
        assert!(bucket_name_problem("ab").is_some());
        assert!(bucket_name_problem("-ab").is_some());
        assert!(bucket_name_problem("192.168.1.1").is_some());
        assert!(bucket_name_problem("a..b").is_some());
    }

    #[test]
    fn misc() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("useast1"));
        assert!(is_az("us-east-1a"));
        assert!(!is_az("us-east-1"));
        assert!(is_aws_id("vpc-0abc", "vpc-"));
        assert!(!is_aws_id("vpc-xyz", "vpc-"));
        assert!(is_version_constraint(">= 5.0, < 7.0"));
        assert!(is_version_constraint("~> 5.100"));
        assert!(!is_version_constraint(">= five"));
        assert!(is_airflow_option_key("core.default_task_retries"));
        assert!(!is_airflow_option_key("core"));
        assert!(!is_airflow_option_key("a.b.c"));
        assert!(is_tag_char('é') && is_tag_char(' ') && !is_tag_char('\n') && !is_tag_char('🚀') && !is_tag_char('"'));
    }
}
