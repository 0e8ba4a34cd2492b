//! `[bucket]`: the created or existing S3 bucket of DAGs, plugins and requirements.

use super::aws::{bucket_arn_name, bucket_name_problem};
use super::{span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{Bucket, Encryption, InputKind, Kms};
use crate::spec::RawSpec;

impl Validator {
    pub(super) fn bucket(&mut self, raw: &RawSpec, kms: &Kms) -> Bucket {
        let Some(b) = &raw.bucket else {
            return Bucket::Created {
                name: None,
                encryption: Encryption::SseS3,
                enforce_tls: true,
                retain_on_delete: true,
            };
        };
        let b = b.get_ref();
        if let Some(arn) = &b.existing_arn {
            for (key, s) in [
                ("name", b.name.as_ref().and_then(span)),
                ("encryption", b.encryption.as_ref().and_then(span)),
                ("enforce_tls", b.enforce_tls.as_ref().and_then(span)),
                ("retain_on_delete", b.retain_on_delete.as_ref().and_then(span)),
            ] {
                if s.is_some() {
                    self.err(
                        &format!("bucket.{key}"),
                        s,
                        format!("`{key}` cannot be combined with bucket.existing_arn"),
                        "an existing bucket is used as it is: remove this, or remove existing_arn to let mwaagen create the bucket",
                    );
                }
            }
            let mut name = String::new();
            let arn = self.given(arn, InputKind::BucketArn, |v, arn| {
                match bucket_arn_name(arn.get_ref(), true) {
                    Ok(n) => name = n.to_owned(),
                    Err(help) => v.err(
                        "bucket.existing_arn",
                        span(arn),
                        format!("{} is not an S3 bucket ARN MWAA accepts", quote(arn.get_ref())),
                        help,
                    ),
                }
                arn.get_ref().clone()
            });
            return Bucket::Existing { arn, name };
        }
        if let Some(n) = &b.name {
            if let Some(problem) = bucket_name_problem(n.get_ref()) {
                self.err(
                    "bucket.name",
                    span(n),
                    format!("{} is not a valid S3 bucket name: {problem}", quote(n.get_ref())),
                    "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit \
                     (S3 user guide, bucketnamingrules.html)",
                );
            }
        }
        let encryption =
            match self.choice("bucket.encryption", &b.encryption, &["sse-s3", "sse-kms"], "sse-s3").as_str() {
                "sse-kms" => {
                    if matches!(kms, Kms::AwsOwned) {
                        self.err(
                            "bucket.encryption",
                            b.encryption.as_ref().and_then(span),
                            "sse-kms needs a customer managed KMS key, but kms.key is \"aws_owned\"",
                            "set [kms] key = \"create\" (or an existing key ARN), or use encryption = \"sse-s3\"",
                        );
                    }
                    Encryption::SseKms
                }
                _ => Encryption::SseS3,
            };
        Bucket::Created {
            name: val(&b.name).cloned(),
            encryption,
            enforce_tls: val(&b.enforce_tls).copied().unwrap_or(true),
            retain_on_delete: val(&b.retain_on_delete).copied().unwrap_or(true),
        }
    }
}
