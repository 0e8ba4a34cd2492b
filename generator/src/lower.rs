//! [`Config`] -> [`Ir`]: the resources of architecture.md, in a fixed order, with their links.

mod suppressions;

use indexmap::IndexMap;

use crate::ir::{
    camel_case, snake_case, Attr, BucketLifecycleRule, Expr, Ir, Kind, Lifecycle, LogModule, MwaaSettings, Output,
    Part, Pseudo, Resource, S3Key, SgRule,
};
use crate::model::{Bucket, Config, Encryption, ExecutionRole, Ingress, Kms, NatGateways, Network, Routing, S3Object};

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

/// Lowers a validated spec into the resource graph.
#[must_use]
pub fn lower(config: &Config) -> Ir {
    let mut b = Builder { resources: Vec::new(), tags: config.tags.clone(), env: config.environment.name.clone() };
    let env = &config.environment.name;

    // --- Network -------------------------------------------------------------------------------
    let (vpc, private_subnets, public_subnets, route_tables) = b.network(config);

    // --- Security group ------------------------------------------------------------------------
    let sg = b.security_group(config, &vpc);

    // --- Network ACL ---------------------------------------------------------------------------
    if config.acl {
        b.acl(&vpc, &public_subnets, &private_subnets);
    }

    // --- Private routing: VPC endpoints instead of the internet --------------------------------
    // (the bucket ARN is needed by the S3 endpoint policy, so the bucket is decided first)
    let kms_key: Option<Expr> = match &config.kms {
        Kms::AwsOwned => None,
        Kms::Create => {
            Some(Expr::Ref(crate::ir::Ref { id: "EnvironmentKey".into(), kind: "kms_key".into(), attr: Attr::Arn }))
        }
        Kms::Existing(arn) => Some(Expr::s(arn.clone())),
    };
    let (bucket_arn, bucket_objects, bucket_name) = match &config.bucket {
        Bucket::Created { .. } => {
            let r = crate::ir::Ref { id: "EnvironmentBucket".into(), kind: "bucket".into(), attr: Attr::Arn };
            (
                Expr::Ref(r.clone()),
                Expr::sub_parts(vec![Part::Ref(r), Part::Lit("/*".into())]),
                Expr::Ref(crate::ir::Ref { id: "EnvironmentBucket".into(), kind: "bucket".into(), attr: Attr::Id }),
            )
        }
        Bucket::Existing { arn, name } => (Expr::s(arn.clone()), Expr::s(format!("{arn}/*")), Expr::s(name.clone())),
    };
    if let Network::Created { routing: Routing::Private, .. } = &config.network {
        b.endpoints(&vpc, &private_subnets, &route_tables, &sg, &bucket_arn, &bucket_objects);
    }

    // --- Flow logs -----------------------------------------------------------------------------
    if let Network::Created { flow_logs: true, .. } = &config.network {
        b.flow_logs(&vpc, kms_key.as_ref());
    }

    // --- Execution role (referenced by the key policy) -----------------------------------------
    let role_arn = match &config.execution_role {
        ExecutionRole::Existing(arn) => Expr::s(arn.clone()),
        ExecutionRole::Generated { .. } => {
            Expr::Ref(crate::ir::Ref { id: "ExecutionRole".into(), kind: "iam_role".into(), attr: Attr::Arn })
        }
    };

    // --- KMS key -------------------------------------------------------------------------------
    if matches!(config.kms, Kms::Create) {
        b.kms_key(&role_arn);
    }

    // --- Bucket --------------------------------------------------------------------------------
    if let Bucket::Created { name, encryption, enforce_tls, retain_on_delete } = &config.bucket {
        let (sse_algorithm, key) = match encryption {
            Encryption::SseS3 => ("AES256", None),
            Encryption::SseKms => ("aws:kms", kms_key.clone()),
        };
        let tags = b.tags_with_name(None);
        let bucket = b.add(
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
                Some(("Resource", Expr::List(vec![bucket_arn.clone(), bucket_objects.clone()]))),
                Some(condition("Bool", "aws:SecureTransport", Expr::s("false"))),
            )]);
            b.add("EnvironmentBucketPolicy", Kind::BucketPolicy { bucket: bucket_name.clone(), document: doc });
        }
    }

    // --- Execution role and its least-privilege policy ------------------------------------------
    let env_arn = env_arn(env);
    if let ExecutionRole::Generated { additional_policy_arns, permissions_boundary_arn, .. } = &config.execution_role {
        let trust = policy(vec![statement(
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
                ("ArnLike".to_owned(), Expr::Map(IndexMap::from([("aws:SourceArn".to_owned(), env_arn.clone())]))),
            ]))),
        )]);
        let role = b.add(
            "ExecutionRole",
            Kind::IamRole {
                description: format!("Execution role of the Amazon MWAA environment {env}"),
                assume_role_policy: trust,
                managed_policy_arns: additional_policy_arns.iter().map(|a| Expr::s(a.clone())).collect(),
                permissions_boundary: permissions_boundary_arn.clone(),
            },
        );
        let role_ref = role.attr(Attr::Id);
        let tags = b.tags_with_name(None);
        b.last().tags = Some(tags);
        let doc = execution_policy(env, &bucket_arn, &bucket_objects, &config.kms, kms_key.as_ref());
        b.add(
            "ExecutionPolicy",
            Kind::ManagedPolicy {
                description: format!("Least-privilege permissions of the Amazon MWAA environment {env}"),
                document: doc,
                roles: vec![role_ref],
                groups: Vec::new(),
            },
        );
    }

    // --- Web UI access -------------------------------------------------------------------------
    for (i, grant) in config.web_access.iter().enumerate() {
        let doc = policy(vec![statement(
            "CreateWebLoginToken",
            "Allow",
            None,
            Expr::strs(["airflow:CreateWebLoginToken"]),
            Some((
                "Resource",
                Expr::List(vec![Expr::sub(&format!(
                    "arn:${{AWS::Partition}}:airflow:${{AWS::Region}}:${{AWS::AccountId}}:role/{env}/{}",
                    grant.airflow_role
                ))]),
            )),
            None,
        )]);
        b.add(
            &format!("WebAccessPolicy{}", i + 1),
            Kind::ManagedPolicy {
                description: format!("Opens the Airflow UI of {env} as {}", grant.airflow_role),
                document: doc,
                roles: grant.attach_to_roles.iter().map(|r| Expr::s(r.clone())).collect(),
                groups: grant.attach_to_groups.iter().map(|g| Expr::s(g.clone())).collect(),
            },
        );
    }

    // --- The environment -----------------------------------------------------------------------
    let e = &config.environment;
    let key = |o: &Option<S3Object>| o.as_ref().map(|o| S3Key { path: o.path.clone(), version: o.version.clone() });
    let mut sg_ids = vec![sg.clone()];
    sg_ids.extend(config.security_group.additional_ids.iter().map(|s| Expr::s(s.clone())));
    let settings = MwaaSettings {
        name: env.clone(),
        airflow_version: e.airflow_version.clone(),
        environment_class: e.environment_class.clone(),
        min_workers: e.min_workers,
        max_workers: e.max_workers,
        schedulers: e.schedulers,
        min_webservers: e.min_webservers,
        max_webservers: e.max_webservers,
        webserver_access_mode: e.webserver_access_mode.clone(),
        endpoint_management: e.endpoint_management.clone(),
        worker_replacement_strategy: e.worker_replacement_strategy.clone(),
        weekly_maintenance_window_start: e.weekly_maintenance_window_start.clone(),
        source_bucket_arn: bucket_arn.clone(),
        dag_s3_path: e.dag_s3_path.clone(),
        plugins: key(&e.plugins),
        requirements: key(&e.requirements),
        startup_script: key(&e.startup_script),
        airflow_configuration_options: e.airflow_configuration_options.clone(),
        execution_role_arn: role_arn.clone(),
        kms_key: kms_key.clone(),
        logging: e
            .logging
            .iter()
            .map(|(m, l)| LogModule { module: m.clone(), enabled: l.is_some(), level: l.clone() })
            .collect(),
        security_group_ids: sg_ids,
        subnet_ids: private_subnets.clone(),
    };
    let mut deps = Vec::new();
    if matches!(config.execution_role, ExecutionRole::Generated { .. }) {
        // Without the policy attached first, MWAA fails to create the environment.
        deps.push("ExecutionPolicy".to_owned());
    }
    let literal_substitution = {
        let mut texts: Vec<&str> = vec![&settings.dag_s3_path];
        for o in [&settings.plugins, &settings.requirements, &settings.startup_script].into_iter().flatten() {
            texts.push(&o.path);
            texts.extend(o.version.as_deref());
        }
        texts.extend(settings.airflow_configuration_options.values().map(String::as_str));
        texts.iter().any(|t| t.contains("${"))
    };
    let env_res = b.add("MwaaEnvironment", Kind::MwaaEnvironment(Box::new(settings)));
    env_res.depends_on = deps;
    if literal_substitution {
        env_res.suppressions.push(crate::ir::Suppression {
            tool: "cfn-lint".into(),
            id: "E1029".into(),
            reason: "a value from the spec holds literal ${...} text, not a CloudFormation substitution".into(),
        });
    }
    let mwaa_tags = config.tags.clone();
    b.last().tags = Some(mwaa_tags);

    // --- Outputs -------------------------------------------------------------------------------
    let mut outputs = Vec::new();
    let mut out = |id: &str, description: &str, value: Expr| {
        outputs.push(Output { id: id.to_owned(), tf_name: snake_case(id), description: description.to_owned(), value });
    };
    let mwaa = |attr| Expr::Ref(crate::ir::Ref { id: "MwaaEnvironment".into(), kind: "mwaa_environment".into(), attr });
    out(
        "WebserverUrl",
        "URL of the Airflow web server",
        Expr::sub_parts(vec![
            Part::Lit("https://".into()),
            match mwaa(Attr::WebserverUrl) {
                Expr::Ref(r) => Part::Ref(r),
                _ => Part::Lit(String::new()),
            },
        ]),
    );
    out("EnvironmentArn", "ARN of the MWAA environment", mwaa(Attr::Arn));
    out("BucketName", "Bucket holding DAGs, plugins.zip and requirements.txt", bucket_name);
    out("BucketArn", "ARN of the DAG bucket", bucket_arn);
    out("VpcId", "VPC of the environment", vpc.clone());
    out("PrivateSubnetIds", "Private subnets the environment runs in", join(",", private_subnets));
    if !public_subnets.is_empty() {
        out("PublicSubnetIds", "Public subnets holding the NAT gateways", join(",", public_subnets));
    }
    out("SecurityGroupId", "Security group of the environment", sg);
    out("ExecutionRoleArn", "ARN of the environment's execution role", role_arn);
    if let Some(k) = kms_key {
        out("KmsKeyArn", "ARN of the KMS key that encrypts the environment", k);
    }

    suppressions::apply(config, &mut b.resources);
    let uses_az_lookup =
        b.resources.iter().any(|r| matches!(&r.kind, Kind::Subnet { availability_zone: Expr::Az(_), .. }));
    Ir {
        source_name: config.source_name.clone(),
        environment_name: env.clone(),
        description: format!("Amazon MWAA environment {env} and the network, bucket, keys and roles it needs"),
        region: config.output.region.clone(),
        stack_name: config.output.stack_name.clone().unwrap_or_else(|| format!("{env}-mwaa").replace('_', "-")),
        terraform_aws_provider: config.output.terraform_aws_provider.clone(),
        uses_az_lookup,
        resources: b.resources,
        outputs,
    }
}

/// Items joined with `sep`; a join of literal strings only is the joined literal.
fn join(sep: &str, items: Vec<Expr>) -> Expr {
    let literals: Option<Vec<&str>> =
        items.iter().map(|e| if let Expr::Str(s) = e { Some(s.as_str()) } else { None }).collect();
    match literals {
        Some(parts) => Expr::s(parts.join(sep)),
        None => Expr::Join { sep: sep.to_owned(), items },
    }
}

fn env_arn(env: &str) -> Expr {
    Expr::sub(&format!("arn:${{AWS::Partition}}:airflow:${{AWS::Region}}:${{AWS::AccountId}}:environment/{env}"))
}

struct Builder {
    resources: Vec<Resource>,
    tags: IndexMap<String, String>,
    env: String,
}

impl Builder {
    fn add(&mut self, id: &str, kind: Kind) -> &mut Resource {
        let tf_name = snake_case(id);
        self.resources.push(Resource {
            id: id.to_owned(),
            var_name: camel_case(&tf_name),
            tf_name,
            kind,
            depends_on: Vec::new(),
            tags: None,
            lifecycle: None,
            suppressions: Vec::new(),
        });
        self.last()
    }

    fn last(&mut self) -> &mut Resource {
        let n = self.resources.len() - 1;
        &mut self.resources[n]
    }

    /// The spec's tags, plus a `Name` tag when given one and the spec sets none (and has room).
    fn tags_with_name(&self, name: Option<&str>) -> IndexMap<String, String> {
        let mut tags = IndexMap::new();
        if let Some(name) = name {
            if !self.tags.contains_key("Name") && self.tags.len() < 50 {
                tags.insert("Name".to_owned(), name.to_owned());
            }
        }
        tags.extend(self.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags
    }

    fn add_tagged(&mut self, id: &str, kind: Kind, name: &str) -> Expr {
        let tags = self.tags_with_name(Some(name));
        let r = self.add(id, kind);
        r.tags = Some(tags);
        r.attr(Attr::Id)
    }

    /// Returns (vpc id, private subnet ids, public subnet ids, private route table ids).
    fn network(&mut self, config: &Config) -> (Expr, Vec<Expr>, Vec<Expr>, Vec<Expr>) {
        let env = self.env.clone();
        let (routing, vpc_cidr, public_subnet_cidrs, private_subnet_cidrs, availability_zones, nat_gateways) =
            match &config.network {
                Network::Existing { vpc_id, private_subnet_ids } => {
                    return (
                        Expr::s(vpc_id.clone()),
                        private_subnet_ids.iter().map(|s| Expr::s(s.clone())).collect(),
                        Vec::new(),
                        Vec::new(),
                    );
                }
                Network::Created {
                    routing,
                    vpc_cidr,
                    public_subnet_cidrs,
                    private_subnet_cidrs,
                    availability_zones,
                    nat_gateways,
                    ..
                } => (routing, vpc_cidr, public_subnet_cidrs, private_subnet_cidrs, availability_zones, nat_gateways),
            };
        let vpc = self.add_tagged("VPC", Kind::Vpc { cidr: vpc_cidr.to_string() }, &env);
        let az = |i: usize| match availability_zones {
            Some(azs) => Expr::s(azs[i].clone()),
            None => Expr::Az(u8::try_from(i).unwrap_or(0)),
        };
        let mut public = Vec::new();
        let mut attachment = None;
        if *routing == Routing::Public {
            let igw = self.add_tagged("InternetGateway", Kind::InternetGateway, &env);
            self.add(
                "InternetGatewayAttachment",
                Kind::VpcGatewayAttachment { vpc: vpc.clone(), internet_gateway: igw.clone() },
            );
            attachment = Some(igw);
            for (i, cidr) in public_subnet_cidrs.iter().enumerate() {
                let n = i + 1;
                public.push(self.add_tagged(
                    &format!("PublicSubnet{n}"),
                    Kind::Subnet { vpc: vpc.clone(), cidr: cidr.to_string(), availability_zone: az(i), public: true },
                    &format!("{env} public subnet (AZ{n})"),
                ));
                if availability_zones.is_some() {
                    self.last().suppressions.push(pinned_az());
                }
            }
        }
        let mut private = Vec::new();
        for (i, cidr) in private_subnet_cidrs.iter().enumerate() {
            let n = i + 1;
            private.push(self.add_tagged(
                &format!("PrivateSubnet{n}"),
                Kind::Subnet { vpc: vpc.clone(), cidr: cidr.to_string(), availability_zone: az(i), public: false },
                &format!("{env} private subnet (AZ{n})"),
            ));
            if availability_zones.is_some() {
                self.last().suppressions.push(pinned_az());
            }
        }
        let mut nats = Vec::new();
        if let Some(igw) = attachment {
            let count = match nat_gateways {
                NatGateways::OnePerAz => public.len(),
                NatGateways::Single => 1,
            };
            for (i, subnet) in public.iter().take(count).enumerate() {
                let n = i + 1;
                let name = format!("{env} NAT gateway (AZ{n})");
                let tags = self.tags_with_name(Some(&name));
                let eip = self.add(&format!("NatGateway{n}EIP"), Kind::Eip);
                eip.tags = Some(tags);
                // An EIP in a VPC needs the internet gateway attached first.
                eip.depends_on = vec!["InternetGatewayAttachment".to_owned()];
                let alloc = eip.attr(Attr::AllocationId);
                nats.push(self.add_tagged(
                    &format!("NatGateway{n}"),
                    Kind::NatGateway { allocation: alloc, subnet: subnet.clone() },
                    &name,
                ));
            }
            let rt = self.add_tagged(
                "PublicRouteTable",
                Kind::RouteTable { vpc: vpc.clone() },
                &format!("{env} public routes"),
            );
            let route = self.add(
                "DefaultPublicRoute",
                Kind::Route {
                    route_table: rt.clone(),
                    destination: "0.0.0.0/0".into(),
                    gateway: Some(igw),
                    nat_gateway: None,
                },
            );
            route.depends_on = vec!["InternetGatewayAttachment".to_owned()];
            for (i, subnet) in public.iter().enumerate() {
                self.add(
                    &format!("PublicSubnet{}RouteTableAssociation", i + 1),
                    Kind::SubnetRouteTableAssociation { subnet: subnet.clone(), route_table: rt.clone() },
                );
            }
        }
        let mut tables = Vec::new();
        for (i, subnet) in private.iter().enumerate() {
            let n = i + 1;
            let rt = self.add_tagged(
                &format!("PrivateRouteTable{n}"),
                Kind::RouteTable { vpc: vpc.clone() },
                &format!("{env} private routes (AZ{n})"),
            );
            if let Some(nat) = nats.get(i).or_else(|| nats.first()) {
                self.add(
                    &format!("DefaultPrivateRoute{n}"),
                    Kind::Route {
                        route_table: rt.clone(),
                        destination: "0.0.0.0/0".into(),
                        gateway: None,
                        nat_gateway: Some(nat.clone()),
                    },
                );
            }
            self.add(
                &format!("PrivateSubnet{n}RouteTableAssociation"),
                Kind::SubnetRouteTableAssociation { subnet: subnet.clone(), route_table: rt.clone() },
            );
            tables.push(rt);
        }
        (vpc, private, public, tables)
    }

    fn security_group(&mut self, config: &Config, vpc: &Expr) -> Expr {
        let env = self.env.clone();
        let tags = self.tags_with_name(Some(&env));
        let sg = self.add(
            "SecurityGroup",
            Kind::SecurityGroup {
                vpc: vpc.clone(),
                description: format!("Amazon MWAA environment {env}: traffic between its own components"),
                egress: vec![SgRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    peer_group: None,
                    cidr: Some("0.0.0.0/0".into()),
                    description: "All outbound traffic (AWS service endpoints, PyPI through NAT)".into(),
                }],
            },
        );
        sg.tags = Some(tags);
        let group = sg.attr(Attr::GroupId);
        let self_rule = |protocol: &str, port: Option<i64>, description: &str| SgRule {
            protocol: protocol.into(),
            from_port: port,
            to_port: port,
            peer_group: Some(group.clone()),
            cidr: None,
            description: description.into(),
        };
        match config.security_group.ingress {
            Ingress::AllSelf => {
                self.add(
                    "SecurityGroupIngress",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule("-1", None, "All traffic between members of this security group"),
                    },
                );
            }
            Ingress::Restricted => {
                self.add(
                    "SecurityGroupIngressPostgres",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule("tcp", Some(5432), "PostgreSQL metadata database, from members of this group"),
                    },
                );
                self.add(
                    "SecurityGroupIngressHttps",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule(
                            "tcp",
                            Some(443),
                            "HTTPS web server and VPC endpoints, from members of this group",
                        ),
                    },
                );
            }
        }
        group
    }

    fn acl(&mut self, vpc: &Expr, public: &[Expr], private: &[Expr]) {
        let env = self.env.clone();
        let acl = self.add_tagged("NetworkAcl", Kind::NetworkAcl { vpc: vpc.clone() }, &env);
        for (id, egress) in [("NetworkAclIngressEntry", false), ("NetworkAclEgressEntry", true)] {
            self.add(
                id,
                Kind::NetworkAclEntry {
                    acl: acl.clone(),
                    rule_number: 100,
                    egress,
                    protocol: "-1".into(),
                    action: "allow".into(),
                    cidr: "0.0.0.0/0".into(),
                },
            );
        }
        for (prefix, subnets) in [("Public", public), ("Private", private)] {
            for (i, subnet) in subnets.iter().enumerate() {
                self.add(
                    &format!("{prefix}Subnet{}NetworkAclAssociation", i + 1),
                    Kind::SubnetNetworkAclAssociation { subnet: subnet.clone(), acl: acl.clone() },
                );
            }
        }
    }

    fn endpoints(
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

    fn flow_logs(&mut self, vpc: &Expr, kms_key: Option<&Expr>) {
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
        let doc = policy(vec![statement(
            "WriteFlowLogs",
            "Allow",
            None,
            Expr::strs([
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
            ]),
            Some(("Resource", Expr::List(vec![Expr::sub(&group_arn), Expr::sub(&format!("{group_arn}:*"))]))),
            None,
        )]);
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

    fn kms_key(&mut self, role_arn: &Expr) {
        let env = self.env.clone();
        let doc = policy(vec![
            statement(
                "EnableAccountPermissions",
                "Allow",
                Some(principal("AWS", Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"))),
                Expr::strs(["kms:*"]),
                Some(("Resource", Expr::s("*"))),
                None,
            ),
            statement(
                "AllowCloudWatchLogs",
                "Allow",
                Some(principal("Service", Expr::sub("logs.${AWS::Region}.amazonaws.com"))),
                Expr::strs(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]),
                Some(("Resource", Expr::s("*"))),
                Some(condition(
                    "ArnLike",
                    "kms:EncryptionContext:aws:logs:arn",
                    Expr::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"),
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

fn pinned_az() -> crate::ir::Suppression {
    crate::ir::Suppression {
        tool: "cfn-lint".into(),
        id: "W3010".into(),
        reason: "the spec pins these availability zones (network.availability_zones)".into(),
    }
}

/// `sqs.REGION.amazonaws.com` (and `s3.REGION.amazonaws.com` for a customer managed key).
fn via_services(with_s3: bool) -> Expr {
    let mut v = vec![Expr::sub("sqs.${AWS::Region}.amazonaws.com")];
    if with_s3 {
        v.push(Expr::sub("s3.${AWS::Region}.amazonaws.com"));
    }
    Expr::List(v)
}

fn policy(statements: Vec<Expr>) -> Expr {
    Expr::Map(IndexMap::from([
        ("Version".to_owned(), Expr::s("2012-10-17")),
        ("Statement".to_owned(), Expr::List(statements)),
    ]))
}

fn principal(kind: &str, value: Expr) -> Expr {
    Expr::Map(IndexMap::from([(kind.to_owned(), value)]))
}

fn principal_any() -> Expr {
    Expr::s("*")
}

fn condition(op: &str, key: &str, value: Expr) -> Expr {
    Expr::Map(IndexMap::from([(op.to_owned(), Expr::Map(IndexMap::from([(key.to_owned(), value)])))]))
}

fn statement(
    sid: &str,
    effect: &str,
    principal: Option<Expr>,
    actions: Expr,
    resource: Option<(&str, Expr)>,
    condition: Option<Expr>,
) -> Expr {
    let mut m = IndexMap::new();
    m.insert("Sid".to_owned(), Expr::s(sid));
    m.insert("Effect".to_owned(), Expr::s(effect));
    if let Some(p) = principal {
        m.insert("Principal".to_owned(), p);
    }
    m.insert("Action".to_owned(), actions);
    if let Some((k, v)) = resource {
        m.insert(k.to_owned(), v);
    }
    if let Some(c) = condition {
        m.insert("Condition".to_owned(), c);
    }
    Expr::Map(m)
}

/// The execution role policy of architecture.md section 2.
fn execution_policy(env: &str, bucket_arn: &Expr, bucket_objects: &Expr, kms: &Kms, key_arn: Option<&Expr>) -> Expr {
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
        statement(
            "DescribeLogGroups",
            "Allow",
            None,
            Expr::strs(["logs:DescribeLogGroups"]),
            Some(("Resource", Expr::strs(["*"]))),
            None,
        ),
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
