//! Writing the spec of an imported environment: TOML text with a comment wherever the spec cannot
//! carry what get-environment reports, or where a value has to be looked up elsewhere.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::read::Found;
use super::{SECRETS_BACKENDS, VPC_PLACEHOLDER};

/// A TOML basic string on one line (also valid as a quoted key): quotes, backslashes and control
/// characters escaped (TOML 1.0, "String").
fn toml_str(s: &str) -> String {
    crate::quote::double_quoted(s, char::is_control, crate::quote::Hex::Upper)
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

/// The spec text of an environment.
pub(super) fn spec(f: &Found, vpc_id: Option<&str>) -> String {
    let Found {
        name,
        arn,
        bucket,
        role,
        subnets,
        groups,
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
    } = f;
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
        comment(name),
        arn.as_deref().map(|a| format!(" ({})", comment(a))).unwrap_or_default()
    );
    let _ =
        writeln!(w, "# It describes that environment with what it runs in brought as it is (subnets, security groups,");
    let _ = writeln!(w, "# bucket, role, key) and every setting. `adopt = true`: the first deploy imports the live");
    let _ = writeln!(w, "# environment and its log groups instead of creating them (docs/operations.md, \"Adopting a");
    let _ = writeln!(w, "# live environment\").");

    if !not_carried.is_empty() {
        let _ = writeln!(w, "#\n# Not carried into the spec:");
        for n in not_carried {
            let _ = writeln!(w, "# - {}", comment(n));
        }
    }
    let _ = writeln!(w, "version = 1\n\n[environment]");
    let _ = writeln!(w, "name = {}", toml_str(name));
    let _ = writeln!(w, "# The environment and its log groups exist: the output imports them (remove once deployed).");
    let _ = writeln!(w, "adopt = true");
    for (field, v) in [("airflow_version", &version), ("environment_class", &class)] {
        if let Some(v) = v {
            let _ = writeln!(w, "{field} = {}", toml_str(v));
        }
    }
    for (field, v) in ints {
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
        let _ =
            writeln!(w, "# The strategy of the environment's last update (LastUpdate); it applies to updates only.");
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
    for (field, path, version) in objects {
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
    let secrets = secrets_of(options);
    let plain: Vec<&(String, String)> = options.iter().filter(|(k, _)| !(k.starts_with("secrets."))).collect();
    if !plain.is_empty() {
        let _ = writeln!(w, "\n[environment.airflow_configuration_options]");
        for (k, v) in &plain {
            let _ = writeln!(w, "{} = {}", toml_str(k), toml_str(v));
        }
    }

    let _ = writeln!(w, "\n[environment.logging]");
    for (module, level) in levels {
        match level {
            Some((l, true)) => {
                let _ = writeln!(w, "{module} = {}", toml_str(l));
            }
            // Off, keeping the level the live environment has for it.
            Some((l, false)) => {
                let _ = writeln!(w, "{module} = {{ level = {}, enabled = false }}", toml_str(l));
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
        comment(name)
    );

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
            let _ =
                writeln!(w, "# and write it here (or import again with --vpc-id): mwaagen refuses this placeholder.");
            let _ = writeln!(w, "existing_vpc_id = {}", toml_str(VPC_PLACEHOLDER));
        }
    }
    let _ = writeln!(w, "existing_private_subnet_ids = {}", toml_list(subnets));
    let _ = writeln!(w, "\n[network.security_group]");
    let _ = writeln!(w, "# Exactly the live environment's groups: mwaagen creates none of its own (create = false).");
    let _ = writeln!(w, "create = false");
    let _ = writeln!(w, "additional_ids = {}", toml_list(groups));

    let _ = writeln!(w, "\n[bucket]\nexisting_arn = {}", toml_str(bucket));

    let _ = writeln!(w, "\n[kms]");
    match key.as_deref() {
        None => {
            let _ = writeln!(w, "key = \"aws_owned\"");
        }
        Some(k) if is_uuid(k) || k.starts_with("key/") => {
            let id = k.trim_start_matches("key/");
            match (partition, region, account) {
                (Some(p), Some(r), Some(a)) => {
                    let _ =
                        writeln!(w, "# get-environment reported the key by its id, {}; this is its ARN.", comment(k));
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

    let _ = writeln!(w, "\n[execution_role]\nexisting_arn = {}", toml_str(role));

    let _ = writeln!(
        w,
        "\n# [[web_access]]: who may open the Airflow UI is granted by IAM policies, not by the environment,"
    );
    let _ =
        writeln!(w, "# so get-environment does not report it: add a [[web_access]] table per Airflow role to grant.");

    if let Some(s) = &secrets {
        let _ = writeln!(w, "\n[secrets]");
        let _ = writeln!(w, "# From the secrets.backend and secrets.backend_kwargs options.");
        let _ = writeln!(w, "backend = {}", toml_str(s.backend));
        for (field, v) in &s.prefixes {
            let _ = writeln!(w, "{field} = {}", toml_str(v));
        }
        let _ =
            writeln!(w, "# kms_key_arns: get-environment does not say which keys encrypt the secrets; add them here.");
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
    out
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
