//! `mwaagen diff --base-ref REF SPEC`: the old spec and its `extends` bases come from git at REF,
//! the new ones from the work tree. Run in a real temporary git repository.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{stderr, stdout};

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn mwaagen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mwaagen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A repository whose second commit changes the base (not the spec): the environment class, and
/// the bucket's encryption (which replaces nothing) of every spec that extends it.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("specs")).expect("mkdir");
    for f in ["base.toml", "dev.toml"] {
        std::fs::copy(support::root().join("tests/extends").join(f), dir.join("specs").join(f)).expect("copy");
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "one"]);
    let base = std::fs::read_to_string(dir.join("specs/base.toml")).expect("read");
    assert!(base.contains("environment_class = \"mw1.small\""));
    std::fs::write(dir.join("specs/base.toml"), base.replace("\"mw1.small\"", "\"mw1.medium\"")).expect("write");
    git(dir, &["commit", "-q", "-a", "-m", "two: a bigger class for every team"]);
    tmp
}

#[test]
fn the_change_a_commit_made_to_the_base_is_reported() {
    let repo = repository();
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD~1", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("mwaagen diff HEAD~1:specs/dev.toml -> specs/dev.toml "), "{text}");
    assert!(text.contains("MwaaEnvironment (AWS::MWAA::Environment) is updated in place"), "{text}");
    assert!(text.contains("EnvironmentClass: \"mw1.small\" -> \"mw1.medium\""), "{text}");
    assert!(text.contains("0 to replace, 1 to update in place, 0 to add, 0 to remove."), "{text}");
    // At HEAD the old and the new spec are the same.
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("No changes"), "{}", stdout(&o));
    // The same from inside specs/, and with an absolute path.
    let o = mwaagen_in(&repo.path().join("specs"), &["diff", "--base-ref", "HEAD~1", "dev.toml"]);
    assert!(stdout(&o).contains("EnvironmentClass: \"mw1.small\" -> \"mw1.medium\""), "{}", stderr(&o));
    let absolute = repo.path().join("specs/dev.toml").to_string_lossy().into_owned();
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD~1", &absolute, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let changes = doc["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{doc}");
    assert_eq!(changes[0]["resource"], "MwaaEnvironment");
    assert_eq!(changes[0]["properties"][0]["path"], "EnvironmentClass");
    assert_eq!(changes[0]["properties"][0]["old"], "mw1.small");
}

#[test]
fn a_missing_revision_or_file_is_an_error_that_names_it() {
    let repo = repository();
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "no-such-branch", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read specs/dev.toml: it cannot be read at no-such-branch"), "{}", stderr(&o));
    // The old spec's base is read at REF even when the work tree no longer has it.
    std::fs::write(repo.path().join("specs/other-base.toml"), "version = 1\nbase = true\n").expect("write");
    let dev = std::fs::read_to_string(repo.path().join("specs/dev.toml")).expect("read");
    std::fs::write(repo.path().join("specs/dev.toml"), dev.replace("\"base.toml\"", "\"other-base.toml\"")).expect("w");
    std::fs::remove_file(repo.path().join("specs/base.toml")).expect("rm");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "three: another base"]);
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD~1", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("EnvironmentClass: \"mw1.medium\" -> \"mw1.small\""), "{}", stdout(&o));
    // A base missing at REF: the error is at the old spec's `extends`, named REV:PATH.
    git(repo.path(), &["rm", "-q", "specs/other-base.toml"]);
    git(repo.path(), &["commit", "-q", "-m", "four: no base"]);
    std::fs::write(repo.path().join("specs/other-base.toml"), "version = 1\nbase = true\n").expect("write");
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("--> HEAD:specs/dev.toml:3:11"), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read the base spec \"specs/other-base.toml\""), "{}", stderr(&o));
    let o = mwaagen_in(repo.path(), &["diff", "--base-ref", "HEAD~1", "specs/dev.toml", "specs/dev.toml"]);
    assert_eq!(o.status.code(), Some(2), "one spec with --base-ref");
}
