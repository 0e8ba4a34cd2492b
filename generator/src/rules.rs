//! AWS's constraints on spec values, as data. Validation checks values against these rules,
//! `mwaagen schema` writes them into the JSON Schema, and `scripts/check-botocore.py` compares that
//! schema with the AWS service models of a pinned botocore in CI, so that a rule here cannot drift
//! from AWS without CI saying which shape moved.
//!
//! A rule copied from a model shape says which ([`Model`]) and copies the shape's `min`, `max`,
//! `pattern` and `enum` exactly. Rules that come from a user guide page instead cite the page.
//! Patterns are written as the models write them (Java / ECMA-262 syntax) and must match the
//! whole value, as AWS applies them.

use std::sync::OnceLock;

use regex::Regex;

/// The AWS API model shape a rule copies, as botocore names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// botocore's service name (`mwaa`, `logs`, `iam`).
    pub service: &'static str,
    /// The shape whose `min`, `max`, `pattern` and `enum` the rule copies.
    pub shape: &'static str,
    /// Where the model lists the valid values in prose instead of an `enum`: a member
    /// (`CreateEnvironmentInput.AirflowVersion`) or the shape itself (`Days`).
    pub doc_values: Option<&'static str>,
}

const fn mwaa(shape: &'static str) -> Option<Model> {
    Some(Model { service: "mwaa", shape, doc_values: None })
}

const fn iam(shape: &'static str) -> Option<Model> {
    Some(Model { service: "iam", shape, doc_values: None })
}

/// The `max` of a [`Text`] rule that AWS gives no length limit of its own (a policy's size limit
/// still applies to the whole document).
pub const NO_LIMIT: usize = usize::MAX;

/// A constraint on a string: length in characters (Unicode scalar values, as the models count
/// them) and a pattern the whole value must match.
#[derive(Debug)]
pub struct Text {
    pub model: Option<Model>,
    /// Where the rule comes from, for help lines and docs.
    pub source: &'static str,
    pub min: usize,
    pub max: usize,
    /// As AWS writes it; anchored when applied.
    pub pattern: Option<&'static str>,
    compiled: OnceLock<Option<Matcher>>,
}

/// A pattern ready to match. Patterns that are one character class repeated (the tag patterns,
/// `[ -~]+`, IAM names) are matched character by character against the class's ranges:
/// building a regex automaton for `[\p{L}\p{Z}\p{N}...]` costs milliseconds, a
/// noticeable part of a run, while parsing the class costs microseconds. Either way the
/// pattern, as AWS writes it, is the only source of what matches.
#[derive(Debug)]
enum Matcher {
    /// `[CLASS]*` (`min` 0) or `[CLASS]+` (`min` 1), anchored.
    Class {
        ranges: Vec<(char, char)>,
        min: u32,
    },
    Regex(Regex),
}

impl Matcher {
    fn new(pattern: &str) -> Option<Self> {
        let rust = rust_pattern(pattern);
        if let Some(m) = Self::class(&rust) {
            return Some(m);
        }
        Regex::new(&rust).ok().map(Matcher::Regex)
    }

    /// The class and minimum count of an anchored `[CLASS]*` / `[CLASS]+`, if that is all it is.
    fn class(rust: &str) -> Option<Self> {
        use regex_syntax::hir::{Class, HirKind, Look};
        let hir = regex_syntax::Parser::new().parse(rust).ok()?;
        let HirKind::Concat(parts) = hir.kind() else { return None };
        let [start, body, end] = parts.as_slice() else { return None };
        if *start.kind() != HirKind::Look(Look::Start) || *end.kind() != HirKind::Look(Look::End) {
            return None;
        }
        let mut body = body;
        while let HirKind::Capture(c) = body.kind() {
            body = &c.sub;
        }
        let HirKind::Repetition(rep) = body.kind() else { return None };
        let HirKind::Class(Class::Unicode(class)) = rep.sub.kind() else { return None };
        (rep.max.is_none() && rep.min <= 1).then(|| Matcher::Class {
            ranges: class.ranges().iter().map(|r| (r.start(), r.end())).collect(),
            min: rep.min,
        })
    }

    fn is_match(&self, value: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(value),
            Matcher::Class { ranges, min } => {
                (*min == 0 || !value.is_empty())
                    && value.chars().all(|c| {
                        ranges
                            .binary_search_by(|&(lo, hi)| {
                                if hi < c {
                                    std::cmp::Ordering::Less
                                } else if lo > c {
                                    std::cmp::Ordering::Greater
                                } else {
                                    std::cmp::Ordering::Equal
                                }
                            })
                            .is_ok()
                    })
            }
        }
    }
}

/// Why a string breaks a [`Text`] rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    TooShort { len: usize },
    TooLong { len: usize },
    Pattern,
}

impl Text {
    #[must_use]
    pub const fn new(
        model: Option<Model>,
        source: &'static str,
        min: usize,
        max: usize,
        pattern: Option<&'static str>,
    ) -> Self {
        Self { model, source, min, max, pattern, compiled: OnceLock::new() }
    }

    /// Checks `value` against the rule: length first, then the pattern.
    ///
    /// # Errors
    /// What is wrong with `value`.
    pub fn check(&self, value: &str) -> Result<(), TextProblem> {
        let len = value.chars().count();
        if len < self.min {
            return Err(TextProblem::TooShort { len });
        }
        if len > self.max {
            return Err(TextProblem::TooLong { len });
        }
        if !self.matches(value) {
            return Err(TextProblem::Pattern);
        }
        Ok(())
    }

    /// Whether `value` matches the pattern as a whole (true when the rule has none).
    #[must_use]
    pub fn matches(&self, value: &str) -> bool {
        let Some(pattern) = self.pattern else { return true };
        let m = self.compiled.get_or_init(|| Matcher::new(pattern));
        // A pattern that does not compile is a bug caught by the tests below; refusing every
        // value keeps it from passing anything silently.
        m.as_ref().is_some_and(|m| m.is_match(value))
    }

    /// The pattern anchored for JSON Schema (`^(?:PATTERN)$`, ECMA-262 as the model writes it).
    #[must_use]
    pub fn schema_pattern(&self) -> Option<String> {
        self.pattern.map(|p| format!("^(?:{p})$"))
    }
}

/// A whole number within `min..=max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int {
    pub model: Option<Model>,
    pub source: &'static str,
    pub min: i64,
    pub max: i64,
}

/// A string that must be one of `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub model: Option<Model>,
    pub source: &'static str,
    pub values: &'static [&'static str],
    /// Values of `values` that mwaagen adds to the model's (`"off"` for log levels).
    pub not_in_model: &'static [&'static str],
}

/// A whole number that must be one of `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntChoice {
    pub model: Option<Model>,
    pub source: &'static str,
    pub values: &'static [i64],
}

/// How many entries a list or table may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub model: Option<Model>,
    pub source: &'static str,
    pub min: usize,
    pub max: usize,
    /// Entries of the model's maximum that mwaagen fills itself (its own security group).
    pub reserved: usize,
}

/// The model's patterns in the `regex` crate's syntax, with Java's meaning: `\d` and `\w` are
/// ASCII (Rust's are Unicode), and `.` stops at every line terminator Java knows.
fn rust_pattern(model: &str) -> String {
    let mut out = String::from("^(?:");
    let mut in_class = false;
    let mut chars = model.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                Some('w') => out.push_str(if in_class { "A-Za-z0-9_" } else { "[A-Za-z0-9_]" }),
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push_str("\\\\"),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"),
            _ => out.push(c),
        }
    }
    out.push_str(")$");
    out
}

// ---------------------------------------------------------------------------------------------
// MWAA API (botocore `mwaa/2020-07-01`), CreateEnvironmentInput and the shapes it uses.

/// `environment.name`
pub static ENVIRONMENT_NAME: Text =
    Text::new(mwaa("EnvironmentName"), "MWAA API, EnvironmentName", 1, 80, Some("[a-zA-Z][0-9a-zA-Z-_]*"));

/// `environment.airflow_version`: the shape; the offered values are [`AIRFLOW_VERSION_VALUES`].
pub static AIRFLOW_VERSION: Text =
    Text::new(mwaa("AirflowVersion"), "MWAA API, AirflowVersion", 1, 32, Some("[0-9a-z.]+"));

/// The versions MWAA offers, from the documentation of CreateEnvironmentInput.AirflowVersion.
pub const AIRFLOW_VERSION_VALUES: Choice = Choice {
    model: Some(Model {
        service: "mwaa",
        shape: "AirflowVersion",
        doc_values: Some("CreateEnvironmentInput.AirflowVersion"),
    }),
    source: "MWAA API, CreateEnvironmentInput.AirflowVersion, \"Valid values\"",
    values: crate::versions::OFFERED,
    not_in_model: &[],
};

/// `environment.environment_class`: the shape (1..=1024 characters, no enum in the model).
pub static ENVIRONMENT_CLASS: Text = Text::new(mwaa("EnvironmentClass"), "MWAA API, EnvironmentClass", 1, 1024, None);

/// The classes MWAA offers, from the documentation of CreateEnvironmentInput.EnvironmentClass.
pub const ENVIRONMENT_CLASS_VALUES: Choice = Choice {
    model: Some(Model {
        service: "mwaa",
        shape: "EnvironmentClass",
        doc_values: Some("CreateEnvironmentInput.EnvironmentClass"),
    }),
    source: "MWAA API, CreateEnvironmentInput.EnvironmentClass, \"Valid values\"",
    values: crate::model::ENVIRONMENT_CLASSES,
    not_in_model: &[],
};

/// The environment class that runs one combined scheduler and worker and one web server, and
/// does not autoscale (user guide, environment-class.html: mw1.micro "Worker and scheduler: 1
/// vCPU, 3GB RAM" ... "mw1.micro does not support auto-scaling"; MinWebservers / MaxWebservers /
/// Schedulers: "Defaults to 2 for all environment sizes except mw1.micro, which defaults to 1").
pub const MICRO_CLASS: &str = "mw1.micro";

/// The worker range: MinWorkers / MaxWorkers have `min: 1` in the model; the maximum is the
/// user guide's (airflow-versions.html, "Workers (max) 25"; mwaa-faqs.html: more than 25 only
/// through a quota increase).
pub const MIN_WORKERS: Int = Int {
    model: mwaa("MinWorkers"),
    source: "MWAA API, MinWorkers: min 1; user guide, airflow-versions.html: max 25",
    min: 1,
    max: 25,
};

/// See [`MIN_WORKERS`].
pub const MAX_WORKERS: Int = Int {
    model: mwaa("MaxWorkers"),
    source: "MWAA API, MaxWorkers: min 1; user guide, airflow-versions.html: max 25",
    min: 1,
    max: 25,
};

/// Schedulers: `max: 5` in the model; its documentation: "For environments larger than mw1.micro,
/// accepts values from 2 to 5 ... mw1.micro ... defaults to 1".
pub const SCHEDULERS: Int = Int { model: mwaa("Schedulers"), source: "MWAA API, Schedulers", min: 1, max: 5 };

/// The count of schedulers and web servers on every class but mw1.micro (the documentation of
/// Schedulers, MinWebservers and MaxWebservers: "accepts values from 2 to 5").
pub const LARGER_THAN_MICRO: Int =
    Int { model: None, source: "MWAA API, documentation of Schedulers, MinWebservers, MaxWebservers", min: 2, max: 5 };

/// MinWebservers: `min: 1` in the model; 2..=5 (1 on mw1.micro) in its documentation.
pub const MIN_WEBSERVERS: Int = Int { model: mwaa("MinWebservers"), source: "MWAA API, MinWebservers", min: 1, max: 5 };

/// MaxWebservers: as [`MIN_WEBSERVERS`].
pub const MAX_WEBSERVERS: Int = Int { model: mwaa("MaxWebservers"), source: "MWAA API, MaxWebservers", min: 1, max: 5 };

/// `environment.webserver_access_mode` (PUBLIC_AND_PRIVATE needs Airflow 3.2: `versions::FEATURES`).
pub const WEBSERVER_ACCESS_MODE: Choice = Choice {
    model: mwaa("WebserverAccessMode"),
    source: "MWAA API, WebserverAccessMode",
    values: &["PUBLIC_ONLY", "PRIVATE_ONLY", "PUBLIC_AND_PRIVATE"],
    not_in_model: &[],
};

/// `environment.endpoint_management`
pub const ENDPOINT_MANAGEMENT: Choice = Choice {
    model: mwaa("EndpointManagement"),
    source: "MWAA API, EndpointManagement",
    values: &["SERVICE", "CUSTOMER"],
    not_in_model: &[],
};

/// `environment.worker_replacement_strategy`
pub const WORKER_REPLACEMENT_STRATEGY: Choice = Choice {
    model: mwaa("WorkerReplacementStrategy"),
    source: "MWAA API, WorkerReplacementStrategy",
    values: &["FORCED", "GRACEFUL"],
    not_in_model: &[],
};

/// `environment.weekly_maintenance_window_start`
pub static MAINTENANCE_WINDOW: Text = Text::new(
    mwaa("WeeklyMaintenanceWindowStart"),
    "MWAA API, WeeklyMaintenanceWindowStart",
    1,
    9,
    Some(".*(MON|TUE|WED|THU|FRI|SAT|SUN):([01]\\d|2[0-3]):(00|30).*"),
);

/// `dag_s3_path` and the other `*_s3_path` fields. The model allows any single line; S3 object
/// keys are at most 1,024 bytes of UTF-8 (S3 user guide, object-keys.html), checked beside it.
pub static RELATIVE_PATH: Text = Text::new(mwaa("RelativePath"), "MWAA API, RelativePath", 0, 1024, Some(".*"));

/// The longest S3 object key, in bytes of UTF-8 (S3 user guide, object-keys.html).
pub const S3_KEY_MAX_BYTES: usize = 1024;

/// `*_s3_object_version`. Version ids are "no more than 1,024 bytes long" (documentation of
/// StartupScriptS3ObjectVersion), checked beside the model's length in characters.
pub static S3_OBJECT_VERSION: Text = Text::new(mwaa("S3ObjectVersion"), "MWAA API, S3ObjectVersion", 0, 1024, None);

/// Keys of `[environment.airflow_configuration_options]`.
pub static CONFIG_KEY: Text =
    Text::new(mwaa("ConfigKey"), "MWAA API, ConfigKey", 1, 64, Some("[a-z]+([a-z0-9._]*[a-z0-9_]+)?"));

/// Values of `[environment.airflow_configuration_options]`: printable ASCII.
pub static CONFIG_VALUE: Text = Text::new(mwaa("ConfigValue"), "MWAA API, ConfigValue", 1, 65536, Some("[ -~]+"));

/// The five `[environment.logging]` levels, plus mwaagen's `off` (the module's Enabled = false).
pub const LOGGING_LEVEL: Choice = Choice {
    model: mwaa("LoggingLevel"),
    source: "MWAA API, LoggingLevel",
    values: crate::model::LOG_LEVELS,
    not_in_model: &["off"],
};

/// `[tags]` keys (TagMap keys reach the MWAA environment, and every other resource).
pub static TAG_KEY: Text =
    Text::new(mwaa("TagKey"), "MWAA API, TagKey", 1, 128, Some("([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"));

/// `[tags]` values: at least one character, as the MWAA API's TagValue requires.
pub static TAG_VALUE: Text =
    Text::new(mwaa("TagValue"), "MWAA API, TagValue", 1, 256, Some("([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"));

/// How many tags: TagMap has `max: 50` (and `min: 1`, which concerns a Tags map that is sent;
/// mwaagen sends none when `[tags]` is empty).
pub const TAG_MAP: Count = Count { model: mwaa("TagMap"), source: "MWAA API, TagMap", min: 0, max: 50, reserved: 0 };

/// The prefix AWS reserves in tag keys (tagging-best-practices / aws_tagging.html: "The aws:
/// prefix is reserved for AWS use"), matched without regard to case.
pub const RESERVED_TAG_PREFIX: &str = "aws:";

/// Bucket name prefixes S3 reserves (S3 user guide, bucketnamingrules.html: "Bucket names must not
/// start with the prefix ..."). The other naming rules are in `validate::aws::bucket_name_problem`.
pub const BUCKET_RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];

/// Bucket name suffixes S3 reserves ("must not end with the suffix ..."): access point aliases,
/// Object Lambda access point aliases, Multi-Region Access Points, directory buckets, table buckets.
pub const BUCKET_RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// `kms.key` when it is an ARN: the model's KmsKey shape. The spec takes only key ARNs (not ids
/// or aliases: custom-keys-certs.html, "An AWS KMS key alias: No") with the lowercase UUID key id
/// of [`KMS_KEY_ARN`].
pub static KMS_KEY: Text = Text::new(
    mwaa("KmsKey"),
    "MWAA API, KmsKey",
    1,
    1224,
    Some("(((arn:aws(-[a-z]+)?:kms:[a-z]{2}-[a-z]+-\\d:\\d+:)?key\\/)?[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}|(arn:aws(-[a-z]+)?:kms:[a-z]{2}-[a-z]+-\\d:\\d+:)?alias/.+)"),
);

/// A KMS key ARN with a single-Region key id: the key-ARN branch of [`KMS_KEY`], with a
/// 12-digit account (KMS developer guide, concepts.html#key-id-key-ARN). Multi-Region keys
/// (`mrk-` ids) are refused: custom-keys-certs.html, "An AWS KMS multi-region key: No".
pub static KMS_KEY_ARN: Text = Text::new(
    None,
    "MWAA user guide, custom-keys-certs.html; MWAA API, KmsKey",
    1,
    1224,
    Some("arn:aws(-[a-z]+)?:kms:[a-z]{2}-[a-z]+-\\d:\\d{12}:key/[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
);

/// A KMS key ARN as KMS itself writes them, for keys that other services use (`secrets.kms_key_arns`):
/// a UUID key id, or a multi-Region key id `mrk-` and 32 hex digits (KMS developer guide,
/// multi-region-keys-overview.html#mrk-id), in any partition.
pub static ANY_KMS_KEY_ARN: Text = Text::new(
    None,
    "KMS developer guide, concepts.html#key-id-key-ARN and multi-region-keys-overview.html",
    1,
    2048,
    Some("arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:key/([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}|mrk-[a-f0-9]{32})"),
);

/// `execution_role.existing_arn`: the model's IamRoleArn; the role's name and path are further
/// limited by IAM ([`ROLE_NAME`], [`IAM_PATH`]).
pub static IAM_ROLE_ARN: Text = Text::new(
    mwaa("IamRoleArn"),
    "MWAA API, IamRoleArn",
    1,
    1224,
    Some("arn:aws(-[a-z]+)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"),
);

/// `bucket.existing_arn`: the model's S3BucketArn; the name must also be a valid bucket name.
pub static S3_BUCKET_ARN: Text =
    Text::new(mwaa("S3BucketArn"), "MWAA API, S3BucketArn", 1, 1224, Some("arn:aws(-[a-z]+)?:s3:::[a-z0-9.\\-]+"));

/// `network.existing_private_subnet_ids`: exactly two (SubnetList `min: 2, max: 2`).
pub const SUBNET_LIST: Count =
    Count { model: mwaa("SubnetList"), source: "MWAA API, SubnetList", min: 2, max: 2, reserved: 0 };

/// One subnet id, as the MWAA model takes it (EC2's own format is [`EC2_SUBNET_ID`]).
pub static SUBNET_ID: Text =
    Text::new(mwaa("SubnetId"), "MWAA API, SubnetId", 1, 1024, Some("subnet-[a-zA-Z0-9\\-._]+"));

/// `network.security_group.additional_ids`: SecurityGroupList takes 1..=5 ids; mwaagen always
/// passes its own group, which leaves 4.
pub const SECURITY_GROUP_LIST: Count =
    Count { model: mwaa("SecurityGroupList"), source: "MWAA API, SecurityGroupList", min: 0, max: 4, reserved: 1 };

/// One security group id, as the MWAA model takes it (EC2's own format is [`EC2_SECURITY_GROUP_ID`]).
pub static SECURITY_GROUP_ID: Text =
    Text::new(mwaa("SecurityGroupId"), "MWAA API, SecurityGroupId", 1, 1024, Some("sg-[a-zA-Z0-9\\-._]+"));

// ---------------------------------------------------------------------------------------------
// EC2: resource ids are a prefix, a hyphen and lowercase hexadecimal characters: 17 of them for
// every resource made since 2018, 8 for older ones (EC2 user guide, resource-ids.html). The rules
// take 1..=17 digits, as the MWAA API does not restrict the length (SubnetId, SecurityGroupId);
// an id of another length than 8 or 17 cannot have come from EC2 and gets a warning
// ([`ec2_id_is_issued`]).

/// `network.existing_vpc_id`
pub static EC2_VPC_ID: Text = Text::new(None, "EC2 user guide, resource-ids.html", 5, 21, Some("vpc-[0-9a-f]{1,17}"));

/// `network.existing_private_subnet_ids[]`
pub static EC2_SUBNET_ID: Text =
    Text::new(None, "EC2 user guide, resource-ids.html", 8, 24, Some("subnet-[0-9a-f]{1,17}"));

/// `network.existing_internet_gateway_id`
pub static EC2_INTERNET_GATEWAY_ID: Text =
    Text::new(None, "EC2 user guide, resource-ids.html", 5, 21, Some("igw-[0-9a-f]{1,17}"));

/// `network.security_group.web_ingress_prefix_list_ids[]`: a managed prefix list (VPC user guide,
/// managed-prefix-lists.html; ids `pl-` and hexadecimal digits as resource-ids.html gives them).
pub static EC2_PREFIX_LIST_ID: Text =
    Text::new(None, "EC2 user guide, resource-ids.html", 4, 20, Some("pl-[0-9a-f]{1,17}"));

/// Inbound rules of one security group (VPC user guide, amazon-vpc-limits.html, "Security
/// groups": 60 inbound rules per security group, the default quota).
pub const SECURITY_GROUP_INBOUND_RULES: usize = 60;

/// `network.security_group.additional_ids[]`
pub static EC2_SECURITY_GROUP_ID: Text =
    Text::new(None, "EC2 user guide, resource-ids.html", 4, 20, Some("sg-[0-9a-f]{1,17}"));

/// Whether an id that matches one of the EC2 rules above has the length EC2 gives out: 8 or 17
/// hexadecimal digits after the prefix (resource-ids.html).
#[must_use]
pub fn ec2_id_is_issued(id: &str) -> bool {
    id.split_once('-').is_some_and(|(_, hex)| matches!(hex.len(), 8 | 17))
}

/// The prefix lengths a VPC and its subnets may have (VPC user guide, vpc-cidr-blocks.html:
/// "The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16
/// IP addresses)"; subnet-sizing.html: the same for IPv4 subnets).
pub const CIDR_PREFIX: Int = Int { model: None, source: "VPC user guide, vpc-cidr-blocks.html", min: 16, max: 28 };

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs (botocore `logs`)

/// `environment.logging.retention_days`: the list in the documentation of the logs model's Days
/// shape (PutRetentionPolicy `retentionInDays`).
pub const LOG_RETENTION: IntChoice = IntChoice {
    model: Some(Model { service: "logs", shape: "Days", doc_values: Some("Days") }),
    source: "CloudWatch Logs API, Days (PutRetentionPolicy retentionInDays)",
    values: crate::model::LOG_RETENTION_DAYS,
};

// ---------------------------------------------------------------------------------------------
// IAM (botocore `iam`)

/// `[[web_access]] attach_to_roles[]`, and the name in a role ARN.
pub static ROLE_NAME: Text = Text::new(iam("roleNameType"), "IAM API, roleNameType", 1, 64, Some("[\\w+=,.@-]+"));

/// `[[web_access]] attach_to_groups[]`
pub static GROUP_NAME: Text = Text::new(iam("groupNameType"), "IAM API, groupNameType", 1, 128, Some("[\\w+=,.@-]+"));

/// The name in a managed policy ARN.
pub static POLICY_NAME: Text =
    Text::new(iam("policyNameType"), "IAM API, policyNameType", 1, 128, Some("[\\w+=,.@-]+"));

/// The path of a role (`/` or `/a/b/`).
pub static IAM_PATH: Text =
    Text::new(iam("pathType"), "IAM API, pathType", 1, 512, Some("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"));

/// The path of a managed policy.
pub static POLICY_PATH: Text =
    Text::new(iam("policyPathType"), "IAM API, policyPathType", 1, 512, Some("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/"));

/// `execution_role.additional_policy_arns[]` and `permissions_boundary_arn`: IAM's arnType.
pub static POLICY_ARN: Text = Text::new(iam("arnType"), "IAM API, arnType", 20, 2048, None);

/// Managed policies on one role: 10 by default, 20 at most with a quota increase (IAM user guide,
/// reference_iam-quotas.html, "Managed policies attached to an IAM role"). mwaagen attaches one.
pub const ROLE_MANAGED_POLICIES_DEFAULT: usize = 10;
/// See [`ROLE_MANAGED_POLICIES_DEFAULT`].
pub const ROLE_MANAGED_POLICIES_MAX: usize = 20;

/// A statement id (IAM user guide, reference_policies_elements_sid.html: "The Sid element supports
/// ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)").
pub static STATEMENT_SID: Text =
    Text::new(None, "IAM user guide, reference_policies_elements_sid.html", 1, NO_LIMIT, Some("[A-Za-z0-9]+"));

/// An action: a service prefix, a colon and an action name in which `*` and `?` are wildcards
/// (IAM user guide, reference_policies_elements_action.html; service prefixes are lowercase
/// letters, digits and hyphens, as the Service Authorization Reference lists them).
pub static STATEMENT_ACTION: Text = Text::new(
    None,
    "IAM user guide, reference_policies_elements_action.html",
    3,
    NO_LIMIT,
    Some("[a-z0-9][a-z0-9-]*:[A-Za-z0-9*?]+"),
);

/// IAM's condition operators (IAM user guide, reference_policies_elements_condition_operators.html),
/// by the kind of value they compare.
pub const CONDITION_OPERATORS: &[(&str, ConditionKind)] = &[
    ("StringEquals", ConditionKind::String),
    ("StringNotEquals", ConditionKind::String),
    ("StringEqualsIgnoreCase", ConditionKind::String),
    ("StringNotEqualsIgnoreCase", ConditionKind::String),
    ("StringLike", ConditionKind::String),
    ("StringNotLike", ConditionKind::String),
    ("NumericEquals", ConditionKind::Numeric),
    ("NumericNotEquals", ConditionKind::Numeric),
    ("NumericLessThan", ConditionKind::Numeric),
    ("NumericLessThanEquals", ConditionKind::Numeric),
    ("NumericGreaterThan", ConditionKind::Numeric),
    ("NumericGreaterThanEquals", ConditionKind::Numeric),
    ("DateEquals", ConditionKind::Date),
    ("DateNotEquals", ConditionKind::Date),
    ("DateLessThan", ConditionKind::Date),
    ("DateLessThanEquals", ConditionKind::Date),
    ("DateGreaterThan", ConditionKind::Date),
    ("DateGreaterThanEquals", ConditionKind::Date),
    ("Bool", ConditionKind::Bool),
    ("BinaryEquals", ConditionKind::Binary),
    ("IpAddress", ConditionKind::Ip),
    ("NotIpAddress", ConditionKind::Ip),
    ("ArnEquals", ConditionKind::Arn),
    ("ArnLike", ConditionKind::Arn),
    ("ArnNotEquals", ConditionKind::Arn),
    ("ArnNotLike", ConditionKind::Arn),
    ("Null", ConditionKind::Bool),
];

/// What a condition operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
}

/// The set qualifiers a condition operator may carry (reference_policies_condition-single-vs-multi-valued-context-keys.html).
pub const CONDITION_SET_PREFIXES: &[&str] = &["ForAllValues:", "ForAnyValue:"];

/// The suffix that makes an operator pass when the key is absent; every operator but `Null`
/// takes it (reference_policies_elements_condition_operators.html, "...IfExists condition operators").
pub const CONDITION_IF_EXISTS: &str = "IfExists";

/// A condition key: a service prefix (or `aws`), a colon and a key name, which may carry a tag key
/// or other qualifier after a `/` (`aws:ResourceTag/Team`) (reference_policies_condition-keys.html).
pub static CONDITION_KEY: Text = Text::new(
    None,
    "IAM user guide, reference_policies_condition-keys.html",
    3,
    NO_LIMIT,
    Some("[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9_.:/${}*?=+@-]+"),
);

/// What an operator name means: its value kind, whether it ends in `IfExists`, its set prefix.
/// `None` when IAM has no such operator.
#[must_use]
pub fn condition_operator(name: &str) -> Option<ConditionKind> {
    let base = CONDITION_SET_PREFIXES.iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name);
    let (base, if_exists) = match base.strip_suffix(CONDITION_IF_EXISTS) {
        Some(b) => (b, true),
        None => (base, false),
    };
    let kind = CONDITION_OPERATORS.iter().find(|(op, _)| *op == base).map(|(_, k)| *k)?;
    (!(if_exists && base == "Null")).then_some(kind)
}

// ---------------------------------------------------------------------------------------------
// Other services

/// The name in `monitoring.sns_topic_arn` (SNS API, CreateTopicInput.Name: "uppercase and
/// lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256
/// characters long. For a FIFO ... topic, the name must end with the .fifo suffix").
pub static SNS_TOPIC_NAME: Text =
    Text::new(None, "SNS API, CreateTopicInput.Name", 1, 256, Some("[A-Za-z0-9_-]+(\\.fifo)?"));

/// Characters of a Secrets Manager secret name (Secrets Manager API, CreateSecretRequest.Name:
/// "ASCII letters, numbers, and the following characters: /_+=.@-"); names are at most 512
/// characters (NameType).
pub static SECRET_NAME_PREFIX: Text =
    Text::new(None, "Secrets Manager API, CreateSecretRequest.Name and NameType", 1, 510, Some("[A-Za-z0-9/_+=.@-]+"));

/// A Parameter Store name prefix (SSM API, PutParameterRequest.Name: "a-zA-Z0-9_.-" and `/` for
/// hierarchies, which need a leading `/`; at most 1011 characters with the ARN before it; at
/// most fifteen levels; no "aws" or "ssm" prefix). The levels and prefixes are checked in
/// `validate::secrets`.
pub static PARAMETER_NAME_PREFIX: Text =
    Text::new(None, "SSM API, PutParameterRequest.Name", 2, 960, Some("/[A-Za-z0-9_.\\-/]+"));

/// The deepest Parameter Store hierarchy (PutParameterRequest.Name: "a maximum depth of fifteen levels").
pub const PARAMETER_MAX_LEVELS: usize = 15;

/// `output.stack_name` (CloudFormation API, CreateStackInput.StackName: "alphanumeric characters
/// (case sensitive) and hyphens. It must start with an alphabetical character and can't be longer
/// than 128 characters").
pub static STACK_NAME: Text =
    Text::new(None, "CloudFormation API, CreateStackInput.StackName", 1, 128, Some("[a-zA-Z][-a-zA-Z0-9]*"));

/// `output.account_id`: an AWS account id, twelve digits (AWS Organizations API, shape
/// AccountId: pattern `^\d{12}$`, max length 12; the `Account` of STS GetCallerIdentity, which
/// CloudFormation's `AWS::AccountId` and Terraform's `allowed_account_ids` compare against).
pub static ACCOUNT_ID: Text = Text::new(None, "AWS Organizations API, AccountId", 12, 12, Some("\\d{12}"));

/// `output.region` and the regions in ARNs: a region name of any partition.
pub static REGION: Text =
    Text::new(None, "AWS General Reference, rande.html", 9, 32, Some("[a-z]{2,4}(-[a-z]+)+-\\d{1,2}"));

/// The regions where MWAA has an endpoint (botocore `endpoints.json`, service `airflow`); a spec
/// for another region gets a warning, not an error, since AWS adds regions.
pub const MWAA_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// AWS partitions and the region prefixes that belong to them (botocore `endpoints.json`,
/// `regionRegex` of each partition), most specific first.
pub const PARTITIONS: &[(&str, &str)] = &[
    ("aws-us-gov", "us-gov-"),
    ("aws-iso-b", "us-isob-"),
    ("aws-iso-f", "us-isof-"),
    ("aws-iso-e", "eu-isoe-"),
    ("aws-iso", "us-iso-"),
    ("aws-eusc", "eusc-"),
    ("aws-cn", "cn-"),
    ("aws", ""),
];

/// The partition of a region name.
#[must_use]
pub fn partition_of(region: &str) -> &'static str {
    PARTITIONS.iter().find(|(_, prefix)| region.starts_with(prefix)).map_or("aws", |(p, _)| p)
}

/// Whether `p` is an AWS partition name.
#[must_use]
pub fn is_partition(p: &str) -> bool {
    PARTITIONS.iter().any(|(name, _)| *name == p)
}

/// Every text rule, for the tests and the docs.
#[must_use]
pub fn all_text_rules() -> Vec<(&'static str, &'static Text)> {
    vec![
        ("ENVIRONMENT_NAME", &ENVIRONMENT_NAME),
        ("AIRFLOW_VERSION", &AIRFLOW_VERSION),
        ("ENVIRONMENT_CLASS", &ENVIRONMENT_CLASS),
        ("MAINTENANCE_WINDOW", &MAINTENANCE_WINDOW),
        ("RELATIVE_PATH", &RELATIVE_PATH),
        ("S3_OBJECT_VERSION", &S3_OBJECT_VERSION),
        ("CONFIG_KEY", &CONFIG_KEY),
        ("CONFIG_VALUE", &CONFIG_VALUE),
        ("TAG_KEY", &TAG_KEY),
        ("TAG_VALUE", &TAG_VALUE),
        ("KMS_KEY", &KMS_KEY),
        ("KMS_KEY_ARN", &KMS_KEY_ARN),
        ("ANY_KMS_KEY_ARN", &ANY_KMS_KEY_ARN),
        ("IAM_ROLE_ARN", &IAM_ROLE_ARN),
        ("S3_BUCKET_ARN", &S3_BUCKET_ARN),
        ("SUBNET_ID", &SUBNET_ID),
        ("SECURITY_GROUP_ID", &SECURITY_GROUP_ID),
        ("EC2_VPC_ID", &EC2_VPC_ID),
        ("EC2_SUBNET_ID", &EC2_SUBNET_ID),
        ("EC2_SECURITY_GROUP_ID", &EC2_SECURITY_GROUP_ID),
        ("EC2_INTERNET_GATEWAY_ID", &EC2_INTERNET_GATEWAY_ID),
        ("EC2_PREFIX_LIST_ID", &EC2_PREFIX_LIST_ID),
        ("ROLE_NAME", &ROLE_NAME),
        ("GROUP_NAME", &GROUP_NAME),
        ("POLICY_NAME", &POLICY_NAME),
        ("IAM_PATH", &IAM_PATH),
        ("POLICY_PATH", &POLICY_PATH),
        ("POLICY_ARN", &POLICY_ARN),
        ("STATEMENT_SID", &STATEMENT_SID),
        ("STATEMENT_ACTION", &STATEMENT_ACTION),
        ("CONDITION_KEY", &CONDITION_KEY),
        ("SNS_TOPIC_NAME", &SNS_TOPIC_NAME),
        ("SECRET_NAME_PREFIX", &SECRET_NAME_PREFIX),
        ("PARAMETER_NAME_PREFIX", &PARAMETER_NAME_PREFIX),
        ("STACK_NAME", &STACK_NAME),
        ("REGION", &REGION),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for (name, rule) in all_text_rules() {
            if let Some(p) = rule.pattern {
                assert!(Regex::new(&rust_pattern(p)).is_ok(), "{name}: {p} -> {}", rust_pattern(p));
            }
        }
    }

    #[test]
    // One regex per rule, compiled to compare with: that is the point of the test.
    #[allow(clippy::regex_creation_in_loops)]
    fn class_patterns_match_as_their_regex_does() {
        // The fast path and the regex agree, for the patterns that take it and samples around them.
        let samples =
            ["", "a", "Équipe", "e\u{301}", "a b", "a\u{2028}b", "🚀", "x_.:/=+-@", "Ⅻ٣", "Core.x", "a\tb", "~ !"];
        let mut fast = 0;
        for (name, rule) in all_text_rules() {
            let Some(p) = rule.pattern else { continue };
            let Ok(re) = Regex::new(&rust_pattern(p)) else { continue };
            if matches!(Matcher::new(p), Some(Matcher::Class { .. })) {
                fast += 1;
            }
            for s in samples {
                assert_eq!(rule.matches(s), re.is_match(s), "{name} on {s:?}");
            }
        }
        assert!(fast >= 5, "the tag, config value and IAM name patterns take the fast path ({fast})");
    }

    #[test]
    fn java_classes_stay_ascii() {
        // `\d` in the model is Java's ASCII digit: an Arabic-Indic digit is not one.
        assert!(IAM_ROLE_ARN.matches("arn:aws:iam::123456789012:role/r"));
        assert!(!IAM_ROLE_ARN.matches("arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/r"));
        assert!(ROLE_NAME.matches("a_B+=,.@-9") && !ROLE_NAME.matches("é"));
        // `.` stops at line terminators.
        assert!(
            RELATIVE_PATH.matches("dags/a b")
                && !RELATIVE_PATH.matches("dags\n")
                && !RELATIVE_PATH.matches("a\u{2028}")
        );
        assert_eq!(rust_pattern(r"[\w.]\d."), r"^(?:[A-Za-z0-9_.][0-9][^\n\r\x{85}\x{2028}\x{2029}])$");
    }

    #[test]
    fn patterns_match_the_whole_value() {
        assert!(ENVIRONMENT_NAME.matches("mwaa-public"));
        assert!(!ENVIRONMENT_NAME.matches("9abc"));
        assert!(!ENVIRONMENT_NAME.matches("abc!"));
        assert_eq!(ENVIRONMENT_NAME.check(&"a".repeat(80)), Ok(()));
        assert_eq!(ENVIRONMENT_NAME.check(&"a".repeat(81)), Err(TextProblem::TooLong { len: 81 }));
        assert_eq!(CONFIG_KEY.check("core.parallelism"), Ok(()));
        assert_eq!(CONFIG_KEY.check("Core.parallelism"), Err(TextProblem::Pattern));
        assert_eq!(CONFIG_KEY.check("core."), Err(TextProblem::Pattern));
        assert_eq!(CONFIG_VALUE.check("Zürich"), Err(TextProblem::Pattern));
        assert_eq!(CONFIG_VALUE.check(""), Err(TextProblem::TooShort { len: 0 }));
        assert!(MAINTENANCE_WINDOW.matches("SUN:03:30") && !MAINTENANCE_WINDOW.matches("SUN:24:00"));
    }

    #[test]
    fn tag_characters_are_unicode_categories() {
        // Letters of any script, separators (a no-break space), numbers (a Roman numeral).
        for ok in ["Équipe", "データ", "Ⅻ", "a\u{a0}b", "x_.:/=+-@", "٣"] {
            assert!(TAG_VALUE.matches(ok), "{ok:?}");
        }
        // A combining mark is not a letter; neither is an emoji, a quote or a tab.
        for bad in ["e\u{301}", "🚀", "\"", "\t", "a,b"] {
            assert!(!TAG_VALUE.matches(bad), "{bad:?}");
        }
    }

    #[test]
    fn kms_key_arns() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(KMS_KEY.matches(key) && KMS_KEY_ARN.matches(key) && ANY_KMS_KEY_ARN.matches(key));
        let mrk = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        assert!(!KMS_KEY.matches(mrk) && !KMS_KEY_ARN.matches(mrk) && ANY_KMS_KEY_ARN.matches(mrk));
        let upper = "arn:aws:kms:eu-west-1:123456789012:key/1234ABCD-12ab-34cd-56ef-1234567890ab";
        assert!(!KMS_KEY.matches(upper) && !KMS_KEY_ARN.matches(upper));
        assert!(!KMS_KEY_ARN.matches("arn:aws:kms:eu-west-1:123456789012:alias/x"));
    }

    #[test]
    fn condition_operators() {
        assert_eq!(condition_operator("StringEquals"), Some(ConditionKind::String));
        assert_eq!(condition_operator("ForAnyValue:StringLikeIfExists"), Some(ConditionKind::String));
        assert_eq!(condition_operator("NumericLessThanIfExists"), Some(ConditionKind::Numeric));
        assert_eq!(condition_operator("Null"), Some(ConditionKind::Bool));
        assert_eq!(condition_operator("NullIfExists"), None);
        assert_eq!(condition_operator("StringEqual"), None);
        assert_eq!(condition_operator("ForAllValues:"), None);
        assert_eq!(condition_operator("stringequals"), None);
    }

    #[test]
    fn partitions() {
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-isob-east-1"), "aws-iso-b");
        assert!(REGION.matches("us-gov-west-1") && REGION.matches("eu-west-1") && !REGION.matches("useast1"));
    }
}
