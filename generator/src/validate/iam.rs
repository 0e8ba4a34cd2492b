//! `[execution_role]` and `[[execution_role.statements]]`: the role MWAA runs as.

use indexmap::IndexMap;

use super::aws::{is_policy_arn, is_role_arn};
use super::{span, Validator};
use crate::diagnostics::quote;
use crate::model::{ConditionValue, ExecutionRole, Statement};
use crate::spec::{RawSpec, O, S};

impl Validator {
    pub(super) fn execution_role(&mut self, raw: &RawSpec) -> ExecutionRole {
        let Some(r) = &raw.execution_role else {
            return ExecutionRole::Generated {
                additional_policy_arns: Vec::new(),
                permissions_boundary_arn: None,
                statements: Vec::new(),
            };
        };
        let r = r.get_ref();
        let boundary = r.permissions_boundary_arn.as_ref().filter(|b| !b.get_ref().is_empty());
        let extra = r.additional_policy_arns.as_ref().filter(|a| !a.get_ref().is_empty());
        if let Some(arn) = &r.existing_arn {
            if !is_role_arn(arn.get_ref()) {
                self.err(
                    "execution_role.existing_arn",
                    span(arn),
                    format!("{} is not an IAM role ARN", quote(arn.get_ref())),
                    "write arn:aws:iam::ACCOUNT-ID:role/ROLE-NAME, e.g. arn:aws:iam::123456789012:role/my-mwaa-role",
                );
            }
            for (key, s) in [
                ("additional_policy_arns", extra.and_then(span)),
                ("permissions_boundary_arn", boundary.and_then(span)),
                ("statements", r.statements.as_ref().filter(|s| !s.get_ref().is_empty()).and_then(span)),
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
            return ExecutionRole::Existing(arn.get_ref().clone());
        }
        let mut arns: Vec<String> = Vec::new();
        if let Some(list) = extra {
            if list.get_ref().len() > 19 {
                self.err(
                    "execution_role.additional_policy_arns",
                    span(list),
                    format!(
                        "has {} policies; a role takes at most 20 managed policies, one of them mwaagen's",
                        list.get_ref().len()
                    ),
                    "combine policies, or attach them elsewhere",
                );
            }
            for (i, a) in list.get_ref().iter().enumerate() {
                let field = format!("execution_role.additional_policy_arns[{i}]");
                if !is_policy_arn(a.get_ref()) {
                    self.err(
                        &field,
                        span(a),
                        format!("{} is not an IAM managed policy ARN", quote(a.get_ref())),
                        "write arn:aws:iam::ACCOUNT-ID:policy/NAME or arn:aws:iam::aws:policy/NAME",
                    );
                } else if arns.contains(a.get_ref()) {
                    self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each policy once");
                }
                arns.push(a.get_ref().clone());
            }
        }
        if let Some(b) = boundary {
            if !is_policy_arn(b.get_ref()) {
                self.err(
                    "execution_role.permissions_boundary_arn",
                    span(b),
                    format!("{} is not an IAM managed policy ARN", quote(b.get_ref())),
                    "write arn:aws:iam::ACCOUNT-ID:policy/NAME, or \"\" for no boundary",
                );
            }
        }
        let statements = self.statements(r.statements.as_ref());
        ExecutionRole::Generated {
            statements,
            additional_policy_arns: arns,
            permissions_boundary_arn: boundary.map(|b| b.get_ref().clone()),
        }
    }

    fn statements(&mut self, list: Option<&S<Vec<S<crate::spec::RawStatement>>>>) -> Vec<Statement> {
        let mut out = Vec::new();
        for (i, st_s) in list.map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
            let st = st_s.get_ref();
            let prefix = format!("execution_role.statements[{i}]");
            let sid = st.sid.as_ref().map(|s| {
                if s.get_ref().is_empty() || !s.get_ref().chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.err(
                        &format!("{prefix}.sid"),
                        span(s),
                        format!("{} is not a statement id", quote(s.get_ref())),
                        "use letters and digits only (IAM policy grammar: Sid)",
                    );
                }
                s.get_ref().clone()
            });
            let effect = self.choice(&format!("{prefix}.effect"), &st.effect, &["Allow", "Deny"], "Allow");
            let mut strings = |key: &str, o: &O<Vec<S<String>>>| -> Vec<String> {
                match o {
                    None => {
                        self.err(
                            &format!("{prefix}.{key}"),
                            span(st_s),
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
            };
            let actions = strings("actions", &st.actions);
            let resources = strings("resources", &st.resources);
            let mut condition = IndexMap::new();
            if let Some(c) = &st.condition {
                for (op, keys) in c.get_ref() {
                    let mut m = IndexMap::new();
                    for (key, value) in keys.get_ref() {
                        let v = match value.get_ref() {
                            crate::spec::RawConditionValue::One(s) => ConditionValue::One(s.clone()),
                            crate::spec::RawConditionValue::Bool(b) => ConditionValue::One(b.to_string()),
                            crate::spec::RawConditionValue::Int(n) => ConditionValue::One(n.to_string()),
                            crate::spec::RawConditionValue::Many(l) => {
                                ConditionValue::Many(l.iter().map(|s| s.get_ref().clone()).collect())
                            }
                        };
                        m.insert(key.get_ref().clone(), v);
                    }
                    condition.insert(op.get_ref().clone(), m);
                }
            }
            out.push(Statement { sid, effect, actions, resources, condition });
        }
        out
    }
}
