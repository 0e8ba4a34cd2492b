//! Log groups: VPC flow logs (their group, the role the service writes with, and the flow log),
//! and the groups MWAA writes the environment's Airflow logs to.

use indexmap::IndexMap;

use super::policy::{describe_log_groups_statement, policy, principal, statement};
use super::Builder;
use crate::ir::{snake_case, Attr, Expr, Kind, Lifecycle, Output, Pseudo};
use crate::model::{Bucket, Config, Environment};

impl Builder {
    /// The flow-log group keeps its logs as long as MWAA's (`logging.retention_days`).
    pub(super) fn flow_logs(&mut self, vpc: &Expr, kms_key: Option<&Expr>, retention_days: i64) {
        let env = self.env.clone();
        let log_group_name = format!("/mwaa/{env}/vpc-flow-logs");
        let tags = self.tags_with_name(None);
        let lg = self.add(
            "FlowLogsLogGroup",
            Kind::LogGroup { name: log_group_name.clone(), retention_days, kms_key: kms_key.cloned() },
        );
        lg.tags = Some(tags);
        let lg_name = lg.attr(Attr::Id);
        let trust = policy(vec![statement(
            "AllowFlowLogsToAssumeRole",
            "Allow",
            Some(principal("Service", Expr::strs(["vpc-flow-logs.amazonaws.com"]))),
            Expr::strs(["sts:AssumeRole"]),
            None,
            Some(Expr::Map(IndexMap::from([
                (
                    "StringEquals".to_owned(),
                    Expr::Map(IndexMap::from([("aws:SourceAccount".to_owned(), Expr::Pseudo(Pseudo::AccountId))])),
                ),
                (
                    "ArnLike".to_owned(),
                    Expr::Map(IndexMap::from([(
                        "aws:SourceArn".to_owned(),
                        Expr::sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"),
                    )])),
                ),
            ]))),
        )]);
        let tags = self.tags_with_name(None);
        let role = self.add(
            "FlowLogsRole",
            Kind::IamRole {
                description: format!("Lets VPC flow logs of {env} write to their log group"),
                assume_role_policy: trust,
                managed_policy_arns: Vec::new(),
                permissions_boundary: None,
            },
        );
        role.tags = Some(tags);
        let role_name = role.attr(Attr::Id);
        let role_arn = role.attr(Attr::Arn);
        let group_arn =
            format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group_name}");
        // The actions of the VPC user guide's flow-logs role (flow-logs-cwl.html), on this log group
        // and its streams; logs:DescribeLogGroups takes no resource but "*" (Service Authorization
        // Reference, CloudWatch Logs), so it has a statement of its own.
        let doc = policy(vec![
            statement(
                "WriteFlowLogs",
                "Allow",
                None,
                Expr::strs(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]),
                Some(("Resource", Expr::List(vec![Expr::sub(&group_arn), Expr::sub(&format!("{group_arn}:*"))]))),
                None,
            ),
            describe_log_groups_statement(),
        ]);
        self.add(
            "FlowLogsRolePolicy",
            Kind::RolePolicy { role: role_name, policy_name: "write-flow-logs".into(), document: doc },
        );
        let tags = self.tags_with_name(Some(&format!("{env} flow logs")));
        let fl = self.add(
            "VpcFlowLog",
            Kind::FlowLog { vpc: vpc.clone(), log_group_name: lg_name, role_arn, traffic_type: "ALL".into() },
        );
        fl.tags = Some(tags);
    }
}

/// MWAA's log group of each logging module, as MWAA names them: `airflow-ENV-DAGProcessing`,
/// `-Scheduler`, `-Task`, `-WebServer`, `-Worker` (MWAA API, ModuleLoggingConfiguration
/// CloudWatchLogGroupArn: `log-group:airflow-MyMWAAEnvironment-...-DAGProcessing`; user guide,
/// t-cloudwatch-cloudtrail-logs.md: `airflow-MyAirflowEnvironment-DAGProcessing`; the execution
/// role's `airflow-ENV-*` of mwaa-create-role.md. monitoring-airflow.md leaves the `airflow-` out).
///
/// Airflow 3 replaces the web server with an API server, but MWAA keeps one set of names: its API
/// has the same five logging modules for every version (`LoggingConfigurationInput.WebserverLogs`,
/// no API-server module), and MWAA's own 3.0.6 image still starts that component as `webserver`
/// and reads its log settings from `MWAA__LOGGING__AIRFLOW_WEBSERVER_*`
/// (aws/amazon-mwaa-docker-images, images/airflow/3.0.6/python/mwaa/entrypoint.py). So the group
/// stays `-WebServer` for 3.x. No user guide page names the 3.x group itself (docs/operations.md).
const MWAA_LOG_GROUPS: [(&str, &str, &str, &str); 5] = [
    ("dag_processing", "DagProcessing", "DAGProcessing", "DAG processing"),
    ("scheduler", "Scheduler", "Scheduler", "scheduler"),
    ("task", "Task", "Task", "task"),
    ("webserver", "Webserver", "WebServer", "web server"),
    ("worker", "Worker", "Worker", "worker"),
];

/// One log group the stack creates for MWAA.
pub(super) struct MwaaLogGroup {
    /// Logical id: `SchedulerLogGroup`.
    pub(super) id: String,
    /// `airflow-ENV-Scheduler`.
    pub(super) name: String,
    /// `DAG processing`.
    what: &'static str,
}

/// The log groups of the modules the spec turns on, in the MWAA API's order.
pub(super) fn mwaa_log_groups(e: &Environment) -> Vec<MwaaLogGroup> {
    MWAA_LOG_GROUPS
        .iter()
        .filter(|_| e.create_log_groups)
        .filter(|(module, ..)| e.logging.iter().any(|m| m.module == *module && m.enabled))
        .map(|(_, pascal, suffix, what)| MwaaLogGroup {
            id: format!("{pascal}LogGroup"),
            name: format!("airflow-{}-{suffix}", e.name),
            what,
        })
        .collect()
}

impl Builder {
    /// MWAA's log groups, created by the stack so that they get the spec's retention and the
    /// environment's key (MWAA would create them itself, never expiring, with CloudWatch Logs'
    /// own encryption). Retained or deleted with the stack like the bucket: logs are kept as long
    /// as the DAGs and data they describe.
    pub(super) fn mwaa_log_groups(&mut self, config: &Config, kms_key: Option<&Expr>) {
        let lifecycle = match &config.bucket {
            Bucket::Created { retain_on_delete: false, .. } => Lifecycle::Delete,
            Bucket::Created { .. } | Bucket::Existing { .. } => Lifecycle::Retain,
        };
        for g in mwaa_log_groups(&config.environment) {
            let tags = self.tags_with_name(None);
            let r = self.add(
                &g.id,
                Kind::LogGroup {
                    name: g.name,
                    retention_days: config.environment.log_retention_days,
                    kms_key: kms_key.cloned(),
                },
            );
            r.tags = Some(tags);
            r.lifecycle = Some(lifecycle);
        }
    }
}

/// The ARN of each MWAA log group, written out rather than read from the resource: CloudFormation's
/// `Fn::GetAtt LogGroup.Arn` ends in `:*` and Terraform's `arn` does not (AWS::Logs::LogGroup return
/// values; aws_cloudwatch_log_group attribute reference), and both targets must output the same.
pub(super) fn outputs(e: &Environment) -> Vec<Output> {
    mwaa_log_groups(e)
        .into_iter()
        .map(|g| {
            let id = format!("{}Arn", g.id);
            Output {
                tf_name: snake_case(&id),
                id,
                description: format!("ARN of the log group of the environment's {} logs", g.what),
                value: Expr::sub(&format!(
                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{}",
                    g.name
                )),
            }
        })
        .collect()
}
