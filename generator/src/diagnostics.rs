//! User-facing errors: one `Diagnostic` per problem, each pointing into the spec source.
//!
//! All wording of how an error is laid out lives here (`Display`-like rendering in
//! [`Diagnostic::render`]); call sites only say which field is wrong, where, and why.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Component, Path};
use std::sync::Arc;

/// A spec file as read from disk (or the built-in default), kept for error rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name shown in errors and in generated headers (a path as given, or `<built-in default spec>`).
    pub name: String,
    /// The text; invalid UTF-8 is replaced so that error lines can still be shown.
    pub text: String,
    /// Byte offset of the first invalid UTF-8 sequence, if the file was not valid UTF-8.
    pub invalid_utf8_at: Option<usize>,
    /// The name generated headers give the spec when it differs from [`Source::name`]: the same
    /// for every spelling of the path (see [`spec_label`]). `None`: `name`.
    pub label: Option<String>,
    /// Where the text was read: the work tree, or a git revision (`diff --base-ref`), whose
    /// `extends` bases are read from the same revision.
    pub origin: Origin,
}

/// Where a spec (and so its bases) is read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// Files on disk (the work tree).
    #[default]
    Disk,
    /// `git show REV:./PATH`, run in the working folder.
    Git { rev: String },
}

impl Source {
    /// A source from raw bytes. Invalid UTF-8 is remembered and reported by the parser.
    #[must_use]
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self {
                name: name.into(),
                text: text.to_owned(),
                invalid_utf8_at: None,
                label: None,
                origin: Origin::Disk,
            },
            Err(e) => Self {
                name: name.into(),
                text: String::from_utf8_lossy(bytes).into_owned(),
                invalid_utf8_at: Some(e.valid_up_to()),
                label: None,
                origin: Origin::Disk,
            },
        }
    }

    /// A source from text.
    #[must_use]
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into(), invalid_utf8_at: None, label: None, origin: Origin::Disk }
    }

    /// A source read from the file `path`, named as typed (errors) and labelled for headers by
    /// [`spec_label`].
    #[must_use]
    pub fn from_file(path: &Path, bytes: &[u8]) -> Self {
        let mut s = Self::from_bytes(path.to_string_lossy().replace('\\', "/"), bytes);
        let label = spec_label(path);
        if label != s.name {
            s.label = Some(label);
        }
        s
    }

    /// The name messages show: the path, after `REV:` when it was read from git.
    #[must_use]
    pub fn shown_name(&self) -> std::borrow::Cow<'_, str> {
        match &self.origin {
            Origin::Disk => std::borrow::Cow::Borrowed(&self.name),
            Origin::Git { rev } => std::borrow::Cow::Owned(format!("{rev}:{}", self.name)),
        }
    }

    /// The name generated headers give this spec.
    #[must_use]
    pub fn header_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// 1-based line and column (in characters) of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char_boundary(&self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    fn line_text(&self, line: usize) -> &str {
        self.text.split('\n').nth(line - 1).unwrap_or("").trim_end_matches('\r')
    }
}

/// How generated files name the spec at `path`, whatever its spelling: relative to the working
/// folder, with `.` and `..` resolved (`./specs/x.toml`, `specs/x.toml` and `/abs/repo/specs/x.toml`
/// run from `/abs/repo` all give `specs/x.toml`). A spec outside the working folder goes by its file
/// name alone, so that no machine path lands in a generated (and committed) file.
#[must_use]
pub fn spec_label(path: &Path) -> String {
    let relative = if path.is_absolute() {
        let cwd = std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
        let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match cwd.as_deref().and_then(|c| full.strip_prefix(c).ok()) {
            Some(inside) => inside.to_path_buf(),
            None => return path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        }
    } else {
        path.to_path_buf()
    };
    let mut parts: Vec<String> = Vec::new();
    for c in relative.components() {
        match c {
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            Component::ParentDir => parts.push("..".to_owned()),
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
        }
    }
    // Leaving the working folder: the file name, as for an absolute path outside it.
    if parts.first().is_some_and(|p| p == "..") {
        return path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    }
    parts.join("/")
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem with a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The dotted field path, e.g. `environment.max_workers` (empty for file-level problems).
    pub field: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where in the source; `None` points at the start of the file.
    pub span: Option<Range<usize>>,
    /// What would be valid, or how to fix it.
    pub help: Option<String>,
    /// The file `span` points into when it is not the spec being compiled: a base spec that the
    /// spec `extends` (see [`crate::extends`]). `None`: the spec itself.
    pub file: Option<Arc<Source>>,
}

impl Diagnostic {
    /// A new diagnostic for `field` at `span`.
    pub fn new(field: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), span, help: None, file: None }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like a compiler error: message, `file:line:col`, the line and a caret.
    /// `source` is the spec being compiled; a diagnostic about a base spec renders against its
    /// own [`Diagnostic::file`].
    #[must_use]
    pub fn render(&self, source: &Source) -> String {
        self.render_as(Severity::Error, source)
    }

    /// Renders the diagnostic as a warning: the same layout, headed `warning:`.
    #[must_use]
    pub fn render_warning(&self, source: &Source) -> String {
        self.render_as(Severity::Warning, source)
    }

    fn render_as(&self, severity: Severity, source: &Source) -> String {
        let source = self.file.as_deref().unwrap_or(source);
        let span = self.span.clone().unwrap_or(0..0);
        let (line, col) = source.line_col(span.start);
        let mut out = String::new();
        let label = severity.label();
        if self.field.is_empty() {
            let _ = writeln!(out, "{label}: {}", self.message);
        } else {
            let _ = writeln!(out, "{label}: {}: {}", self.field, self.message);
        }
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{line}:{col}", source.shown_name());
        let _ = writeln!(out, "{pad} |");
        let text = source.line_text(line);
        // Caret under the span, limited to this line.
        let start_char = col - 1;
        let line_chars = text.chars().count();
        let end_offset = clamp_to_char_boundary(&source.text, span.end.max(span.start));
        let (end_line, end_col) = source.line_col(end_offset);
        let end_char = if end_line == line { end_col - 1 } else { line_chars };
        // A long line (minified TOML, a huge value, binary garbage) is shown as a window around
        // the span, so that no error line runs off the terminal.
        let (first, last) = line_window(line_chars, start_char);
        let chars: Vec<char> = text.chars().collect();
        let mut shown = display_line(&chars[first..last].iter().collect::<String>());
        let mut lead: String =
            chars[first..start_char.min(last)].iter().map(|c| if *c == '\t' { '\t' } else { ' ' }).collect();
        if first > 0 {
            shown.insert(0, '…');
            lead.insert(0, ' ');
        }
        if last < line_chars {
            shown.push('…');
        }
        let width = end_char.min(last).saturating_sub(start_char).max(1);
        let _ = writeln!(out, "{line} | {shown}");
        let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(width));
        if let Some(help) = &self.help {
            let mut lines = wrap(help, MAX_HELP_WIDTH).into_iter();
            let _ = writeln!(out, "{pad} = help: {}", lines.next().unwrap_or_default());
            for more in lines {
                let _ = writeln!(out, "{pad}         {more}");
            }
        }
        out
    }
}

/// How bad a diagnostic is: an error stops generation; a warning says that a legal spec will
/// likely fail or surprise at deploy time, and stops nothing unless `--deny-warnings` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Longest source excerpt shown under an error, in characters.
const MAX_SHOWN_LINE: usize = 140;
/// How much of a long line is kept before the span starts.
const CONTEXT_BEFORE: usize = 30;

/// The character range of a line of `len` characters to show for a span starting at `start`.
fn line_window(len: usize, start: usize) -> (usize, usize) {
    if len <= MAX_SHOWN_LINE {
        return (0, len);
    }
    let first = start.saturating_sub(CONTEXT_BEFORE).min(len - MAX_SHOWN_LINE);
    (first, first + MAX_SHOWN_LINE)
}

/// Help text is wrapped at this many characters (a long list of valid keys, for one).
const MAX_HELP_WIDTH: usize = 120;

/// Splits `text` at spaces into lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Longest user value echoed in a message, in characters.
const MAX_SHOWN_VALUE: usize = 80;

/// A user-supplied value for a message: quoted, escaped, and shortened when long
/// (`"abc…" (1040 characters)`), so that a huge value cannot make a huge error line.
#[must_use]
pub fn quote(value: &str) -> String {
    let n = value.chars().count();
    if n <= MAX_SHOWN_VALUE {
        return format!("\"{}\"", value.escape_debug());
    }
    let head: String = value.chars().take(MAX_SHOWN_VALUE - 30).collect();
    format!("\"{}…\" ({n} characters)", head.escape_debug())
}

/// The path of `key` inside the table at `parent`, as written in TOML: bare keys as they are,
/// any other key in double quotes (`tags."aws:team"`, `environment.airflow_configuration_options."core.x"`).
/// Long keys are shortened like values in [`quote`].
#[must_use]
pub fn key_path(parent: &str, key: &str) -> String {
    let bare = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    path_with(parent, key, !bare)
}

/// The path of a user-chosen key in a free-form table (`tags."Team"`): always quoted, so that it
/// reads as the user's key and not as a field of the format.
#[must_use]
pub fn user_key_path(parent: &str, key: &str) -> String {
    path_with(parent, key, true)
}

fn path_with(parent: &str, key: &str, quoted: bool) -> String {
    let bare = !quoted && !key.is_empty() && key.chars().count() <= MAX_SHOWN_VALUE;
    let key = if bare {
        key.to_owned()
    } else if key.chars().count() <= MAX_SHOWN_VALUE {
        format!("\"{}\"", key.escape_debug())
    } else {
        let head: String = key.chars().take(MAX_SHOWN_VALUE - 30).collect();
        format!("\"{}…\"", head.escape_debug())
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// Replaces control characters (other than tab) so that a garbage line cannot garble a terminal.
fn display_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c }).collect()
}

/// All problems found in one spec, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by file (the spec itself first, then its bases by name), then position (file-level
    /// first), then field, keeping the output stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let fa = a.file.as_ref().map(|f| f.name.as_str());
            let fb = b.file.as_ref().map(|f| f.name.as_str());
            let ka = a.span.as_ref().map_or((0, 0), |s| (s.start, s.end));
            let kb = b.span.as_ref().map_or((0, 0), |s| (s.start, s.end));
            fa.cmp(&fb)
                .then_with(|| ka.cmp(&kb))
                .then_with(|| a.field.cmp(&b.field))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
    }

    /// Renders every diagnostic and a closing count line.
    #[must_use]
    pub fn render(&self, source: &Source) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(source));
            out.push('\n');
        }
        let n = self.0.len();
        let _ = writeln!(
            out,
            "error: {} has {n} error{}; nothing was written",
            source.shown_name(),
            if n == 1 { "" } else { "s" }
        );
        out
    }

    /// Renders every diagnostic as a warning, with a closing count line.
    #[must_use]
    pub fn render_warnings(&self, source: &Source) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render_warning(source));
            out.push('\n');
        }
        let n = self.0.len();
        let _ = writeln!(out, "warning: {} has {n} warning{}", source.shown_name(), if n == 1 { "" } else { "s" });
        out
    }

    /// The same diagnostics as errors, for `--deny-warnings`: each help line says why a legal
    /// spec is refused.
    #[must_use]
    pub fn denied(&self) -> Diagnostics {
        let note = "(a warning, made an error by --deny-warnings)";
        Diagnostics(
            self.0
                .iter()
                .map(|d| {
                    let help = match &d.help {
                        Some(h) => format!("{h} {note}"),
                        None => note.to_owned(),
                    };
                    d.clone().with_help(help)
                })
                .collect(),
        )
    }

    /// True when there is nothing to report.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Lists candidates as `a`, `b` or `c` for help lines.
#[must_use]
pub fn one_of(candidates: &[&str]) -> String {
    let quoted: Vec<String> = candidates.iter().map(|c| format!("\"{c}\"")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = Source::from_text("x.toml", "a = 1\nnäme = 2\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        // byte offset of '=' on line 2 ("näme " is 6 bytes)
        assert_eq!(s.line_col(12), (2, 6));
    }

    #[test]
    fn render_points_at_span() {
        let s = Source::from_text("x.toml", "version = 1\nname = \"9abc\"\n");
        let d = Diagnostic::new("environment.name", Some(19..25), "bad").with_help("fix it");
        let out = d.render(&s);
        assert!(out.contains("--> x.toml:2:8"), "{out}");
        assert!(out.contains("2 | name = \"9abc\""), "{out}");
        assert!(out.contains("  |        ^^^^^^"), "{out}");
        assert!(out.contains("= help: fix it"), "{out}");
    }

    #[test]
    fn a_diagnostic_about_another_file_renders_against_that_file() {
        let spec = Source::from_text("dev.toml", "version = 1\nextends = \"base.toml\"\n");
        let base = Arc::new(Source::from_text("base.toml", "version = 1\n[environment]\nmax_workers = 30\n"));
        let mut d = Diagnostic::new("environment.max_workers", Some(40..42), "bad");
        d.file = Some(Arc::clone(&base));
        let out = d.render(&spec);
        assert!(out.contains("--> base.toml:3:15"), "{out}");
        assert!(out.contains("3 | max_workers = 30"), "{out}");
        assert!(!out.contains("dev.toml"), "{out}");
        // The summary still names the spec that was compiled.
        assert!(Diagnostics(vec![d]).render(&spec).ends_with("error: dev.toml has 1 error; nothing was written\n"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("nmae", ["name", "version"]), Some("name"));
        assert_eq!(did_you_mean("zzzzzz", ["name", "version"]), None);
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_span() {
        let long = format!("tags = {{ Team = \"{}\", Owner = 5 }}\n", "v".repeat(500));
        let s = Source::from_text("x.toml", long.as_str());
        let at = long.find("Owner").unwrap_or_default();
        let out = Diagnostic::new("tags.Owner", Some(at + 8..at + 9), "bad").render(&s);
        assert!(out.lines().all(|l| l.chars().count() <= 160), "{out}");
        let source_line = out.lines().find(|l| l.starts_with("1 |")).unwrap_or_default();
        let caret_line = out.lines().find(|l| l.contains('^')).unwrap_or_default();
        assert!(source_line.contains("Owner = 5 }") && source_line.contains('…'), "{out}");
        // The caret still sits under the `5`.
        let caret_col = caret_line.chars().position(|c| c == '^').unwrap_or_default();
        assert_eq!(source_line.chars().nth(caret_col), Some('5'), "{out}");
        assert!(out.contains("--> x.toml:1:"), "{out}");
    }

    #[test]
    fn long_help_is_wrapped_under_itself() {
        let s = Source::from_text("x.toml", "a = 1\n");
        let keys: Vec<String> = (0..40).map(|i| format!("key_number_{i}")).collect();
        let help = format!("valid keys: {}", keys.join(", "));
        let out = Diagnostic::new("a", Some(0..1), "bad").with_help(help.clone()).render(&s);
        assert!(out.lines().all(|l| l.chars().count() <= 140), "{out}");
        let help_lines: Vec<&str> = out.lines().skip_while(|l| !l.contains("= help: ")).collect();
        assert!(help_lines.len() > 3, "{out}");
        assert!(help_lines[1].starts_with("          key_number_"), "{out}");
        let rejoined: Vec<&str> = help_lines.iter().map(|l| l.trim().trim_start_matches("= help: ")).collect();
        assert_eq!(rejoined.join(" "), help);
    }

    #[test]
    fn values_and_keys_are_quoted_and_shortened() {
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
        let q = quote(&"x".repeat(1000));
        assert!(q.ends_with("…\" (1000 characters)") && q.chars().count() < 80, "{q}");
        assert_eq!(key_path("tags", "Team"), "tags.Team");
        assert_eq!(key_path("tags", "aws:team"), "tags.\"aws:team\"");
        assert_eq!(key_path("tags", ""), "tags.\"\"");
        assert_eq!(key_path("", "version"), "version");
        assert_eq!(user_key_path("tags", "Team"), "tags.\"Team\"");
        assert!(key_path("tags", &"k".repeat(300)).chars().count() < 60);
    }

    #[test]
    fn invalid_utf8_is_remembered() {
        let s = Source::from_bytes("x", b"ab\xffcd");
        assert_eq!(s.invalid_utf8_at, Some(2));
    }
}
