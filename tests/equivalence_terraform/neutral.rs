//! The neutral form both sides are normalized into, and the helpers that build it.

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Neutral {
    pub(crate) kind: String,
    pub(crate) props: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Stack {
    pub(crate) resources: BTreeMap<String, Neutral>,
    pub(crate) outputs: BTreeMap<String, Value>,
    /// Values passed in at deploy time: CloudFormation parameters, Terraform variables (snake case).
    pub(crate) parameters: BTreeMap<String, Value>,
    /// The spec's inputs (snake case): kind (`string` or `list`), description, and the AWS rule
    /// that checks a value (`message`, and for a String parameter `pattern`, `min`, `max`).
    pub(crate) inputs: BTreeMap<String, Value>,
}

/// Literal text in the neutral string form.
pub(crate) fn lit(s: &str) -> String {
    s.replace("${", "$${")
}

pub(crate) fn reference(id: &str, attr: &str) -> String {
    format!("${{ref:{id}.{attr}}}")
}

/// The spec's input NAME (a CloudFormation parameter without default, a Terraform variable
/// without default), which both sides leave symbolic: what matters is where it goes.
pub(crate) fn input(name: &str) -> String {
    format!("${{input:{name}}}")
}

/// Item `i` of a list: of a list input `${input:NAME[i]}`, else `{"select": [i, LIST]}`.
pub(crate) fn select(i: i64, list: Value) -> Value {
    match list.as_str().and_then(|s| s.strip_prefix("${input:")).and_then(|s| s.strip_suffix('}')) {
        Some(name) if !name.contains('[') => json!(format!("${{input:{name}[{i}]}}")),
        _ => json!({"select": [i, list]}),
    }
}

/// `join(sep, items)`; with no separator and strings only, the string they make (a CloudFormation
/// `!Join ["", [...]]` is a Terraform template `"${...}..."`).
pub(crate) fn join(sep: Value, items: Value) -> Value {
    if sep == json!("") {
        if let Some(parts) = items.as_array().and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
            return json!(parts.concat());
        }
    }
    json!({"join": [sep, items]})
}

/// Lists concatenated: adjacent literal lists are merged, so that `concat([a], [b], L)` and
/// `concat([a, b], L)` are one form; a single part is the list itself.
pub(crate) fn concat(parts: Vec<Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Value::Array(prev)), Value::Array(items)) => prev.extend(items),
            (_, p) => out.push(p),
        }
    }
    if out.len() == 1 {
        return out.remove(0);
    }
    json!({ "concat": out })
}

/// Ids that a neutral value refers to.
pub(crate) fn referenced_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${ref:") {
                let tail = &rest[i + 6..];
                let end = tail.find('.').unwrap_or(tail.len());
                out.insert(tail[..end].to_owned());
                rest = &tail[end..];
            }
        }
        Value::Array(a) => a.iter().for_each(|v| referenced_ids(v, out)),
        Value::Object(m) => m.values().for_each(|v| referenced_ids(v, out)),
        _ => {}
    }
}

/// `depends_on` in neutral form: the ids a resource must wait for beyond those it refers to.
pub(crate) fn explicit_dependencies(
    id: &str,
    props: &BTreeMap<String, Value>,
    deps: BTreeSet<String>,
) -> Option<Value> {
    let mut refs = BTreeSet::new();
    for (k, v) in props {
        if k != "depends_on" {
            referenced_ids(v, &mut refs);
        }
    }
    let left: Vec<Value> = deps.into_iter().filter(|d| d != id && !refs.contains(d)).map(Value::String).collect();
    (!left.is_empty()).then(|| Value::Array(left))
}

pub(crate) fn sorted(v: Value) -> Value {
    match v {
        Value::Array(mut a) => {
            a.sort_by_key(Value::to_string);
            Value::Array(a)
        }
        other => other,
    }
}

/// The properties of one resource (or nested structure) being normalized: taking a property
/// removes it; what is left at the end is kept as `unmapped.NAME`.
pub(crate) struct Props {
    pub(crate) map: Map<String, Value>,
}

impl Props {
    pub(crate) fn new(v: Option<Value>) -> Self {
        match v {
            Some(Value::Object(map)) => Props { map },
            None | Some(Value::Null) => Props { map: Map::new() },
            Some(other) => Props { map: Map::from_iter([("unmapped.value".to_owned(), other)]) },
        }
    }

    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Moves `from` (if present) to `out[to]`.
    pub(crate) fn rename(&mut self, out: &mut BTreeMap<String, Value>, pairs: &[(&str, &str)]) {
        for (from, to) in pairs {
            if let Some(v) = self.take(from) {
                out.insert((*to).to_owned(), v);
            }
        }
    }

    pub(crate) fn finish(self, out: &mut BTreeMap<String, Value>) {
        for (k, v) in self.map {
            out.insert(format!("unmapped.{k}"), v);
        }
    }

    /// A nested structure, normalized by `f` into a JSON object.
    pub(crate) fn nested(
        &mut self,
        key: &str,
        f: impl FnOnce(&mut Props, &mut BTreeMap<String, Value>),
    ) -> Option<Value> {
        let v = self.take(key)?;
        let mut p = Props::new(Some(v));
        let mut out = BTreeMap::new();
        f(&mut p, &mut out);
        p.finish(&mut out);
        Some(Value::Object(out.into_iter().collect()))
    }
}
