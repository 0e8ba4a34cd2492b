//! `--check` explains a changed file: for CloudFormation, the resources (and parameters) that
//! differ between the committed template and the one mwaagen would write; for Terraform, the
//! blocks (`resource`, `data`, `variable`, `output`) that differ.

use indexmap::IndexMap;

use super::template;

/// What differs between the committed `old` text of a generated file and the `new` text mwaagen
/// would write, one line per resource or block; empty when that cannot be told (another kind of
/// file, or a committed file that is not a template mwaagen can read).
#[must_use]
pub fn changed_file(path: &str, old: &[u8], new: &str) -> Vec<String> {
    let Ok(old) = std::str::from_utf8(old) else { return Vec::new() };
    if path.ends_with(".yaml") && new.contains(&crate::render::Target::Cfn.marker()) {
        let (Ok(o), Ok(n)) = (template::parse(old), template::parse(new)) else {
            return vec!["the committed file is not a CloudFormation template that mwaagen can read".to_owned()];
        };
        let lines = super::resource_summary(&o, &n);
        if lines.is_empty() {
            return vec!["no resource or parameter differs (the header, description or outputs do)".to_owned()];
        }
        return lines;
    }
    if path.ends_with(".tf") || path.ends_with(".tftest.hcl") {
        let (o, n) = (blocks(old), blocks(new));
        let mut out = Vec::new();
        for (name, text) in &n {
            match o.get(name) {
                None => out.push(format!("{name} (added)")),
                Some(t) if t != text => out.push(format!("{name} (changed)")),
                Some(_) => {}
            }
        }
        out.extend(o.keys().filter(|k| !n.contains_key(*k)).map(|k| format!("{k} (removed)")));
        if out.is_empty() {
            out.push("no block differs, only comments (such as the header, which names the spec)".to_owned());
        }
        return out;
    }
    Vec::new()
}

/// The top-level blocks of a Terraform file by name (`aws_subnet.private_subnet_1`,
/// `data.aws_region.current`, `variable.x`, `output.y`), as the generated files lay them out: a
/// block starts with its header at the start of a line and ends at the next `}` line.
fn blocks(text: &str) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some((name, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
            if line == "}" {
                out.insert(std::mem::take(name), std::mem::take(body));
                current = None;
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().map(|w| w.trim_matches('"')).collect();
        let name = match words.as_slice() {
            ["resource", ty, name, "{"] => format!("{ty}.{name}"),
            ["data", ty, name, "{"] => format!("data.{ty}.{name}"),
            [kind @ ("variable" | "output" | "module" | "run" | "mock_provider"), name, "{"] => {
                format!("{kind}.{name}")
            }
            [kind @ ("terraform" | "provider" | "locals"), ..] if line.ends_with('{') => (*kind).to_owned(),
            _ => continue,
        };
        current = Some((name, format!("{line}\n")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_blocks_are_told_apart() {
        let old = "# header\nresource \"aws_vpc\" \"vpc\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nresource \"aws_subnet\" \"a\" {\n}\n";
        let new = "# header 2\nresource \"aws_vpc\" \"vpc\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n\noutput \"x\" {\n  value = 1\n}\n";
        assert_eq!(
            changed_file("network.tf", old.as_bytes(), new),
            vec!["aws_vpc.vpc (changed)", "output.x (added)", "aws_subnet.a (removed)"]
        );
        assert_eq!(
            changed_file("x.tf", old.as_bytes(), &old.replace("# header", "# h")),
            vec!["no block differs, only comments (such as the header, which names the spec)"]
        );
        assert!(changed_file("README.md", b"a", "b").is_empty());
    }
}
