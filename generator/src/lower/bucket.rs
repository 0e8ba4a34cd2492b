//! The environment's bucket for DAGs, plugins and requirements: versioning and Block Public Access
//! (MWAA refuses a bucket without them: MWAA user guide, mwaa-s3-bucket.md), encryption, a
//! lifecycle rule and a TLS-only bucket policy.

use super::policy::{condition, policy, principal_any, statement};
use super::{Builder, Refs};
use crate::ir::{Attr, BucketLifecycleRule, Expr, Kind, Lifecycle, Part, Ref};
use crate::model::{Bucket, Encryption, Given};

/// How the rest of the graph names the environment's bucket: (ARN, `ARN/*`, name).
pub(super) fn bucket_refs(bucket: &Bucket) -> (Expr, Expr, Expr) {
    match bucket {
        Bucket::Created { .. } => {
            let r = Ref { id: "EnvironmentBucket".into(), kind: "bucket".into(), attr: Attr::Arn };
            (
                Expr::Ref(r.clone()),
                Expr::sub_parts(vec![Part::Ref(r), Part::Lit("/*".into())]),
                Expr::Ref(Ref { id: "EnvironmentBucket".into(), kind: "bucket".into(), attr: Attr::Id }),
            )
        }
        Bucket::Existing { arn: Given::Lit(arn), name } => {
            (Expr::s(arn.clone()), Expr::s(format!("{arn}/*")), Expr::s(name.clone()))
        }
        // An S3 bucket ARN is `arn:PARTITION:s3:::NAME`: the name is its sixth `:`-separated
        // field (S3 user guide, s3-arn-format.html).
        Bucket::Existing { arn: Given::Input(name), .. } => (
            Expr::Input(name.clone()),
            // A join, not a `Fn::Sub`: a CDK construct passes the ARN in as a prop, which a
            // template string cannot name.
            Expr::Join { sep: String::new(), items: vec![Expr::Input(name.clone()), Expr::s("/*")] },
            Expr::Select {
                index: 5,
                list: Box::new(Expr::Split { sep: ":".into(), of: Box::new(Expr::Input(name.clone())) }),
            },
        ),
    }
}

impl Builder {
    /// The bucket and its policy, when the spec has mwaagen create the bucket.
    pub(super) fn bucket(&mut self, bucket: &Bucket, refs: &Refs) {
        let Bucket::Created { name, encryption, enforce_tls, retain_on_delete } = bucket else {
            return;
        };
        let (sse_algorithm, key) = match encryption {
            Encryption::SseS3 => ("AES256", None),
            Encryption::SseKms => ("aws:kms", refs.kms_key.clone()),
        };
        let tags = self.tags_with_name(None);
        let bucket = self.add(
            "EnvironmentBucket",
            Kind::Bucket {
                name: name.clone(),
                sse_algorithm: sse_algorithm.into(),
                kms_key: key,
                lifecycle_rule: BucketLifecycleRule {
                    id: "expire-old-versions".into(),
                    noncurrent_days: 90,
                    newer_noncurrent_versions: 10,
                    abort_incomplete_multipart_days: 7,
                },
            },
        );
        bucket.tags = Some(tags);
        bucket.lifecycle = Some(if *retain_on_delete { Lifecycle::Retain } else { Lifecycle::Delete });
        if *enforce_tls {
            let doc = policy(vec![statement(
                "DenyInsecureTransport",
                "Deny",
                Some(principal_any()),
                Expr::strs(["s3:*"]),
                Some(("Resource", Expr::List(vec![refs.bucket_arn.clone(), refs.bucket_objects.clone()]))),
                Some(condition("Bool", "aws:SecureTransport", Expr::s("false"))),
            )]);
            self.add("EnvironmentBucketPolicy", Kind::BucketPolicy { bucket: refs.bucket_name.clone(), document: doc });
        }
    }
}
