//! `mwaagen diff OLD NEW`: what deploying NEW over OLD does, resource by resource.
//!
//! Both specs are compiled and rendered to CloudFormation, and the templates are compared by
//! logical id, property by property (CloudFormation's property names are those its resource
//! schemas use, so [`create_only`] applies as it is). A resource is
//! - added or removed,
//! - replaced when a create-only property changes (naming the property), when its type changes,
//!   or when a create-only property refers to a resource that is replaced (a replaced subnet has
//!   a new id, so the environment whose `SubnetIds` name it is replaced too: the output says why),
//! - otherwise updated in place, with each changed property, old -> new.
//!
//! Replacing or removing a stateful resource (the environment, the bucket, the key, log groups)
//! loses something; the report says what. What the services themselves do beyond the templates
//! (MWAA's Airflow version paths, CloudFormation's refusal to replace a custom-named resource,
//! Terraform's destroy-then-create, the duration of an environment update): [`service`]. Output in
//! Terraform's words: [`terraform`]. The change structures derive `Serialize` for `--format json`.

pub mod create_only;
pub mod explain;
pub mod json;
pub mod service;
pub mod template;
pub mod terraform;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::ir::Ir;
use crate::render::{self, RenderError, Target};
use template::{is_intrinsic, Template};

/// Which tool's words the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Logical ids, CloudFormation types and property names.
    Cfn,
    /// Resource addresses, argument names, HCL values.
    Terraform,
}

/// What happens to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Replace,
    Update,
    Add,
    Remove,
}

/// One step of a property path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Seg {
    Key(String),
    Index(usize),
    /// An item of an array whose items are told apart by a field (`Statement[Sid=ReadBucket]`,
    /// `Tags[Key=Team]`), so that an inserted item does not shift the others.
    Keyed {
        field: String,
        value: String,
    },
}

/// Why a resource is listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Detail {
    /// The resource type changes (always a replacement).
    Type { old: String, new: String },
    /// A property's value changes; `None` is absent.
    Changed { path: Vec<Seg>, old: Option<Value>, new: Option<Value>, forces: bool },
    /// A property refers to `target`, which is replaced: its value changes at deploy time.
    Follows { path: Vec<Seg>, target: String, forces: bool },
    /// A property refers to a parameter whose default changes.
    Parameter { path: Vec<Seg>, name: String, forces: bool },
    /// `DeletionPolicy` or `UpdateReplacePolicy` changes.
    Policy { name: &'static str, old: Option<String>, new: Option<String> },
}

impl Detail {
    fn forces(&self) -> bool {
        match self {
            Detail::Type { .. } => true,
            Detail::Changed { forces, .. } | Detail::Follows { forces, .. } | Detail::Parameter { forces, .. } => {
                *forces
            }
            Detail::Policy { .. } => false,
        }
    }
}

/// One resource that deploying NEW over OLD changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub id: String,
    /// The CloudFormation type (the new one, or the old one of a removed resource).
    pub cfn_type: String,
    pub action: Action,
    pub details: Vec<Detail>,
    /// Whether the resource (the new one of a replacement) is kept when CloudFormation deletes or
    /// replaces it (`DeletionPolicy` / `UpdateReplacePolicy: Retain`; Terraform `prevent_destroy`).
    pub retained: bool,
    /// The custom name a replaced resource keeps (old and new the same): CloudFormation cannot
    /// replace it, so under CloudFormation the update fails ([`service::cfn_named_replacement`]).
    pub custom_name: Option<String>,
}

impl Change {
    /// True for the environment, buckets, keys and log groups: what they hold is lost with them.
    #[must_use]
    pub fn is_stateful(&self) -> bool {
        STATEFUL.contains(&self.cfn_type.as_str())
    }
}

/// A parameter whose default changes (or that comes or goes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterChange {
    pub name: String,
    pub old: Option<Option<Value>>,
    pub new: Option<Option<Value>>,
}

/// One entry of a report: head line, action (`None`: a parameter), detail lines (`true`: a
/// warning about what is lost).
type Block = (String, Option<Action>, Vec<(bool, String)>);

/// The comparison of two templates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    pub parameters: Vec<ParameterChange>,
    /// In the new template's order, then the removed resources in the old one's.
    pub changes: Vec<Change>,
    /// The environment's Airflow version change, with MWAA's verdict.
    pub airflow: Option<service::AirflowChange>,
    /// The new spec's `worker_replacement_strategy` (what an update does to running tasks).
    pub worker_replacement_strategy: Option<String>,
    /// IR kind and Terraform name of each logical id of both specs (for Terraform's words).
    #[serde(skip)]
    names: HashMap<String, (String, String)>,
    /// Whether the new spec's Terraform passes `worker_replacement_strategy` (its hashicorp/aws
    /// constraint admits only releases that have the argument).
    #[serde(skip)]
    terraform_passes_strategy: bool,
}

/// Compares what two compiled specs deploy.
///
/// # Errors
/// A template failed to render or to read back, which is a bug of mwaagen.
pub fn compare(old: &Ir, new: &Ir) -> Result<Diff, RenderError> {
    let template = |ir: &Ir| -> Result<Template, RenderError> {
        let files = render::render(ir, Target::Cfn)?;
        let text = files.first().map_or("", |f| f.contents.as_str());
        template::parse(text).map_err(|e| RenderError(format!("the CloudFormation of {}: {e}", ir.source_name)))
    };
    let mut diff = compare_templates(&template(old)?, &template(new)?);
    for r in old.resources.iter().chain(&new.resources) {
        diff.names
            .insert(r.id.clone(), (r.kind.tag().to_owned(), render::terraform::resource_name(r.kind.tag(), &r.id)));
    }
    let environment = |ir: &Ir| {
        ir.resources.iter().find_map(|r| match &r.kind {
            crate::ir::Kind::MwaaEnvironment(s) => Some((**s).clone()),
            _ => None,
        })
    };
    if let (Some(o), Some(n)) = (environment(old), environment(new)) {
        diff.airflow = service::airflow_change(&o.airflow_version, &n.airflow_version);
        diff.worker_replacement_strategy = n.worker_replacement_strategy;
    }
    diff.terraform_passes_strategy = render::terraform::passes_worker_replacement_strategy(&new.terraform_aws_provider);
    Ok(diff)
}

/// Compares two CloudFormation templates (see the module docs).
#[must_use]
pub fn compare_templates(old: &Template, new: &Template) -> Diff {
    let parameters = parameter_changes(old, new);
    let changed_params: HashSet<&str> = parameters.iter().map(|p| p.name.as_str()).collect();
    let mut changes: IndexMap<String, Change> = IndexMap::new();
    for (id, n) in &new.resources {
        let retained = n.update_replace_policy.as_deref() == Some("Retain");
        let Some(o) = old.resources.get(id) else {
            changes.insert(
                id.clone(),
                Change {
                    id: id.clone(),
                    cfn_type: n.cfn_type.clone(),
                    action: Action::Add,
                    details: Vec::new(),
                    retained,
                    custom_name: None,
                },
            );
            continue;
        };
        let mut details = Vec::new();
        if o.cfn_type == n.cfn_type {
            let co = create_only::paths(&n.cfn_type).unwrap_or(&[]);
            let mut leaves = Vec::new();
            leaf_changes(&o.properties, &n.properties, &mut Vec::new(), &mut leaves);
            for (path, ov, nv) in leaves {
                let forces = forced(co, &path, &o.properties, &n.properties);
                details.push(Detail::Changed { path, old: ov, new: nv, forces });
            }
        } else {
            details.push(Detail::Type { old: o.cfn_type.clone(), new: n.cfn_type.clone() });
        }
        for (name, ov, nv) in [
            ("DeletionPolicy", &o.deletion_policy, &n.deletion_policy),
            ("UpdateReplacePolicy", &o.update_replace_policy, &n.update_replace_policy),
        ] {
            if ov != nv {
                details.push(Detail::Policy { name, old: ov.clone(), new: nv.clone() });
            }
        }
        if details.is_empty() {
            continue;
        }
        let action = if details.iter().any(Detail::forces) { Action::Replace } else { Action::Update };
        changes.insert(
            id.clone(),
            Change { id: id.clone(), cfn_type: n.cfn_type.clone(), action, details, retained, custom_name: None },
        );
    }

    // Replacement propagates through references, until nothing more is replaced.
    let refs: IndexMap<&str, Vec<(Vec<Seg>, String)>> = new
        .resources
        .iter()
        .filter(|(id, n)| old.resources.get(*id).is_some_and(|o| o.cfn_type == n.cfn_type))
        .map(|(id, n)| {
            let mut out = Vec::new();
            references_with_paths(&n.properties, &mut Vec::new(), &mut out);
            (id.as_str(), out)
        })
        .collect();
    let mut replaced: HashSet<String> =
        changes.values().filter(|c| c.action == Action::Replace).map(|c| c.id.clone()).collect();
    loop {
        let mut grew = false;
        for (id, list) in &refs {
            if replaced.contains(*id) {
                continue;
            }
            let co = create_only::paths(&new.resources[*id].cfn_type).unwrap_or(&[]);
            let hit = list.iter().any(|(path, target)| {
                (replaced.contains(target) || changed_params.contains(target.as_str())) && under(co, path)
            });
            if hit {
                replaced.insert((*id).to_owned());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    for (id, list) in &refs {
        let n = &new.resources[*id];
        let co = create_only::paths(&n.cfn_type).unwrap_or(&[]);
        let mut added = Vec::new();
        for (path, target) in list {
            let changed_already = changes.get(*id).is_some_and(|c| {
                c.details.iter().any(|d| matches!(d, Detail::Changed { path: p, .. } if path.starts_with(p)))
            });
            if changed_already {
                continue;
            }
            let forces = under(co, path);
            let d = if replaced.contains(target) {
                Detail::Follows { path: path.clone(), target: target.clone(), forces }
            } else if changed_params.contains(target.as_str()) {
                Detail::Parameter { path: path.clone(), name: target.clone(), forces }
            } else {
                continue;
            };
            if !added.contains(&d) {
                added.push(d);
            }
        }
        if added.is_empty() {
            continue;
        }
        let change = changes.entry((*id).to_owned()).or_insert_with(|| Change {
            id: (*id).to_owned(),
            cfn_type: n.cfn_type.clone(),
            action: Action::Update,
            details: Vec::new(),
            retained: n.update_replace_policy.as_deref() == Some("Retain"),
            custom_name: None,
        });
        change.details.extend(added);
        if change.details.iter().any(Detail::forces) {
            change.action = Action::Replace;
        }
    }
    for (id, o) in &old.resources {
        if !new.resources.contains_key(id) {
            changes.insert(
                id.clone(),
                Change {
                    id: id.clone(),
                    cfn_type: o.cfn_type.clone(),
                    action: Action::Remove,
                    details: Vec::new(),
                    retained: o.deletion_policy.as_deref() == Some("Retain"),
                    custom_name: None,
                },
            );
        }
    }
    // A replaced resource that keeps its custom name (CloudFormation user guide, Name type).
    for c in changes.values_mut().filter(|c| c.action == Action::Replace) {
        let (Some(prop), Some(o), Some(n)) =
            (service::name_property(&c.cfn_type), old.resources.get(&c.id), new.resources.get(&c.id))
        else {
            continue;
        };
        if let (Some(on), Some(nn)) = (o.properties.get(prop), n.properties.get(prop)) {
            if on == nn {
                c.custom_name = Some(nn.as_str().map_or_else(|| cfn_value(nn), str::to_owned));
            }
        }
    }
    // In the new template's order (the propagation pass may have appended some out of order).
    let position = |id: &str| new.resources.get_index_of(id).unwrap_or(usize::MAX);
    let mut changes: Vec<Change> = changes.into_values().collect();
    changes.sort_by_key(|c| (c.action == Action::Remove, position(&c.id)));
    Diff {
        parameters,
        changes,
        airflow: None,
        worker_replacement_strategy: None,
        names: HashMap::new(),
        terraform_passes_strategy: false,
    }
}

fn parameter_changes(old: &Template, new: &Template) -> Vec<ParameterChange> {
    let mut out = Vec::new();
    for (name, default) in &new.parameters {
        let before = old.parameters.get(name);
        if before != Some(default) {
            out.push(ParameterChange { name: name.clone(), old: before.cloned(), new: Some(default.clone()) });
        }
    }
    for (name, default) in &old.parameters {
        if !new.parameters.contains_key(name) {
            out.push(ParameterChange { name: name.clone(), old: Some(default.clone()), new: None });
        }
    }
    out
}

/// Fields that tell the items of an array apart, tried in this order.
const ITEM_KEYS: &[&str] = &["Sid", "Key", "Id"];

/// The field that tells the items of every given array apart: each item an object with that
/// field as a string, no two items of one array with the same value.
fn item_key(arrays: &[&Vec<Value>]) -> Option<&'static str> {
    ITEM_KEYS.iter().copied().find(|k| {
        arrays.iter().all(|items| {
            let values: Vec<Option<&str>> = items.iter().map(|i| i.get(*k).and_then(Value::as_str)).collect();
            !items.is_empty()
                && values.iter().all(Option::is_some)
                && values.iter().collect::<HashSet<_>>().len() == values.len()
        })
    })
}

type Leaf = (Vec<Seg>, Option<Value>, Option<Value>);

/// Every place where `old` and `new` differ, as deep as both sides have objects (intrinsic
/// functions and arrays of another length are compared whole).
fn leaf_changes(old: &Value, new: &Value, path: &mut Vec<Seg>, out: &mut Vec<Leaf>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) if !is_intrinsic(old) && !is_intrinsic(new) => {
            for (k, ov) in o {
                path.push(Seg::Key(k.clone()));
                match n.get(k) {
                    Some(nv) => leaf_changes(ov, nv, path, out),
                    None => out.push((path.clone(), Some(ov.clone()), None)),
                }
                path.pop();
            }
            for (k, nv) in n {
                if !o.contains_key(k) {
                    path.push(Seg::Key(k.clone()));
                    out.push((path.clone(), None, Some(nv.clone())));
                    path.pop();
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if old != new => {
            if let Some(field) = item_key(&[o, n]) {
                let key_of = |v: &Value| v.get(field).and_then(Value::as_str).unwrap_or("").to_owned();
                let seg = |v: &Value| Seg::Keyed { field: field.to_owned(), value: key_of(v) };
                for ov in o {
                    path.push(seg(ov));
                    match n.iter().find(|nv| key_of(nv) == key_of(ov)) {
                        Some(nv) => leaf_changes(ov, nv, path, out),
                        None => out.push((path.clone(), Some(ov.clone()), None)),
                    }
                    path.pop();
                }
                for nv in n {
                    if !o.iter().any(|ov| key_of(ov) == key_of(nv)) {
                        path.push(seg(nv));
                        out.push((path.clone(), None, Some(nv.clone())));
                        path.pop();
                    }
                }
            } else if o.len() == n.len() {
                for (i, (ov, nv)) in o.iter().zip(n).enumerate() {
                    path.push(Seg::Index(i));
                    leaf_changes(ov, nv, path, out);
                    path.pop();
                }
            } else {
                out.push((path.clone(), Some(old.clone()), Some(new.clone())));
            }
        }
        _ if old != new => out.push((path.clone(), Some(old.clone()), Some(new.clone()))),
        _ => {}
    }
}

/// Every reference in `v` (to a logical id, a parameter or a pseudo parameter) with its path.
fn references_with_paths(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, String)>) {
    if is_intrinsic(v) {
        for r in template::references(v) {
            out.push((path.clone(), r));
        }
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                references_with_paths(x, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            let field = item_key(&[items]);
            for (i, x) in items.iter().enumerate() {
                path.push(match field {
                    Some(f) => Seg::Keyed { field: f.to_owned(), value: x[f].as_str().unwrap_or("").to_owned() },
                    None => Seg::Index(i),
                });
                references_with_paths(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether a change at `path` is at or below a create-only property (`*` matches any item).
fn under(create_only: &[Vec<String>], path: &[Seg]) -> bool {
    create_only.iter().any(|p| matches_prefix(p, path) == Match::Covered)
}

#[derive(Debug, PartialEq, Eq)]
enum Match {
    /// `path` is at or below the create-only property.
    Covered,
    /// `path` is above it: the change replaces a whole object that holds it.
    Above,
    No,
}

fn matches_prefix(create_only: &[String], path: &[Seg]) -> Match {
    for (i, name) in create_only.iter().enumerate() {
        let Some(seg) = path.get(i) else { return Match::Above };
        let ok = match seg {
            Seg::Key(k) => k == name,
            Seg::Index(_) | Seg::Keyed { .. } => name == "*",
        };
        if !ok {
            return Match::No;
        }
    }
    Match::Covered
}

/// Whether a change at `path` forces a replacement: it is at or below a create-only property, or
/// it replaces an object that holds one whose value then differs.
fn forced(create_only: &[Vec<String>], path: &[Seg], old: &Value, new: &Value) -> bool {
    create_only.iter().any(|p| match matches_prefix(p, path) {
        Match::Covered => true,
        Match::Above => {
            let upto: Vec<&str> = p.iter().take_while(|s| *s != "*").map(String::as_str).collect();
            let at = |v: &Value| upto.iter().try_fold(v, |v, k| v.get(*k)).cloned();
            at(old) != at(new)
        }
        Match::No => false,
    })
}

/// The CloudFormation types whose resources hold data that a replacement or removal loses.
pub const STATEFUL: &[&str] = &["AWS::MWAA::Environment", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"];

/// What is lost when a resource of `cfn_type` is replaced or removed (`action`); `None` for
/// stateless types. `retained`: CloudFormation keeps the old resource (`UpdateReplacePolicy` or
/// `DeletionPolicy: Retain`), which Terraform writes as `prevent_destroy`.
#[must_use]
pub fn loss(cfn_type: &str, action: Action, retained: bool, language: Language) -> Option<String> {
    let replaced = action == Action::Replace;
    let what = match (cfn_type, replaced, retained) {
        // MWAA user guide, "Amazon MWAA architecture": the Airflow metadata database belongs to
        // the environment and goes with it.
        ("AWS::MWAA::Environment", true, _) => {
            "a new environment with a new, empty Airflow metadata database: the DAG \
             run and task history, XComs, and the connections, variables and pools kept in Airflow are lost; \
             the web server URL changes"
        }
        ("AWS::MWAA::Environment", false, _) => {
            "the environment and its Airflow metadata database are deleted: the DAG \
             run and task history, XComs, and the connections, variables and pools kept in Airflow are lost"
        }
        ("AWS::S3::Bucket", true, true) => {
            "a new, empty bucket: the DAGs, plugins, requirements and every object \
             version stay in the old bucket, which is kept but no longer used: copy them over"
        }
        ("AWS::S3::Bucket", true, false) => {
            "a new, empty bucket; the old one is deleted with the DAGs, plugins, \
             requirements and every object version in it (a bucket that holds objects cannot be deleted: \
             the update then fails)"
        }
        ("AWS::S3::Bucket", false, true) => "the bucket is kept with its objects, but no longer used",
        ("AWS::S3::Bucket", false, false) => {
            "the bucket is deleted with the DAGs, plugins, requirements and every \
             object version in it (a bucket that holds objects cannot be deleted: the update then fails)"
        }
        ("AWS::KMS::Key", true, true) => {
            "a new key: what was encrypted under the old one (bucket objects, logs, \
             the environment's data) can only be read with the old key, which is kept"
        }
        ("AWS::KMS::Key", true, false) => {
            "a new key, and the old one is scheduled for deletion: what was \
             encrypted under it (bucket objects, logs, the environment's data) cannot be read once it is deleted"
        }
        ("AWS::KMS::Key", false, true) => "the key is kept: what was encrypted under it stays readable",
        ("AWS::KMS::Key", false, false) => {
            "the key is scheduled for deletion: what was encrypted under it (bucket \
             objects, logs, the environment's data) cannot be read once it is deleted"
        }
        ("AWS::Logs::LogGroup", true, true) => {
            "a new, empty log group; the old events stay in the old one, which is kept"
        }
        ("AWS::Logs::LogGroup", true, false) => "a new, empty log group; the old one is deleted with its log events",
        ("AWS::Logs::LogGroup", false, true) => "the log group is kept with its events, but no longer written to",
        ("AWS::Logs::LogGroup", false, false) => "the log group is deleted with its log events",
        _ => return None,
    };
    Some(match language {
        // A removed resource block: removed.tf names it with `destroy = false` (Terraform docs,
        // "Remove a resource from state"), so Terraform forgets it and keeps it, as CloudFormation does.
        Language::Terraform if retained && !replaced => format!(
            "{what}: its block goes to a `removed` block with `destroy = false` (modules/mwaa/removed.tf), \
             so `terraform apply` takes it out of the state and leaves it in the account"
        ),
        Language::Terraform if retained => format!(
            "{what}; lifecycle.prevent_destroy makes `terraform apply` refuse to destroy the old one until it is \
             taken out of the state (`terraform state rm`, which keeps it) or the setting is removed"
        ),
        _ => what.to_owned(),
    })
}

impl Diff {
    /// True when NEW deploys exactly what OLD does.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.parameters.is_empty()
    }

    /// The stateful resources that would be replaced (what `--fail-on-replace` refuses).
    #[must_use]
    pub fn stateful_replacements(&self) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.action == Action::Replace && c.is_stateful()).collect()
    }

    /// The name of a resource in `language`.
    #[must_use]
    pub fn name(&self, id: &str, language: Language) -> String {
        match (language, self.names.get(id)) {
            (Language::Terraform, Some((kind, tf_name))) => terraform::address(kind, tf_name),
            _ => id.to_owned(),
        }
    }

    /// The report, as `mwaagen diff` prints it; `color`: ANSI colours (only for a terminal).
    #[must_use]
    pub fn render(&self, old_name: &str, new_name: &str, language: Language, color: bool) -> String {
        let paint = |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
        let mut out = String::new();
        let words = match language {
            Language::Cfn => "CloudFormation resources by logical id",
            Language::Terraform => "Terraform resources by address",
        };
        let _ = writeln!(out, "mwaagen diff {old_name} -> {new_name} ({words})");
        let lines = self.lines(language);
        if lines.is_empty() {
            let _ = writeln!(out, "\nNo changes: both specs deploy the same resources.");
            return out;
        }
        for (head, action, details) in &lines {
            let (mark, code) = match action {
                Some(Action::Replace) => ("-/+", "1;31"),
                Some(Action::Update) | None => ("  ~", "33"),
                Some(Action::Add) => ("  +", "32"),
                Some(Action::Remove) => ("  -", "31"),
            };
            let _ = writeln!(out, "\n{} {head}", paint(code, mark));
            for (warn, text) in details {
                if *warn {
                    let _ = writeln!(out, "      {} {text}", paint("1;31", "!"));
                } else {
                    let _ = writeln!(out, "      {text}");
                }
            }
        }
        let count = |a: Action| self.shown(language).filter(|c| c.action == a).count();
        let stateful = self.stateful_replacements().len();
        let _ = writeln!(
            out,
            "\n{} to replace{}, {} to update in place, {} to add, {} to remove.",
            count(Action::Replace),
            if stateful > 0 { format!(" ({stateful} stateful)") } else { String::new() },
            count(Action::Update),
            count(Action::Add),
            count(Action::Remove),
        );
        out
    }

    /// The changes that `language` shows: Terraform leaves out updates of properties it does not
    /// write (see [`terraform::Place::Absent`]).
    fn shown(&self, language: Language) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.action != Action::Update || !self.details(c, language).is_empty())
    }

    /// Each listed resource (or parameter): its head line, action and detail lines.
    fn lines(&self, language: Language) -> Vec<Block> {
        let mut out = Vec::new();
        for p in &self.parameters {
            let name = match language {
                Language::Cfn => format!("parameter {}", p.name),
                Language::Terraform => format!("variable {}", crate::ir::snake_case(&p.name)),
            };
            let show = |d: &Option<Option<Value>>| match d {
                None => "(no such parameter)".to_owned(),
                Some(None) => "(no default)".to_owned(),
                Some(Some(v)) => self.value(v, language),
            };
            out.push((format!("{name}: default {} -> {}", show(&p.old), show(&p.new)), None, Vec::new()));
        }
        for c in self.shown(language) {
            let verb = match c.action {
                Action::Replace => "is replaced",
                Action::Update => "is updated in place",
                Action::Add => "is added",
                Action::Remove => "is removed",
            };
            let head = match language {
                Language::Cfn => format!("{} ({}) {verb}", c.id, c.cfn_type),
                Language::Terraform => format!("{} {verb}", self.name(&c.id, language)),
            };
            let mut details: Vec<(bool, String)> = self.details(c, language).into_iter().map(|d| (false, d)).collect();
            if matches!(c.action, Action::Replace | Action::Remove) {
                if let Some(lost) = loss(&c.cfn_type, c.action, c.retained, language) {
                    details.push((true, format!("stateful: {lost}")));
                }
            }
            details.extend(self.service_lines(c, language));
            out.push((head, Some(c.action), details));
        }
        out
    }

    /// What the services do with one change beyond what the templates show ([`service`]):
    /// MWAA's verdict on an Airflow version change and what an in-place update of the environment
    /// takes; under CloudFormation, the failure of replacing a resource that keeps its custom name;
    /// under Terraform, destroy-then-create. `true`: a warning.
    #[must_use]
    pub fn service_lines(&self, c: &Change, language: Language) -> Vec<(bool, String)> {
        let mut out = Vec::new();
        // MWAA's version rules are about changing an environment in place: a replacement creates
        // a new environment at the new version.
        if c.cfn_type == "AWS::MWAA::Environment" && c.action == Action::Update {
            if let Some(a) = &self.airflow {
                out.push((!a.allowed, a.says.clone()));
            }
            // A refused version change is not applied at all.
            if self.airflow.as_ref().map_or(true, |a| a.allowed) {
                let strategy = self.worker_replacement_strategy.as_deref();
                out.push((
                    false,
                    service::environment_update(
                        strategy,
                        language == Language::Terraform && !self.terraform_passes_strategy,
                    ),
                ));
            }
        }
        if c.action == Action::Replace {
            match (language, &c.custom_name) {
                (Language::Cfn, Some(name)) => out.push((true, service::cfn_named_replacement(&c.cfn_type, name))),
                // A retained resource cannot be destroyed at all (prevent_destroy: the loss line says so).
                (Language::Terraform, _) if !c.retained => {
                    out.push((c.is_stateful(), service::terraform_replacement(&c.cfn_type)));
                }
                _ => {}
            }
        }
        out
    }

    /// What makes the deploy fail or lose data besides stateful replacements, one sentence each,
    /// for `--fail-on-replace` (exit 3) and the warnings without it: an Airflow version change MWAA
    /// refuses, and under CloudFormation the replacement of a resource that keeps its custom name.
    #[must_use]
    pub fn refusals(&self, language: Language) -> Vec<String> {
        let mut out = Vec::new();
        let in_place =
            self.changes.iter().any(|c| c.cfn_type == "AWS::MWAA::Environment" && c.action == Action::Update);
        if let Some(a) = self.airflow.as_ref().filter(|a| !a.allowed && in_place) {
            out.push(format!("MWAA refuses the Airflow version change {} -> {}: the update fails", a.old, a.new));
        }
        if language == Language::Cfn {
            for c in self.changes.iter().filter(|c| c.action == Action::Replace) {
                if let Some(name) = &c.custom_name {
                    out.push(format!(
                        "CloudFormation cannot replace {} (custom name \"{name}\"): the update fails and rolls back",
                        c.id
                    ));
                }
            }
        }
        out
    }

    /// The detail lines of one change in `language`.
    fn details(&self, c: &Change, language: Language) -> Vec<String> {
        let forces = |f: bool| if f { " (forces replacement)" } else { "" };
        let mut out = Vec::new();
        for d in &c.details {
            match d {
                Detail::Type { old, new } => out.push(format!("Type: {old} -> {new} (forces replacement)")),
                Detail::Changed { path, old, new, forces: f } => {
                    let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                    let show =
                        |v: &Option<Value>| v.as_ref().map_or_else(|| "(none)".to_owned(), |v| self.value(v, language));
                    let (o, n) = elide(&show(old), &show(new));
                    out.push(format!("{p}: {o} -> {n}{}", forces(*f)));
                }
                Detail::Follows { path, target, forces: f } => {
                    let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                    out.push(format!(
                        "{p}: refers to {}, which is replaced{}",
                        self.name(target, language),
                        forces(*f)
                    ));
                }
                Detail::Parameter { path, name, forces: f } => {
                    let Some(p) = self.path(&c.cfn_type, &c.id, path, language) else { continue };
                    let param = match language {
                        Language::Cfn => format!("parameter {name}"),
                        Language::Terraform => format!("variable {}", crate::ir::snake_case(name)),
                    };
                    out.push(format!("{p}: follows {param}, whose default changes{}", forces(*f)));
                }
                Detail::Policy { name, old, new } => {
                    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
                    match language {
                        Language::Cfn => out.push(format!("{name}: {} -> {}", show(old), show(new))),
                        // Terraform has one setting for both: prevent_destroy.
                        Language::Terraform if *name == "DeletionPolicy" => {
                            let pd =
                                |v: &Option<String>| if v.as_deref() == Some("Retain") { "true" } else { "(none)" };
                            out.push(format!("lifecycle.prevent_destroy: {} -> {}", pd(old), pd(new)));
                        }
                        Language::Terraform => {}
                    }
                }
            }
        }
        out
    }

    /// A property path in `language`; `None` when Terraform does not write the property.
    fn path(&self, cfn_type: &str, id: &str, path: &[Seg], language: Language) -> Option<String> {
        if language == Language::Cfn {
            return Some(dotted(String::new(), path, str::to_owned, str::to_owned));
        }
        let Some(Seg::Key(top)) = path.first() else { return Some(String::new()) };
        let rest = &path[1..];
        let own = self.name(id, language);
        let tf_name = self.names.get(id).map_or_else(|| crate::ir::snake_case(id), |(_, n)| n.clone());
        let blocks = |segs: &[Seg]| dotted(String::new(), segs, terraform::nested_key, crate::ir::snake_case);
        let join = |head: String, tail: String| if tail.is_empty() { head } else { format!("{head}.{tail}") };
        Some(match terraform::place(cfn_type, top) {
            terraform::Place::Absent(_) => return None,
            terraform::Place::Arg(arg, below) => {
                let arg = if arg.is_empty() { terraform::nested_key(top) } else { arg.to_owned() };
                match below {
                    terraform::Below::Blocks => join(arg, blocks(rest)),
                    terraform::Below::Json => dotted(arg, rest, str::to_owned, str::to_owned),
                    terraform::Below::Map | terraform::Below::Tags => {
                        let key = match rest.first() {
                            Some(Seg::Key(k) | Seg::Keyed { value: k, .. }) => {
                                format!("[{}]", crate::render::terraform::hcl_string(k))
                            }
                            Some(Seg::Index(i)) => format!("[{i}]"),
                            None => String::new(),
                        };
                        format!("{arg}{key}")
                    }
                }
            }
            terraform::Place::Part { ty, suffix } => {
                join(terraform::module_address(ty, &format!("{tf_name}{suffix}")), blocks(rest))
            }
            terraform::Place::PerItem { ty, suffix } => {
                let item = crate::render::terraform::part_name(&tf_name, suffix);
                match rest.first() {
                    Some(Seg::Index(i)) => {
                        join(terraform::module_address(ty, &format!("{item}{}", i + 1)), blocks(&rest[1..]))
                    }
                    _ => terraform::module_address(ty, &format!("{item}*")),
                }
            }
            terraform::Place::Attachments(ty) => format!("{ty} of {own}"),
        })
    }

    /// A value on one line in `language`.
    fn value(&self, v: &Value, language: Language) -> String {
        match language {
            Language::Cfn => cfn_value(v),
            Language::Terraform => {
                let kind_of = |id: &str| self.names.get(id).map(|(k, _)| k.clone());
                terraform::value(v, &kind_of)
            }
        }
    }
}

/// Two long values that differ in a short stretch, with the text they share before it (and
/// after it) cut to a little context: `…environment/analytics"` -> `…environment/analytics-v2"`.
fn elide(old: &str, new: &str) -> (String, String) {
    /// Values shorter than this are shown whole.
    const LONG: usize = 60;
    /// Characters kept before and after the part that differs.
    const CONTEXT: usize = 20;
    let (o, n): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    if o.len().min(n.len()) < LONG {
        return (old.to_owned(), new.to_owned());
    }
    let prefix = o.iter().zip(&n).take_while(|(a, b)| a == b).count();
    let max_suffix = o.len().min(n.len()) - prefix;
    let suffix = o.iter().rev().zip(n.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    // Cut where a word or path segment starts (or ends), if there is one near.
    let separator = |c: &char| matches!(c, ' ' | '/' | ':' | '"' | ',');
    let mut cut_front = prefix.saturating_sub(CONTEXT);
    if let Some(back) = o[cut_front.saturating_sub(12)..cut_front].iter().rposition(separator) {
        cut_front = cut_front.saturating_sub(12) + back + 1;
    }
    let mut cut_back = suffix.saturating_sub(CONTEXT);
    let tail_start = o.len() - cut_back;
    if let Some(fwd) = o[tail_start..(tail_start + 12).min(o.len())].iter().position(separator) {
        cut_back = o.len() - (tail_start + fwd);
    }
    let show = |chars: &[char]| {
        let mut s = String::new();
        if cut_front > 0 {
            s.push('…');
        }
        s.extend(&chars[cut_front..chars.len() - cut_back]);
        if cut_back > 0 {
            s.push('…');
        }
        s
    };
    if cut_front + cut_back < 10 {
        return (old.to_owned(), new.to_owned());
    }
    (show(&o), show(&n))
}

/// A CloudFormation value (long-form intrinsics) on one line, with short-form intrinsics.
fn cfn_value(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(items) => format!("[{}]", items.iter().map(cfn_value).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if is_intrinsic(v) => {
            let (f, arg) = m.iter().next().map_or(("", &Value::Null), |(k, a)| (k.as_str(), a));
            match (f, arg) {
                ("Ref", Value::String(id)) => format!("!Ref {id}"),
                ("Fn::GetAtt", Value::Array(p)) => {
                    format!("!GetAtt {}", p.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("."))
                }
                (f, arg) => format!("!{} {}", f.trim_start_matches("Fn::"), cfn_value(arg)),
            }
        }
        Value::Object(m) => {
            let items: Vec<String> = m.iter().map(|(k, x)| format!("{k}: {}", cfn_value(x))).collect();
            format!("{{{}}}", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// The reading of a template for `--check`: the logical ids whose resource differs between the
/// committed template and the one mwaagen would write, each with what changes
/// (`MaxWorkers`, `added`, `removed`).
#[must_use]
pub fn resource_summary(old: &Template, new: &Template) -> Vec<String> {
    let diff = compare_templates(old, new);
    let mut out: Vec<String> = diff.parameters.iter().map(|p| format!("parameter {} (default)", p.name)).collect();
    for c in &diff.changes {
        let what = match c.action {
            Action::Add => "added".to_owned(),
            Action::Remove => "removed".to_owned(),
            _ => {
                let mut props: Vec<String> = Vec::new();
                for d in &c.details {
                    let p = match d {
                        Detail::Changed { path, .. }
                        | Detail::Follows { path, .. }
                        | Detail::Parameter { path, .. } => match path.first() {
                            Some(Seg::Key(k)) => k.clone(),
                            _ => continue,
                        },
                        Detail::Type { .. } => "Type".to_owned(),
                        Detail::Policy { name, .. } => (*name).to_owned(),
                    };
                    if !props.contains(&p) {
                        props.push(p);
                    }
                }
                let verb = if c.action == Action::Replace { "replaced" } else { "changed" };
                format!("{verb}: {}", props.join(", "))
            }
        };
        out.push(format!("{} ({what})", c.id));
    }
    out
}

/// `head` followed by the path `segs`: keys joined with `.` (no dot at the very start), indexes as
/// `[i]`, list items picked by a field as `[field=value]`; `key` and `field` spell the names in the
/// target's terms (CloudFormation's as they are, Terraform's blocks in snake_case).
fn dotted(mut s: String, segs: &[Seg], key: impl Fn(&str) -> String, field: impl Fn(&str) -> String) -> String {
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(&key(k));
            }
            Seg::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
            Seg::Keyed { field: f, value } => {
                let _ = write!(s, "[{}={value}]", field(f));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::template::TemplateResource;
    use super::*;
    use serde_json::json;

    fn tpl(resources: Value) -> Template {
        let mut t = Template::default();
        for (id, r) in resources.as_object().into_iter().flatten() {
            t.resources.insert(
                id.clone(),
                TemplateResource {
                    cfn_type: r["Type"].as_str().unwrap_or_default().to_owned(),
                    properties: r["Properties"].clone(),
                    deletion_policy: r.get("DeletionPolicy").and_then(Value::as_str).map(str::to_owned),
                    update_replace_policy: r.get("UpdateReplacePolicy").and_then(Value::as_str).map(str::to_owned),
                },
            );
        }
        t
    }

    fn network(cidr: &str, workers: i64) -> Template {
        tpl(json!({
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": cidr}},
            "Env": {"Type": "AWS::MWAA::Environment", "Properties": {
                "Name": "e", "MaxWorkers": workers,
                "NetworkConfiguration": {"SubnetIds": [{"Ref": "Subnet"}], "SecurityGroupIds": ["sg-1"]}}},
            "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "PolicyDocument": {"Statement": [{"Sid": "A", "Resource": {"Fn::Sub": "${Subnet}"}}]}}}
        }))
    }

    #[test]
    fn a_template_compared_with_itself_has_no_change() {
        assert!(compare_templates(&network("10.0.0.0/24", 5), &network("10.0.0.0/24", 5)).is_empty());
    }

    #[test]
    fn a_worker_count_is_an_update_in_place() {
        let d = compare_templates(&network("10.0.0.0/24", 5), &network("10.0.0.0/24", 6));
        assert_eq!(d.changes.len(), 1);
        assert_eq!((d.changes[0].id.as_str(), d.changes[0].action), ("Env", Action::Update));
        assert!(d.stateful_replacements().is_empty());
    }

    #[test]
    fn a_replaced_subnet_replaces_the_environment_and_updates_what_else_refers_to_it() {
        let d = compare_templates(&network("10.0.0.0/24", 5), &network("10.0.1.0/24", 5));
        let action = |id: &str| d.changes.iter().find(|c| c.id == id).map(|c| c.action);
        assert_eq!(action("Subnet"), Some(Action::Replace));
        assert_eq!(action("Env"), Some(Action::Replace));
        assert_eq!(action("Policy"), Some(Action::Update));
        let env = d.changes.iter().find(|c| c.id == "Env").map(|c| c.details.clone()).unwrap_or_default();
        assert!(matches!(&env[..], [Detail::Follows { target, forces: true, .. }] if target == "Subnet"), "{env:?}");
        assert_eq!(d.stateful_replacements().len(), 1);
    }

    #[test]
    fn a_create_only_property_that_appears_forces_a_replacement() {
        let old = tpl(json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": []}}}));
        let new = tpl(json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "x", "Tags": []}}}));
        let d = compare_templates(&old, &new);
        assert_eq!(d.changes[0].action, Action::Replace);
        let above = tpl(json!({"E": {"Type": "AWS::MWAA::Environment", "Properties": {}}}));
        let with = tpl(
            json!({"E": {"Type": "AWS::MWAA::Environment", "Properties": {"NetworkConfiguration": {"SubnetIds": ["s"]}}}}),
        );
        assert_eq!(compare_templates(&above, &with).changes[0].action, Action::Replace);
    }

    #[test]
    fn items_with_ids_are_matched_by_id() {
        let old = json!([{"Sid": "A", "Resource": "a"}, {"Sid": "B", "Resource": "b"}]);
        let new = json!([{"Sid": "Z", "Resource": "z"}, {"Sid": "A", "Resource": "a"}, {"Sid": "B", "Resource": "c"}]);
        let mut out = Vec::new();
        leaf_changes(&old, &new, &mut Vec::new(), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].0, vec![Seg::Keyed { field: "Sid".into(), value: "B".into() }, Seg::Key("Resource".into())]);
        assert_eq!(out[1].1, None);
    }

    #[test]
    fn long_values_are_cut_to_what_differs() {
        let a = "!Sub \"arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:environment/analytics\"";
        let b = "!Sub \"arn:${AWS::Partition}:airflow:${AWS::Region}:${AWS::AccountId}:environment/analytics-v2\"";
        let (x, y) = elide(a, b);
        assert_eq!(x, "…environment/analytics\"");
        assert_eq!(y, "…environment/analytics-v2\"");
        let (x, y) = elide(
            "\"Amazon MWAA environment analytics: traffic between its own components\"",
            "\"Amazon MWAA environment analytics-v2: traffic between its own components\"",
        );
        assert_eq!(
            (x.as_str(), y.as_str()),
            ("…environment analytics: traffic between its…", "…environment analytics-v2: traffic between its…")
        );
        assert_eq!(elide("short", "other"), ("short".to_owned(), "other".to_owned()));
    }

    #[test]
    fn colour_only_when_asked() {
        let d = compare_templates(&network("10.0.0.0/24", 5), &network("10.0.1.0/24", 5));
        let plain = d.render("a", "b", Language::Cfn, false);
        let coloured = d.render("a", "b", Language::Cfn, true);
        assert!(!plain.contains('\x1b'));
        assert!(coloured.contains("\x1b[1;31m-/+\x1b[0m Env (AWS::MWAA::Environment) is replaced"), "{coloured}");
        let stripped = coloured.replace("\x1b[1;31m", "").replace("\x1b[33m", "").replace("\x1b[0m", "");
        assert_eq!(stripped, plain);
    }

    #[test]
    fn values_show_short_forms() {
        assert_eq!(cfn_value(&json!({"Fn::GetAtt": ["A", "Arn"]})), "!GetAtt A.Arn");
        assert_eq!(cfn_value(&json!({"Fn::Sub": "x${A}"})), "!Sub \"x${A}\"");
        assert_eq!(cfn_value(&json!({"K": [1, "a"]})), "{K: [1, \"a\"]}");
    }
}
