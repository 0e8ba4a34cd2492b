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

use std::collections::HashMap;

use indexmap::IndexMap;
use tera::{Tera, Value};

use super::{expr_arg, usize_arg, OutputFile, RenderError, Target};
use crate::ir::{Expr, Ir};

mod align;
mod hcl;
mod kinds;
mod locals;
mod provider;
mod views;

pub use align::align;
pub use hcl::{expr, hcl_key, hcl_string};
pub(crate) use hcl::{pseudo, traversal};
pub use kinds::tf_type;
pub use views::bucket_prefix;

use hcl::{comment_text, with_attr};
use kinds::RESOURCE_FILES;
use provider::provider_note;
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
    ("terraform/outputs.tf", include_str!("../../../../templates/terraform/outputs.tf.tera")),
    ("terraform/adopt.tf", include_str!("../../../../templates/terraform/adopt.tf.tera")),
    ("terraform/tests/mwaa.tftest.hcl", include_str!("../../../../templates/terraform/tests/mwaa.tftest.hcl.tera")),
    ("terraform/tests/release/main.tf", include_str!("../../../../templates/terraform/tests/release/main.tf.tera")),
];

/// The provider version mwaagen generates for and tests with (`terraform validate`, the mocked
/// `terraform test`, and the apply against moto in scripts/check-apply.sh).
pub const TESTED_AWS_PROVIDER: &str = "5.100.0";

/// The oldest provider the output is known to work with: the lower bound of the default
/// constraint. Why it is the tested version and not an older one: see [`provider`]'s notes.
pub const OLDEST_AWS_PROVIDER: (u64, u64, u64) = (5, 100, 0);

/// The oldest Terraform the generated configuration needs (the generated test needs 1.11).
pub const REQUIRED_TERRAFORM: &str = ">= 1.5.0";

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
        Ok(Value::String(expr(&e, usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_json", |v: &Value, args: &HashMap<String, Value>| {
        let e = expr_arg(v)?;
        Ok(Value::String(format!("jsonencode({})", expr(&e, usize_arg(args, "indent", 0)))))
    });
    tera.register_filter("hcl_list", |v: &Value, args: &HashMap<String, Value>| {
        let items: Vec<Expr> = super::json_arg(v)?;
        Ok(Value::String(expr(&Expr::List(items), usize_arg(args, "indent", 0))))
    });
    tera.register_filter("hcl_map", |v: &Value, args: &HashMap<String, Value>| {
        let map: IndexMap<String, String> = super::json_arg(v)?;
        let e = Expr::Map(map.into_iter().map(|(k, v)| (k, Expr::Str(v))).collect());
        Ok(Value::String(expr(&e, usize_arg(args, "indent", 0))))
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
    // References name their target by logical id; the Terraform name must follow from it.
    if let Some(r) = ir.resources.iter().find(|r| r.tf_name != crate::ir::snake_case(&r.id)) {
        return Err(RenderError(format!(
            "terraform: {} is named {}, not {}",
            r.id,
            r.tf_name,
            crate::ir::snake_case(&r.id)
        )));
    }
    let (rewritten, environment_arn_used) = locals::rewrite(ir)?;
    let views = views(ir, rewritten);
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
    let mocks = mocks(&data, &types_of(&views));
    let needs_region_variable = ir.region.is_none();
    let locals = locals::Locals::new(ir, &data, environment_arn_used);

    let mut ctx = super::base_context(ir, Target::Terraform);
    ctx.insert("views", &views);
    ctx.insert("data", &data);
    ctx.insert("locals", &locals);
    ctx.insert("region_variable", &needs_region_variable);
    ctx.insert("bucket_prefix", &bucket_prefix(&ir.environment_name));
    ctx.insert("provider_note", &provider_note(&ir.terraform_aws_provider));
    ctx.insert("required_terraform", REQUIRED_TERRAFORM);
    ctx.insert("retained", &retained);
    ctx.insert("mocks", &mocks);
    let render = |template: &str, ctx: &tera::Context| -> Result<String, RenderError> {
        let text = super::render_ctx(Target::Terraform, template, ctx)?;
        Ok(align(text.trim_end()) + "\n")
    };
    let mut files = Vec::new();
    let mut add = |path: &str, contents: String| files.push(OutputFile { path: path.to_owned(), contents });

    add("versions.tf", render("terraform/versions.tf", &ctx)?);
    add("providers.tf", render("terraform/providers.tf", &ctx)?);
    if needs_region_variable || !ir.parameters.is_empty() {
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
        add(file, render("terraform/resources.tf", &ctx)?);
    }
    ctx.remove("file");
    add("outputs.tf", render("terraform/outputs.tf", &ctx)?);
    if !ir.imports.is_empty() {
        ctx.insert("imports", &import_addresses(ir, &views)?);
        add("adopt.tf", render("terraform/adopt.tf", &ctx)?);
    }
    add("tests/mwaa.tftest.hcl", render("terraform/tests/mwaa.tftest.hcl", &ctx)?);
    if !retained.is_empty() {
        add("tests/release/main.tf", render("terraform/tests/release/main.tf", &ctx)?);
    }
    Ok(files)
}

/// One `import` block: the address the resource has in this configuration, and its import id.
#[derive(serde::Serialize)]
struct ImportBlock<'a> {
    address: &'a str,
    value: &'a str,
}

/// The addresses of [`Ir::imports`], read from the views: the one place that knows where each
/// resource lives in the configuration (a module of its own, one day, prefixes them).
fn import_addresses<'a>(ir: &'a Ir, views: &'a [View<'a>]) -> Result<Vec<ImportBlock<'a>>, RenderError> {
    ir.imports
        .iter()
        .map(|i| {
            let view = views
                .iter()
                .find(|v| v.r.id == i.id)
                .ok_or_else(|| RenderError(format!("import of {}, which is not in the configuration", i.id)))?;
            Ok(ImportBlock { address: &view.tf.address, value: &i.value })
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
        let s3 = &files.iter().find(|f| f.path == "s3.tf").expect("s3.tf").contents;
        assert!(
            s3.contains(
                "resource \"aws_s3_bucket\" \"environment_bucket\" {\n  #checkov:skip=CKV_AWS_18:reason for CKV_AWS_18 second line\n  #checkov:skip=CKV2_AWS_62:reason for CKV2_AWS_62 second line\n  # CloudFormation"
            ),
            "{s3}"
        );
        assert!(!s3.contains("W3011"), "{s3}");
    }
}
