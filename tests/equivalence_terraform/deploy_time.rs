//! Values passed in at deploy time: parameters, variables and inputs on both sides.

use super::*;

//
// Both sides are compared as deployed with the same values: CloudFormation parameters and their
// conditions are resolved (`Ref`, `Fn::If`, `AWS::NoValue`) and Terraform variables substituted
// (`var.x == "" ? null : var.x`), with each parameter at its default or at the value passed in.

/// Values passed in, by CloudFormation parameter name (the Terraform variable is its snake case).
pub(crate) type Passed = BTreeMap<String, String>;

/// The declaration of a parameter in neutral form.
pub(crate) fn neutral_parameter(description: &Value, default: Option<&str>) -> Value {
    json!({"type": "string", "description": description, "default": default.filter(|d| !d.is_empty())})
}

/// Resolves a template's parameters and conditions in place; returns the declarations of the
/// parameters with a default (by snake-case name) and of the inputs (parameters without one, by
/// logical id, in neutral form), which are left as they are.
pub(crate) fn resolve_cfn(doc: &mut Value, passed: &Passed) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let mut inputs = BTreeMap::new();
    if let Some(Value::Object(declared)) = doc.get_mut("Parameters") {
        let ids: Vec<String> =
            declared.iter().filter(|(_, p)| p.get("Default").is_none()).map(|(id, _)| id.clone()).collect();
        for id in ids {
            let p = declared.shift_remove(&id).expect("declared");
            inputs.insert(id, cfn_input(&p));
        }
    }
    let parameters = support::resolve_cfn_parameters(doc, passed)
        .into_iter()
        .map(|(id, p)| {
            assert_eq!(p["Type"], json!("String"), "{id}: only String parameters have a Terraform form here");
            (snake_case(&id), neutral_parameter(&p["Description"], p.get("Default").and_then(Value::as_str)))
        })
        .collect();
    (parameters, inputs)
}

/// An input parameter in neutral form. A String parameter carries the AWS rule (AllowedPattern,
/// MinLength, MaxLength, ConstraintDescription); an AWS-specific type (`AWS::EC2::VPC::Id`,
/// `List<AWS::EC2::Subnet::Id>`) is checked by CloudFormation itself, against the account.
pub(crate) fn cfn_input(p: &Value) -> Value {
    let ty = p["Type"].as_str().expect("parameter Type");
    let kind = if ty.starts_with("List<") || ty == "CommaDelimitedList" { "list" } else { "string" };
    let mut out = json!({"kind": kind, "description": p["Description"]});
    if ty == "String" {
        out["rule"] = json!({
            "pattern": p["AllowedPattern"],
            "min": p["MinLength"],
            "max": p["MaxLength"],
            "message": p["ConstraintDescription"],
        });
    } else {
        assert!(ty.starts_with("AWS::") || ty.starts_with("List<AWS::"), "input parameter type {ty}");
        out["aws_type"] = json!(ty);
    }
    out
}

/// A variable's value in [`resolve_tf`]: `None` for null; an input stays `var.NAME`.
pub(crate) type Vars = BTreeMap<String, Option<String>>;

/// The variables of a configuration: the neutral declarations of those with a default and of the
/// inputs (those without one), and each defaulted one's value (`passed`, or its default) by name.
/// The region variable is Terraform's own (CloudFormation deploys where its stack is).
pub(crate) fn tf_variables<'a>(
    bodies: impl Iterator<Item = &'a Body>,
    passed: &Passed,
) -> (BTreeMap<String, Value>, BTreeMap<String, Value>, Vars) {
    let mut neutral = BTreeMap::new();
    let mut inputs = BTreeMap::new();
    let mut values = BTreeMap::new();
    for body in bodies {
        for b in body.blocks().filter(|b| b.identifier.as_str() == "variable") {
            let name = match b.labels.first() {
                Some(hcl::BlockLabel::String(s)) => s.clone(),
                other => panic!("variable label {other:?}"),
            };
            if name == "region" {
                continue;
            }
            let attr = |k: &str| b.body.attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.clone());
            if attr("default").is_none() {
                inputs.insert(name.clone(), tf_input(&name, &b.body));
                continue;
            }
            assert_eq!(attr("type").map(|t| t.to_string()), Some("string".to_owned()), "variable {name}: type");
            let default = match attr("default") {
                Some(Expression::String(s)) => Some(s),
                Some(Expression::Null) | None => None,
                other => panic!("variable {name}: default {other:?}"),
            };
            let description = attr("description").map_or(Value::Null, |d| tf_value(&d));
            neutral.insert(name.clone(), neutral_parameter(&description, default.as_deref()));
            let by_cfn_name = passed.iter().find(|(id, _)| snake_case(id) == name).map(|(_, v)| v.clone());
            values.insert(name, by_cfn_name.or(default));
        }
    }
    (neutral, inputs, values)
}

/// An input variable in neutral form: its kind, description and the rule of its `validation`
/// blocks (the regular expression, the bounds on `length(var.NAME)`, the message).
pub(crate) fn tf_input(name: &str, body: &Body) -> Value {
    let attr = |b: &Body, k: &str| b.attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.clone());
    let kind = match attr(body, "type").map(|t| t.to_string()).as_deref() {
        Some("string") => "string",
        Some("list(string)") => "list",
        other => panic!("input variable {name}: type {other:?}"),
    };
    let description = attr(body, "description").map_or(Value::Null, |d| tf_value(&d));
    let mut out = json!({"kind": kind, "description": description});
    let validations: Vec<&hcl::Block> = body.blocks().filter(|b| b.identifier.as_str() == "validation").collect();
    if let [v] = validations.as_slice() {
        let condition = attr(&v.body, "condition").expect("validation condition");
        let mut rule = Map::new();
        rule.insert("message".into(), attr(&v.body, "error_message").map_or(Value::Null, |m| tf_value(&m)));
        tf_rule_parts(&condition, name, &mut rule);
        out["rule"] = Value::Object(rule);
    } else {
        assert!(validations.is_empty(), "input variable {name}: {} validation blocks", validations.len());
    }
    out
}

/// The parts of a validation condition: `regex("PATTERN", ...)`, and `length(var.NAME) >= MIN`,
/// `<= MAX` or `== N` (both bounds).
pub(crate) fn tf_rule_parts(e: &Expression, name: &str, rule: &mut Map<String, Value>) {
    let is_length_of_var = |e: &Expression| match e {
        Expression::FuncCall(f) if f.name.name.as_str() == "length" && f.args.len() == 1 => {
            f.args[0].to_string() == format!("var.{name}")
        }
        _ => false,
    };
    match e {
        Expression::FuncCall(f) => {
            if let ("regex", Some(Expression::String(p))) = (f.name.name.as_str(), f.args.first()) {
                assert!(rule.insert("pattern".into(), json!(p)).is_none(), "{name}: two regex in the validation");
            }
            for a in &f.args {
                tf_rule_parts(a, name, rule);
            }
        }
        Expression::Operation(op) => match op.as_ref() {
            hcl::Operation::Binary(b) => {
                if let (true, Expression::Number(n)) = (is_length_of_var(&b.lhs_expr), &b.rhs_expr) {
                    let n = json!(n.as_i64().expect("a length"));
                    match b.operator {
                        hcl::BinaryOperator::GreaterEq => rule.insert("min".into(), n),
                        hcl::BinaryOperator::LessEq => rule.insert("max".into(), n),
                        hcl::BinaryOperator::Eq => {
                            rule.insert("min".into(), n.clone());
                            rule.insert("max".into(), n)
                        }
                        other => panic!("{name}: length bound with {other:?}"),
                    };
                }
                tf_rule_parts(&b.lhs_expr, name, rule);
                tf_rule_parts(&b.rhs_expr, name, rule);
            }
            hcl::Operation::Unary(u) => tf_rule_parts(&u.expr, name, rule),
        },
        Expression::Parenthesis(e) => tf_rule_parts(e, name, rule),
        Expression::Array(items) => items.iter().for_each(|i| tf_rule_parts(i, name, rule)),
        Expression::ForExpr(f) => {
            tf_rule_parts(&f.collection_expr, name, rule);
            tf_rule_parts(&f.value_expr, name, rule);
        }
        _ => {}
    }
}

/// A resource body with `var.x` and conditionals on variables evaluated.
pub(crate) fn resolve_body(body: &Body, vars: &Vars) -> Body {
    Body(
        body.iter()
            .map(|s| match s {
                hcl::Structure::Attribute(a) => {
                    hcl::Structure::Attribute(hcl::Attribute::new(a.key.clone(), resolve_tf(&a.expr, vars)))
                }
                hcl::Structure::Block(b) => {
                    let mut b = b.clone();
                    b.body = resolve_body(&b.body, vars);
                    hcl::Structure::Block(b)
                }
            })
            .collect(),
    )
}

pub(crate) fn resolve_tf(e: &Expression, vars: &Vars) -> Expression {
    let value = |e: &Expression| -> Option<String> {
        match resolve_tf(e, vars) {
            Expression::String(s) => Some(s),
            Expression::Null => None,
            other => panic!("a string or null, not {other:?}"),
        }
    };
    match e {
        Expression::Traversal(t) if matches!(&t.expr, Expression::Variable(v) if v.as_str() == "var") => {
            let Some(TraversalOperator::GetAttr(name)) = t.operators.first() else { panic!("var traversal {t:?}") };
            match vars.get(name.as_str()) {
                Some(Some(s)) if t.operators.len() == 1 => Expression::String(s.clone()),
                Some(None) if t.operators.len() == 1 => Expression::Null,
                Some(_) => panic!("var traversal {t:?} of a string"),
                // An input (tf_value checks it is one): left as it is.
                None => e.clone(),
            }
        }
        Expression::Conditional(c) => {
            let Expression::Operation(op) = &c.cond_expr else { panic!("condition {:?}", c.cond_expr) };
            let hcl::Operation::Binary(b) = op.as_ref() else { panic!("condition {op:?}") };
            let equal = value(&b.lhs_expr) == value(&b.rhs_expr);
            let holds = match b.operator {
                hcl::BinaryOperator::Eq => equal,
                hcl::BinaryOperator::NotEq => !equal,
                other => panic!("condition operator {other:?}"),
            };
            resolve_tf(if holds { &c.true_expr } else { &c.false_expr }, vars)
        }
        other => other.clone(),
    }
}
