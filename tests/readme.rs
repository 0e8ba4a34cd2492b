//! The README's commands are the command line as it is: the install steps come first, and every
//! option its synopsis shows exists on that command (`--help`), and docs/cli.md shows the same
//! synopsis.

mod support;

use support::{mwaagen, stdout};

fn text(path: &str) -> String {
    std::fs::read_to_string(support::root().join(path)).expect("readable")
}

/// The lines of the first ```text block after `heading`.
fn block_after(doc: &str, heading: &str) -> Vec<String> {
    let at = doc.find(heading).expect("the heading is in the document");
    let rest = &doc[at..];
    let start = rest.find("```text\n").expect("a text block") + "```text\n".len();
    let end = rest[start..].find("```").expect("closed");
    rest[start..start + end].lines().map(str::to_owned).collect()
}

#[test]
fn the_readme_starts_with_install_version_and_a_first_run() {
    let readme = text("README.md");
    let first = readme.find("```sh\n").expect("a shell block");
    let block: Vec<&str> = readme[first + 6..]
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .collect();
    assert_eq!(block, ["cargo install --locked --path .", "mwaagen --version", "mwaagen --target cfn"], "{block:?}");
    assert!(readme.contains("\ncargo run --release -- --target cfn\n"), "the run command");
    assert!(readme.contains("\nbash scripts/test.sh\n"), "the test command");
}

#[test]
fn every_option_of_the_synopsis_exists() {
    let readme = block_after(&text("README.md"), "## Commands");
    let cli = block_after(&text("docs/cli.md"), "# The command line");
    assert_eq!(readme, cli, "README.md and docs/cli.md show the same synopsis");
    assert!(readme.len() >= 8, "{readme:?}");
    for line in &readme {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "mwaagen", "{line}");
        let sub = ["validate", "diff", "import", "init", "schema"].into_iter().find(|s| words.get(1) == Some(s));
        let help = match sub {
            Some(s) => stdout(&mwaagen(&[s, "--help"])),
            None => stdout(&mwaagen(&["--help"])),
        };
        for option in words.iter().flat_map(|w| w.split(['[', ']', '|'])).filter(|w| w.starts_with("--")) {
            assert!(help.contains(option), "{option} of `{line}` is not in its --help");
        }
    }
}
