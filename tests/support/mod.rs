//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::panic, clippy::unwrap_used)]

pub mod legacy;
pub mod locals;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mwaagen::diagnostics::Source;
use mwaagen::ir::Ir;
use serde_json::{json, Map, Value};

/// The project root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example spec under `specs/`, sorted.
pub fn example_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/ is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 5, "expected at least five example specs, found {}", specs.len());
    specs
}

/// The spec's path relative to the project root, with forward slashes (as headers show it).
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Compiles a spec file into its IR, panicking with the rendered diagnostics if it is invalid.
pub fn compile_file(path: &Path) -> Ir {
    let bytes = std::fs::read(path).expect("spec is readable");
    let source = Source::from_bytes(rel(path), &bytes);
    match mwaagen::compile(&source) {
        Ok(ir) => ir,
        Err(d) => panic!("{} is invalid:\n{}", path.display(), d.render(&source)),
    }
}

/// Parses CloudFormation YAML (with short-form intrinsic tags) into JSON with every intrinsic
/// function in its long form: `!Ref X` -> `{"Ref": "X"}`, `!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`.
pub fn cfn_yaml_to_json(yaml: &str) -> Value {
    let v: serde_yaml::Value = serde_yaml::from_str(yaml).expect("CloudFormation YAML parses");
    yaml_to_json(v)
}

fn yaml_to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                json!(n.as_f64())
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    other => panic!("non-string mapping key {other:?}"),
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = yaml_to_json(t.value);
            let (fname, arg) = match name {
                "Ref" => ("Ref", inner),
                "GetAtt" => {
                    let arg = match inner {
                        Value::String(s) => {
                            let (a, b) = s.split_once('.').expect("!GetAtt A.B");
                            json!([a, b])
                        }
                        other => other,
                    };
                    ("Fn::GetAtt", arg)
                }
                other => {
                    let long = format!("Fn::{other}");
                    return json!({ long: inner });
                }
            };
            json!({ fname: arg })
        }
    }
}

/// Resolves a template's parameters (each at `passed[id]`, or its default) and conditions in
/// place, as CloudFormation does on deploy: `Ref` of a parameter becomes its value, `Fn::If` its
/// branch, `AWS::NoValue` drops the property; the Parameters and Conditions sections go. Returns
/// the parameters' declarations, by name.
pub fn resolve_cfn_parameters(doc: &mut Value, passed: &BTreeMap<String, String>) -> Map<String, Value> {
    let top = doc.as_object_mut().expect("template");
    let declared = match top.shift_remove("Parameters") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let values: BTreeMap<String, String> = declared
        .iter()
        .map(|(id, p)| {
            let default = p.get("Default").and_then(Value::as_str).unwrap_or("");
            (id.clone(), passed.get(id).cloned().unwrap_or_else(|| default.to_owned()))
        })
        .collect();
    let conditions: BTreeMap<String, bool> = match top.shift_remove("Conditions") {
        Some(Value::Object(c)) => c.iter().map(|(name, e)| (name.clone(), cfn_condition(e, &values))).collect(),
        _ => BTreeMap::new(),
    };
    for section in ["Resources", "Outputs"] {
        if let Some(v) = top.get_mut(section) {
            *v = resolve_cfn_value(v, &values, &conditions).expect("a section");
        }
    }
    declared
}

fn cfn_condition(e: &Value, values: &BTreeMap<String, String>) -> bool {
    let (name, arg) = e.as_object().and_then(|m| m.iter().next()).expect("a condition function");
    let operand = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => {
            let r = other["Ref"].as_str().unwrap_or_else(|| panic!("condition operand {other}"));
            values.get(r).unwrap_or_else(|| panic!("condition on {r}, which is no parameter")).clone()
        }
    };
    let args = arg.as_array().expect("condition arguments");
    match name.as_str() {
        "Fn::Not" => !cfn_condition(&args[0], values),
        "Fn::Equals" => operand(&args[0]) == operand(&args[1]),
        other => panic!("condition function {other} has no evaluation here"),
    }
}

/// `v` with parameters and conditions resolved; `None` for `AWS::NoValue`.
fn resolve_cfn_value(
    v: &Value,
    values: &BTreeMap<String, String>,
    conditions: &BTreeMap<String, bool>,
) -> Option<Value> {
    match v {
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next().expect("one entry");
            match (k.as_str(), arg) {
                ("Ref", Value::String(r)) if r == "AWS::NoValue" => None,
                ("Ref", Value::String(r)) if values.contains_key(r) => Some(json!(values[r])),
                ("Fn::If", Value::Array(a)) => {
                    let name = a[0].as_str().expect("condition name");
                    let pick = conditions.get(name).unwrap_or_else(|| panic!("no condition {name}"));
                    resolve_cfn_value(if *pick { &a[1] } else { &a[2] }, values, conditions)
                }
                _ => Some(json!({ k: resolve_cfn_value(arg, values, conditions)? })),
            }
        }
        Value::Object(m) => Some(Value::Object(
            m.iter().filter_map(|(k, v)| Some((k.clone(), resolve_cfn_value(v, values, conditions)?))).collect(),
        )),
        Value::Array(a) => {
            Some(Value::Array(a.iter().filter_map(|v| resolve_cfn_value(v, values, conditions)).collect()))
        }
        other => Some(other.clone()),
    }
}

/// Runs the real `mwaagen` binary in the project root (without colour).
pub fn mwaagen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// What a run printed to standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a run printed to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
