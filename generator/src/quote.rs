//! One double-quoted string writer for the three grammars that quote alike: JSON strings
//! (RFC 8259 section 7), YAML double-quoted scalars (YAML 1.2 section 5.7) and TOML basic strings
//! (TOML 1.0, "String"). Each reads `\"`, `\\`, `\n`, `\t`, `\r` and `\u` with four hex digits
//! the same way; they differ only in which other characters must not stand raw, which the caller
//! says.

use std::fmt::Write as _;

/// The case of the hex digits of a `\u` escape (each grammar reads both; the case keeps an
/// output's bytes as they have always been).
#[derive(Clone, Copy, Debug)]
pub enum Hex {
    Lower,
    Upper,
}

/// `s` in double quotes: quote, backslash, newline, tab and carriage return escaped by letter,
/// every character `as_unicode` picks (each below U+10000) as `\u` and four hex digits.
pub fn double_quoted(s: &str, as_unicode: impl Fn(char) -> bool, hex: Hex) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if as_unicode(c) => {
                debug_assert!(u32::from(c) <= 0xffff, "a \\u escape holds four hex digits");
                let _ = match hex {
                    Hex::Lower => write!(out, "\\u{:04x}", u32::from(c)),
                    Hex::Upper => write!(out, "\\u{:04X}", u32::from(c)),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{double_quoted, Hex};

    #[test]
    fn letters_escapes_and_picked_characters() {
        let s = "a\"b\\c\nd\te\rf\u{1}g\u{2028}";
        assert_eq!(
            double_quoted(s, |c| u32::from(c) < 0x20, Hex::Lower),
            "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\u{2028}\""
        );
        assert_eq!(double_quoted("\u{2028}", |c| c == '\u{2028}', Hex::Upper), "\"\\u2028\"");
        assert_eq!(double_quoted("\u{ab}", |_| true, Hex::Lower), "\"\\u00ab\"");
        assert_eq!(double_quoted("\u{ab}", |_| true, Hex::Upper), "\"\\u00AB\"");
    }
}
