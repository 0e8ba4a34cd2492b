//! Which properties of a CloudFormation type force a replacement when they change: the
//! `createOnlyProperties` of the CloudFormation resource schemas (as cfn-lint 1.58.0 ships them),
//! kept as data in `generator/data/cfn-create-only.json`. `scripts/cfn-create-only.py` writes the
//! file; `scripts/check-create-only.sh` (run by the test command) checks it against the installed
//! cfn-lint.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../data/cfn-create-only.json");

#[derive(Debug, Deserialize)]
struct Table {
    types: BTreeMap<String, Vec<String>>,
}

fn table() -> &'static BTreeMap<String, Vec<Vec<String>>> {
    static TABLE: OnceLock<BTreeMap<String, Vec<Vec<String>>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is part of the build and checked by a unit test: it always parses.
        let parsed: Table = serde_json::from_str(DATA).unwrap_or(Table { types: BTreeMap::new() });
        parsed
            .types
            .into_iter()
            .map(|(ty, paths)| {
                let paths = paths
                    .iter()
                    .map(|p| p.trim_start_matches("/properties/").split('/').map(str::to_owned).collect())
                    .collect();
                (ty, paths)
            })
            .collect()
    })
}

/// The create-only property paths of `cfn_type` (`["NetworkConfiguration", "SubnetIds"]`), each a
/// list of property names (`*` for any item of an array); `None` when the type is not in the table.
#[must_use]
pub fn paths(cfn_type: &str) -> Option<&'static [Vec<String>]> {
    table().get(cfn_type).map(Vec::as_slice)
}

/// Every type in the table.
pub fn types() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind the CloudFormation backend knows.
    const KINDS: &[&str] = &[
        "vpc",
        "internet_gateway",
        "vpc_gateway_attachment",
        "subnet",
        "eip",
        "nat_gateway",
        "route_table",
        "route",
        "subnet_route_table_association",
        "security_group",
        "security_group_ingress",
        "network_acl",
        "network_acl_entry",
        "subnet_network_acl_association",
        "vpc_endpoint",
        "log_group",
        "flow_log",
        "iam_role",
        "role_policy",
        "managed_policy",
        "bucket",
        "bucket_policy",
        "kms_key",
        "kms_alias",
        "mwaa_environment",
    ];

    #[test]
    fn the_data_file_parses() {
        let parsed: Result<Table, _> = serde_json::from_str(DATA);
        assert!(parsed.is_ok_and(|t| t.types.len() >= KINDS.len()));
    }

    #[test]
    fn every_type_the_cloudformation_backend_emits_has_an_entry() {
        let src = include_str!("../render/cfn.rs");
        // The types of the cfn_type table, read from its source so that a type added there (and
        // not here) fails this test.
        let emitted: Vec<&str> = src
            .lines()
            .filter_map(|l| l.split("=> \"").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .filter(|t| t.starts_with("AWS::") && t.matches("::").count() == 2)
            .collect();
        assert!(emitted.len() >= KINDS.len(), "{emitted:?}");
        for kind in KINDS {
            let ty = crate::render::cfn::cfn_type(kind).unwrap_or("(none)");
            assert!(emitted.contains(&ty), "{kind}: {ty} is not read from the cfn_type table");
        }
        let missing: Vec<&&str> = emitted.iter().filter(|t| paths(t).is_none()).collect();
        assert!(missing.is_empty(), "no createOnlyProperties entry for {missing:?}: run scripts/cfn-create-only.py");
        // The types other parts of mwaagen add this round (alarms, dashboard, topics).
        for ty in [
            "AWS::SNS::Topic",
            "AWS::SNS::Subscription",
            "AWS::SNS::TopicPolicy",
            "AWS::CloudWatch::Alarm",
            "AWS::CloudWatch::Dashboard",
        ] {
            assert!(paths(ty).is_some(), "no entry for {ty}");
        }
    }

    #[test]
    fn the_environment_is_replaced_on_a_new_name_key_or_subnets() {
        let env = paths("AWS::MWAA::Environment").unwrap_or_default();
        for p in [&["Name"][..], &["KmsKey"], &["NetworkConfiguration", "SubnetIds"]] {
            assert!(env.iter().any(|e| e == p), "{p:?} in {env:?}");
        }
        assert!(!env.iter().any(|e| e == &["MaxWorkers"]));
        assert_eq!(paths("AWS::S3::Bucket").map(|p| p.iter().any(|e| e == &["BucketName"])), Some(true));
    }
}
