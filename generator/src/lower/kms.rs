//! The customer managed KMS key (`kms.key = "create"`) and what refers to a key.

use super::policy::{account_root_statement, condition, policy, principal, statement};
use super::Builder;
use crate::ir::{Attr, Expr, Kind, Lifecycle, Ref};
use crate::model::Kms;

/// The ARN of the environment's key, if it is not AWS-owned.
pub(super) fn key_arn(kms: &Kms) -> Option<Expr> {
    match kms {
        Kms::AwsOwned => None,
        Kms::Create => Some(Expr::Ref(Ref { id: "EnvironmentKey".into(), kind: "kms_key".into(), attr: Attr::Arn })),
        Kms::Existing(arn) => Some(super::inputs::given(arn)),
    }
}

impl Builder {
    pub(super) fn kms_key(&mut self, role_arn: &Expr) {
        let env = self.env.clone();
        let doc = policy(vec![
            account_root_statement(),
            statement(
                "AllowCloudWatchLogs",
                "Allow",
                Some(principal("Service", Expr::sub("logs.${AWS::Region}.amazonaws.com"))),
                Expr::strs(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]),
                Some(("Resource", Expr::s("*"))),
                // Only this environment's log groups: MWAA's (`airflow-ENV-*`, the execution
                // role's pattern) and the VPC flow logs' (lower/logs.rs). CloudWatch Logs passes
                // the log group's ARN as the encryption context `aws:logs:arn`: CloudWatch Logs user
                // guide, "Encrypt log data in CloudWatch Logs using AWS KMS", step 2 (key policy)
                // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
                Some(condition(
                    "ArnLike",
                    "kms:EncryptionContext:aws:logs:arn",
                    Expr::List(vec![
                        Expr::sub(&format!(
                            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:airflow-{env}-*"
                        )),
                        Expr::sub(&format!(
                            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/mwaa/{env}/vpc-flow-logs"
                        )),
                    ]),
                )),
            ),
            statement(
                "AllowMwaaViaSqsAndS3",
                "Allow",
                Some(principal("AWS", role_arn.clone())),
                Expr::strs(["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]),
                Some(("Resource", Expr::s("*"))),
                Some(condition("StringLike", "kms:ViaService", via_services(true))),
            ),
        ]);
        let tags = self.tags_with_name(None);
        let key = self.add(
            "EnvironmentKey",
            Kind::KmsKey {
                description: format!("Encrypts the Amazon MWAA environment {env}, its bucket and logs"),
                policy: doc,
            },
        );
        key.tags = Some(tags);
        // Data and logs encrypted with the key stay readable after the stack is deleted.
        key.lifecycle = Some(Lifecycle::Retain);
        let target = key.attr(Attr::Id);
        self.add("EnvironmentKeyAlias", Kind::KmsAlias { name: format!("alias/mwaa-{env}"), target });
    }
}

/// `sqs.REGION.amazonaws.com` (and `s3.REGION.amazonaws.com` for a customer managed key).
pub(super) fn via_services(with_s3: bool) -> Expr {
    let mut v = vec![Expr::sub("sqs.${AWS::Region}.amazonaws.com")];
    if with_s3 {
        v.push(Expr::sub("s3.${AWS::Region}.amazonaws.com"));
    }
    Expr::List(v)
}
