//! `[secrets]`: Airflow reads connections and variables from AWS.

use super::aws::parse_kms_key_arn;
use super::{span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{Secrets, SecretsBackend};
use crate::spec::{RawSpec, O};

impl Validator {
    pub(super) fn secrets(&mut self, raw: &RawSpec) -> Option<Secrets> {
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
}
