//! One `for_each` resource for each per-zone pair (see [`super::names`]): the templates write one
//! block per IR resource, the two blocks of a pair under the same name; this pass merges them
//! into one block whose `for_each` map holds, per key, the arguments that differ. An argument
//! that differs only by the key of what it refers to (`aws_subnet.private["az1"].id` in the `az1`
//! block) becomes `[each.key]` instead.
//!
//! It works on the templates' text, before [`super::align`]: a top-level block starts with a
//! `resource "TYPE" "NAME" {` line and ends with a `}` line, and the blocks of a pair differ only
//! in single-line arguments. Anything else is a [`RenderError`], never a wrong merge.

use std::collections::BTreeMap;

use crate::render::RenderError;

/// Merges the blocks of each pair in `text`. `keys` maps a block's head line
/// (`resource "aws_subnet" "private" {`) to the `for_each` key of each of its blocks, in order.
pub(super) fn merge(text: &str, keys: &BTreeMap<String, Vec<String>>) -> Result<String, RenderError> {
    let lines: Vec<&str> = text.lines().collect();
    // (head, first line, closing line) of each block to merge.
    let mut spans: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let mut i = 0;
    while i < lines.len() {
        if keys.contains_key(lines[i]) {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j] == "}")
                .ok_or_else(|| RenderError(format!("terraform: {} does not close", lines[i])))?;
            spans.entry(lines[i]).or_default().push((i, end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    // Line index -> replacement text (the merged block at the first member, nothing at the others).
    let mut replace: BTreeMap<usize, (usize, Option<String>)> = BTreeMap::new();
    for (head, members) in &spans {
        let ks = &keys[*head];
        if ks.len() != members.len() {
            return Err(RenderError(format!("terraform: {head} has {} blocks for keys {ks:?}", members.len())));
        }
        let bodies: Vec<&[&str]> = members.iter().map(|&(s, e)| &lines[s + 1..e]).collect();
        let merged = merge_bodies(head, ks, &bodies)?;
        for (n, &(s, e)) in members.iter().enumerate() {
            replace.insert(s, (e, (n == 0).then(|| merged.clone())));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        if let Some((end, merged)) = replace.get(&i) {
            match merged {
                Some(m) => out.push_str(m),
                None => {
                    // The blank line that separated the dropped block from the one before it.
                    if out.ends_with("\n\n") {
                        out.pop();
                    }
                }
            }
            i = end + 1;
            continue;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// `  name = value` -> (indent, name, value).
fn argument(line: &str) -> Option<(&str, &str, &str)> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let (name, value) = trimmed.split_once(" = ")?;
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (plain && !value.ends_with('{') && !value.ends_with('[') && !value.ends_with('(')).then_some((indent, name, value))
}

fn merge_bodies(head: &str, keys: &[String], bodies: &[&[&str]]) -> Result<String, RenderError> {
    let fail = |what: String| Err(RenderError(format!("terraform: cannot merge the blocks of {head}: {what}")));
    let len = bodies[0].len();
    if bodies.iter().any(|b| b.len() != len) {
        return fail("their arguments differ".into());
    }
    // Per key: (argument, value) that differ.
    let mut values: Vec<Vec<(String, String)>> = vec![Vec::new(); keys.len()];
    let mut body = Vec::with_capacity(len);
    for i in 0..len {
        let first = bodies[0][i];
        if bodies.iter().all(|b| b[i] == first) {
            body.push(first.to_owned());
            continue;
        }
        let args: Vec<Option<(&str, &str, &str)>> = bodies.iter().map(|b| argument(b[i])).collect();
        let Some((indent, name, _)) = args[0] else {
            return fail(format!("line {first:?} differs"));
        };
        if !args.iter().all(|a| a.is_some_and(|(ind, n, _)| ind == indent && n == name)) {
            return fail(format!("line {first:?} differs"));
        }
        let vals: Vec<&str> = args.iter().map(|a| a.map_or("", |(_, _, v)| v)).collect();
        let by_key: Vec<String> =
            vals.iter().zip(keys).map(|(v, k)| v.replace(&format!("[\"{k}\"]"), "[each.key]")).collect();
        if by_key.iter().all(|v| *v == by_key[0]) {
            body.push(format!("{indent}{name} = {}", by_key[0]));
            continue;
        }
        if values[0].iter().any(|(n, _)| n == name) {
            return fail(format!("{name} differs twice"));
        }
        for (n, v) in vals.iter().enumerate() {
            values[n].push((name.to_owned(), (*v).to_owned()));
        }
        body.push(format!("{indent}{name} = each.value.{name}"));
    }
    let mut out = format!("{head}\n");
    // checkov comments stay first.
    let comments = body.iter().take_while(|l| l.trim_start().starts_with('#')).count();
    for l in &body[..comments] {
        out.push_str(l);
        out.push('\n');
    }
    if values[0].is_empty() {
        out.push_str("  for_each = toset([");
        out.push_str(&keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "));
        out.push_str("])\n");
    } else {
        out.push_str("  for_each = {\n");
        for (k, vals) in keys.iter().zip(&values) {
            out.push_str(&format!("    {k} = {{\n"));
            for (n, v) in vals {
                out.push_str(&format!("      {n} = {v}\n"));
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    if body.len() > comments && !body[comments].is_empty() {
        out.push('\n');
    }
    for l in &body[comments..] {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_merge_into_one_for_each_block() {
        let text = "# h\n\nresource \"aws_subnet\" \"private\" {\n  vpc_id = aws_vpc.this.id\n  cidr_block = \"10.0.1.0/24\"\n}\n\nresource \"aws_eip\" \"x\" {\n}\n\nresource \"aws_subnet\" \"private\" {\n  vpc_id = aws_vpc.this.id\n  cidr_block = \"10.0.2.0/24\"\n}\n\nresource \"aws_route_table_association\" \"private\" {\n  subnet_id = aws_subnet.private[\"az1\"].id\n}\n\nresource \"aws_route_table_association\" \"private\" {\n  subnet_id = aws_subnet.private[\"az2\"].id\n}\n";
        let mut keys = BTreeMap::new();
        let k = vec!["az1".to_owned(), "az2".to_owned()];
        keys.insert("resource \"aws_subnet\" \"private\" {".to_owned(), k.clone());
        keys.insert("resource \"aws_route_table_association\" \"private\" {".to_owned(), k);
        let out = merge(text, &keys).expect("merges");
        assert_eq!(
            out,
            "# h\n\nresource \"aws_subnet\" \"private\" {\n  for_each = {\n    az1 = {\n      cidr_block = \"10.0.1.0/24\"\n    }\n    az2 = {\n      cidr_block = \"10.0.2.0/24\"\n    }\n  }\n\n  vpc_id = aws_vpc.this.id\n  cidr_block = each.value.cidr_block\n}\n\nresource \"aws_eip\" \"x\" {\n}\n\nresource \"aws_route_table_association\" \"private\" {\n  for_each = toset([\"az1\", \"az2\"])\n\n  subnet_id = aws_subnet.private[each.key].id\n}\n"
        );
        // Blocks that differ otherwise than in an argument's value are refused.
        let bad = text.replace("  cidr_block = \"10.0.2.0/24\"\n", "");
        assert!(merge(&bad, &keys).is_err());
    }
}
