//! IR in, ordered files out. The one place that dispatches on the target.
//!
//! Templates are Tera files under `templates/<target>/`, embedded in the binary and parsed once
//! per process. Autoescape is off; each target escapes explicitly in its own Rust filters.

pub mod cdk;
pub mod cfn;
pub mod terraform;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use tera::{Context, Tera, Value};

use crate::ir::{Expr, Ir};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// CloudFormation YAML.
    Cfn,
    /// A Terraform configuration (HCL).
    Terraform,
    /// A CDK v2 TypeScript app.
    Cdk,
    /// The IR as JSON, for debugging.
    Ir,
}

impl Target {
    /// Every target that `--target all` writes, in order.
    pub const ALL: &'static [Target] = &[Target::Cfn, Target::Terraform, Target::Cdk];

    /// The name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Target::Cfn => "cfn",
            Target::Terraform => "terraform",
            Target::Cdk => "cdk",
            Target::Ir => "ir",
        }
    }

    /// Text that every file generated for this target carries in its header, so that `--check`
    /// can recognise files this target generated earlier and no longer produces.
    #[must_use]
    pub fn marker(self) -> String {
        format!("(--target {})", self.name())
    }

    /// The folder this target's files go to under `--target all`.
    #[must_use]
    pub fn folder(self) -> &'static str {
        match self {
            Target::Cfn => "cloudformation",
            Target::Terraform => "terraform",
            Target::Cdk => "cdk",
            Target::Ir => "ir",
        }
    }
}

/// One generated file: a path relative to the output folder, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

/// Rendering failed: a template or filter error. This is a bug in mwaagen, never in the spec.
#[derive(Debug, Clone)]
pub struct RenderError(pub String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internal error while rendering: {} (please report this as a bug of mwaagen)", self.0)
    }
}

impl std::error::Error for RenderError {}

/// One engine per target, each parsing only its own templates, the first time that target is
/// rendered: `--target cfn` parses no Terraform or CDK template, and under `--target all` the
/// three are parsed side by side on the threads that render them.
fn engine(target: Target) -> Result<&'static Tera, RenderError> {
    static ENGINES: [OnceLock<Result<Tera, String>>; 4] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match target {
        Target::Cfn => 0,
        Target::Terraform => 1,
        Target::Cdk => 2,
        Target::Ir => 3,
    };
    ENGINES[slot]
        .get_or_init(|| {
            let mut tera = Tera::default();
            tera.autoescape_on(Vec::new());
            tera.add_raw_templates(templates_of(target).iter().copied()).map_err(|e| error_chain(&e))?;
            cfn::register(&mut tera);
            terraform::register(&mut tera);
            cdk::register(&mut tera);
            Ok(tera)
        })
        .as_ref()
        .map_err(|e| RenderError(e.clone()))
}

/// Starts parsing the templates of `targets` on a background thread and returns at once.
///
/// Parsing does not depend on the spec, so it can overlap reading and validating the specs (and
/// a new thread's start-up delay). Whatever the background thread has not parsed by the time a
/// template is needed is parsed by the thread that needs it; an engine is never parsed twice.
pub fn warm(targets: &[Target]) {
    let mut order: Vec<Target> = targets.iter().copied().filter(|t| *t != Target::Ir).collect();
    if order.len() < 2 {
        // One engine: the thread that renders it would only wait for the parse (measured slower).
        return;
    }
    // Largest template set first: the rendering threads take the targets in the opposite order.
    order.sort_by_key(|t| std::cmp::Reverse(parse_cost(*t)));
    let spawned = std::thread::Builder::new().name("mwaagen-warm".into()).spawn(move || {
        for t in order {
            // An error is reported by the rendering thread, which sees the same result.
            let _ = engine(t);
        }
    });
    // No thread (e.g. a resource limit): the templates are parsed on first use instead.
    drop(spawned);
}

/// A target's templates, (name, text); the IR is printed without any.
fn templates_of(target: Target) -> &'static [(&'static str, &'static str)] {
    match target {
        Target::Cfn => cfn::TEMPLATES,
        Target::Terraform => terraform::TEMPLATES,
        Target::Cdk => cdk::TEMPLATES,
        Target::Ir => &[],
    }
}

/// Relative parse cost of a target's templates (bytes of template text).
pub(crate) fn parse_cost(target: Target) -> usize {
    templates_of(target).iter().map(|(_, text)| text.len()).sum()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// The first line(s) of every generated file, as plain text (each target adds its comment marker).
#[must_use]
pub fn header_lines(ir: &Ir, target: Target) -> [String; 2] {
    header_lines_from(&ir.source_name, target)
}

/// [`header_lines`] of files generated from `source` (a spec's name, or "N specs").
#[must_use]
pub fn header_lines_from(source: &str, target: Target) -> [String; 2] {
    [
        format!("{GENERATED_MARKER} {} {} from {source}. DO NOT EDIT.", env!("CARGO_PKG_VERSION"), target.marker()),
        "Change the spec and run mwaagen again: edits to this file are overwritten.".to_owned(),
    ]
}

/// Marker that every generated file carries, so that `--check` can tell stale generated files apart.
pub const GENERATED_MARKER: &str = "Generated by mwaagen";

/// Renders one target.
///
/// # Errors
/// A [`RenderError`] if a template fails, which is a bug of mwaagen.
pub fn render(ir: &Ir, target: Target) -> Result<Vec<OutputFile>, RenderError> {
    match target {
        Target::Cfn => {
            let mut files = cfn::render(ir)?;
            if !ir.imports.is_empty() {
                files.push(OutputFile { path: "resources-to-import.json".into(), contents: resources_to_import(ir)? });
            }
            Ok(files)
        }
        Target::Terraform => terraform::render(ir),
        Target::Cdk => cdk::render(ir),
        Target::Ir => {
            let json = serde_json::to_string_pretty(ir).map_err(|e| RenderError(e.to_string()))?;
            Ok(vec![OutputFile { path: "ir.json".into(), contents: json + "\n" }])
        }
    }
}

/// `adopt = true`, CloudFormation: the `--resources-to-import` of a change set of type IMPORT
/// (CloudFormation API, CreateChangeSet `ResourcesToImport`: ResourceType, LogicalResourceId and
/// ResourceIdentifier, the type's primary identifier). JSON has no comments, so the file carries
/// no header; `--check` knows it by its name beside the template.
fn resources_to_import(ir: &Ir) -> Result<String, RenderError> {
    let items: Vec<serde_json::Value> = ir
        .imports
        .iter()
        .map(|i| {
            let r =
                ir.get(&i.id).ok_or_else(|| RenderError(format!("import of {}, which is not in the stack", i.id)))?;
            let ty = cfn::cfn_type(r.kind.tag()).ok_or_else(|| RenderError(format!("no type for {}", i.id)))?;
            Ok(serde_json::json!({
                "ResourceType": ty,
                "LogicalResourceId": i.id,
                "ResourceIdentifier": { i.property.clone(): i.value },
            }))
        })
        .collect::<Result<_, RenderError>>()?;
    serde_json::to_string_pretty(&items).map(|t| t + "\n").map_err(|e| RenderError(e.to_string()))
}

/// The standard context, built once per target and reused for each of its templates.
///
/// Terraform and CDK pass their templates the resources in a form of their own (`views`,
/// `resources`), so their `ir` leaves the resources out: serializing them a second time was a
/// tenth of the render time.
pub(crate) fn base_context(ir: &Ir, target: Target) -> Context {
    let mut ctx = Context::new();
    match target {
        Target::Ir => ctx.insert("ir", ir),
        Target::Cfn | Target::Terraform | Target::Cdk => ctx.insert("ir", &IrHead::from(ir)),
    }
    ctx.insert("header", &header_lines(ir, target));
    ctx
}

/// Every field of [`Ir`] but `resources`.
#[derive(serde::Serialize)]
struct IrHead<'a> {
    source_name: &'a str,
    environment_name: &'a str,
    description: &'a str,
    region: Option<&'a str>,
    stack_name: &'a str,
    terraform_aws_provider: &'a str,
    account_id: Option<&'a str>,
    terraform_layout: crate::model::TerraformLayout,
    uses_az_lookup: bool,
    parameters: &'a [crate::ir::Parameter],
    tags: &'a indexmap::IndexMap<String, String>,
    outputs: &'a [crate::ir::Output],
    inputs: &'a [crate::ir::Input],
}

impl<'a> From<&'a Ir> for IrHead<'a> {
    fn from(ir: &'a Ir) -> Self {
        // Destructured so that a new field of `Ir` cannot be forgotten here.
        let Ir {
            source_name,
            environment_name,
            description,
            region,
            stack_name,
            terraform_aws_provider,
            account_id,
            terraform_layout,
            uses_az_lookup,
            parameters,
            inputs,
            tags,
            resources: _,
            outputs,
            imports: _,
        } = ir;
        Self {
            source_name,
            environment_name,
            description,
            region: region.as_deref(),
            stack_name,
            terraform_aws_provider,
            account_id: account_id.as_deref(),
            terraform_layout: *terraform_layout,
            uses_az_lookup: *uses_az_lookup,
            parameters,
            inputs,
            tags,
            outputs,
        }
    }
}

/// Renders one template with a context made by [`base_context`] and extended by the caller.
pub(crate) fn render_ctx(target: Target, template: &str, ctx: &Context) -> Result<String, RenderError> {
    engine(target)?.render(template, ctx).map_err(|e| RenderError(error_chain(&e)))
}

/// Reads a filter argument that must be an IR [`Expr`].
pub(crate) fn expr_arg(value: &Value) -> tera::Result<Expr> {
    Expr::deserialize(value).map_err(|e| tera::Error::msg(format!("expected an IR expression, got {value}: {e}")))
}

/// Reads a filter argument of any deserializable type, borrowing the value instead of cloning it.
pub(crate) fn json_arg<T: serde::de::DeserializeOwned>(value: &Value) -> tera::Result<T> {
    T::deserialize(value).map_err(|e| tera::Error::msg(e.to_string()))
}

/// Reads an integer keyword argument with a default.
pub(crate) fn usize_arg(args: &HashMap<String, Value>, name: &str, default: usize) -> usize {
    args.get(name).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok()).unwrap_or(default)
}
