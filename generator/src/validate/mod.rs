//! Every rule of `spec-format.md`: [`RawSpec`] -> [`Config`], or every problem found.

use std::ops::Range;

use crate::diagnostics::{did_you_mean, one_of, quote, Diagnostic, Diagnostics};
use crate::model::{Config, Given, InputKind};
use crate::rules::{Choice, Int, Text, TextProblem};
use crate::spec::{Or, RawSpec, O, S};

mod aws;
mod bucket;
mod environment;
mod iam;
mod kms;
mod monitoring;
mod network;
mod output;
mod secrets;
mod tags;
mod warnings;
mod web_access;

pub use aws::bucket_name_problem;

/// Validates a parsed spec and applies defaults.
///
/// # Errors
/// Every rule that the spec breaks, each as a diagnostic with field, place and a hint.
pub fn validate(raw: &RawSpec, source_name: &str) -> Result<Config, Diagnostics> {
    validate_with_warnings(raw, source_name).map(|v| v.config)
}

/// A valid spec with its defaults applied, and what in it is legal but will likely fail or
/// surprise at deploy time.
#[derive(Debug, Clone)]
pub struct Validated {
    pub config: Config,
    /// In source order; empty when nothing is worth saying.
    pub warnings: Diagnostics,
}

/// Validates a parsed spec, applies defaults, and collects warnings.
///
/// # Errors
/// Every rule that the spec breaks (warnings are dropped then: the errors come first).
pub fn validate_with_warnings(raw: &RawSpec, source_name: &str) -> Result<Validated, Diagnostics> {
    let mut v = Validator::default();
    let config = v.spec(raw, source_name);
    if v.diags.is_empty() {
        if let Some(config) = config {
            warnings::check(&mut v, raw, &config);
            let mut warnings = Diagnostics(v.warnings);
            warnings.sort();
            return Ok(Validated { config, warnings });
        }
    }
    let mut d = Diagnostics(v.diags);
    d.sort();
    Err(d)
}

#[derive(Default)]
struct Validator {
    diags: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// The inputs met so far, in spec order.
    inputs: Vec<crate::model::Input>,
}

/// The longest input name: CloudFormation logical ids are at most 255 characters (CloudFormation
/// user guide, parameters-section-structure.html); this leaves room and keeps names readable.
pub(crate) const INPUT_NAME_MAX: usize = 64;

/// Variables (Terraform), parameters (CloudFormation, in CamelCase) and CDK props that the output
/// has besides the inputs.
const RESERVED_INPUT_NAMES: &[&str] = &[
    "region",
    "tags",
    "plugins_s3_object_version",
    "requirements_s3_object_version",
    "startup_script_s3_object_version",
];

use crate::ir::input_id as camel;

fn span<T>(s: &S<T>) -> Option<Range<usize>> {
    Some(s.span())
}

fn val<T>(o: &O<T>) -> Option<&T> {
    o.as_ref().map(|s| s.get_ref())
}

impl Validator {
    fn err(&mut self, field: &str, span: Option<Range<usize>>, msg: impl Into<String>, help: impl Into<String>) {
        let help = help.into();
        let mut d = Diagnostic::new(field, span, msg);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// A warning: the spec is legal, but AWS will likely fail or surprise with it.
    fn warn(&mut self, field: &str, span: Option<Range<usize>>, msg: impl Into<String>, help: impl Into<String>) {
        self.warnings.push(Diagnostic::new(field, span, msg).with_help(help));
    }

    /// Checks a string against an AWS rule; the error says what the rule allows and where it
    /// comes from. `what` names the value ("an MWAA environment name"), `hint` what to write.
    fn text(&mut self, field: &str, s: &S<String>, rule: &Text, what: &str, hint: &str) -> bool {
        let value = s.get_ref();
        let problem = match rule.check(value) {
            Ok(()) => return true,
            // A value that breaks the pattern is named so, whatever its length.
            Err(_) if !value.is_empty() && !rule.matches(value) => TextProblem::Pattern,
            Err(p) => p,
        };
        let message = match problem {
            TextProblem::TooShort { len: 0 } => format!("{what} must not be empty"),
            TextProblem::TooShort { len } => format!("{} is too short for {what} (at least {})", chars(len), rule.min),
            TextProblem::TooLong { len } => format!("{} is too long for {what} (at most {})", chars(len), rule.max),
            TextProblem::Pattern => format!("{} is not {what}", quote(value)),
        };
        self.err(field, span(s), message, format!("{hint} ({})", rule.source));
        false
    }

    /// A string that must be one of `choices`, with a did-you-mean when it is not.
    fn choice(&mut self, field: &str, o: &O<String>, choices: &[&str], default: &str) -> String {
        let Some(s) = o else {
            return default.to_owned();
        };
        let value = s.get_ref();
        if choices.contains(&value.as_str()) {
            return value.clone();
        }
        let help = match did_you_mean(value, choices.iter().copied()) {
            Some(m) => format!("did you mean \"{m}\"? valid values: {}", one_of(choices)),
            None => format!("valid values: {}", one_of(choices)),
        };
        self.err(field, span(s), format!("{} is not a valid value", quote(value)), help);
        default.to_owned()
    }

    /// [`Validator::choice`] for an AWS rule: the help line names the rule's source.
    fn pick(&mut self, field: &str, o: &O<String>, rule: &Choice, default: &str) -> String {
        let before = self.diags.len();
        let value = self.choice(field, o, rule.values, default);
        if let Some(d) = self.diags.get_mut(before) {
            if let Some(help) = d.help.as_mut() {
                help.push_str(&format!(" ({})", rule.source));
            }
        }
        value
    }

    /// [`Validator::int_in`] for an AWS rule.
    fn int_rule(&mut self, field: &str, o: &O<i64>, default: i64, rule: &Int) -> i64 {
        let Some(s) = o else { return default };
        let n = *s.get_ref();
        if (rule.min..=rule.max).contains(&n) {
            return n;
        }
        self.err(
            field,
            span(s),
            format!("{n} is out of range"),
            format!("use a whole number from {} to {} ({})", rule.min, rule.max, rule.source),
        );
        default
    }

    /// Records the input `name` written for the field of `kind`, checking its name: the pattern
    /// of spec-format.md ("Inputs"), unique in the spec, and no name the output already uses for
    /// a variable of its own.
    fn input(&mut self, name: &S<String>, kind: InputKind) -> String {
        let field = format!("{}.input", kind.field());
        let n = name.get_ref();
        let well_formed = n.len() <= INPUT_NAME_MAX
            && n.starts_with(|c: char| c.is_ascii_lowercase())
            && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            self.err(
                &field,
                span(name),
                format!("{} is not an input name", crate::diagnostics::quote(n)),
                format!(
                    "write a lowercase letter, then lowercase letters, digits or '_' (at most {INPUT_NAME_MAX} characters), \
                     e.g. \"vpc_id\": it names the Terraform variable, and the CloudFormation parameter in CamelCase"
                ),
            );
        } else if let Some(other) = self.inputs.iter().find(|i| i.name == *n || camel(&i.name) == camel(n)) {
            let msg = if other.name == *n {
                format!("the input {} is already used by {}", crate::diagnostics::quote(n), other.kind.field())
            } else {
                format!(
                    "the input {} gives the same CloudFormation parameter ({}) as {} of {}",
                    crate::diagnostics::quote(n),
                    camel(n),
                    crate::diagnostics::quote(&other.name),
                    other.kind.field()
                )
            };
            self.err(&field, span(name), msg, "give each input its own name (an input stands for one field)");
        } else if RESERVED_INPUT_NAMES.contains(&n.as_str()) {
            self.err(
                &field,
                span(name),
                format!("{} is the name of a variable the output has already", crate::diagnostics::quote(n)),
                format!("choose another name; taken: {}", RESERVED_INPUT_NAMES.join(", ")),
            );
        }
        self.inputs.push(crate::model::Input { name: n.clone(), kind, span: name.span() });
        n.clone()
    }

    /// A field that may be an input: records the input, or checks the literal with `check`.
    fn given<T: Clone, R>(
        &mut self,
        v: &S<Or<T>>,
        kind: InputKind,
        check: impl FnOnce(&mut Self, &S<T>) -> R,
    ) -> Given<R> {
        match v.get_ref() {
            Or::Input(name) => Given::Input(self.input(name, kind)),
            Or::Lit(t) => Given::Lit(check(self, &S::new(v.span(), t.clone()))),
        }
    }

    fn spec(&mut self, raw: &RawSpec, source_name: &str) -> Option<Config> {
        match &raw.version {
            None => {
                self.err("version", None, "missing required key `version`", "add `version = 1` at the top of the spec")
            }
            Some(v) if *v.get_ref() != 1 => self.err(
                "version",
                span(v),
                format!("unsupported spec version {}", v.get_ref()),
                "this mwaagen reads `version = 1`",
            ),
            Some(_) => {}
        }
        let output = self.output(raw);
        let environment = match &raw.environment {
            None => {
                self.err(
                    "environment",
                    None,
                    "missing required table [environment]",
                    "add `[environment]` with at least `name = \"my-env\"`",
                );
                None
            }
            Some(env) => self.environment(env),
        };
        let kms = self.kms(raw, &output);
        let (network, acl) = self.network(raw, &output);
        let security_group = self.security_group(raw);
        let create_customer_endpoints = raw
            .network
            .as_ref()
            .and_then(|n| n.get_ref().create_customer_endpoints.as_ref())
            .map_or(true, |c| *c.get_ref());
        let bucket = self.bucket(raw, &kms);
        let execution_role = self.execution_role(raw);
        let web_access = self.web_access(raw);
        let secrets = self.secrets(raw, &output);
        let monitoring = self.monitoring(raw);
        let tags = self.tags(raw);
        // `extends` was followed by the parser (crate::extends): the base is merged in already.
        Some(Config {
            source_name: source_name.to_owned(),
            environment: environment?,
            network,
            security_group,
            acl,
            bucket,
            kms,
            execution_role,
            web_access,
            secrets,
            monitoring,
            create_customer_endpoints,
            tags,
            output,
            inputs: {
                let mut inputs = std::mem::take(&mut self.inputs);
                inputs.sort_by_key(|i| i.kind);
                inputs
            },
        })
    }
}

/// `1 character`, `81 characters`.
fn chars(n: usize) -> String {
    count(n, "character", "characters")
}

/// `1 entry`, `3 entries`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(field, message)` of every error in a spec text.
    fn errors(text: &str) -> Vec<(String, String)> {
        let source = crate::diagnostics::Source::from_text("t.toml", text);
        let raw = crate::parse::parse(&source).map(|p| p.spec).unwrap_or_default();
        match validate(&raw, "t.toml") {
            Ok(_) => Vec::new(),
            Err(d) => d.0.into_iter().map(|d| (d.field, d.message)).collect(),
        }
    }

    const ENV: &str = "version = 1\n[environment]\nname = \"a\"\n";

    #[test]
    fn min_above_the_default_max_names_min() {
        let e = errors(&format!("{ENV}min_workers = 15\nmin_webservers = 3\n"));
        assert_eq!(
            e,
            [
                ("environment.min_workers".into(), "min_workers (15) is more than the default max_workers (10)".into()),
                (
                    "environment.min_webservers".into(),
                    "min_webservers (3) is more than the default max_webservers (2)".into()
                ),
            ]
        );
        let e = errors(&format!("{ENV}min_workers = 5\nmax_workers = 4\n"));
        assert_eq!(e[0].0, "environment.max_workers");
    }

    #[test]
    fn one_scheduler_outside_micro_says_only_micro_runs_one() {
        let e = errors(&format!("{ENV}environment_class = \"mw1.large\"\nschedulers = 1\nmin_webservers = 1\n"));
        assert_eq!(
            e,
            [
                ("environment.schedulers".into(), "mw1.large runs 2 to 5 schedulers, not 1".into()),
                ("environment.min_webservers".into(), "mw1.large runs 2 to 5 web servers, not 1".into()),
            ]
        );
    }

    #[test]
    fn default_subnets_outside_the_vpc_are_one_error() {
        let e = errors(&format!("{ENV}[network]\nvpc_cidr = \"10.50.0.0/16\"\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "network.vpc_cidr");
        // Only the default lists that are outside are named.
        let source = crate::diagnostics::Source::from_text(
            "t.toml",
            format!("{ENV}[network]\nvpc_cidr = \"10.50.0.0/16\"\npublic_subnet_cidrs = [\"10.50.1.0/24\", \"10.50.2.0/24\"]\n"),
        );
        let d = validate(&crate::parse::parse(&source).map(|p| p.spec).unwrap_or_default(), "t.toml")
            .err()
            .unwrap_or_default();
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].help.as_deref(), Some("set private_subnet_cidrs to blocks inside 10.50.0.0/16 as well"));
    }

    #[test]
    fn an_overlap_with_a_default_subnet_blames_the_written_one() {
        let e = errors(&format!("{ENV}[network]\npublic_subnet_cidrs = [\"10.192.20.0/24\", \"10.192.11.0/24\"]\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "network.public_subnet_cidrs[0]");
        assert!(e[0].1.contains("the default network.private_subnet_cidrs[0]"), "{e:?}");
    }

    #[test]
    fn free_form_keys_are_quoted_and_values_shortened() {
        let e = errors(&format!(
            "{ENV}plugins_s3_path = \"/{}\"\n[environment.airflow_configuration_options]\nparallelism = \"1\"\n[tags]\nTeam = \"a\\nb\"\n\"aws:x\" = \"y\"\n",
            "p".repeat(2000)
        ));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "environment.plugins_s3_path",
                "environment.airflow_configuration_options.\"parallelism\"",
                "tags.\"Team\"",
                "tags.\"aws:x\""
            ]
        );
        assert!(e[0].1.chars().count() < 100, "{e:?}");
    }
}
