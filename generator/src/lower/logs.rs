//! VPC flow logs: their log group, the role the service writes with, and the flow log.

use indexmap::IndexMap;

use super::policy::{policy, principal, statement};
use super::Builder;
use crate::ir::{Attr, Expr, Kind, Pseudo};

impl Builder {
    pub(super) fn flow_logs(&mut self, vpc: &Expr, kms_key: Option<&Expr>) {
        let env = self.env.clone();
        let log_group_name = format!("/mwaa/{env}/vpc-flow-logs");
        let tags = self.tags_with_name(None);
        let lg = self.add(
            "FlowLogsLogGroup",
            Kind::LogGroup { name: log_group_name.clone(), retention_days: 365, kms_key: kms_key.cloned() },
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
            statement(
                "DescribeLogGroups",
                "Allow",
                None,
                Expr::strs(["logs:DescribeLogGroups"]),
                Some(("Resource", Expr::strs(["*"]))),
                None,
            ),
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
