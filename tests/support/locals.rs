//! Terraform local values, evaluated the way Terraform does before the tests read a configuration:
//! every `local.NAME` is replaced by the local's expression (itself with its locals replaced),
//! `merge(...)` of maps by the merged map, and `"...${local.NAME}..."` by a template with the
//! local's text or expression in its place. What is left refers only to resources, data sources
//! and literals, as a configuration without locals would, so that a test compares what Terraform
//! deploys, not how the configuration spells it. Anything else about locals is an error: an unset
//! or twice-set local, a cycle, an operator after `local.NAME`, a merge of something not a map.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hcl::expr::{FuncCall, Object, ObjectKey, TemplateExpr, TraversalOperator};
use hcl::template::{Element, Template};
use hcl::{Attribute, Block, Body, Expression, Structure};

/// The `locals` blocks of a configuration.
#[derive(Debug, Default)]
pub struct Locals {
    raw: BTreeMap<String, Expression>,
}

impl Locals {
    /// The locals set in `bodies` (the parsed `.tf` files).
    pub fn of<'a>(bodies: impl IntoIterator<Item = &'a Body>) -> Self {
        let mut locals = Locals::default();
        for body in bodies {
            for b in body.blocks().filter(|b| b.identifier.as_str() == "locals") {
                for a in b.body.attributes() {
                    let name = a.key.to_string();
                    assert!(locals.raw.insert(name.clone(), a.expr.clone()).is_none(), "local.{name} is set twice");
                }
            }
        }
        locals
    }

    /// `body` with every reference to a local replaced (its `locals` blocks are left out).
    pub fn inline(&self, body: &Body) -> Body {
        Body(
            body.iter()
                .filter_map(|s| match s {
                    Structure::Attribute(a) => {
                        Some(Structure::Attribute(Attribute::new(a.key.clone(), self.expr(&a.expr, 0))))
                    }
                    Structure::Block(b) if b.identifier.as_str() == "locals" => None,
                    Structure::Block(b) => Some(Structure::Block(Block {
                        identifier: b.identifier.clone(),
                        labels: b.labels.clone(),
                        body: self.inline(&b.body),
                    })),
                })
                .collect(),
        )
    }

    /// The expression of `local.NAME`, its own locals replaced.
    fn get(&self, name: &str, depth: usize) -> Expression {
        assert!(depth < 16, "local.{name}: the locals refer to each other in a cycle");
        let e = self.raw.get(name).unwrap_or_else(|| panic!("local.{name} is not set"));
        self.expr(e, depth + 1)
    }

    /// `Some(NAME)` for `local.NAME`.
    fn name_of(e: &Expression) -> Option<String> {
        let Expression::Traversal(t) = e else { return None };
        let Expression::Variable(root) = &t.expr else { return None };
        if root.as_str() != "local" {
            return None;
        }
        match t.operators.as_slice() {
            [TraversalOperator::GetAttr(name)] => Some(name.to_string()),
            other => panic!("local value reference with operators {other:?}"),
        }
    }

    fn expr(&self, e: &Expression, depth: usize) -> Expression {
        if let Some(name) = Self::name_of(e) {
            return self.get(&name, depth);
        }
        let inner = |e: &Expression| self.expr(e, depth);
        match e {
            Expression::Array(items) => Expression::Array(items.iter().map(inner).collect()),
            Expression::Object(o) => Expression::Object(o.iter().map(|(k, v)| (k.clone(), inner(v))).collect()),
            Expression::Parenthesis(e) => Expression::Parenthesis(Box::new(inner(e))),
            Expression::FuncCall(f) if f.name.name.as_str() == "merge" && f.name.namespace.is_empty() => {
                // Terraform's merge: the entries of every map, a later map's value winning.
                let mut merged: Object<ObjectKey, Expression> = Object::new();
                for arg in &f.args {
                    match inner(arg) {
                        Expression::Object(o) => merged.extend(o),
                        other => panic!("merge of {other}, which is not a map"),
                    }
                }
                Expression::Object(merged)
            }
            Expression::FuncCall(f) => {
                let mut call = FuncCall::new(f.name.clone());
                call.args = f.args.iter().map(inner).collect();
                call.expand_final = f.expand_final;
                Expression::FuncCall(Box::new(call))
            }
            Expression::TemplateExpr(t) => self.template(t, depth),
            other => other.clone(),
        }
    }

    /// A template with its `${local.NAME}` replaced: by the local's text when it is a string, by
    /// its template's pieces when it is a template, else by an interpolation of its expression.
    /// A template without locals is returned as it is.
    fn template(&self, t: &TemplateExpr, depth: usize) -> Expression {
        let template = Template::from_expr(t).expect("template parses");
        let has_local = template.elements().iter().any(|el| match el {
            Element::Interpolation(i) => Self::name_of(&i.expr).is_some(),
            _ => false,
        });
        if !has_local {
            return Expression::TemplateExpr(Box::new(t.clone()));
        }
        let mut raw = String::new();
        for el in template.elements() {
            match el {
                Element::Literal(l) => push_literal(&mut raw, l),
                Element::Interpolation(i) => match Self::name_of(&i.expr).map(|n| self.get(&n, depth)) {
                    Some(Expression::String(s)) => push_literal(&mut raw, &s),
                    Some(Expression::TemplateExpr(inner)) => raw.push_str(inner.to_string().as_str()),
                    Some(other) => {
                        let _ = write!(raw, "${{{other}}}");
                    }
                    None => {
                        let _ = write!(raw, "${{{}}}", i.expr);
                    }
                },
                Element::Directive(d) => panic!("template directive {d:?} next to a local value"),
            }
        }
        Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)))
    }
}

/// Appends `s` as literal text of a template. hcl-rs keeps a quoted template with its string
/// escapes (`\"`, `\n`) already decoded, so only the template's own sequences are escaped.
fn push_literal(raw: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        raw.push(c);
        if matches!(c, '$' | '%') && chars.peek() == Some(&'{') {
            raw.push(c);
        }
    }
}
