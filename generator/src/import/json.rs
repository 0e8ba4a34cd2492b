//! Where a value sits in a JSON text, so that an error about `Environment.MaxWorkers` can point at
//! its line and column. serde_json reads the values; this only finds their byte ranges, in a text
//! that serde_json has already accepted.

use std::ops::Range;

/// The byte range of the value at `path` (object keys, or array indexes written as numbers), or
/// `None` when there is no such value.
#[must_use]
pub fn locate(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut at = skip_ws(b, 0);
    for step in path {
        match b.get(at)? {
            b'{' => {
                at = skip_ws(b, at + 1);
                loop {
                    if b.get(at)? == &b'}' {
                        return None;
                    }
                    let key_end = skip_string(b, at)?;
                    let key: String = serde_json::from_str(text.get(at..key_end)?).ok()?;
                    at = skip_ws(b, key_end);
                    if b.get(at)? != &b':' {
                        return None;
                    }
                    at = skip_ws(b, at + 1);
                    if key == *step {
                        break;
                    }
                    at = skip_ws(b, skip_value(b, at)?);
                    match b.get(at)? {
                        b',' => at = skip_ws(b, at + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let index: usize = step.parse().ok()?;
                at = skip_ws(b, at + 1);
                for _ in 0..index {
                    at = skip_ws(b, skip_value(b, at)?);
                    if b.get(at)? != &b',' {
                        return None;
                    }
                    at = skip_ws(b, at + 1);
                }
                if b.get(at)? == &b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(at..skip_value(b, at)?)
}

fn skip_ws(b: &[u8], mut at: usize) -> usize {
    while b.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The end of the string that starts at `at` (after its closing quote).
fn skip_string(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at)? != &b'"' {
        return None;
    }
    let mut i = at + 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the value that starts at `at`.
fn skip_value(b: &[u8], at: usize) -> Option<usize> {
    match b.get(at)? {
        b'"' => skip_string(b, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while b.get(i).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_path() {
        let text = r#"{ "A": 1, "Environment": { "Name": "x\"y", "Net": { "Ids": ["s-1", "s-2"] }, "Max": 10 } }"#;
        let at = |p: &[&str]| locate(text, p).map(|r| &text[r]);
        assert_eq!(at(&["A"]), Some("1"));
        assert_eq!(at(&["Environment", "Name"]), Some(r#""x\"y""#));
        assert_eq!(at(&["Environment", "Net", "Ids", "1"]), Some(r#""s-2""#));
        assert_eq!(at(&["Environment", "Max"]), Some("10"));
        assert_eq!(at(&["Environment", "Nope"]), None);
        assert_eq!(at(&["Environment", "Net", "Ids", "2"]), None);
        assert!(at(&["Environment"]).is_some_and(|s| s.starts_with('{') && s.ends_with('}')));
    }
}
