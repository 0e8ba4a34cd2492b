//! `mwaagen diff --format json`: the same comparison as the text report, as one JSON document
//! (docs/formats.md; schema docs/schemas/diff.schema.json). It serializes the change structures
//! of this module as they are: each change with its resource (in the words of `--target`), type,
//! action, properties, what forces a replacement, whether it is stateful and what that loses.

use serde_json::{json, Value};

use super::{loss, Action, Detail, Diff, Language};

/// Version of the JSON shape: raised when a field changes meaning or goes away (fields may be added).
pub const JSON_VERSION: u32 = 1;

fn action(a: Action) -> &'static str {
    match a {
        Action::Replace => "replace",
        Action::Update => "update",
        Action::Add => "add",
        Action::Remove => "remove",
    }
}

impl Diff {
    /// The report as JSON: `old` and `new` name the specs as the text report does.
    #[must_use]
    pub fn to_json(&self, old: &str, new: &str, language: Language) -> String {
        let parameters: Vec<Value> = self
            .parameters
            .iter()
            .map(|p| {
                let name = match language {
                    Language::Cfn => p.name.clone(),
                    Language::Terraform => crate::ir::snake_case(&p.name),
                };
                let default = |d: &Option<Option<Value>>| d.as_ref().map(|v| json!({ "default": v }));
                json!({ "name": name, "old": default(&p.old), "new": default(&p.new) })
            })
            .collect();
        let changes: Vec<Value> = self
            .shown(language)
            .map(|c| {
                let mut properties = Vec::new();
                let mut causes = Vec::new();
                for d in &c.details {
                    let (entry, forces) = match d {
                        Detail::Type { old, new } => {
                            (json!({"path": "Type", "kind": "type", "old": old, "new": new}), true)
                        }
                        Detail::Changed { path, old, new, forces } => {
                            let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                            (json!({"path": p, "kind": "value", "old": old, "new": new}), *forces)
                        }
                        Detail::Follows { path, target, forces } => {
                            let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                            (json!({"path": p, "kind": "follows", "replaced": self.name(target, language)}), *forces)
                        }
                        Detail::Parameter { path, name, forces } => {
                            let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                            (json!({"path": p, "kind": "parameter", "parameter": name}), *forces)
                        }
                        Detail::Policy { name, old, new } => {
                            (json!({"path": name, "kind": "policy", "old": old, "new": new}), false)
                        }
                    };
                    let mut entry = entry;
                    entry["forces_replacement"] = json!(forces);
                    if forces {
                        causes.push(entry["path"].clone());
                    }
                    properties.push(entry);
                }
                let lost = if matches!(c.action, Action::Replace | Action::Remove) {
                    loss(&c.cfn_type, c.action, c.retained, language)
                } else {
                    None
                };
                json!({
                    "resource": self.name(&c.id, language),
                    "logical_id": c.id,
                    "type": c.cfn_type,
                    "action": action(c.action),
                    "stateful": c.is_stateful(),
                    "retained": c.retained,
                    "replacement_cause": if c.action == Action::Replace { Value::from(causes) } else { Value::Null },
                    "loss": lost,
                    "custom_name": c.custom_name,
                    "service": self
                        .service_lines(c, language)
                        .into_iter()
                        .map(|(warning, text)| json!({"warning": warning, "text": text}))
                        .collect::<Vec<_>>(),
                    "properties": properties,
                })
            })
            .collect();
        let count = |a: Action| self.shown(language).filter(|c| c.action == a).count();
        let doc = json!({
            "version": JSON_VERSION,
            "tool": {"name": "mwaagen", "version": env!("CARGO_PKG_VERSION")},
            "old": old,
            "new": new,
            "target": match language { Language::Cfn => "cfn", Language::Terraform => "terraform" },
            "summary": {
                "replace": count(Action::Replace),
                "stateful_replacements": self.stateful_replacements().len(),
                "update": count(Action::Update),
                "add": count(Action::Add),
                "remove": count(Action::Remove),
            },
            "airflow": self.airflow,
            "refusals": self.refusals(language),
            "parameters": parameters,
            "changes": changes,
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }
}
