//! The spec's inputs (`{ input = "name" }`, spec-format.md "Inputs"): values given at deploy time,
//! and the rule each must meet. The rules are the ones validation applies to a literal
//! (crate::rules), so that CloudFormation (AllowedPattern, an AWS-specific parameter type) and
//! Terraform (a `validation` block) refuse what mwaagen would refuse in the spec. Rules that need
//! the value itself and AWS's view of it (two subnets in different availability zones, a VPC
//! that exists, a bucket with versioning) are checked by AWS at deploy time.

use crate::ir::{camel_case, Expr, Input};
use crate::model::{Config, Given, InputKind};
use crate::rules::{
    Text, EC2_INTERNET_GATEWAY_ID, EC2_SECURITY_GROUP_ID, EC2_SUBNET_ID, EC2_VPC_ID, IAM_ROLE_ARN, KMS_KEY_ARN, REGION,
    S3_BUCKET_ARN, SECURITY_GROUP_LIST, SNS_TOPIC_NAME, SUBNET_LIST,
};

/// A string that may be an input, as an expression.
pub(super) fn given(g: &Given<String>) -> Expr {
    match g {
        Given::Lit(s) => Expr::s(s.clone()),
        Given::Input(name) => Expr::Input(name.clone()),
    }
}

/// The two private subnets: the spec's, or the two items of an input's list (MWAA takes exactly
/// two: MWAA API, SubnetList).
pub(super) fn subnets(g: &Given<[String; 2]>) -> Vec<Expr> {
    match g {
        Given::Lit(ids) => ids.iter().map(|s| Expr::s(s.clone())).collect(),
        Given::Input(name) => {
            (0..2).map(|index| Expr::Select { index, list: Box::new(Expr::Input(name.clone())) }).collect()
        }
    }
}

/// An SNS topic ARN, `arn:PARTITION:sns:REGION:ACCOUNT:NAME`, from the rules validation applies
/// to a literal `sns_topic_arn` (validate/aws.rs `sns_topic_arn_problem`): the region of
/// [`REGION`], a 12-digit account, the name of [`SNS_TOPIC_NAME`] (SNS API, CreateTopicInput.Name).
fn sns_topic_arn() -> String {
    format!(
        "arn:aws(-[a-z]+)*:sns:{}:\\d{{12}}:{}",
        REGION.pattern.unwrap_or(".+"),
        SNS_TOPIC_NAME.pattern.unwrap_or(".+")
    )
}

/// The inputs of the spec, each with its rule.
pub(super) fn inputs(config: &Config) -> Vec<Input> {
    config
        .inputs
        .iter()
        .map(|i| {
            let text = |rule: &Text| rule.pattern.unwrap_or(".*").to_owned();
            let (cfn_type, pattern, min, max, what, source): (&str, String, usize, usize, &str, String) = match i.kind {
                InputKind::VpcId => (
                    "AWS::EC2::VPC::Id",
                    text(&EC2_VPC_ID),
                    EC2_VPC_ID.min,
                    EC2_VPC_ID.max,
                    "a VPC id: vpc- and 1 to 17 lowercase hexadecimal digits",
                    EC2_VPC_ID.source.to_owned(),
                ),
                InputKind::PrivateSubnetIds => (
                    "List<AWS::EC2::Subnet::Id>",
                    text(&EC2_SUBNET_ID),
                    SUBNET_LIST.min,
                    SUBNET_LIST.max,
                    "exactly 2 different subnet ids, each subnet- and 1 to 17 lowercase hexadecimal digits, in \
                     different availability zones",
                    format!("{}; {}", SUBNET_LIST.source, EC2_SUBNET_ID.source),
                ),
                InputKind::InternetGatewayId => (
                    "String",
                    text(&EC2_INTERNET_GATEWAY_ID),
                    EC2_INTERNET_GATEWAY_ID.min,
                    EC2_INTERNET_GATEWAY_ID.max,
                    "an internet gateway id: igw- and 1 to 17 lowercase hexadecimal digits",
                    EC2_INTERNET_GATEWAY_ID.source.to_owned(),
                ),
                InputKind::SecurityGroupIds => {
                    // MWAA takes 1 to 5 groups; with a group of its own the stack adds one.
                    let max = if config.security_group.create {
                        SECURITY_GROUP_LIST.max
                    } else {
                        SECURITY_GROUP_LIST.max + SECURITY_GROUP_LIST.reserved
                    };
                    (
                        "List<AWS::EC2::SecurityGroup::Id>",
                        text(&EC2_SECURITY_GROUP_ID),
                        1,
                        max,
                        if config.security_group.create {
                            "1 to 4 different security group ids (MWAA takes 5 and the stack adds its own), each sg- \
                             and 1 to 17 lowercase hexadecimal digits"
                        } else {
                            "1 to 5 different security group ids, each sg- and 1 to 17 lowercase hexadecimal digits"
                        },
                        format!("{}; {}", SECURITY_GROUP_LIST.source, EC2_SECURITY_GROUP_ID.source),
                    )
                }
                InputKind::BucketArn => (
                    "String",
                    text(&S3_BUCKET_ARN),
                    S3_BUCKET_ARN.min,
                    S3_BUCKET_ARN.max,
                    "an S3 bucket ARN: arn:aws:s3:::BUCKET-NAME",
                    S3_BUCKET_ARN.source.to_owned(),
                ),
                InputKind::RoleArn => (
                    "String",
                    text(&IAM_ROLE_ARN),
                    IAM_ROLE_ARN.min,
                    IAM_ROLE_ARN.max,
                    "an IAM role ARN: arn:aws:iam::ACCOUNT-ID:role/ROLE-NAME",
                    IAM_ROLE_ARN.source.to_owned(),
                ),
                InputKind::KmsKeyArn => (
                    "String",
                    text(&KMS_KEY_ARN),
                    KMS_KEY_ARN.min,
                    KMS_KEY_ARN.max,
                    "a KMS key ARN with a lowercase UUID key id (not an alias, not a multi-Region key): \
                     arn:aws:kms:REGION:ACCOUNT-ID:key/KEY-ID",
                    KMS_KEY_ARN.source.to_owned(),
                ),
                InputKind::TopicArn => (
                    "String",
                    sns_topic_arn(),
                    1,
                    2048,
                    "an SNS topic ARN: arn:aws:sns:REGION:ACCOUNT-ID:TOPIC-NAME",
                    "SNS API, CreateTopicInput.Name".to_owned(),
                ),
            };
            let id = crate::ir::input_id(&i.name);
            Input {
                name: i.name.clone(),
                prop: camel_case(&i.name),
                id,
                field: i.kind.field().to_owned(),
                list: i.kind.is_list(),
                cfn_type: cfn_type.to_owned(),
                pattern,
                min,
                max,
                distinct: i.kind.is_list(),
                example: example(i.kind).iter().map(|s| (*s).to_owned()).collect(),
                description: format!("{} (the spec's input {}, for {})", capitalize(what), i.name, i.kind.field()),
                rule: format!("{} must be {what} ({source}).", i.kind.field()),
            }
        })
        .collect()
}

/// A value of each kind that meets its rule.
fn example(kind: InputKind) -> &'static [&'static str] {
    match kind {
        InputKind::VpcId => &["vpc-0123456789abcdef0"],
        InputKind::PrivateSubnetIds => &["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        InputKind::InternetGatewayId => &["igw-0123456789abcdef0"],
        InputKind::SecurityGroupIds => &["sg-0123456789abcdef0"],
        InputKind::BucketArn => &["arn:aws:s3:::example-airflow-bucket"],
        InputKind::RoleArn => &["arn:aws:iam::123456789012:role/example-mwaa-role"],
        InputKind::KmsKeyArn => &["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        InputKind::TopicArn => &["arn:aws:sns:us-east-1:123456789012:example-alarms"],
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}
