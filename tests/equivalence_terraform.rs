//! Terraform vs CloudFormation (architecture.md section 5): for every example spec, the same
//! resources exist with the same values for every property the IR carries.
//!
//! Each side is parsed by a real parser (the HCL with hcl-rs, the YAML with the shared helper) and
//! normalized on its own into one neutral form: neutral id (the Terraform name, which is the
//! snake-case CloudFormation logical id) -> kind + properties with neutral names. Values are
//! JSON; references are strings `${ref:ID.ATTR}` (ATTR: `id` for what CloudFormation's `Ref`
//! returns, `arn`, `allocation_id`, `webserver_url`), region/account/partition `${pseudo:...}`,
//! the n-th availability zone `${az:n}`, and literal `${` is written `$${`, so that `!Sub` and an
//! HCL template compare as the same string. Resources that Terraform splits off (bucket settings,
//! egress rules, policy attachments) are merged back into the resource they belong to, found by
//! what they refer to. A property that a normalizer does not know is kept under `unmapped.NAME`,
//! so that it always shows up as a difference. Terraform's local values (`locals.tf`) are evaluated
//! first (tests/support/locals.rs): `local.tags`, `merge(local.tags, { Name = ... })` and
//! `"${local.region}"` compare as the values they hold.
//!
//! The one documented exception: hashicorp/aws has `worker_replacement_strategy` from 6.12.0 on
//! only; under a constraint that admits older releases the Terraform side writes it as a comment in
//! the environment block, and this test reads it there (under one that admits only 6.12.0 and later,
//! specs/provider-6.toml, it is an argument, compared as any other).

// Test code: a panic is a failed test, with its message.
#![allow(clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use hcl::{Body, Expression, ObjectKey, TraversalOperator};
use mwaagen::ir::{snake_case, Ir};
use mwaagen::render::{render, OutputFile, Target};
use serde_json::{json, Map, Value};
use support::locals::Locals;

// --- The neutral form ----------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Neutral {
    kind: String,
    props: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Stack {
    resources: BTreeMap<String, Neutral>,
    outputs: BTreeMap<String, Value>,
    /// Values passed in at deploy time: CloudFormation parameters, Terraform variables (snake case).
    parameters: BTreeMap<String, Value>,
    /// The spec's inputs (snake case): kind (`string` or `list`), description, and the AWS rule
    /// that checks a value (`message`, and for a String parameter `pattern`, `min`, `max`).
    inputs: BTreeMap<String, Value>,
}

/// Literal text in the neutral string form.
fn lit(s: &str) -> String {
    s.replace("${", "$${")
}

fn reference(id: &str, attr: &str) -> String {
    format!("${{ref:{id}.{attr}}}")
}

/// The spec's input NAME (a CloudFormation parameter without default, a Terraform variable
/// without default), which both sides leave symbolic: what matters is where it goes.
fn input(name: &str) -> String {
    format!("${{input:{name}}}")
}

/// Item `i` of a list: of a list input `${input:NAME[i]}`, else `{"select": [i, LIST]}`.
fn select(i: i64, list: Value) -> Value {
    match list.as_str().and_then(|s| s.strip_prefix("${input:")).and_then(|s| s.strip_suffix('}')) {
        Some(name) if !name.contains('[') => json!(format!("${{input:{name}[{i}]}}")),
        _ => json!({"select": [i, list]}),
    }
}

/// `join(sep, items)`; with no separator and strings only, the string they make (a CloudFormation
/// `!Join ["", [...]]` is a Terraform template `"${...}..."`).
fn join(sep: Value, items: Value) -> Value {
    if sep == json!("") {
        if let Some(parts) = items.as_array().and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
            return json!(parts.concat());
        }
    }
    json!({"join": [sep, items]})
}

/// Lists concatenated: adjacent literal lists are merged, so that `concat([a], [b], L)` and
/// `concat([a, b], L)` are one form; a single part is the list itself.
fn concat(parts: Vec<Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Value::Array(prev)), Value::Array(items)) => prev.extend(items),
            (_, p) => out.push(p),
        }
    }
    if out.len() == 1 {
        return out.remove(0);
    }
    json!({ "concat": out })
}

/// Ids that a neutral value refers to.
fn referenced_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${ref:") {
                let tail = &rest[i + 6..];
                let end = tail.find('.').unwrap_or(tail.len());
                out.insert(tail[..end].to_owned());
                rest = &tail[end..];
            }
        }
        Value::Array(a) => a.iter().for_each(|v| referenced_ids(v, out)),
        Value::Object(m) => m.values().for_each(|v| referenced_ids(v, out)),
        _ => {}
    }
}

/// `depends_on` in neutral form: the ids a resource must wait for beyond those it refers to.
fn explicit_dependencies(id: &str, props: &BTreeMap<String, Value>, deps: BTreeSet<String>) -> Option<Value> {
    let mut refs = BTreeSet::new();
    for (k, v) in props {
        if k != "depends_on" {
            referenced_ids(v, &mut refs);
        }
    }
    let left: Vec<Value> = deps.into_iter().filter(|d| d != id && !refs.contains(d)).map(Value::String).collect();
    (!left.is_empty()).then(|| Value::Array(left))
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Array(mut a) => {
            a.sort_by_key(Value::to_string);
            Value::Array(a)
        }
        other => other,
    }
}

/// The properties of one resource (or nested structure) being normalized: taking a property
/// removes it; what is left at the end is kept as `unmapped.NAME`.
struct Props {
    map: Map<String, Value>,
}

impl Props {
    fn new(v: Option<Value>) -> Self {
        match v {
            Some(Value::Object(map)) => Props { map },
            None | Some(Value::Null) => Props { map: Map::new() },
            Some(other) => Props { map: Map::from_iter([("unmapped.value".to_owned(), other)]) },
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Moves `from` (if present) to `out[to]`.
    fn rename(&mut self, out: &mut BTreeMap<String, Value>, pairs: &[(&str, &str)]) {
        for (from, to) in pairs {
            if let Some(v) = self.take(from) {
                out.insert((*to).to_owned(), v);
            }
        }
    }

    fn finish(self, out: &mut BTreeMap<String, Value>) {
        for (k, v) in self.map {
            out.insert(format!("unmapped.{k}"), v);
        }
    }

    /// A nested structure, normalized by `f` into a JSON object.
    fn nested(&mut self, key: &str, f: impl FnOnce(&mut Props, &mut BTreeMap<String, Value>)) -> Option<Value> {
        let v = self.take(key)?;
        let mut p = Props::new(Some(v));
        let mut out = BTreeMap::new();
        f(&mut p, &mut out);
        p.finish(&mut out);
        Some(Value::Object(out.into_iter().collect()))
    }
}

// --- CloudFormation side ------------------------------------------------------------------------

struct Cfn<'a> {
    types: BTreeMap<&'a str, &'a str>,
    /// The spec's inputs: parameters without a default, which stay symbolic (`${input:NAME}`).
    inputs: BTreeSet<String>,
}

impl Cfn<'_> {
    fn value(&self, v: &Value) -> Value {
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

    fn pseudo(name: &str) -> String {
        let p = match name {
            "Region" => "region",
            "AccountId" => "account_id",
            "Partition" => "partition",
            other => panic!("pseudo parameter AWS::{other} has no Terraform form here"),
        };
        format!("${{pseudo:{p}}}")
    }

    fn ref_id(&self, target: &str) -> String {
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

    fn get_att(target: &str, attr: &str) -> String {
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

    fn intrinsic(&self, name: &str, arg: &Value) -> Value {
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

    fn sub(&self, template: &str) -> String {
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

fn cfn_tags(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Object(
            items.into_iter().map(|t| (t["Key"].as_str().expect("tag key").to_owned(), t["Value"].clone())).collect(),
        ),
        other => other,
    }
}

/// The neutral form of a CloudFormation template (as long-form JSON), deployed with the parameters
/// of `passed` (the others at their defaults).
fn from_cfn_with(doc: &Value, passed: &Passed) -> Stack {
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

fn push_sorted(props: &mut BTreeMap<String, Value>, key: &str, v: Value) {
    let list = props.entry(key.to_owned()).or_insert_with(|| json!([]));
    list.as_array_mut().expect("list").push(v);
    *list = sorted(list.take());
}

/// Maps one CloudFormation resource's properties; returns the IR kind.
fn cfn_properties(ty: &str, p: &mut Props, out: &mut BTreeMap<String, Value>) -> &'static str {
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
const ALARM_SETTINGS: &[(&str, &str)] = &[
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
const MWAA_SETTINGS: &[(&str, &str)] = &[
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

// --- Terraform side -----------------------------------------------------------------------------

/// The neutral attribute for `TYPE.NAME.ATTRIBUTE`.
fn tf_attribute(ty: &str, attr: &str) -> &'static str {
    match (ty, attr) {
        ("aws_iam_role" | "aws_cloudwatch_log_group" | "aws_kms_alias", "name") => "id",
        ("aws_kms_key", "key_id") | ("aws_s3_bucket", "bucket") | ("aws_eip", "public_ip") => "id",
        ("aws_eip", "id" | "allocation_id") => "allocation_id",
        // CloudFormation's `Ref` of a topic is its ARN, which Terraform's configuration reads as `arn`.
        ("aws_sns_topic", "arn") => "id",
        ("aws_iam_policy", "arn") | (_, "arn") => "arn",
        (_, "id") => "id",
        ("aws_mwaa_environment", "webserver_url") => "webserver_url",
        ("aws_mwaa_environment", "database_vpc_endpoint_service") => "database_vpc_endpoint_service",
        ("aws_mwaa_environment", "webserver_vpc_endpoint_service") => "webserver_vpc_endpoint_service",
        _ => panic!("{ty}.*.{attr} has no neutral form"),
    }
}

fn tf_traversal(t: &hcl::Traversal) -> Value {
    let Expression::Variable(root) = &t.expr else {
        // `split(":", var.x)[5]`: an item of what a function returns.
        let [TraversalOperator::Index(Expression::Number(n))] = t.operators.as_slice() else {
            panic!("traversal of {:?}", t.expr)
        };
        return select(n.as_i64().expect("index"), tf_value(&t.expr));
    };
    let names: Vec<String> = t
        .operators
        .iter()
        .map(|op| match op {
            TraversalOperator::GetAttr(a) => a.to_string(),
            TraversalOperator::Index(Expression::Number(n)) => format!("[{n}]"),
            TraversalOperator::LegacyIndex(n) => format!("[{n}]"),
            other => panic!("traversal operator {other:?}"),
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // What is left of `var.` after resolve_tf is an input (a variable without default).
    if root.as_str() == "var" {
        return match names.as_slice() {
            [name] => json!(input(name)),
            [name, i] => {
                select(i.trim_start_matches('[').trim_end_matches(']').parse().expect("index"), json!(input(name)))
            }
            other => panic!("reference var.{other:?}"),
        };
    }
    Value::String(if root.as_str() == "data" {
        match names.as_slice() {
            // `region` under a constraint that admits only 6.x (6.0.0 deprecated `name`).
            ["aws_region", "current", "name" | "region"] => "${pseudo:region}".into(),
            ["aws_caller_identity", "current", "account_id"] => "${pseudo:account_id}".into(),
            ["aws_partition", "current", "partition"] => "${pseudo:partition}".into(),
            ["aws_availability_zones", "available", "names", i] => {
                format!("${{az:{}}}", i.trim_start_matches('[').trim_end_matches(']'))
            }
            other => panic!("data source reference data.{other:?}"),
        }
    } else {
        match names.as_slice() {
            [name, attr] => reference(name, tf_attribute(root.as_str(), attr)),
            other => panic!("reference {}.{other:?}", root.as_str()),
        }
    })
}

fn tf_value(e: &Expression) -> Value {
    match e {
        Expression::Bool(b) => json!(b),
        Expression::Number(n) => json!(n.as_i64().expect("integer")),
        Expression::String(s) => Value::String(lit(s)),
        Expression::Array(items) => Value::Array(items.iter().map(tf_value).collect()),
        Expression::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.clone(),
                        other => panic!("object key {other:?}"),
                    };
                    (key, tf_value(v))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => {
            let template = hcl::Template::from_expr(t).expect("template parses");
            let mut s = String::new();
            for el in template.elements() {
                match el {
                    hcl::template::Element::Literal(l) => s.push_str(&lit(l)),
                    hcl::template::Element::Interpolation(i) => match tf_value(&i.expr) {
                        Value::String(v) if v.starts_with("${") => s.push_str(&v),
                        other => panic!("interpolation of {other}"),
                    },
                    hcl::template::Element::Directive(d) => panic!("template directive {d:?}"),
                }
            }
            Value::String(s)
        }
        Expression::Traversal(t) => tf_traversal(t),
        Expression::FuncCall(f) => match (f.name.name.as_str(), f.args.as_slice()) {
            ("jsonencode", [doc]) => tf_value(doc),
            ("join", [sep, items]) => join(tf_value(sep), tf_value(items)),
            ("split", [sep, text]) => json!({"split": [tf_value(sep), tf_value(text)]}),
            ("concat", lists) => concat(lists.iter().map(tf_value).collect()),
            (other, _) => panic!("function {other}"),
        },
        Expression::Parenthesis(e) => tf_value(e),
        other => panic!("expression {other:?}"),
    }
}

/// A block body being normalized: attributes as neutral values, nested blocks.
struct TfBody {
    props: Props,
    blocks: BTreeMap<String, Vec<Body>>,
    raw: BTreeMap<String, Expression>,
}

impl TfBody {
    fn new(body: &Body) -> Self {
        let mut map = Map::new();
        let mut raw = BTreeMap::new();
        let mut blocks: BTreeMap<String, Vec<Body>> = BTreeMap::new();
        for a in body.attributes() {
            let key = a.key.to_string();
            if key == "depends_on" {
                raw.insert(key, a.expr.clone());
            } else if a.expr == Expression::Null {
                // An argument set to null is not set.
            } else {
                assert!(map.insert(key.clone(), tf_value(&a.expr)).is_none(), "{key} twice");
            }
        }
        for b in body.blocks() {
            blocks.entry(b.identifier.to_string()).or_default().push(b.body.clone());
        }
        TfBody { props: Props { map }, blocks, raw }
    }

    /// The single nested block `name`, if there is one.
    fn block(&mut self, name: &str) -> Option<TfBody> {
        let mut bs = self.blocks.remove(name)?;
        assert_eq!(bs.len(), 1, "one {name} block");
        Some(TfBody::new(&bs.remove(0)))
    }

    fn finish(mut self, out: &mut BTreeMap<String, Value>) {
        for (k, _) in std::mem::take(&mut self.blocks) {
            out.insert(format!("unmapped.{k}"), json!("block"));
        }
        self.props.finish(out);
    }

    /// A nested block as an object, its attributes renamed.
    fn nested(&mut self, name: &str, pairs: &[(&str, &str)]) -> Option<Value> {
        let mut b = self.block(name)?;
        let mut o = BTreeMap::new();
        b.props.rename(&mut o, pairs);
        b.finish(&mut o);
        Some(Value::Object(o.into_iter().collect()))
    }
}

/// The primary Terraform type of each IR kind.
const TF_KINDS: &[(&str, &str)] = &[
    ("aws_vpc", "vpc"),
    ("aws_internet_gateway", "internet_gateway"),
    ("aws_internet_gateway_attachment", "vpc_gateway_attachment"),
    ("aws_subnet", "subnet"),
    ("aws_eip", "eip"),
    ("aws_nat_gateway", "nat_gateway"),
    ("aws_route_table", "route_table"),
    ("aws_route", "route"),
    ("aws_route_table_association", "subnet_route_table_association"),
    ("aws_security_group", "security_group"),
    ("aws_vpc_security_group_ingress_rule", "security_group_ingress"),
    ("aws_network_acl", "network_acl"),
    ("aws_network_acl_rule", "network_acl_entry"),
    ("aws_network_acl_association", "subnet_network_acl_association"),
    ("aws_vpc_endpoint", "vpc_endpoint"),
    ("aws_cloudwatch_log_group", "log_group"),
    ("aws_flow_log", "flow_log"),
    ("aws_iam_role", "iam_role"),
    ("aws_iam_role_policy", "role_policy"),
    ("aws_iam_policy", "managed_policy"),
    ("aws_s3_bucket", "bucket"),
    ("aws_s3_bucket_policy", "bucket_policy"),
    ("aws_kms_key", "kms_key"),
    ("aws_kms_alias", "kms_alias"),
    ("aws_mwaa_environment", "mwaa_environment"),
    ("aws_sns_topic", "sns_topic"),
    ("aws_sns_topic_subscription", "sns_subscription"),
    ("aws_sns_topic_policy", "sns_topic_policy"),
    ("aws_cloudwatch_metric_alarm", "alarm"),
    ("aws_cloudwatch_dashboard", "dashboard"),
];

/// One `resource` block.
struct TfResource {
    ty: String,
    name: String,
    body: Body,
    /// The block's text, for what only comments carry.
    text: String,
}

/// The text of `resource "TY" "NAME" { ... }` in a formatted file.
fn block_text(file: &str, ty: &str, name: &str) -> String {
    let head = format!("resource \"{ty}\" \"{name}\" {{");
    let start = file.find(&head).unwrap_or_else(|| panic!("no block {ty}.{name}"));
    let rest = &file[start..];
    let end = rest.find("\n}").map_or(rest.len(), |e| e + 2);
    rest[..end].to_owned()
}

/// Owner id of a split-off resource: the resource its `key` attribute refers to.
fn owner(props: &Props, key: &str) -> Option<String> {
    let v = props.map.get(key)?.as_str()?;
    let id = v.strip_prefix("${ref:")?;
    Some(id[..id.find('.')?].to_owned())
}

/// Merges a split-off resource into the properties of the resource it belongs to.
type Merge<'a> = Box<dyn FnOnce(&mut BTreeMap<String, Value>, &mut TfBody) + 'a>;

/// The neutral form of a generated Terraform configuration (the `.tf` files outside `tests/`),
/// applied with the variables of `passed` (by CloudFormation parameter name; the others at their
/// defaults).
fn from_terraform_with(files: &[OutputFile], passed: &Passed) -> Stack {
    let parsed: Vec<(&OutputFile, Body)> = files
        .iter()
        .filter(|f| f.path.ends_with(".tf") && !f.path.starts_with("tests/"))
        .map(|f| (f, hcl::parse(&f.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path))))
        .collect();
    // Local values are evaluated first, as Terraform does: what is compared is what they hold.
    let locals = Locals::of(parsed.iter().map(|(_, b)| b));
    let (parameters, inputs, vars) = tf_variables(parsed.iter().map(|(_, b)| b), passed);
    let mut resources = Vec::new();
    let mut outputs = BTreeMap::new();
    for (f, body) in &parsed {
        let body = locals.inline(body);
        for b in body.blocks() {
            let labels: Vec<String> = b
                .labels
                .iter()
                .map(|l| match l {
                    hcl::BlockLabel::String(s) => s.clone(),
                    hcl::BlockLabel::Identifier(i) => i.to_string(),
                })
                .collect();
            match (b.identifier.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) => resources.push(TfResource {
                    text: block_text(&f.contents, ty, name),
                    ty: ty.clone(),
                    name: name.clone(),
                    body: resolve_body(&b.body, &vars),
                }),
                ("output", [name]) => {
                    let mut t = TfBody::new(&b.body);
                    let mut o = BTreeMap::new();
                    // Lists stay lists in Terraform outputs; CloudFormation outputs are strings, so
                    // its template joins them with commas.
                    if let Some(Value::Array(items)) = t.props.map.get("value").cloned() {
                        t.props.map.insert("value".into(), json!({"join": [",", items]}));
                    }
                    t.props.rename(&mut o, &[("description", "description"), ("value", "value")]);
                    t.finish(&mut o);
                    outputs.insert(name.clone(), Value::Object(o.into_iter().collect()));
                }
                // removed.tf: resources the spec does not create (terraform validate refuses one it does).
                ("terraform" | "provider" | "variable" | "data" | "removed", _) => {}
                (other, _) => panic!("{}: unexpected block {other}", f.path),
            }
        }
    }

    let kinds: BTreeMap<&str, &str> = TF_KINDS.iter().copied().collect();
    let mut stack = Stack { parameters, inputs, ..Stack::default() };
    // address -> neutral id of the resource it belongs to
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut part_retain: Vec<(String, bool, String)> = Vec::new();
    let mut parts = Vec::new();

    for r in &resources {
        let Some(kind) = kinds.get(r.ty.as_str()) else {
            parts.push(r);
            continue;
        };
        let mut t = TfBody::new(&r.body);
        let mut props = BTreeMap::new();
        tf_properties(&r.ty, &mut t, &mut props, &r.text);
        meta(&mut t, &mut props, &mut deps, &r.name);
        t.finish(&mut props);
        for line in r.text.lines() {
            if let Some(skip) = line.trim().strip_prefix("#checkov:skip=") {
                push_sorted(&mut props, "checkov_skips", json!(skip));
            }
        }
        owners.insert(format!("{}.{}", r.ty, r.name), r.name.clone());
        assert!(
            stack.resources.insert(r.name.clone(), Neutral { kind: (*kind).to_owned(), props }).is_none(),
            "two resources named {}",
            r.name
        );
    }

    for r in parts {
        let mut t = TfBody::new(&r.body);
        let address = format!("{}.{}", r.ty, r.name);
        let (id, merge): (Option<String>, Merge<'_>) = match r.ty.as_str() {
            "aws_vpc_security_group_egress_rule" => (
                owner(&t.props, "security_group_id"),
                Box::new(|props, t| {
                    t.props.take("security_group_id");
                    let mut o = BTreeMap::new();
                    tf_rule(t, &mut o);
                    let list = props.entry("egress".into()).or_insert_with(|| json!([]));
                    list.as_array_mut().expect("list").push(Value::Object(o.into_iter().collect()));
                }),
            ),
            "aws_s3_bucket_versioning" => (
                owner(&t.props, "bucket"),
                Box::new(|props, t| {
                    t.props.take("bucket");
                    if let Some(v) = t.nested("versioning_configuration", &[("status", "status")]) {
                        props.insert("versioning".into(), v);
                    }
                }),
            ),
            "aws_s3_bucket_public_access_block" => (
                owner(&t.props, "bucket"),
                Box::new(|props, t| {
                    t.props.take("bucket");
                    let mut o = BTreeMap::new();
                    for k in
                        ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
                    {
                        if let Some(v) = t.props.take(k) {
                            o.insert(k.to_owned(), v);
                        }
                    }
                    props.insert("public_access_block".into(), Value::Object(o.into_iter().collect()));
                }),
            ),
            "aws_s3_bucket_server_side_encryption_configuration" => (
                owner(&t.props, "bucket"),
                Box::new(|props, t| {
                    t.props.take("bucket");
                    let rules: Vec<Value> = t
                        .blocks
                        .remove("rule")
                        .unwrap_or_default()
                        .iter()
                        .map(|b| {
                            let mut b = TfBody::new(b);
                            let mut o = BTreeMap::new();
                            if let Some(Value::Object(d)) = b.nested(
                                "apply_server_side_encryption_by_default",
                                &[("sse_algorithm", "sse_algorithm"), ("kms_master_key_id", "kms_key")],
                            ) {
                                o.extend(d);
                            }
                            b.props.rename(&mut o, &[("bucket_key_enabled", "bucket_key_enabled")]);
                            b.finish(&mut o);
                            Value::Object(o.into_iter().collect())
                        })
                        .collect();
                    props.insert("encryption".into(), json!({"rules": rules}));
                }),
            ),
            "aws_s3_bucket_lifecycle_configuration" => (
                owner(&t.props, "bucket"),
                Box::new(|props, t| {
                    t.props.take("bucket");
                    let rules: Vec<Value> = t
                        .blocks
                        .remove("rule")
                        .unwrap_or_default()
                        .iter()
                        .map(|b| {
                            let mut b = TfBody::new(b);
                            let mut o = BTreeMap::new();
                            b.props.rename(&mut o, &[("id", "id"), ("status", "status")]);
                            // An empty filter is CloudFormation's rule without a filter: every object.
                            if let Some(f) = b.block("filter") {
                                let mut fo = BTreeMap::new();
                                f.finish(&mut fo);
                                if !fo.is_empty() {
                                    o.insert("filter".into(), Value::Object(fo.into_iter().collect()));
                                }
                            }
                            for (block, pairs) in [
                                (
                                    "noncurrent_version_expiration",
                                    &[
                                        ("noncurrent_days", "noncurrent_days"),
                                        ("newer_noncurrent_versions", "newer_noncurrent_versions"),
                                    ][..],
                                ),
                                (
                                    "abort_incomplete_multipart_upload",
                                    &[("days_after_initiation", "days_after_initiation")][..],
                                ),
                            ] {
                                if let Some(v) = b.nested(block, pairs) {
                                    o.insert(block.to_owned(), v);
                                }
                            }
                            b.finish(&mut o);
                            Value::Object(o.into_iter().collect())
                        })
                        .collect();
                    props.insert("lifecycle".into(), json!({"rules": rules}));
                }),
            ),
            // Terraform only: it takes every rule away from the VPC's default security group, which
            // CloudFormation cannot do without a custom resource (docs/security.md). A rule it kept
            // would be left over and show up as a difference.
            "aws_default_security_group" => (
                owner(&t.props, "vpc_id"),
                Box::new(|_props, t| {
                    t.props.take("vpc_id");
                }),
            ),
            "aws_iam_role_policy_attachment" | "aws_iam_group_policy_attachment" => {
                let to = if r.ty == "aws_iam_role_policy_attachment" { "role" } else { "group" };
                let policy = owner(&t.props, "policy_arn")
                    .filter(|p| stack.resources.get(p).is_some_and(|r| r.kind == "managed_policy"));
                match policy {
                    // An attachment of a policy of this configuration: one of its roles or groups.
                    Some(p) => (
                        Some(p),
                        Box::new(move |props, t| {
                            t.props.take("policy_arn");
                            let target = t.props.take(to).unwrap_or(Value::Null);
                            push_sorted(props, &format!("{to}s"), target);
                        }),
                    ),
                    // Any other policy attached to a role of this configuration.
                    None => (
                        owner(&t.props, to),
                        Box::new(move |props, t| {
                            t.props.take(to);
                            let arn = t.props.take("policy_arn").unwrap_or(Value::Null);
                            push_sorted(props, "managed_policy_arns", arn);
                        }),
                    ),
                }
            }
            other => panic!("Terraform type {other} has no neutral form here"),
        };
        let id = id.unwrap_or_else(|| panic!("{address}: cannot tell which resource it belongs to"));
        let target =
            stack.resources.get_mut(&id).unwrap_or_else(|| panic!("{address} belongs to {id}, which is missing"));
        merge(&mut target.props, &mut t);
        let mut extra = BTreeMap::new();
        let retain = t.block("lifecycle").is_some_and(|mut l| l.props.take("prevent_destroy") == Some(json!(true)));
        part_retain.push((id.clone(), retain, address.clone()));
        let mut own_deps = BTreeMap::new();
        if let Some(d) = t.raw.remove("depends_on") {
            let mut set = BTreeSet::new();
            for a in tf_addresses(&d) {
                set.insert(a);
            }
            own_deps.insert(id.clone(), set);
        }
        t.finish(&mut extra);
        for (k, v) in extra {
            target.props.insert(format!("{address}.{k}"), v);
        }
        owners.insert(address, id);
        for (id, set) in own_deps {
            deps.entry(id).or_default().extend(set);
        }
    }

    // Parts of a retained resource are retained with it (CloudFormation keeps them as properties).
    for (id, retain, address) in part_retain {
        let r = stack.resources.get_mut(&id).expect("owner");
        if r.props.get("retain") != if retain { Some(&json!(true)) } else { None } {
            r.props.insert(format!("{address}.retain"), json!(retain));
        }
    }
    for (id, addresses) in deps {
        let ids: BTreeSet<String> =
            addresses.iter().map(|a| owners.get(a).cloned().unwrap_or_else(|| format!("unknown:{a}"))).collect();
        let r = stack.resources.get_mut(&id).expect("resource");
        if let Some(v) = explicit_dependencies(&id, &r.props, ids) {
            r.props.insert("depends_on".into(), v);
        }
    }
    // The bucket's lists of roles/groups come from attachments: sorted like the CloudFormation side.
    for r in stack.resources.values_mut() {
        for k in ["roles", "groups", "managed_policy_arns"] {
            if let Some(v) = r.props.remove(k) {
                r.props.insert(k.to_owned(), sorted(v));
            }
        }
    }
    stack.outputs = outputs;
    stack
}

fn tf_addresses(e: &Expression) -> Vec<String> {
    let Expression::Array(items) = e else { panic!("depends_on must be a list") };
    items
        .iter()
        .map(|i| match i {
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else { panic!("depends_on item {t:?}") };
                let rest: Vec<String> = t
                    .operators
                    .iter()
                    .map(|op| match op {
                        TraversalOperator::GetAttr(a) => a.to_string(),
                        other => panic!("depends_on item operator {other:?}"),
                    })
                    .collect();
                format!("{}.{}", root.as_str(), rest.join("."))
            }
            other => panic!("depends_on item {other:?}"),
        })
        .collect()
}

/// `lifecycle` and `depends_on` of a primary resource.
fn meta(
    t: &mut TfBody,
    props: &mut BTreeMap<String, Value>,
    deps: &mut BTreeMap<String, BTreeSet<String>>,
    name: &str,
) {
    if let Some(mut l) = t.block("lifecycle") {
        if l.props.take("prevent_destroy") == Some(json!(true)) {
            props.insert("retain".into(), json!(true));
        }
        let mut rest = BTreeMap::new();
        l.finish(&mut rest);
        for (k, v) in rest {
            props.insert(format!("lifecycle.{k}"), v);
        }
    }
    if let Some(d) = t.raw.remove("depends_on") {
        deps.entry(name.to_owned()).or_default().extend(tf_addresses(&d));
    }
}

fn tf_rule(t: &mut TfBody, out: &mut BTreeMap<String, Value>) {
    t.props.rename(
        out,
        &[
            ("ip_protocol", "protocol"),
            ("from_port", "from_port"),
            ("to_port", "to_port"),
            ("cidr_ipv4", "cidr"),
            ("referenced_security_group_id", "peer"),
            ("prefix_list_id", "prefix_list"),
            ("description", "description"),
        ],
    );
}

/// Maps one Terraform resource's arguments (a primary type of [`TF_KINDS`]).
fn tf_properties(ty: &str, t: &mut TfBody, out: &mut BTreeMap<String, Value>, text: &str) {
    let p = &mut t.props;
    p.rename(out, &[("tags", "tags")]);
    match ty {
        "aws_vpc" => p.rename(
            out,
            &[("cidr_block", "cidr"), ("enable_dns_support", "dns_support"), ("enable_dns_hostnames", "dns_hostnames")],
        ),
        "aws_internet_gateway" => {}
        "aws_internet_gateway_attachment" => {
            p.rename(out, &[("vpc_id", "vpc"), ("internet_gateway_id", "internet_gateway")]);
        }
        "aws_subnet" => p.rename(
            out,
            &[
                ("vpc_id", "vpc"),
                ("cidr_block", "cidr"),
                ("availability_zone", "availability_zone"),
                ("map_public_ip_on_launch", "map_public_ip"),
            ],
        ),
        "aws_eip" => p.rename(out, &[("domain", "domain")]),
        "aws_nat_gateway" => p.rename(out, &[("allocation_id", "allocation"), ("subnet_id", "subnet")]),
        "aws_route_table" => p.rename(out, &[("vpc_id", "vpc")]),
        "aws_route" => p.rename(
            out,
            &[
                ("route_table_id", "route_table"),
                ("destination_cidr_block", "destination"),
                ("gateway_id", "gateway"),
                ("nat_gateway_id", "nat_gateway"),
            ],
        ),
        "aws_route_table_association" => p.rename(out, &[("subnet_id", "subnet"), ("route_table_id", "route_table")]),
        "aws_security_group" => p.rename(out, &[("description", "description"), ("vpc_id", "vpc")]),
        "aws_vpc_security_group_ingress_rule" => {
            p.rename(out, &[("security_group_id", "group")]);
            tf_rule(t, out);
        }
        "aws_network_acl" => p.rename(out, &[("vpc_id", "vpc")]),
        "aws_network_acl_rule" => p.rename(
            out,
            &[
                ("network_acl_id", "acl"),
                ("rule_number", "rule_number"),
                ("egress", "egress"),
                ("protocol", "protocol"),
                ("rule_action", "action"),
                ("cidr_block", "cidr"),
            ],
        ),
        "aws_network_acl_association" => p.rename(out, &[("subnet_id", "subnet"), ("network_acl_id", "acl")]),
        "aws_vpc_endpoint" => p.rename(
            out,
            &[
                ("vpc_id", "vpc"),
                ("service_name", "service"),
                ("vpc_endpoint_type", "type"),
                ("route_table_ids", "route_tables"),
                ("subnet_ids", "subnets"),
                ("security_group_ids", "security_groups"),
                ("private_dns_enabled", "private_dns"),
                ("policy", "policy"),
            ],
        ),
        "aws_cloudwatch_log_group" => {
            p.rename(out, &[("name", "name"), ("retention_in_days", "retention_days"), ("kms_key_id", "kms_key")]);
        }
        "aws_flow_log" => {
            p.rename(
                out,
                &[
                    ("vpc_id", "vpc"),
                    ("traffic_type", "traffic_type"),
                    ("log_destination_type", "destination_type"),
                    ("log_group_name", "log_group"),
                    ("iam_role_arn", "role_arn"),
                ],
            );
            // The ARN of a log group of this configuration names the same group as its name.
            if let Some(Value::String(arn)) = p.take("log_destination") {
                let group = arn.strip_suffix(".arn}").map(|id| format!("{id}.id}}")).unwrap_or(arn);
                out.insert("log_group".into(), json!(group));
            }
        }
        "aws_iam_role" => {
            // CloudFormation names the role STACK-ExecutionRole-XXXX; Terraform PREFIX+suffix.
            p.take("name_prefix");
            p.rename(
                out,
                &[
                    ("description", "description"),
                    ("assume_role_policy", "assume_role_policy"),
                    ("permissions_boundary", "permissions_boundary"),
                ],
            );
        }
        "aws_iam_role_policy" => p.rename(out, &[("role", "role"), ("name", "name"), ("policy", "policy")]),
        "aws_iam_policy" => {
            p.take("name_prefix");
            p.rename(out, &[("description", "description"), ("policy", "policy")]);
        }
        "aws_s3_bucket" => {
            // Without a name, CloudFormation derives one from the stack; Terraform from this prefix.
            p.take("bucket_prefix");
            p.rename(out, &[("bucket", "name")]);
        }
        "aws_s3_bucket_policy" => p.rename(out, &[("bucket", "bucket"), ("policy", "policy")]),
        "aws_kms_key" => {
            p.rename(
                out,
                &[("description", "description"), ("enable_key_rotation", "key_rotation"), ("policy", "policy")],
            );
        }
        "aws_kms_alias" => p.rename(out, &[("name", "name"), ("target_key_id", "target")]),
        "aws_mwaa_environment" => {
            let pairs: Vec<(&str, &str)> = MWAA_SETTINGS.iter().map(|(_, n)| (*n, *n)).collect();
            p.rename(out, &pairs);
            // The documented exception: no argument before hashicorp/aws 6.12.0, a comment instead
            // when the constraint admits such releases.
            let prefix = "# worker_replacement_strategy = \"";
            if let Some(line) = text.lines().find_map(|l| l.trim().strip_prefix(prefix)) {
                let value = &line[..line.find('"').expect("closing quote")];
                out.insert("worker_replacement_strategy".into(), json!(value));
            }
            if let Some(mut logs) = t.block("logging_configuration") {
                let mut neutral = Map::new();
                for (name, bodies) in std::mem::take(&mut logs.blocks) {
                    for b in bodies {
                        let mut b = TfBody::new(&b);
                        let mut o = BTreeMap::new();
                        b.props.rename(&mut o, &[("enabled", "enabled"), ("log_level", "level")]);
                        b.finish(&mut o);
                        neutral
                            .insert(name.trim_end_matches("_logs").to_owned(), Value::Object(o.into_iter().collect()));
                    }
                }
                let mut rest = BTreeMap::new();
                logs.finish(&mut rest);
                for (k, v) in rest {
                    out.insert(format!("logging_configuration.{k}"), v);
                }
                out.insert("logging".into(), Value::Object(neutral));
            }
            if let Some(mut net) = t.block("network_configuration") {
                net.props.rename(out, &[("security_group_ids", "security_groups"), ("subnet_ids", "subnets")]);
                let mut rest = BTreeMap::new();
                net.finish(&mut rest);
                for (k, v) in rest {
                    out.insert(format!("network_configuration.{k}"), v);
                }
            }
        }
        "aws_sns_topic" => p.rename(out, &[("name", "name"), ("kms_master_key_id", "kms_key")]),
        "aws_sns_topic_subscription" => {
            p.rename(out, &[("topic_arn", "topic"), ("protocol", "protocol"), ("endpoint", "endpoint")]);
        }
        "aws_sns_topic_policy" => p.rename(out, &[("arn", "topic"), ("policy", "policy")]),
        "aws_cloudwatch_metric_alarm" => {
            let pairs: Vec<(&str, &str)> = ALARM_SETTINGS.iter().map(|(_, n)| (*n, *n)).collect();
            p.rename(out, &pairs);
            let queries: Vec<Value> = t
                .blocks
                .remove("metric_query")
                .unwrap_or_default()
                .iter()
                .map(|b| {
                    let mut b = TfBody::new(b);
                    let mut o = BTreeMap::new();
                    b.props.rename(
                        &mut o,
                        &[
                            ("id", "id"),
                            ("expression", "expression"),
                            ("label", "label"),
                            ("return_data", "return_data"),
                        ],
                    );
                    if let Some(v) = b.nested(
                        "metric",
                        &[
                            ("namespace", "namespace"),
                            ("metric_name", "metric_name"),
                            ("dimensions", "dimensions"),
                            ("period", "period"),
                            ("stat", "stat"),
                        ],
                    ) {
                        o.insert("metric".into(), v);
                    }
                    b.finish(&mut o);
                    Value::Object(o.into_iter().collect())
                })
                .collect();
            if !queries.is_empty() {
                out.insert("queries".into(), Value::Array(queries));
            }
        }
        "aws_cloudwatch_dashboard" => p.rename(out, &[("dashboard_name", "name"), ("dashboard_body", "body")]),
        other => panic!("Terraform type {other} is not primary"),
    }
}

// --- Values passed in at deploy time ------------------------------------------------------------
//
// Both sides are compared as deployed with the same values: CloudFormation parameters and their
// conditions are resolved (`Ref`, `Fn::If`, `AWS::NoValue`) and Terraform variables substituted
// (`var.x == "" ? null : var.x`), with each parameter at its default or at the value passed in.

/// Values passed in, by CloudFormation parameter name (the Terraform variable is its snake case).
type Passed = BTreeMap<String, String>;

/// The declaration of a parameter in neutral form.
fn neutral_parameter(description: &Value, default: Option<&str>) -> Value {
    json!({"type": "string", "description": description, "default": default.filter(|d| !d.is_empty())})
}

/// Resolves a template's parameters and conditions in place; returns the declarations of the
/// parameters with a default (by snake-case name) and of the inputs (parameters without one, by
/// logical id, in neutral form), which are left as they are.
fn resolve_cfn(doc: &mut Value, passed: &Passed) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let mut inputs = BTreeMap::new();
    if let Some(Value::Object(declared)) = doc.get_mut("Parameters") {
        let ids: Vec<String> =
            declared.iter().filter(|(_, p)| p.get("Default").is_none()).map(|(id, _)| id.clone()).collect();
        for id in ids {
            let p = declared.shift_remove(&id).expect("declared");
            inputs.insert(id, cfn_input(&p));
        }
    }
    let parameters = support::resolve_cfn_parameters(doc, passed)
        .into_iter()
        .map(|(id, p)| {
            assert_eq!(p["Type"], json!("String"), "{id}: only String parameters have a Terraform form here");
            (snake_case(&id), neutral_parameter(&p["Description"], p.get("Default").and_then(Value::as_str)))
        })
        .collect();
    (parameters, inputs)
}

/// An input parameter in neutral form. A String parameter carries the AWS rule (AllowedPattern,
/// MinLength, MaxLength, ConstraintDescription); an AWS-specific type (`AWS::EC2::VPC::Id`,
/// `List<AWS::EC2::Subnet::Id>`) is checked by CloudFormation itself, against the account.
fn cfn_input(p: &Value) -> Value {
    let ty = p["Type"].as_str().expect("parameter Type");
    let kind = if ty.starts_with("List<") || ty == "CommaDelimitedList" { "list" } else { "string" };
    let mut out = json!({"kind": kind, "description": p["Description"]});
    if ty == "String" {
        out["rule"] = json!({
            "pattern": p["AllowedPattern"],
            "min": p["MinLength"],
            "max": p["MaxLength"],
            "message": p["ConstraintDescription"],
        });
    } else {
        assert!(ty.starts_with("AWS::") || ty.starts_with("List<AWS::"), "input parameter type {ty}");
        out["aws_type"] = json!(ty);
    }
    out
}

/// A variable's value in [`resolve_tf`]: `None` for null; an input stays `var.NAME`.
type Vars = BTreeMap<String, Option<String>>;

/// The variables of a configuration: the neutral declarations of those with a default and of the
/// inputs (those without one), and each defaulted one's value (`passed`, or its default) by name.
/// The region variable is Terraform's own (CloudFormation deploys where its stack is).
fn tf_variables<'a>(
    bodies: impl Iterator<Item = &'a Body>,
    passed: &Passed,
) -> (BTreeMap<String, Value>, BTreeMap<String, Value>, Vars) {
    let mut neutral = BTreeMap::new();
    let mut inputs = BTreeMap::new();
    let mut values = BTreeMap::new();
    for body in bodies {
        for b in body.blocks().filter(|b| b.identifier.as_str() == "variable") {
            let name = match b.labels.first() {
                Some(hcl::BlockLabel::String(s)) => s.clone(),
                other => panic!("variable label {other:?}"),
            };
            if name == "region" {
                continue;
            }
            let attr = |k: &str| b.body.attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.clone());
            if attr("default").is_none() {
                inputs.insert(name.clone(), tf_input(&name, &b.body));
                continue;
            }
            assert_eq!(attr("type").map(|t| t.to_string()), Some("string".to_owned()), "variable {name}: type");
            let default = match attr("default") {
                Some(Expression::String(s)) => Some(s),
                Some(Expression::Null) | None => None,
                other => panic!("variable {name}: default {other:?}"),
            };
            let description = attr("description").map_or(Value::Null, |d| tf_value(&d));
            neutral.insert(name.clone(), neutral_parameter(&description, default.as_deref()));
            let by_cfn_name = passed.iter().find(|(id, _)| snake_case(id) == name).map(|(_, v)| v.clone());
            values.insert(name, by_cfn_name.or(default));
        }
    }
    (neutral, inputs, values)
}

/// An input variable in neutral form: its kind, description and the rule of its `validation`
/// blocks (the regular expression, the bounds on `length(var.NAME)`, the message).
fn tf_input(name: &str, body: &Body) -> Value {
    let attr = |b: &Body, k: &str| b.attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.clone());
    let kind = match attr(body, "type").map(|t| t.to_string()).as_deref() {
        Some("string") => "string",
        Some("list(string)") => "list",
        other => panic!("input variable {name}: type {other:?}"),
    };
    let description = attr(body, "description").map_or(Value::Null, |d| tf_value(&d));
    let mut out = json!({"kind": kind, "description": description});
    let validations: Vec<&hcl::Block> = body.blocks().filter(|b| b.identifier.as_str() == "validation").collect();
    if let [v] = validations.as_slice() {
        let condition = attr(&v.body, "condition").expect("validation condition");
        let mut rule = Map::new();
        rule.insert("message".into(), attr(&v.body, "error_message").map_or(Value::Null, |m| tf_value(&m)));
        tf_rule_parts(&condition, name, &mut rule);
        out["rule"] = Value::Object(rule);
    } else {
        assert!(validations.is_empty(), "input variable {name}: {} validation blocks", validations.len());
    }
    out
}

/// The parts of a validation condition: `regex("PATTERN", ...)`, and `length(var.NAME) >= MIN`,
/// `<= MAX` or `== N` (both bounds).
fn tf_rule_parts(e: &Expression, name: &str, rule: &mut Map<String, Value>) {
    let is_length_of_var = |e: &Expression| match e {
        Expression::FuncCall(f) if f.name.name.as_str() == "length" && f.args.len() == 1 => {
            f.args[0].to_string() == format!("var.{name}")
        }
        _ => false,
    };
    match e {
        Expression::FuncCall(f) => {
            if let ("regex", Some(Expression::String(p))) = (f.name.name.as_str(), f.args.first()) {
                assert!(rule.insert("pattern".into(), json!(p)).is_none(), "{name}: two regex in the validation");
            }
            for a in &f.args {
                tf_rule_parts(a, name, rule);
            }
        }
        Expression::Operation(op) => match op.as_ref() {
            hcl::Operation::Binary(b) => {
                if let (true, Expression::Number(n)) = (is_length_of_var(&b.lhs_expr), &b.rhs_expr) {
                    let n = json!(n.as_i64().expect("a length"));
                    match b.operator {
                        hcl::BinaryOperator::GreaterEq => rule.insert("min".into(), n),
                        hcl::BinaryOperator::LessEq => rule.insert("max".into(), n),
                        hcl::BinaryOperator::Eq => {
                            rule.insert("min".into(), n.clone());
                            rule.insert("max".into(), n)
                        }
                        other => panic!("{name}: length bound with {other:?}"),
                    };
                }
                tf_rule_parts(&b.lhs_expr, name, rule);
                tf_rule_parts(&b.rhs_expr, name, rule);
            }
            hcl::Operation::Unary(u) => tf_rule_parts(&u.expr, name, rule),
        },
        Expression::Parenthesis(e) => tf_rule_parts(e, name, rule),
        Expression::Array(items) => items.iter().for_each(|i| tf_rule_parts(i, name, rule)),
        Expression::ForExpr(f) => {
            tf_rule_parts(&f.collection_expr, name, rule);
            tf_rule_parts(&f.value_expr, name, rule);
        }
        _ => {}
    }
}

/// A resource body with `var.x` and conditionals on variables evaluated.
fn resolve_body(body: &Body, vars: &Vars) -> Body {
    Body(
        body.iter()
            .map(|s| match s {
                hcl::Structure::Attribute(a) => {
                    hcl::Structure::Attribute(hcl::Attribute::new(a.key.clone(), resolve_tf(&a.expr, vars)))
                }
                hcl::Structure::Block(b) => {
                    let mut b = b.clone();
                    b.body = resolve_body(&b.body, vars);
                    hcl::Structure::Block(b)
                }
            })
            .collect(),
    )
}

fn resolve_tf(e: &Expression, vars: &Vars) -> Expression {
    let value = |e: &Expression| -> Option<String> {
        match resolve_tf(e, vars) {
            Expression::String(s) => Some(s),
            Expression::Null => None,
            other => panic!("a string or null, not {other:?}"),
        }
    };
    match e {
        Expression::Traversal(t) if matches!(&t.expr, Expression::Variable(v) if v.as_str() == "var") => {
            let Some(TraversalOperator::GetAttr(name)) = t.operators.first() else { panic!("var traversal {t:?}") };
            match vars.get(name.as_str()) {
                Some(Some(s)) if t.operators.len() == 1 => Expression::String(s.clone()),
                Some(None) if t.operators.len() == 1 => Expression::Null,
                Some(_) => panic!("var traversal {t:?} of a string"),
                // An input (tf_value checks it is one): left as it is.
                None => e.clone(),
            }
        }
        Expression::Conditional(c) => {
            let Expression::Operation(op) = &c.cond_expr else { panic!("condition {:?}", c.cond_expr) };
            let hcl::Operation::Binary(b) = op.as_ref() else { panic!("condition {op:?}") };
            let equal = value(&b.lhs_expr) == value(&b.rhs_expr);
            let holds = match b.operator {
                hcl::BinaryOperator::Eq => equal,
                hcl::BinaryOperator::NotEq => !equal,
                other => panic!("condition operator {other:?}"),
            };
            resolve_tf(if holds { &c.true_expr } else { &c.false_expr }, vars)
        }
        other => other.clone(),
    }
}

// --- Comparison ---------------------------------------------------------------------------------

/// Every difference between the two neutral forms, one line each.
fn differences(cfn: &Stack, tf: &Stack) -> Vec<String> {
    let mut out = Vec::new();
    let ids: BTreeSet<&String> = cfn.resources.keys().chain(tf.resources.keys()).collect();
    for id in ids {
        match (cfn.resources.get(id), tf.resources.get(id)) {
            (Some(c), Some(t)) => {
                if c.kind != t.kind {
                    out.push(format!("{id}: kind {} in CloudFormation, {} in Terraform", c.kind, t.kind));
                }
                let keys: BTreeSet<&String> = c.props.keys().chain(t.props.keys()).collect();
                for k in keys {
                    let (a, b) = (c.props.get(k), t.props.get(k));
                    if a != b {
                        out.push(format!(
                            "{id}.{k}: CloudFormation {} / Terraform {}",
                            a.map_or("(none)".into(), Value::to_string),
                            b.map_or("(none)".into(), Value::to_string)
                        ));
                    }
                }
            }
            (Some(_), None) => out.push(format!("{id}: only in CloudFormation")),
            (None, Some(_)) => out.push(format!("{id}: only in Terraform")),
            (None, None) => {}
        }
    }
    let params: BTreeSet<&String> = cfn.parameters.keys().chain(tf.parameters.keys()).collect();
    for n in params {
        let (a, b) = (cfn.parameters.get(n), tf.parameters.get(n));
        if a != b {
            out.push(format!(
                "parameter {n}: CloudFormation {} / Terraform {}",
                a.map_or("(none)".into(), Value::to_string),
                b.map_or("(none)".into(), Value::to_string)
            ));
        }
    }
    let names: BTreeSet<&String> = cfn.inputs.keys().chain(tf.inputs.keys()).collect();
    for n in names {
        let (Some(a), Some(b)) = (cfn.inputs.get(n), tf.inputs.get(n)) else {
            out.push(format!(
                "input {n}: only in {}",
                if cfn.inputs.contains_key(n) { "CloudFormation" } else { "Terraform" }
            ));
            continue;
        };
        for k in ["kind", "description"] {
            if a[k] != b[k] {
                out.push(format!("input {n}.{k}: CloudFormation {} / Terraform {}", a[k], b[k]));
            }
        }
        // Terraform checks every input with the AWS rule; CloudFormation a String parameter with
        // the same rule, and an AWS-specific type (`aws_type`) against the account instead.
        if b["rule"]["message"].as_str().map_or(true, str::is_empty) {
            out.push(format!("input {n}: no validation with a message in Terraform"));
        }
        if a.get("rule").is_some() && a["rule"] != b["rule"] {
            out.push(format!("input {n}.rule: CloudFormation {} / Terraform {}", a["rule"], b["rule"]));
        }
        if a.get("rule").is_none() && a.get("aws_type").is_none() {
            out.push(format!("input {n}: neither a rule nor an AWS-specific type in CloudFormation"));
        }
    }
    let names: BTreeSet<&String> = cfn.outputs.keys().chain(tf.outputs.keys()).collect();
    for n in names {
        let (a, b) = (cfn.outputs.get(n), tf.outputs.get(n));
        if a != b {
            out.push(format!(
                "output {n}: CloudFormation {} / Terraform {}",
                a.map_or("(none)".into(), Value::to_string),
                b.map_or("(none)".into(), Value::to_string)
            ));
        }
    }
    out
}

/// Both neutral forms of a spec, after `mutate_tf` and `mutate_cfn` had their way with the output.
fn neutral_forms(
    ir: &Ir,
    mutate_tf: impl FnOnce(&mut Vec<OutputFile>),
    mutate_cfn: impl FnOnce(&mut Value),
) -> (Stack, Stack) {
    neutral_forms_with(ir, &Passed::new(), mutate_tf, mutate_cfn)
}

/// The same, deployed with the values of `passed`.
fn neutral_forms_with(
    ir: &Ir,
    passed: &Passed,
    mutate_tf: impl FnOnce(&mut Vec<OutputFile>),
    mutate_cfn: impl FnOnce(&mut Value),
) -> (Stack, Stack) {
    let cfn_files = render(ir, Target::Cfn).expect("CloudFormation renders");
    let mut doc = support::cfn_yaml_to_json(&cfn_files[0].contents);
    mutate_cfn(&mut doc);
    // The module in flat form (for_each expanded, the names of earlier output, from the moved
    // blocks): tests/support/legacy.rs.
    let mut tf_files = support::legacy::legacy(&render(ir, Target::Terraform).expect("Terraform renders"));
    mutate_tf(&mut tf_files);
    (from_cfn_with(&doc, passed), from_terraform_with(&tf_files, passed))
}

fn spec(name: &str) -> Ir {
    support::compile_file(&support::root().join("specs").join(format!("{name}.toml")))
}

fn edit_tf(files: &mut [OutputFile], path: &str, from: &str, to: &str) {
    let f = files.iter_mut().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    assert!(f.contents.contains(from), "{path} has no {from:?}");
    f.contents = f.contents.replacen(from, to, 1);
}

// --- Tests --------------------------------------------------------------------------------------

#[test]
fn terraform_deploys_what_cloudformation_deploys_for_every_example() {
    let mut specs: Vec<(String, Ir)> =
        support::example_specs().iter().map(|p| (support::rel(p), support::compile_file(p))).collect();
    let default = mwaagen::compile(&mwaagen::default_source()).expect("the default spec compiles");
    specs.push(("<built-in default spec>".into(), default));
    for (name, ir) in &specs {
        let (cfn, tf) = neutral_forms(ir, |_| {}, |_| {});
        let diffs = differences(&cfn, &tf);
        assert!(diffs.is_empty(), "{name}: Terraform differs from CloudFormation:\n  {}", diffs.join("\n  "));
        // The comparison covered every resource of the IR, and each kept its properties.
        assert_eq!(tf.resources.len(), ir.resources.len(), "{name}");
        for r in &ir.resources {
            let n = &tf.resources[&r.tf_name];
            assert_eq!(n.kind, r.kind.tag(), "{name}: {}", r.id);
            assert!(
                !n.props.keys().any(|k| k.contains("unmapped")),
                "{name}: {} has unmapped properties: {:?}",
                r.id,
                n.props
            );
        }
        assert_eq!(tf.outputs.len(), ir.outputs.len(), "{name}");
    }
}

#[test]
fn the_neutral_form_keeps_what_matters() {
    let (cfn, tf) = neutral_forms(&spec("production"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        let subnet = &s.resources["private_subnet_1"].props;
        assert_eq!(subnet["cidr"], json!("10.40.16.0/20"));
        assert_eq!(subnet["availability_zone"], json!("eu-west-1a"));
        assert_eq!(subnet["vpc"], json!("${ref:vpc.id}"));
        let env = &s.resources["mwaa_environment"].props;
        assert_eq!(
            env["depends_on"],
            json!([
                "dag_processing_log_group",
                "default_private_route_1",
                "default_private_route_2",
                "execution_policy",
                "private_subnet_1_route_table_association",
                "private_subnet_2_route_table_association",
                "scheduler_log_group",
                "task_log_group",
                "webserver_log_group",
                "worker_log_group"
            ])
        );
        assert_eq!(env["plugins_s3_object_version"], json!("3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"));
        let group = &s.resources["scheduler_log_group"].props;
        assert_eq!(group["name"], json!("airflow-analytics-prod-Scheduler"));
        assert_eq!(group["kms_key"], json!("${ref:environment_key.arn}"));
        assert_eq!(env["logging"]["webserver"], json!({"enabled": true, "level": "ERROR"}));
        assert_eq!(env["source_bucket_arn"], json!("${ref:environment_bucket.arn}"));
        let bucket = &s.resources["environment_bucket"].props;
        assert_eq!(bucket["retain"], json!(true));
        assert_eq!(bucket["encryption"]["rules"][0]["kms_key"], json!("${ref:environment_key.arn}"));
        let policy = &s.resources["execution_policy"].props;
        assert_eq!(policy["roles"], json!(["${ref:execution_role.id}"]));
        // Section 2's nine statements and the Secrets Manager read of [secrets].
        assert_eq!(policy["policy"]["Statement"].as_array().map(Vec::len), Some(10));
        assert_eq!(
            s.resources["web_access_policy_2"].props["policy"]["Statement"][0]["Resource"][0],
            json!("arn:${pseudo:partition}:airflow:${pseudo:region}:${pseudo:account_id}:role/analytics-prod/User")
        );
        assert_eq!(
            s.resources["execution_role"].props["managed_policy_arns"],
            json!(["arn:aws:iam::123456789012:policy/analytics-data-lake-read"])
        );
        assert_eq!(s.outputs["webserver_url"]["value"], json!("https://${ref:mwaa_environment.webserver_url}"));
    }
    let (cfn, tf) = neutral_forms(&spec("bring-your-own"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["mwaa_environment"].props["worker_replacement_strategy"], json!("GRACEFUL"));
    }
    let (cfn, tf) = neutral_forms(&spec("micro"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["private_subnet_2"].props["availability_zone"], json!("${az:1}"));
        assert_eq!(
            s.resources["mwaa_environment"].props["logging"]["worker"],
            json!({"enabled": false, "level": "INFO"})
        );
    }
}

/// Asserts that the mutation made the comparison fail, naming `expect`.
fn assert_caught(diffs: &[String], expect: &str) {
    assert!(
        diffs.iter().any(|d| d.contains(expect)),
        "a difference mentioning {expect:?} was expected, got {diffs:#?}"
    );
}

#[test]
fn a_changed_cidr_in_the_hcl_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| edit_tf(f, "network.tf", "\"10.40.16.0/20\"", "\"10.40.17.0/20\""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "private_subnet_1.cidr");
}

#[test]
fn a_dropped_policy_statement_on_the_cfn_side_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |_| {},
        |doc| {
            let statements = doc["Resources"]["ExecutionPolicy"]["Properties"]["PolicyDocument"]["Statement"]
                .as_array_mut()
                .expect("statements");
            statements.pop();
        },
    );
    assert_caught(&differences(&cfn, &tf), "execution_policy.policy");
}

#[test]
fn a_missing_depends_on_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("default"),
        |f| edit_tf(f, "mwaa.tf", "    aws_iam_role_policy_attachment.execution_policy_execution_role,\n", ""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.depends_on");
}

#[test]
fn a_lost_prevent_destroy_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| edit_tf(f, "kms.tf", "prevent_destroy = true", "prevent_destroy = false"),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "environment_key.retain");
    // On a part of the bucket too.
    let (cfn, tf) = neutral_forms(
        &spec("production"),
        |f| {
            let s3 = f.iter_mut().find(|f| f.path == "s3.tf").expect("s3.tf");
            let at = s3.contents.find("aws_s3_bucket_versioning").expect("versioning");
            let (head, tail) = s3.contents.split_at(at);
            s3.contents = format!("{head}{}", tail.replacen("prevent_destroy = true", "prevent_destroy = false", 1));
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "aws_s3_bucket_versioning.environment_bucket_versioning.retain");
}

#[test]
fn changed_settings_tags_and_extra_resources_are_caught() {
    let ir = spec("production");
    let cases: [(&str, &str, &str, &str); 5] = [
        ("mwaa.tf", "max_workers                      = 20", "max_workers = 21", "mwaa_environment.max_workers"),
        ("mwaa.tf", "log_level = \"ERROR\"", "log_level = \"INFO\"", "mwaa_environment.logging"),
        ("locals.tf", "    Environment = \"production\"\n", "", "vpc.tags"),
        ("iam.tf", "\"s3:GetBucket*\", ", "", "execution_policy.policy"),
        ("s3.tf", "sse_algorithm     = \"aws:kms\"", "sse_algorithm = \"AES256\"", "environment_bucket.encryption"),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| {
            let n = f.iter_mut().find(|f| f.path == "network.tf").expect("network.tf");
            n.contents.push_str("\nresource \"aws_vpc\" \"spare\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "spare: only in Terraform");
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| {
            edit_tf(
                f,
                "network.tf",
                "  map_public_ip_on_launch = false\n",
                "  map_public_ip_on_launch = false\n  ipv6_native = true\n",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "unmapped.ipv6_native");
}

#[test]
fn the_worker_replacement_strategy_exception_still_compares_the_value() {
    let (cfn, tf) = neutral_forms(
        &spec("bring-your-own"),
        |_| {},
        |doc| doc["Resources"]["MwaaEnvironment"]["Properties"]["WorkerReplacementStrategy"] = json!("FORCED"),
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.worker_replacement_strategy");
}

#[test]
fn the_worker_replacement_strategy_argument_under_a_6x_constraint_is_compared() {
    let text = |files: &[OutputFile]| {
        files.iter().find(|f| f.path.ends_with("mwaa.tf")).map(|f| f.contents.clone()).expect("mwaa.tf")
    };
    let tf_files = render(&spec("provider-6"), Target::Terraform).expect("renders");
    let mwaa = text(&tf_files);
    assert!(mwaa.contains("  worker_replacement_strategy = \"FORCED\"\n"), "an argument, not a comment:\n{mwaa}");
    assert!(!mwaa.contains("# worker_replacement_strategy"), "no comment beside the argument:\n{mwaa}");
    let (cfn, tf) = neutral_forms(&spec("provider-6"), |_| {}, |_| {});
    for s in [&cfn, &tf] {
        assert_eq!(s.resources["mwaa_environment"].props["worker_replacement_strategy"], json!("FORCED"));
    }
    let (cfn, tf) = neutral_forms(
        &spec("provider-6"),
        |f| {
            edit_tf(
                f,
                "mwaa.tf",
                "worker_replacement_strategy = \"FORCED\"",
                "worker_replacement_strategy = \"GRACEFUL\"",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.worker_replacement_strategy");
}

#[test]
fn a_removed_output_or_changed_az_is_caught() {
    let (cfn, tf) = neutral_forms(
        &spec("micro"),
        |f| edit_tf(f, "network.tf", "names[1]", "names[0]"),
        |doc| {
            doc["Outputs"].as_object_mut().expect("outputs").remove("VpcId");
        },
    );
    let diffs = differences(&cfn, &tf);
    assert_caught(&diffs, "availability_zone");
    assert_caught(&diffs, "output vpc_id");
}

/// What issue 13 added, compared like the rest: customer-managed endpoints (their service is an
/// attribute of the environment, they have no policy), the environment's dependencies on the
/// network, the secrets backend options, the S3 gateway's extra buckets, `LogLevel` of a module
/// that is off, and the flow-logs statements. Each change on one side is a difference.
#[test]
fn customer_endpoints_secrets_and_network_dependencies_are_compared() {
    let cases: [(&str, &str, &str, &str, &str); 8] = [
        (
            "customer-endpoints",
            "endpoints.tf",
            "aws_mwaa_environment.mwaa_environment.database_vpc_endpoint_service",
            "aws_mwaa_environment.mwaa_environment.webserver_vpc_endpoint_service",
            "database_vpc_endpoint.service",
        ),
        (
            "customer-endpoints",
            "endpoints.tf",
            "private_dns_enabled = false",
            "private_dns_enabled = true",
            "database_vpc_endpoint.private_dns",
        ),
        ("private-data-lake", "mwaa.tf", "    aws_vpc_endpoint.ssm_endpoint,\n", "", "mwaa_environment.depends_on"),
        (
            "private-data-lake",
            "mwaa.tf",
            "\\\"config_prefix\\\": null",
            "\\\"config_prefix\\\": \\\"x\\\"",
            "mwaa_environment.airflow_configuration_options",
        ),
        (
            "private-data-lake",
            "endpoints.tf",
            "\"arn:aws:s3:::corp-data-lake-raw/*\",\n",
            "",
            "s3_gateway_endpoint.policy",
        ),
        (
            "micro",
            "mwaa.tf",
            "      enabled   = false\n      log_level = \"INFO\"\n    }\n    scheduler_logs",
            "      enabled = false\n    }\n    scheduler_logs",
            "mwaa_environment.logging",
        ),
        (
            "micro",
            "mwaa.tf",
            "    aws_route_table_association.private_subnet_2_route_table_association,\n",
            "",
            "mwaa_environment.depends_on",
        ),
        (
            "default",
            "iam.tf",
            "Action   = [\"logs:DescribeLogGroups\"]",
            "Action   = [\"logs:DescribeLogStreams\"]",
            "flow_logs_role_policy.policy",
        ),
    ];
    for (name, path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&spec(name), |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    // A policy on a customer-managed endpoint, on the CloudFormation side only.
    let (cfn, tf) = neutral_forms(
        &spec("customer-endpoints"),
        |_| {},
        |doc| doc["Resources"]["WebserverVpcEndpoint"]["Properties"]["PolicyDocument"] = json!({"Statement": []}),
    );
    assert_caught(&differences(&cfn, &tf), "webserver_vpc_endpoint.policy");
    // The outputs of the endpoint services.
    let (cfn, tf) = neutral_forms(
        &spec("customer-endpoints"),
        |_| {},
        |doc| {
            doc["Outputs"].as_object_mut().expect("outputs").remove("DatabaseVpcEndpointService");
        },
    );
    assert_caught(&differences(&cfn, &tf), "output database_vpc_endpoint_service");
}

/// Every parameter of `ir` set to `value`.
fn passing(ir: &Ir, value: &str) -> Passed {
    ir.parameters.iter().map(|p| (p.id.clone(), value.to_owned())).collect()
}

#[test]
fn deploy_time_values_resolve_alike_at_their_defaults_and_when_passed() {
    let mut with_parameters = 0;
    for path in support::example_specs() {
        let ir = support::compile_file(&path);
        if ir.parameters.is_empty() {
            continue;
        }
        with_parameters += 1;
        let name = support::rel(&path);
        let env = |s: &Stack, p: &str| s.resources["mwaa_environment"].props.get(p).cloned();
        for (label, passed) in
            [("defaults", Passed::new()), ("from CI", passing(&ir, "from-ci")), ("empty", passing(&ir, ""))]
        {
            let (cfn, tf) = neutral_forms_with(&ir, &passed, |_| {}, |_| {});
            let diffs = differences(&cfn, &tf);
            assert!(
                diffs.is_empty(),
                "{name} ({label}): Terraform differs from CloudFormation:\n  {}",
                diffs.join("\n  ")
            );
            assert_eq!(cfn.parameters.len(), ir.parameters.len(), "{name}");
            for p in &ir.parameters {
                let property = p.tf_name.as_str();
                let want = match label {
                    "from CI" => Some(json!("from-ci")),
                    "empty" => None,
                    _ => p.default.as_ref().map(|d| json!(d)),
                };
                for s in [&cfn, &tf] {
                    assert_eq!(env(s, property), want, "{name} ({label}): {property}");
                }
            }
        }
    }
    assert!(with_parameters >= 2, "at least two example specs set S3 paths (production, operations)");
}

#[test]
fn a_parameter_that_is_ignored_or_declared_otherwise_is_caught() {
    let ir = spec("production");
    let from_ci = passing(&ir, "from-ci");
    // Terraform ignores the variable (the spec pins no startup script version: CI passes it).
    let (cfn, tf) = neutral_forms_with(
        &ir,
        &from_ci,
        |f| {
            edit_tf(
                f,
                "mwaa.tf",
                "var.startup_script_s3_object_version == \"\" ? null : var.startup_script_s3_object_version",
                "null",
            )
        },
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.startup_script_s3_object_version");
    // A version the spec pins is the value itself, in both: one of them changed is caught.
    let (cfn, tf) =
        neutral_forms(&ir, |f| edit_tf(f, "mwaa.tf", "\"3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\"", "\"other\""), |_| {});
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.plugins_s3_object_version");
    // CloudFormation sets the version only when the parameter is empty.
    let (cfn, tf) = neutral_forms_with(
        &ir,
        &from_ci,
        |_| {},
        |doc| {
            let c = &mut doc["Conditions"]["HasStartupScriptS3ObjectVersion"];
            *c = c["Fn::Not"][0].clone();
        },
    );
    assert_caught(&differences(&cfn, &tf), "mwaa_environment.startup_script_s3_object_version");
    // Another default.
    let (cfn, tf) =
        neutral_forms(&ir, |f| edit_tf(f, "variables.tf", "default     = null", "default     = \"v2\""), |_| {});
    assert_caught(&differences(&cfn, &tf), "parameter startup_script_s3_object_version");
    // A parameter Terraform does not declare.
    let (cfn, tf) = neutral_forms(
        &ir,
        |_| {},
        |doc| doc["Parameters"]["Extra"] = json!({"Type": "String", "Default": "", "Description": "x"}),
    );
    assert_caught(&differences(&cfn, &tf), "parameter extra");
}

#[test]
fn changed_alarms_topic_and_dashboard_are_caught() {
    let ir = spec("operations");
    let cases: [(&str, &str, &str, &str); 5] = [
        ("monitoring.tf", "threshold           = 0", "threshold = 1", "dag_import_errors_alarm.threshold"),
        ("monitoring.tf", "Function    = \"Executor\"", "Function = \"Scheduler\"", "queued_tasks_alarm.queries"),
        (
            "monitoring.tf",
            "treat_missing_data  = \"breaching\"",
            "treat_missing_data = \"notBreaching\"",
            "scheduler_heartbeat_alarm.treat_missing_data",
        ),
        ("monitoring.tf", "\"Scheduler heartbeat\"", "\"Heartbeat\"", "dashboard.body"),
        // The first group of logs.tf is the flow-log group, whose retention follows retention_days.
        ("logs.tf", "retention_in_days = 90", "retention_in_days = 30", "flow_logs_log_group.retention_days"),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        assert_caught(&differences(&cfn, &tf), expect);
    }
    let (cfn, tf) = neutral_forms(
        &ir,
        |_| {},
        |doc| {
            doc["Resources"]["AlarmTopic"]["Properties"].as_object_mut().expect("topic").shift_remove("KmsMasterKeyId");
        },
    );
    assert_caught(&differences(&cfn, &tf), "alarm_topic.kms_key");
}

/// The local values are evaluated, not trusted: a wrong value in locals.tf, or a resource that
/// refers to the wrong one, shows up where it is used.
#[test]
fn wrong_local_values_are_caught_where_they_are_used() {
    let ir = spec("production");
    let cases: [(&str, &str, &str, &[&str]); 6] = [
        // A tag of the spec, on a resource with its own Name and on one without.
        (
            "locals.tf",
            "Team        = \"data-platform\"",
            "Team        = \"data-platforms\"",
            &["vpc.tags", "execution_role.tags", "mwaa_environment.tags"],
        ),
        // A resource's own Name tag.
        (
            "network.tf",
            "{ Name = \"analytics-prod public subnet (AZ1)\" }",
            "{ Name = \"x\" }",
            &["public_subnet_1.tags"],
        ),
        // The spec's tags without the resource's Name.
        (
            "network.tf",
            "merge(local.tags, { Name = \"analytics-prod private subnet (AZ2)\" })",
            "local.tags",
            &["private_subnet_2.tags"],
        ),
        // The environment's name in its ARN, which the trust and permissions policies name.
        (
            "locals.tf",
            "environment/${local.environment_name}",
            "environment/${local.environment_name}-2",
            &["execution_role.assume_role_policy", "execution_policy.policy"],
        ),
        ("locals.tf", "\"analytics-prod\"", "\"analytics-dev\"", &["mwaa_environment.name", "execution_policy.policy"]),
        // A deployment value read from the wrong data source attribute.
        (
            "locals.tf",
            "region     = data.aws_region.current.name",
            "region     = local.partition",
            &["execution_policy.policy"],
        ),
    ];
    for (path, from, to, expect) in cases {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        let diffs = differences(&cfn, &tf);
        for e in expect {
            assert_caught(&diffs, e);
        }
    }
}

/// The evaluation of local values itself: nested locals, merge, and locals inside templates give
/// what the same configuration written without locals gives.
#[test]
fn locals_are_evaluated_as_terraform_does() {
    let with_locals = r#"
locals {
  region = data.aws_region.current.name
  name   = "a\"b$${c}%%{d}\\"
  arn    = "arn:${local.region}:x/${local.name}"
  tags   = { A = "1", B = "2" }
}

resource "aws_vpc" "v" {
  tags = merge(local.tags, { B = "3", Name = "n" })
  x    = local.arn
  y    = "${local.name}-${local.region}"
  z    = [local.region, "${aws_vpc.w.id}/${local.name}"]
}
"#;
    let without = r#"
resource "aws_vpc" "v" {
  tags = { A = "1", B = "3", Name = "n" }
  x    = "arn:${data.aws_region.current.name}:x/a\"b$${c}%%{d}\\"
  y    = "a\"b$${c}%%{d}\\-${data.aws_region.current.name}"
  z    = [data.aws_region.current.name, "${aws_vpc.w.id}/a\"b$${c}%%{d}\\"]
}
"#;
    let neutral = |text: &str| {
        let body = hcl::parse(text).expect("parses");
        let body = Locals::of([&body]).inline(&body);
        let block = body.blocks().find(|b| b.identifier.as_str() == "resource").expect("a resource");
        block.body.attributes().map(|a| (a.key.to_string(), tf_value(&a.expr))).collect::<BTreeMap<_, _>>()
    };
    let got = neutral(with_locals);
    assert_eq!(got, neutral(without));
    assert_eq!(got["x"], json!("arn:${pseudo:region}:x/a\"b$${c}%{d}\\"));
    for bad in [
        "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n",
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_vpc\" \"v\" {\n  x = local.a\n}\n",
        "resource \"aws_vpc\" \"v\" {\n  x = local.unset\n}\n",
        "locals {\n  a = \"s\"\n}\nresource \"aws_vpc\" \"v\" {\n  x = merge(local.a, {})\n}\n",
    ] {
        let body = hcl::parse(bad).expect("parses");
        let result = std::panic::catch_unwind(|| Locals::of([&body]).inline(&body));
        assert!(result.is_err(), "accepted: {bad}");
    }
}

// --- Inputs ---------------------------------------------------------------------------------------

/// A spec whose only input is the bucket, so that the role mwaagen creates grants `BUCKET/*`: a
/// CloudFormation `!Join ["", [!Ref DagsBucketArn, "/*"]]`, a Terraform `"${var.dags_bucket_arn}/*"`.
const BUCKET_INPUT: &str = r#"version = 1

[environment]
name = "bucket-input"

[bucket]
existing_arn = { input = "dags_bucket_arn" }
"#;

fn bucket_input() -> Ir {
    let source = mwaagen::diagnostics::Source::from_bytes("bucket-input.toml", BUCKET_INPUT.as_bytes());
    mwaagen::compile(&source).unwrap_or_else(|d| panic!("{}", d.render(&source)))
}

/// Inputs stay symbolic on both sides and go to the same places: `var.NAME` is `!Ref Name`,
/// `var.subnets[0]` is `!Select [0, !Ref Subnets]`, `concat([sg], var.extra)` is the template's
/// Split/Join, `split(":", var.x)[5]` its `!Select [5, !Split [":", ...]]`, `"${var.x}/*"` its
/// `!Join ["", [...]]`; and each input is declared alike (kind, description, the AWS rule).
#[test]
fn inputs_go_to_the_same_places_and_are_declared_alike() {
    let (cfn, tf) = neutral_forms(&spec("inputs"), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    let names: Vec<&str> = tf.inputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["alarm_topic", "dags_bucket_arn", "extra_security_groups", "kms_key", "role_arn", "subnets", "vpc"]
    );
    for s in [&cfn, &tf] {
        let env = &s.resources["mwaa_environment"].props;
        assert_eq!(env["subnets"], json!(["${input:subnets[0]}", "${input:subnets[1]}"]));
        assert_eq!(
            env["security_groups"],
            json!({"concat": [["${ref:security_group.id}"], "${input:extra_security_groups}"]})
        );
        assert_eq!(s.resources["security_group"].props["vpc"], json!("${input:vpc}"));
        assert_eq!(
            s.outputs["bucket_name"]["value"],
            json!({"select": [5, {"split": [":", "${input:dags_bucket_arn}"]}]})
        );
        // A String parameter carries the rule; VPC ids are CloudFormation's own type.
        assert_eq!(s.inputs["dags_bucket_arn"]["rule"]["min"], json!(1));
    }
    assert_eq!(cfn.inputs["vpc"]["aws_type"], json!("AWS::EC2::VPC::Id"));
    assert_eq!(tf.inputs["vpc"]["rule"]["pattern"], json!("^vpc-[0-9a-f]{1,17}$"));

    let (cfn, tf) = neutral_forms(&spec("inputs-vpc"), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    assert_eq!(tf.inputs.keys().collect::<Vec<_>>(), ["internet_gateway", "vpc"]);

    let (cfn, tf) = neutral_forms(&bucket_input(), |_| {}, |_| {});
    assert_eq!(differences(&cfn, &tf), Vec::<String>::new());
    let policy =
        tf.resources.values().map(|r| r.props.values().map(Value::to_string).collect::<String>()).collect::<String>();
    assert!(policy.contains("\"${input:dags_bucket_arn}/*\""), "no BUCKET/* grant: {policy}");
}

#[test]
fn an_input_used_or_declared_otherwise_is_caught() {
    let ir = spec("inputs");
    let tf_edit = |path: &'static str, from: &'static str, to: &'static str| {
        let (cfn, tf) = neutral_forms(&ir, |f| edit_tf(f, path, from, to), |_| {});
        differences(&cfn, &tf)
    };
    // Another subnet, a lost extra security group, another item of the split ARN.
    assert_caught(&tf_edit("mwaa.tf", "var.subnets[1]", "var.subnets[0]"), "mwaa_environment.subnets");
    assert_caught(&tf_edit("mwaa.tf", ", var.extra_security_groups)", ")"), "mwaa_environment.security_groups");
    assert_caught(
        &tf_edit("outputs.tf", "split(\":\", var.dags_bucket_arn)[5]", "split(\":\", var.dags_bucket_arn)[4]"),
        "output bucket_name",
    );
    // One input for another.
    assert_caught(&tf_edit("mwaa.tf", "var.role_arn", "var.kms_key"), "execution_role_arn");
    // The declaration: its rule (regular expression, bounds, message), its kind, its description.
    assert_caught(&tf_edit("variables.tf", "[a-z0-9.\\\\-]+$", "[a-z0-9.]+$"), "input dags_bucket_arn.rule");
    assert_caught(
        &tf_edit("variables.tf", "length(var.role_arn) <= 1224", "length(var.role_arn) <= 2048"),
        "input role_arn.rule",
    );
    assert_caught(&tf_edit("variables.tf", "(SNS API, CreateTopicInput.Name)", "(SNS)"), "input alarm_topic.rule");
    assert_caught(&tf_edit("variables.tf", "(the spec's input vpc,", "(the input vpc,"), "input vpc.description");
    // No validation at all, on a VPC id whose CloudFormation type has no rule of the template's.
    let text = render(&ir, Target::Terraform).expect("renders");
    let variables = &text.iter().find(|f| f.path == "modules/mwaa/variables.tf").expect("variables.tf").contents;
    let start = variables.find("  validation {\n    condition     = length(var.vpc)").expect("vpc validation");
    let end = start + variables[start..].find("\n  }\n").expect("end of the block") + 5;
    let block = variables[start..end].to_owned();
    assert_caught(&tf_edit("variables.tf", Box::leak(block.into_boxed_str()), ""), "input vpc: no validation");

    // The CloudFormation side: another Select index, the concatenation lost, another rule.
    let cfn_edit = |mutate: &dyn Fn(&mut Value)| {
        let (cfn, tf) = neutral_forms(&ir, |_| {}, |d| mutate(d));
        differences(&cfn, &tf)
    };
    assert_caught(
        &cfn_edit(&|d| d["Outputs"]["BucketName"]["Value"]["Fn::Select"][0] = json!(4)),
        "output bucket_name",
    );
    assert_caught(
        &cfn_edit(&|d| {
            let n = &mut d["Resources"]["MwaaEnvironment"]["Properties"]["NetworkConfiguration"];
            n["SecurityGroupIds"] = json!([{"Fn::GetAtt": ["SecurityGroup", "GroupId"]}]);
        }),
        "mwaa_environment.security_groups",
    );
    assert_caught(&cfn_edit(&|d| d["Parameters"]["KmsKey"]["MaxLength"] = json!(2048)), "input kms_key.rule");
    assert_caught(
        &cfn_edit(&|d| d["Parameters"]["Subnets"]["Type"] = json!("AWS::EC2::Subnet::Id")),
        "input subnets.kind",
    );

    // The `/*` grant of a role mwaagen creates for an input bucket.
    let ir = bucket_input();
    let (cfn, tf) = neutral_forms(
        &ir,
        |f| edit_tf(f, "iam.tf", "\"${var.dags_bucket_arn}/*\"", "\"${var.dags_bucket_arn}/dags/*\""),
        |_| {},
    );
    assert_caught(&differences(&cfn, &tf), "${input:dags_bucket_arn}/*");
}

/// The generated root declares each input of the module alike (type, description) and passes it
/// on under its name: what the caller gives is what the module checks and uses.
#[test]
fn the_root_forwards_every_input() {
    for name in ["inputs", "inputs-vpc"] {
        let files = render(&spec(name), Target::Terraform).expect("renders");
        let parse = |path: &str| {
            hcl::parse(&files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents)
                .expect("parses")
        };
        let declared = |body: &Body| -> BTreeMap<String, (String, String)> {
            body.blocks()
                .filter(|b| b.identifier.as_str() == "variable")
                .filter(|b| b.body.attributes().all(|a| a.key.as_str() != "default"))
                .map(|b| {
                    let attr = |k: &str| {
                        b.body
                            .attributes()
                            .find(|a| a.key.as_str() == k)
                            .map(|a| a.expr.to_string())
                            .unwrap_or_default()
                    };
                    (b.labels[0].as_str().to_owned(), (attr("type"), attr("description")))
                })
                .collect()
        };
        let module = declared(&parse("modules/mwaa/variables.tf"));
        let root = declared(&parse("variables.tf"));
        assert!(!module.is_empty(), "{name}: no inputs");
        assert_eq!(root, module, "{name}: the root declares the module's inputs alike");
        let main = parse("main.tf");
        let call = main.blocks().find(|b| b.identifier.as_str() == "module").expect("module call");
        for input in module.keys() {
            let passed = call.body.attributes().find(|a| a.key.as_str() == input).map(|a| a.expr.to_string());
            assert_eq!(passed, Some(format!("var.{input}")), "{name}: module.mwaa.{input}");
        }
    }
}
