//! What the services themselves do with a change, beyond what the templates show: MWAA's rules
//! for changing the Airflow version, how long it takes to apply an update, and what becomes of
//! running tasks; CloudFormation's refusal to replace a resource that has a custom name; and
//! Terraform's destroy-then-create replacement.

use serde::Serialize;

use crate::versions;

/// A change of the environment's Airflow version, with MWAA's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AirflowChange {
    pub old: String,
    pub new: String,
    /// False when MWAA refuses the change (the update fails).
    pub allowed: bool,
    /// What MWAA does, or why it refuses and the path to take instead.
    pub says: String,
}

/// Where MWAA's rules for changing the Airflow version are written.
pub const UPGRADE_SOURCE: &str = "MWAA user guide, upgrading-environment";

/// The newest offered version of major `major` (the "latest 2.11.x" the upgrade rule names).
fn latest_of(major: u32) -> Option<&'static str> {
    versions::OFFERED.iter().rev().copied().find(|v| versions::parse(v).is_some_and(|p| p[0] == major))
}

/// MWAA's verdict on changing an environment from Airflow `old` to `new`; `None` when the version
/// does not change (or either is not a version, which validation has refused already).
///
/// The rules, from the MWAA user guide, upgrading-environment: a minor version change goes either
/// way in place (`x.4.z` to `x.5.z` and back); a major upgrade from 2.y.z to 3.y.z must start
/// from the latest 2.11.x (so from anything older, first a minor upgrade to it); from 2.10.3 or
/// older the alternative is a new environment with the resources migrated (MWAA migration guide,
/// migrating-to-new-mwaa); 3.y.z may go down to 2.11.x only. During an upgrade or downgrade MWAA
/// snapshots the metadata database, moves the workers, schedulers and web server to the new
/// version, and restores the database from the snapshot.
#[must_use]
pub fn airflow_change(old: &str, new: &str) -> Option<AirflowChange> {
    if old == new {
        return None;
    }
    let (o, n) = (versions::parse(old)?, versions::parse(new)?);
    let verb = if n > o { "upgrades" } else { "downgrades" };
    let in_place = |kind: &str| {
        format!(
            "MWAA {verb} in place ({kind}): it snapshots the metadata database, moves the workers, schedulers and web \
             server to Airflow {new}, and restores the database from the snapshot, so the run history is kept; DAGs, \
             plugins and requirements (its --constraint URL) must suit {new} ({UPGRADE_SOURCE})"
        )
    };
    let latest2 = latest_of(2).unwrap_or("2.11.0");
    let same_minor = |v: [u32; 3], w: &str| versions::parse(w).is_some_and(|p| p[..2] == v[..2]);
    let (allowed, says) = match (o[0], n[0]) {
        (a, b) if a == b => (true, in_place("a minor version change")),
        (2, 3) if same_minor(o, latest2) => (true, in_place("a major upgrade from the latest 2.x")),
        (2, 3) => (
            false,
            format!(
                "MWAA refuses a major upgrade from Airflow {old}: it upgrades to 3.x only from the latest 2.x, \
                 {latest2} ({UPGRADE_SOURCE}). Either upgrade in two deploys, first airflow_version = \"{latest2}\" \
                 (a minor upgrade), then \"{new}\"; or create a new environment at {new} (a new environment.name \
                 or a new stack) and migrate the DAGs, connections and variables to it (MWAA migration guide, \
                 migrating-to-new-mwaa), which leaves the run history behind"
            ),
        ),
        (3, 2) if same_minor(n, latest2) => (true, in_place("a downgrade from 3.x to the latest 2.x")),
        (3, 2) => (
            false,
            format!(
                "MWAA refuses a downgrade from Airflow {old} to {new}: it downgrades 3.x only to the latest 2.x, \
                 {latest2} ({UPGRADE_SOURCE}). Downgrade in two deploys: first airflow_version = \"{latest2}\", \
                 then \"{new}\" (a minor downgrade)"
            ),
        ),
        _ => (
            false,
            format!(
                "MWAA refuses a change from Airflow {old} to {new} in place ({UPGRADE_SOURCE}): create a new \
                 environment at {new} and migrate the resources to it (MWAA migration guide, migrating-to-new-mwaa)"
            ),
        ),
    };
    Some(AirflowChange { old: old.to_owned(), new: new.to_owned(), allowed, says })
}

/// What an in-place update of the environment takes, and what happens to running tasks.
///
/// Duration: an environment update replaces the schedulers, workers and web server, and MWAA
/// reports it as `UPDATING` (MWAA API, Environment.Status); the user guide's troubleshooting page
/// (t-create-update-environment, "it's taking more than 20 minutes to update my environment")
/// treats an update that installs new requirements for more than twenty minutes as failed and
/// rolling back, and docs/operations.md measures the schedulers' gap at 20-30 minutes.
/// Tasks: MWAA API, WorkerReplacementStrategy: `FORCED` stops and replaces workers without waiting
/// for their tasks; `GRACEFUL` lets them finish running tasks for up to 12 hours first.
/// `terraform`: the Terraform leaves the strategy out (hashicorp/aws has the argument from 6.12.0
/// on, and the spec's constraint admits older releases; docs/targets/terraform.md).
#[must_use]
pub fn environment_update(strategy: Option<&str>, terraform: bool) -> String {
    let head = "MWAA applies this in place: the environment is UPDATING for roughly 20-30 minutes while its \
                schedulers, workers and web server are replaced (a requirements update still running after 20 \
                minutes has failed and rolls back; MWAA user guide, t-create-update-environment)";
    let tasks = match (strategy, terraform) {
        (Some(s), true) => format!(
            "worker_replacement_strategy = \"{s}\" is not passed by Terraform (hashicorp/aws has the \
             argument from 6.12.0 on, and output.terraform_aws_provider admits older releases), so MWAA's default strategy decides what happens to running tasks"
        ),
        (Some("GRACEFUL"), false) => "with worker_replacement_strategy = \"GRACEFUL\", running tasks finish first \
                                      (up to 12 hours) before their workers are stopped (MWAA API, \
                                      WorkerReplacementStrategy)"
            .to_owned(),
        (Some(_), false) => "with worker_replacement_strategy = \"FORCED\", workers are stopped and replaced \
                             without waiting: running tasks are interrupted (MWAA API, WorkerReplacementStrategy)"
            .to_owned(),
        (None, _) => "worker_replacement_strategy is not set, so MWAA's default decides what happens to running \
                      tasks; set \"GRACEFUL\" to let them finish first (up to 12 hours) or \"FORCED\" to stop them \
                      (MWAA API, WorkerReplacementStrategy)"
            .to_owned(),
    };
    format!("{head}; {tasks}")
}

/// The property that holds a custom name, per CloudFormation type mwaagen writes. CloudFormation
/// user guide, "Name type" (aws-properties-name.html): "If you specify a name, you cannot perform
/// updates that require replacement of this resource. ... If you must replace the resource,
/// specify a new name."
pub const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::MWAA::Environment", "Name"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::CloudWatch::Dashboard", "DashboardName"),
    ("AWS::EC2::SecurityGroup", "GroupName"),
    ("AWS::KMS::Alias", "AliasName"),
];

/// The property of `cfn_type` that names it, if it has one.
#[must_use]
pub fn name_property(cfn_type: &str) -> Option<&'static str> {
    NAME_PROPERTIES.iter().find(|(t, _)| *t == cfn_type).map(|(_, p)| *p)
}

/// Why a CloudFormation replacement of a custom-named resource fails, and what to do instead.
#[must_use]
pub fn cfn_named_replacement(cfn_type: &str, name: &str) -> String {
    let instead = match cfn_type {
        "AWS::MWAA::Environment" => {
            "change environment.name in the same change (CloudFormation then creates the new environment beside \
             the old one and deletes the old one at the end; the log group names follow the new name), or delete \
             the stack and deploy the spec as a new one"
        }
        "AWS::S3::Bucket" => {
            "set a new bucket.name in the same change (the old bucket is kept, as it is retained: copy its objects \
             over), or remove bucket.name and let CloudFormation name the bucket"
        }
        "AWS::Logs::LogGroup" => {
            "the MWAA log groups are named after the environment: rename it in the same change, or delete the log \
             group (its events with it) before the deploy"
        }
        _ => "give it a new name in the same change, or delete it before the deploy",
    };
    format!(
        "CloudFormation cannot replace a resource with a custom name: it would create the new one as \"{name}\" \
         while the old one still holds that name, so the update fails and the stack rolls back, changing nothing \
         (CloudFormation user guide, Name type). Instead: {instead}"
    )
}

/// How Terraform replaces a resource of `cfn_type`: it destroys the old one first (mwaagen writes
/// no `create_before_destroy`; Terraform docs, resource lifecycle: destroy-then-create is the
/// default).
#[must_use]
pub fn terraform_replacement(cfn_type: &str) -> String {
    let gap = match cfn_type {
        "AWS::MWAA::Environment" => {
            ": no environment runs from the start of the destroy until the new one is available (deleting one and \
             creating one take 20-30 minutes or more each), and DAG runs due meanwhile do not start"
        }
        _ => ": between the two steps it does not exist",
    };
    format!("Terraform replaces it by destroy-then-create, the old one destroyed before the new one is created{gap}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(old: &str, new: &str) -> Option<bool> {
        airflow_change(old, new).map(|c| c.allowed)
    }

    #[test]
    fn the_upgrade_paths_of_the_user_guide() {
        assert_eq!(verdict("2.10.3", "3.0.6"), Some(false));
        assert_eq!(verdict("2.11.0", "3.0.6"), Some(true));
        assert_eq!(verdict("3.0.6", "2.11.0"), Some(true));
        assert_eq!(verdict("3.0.6", "2.10.3"), Some(false));
        // Minor changes go either way.
        assert_eq!(verdict("2.10.3", "2.11.0"), Some(true));
        assert_eq!(verdict("2.11.0", "2.9.2"), Some(true));
        assert_eq!(verdict("2.10.3", "2.10.3"), None);
        assert_eq!(verdict("x", "3.0.6"), None);
    }

    #[test]
    fn a_refusal_names_the_path_to_take() {
        let up = airflow_change("2.10.3", "3.0.6").map(|c| c.says).unwrap_or_default();
        assert!(up.contains("airflow_version = \"2.11.0\"") && up.contains("new environment"), "{up}");
        let down = airflow_change("3.0.6", "2.10.3").map(|c| c.says).unwrap_or_default();
        assert!(down.contains("first airflow_version = \"2.11.0\", then \"2.10.3\""), "{down}");
    }

    #[test]
    fn every_named_type_has_its_name_property() {
        assert_eq!(name_property("AWS::MWAA::Environment"), Some("Name"));
        assert_eq!(name_property("AWS::KMS::Key"), None);
        assert!(cfn_named_replacement("AWS::MWAA::Environment", "e").contains("environment.name"));
    }
}
