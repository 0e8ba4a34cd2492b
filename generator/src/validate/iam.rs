//! `[execution_role]` and `[[execution_role.statements]]`: the role MWAA runs as. The
//! statements follow IAM's JSON policy grammar (IAM user guide, reference_policies_grammar.html)
//! element by element.

use std::ops::Range;

use indexmap::IndexMap;

use super::aws::{condition_value_ok, policy_arn_problem, resource_problem, role_arn_problem};
use super::{span, Validator};
use crate::diagnostics::{did_you_mean, quote, user_key_path};
use crate::model::{ConditionValue, ExecutionRole, InputKind, Statement};
use crate::rules::{
    self, ConditionKind, CONDITION_KEY, ROLE_MANAGED_POLICIES_DEFAULT, ROLE_MANAGED_POLICIES_MAX, STATEMENT_ACTION,
    STATEMENT_SID,
};
use crate::spec::{RawConditionValue, RawSpec, RawStatement, O, S};

/// The most characters (white space not counted) of a managed policy (IAM user guide,
/// reference_iam-quotas.html, "Managed policy size"): the user's statements join mwaagen's in one.
const MANAGED_POLICY_MAX_CHARS: usize = 6144;

impl Validator {
    pub(super) fn execution_role(&mut self, raw: &RawSpec) -> ExecutionRole {
        let Some(r) = &raw.execution_role else {
            return ExecutionRole::Generated {
                additional_policy_arns: Vec::new(),
                permissions_boundary_arn: None,
                statements: Vec::new(),
                trusted_principals: Vec::new(),
            };
        };
        let r = r.get_ref();
        let boundary = r.permissions_boundary_arn.as_ref().filter(|b| !b.get_ref().is_empty());
        let extra = r.additional_policy_arns.as_ref().filter(|a| !a.get_ref().is_empty());
        if let Some(arn) = &r.existing_arn {
            let arn = self.given(arn, InputKind::RoleArn, |v, arn| {
                if let Some(problem) = role_arn_problem(arn.get_ref()) {
                    v.err(
                        "execution_role.existing_arn",
                        span(arn),
                        format!("{} is not an IAM role ARN MWAA accepts", quote(arn.get_ref())),
                        format!(
                            "{problem}; write arn:aws:iam::ACCOUNT-ID:role/ROLE-NAME (a path may come before the name), \
                             e.g. arn:aws:iam::123456789012:role/my-mwaa-role (MWAA API, IamRoleArn; IAM API, \
                             roleNameType and pathType)"
                        ),
                    );
                }
                arn.get_ref().clone()
            });
            for (key, s) in [
                ("additional_policy_arns", extra.and_then(span)),
                ("permissions_boundary_arn", boundary.and_then(span)),
                ("statements", r.statements.as_ref().filter(|s| !s.get_ref().is_empty()).and_then(span)),
                (
                    "trusted_principals",
                    r.trusted_principals.as_ref().filter(|s| !s.get_ref().is_empty()).and_then(span),
                ),
            ] {
                if s.is_some() {
                    self.err(
                        &format!("execution_role.{key}"),
                        s,
                        format!("`{key}` cannot be combined with execution_role.existing_arn"),
                        "mwaagen generates no role when you bring your own: manage its policies where the role is defined",
                    );
                }
            }
            return ExecutionRole::Existing(arn);
        }
        let mut arns: Vec<String> = Vec::new();
        if let Some(list) = extra {
            let n = list.get_ref().len();
            if n >= ROLE_MANAGED_POLICIES_MAX {
                self.err(
                    "execution_role.additional_policy_arns",
                    span(list),
                    format!(
                        "has {n} policies; a role takes at most {ROLE_MANAGED_POLICIES_MAX} managed policies, one of them mwaagen's"
                    ),
                    "combine policies, or attach them elsewhere (IAM user guide, reference_iam-quotas.html)",
                );
            } else if n >= ROLE_MANAGED_POLICIES_DEFAULT {
                self.warn(
                    "execution_role.additional_policy_arns",
                    span(list),
                    format!(
                        "with mwaagen's own policy the role gets {} managed policies, more than IAM's default quota of \
                         {ROLE_MANAGED_POLICIES_DEFAULT}",
                        n + 1
                    ),
                    format!(
                        "ask for a quota increase (up to {ROLE_MANAGED_POLICIES_MAX}) before deploying, or combine policies \
                         (IAM user guide, reference_iam-quotas.html, \"Managed policies attached to an IAM role\")"
                    ),
                );
            }
            for (i, a) in list.get_ref().iter().enumerate() {
                let field = format!("execution_role.additional_policy_arns[{i}]");
                if let Some(problem) = policy_arn_problem(a.get_ref()) {
                    self.policy_arn_error(&field, a, &problem, "");
                } else if arns.contains(a.get_ref()) {
                    self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each policy once");
                }
                arns.push(a.get_ref().clone());
            }
        }
        if let Some(b) = boundary {
            if let Some(problem) = policy_arn_problem(b.get_ref()) {
                self.policy_arn_error(
                    "execution_role.permissions_boundary_arn",
                    b,
                    &problem,
                    ", or \"\" for no boundary",
                );
            }
        }
        let statements = self.statements(r.statements.as_ref());
        let trusted_principals = self.trusted_principals(r.trusted_principals.as_ref());
        ExecutionRole::Generated {
            statements,
            trusted_principals,
            additional_policy_arns: arns,
            permissions_boundary_arn: boundary.map(|b| b.get_ref().clone()),
        }
    }

    /// `execution_role.trusted_principals`: IAM role ARNs or 12-digit account ids, each an `AWS`
    /// principal of the trust policy (IAM user guide, reference_policies_elements_principal.html:
    /// "AWS account principals" take the account id, "IAM role principals" the role's ARN; a role
    /// that does not exist when the trust policy is written is refused as an invalid principal).
    fn trusted_principals(&mut self, list: Option<&S<Vec<S<String>>>>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let Some(list) = list else { return out };
        for (i, p) in list.get_ref().iter().enumerate() {
            let field = format!("execution_role.trusted_principals[{i}]");
            let value = p.get_ref();
            let account = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
            if !account {
                if let Some(problem) = role_arn_problem(value) {
                    self.err(
                        &field,
                        span(p),
                        format!("{} is neither an IAM role ARN nor an account id", quote(value)),
                        format!(
                            "{problem}; write a role ARN (arn:aws:iam::123456789012:role/NAME) or a 12-digit account id \
                             (IAM user guide, reference_policies_elements_principal.html)"
                        ),
                    );
                    continue;
                }
            }
            if out.contains(value) {
                self.err(&field, span(p), format!("{} is listed twice", quote(value)), "list each principal once");
                continue;
            }
            out.push(value.clone());
        }
        if !out.is_empty() {
            self.warn(
                "execution_role.trusted_principals",
                span(list),
                format!(
                    "{} may assume the execution role: whatever it runs gets the environment's permissions (its bucket, \
                     logs, queue and key)",
                    if out.len() == 1 { "another principal".to_owned() } else { format!("{} other principals", out.len()) }
                ),
                "trust only what must act as the environment (a local runner, a CI test); an account id lets every \
                 principal of that account that IAM allows to call sts:AssumeRole on it",
            );
        }
        out
    }

    fn policy_arn_error(&mut self, field: &str, a: &S<String>, problem: &str, or: &str) {
        self.err(
            field,
            span(a),
            format!("{} is not an IAM managed policy ARN", quote(a.get_ref())),
            format!("{problem}; write arn:aws:iam::ACCOUNT-ID:policy/NAME or arn:aws:iam::aws:policy/NAME{or}"),
        );
    }

    fn statements(&mut self, list: Option<&S<Vec<S<RawStatement>>>>) -> Vec<Statement> {
        let mut out = Vec::new();
        let mut sids: Vec<&str> = Vec::new();
        for (i, st_s) in list.map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
            let st = st_s.get_ref();
            let prefix = format!("execution_role.statements[{i}]");
            let sid = st.sid.as_ref().map(|s| {
                let field = format!("{prefix}.sid");
                if self.text(
                    &field,
                    s,
                    &STATEMENT_SID,
                    "a statement id",
                    "use letters and digits only, e.g. \"ReadDataLake\"",
                ) && sids.contains(&s.get_ref().as_str())
                {
                    self.err(
                        &field,
                        span(s),
                        format!("{} is the sid of an earlier statement", quote(s.get_ref())),
                        "give each statement its own sid (IAM user guide, reference_policies_elements_sid.html: \
                         \"the Sid value must be unique within a JSON policy\")",
                    );
                }
                sids.push(s.get_ref());
                s.get_ref().clone()
            });
            let effect = self.choice(&format!("{prefix}.effect"), &st.effect, &["Allow", "Deny"], "Allow");
            let actions = self.required_list(&prefix, "actions", &st.actions, st_s);
            for (j, a) in st.actions.iter().flat_map(|l| l.get_ref().iter()).enumerate() {
                self.action(&format!("{prefix}.actions[{j}]"), a);
            }
            let resources = self.required_list(&prefix, "resources", &st.resources, st_s);
            for (j, r) in st.resources.iter().flat_map(|l| l.get_ref().iter()).enumerate() {
                if let Some(problem) = resource_problem(r.get_ref()) {
                    self.err(
                        &format!("{prefix}.resources[{j}]"),
                        span(r),
                        format!("{} is not an IAM resource: {problem}", quote(r.get_ref())),
                        "write \"*\" or an ARN such as \"arn:aws:s3:::data-lake/*\"; `*` and `?` are wildcards in any part \
                         (IAM user guide, reference_policies_elements_resource.html)",
                    );
                }
            }
            let condition = st.condition.as_ref().map(|c| self.condition(&prefix, c)).unwrap_or_default();
            out.push(Statement { sid, effect, actions, resources, condition });
        }
        if let Some(l) = list {
            let size: usize = out.iter().map(statement_chars).sum();
            if size > MANAGED_POLICY_MAX_CHARS {
                self.err(
                    "execution_role.statements",
                    span(l),
                    format!("the statements alone are {size} characters of policy; a managed policy holds at most {MANAGED_POLICY_MAX_CHARS}"),
                    "move some permissions into a managed policy of your own and list it in additional_policy_arns \
                     (IAM user guide, reference_iam-quotas.html, \"Managed policy size\")",
                );
            }
        }
        out
    }

    /// A required, non-empty list of strings of a statement.
    fn required_list(&mut self, prefix: &str, key: &str, o: &O<Vec<S<String>>>, st: &S<RawStatement>) -> Vec<String> {
        match o {
            None => {
                self.err(
                    &format!("{prefix}.{key}"),
                    span(st),
                    format!("missing required key `{key}`"),
                    format!("add `{key} = [...]` to the statement"),
                );
                Vec::new()
            }
            Some(l) if l.get_ref().is_empty() => {
                self.err(
                    &format!("{prefix}.{key}"),
                    span(l),
                    format!("`{key}` is empty"),
                    format!("list at least one entry in `{key}`"),
                );
                Vec::new()
            }
            Some(l) => l.get_ref().iter().map(|a| a.get_ref().clone()).collect(),
        }
    }

    /// `service:Action`, with `*` and `?` only in the action part.
    fn action(&mut self, field: &str, a: &S<String>) {
        let action = a.get_ref();
        if STATEMENT_ACTION.matches(action) {
            return;
        }
        let why = if action == "*" {
            "\"*\" would allow every action of every service; name the service".to_owned()
        } else if action.split_once(':').is_some_and(|(svc, _)| svc.contains(['*', '?'])) {
            format!("{} has a wildcard in the service prefix", quote(action))
        } else {
            format!("{} is not an IAM action", quote(action))
        };
        self.err(
            field,
            span(a),
            why,
            "write SERVICE:Action with the service's lowercase prefix, e.g. \"s3:GetObject\" or \"s3:List*\"; `*` and `?` \
             are wildcards in the action part only (IAM user guide, reference_policies_elements_action.html)",
        );
    }

    /// IAM's condition block: operator -> condition key -> value or values.
    fn condition(
        &mut self,
        prefix: &str,
        c: &S<crate::spec::RawCondition>,
    ) -> IndexMap<String, IndexMap<String, ConditionValue>> {
        let mut condition = IndexMap::new();
        let field = format!("{prefix}.condition");
        if c.get_ref().is_empty() {
            self.err(
                &field,
                span(c),
                "the condition is empty",
                "name an operator, e.g. { StringEquals = { ... } }, or remove it",
            );
        }
        for (op, keys) in c.get_ref() {
            let op_field = user_key_path(&field, op.get_ref());
            let kind = rules::condition_operator(op.get_ref());
            if kind.is_none() {
                let names: Vec<&str> = rules::CONDITION_OPERATORS.iter().map(|(n, _)| *n).collect();
                let base = rules::CONDITION_SET_PREFIXES
                    .iter()
                    .find_map(|p| op.get_ref().strip_prefix(p))
                    .unwrap_or(op.get_ref());
                let hint = did_you_mean(base.trim_end_matches(rules::CONDITION_IF_EXISTS), names.iter().copied())
                    .map(|m| format!("did you mean \"{m}\"? "))
                    .unwrap_or_default();
                self.err(
                    &op_field,
                    span(op),
                    format!("{} is not an IAM condition operator", quote(op.get_ref())),
                    format!(
                        "{hint}operators are {}, each optionally ending in IfExists (not Null) and starting with \
                         ForAllValues: or ForAnyValue: (IAM user guide, reference_policies_elements_condition_operators.html)",
                        names.join(", ")
                    ),
                );
            }
            if keys.get_ref().is_empty() {
                self.err(
                    &op_field,
                    span(keys),
                    "the operator has no condition key",
                    "add `\"aws:KEY\" = \"value\"`, or remove it",
                );
            }
            let mut m = IndexMap::new();
            for (key, value) in keys.get_ref() {
                let key_field = user_key_path(&op_field, key.get_ref());
                if !CONDITION_KEY.matches(key.get_ref()) {
                    self.err(
                        &key_field,
                        span(key),
                        format!("{} is not a condition key", quote(key.get_ref())),
                        "write SERVICE:key, e.g. \"aws:SourceAccount\", \"s3:prefix\" or \"aws:ResourceTag/Team\" \
                         (IAM user guide, reference_policies_condition-keys.html)",
                    );
                }
                let v = self.condition_value(&key_field, value, kind);
                m.insert(key.get_ref().clone(), v);
            }
            condition.insert(op.get_ref().clone(), m);
        }
        condition
    }

    fn condition_value(
        &mut self,
        field: &str,
        value: &S<RawConditionValue>,
        kind: Option<ConditionKind>,
    ) -> ConditionValue {
        let check = |v: &str, at: Option<Range<usize>>, this: &mut Self| {
            let Some(kind) = kind else { return };
            if !condition_value_ok(kind, v) {
                let want = match kind {
                    ConditionKind::String => "text",
                    ConditionKind::Numeric => "a number such as \"10\" or \"1.5\"",
                    ConditionKind::Date => "a date such as \"2026-01-31T00:00:00Z\" (ISO 8601) or seconds since 1970",
                    ConditionKind::Bool => "true or false",
                    ConditionKind::Binary => "base64 text",
                    ConditionKind::Ip => "an IP address or CIDR block such as \"203.0.113.0/24\"",
                    ConditionKind::Arn => "an ARN (wildcards allowed with ArnLike)",
                };
                this.err(
                    field,
                    at,
                    format!("{} does not suit the operator", quote(v)),
                    format!("this operator compares {want} (IAM user guide, reference_policies_elements_condition_operators.html)"),
                );
            }
        };
        match value.get_ref() {
            RawConditionValue::One(s) => {
                check(s, span(value), self);
                ConditionValue::One(s.clone())
            }
            RawConditionValue::Bool(b) => {
                check(&b.to_string(), span(value), self);
                ConditionValue::One(b.to_string())
            }
            RawConditionValue::Int(n) => {
                check(&n.to_string(), span(value), self);
                ConditionValue::One(n.to_string())
            }
            RawConditionValue::Many(l) => {
                if l.is_empty() {
                    self.err(field, span(value), "the list of values is empty", "give at least one value");
                }
                for s in l {
                    check(s, span(value), self);
                }
                ConditionValue::Many(l.clone())
            }
        }
    }
}

/// The characters a statement adds to a policy document, written as IAM's JSON without white space.
fn statement_chars(st: &Statement) -> usize {
    let list = |v: &[String]| v.iter().map(|s| s.len() + 3).sum::<usize>() + 1;
    let mut n = 2 + r#""Effect":"""#.len() + st.effect.len() + 1;
    n += st.sid.as_ref().map_or(0, |s| r#""Sid":"","#.len() + s.len());
    n += r#""Action":,"#.len() + list(&st.actions);
    n += r#""Resource":"#.len() + list(&st.resources);
    for (op, keys) in &st.condition {
        n += op.len() + 6;
        for (k, v) in keys {
            n += k.len()
                + 4
                + match v {
                    ConditionValue::One(s) => s.len() + 2,
                    ConditionValue::Many(l) => list(l),
                };
        }
    }
    n
}
