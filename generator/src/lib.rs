//! mwaagen: one TOML spec in, CloudFormation, Terraform or CDK TypeScript for Amazon MWAA out.
//!
//! The pipeline has one module per stage:
//! [`parse`] (TOML -> spanned [`spec::RawSpec`]) -> [`validate`] (rules and defaults ->
//! [`model::Config`]) -> [`lower`] (-> [`ir::Ir`]) -> [`render`] (IR -> files). Writing files and
//! `--check` live in [`output`]. This crate has no CLI dependency; `main.rs` only parses arguments.

pub mod diagnostics;
pub mod ir;
pub mod lower;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod spec;
pub mod validate;

use diagnostics::{Diagnostics, Source};
use ir::Ir;

/// The built-in default spec: the public-mode reference architecture, commented.
pub const DEFAULT_SPEC: &str = include_str!("../../specs/default.toml");

/// The name the built-in default spec goes by in errors and generated headers.
pub const DEFAULT_SPEC_NAME: &str = "<built-in default spec>";

/// Parses, validates and lowers one spec.
///
/// # Errors
/// Every problem of the spec, as diagnostics pointing into `source`.
pub fn compile(source: &Source) -> Result<Ir, Diagnostics> {
    let parsed = parse::parse(source)?;
    match validate::validate(&parsed.spec, &source.name) {
        Ok(config) if parsed.unknown_keys.is_empty() => Ok(lower::lower(&config)),
        result => {
            // Unknown keys and rule errors together, so that one run reports every problem.
            let mut diags = parsed.unknown_keys;
            if let Err(rules) = result {
                let repeats_suggestion = |d: &diagnostics::Diagnostic| {
                    d.message.starts_with("missing required") && parsed.suggested.contains(&d.field)
                };
                diags.extend(rules.0.into_iter().filter(|d| !repeats_suggestion(d)));
            }
            let mut d = Diagnostics(diags);
            d.sort();
            Err(d)
        }
    }
}

/// The built-in default spec as a source.
#[must_use]
pub fn default_source() -> Source {
    Source::from_text(DEFAULT_SPEC_NAME, DEFAULT_SPEC)
}

/// Why a generation run produced no files.
#[derive(Debug)]
pub enum GenerateError {
    /// Some specs are invalid: (index into the sources, their diagnostics), in input order.
    Invalid(Vec<(usize, Diagnostics)>),
    /// Two specs name the same environment, so their output folders would collide.
    DuplicateEnvironment { name: String, first: String, second: String },
    /// A template failed: a bug of mwaagen.
    Render(render::RenderError),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Invalid(list) => write!(f, "{} invalid spec(s)", list.len()),
            GenerateError::DuplicateEnvironment { name, first, second } => write!(
                f,
                "{first} and {second} both describe environment \"{name}\"; each environment needs its own spec and name"
            ),
            GenerateError::Render(e) => e.fmt(f),
        }
    }
}

/// Compiles and renders every source for every target, in parallel where there are several, and
/// returns the files in a fixed order with their paths relative to the output folder:
/// - one spec, one target: the target's files as they are (`template.yaml`);
/// - one spec, several targets: `cloudformation/...`, `terraform/...`, `cdk/...`;
/// - several specs: `ENVIRONMENT/cloudformation/...` and so on, for any target.
///
/// # Errors
/// Every invalid spec with its diagnostics, two specs with one environment name, or a render bug.
pub fn generate(sources: &[Source], targets: &[render::Target]) -> Result<Vec<render::OutputFile>, GenerateError> {
    let results = parallel_map(sources, |source| {
        let ir = compile(source)?;
        let mut per_target = Vec::with_capacity(targets.len());
        for t in targets {
            per_target.push((*t, render::render(&ir, *t)));
        }
        Ok::<_, Diagnostics>((ir.environment_name, per_target))
    });
    let mut invalid = Vec::new();
    let mut ok = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => ok.push((i, v)),
            Err(d) => invalid.push((i, d)),
        }
    }
    if !invalid.is_empty() {
        return Err(GenerateError::Invalid(invalid));
    }
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (name, _)) in &ok {
        if let Some(first) = seen.insert(name.as_str(), *i) {
            return Err(GenerateError::DuplicateEnvironment {
                name: name.clone(),
                first: sources[first].name.clone(),
                second: sources[*i].name.clone(),
            });
        }
    }
    let several_specs = sources.len() > 1;
    let several_targets = targets.len() > 1;
    let mut files = Vec::new();
    for (_, (env, per_target)) in ok {
        for (target, rendered) in per_target {
            let rendered = rendered.map_err(GenerateError::Render)?;
            for f in rendered {
                let path = match (several_specs, several_targets || several_specs) {
                    (true, _) => format!("{env}/{}/{}", target.folder(), f.path),
                    (false, true) => format!("{}/{}", target.folder(), f.path),
                    (false, false) => f.path,
                };
                files.push(render::OutputFile { path, contents: f.contents });
            }
        }
    }
    Ok(files)
}

/// Maps `items` on up to as many threads as the machine has cores, keeping the input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}
