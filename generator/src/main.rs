//! The `mwaagen` command line: parses arguments, calls the library, prints errors.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mwaagen::diagnostics::Source;
use mwaagen::output;
use mwaagen::render::{OutputFile, Target};
use mwaagen::{Checked, GenerateError};

/// Generate CloudFormation, Terraform or CDK TypeScript for an Amazon MWAA environment from one
/// TOML spec.
#[derive(Debug, Parser)]
#[command(
    name = "mwaagen",
    disable_version_flag = true,
    about,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Exit status: 0 success; 1 invalid spec, drift found by --check, or a file error; 2 bad usage;\n3 `diff --fail-on-replace` found a stateful resource that would be replaced.\n\nExamples:\n  mwaagen --target cfn                      print the default spec's CloudFormation template\n  mwaagen specs/prod.toml --target cfn --out infra/\n  mwaagen specs/prod.toml --target cfn --out infra/ --check\n  mwaagen validate specs/*.toml\n  mwaagen validate --format sarif specs/*.toml > mwaagen.sarif\n  mwaagen init my-env.toml\n  mwaagen diff specs/prod.toml new/prod.toml --fail-on-replace\n  mwaagen diff --base-ref origin/main specs/prod.toml --fail-on-replace\n  mwaagen import get-environment.json --vpc-id vpc-0abc1234 --out my-env.toml"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The spec file(s) (TOML). Without one, the built-in default spec is used. With several,
    /// --out is needed and each environment goes to DIR/<environment name>/<target>/.
    #[arg(value_name = "SPEC")]
    specs: Vec<PathBuf>,

    /// What to generate.
    #[arg(long, short, value_enum, required = true)]
    target: Option<TargetArg>,

    /// Write the files into DIR instead of printing them.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Write nothing; exit 1 if DIR differs from what would be written, naming each file.
    #[arg(long, requires = "out")]
    check: bool,

    /// Treat warnings as errors: a spec with a warning generates nothing and exits 1.
    #[arg(long)]
    deny_warnings: bool,

    /// Print the version, the Airflow versions and the provider versions this mwaagen knows.
    #[arg(long, short = 'V', exclusive = true)]
    version: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check specs and report every problem, without generating anything.
    Validate {
        /// Spec files to check.
        #[arg(value_name = "SPEC", required = true)]
        specs: Vec<PathBuf>,
        /// Treat warnings as errors (exit 1 when a spec has any).
        #[arg(long)]
        deny_warnings: bool,
        /// How to report: text for people; json (docs/formats.md) or sarif (SARIF 2.1.0, for code
        /// scanning) on standard output, for machines.
        #[arg(long, value_enum, default_value = "text")]
        format: ValidateFormat,
    },
    /// Compare what two specs deploy, resource by resource
    ///
    /// Each resource is added, removed, updated in place (each property, old -> new) or replaced
    /// (naming the property that forces it, and what a stateful resource loses).
    Diff {
        /// The spec as deployed now (with --base-ref: the spec, read both at REF and in the work tree).
        #[arg(value_name = "OLD.toml")]
        old: PathBuf,
        /// The changed spec (not with --base-ref).
        #[arg(value_name = "NEW.toml")]
        new: Option<PathBuf>,
        /// Read the old spec, and its `extends` bases, from git at REF (a branch, tag or commit);
        /// the new one from the work tree: `mwaagen diff --base-ref origin/main specs/prod.toml`.
        #[arg(long, value_name = "REF")]
        base_ref: Option<String>,
        /// How to report: text for people, or json (docs/formats.md) for machines.
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Whose words to use: CloudFormation logical ids, or Terraform addresses and arguments.
        #[arg(long, short, value_enum, default_value = "cfn")]
        target: DiffTarget,
        /// Exit 3 when a stateful resource (environment, bucket, key, log group) would be replaced.
        #[arg(long)]
        fail_on_replace: bool,
    },
    /// Write a spec that describes a live environment, from `aws mwaa get-environment` output
    ///
    /// The spec brings what the environment runs in (subnets, security groups, bucket, role, key)
    /// and carries every setting; what it cannot carry is said in its comments.
    Import {
        /// What `aws mwaa get-environment --name NAME` printed (JSON).
        #[arg(value_name = "GET-ENVIRONMENT.json")]
        file: PathBuf,
        /// The VPC of the environment's subnets (get-environment does not name it). Without it the
        /// spec holds a placeholder that validation refuses.
        #[arg(long, value_name = "VPC")]
        vpc_id: Option<String>,
        /// Write the spec to SPEC instead of printing it.
        #[arg(long, short, value_name = "SPEC")]
        out: Option<PathBuf>,
        /// Overwrite SPEC if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Print the spec's JSON Schema (draft 2020-12), for editors (Taplo / Even Better TOML).
    Schema {
        /// Write the schema to FILE instead of printing it (e.g. mwaagen.schema.json beside the
        /// specs, which their `#:schema ./mwaagen.schema.json` line names).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the default spec, commented, to start from.
    Init {
        /// Where to write it.
        #[arg(value_name = "PATH", default_value = "mwaagen.toml")]
        path: PathBuf,
        /// Overwrite PATH if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ValidateFormat {
    /// Messages for people, on standard error
    Text,
    /// One JSON document on standard output (docs/formats.md)
    Json,
    /// SARIF 2.1.0 on standard output, for code scanning
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// A report for people
    Text,
    /// One JSON document (docs/formats.md)
    Json,
}

/// Where `diff` reads the old spec.
#[derive(Debug)]
enum SpecAt {
    Disk(PathBuf),
    /// At a git revision (`--base-ref`).
    Git(String, PathBuf),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffTarget {
    /// CloudFormation logical ids, types and property names
    Cfn,
    /// Terraform resource addresses and argument names
    Terraform,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TargetArg {
    /// CloudFormation YAML (template.yaml)
    Cfn,
    /// Terraform configuration (*.tf)
    Terraform,
    /// CDK v2 TypeScript app (package.json, bin/, lib/, ...)
    Cdk,
    /// Every target, each in its own folder
    All,
    /// The intermediate representation as JSON (for debugging)
    Ir,
}

impl TargetArg {
    fn targets(self) -> Vec<Target> {
        match self {
            TargetArg::Cfn => vec![Target::Cfn],
            TargetArg::Terraform => vec![Target::Terraform],
            TargetArg::Cdk => vec![Target::Cdk],
            TargetArg::All => Target::ALL.to_vec(),
            TargetArg::Ir => vec![Target::Ir],
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.version {
        return print_files(&[OutputFile { path: String::new(), contents: mwaagen::version_text() }]);
    }
    match cli.command {
        Some(Command::Validate { specs, deny_warnings, format }) => validate(&specs, deny_warnings, format),
        Some(Command::Init { path, force }) => init(&path, force),
        Some(Command::Diff { old, new, base_ref, format, target, fail_on_replace }) => {
            let (old, new) = match (base_ref, new) {
                (Some(rev), None) => (SpecAt::Git(rev, old.clone()), old),
                (None, Some(new)) => (SpecAt::Disk(old), new),
                (Some(_), Some(_)) => {
                    return usage("diff --base-ref REF takes one spec: it is read at REF and in the work tree")
                }
                (None, None) => return usage("diff needs OLD.toml and NEW.toml, or --base-ref REF and one spec"),
            };
            diff(&old, &new, target, format, fail_on_replace)
        }
        Some(Command::Import { file, vpc_id, out, force }) => import(&file, vpc_id.as_deref(), out.as_deref(), force),
        Some(Command::Schema { out: None }) => {
            print_files(&[OutputFile { path: String::new(), contents: mwaagen::schema() }])
        }
        Some(Command::Schema { out: Some(path) }) => write_file(&path, mwaagen::schema()).map_or_else(fail, |()| {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }),
        None => {
            let options = mwaagen::Options { deny_warnings: cli.deny_warnings };
            generate(&cli.specs, cli.target.unwrap_or(TargetArg::Cfn), cli.out.as_deref(), cli.check, options)
        }
    }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

fn read_source(path: &Path) -> Result<Source, String> {
    std::fs::read(path)
        .map(|bytes| Source::from_file(path, &bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn generate(
    specs: &[PathBuf],
    target: TargetArg,
    out: Option<&Path>,
    check: bool,
    options: mwaagen::Options,
) -> ExitCode {
    if specs.len() > 1 && out.is_none() {
        eprintln!("error: several specs need --out DIR (each environment goes to DIR/<environment name>/<target>/)");
        return ExitCode::from(2);
    }
    let mut sources = Vec::with_capacity(specs.len().max(1));
    for p in specs {
        match read_source(p) {
            Ok(s) => sources.push(s),
            Err(e) => return fail(e),
        }
    }
    if sources.is_empty() {
        sources.push(mwaagen::default_source());
    }
    let targets = target.targets();
    let invalid = |list: &[(usize, mwaagen::diagnostics::Diagnostics)]| {
        for (i, diags) in list {
            eprint!("{}", diags.render(&sources[*i]));
        }
        ExitCode::FAILURE
    };
    let batch = match mwaagen::Batch::prepare_with(&sources, &targets, options) {
        Ok(batch) => batch,
        Err(GenerateError::Invalid(list)) => return invalid(&list),
        Err(e) => return fail(e),
    };
    for (i, warnings) in batch.warnings() {
        eprint!("{}", warnings.render_warnings(&sources[*i]));
    }
    let Some(dir) = out else {
        return match mwaagen::generate_batch(&batch) {
            Ok(files) => print_files(&files),
            Err(e) => fail(e),
        };
    };
    if check {
        return match mwaagen::check_batch(&batch, dir) {
            Ok(report) if report.drift.is_empty() => {
                println!("up to date: {} ({} files)", dir.display(), report.files);
                ExitCode::SUCCESS
            }
            Ok(report) => {
                let mut stderr = std::io::stderr().lock();
                for d in &report.drift {
                    let _ = writeln!(stderr, "{d}");
                    if let output::Drift::Changed(p) = d {
                        for why in report.explained.get(p).into_iter().flatten() {
                            let _ = writeln!(stderr, "    {why}");
                        }
                    }
                }
                let _ = writeln!(
                    stderr,
                    "error: {} differs from what mwaagen would write ({} files); run without --check to update",
                    dir.display(),
                    report.drift.len()
                );
                ExitCode::FAILURE
            }
            Err(e) => fail(e),
        };
    }
    match mwaagen::write_batch(&batch, dir) {
        Ok(report) => {
            // One write for thousands of lines, not one per line.
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            for p in &report.written {
                let _ = writeln!(stdout, "wrote {}", p.display());
            }
            for p in &report.removed {
                let _ = writeln!(stdout, "removed stale {}", p.display());
            }
            if report.written.is_empty() && report.removed.is_empty() {
                let _ = writeln!(stdout, "up to date: {} ({} files)", dir.display(), report.unchanged.len());
            }
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(GenerateError::Io(e)) => fail(format!("{e}; nothing was changed in {}", dir.display())),
        Err(e) => fail(e),
    }
}

fn print_files(files: &[OutputFile]) -> ExitCode {
    // CloudFormation prints the template alone (spec-format.md); resources-to-import.json of an
    // adopting spec goes beside it with --out.
    let files = match files {
        [template, rest @ ..] if template.path == "template.yaml" && !rest.is_empty() => {
            let names: Vec<&str> = rest.iter().map(|f| f.path.as_str()).collect();
            eprintln!("note: {} not printed: write it beside the template with --out DIR", names.join(", "));
            std::slice::from_ref(template)
        }
        _ => files,
    };
    let mut stdout = std::io::stdout().lock();
    let result = if let [only] = files {
        stdout.write_all(only.contents.as_bytes())
    } else {
        files.iter().try_for_each(|f| writeln!(stdout, "==> {} <==\n{}", f.path, f.contents))
    };
    match result.and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`mwaagen ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write to standard output: {e}")),
    }
}

fn validate(specs: &[PathBuf], deny_warnings: bool, format: ValidateFormat) -> ExitCode {
    use mwaagen::report::{self, Outcome};
    let results: Vec<report::Checked> = specs
        .iter()
        .map(|path| match read_source(path) {
            Err(e) => report::Checked {
                source: Source::from_text(path.to_string_lossy(), ""),
                outcome: Outcome::Unreadable(e),
            },
            Ok(source) => {
                let outcome = match mwaagen::check_spec(&source) {
                    Ok(Checked::Base { warnings, .. }) if deny_warnings && !warnings.is_empty() => {
                        Outcome::Invalid(warnings.denied())
                    }
                    Ok(Checked::Base { warnings, .. }) => Outcome::Valid { environment: None, warnings },
                    Ok(Checked::Spec(c)) if deny_warnings && !c.warnings.is_empty() => {
                        Outcome::Invalid(c.warnings.denied())
                    }
                    Ok(Checked::Spec(c)) => {
                        Outcome::Valid { environment: Some(c.ir.environment_name.clone()), warnings: c.warnings }
                    }
                    Err(diags) => Outcome::Invalid(diags),
                };
                report::Checked { source, outcome }
            }
        })
        .collect();
    let failed = results.iter().filter(|r| !matches!(r.outcome, Outcome::Valid { .. })).count();
    let code = if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    match format {
        ValidateFormat::Json => return print_or(report::validate_json(&results), code),
        ValidateFormat::Sarif => return print_or(report::validate_sarif(&results), code),
        ValidateFormat::Text => {}
    }
    for r in &results {
        match &r.outcome {
            Outcome::Unreadable(e) => eprintln!("error: {e}"),
            Outcome::Invalid(diags) => eprint!("{}", diags.render(&r.source).replace("; nothing was written", "")),
            Outcome::Valid { environment, warnings } => {
                if !warnings.is_empty() {
                    eprint!("{}", warnings.render_warnings(&r.source));
                }
                match environment {
                    Some(env) => println!("ok: {} (environment {env})", r.source.name),
                    None => println!("ok: {} (base spec)", r.source.name),
                }
            }
        }
    }
    if failed > 0 {
        eprintln!("error: {failed} of {} specs are invalid", specs.len());
    }
    code
}

/// Prints a machine-readable document; `code` unless standard output fails.
fn print_or(text: String, code: ExitCode) -> ExitCode {
    let printed = print_files(&[OutputFile { path: String::new(), contents: text }]);
    if printed == ExitCode::SUCCESS {
        code
    } else {
        printed
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn diff(old: &SpecAt, new: &Path, target: DiffTarget, format: DiffFormat, fail_on_replace: bool) -> ExitCode {
    use mwaagen::diff::Language;
    let mut irs = Vec::with_capacity(2);
    let mut names = Vec::with_capacity(2);
    let mut invalid = false;
    let sources = [
        match old {
            SpecAt::Disk(path) => read_source(path),
            SpecAt::Git(rev, path) => mwaagen::git::source_at(rev, path),
        },
        read_source(new),
    ];
    for source in sources {
        let source = match source {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        names.push(source.shown_name().into_owned());
        match mwaagen::compile_with_warnings(&source) {
            Ok(c) => {
                if !c.warnings.is_empty() {
                    eprint!("{}", c.warnings.render_warnings(&source));
                }
                irs.push(c.ir);
            }
            Err(diags) => {
                eprint!("{}", diags.render(&source).replace("; nothing was written", ""));
                invalid = true;
            }
        }
    }
    let (Some(old_ir), Some(new_ir), false) = (irs.first(), irs.get(1), invalid) else {
        return ExitCode::FAILURE;
    };
    let report = match mwaagen::diff::compare(old_ir, new_ir) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let language = match target {
        DiffTarget::Cfn => Language::Cfn,
        DiffTarget::Terraform => Language::Terraform,
    };
    // Colour only for a person at a terminal (https://no-color.org: any non-empty NO_COLOR).
    let color = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty());
    let text = match format {
        DiffFormat::Text => report.render(&names[0], &names[1], language, color),
        DiffFormat::Json => report.to_json(&names[0], &names[1], language),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(format!("cannot write to standard output: {e}"));
        }
    }
    let stateful = report.stateful_replacements();
    let refusals = report.refusals(language);
    if fail_on_replace && (!stateful.is_empty() || !refusals.is_empty()) {
        if !stateful.is_empty() {
            let names: Vec<String> = stateful.iter().map(|c| report.name(&c.id, language)).collect();
            eprintln!(
                "error: --fail-on-replace: {} stateful resource{} would be replaced: {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            );
        }
        for r in &refusals {
            eprintln!("error: --fail-on-replace: {r}");
        }
        return ExitCode::from(3);
    }
    for r in &refusals {
        eprintln!("warning: {r}");
    }
    ExitCode::SUCCESS
}

fn import(file: &Path, vpc_id: Option<&str>, out: Option<&Path>, force: bool) -> ExitCode {
    let source = match read_source(file) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let imported = match mwaagen::import::import(&source, vpc_id) {
        Ok(i) => i,
        Err(diags) => {
            eprint!("{}", diags.render(&source));
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = out.filter(|p| p.exists() && !force) {
        return fail(format!("{} already exists; use --force to overwrite it", path.display()));
    }
    // The spec is checked as mwaagen will read it: only the VPC placeholder may be refused.
    let spec_name = out.map_or_else(|| "<imported spec>".to_owned(), |p| p.to_string_lossy().replace('\\', "/"));
    let spec_source = Source::from_text(spec_name.clone(), imported.spec.as_str());
    let problems = match mwaagen::compile_with_warnings(&spec_source) {
        Ok(c) => {
            if !c.warnings.is_empty() {
                eprint!("{}", c.warnings.render_warnings(&spec_source));
            }
            None
        }
        Err(d) if imported.vpc_placeholder && d.0.iter().all(|d| d.field == "network.existing_vpc_id") => None,
        Err(d) => Some(d),
    };
    // Values that do not validate come from the live environment (a version MWAA no longer
    // offers, ...): the spec is written all the same, each such value marked with what to choose.
    let mut imported = imported;
    if let Some(diags) = &problems {
        imported.spec = mwaagen::import::mark_refused(&imported.spec, diags);
    }
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(imported.spec.as_bytes()).and_then(|()| stdout.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return fail(format!("cannot write to standard output: {e}"));
                }
            }
        }
        Some(path) => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let Some(name) = path.file_name() else {
                return fail(format!("{} is not a file path", path.display()));
            };
            let file = OutputFile { path: name.to_string_lossy().into_owned(), contents: imported.spec.clone() };
            if let Err(e) = output::write_all(dir, &[file], &[]) {
                return fail(e);
            }
            println!("wrote {} (environment {})", path.display(), imported.name);
        }
    }
    if imported.vpc_placeholder {
        eprintln!(
            "note: {spec_name}: network.existing_vpc_id is a placeholder ({}): write the VPC of the environment's \
             subnets there (the comment above it says how to find it), or import again with --vpc-id",
            mwaagen::import::VPC_PLACEHOLDER
        );
    }
    if let Some(diags) = problems {
        let written = Source::from_text(spec_name.clone(), imported.spec.as_str());
        let shown = match mwaagen::compile(&written) {
            Err(d) => d.render(&written).replace("; nothing was written", ""),
            Ok(_) => diags.render(&spec_source).replace("; nothing was written", ""),
        };
        eprint!("{shown}");
        eprintln!(
            "error: the live environment {} has values that mwaagen refuses (above): they were written as they are, \
             each marked with a `# CHOOSE:` comment in {spec_name}; choose a value for each and run `mwaagen validate`",
            imported.name
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn init(path: &Path, force: bool) -> ExitCode {
    if path.exists() && !force {
        return fail(format!("{} already exists; use --force to overwrite it", path.display()));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match write_file(path, mwaagen::init_spec()) {
        Ok(()) => {
            println!("wrote {}; edit it, then run: mwaagen {} --target cfn", path.display(), path.display());
            println!(
                "its first line names {}: for completion and checks in your editor (Taplo, Even Better TOML), \
                 write it with: mwaagen schema --out {}",
                mwaagen::SCHEMA_FILE,
                if dir == Path::new(".") {
                    PathBuf::from(mwaagen::SCHEMA_FILE)
                } else {
                    dir.join(mwaagen::SCHEMA_FILE)
                }
                .display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Writes one file (all or nothing, as generated output is written).
fn write_file(path: &Path, contents: String) -> Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = path.file_name() else {
        return Err(format!("{} is not a file path", path.display()));
    };
    let file = OutputFile { path: name.to_string_lossy().into_owned(), contents };
    output::write_all(dir, &[file], &[]).map(|_| ()).map_err(|e| e.to_string())
}
