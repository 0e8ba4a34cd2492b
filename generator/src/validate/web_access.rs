//! `[[web_access]]`: who may open the Airflow UI.

use super::{span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{WebAccess, AIRFLOW_ROLES};
use crate::rules::{Text, GROUP_NAME, ROLE_NAME};
use crate::spec::{RawSpec, O, S};

impl Validator {
    pub(super) fn web_access(&mut self, raw: &RawSpec) -> Vec<WebAccess> {
        let Some(list) = &raw.web_access else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, grant) in list.get_ref().iter().enumerate() {
            let g = grant.get_ref();
            let prefix = format!("web_access[{i}]");
            let airflow_role = self.choice(&format!("{prefix}.airflow_role"), &g.airflow_role, AIRFLOW_ROLES, "Viewer");
            let mut names = |key: &str, o: &O<Vec<S<String>>>, rule: &Text, what: &str| -> Vec<String> {
                let mut v: Vec<String> = Vec::new();
                for (j, n) in o.as_ref().map(|l| l.get_ref().as_slice()).unwrap_or_default().iter().enumerate() {
                    let field = format!("{prefix}.{key}[{j}]");
                    if rule.check(n.get_ref()).is_err() {
                        self.err(
                            &field,
                            span(n),
                            format!("{} is not an IAM {what} name", quote(n.get_ref())),
                            format!(
                                "use 1 to {} letters, digits and + = , . @ _ - (a name, not an ARN) ({})",
                                rule.max, rule.source
                            ),
                        );
                    } else if v.contains(n.get_ref()) {
                        self.err(
                            &field,
                            span(n),
                            format!("\"{}\" is listed twice", n.get_ref()),
                            format!("list each {what} once"),
                        );
                    }
                    v.push(n.get_ref().clone());
                }
                v
            };
            let attach_to_roles = names("attach_to_roles", &g.attach_to_roles, &ROLE_NAME, "role");
            let attach_to_groups = names("attach_to_groups", &g.attach_to_groups, &GROUP_NAME, "group");
            if attach_to_roles.is_empty() && attach_to_groups.is_empty() {
                self.warn(
                    &prefix,
                    span(grant),
                    format!("this {airflow_role} grant is attached to no role and no group, so nobody gets it"),
                    "list the IAM roles or groups that should open the Airflow UI in attach_to_roles or attach_to_groups,                      or attach the generated policy yourself after the deploy",
                );
            }
            out.push(WebAccess {
                airflow_role,
                attach_to_roles,
                attach_to_groups,
                cli: val(&g.cli).copied().unwrap_or(false),
                rest_api: val(&g.rest_api).copied().unwrap_or(false),
            });
        }
        out
    }
}
