//! Private routing: VPC endpoints instead of the internet (seed 002; MWAA user guide,
//! vpc-vpe-create-access.md).

use super::policy::{policy, principal_any, statement};
use super::Builder;
use crate::ir::{Expr, Kind};

/// Services that MWAA reaches through interface endpoints when the VPC has no internet route
/// (seed 002): (logical id prefix, service name after `com.amazonaws.REGION.`).
pub const INTERFACE_ENDPOINTS: &[(&str, &str)] = &[
    ("Logs", "logs"),
    ("Monitoring", "monitoring"),
    ("Sqs", "sqs"),
    ("EcrApi", "ecr.api"),
    ("EcrDkr", "ecr.dkr"),
    ("Kms", "kms"),
    ("AirflowApi", "airflow.api"),
    ("AirflowEnv", "airflow.env"),
    ("AirflowOps", "airflow.ops"),
];

impl Builder {
    pub(super) fn endpoints(
        &mut self,
        vpc: &Expr,
        subnets: &[Expr],
        route_tables: &[Expr],
        sg: &Expr,
        bucket_arn: &Expr,
        bucket_objects: &Expr,
    ) {
        let env = self.env.clone();
        let s3_policy = policy(vec![
            statement(
                "EnvironmentBucket",
                "Allow",
                Some(principal_any()),
                Expr::strs(["s3:GetObject*", "s3:GetBucket*", "s3:List*"]),
                Some(("Resource", Expr::List(vec![bucket_arn.clone(), bucket_objects.clone()]))),
                None,
            ),
            statement(
                "EcrImageLayers",
                "Allow",
                Some(principal_any()),
                Expr::strs(["s3:GetObject"]),
                Some((
                    "Resource",
                    Expr::List(vec![Expr::sub(
                        "arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*",
                    )]),
                )),
                None,
            ),
        ]);
        let tags = self.tags_with_name(Some(&format!("{env} s3 endpoint")));
        let s3 = self.add(
            "S3GatewayEndpoint",
            Kind::VpcEndpoint {
                vpc: vpc.clone(),
                service: Expr::sub("com.amazonaws.${AWS::Region}.s3"),
                endpoint_type: "Gateway".into(),
                route_tables: route_tables.to_vec(),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: false,
                policy: s3_policy,
            },
        );
        s3.tags = Some(tags);
        for (prefix, service) in INTERFACE_ENDPOINTS {
            let full_access = policy(vec![statement(
                "FullAccess",
                "Allow",
                Some(principal_any()),
                Expr::strs(["*"]),
                Some(("Resource", Expr::strs(["*"]))),
                None,
            )]);
            let tags = self.tags_with_name(Some(&format!("{env} {service} endpoint")));
            let ep = self.add(
                &format!("{prefix}Endpoint"),
                Kind::VpcEndpoint {
                    vpc: vpc.clone(),
                    service: Expr::sub(&format!("com.amazonaws.${{AWS::Region}}.{service}")),
                    endpoint_type: "Interface".into(),
                    route_tables: Vec::new(),
                    subnets: subnets.to_vec(),
                    security_groups: vec![sg.clone()],
                    private_dns: true,
                    policy: full_access,
                },
            );
            ep.tags = Some(tags);
        }
    }
}
