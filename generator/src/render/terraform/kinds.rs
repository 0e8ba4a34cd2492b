//! Each IR kind's Terraform resource type, the attribute that holds what CloudFormation's `Ref`
//! returns, and the file it is written to. The arguments of each kind are written by
//! `templates/terraform/resources.tf.tera`, one branch per kind.

use crate::ir::Kind;

/// The Terraform resource type of an IR kind (the primary one, when a kind becomes several).
#[must_use]
pub fn tf_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "vpc" => "aws_vpc",
        "internet_gateway" => "aws_internet_gateway",
        "vpc_gateway_attachment" => "aws_internet_gateway_attachment",
        "subnet" => "aws_subnet",
        "eip" => "aws_eip",
        "nat_gateway" => "aws_nat_gateway",
        "route_table" => "aws_route_table",
        "route" => "aws_route",
        "subnet_route_table_association" => "aws_route_table_association",
        "security_group" => "aws_security_group",
        "security_group_ingress" => "aws_vpc_security_group_ingress_rule",
        "network_acl" => "aws_network_acl",
        "network_acl_entry" => "aws_network_acl_rule",
        "subnet_network_acl_association" => "aws_network_acl_association",
        "vpc_endpoint" => "aws_vpc_endpoint",
        "log_group" => "aws_cloudwatch_log_group",
        "flow_log" => "aws_flow_log",
        "iam_role" => "aws_iam_role",
        "role_policy" => "aws_iam_role_policy",
        "managed_policy" => "aws_iam_policy",
        "bucket" => "aws_s3_bucket",
        "bucket_policy" => "aws_s3_bucket_policy",
        "kms_key" => "aws_kms_key",
        "kms_alias" => "aws_kms_alias",
        "mwaa_environment" => "aws_mwaa_environment",
        "sns_topic" => "aws_sns_topic",
        "sns_subscription" => "aws_sns_topic_subscription",
        "sns_topic_policy" => "aws_sns_topic_policy",
        "alarm" => "aws_cloudwatch_metric_alarm",
        "dashboard" => "aws_cloudwatch_dashboard",
        _ => return None,
    })
}

/// The Terraform attribute that holds what CloudFormation's `Ref` (IR [`Attr::Id`]) returns.
pub(super) fn id_attribute(kind: &str) -> &'static str {
    match kind {
        "iam_role" | "log_group" | "kms_alias" => "name",
        // CloudFormation's `Ref` of these is their ARN.
        "managed_policy" | "sns_topic" => "arn",
        "kms_key" => "key_id",
        "eip" => "public_ip",
        _ => "id",
    }
}

/// Where each kind is written: files by concern.
pub(super) fn file_of(kind: &Kind) -> &'static str {
    match kind {
        Kind::Vpc { .. }
        | Kind::InternetGateway
        | Kind::VpcGatewayAttachment { .. }
        | Kind::Subnet { .. }
        | Kind::Eip
        | Kind::NatGateway { .. }
        | Kind::RouteTable { .. }
        | Kind::Route { .. }
        | Kind::SubnetRouteTableAssociation { .. }
        | Kind::NetworkAcl { .. }
        | Kind::NetworkAclEntry { .. }
        | Kind::SubnetNetworkAclAssociation { .. } => "network.tf",
        Kind::VpcEndpoint { .. } => "endpoints.tf",
        Kind::SecurityGroup { .. } | Kind::SecurityGroupIngress { .. } => "security_group.tf",
        Kind::LogGroup { .. } | Kind::FlowLog { .. } => "logs.tf",
        Kind::KmsKey { .. } | Kind::KmsAlias { .. } => "kms.tf",
        Kind::Bucket { .. } | Kind::BucketPolicy { .. } => "s3.tf",
        Kind::IamRole { .. } | Kind::RolePolicy { .. } | Kind::ManagedPolicy { .. } => "iam.tf",
        Kind::MwaaEnvironment(_) => "mwaa.tf",
        Kind::SnsTopic { .. }
        | Kind::SnsSubscription { .. }
        | Kind::SnsTopicPolicy { .. }
        | Kind::Alarm(_)
        | Kind::Dashboard { .. } => "monitoring.tf",
    }
}

/// The resource files, in the order they are written.
pub(super) const RESOURCE_FILES: &[&str] = &[
    "network.tf",
    "security_group.tf",
    "endpoints.tf",
    "logs.tf",
    "kms.tf",
    "s3.tf",
    "iam.tf",
    "mwaa.tf",
    "monitoring.tf",
];
