//! The Terraform side: a generated configuration (in flat form) in neutral form.

use super::*;

/// The neutral attribute for `TYPE.NAME.ATTRIBUTE`.
pub(crate) fn tf_attribute(ty: &str, attr: &str) -> &'static str {
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

pub(crate) fn tf_traversal(t: &hcl::Traversal) -> Value {
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

pub(crate) fn tf_value(e: &Expression) -> Value {
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
pub(crate) struct TfBody {
    pub(crate) props: Props,
    pub(crate) blocks: BTreeMap<String, Vec<Body>>,
    pub(crate) raw: BTreeMap<String, Expression>,
}

impl TfBody {
    pub(crate) fn new(body: &Body) -> Self {
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
    pub(crate) fn block(&mut self, name: &str) -> Option<TfBody> {
        let mut bs = self.blocks.remove(name)?;
        assert_eq!(bs.len(), 1, "one {name} block");
        Some(TfBody::new(&bs.remove(0)))
    }

    pub(crate) fn finish(mut self, out: &mut BTreeMap<String, Value>) {
        for (k, _) in std::mem::take(&mut self.blocks) {
            out.insert(format!("unmapped.{k}"), json!("block"));
        }
        self.props.finish(out);
    }

    /// A nested block as an object, its attributes renamed.
    pub(crate) fn nested(&mut self, name: &str, pairs: &[(&str, &str)]) -> Option<Value> {
        let mut b = self.block(name)?;
        let mut o = BTreeMap::new();
        b.props.rename(&mut o, pairs);
        b.finish(&mut o);
        Some(Value::Object(o.into_iter().collect()))
    }
}

/// The primary Terraform type of each IR kind.
pub(crate) const TF_KINDS: &[(&str, &str)] = &[
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
pub(crate) struct TfResource {
    pub(crate) ty: String,
    pub(crate) name: String,
    pub(crate) body: Body,
    /// The block's text, for what only comments carry.
    pub(crate) text: String,
}

/// The text of `resource "TY" "NAME" { ... }` in a formatted file.
pub(crate) fn block_text(file: &str, ty: &str, name: &str) -> String {
    let head = format!("resource \"{ty}\" \"{name}\" {{");
    let start = file.find(&head).unwrap_or_else(|| panic!("no block {ty}.{name}"));
    let rest = &file[start..];
    let end = rest.find("\n}").map_or(rest.len(), |e| e + 2);
    rest[..end].to_owned()
}

/// Owner id of a split-off resource: the resource its `key` attribute refers to.
pub(crate) fn owner(props: &Props, key: &str) -> Option<String> {
    let v = props.map.get(key)?.as_str()?;
    let id = v.strip_prefix("${ref:")?;
    Some(id[..id.find('.')?].to_owned())
}

/// Merges a split-off resource into the properties of the resource it belongs to.
pub(crate) type Merge<'a> = Box<dyn FnOnce(&mut BTreeMap<String, Value>, &mut TfBody) + 'a>;

/// The neutral form of a generated Terraform configuration (the `.tf` files outside `tests/`),
/// applied with the variables of `passed` (by CloudFormation parameter name; the others at their
/// defaults).
pub(crate) fn from_terraform_with(files: &[OutputFile], passed: &Passed) -> Stack {
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

pub(crate) fn tf_addresses(e: &Expression) -> Vec<String> {
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
pub(crate) fn meta(
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

pub(crate) fn tf_rule(t: &mut TfBody, out: &mut BTreeMap<String, Value>) {
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
pub(crate) fn tf_properties(ty: &str, t: &mut TfBody, out: &mut BTreeMap<String, Value>, text: &str) {
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
