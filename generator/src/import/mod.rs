//! `mwaagen import FILE.json`: a spec from what `aws mwaa get-environment --name NAME` prints.
//!
//! The input is botocore's `GetEnvironmentOutput` shape (MWAA API 2020-07-01, botocore 1.44.8):
//! `{"Environment": {...}}`. The spec written describes that environment with what it runs in
//! brought as it is (`existing_*`: subnets, security groups, bucket, role, key) and every setting
//! the API reports: class, workers, schedulers, web servers, versions, S3 paths and object
//! versions, Airflow options (the secrets backend as `[secrets]`), logging, tags, access mode,
//! endpoint management, maintenance window. What a spec cannot carry is said in its comments.

pub mod json;
mod read;
mod write;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Source};

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
    let mut r = read::Reader { text: &source.text, diags: Vec::new() };
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
    // boto3 users dump `resp["Environment"]`: the Environment object alone, read as if wrapped.
    if doc.get("Environment").is_none() && doc.get("Name").is_some() && doc.get("Arn").is_some() {
        const PREFIX: &str = "{\"Environment\": ";
        let wrapped = Source::from_text(source.name.clone(), format!("{PREFIX}{}}}", source.text).as_str());
        let shift = |d: Diagnostic| Diagnostic {
            span: d.span.map(|s| s.start.saturating_sub(PREFIX.len())..s.end.saturating_sub(PREFIX.len())),
            ..d
        };
        return import(&wrapped, vpc_id).map_err(|d| Diagnostics(d.0.into_iter().map(shift).collect()));
    }
    let Some(env) = doc.get("Environment").and_then(Value::as_object) else {
        let help = if doc.get("Environments").is_some() {
            "this is the output of `aws mwaa list-environments`: run `aws mwaa get-environment --name NAME` for one of them"
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
    match r.read(env) {
        Some(found) if r.diags.is_empty() => {
            Ok(Imported { spec: write::spec(&found, vpc_id), name: found.name, vpc_placeholder: vpc_id.is_none() })
        }
        _ => {
            let mut d = Diagnostics(r.diags);
            d.sort();
            Err(d)
        }
    }
}

/// The imported spec with a comment above each line that holds a value validation refuses: the
/// live environment has it (a version MWAA no longer offers, ...), and the user must choose
/// another. `diags` are those of compiling `spec` itself.
#[must_use]
pub fn mark_refused(spec: &str, diags: &Diagnostics) -> String {
    let mut notes: std::collections::BTreeMap<usize, Vec<String>> = std::collections::BTreeMap::new();
    for d in &diags.0 {
        let at = d.span.as_ref().map_or(0, |s| s.start);
        let line = spec[..at.min(spec.len())].matches('\n').count();
        let mut note = format!("# CHOOSE: the live value of {} is refused: {}", d.field, d.message);
        if let Some(help) = &d.help {
            note.push_str(&format!(" ({help})"));
        }
        notes.entry(line).or_default().push(note.replace('\n', " "));
    }
    let mut out = String::new();
    for (i, line) in spec.split_inclusive('\n').enumerate() {
        for n in notes.get(&i).into_iter().flatten() {
            out.push_str(n);
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The byte offset of a 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len().saturating_sub(1))
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
}
