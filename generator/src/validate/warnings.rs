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
    brownfield(v, raw, env, config);
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

/// The warnings of an existing estate: the UI, the shared VPC, a field without effect.
fn brownfield(v: &mut Validator, raw: &RawSpec, env: &RawEnvironment, config: &Config) {
    private_ui_out_of_reach(v, raw, env, config);
    shared_vpc_endpoints(v, raw, env, config);
    if config.create_customer_endpoints && config.environment.endpoint_management != "CUSTOMER" {
        if let Some(c) = raw.network.as_ref().and_then(|n| n.get_ref().create_customer_endpoints.as_ref()) {
            v.warn(
                "network.create_customer_endpoints",
                span(c),
                "create_customer_endpoints has no effect with endpoint_management = \"SERVICE\"",
                "MWAA creates its endpoints itself with SERVICE; remove this, or set endpoint_management = \"CUSTOMER\"",
            );
        }
    }
}

/// PRIVATE_ONLY in a VPC the spec creates, with no way in: the web server's endpoint admits the
/// environment's security groups only (MWAA user guide, vpc-security.html), and a new VPC has no
/// VPN or peering yet, so no browser can reach the UI (configuring-networking.html, "Private
/// network": "you need to configure a mechanism for accessing the web server").
fn private_ui_out_of_reach(v: &mut Validator, raw: &RawSpec, env: &RawEnvironment, config: &Config) {
    let new_vpc = matches!(config.network, Network::Created { existing_vpc: None, .. });
    let sg = &config.security_group;
    if config.environment.webserver_access_mode != "PRIVATE_ONLY"
        || !new_vpc
        || !sg.web_ingress.is_empty()
        || sg.additional_ids.lit().map_or(true, |ids| !ids.is_empty())
    {
        return;
    }
    let at = env
        .webserver_access_mode
        .as_ref()
        .and_then(span)
        .or_else(|| raw.network.as_ref().and_then(|n| n.get_ref().routing.as_ref()).and_then(span));
    v.warn(
        "environment.webserver_access_mode",
        at,
        "no one outside the VPC this spec creates can reach the PRIVATE_ONLY web server",
        "name who may reach it on HTTPS: network.security_group.web_ingress_cidrs (a VPN or peered network), \
         web_ingress_prefix_list_ids or web_ingress_security_group_ids (a bastion's group), and connect that network \
         to the VPC (MWAA user guide, configuring-networking.html, \"Private network\")",
    );
}

/// CUSTOMER endpoints in an existing VPC, `create_customer_endpoints` not written: in a shared VPC
/// only the VPC's owner may create the endpoints (MWAA user guide, vpc-endpoint-management.html:
/// "a principal acting on behalf of Owner creates the required endpoints").
fn shared_vpc_endpoints(v: &mut Validator, raw: &RawSpec, env: &RawEnvironment, config: &Config) {
    let net = raw.network.as_ref().map(|n| n.get_ref());
    let existing = matches!(config.network, Network::Existing { .. } | Network::Created { existing_vpc: Some(_), .. });
    if config.environment.endpoint_management != "CUSTOMER"
        || !existing
        || net.is_some_and(|n| n.create_customer_endpoints.is_some())
    {
        return;
    }
    v.warn(
        "network.create_customer_endpoints",
        env.endpoint_management.as_ref().and_then(span),
        "the stack creates the environment's VPC endpoints in an existing VPC",
        "in a shared VPC only its owner may create them, and the deploy fails: there, set \
         network.create_customer_endpoints = false and give the owner the two endpoint services of the outputs \
         (docs/endpoints.md); in your own VPC, write create_customer_endpoints = true",
    );
}

/// The Airflow options that decide which metrics reach CloudWatch. MWAA forces Airflow's own
/// `[metrics]` settings on and hands the customer's `statsd_on`, `metrics_allow_list` and
/// `metrics_block_list` (only these) to the sidecar that publishes the metrics to CloudWatch
/// (MWAA's image, aws/amazon-mwaa-docker-images, images/airflow/3.0.6/python/mwaa/config/airflow.py;
/// user guide, access-metrics-cw, "Choosing which metrics are reported"). The lists are comma
/// separated patterns matched against the StatsD names, and a block list is ignored when an allow
/// list is set (Airflow configuration reference, `[metrics] metrics_allow_list`,
/// `metrics_block_list`).
const ALLOW_LIST: &str = "metrics.metrics_allow_list";
const BLOCK_LIST: &str = "metrics.metrics_block_list";

/// `[monitoring]` alarms on metrics that the spec's Airflow options stop: with `metrics.statsd_on`
/// false none is published, so the heartbeat alarm (missing data = breaching) stays in ALARM and
/// the others never fire; an allow list that matches no alarmed metric's name, or a block list
/// that starts one, does the same to that metric. Only what surely stops a metric warns: an allow
/// list item matches where it matches anywhere in the name as a regular expression (or, when it is
/// not one, as text), a block list item only where the name starts with it.
fn alarmed_metrics_off(v: &mut Validator, env: &RawEnvironment, config: &Config) {
    let options = &config.environment.airflow_configuration_options;
    let value_span = |name: &str| {
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
            value_span("metrics.statsd_on"),
            format!("metrics.statsd_on = \"{on}\" stops every Airflow metric, and [monitoring] alarms on them"),
            "MWAA then publishes no Airflow metric to CloudWatch: the scheduler-heartbeat alarm treats missing data \
             as breaching, so it stays in ALARM for good, and the other alarms never fire; remove \
             metrics.statsd_on, or remove [monitoring] (user guide, access-metrics-cw)",
        );
        return;
    }
    let items = |key: &str| -> Option<Vec<String>> {
        options
            .get(key)
            .map(|list| list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect())
    };
    let mut report = |key: &str, stopped: Vec<(&str, &str)>, how: &str| {
        if stopped.is_empty() {
            return;
        }
        let cw: Vec<&str> = stopped.iter().map(|(c, _)| *c).collect();
        let statsd: Vec<&str> = stopped.iter().map(|(_, m)| *m).collect();
        v.warn(
            &field(key),
            value_span(key),
            format!("{key} {how} {}, which [monitoring] alarms on", cw.join(", ")),
            format!(
                "MWAA then publishes no {} to CloudWatch, so {}; {} (user guide, access-metrics-cw, \"Choosing which \
                 metrics are reported\")",
                statsd.join(", "),
                if cw.contains(&"SchedulerHeartbeat") {
                    "the scheduler-heartbeat alarm (missing data = breaching) stays in ALARM for good"
                } else {
                    "an alarm on it never fires"
                },
                if how == "leaves out" {
                    format!("add {} to the list", statsd.join(","))
                } else {
                    "take them out of the list".to_owned()
                }
            ),
        );
    };
    if let Some(allow) = items(ALLOW_LIST) {
        let matches = |pattern: &str, name: &str| {
            regex::Regex::new(pattern).map_or_else(|_| name.contains(pattern), |re| re.is_match(name))
        };
        let stopped = alarmed.iter().copied().filter(|(_, m)| !allow.iter().any(|p| matches(p, m))).collect();
        report(ALLOW_LIST, stopped, "leaves out");
    } else if let Some(block) = items(BLOCK_LIST) {
        let stopped =
            alarmed.iter().copied().filter(|(_, m)| block.iter().any(|p| m.starts_with(p.as_str()))).collect();
        report(BLOCK_LIST, stopped, "blocks");
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
        // Patterns match anywhere in the name; a block list is ignored beside an allow list.
        assert!(warned("\"metrics.metrics_allow_list\" = \"heartbeat|tasks,import_errors\"", true).is_empty());
        let both = "\"metrics.metrics_allow_list\" = \"scheduler,executor,dag_processing\"\n\"metrics.metrics_block_list\" = \"scheduler\"";
        assert!(warned(both, true).is_empty());
        // Only the names MWAA's sidecar reads count (not the pre-2.6 statsd_allow_list).
        assert!(warned("\"metrics.statsd_allow_list\" = \"ti\"", true).is_empty());
        assert_eq!(warned("\"metrics.statsd_on\" = \"false\"", true).len(), 1);
        assert_eq!(warned("\"metrics.metrics_allow_list\" = \"^scheduler,^executor\"", true).len(), 1);
    }
}
