//! Hostile input: arbitrary bytes and mutated specs never panic, and free-text values come back
//! exactly when the generated output is parsed by a real parser.

#![allow(clippy::panic)] // a panic is how a failing test reports

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use mwaagen::diagnostics::Source;
use mwaagen::render::{OutputFile, Target};
use mwaagen::GenerateError;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

/// Strings that break naive escaping in YAML, HCL or TypeScript.
const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\\\"",
    "\n",
    "a\nb",
    "\r\n",
    "\t",
    "${x}",
    "$${x}",
    "%{x}",
    "%%{x}",
    "`",
    "``${a}``",
    "#",
    "# not a comment",
    ": ",
    "a: b",
    "- a",
    "[a]",
    "{a: b}",
    " leading",
    "trailing ",
    " ",
    "",
    "yes",
    "no",
    "null",
    "on",
    "off",
    "~",
    "true",
    "0x1F",
    "1e3",
    "012",
    "1_000",
    ".inf",
    "!Ref VPC",
    "!GetAtt A.B",
    "&anchor",
    "*alias",
    "<<",
    "|",
    ">",
    "%TAG",
    "---",
    "...",
    "日本語のテキスト",
    "émoji 🚀",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "\u{0}",
    "\u{7f}",
    "*/",
    "/*",
    "</script>",
    "\\u0041",
    "\\n",
];

/// Compiles and renders `source` for every target, failing the test on a panic.
fn generate(source: &Source) -> Result<Vec<OutputFile>, GenerateError> {
    match catch_unwind(AssertUnwindSafe(|| mwaagen::generate(std::slice::from_ref(source), Target::ALL))) {
        Ok(r) => r,
        Err(_) => panic!("mwaagen panicked on:\n{}", source.text),
    }
}

fn cfn_of(source: &Source) -> Result<Value, GenerateError> {
    let files = generate(source)?;
    let cfn = files.iter().find(|f| f.path.ends_with("template.yaml")).expect("a CloudFormation template");
    Ok(support::cfn_yaml_to_json(&cfn.contents))
}

fn file<'a>(files: &'a [OutputFile], suffix: &str) -> &'a OutputFile {
    files.iter().find(|f| f.path.ends_with(suffix)).unwrap_or_else(|| panic!("no file ending in {suffix}"))
}

/// The attributes of one Terraform resource, parsed from every generated `.tf` file by hcl-rs.
/// String attributes are plain strings (no interpolation) when the value is a literal.
/// The string default of `variable "NAME"` in the generated Terraform.
fn terraform_variable_default(files: &[OutputFile], name: &str) -> Option<String> {
    for f in files.iter().filter(|f| f.path.starts_with("terraform/") && f.path.ends_with(".tf")) {
        let body: hcl::Body = hcl::from_str(&f.contents).unwrap_or_else(|e| panic!("{}: {e}\n{}", f.path, f.contents));
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(hcl::BlockLabel::as_str).collect();
            if block.identifier() == "variable" && labels == [name] {
                return block.body().attributes().find(|a| a.key() == "default").and_then(|a| match a.expr() {
                    hcl::Expression::String(s) => Some(s.clone()),
                    _ => None,
                });
            }
        }
    }
    None
}

fn terraform_resource(files: &[OutputFile], ty: &str, name: &str) -> Value {
    let parsed: Vec<hcl::Body> = files
        .iter()
        .filter(|f| f.path.starts_with("terraform/") && f.path.ends_with(".tf"))
        .map(|f| hcl::from_str(&f.contents).unwrap_or_else(|e| panic!("{}: {e}\n{}", f.path, f.contents)))
        .collect();
    // Values the resources share (the spec's tags) are local values: read them where they are used.
    let locals = support::locals::Locals::of(&parsed);
    for body in &parsed {
        let body = locals.inline(body);
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(hcl::BlockLabel::as_str).collect();
            if block.identifier() == "resource" && labels == [ty, name] {
                let mut attrs = serde_json::Map::new();
                for a in block.body().attributes() {
                    let v: Value = match a.expr() {
                        hcl::Expression::String(s) => Value::String(s.clone()),
                        hcl::Expression::Object(o) => Value::Object(
                            o.iter()
                                .filter_map(|(k, v)| {
                                    let key = match k {
                                        hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                                        hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
                                        _ => return None,
                                    };
                                    match v {
                                        hcl::Expression::String(s) => Some((key, Value::String(s.clone()))),
                                        _ => None,
                                    }
                                })
                                .collect(),
                        ),
                        _ => Value::Null,
                    };
                    attrs.insert(a.key().to_owned(), v);
                }
                return Value::Object(attrs);
            }
        }
    }
    panic!("no resource {ty}.{name} in the Terraform output")
}

/// A spec built as a TOML table, so that the toml crate does the TOML escaping.
fn spec_with(edit: impl FnOnce(&mut toml::Table)) -> Source {
    let mut t: toml::Table = toml::from_str(mwaagen::DEFAULT_SPEC).expect("the default parses");
    edit(&mut t);
    Source::from_text("prop.toml", toml::to_string(&t).expect("serializes"))
}

fn table<'a>(t: &'a mut toml::Table, key: &str) -> &'a mut toml::Table {
    t.entry(key.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new())).as_table_mut().expect("a table")
}

fn hostile_or_any() -> impl Strategy<Value = String> {
    prop_oneof![prop::sample::select(HOSTILE).prop_map(str::to_owned), any::<String>(), hostile_mix()]
}

/// Concatenations of hostile pieces.
fn hostile_mix() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(HOSTILE), 1..6).prop_map(|v| v.concat())
}

/// Characters AWS accepts in tags, including non-ASCII letters, numbers and separators; at least
/// one (the MWAA API's TagKey and TagValue have `min: 1`).
fn tag_text(max: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = "aZ09 _.:/=+-@éß日本Ωж\u{a0}\u{3000}\u{2028}Ⅻ٣".chars().collect();
    prop::collection::vec(prop::sample::select(chars), 1..max).prop_map(|v| v.into_iter().collect())
}

/// AWS's tag pattern as the MWAA API model writes it (TagKey, TagValue), written out here rather
/// than taken from mwaagen's rules, so that the test checks them.
fn aws_tag_pattern() -> regex::Regex {
    regex::Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").expect("the model's pattern compiles")
}

/// 256 cases per property; `MWAAGEN_FUZZ_CASES=N` runs N instead, for long local fuzzing runs
/// (`MWAAGEN_FUZZ_CASES=200000 cargo test --release --test hostile_input never_panic`).
fn config() -> Config {
    let cases = std::env::var("MWAAGEN_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let source = Source::from_bytes("fuzz.toml", &bytes);
        if let Err(GenerateError::Invalid(list)) = generate(&source) {
            for (_, d) in list {
                let text = d.render(&source);
                prop_assert!(text.contains("fuzz.toml:"), "{text}");
            }
        }
    }

    #[test]
    fn airflow_configuration_values_round_trip(value in hostile_or_any()) {
        let source = spec_with(|t| {
            let env = table(t, "environment");
            let opts = table(env, "airflow_configuration_options");
            opts.insert("core.test_option".into(), toml::Value::String(value.clone()));
        });
        // MWAA's ConfigValue: 1 to 65,536 characters of printable ASCII (`[ -~]+`).
        let aws_accepts = !value.is_empty() && value.chars().count() <= 65_536 && value.chars().all(|c| (' '..='~').contains(&c));
        if !aws_accepts {
            // Validation says so, by field.
            match generate(&source) {
                Err(GenerateError::Invalid(list)) => {
                    let text = list[0].1.render(&source);
                    prop_assert!(text.contains("error: environment.airflow_configuration_options.\"core.test_option\": the value "), "{}", text);
                }
                other => prop_assert!(false, "expected a validation error, got {:?}", other.map(|f| f.len())),
            }
            return Ok(());
        }
        let files = generate(&source).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let doc = support::cfn_yaml_to_json(&file(&files, "template.yaml").contents);
        let got = &doc["Resources"]["MwaaEnvironment"]["Properties"]["AirflowConfigurationOptions"]["core.test_option"];
        prop_assert_eq!(got.as_str(), Some(value.as_str()));
        let tf = terraform_resource(&files, "aws_mwaa_environment", "this");
        prop_assert_eq!(tf["airflow_configuration_options"]["core.test_option"].as_str(), Some(value.as_str()));
    }

    #[test]
    fn tag_values_round_trip(key in tag_text(20).prop_filter("non-empty key", |k| !k.is_empty() && !k.to_lowercase().starts_with("aws:")),
                             value in tag_text(60)) {
        let source = spec_with(|t| {
            table(t, "tags").insert(key.clone(), toml::Value::String(value.clone()));
        });
        let doc = cfn_of(&source).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let env_tags = &doc["Resources"]["MwaaEnvironment"]["Properties"]["Tags"];
        prop_assert_eq!(env_tags[&key].as_str(), Some(value.as_str()));
        let vpc_tags = doc["Resources"]["VPC"]["Properties"]["Tags"].as_array().expect("tags").clone();
        prop_assert!(vpc_tags.iter().any(|t| t["Key"] == key.as_str() && t["Value"] == value.as_str()));
        let files = generate(&source).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tf = terraform_resource(&files, "aws_vpc", "this");
        prop_assert_eq!(tf["tags"][&key].as_str(), Some(value.as_str()));
    }

    #[test]
    fn tag_values_aws_rejects_are_rejected_with_a_clear_error(value in hostile_mix()) {
        prop_assume!(!aws_tag_pattern().is_match(&value));
        let source = spec_with(|t| {
            table(t, "tags").insert("Team".into(), toml::Value::String(value.clone()));
        });
        match generate(&source) {
            Err(GenerateError::Invalid(list)) => {
                let text = list[0].1.render(&source);
                prop_assert!(text.contains("error: tags.\"Team\": tag value contains"), "{}", text);
            }
            other => prop_assert!(false, "expected a validation error, got {:?}", other.map(|f| f.len())),
        }
    }

    #[test]
    fn s3_paths_and_versions_round_trip(path in hostile_or_any(), version in hostile_or_any()) {
        prop_assume!(!path.is_empty() && !path.starts_with('/') && !path.to_lowercase().starts_with("s3://"));
        prop_assume!(!path.chars().any(char::is_control) && !version.chars().any(char::is_control));
        // MWAA's RelativePath is `.*`: one line, so no Unicode line or paragraph separator either.
        prop_assume!(!path.contains(['\u{2028}', '\u{2029}']));
        prop_assume!(!version.is_empty() && path.len() <= 1024 && version.len() <= 1024);
        let source = spec_with(|t| {
            let env = table(t, "environment");
            env.insert("dag_s3_path".into(), toml::Value::String(path.clone()));
            env.insert("plugins_s3_path".into(), toml::Value::String(path.clone()));
            env.insert("plugins_s3_object_version".into(), toml::Value::String(version.clone()));
        });
        // A version the spec pins is the environment's value itself, written into each template
        // (no parameter: a deploy could keep a parameter's previous value).
        let doc = cfn_of(&source).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(doc["Parameters"].get("PluginsS3ObjectVersion").is_none());
        let props = &doc["Resources"]["MwaaEnvironment"]["Properties"];
        prop_assert_eq!(props["DagS3Path"].as_str(), Some(path.as_str()));
        prop_assert_eq!(props["PluginsS3Path"].as_str(), Some(path.as_str()));
        prop_assert_eq!(props["PluginsS3ObjectVersion"].as_str(), Some(version.as_str()));
        let files = generate(&source).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tf = terraform_resource(&files, "aws_mwaa_environment", "this");
        prop_assert_eq!(tf["dag_s3_path"].as_str(), Some(path.as_str()));
        prop_assert_eq!(tf["plugins_s3_object_version"].as_str(), Some(version.as_str()));
        prop_assert_eq!(terraform_variable_default(&files, "plugins_s3_object_version"), None);
    }

    #[test]
    fn mutated_example_specs_never_panic(spec in 0usize..64, leaf in 0usize..256, value in mutation()) {
        let specs = support::example_specs();
        let text = std::fs::read_to_string(&specs[spec % specs.len()]).expect("readable");
        let mut t: toml::Table = toml::from_str(&text).expect("examples parse");
        let mut leaves = Vec::new();
        collect_leaves(&t, &mut Vec::new(), &mut leaves);
        let path = leaves[leaf % leaves.len()].clone();
        set_leaf(&mut t, &path, value);
        let source = Source::from_text("mutated.toml", toml::to_string(&t).expect("serializes"));
        match generate(&source) {
            Ok(files) => {
                for f in files.iter().filter(|f| f.path.ends_with(".yaml")) {
                    let _ = support::cfn_yaml_to_json(&f.contents);
                }
            }
            Err(GenerateError::Invalid(list)) => {
                for (_, d) in list {
                    prop_assert!(d.render(&source).contains("mutated.toml:"));
                }
            }
            Err(e) => prop_assert!(false, "unexpected error: {e}"),
        }
    }
}

/// A replacement value of any TOML type, hostile strings included; `None` deletes the key.
fn mutation() -> impl Strategy<Value = Option<toml::Value>> {
    use toml::Value as V;
    prop_oneof![
        Just(None),
        hostile_or_any().prop_map(|s| Some(V::String(s))),
        prop::sample::select(vec![-1i64, 0, 1, 2, 5, 6, 25, 26, 80, 81, i64::MAX, i64::MIN])
            .prop_map(|n| Some(V::Integer(n))),
        any::<bool>().prop_map(|b| Some(V::Boolean(b))),
        Just(Some(V::Float(1.5))),
        prop::collection::vec(hostile_or_any(), 0..4)
            .prop_map(|v| Some(V::Array(v.into_iter().map(V::String).collect()))),
        Just(Some(V::Table(toml::Table::new()))),
    ]
}

fn collect_leaves(t: &toml::Table, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    for (k, v) in t {
        path.push(k.clone());
        match v {
            toml::Value::Table(inner) if !inner.is_empty() => collect_leaves(inner, path, out),
            _ => out.push(path.clone()),
        }
        path.pop();
    }
}

fn set_leaf(t: &mut toml::Table, path: &[String], value: Option<toml::Value>) {
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut cur = t;
    for p in parents {
        cur = cur.get_mut(p).and_then(toml::Value::as_table_mut).expect("parent table");
    }
    match value {
        Some(v) => {
            cur.insert(last.clone(), v);
        }
        None => {
            cur.remove(last);
        }
    }
}
