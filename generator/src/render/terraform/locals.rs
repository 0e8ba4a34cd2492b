//! Values that many resources share, stated once in `locals.tf` and referred to where they are
//! used, as a Terraform engineer would write them: the deployment's account, partition and region
//! (read from their data sources), the environment's name and ARN, and the spec's tags. A change
//! of the spec's tags then changes one line of the configuration instead of one per resource.
//!
//! CloudFormation has no such values; the IR states every value where it is used, and this
//! module finds the shared ones: the spec's tags ([`Ir::shared_tags`]) and the environment's ARN
//! ([`environment_arn`]), which the resources refer to as `local.NAME`.

use indexmap::IndexMap;
use serde::Serialize;

use super::hcl::{expr, hcl_key, hcl_string, pseudo_source, LOCAL};
use super::views::DataUse;
use crate::ir::{environment_arn, Attr, Expr, Ir, Part, Pseudo, Ref, SharedTags};
use crate::render::RenderError;

/// What `locals.tf` sets: each value as HCL text.
#[derive(Debug, Serialize)]
pub(super) struct Locals {
    /// `(name, data source attribute)` of each deployment value that the configuration reads.
    deployment: Vec<(&'static str, &'static str)>,
    /// The environment's name and ARN, set when some resource names the ARN (the environment's
    /// `name` then refers to the name too).
    environment_name: Option<String>,
    environment_arn: Option<String>,
    /// The spec's tags, unless it has none.
    tags: Option<String>,
}

impl Locals {
    /// The locals of `ir`; `arn_used` says whether [`rewrite`] referred any resource to
    /// `local.environment_arn`.
    pub(super) fn new(ir: &Ir, data: &DataUse, arn_used: bool) -> Self {
        let region_attribute = super::provider::features(&ir.terraform_aws_provider).region_attribute;
        let mut deployment = Vec::new();
        for (used, name, p) in [
            (data.account_id, "account_id", Pseudo::AccountId),
            (data.partition, "partition", Pseudo::Partition),
            (data.region, "region", Pseudo::Region),
        ] {
            if used {
                deployment.push((name, pseudo_source(p, region_attribute)));
            }
        }
        // The ARN with the name as `${local.environment_name}`, so that the name is written once.
        let environment_arn = arn_used.then(|| {
            let arn = match environment_arn("") {
                Expr::Sub(mut parts) => {
                    parts.push(Part::Ref(local("environment_name")));
                    Expr::Sub(parts)
                }
                other => other,
            };
            expr(&arn, 2)
        });
        let tags = (!ir.tags.is_empty()).then(|| expr(&string_map(&ir.tags), 2));
        let environment_name = arn_used.then(|| hcl_string(&ir.environment_name));
        Locals { deployment, environment_name, environment_arn, tags }
    }

    /// Whether there is any local value (else there is no `locals.tf`).
    pub(super) fn any(&self) -> bool {
        !self.deployment.is_empty() || self.environment_name.is_some() || self.tags.is_some()
    }
}

/// A reference to the local value `name`.
fn local(name: &str) -> Ref {
    Ref { id: name.to_owned(), kind: LOCAL.to_owned(), attr: Attr::Id }
}

/// A map of strings as an IR map (written as an HCL object).
pub(super) fn string_map(map: &IndexMap<String, String>) -> Expr {
    Expr::Map(map.iter().map(|(k, v)| (k.clone(), Expr::s(v.clone()))).collect())
}

/// The value of a resource's `tags` argument (at indent 2): the spec's tags as `local.tags`,
/// merged with the resource's own `Name`; a map of its own when it shares nothing (or the spec
/// has no tags: then a `Name` alone is `{ Name = "..." }`).
pub(super) fn tags_expr(ir: &Ir, tags: Option<&IndexMap<String, String>>) -> Option<String> {
    let tags = tags.filter(|t| !t.is_empty())?;
    let shared = if ir.tags.is_empty() { SharedTags::Own } else { ir.shared_tags(tags) };
    Some(match shared {
        SharedTags::Spec => "local.tags".to_owned(),
        SharedTags::SpecAndName(name) => format!("merge(local.tags, {{ Name = {} }})", hcl_string(name)),
        SharedTags::Own => match tags.iter().next() {
            Some((k, v)) if tags.len() == 1 => format!("{{ {} = {} }}", hcl_key(k), hcl_string(v)),
            _ => expr(&string_map(tags), 2),
        },
    })
}

/// What the templates see of each resource whose properties hold the environment's ARN: its
/// JSON with `local.environment_arn` in place of the ARN (`None` for every other resource, seen
/// as it is), and whether there was any.
///
/// # Errors
/// If a resource does not serialize, which is a bug of mwaagen.
pub(super) fn rewrite(ir: &Ir) -> Result<(Vec<Option<serde_json::Value>>, bool), RenderError> {
    let arn = environment_arn(&ir.environment_name);
    let (from, to) = (json(&arn)?, json(&Expr::Ref(local("environment_arn")))?);
    let mut any = false;
    let mut out = Vec::with_capacity(ir.resources.len());
    for r in &ir.resources {
        if !r.kind.exprs().iter().any(|e| contains(e, &arn)) {
            out.push(None);
            continue;
        }
        any = true;
        let mut value = json(r)?;
        replace(&mut value, &from, &to);
        out.push(Some(value));
    }
    Ok((out, any))
}

fn json<T: Serialize>(v: &T) -> Result<serde_json::Value, RenderError> {
    serde_json::to_value(v).map_err(|e| RenderError(e.to_string()))
}

fn contains(e: &Expr, target: &Expr) -> bool {
    e == target
        || match e {
            Expr::Join { items, .. } | Expr::List(items) | Expr::Concat(items) => {
                items.iter().any(|i| contains(i, target))
            }
            Expr::Select { list: e, .. } | Expr::Split { of: e, .. } => contains(e, target),
            Expr::Map(m) => m.values().any(|v| contains(v, target)),
            Expr::Str(_)
            | Expr::Int(_)
            | Expr::Bool(_)
            | Expr::Ref(_)
            | Expr::Pseudo(_)
            | Expr::Sub(_)
            | Expr::Az(_)
            | Expr::Input(_) => false,
        }
}

/// Replaces every subtree equal to `from` (a serialized [`Expr::Sub`]) with `to`.
fn replace(v: &mut serde_json::Value, from: &serde_json::Value, to: &serde_json::Value) {
    match v {
        serde_json::Value::Object(m) if m.contains_key("sub") && *v == *from => v.clone_from(to),
        serde_json::Value::Object(m) => m.values_mut().for_each(|i| replace(i, from, to)),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| replace(i, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir_of as ir;

    #[test]
    fn tags_refer_to_the_spec_tags_and_keep_their_own() {
        let ir = ir("version = 1\n[environment]\nname = \"e\"\n[tags]\nTeam = \"t\"\n");
        let tags = |id: &str| tags_expr(&ir, ir.get(id).and_then(|r| r.tags.as_ref()));
        assert_eq!(tags("VPC").as_deref(), Some("merge(local.tags, { Name = \"e\" })"));
        assert_eq!(tags("ExecutionRole").as_deref(), Some("local.tags"));
        assert_eq!(tags("MwaaEnvironment").as_deref(), Some("local.tags"));
        assert_eq!(tags("VPCGatewayAttachment"), None);
        // A spec without tags shares nothing: each resource keeps its Name as a map of its own.
        let bare = self::ir("version = 1\n[environment]\nname = \"e\"\n");
        let vpc = bare.get("VPC").and_then(|r| r.tags.as_ref());
        assert_eq!(tags_expr(&bare, vpc).as_deref(), Some("{ Name = \"e\" }"));
        assert_eq!(tags_expr(&bare, bare.get("ExecutionRole").and_then(|r| r.tags.as_ref())), None);
    }

    #[test]
    fn the_environment_arn_becomes_a_local() {
        let ir = ir("version = 1\n[environment]\nname = \"e\"\n");
        let (rewritten, any) = rewrite(&ir).expect("rewrites");
        assert!(any);
        let changed: Vec<&str> =
            ir.resources.iter().zip(&rewritten).filter(|(_, j)| j.is_some()).map(|(r, _)| r.id.as_str()).collect();
        assert_eq!(changed, ["ExecutionRole", "ExecutionPolicy"]);
        let arn = json(&environment_arn("e")).expect("serializes").to_string();
        let local = json(&Expr::Ref(local("environment_arn"))).expect("serializes").to_string();
        for j in rewritten.iter().flatten() {
            let text = j.to_string();
            assert!(!text.contains(&arn) && text.contains(&local), "{text}");
        }
        let locals =
            Locals::new(&ir, &DataUse { region: true, account_id: true, partition: true, ..DataUse::default() }, any);
        assert_eq!(
            locals.environment_arn.as_deref(),
            Some("\"arn:${local.partition}:airflow:${local.region}:${local.account_id}:environment/${local.environment_name}\"")
        );
    }
}
