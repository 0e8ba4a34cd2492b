//! Predicates for values that AWS constrains, each with the rule it follows.

use std::net::Ipv4Addr;

pub(super) fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    (1..=80).contains(&s.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(super) fn is_maintenance_window(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let [day, hh, mm] = parts.as_slice() else {
        return false;
    };
    ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].contains(day)
        && hh.len() == 2
        && hh.parse::<u8>().is_ok_and(|h| h < 24)
        && hh.bytes().all(|b| b.is_ascii_digit())
        && (*mm == "00" || *mm == "30")
}

pub(super) fn is_airflow_option_key(s: &str) -> bool {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    matches!(s.split_once('.'), Some((a, b)) if word(a) && word(b))
}

pub(super) fn is_aws_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (1..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

pub(super) fn is_az(s: &str) -> bool {
    s.len() <= 32
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().last().is_some_and(|b| b.is_ascii_lowercase())
        && s.contains('-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

pub(super) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

pub(super) fn is_partition_prefix(p: &str) -> bool {
    matches!(p, "arn:aws" | "arn:aws-cn" | "arn:aws-us-gov" | "arn:aws-iso" | "arn:aws-iso-b")
}

pub(super) fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_iam_name(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

pub(super) fn iam_arn_parts(s: &str) -> Option<(&str, &str)> {
    // arn:PARTITION:iam::ACCOUNT:RESOURCE
    let rest = s.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":iam::")?;
    if !is_partition_prefix(&format!("arn:{partition}")) {
        return None;
    }
    rest.split_once(':')
}

pub(super) fn is_iam_path_name(s: &str) -> bool {
    !s.is_empty() && !s.ends_with('/') && s.split('/').all(|seg| !seg.is_empty() && is_iam_name(seg, 128))
}

pub(super) fn is_role_arn(s: &str) -> bool {
    iam_arn_parts(s)
        .is_some_and(|(acct, res)| is_account(acct) && res.strip_prefix("role/").is_some_and(is_iam_path_name))
}

pub(super) fn is_policy_arn(s: &str) -> bool {
    iam_arn_parts(s).is_some_and(|(acct, res)| {
        (is_account(acct) || acct == "aws") && res.strip_prefix("policy/").is_some_and(is_iam_path_name)
    })
}

/// The bucket name of an S3 bucket ARN (`arn:PARTITION:s3:::NAME`), if `s` is one.
pub(super) fn bucket_arn_name(s: &str) -> Option<&str> {
    s.split_once(":s3:::")
        .filter(|(p, _)| is_partition_prefix(p))
        .map(|(_, n)| n)
        .filter(|n| bucket_name_problem(n).is_none())
}

/// The region of a KMS key ARN, if `s` is one.
pub(super) fn parse_kms_key_arn(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":kms:")?;
    if !is_partition_prefix(&format!("arn:{partition}")) {
        return None;
    }
    let (region, rest) = rest.split_once(':')?;
    let (account, res) = rest.split_once(':')?;
    let id = res.strip_prefix("key/")?;
    (is_region(region)
        && is_account(account)
        && !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then_some(region)
}

/// Why `name` is not a valid S3 bucket name (general purpose buckets), if it is not.
#[must_use]
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        return Some("it must be 3 to 63 characters long");
    }
    if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-') {
        return Some("it may contain only lowercase letters, digits, '.' and '-'");
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Some("it must start and end with a letter or digit");
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Some("it must not contain \"..\", \".-\" or \"-.\"");
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some("it must not look like an IP address");
    }
    if name.starts_with("xn--")
        || name.starts_with("sthree-")
        || name.ends_with("-s3alias")
        || name.ends_with("--ol-s3")
    {
        return Some("it uses a prefix or suffix that S3 reserves");
    }
    None
}

/// AWS tag characters: Unicode letters, digits, spaces and `_ . : / = + - @`.
pub(super) fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || "_.:/=+-@".contains(c)
        || matches!(c, ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

pub(super) fn is_version_constraint(s: &str) -> bool {
    !s.trim().is_empty()
        && s.split(',').all(|part| {
            let p = part.trim();
            let v =
                ["~>", ">=", "<=", "!=", ">", "<", "="].iter().find_map(|op| p.strip_prefix(op)).unwrap_or(p).trim();
            let nums: Vec<&str> = v.split('.').collect();
            (1..=3).contains(&nums.len()) && nums.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_env_name("mwaa-public"));
        assert!(is_env_name("a_B-9"));
        assert!(!is_env_name("9abc"));
        assert!(!is_env_name(""));
        assert!(!is_env_name(&"a".repeat(81)));
        assert!(is_env_name(&"a".repeat(80)));
    }

    #[test]
    fn windows() {
        assert!(is_maintenance_window("SUN:03:30"));
        assert!(is_maintenance_window("MON:23:00"));
        assert!(!is_maintenance_window("SUN:24:00"));
        assert!(!is_maintenance_window("SUN:03:15"));
        assert!(!is_maintenance_window("sun:03:30"));
        assert!(!is_maintenance_window("SUN:3:30"));
    }

    #[test]
    fn arns() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/my-mwaa-role"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/path/to/role"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:policy/x"));
        assert!(is_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert_eq!(
            parse_kms_key_arn("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            Some("eu-west-1")
        );
        assert_eq!(parse_kms_key_arn("arn:aws:kms:eu-west-1:123456789012:alias/x"), None);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket_name_problem("airflow-analytics-dags"), None);
        assert!(bucket_name_problem("Airflow").is_some());
        assert!(bucket_name_problem("ab").is_some());
        assert!(bucket_name_problem("-ab").is_some());
        assert!(bucket_name_problem("192.168.1.1").is_some());
        assert!(bucket_name_problem("a..b").is_some());
    }

    #[test]
    fn misc() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("useast1"));
        assert!(is_az("us-east-1a"));
        assert!(!is_az("us-east-1"));
        assert!(is_aws_id("vpc-0abc", "vpc-"));
        assert!(!is_aws_id("vpc-xyz", "vpc-"));
        assert!(is_version_constraint(">= 5.0, < 7.0"));
        assert!(is_version_constraint("~> 5.100"));
        assert!(!is_version_constraint(">= five"));
        assert!(is_airflow_option_key("core.default_task_retries"));
        assert!(!is_airflow_option_key("core"));
        assert!(!is_airflow_option_key("a.b.c"));
        assert!(is_tag_char('é') && is_tag_char(' ') && !is_tag_char('\n') && !is_tag_char('🚀') && !is_tag_char('"'));
    }
}
