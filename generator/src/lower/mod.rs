//! [`Config`] -> [`Ir`]: the resources of architecture.md, in a fixed order, with their links.
//!
//! One module per resource family; [`lower`] calls them in the order the resources appear in the
//! output, and hands them what they refer to through [`Refs`].

mod bucket;
mod cfn;
mod endpoints;
mod iam;
mod inputs;
mod kms;
mod logs;
pub(crate) mod monitoring;
mod mwaa;
mod network;
mod parameters;
mod policy;
mod secrets;
mod suppressions;

pub use endpoints::INTERFACE_ENDPOINTS;

use indexmap::IndexMap;

use crate::ir::{camel_case, snake_case, Attr, Expr, Ir, Kind, Resource};
use crate::model::{Config, Given, Kms, Network, Routing};

/// What resources of one family refer to in others: ids, ARNs and names, as IR expressions.
struct Refs {
    vpc: Expr,
    private_subnets: Vec<Expr>,
    public_subnets: Vec<Expr>,
    /// The private route tables (private routing puts the S3 gateway endpoint on them).
    route_tables: Vec<Expr>,
    sg: Expr,
    /// Every security group of the environment (a list-valued expression): its own, then
    /// `additional_ids`.
    environment_sgs: Expr,
    /// The environment's key, unless it is AWS-owned.
    kms_key: Option<Expr>,
    bucket_arn: Expr,
    /// `BUCKET-ARN/*`.
    bucket_objects: Expr,
    bucket_name: Expr,
    role_arn: Expr,
    env_arn: Expr,
}

/// Lowers a validated spec into the resource graph.
#[must_use]
pub fn lower(config: &Config) -> Ir {
    let mut b = Builder { resources: Vec::new(), tags: config.tags.clone(), env: config.environment.name.clone() };
    let env = &config.environment.name;

    let (vpc, private_subnets, public_subnets, route_tables) = b.network(config);
    // `create = false`: no group of mwaagen's; the environment's groups are exactly additional_ids.
    let (sg, environment_sgs): (Expr, Expr) =
        match (&config.security_group.additional_ids, config.security_group.create) {
            (Given::Lit(ids), true) => {
                let sg = b.security_group(config, &vpc);
                (sg.clone(), Expr::List(std::iter::once(sg).chain(ids.iter().map(Expr::s)).collect()))
            }
            (Given::Lit(ids), false) => {
                let groups: Vec<Expr> = ids.iter().map(Expr::s).collect();
                (groups.first().cloned().unwrap_or_else(|| Expr::s("")), Expr::List(groups))
            }
            (Given::Input(name), true) => {
                let sg = b.security_group(config, &vpc);
                (sg.clone(), Expr::Concat(vec![Expr::List(vec![sg]), Expr::Input(name.clone())]))
            }
            (Given::Input(name), false) => {
                let groups = Expr::Input(name.clone());
                (Expr::Select { index: 0, list: Box::new(groups.clone()) }, groups)
            }
        };
    if config.acl {
        b.acl(&vpc, &public_subnets, &private_subnets);
    }
    let (bucket_arn, bucket_objects, bucket_name) = bucket::bucket_refs(&config.bucket);
    let refs = Refs {
        vpc,
        private_subnets,
        public_subnets,
        route_tables,
        environment_sgs,
        sg,
        kms_key: kms::key_arn(&config.kms),
        bucket_arn,
        bucket_objects,
        bucket_name,
        role_arn: iam::role_arn(&config.execution_role),
        env_arn: env_arn(env),
    };
    // Private routing: VPC endpoints instead of the internet.
    if let Network::Created { routing: Routing::Private, .. } = &config.network {
        b.endpoints(config, &refs);
    }
    if let Network::Created { flow_logs: true, .. } = &config.network {
        b.flow_logs(&refs.vpc, refs.kms_key.as_ref(), config.environment.log_retention_days);
    }
    // The key policy names the execution role.
    if matches!(config.kms, Kms::Create) {
        b.kms_key(&refs.role_arn);
    }
    b.bucket(&config.bucket, &refs);
    b.execution_role(config, &refs);
    b.web_access(config);
    b.mwaa_log_groups(config, refs.kms_key.as_ref());
    b.environment(config, &refs);
    b.customer_endpoints(config, &refs);
    b.monitoring(config);
    let mut outputs = mwaa::outputs(config, &refs);
    outputs.extend(operator_outputs(config, &b.resources));

    let imports = adopted(config, &mut b.resources);
    suppressions::apply(config, &mut b.resources);
    cfn::build(&mut b.resources);
    let uses_az_lookup =
        b.resources.iter().any(|r| matches!(&r.kind, Kind::Subnet { availability_zone: Expr::Az(_), .. }));
    Ir {
        source_name: config.source_name.clone(),
        environment_name: env.clone(),
        description: format!("Amazon MWAA environment {env} and the network, bucket, keys and roles it needs"),
        region: config.output.region.clone(),
        stack_name: config.output.stack_name.clone().unwrap_or_else(|| format!("{env}-mwaa").replace('_', "-")),
        terraform_aws_provider: config.output.terraform_aws_provider.clone(),
        account_id: config.output.account_id.clone(),
        terraform_layout: config.output.terraform_layout,
        uses_az_lookup,
        parameters: parameters::parameters(&config.environment),
        inputs: inputs::inputs(config),
        tags: config.tags.clone(),
        resources: b.resources,
        outputs,
        imports,
    }
}

/// Inputs whose CloudFormation parameter would take a logical id the template uses already (a
/// resource, an output, a condition): CloudFormation wants each logical id once per template
/// (CloudFormation user guide, outputs-section-structure.html: "unique within the template"),
/// and a CDK stack refuses two constructs of one id.
#[must_use]
pub fn input_clashes(config: &Config, ir: &Ir) -> Vec<crate::diagnostics::Diagnostic> {
    let mut taken: Vec<(&str, &str)> = ir.resources.iter().map(|r| (r.id.as_str(), "a resource")).collect();
    taken.extend(ir.outputs.iter().map(|o| (o.id.as_str(), "an output")));
    taken.extend(
        ir.parameters.iter().flat_map(|p| [(p.id.as_str(), "a parameter"), (p.condition.as_str(), "a condition")]),
    );
    config
        .inputs
        .iter()
        .filter_map(|i| {
            let id = crate::ir::input_id(&i.name);
            let (_, what) = taken.iter().find(|(t, _)| t.eq_ignore_ascii_case(&id))?;
            Some(
                crate::diagnostics::Diagnostic::new(
                    format!("{}.input", i.kind.field()),
                    Some(i.span.clone()),
                    format!(
                        "the input {} becomes the CloudFormation parameter {id}, which is the logical id of {what} of the template",
                        crate::diagnostics::quote(&i.name)
                    ),
                )
                .with_help(format!(
                    "choose another name, e.g. {} (logical ids of this template: {})",
                    crate::diagnostics::quote(&format!("{}_in", i.name)),
                    taken.iter().map(|(t, _)| *t).filter(|t| t.len() < 40).collect::<Vec<_>>().join(", ")
                )),
            )
        })
        .collect()
}

/// `adopt = true`: the environment and the log groups the stack makes for it exist already. Each
/// is imported by its primary identifier: AWS::MWAA::Environment `Name`, AWS::Logs::LogGroup
/// `LogGroupName` (CloudFormation resource schemas, primaryIdentifier; the Terraform import ids of
/// aws_mwaa_environment and aws_cloudwatch_log_group are the same names). CloudFormation imports
/// only resources with a DeletionPolicy (CloudFormation user guide, resource-import.html,
/// "Requirements": "Each resource to import must have a DeletionPolicy attribute"): the
/// environment gets Retain, like its log groups keep theirs.
fn adopted(config: &Config, resources: &mut [Resource]) -> Vec<crate::ir::Import> {
    if !config.environment.adopt {
        return Vec::new();
    }
    let mut out = Vec::new();
    for r in resources.iter_mut() {
        let (property, value) = match &r.kind {
            Kind::MwaaEnvironment(m) => ("Name", m.name.clone()),
            Kind::LogGroup { name, .. } if name.starts_with(&format!("airflow-{}-", config.environment.name)) => {
                ("LogGroupName", name.clone())
            }
            _ => continue,
        };
        if r.lifecycle.is_none() {
            r.lifecycle = Some(crate::ir::Lifecycle::Retain);
        }
        out.push(crate::ir::Import { id: r.id.clone(), property: property.to_owned(), value });
    }
    out
}

/// Outputs an operator needs beyond the environment's own: its log groups, the alarm topic, and
/// the NAT gateways' public addresses (for allow-lists of the services DAGs call).
fn operator_outputs(config: &Config, resources: &[Resource]) -> Vec<crate::ir::Output> {
    let mut out = logs::outputs(&config.environment);
    let mut add = |id: &str, description: &str, value: Expr| {
        out.push(crate::ir::Output {
            id: id.to_owned(),
            tf_name: snake_case(id),
            description: description.to_owned(),
            value,
        });
    };
    if let Some(m) = &config.monitoring {
        add("AlarmTopicArn", "SNS topic the environment's alarms notify", monitoring::topic_arn(m));
    }
    // `Ref` of an EIP is its public address (AWS::EC2::EIP return values; Terraform `public_ip`).
    let ips: Vec<Expr> = resources.iter().filter(|r| matches!(r.kind, Kind::Eip)).map(|r| r.attr(Attr::Id)).collect();
    if !ips.is_empty() {
        add(
            "NatGatewayPublicIps",
            "Public IPv4 addresses the environment's outbound traffic comes from",
            join(",", ips),
        );
    }
    out
}

fn join(sep: &str, mut items: Vec<Expr>) -> Expr {
    // One item is itself (and CDK folds `Fn.join(sep, [x])` to `x` on synth).
    if items.len() == 1 {
        return items.remove(0);
    }
    let literals: Option<Vec<&str>> =
        items.iter().map(|e| if let Expr::Str(s) = e { Some(s.as_str()) } else { None }).collect();
    match literals {
        Some(parts) => Expr::s(parts.join(sep)),
        None => Expr::Join { sep: sep.to_owned(), items },
    }
}

fn env_arn(env: &str) -> Expr {
    crate::ir::environment_arn(env)
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
            cfn: crate::ir::CfnResource::default(),
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
}
