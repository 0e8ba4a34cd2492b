//! The hashicorp/aws version constraint: which major versions it admits, and the note above it.
//!
//! The lower bound of the default constraint (`>= 5.100.0`, [`super::OLDEST_AWS_PROVIDER`]) is
//! the oldest release that provably runs what mwaagen writes. How it was found (deploy-review.md
//! finding 4), from the provider's own changelog entries and issues, feature by feature:
//! - `min_webservers` / `max_webservers`, always written, arrived with PR
//!   hashicorp/terraform-provider-aws#37632 (merged June 2024); an older 5.x fails `validate` with
//!   "Unsupported argument".
//! - `endpoint_management = "CUSTOMER"`: up to at least 5.67.0 the provider waits for AVAILABLE and
//!   fails on PENDING (issue #39388), which is where such an environment stops until its endpoints
//!   exist; PR #39394 ("Fix creating environments with customer managed endpoints") made PENDING a
//!   created state. The customer endpoints read `database_vpc_endpoint_service` and
//!   `webserver_vpc_endpoint_service`, which the provider returns once created.
//! - `mw1.micro` needs `min_webservers = max_webservers = 1`, which the provider still refused
//!   ("expected min_webservers to be in the range (2 - 5)") at 5.89.0 (issues #40231, #41681).
//! - 5.100.0 is the release mwaagen runs every check with (the offline mirror: `terraform validate`,
//!   the mocked `terraform test`, the apply against moto), and the last 5.x release. No release
//!   between 5.89.0 and 5.100.0 is checked, so none is admitted.

use super::{OLDEST_AWS_PROVIDER, TESTED_AWS_PROVIDER};

type Version = (u64, u64, u64);

/// One condition of a version constraint: (operator, version, number of parts written).
fn parse_condition(c: &str) -> Option<(&str, Version, usize)> {
    let c = c.trim();
    let op = ["~>", ">=", "<=", "!=", ">", "<", "="].into_iter().find(|op| c.starts_with(op)).unwrap_or("");
    let parts: Vec<u64> = c[op.len()..].trim().split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let get = |i: usize| parts.get(i).copied().unwrap_or(0);
    Some((if op.is_empty() { "=" } else { op }, (get(0), get(1), get(2)), parts.len()))
}

fn satisfies(v: Version, op: &str, c: Version, parts: usize) -> bool {
    match op {
        "=" => v == c,
        "!=" => v != c,
        ">" => v > c,
        ">=" => v >= c,
        "<" => v < c,
        "<=" => v <= c,
        // `~> 5` and `~> 5.1`: same major; `~> 5.1.2`: same minor.
        _ => v >= c && if parts == 3 { (v.0, v.1) == (c.0, c.1) } else { v.0 == c.0 },
    }
}

/// Whether `v` meets every condition of `constraint` (`None` if it cannot be parsed).
fn admits(constraint: &str, v: Version) -> Option<bool> {
    let conds: Vec<_> = constraint.split(',').map(parse_condition).collect::<Option<_>>()?;
    Some(conds.iter().all(|(op, c, parts)| satisfies(v, op, *c, *parts)))
}

/// Whether `constraint` admits some version older than `v` (`None` if it cannot be parsed).
fn admits_older_than(constraint: &str, v: Version) -> Option<bool> {
    let conds: Vec<_> = constraint.split(',').map(parse_condition).collect::<Option<_>>()?;
    // The admitted set is an intersection of intervals minus points: if it holds a version below
    // `v`, it holds one of these candidates.
    let mut candidates: Vec<Version> = vec![(0, 0, 0), (0, 0, 1)];
    for (_, c, _) in &conds {
        candidates.extend([*c, (c.0, c.1, c.2 + 1), (c.0, c.1 + 1, 0), (c.0 + 1, 0, 0)]);
        if c.2 > 0 {
            candidates.push((c.0, c.1, c.2 - 1));
        }
    }
    if v.2 > 0 {
        candidates.push((v.0, v.1, v.2 - 1));
    } else if v.1 > 0 {
        candidates.push((v.0, v.1 - 1, u64::MAX));
    }
    Some(candidates.iter().any(|c| *c < v && conds.iter().all(|(op, b, parts)| satisfies(*c, op, *b, *parts))))
}

/// What the output may use because the constraint admits only provider releases that have it
/// (serialized into the templates' context as `provider`).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub(super) struct Features {
    /// `data.aws_region.*.region` instead of `.name`: hashicorp/aws 6.0.0 added `region` to the
    /// aws_region data source and deprecated `name` ("Version 6 Upgrade Guide",
    /// website/docs/guides/version-6-upgrade.html.markdown, section data-source/aws_region;
    /// hashicorp/terraform-provider-aws#42131). 5.x has no `region` attribute there, so a
    /// constraint that admits some 5.x keeps `name`.
    pub(super) region_attribute: bool,
    /// `worker_replacement_strategy` on aws_mwaa_environment: added in hashicorp/aws 6.12.0 (absent
    /// from 6.0.0's schema; present in 6.69.1's, as scripts/check-provider-schema.py reads it), for
    /// MWAA's CreateEnvironment/UpdateEnvironment `WorkerReplacementStrategy`.
    pub(super) worker_replacement_strategy: bool,
}

/// The first release with `region` on the aws_region data source (see [`Features`]).
const REGION_ATTRIBUTE_SINCE: Version = (6, 0, 0);
/// The first release with `worker_replacement_strategy` on aws_mwaa_environment (see [`Features`]).
const WORKER_REPLACEMENT_STRATEGY_SINCE: Version = (6, 12, 0);

/// What `constraint` lets the output use: a feature counts when the constraint parses and admits
/// no release older than the one that brought it.
pub(super) fn features(constraint: &str) -> Features {
    let only_from = |v: Version| admits_older_than(constraint, v) == Some(false);
    Features {
        region_attribute: only_from(REGION_ATTRIBUTE_SINCE),
        worker_replacement_strategy: only_from(WORKER_REPLACEMENT_STRATEGY_SINCE),
    }
}

/// The highest major version [`admitted_majors`] looks at.
const MAX_MAJOR: u64 = 20;

/// The major versions (1..=[`MAX_MAJOR`]) that `constraint` admits some version of.
fn admitted_majors(constraint: &str) -> Option<Vec<u64>> {
    let conds: Vec<_> = constraint.split(',').map(parse_condition).collect::<Option<_>>()?;
    // The admitted set is an intersection of intervals minus points: if it holds a version of a
    // major, it holds one of these candidates.
    let mut candidates: Vec<Version> = Vec::new();
    for (_, c, _) in &conds {
        candidates.extend([*c, (c.0, c.1, c.2 + 1), (c.0, c.1 + 1, 0)]);
    }
    Some(
        (1..=MAX_MAJOR)
            .filter(|m| {
                candidates
                    .iter()
                    .chain(&[(*m, 0, 0), (*m, 0, 1)])
                    .any(|v| v.0 == *m && conds.iter().all(|(op, c, parts)| satisfies(*v, op, *c, *parts)))
            })
            .collect(),
    )
}

/// The comment above the provider constraint in `versions.tf`.
pub(super) fn provider_note(constraint: &str) -> Vec<String> {
    let tested: Version = (5, 100, 0);
    let majors = admitted_majors(constraint).unwrap_or_default();
    let list: Vec<String> = majors.iter().map(|m| format!("{m}.x")).collect();
    let mut lines = vec![match list.as_slice() {
        [] => "It admits no provider version.".to_owned(),
        [one] => format!("It admits provider {one} only."),
        [first, .., last] if majors.last() == Some(&MAX_MAJOR) => {
            format!("It admits provider {first} and every later major version up to {last} and beyond.")
        }
        [init @ .., last] => format!("It admits provider {} and {last}.", init.join(", ")),
    }];
    if admits(constraint, tested) == Some(true) {
        lines.push(format!(
            "Written for the aws_* resources of provider 5.x; mwaagen tests it with {TESTED_AWS_PROVIDER}."
        ));
    } else if majors == [6] {
        // scripts/check-provider-schema.sh checks every generated block against 6.69.1's schema.
        lines.push(format!(
            "Written for provider 6.x. It excludes {TESTED_AWS_PROVIDER}, which mwaagen runs terraform with: mwaagen checks it against the 6.69.1 schema instead."
        ));
    } else {
        lines.push(format!(
            "Written for the aws_* resources of provider 5.x; mwaagen tests it with {TESTED_AWS_PROVIDER}."
        ));
        lines.push(format!("WARNING: this constraint excludes {TESTED_AWS_PROVIDER}, the version mwaagen tests with."));
    }
    if admits_older_than(constraint, OLDEST_AWS_PROVIDER) == Some(true) {
        let (a, b, c) = OLDEST_AWS_PROVIDER;
        lines.push(format!(
            "WARNING: this constraint admits releases older than {a}.{b}.{c}, which lack arguments or behaviour this configuration needs."
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints() {
        assert_eq!(admitted_majors(">= 5.0, < 7.0"), Some(vec![5, 6]));
        assert_eq!(admitted_majors("~> 5.100"), Some(vec![5]));
        assert_eq!(admitted_majors("~> 5.100.0"), Some(vec![5]));
        assert_eq!(admitted_majors(">= 5.50"), Some((5..=20).collect()));
        assert_eq!(admitted_majors("= 4.67.0"), Some(vec![4]));
        assert_eq!(admitted_majors("> 5.0, < 5.0"), Some(vec![]));
        assert_eq!(admits("~> 5.100.0", (5, 100, 3)), Some(true));
        assert_eq!(admits("~> 5.100.0", (5, 101, 0)), Some(false));
        assert_eq!(admits("~> 5.99", (5, 100, 0)), Some(true));
        assert_eq!(admits("!= 5.100.0", (5, 100, 0)), Some(false));
        assert!(provider_note("~> 4.0").iter().any(|l| l.starts_with("WARNING")));
        assert!(!provider_note(">= 5.100.0, < 7.0").iter().any(|l| l.starts_with("WARNING")));
        assert!(!provider_note(">= 6.12.0, < 7.0").iter().any(|l| l.starts_with("WARNING")));
        assert!(provider_note(">= 6.12.0, < 7.0").iter().any(|l| l.contains("6.69.1")));
        assert!(provider_note(">= 7.0").iter().any(|l| l.starts_with("WARNING")));
        assert!(provider_note(">= 5.0, < 7.0").iter().any(|l| l.contains("older than 5.100.0")));
        assert_eq!(admits_older_than(">= 5.100.0, < 7.0", OLDEST_AWS_PROVIDER), Some(false));
        assert_eq!(admits_older_than("~> 5.100", OLDEST_AWS_PROVIDER), Some(false));
        assert_eq!(admits_older_than("> 5.99", OLDEST_AWS_PROVIDER), Some(true));
        assert_eq!(admits_older_than("~> 5.99.0", OLDEST_AWS_PROVIDER), Some(true));
        assert_eq!(admits_older_than("= 5.100.1", OLDEST_AWS_PROVIDER), Some(false));
        assert_eq!(admits_older_than("!= 5.100.0, < 5.100.1", OLDEST_AWS_PROVIDER), Some(true));
    }

    #[test]
    fn features_follow_the_oldest_admitted_release() {
        let f = features(">= 5.100.0, < 7.0");
        assert!(!f.region_attribute && !f.worker_replacement_strategy);
        let f = features(">= 6.0, < 7.0");
        assert!(f.region_attribute && !f.worker_replacement_strategy);
        let f = features("~> 6.11");
        assert!(f.region_attribute && !f.worker_replacement_strategy);
        let f = features(">= 6.12.0, < 7.0");
        assert!(f.region_attribute && f.worker_replacement_strategy);
        let f = features("~> 6.12.0");
        assert!(f.region_attribute && f.worker_replacement_strategy);
        // 6.11.x is below 6.12.0 even with a large patch number.
        assert!(!features("> 6.11.0").worker_replacement_strategy);
        assert!(!features("not a constraint").region_attribute);
    }
}
