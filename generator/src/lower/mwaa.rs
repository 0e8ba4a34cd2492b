//! The MWAA environment itself, and the stack's outputs.

use super::{join, Builder, Refs};
use crate::ir::snake_case;
use crate::ir::{Attr, Expr, Kind, LogModule, MwaaSettings, Output, Part, Ref, Suppression};
use crate::model::{Config, ExecutionRole};

impl Builder {
    /// The environment, last: it refers to nearly everything above.
    pub(super) fn environment(&mut self, config: &Config, refs: &Refs) {
        let env = self.env.clone();
        let e = &config.environment;
        let [plugins, requirements, startup_script] = super::parameters::s3_keys(e);
        let mut sg_ids = vec![refs.sg.clone()];
        sg_ids.extend(config.security_group.additional_ids.iter().map(|s| Expr::s(s.clone())));
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
            airflow_configuration_options: e.airflow_configuration_options.clone(),
            execution_role_arn: refs.role_arn.clone(),
            kms_key: refs.kms_key.clone(),
            logging: e
                .logging
                .iter()
                .map(|(m, l)| LogModule { module: m.clone(), enabled: l.is_some(), level: l.clone() })
                .collect(),
            security_group_ids: sg_ids,
            subnet_ids: refs.private_subnets.clone(),
        };
        let mut deps = Vec::new();
        if matches!(config.execution_role, ExecutionRole::Generated { .. }) {
            // Without the policy attached first, MWAA fails to create the environment.
            deps.push("ExecutionPolicy".to_owned());
        }
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
        let env_res = self.add("MwaaEnvironment", Kind::MwaaEnvironment(Box::new(settings)));
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

/// The stack's outputs: every id a consumer of the environment needs.
pub(super) fn outputs(refs: &Refs) -> Vec<Output> {
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
    outputs
}
