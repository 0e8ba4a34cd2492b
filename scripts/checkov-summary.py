"""Reads checkov's JSON reports (-o json: one JSON document per scanned folder or framework, one
after another) and prints, for each named output, one line: `ok   NAME FRAMEWORK (Passed checks: P,
Failed checks: F, Skipped checks: S)` or `FAIL ...` with each failed check below it.

Usage: checkov-summary.py ROOT CFN_REPORT TF_REPORT NAME...
  ROOT/NAME/ holds the output of one spec; a result belongs to NAME by its file's path. CFN_REPORT
  is checkov's report of the CloudFormation templates, TF_REPORT of the Terraform folders. A NAME
  with no passed check in a framework fails too: checkov read nothing of it. Exits 1 when any fails.
"""
import json
import os
import sys


def documents(text):
    decoder = json.JSONDecoder()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        doc, i = decoder.raw_decode(text, i)
        yield from doc if isinstance(doc, list) else [doc]


def tally(root, framework, report, names):
    counts = {n: {"passed": 0, "failed": [], "skipped": 0, "errors": []} for n in names}

    def owner(path):
        rel = os.path.relpath(os.path.realpath(path), root)
        name = rel.split(os.sep, 1)[0]
        if name not in counts:
            sys.exit(f"error: checkov reported on {path}, which belongs to no spec under {root}")
        return counts[name]

    with open(report, encoding="utf-8") as f:
        for doc in documents(f.read()):
            if doc.get("check_type", framework) != framework:
                sys.exit(f"error: checkov reported framework {doc.get('check_type')}, expected {framework}")
            results = doc.get("results", {})
            for c in results.get("passed_checks", []):
                owner(c["file_abs_path"])["passed"] += 1
            for c in results.get("skipped_checks", []):
                owner(c["file_abs_path"])["skipped"] += 1
            for c in results.get("failed_checks", []):
                owner(c["file_abs_path"])["failed"].append(c)
            for path in results.get("parsing_errors", []):
                owner(path)["errors"].append(path)
    return counts


def main():
    root, reports, names = os.path.realpath(sys.argv[1]), sys.argv[2:4], sys.argv[4:]
    tallies = {fw: tally(root, fw, r, names) for fw, r in zip(("cloudformation", "terraform"), reports)}
    failed = False
    for name in names:
        for framework, counts in tallies.items():
            c = counts[name]
            line = (f"{name} {framework} (Passed checks: {c['passed']}, Failed checks: {len(c['failed'])}, "
                    f"Skipped checks: {c['skipped']})")
            if c["failed"] or c["errors"] or c["passed"] == 0:
                failed = True
                print(f"FAIL {line}")
                for path in c["errors"]:
                    print(f"    parsing error: {path}")
                if c["passed"] == 0 and not c["failed"]:
                    print("    checkov passed no check at all: it read nothing of this output")
                for f in c["failed"]:
                    print(f"    Check: {f['check_id']}: \"{f['check_name']}\"")
                    print(f"        FAILED for resource: {f['resource']} ({f.get('file_path', '')}:"
                          f"{'-'.join(str(n) for n in f.get('file_line_range', []))})")
            else:
                print(f"ok   {line}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
