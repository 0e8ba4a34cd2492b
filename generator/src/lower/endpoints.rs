//! VPC endpoints: under private routing, the endpoints of the AWS services MWAA reaches instead of
//! the internet (seed 002; MWAA user guide, vpc-vpe-create-access.md); with
//! `endpoint_management = "CUSTOMER"`, the endpoints MWAA waits for the customer to create
//! (vpc-endpoint-management.html).

use super::policy::{policy, principal_any, statement};
use super::{secrets, Builder, Refs};
use crate::ir::{Attr, Expr, Kind, Ref};
use crate::model::{Config, Network};

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

/// The customer-managed endpoints: (logical id, environment attribute naming the endpoint
/// service, Name tag, whether the web server needs it). MWAA creates neither with
/// `EndpointManagement = CUSTOMER`; the environment stays PENDING until they exist and fails after
/// 72 hours (vpc-endpoint-management.html; MWAA API, `EndpointManagement`). The web server has an
/// endpoint service only in PRIVATE_ONLY mode (vpc-vpe-access.html).
const CUSTOMER_ENDPOINTS: &[(&str, Attr, &str, bool)] = &[
    ("DatabaseVpcEndpoint", Attr::DatabaseVpcEndpointService, "database", false),
    ("WebserverVpcEndpoint", Attr::WebserverVpcEndpointService, "web server", true),
];

impl Builder {
    /// Private routing: the S3 gateway endpoint on the private route tables, and an interface
    /// endpoint per service MWAA (and the `[secrets]` backend) calls.
    pub(super) fn endpoints(&mut self, config: &Config, refs: &Refs) {
        let env = self.env.clone();
        let mut statements = vec![
            statement(
                "EnvironmentBucket",
                "Allow",
                Some(principal_any()),
                Expr::strs(["s3:GetObject*", "s3:GetBucket*", "s3:List*"]),
                Some(("Resource", Expr::List(vec![refs.bucket_arn.clone(), refs.bucket_objects.clone()]))),
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
        ];
        // `network.s3_endpoint_bucket_arns`: further buckets the subnets may reach through the
        // gateway (a data lake). The endpoint only admits them; the execution role's IAM policies
        // decide what the environment may do there, as they would through a NAT gateway.
        if let Network::Created { s3_endpoint_bucket_arns: arns, .. } = &config.network {
            if !arns.is_empty() {
                let mut resources = Vec::new();
                for arn in arns {
                    resources.push(Expr::s(arn.clone()));
                    resources.push(Expr::s(format!("{arn}/*")));
                }
                statements.push(statement(
                    "AdditionalBuckets",
                    "Allow",
                    Some(principal_any()),
                    Expr::strs(["s3:*"]),
                    Some(("Resource", Expr::List(resources))),
                    None,
                ));
            }
        }
        let tags = self.tags_with_name(Some(&format!("{env} s3 endpoint")));
        let s3 = self.add(
            "S3GatewayEndpoint",
            Kind::VpcEndpoint {
                vpc: refs.vpc.clone(),
                service: Expr::sub("com.amazonaws.${AWS::Region}.s3"),
                endpoint_type: "Gateway".into(),
                route_tables: refs.route_tables.clone(),
                subnets: Vec::new(),
                security_groups: None,
                private_dns: false,
                policy: Some(policy(statements)),
            },
        );
        s3.tags = Some(tags);
        let services = INTERFACE_ENDPOINTS.iter().copied().chain(secrets::endpoint(config.secrets.as_ref()));
        for (prefix, service) in services {
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
                    vpc: refs.vpc.clone(),
                    service: Expr::sub(&format!("com.amazonaws.${{AWS::Region}}.{service}")),
                    endpoint_type: "Interface".into(),
                    route_tables: Vec::new(),
                    subnets: refs.private_subnets.clone(),
                    security_groups: Some(Expr::List(vec![refs.sg.clone()])),
                    private_dns: true,
                    policy: Some(full_access),
                },
            );
            ep.tags = Some(tags);
        }
    }

    /// `endpoint_management = "CUSTOMER"`: the interface endpoints to the environment's database
    /// (and PRIVATE_ONLY web server) endpoint services, in the environment's two subnets, with its
    /// security groups, as the user guide has the customer create them. They read the service
    /// names from the environment, which CloudFormation (its MWAA handler counts PENDING as
    /// created) and Terraform (hashicorp/terraform-provider-aws#39394, the provider lower bound of
    /// render/terraform/provider.rs) return at PENDING, so they are created right after it.
    ///
    /// Without private DNS: the services are MWAA's own endpoint services (`vpce-svc-...`), not an
    /// AWS service with a public DNS name to shadow (deploy-review.md finding 1, read against
    /// vpc-endpoint-management.html; EC2 `CreateVpcEndpoint`, `PrivateDnsEnabled` needs a service
    /// with a private DNS name). No endpoint policy either: endpoint services other than AWS
    /// services take none (AWS PrivateLink guide, "Control access to VPC endpoints using endpoint
    /// policies").
    pub(super) fn customer_endpoints(&mut self, config: &Config, refs: &Refs) {
        let e = &config.environment;
        // `create_customer_endpoints = false`: a shared VPC, whose owner creates them from the
        // endpoint services the outputs name (MWAA user guide, vpc-endpoint-management.html).
        if e.endpoint_management != "CUSTOMER" || !config.create_customer_endpoints {
            return;
        }
        let env = self.env.clone();
        for (id, attr, what, webserver_only) in CUSTOMER_ENDPOINTS {
            if *webserver_only && e.webserver_access_mode != "PRIVATE_ONLY" {
                continue;
            }
            let service = Expr::Ref(Ref { id: "MwaaEnvironment".into(), kind: "mwaa_environment".into(), attr: *attr });
            let tags = self.tags_with_name(Some(&format!("{env} {what} endpoint")));
            let ep = self.add(
                id,
                Kind::VpcEndpoint {
                    vpc: refs.vpc.clone(),
                    service,
                    endpoint_type: "Interface".into(),
                    route_tables: Vec::new(),
                    subnets: refs.private_subnets.clone(),
                    security_groups: Some(refs.environment_sgs.clone()),
                    private_dns: false,
                    policy: None,
                },
            );
            ep.tags = Some(tags);
        }
    }
}
