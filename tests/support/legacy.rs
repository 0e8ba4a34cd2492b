//! The Terraform output in the flat form that the neutral-form checkers read: the module's files
//! (`modules/mwaa/*.tf`, paths without the folder), each `for_each` resource expanded into one
//! block per key (`each.value.NAME` and `each.key` replaced by what they hold for that key), and
//! every resource named by its address in earlier mwaagen output, read from the root's `moved`
//! blocks (`module.mwaa.aws_subnet.private["az1"]` -> `aws_subnet.private_subnet_1`), in its
//! block and in every reference to it.
//!
//! This is what Terraform does with the configuration (for_each expansion, moved addresses), done
//! on the text: a resource that no moved block names, or a `for_each` this cannot expand, panics.
//! The root's outputs must forward the module's, each under its own name.

use std::collections::BTreeMap;

use mwaagen::render::OutputFile;

const MODULE: &str = "modules/mwaa/";

/// new address (in the module) -> old address, from the root's `moved.tf`.
fn moved(files: &[OutputFile]) -> BTreeMap<String, String> {
    let text = &files.iter().find(|f| f.path == "moved.tf").expect("the root has moved.tf").contents;
    let mut out = BTreeMap::new();
    let mut from = None;
    for line in text.lines().map(str::trim) {
        if let Some(f) = line.strip_prefix("from = ").or_else(|| line.strip_prefix("from =")) {
            from = Some(f.trim().to_owned());
        } else if let Some(t) = line.strip_prefix("to").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
            let to = t.trim().strip_prefix("module.mwaa.").expect("moved to the module").to_owned();
            let old = from.take().expect("from before to");
            assert!(out.insert(to.clone(), old).is_none(), "two moved blocks lead to {to}");
        }
    }
    out
}

/// Checks that the root forwards each module output under its name, with its description.
fn outputs_forwarded(files: &[OutputFile]) {
    let root = files.iter().find(|f| f.path == "outputs.tf").expect("root outputs.tf");
    let module = files.iter().find(|f| f.path == "modules/mwaa/outputs.tf").expect("module outputs.tf");
    let outputs = |text: &str| -> Vec<(String, String, String)> {
        let body = hcl::parse(text).expect("outputs parse");
        body.blocks()
            .map(|b| {
                let name = b.labels.first().map(|l| l.as_str().to_owned()).unwrap_or_default();
                let attr = |k: &str| {
                    b.body.attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.to_string()).unwrap_or_default()
                };
                (name, attr("description"), attr("value"))
            })
            .collect()
    };
    let r = outputs(&root.contents);
    let m = outputs(&module.contents);
    assert_eq!(r.len(), m.len(), "the root forwards every module output");
    for ((rn, rd, rv), (mn, md, _)) in r.iter().zip(&m) {
        assert_eq!((rn, rd), (mn, md), "root output {rn}");
        assert_eq!(rv, &format!("module.mwaa.{mn}"), "root output {rn} forwards module.mwaa.{mn}");
    }
}

/// The flat form of a generated root configuration (see the module docs).
pub fn legacy(files: &[OutputFile]) -> Vec<OutputFile> {
    let map = moved(files);
    outputs_forwarded(files);
    files
        .iter()
        .filter_map(|f| {
            let path = f.path.strip_prefix(MODULE)?;
            let text = if path.ends_with(".tf") && !path.starts_with("tests/") {
                rename(&expand(&f.contents), &map)
            } else {
                f.contents.clone()
            };
            Some(OutputFile { path: path.to_owned(), contents: text })
        })
        .collect()
}

/// Expands every `for_each` block of a module file into one block per key.
fn expand(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let head = lines[i];
        let is_block = head.starts_with("resource \"") && head.ends_with('{');
        let fe = (i + 1..lines.len())
            .take_while(|&j| lines[j].trim_start().starts_with('#'))
            .last()
            .map_or(i + 1, |j| j + 1);
        if !is_block || !lines.get(fe).is_some_and(|l| l.trim_start().starts_with("for_each")) {
            out.push_str(head);
            out.push('\n');
            i += 1;
            continue;
        }
        let end = (i..lines.len()).find(|&j| lines[j] == "}").expect("block closes");
        // Per key: NAME -> value.
        let mut keys: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        let mut j = fe;
        let first = lines[fe].trim();
        if let Some(set) = first.strip_prefix("for_each").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
            let set = set.trim();
            if let Some(list) = set.strip_prefix("toset([").and_then(|s| s.strip_suffix("])")) {
                keys = list.split(", ").map(|k| (k.trim_matches('"').to_owned(), BTreeMap::new())).collect();
                j = fe + 1;
            } else {
                assert_eq!(set, "{", "for_each of {head}");
                j = fe + 1;
                while lines[j].trim() != "}" {
                    let key = lines[j]
                        .trim()
                        .strip_suffix(" = {")
                        .unwrap_or_else(|| panic!("for_each key line {:?}", lines[j]));
                    let mut vals = BTreeMap::new();
                    j += 1;
                    while lines[j].trim() != "}" {
                        let (n, v) = lines[j].trim().split_once('=').expect("name = value");
                        vals.insert(n.trim().to_owned(), v.trim().to_owned());
                        j += 1;
                    }
                    keys.push((key.to_owned(), vals));
                    j += 1;
                }
                j += 1;
            }
        }
        let comments = &lines[i + 1..fe];
        let body: Vec<&str> = lines[j..end].iter().copied().skip_while(|l| l.is_empty()).collect();
        let label_end = head.len() - " {".len();
        for (n, (key, vals)) in keys.iter().enumerate() {
            if n > 0 {
                out.push('\n');
            }
            // The key goes into the name label; rename() turns it into the old name.
            out.push_str(&format!("{}[\\\"{key}\\\"]\" {{\n", &head[..label_end - 1]));
            for c in comments {
                out.push_str(c);
                out.push('\n');
            }
            for l in &body {
                let mut l = l.replace("[each.key]", &format!("[\"{key}\"]"));
                for (name, v) in vals {
                    l = l.replace(&format!("each.value.{name}"), v);
                }
                assert!(!l.contains("each."), "{head}: {l} is left with each.");
                out.push_str(&l);
                out.push('\n');
            }
            out.push_str("}\n");
        }
        i = end + 1;
    }
    out
}

/// Every address of the module in its old form: block labels and references.
fn rename(text: &str, map: &BTreeMap<String, String>) -> String {
    let old_name = |addr: &str| -> String {
        let old = map.get(addr).unwrap_or_else(|| panic!("no moved block for {addr}"));
        old.split_once('.').expect("TYPE.NAME").1.to_owned()
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut l = line.to_owned();
        if let Some(rest) = l.strip_prefix("resource \"") {
            let (ty, rest) = rest.split_once("\" \"").expect("two labels");
            let name = rest.strip_suffix("\" {").expect("label then {").replace("\\\"", "\"");
            l = format!("resource \"{ty}\" \"{}\" {{", old_name(&format!("{ty}.{name}")));
        } else if let Some(whole) = l.trim().strip_suffix(',').filter(|a| !map.contains_key(*a)) {
            // `depends_on` on a whole for_each resource: every instance of it.
            let instances: Vec<&String> =
                map.iter().filter(|(new, _)| new.starts_with(&format!("{whole}[\""))).map(|(_, old)| old).collect();
            if instances.is_empty() {
                l = references(&l, map);
            } else {
                let indent = &l[..l.len() - l.trim_start().len()];
                l = instances.iter().map(|o| format!("{indent}{o},")).collect::<Vec<_>>().join("\n");
            }
        } else {
            l = references(&l, map);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// `aws_x.name["key"]` / `aws_x.name` in a line, as their old addresses.
fn references(line: &str, map: &BTreeMap<String, String>) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        let starts = line[i..].starts_with("aws_")
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.'));
        if !starts {
            let c = line[i..].chars().next().expect("char");
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let word = |from: usize| {
            line[from..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(line.len(), |e| from + e)
        };
        let ty_end = word(i);
        if line.as_bytes().get(ty_end) != Some(&b'.') {
            out.push_str(&line[i..ty_end]);
            i = ty_end;
            continue;
        }
        let name_end = word(ty_end + 1);
        let mut end = name_end;
        if line[name_end..].starts_with("[\"") {
            if let Some(close) = line[name_end..].find("\"]") {
                end = name_end + close + 2;
            }
        }
        let addr = &line[i..end];
        match map.get(addr) {
            Some(old) => out.push_str(old),
            None => out.push_str(addr),
        }
        i = end;
    }
    out
}
