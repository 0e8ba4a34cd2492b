#!/usr/bin/env python3
"""The createOnlyProperties of the CloudFormation types mwaagen emits, from cfn-lint's resource schemas.

    python cfn-create-only.py            rewrite generator/data/cfn-create-only.json
    python cfn-create-only.py --check    exit 1 when the file differs from the installed cfn-lint's schemas

Run it with the Python of a venv that has cfn-lint (scripts/check-create-only.sh does). A property in
createOnlyProperties cannot be changed in place: CloudFormation replaces the resource, which is what
`mwaagen diff` reports. The types are those of the file itself, of the cfn_type table in
generator/src/render/cfn.rs, and any given on the command line (`AWS::SNS::Topic ...`).
"""
import json
import pathlib
import re
import sys

import cfnlint

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "generator/data/cfn-create-only.json"
CFN_RS = ROOT / "generator/src/render/cfn.rs"
REGION = "us-east-1"


def schemas_dir() -> pathlib.Path:
    return pathlib.Path(cfnlint.__file__).parent / "data/schemas"


def create_only(types):
    base = schemas_dir()
    index = json.loads((base / "providers" / f"{REGION}.json").read_text())
    out = {}
    for t in sorted(types):
        if t not in index:
            sys.exit(f"error: cfn-lint has no schema for {t} in {REGION}")
        schema = json.loads((base / "resources" / f"{index[t]}.json").read_text())
        out[t] = sorted(schema.get("createOnlyProperties", []))
    return out


def main() -> int:
    check = "--check" in sys.argv[1:]
    extra = [a for a in sys.argv[1:] if a != "--check"]
    emitted = set(re.findall(r'=> "(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"', CFN_RS.read_text()))
    if not emitted:
        sys.exit(f"error: found no CloudFormation types in {CFN_RS}")
    current = json.loads(DATA.read_text()) if DATA.exists() else {"types": {}}
    types = set(current["types"]) | emitted | set(extra)
    version = cfnlint.version.__version__
    wanted = {
        "source": f"createOnlyProperties of the CloudFormation resource schemas shipped with cfn-lint {version} ({REGION})",
        "generated_by": "scripts/cfn-create-only.py",
        "types": create_only(types),
    }
    text = json.dumps(wanted, indent=2) + "\n"
    if not check:
        DATA.write_text(text)
        print(f"wrote {DATA.relative_to(ROOT)}: {len(types)} types")
        return 0
    problems = []
    missing = sorted(emitted - set(current["types"]))
    if missing:
        problems.append(f"types that generator/src/render/cfn.rs emits but the table lacks: {', '.join(missing)}")
    for t, props in wanted["types"].items():
        have = current["types"].get(t)
        if have is not None and have != props:
            problems.append(f"{t}: the table says {have}, cfn-lint {version} says {props}")
    if current.get("source") != wanted["source"]:
        problems.append(f"the table was made from other schemas: {current.get('source')!r}")
    if problems:
        for p in problems:
            print(f"FAIL {p}")
        print("run: python scripts/cfn-create-only.py (with cfn-lint's venv) to regenerate the table")
        return 1
    print(f"ok   createOnlyProperties of {len(current['types'])} types match cfn-lint {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
