//! Building IAM policy documents as IR expressions.

use indexmap::IndexMap;

use crate::ir::Expr;

pub(super) fn policy(statements: Vec<Expr>) -> Expr {
    Expr::Map(IndexMap::from([
        ("Version".to_owned(), Expr::s("2012-10-17")),
        ("Statement".to_owned(), Expr::List(statements)),
    ]))
}

/// Appends `more` to the `Statement` list of a document made by [`policy`].
pub(super) fn append_statements(document: &mut Expr, more: Vec<Expr>) {
    if let Expr::Map(m) = document {
        if let Some(Expr::List(statements)) = m.get_mut("Statement") {
            statements.extend(more);
        }
    }
}

pub(super) fn principal(kind: &str, value: Expr) -> Expr {
    Expr::Map(IndexMap::from([(kind.to_owned(), value)]))
}

pub(super) fn principal_any() -> Expr {
    Expr::s("*")
}

pub(super) fn condition(op: &str, key: &str, value: Expr) -> Expr {
    Expr::Map(IndexMap::from([(op.to_owned(), Expr::Map(IndexMap::from([(key.to_owned(), value)])))]))
}

pub(super) fn statement(
    sid: &str,
    effect: &str,
    principal: Option<Expr>,
    actions: Expr,
    resource: Option<(&str, Expr)>,
    condition: Option<Expr>,
) -> Expr {
    let mut m = IndexMap::new();
    m.insert("Sid".to_owned(), Expr::s(sid));
    m.insert("Effect".to_owned(), Expr::s(effect));
    if let Some(p) = principal {
        m.insert("Principal".to_owned(), p);
    }
    m.insert("Action".to_owned(), actions);
    if let Some((k, v)) = resource {
        m.insert(k.to_owned(), v);
    }
    if let Some(c) = condition {
        m.insert("Condition".to_owned(), c);
    }
    Expr::Map(m)
}

/// A key policy's first statement: the account (through IAM) may use and manage the key, so that
/// the key never becomes unmanageable (KMS developer guide, key-policy-default.html).
pub(super) fn account_root_statement() -> Expr {
    statement(
        "EnableAccountPermissions",
        "Allow",
        Some(principal("AWS", Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"))),
        Expr::strs(["kms:*"]),
        Some(("Resource", Expr::s("*"))),
        None,
    )
}

/// `logs:DescribeLogGroups` on `*`: the action takes no resource ARN (Service Authorization
/// Reference, CloudWatch Logs: DescribeLogGroups lists no resource type), so a grant on a log-group
/// ARN grants nothing.
pub(super) fn describe_log_groups_statement() -> Expr {
    statement(
        "DescribeLogGroups",
        "Allow",
        None,
        Expr::strs(["logs:DescribeLogGroups"]),
        Some(("Resource", Expr::strs(["*"]))),
        None,
    )
}
