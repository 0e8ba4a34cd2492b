//! Each resource's CloudFormation type and property tree ([`CfnResource`]), built once from its
//! [`Kind`] at the end of lowering. The CloudFormation and CDK backends write this tree
//! generically; the Terraform backend reads the `Kind`.
//!
//! One function per kind, each listing the properties in the order they are written. Property
//! names and their nesting are those of the CloudFormation resource schemas (the CloudFormation
//! User Guide's resource reference, `AWS::EC2::VPC` and so on); the CDK backend checks every name
//! against the schemas of cfn-lint kept in generator/data/cfn-property-types.json.

use indexmap::IndexMap;

use crate::ir::{
    AlarmQuery, AlarmSettings, BucketLifecycleRule, CfnResource, Expr, Kind, MwaaSettings, Prop, Resource, S3Key,
    SgRule,
};

/// Sets [`Resource::cfn`] of every resource.
pub(super) fn build(resources: &mut [Resource]) {
    for r in resources {
        let mut properties = properties(&r.kind);
        // Tags come last. AWS::MWAA::Environment's `Tags` is a JSON object of key -> value; every
        // other type's is a list of `{Key, Value}` (resource schemas, property `Tags`).
        if let Some(tags) = r.tags.as_ref().filter(|t| !t.is_empty()) {
            let object = matches!(r.kind, Kind::MwaaEnvironment(_));
            properties.push(("Tags", Prop::Tags { tags: tags.clone(), object }));
        }
        r.cfn = CfnResource {
            // Every kind has a type: generator/src/diff/create_only.rs tests the table.
            cfn_type: crate::render::cfn::cfn_type(r.kind.tag()).unwrap_or_default(),
            properties,
            comment: comment(&r.kind),
        };
    }
}

type Props = Vec<(&'static str, Prop)>;

fn v(e: &Expr) -> Prop {
    Prop::Value(e.clone())
}

fn s(text: &str) -> Prop {
    Prop::Value(Expr::s(text))
}

fn int(n: i64) -> Prop {
    Prop::Value(Expr::Int(n))
}

fn bool(b: bool) -> Prop {
    Prop::Value(Expr::Bool(b))
}

fn list(items: &[Expr]) -> Prop {
    Prop::Value(Expr::List(items.to_vec()))
}

/// The properties of one kind, without its tags.
fn properties(kind: &Kind) -> Props {
    match kind {
        // MWAA needs DNS support and DNS hostnames in its VPC (user guide, networking-about.html).
        Kind::Vpc { cidr } => {
            vec![("CidrBlock", s(cidr)), ("EnableDnsSupport", bool(true)), ("EnableDnsHostnames", bool(true))]
        }
        Kind::InternetGateway => Vec::new(),
        Kind::VpcGatewayAttachment { vpc, internet_gateway } => {
            vec![("VpcId", v(vpc)), ("InternetGatewayId", v(internet_gateway))]
        }
        Kind::Subnet { vpc, cidr, availability_zone, .. } => vec![
            ("VpcId", v(vpc)),
            ("CidrBlock", s(cidr)),
            ("AvailabilityZone", v(availability_zone)),
            ("MapPublicIpOnLaunch", bool(false)),
        ],
        Kind::Eip => vec![("Domain", s("vpc"))],
        Kind::NatGateway { allocation, subnet } => vec![("AllocationId", v(allocation)), ("SubnetId", v(subnet))],
        Kind::RouteTable { vpc } | Kind::NetworkAcl { vpc } => vec![("VpcId", v(vpc))],
        Kind::Route { route_table, destination, gateway, nat_gateway } => {
            let mut p = vec![("RouteTableId", v(route_table)), ("DestinationCidrBlock", s(destination))];
            p.extend(gateway.iter().map(|g| ("GatewayId", v(g))));
            p.extend(nat_gateway.iter().map(|n| ("NatGatewayId", v(n))));
            p
        }
        Kind::SubnetRouteTableAssociation { subnet, route_table } => {
            vec![("SubnetId", v(subnet)), ("RouteTableId", v(route_table))]
        }
        Kind::SecurityGroup { vpc, description, egress } => vec![
            ("GroupDescription", s(description)),
            ("VpcId", v(vpc)),
            ("SecurityGroupEgress", Prop::List(egress.iter().map(|r| Prop::Object(egress_rule(r))).collect())),
        ],
        Kind::SecurityGroupIngress { group, rule } => {
            let mut p = vec![("GroupId", v(group)), ("IpProtocol", s(&rule.protocol))];
            p.extend(ports(rule));
            p.extend(rule.peer_group.iter().map(|g| ("SourceSecurityGroupId", v(g))));
            p.extend(rule.cidr.iter().map(|c| ("CidrIp", s(c))));
            p.extend(rule.prefix_list.iter().map(|l| ("SourcePrefixListId", s(l))));
            p.push(("Description", s(&rule.description)));
            p
        }
        Kind::NetworkAclEntry { acl, rule_number, egress, protocol, action, cidr } => vec![
            ("NetworkAclId", v(acl)),
            ("RuleNumber", int(*rule_number)),
            ("Egress", bool(*egress)),
            // An integer in the schema (AWS::EC2::NetworkAclEntry `Protocol`): -1 is every protocol.
            ("Protocol", protocol.parse().map_or_else(|_| s(protocol), int)),
            ("RuleAction", s(action)),
            ("CidrBlock", s(cidr)),
        ],
        Kind::SubnetNetworkAclAssociation { subnet, acl } => vec![("SubnetId", v(subnet)), ("NetworkAclId", v(acl))],
        Kind::VpcEndpoint {
            vpc,
            service,
            endpoint_type,
            route_tables,
            subnets,
            security_groups,
            private_dns,
            policy,
        } => {
            let mut p = vec![("VpcId", v(vpc)), ("ServiceName", v(service)), ("VpcEndpointType", s(endpoint_type))];
            for (name, ids) in [("RouteTableIds", route_tables), ("SubnetIds", subnets)] {
                if !ids.is_empty() {
                    p.push((name, list(ids)));
                }
            }
            if let Some(groups) = security_groups {
                p.push(("SecurityGroupIds", v(groups)));
            }
            // Private DNS applies to interface endpoints only (AWS::EC2::VPCEndpoint `PrivateDnsEnabled`).
            if endpoint_type == "Interface" {
                p.push(("PrivateDnsEnabled", bool(*private_dns)));
            }
            p.extend(policy.iter().map(|d| ("PolicyDocument", Prop::Json(d.clone()))));
            p
        }
        Kind::LogGroup { name, retention_days, kms_key } => {
            let mut p = vec![("LogGroupName", s(name)), ("RetentionInDays", int(*retention_days))];
            p.extend(kms_key.iter().map(|k| ("KmsKeyId", v(k))));
            p
        }
        Kind::FlowLog { vpc, log_group_name, role_arn, traffic_type } => vec![
            ("ResourceId", v(vpc)),
            ("ResourceType", s("VPC")),
            ("TrafficType", s(traffic_type)),
            ("LogDestinationType", s("cloud-watch-logs")),
            ("LogGroupName", v(log_group_name)),
            ("DeliverLogsPermissionArn", v(role_arn)),
        ],
        Kind::IamRole { description, assume_role_policy, managed_policy_arns, permissions_boundary } => {
            let mut p = vec![
                ("Description", s(description)),
                ("AssumeRolePolicyDocument", Prop::Json(assume_role_policy.clone())),
            ];
            if !managed_policy_arns.is_empty() {
                p.push(("ManagedPolicyArns", list(managed_policy_arns)));
            }
            p.extend(permissions_boundary.iter().map(|b| ("PermissionsBoundary", s(b))));
            p
        }
        Kind::RolePolicy { role, policy_name, document } => vec![
            ("RoleName", v(role)),
            ("PolicyName", s(policy_name)),
            ("PolicyDocument", Prop::Json(document.clone())),
        ],
        Kind::ManagedPolicy { description, document, roles, groups } => {
            let mut p = vec![("Description", s(description)), ("PolicyDocument", Prop::Json(document.clone()))];
            for (name, items) in [("Roles", roles), ("Groups", groups)] {
                if !items.is_empty() {
                    p.push((name, list(items)));
                }
            }
            p
        }
        Kind::Bucket { name, sse_algorithm, kms_key, lifecycle_rule } => {
            bucket(name.as_deref(), sse_algorithm, kms_key.as_ref(), lifecycle_rule)
        }
        Kind::BucketPolicy { bucket, document } => {
            vec![("Bucket", v(bucket)), ("PolicyDocument", Prop::Json(document.clone()))]
        }
        Kind::KmsKey { description, policy } => vec![
            ("Description", s(description)),
            ("EnableKeyRotation", bool(true)),
            ("KeyPolicy", Prop::Json(policy.clone())),
        ],
        Kind::KmsAlias { name, target } => vec![("AliasName", s(name)), ("TargetKeyId", v(target))],
        Kind::MwaaEnvironment(m) => environment(m),
        Kind::SnsTopic { name, kms_key } => vec![("TopicName", s(name)), ("KmsMasterKeyId", v(kms_key))],
        Kind::SnsSubscription { topic, protocol, endpoint } => {
            vec![("TopicArn", v(topic)), ("Protocol", s(protocol)), ("Endpoint", s(endpoint))]
        }
        Kind::SnsTopicPolicy { topic, document } => {
            vec![("Topics", list(std::slice::from_ref(topic))), ("PolicyDocument", Prop::Json(document.clone()))]
        }
        Kind::Alarm(a) => alarm(a),
        Kind::Dashboard { name, body } => {
            vec![("DashboardName", s(name)), ("DashboardBody", Prop::JsonText(body.clone()))]
        }
    }
}

/// `FromPort` and `ToPort`, when the rule has ports.
fn ports(rule: &SgRule) -> Props {
    rule.from_port
        .map_or_else(Vec::new, |from| vec![("FromPort", int(from)), ("ToPort", int(rule.to_port.unwrap_or(from)))])
}

/// An egress rule of AWS::EC2::SecurityGroup (`SecurityGroupEgress` items, type `Egress`).
fn egress_rule(rule: &SgRule) -> Props {
    let mut p = vec![("IpProtocol", s(&rule.protocol))];
    p.extend(ports(rule));
    p.extend(rule.cidr.iter().map(|c| ("CidrIp", s(c))));
    p.extend(rule.peer_group.iter().map(|g| ("DestinationSecurityGroupId", v(g))));
    p.push(("Description", s(&rule.description)));
    p
}

/// MWAA requires a versioned bucket with Block Public Access on (user guide, mwaa-s3-bucket.html).
fn bucket(name: Option<&str>, sse_algorithm: &str, kms_key: Option<&Expr>, rule: &BucketLifecycleRule) -> Props {
    let mut p: Props = name.iter().map(|n| ("BucketName", s(n))).collect();
    p.push(("VersioningConfiguration", Prop::Object(vec![("Status", s("Enabled"))])));
    p.push((
        "PublicAccessBlockConfiguration",
        Prop::Object(vec![
            ("BlockPublicAcls", bool(true)),
            ("BlockPublicPolicy", bool(true)),
            ("IgnorePublicAcls", bool(true)),
            ("RestrictPublicBuckets", bool(true)),
        ]),
    ));
    let mut by_default = vec![("SSEAlgorithm", s(sse_algorithm))];
    let mut encryption_rule = Vec::new();
    if let Some(key) = kms_key {
        by_default.push(("KMSMasterKeyID", v(key)));
    }
    encryption_rule.push(("ServerSideEncryptionByDefault", Prop::Object(by_default)));
    if kms_key.is_some() {
        encryption_rule.push(("BucketKeyEnabled", bool(true)));
    }
    p.push((
        "BucketEncryption",
        Prop::Object(vec![("ServerSideEncryptionConfiguration", Prop::List(vec![Prop::Object(encryption_rule)]))]),
    ));
    let lifecycle = Prop::Object(vec![
        ("Id", s(&rule.id)),
        ("Status", s("Enabled")),
        (
            "NoncurrentVersionExpiration",
            Prop::Object(vec![
                ("NoncurrentDays", int(rule.noncurrent_days)),
                ("NewerNoncurrentVersions", int(rule.newer_noncurrent_versions)),
            ]),
        ),
        (
            "AbortIncompleteMultipartUpload",
            Prop::Object(vec![("DaysAfterInitiation", int(rule.abort_incomplete_multipart_days))]),
        ),
    ]);
    p.push(("LifecycleConfiguration", Prop::Object(vec![("Rules", Prop::List(vec![lifecycle]))])));
    p
}

fn environment(m: &MwaaSettings) -> Props {
    let mut p = vec![
        ("Name", s(&m.name)),
        ("AirflowVersion", s(&m.airflow_version)),
        ("EnvironmentClass", s(&m.environment_class)),
        ("MinWorkers", int(m.min_workers)),
        ("MaxWorkers", int(m.max_workers)),
        ("Schedulers", int(m.schedulers)),
        ("MinWebservers", int(m.min_webservers)),
        ("MaxWebservers", int(m.max_webservers)),
        ("WebserverAccessMode", s(&m.webserver_access_mode)),
        ("EndpointManagement", s(&m.endpoint_management)),
    ];
    p.extend(m.worker_replacement_strategy.iter().map(|w| ("WorkerReplacementStrategy", s(w))));
    p.extend(m.weekly_maintenance_window_start.iter().map(|w| ("WeeklyMaintenanceWindowStart", s(w))));
    p.push(("SourceBucketArn", v(&m.source_bucket_arn)));
    p.push(("DagS3Path", s(&m.dag_s3_path)));
    let keys: [(&'static str, &'static str, &Option<S3Key>); 3] = [
        ("PluginsS3Path", "PluginsS3ObjectVersion", &m.plugins),
        ("RequirementsS3Path", "RequirementsS3ObjectVersion", &m.requirements),
        ("StartupScriptS3Path", "StartupScriptS3ObjectVersion", &m.startup_script),
    ];
    for (path, version, key) in keys {
        if let Some(key) = key {
            p.push((path, s(&key.path)));
            // A version the spec pins is the value itself; an unpinned one comes from the
            // parameter CI passes (docs/operations.md, section 5).
            match (&key.parameter, &key.version) {
                (Some(param), _) => p.push((version, Prop::IfSet(Box::new(param.clone())))),
                (None, Some(pinned)) => p.push((version, s(pinned))),
                (None, None) => {}
            }
        }
    }
    if !m.airflow_configuration_options.is_empty() {
        p.push(("AirflowConfigurationOptions", Prop::Json(string_map(&m.airflow_configuration_options))));
    }
    p.push(("ExecutionRoleArn", v(&m.execution_role_arn)));
    p.extend(m.kms_key.iter().map(|k| ("KmsKey", v(k))));
    // LoggingConfiguration's members: DagProcessingLogs, SchedulerLogs, TaskLogs, WebserverLogs,
    // WorkerLogs (AWS::MWAA::Environment LoggingConfiguration).
    let modules = m
        .logging
        .iter()
        .filter_map(|l| {
            let name = match l.module.as_str() {
                "dag_processing" => "DagProcessingLogs",
                "scheduler" => "SchedulerLogs",
                "task" => "TaskLogs",
                "webserver" => "WebserverLogs",
                "worker" => "WorkerLogs",
                // lower/logs.rs makes only the five modules above.
                _ => return None,
            };
            Some((name, Prop::Object(vec![("Enabled", bool(l.enabled)), ("LogLevel", s(&l.level))])))
        })
        .collect();
    p.push(("LoggingConfiguration", Prop::Object(modules)));
    p.push((
        "NetworkConfiguration",
        Prop::Object(vec![("SecurityGroupIds", v(&m.security_group_ids)), ("SubnetIds", list(&m.subnet_ids))]),
    ));
    p
}

fn string_map(map: &IndexMap<String, String>) -> Expr {
    Expr::Map(map.iter().map(|(k, v)| (k.clone(), Expr::s(v.clone()))).collect())
}

fn alarm(a: &AlarmSettings) -> Props {
    vec![
        ("AlarmName", s(&a.name)),
        ("AlarmDescription", s(&a.description)),
        ("ActionsEnabled", bool(true)),
        ("AlarmActions", list(&a.actions)),
        ("OKActions", list(&a.actions)),
        ("ComparisonOperator", s(&a.comparison_operator)),
        ("Threshold", int(a.threshold)),
        ("EvaluationPeriods", int(a.evaluation_periods)),
        ("DatapointsToAlarm", int(a.datapoints_to_alarm)),
        ("TreatMissingData", s(&a.treat_missing_data)),
        ("Metrics", Prop::List(a.queries.iter().map(|q| Prop::Object(query(q))).collect())),
    ]
}

/// A `MetricDataQuery` of AWS::CloudWatch::Alarm.
fn query(q: &AlarmQuery) -> Props {
    let mut p = vec![("Id", s(&q.id))];
    if let Some(m) = &q.metric {
        let dimensions = m
            .dimensions
            .iter()
            .map(|(name, value)| Prop::Object(vec![("Name", s(name)), ("Value", s(value))]))
            .collect();
        let metric = Prop::Object(vec![
            ("Namespace", s(&m.namespace)),
            ("MetricName", s(&m.metric_name)),
            ("Dimensions", Prop::List(dimensions)),
        ]);
        p.push(("MetricStat", Prop::Object(vec![("Metric", metric), ("Period", int(m.period)), ("Stat", s(&m.stat))])));
    }
    p.extend(q.expression.iter().map(|e| ("Expression", s(e))));
    p.extend(q.label.iter().map(|l| ("Label", s(l))));
    p.push(("ReturnData", bool(q.return_data)));
    p
}

/// A line saying what the resource is for, for targets that are code.
fn comment(kind: &Kind) -> Option<String> {
    Some(
        match kind {
            Kind::Vpc { .. } => "The VPC. MWAA needs DNS support and DNS hostnames.",
            Kind::VpcGatewayAttachment { .. } => "Attaches the internet gateway to the VPC.",
            Kind::Subnet { public: true, .. } => {
                "Public subnet: holds a NAT gateway; instances get no public IP unless they ask."
            }
            Kind::Subnet { .. } => "Private subnet: MWAA places the environment in two of these, in different AZs.",
            Kind::NatGateway { .. } => {
                "NAT gateway: outbound internet access (PyPI, AWS APIs) for the private subnets."
            }
            Kind::Route { destination, gateway, .. } => {
                let via = if gateway.is_some() { "the internet gateway" } else { "the NAT gateway" };
                return Some(format!("Default route ({destination}) through {via}."));
            }
            Kind::SecurityGroup { .. } => {
                "Security group of the environment; ingress rules follow as their own resources."
            }
            Kind::SecurityGroupIngress { .. } => "Ingress rule of the security group.",
            Kind::NetworkAcl { .. } => "Network ACL of the subnets; its entries and associations follow.",
            Kind::VpcEndpoint { endpoint_type, .. } => {
                return Some(format!(
                    "{endpoint_type} VPC endpoint: the environment reaches this AWS service without the internet."
                ));
            }
            Kind::LogGroup { kms_key, .. } => {
                let key = if kms_key.is_some() { " and key" } else { "" };
                return Some(format!("CloudWatch Logs log group, with its retention{key}."));
            }
            Kind::FlowLog { .. } => "VPC flow logs: all traffic, to the log group above.",
            Kind::IamRole { .. } => "IAM role and the policy saying who may assume it.",
            Kind::Bucket { .. } => {
                "Bucket for DAGs, plugins and requirements. MWAA requires versioning and Block Public Access."
            }
            Kind::KmsKey { .. } => "Customer managed KMS key, rotated yearly.",
            Kind::MwaaEnvironment(_) => "The Amazon MWAA environment.",
            Kind::SnsTopic { .. } => {
                "SNS topic the alarms notify, encrypted with a key whose policy admits CloudWatch."
            }
            Kind::Alarm(_) => "CloudWatch alarm on the environment's metrics; notifies the alarm topic.",
            Kind::Dashboard { .. } => "CloudWatch dashboard of the environment.",
            Kind::InternetGateway
            | Kind::Eip
            | Kind::RouteTable { .. }
            | Kind::SubnetRouteTableAssociation { .. }
            | Kind::NetworkAclEntry { .. }
            | Kind::SubnetNetworkAclAssociation { .. }
            | Kind::RolePolicy { .. }
            | Kind::ManagedPolicy { .. }
            | Kind::BucketPolicy { .. }
            | Kind::KmsAlias { .. }
            | Kind::SnsSubscription { .. }
            | Kind::SnsTopicPolicy { .. } => return None,
        }
        .to_owned(),
    )
}
