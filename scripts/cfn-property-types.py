#!/usr/bin/env python3
"""The property types of the CloudFormation types mwaagen emits, from cfn-lint's resource schemas.

    python cfn-property-types.py            rewrite generator/data/cfn-property-types.json
    python cfn-property-types.py --check    exit 1 when the file differs from the installed cfn-lint's schemas
    python cfn-property-types.py --check --cdk-lib DIR
                                            also: every CDK name in the file is a property name of
                                            aws-cdk-lib's L1 classes in DIR (node_modules/aws-cdk-lib)

Run it with the Python of a venv that has cfn-lint (scripts/check-property-types.sh does). For each
type, every property (nested ones too, $refs resolved) with its schema type and the name that the
CDK L1 classes (aws-cdk-lib `Cfn*`) give it. The CDK backend writes a resource's property tree
with these names and keeps a subtree as it is (keys not camelCased) where the schema's type is
JSON: an object without defined properties (a policy document, MWAA's Tags).
The types are those of the cfn_type table in generator/src/render/cfn.rs.
"""
import json
import pathlib
import re
import sys

import cfnlint

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "generator/data/cfn-property-types.json"
CFN_RS = ROOT / "generator/src/render/cfn.rs"
REGION = "us-east-1"
SCALARS = ("string", "integer", "number", "boolean")


def camel(name: str) -> str:
    """The CDK L1 property name of a CloudFormation property name.

    aws-cdk-lib's code generator (cfn2ts) names properties with the npm `camelcase` package
    (codemaker's toCamelCase): a word starts where a lower-case letter meets an upper-case one and
    before the last capital of a run followed by a lower-case letter (`KMSMasterKeyID` ->
    `kmsMasterKeyId`, `OKActions` -> `okActions`); words are lower-cased and joined with a
    capital, and a letter after digits is upper-cased (`DagS3Path` -> `dagS3Path`).
    """
    words, cur = [], ""
    for i, c in enumerate(name):
        prev = name[i - 1] if i else ""
        nxt = name[i + 1] if i + 1 < len(name) else ""
        if cur and c.isupper() and (prev.islower() or (prev.isupper() and nxt.islower())):
            words.append(cur)
            cur = ""
        cur += c
    words.append(cur)
    out = words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    return re.sub(r"(\d+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)


def node(schema: dict, spec: dict, depth: int) -> dict:
    """The type of one schema node: a scalar, `json`, an object with its properties, or an array."""
    while "$ref" in spec:
        ref = spec["$ref"]
        spec = schema["definitions"][ref.split("/")[-1]]
    types = spec.get("type", "object" if "properties" in spec else "json")
    types = types if isinstance(types, list) else [types]
    if "object" in types and "properties" in spec and depth < 8:
        return {"type": "object", "properties": props(schema, spec["properties"], depth + 1)}
    if "object" in types:
        return {"type": "json"}
    if "array" in types:
        return {"type": "array", "items": node(schema, spec.get("items", {}), depth + 1)}
    scalar = [t for t in types if t in SCALARS]
    return {"type": scalar[0] if scalar else "json"}


def props(schema: dict, properties: dict, depth: int) -> dict:
    return {k: {"cdk": camel(k), **node(schema, v, depth)} for k, v in sorted(properties.items())}


def property_types(types):
    base = pathlib.Path(cfnlint.__file__).parent / "data/schemas"
    index = json.loads((base / "providers" / f"{REGION}.json").read_text())
    out = {}
    for t in sorted(types):
        if t not in index:
            sys.exit(f"error: cfn-lint has no schema for {t} in {REGION}")
        schema = json.loads((base / "resources" / f"{index[t]}.json").read_text())
        # Attributes (readOnlyProperties) are not properties a template sets.
        read_only = {r.split("/")[-1] for r in schema.get("readOnlyProperties", []) if r.count("/") == 2}
        out[t] = props(schema, {k: v for k, v in schema["properties"].items() if k not in read_only}, 0)
    return out


def cdk_names_missing(types: dict, lib: pathlib.Path) -> list:
    """The CDK names of the table that aws-cdk-lib's generated L1 declarations (.d.ts) lack."""
    core = set(re.findall(r"readonly (\w+)\??:", (lib / "core/lib/cfn-tag.d.ts").read_text()))
    missing = []

    def walk(properties, names, t, path):
        for k, v in properties.items():
            if v["cdk"] not in names:
                missing.append(f"{t} {path}{k}: aws-cdk-lib has no property {v['cdk']}")
            n = v
            while n.get("type") == "array":
                n = n["items"]
            if n.get("type") == "object":
                walk(n["properties"], names, t, f"{path}{k}.")

    for t, properties in types.items():
        module = t.split("::")[1].lower()
        dts = lib / f"aws-{module}/lib/{module}.generated.d.ts"
        if not dts.exists():
            missing.append(f"{t}: no {dts}")
            continue
        walk(properties, set(re.findall(r"readonly (\w+)\??:", dts.read_text())) | core, t, "")
    return missing


def main() -> int:
    args = sys.argv[1:]
    check = "--check" in args
    lib = pathlib.Path(args[args.index("--cdk-lib") + 1]) if "--cdk-lib" in args else None
    emitted = set(re.findall(r'=> "(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"', CFN_RS.read_text()))
    if not emitted:
        sys.exit(f"error: found no CloudFormation types in {CFN_RS}")
    version = cfnlint.version.__version__
    wanted = {
        "source": f"properties of the CloudFormation resource schemas shipped with cfn-lint {version} ({REGION})",
        "generated_by": "scripts/cfn-property-types.py",
        "types": property_types(emitted),
    }
    text = json.dumps(wanted, indent=1, sort_keys=False) + "\n"
    if not check:
        DATA.write_text(text)
        print(f"wrote {DATA.relative_to(ROOT)}: {len(emitted)} types")
        return 0
    current = json.loads(DATA.read_text()) if DATA.exists() else {"types": {}}
    problems = []
    for t in sorted(set(wanted["types"]) | set(current["types"])):
        have, want = current["types"].get(t), wanted["types"].get(t)
        if have is None:
            problems.append(f"{t}: emitted by generator/src/render/cfn.rs, missing from the table")
        elif want is None:
            problems.append(f"{t}: in the table, no longer emitted")
        elif have != want:
            diff = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
            problems.append(f"{t}: properties differ from cfn-lint {version}: {', '.join(diff)}")
    if current.get("source") != wanted["source"]:
        problems.append(f"the table was made from other schemas: {current.get('source')!r}")
    if lib is not None:
        problems.extend(cdk_names_missing(current["types"], lib))
    if problems:
        for p in problems:
            print(f"FAIL {p}")
        print("run: python scripts/cfn-property-types.py (with cfn-lint's venv) to regenerate the table")
        return 1
    print(f"ok   property types of {len(current['types'])} types match cfn-lint {version}")
    if lib is not None:
        print(f"ok   every CDK property name of the table is declared by {lib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
