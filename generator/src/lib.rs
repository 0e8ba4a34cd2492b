//! mwaagen: one TOML spec in, CloudFormation, Terraform or CDK TypeScript for Amazon MWAA out.
//!
//! The pipeline has one module per stage:
//! [`parse`] (TOML -> spanned [`spec::RawSpec`]) -> [`validate`] (rules and defaults ->
//! [`model::Config`]) -> [`lower`] (-> [`ir::Ir`]) -> [`render`] (IR -> files). Writing files and
//! `--check` live in [`output`]. This crate has no CLI dependency; `main.rs` only parses arguments.

pub mod diagnostics;
pub mod diff;
pub mod extends;
pub mod git;
pub mod import;
pub mod ir;
pub mod lower;
pub mod model;
pub mod output;
pub mod parse;
pub mod quote;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod spec;
pub mod validate;
pub mod versions;

use diagnostics::{Diagnostics, Source};
use ir::Ir;

/// The built-in default spec: the public-mode reference architecture, commented.
pub const DEFAULT_SPEC: &str = include_str!("../../specs/default.toml");

/// The file name `mwaagen init` points its `#:schema` line at (written by `mwaagen schema > FILE`).
pub const SCHEMA_FILE: &str = "mwaagen.schema.json";

/// What `mwaagen init` writes: the default spec under a `#:schema` line, which Taplo (and the
/// Even Better TOML editor extension built on it) reads to complete and check the file, with
/// `airflow_version` pinned to the newest version offered (written, not commented), so that a
/// later mwaagen with a newer default does not upgrade Airflow on the next deploy.
#[must_use]
pub fn init_spec() -> String {
    let pinned = format!(
        "airflow_version = \"{}\"                # pinned: a newer mwaagen does not change it; edit it to upgrade",
        versions::default_version()
    );
    let mut out = format!("#:schema ./{SCHEMA_FILE}\n");
    for line in DEFAULT_SPEC.split_inclusive('\n') {
        if line.starts_with("# airflow_version =") {
            out.push_str(&pinned);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

/// What `mwaagen --version` prints: the version, then the Airflow versions and the provider
/// versions that this build knows (what its output is written and checked for).
#[must_use]
pub fn version_text() -> String {
    let cdk: Vec<String> = render::cdk::DEPENDENCIES.iter().map(|(name, v)| format!("{name} {v}")).collect();
    format!(
        "mwaagen {}\n\
         Airflow versions (MWAA, new environments): {} (default {})\n\
         Terraform: {}, hashicorp/aws {}\n\
         CDK app: {}\n\
         Spec format: version 1\n",
        env!("CARGO_PKG_VERSION"),
        versions::OFFERED.join(", "),
        versions::default_version(),
        render::terraform::REQUIRED_TERRAFORM,
        model::DEFAULT_TF_AWS_PROVIDER,
        cdk.join(", "),
    )
}

/// The name the built-in default spec goes by in errors and generated headers.
pub const DEFAULT_SPEC_NAME: &str = "<built-in default spec>";

/// Parses, validates and lowers one spec.
///
/// # Errors
/// Every problem of the spec, as diagnostics pointing into `source`.
pub fn compile(source: &Source) -> Result<Ir, Diagnostics> {
    compile_with_warnings(source).map(|c| c.ir)
}

/// The IR of a spec text that must compile (unit tests): panics with the diagnostics otherwise.
#[cfg(test)]
pub(crate) fn ir_of(spec: &str) -> Ir {
    match compile(&Source::from_text("t.toml", spec)) {
        Ok(ir) => ir,
        Err(d) => panic!("{d:?}"),
    }
}

/// A compiled spec and its warnings: what is legal but will likely fail or surprise at deploy time.
#[derive(Debug)]
pub struct Compiled {
    pub ir: Ir,
    /// Empty when there is nothing to say; rendered with [`Diagnostics::render_warnings`].
    pub warnings: Diagnostics,
}

/// Parses, validates and lowers one spec, keeping its warnings.
///
/// # Errors
/// Every problem of the spec, as diagnostics pointing into `source` (no warnings then). A base
/// spec (`base = true`) is an error here: it is not generated on its own.
pub fn compile_with_warnings(source: &Source) -> Result<Compiled, Diagnostics> {
    match check_spec(source)? {
        Checked::Spec(c) => Ok(*c),
        Checked::Base { at, .. } => Err(Diagnostics(vec![diagnostics::Diagnostic::new(
            "base",
            Some(at),
            format!("{} is a base spec (`base = true`): other specs extend it, it is not generated on its own", source.name),
        )
        .with_help(format!(
            "generate a spec that extends it (`extends = \"{}\"`), or remove `base = true` if this file is a whole spec",
            std::path::Path::new(&source.name).file_name().map_or_else(|| source.name.clone(), |n| n.to_string_lossy().into_owned())
        ))])),
    }
}

/// What [`check_spec`] found valid: a whole spec, or a base that other specs extend.
#[derive(Debug)]
pub enum Checked {
    /// A spec that generates: its IR and warnings.
    Spec(Box<Compiled>),
    /// `base = true`: what it sets is valid. `at` is the span of its `base` value; `warnings`
    /// are those of a base that sets every required key too (others are not validated whole).
    Base { at: std::ops::Range<usize>, warnings: Diagnostics },
}

/// Parses and validates one spec, as `mwaagen validate` does: a whole spec is lowered too; a base
/// (`base = true`) is checked for what it sets, without the keys that only a whole spec must have
/// (an environment `name` is each child's own).
///
/// # Errors
/// Every problem of the spec, as diagnostics pointing into `source` (or into its bases).
pub fn check_spec(source: &Source) -> Result<Checked, Diagnostics> {
    let parsed = parse::parse(source)?;
    let base_at = parsed.spec.base.as_ref().filter(|b| *b.get_ref()).map(toml::Spanned::span);
    let missing = |d: &diagnostics::Diagnostic| d.message.starts_with("missing required");
    let result = validate::validate_with_warnings(&parsed.spec, source.header_name());
    let rules = match result {
        Ok(v) if parsed.unknown_keys.is_empty() => {
            // A warning about a value a base spec sets points into that base, as an error would.
            let warnings = parsed.bases.localize(v.warnings);
            if let Some(at) = base_at {
                return Ok(Checked::Base { at, warnings });
            }
            let ir = lower::lower(&v.config);
            let clashes = lower::input_clashes(&v.config, &ir);
            if !clashes.is_empty() {
                return Err(parsed.bases.localize(Diagnostics(clashes)));
            }
            return Ok(Checked::Spec(Box::new(Compiled { ir, warnings })));
        }
        Ok(_) => Vec::new(),
        Err(rules) => rules.0,
    };
    // Unknown keys and rule errors together, so that one run reports every problem.
    let mut diags = parsed.unknown_keys;
    let repeats_suggestion = |d: &diagnostics::Diagnostic| missing(d) && parsed.suggested.contains(&d.field);
    let in_base = |d: &diagnostics::Diagnostic| d.span.as_ref().is_some_and(|s| s.start > source.text.len());
    let extends_at = parsed.spec.extends.as_ref().map(toml::Spanned::span);
    for mut d in rules {
        if repeats_suggestion(&d) || (base_at.is_some() && missing(&d)) {
            continue;
        }
        // A key the child must set and its bases leave out: the child is where to add it, not
        // the base (where it would give every spec that extends the base the same value).
        if missing(&d) && in_base(&d) {
            d.span.clone_from(&extends_at);
            let bases: Vec<&str> = parsed.bases.names().collect();
            d.help = Some(format!(
                "{}, in this spec: {} leave{} it to each spec that extends {}",
                d.help.as_deref().unwrap_or("add it"),
                bases.join(", "),
                if bases.len() == 1 { "s" } else { "" },
                if bases.len() == 1 { "it" } else { "them" }
            ));
        }
        diags.push(d);
    }
    if diags.is_empty() {
        if let Some(at) = base_at {
            return Ok(Checked::Base { at, warnings: Diagnostics::default() });
        }
    }
    let mut d = Diagnostics(diags);
    d.sort();
    // Last: sorting in the shared offset space puts the spec's errors before its bases'.
    Err(parsed.bases.localize(d))
}

/// The spec's JSON Schema (draft 2020-12), built from the rules validation applies.
#[must_use]
pub fn schema() -> String {
    schema::render()
}

/// The built-in default spec as a source.
#[must_use]
pub fn default_source() -> Source {
    Source::from_text(DEFAULT_SPEC_NAME, DEFAULT_SPEC)
}

/// Why a generation run produced no files (or, with `--out`, changed nothing).
#[derive(Debug)]
pub enum GenerateError {
    /// Some specs are invalid: (index into the sources, their diagnostics), in input order.
    Invalid(Vec<(usize, Diagnostics)>),
    /// Two specs name the same environment, so their output folders would collide.
    DuplicateEnvironment { name: String, first: String, second: String },
    /// A template failed: a bug of mwaagen.
    Render(render::RenderError),
    /// Reading or writing the output folder failed (a write was rolled back).
    Io(std::io::Error),
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
            GenerateError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Specs that were all validated together, ready to be rendered one at a time.
///
/// Validation keeps only each environment's name, never its IR or files, so that a run over
/// thousands of specs holds one spec's output per thread at a time: rendering compiles a spec
/// again (a small fraction of the cost of rendering it) and hands its files on at once.
#[derive(Debug)]
pub struct Batch<'a> {
    sources: &'a [Source],
    targets: &'a [render::Target],
    environments: Vec<String>,
    warnings: Vec<(usize, Diagnostics)>,
    /// With several specs and the CDK target: each environment's entry in the one CDK app at
    /// `cdk/` (its stack and file), in input order.
    cdk_app: Vec<render::cdk::AppEnvironment>,
}

/// A unit of rendering work: a spec for some targets, or the shared files of the CDK app.
#[derive(Clone, Copy)]
enum Unit<'a> {
    Spec(usize, &'a [render::Target]),
    CdkApp,
}

/// How a generation run treats what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `--deny-warnings`: a spec with warnings is refused as if they were errors.
    pub deny_warnings: bool,
}

impl<'a> Batch<'a> {
    /// Validates every source, in parallel, and checks that no two name the same environment.
    ///
    /// # Errors
    /// Every invalid spec with its diagnostics (in input order), or the first two specs that
    /// name the same environment.
    pub fn prepare(sources: &'a [Source], targets: &'a [render::Target]) -> Result<Self, GenerateError> {
        Self::prepare_with(sources, targets, Options::default())
    }

    /// [`Batch::prepare`] with options: with `deny_warnings`, a spec's warnings make it invalid.
    ///
    /// # Errors
    /// As [`Batch::prepare`]; denied warnings are reported as the spec's errors.
    pub fn prepare_with(
        sources: &'a [Source],
        targets: &'a [render::Target],
        options: Options,
    ) -> Result<Self, GenerateError> {
        // Template parsing does not depend on the specs: start it now, beside the validation.
        render::warm(targets);
        let one_cdk_app = sources.len() > 1 && targets.contains(&render::Target::Cdk);
        let results = parallel_map(sources.len(), |i| {
            compile_with_warnings(&sources[i]).map(|c| {
                let app = if one_cdk_app { Some(render::cdk::AppEnvironment::of(&c.ir)) } else { None };
                (c.ir.environment_name, c.warnings, app)
            })
        });
        let mut invalid = Vec::new();
        let mut warnings = Vec::new();
        let mut environments = Vec::with_capacity(sources.len());
        let mut cdk_app = Vec::new();
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok((_, w, _)) if options.deny_warnings && !w.is_empty() => invalid.push((i, w.denied())),
                Ok((name, w, app)) => {
                    if !w.is_empty() {
                        warnings.push((i, w));
                    }
                    environments.push(name);
                    if let Some(app) = app {
                        cdk_app.push(app.map_err(GenerateError::Render)?);
                    }
                }
                Err(d) => invalid.push((i, d)),
            }
        }
        if !invalid.is_empty() {
            return Err(GenerateError::Invalid(invalid));
        }
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, name) in environments.iter().enumerate() {
            if let Some(first) = seen.insert(name.as_str(), i) {
                return Err(GenerateError::DuplicateEnvironment {
                    name: name.clone(),
                    first: sources[first].name.clone(),
                    second: sources[i].name.clone(),
                });
            }
        }
        Ok(Self { sources, targets, environments, warnings, cdk_app })
    }

    /// The warnings of each spec that has any: (index into the sources, its warnings), in input order.
    #[must_use]
    pub fn warnings(&self) -> &[(usize, Diagnostics)] {
        &self.warnings
    }

    /// The environment name of each spec, in input order.
    #[must_use]
    pub fn environments(&self) -> &[String] {
        &self.environments
    }

    /// The `--target` markers of the targets being generated (see [`output::check`]).
    #[must_use]
    pub fn markers(&self) -> Vec<String> {
        self.targets.iter().map(|t| t.marker()).collect()
    }

    /// The units of work, in output order: one per spec, or one per spec and target when there are
    /// fewer specs than threads (so that one spec's three targets render side by side).
    /// With several specs and the CDK target, the app's shared files come last, as a unit of their own.
    fn units(&self) -> Vec<Unit<'a>> {
        let targets = self.targets;
        let mut units: Vec<Unit<'a>> = if self.sources.len() < threads() && targets.len() > 1 {
            (0..self.sources.len())
                .flat_map(|i| (0..targets.len()).map(move |t| Unit::Spec(i, &targets[t..=t])))
                .collect()
        } else {
            (0..self.sources.len()).map(|i| Unit::Spec(i, targets)).collect()
        };
        if !self.cdk_app.is_empty() {
            units.push(Unit::CdkApp);
        }
        units
    }

    /// The files of the one CDK app of several specs that the environments share (`cdk/bin/mwaa.ts`,
    /// `cdk/package.json`, ...); each environment's `cdk/lib/<name>.ts` comes from [`Batch::render`].
    ///
    /// # Errors
    /// Two environments whose names give the same class name, or a template bug.
    pub fn render_cdk_app(&self) -> Result<Vec<render::OutputFile>, render::RenderError> {
        let header = render::cdk::app_header(self.sources.len());
        let files = render::cdk::render_app(&self.cdk_app, &header, "mwaa-environments")?;
        Ok(files
            .into_iter()
            .map(|f| render::OutputFile { path: format!("cdk/{}", f.path), contents: f.contents })
            .collect())
    }

    /// Renders spec `spec` for `targets`, with paths relative to the output folder:
    /// - one spec, one target: the target's files as they are (`template.yaml`);
    /// - one spec, several targets: `cloudformation/...`, `terraform/...`, `cdk/...`;
    /// - several specs: `ENVIRONMENT/cloudformation/...` and so on, for any target but CDK, whose
    ///   environments share one app: `cdk/lib/ENVIRONMENT.ts` (see [`Batch::render_cdk_app`]).
    ///
    /// # Errors
    /// A template failed, which is a bug of mwaagen.
    pub fn render(
        &self,
        spec: usize,
        targets: &[render::Target],
    ) -> Result<Vec<render::OutputFile>, render::RenderError> {
        let ir = compile(&self.sources[spec])
            .map_err(|_| render::RenderError(format!("{} was valid and is not any more", self.sources[spec].name)))?;
        let several_specs = self.sources.len() > 1;
        let several_targets = self.targets.len() > 1;
        let env = &self.environments[spec];
        let mut files = Vec::new();
        for target in targets {
            if several_specs && *target == render::Target::Cdk {
                let f = render::cdk::render_environment(&ir)?;
                files.push(render::OutputFile { path: format!("cdk/{}", f.path), contents: f.contents });
                continue;
            }
            for f in render::render(&ir, *target)? {
                let path = match (several_specs, several_targets) {
                    (true, _) => format!("{env}/{}/{}", target.folder(), f.path),
                    (false, true) => format!("{}/{}", target.folder(), f.path),
                    (false, false) => f.path,
                };
                files.push(render::OutputFile { path, contents: f.contents });
            }
        }
        Ok(files)
    }

    /// Renders every spec, in parallel, and hands each unit's files to `consume` as soon as they
    /// are rendered; returns what `consume` returned, in output order. Stops early after an error.
    ///
    /// # Errors
    /// The first error (in output order) of rendering or of `consume`.
    pub fn try_for_each<R: Send>(
        &self,
        consume: impl Fn(Vec<render::OutputFile>) -> Result<R, GenerateError> + Sync,
    ) -> Result<Vec<R>, GenerateError> {
        let units = self.units();
        // Units are taken cheapest templates first (`render::warm` parses the dearest meanwhile);
        // results come back in unit order.
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by_key(|&u| match units[u] {
            Unit::Spec(_, targets) => targets.iter().map(|t| render::parse_cost(*t)).sum::<usize>(),
            Unit::CdkApp => 0,
        });
        let mut done: Vec<(usize, R)> = parallel_try_map(order.len(), |k| {
            let files = match units[order[k]] {
                Unit::Spec(spec, targets) => self.render(spec, targets),
                Unit::CdkApp => self.render_cdk_app(),
            };
            Ok((order[k], consume(files.map_err(GenerateError::Render)?)?))
        })?;
        done.sort_by_key(|(u, _)| *u);
        Ok(done.into_iter().map(|(_, r)| r).collect())
    }
}

/// Compiles and renders every source for every target, in parallel where there are several, and
/// returns the files in a fixed order with their paths relative to the output folder (see
/// [`Batch::render`]). This holds every file in memory: to write or check many specs, use
/// [`write`] or [`check`], which hold one spec's files per thread at a time.
///
/// # Errors
/// Every invalid spec with its diagnostics, two specs with one environment name, or a render bug.
pub fn generate(sources: &[Source], targets: &[render::Target]) -> Result<Vec<render::OutputFile>, GenerateError> {
    generate_batch(&Batch::prepare(sources, targets)?)
}

/// [`generate`] for a prepared batch (whose warnings the caller has shown).
///
/// # Errors
/// A render bug.
pub fn generate_batch(batch: &Batch<'_>) -> Result<Vec<render::OutputFile>, GenerateError> {
    Ok(batch.try_for_each(Ok)?.into_iter().flatten().collect())
}

/// Generates every source for every target into `dir`, all or nothing (see [`output::Staging`]):
/// validates all specs first, then renders them in parallel, staging each spec's files beside
/// their targets as soon as they are rendered; renames them into place when all are staged and
/// removes stale generated files. On any failure `dir` is left as it was.
///
/// # Errors
/// As [`generate`], or an I/O error (after the rollback).
pub fn write(
    sources: &[Source],
    targets: &[render::Target],
    dir: &std::path::Path,
) -> Result<output::WriteReport, GenerateError> {
    write_batch(&Batch::prepare(sources, targets)?, dir)
}

/// [`write`] for a prepared batch.
///
/// # Errors
/// A render bug or an I/O error (after the rollback).
pub fn write_batch(batch: &Batch<'_>, dir: &std::path::Path) -> Result<output::WriteReport, GenerateError> {
    let staging = output::Staging::begin(dir).map_err(GenerateError::Io)?;
    // On an error, `staging` is dropped here, which rolls back what was staged.
    let groups = batch.try_for_each(|files| staging.stage(&files).map_err(GenerateError::Io))?;
    staging.finish(groups, &batch.markers()).map_err(GenerateError::Io)
}

/// Compares what [`write`] would write with `dir`, spec by spec, without writing anything.
///
/// # Errors
/// As [`generate`], or an I/O error other than "not found" while reading `dir`.
pub fn check(
    sources: &[Source],
    targets: &[render::Target],
    dir: &std::path::Path,
) -> Result<output::CheckReport, GenerateError> {
    check_batch(&Batch::prepare(sources, targets)?, dir)
}

/// [`check`] for a prepared batch.
///
/// # Errors
/// A render bug, or an I/O error other than "not found" while reading `dir`.
pub fn check_batch(batch: &Batch<'_>, dir: &std::path::Path) -> Result<output::CheckReport, GenerateError> {
    let groups = batch.try_for_each(|files| output::compare(dir, &files).map_err(GenerateError::Io))?;
    output::finish_check(dir, groups, &batch.markers()).map_err(GenerateError::Io)
}

/// How many threads to work on: as many as the machine has cores.
fn threads() -> usize {
    // Asked once: on Linux each call reads the cgroup's CPU quota from /proc and /sys.
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// `f(0..n)` on up to [`threads`] threads, each taking the next index when it is done with one
/// (items differ in cost), keeping the input order.
fn parallel_map<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    match parallel_try_map(n, |i| Ok::<R, std::convert::Infallible>(f(i))) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

/// Like [`parallel_map`] for a function that can fail: after the first error no new index is
/// started, and the error of the lowest index that failed is returned.
fn parallel_try_map<R: Send, E: Send>(n: usize, f: impl Fn(usize) -> Result<R, E> + Sync) -> Result<Vec<R>, E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let threads = threads().min(n);
    if threads <= 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let r = f(i);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            done.push((i, r));
        }
        done
    };
    let mut results: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
