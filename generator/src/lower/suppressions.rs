//! Scanner findings that the generated architecture accepts by design, each with its reason.
//!
//! One decision per finding, written here once and carried by the IR to every target: the
//! CloudFormation template and the CDK app carry checkov's findings as resource Metadata,
//! Terraform as `#checkov:skip` comments, and the CDK app acknowledges cdk-nag's findings with
//! the same reason. Everything that could be fixed is fixed in the lowering instead (rule
//! descriptions, no public IPs on launch, flow logs, TLS-only bucket policy, lifecycle rule).
//! A new wildcard in a policy gets no acknowledgement here unless it is given a reason, so
//! cdk-nag fails synth until someone decides.

use crate::ir::{Attr, Expr, Kind, Part, Pseudo, Resource, Suppression};
use crate::model::{Config, ExecutionRole, Network};

const ACCESS_LOGS: &str = "server access logs would need a second bucket and log every read MWAA makes; \
the bucket is private, TLS-only and read only by the execution role; use CloudTrail S3 data events for an audit trail";
const EVENTS: &str = "nothing consumes events of the DAG bucket: MWAA polls it on its own";
const REPLICATION: &str = "DAGs, plugins and requirements are deployed from source control; versioning keeps \
earlier objects, and a replica in another region would not let MWAA fail over";
const SSE_S3: &str = "the spec chose bucket.encryption = \"sse-s3\" (S3-managed keys); set \"sse-kms\" with a \
customer managed key to encrypt with KMS";
const LOGS_AWS_KEY: &str = "the spec chose kms.key = \"aws_owned\": CloudWatch Logs encrypts these logs at rest \
with AWS-managed keys; set kms.key to use a customer managed key";
const NO_FLOW_LOGS: &str = "the spec turns VPC flow logs off (network.flow_logs = false)";
const PUBLIC_UI: &str = "public mode by design (webserver_access_mode = \"PUBLIC_ONLY\"): the Airflow UI is reachable \
from the internet, and every sign-in needs an IAM-authorized airflow:CreateWebLoginToken";
const ACL_ALLOW_ALL: &str = "rule 100 allows all IPv4 traffic in and out, as the MWAA VPC security guide recommends: \
the environment's security group does the filtering, and MWAA's components must reach each other and AWS services";
const ACL_ATTACHED: &str = "the ACL is attached to every subnet mwaagen creates, by separate association resources";

/// Adds the accepted findings to the resources of a lowered spec.
pub fn apply(config: &Config, resources: &mut [Resource]) {
    let flow_logs_off = matches!(config.network, Network::Created { flow_logs: false, .. });
    for r in resources.iter_mut() {
        let mut add = |tool: &str, id: &str, reason: &str| {
            r.suppressions.push(Suppression { tool: tool.into(), id: id.into(), reason: reason.into() });
        };
        match (&r.kind, r.id.as_str()) {
            (Kind::Bucket { sse_algorithm, .. }, _) => {
                add("checkov", "CKV_AWS_18", ACCESS_LOGS);
                add("cdk-nag", "AwsSolutions-S1", ACCESS_LOGS);
                add("checkov", "CKV2_AWS_62", EVENTS);
                add("checkov", "CKV_AWS_144", REPLICATION);
                if sse_algorithm == "AES256" {
                    add("checkov", "CKV_AWS_145", SSE_S3);
                }
            }
            (Kind::LogGroup { kms_key, retention_days, .. }, _) => {
                if kms_key.is_none() {
                    add("checkov", "CKV_AWS_158", LOGS_AWS_KEY);
                }
                if *retention_days < 365 {
                    let reason = format!(
                        "the spec keeps these logs {retention_days} days (environment.logging.retention_days), \
                         shorter than a year by choice"
                    );
                    add("checkov", "CKV_AWS_338", &reason);
                }
            }
            (Kind::Vpc { .. }, _) if flow_logs_off => {
                add("checkov", "CKV2_AWS_11", NO_FLOW_LOGS);
                add("cdk-nag", "AwsSolutions-VPC7", NO_FLOW_LOGS);
            }
            (Kind::MwaaEnvironment(m), _) => {
                if m.webserver_access_mode == "PUBLIC_ONLY" {
                    add("checkov", "CKV2_AWS_66", PUBLIC_UI);
                }
                for log in m.logging.iter().filter(|l| !l.enabled) {
                    let id = match log.module.as_str() {
                        "scheduler" => "CKV_AWS_242",
                        "worker" => "CKV_AWS_243",
                        "webserver" => "CKV_AWS_244",
                        _ => continue,
                    };
                    let reason =
                        format!("the spec turns these logs off (environment.logging.{} = \"off\")", log.module);
                    add("checkov", id, &reason);
                }
            }
            (Kind::NetworkAcl { .. }, _) => {
                add("checkov", "CKV2_AWS_1", ACL_ATTACHED);
                add("cdk-nag", "AwsSolutions-VPC3", ACL_ALLOW_ALL);
            }
            (Kind::NetworkAclEntry { egress, .. }, _) => {
                if !egress {
                    for id in ["CKV_AWS_229", "CKV_AWS_230", "CKV_AWS_231", "CKV_AWS_232", "CKV_AWS_352"] {
                        add("checkov", id, ACL_ALLOW_ALL);
                    }
                }
                add("cdk-nag", "AwsSolutions-VPC3", ACL_ALLOW_ALL);
            }
            (Kind::ManagedPolicy { document, .. }, id) => {
                let mut findings = wildcard_findings(document);
                if id == "ExecutionPolicy" {
                    for (finding, reason) in spec_statement_findings(config) {
                        push_unique(&mut findings, finding, reason);
                    }
                }
                for (finding, reason) in findings {
                    add("cdk-nag", &format!("AwsSolutions-IAM5[{finding}]"), &reason);
                }
            }
            (Kind::IamRole { managed_policy_arns, .. }, "ExecutionRole") => {
                for arn in aws_managed_policies(managed_policy_arns) {
                    add("cdk-nag", &format!("AwsSolutions-IAM4[Policy::{arn}]"), &aws_managed_reason(arn));
                }
            }
            _ => {}
        }
    }
}

/// cdk-nag's IAM5 findings of a policy document (each wildcard action or resource of an Allow
/// statement, spelled as cdk-nag spells it), with the reason it is needed. A wildcard whose
/// statement has no reason here is left unacknowledged.
fn wildcard_findings(document: &Expr) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let Expr::Map(doc) = document else { return out };
    let Some(Expr::List(statements)) = doc.get("Statement") else { return out };
    for st in statements {
        let Expr::Map(st) = st else { continue };
        if st.get("Effect") != Some(&Expr::s("Allow")) {
            continue;
        }
        let sid = match st.get("Sid") {
            Some(Expr::Str(s)) => s.as_str(),
            _ => "",
        };
        for action in list(st.get("Action")).iter().filter_map(|a| if let Expr::Str(a) = a { Some(a) } else { None }) {
            if action.contains('*') {
                if let Some(reason) = action_reason(action) {
                    push_unique(&mut out, format!("Action::{action}"), reason);
                }
            }
        }
        for resource in list(st.get("Resource")) {
            let flat = flatten(resource);
            if flat.contains('*') {
                if let Some(reason) = resource_reason(sid) {
                    push_unique(&mut out, format!("Resource::{flat}"), reason);
                }
            }
        }
    }
    out
}

/// The AWS managed policies among a role's managed policy ARNs, spelled as cdk-nag's IAM4 rule
/// reports them (`Policy::ARN`; the rule flags every ARN holding `:iam::aws:`).
fn aws_managed_policies(arns: &[Expr]) -> Vec<&str> {
    arns.iter()
        .filter_map(|a| if let Expr::Str(s) = a { Some(s.as_str()) } else { None })
        .filter(|a| a.contains(":iam::aws:"))
        .collect()
}

/// Why an AWS managed policy the spec attaches is accepted: the user chose it, by name.
fn aws_managed_reason(arn: &str) -> String {
    format!(
        "the spec attaches this AWS managed policy to the execution role \
         (execution_role.additional_policy_arns = {arn}); mwaagen's own policy stays least-privilege, \
         and what the managed policy grants is the spec's choice"
    )
}

/// cdk-nag's IAM5 findings of the spec's own `[[execution_role.statements]]`: their author chose
/// each wildcard, so the reason names the statement.
fn spec_statement_findings(config: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let ExecutionRole::Generated { statements, .. } = &config.execution_role else { return out };
    for (i, st) in statements.iter().enumerate().filter(|(_, st)| st.effect == "Allow") {
        let label = st.sid.as_ref().map_or_else(|| format!("statement {}", i + 1), |sid| format!("sid {sid}"));
        let reason = format!(
            "granted by the spec's own [[execution_role.statements]] ({label}): its author chose this scope for the environment's DAGs"
        );
        for a in st.actions.iter().filter(|a| a.contains('*')) {
            push_unique(&mut out, format!("Action::{a}"), reason.clone());
        }
        for r in st.resources.iter().filter(|r| r.contains('*')) {
            push_unique(&mut out, format!("Resource::{}", flatten(&Expr::s(r.clone()))), reason.clone());
        }
    }
    out
}

fn push_unique(out: &mut Vec<(String, String)>, finding: String, reason: String) {
    if !out.iter().any(|(f, _)| *f == finding) {
        out.push((finding, reason));
    }
}

fn list(e: Option<&Expr>) -> Vec<&Expr> {
    match e {
        Some(Expr::List(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

fn action_reason(action: &str) -> Option<String> {
    Some(match action {
        "s3:GetObject*" | "s3:GetBucket*" | "s3:List*" => format!(
            "{action}: MWAA's documented execution policy reads DAGs, plugins and requirements with these \
             action families, on the environment's own bucket only"
        ),
        "kms:GenerateDataKey*" => {
            "kms:GenerateDataKey* (GenerateDataKey and GenerateDataKeyWithoutPlaintext) as MWAA's \
             documented policy grants it, only through SQS or S3 (kms:ViaService condition)"
                .to_owned()
        }
        _ => return None,
    })
}

fn resource_reason(sid: &str) -> Option<String> {
    Some(
        match sid {
            "ReadEnvironmentBucket" => {
                "every object of the environment's own bucket (DAGs, plugins.zip, requirements.txt)"
            }
            "ReadAccountPublicAccessBlock" | "DescribeLogGroups" | "PutMetricData" => {
                "this action supports no resource-level permissions, so IAM requires Resource \"*\""
            }
            "WriteAirflowLogs" => {
                "MWAA creates one log group per Airflow component, named airflow-ENVIRONMENT-COMPONENT"
            }
            "UseCeleryQueues" => "MWAA's Celery queues live in an AWS-owned account and are named airflow-celery-*",
            "ReadAirflowSecrets" | "ReadAirflowParameters" => {
                "the Airflow secrets backend reads every connection, variable and configuration under the prefixes of \
                 [secrets], named PREFIX/ID by Airflow"
            }
            _ => return None,
        }
        .to_owned(),
    )
}

/// A resource as cdk-nag flattens it: `${X}` and `${X.Y}` become `<X>` and `<X.Y>`.
fn flatten(e: &Expr) -> String {
    let angle = |s: &str| s.replace("${", "<").replace('}', ">");
    let pseudo = |p: &Pseudo| match p {
        Pseudo::Region => "<AWS::Region>",
        Pseudo::AccountId => "<AWS::AccountId>",
        Pseudo::Partition => "<AWS::Partition>",
    };
    let reference = |r: &crate::ir::Ref| match r.attr {
        Attr::Id => format!("<{}>", r.id),
        Attr::Arn => format!("<{}.Arn>", r.id),
        Attr::GroupId => format!("<{}.GroupId>", r.id),
        Attr::AllocationId => format!("<{}.AllocationId>", r.id),
        Attr::WebserverUrl => format!("<{}.WebserverUrl>", r.id),
        Attr::DatabaseVpcEndpointService => format!("<{}.DatabaseVpcEndpointService>", r.id),
        Attr::WebserverVpcEndpointService => format!("<{}.WebserverVpcEndpointService>", r.id),
    };
    match e {
        Expr::Str(s) => angle(s),
        Expr::Pseudo(p) => pseudo(p).to_owned(),
        Expr::Ref(r) => reference(r),
        Expr::Sub(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => angle(s),
                Part::Pseudo(p) => pseudo(p).to_owned(),
                Part::Ref(r) => reference(r),
            })
            .collect(),
        // A parameter's Ref, and Fn::Join, as cdk-nag flattens them.
        Expr::Input(name) => format!("<{}>", crate::ir::input_id(name)),
        Expr::Join { sep, items } => items.iter().map(flatten).collect::<Vec<_>>().join(sep),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir_of as ir;

    fn ids(ir: &crate::ir::Ir, id: &str) -> Vec<String> {
        ir.get(id).map(|r| r.suppressions.iter().map(|s| format!("{}:{}", s.tool, s.id)).collect()).unwrap_or_default()
    }

    #[test]
    fn every_wildcard_of_the_execution_policy_is_acknowledged_one_by_one() {
        let ir = ir("version = 1\n[environment]\nname = \"env1\"\n");
        let got = ids(&ir, "ExecutionPolicy");
        let expected = [
            "cdk-nag:AwsSolutions-IAM5[Action::s3:GetObject*]",
            "cdk-nag:AwsSolutions-IAM5[Action::s3:GetBucket*]",
            "cdk-nag:AwsSolutions-IAM5[Action::s3:List*]",
            "cdk-nag:AwsSolutions-IAM5[Resource::<EnvironmentBucket.Arn>/*]",
            "cdk-nag:AwsSolutions-IAM5[Resource::*]",
            "cdk-nag:AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:airflow-env1-*]",
            "cdk-nag:AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:*:airflow-celery-*]",
            "cdk-nag:AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn aws_managed_policies_are_acknowledged_naming_the_spec_field() {
        let spec = "version = 1\n[environment]\nname = \"e\"\n[execution_role]\nadditional_policy_arns = \
                    [\"arn:aws:iam::aws:policy/AmazonAthenaFullAccess\", \"arn:aws:iam::123456789012:policy/own\"]\n";
        let ir = ir(spec);
        assert_eq!(
            ids(&ir, "ExecutionRole"),
            ["cdk-nag:AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/AmazonAthenaFullAccess]"]
        );
        let reason = &ir.get("ExecutionRole").expect("role").suppressions[0].reason;
        assert!(reason.contains("(execution_role.additional_policy_arns = arn:aws:iam::aws:policy/"), "{reason}");
        assert!(ids(&self::ir("version = 1\n[environment]\nname = \"e\"\n"), "ExecutionRole").is_empty());
    }

    #[test]
    fn secrets_prefixes_are_acknowledged_one_by_one() {
        let spec = "version = 1\n[environment]\nname = \"e\"\n[secrets]\nbackend = \"parameter_store\"\n";
        let got = ids(&ir(spec), "ExecutionPolicy");
        for prefix in ["airflow/connections", "airflow/variables"] {
            let want = format!(
                "cdk-nag:AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/{prefix}/*]"
            );
            assert!(got.contains(&want), "{want} not in {got:?}");
        }
    }

    #[test]
    fn a_wildcard_without_a_reason_stays_unacknowledged() {
        let doc = Expr::Map(
            [
                ("Version".to_owned(), Expr::s("2012-10-17")),
                (
                    "Statement".to_owned(),
                    Expr::List(vec![Expr::Map(
                        [
                            ("Sid".to_owned(), Expr::s("Sneaky")),
                            ("Effect".to_owned(), Expr::s("Allow")),
                            ("Action".to_owned(), Expr::strs(["iam:*"])),
                            ("Resource".to_owned(), Expr::strs(["*"])),
                        ]
                        .into_iter()
                        .collect(),
                    )]),
                ),
            ]
            .into_iter()
            .collect(),
        );
        assert!(wildcard_findings(&doc).is_empty());
    }

    #[test]
    fn decisions_follow_the_spec() {
        let base = "version = 1\n[environment]\nname = \"e\"\n";
        let default = ir(base);
        assert!(ids(&default, "EnvironmentBucket").contains(&"checkov:CKV_AWS_145".to_owned()));
        assert!(ids(&default, "FlowLogsLogGroup").contains(&"checkov:CKV_AWS_158".to_owned()));
        assert!(ids(&default, "MwaaEnvironment").contains(&"checkov:CKV2_AWS_66".to_owned()));
        assert!(ids(&default, "VPC").is_empty());
        let kms = ir(&format!("{base}[bucket]\nencryption = \"sse-kms\"\n[kms]\nkey = \"create\"\n"));
        assert!(!ids(&kms, "EnvironmentBucket").contains(&"checkov:CKV_AWS_145".to_owned()));
        assert!(ids(&kms, "FlowLogsLogGroup").is_empty());
        let private = ir(&format!("{base}webserver_access_mode = \"PRIVATE_ONLY\"\n[network]\nflow_logs = false\n"));
        assert!(!ids(&private, "MwaaEnvironment").contains(&"checkov:CKV2_AWS_66".to_owned()));
        assert_eq!(ids(&private, "VPC"), ["checkov:CKV2_AWS_11", "cdk-nag:AwsSolutions-VPC7"]);
        let quiet = ir(&format!("{base}[environment.logging]\nworker = \"off\"\n"));
        assert!(ids(&quiet, "MwaaEnvironment").contains(&"checkov:CKV_AWS_243".to_owned()));
    }

    #[test]
    fn every_suppression_says_why() {
        let spec = "version = 1\n[environment]\nname = \"e\"\n[environment.logging]\nworker = \"off\"\n\
                    scheduler = \"off\"\nwebserver = \"off\"\n[network]\nflow_logs = false\n[network.acl]\nenabled = true\n";
        let ir = ir(spec);
        let all: Vec<&Suppression> = ir.resources.iter().flat_map(|r| &r.suppressions).collect();
        assert!(all.len() > 20, "{}", all.len());
        for s in all {
            assert!(s.reason.len() >= 30 && !s.reason.contains('\n'), "{}: {:?}", s.id, s.reason);
            assert!(["checkov", "cfn-lint", "cdk-nag"].contains(&s.tool.as_str()), "{}", s.tool);
        }
    }
}
