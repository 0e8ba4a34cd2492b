//! `[secrets]`: Airflow reads connections, variables (and optionally configuration) from AWS
//! Secrets Manager or Systems Manager Parameter Store.
//!
//! Three things follow from the table: the two Airflow options that select the backend, read
//! access for the execution role scoped to the prefixes, and (under private routing) the
//! interface endpoint of the backend's service (lower/endpoints.rs).
//!
//! Sources:
//! - The backends are the Amazon provider's, which every Airflow version MWAA offers ships
//!   (2.x and 3.x alike): `airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend`
//!   and `airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend`
//!   (apache/airflow, providers/amazon/.../aws/secrets/). The MWAA user guide configures them
//!   with `secrets.backend` and `secrets.backend_kwargs` (connections-secrets-manager.html).
//! - Secrets Manager: the guide's execution-role policy for it (mwaa-create-role.html, "Attaching
//!   a JSON policy to use other AWS services") allows `GetResourcePolicy`, `GetSecretValue`,
//!   `DescribeSecret` and `ListSecretVersionIds`, on `*`; here the same four actions are scoped to
//!   `secret:PREFIX/*` of each prefix (the backend looks up `PREFIX/ID`; IAM's `secret` ARN ends
//!   in a random suffix, which the trailing `*` covers).
//! - Parameter Store: the backend calls only `ssm:GetParameter` (`WithDecryption`) on
//!   `/PREFIX/ID`, adding the leading slash itself; a parameter's ARN omits it
//!   (`parameter/PREFIX/*`, IAM resource type `parameter`).
//! - Secrets or parameters under customer managed keys need `kms:Decrypt` on those keys, through
//!   the backend's service only (`kms:ViaService`).

use super::policy::{condition, statement};
use crate::ir::Expr;
use crate::model::{Secrets, SecretsBackend};

/// The Airflow option naming the backend class, and the option holding its arguments.
pub(super) const BACKEND_OPTION: &str = "secrets.backend";
pub(super) const KWARGS_OPTION: &str = "secrets.backend_kwargs";

/// The Amazon provider's backend class for `backend`.
pub(super) fn backend_class(backend: SecretsBackend) -> &'static str {
    match backend {
        SecretsBackend::SecretsManager => "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
        SecretsBackend::ParameterStore => {
            "airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend"
        }
    }
}

/// The service prefix (IAM, endpoint, `kms:ViaService`) of a backend.
fn service(backend: SecretsBackend) -> &'static str {
    match backend {
        SecretsBackend::SecretsManager => "secretsmanager",
        SecretsBackend::ParameterStore => "ssm",
    }
}

/// The two Airflow options mwaagen writes for `[secrets]`, in this order.
///
/// `config_prefix` is written as `null` when the spec sets none: both backends otherwise default
/// to `airflow/config`, a prefix the execution role may not read.
pub(super) fn airflow_options(s: &Secrets) -> [(String, String); 2] {
    let json = |v: &str| serde_json::Value::String(v.to_owned()).to_string();
    let config = s.config_prefix.as_deref().map_or_else(|| "null".to_owned(), json);
    let kwargs = format!(
        "{{\"connections_prefix\": {}, \"variables_prefix\": {}, \"config_prefix\": {config}}}",
        json(&s.connections_prefix),
        json(&s.variables_prefix)
    );
    [(BACKEND_OPTION.to_owned(), backend_class(s.backend).to_owned()), (KWARGS_OPTION.to_owned(), kwargs)]
}

/// The prefixes the backend reads, in spec order: connections, variables, and config when set.
fn prefixes(s: &Secrets) -> Vec<&str> {
    let mut v = vec![s.connections_prefix.as_str(), s.variables_prefix.as_str()];
    v.extend(s.config_prefix.as_deref());
    v
}

/// The ARN pattern of everything under `prefix` for `backend`.
pub(super) fn prefix_arn(backend: SecretsBackend, prefix: &str) -> Expr {
    let base = "arn:${AWS::Partition}";
    let scope = "${AWS::Region}:${AWS::AccountId}";
    match backend {
        // The backend strips a trailing `/` and looks up `PREFIX/ID` as the secret's name.
        SecretsBackend::SecretsManager => {
            Expr::sub(&format!("{base}:secretsmanager:{scope}:secret:{}/*", prefix.trim_end_matches('/')))
        }
        // `/PREFIX/ID` as the parameter's name; the ARN has no second slash.
        SecretsBackend::ParameterStore => {
            Expr::sub(&format!("{base}:ssm:{scope}:parameter/{}/*", prefix.trim_matches('/')))
        }
    }
}

/// The execution policy's statements for `[secrets]` (none without the table).
pub(super) fn statements(secrets: Option<&Secrets>) -> Vec<Expr> {
    let Some(s) = secrets else { return Vec::new() };
    let resources = Expr::List(prefixes(s).into_iter().map(|p| prefix_arn(s.backend, p)).collect());
    let mut out = vec![match s.backend {
        SecretsBackend::SecretsManager => statement(
            "ReadAirflowSecrets",
            "Allow",
            None,
            Expr::strs([
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
                "secretsmanager:ListSecretVersionIds",
            ]),
            Some(("Resource", resources)),
            None,
        ),
        SecretsBackend::ParameterStore => statement(
            "ReadAirflowParameters",
            "Allow",
            None,
            Expr::strs(["ssm:GetParameter"]),
            Some(("Resource", resources)),
            None,
        ),
    }];
    if !s.kms_key_arns.is_empty() {
        out.push(statement(
            "DecryptAirflowSecrets",
            "Allow",
            None,
            Expr::strs(["kms:Decrypt"]),
            Some(("Resource", Expr::strs(s.kms_key_arns.iter().cloned()))),
            Some(condition(
                "StringEquals",
                "kms:ViaService",
                Expr::List(vec![Expr::sub(&format!("{}.${{AWS::Region}}.amazonaws.com", service(s.backend)))]),
            )),
        ));
    }
    out
}

/// The interface endpoint the backend needs without internet access: (logical id prefix, service
/// after `com.amazonaws.REGION.`).
pub(super) fn endpoint(secrets: Option<&Secrets>) -> Option<(&'static str, &'static str)> {
    Some(match secrets?.backend {
        SecretsBackend::SecretsManager => ("SecretsManager", "secretsmanager"),
        SecretsBackend::ParameterStore => ("Ssm", "ssm"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(backend: SecretsBackend, config: Option<&str>) -> Secrets {
        Secrets {
            backend,
            connections_prefix: "airflow/connections".into(),
            variables_prefix: "/airflow/variables/".into(),
            config_prefix: config.map(str::to_owned),
            kms_key_arns: Vec::new(),
        }
    }

    #[test]
    fn kwargs_are_json_with_config_prefix_null_unless_set() {
        let [(k1, v1), (k2, v2)] = airflow_options(&secrets(SecretsBackend::SecretsManager, None));
        assert_eq!((k1.as_str(), v1.as_str()), (BACKEND_OPTION, backend_class(SecretsBackend::SecretsManager)));
        assert_eq!(k2, KWARGS_OPTION);
        let parsed: serde_json::Value = serde_json::from_str(&v2).expect("JSON");
        assert_eq!(
            parsed,
            serde_json::json!({"connections_prefix": "airflow/connections",
                               "variables_prefix": "/airflow/variables/", "config_prefix": null})
        );
        let [_, (_, v)] = airflow_options(&secrets(SecretsBackend::ParameterStore, Some("a\"b")));
        let parsed: serde_json::Value = serde_json::from_str(&v).expect("JSON");
        assert_eq!(parsed["config_prefix"], "a\"b");
    }

    #[test]
    fn prefixes_become_the_arns_each_backend_looks_up() {
        let sub = |e: Expr| match e {
            Expr::Sub(parts) => crate::render::cfn::sub_template(&parts),
            other => format!("{other:?}"),
        };
        assert_eq!(
            sub(prefix_arn(SecretsBackend::SecretsManager, "airflow/connections/")),
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:airflow/connections/*"
        );
        assert_eq!(
            sub(prefix_arn(SecretsBackend::ParameterStore, "/airflow/variables")),
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/airflow/variables/*"
        );
    }

    #[test]
    fn decrypt_only_with_keys_and_only_through_the_backend() {
        assert_eq!(statements(None).len(), 0);
        let mut s = secrets(SecretsBackend::ParameterStore, None);
        assert_eq!(statements(Some(&s)).len(), 1);
        s.kms_key_arns.push("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into());
        let st = statements(Some(&s));
        let text = format!("{:?}", st[1]);
        assert!(text.contains("kms:Decrypt") && text.contains("kms:ViaService") && text.contains("ssm."), "{text}");
    }
}
