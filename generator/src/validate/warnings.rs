//! Warnings that span spec sections: legal specs that will likely fail or surprise at deploy
//! time. They run only on a valid spec, on its validated [`Config`] (warnings of one section
//! alone are raised where that section is validated).

use crate::model::{Bucket, Config, Network, Routing};
use crate::spec::{RawEnvironment, RawSpec, O};

use super::{span, Validator};

pub(super) fn check(v: &mut Validator, raw: &RawSpec, config: &Config) {
    let Some(env) = raw.environment.as_ref().map(|e| e.get_ref()) else { return };
    if config.monitoring.is_some() {
        alarmed_metrics_off(v, env, config);
    }
    if matches!(config.bucket, Bucket::Created { .. }) {
        objects_in_a_new_bucket(v, env);
    }
    if let Network::Created { routing: Routing::Private, .. } = config.network {
        if let Some(p) = &env.requirements_s3_path {
            v.warn(
                "environment.requirements_s3_path",
                span(p),
                "with routing = \"private\" the environment has no internet, so pip cannot reach PyPI for requirements.txt",
                "ship the packages as wheels inside plugins.zip and let requirements.txt install only from them \
                 (`--find-links /usr/local/airflow/plugins` and `--no-index`), or use a repository reachable inside \
                 the VPC, such as CodeArtifact through a VPC endpoint (MWAA user guide, best-practices-dependencies.html, \
                 \"Option two: Python wheels\", \"Using the plugins.zip file on an Amazon S3 bucket\", and \"Option three\")",
            );
        }
        if config.environment.webserver_access_mode == "PUBLIC_ONLY" {
            let at = env
                .webserver_access_mode
                .as_ref()
                .and_then(span)
                .or_else(|| raw.network.as_ref().and_then(|n| n.get_ref().routing.as_ref()).and_then(span));
            v.warn(
                "environment.webserver_access_mode",
                at,
                "routing = \"private\" with a PUBLIC_ONLY web server",
                "the user guide's network without internet is for the private access mode (vpc-create.html, option \
                 three: \"with the Private network access mode only\"): set webserver_access_mode = \"PRIVATE_ONLY\", or keep PUBLIC_ONLY knowing \
                 that the Airflow UI is public while the environment has no internet",
            );
        }
    }
}

/// One S3 object of the environment: its name in field paths, in words, its path and version
/// fields, and the deploy-time parameter that can carry its version instead.
type ObjectFields<'a> = (&'static str, &'static str, &'a O<String>, &'a O<String>, &'static str);

/// Plugins, requirements and the startup script are read by MWAA while it creates the
/// environment, from a bucket that, here, the same deployment creates: empty, with no object
/// versions yet (S3 assigns a version id on upload: S3 user guide, versioning-workflows.html).
fn objects_in_a_new_bucket(v: &mut Validator, env: &RawEnvironment) {
    let objects: [ObjectFields<'_>; 3] = [
        ("plugins", "plugins.zip", &env.plugins_s3_path, &env.plugins_s3_object_version, "PluginsS3ObjectVersion"),
        (
            "requirements",
            "requirements.txt",
            &env.requirements_s3_path,
            &env.requirements_s3_object_version,
            "RequirementsS3ObjectVersion",
        ),
        (
            "startup_script",
            "the startup script",
            &env.startup_script_s3_path,
            &env.startup_script_s3_object_version,
            "StartupScriptS3ObjectVersion",
        ),
    ];
    for (what, file, path, version, parameter) in objects {
        let Some(path) = path else { continue };
        match version {
            Some(ver) => v.warn(
                &format!("environment.{what}_s3_object_version"),
                span(ver),
                "pinned in the bucket this spec creates, which holds no object version on the first deploy",
                format!(
                    "deploy in two steps: first without {what}_s3_path and {what}_s3_object_version (this creates the \
                     bucket), upload {file} and take the version id S3 returns, then set both and deploy again; or leave \
                     the version out here and pass it at deploy time (CloudFormation parameter {parameter}, Terraform \
                     variable {what}_s3_object_version)"
                ),
            ),
            None => v.warn(
                &format!("environment.{what}_s3_path"),
                span(path),
                format!("MWAA reads {file} while it creates the environment, from the bucket this same deploy creates"),
                format!(
                    "deploy in two steps: first without {what}_s3_path (this creates the bucket), upload {file}, then set \
                     {what}_s3_path and deploy again; or use a bucket that already holds it (bucket.existing_arn)"
                ),
            ),
        }
    }
}

/// The Airflow options that decide which StatsD metrics Airflow sends (Airflow configuration
/// reference, `[metrics]`: `statsd_on`; `metrics_allow_list` / `metrics_block_list`, comma-separated
/// prefixes of metric names, named `statsd_allow_list` / `statsd_block_list` before Airflow 2.6;
/// MWAA user guide, access-metrics-cw, "Choosing which metrics are reported").
const ALLOW_LISTS: &[&str] = &["metrics.metrics_allow_list", "metrics.statsd_allow_list"];
const BLOCK_LISTS: &[&str] = &["metrics.metrics_block_list", "metrics.statsd_block_list"];

/// `[monitoring]` alarms on metrics that the spec's Airflow options stop: with `metrics.statsd_on`
/// false Airflow sends none, so the heartbeat alarm (missing data = breaching) stays in ALARM and
/// the others never fire; an allow list without an alarmed metric's prefix, or a block list with
/// one, does the same to that metric.
fn alarmed_metrics_off(v: &mut Validator, env: &RawEnvironment, config: &Config) {
    let options = &config.environment.airflow_configuration_options;
    let key_span = |name: &str| {
        env.airflow_configuration_options
            .as_ref()
            .and_then(|m| m.get_ref().iter().find(|(k, _)| k.get_ref() == name))
            .and_then(|(_, value)| span(value))
    };
    let alarmed = crate::lower::monitoring::ALARMED_METRICS;
    let field = |key: &str| crate::diagnostics::user_key_path("environment.airflow_configuration_options", key);
    if let Some(on) = options.get("metrics.statsd_on").filter(|on| on.trim().eq_ignore_ascii_case("false")) {
        v.warn(
            &field("metrics.statsd_on"),
            key_span("metrics.statsd_on"),
            format!("metrics.statsd_on = \"{on}\" stops every Airflow metric, and [monitoring] alarms on them"),
            "the scheduler-heartbeat alarm treats missing data as breaching, so it stays in ALARM for good, and the \
             other alarms never fire; remove metrics.statsd_on (MWAA sets it on: user guide, access-metrics-cw), or \
             remove [monitoring]",
        );
        return;
    }
    let prefixes = |keys: &[&'static str]| {
        keys.iter().find_map(|k| {
            options.get(*k).map(|list| {
                let items: Vec<String> =
                    list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
                (*k, items)
            })
        })
    };
    let stopped = |items: &[String], allow: bool| -> Vec<&str> {
        alarmed
            .iter()
            .filter(|(_, metric)| items.iter().any(|p| metric.starts_with(p.as_str())) != allow)
            .map(|(cw, _)| *cw)
            .collect()
    };
    let mut report = |key: &str, missing: Vec<&str>, how: &str| {
        if missing.is_empty() {
            return;
        }
        let airflow: Vec<&str> =
            alarmed.iter().filter(|(cw, _)| missing.contains(cw)).map(|(_, metric)| *metric).collect();
        v.warn(
            &field(key),
            key_span(key),
            format!("{key} {how} {}, which [monitoring] alarms on", missing.join(", ")),
            format!(
                "Airflow then sends no {} (the lists hold prefixes of StatsD metric names), so {}; {} (user guide, \
                 access-metrics-cw, \"Choosing which metrics are reported\")",
                airflow.join(", "),
                if missing.contains(&"SchedulerHeartbeat") {
                    "the scheduler-heartbeat alarm (missing data = breaching) stays in ALARM for good"
                } else {
                    "an alarm on it never fires"
                },
                if how == "leaves out" {
                    format!("add {} to the list", airflow.join(","))
                } else {
                    "take them out of the list".to_owned()
                }
            ),
        );
    };
    if let Some((key, items)) = prefixes(ALLOW_LISTS) {
        report(key, stopped(&items, true), "leaves out");
    }
    if let Some((key, items)) = prefixes(BLOCK_LISTS) {
        report(key, stopped(&items, false), "blocks");
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Source;

    fn warned(options: &str, monitoring: bool) -> Vec<String> {
        let text = format!(
            "version = 1\n[environment]\nname = \"e\"\n[environment.airflow_configuration_options]\n{options}\n{}",
            if monitoring { "[monitoring]\nalarm_emails = [\"a@example.com\"]\n" } else { "" }
        );
        let source = Source::from_bytes("t.toml", text.as_bytes());
        let compiled = crate::compile_with_warnings(&source).unwrap_or_else(|d| panic!("{}", d.render(&source)));
        compiled.warnings.0.iter().map(|d| d.field.clone()).filter(|f| f.contains("metrics.")).collect()
    }

    #[test]
    fn only_options_that_stop_an_alarmed_metric_warn() {
        // Every alarmed metric kept: no warning; the same lists without [monitoring]: none.
        assert!(warned("\"metrics.metrics_allow_list\" = \"scheduler,executor,dag_processing\"", true).is_empty());
        assert!(warned("\"metrics.metrics_block_list\" = \"ti,dagrun\"", true).is_empty());
        assert!(warned("\"metrics.statsd_on\" = \"True\"", true).is_empty());
        assert!(warned("\"metrics.statsd_on\" = \"False\"", false).is_empty());
        // The older names count too.
        assert_eq!(warned("\"metrics.statsd_allow_list\" = \"scheduler\"", true).len(), 1);
        assert_eq!(warned("\"metrics.statsd_on\" = \"false\"", true).len(), 1);
    }
}
