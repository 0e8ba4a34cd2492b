//! `[environment]`: the MWAA environment's own settings, its S3 objects, options and logging.

use indexmap::IndexMap;

use super::aws::{is_airflow_option_key, is_env_name, is_maintenance_window};
use super::{span, val, Validator};
use crate::diagnostics::{quote, user_key_path};
use crate::model::{
    Environment, S3Object, AIRFLOW_VERSIONS, ENVIRONMENT_CLASSES, LOG_LEVELS, LOG_MODULES, LOG_RETENTION_DAYS,
};
use crate::spec::{O, S};

impl Validator {
    pub(super) fn environment(&mut self, env_s: &S<crate::spec::RawEnvironment>) -> Option<Environment> {
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
}
