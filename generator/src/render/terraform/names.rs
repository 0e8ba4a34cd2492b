//! Terraform names of the IR's resources, as a Terraform engineer writes them: without the type
//! repeated (`aws_mwaa_environment.this`, `aws_cloudwatch_log_group.scheduler`), and one resource
//! with `for_each` over the two availability zones where the CloudFormation output has a pair
//! (`PrivateSubnet1`, `PrivateSubnet2` -> `aws_subnet.private["az1"]`, `["az2"]`).
//!
//! Earlier mwaagen output named each resource `snake_case(logical id)`
//! ([`old_name`]); the root configuration carries `moved` blocks from those addresses, so that a
//! state made from earlier output keeps its objects.

use crate::ir::snake_case;

/// Kinds that come in pairs, one per availability zone: one `for_each` resource each.
const PER_AZ: &[&str] = &[
    "subnet",
    "eip",
    "nat_gateway",
    "route_table",
    "route",
    "subnet_route_table_association",
    "subnet_network_acl_association",
];

/// A resource's Terraform name and, for a per-AZ resource, its `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TfName {
    pub(crate) name: String,
    pub(crate) key: Option<String>,
}

impl TfName {
    /// `aws_subnet.private["az1"]`.
    pub(crate) fn address(&self, ty: &str) -> String {
        match &self.key {
            Some(k) => format!("{ty}.{}[\"{k}\"]", self.name),
            None => format!("{ty}.{}", self.name),
        }
    }
}

/// The name earlier mwaagen output gave a resource (and that `moved` blocks start from).
#[must_use]
pub(crate) fn old_name(id: &str) -> String {
    snake_case(id)
}

/// The Terraform name of resource `id` of `kind` (an IR kind tag) whose type is `ty`.
#[must_use]
pub(crate) fn tf_name(kind: &str, id: &str, ty: &str) -> TfName {
    let snake = snake_case(id);
    let mut words: Vec<&str> = snake.split('_').collect();
    let mut key = None;
    if PER_AZ.contains(&kind) {
        if let Some(i) = words.iter().position(|w| matches!(*w, "1" | "2")) {
            key = Some(format!("az{}", words[i]));
            words.remove(i);
        }
    }
    // Drop the words that repeat the end of the type: `scheduler_log_group` of
    // `aws_cloudwatch_log_group` is `scheduler`.
    let type_words: Vec<&str> = ty.trim_start_matches("aws_").split('_').collect();
    let common = words.iter().rev().zip(type_words.iter().rev()).take_while(|(a, b)| a == b).count();
    words.truncate(words.len() - common);
    let name = if words.is_empty() { "this".to_owned() } else { words.join("_") };
    TfName { name, key }
}

/// The name of an extra resource (`role`: `versioning`, `egress_1`...) of a resource named `n`.
#[must_use]
pub(crate) fn part_name(n: &str, role: &str) -> String {
    if n == "this" {
        role.to_owned()
    } else {
        format!("{n}_{role}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_the_type_and_pairs_become_keys() {
        let n = |kind, id, ty| {
            let t = tf_name(kind, id, ty);
            t.address(ty)
        };
        assert_eq!(n("mwaa_environment", "MwaaEnvironment", "aws_mwaa_environment"), "aws_mwaa_environment.this");
        assert_eq!(
            n("log_group", "SchedulerLogGroup", "aws_cloudwatch_log_group"),
            "aws_cloudwatch_log_group.scheduler"
        );
        assert_eq!(n("subnet", "PrivateSubnet2", "aws_subnet"), "aws_subnet.private[\"az2\"]");
        assert_eq!(n("eip", "NatGateway1EIP", "aws_eip"), "aws_eip.nat_gateway[\"az1\"]");
        assert_eq!(n("nat_gateway", "NatGateway1", "aws_nat_gateway"), "aws_nat_gateway.this[\"az1\"]");
        assert_eq!(
            n("subnet_route_table_association", "PublicSubnet1RouteTableAssociation", "aws_route_table_association"),
            "aws_route_table_association.public_subnet[\"az1\"]"
        );
        // Numbered resources that are not per zone keep their number.
        assert_eq!(n("managed_policy", "WebAccessPolicy1", "aws_iam_policy"), "aws_iam_policy.web_access_policy_1");
        assert_eq!(part_name("this", "egress_1"), "egress_1");
        assert_eq!(part_name("environment", "versioning"), "environment_versioning");
    }
}
