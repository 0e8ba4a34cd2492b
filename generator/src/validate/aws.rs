//! Predicates for values that AWS constrains beyond one pattern (ARNs, bucket names, email
//! addresses, IAM condition values), each with the rule it follows. The patterns and lengths they
//! apply are the data of [`crate::rules`].

use std::net::{IpAddr, Ipv4Addr};

use crate::rules::{
    self, Text, BUCKET_RESERVED_PREFIXES, BUCKET_RESERVED_SUFFIXES, IAM_PATH, POLICY_ARN, POLICY_NAME, POLICY_PATH,
    REGION, ROLE_NAME, S3_BUCKET_ARN, SNS_TOPIC_NAME,
};

/// `section.key`: one dot with letters, digits or `_` on each side (how Airflow names its options,
/// `[section] key`, and how MWAA's API takes them: configuring-env-variables.html).
pub(super) fn is_airflow_option_key(s: &str) -> bool {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    matches!(s.split_once('.'), Some((a, b)) if word(a) && word(b))
}

/// An availability zone name: its region's name and one lowercase letter (`us-east-1a`; EC2 user
/// guide, using-regions-availability-zones.html).
pub(super) fn is_az(s: &str) -> bool {
    s.len() > 1 && s.as_bytes().last().is_some_and(u8::is_ascii_lowercase) && REGION.matches(&s[..s.len() - 1])
}

/// An ARN split into its six parts: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (AWS General
/// Reference, reference-arns.html). The resource may hold further colons; a policy variable
/// (`${aws:username}`) is kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub(super) fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    let mut depth = 0usize;
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 && parts.len() < 5 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    match parts.as_slice() {
        ["arn", partition, service, region, account, resource] => {
            Some(Arn { partition, service, region, account, resource })
        }
        _ => None,
    }
}

/// A 12-digit AWS account id (AWS General Reference, acct-identifiers.html).
pub(super) fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `path/name` after `role/` or `policy/` in an IAM ARN: the path (with its slashes, `/a/b/`) and
/// the name.
fn split_path(resource: &str) -> (String, &str) {
    match resource.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), resource),
    }
}

/// Why an execution role ARN cannot name a role, if it cannot: MWAA's IamRoleArn, and IAM's
/// limits on the role's name (64 characters) and path (512).
pub(super) fn role_arn_problem(s: &str) -> Option<String> {
    if let Err(p) = rules::IAM_ROLE_ARN.check(s) {
        return Some(match p {
            rules::TextProblem::TooLong { len } => format!("it is {len} characters long; MWAA takes at most 1224"),
            _ => "it does not match MWAA's IamRoleArn pattern (partition aws or aws-*, a 12-digit account, role/)"
                .to_owned(),
        });
    }
    let resource = parse_arn(s).map(|a| a.resource).unwrap_or_default();
    let (path, name) = split_path(resource.strip_prefix("role/").unwrap_or(resource));
    iam_name_problem("role", name, &ROLE_NAME).or_else(|| iam_path_problem(&path, &IAM_PATH))
}

/// Why an ARN cannot name an IAM managed policy, if it cannot: IAM's arnType, a partition, the
/// account (12 digits, or `aws` for AWS managed policies), the policy's name and path limits.
pub(super) fn policy_arn_problem(s: &str) -> Option<String> {
    if let Err(rules::TextProblem::TooLong { len } | rules::TextProblem::TooShort { len }) = POLICY_ARN.check(s) {
        return Some(format!("it is {len} characters long; IAM takes ARNs of 20 to 2048 (IAM API, arnType)"));
    }
    let shape =
        "its partition, service, account (12 digits or aws) or policy/ part is not a managed policy's".to_owned();
    let Some(arn) = parse_arn(s) else { return Some(shape) };
    let ok = rules::is_partition(arn.partition)
        && arn.service == "iam"
        && arn.region.is_empty()
        && (is_account(arn.account) || arn.account == "aws");
    let Some(resource) = arn.resource.strip_prefix("policy/").filter(|_| ok) else { return Some(shape) };
    let (path, name) = split_path(resource);
    iam_name_problem("policy", name, &POLICY_NAME).or_else(|| iam_path_problem(&path, &POLICY_PATH))
}

fn iam_name_problem(what: &str, name: &str, rule: &Text) -> Option<String> {
    match rule.check(name) {
        Ok(()) => None,
        Err(rules::TextProblem::TooLong { len }) => {
            Some(format!("the {what} name is {len} characters long; IAM allows at most {} ({})", rule.max, rule.source))
        }
        Err(_) => Some(format!(
            "the {what} name {} is not 1 to {} of letters, digits and + = , . @ _ - ({})",
            crate::diagnostics::quote(name),
            rule.max,
            rule.source
        )),
    }
}

fn iam_path_problem(path: &str, rule: &Text) -> Option<String> {
    match rule.check(path) {
        Ok(()) => None,
        Err(rules::TextProblem::TooLong { len }) => {
            Some(format!("the path is {len} characters long; IAM allows at most {} ({})", rule.max, rule.source))
        }
        Err(_) => {
            Some(format!("the path {} is not a valid IAM path ({})", crate::diagnostics::quote(path), rule.source))
        }
    }
}

/// The bucket name of an S3 bucket ARN (`arn:PARTITION:s3:::NAME`), or why it is none. With
/// `for_mwaa`, the ARN must also match MWAA's SourceBucketArn.
pub(super) fn bucket_arn_name(s: &str, for_mwaa: bool) -> Result<&str, String> {
    let shape = || "write arn:aws:s3:::BUCKET-NAME (no key or path after the name)".to_owned();
    let arn = parse_arn(s).ok_or_else(shape)?;
    if !rules::is_partition(arn.partition)
        || arn.service != "s3"
        || !arn.region.is_empty()
        || !arn.account.is_empty()
        || arn.resource.contains('/')
    {
        return Err(shape());
    }
    if let Some(problem) = bucket_name_problem(arn.resource) {
        return Err(format!("the bucket name is not valid: {problem} (S3 user guide, bucketnamingrules.html)"));
    }
    if for_mwaa && S3_BUCKET_ARN.check(s).is_err() {
        return Err(format!(
            "MWAA takes bucket ARNs in the partitions aws and aws-[a-z]+ only ({})",
            S3_BUCKET_ARN.source
        ));
    }
    Ok(arn.resource)
}

/// The parts of a KMS key ARN that `rule` accepts, if `s` is one.
pub(super) fn kms_key_arn<'a>(s: &'a str, rule: &Text) -> Option<Arn<'a>> {
    rule.check(s).ok()?;
    parse_arn(s)
}

/// Why `name` is not a valid S3 general purpose bucket name, if it is not (S3 user guide,
/// bucketnamingrules.html, "General purpose bucket naming rules").
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
    if name.contains("..") {
        return Some("it must not contain two adjacent periods");
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some("it must not be formatted as an IP address");
    }
    if BUCKET_RESERVED_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some("it starts with a prefix that S3 reserves (xn--, sthree-, amzn-s3-demo-)");
    }
    if BUCKET_RESERVED_SUFFIXES.iter().any(|p| name.ends_with(p)) {
        return Some("it ends with a suffix that S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)");
    }
    None
}

/// An email address SNS can deliver to: `local@domain` as RFC 5321 (section 4.5.3.1: local part
/// at most 64 octets, the whole address at most 254) and RFC 5322 (dot-atom local part) define
/// it, with a DNS domain of at least two labels (RFC 1035: labels of letters, digits and hyphens,
/// 1 to 63 long, not starting or ending with a hyphen) and a top-level label that is not numeric.
pub(super) fn is_email(s: &str) -> bool {
    const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let atom = |a: &str| !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c));
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    s.len() <= 254
        && local.len() <= 64
        && local.split('.').all(atom)
        && labels.len() >= 2
        && labels.iter().all(|l| label(l))
        && labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Why `s` is not the ARN of an SNS topic, if it is not (SNS developer guide, sns-topics and the
/// CreateTopic naming rule of [`SNS_TOPIC_NAME`]).
pub(super) fn sns_topic_arn_problem(s: &str) -> Option<String> {
    let shape = "its partition, service (sns) or 12-digit account is not a topic's".to_owned();
    let Some(arn) = parse_arn(s) else { return Some(shape) };
    if !rules::is_partition(arn.partition) || arn.service != "sns" || !is_account(arn.account) {
        return Some(shape);
    }
    if !REGION.matches(arn.region) {
        return Some(format!("{} is not a region name", crate::diagnostics::quote(arn.region)));
    }
    if rules::partition_of(arn.region) != arn.partition {
        return Some(format!(
            "{} is in the partition {}, not {}",
            arn.region,
            rules::partition_of(arn.region),
            arn.partition
        ));
    }
    match SNS_TOPIC_NAME.check(arn.resource) {
        Ok(()) => None,
        Err(_) => Some(format!(
            "the topic name is not 1 to 256 letters, digits, '_' and '-' (and .fifo at the end) ({})",
            SNS_TOPIC_NAME.source
        )),
    }
}

/// Whether `s` holds an IAM policy variable (`${aws:username}`), which IAM resolves at request
/// time and so cannot be judged here (reference_policies_variables.html).
fn has_variable(s: &str) -> bool {
    s.contains("${")
}

/// Why `s` cannot be an IAM statement's resource, if it cannot: `*`, or an ARN whose parts may
/// hold the wildcards `*` and `?` and policy variables (reference_policies_elements_resource.html).
pub(super) fn resource_problem(s: &str) -> Option<String> {
    if s == "*" {
        return None;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains white space".to_owned());
    }
    let Some(arn) = parse_arn(s) else {
        return Some("it is neither \"*\" nor an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)".to_owned());
    };
    let wild = |p: &str| p.contains('*') || p.contains('?') || has_variable(p);
    if !(rules::is_partition(arn.partition) || wild(arn.partition)) {
        return Some(format!("{} is not an AWS partition", crate::diagnostics::quote(arn.partition)));
    }
    let service_ok = !arn.service.is_empty()
        && arn
            .service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'*' || b == b'?');
    if !service_ok {
        return Some(format!("{} is not a service prefix", crate::diagnostics::quote(arn.service)));
    }
    if !(arn.region.is_empty() || REGION.matches(arn.region) || wild(arn.region)) {
        return Some(format!("{} is not a region name", crate::diagnostics::quote(arn.region)));
    }
    if !(arn.account.is_empty() || is_account(arn.account) || arn.account == "aws" || wild(arn.account)) {
        return Some(format!("{} is not a 12-digit account id", crate::diagnostics::quote(arn.account)));
    }
    if arn.resource.is_empty() {
        return Some("the resource part after the account is empty".to_owned());
    }
    None
}

/// A number as IAM's numeric condition operators compare them: an integer or a decimal.
pub(super) fn is_iam_number(s: &str) -> bool {
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let s = s.strip_prefix('-').unwrap_or(s);
    match s.split_once('.') {
        Some((i, f)) => digits(i) && digits(f),
        None => digits(s),
    }
}

/// A date as IAM's date condition operators take it: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`,
/// with an offset or fractions of a second) or seconds since the epoch
/// (reference_policies_elements_condition_operators.html#Conditions_Date).
pub(super) fn is_iam_date(s: &str) -> bool {
    let num = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(d.as_slice(), [y, m, day] if num(y, 4) && num(m, 2) && num(day, 2));
    let Some(time) = time else { return date_ok };
    let (clock, zone_ok) = if let Some(c) = time.strip_suffix('Z') {
        (c, true)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let zone: Vec<&str> = time[i + 1..].split(':').collect();
        (&time[..i], matches!(zone.as_slice(), [h, m] if num(h, 2) && num(m, 2)) || num(&time[i + 1..], 4))
    } else {
        (time, true)
    };
    let clock =
        clock.split_once('.').map_or(clock, |(c, frac)| if num(frac, frac.len()) && !frac.is_empty() { c } else { "" });
    let t: Vec<&str> = clock.split(':').collect();
    let clock_ok = matches!(t.as_slice(), [h, m] if num(h, 2) && num(m, 2))
        || matches!(t.as_slice(), [h, m, sec] if num(h, 2) && num(m, 2) && num(sec, 2));
    date_ok && zone_ok && clock_ok
}

/// An IPv4 or IPv6 address or CIDR block (IpAddress / NotIpAddress: RFC 4632 notation).
pub(super) fn is_ip_or_cidr(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok() || s.parse::<ipnet::IpNet>().is_ok()
}

/// Base64 text (BinaryEquals compares base64-encoded values).
pub(super) fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() % 4 == 0
        && s.len() - body.len() <= 2
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Whether `value` suits a condition operator of `kind` (policy variables always do).
pub(super) fn condition_value_ok(kind: rules::ConditionKind, value: &str) -> bool {
    use rules::ConditionKind as K;
    has_variable(value)
        || match kind {
            K::String => true,
            K::Numeric => is_iam_number(value),
            K::Date => is_iam_date(value),
            K::Bool => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            K::Binary => is_base64(value),
            K::Ip => is_ip_or_cidr(value),
            K::Arn => value == "*" || value.starts_with("arn:"),
        }
}

/// A Terraform version constraint: comma-separated conditions of an optional operator and a
/// version of one to three numbers (Terraform language, version-constraints).
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
    fn arns() {
        let a = parse_arn("arn:aws:s3:::bucket/${aws:username}/*").unwrap_or(Arn {
            partition: "",
            service: "",
            region: "",
            account: "",
            resource: "",
        });
        assert_eq!((a.partition, a.service, a.resource), ("aws", "s3", "bucket/${aws:username}/*"));
        assert_eq!(parse_arn("arn:aws:iam::123456789012:role/a:b").map(|a| a.resource), Some("role/a:b"));
        assert_eq!(parse_arn("arn:aws:iam"), None);
        assert_eq!(role_arn_problem("arn:aws:iam::123456789012:role/my-mwaa-role"), None);
        assert_eq!(role_arn_problem("arn:aws:iam::123456789012:role/path/to/role"), None);
        assert_eq!(role_arn_problem(&format!("arn:aws:iam::123456789012:role/{}", "r".repeat(64))), None);
        assert!(role_arn_problem(&format!("arn:aws:iam::123456789012:role/{}", "r".repeat(65))).is_some());
        assert!(role_arn_problem(&format!("arn:aws:iam::123456789012:role/{}/r", "p".repeat(511))).is_some());
        assert_eq!(role_arn_problem(&format!("arn:aws:iam::123456789012:role/{}/r", "p".repeat(510))), None);
        assert!(role_arn_problem("arn:aws:iam::12345:role/x").is_some());
        assert!(role_arn_problem("arn:aws:iam::123456789012:policy/x").is_some());
        assert_eq!(policy_arn_problem("arn:aws:iam::aws:policy/ReadOnlyAccess"), None);
        assert_eq!(policy_arn_problem("arn:aws:iam::aws:policy/service-role/AmazonMWAAServiceRolePolicy"), None);
        assert!(policy_arn_problem(&format!("arn:aws:iam::123456789012:policy/{}", "p".repeat(129))).is_some());
        assert_eq!(policy_arn_problem(&format!("arn:aws:iam::123456789012:policy/{}", "p".repeat(128))), None);
        assert!(policy_arn_problem("arn:aws:iam::123456789012:role/x").is_some());
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket_name_problem("airflow-analytics-dags"), None);
        assert_eq!(bucket_name_problem("a.-b"), None, "S3's current rules allow a period beside a hyphen");
        for bad in ["Airflow", "ab", "-ab", "192.168.1.1", "a..b", "xn--abc", "sthree-x", "amzn-s3-demo-x"] {
            assert!(bucket_name_problem(bad).is_some(), "{bad}");
        }
        for bad in ["x-s3alias", "x--ol-s3", "x.mrap", "x--x-s3", "x--table-s3"] {
            assert!(bucket_name_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(bucket_arn_name("arn:aws:s3:::my-bucket", true), Ok("my-bucket"));
        assert!(bucket_arn_name("arn:aws:s3:::my-bucket/key", false).is_err());
        assert!(bucket_arn_name("arn:aws-us-gov:s3:::my-bucket", true).is_err());
        assert_eq!(bucket_arn_name("arn:aws-us-gov:s3:::my-bucket", false), Ok("my-bucket"));
    }

    #[test]
    fn emails() {
        for ok in ["oncall@example.com", "a.b+c@sub.example.co.uk", "o'brien@example.org", "x@xn--bcher-kva.example"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "oncall",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example.123",
            "a@exa_mple.com",
            "ä@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(!is_email(&format!("{}@example.com", "a".repeat(65))));
        assert!(is_email(&format!("{}@example.com", "a".repeat(64))));
    }

    #[test]
    fn topics() {
        assert_eq!(sns_topic_arn_problem("arn:aws:sns:us-east-1:123456789012:alarms"), None);
        assert_eq!(sns_topic_arn_problem("arn:aws:sns:us-east-1:123456789012:alarms.fifo"), None);
        assert!(sns_topic_arn_problem("arn:aws:sns:us-east-1:123456789012:al@rms").is_some());
        assert!(sns_topic_arn_problem("arn:aws:sqs:us-east-1:123456789012:alarms").is_some());
        assert!(sns_topic_arn_problem("arn:aws-cn:sns:us-east-1:123456789012:alarms").is_some());
        assert!(sns_topic_arn_problem(&format!("arn:aws:sns:us-east-1:123456789012:{}", "t".repeat(257))).is_some());
    }

    #[test]
    fn statement_values() {
        for ok in [
            "*",
            "arn:aws:s3:::data-lake",
            "arn:aws:s3:::data-lake/*",
            "arn:*:s3:::x",
            "arn:aws:logs:*:*:log-group:x:*",
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:iam::aws:policy/x",
        ] {
            assert_eq!(resource_problem(ok), None, "{ok}");
        }
        for bad in [
            "s3://bucket",
            "arn:aws:s3",
            "arn:aws:s3:::",
            "arn:foo:s3:::x",
            "arn:aws:S3:::x",
            "arn:aws:ec2:us-east-1:12:x",
            "arn:aws:s3::: x",
        ] {
            assert!(resource_problem(bad).is_some(), "{bad}");
        }
        assert!(is_iam_number("10") && is_iam_number("-1.5") && !is_iam_number("1e3") && !is_iam_number(""));
        for ok in
            ["2026-01-31", "2026-01-31T12:00:00Z", "2026-01-31T12:00Z", "2026-01-31T12:00:00.123+02:00", "1700000000"]
        {
            assert!(is_iam_date(ok), "{ok}");
        }
        for bad in ["yesterday", "2026-1-31", "2026-01-31T25", "2026-01-31T12:00:00+2"] {
            assert!(!is_iam_date(bad), "{bad}");
        }
        assert!(is_ip_or_cidr("10.0.0.0/8") && is_ip_or_cidr("2001:db8::/32") && is_ip_or_cidr("1.2.3.4"));
        assert!(!is_ip_or_cidr("10.0.0.0/33") && !is_ip_or_cidr("localhost"));
        assert!(is_base64("QmluYXJ5") && !is_base64("not base64!"));
    }

    #[test]
    fn misc() {
        assert!(is_az("us-east-1a") && is_az("us-gov-west-1b"));
        assert!(!is_az("us-east-1") && !is_az("us-east-1A"));
        assert!(is_version_constraint(">= 5.0, < 7.0"));
        assert!(is_version_constraint("~> 5.100"));
        assert!(!is_version_constraint(">= five"));
        assert!(is_airflow_option_key("core.default_task_retries"));
        assert!(!is_airflow_option_key("core"));
        assert!(!is_airflow_option_key("a.b.c"));
    }
}
