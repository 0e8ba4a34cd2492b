//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::panic, clippy::unwrap_used)]

pub mod locals;

use std::path::{Path, PathBuf};

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
