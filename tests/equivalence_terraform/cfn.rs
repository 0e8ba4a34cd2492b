//! The CloudFormation side: a template (as long-form JSON) in neutral form.

use super::*;

pub(crate) struct Cfn<'a> {
    pub(crate) types: BTreeMap<&'a str, &'a str>,
    /// The spec's inputs: parameters without a default, which stay symbolic (`${input:NAME}`).
    pub(crate) inputs: BTreeSet<String>,
}

impl Cfn<'_> {
    pub(crate) fn value(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(lit(s)),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.value(v)).collect()),
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().expect("one entry");
                if k == "Ref" || k.starts_with("Fn::") {
                    self.intrinsic(k, arg)
                } else {
                    Value::Object(m.iter().map(|(k, v)| (k.clone(), self.value(v))).collect())
                }
            }
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), self.value(v))).collect()),
            other => other.clone(),
        }
    }

    pub(crate) fn pseudo(name: &str) -> String {
        let p = match name {
            "Region" => "region",
            "AccountId" => "account_id",
            "Partition" => "partition",
            other => panic!("pseudo parameter AWS::{other} has no Terraform form here"),
        };
        format!("${{pseudo:{p}}}")
    }

    pub(crate) fn ref_id(&self, target: &str) -> String {
        if self.inputs.contains(target) {
            return input(&snake_case(target));
        }
        let attr = match self.types.get(target) {
            // `Ref` of a managed policy is its ARN.
            Some(&"AWS::IAM::ManagedPolicy") => "arn",
            Some(_) => "id",
            None => panic!("Ref to {target}, which is not in the template"),
        };
        reference(&snake_case(target), attr)
    }

    pub(crate) fn get_att(target: &str, attr: &str) -> String {
        let a = match attr {
            "Arn" => "arn",
            "GroupId" => "id",
            "AllocationId" => "allocation_id",
            "WebserverUrl" => "webserver_url",
            "DatabaseVpcEndpointService" => "database_vpc_endpoint_service",
            "WebserverVpcEndpointService" => "webserver_vpc_endpoint_service",
            other => panic!("!GetAtt {target}.{other} has no neutral form"),
        };
        reference(&snake_case(target), a)
    }

    pub(crate) fn intrinsic(&self, name: &str, arg: &Value) -> Value {
        let s = match name {
            "Ref" => {
                let t = arg.as_str().expect("Ref of a name");
                match t.strip_prefix("AWS::") {
                    Some(p) => Self::pseudo(p),
                    None => self.ref_id(t),
                }
            }
            "Fn::GetAtt" => {
                let a = arg.as_array().expect("!GetAtt [A, B]");
                Self::get_att(a[0].as_str().expect("name"), a[1].as_str().expect("attribute"))
            }
            "Fn::Sub" => self.sub(arg.as_str().expect("!Sub of a string")),
            "Fn::Select" => {
                let a = arg.as_array().expect("!Select [i, list]");
                let i = a[0].as_i64().expect("index");
                if a[1] == json!({"Fn::GetAZs": ""}) {
                    format!("${{az:{i}}}")
                } else {
                    return select(i, self.value(&a[1]));
                }
            }
            "Fn::Join" => {
                let a = arg.as_array().expect("!Join [sep, items]");
                return join(self.value(&a[0]), self.value(&a[1]));
            }
            // `!Split [sep, !Join [sep, [A, !Join [sep, LIST]]]]` is how a template concatenates a
            // list parameter to its own items (CloudFormation has no list concatenation): the
            // neutral `concat` of [A] and LIST, as Terraform's `concat([A], var.LIST)`. It holds
            // for ids, which have no comma.
            "Fn::Split" => {
                let a = arg.as_array().expect("!Split [sep, text]");
                let sep = &a[0];
                if let Some(items) = a[1].get("Fn::Join").filter(|j| j[0] == *sep).and_then(|j| j[1].as_array()) {
                    let parts = items
                        .iter()
                        .map(|item| match item.get("Fn::Join").filter(|j| j[0] == *sep) {
                            Some(j) => self.value(&j[1]),
                            None => json!([self.value(item)]),
                        })
                        .collect();
                    return concat(parts);
                }
                return json!({"split": [self.value(sep), self.value(&a[1])]});
            }
            other => panic!("intrinsic {other} has no neutral form"),
        };
        Value::String(s)
    }

    pub(crate) fn sub(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(i) = rest.find("${") {
            out.push_str(&lit(&rest[..i]));
            let after = &rest[i + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str(&lit("${"));
                rest = literal;
                continue;
            }
            let end = after.find('}').expect("closed ${...}");
            let var = &after[..end];
            out.push_str(&if let Some(p) = var.strip_prefix("AWS::") {
                Self::pseudo(p)
            } else if let Some((target, attr)) = var.split_once('.') {
                Self::get_att(target, attr)
            } else {
                self.ref_id(var)
            });
            rest = &after[end + 1..];
        }
        out.push_str(&lit(rest));
        out
    }
}

pub(crate) fn cfn_tags(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Object(
            items.into_iter().map(|t| (t["Key"].as_str().expect("tag key").to_owned(), t["Value"].clone())).collect(),
        ),
        other => other,
    }
}

/// The neutral form of a CloudFormation template (as long-form JSON), deployed with the parameters
/// of `passed` (the others at their defaults).
pub(crate) fn from_cfn_with(doc: &Value, passed: &Passed) -> Stack {
    let mut doc = doc.clone();
    let (parameters, inputs) = resolve_cfn(&mut doc, passed);
    let doc = &doc;
    let resources = doc["Resources"].as_object().expect("Resources");
    let types: BTreeMap<&str, &str> =
        resources.iter().map(|(id, r)| (id.as_str(), r["Type"].as_str().expect("Type"))).collect();
    let input_ids = inputs.keys().cloned().collect();
    let inputs = inputs.into_iter().map(|(id, i)| (snake_case(&id), i)).collect();
    let cx = Cfn { types, inputs: input_ids };
    let mut stack = Stack { parameters, inputs, ..Stack::default() };
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, r) in resources {
        let ty = r["Type"].as_str().expect("Type");
        let mut p = Props::new(r.get("Properties").map(|v| cx.value(v)));
        let mut props = BTreeMap::new();
        let kind = cfn_properties(ty, &mut p, &mut props);
        if let Some(tags) = p.take("Tags") {
            props.insert("tags".into(), cfn_tags(tags));
        }
        p.finish(&mut props);

        let mut meta = r.as_object().expect("resource").clone();
        meta.remove("Type");
        meta.remove("Properties");
        let deletion = meta.remove("DeletionPolicy");
        let replace = meta.remove("UpdateReplacePolicy");
        if deletion.as_ref().and_then(Value::as_str) == Some("Retain") {
            props.insert("retain".into(), json!(replace.as_ref().and_then(Value::as_str) == Some("Retain")));
        }
        if let Some(d) = meta.remove("DependsOn") {
            let list = d.as_array().cloned().unwrap_or_else(|| vec![d]);
            deps.insert(snake_case(id), list.iter().map(|d| snake_case(d.as_str().expect("id"))).collect());
        }
        if let Some(Value::Object(mut m)) = meta.remove("Metadata") {
            if let Some(skips) = m.remove("checkov").and_then(|c| c.get("skip").cloned()) {
                let mut list: Vec<String> = skips
                    .as_array()
                    .expect("checkov skip list")
                    .iter()
                    .map(|s| format!("{}:{}", s["id"].as_str().unwrap_or(""), s["comment"].as_str().unwrap_or("")))
                    .collect();
                list.sort();
                props.insert("checkov_skips".into(), json!(list));
            }
            // cfn-lint configuration is for CloudFormation only.
            m.remove("cfn-lint");
            for (k, v) in m {
                props.insert(format!("unmapped.Metadata.{k}"), v);
            }
        }
        for (k, v) in meta {
            props.insert(format!("unmapped.{k}"), v);
        }
        stack.resources.insert(snake_case(id), Neutral { kind: kind.to_owned(), props });
    }

    // A role's managed policy that the template itself defines is an attachment of that policy.
    let ids: Vec<String> = stack.resources.keys().cloned().collect();
    for id in &ids {
        let arns = stack.resources[id].props.get("managed_policy_arns").cloned();
        let Some(Value::Array(arns)) = arns else { continue };
        let mut keep = Vec::new();
        for arn in arns {
            let target = arn.as_str().and_then(|s| s.strip_prefix("${ref:")).and_then(|s| s.strip_suffix(".arn}"));
            match target.filter(|t| stack.resources.get(*t).is_some_and(|r| r.kind == "managed_policy")) {
                Some(t) => push_sorted(
                    &mut stack.resources.get_mut(t).expect("policy").props,
                    "roles",
                    json!(reference(id, "id")),
                ),
                None => keep.push(arn),
            }
        }
        let role = &mut stack.resources.get_mut(id).expect("role").props;
        role.remove("managed_policy_arns");
        if !keep.is_empty() {
            role.insert("managed_policy_arns".into(), sorted(Value::Array(keep)));
        }
    }
    for (id, d) in deps {
        let r = stack.resources.get_mut(&id).expect("resource");
        if let Some(v) = explicit_dependencies(&id, &r.props, d) {
            r.props.insert("depends_on".into(), v);
        }
    }
    for (id, o) in doc["Outputs"].as_object().expect("Outputs") {
        let mut o = o.as_object().expect("output").clone();
        let description = o.remove("Description").unwrap_or(Value::Null);
        let value = o.remove("Value").map(|v| cx.value(&v)).unwrap_or(Value::Null);
        let mut neutral = json!({"description": description, "value": value});
        for (k, v) in o {
            neutral[format!("unmapped.{k}")] = v;
        }
        stack.outputs.insert(snake_case(id), neutral);
    }
    stack
}

pub(crate) fn push_sorted(props: &mut BTreeMap<String, Value>, key: &str, v: Value) {
    let list = props.entry(key.to_owned()).or_insert_with(|| json!([]));
    list.as_array_mut().expect("list").push(v);
    *list = sorted(list.take());
}

/// Maps one CloudFormation resource's properties; returns the IR kind.
pub(crate) fn cfn_properties(ty: &str, p: &mut Props, out: &mut BTreeMap<String, Value>) -> &'static str {
    let rule = |p: &mut Props, out: &mut BTreeMap<String, Value>| {
        p.rename(
            out,
            &[
                ("IpProtocol", "protocol"),
                ("FromPort", "from_port"),
                ("ToPort", "to_port"),
                ("CidrIp", "cidr"),
                ("SourceSecurityGroupId", "peer"),
                ("SourcePrefixListId", "prefix_list"),
                ("DestinationSecurityGroupId", "peer"),
                ("Description", "description"),
            ],
        );
    };
    match ty {
        "AWS::EC2::VPC" => {
            p.rename(
                out,
                &[("CidrBlock", "cidr"), ("EnableDnsSupport", "dns_support"), ("EnableDnsHostnames", "dns_hostnames")],
            );
            "vpc"
        }
        "AWS::EC2::InternetGateway" => "internet_gateway",
        "AWS::EC2::VPCGatewayAttachment" => {
            p.rename(out, &[("VpcId", "vpc"), ("InternetGatewayId", "internet_gateway")]);
            "vpc_gateway_attachment"
        }
        "AWS::EC2::Subnet" => {
            p.rename(
                out,
                &[
                    ("VpcId", "vpc"),
                    ("CidrBlock", "cidr"),
                    ("AvailabilityZone", "availability_zone"),
                    ("MapPublicIpOnLaunch", "map_public_ip"),
                ],
            );
            "subnet"
        }
        "AWS::EC2::EIP" => {
            p.rename(out, &[("Domain", "domain")]);
            "eip"
        }
        "AWS::EC2::NatGateway" => {
            p.rename(out, &[("AllocationId", "allocation"), ("SubnetId", "subnet")]);
            "nat_gateway"
        }
        "AWS::EC2::RouteTable" => {
            p.rename(out, &[("VpcId", "vpc")]);
            "route_table"
        }
        "AWS::EC2::Route" => {
            p.rename(
                out,
                &[
                    ("RouteTableId", "route_table"),
                    ("DestinationCidrBlock", "destination"),
                    ("GatewayId", "gateway"),
                    ("NatGatewayId", "nat_gateway"),
                ],
            );
            "route"
        }
        "AWS::EC2::SubnetRouteTableAssociation" => {
            p.rename(out, &[("SubnetId", "subnet"), ("RouteTableId", "route_table")]);
            "subnet_route_table_association"
        }
        "AWS::EC2::SecurityGroup" => {
            p.rename(out, &[("GroupDescription", "description"), ("VpcId", "vpc")]);
            if let Some(Value::Array(rules)) = p.take("SecurityGroupEgress") {
                let rules: Vec<Value> = rules
                    .into_iter()
                    .map(|r| {
                        let mut p = Props::new(Some(r));
                        let mut o = BTreeMap::new();
                        rule(&mut p, &mut o);
                        p.finish(&mut o);
                        Value::Object(o.into_iter().collect())
                    })
                    .collect();
                out.insert("egress".into(), Value::Array(rules));
            }
            "security_group"
        }
        "AWS::EC2::SecurityGroupIngress" => {
            p.rename(out, &[("GroupId", "group")]);
            rule(p, out);
            "security_group_ingress"
        }
        "AWS::EC2::NetworkAcl" => {
            p.rename(out, &[("VpcId", "vpc")]);
            "network_acl"
        }
        "AWS::EC2::NetworkAclEntry" => {
            p.rename(
                out,
                &[
                    ("NetworkAclId", "acl"),
                    ("RuleNumber", "rule_number"),
                    ("Egress", "egress"),
                    ("RuleAction", "action"),
                    ("CidrBlock", "cidr"),
                ],
            );
            // The template writes the protocol number as a YAML number, Terraform as a string.
            if let Some(v) = p.take("Protocol") {
                out.insert("protocol".into(), json!(v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
            }
            "network_acl_entry"
        }
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            p.rename(out, &[("SubnetId", "subnet"), ("NetworkAclId", "acl")]);
            "subnet_network_acl_association"
        }
        "AWS::EC2::VPCEndpoint" => {
            p.rename(
                out,
                &[
                    ("VpcId", "vpc"),
                    ("ServiceName", "service"),
                    ("VpcEndpointType", "type"),
                    ("RouteTableIds", "route_tables"),
                    ("SubnetIds", "subnets"),
                    ("SecurityGroupIds", "security_groups"),
                    ("PrivateDnsEnabled", "private_dns"),
                    ("PolicyDocument", "policy"),
                ],
            );
            "vpc_endpoint"
        }
        "AWS::Logs::LogGroup" => {
            p.rename(out, &[("LogGroupName", "name"), ("RetentionInDays", "retention_days"), ("KmsKeyId", "kms_key")]);
            "log_group"
        }
        "AWS::EC2::FlowLog" => {
            p.rename(
                out,
                &[
                    ("TrafficType", "traffic_type"),
                    ("LogDestinationType", "destination_type"),
                    ("LogGroupName", "log_group"),
                    ("DeliverLogsPermissionArn", "role_arn"),
                ],
            );
            if p.map.get("ResourceType") == Some(&json!("VPC")) {
                p.take("ResourceType");
                p.rename(out, &[("ResourceId", "vpc")]);
            }
            "flow_log"
        }
        "AWS::IAM::Role" => {
            p.rename(
                out,
                &[
                    ("Description", "description"),
                    ("AssumeRolePolicyDocument", "assume_role_policy"),
                    ("PermissionsBoundary", "permissions_boundary"),
                ],
            );
            if let Some(arns) = p.take("ManagedPolicyArns") {
                out.insert("managed_policy_arns".into(), sorted(arns));
            }
            "iam_role"
        }
        "AWS::IAM::RolePolicy" => {
            p.rename(out, &[("RoleName", "role"), ("PolicyName", "name"), ("PolicyDocument", "policy")]);
            "role_policy"
        }
        "AWS::IAM::ManagedPolicy" => {
            p.rename(out, &[("Description", "description"), ("PolicyDocument", "policy")]);
            for (from, to) in [("Roles", "roles"), ("Groups", "groups")] {
                if let Some(v) = p.take(from) {
                    out.insert(to.into(), sorted(v));
                }
            }
            "managed_policy"
        }
        "AWS::S3::Bucket" => {
            p.rename(out, &[("BucketName", "name")]);
            if let Some(v) = p.nested("VersioningConfiguration", |p, o| p.rename(o, &[("Status", "status")])) {
                out.insert("versioning".into(), v);
            }
            if let Some(v) = p.nested("PublicAccessBlockConfiguration", |p, o| {
                p.rename(
                    o,
                    &[
                        ("BlockPublicAcls", "block_public_acls"),
                        ("BlockPublicPolicy", "block_public_policy"),
                        ("IgnorePublicAcls", "ignore_public_acls"),
                        ("RestrictPublicBuckets", "restrict_public_buckets"),
                    ],
                );
            }) {
                out.insert("public_access_block".into(), v);
            }
            if let Some(v) = p.nested("BucketEncryption", |p, o| {
                if let Some(Value::Array(rules)) = p.take("ServerSideEncryptionConfiguration") {
                    let rules: Vec<Value> = rules
                        .into_iter()
                        .map(|r| {
                            let mut p = Props::new(Some(r));
                            let mut o = BTreeMap::new();
                            if let Some(Value::Object(d)) = p.nested("ServerSideEncryptionByDefault", |p, o| {
                                p.rename(o, &[("SSEAlgorithm", "sse_algorithm"), ("KMSMasterKeyID", "kms_key")]);
                            }) {
                                o.extend(d);
                            }
                            p.rename(&mut o, &[("BucketKeyEnabled", "bucket_key_enabled")]);
                            p.finish(&mut o);
                            Value::Object(o.into_iter().collect())
                        })
                        .collect();
                    o.insert("rules".into(), Value::Array(rules));
                }
            }) {
                out.insert("encryption".into(), v);
            }
            if let Some(v) = p.nested("LifecycleConfiguration", |p, o| {
                if let Some(Value::Array(rules)) = p.take("Rules") {
                    let rules: Vec<Value> = rules
                        .into_iter()
                        .map(|r| {
                            let mut p = Props::new(Some(r));
                            let mut o = BTreeMap::new();
                            p.rename(&mut o, &[("Id", "id"), ("Status", "status")]);
                            if let Some(Value::Object(n)) = p.nested("NoncurrentVersionExpiration", |p, o| {
                                p.rename(
                                    o,
                                    &[
                                        ("NoncurrentDays", "noncurrent_days"),
                                        ("NewerNoncurrentVersions", "newer_noncurrent_versions"),
                                    ],
                                );
                            }) {
                                o.insert("noncurrent_version_expiration".into(), Value::Object(n));
                            }
                            if let Some(Value::Object(n)) = p.nested("AbortIncompleteMultipartUpload", |p, o| {
                                p.rename(o, &[("DaysAfterInitiation", "days_after_initiation")]);
                            }) {
                                o.insert("abort_incomplete_multipart_upload".into(), Value::Object(n));
                            }
                            p.finish(&mut o);
                            Value::Object(o.into_iter().collect())
                        })
                        .collect();
                    o.insert("rules".into(), Value::Array(rules));
                }
            }) {
                out.insert("lifecycle".into(), v);
            }
            "bucket"
        }
        "AWS::S3::BucketPolicy" => {
            p.rename(out, &[("Bucket", "bucket"), ("PolicyDocument", "policy")]);
            "bucket_policy"
        }
        "AWS::KMS::Key" => {
            p.rename(
                out,
                &[("Description", "description"), ("EnableKeyRotation", "key_rotation"), ("KeyPolicy", "policy")],
            );
            "kms_key"
        }
        "AWS::KMS::Alias" => {
            p.rename(out, &[("AliasName", "name"), ("TargetKeyId", "target")]);
            "kms_alias"
        }
        "AWS::MWAA::Environment" => {
            p.rename(out, MWAA_SETTINGS);
            if let Some(Value::Object(logs)) = p.take("LoggingConfiguration") {
                let mut neutral = Map::new();
                for (module, cfg) in logs {
                    let name = snake_case(&module);
                    let mut p = Props::new(Some(cfg));
                    let mut o = BTreeMap::new();
                    p.rename(&mut o, &[("Enabled", "enabled"), ("LogLevel", "level")]);
                    p.finish(&mut o);
                    neutral.insert(name.trim_end_matches("_logs").to_owned(), Value::Object(o.into_iter().collect()));
                }
                out.insert("logging".into(), Value::Object(neutral));
            }
            if let Some(Value::Object(mut net)) = p.take("NetworkConfiguration") {
                for (from, to) in [("SecurityGroupIds", "security_groups"), ("SubnetIds", "subnets")] {
                    if let Some(v) = net.remove(from) {
                        out.insert(to.into(), v);
                    }
                }
                for (k, v) in net {
                    out.insert(format!("unmapped.NetworkConfiguration.{k}"), v);
                }
            }
            "mwaa_environment"
        }
        "AWS::SNS::Topic" => {
            p.rename(out, &[("TopicName", "name"), ("KmsMasterKeyId", "kms_key")]);
            "sns_topic"
        }
        "AWS::SNS::Subscription" => {
            p.rename(out, &[("TopicArn", "topic"), ("Protocol", "protocol"), ("Endpoint", "endpoint")]);
            "sns_subscription"
        }
        "AWS::SNS::TopicPolicy" => {
            // One topic per policy: Terraform's aws_sns_topic_policy takes one.
            if let Some(Value::Array(mut topics)) = p.take("Topics") {
                assert_eq!(topics.len(), 1, "one topic per topic policy");
                out.insert("topic".into(), topics.remove(0));
            }
            p.rename(out, &[("PolicyDocument", "policy")]);
            "sns_topic_policy"
        }
        "AWS::CloudWatch::Alarm" => {
            p.rename(out, ALARM_SETTINGS);
            if let Some(Value::Array(queries)) = p.take("Metrics") {
                let queries: Vec<Value> = queries
                    .into_iter()
                    .map(|q| {
                        let mut p = Props::new(Some(q));
                        let mut o = BTreeMap::new();
                        p.rename(
                            &mut o,
                            &[
                                ("Id", "id"),
                                ("Expression", "expression"),
                                ("Label", "label"),
                                ("ReturnData", "return_data"),
                            ],
                        );
                        if let Some(v) = p.nested("MetricStat", |p, o| {
                            p.rename(o, &[("Period", "period"), ("Stat", "stat")]);
                            if let Some(Value::Object(m)) = p.nested("Metric", |p, o| {
                                p.rename(o, &[("Namespace", "namespace"), ("MetricName", "metric_name")]);
                                if let Some(Value::Array(dims)) = p.take("Dimensions") {
                                    let dims: Map<String, Value> = dims
                                        .iter()
                                        .map(|d| {
                                            (d["Name"].as_str().expect("dimension name").to_owned(), d["Value"].clone())
                                        })
                                        .collect();
                                    o.insert("dimensions".into(), Value::Object(dims));
                                }
                            }) {
                                o.extend(m);
                            }
                        }) {
                            o.insert("metric".into(), v);
                        }
                        p.finish(&mut o);
                        Value::Object(o.into_iter().collect())
                    })
                    .collect();
                out.insert("queries".into(), Value::Array(queries));
            }
            "alarm"
        }
        "AWS::CloudWatch::Dashboard" => {
            p.rename(out, &[("DashboardName", "name")]);
            // The body is JSON text: compared as the document it holds.
            if let Some(body) = p.take("DashboardBody") {
                let doc = body.as_str().and_then(|t| serde_json::from_str::<Value>(t).ok());
                out.insert("body".into(), doc.unwrap_or(json!({ "unmapped.text": body })));
            }
            "dashboard"
        }
        other => panic!("CloudFormation type {other} has no neutral form here"),
    }
}

/// An alarm's settings: (CloudFormation property, neutral and Terraform name).
pub(crate) const ALARM_SETTINGS: &[(&str, &str)] = &[
    ("AlarmName", "alarm_name"),
    ("AlarmDescription", "alarm_description"),
    ("ActionsEnabled", "actions_enabled"),
    ("AlarmActions", "alarm_actions"),
    ("OKActions", "ok_actions"),
    ("ComparisonOperator", "comparison_operator"),
    ("Threshold", "threshold"),
    ("EvaluationPeriods", "evaluation_periods"),
    ("DatapointsToAlarm", "datapoints_to_alarm"),
    ("TreatMissingData", "treat_missing_data"),
];

/// The environment's scalar settings: (CloudFormation property, neutral and Terraform name).
pub(crate) const MWAA_SETTINGS: &[(&str, &str)] = &[
    ("Name", "name"),
    ("AirflowVersion", "airflow_version"),
    ("EnvironmentClass", "environment_class"),
    ("MinWorkers", "min_workers"),
    ("MaxWorkers", "max_workers"),
    ("Schedulers", "schedulers"),
    ("MinWebservers", "min_webservers"),
    ("MaxWebservers", "max_webservers"),
    ("WebserverAccessMode", "webserver_access_mode"),
    ("EndpointManagement", "endpoint_management"),
    ("WorkerReplacementStrategy", "worker_replacement_strategy"),
    ("WeeklyMaintenanceWindowStart", "weekly_maintenance_window_start"),
    ("SourceBucketArn", "source_bucket_arn"),
    ("DagS3Path", "dag_s3_path"),
    ("PluginsS3Path", "plugins_s3_path"),
    ("PluginsS3ObjectVersion", "plugins_s3_object_version"),
    ("RequirementsS3Path", "requirements_s3_path"),
    ("RequirementsS3ObjectVersion", "requirements_s3_object_version"),
    ("StartupScriptS3Path", "startup_script_s3_path"),
    ("StartupScriptS3ObjectVersion", "startup_script_s3_object_version"),
    ("AirflowConfigurationOptions", "airflow_configuration_options"),
    ("ExecutionRoleArn", "execution_role_arn"),
    ("KmsKey", "kms_key"),
];
