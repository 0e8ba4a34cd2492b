"""The machine-readable output of mwaagen under real JSON Schema validators.

- `validate --format sarif` of every invalid fixture against the SARIF 2.1.0 JSON Schema (OASIS,
  draft-04, from the npm package pinned in scripts/lib.sh); each result carries its rule (declared
  in tool.driver.rules), file, line and column, and these are exactly the `--> file:line:col`
  positions of the text output.
- `validate --format json` of valid, warning, base and invalid specs (and an unreadable file)
  against docs/schemas/validate.schema.json, with the same positions as the SARIF.
- `diff --format json` of the tests/diff pairs, both targets, against docs/schemas/diff.schema.json,
  with the counts of the text report's summary line.
- Each schema refuses a document broken on purpose, so that a schema that accepts anything fails.

Usage: check-formats.py BIN SARIF_SCHEMA
"""

import copy
import importlib.metadata
import glob
import json
import re
import subprocess
import sys
import urllib.parse

import jsonschema

BIN, SARIF_SCHEMA = sys.argv[1], sys.argv[2]
failures = []


def run(*args, code=None):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    if code is not None and p.returncode != code:
        failures.append(f"mwaagen {' '.join(args)}: exit {p.returncode}, expected {code}\n{p.stderr[-2000:]}")
    return p


def check(name, validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:5]:
        failures.append(f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    print(f"{'ok  ' if not errors else 'FAIL'} {name}")
    return not errors


def refuses(name, validator, doc):
    if validator.is_valid(doc):
        failures.append(f"{name}: the schema accepts a broken document")
        print(f"FAIL {name}")
    else:
        print(f"ok   {name} (refused)")


def text_positions(stderr):
    return sorted(re.findall(r"^ *--> (.+):(\d+):(\d+)$", stderr, re.M))


with open(SARIF_SCHEMA, encoding="utf-8") as f:
    sarif_schema = json.load(f)
sarif = jsonschema.Draft4Validator(sarif_schema)
with open("docs/schemas/validate.schema.json", encoding="utf-8") as f:
    validate_json = jsonschema.Draft202012Validator(json.load(f))
with open("docs/schemas/diff.schema.json", encoding="utf-8") as f:
    diff_json = jsonschema.Draft202012Validator(json.load(f))
for v in (validate_json, diff_json):
    jsonschema.Draft202012Validator.check_schema(v.schema)

# --- SARIF of the invalid fixtures ---------------------------------------------------------------
invalid = sorted(glob.glob("tests/invalid/*.toml"))
doc = json.loads(run("validate", "--format", "sarif", *invalid, code=1).stdout)
check(f"validate --format sarif of {len(invalid)} invalid fixtures", sarif, doc)
run_ = doc["runs"][0]
rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
sarif_positions = []
files_with_results = set()
for r in run_["results"]:
    if r["ruleId"] not in rules or rules[r["ruleIndex"]] != r["ruleId"]:
        failures.append(f"SARIF result with an undeclared rule: {r['ruleId']}")
    loc = r["locations"][0]["physicalLocation"]
    uri = urllib.parse.unquote(loc["artifactLocation"]["uri"])
    files_with_results.add(uri)
    if "region" not in loc:
        failures.append(f"SARIF result without line and column: {r}")
        continue
    region = loc["region"]
    sarif_positions.append((uri, str(region["startLine"]), str(region["startColumn"])))
    if r["level"] != "error":
        failures.append(f"SARIF result of an invalid fixture is not an error: {r}")
missing = [f for f in invalid if f not in files_with_results]
if missing:
    failures.append(f"invalid fixtures without a SARIF result: {missing[:5]}")
text = run("validate", *invalid, code=1)
if sorted(sarif_positions) != text_positions(text.stderr):
    failures.append("the SARIF positions differ from the text output's --> file:line:col")
else:
    print(f"ok   {len(sarif_positions)} SARIF results at the positions of the text output, rules {len(rules)}")
broken = copy.deepcopy(doc)
broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
refuses("SARIF with a line 0", sarif, broken)

# --- validate JSON -------------------------------------------------------------------------------
valid = sorted(glob.glob("specs/*.toml")) + sorted(glob.glob("tests/valid/*.toml"))
warned = sorted(glob.glob("tests/warnings/*.toml"))
bases = sorted(glob.glob("tests/extends/*.toml")) + sorted(glob.glob("tests/extends/unset/*.toml"))
everything = valid + warned + bases + invalid + ["does/not/exist.toml"]
doc = json.loads(run("validate", "--format", "json", *everything, code=1).stdout)
check(f"validate --format json of {len(everything)} specs", validate_json, doc)
if [s["file"] for s in doc["specs"]] != everything:
    failures.append("validate --format json: not one entry per spec, in order")
kinds = {s["kind"] for s in doc["specs"]}
severities = {d["severity"] for s in doc["specs"] for d in s["diagnostics"]}
if kinds != {"spec", "base"} or severities != {"error", "warning"}:
    failures.append(f"validate --format json covers kinds {kinds} and severities {severities}")
json_positions = sorted(
    (d["file"], str(d["line"]), str(d["column"]))
    for s in doc["specs"]
    if s["file"] in invalid
    for d in s["diagnostics"]
)
if json_positions != sorted(sarif_positions):
    failures.append("validate --format json and --format sarif give different positions")
else:
    print("ok   validate --format json: the positions of the SARIF")
ok = json.loads(run("validate", "--format", "json", "specs/default.toml", code=0).stdout)
check("validate --format json of a valid spec", validate_json, ok)
broken = copy.deepcopy(doc)
del next(s for s in broken["specs"] if s["diagnostics"])["diagnostics"][0]["line"]
refuses("validate JSON without a line", validate_json, broken)
broken = copy.deepcopy(ok)
broken["specs"][0]["valid"] = False
refuses("validate JSON: invalid without an error", validate_json, broken)

# --- diff JSON -----------------------------------------------------------------------------------
pairs = [("tests/diff/old.toml", n) for n in sorted(glob.glob("tests/diff/*.toml")) if not n.endswith("/old.toml")]
seen_actions = set()
for old, new in pairs:
    for target in ("cfn", "terraform"):
        p = run("diff", old, new, "--target", target, "--format", "json", code=0)
        d = json.loads(p.stdout)
        check(f"diff --format json --target {target} {new}", diff_json, d)
        t = run("diff", old, new, "--target", target, code=0).stdout
        m = re.search(r"^(\d+) to replace.*?, (\d+) to update in place, (\d+) to add, (\d+) to remove\.$", t, re.M)
        s = d["summary"]
        if not m or [int(x) for x in m.groups()] != [s["replace"], s["update"], s["add"], s["remove"]]:
            failures.append(f"diff {new} --target {target}: summary {s} differs from the text report")
        if len(d["changes"]) != s["replace"] + s["update"] + s["add"] + s["remove"]:
            failures.append(f"diff {new} --target {target}: {len(d['changes'])} changes, summary {s}")
        seen_actions |= {c["action"] for c in d["changes"]}
        last = d
if not {"replace", "update"} <= seen_actions:
    failures.append(f"the diff pairs cover only {seen_actions}")
broken = copy.deepcopy(last)
broken["changes"].append({"resource": "X", "logical_id": "X", "type": "AWS::S3::Bucket", "action": "replace",
                          "stateful": True, "retained": False, "replacement_cause": None, "loss": None, "properties": []})
refuses("diff JSON: a replacement without its cause", diff_json, broken)

print(f"jsonschema {importlib.metadata.version('jsonschema')}")
if failures:
    print("\n".join(f"FAIL {f}" for f in failures), file=sys.stderr)
    sys.exit(1)
print("formats: all checks passed")
