//! `=` alignment exactly as `terraform fmt` writes it, so that every generated file is already
//! formatted.

/// Lines up the `=` of consecutive attribute lines the way `terraform fmt` does (hclwrite's
/// `formatCells`): a run of lines that each hold a complete `key = value` (the brackets after the
/// first `=` balance on the line) gets its `=` one space after the longest key; any other line
/// (blank, comment, block header, closing bracket, or an attribute whose value continues on the
/// next lines) ends the run. Keys are ASCII here (see [`hcl_key`]), so their width is their length.
#[must_use]
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let cells: Vec<Option<(usize, usize)>> = lines.iter().map(|l| assign_cell(l)).collect();
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    while i < lines.len() {
        if cells[i].is_none() {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cells[i].is_some() {
            i += 1;
        }
        let width = cells[start..i].iter().flatten().map(|(lead, _)| *lead).max().unwrap_or(0);
        for (line, cell) in lines[start..i].iter().zip(&cells[start..i]) {
            if let Some((lead, eq)) = cell {
                out.push_str(&line[..*lead]);
                out.push_str(&" ".repeat(width - lead + 1));
                out.push_str(&line[*eq..]);
                out.push('\n');
            }
        }
    }
    out.pop();
    out
}

/// For a line holding a complete `key = value`: (end of the key, byte offset of the `=`).
fn assign_cell(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    // Contexts: true = inside a quoted string's text, false = expression (top level or `${ }`).
    let mut stack: Vec<bool> = Vec::new();
    let mut in_string = false;
    let mut eq: Option<usize> = None;
    let mut net = 0i32;
    let mut i = first;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    if eq.is_some() {
                        net += 1;
                    }
                    stack.push(true);
                    in_string = false;
                    i += 1;
                }
                b'"' => in_string = stack.pop().unwrap_or(false),
                _ => {}
            }
        } else {
            match b {
                b'"' => {
                    stack.push(false);
                    in_string = true;
                }
                b'#' => break,
                b'/' if bytes.get(i + 1) == Some(&b'/') => break,
                b'{' | b'[' | b'(' => {
                    if eq.is_some() {
                        net += 1;
                    }
                    stack.push(false);
                }
                b'}' | b']' | b')' => {
                    if eq.is_some() {
                        net -= 1;
                    }
                    in_string = stack.pop().unwrap_or(false);
                }
                b'=' if eq.is_none() && i > first => {
                    let prev = bytes[i - 1];
                    let next = bytes.get(i + 1).copied();
                    if !matches!(prev, b'=' | b'!' | b'<' | b'>') && !matches!(next, Some(b'=' | b'>')) {
                        eq = Some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    let eq = eq?;
    if net != 0 {
        return None;
    }
    let lead = line[..eq].trim_end().len();
    Some((lead, eq))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases checked with `terraform fmt` 1.11.4: input -> what fmt writes.
    #[test]
    fn alignment_matches_terraform_fmt() {
        let cases = [
            // A run of attributes, broken by a comment line, a nested block and a blank line.
            (
                "a {\n  #c\n  ab = 1\n  abcd = \"x = y\"\n  # note\n  x = 2\n  long_name = 3\n  b {\n    c = 1\n  }\n  d = 1\n\n  efg = 2\n}",
                "a {\n  #c\n  ab   = 1\n  abcd = \"x = y\"\n  # note\n  x         = 2\n  long_name = 3\n  b {\n    c = 1\n  }\n  d = 1\n\n  efg = 2\n}",
            ),
            // A multi-line value ends the run; its inner lines form their own runs.
            (
                "r {\n  name = 1\n  policy = jsonencode({\n    Version = \"1\"\n    Statement = [\n      {\n        Sid = \"A\"\n        Effect = \"B\"\n      },\n    ]\n  })\n  description = \"y\"\n  permissions_boundary = \"z\"\n}",
                "r {\n  name = 1\n  policy = jsonencode({\n    Version = \"1\"\n    Statement = [\n      {\n        Sid    = \"A\"\n        Effect = \"B\"\n      },\n    ]\n  })\n  description          = \"y\"\n  permissions_boundary = \"z\"\n}",
            ),
            // Quoted keys, brackets and `=` inside strings and interpolations, `==` in a condition.
            (
                "m = {\n  \"a:b\" = \"${x[0]}{\"\n  k = \"}=\"\n  \"\\u00C9\" = 1\n}\nassert {\n  condition = a == b\n  error_message = \"x\"\n}",
                "m = {\n  \"a:b\"    = \"${x[0]}{\"\n  k        = \"}=\"\n  \"\\u00C9\" = 1\n}\nassert {\n  condition     = a == b\n  error_message = \"x\"\n}",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(align(input), want, "input:\n{input}");
        }
    }
}
