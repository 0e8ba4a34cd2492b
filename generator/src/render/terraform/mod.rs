//! Terraform HCL backend: the IR as a root module for hashicorp/aws 5.x.
//!
//! Templates under `templates/terraform/` write the blocks; this module gives them
//! - filters that escape strings and write IR expressions as HCL (`hcl_str`, `hcl`, `hcl_json`,
//!   `hcl_map`, `hcl_list`, `hcl_key`, `tf_comment`),
//! - a per-resource view with what only Terraform needs: the `aws_*` type, the names of the extra
//!   resources one IR resource becomes (bucket settings, rules, attachments) and `depends_on`
//!   as Terraform addresses,
//! - and [`align`], which lines up `=` signs exactly like `terraform fmt`, so that every generated
//!   file is already formatted.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use indexmap::IndexMap;
use tera::{Tera, Value};

use super::{expr_arg, usize_arg, OutputFile, RenderError, Target};
use crate::ir::{Expr, Ir};
use crate::model::TerraformLayout;

mod align;
mod for_each;
mod hcl;
mod kinds;
mod locals;
mod names;
mod provider;
mod tftest;
mod views;

pub use align::align;
pub use hcl::{expr, hcl_key, hcl_string};
pub(crate) use hcl::{pseudo, traversal};
pub use kinds::tf_type;
pub use views::bucket_prefix;

/// The Terraform name of resource `id` of IR kind `kind` in the module, with its `for_each` key
/// (`private["az1"]`); see [`names`].
#[must_use]
pub fn resource_name(kind: &str, id: &str) -> String {
    let t = names::tf_name(kind, id, tf_type(kind).unwrap_or("UNKNOWN_KIND"));
    match t.key {
        Some(k) => format!("{}[\"{k}\"]", t.name),
        None => t.name,
    }
}

/// The name of an extra resource (`egress_1`) of a resource named `n`.
#[must_use]
pub fn part_name(n: &str, role: &str) -> String {
    names::part_name(n, role)
}

use hcl::{comment_text, with_attr};
use kinds::RESOURCE_FILES;
use provider::{features, provider_note};
use views::{mocks, types_of, views, DataUse, View};

/// This backend's templates, embedded at build time: (name, text).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("terraform/macros.tera", include_str!("../../../../templates/terraform/macros.tera")),
    ("terraform/versions.tf", include_str!("../../../../templates/terraform/versions.tf.tera")),
    ("terraform/providers.tf", include_str!("../../../../templates/terraform/providers.tf.tera")),
    ("terraform/variables.tf", include_str!("../../../../templates/terraform/variables.tf.tera")),
    ("terraform/data.tf", include_str!("../../../../templates/terraform/data.tf.tera")),
    ("terraform/locals.tf", include_str!("../../../../templates/terraform/locals.tf.tera")),
    ("terraform/resources.tf", include_str!("../../../../templates/terraform/resources.tf.tera")),
    ("terraform/adopt.tf", include_str!("../../../../templates/terraform/adopt.tf.tera")),
    ("terraform/tests/release/main.tf", include_str!("../../../../templates/terraform/tests/release/main.tf.tera")),
    ("terraform/root/main.tf", include_str!("../../../../templates/terraform/root/main.tf.tera")),
    ("terraform/removed.tf", include_str!("../../../../templates/terraform/removed.tf.tera")),
    ("terraform/root/gitignore", include_str!("../../../../templates/terraform/root/gitignore.tera")),
];

/// Where the module goes in the root configuration.
pub const MODULE_DIR: &str = "modules/mwaa";

/// The provider version mwaagen generates for and tests with (`terraform validate`, the mocked
/// `terraform test`, and the apply against moto in scripts/check-apply.sh).
pub const TESTED_AWS_PROVIDER: &str = "5.100.0";

/// The oldest provider the output is known to work with: the lower bound of the default
/// constraint. Why it is the tested version and not an older one: see [`provider`]'s notes.
pub const OLDEST_AWS_PROVIDER: (u64, u64, u64) = (5, 100, 0);

/// Whether the Terraform of a spec with this hashicorp/aws constraint sets
/// `worker_replacement_strategy` on the environment (only releases from 6.12.0 on have it).
#[must_use]
pub fn passes_worker_replacement_strategy(constraint: &str) -> bool {
    features(constraint).worker_replacement_strategy
}

/// The oldest Terraform the generated configuration needs: 1.7 for the `removed` blocks of
/// removed.tf (the generated test needs 1.11).
pub const REQUIRED_TERRAFORM: &str = ">= 1.7.0";

/// What CloudFormation retains when a spec creates it (DeletionPolicy Retain in lower/: the MWAA log
/// groups, the bucket, the environment's key): (kind, logical id, Terraform types of the resource
/// and of the extra resources it becomes, all retained with it).
const RETAINABLE: &[(&str, &str, &[&str])] = &[
    ("log_group", "DagProcessingLogGroup", &["aws_cloudwatch_log_group"]),
    ("log_group", "SchedulerLogGroup", &["aws_cloudwatch_log_group"]),
    ("log_group", "TaskLogGroup", &["aws_cloudwatch_log_group"]),
    ("log_group", "WebserverLogGroup", &["aws_cloudwatch_log_group"]),
    ("log_group", "WorkerLogGroup", &["aws_cloudwatch_log_group"]),
    (
        "bucket",
        "EnvironmentBucket",
        &[
            "aws_s3_bucket",
            "aws_s3_bucket_versioning",
            "aws_s3_bucket_public_access_block",
            "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_lifecycle_configuration",
        ],
    ),
    ("kms_key", "EnvironmentKey", &["aws_kms_key"]),
];

/// The root's `moved.tf`: a `moved` block from each address of earlier mwaagen output to the
/// module's. Written here rather than in a template, like the other files that are loops over
/// many items: parsing and evaluating template text costs more than writing it
/// (docs/performance.md).
fn moved_tf(header: &[String; 2], views: &[View<'_>]) -> String {
    let mut s = format!(
        "# {}\n# {}\n\n# Earlier mwaagen output declared these resources in this root, named after the CloudFormation\n\
         # logical ids (aws_subnet.private_subnet_1). These blocks move what a state made from that output\n\
         # holds to the module's addresses, so that `terraform plan` shows moves, not replacements.\n\
         # A block whose old address is not in the state does nothing.",
        header[0], header[1]
    );
    for (from, to) in views.iter().flat_map(|v| &v.tf.moved) {
        let _ = write!(s, "\n\nmoved {{\n  from = {from}\n  to = module.mwaa.{to}\n}}");
    }
    s
}

/// The module's `outputs.tf`: the outputs of the CloudFormation template, in snake case. A list
/// that CloudFormation joins into one string (outputs are strings there) stays a list.
fn outputs_tf(header: &[String; 2], ir: &Ir) -> String {
    let mut s = format!("# {}\n# {}", header[0], header[1]);
    for o in &ir.outputs {
        let value = match &o.value {
            Expr::Join { items, .. } => expr(&Expr::List(items.clone()), 2),
            other => expr(other, 2),
        };
        let _ = write!(
            s,
            "\n\noutput \"{}\" {{\n  description = {}\n  value = {value}\n}}",
            o.tf_name,
            hcl::hcl_string(&o.description)
        );
    }
    s
}

/// The root's `outputs.tf`: each output of the module, forwarded.
fn root_outputs_tf(header: &[String; 2], ir: &Ir) -> String {
    let mut s = format!("# {}\n# {}", header[0], header[1]);
    for o in &ir.outputs {
        let _ = write!(
            s,
            "\n\noutput \"{}\" {{\n  description = {}\n  value = module.mwaa.{}\n}}",
            o.tf_name,
            hcl::hcl_string(&o.description),
            o.tf_name
        );
    }
    s
}

/// The `removed` blocks' addresses: every retainable resource that `ir` does not create.
fn removed(ir: &Ir) -> Vec<String> {
    RETAINABLE
        .iter()
        .filter(|(_, id, _)| ir.get(id).is_none())
        .flat_map(|(kind, id, types)| {
            let name = resource_name(kind, id);
            types.iter().map(move |ty| format!("{ty}.{name}"))
        })
        .collect()
}

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("hcl_str", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("hcl_str expects a string, got {v}")))?;
        Ok(Value::String(hcl_string(s)))
    });
    tera.register_filter("hcl_key", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("hcl_key expects a string, got {v}")))?;
        Ok(Value::String(hcl_key(s)))
    });
    tera.register_filter("tf_comment", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("tf_comment expects a string, got {v}")))?;
        Ok(Value::String(comment_text(s)))
    });
    tera.register_filter("hcl", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        let e = match args.get("attr").and_then(Value::as_str) {
            Some(a) => with_attr(e, a)?,
            None => e,
        };
        // `list=true`: a list joined into one string (CloudFormation outputs are strings) stays a list.
        let e = match e {
            Expr::Join { items, .. } if args.get("list").and_then(Value::as_bool) == Some(true) => Expr::List(items),
            other => other,
        };
        Ok(Value::String(expr(&e, usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_json", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        Ok(Value::String(format!("jsonencode({})", expr(&e, usize_arg(args, "indent", 0)))))
    });
    tera.register_filter("hcl_list", |v: &Value, args: &HashMap<String, Value>| {
        // A list of expressions, or one list-valued expression (an input's list, a concatenation).
        let list = match super::json_arg::<Vec<Expr>>(v) {
            Ok(items) => Expr::List(items),
            Err(_) => expr_arg(v)?,
        };
        Ok(Value::String(expr(&list, usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_map", |v: &Value, args: &HashMap<String, Value>| {
        let map: IndexMap<String, String> = super::json_arg(v)?;
        Ok(Value::String(expr(&locals::string_map(&map), usize_arg(args, "indent", 0))))
    });
}

/// Renders the IR into this target's files.
///
/// # Errors
/// A [`RenderError`] if a template fails or the IR holds a kind this backend does not know.
pub(crate) fn render(ir: &Ir) -> Result<Vec<OutputFile>, RenderError> {
    if let Some(r) = ir.resources.iter().find(|r| tf_type(r.kind.tag()).is_none()) {
        return Err(RenderError(format!("terraform: no resource type for kind {:?} of {}", r.kind.tag(), r.id)));
    }
    let (rewritten, environment_arn_used) = locals::rewrite(ir)?;
    let views = views(ir, rewritten);
    // References name their target by kind and logical id (names::tf_name): two resources that
    // end up with one address would be one.
    let mut seen = std::collections::BTreeSet::new();
    let mut pairs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in &views {
        if !seen.insert(v.tf.address.clone()) {
            return Err(RenderError(format!("terraform: two resources are {}", v.tf.address)));
        }
        if let Some(k) = &v.tf.key {
            pairs.entry(format!("resource \"{}\" \"{}\" {{", v.tf.ty(), v.tf.name)).or_default().push(k.clone());
        }
    }
    let mut data = DataUse::default();
    for r in &ir.resources {
        for e in r.kind.exprs() {
            data.visit(e);
        }
    }
    for o in &ir.outputs {
        data.visit(&o.value);
    }
    let retained: Vec<&View<'_>> = views.iter().filter(|v| v.tf.retain).collect();
    let provider = features(&ir.terraform_aws_provider);
    let mocks = mocks(&data, &types_of(&views), provider);
    let needs_region_variable = ir.region.is_none();
    let locals = locals::Locals::new(ir, &data, environment_arn_used);

    let header = super::header_lines(ir, Target::Terraform);
    let mut ctx = super::base_context(ir, Target::Terraform);
    ctx.insert("views", &views);
    ctx.insert("data", &data);
    ctx.insert("locals", &locals);
    ctx.insert("region_variable", &needs_region_variable);
    ctx.insert("in_module", &false);
    ctx.insert("bucket_prefix", &bucket_prefix(&ir.environment_name));
    ctx.insert("provider_note", &provider_note(&ir.terraform_aws_provider));
    ctx.insert("provider", &provider);
    ctx.insert("required_terraform", REQUIRED_TERRAFORM);
    ctx.insert("retained", &retained);
    ctx.insert("mocks", &mocks);
    let render = |template: &str, ctx: &tera::Context| -> Result<String, RenderError> {
        let text = super::render_ctx(Target::Terraform, template, ctx)?;
        Ok(align(text.trim_end()) + "\n")
    };
    // `terraform_layout = "module"`: the module alone, at the top of the folder.
    let layout = ir.terraform_layout;
    let module_dir = match layout {
        TerraformLayout::Root => format!("{MODULE_DIR}/"),
        TerraformLayout::Module => String::new(),
    };
    let mut files = Vec::new();
    let mut add = |path: &str, contents: String| {
        files.push(OutputFile { path: format!("{module_dir}{path}"), contents });
    };

    // The root configuration: provider, the module call, its variables and outputs forwarded.
    let mut root = Vec::new();
    // With the module layout the caller has all of it: the provider, the state and so the moved
    // blocks (docs/targets/terraform.md); the folder keeps only the .gitignore that `terraform test`
    // needs (it initializes the module's folder).
    root.push(OutputFile { path: ".gitignore".into(), contents: render("terraform/root/gitignore", &ctx)? });
    if layout == TerraformLayout::Root {
        root.push(OutputFile { path: "versions.tf".into(), contents: render("terraform/versions.tf", &ctx)? });
        root.push(OutputFile { path: "providers.tf".into(), contents: render("terraform/providers.tf", &ctx)? });
        if needs_region_variable || !ir.parameters.is_empty() || !ir.inputs.is_empty() {
            root.push(OutputFile { path: "variables.tf".into(), contents: render("terraform/variables.tf", &ctx)? });
        }
        root.push(OutputFile { path: "main.tf".into(), contents: render("terraform/root/main.tf", &ctx)? });
        root.push(OutputFile {
            path: "outputs.tf".into(),
            contents: align(root_outputs_tf(&header, ir).trim_end()) + "\n",
        });
        root.push(OutputFile { path: "moved.tf".into(), contents: align(moved_tf(&header, &views).trim_end()) + "\n" });
        // Import blocks are allowed in the root module only (Terraform language docs, import
        // block); with the module layout the caller writes them (docs/operations.md).
        if !ir.imports.is_empty() {
            ctx.insert("imports", &import_addresses(ir, &views)?);
            root.push(OutputFile { path: "adopt.tf".into(), contents: render("terraform/adopt.tf", &ctx)? });
            ctx.remove("imports");
        }
    }

    // The module: no provider configuration, no region variable (the caller's provider has it).
    ctx.insert("region_variable", &false);
    ctx.insert("in_module", &true);
    add("versions.tf", render("terraform/versions.tf", &ctx)?);
    if !ir.parameters.is_empty() || !ir.inputs.is_empty() {
        add("variables.tf", render("terraform/variables.tf", &ctx)?);
    }
    if data.region || data.account_id || data.partition || data.availability_zones {
        add("data.tf", render("terraform/data.tf", &ctx)?);
    }
    if locals.any() {
        add("locals.tf", render("terraform/locals.tf", &ctx)?);
    }
    for file in RESOURCE_FILES {
        if !views.iter().any(|v| v.tf.file == *file) {
            continue;
        }
        ctx.insert("file", file);
        let text = super::render_ctx(Target::Terraform, "terraform/resources.tf", &ctx)?;
        let text = for_each::merge(&text, &pairs)?;
        add(file, align(text.trim_end()) + "\n");
    }
    ctx.remove("file");
    let removed = removed(ir);
    if !removed.is_empty() {
        ctx.insert("removed", &removed);
        add("removed.tf", render("terraform/removed.tf", &ctx)?);
    }
    add("outputs.tf", align(outputs_tf(&header, ir).trim_end()) + "\n");
    let test = tftest::tftest(
        ir,
        &tftest::TestInput {
            header: &header,
            views: ctx.get("views").and_then(serde_json::Value::as_array).map_or(&[][..], Vec::as_slice),
            mocks: &mocks,
            retained: !retained.is_empty(),
        },
    )?;
    add("tests/mwaa.tftest.hcl", align(test.trim_end()) + "\n");
    if !retained.is_empty() {
        add("tests/release/main.tf", render("terraform/tests/release/main.tf", &ctx)?);
    }
    root.extend(files);
    Ok(root)
}

/// One `import` block: the address the resource has in this configuration, and its import id.
#[derive(serde::Serialize)]
struct ImportBlock<'a> {
    address: String,
    value: &'a str,
}

/// The addresses of [`Ir::imports`], read from the views: the one place that knows where each
/// resource lives in the module, called `module.mwaa` by the root that holds the import blocks.
fn import_addresses<'a>(ir: &'a Ir, views: &'a [View<'a>]) -> Result<Vec<ImportBlock<'a>>, RenderError> {
    ir.imports
        .iter()
        .map(|i| {
            let view = views
                .iter()
                .find(|v| v.r.id == i.id)
                .ok_or_else(|| RenderError(format!("import of {}, which is not in the configuration", i.id)))?;
            Ok(ImportBlock { address: format!("module.mwaa.{}", view.tf.address), value: &i.value })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checkov findings go inside the resource block; other tools' suppressions are not Terraform's.
    #[test]
    fn checkov_suppressions_are_comments_in_the_block() {
        let mut ir = crate::compile(&crate::default_source()).expect("the default spec compiles");
        let bucket = ir.resources.iter_mut().find(|r| r.id == "EnvironmentBucket").expect("a bucket");
        bucket.suppressions.clear();
        for (tool, id) in [("checkov", "CKV_AWS_18"), ("cfn-lint", "W3011"), ("checkov", "CKV2_AWS_62")] {
            bucket.suppressions.push(crate::ir::Suppression {
                tool: tool.into(),
                id: id.into(),
                reason: format!("reason for {id}\nsecond line"),
            });
        }
        let files = render(&ir).expect("renders");
        let s3 = &files.iter().find(|f| f.path == "modules/mwaa/s3.tf").expect("s3.tf").contents;
        assert!(
            s3.contains(
                "resource \"aws_s3_bucket\" \"environment\" {\n  #checkov:skip=CKV_AWS_18:reason for CKV_AWS_18 second line\n  #checkov:skip=CKV2_AWS_62:reason for CKV2_AWS_62 second line\n  # CloudFormation"
            ),
            "{s3}"
        );
        assert!(!s3.contains("W3011"), "{s3}");
    }
}
