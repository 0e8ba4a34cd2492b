//! `[kms]`: the key that encrypts the environment.

use super::aws::parse_kms_key_arn;
use super::{span, Validator};
use crate::diagnostics::{did_you_mean, quote};
use crate::model::{Kms, Output};
use crate::spec::RawSpec;

impl Validator {
    pub(super) fn kms(&mut self, raw: &RawSpec, output: &Output) -> Kms {
        let Some(key) = raw.kms.as_ref().and_then(|k| k.get_ref().key.as_ref()) else {
            return Kms::AwsOwned;
        };
        match key.get_ref().as_str() {
            "aws_owned" => Kms::AwsOwned,
            "create" => Kms::Create,
            arn => {
                match parse_kms_key_arn(arn) {
                    Some(region) => {
                        if let Some(r) = &output.region {
                            if r != region {
                                self.err(
                                    "kms.key",
                                    span(key),
                                    format!("the key is in {region}, but output.region is {r}"),
                                    "MWAA needs a key in the environment's own region",
                                );
                            }
                        }
                    }
                    None => {
                        let help = match did_you_mean(arn, ["aws_owned", "create"]) {
                            Some(m) => format!("did you mean \"{m}\"? valid values: \"aws_owned\", \"create\" or a key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                            None => "valid values: \"aws_owned\", \"create\" or a key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".to_owned(),
                        };
                        self.err("kms.key", span(key), format!("{} is not a valid KMS key setting", quote(arn)), help);
                    }
                }
                Kms::Existing(arn.to_owned())
            }
        }
    }
}
