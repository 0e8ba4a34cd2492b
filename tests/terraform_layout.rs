//! `[output] terraform_layout`: what `--target terraform --out DIR` writes into DIR. "root" (the
//! default) is a root configuration calling DIR/modules/mwaa/; "module" is that module alone, at
//! the top of DIR, with no provider, no root and no moved blocks (the caller owns those).
//! scripts/check-terraform.sh runs `terraform validate` and the module's test on such a folder.

mod support;

use support::{mwaagen, stderr};

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read_to_string(&p).expect("text"));
            }
        }
    }
    out
}

/// `spec` with `extra` lines added to its `[output]` table (which it must have).
fn with_output(spec: &str, extra: &str) -> String {
    let text = fs::read_to_string(support::root().join(spec)).expect("spec");
    assert!(text.contains("\n[output]\n"), "{spec} has an [output] table");
    text.replacen("\n[output]\n", &format!("\n[output]\n{extra}\n"), 1)
}

fn generate(spec_text: &str, name: &str) -> (tempfile::TempDir, BTreeMap<String, String>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = tmp.path().join(name);
    fs::write(&spec, spec_text).expect("spec written");
    let out = tmp.path().join("out");
    let o = mwaagen(&[&spec.to_string_lossy(), "--target", "terraform", "--out", &out.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = files(&out);
    (tmp, f)
}

/// The generated header names the spec file; both runs use the same name, so only the layout differs.
#[test]
fn module_layout_writes_the_module_of_the_root_layout_alone() {
    // production.toml: parameters (variables.tf), removed blocks, retained resources (tests/release).
    for spec in ["specs/production.toml", "specs/operations.toml"] {
        let (_a, root) = generate(&with_output(spec, "terraform_layout = \"root\""), "spec.toml");
        let (_b, module) = generate(&with_output(spec, "terraform_layout = \"module\""), "spec.toml");
        let (_c, default) = generate(&fs::read_to_string(support::root().join(spec)).expect("spec"), "spec.toml");
        assert_eq!(root, default, "{spec}: \"root\" is the default layout");

        // The module layout is the root layout's modules/mwaa/, moved to the top, and nothing else
        // but the .gitignore (`terraform test` initializes the module's folder).
        let mut expected: BTreeMap<String, String> = root
            .iter()
            .filter_map(|(p, text)| p.strip_prefix("modules/mwaa/").map(|p| (p.to_owned(), text.clone())))
            .collect();
        assert!(expected.contains_key("main.tf") || expected.contains_key("mwaa.tf"), "{spec}: {:?}", expected.keys());
        expected.insert(".gitignore".into(), root[".gitignore"].clone());
        assert_eq!(
            module.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{spec}: the module layout's files"
        );
        assert_eq!(module, expected, "{spec}: each file as in modules/mwaa/");

        // What belongs to the caller is absent: provider configuration, the module call, moved blocks.
        for (path, text) in &module {
            // (The module's test has a `mock_provider` block: that is no provider configuration.)
            let block = |b: &str| text.lines().any(|l| l.starts_with(b));
            assert!(!block("provider "), "{spec}: {path} configures a provider");
            assert!(!block("module "), "{spec}: {path} calls a module");
            assert!(!block("moved {"), "{spec}: {path} has moved blocks");
            assert!(!text.contains("allowed_account_ids"), "{spec}: {path} sets allowed_account_ids");
        }
        assert!(module["versions.tf"].contains("required_providers"), "{spec}: the module names its provider");
        // ... and the root layout has them.
        assert!(root["providers.tf"].contains("provider \"aws\" {"), "{spec}: root providers.tf");
        assert!(root["main.tf"].contains("source = \"./modules/mwaa\""), "{spec}: root main.tf");
        assert!(root.contains_key("moved.tf"), "{spec}: root moved.tf");
    }
}

#[test]
fn account_id_is_the_root_providers_allowed_account() {
    let (_a, root) = generate(&with_output("specs/operations.toml", "account_id = \"210987654321\""), "ops.toml");
    let providers = &root["providers.tf"];
    // An attribute of the provider block, not a comment.
    let provider = providers.split("provider \"aws\" {").nth(1).and_then(|b| b.split("\n}").next()).expect("block");
    assert!(provider.lines().any(|l| l.trim() == "allowed_account_ids = [\"210987654321\"]"), "{providers}");
    let (_b, without) =
        generate(&fs::read_to_string(support::root().join("specs/operations.toml")).expect("spec"), "ops.toml");
    assert!(!without["providers.tf"].contains("allowed_account_ids"), "no account_id: no allowed_account_ids");
}

#[test]
fn module_layout_with_an_account_warns_and_check_compares_the_module_layout() {
    let text = with_output("specs/operations.toml", "terraform_layout = \"module\"\naccount_id = \"210987654321\"");
    let (tmp, module) = generate(&text, "ops.toml");
    assert!(!module.contains_key("providers.tf"));
    let spec = tmp.path().join("ops.toml");
    let out = tmp.path().join("out");
    let (spec, out) = (spec.to_string_lossy(), out.to_string_lossy());
    // The account is checked by no provider in the module: a warning says so.
    let o = mwaagen(&[&spec, "--target", "terraform", "--out", &out, "--check"]);
    assert_eq!(o.status.code(), Some(0), "--check of the folder just written: {}", stderr(&o));
    assert!(stderr(&o).contains("warning: output.account_id"), "{}", stderr(&o));
    // --check compares DIR with what the module layout writes: the files of a root layout
    // generated there before (switching layouts) are reported as stale.
    let root_text = text.replace("terraform_layout = \"module\"", "terraform_layout = \"root\"");
    let root_spec = tmp.path().join("root.toml");
    fs::write(&root_spec, root_text).expect("spec written");
    let o = mwaagen(&[&root_spec.to_string_lossy(), "--target", "terraform", "--out", &out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = mwaagen(&[&spec, "--target", "terraform", "--out", &out, "--check"]);
    assert_eq!(o.status.code(), Some(1), "root files in a module folder: {}", stderr(&o));
    for f in ["moved.tf", "providers.tf", "main.tf"] {
        assert!(stderr(&o).contains(f), "{f} reported: {}", stderr(&o));
    }
}
