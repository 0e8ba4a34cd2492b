//! `[secrets]`: Airflow reads connections and variables from AWS Secrets Manager or SSM
//! Parameter Store. The prefixes become the start of secret or parameter names, so they follow
//! the naming rules of the backend that holds them.

use super::aws::kms_key_arn;
use super::{span, Validator};
use crate::diagnostics::quote;
use crate::model::{Output, Secrets, SecretsBackend};
use crate::rules::{self, ANY_KMS_KEY_ARN, PARAMETER_MAX_LEVELS, PARAMETER_NAME_PREFIX, SECRET_NAME_PREFIX};
use crate::spec::{RawSpec, O};

impl Validator {
    pub(super) fn secrets(&mut self, raw: &RawSpec, output: &Output) -> Option<Secrets> {
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
        // Parameter Store names in a hierarchy start with '/' (PutParameterRequest.Name), and so
        // do the Airflow SSM backend's own defaults; Secrets Manager names need none.
        let (conn_default, var_default) = match backend {
            SecretsBackend::SecretsManager => ("airflow/connections", "airflow/variables"),
            SecretsBackend::ParameterStore => ("/airflow/connections", "/airflow/variables"),
        };
        let mut prefix = |key: &str, o: &O<String>, default: &str| -> String {
            match o {
                None => default.to_owned(),
                Some(p) => {
                    self.secret_prefix(&format!("secrets.{key}"), p, backend);
                    p.get_ref().clone()
                }
            }
        };
        let connections_prefix = prefix("connections_prefix", &s.connections_prefix, conn_default);
        let variables_prefix = prefix("variables_prefix", &s.variables_prefix, var_default);
        let config_prefix = match s.config_prefix.as_ref().filter(|p| !p.get_ref().is_empty()) {
            Some(p) => {
                self.secret_prefix("secrets.config_prefix", p, backend);
                Some(p.get_ref().clone())
            }
            None => None,
        };
        let mut kms_key_arns: Vec<String> = Vec::new();
        for (i, a) in s.kms_key_arns.as_ref().map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
            let field = format!("secrets.kms_key_arns[{i}]");
            match kms_key_arn(a.get_ref(), &ANY_KMS_KEY_ARN) {
                None => self.err(
                    &field,
                    span(a),
                    format!("{} is not a KMS key ARN", quote(a.get_ref())),
                    format!(
                        "write arn:aws:kms:REGION:ACCOUNT-ID:key/KEY-ID, the key id a lowercase UUID or mrk- and 32 hex digits \
                         (no alias) ({})",
                        ANY_KMS_KEY_ARN.source
                    ),
                ),
                Some(parts) if rules::partition_of(parts.region) != parts.partition => self.err(
                    &field,
                    span(a),
                    format!("{} belongs to the partition {}, not {}", parts.region, rules::partition_of(parts.region), parts.partition),
                    "write the key's ARN as KMS shows it (AWS General Reference, reference-arns.html)",
                ),
                Some(parts) => {
                    if let Some(r) = output.region.as_ref().filter(|r| **r != parts.region) {
                        self.err(
                            &field,
                            span(a),
                            format!("the key is in {}, but the environment (output.region) is in {r}", parts.region),
                            "secrets are encrypted with keys of their own region, where the environment reads them \
                             (Secrets Manager user guide, security-encryption.html)",
                        );
                    } else if kms_key_arns.contains(a.get_ref()) {
                        self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each key once");
                    }
                }
            }
            kms_key_arns.push(a.get_ref().clone());
        }
        Some(Secrets { backend, connections_prefix, variables_prefix, config_prefix, kms_key_arns })
    }

    /// A name prefix the backend accepts: Airflow appends `/` and the connection or variable id.
    fn secret_prefix(&mut self, field: &str, p: &toml::Spanned<String>, backend: SecretsBackend) {
        let prefix = p.get_ref();
        let (rule, what, example) = match backend {
            SecretsBackend::SecretsManager => {
                (&SECRET_NAME_PREFIX, "a Secrets Manager name prefix", "\"airflow/connections\"")
            }
            SecretsBackend::ParameterStore => {
                (&PARAMETER_NAME_PREFIX, "a Parameter Store name prefix", "\"/airflow/connections\"")
            }
        };
        let problem = if prefix.is_empty() {
            Some("it is empty".to_owned())
        } else if prefix.ends_with('/') {
            Some("it ends with '/' (Airflow adds the '/' before each id)".to_owned())
        } else if prefix.contains("//") {
            Some("it has an empty level (\"//\")".to_owned())
        } else if backend == SecretsBackend::ParameterStore && !prefix.starts_with('/') {
            Some("Parameter Store names in a hierarchy start with '/'".to_owned())
        } else if backend == SecretsBackend::ParameterStore
            && prefix
                .trim_start_matches('/')
                .get(..3)
                .is_some_and(|s| s.eq_ignore_ascii_case("aws") || s.eq_ignore_ascii_case("ssm"))
        {
            Some("Parameter Store reserves names that start with \"aws\" or \"ssm\"".to_owned())
        } else if backend == SecretsBackend::ParameterStore && prefix.matches('/').count() >= PARAMETER_MAX_LEVELS {
            Some(format!("with the id after it, the name has more than {PARAMETER_MAX_LEVELS} levels"))
        } else {
            match rule.check(prefix) {
                Ok(()) => None,
                Err(rules::TextProblem::TooLong { len }) => {
                    Some(format!("it is {len} characters long (at most {})", rule.max))
                }
                Err(_) => Some(match backend {
                    SecretsBackend::SecretsManager => {
                        "secret names take only ASCII letters, digits and / _ + = . @ -".to_owned()
                    }
                    SecretsBackend::ParameterStore => {
                        "parameter names take only ASCII letters, digits and _ . - /".to_owned()
                    }
                }),
            }
        };
        if let Some(problem) = problem {
            self.err(
                field,
                span(p),
                format!("{} is not {what}: {problem}", quote(prefix)),
                format!("write a prefix like {example} ({})", rule.source),
            );
        }
    }
}
