//! `[environment]`: the MWAA environment's own settings, its S3 objects, options and logging.
//! Every limit here is the MWAA API model's (CreateEnvironmentInput and its shapes, through
//! [`crate::rules`]) or the user guide page named beside it.

use indexmap::IndexMap;

use super::aws::is_airflow_option_key;
use super::{span, val, Validator};
use crate::diagnostics::{quote, user_key_path};
use crate::model::{Environment, ModuleLogging, S3Object, LOG_MODULES};
use crate::rules::{
    self, TextProblem, AIRFLOW_VERSION, AIRFLOW_VERSION_VALUES, CONFIG_KEY, CONFIG_VALUE, ENDPOINT_MANAGEMENT,
    ENVIRONMENT_CLASS_VALUES, ENVIRONMENT_NAME, LARGER_THAN_MICRO, LOGGING_LEVEL, LOG_RETENTION, MAINTENANCE_WINDOW,
    MAX_WEBSERVERS, MAX_WORKERS, MICRO_CLASS, MIN_WEBSERVERS, MIN_WORKERS, RELATIVE_PATH, S3_KEY_MAX_BYTES,
    S3_OBJECT_VERSION, SCHEDULERS, WEBSERVER_ACCESS_MODE, WORKER_REPLACEMENT_STRATEGY,
};
use crate::spec::{RawEnvironment, RawLogLevel, O, S};
use crate::versions;
use toml::Spanned;

/// Where the one-of-each rule of mw1.micro is written down.
const MICRO_SOURCE: &str = "MWAA user guide, environment-class.html: mw1.micro runs one worker and scheduler \
                            container and one web server, and \"does not support auto-scaling\"";

impl Validator {
    pub(super) fn environment(&mut self, env_s: &S<RawEnvironment>) -> Option<Environment> {
        let env = env_s.get_ref();
        let name = self.environment_name(env_s);
        let airflow_version = self.airflow_version(&env.airflow_version);
        let class =
            self.pick("environment.environment_class", &env.environment_class, &ENVIRONMENT_CLASS_VALUES, "mw1.small");
        let micro = class == MICRO_CLASS;
        let (min_workers, max_workers) = self.workers(env, micro, &class);
        let schedulers = self.micro_count("environment.schedulers", &env.schedulers, micro, &class, "scheduler");
        let min_web = self.micro_count("environment.min_webservers", &env.min_webservers, micro, &class, "web server");
        let max_web = self.micro_count("environment.max_webservers", &env.max_webservers, micro, &class, "web server");
        if max_web < min_web {
            self.min_above_max("webservers", &env.min_webservers, &env.max_webservers, min_web, max_web);
        }
        let access = self.access_mode(env, &airflow_version);
        let endpoint =
            self.pick("environment.endpoint_management", &env.endpoint_management, &ENDPOINT_MANAGEMENT, "SERVICE");
        let strategy = env.worker_replacement_strategy.as_ref().map(|_| {
            self.pick(
                "environment.worker_replacement_strategy",
                &env.worker_replacement_strategy,
                &WORKER_REPLACEMENT_STRATEGY,
                "GRACEFUL",
            )
        });
        let window = env.weekly_maintenance_window_start.as_ref().map(|w| {
            self.text(
                "environment.weekly_maintenance_window_start",
                w,
                &MAINTENANCE_WINDOW,
                "a maintenance window start",
                "write DAY:HH:MM with DAY one of MON, TUE, WED, THU, FRI, SAT, SUN, HH 00 to 23 and MM 00 or 30, e.g. \"SUN:03:30\"",
            );
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
        let options = self.airflow_options(env);
        let (logging, log_retention_days) = self.logging(env);
        let raw_log = env.logging.as_ref().map(|l| l.get_ref());
        let create_log_groups = raw_log.and_then(|l| l.create_log_groups.as_ref()).map_or(true, |c| *c.get_ref());
        if let Some(c) = raw_log.and_then(|l| l.create_log_groups.as_ref()).filter(|c| !*c.get_ref()) {
            // MWAA creates a module's group itself when it is missing, with no retention (never
            // expire) and no customer managed key: MWAA user guide, monitoring-airflow.html
            // ("Amazon MWAA creates a log group ... for each Airflow logging option you enable").
            self.warn(
                "environment.logging.create_log_groups",
                span(c),
                "MWAA creates the log groups itself: they keep their logs forever and are not encrypted with the \
                 environment's key",
                "keep create_log_groups = true for retention_days and the key, or set the retention of \
                 airflow-ENV-* after the first deploy (`aws logs put-retention-policy`)",
            );
        }
        let adopt = env.adopt.as_ref().is_some_and(|a| *a.get_ref());
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
            create_log_groups,
            adopt,
        })
    }

    fn environment_name(&mut self, env_s: &S<RawEnvironment>) -> Option<String> {
        let Some(n) = &env_s.get_ref().name else {
            self.err(
                "environment.name",
                span(env_s),
                "missing required key `name`",
                "add `name = \"my-env\"` to [environment]",
            );
            return None;
        };
        self.text(
            "environment.name",
            n,
            &ENVIRONMENT_NAME,
            "an MWAA environment name",
            "use 1 to 80 characters: a letter first, then letters, digits, '-' or '_'",
        )
        .then(|| n.get_ref().clone())
    }

    /// An offered version, the default (the newest) when none is given. Versions MWAA ran once
    /// are refused with that reason.
    fn airflow_version(&mut self, o: &O<String>) -> String {
        let Some(v) = o else { return versions::default_version().to_owned() };
        let version = v.get_ref();
        if versions::OFFERED.contains(&version.as_str()) {
            return version.clone();
        }
        let offered = versions::OFFERED.join(", ");
        let field = "environment.airflow_version";
        if versions::RETIRED.contains(&version.as_str()) {
            self.err(
                field,
                span(v),
                format!("Airflow {version} is past end of support: Amazon MWAA no longer creates environments with it"),
                format!(
                    "use a version MWAA offers for new environments: {offered} (MWAA API, CreateEnvironmentInput.AirflowVersion; \
                     user guide, airflow-versions.html)"
                ),
            );
        } else {
            let shape = match AIRFLOW_VERSION.check(version) {
                Ok(()) => String::new(),
                Err(_) => " (MWAA's AirflowVersion is 1 to 32 of 0-9, a-z and '.')".to_owned(),
            };
            // A version written with a `v` in front is the one near miss worth naming.
            let hint = version
                .strip_prefix(['v', 'V'])
                .filter(|v| versions::OFFERED.contains(v))
                .map(|m| format!("did you mean \"{m}\"? "))
                .unwrap_or_default();
            self.err(
                field,
                span(v),
                format!("Airflow version {} is not one that Amazon MWAA offers{shape}", quote(version)),
                format!("{hint}known versions: {offered} ({})", AIRFLOW_VERSION_VALUES.source),
            );
        }
        String::new()
    }

    /// Workers: 1..=25 with max >= min; on mw1.micro exactly one, which is also its default.
    fn workers(&mut self, env: &RawEnvironment, micro: bool, class: &str) -> (i64, i64) {
        if micro {
            for (field, o) in
                [("environment.min_workers", &env.min_workers), ("environment.max_workers", &env.max_workers)]
            {
                if let Some(s) = o.as_ref().filter(|s| *s.get_ref() != 1) {
                    self.err(
                        field,
                        span(s),
                        format!("{class} runs exactly 1 worker, not {}", s.get_ref()),
                        format!("set it to 1 or leave it out, or choose a larger environment_class ({MICRO_SOURCE})"),
                    );
                }
            }
            return (1, 1);
        }
        let min = self.int_rule("environment.min_workers", &env.min_workers, 1, &MIN_WORKERS);
        let max = self.int_rule("environment.max_workers", &env.max_workers, 10, &MAX_WORKERS);
        if max < min {
            self.min_above_max("workers", &env.min_workers, &env.max_workers, min, max);
        }
        (min, max)
    }

    /// An access mode of the API; `PUBLIC_AND_PRIVATE` only with an Airflow version that has it.
    fn access_mode(&mut self, env: &RawEnvironment, airflow_version: &str) -> String {
        let field = "environment.webserver_access_mode";
        let access = self.pick(field, &env.webserver_access_mode, &WEBSERVER_ACCESS_MODE, "PUBLIC_ONLY");
        let Some(feature) = versions::FEATURES.iter().find(|f| f.what.ends_with(&format!("\"{access}\""))) else {
            return access;
        };
        // An unknown version is reported on its own; judge the mode only against a known one.
        if airflow_version.is_empty() || versions::has(airflow_version, feature) {
            return access;
        }
        let [major, minor, _] = feature.since;
        let which = if env.airflow_version.is_some() { "airflow_version is" } else { "the default airflow_version is" };
        let offering = versions::offering(feature);
        let fix = if offering.is_empty() {
            "MWAA offers no such version for new environments yet: use \"PUBLIC_ONLY\" or \"PRIVATE_ONLY\"".to_owned()
        } else {
            format!("set airflow_version to one of {}, or use \"PUBLIC_ONLY\" or \"PRIVATE_ONLY\"", offering.join(", "))
        };
        self.err(
            field,
            env.webserver_access_mode.as_ref().and_then(span),
            format!("\"{access}\" needs Airflow {major}.{minor} or later, and {which} \"{airflow_version}\""),
            format!("{fix} ({})", feature.source),
        );
        access
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
                        format!("set it to 1 or leave it out, the default on mw1.micro ({MICRO_SOURCE})"),
                    );
                }
            }
            1
        } else if o.as_ref().is_some_and(|s| *s.get_ref() == 1) {
            self.err(
                field,
                o.as_ref().and_then(span),
                format!("{class} runs 2 to 5 {what}s, not 1"),
                format!(
                    "use a whole number from 2 to 5; only environment_class = \"mw1.micro\" runs exactly 1 ({})",
                    LARGER_THAN_MICRO.source
                ),
            );
            2
        } else {
            let rule = match field {
                "environment.schedulers" => SCHEDULERS,
                "environment.min_webservers" => MIN_WEBSERVERS,
                _ => MAX_WEBSERVERS,
            };
            // The model's own range is 1..=5; larger classes start at 2.
            self.int_rule(field, o, 2, &rules::Int { min: LARGER_THAN_MICRO.min, ..rule })
        }
    }

    /// A key relative to the bucket root: MWAA's RelativePath (one line, at most 1024
    /// characters) within S3's key limit, and neither absolute nor a URL.
    fn s3_path(&mut self, field: &str, p: &S<String>) {
        let s = p.get_ref();
        let problem = if s.is_empty() {
            Some("is empty".to_owned())
        } else if s.starts_with('/') {
            Some("starts with '/'".to_owned())
        } else if s.to_ascii_lowercase().starts_with("s3://") {
            Some("is an s3:// URL".to_owned())
        } else if s.len() > S3_KEY_MAX_BYTES {
            Some(format!("is longer than {S3_KEY_MAX_BYTES} bytes (S3 user guide, object-keys.html)"))
        } else if s.chars().any(char::is_control) || RELATIVE_PATH.check(s).is_err() {
            Some(format!("is not a single line of text ({})", RELATIVE_PATH.source))
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
            let id = v.get_ref();
            if path.is_none() {
                self.err(
                    &version_field,
                    span(v),
                    format!("{what}_s3_object_version is set but {what}_s3_path is not"),
                    format!("add {what}_s3_path, or remove {what}_s3_object_version"),
                );
            } else if id.is_empty()
                || id.len() > S3_KEY_MAX_BYTES
                || S3_OBJECT_VERSION.check(id).is_err()
                || id.chars().any(char::is_control)
            {
                self.err(
                    &version_field,
                    span(v),
                    format!("{} is not an S3 object version id", quote(id)),
                    format!(
                        "give the version id S3 returned for the object (1 to 1024 bytes of printable text), or leave it out \
                         ({}; documentation of StartupScriptS3ObjectVersion)",
                        S3_OBJECT_VERSION.source
                    ),
                );
            }
        }
        path.as_ref().map(|p| S3Object { path: p.get_ref().clone(), version: val(version).cloned() })
    }

    fn airflow_options(&mut self, env: &RawEnvironment) -> IndexMap<String, String> {
        let mut options = IndexMap::new();
        let Some(opts) = &env.airflow_configuration_options else { return options };
        for (k, v) in opts.get_ref() {
            let key = k.get_ref();
            let field = user_key_path("environment.airflow_configuration_options", key);
            match CONFIG_KEY.check(key) {
                Err(TextProblem::TooLong { len }) => self.err(
                    &field,
                    span(k),
                    format!("the key is {len} characters long; MWAA takes configuration keys of at most {}", CONFIG_KEY.max),
                    format!("shorten the key ({})", CONFIG_KEY.source),
                ),
                Err(_) => self.err(
                    &field,
                    span(k),
                    format!("{} is not an Airflow configuration key MWAA accepts", quote(key)),
                    format!(
                        "keys are lowercase letters, digits, '_' and '.', starting with a letter, e.g. \"core.default_task_retries\" \
                         (pattern {} of {})",
                        CONFIG_KEY.pattern.unwrap_or_default(),
                        CONFIG_KEY.source
                    ),
                ),
                Ok(()) if !is_airflow_option_key(key) => self.err(
                    &field,
                    span(k),
                    format!("{} is not an Airflow configuration key", quote(key)),
                    "write \"section.key\", e.g. \"core.default_task_retries\" (letters, digits and '_' on each side of one dot)",
                ),
                Ok(()) if key.starts_with("secrets.") => self.err(
                    &field,
                    span(k),
                    format!("{} is written by mwaagen from [secrets]", quote(key)),
                    "remove it here and add a [secrets] table (backend = \"secrets_manager\" or \"parameter_store\"): \
                     mwaagen then sets secrets.backend and secrets.backend_kwargs and grants the execution role read access",
                ),
                Ok(()) => {}
            }
            self.option_value(&field, v);
            options.insert(key.clone(), v.get_ref().clone());
        }
        options
    }

    /// MWAA's ConfigValue: 1 to 65,536 characters of printable ASCII (space to `~`).
    fn option_value(&mut self, field: &str, v: &S<String>) {
        let value = v.get_ref();
        let source = CONFIG_VALUE.source;
        match CONFIG_VALUE.check(value) {
            Ok(()) => {}
            Err(TextProblem::TooShort { .. }) => self.err(
                field,
                span(v),
                "the value is empty; MWAA takes configuration values of at least 1 character",
                format!("give a value, or remove the option to keep Airflow's default ({source})"),
            ),
            Err(TextProblem::TooLong { len }) => self.err(
                field,
                span(v),
                format!("the value is {len} characters long; MWAA takes at most {}", CONFIG_VALUE.max),
                format!("shorten the value ({source})"),
            ),
            Err(TextProblem::Pattern) => {
                let c = value.chars().find(|c| !(' '..='~').contains(c)).unwrap_or(' ');
                if c.is_control() {
                    self.err(
                        field,
                        span(v),
                        format!("the value contains the control character {c:?}"),
                        format!(
                            "Airflow configuration values are single-line text: remove line breaks, tabs and other control \
                             characters ({source}: printable ASCII)"
                        ),
                    );
                } else {
                    self.err(
                        field,
                        span(v),
                        format!("the value contains {c:?}, which is not printable ASCII"),
                        format!("MWAA takes configuration values of the characters space to '~' only ({source})"),
                    );
                }
            }
        }
    }

    /// The five modules' levels (kept when off) and the retention of their log groups.
    fn logging(&mut self, env: &RawEnvironment) -> (Vec<ModuleLogging>, i64) {
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
            let field = format!("environment.logging.{module}");
            let (level, enabled) = match o.map(|s| (s.get_ref(), span(s))) {
                None => ("INFO".to_owned(), true),
                Some((RawLogLevel::Level(l), sp)) => {
                    let given = sp.map(|sp| Spanned::new(sp, l.clone()));
                    let level = self.pick(&field, &given, &LOGGING_LEVEL, "INFO");
                    if level == "off" {
                        ("INFO".to_owned(), false)
                    } else {
                        (level, true)
                    }
                }
                Some((RawLogLevel::Table { level, enabled }, sp)) => {
                    // The table form is MWAA's own ModuleLoggingConfigurationInput: LogLevel is one
                    // of LoggingLevel's values ("off" is mwaagen's shorthand, not a level).
                    let level = match level {
                        None => {
                            self.err(
                                &format!("{field}.level"),
                                sp,
                                "the table has no `level`",
                                "write { level = \"WARNING\", enabled = false }: the level the module keeps while off",
                            );
                            "INFO".to_owned()
                        }
                        Some(l) if LOGGING_LEVEL.values.contains(&l.as_str()) && l != "off" => l.clone(),
                        Some(l) => {
                            self.err(
                                &format!("{field}.level"),
                                sp,
                                format!("{} is not a log level", quote(l)),
                                format!("use one of CRITICAL, ERROR, WARNING, INFO, DEBUG ({})", LOGGING_LEVEL.source),
                            );
                            "INFO".to_owned()
                        }
                    };
                    (level, enabled.unwrap_or(true))
                }
            };
            logging.push(ModuleLogging { module: (*module).to_owned(), level, enabled });
        }
        let retention = match raw_log.and_then(|l| l.retention_days.as_ref()) {
            None => 365,
            Some(d) if LOG_RETENTION.values.contains(d.get_ref()) => *d.get_ref(),
            Some(d) => {
                self.err(
                    "environment.logging.retention_days",
                    span(d),
                    format!("{} days is not a retention CloudWatch Logs allows", d.get_ref()),
                    format!(
                        "use one of {} ({})",
                        LOG_RETENTION.values.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                        LOG_RETENTION.source
                    ),
                );
                365
            }
        };
        (logging, retention)
    }
}
