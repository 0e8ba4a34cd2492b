//! The execution role and its least-privilege policy (architecture.md section 2; MWAA user guide,
//! mwaa-create-role.md and cross-service-confused-deputy-prevention.html), and the policies that
//! open the Airflow UI (access-policies.md).

use indexmap::IndexMap;

use super::kms::via_services;
use super::policy::{append_statements, condition, describe_log_groups_statement, policy, principal, statement};
use super::{env_arn, secrets, Builder, Refs};
use crate::ir::{Attr, Expr, Kind, Pseudo, Ref};
use crate::model::{ConditionValue, Config, ExecutionRole, Kms, Statement, WebAccess};

/// The ARN of the execution role: the generated one, or the spec's own.
pub(super) fn role_arn(role: &ExecutionRole) -> Expr {
    match role {
        ExecutionRole::Existing(arn) => super::inputs::given(arn),
        ExecutionRole::Generated { .. } => {
            Expr::Ref(Ref { id: "ExecutionRole".into(), kind: "iam_role".into(), attr: Attr::Arn })
        }
    }
}

impl Builder {
    /// The execution role, when the spec has mwaagen generate it, and its managed policy.
    pub(super) fn execution_role(&mut self, config: &Config, refs: &Refs) {
        let ExecutionRole::Generated {
            additional_policy_arns,
            permissions_boundary_arn,
            statements,
            trusted_principals,
        } = &config.execution_role
        else {
            return;
        };
        let env = self.env.clone();
        let mut trust = policy(vec![statement(
            "AllowMwaaToAssumeRole",
            "Allow",
            Some(principal("Service", Expr::strs(["airflow.amazonaws.com", "airflow-env.amazonaws.com"]))),
            Expr::strs(["sts:AssumeRole"]),
            None,
            Some(Expr::Map(IndexMap::from([
                (
                    "StringEquals".to_owned(),
                    Expr::Map(IndexMap::from([("aws:SourceAccount".to_owned(), Expr::Pseudo(Pseudo::AccountId))])),
                ),
                ("ArnLike".to_owned(), Expr::Map(IndexMap::from([("aws:SourceArn".to_owned(), refs.env_arn.clone())]))),
            ]))),
        )]);
        if !trusted_principals.is_empty() {
            // `execution_role.trusted_principals`: account ids or role ARNs as `AWS` principals
            // (IAM user guide, reference_policies_elements_principal.html).
            append_statements(
                &mut trust,
                vec![statement(
                    "AllowTrustedPrincipalsToAssumeRole",
                    "Allow",
                    Some(principal("AWS", Expr::strs(trusted_principals.iter().map(String::as_str)))),
                    Expr::strs(["sts:AssumeRole"]),
                    None,
                    None,
                )],
            );
        }
        let role = self.add(
            "ExecutionRole",
            Kind::IamRole {
                description: format!("Execution role of the Amazon MWAA environment {env}"),
                assume_role_policy: trust,
                managed_policy_arns: additional_policy_arns.iter().map(|a| Expr::s(a.clone())).collect(),
                permissions_boundary: permissions_boundary_arn.clone(),
            },
        );
        let role_ref = role.attr(Attr::Id);
        let tags = self.tags_with_name(None);
        self.last().tags = Some(tags);
        let mut doc =
            execution_policy(&env, &refs.bucket_arn, &refs.bucket_objects, &config.kms, refs.kms_key.as_ref());
        // `[secrets]`: read access to the backend's prefixes (lower/secrets.rs).
        append_statements(&mut doc, secrets::statements(config.secrets.as_ref()));
        // `[[execution_role.statements]]`: the spec's own statements, as written.
        append_statements(&mut doc, spec_statements(statements));
        self.add(
            "ExecutionPolicy",
            Kind::ManagedPolicy {
                description: format!("Least-privilege permissions of the Amazon MWAA environment {env}"),
                document: doc,
                roles: vec![role_ref],
                groups: Vec::new(),
            },
        );
    }

    /// One managed policy per `[[web_access]]` grant.
    pub(super) fn web_access(&mut self, config: &Config) {
        let env = self.env.clone();
        for (i, grant) in config.web_access.iter().enumerate() {
            let mut also = Vec::new();
            if grant.cli {
                also.push("CLI");
            }
            if grant.rest_api {
                also.push("REST API");
            }
            let what = if also.is_empty() { "UI".to_owned() } else { format!("UI and {}", also.join(" and ")) };
            self.add(
                &format!("WebAccessPolicy{}", i + 1),
                Kind::ManagedPolicy {
                    description: format!("Opens the Airflow {what} of {env} as {}", grant.airflow_role),
                    document: policy(web_access_statements(&env, grant)),
                    roles: grant.attach_to_roles.iter().map(|r| Expr::s(r.clone())).collect(),
                    groups: grant.attach_to_groups.iter().map(|g| Expr::s(g.clone())).collect(),
                },
            );
        }
    }
}

/// The statements of one `[[web_access]]` grant. Resource formats: the UI's and the REST API's
/// tokens are scoped to the Airflow role (`role/ENV/ROLE`), the CLI's to the environment
/// (`environment/ENV`): MWAA user guide, access-policies.md (AmazonMWAAWebServerAccess,
/// AmazonMWAAAirflowCliAccess) and access-mwaa-apache-airflow-rest-api.md; Service Authorization
/// Reference, Amazon MWAA: CreateWebLoginToken and InvokeRestApi take the `rbac-role` resource,
/// CreateCliToken the `environment` resource. A CLI token is not tied to an Airflow role.
fn web_access_statements(env: &str, grant: &WebAccess) -> Vec<Expr> {
    let role_arn = Expr::sub(&format!(
        "arn:${{AWS::Partition}}:airflow:${{AWS::Region}}:${{AWS::AccountId}}:role/{env}/{}",
        grant.airflow_role
    ));
    let mut statements = vec![statement(
        "CreateWebLoginToken",
        "Allow",
        None,
        Expr::strs(["airflow:CreateWebLoginToken"]),
        Some(("Resource", Expr::List(vec![role_arn.clone()]))),
        None,
    )];
    if grant.cli {
        statements.push(statement(
            "CreateCliToken",
            "Allow",
            None,
            Expr::strs(["airflow:CreateCliToken"]),
            Some(("Resource", Expr::List(vec![env_arn(env)]))),
            None,
        ));
    }
    if grant.rest_api {
        statements.push(statement(
            "InvokeRestApi",
            "Allow",
            None,
            Expr::strs(["airflow:InvokeRestApi"]),
            Some(("Resource", Expr::List(vec![role_arn]))),
            None,
        ));
    }
    statements
}

/// `[[execution_role.statements]]` as statements of the execution policy, in spec order and as the
/// spec writes them (validation checked their shape).
pub(super) fn spec_statements(statements: &[Statement]) -> Vec<Expr> {
    statements
        .iter()
        .map(|st| {
            let mut m = IndexMap::new();
            if let Some(sid) = &st.sid {
                m.insert("Sid".to_owned(), Expr::s(sid.clone()));
            }
            m.insert("Effect".to_owned(), Expr::s(st.effect.clone()));
            m.insert("Action".to_owned(), Expr::strs(st.actions.iter().cloned()));
            m.insert("Resource".to_owned(), Expr::strs(st.resources.iter().cloned()));
            if !st.condition.is_empty() {
                let condition = st
                    .condition
                    .iter()
                    .map(|(op, keys)| {
                        let keys = keys
                            .iter()
                            .map(|(k, v)| {
                                let v = match v {
                                    ConditionValue::One(s) => Expr::s(s.clone()),
                                    ConditionValue::Many(l) => Expr::strs(l.iter().cloned()),
                                };
                                (k.clone(), v)
                            })
                            .collect();
                        (op.clone(), Expr::Map(keys))
                    })
                    .collect();
                m.insert("Condition".to_owned(), Expr::Map(condition));
            }
            Expr::Map(m)
        })
        .collect()
}

/// The execution role policy of architecture.md section 2.
pub(super) fn execution_policy(
    env: &str,
    bucket_arn: &Expr,
    bucket_objects: &Expr,
    kms: &Kms,
    key_arn: Option<&Expr>,
) -> Expr {
    let bucket_both = Expr::List(vec![bucket_arn.clone(), bucket_objects.clone()]);
    let mut statements = vec![
        statement(
            "PublishMetrics",
            "Allow",
            None,
            Expr::strs(["airflow:PublishMetrics"]),
            Some(("Resource", Expr::List(vec![env_arn(env)]))),
            None,
        ),
        statement(
            "DenyListAllBuckets",
            "Deny",
            None,
            Expr::strs(["s3:ListAllMyBuckets"]),
            Some(("Resource", bucket_both.clone())),
            None,
        ),
        statement(
            "ReadEnvironmentBucket",
            "Allow",
            None,
            Expr::strs(["s3:GetObject*", "s3:GetBucket*", "s3:List*"]),
            Some(("Resource", bucket_both)),
            None,
        ),
        statement(
            "ReadAccountPublicAccessBlock",
            "Allow",
            None,
            Expr::strs(["s3:GetAccountPublicAccessBlock"]),
            Some(("Resource", Expr::strs(["*"]))),
            None,
        ),
        statement(
            "WriteAirflowLogs",
            "Allow",
            None,
            Expr::strs([
                "logs:CreateLogStream",
                "logs:CreateLogGroup",
                "logs:PutLogEvents",
                "logs:GetLogEvents",
                "logs:GetLogRecord",
                "logs:GetLogGroupFields",
                "logs:GetQueryResults",
            ]),
            Some((
                "Resource",
                Expr::List(vec![Expr::sub(&format!(
                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:airflow-{env}-*"
                ))]),
            )),
            None,
        ),
        describe_log_groups_statement(),
        statement(
            "PutMetricData",
            "Allow",
            None,
            Expr::strs(["cloudwatch:PutMetricData"]),
            Some(("Resource", Expr::strs(["*"]))),
            None,
        ),
        statement(
            "UseCeleryQueues",
            "Allow",
            None,
            Expr::strs([
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
            ]),
            Some((
                "Resource",
                Expr::List(vec![Expr::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:*:airflow-celery-*")]),
            )),
            None,
        ),
    ];
    let kms_actions = Expr::strs(["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]);
    statements.push(match (kms, key_arn) {
        (Kms::AwsOwned, _) | (_, None) => statement(
            "UseAwsOwnedKeyViaSqs",
            "Allow",
            None,
            kms_actions,
            Some(("NotResource", Expr::List(vec![Expr::sub("arn:${AWS::Partition}:kms:*:${AWS::AccountId}:key/*")]))),
            Some(condition("StringLike", "kms:ViaService", via_services(false))),
        ),
        (_, Some(key)) => statement(
            "UseEnvironmentKey",
            "Allow",
            None,
            kms_actions,
            Some(("Resource", Expr::List(vec![key.clone()]))),
            Some(condition("StringLike", "kms:ViaService", via_services(true))),
        ),
    });
    policy(statements)
}
