//! A CloudFormation template read back into JSON values, with every intrinsic function in its long
//! form (`!Ref X` -> `{"Ref": "X"}`, `!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`), so that two
//! templates compare value by value.

use indexmap::IndexMap;
use serde_json::{Map, Value};

/// The parts of a template that say what a deployment creates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    /// Parameter name -> its `Default` (`None`: no default).
    pub parameters: IndexMap<String, Option<Value>>,
    /// Logical id -> resource, in template order.
    pub resources: IndexMap<String, TemplateResource>,
}

/// One resource of a template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateResource {
    pub cfn_type: String,
    /// `Properties` (an object; empty when the resource has none).
    pub properties: Value,
    pub deletion_policy: Option<String>,
    pub update_replace_policy: Option<String>,
}

/// Reads a CloudFormation template in YAML (short or long form intrinsics).
///
/// # Errors
/// The text is not YAML, or not a template (no `Resources` mapping, a resource without `Type`).
pub fn parse(yaml: &str) -> Result<Template, String> {
    let doc: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(|e| format!("not YAML: {e}"))?;
    let doc = to_json(doc)?;
    let Some(resources) = doc.get("Resources").and_then(Value::as_object) else {
        return Err("no `Resources` mapping: not a CloudFormation template".to_owned());
    };
    let mut out = Template::default();
    if let Some(params) = doc.get("Parameters").and_then(Value::as_object) {
        for (name, p) in params {
            out.parameters.insert(name.clone(), p.get("Default").cloned());
        }
    }
    for (id, r) in resources {
        let Some(cfn_type) = r.get("Type").and_then(Value::as_str) else {
            return Err(format!("resource {id} has no `Type`"));
        };
        let text = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
        out.resources.insert(
            id.clone(),
            TemplateResource {
                cfn_type: cfn_type.to_owned(),
                properties: r.get("Properties").cloned().unwrap_or_else(|| Value::Object(Map::new())),
                deletion_policy: text("DeletionPolicy"),
                update_replace_policy: text("UpdateReplacePolicy"),
            },
        );
    }
    Ok(out)
}

fn to_json(v: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map_or(Value::Null, Value::from)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("a mapping key that is not text: {other:?}")),
                };
                out.insert(key, to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let name = t.tag.to_string().trim_start_matches('!').to_owned();
            let inner = to_json(t.value)?;
            match name.as_str() {
                "Ref" | "Condition" => single(&name, inner),
                "GetAtt" => {
                    let arg = match inner {
                        Value::String(s) => match s.split_once('.') {
                            Some((a, b)) => Value::Array(vec![Value::from(a), Value::from(b)]),
                            None => Value::String(s),
                        },
                        other => other,
                    };
                    single("Fn::GetAtt", arg)
                }
                other => single(&format!("Fn::{other}"), inner),
            }
        }
    })
}

fn single(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), value);
    Value::Object(m)
}

/// Whether `v` is an intrinsic function call (`{"Ref": ...}`, `{"Fn::...": ...}`): compared and
/// shown as one value, never entered.
#[must_use]
pub fn is_intrinsic(v: &Value) -> bool {
    match v.as_object() {
        Some(m) if m.len() == 1 => m.keys().all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

/// The logical ids (or parameters, or pseudo parameters) that `v` refers to: `Ref`, `Fn::GetAtt`
/// and the `${...}` of `Fn::Sub`. `${AWS::...}` pseudo parameters count; `${!literal}` does not.
#[must_use]
pub fn references(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_references(v, &mut out);
    out
}

fn collect_references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) if is_intrinsic(v) => {
            for (k, arg) in m {
                match (k.as_str(), arg) {
                    ("Ref", Value::String(id)) => out.push(id.clone()),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(id)) = parts.first() {
                            out.push(id.clone());
                        }
                    }
                    ("Fn::Sub", Value::String(s)) => out.extend(sub_names(s)),
                    ("Fn::Sub", Value::Array(parts)) => {
                        if let Some(Value::String(s)) = parts.first() {
                            let vars: Vec<&str> = parts
                                .get(1)
                                .and_then(Value::as_object)
                                .map(|m| m.keys().map(String::as_str).collect())
                                .unwrap_or_default();
                            out.extend(sub_names(s).into_iter().filter(|n| !vars.contains(&n.as_str())));
                        }
                        for p in parts.iter().skip(1) {
                            collect_references(p, out);
                        }
                    }
                    (_, arg) => collect_references(arg, out),
                }
            }
        }
        Value::Object(m) => m.values().for_each(|x| collect_references(x, out)),
        Value::Array(items) => items.iter().for_each(|x| collect_references(x, out)),
        _ => {}
    }
}

/// The names in the `${Name}` / `${Name.Attr}` variables of a `Fn::Sub` template.
fn sub_names(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let var = &after[..end];
        if !var.starts_with('!') {
            let name = var.split('.').next().unwrap_or(var).trim();
            if !name.is_empty() {
                out.push(name.to_owned());
            }
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms() {
        let t = parse(
            "Parameters:\n  P:\n    Type: String\n    Default: x\nResources:\n  A:\n    Type: AWS::X::Y\n    DeletionPolicy: Retain\n    Properties:\n      B: !Ref C\n      D: !GetAtt E.Arn\n      F: !Sub \"${G}/${AWS::Region}/${!lit}\"\n      H: !Select [0, !GetAZs \"\"]\n",
        )
        .unwrap_or_default();
        let a = &t.resources["A"];
        assert_eq!(a.cfn_type, "AWS::X::Y");
        assert_eq!(a.deletion_policy.as_deref(), Some("Retain"));
        assert_eq!(a.properties["B"], serde_json::json!({"Ref": "C"}));
        assert_eq!(a.properties["D"], serde_json::json!({"Fn::GetAtt": ["E", "Arn"]}));
        assert_eq!(a.properties["H"], serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(references(&a.properties), vec!["C", "E", "G", "AWS::Region"]);
        assert_eq!(t.parameters["P"], Some(Value::from("x")));
    }

    #[test]
    fn a_file_that_is_not_a_template_is_an_error() {
        assert!(parse("a: [").is_err());
        assert!(parse("Outputs: {}\n").is_err());
        assert!(parse("Resources:\n  A:\n    Properties: {}\n").is_err());
    }
}
