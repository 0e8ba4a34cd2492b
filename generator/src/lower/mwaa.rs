//! The MWAA environment itself, and the stack's outputs.

use indexmap::IndexMap;

use super::{join, secrets, Builder, Refs};
use crate::ir::snake_case;
use crate::ir::{Attr, Expr, Kind, LogModule, MwaaSettings, Output, Part, Ref, Resource, Suppression};
use crate::model::{Config, ExecutionRole};

/// The environment's IR id (CloudFormation logical id), which others depend on.
pub(super) const ENVIRONMENT_ID: &str = "MwaaEnvironment";

impl Builder {
    /// The environment, last: it refers to nearly everything above.
    pub(super) fn environment(&mut self, config: &Config, refs: &Refs) {
        let env = self.env.clone();
        let e = &config.environment;
        let [plugins, requirements, startup_script] = super::parameters::s3_keys(e);
        let settings = MwaaSettings {
            name: env,
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
            source_bucket_arn: refs.bucket_arn.clone(),
            dag_s3_path: e.dag_s3_path.clone(),
            plugins,
            requirements,
            startup_script,
            airflow_configuration_options: airflow_options(config),
            execution_role_arn: refs.role_arn.clone(),
            kms_key: refs.kms_key.clone(),
            logging: e
                .logging
                .iter()
                // LogLevel is required beside Enabled (ModuleLoggingConfigurationInput): a module
                // that is off keeps its level (INFO unless the spec keeps another).
                .map(|m| LogModule { module: m.module.clone(), enabled: m.enabled, level: m.level.clone() })
                .collect(),
            security_group_ids: refs.environment_sgs.clone(),
            subnet_ids: refs.private_subnets.clone(),
        };
        let mut deps = Vec::new();
        if matches!(config.execution_role, ExecutionRole::Generated { .. }) {
            // Without the policy attached first, MWAA fails to create the environment.
            deps.push("ExecutionPolicy".to_owned());
        }
        deps.extend(network_dependencies(&self.resources, &settings.subnet_ids));
        // MWAA writes to its log groups from the start: the stack's own (retention, key) must exist
        // first, or MWAA creates them without either.
        deps.extend(super::logs::mwaa_log_groups(e).into_iter().map(|g| g.id));
        let literal_substitution = {
            let mut texts: Vec<&str> = vec![&settings.dag_s3_path];
            for o in [&settings.plugins, &settings.requirements, &settings.startup_script].into_iter().flatten() {
                texts.push(&o.path);
                texts.extend(o.version.as_deref());
            }
            texts.extend(settings.airflow_configuration_options.values().map(String::as_str));
            texts.iter().any(|t| t.contains("${"))
        };
        let env_res = self.add(ENVIRONMENT_ID, Kind::MwaaEnvironment(Box::new(settings)));
        env_res.depends_on = deps;
        if literal_substitution {
            env_res.suppressions.push(Suppression {
                tool: "cfn-lint".into(),
                id: "E1029".into(),
                reason: "a value from the spec holds literal ${...} text, not a CloudFormation substitution".into(),
            });
        }
        let mwaa_tags = config.tags.clone();
        self.last().tags = Some(mwaa_tags);
    }
}

/// The environment's Airflow options: the spec's, then those mwaagen writes for `[secrets]`
/// (validation refuses `secrets.*` keys in the spec's own options).
fn airflow_options(config: &Config) -> IndexMap<String, String> {
    let mut options = config.environment.airflow_configuration_options.clone();
    if let Some(s) = &config.secrets {
        options.extend(secrets::airflow_options(s));
    }
    options
}

/// What the environment must wait for in the network mwaagen creates, beyond what it refers to:
/// every VPC endpoint (private routing: MWAA's containers reach ECR, SQS, CloudWatch, KMS and S3
/// only through them, and on delete they must outlive the environment), and the routes of its
/// subnets (the subnets' route table associations and those tables' routes: the S3 gateway's
/// prefix-list routes, or the default route to a NAT gateway). Resources before the environment
/// in `resources` only; an existing network contributes none.
fn network_dependencies(resources: &[Resource], subnets: &[Expr]) -> Vec<String> {
    let is_subnet = |e: &Expr| subnets.contains(e);
    let tables: Vec<&Expr> = resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::SubnetRouteTableAssociation { subnet, route_table } if is_subnet(subnet) => Some(route_table),
            _ => None,
        })
        .collect();
    resources
        .iter()
        .filter(|r| match &r.kind {
            Kind::VpcEndpoint { .. } => true,
            Kind::SubnetRouteTableAssociation { subnet, .. } => is_subnet(subnet),
            Kind::Route { route_table, .. } => tables.contains(&route_table),
            _ => false,
        })
        .map(|r| r.id.clone())
        .collect()
}

/// The stack's outputs: every id a consumer of the environment needs.
pub(super) fn outputs(config: &Config, refs: &Refs) -> Vec<Output> {
    let mut outputs = Vec::new();
    let mut out = |id: &str, description: &str, value: Expr| {
        outputs.push(Output { id: id.to_owned(), tf_name: snake_case(id), description: description.to_owned(), value });
    };
    let mwaa = |attr| Ref { id: "MwaaEnvironment".into(), kind: "mwaa_environment".into(), attr };
    out(
        "WebserverUrl",
        "URL of the Airflow web server",
        Expr::sub_parts(vec![Part::Lit("https://".into()), Part::Ref(mwaa(Attr::WebserverUrl))]),
    );
    out("EnvironmentArn", "ARN of the MWAA environment", Expr::Ref(mwaa(Attr::Arn)));
    out("BucketName", "Bucket holding DAGs, plugins.zip and requirements.txt", refs.bucket_name.clone());
    out("BucketArn", "ARN of the DAG bucket", refs.bucket_arn.clone());
    out("VpcId", "VPC of the environment", refs.vpc.clone());
    out("PrivateSubnetIds", "Private subnets the environment runs in", join(",", refs.private_subnets.clone()));
    if !refs.public_subnets.is_empty() {
        out("PublicSubnetIds", "Public subnets holding the NAT gateways", join(",", refs.public_subnets.clone()));
    }
    out("SecurityGroupId", "Security group of the environment", refs.sg.clone());
    out("ExecutionRoleArn", "ARN of the environment's execution role", refs.role_arn.clone());
    if let Some(k) = &refs.kms_key {
        out("KmsKeyArn", "ARN of the KMS key that encrypts the environment", k.clone());
    }
    // With customer-managed endpoints, the endpoint services MWAA asks the customer to connect to
    // (the stack creates those endpoints too; a shared VPC's owner needs the names).
    if config.environment.endpoint_management == "CUSTOMER" {
        out(
            "DatabaseVpcEndpointService",
            "Endpoint service of the environment's metadata database (endpoint_management = CUSTOMER)",
            Expr::Ref(mwaa(Attr::DatabaseVpcEndpointService)),
        );
        if config.environment.webserver_access_mode == "PRIVATE_ONLY" {
            out(
                "WebserverVpcEndpointService",
                "Endpoint service of the environment's private web server (endpoint_management = CUSTOMER)",
                Expr::Ref(mwaa(Attr::WebserverVpcEndpointService)),
            );
        }
    }
    outputs
}
