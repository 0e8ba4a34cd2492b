//! `[kms]`: the key that encrypts the environment.

use super::aws::kms_key_arn;
use super::{span, Validator};
use crate::diagnostics::{did_you_mean, quote};
use crate::model::{Given, InputKind, Kms, Output};
use crate::rules::{self, KMS_KEY, KMS_KEY_ARN};
use crate::spec::{Or, RawSpec, S};

const EXAMPLE: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

impl Validator {
    pub(super) fn kms(&mut self, raw: &RawSpec, output: &Output) -> Kms {
        let Some(given) = raw.kms.as_ref().and_then(|k| k.get_ref().key.as_ref()) else {
            return Kms::AwsOwned;
        };
        // An input stands for the ARN form only (spec-format.md, "Inputs").
        let key = match given.get_ref() {
            Or::Input(name) => return Kms::Existing(Given::Input(self.input(name, InputKind::KmsKeyArn))),
            Or::Lit(k) => S::new(given.span(), k.clone()),
        };
        let key = &key;
        let arn = match key.get_ref().as_str() {
            "aws_owned" => return Kms::AwsOwned,
            "create" => return Kms::Create,
            arn => arn,
        };
        // The ARN must be one MWAA's KmsKey takes, and of a key (not an alias) that is not
        // multi-Region (custom-keys-certs.html: aliases and multi-Region keys "No").
        match kms_key_arn(arn, &KMS_KEY_ARN).filter(|_| KMS_KEY.matches(arn)) {
            Some(parts) => {
                if let Some(r) = &output.region {
                    if *r != parts.region {
                        self.err(
                            "kms.key",
                            span(key),
                            format!("the key is in {}, but output.region is {r}", parts.region),
                            "MWAA needs a key in the environment's own region (MWAA user guide, custom-keys-certs.html)",
                        );
                    }
                }
                if rules::partition_of(parts.region) != parts.partition {
                    self.err(
                        "kms.key",
                        span(key),
                        format!(
                            "{} belongs to the partition {}, not {}",
                            parts.region,
                            rules::partition_of(parts.region),
                            parts.partition
                        ),
                        format!(
                            "write arn:{}:kms:{}:... (AWS General Reference, reference-arns.html)",
                            rules::partition_of(parts.region),
                            parts.region
                        ),
                    );
                }
            }
            None => {
                let (message, help) = if arn.contains(":key/mrk-") {
                    (
                        format!("{} is a multi-Region key, which MWAA does not support", quote(arn)),
                        format!("use a single-Region customer managed key, e.g. {EXAMPLE} (MWAA user guide, custom-keys-certs.html)"),
                    )
                } else if arn.contains(":alias/") {
                    (
                        format!("{} is a key alias; MWAA needs the key's ARN", quote(arn)),
                        format!("write the ARN of the key the alias points to, e.g. {EXAMPLE} (MWAA user guide, custom-keys-certs.html)"),
                    )
                } else if arn.starts_with("arn:") && arn.contains(":kms:") {
                    (
                        format!("{} is not a KMS key ARN MWAA accepts", quote(arn)),
                        format!(
                            "write arn:PARTITION:kms:REGION:ACCOUNT-ID:key/KEY-ID with the key id a lowercase UUID, e.g. {EXAMPLE} \
                             ({})",
                            KMS_KEY.source
                        ),
                    )
                } else {
                    let valid = format!("valid values: \"aws_owned\", \"create\" or a key ARN like {EXAMPLE}");
                    let help = match did_you_mean(arn, ["aws_owned", "create"]) {
                        Some(m) => format!("did you mean \"{m}\"? {valid}"),
                        None => valid,
                    };
                    (format!("{} is not a valid KMS key setting", quote(arn)), help)
                };
                self.err("kms.key", span(key), message, help);
            }
        }
        Kms::Existing(Given::Lit(arn.to_owned()))
    }
}
