//! User-facing errors: one `Diagnostic` per problem, each pointing into the spec source.
//!
//! All wording of how an error is laid out lives here (`Display`-like rendering in
//! [`Diagnostic::render`]); call sites only say which field is wrong, where, and why.

use std::fmt::Write as _;
use std::ops::Range;

/// A spec file as read from disk (or the built-in default), kept for error rendering.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown in errors and in generated headers (a path as given, or `<built-in default spec>`).
    pub name: String,
    /// The text; invalid UTF-8 is replaced so that error lines can still be shown.
    pub text: String,
    /// Byte offset of the first invalid UTF-8 sequence, if the file was not valid UTF-8.
    pub invalid_utf8_at: Option<usize>,
}

impl Source {
    /// A source from raw bytes. Invalid UTF-8 is remembered and reported by the parser.
    #[must_use]
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self { name: name.into(), text: text.to_owned(), invalid_utf8_at: None },
            Err(e) => Self {
                name: name.into(),
                text: String::from_utf8_lossy(bytes).into_owned(),
                invalid_utf8_at: Some(e.valid_up_to()),
            },
        }
    }

    /// A source from text.
    #[must_use]
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into(), invalid_utf8_at: None }
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
}

impl Diagnostic {
    /// A new diagnostic for `field` at `span`.
    pub fn new(field: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), span, help: None }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like a compiler error: message, `file:line:col`, the line and a caret.
    #[must_use]
    pub fn render(&self, source: &Source) -> String {
        let span = self.span.clone().unwrap_or(0..0);
        let (line, col) = source.line_col(span.start);
        let mut out = String::new();
        if self.field.is_empty() {
            let _ = writeln!(out, "error: {}", self.message);
        } else {
            let _ = writeln!(out, "error: {}: {}", self.field, self.message);
        }
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{line}:{col}", source.name);
        let _ = writeln!(out, "{pad} |");
        let text = source.line_text(line);
        let shown = display_line(text);
        let _ = writeln!(out, "{line} | {shown}");
        // Caret under the span, limited to this line.
        let start_char = col - 1;
        let line_chars = text.chars().count();
        let end_offset = clamp_to_char_boundary(&source.text, span.end.max(span.start));
        let (end_line, end_col) = source.line_col(end_offset);
        let end_char = if end_line == line { end_col - 1 } else { line_chars };
        let width = end_char.saturating_sub(start_char).max(1);
        let lead: String = text.chars().take(start_char).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(width));
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
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
    /// Sorts by position (file-level first), then field, keeping the output stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let ka = a.span.as_ref().map_or((0, 0), |s| (s.start, s.end));
            let kb = b.span.as_ref().map_or((0, 0), |s| (s.start, s.end));
            ka.cmp(&kb).then_with(|| a.field.cmp(&b.field)).then_with(|| a.message.cmp(&b.message))
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
        let _ =
            writeln!(out, "error: {} has {n} error{}; nothing was written", source.name, if n == 1 { "" } else { "s" });
        out
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
    fn suggestions() {
        assert_eq!(did_you_mean("nmae", ["name", "version"]), Some("name"));
        assert_eq!(did_you_mean("zzzzzz", ["name", "version"]), None);
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }

    #[test]
    fn invalid_utf8_is_remembered() {
        let s = Source::from_bytes("x", b"ab\xffcd");
        assert_eq!(s.invalid_utf8_at, Some(2));
    }
}
