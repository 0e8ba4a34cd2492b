#!/usr/bin/env python3
"""Checks generated Terraform against hashicorp/aws provider schemas read without the provider.

Usage: check-provider-schema.py --jsii6 FILE --jsii5 FILE --tf-schema5 FILE CASE...
  CASE is NAME=DIR: a configuration that `mwaagen --target terraform --out DIR` wrote (its root and
  DIR/modules/mwaa).

A schema here is, for each resource and data source type: its settable arguments, which of them
are required, and its nested blocks (each a schema of its own, required when it must appear).

- The 6.69.1 schema comes from the `.jsii` metadata of PyPI cdktn-provider-aws 25.8.1 (the
  prebuilt bindings are generated from the provider's schema): the `<Class>Config` struct of the
  class documented as "Represents a {@link .../docs/resources/<type> aws_<type>}" lists the
  settable arguments; a property without `optional` is required; the doc link of each property
  ends in `#<terraform name>`; a property whose summary ends in " block." is a nested block, its
  struct being the type named in the property's type.
- The method is checked first: the same reading of npm @cdktf/provider-aws 20.1.0 (generated from
  hashicorp/aws 5.100.0) must give, for every block of every case, the same verdicts as the real
  5.100.0 schema (`terraform providers schema -json` with the offline mirror). Cases whose
  constraint excludes 5.100.0 give non-empty verdicts there (an argument 5.100.0 lacks), so the
  comparison covers a finding too.
- Then every block of every case is checked against 6.69.1: unknown arguments, missing required
  arguments, unknown nested blocks, a block written as an argument or the reverse.
- The schemas carry no deprecation flags: the deprecations mwaagen must avoid under a constraint
  that admits only 6.x are listed in DEPRECATED_6 with their source, and checked in the text.

Exit status 1 on any finding, with one line per finding: case, file:line, block, what is wrong.
"""

import argparse
import json
import os
import re
import sys

import hcl2

# Terraform's meta-arguments and meta-blocks: every resource and data block takes them.
META = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}

# Deprecated in 6.x, with what replaces it: ("data" or "resource", type, attribute) -> replacement.
# Source: "Terraform AWS Provider Version 6 Upgrade Guide" (terraform-provider-aws,
# website/docs/guides/version-6-upgrade.html.markdown, section data-source/aws_region: `name` is
# deprecated, use `region`; hashicorp/terraform-provider-aws#42131).
DEPRECATED_6 = {("data", "aws_region", "name"): "region"}

LINK = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/[^/]+/docs/"
                  r"(resources|data-sources)/([a-z0-9_]+)(?:#([a-z0-9_]+))? [^}]*\}")


class Schema:
    """Arguments (name -> required) and nested blocks (name -> (required, Schema))."""

    def __init__(self):
        self.args = {}
        self.blocks = {}


# --- Reading the .jsii ---------------------------------------------------------------------------

def fqns_in(t):
    """The struct names a jsii type reference names (directly, in a collection or a union)."""
    if "fqn" in t:
        yield t["fqn"]
    for sub in t.get("union", {}).get("types", []):
        yield from fqns_in(sub)
    if "collection" in t:
        yield from fqns_in(t["collection"]["elementtype"])


def jsii_struct(types, fqn, seen=()):
    struct = types[fqn]
    schema = Schema()
    for p in struct.get("properties", []):
        docs = p.get("docs", {})
        text = docs.get("summary", "") + " " + docs.get("remarks", "")
        names = [m.group(3) for m in LINK.finditer(text) if m.group(3)]
        if not names:
            raise SystemExit(f"error: {fqn}.{p['name']} has no Terraform name in its doc link")
        name = names[0]
        required = not p.get("optional", False)
        if docs.get("summary", "").endswith(" block."):
            nested = [f for f in fqns_in(p["type"]) if f in types and types[f].get("kind") == "interface"]
            if len(nested) != 1:
                raise SystemExit(f"error: block {fqn}.{p['name']} names {nested}, not one struct")
            if nested[0] in seen:
                raise SystemExit(f"error: {nested[0]} nests itself")
            schema.blocks[name] = (required, jsii_struct(types, nested[0], seen + (fqn,)))
        else:
            schema.args[name] = required
    return schema


def read_jsii(path, wanted):
    """The schemas of the (kind, type) pairs in `wanted` from one .jsii file."""
    with open(path, encoding="utf-8") as f:
        types = json.load(f)["types"]
    classes = {}
    for fqn, t in types.items():
        if t.get("kind") != "class":
            continue
        m = LINK.search(t.get("docs", {}).get("summary", ""))
        if m and t["docs"]["summary"].startswith("Represents a ") and not m.group(3):
            kind = "resource" if m.group(1) == "resources" else "data"
            classes[(kind, "aws_" + m.group(2))] = fqn
    out = {}
    for key in sorted(wanted):
        if key not in classes:
            out[key] = None  # the provider has no such type
            continue
        config = classes[key] + "Config"
        if config not in types:
            raise SystemExit(f"error: {path}: no {config}")
        out[key] = jsii_struct(types, config)
    return out


# --- Reading `terraform providers schema -json` ----------------------------------------------------

def tf_block(block):
    schema = Schema()
    for name, a in block.get("attributes", {}).items():
        if a.get("required") or a.get("optional"):
            schema.args[name] = bool(a.get("required"))
    for name, b in block.get("block_types", {}).items():
        schema.blocks[name] = (b.get("min_items", 0) >= 1, tf_block(b["block"]))
    return schema


def read_tf_schema(path, wanted):
    with open(path, encoding="utf-8") as f:
        p = json.load(f)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    out = {}
    for kind, ty in sorted(wanted):
        table = p["resource_schemas"] if kind == "resource" else p["data_source_schemas"]
        out[(kind, ty)] = tf_block(table[ty]["block"]) if ty in table else None
    return out


# --- The generated configuration -----------------------------------------------------------------

def unquote(label):
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def is_block(v):
    return isinstance(v, list) and v and all(isinstance(x, dict) and x.get("__is_block__") for x in v)


def read_case(directory):
    """Blocks [(file, kind, type, name, body)] of every .tf file under `directory`, and the texts."""
    blocks, texts = [], {}
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in (".terraform", "tests"))
        for f in sorted(files):
            if not f.endswith(".tf"):
                continue
            path = os.path.join(base, f)
            rel = os.path.relpath(path, directory)
            with open(path, encoding="utf-8") as fh:
                texts[rel] = fh.read()
            doc = hcl2.loads(texts[rel])
            for kind in ("resource", "data"):
                for entry in doc.get(kind, []):
                    for ty, named in entry.items():
                        for name, body in named.items():
                            blocks.append((rel, kind, unquote(ty), unquote(name), body))
    return blocks, texts


def line_of(text, kind, ty, name):
    m = re.search(rf'^{kind} "{re.escape(ty)}" "{re.escape(name)}"', text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def verdicts(body, schema, where, top=True):
    """What is wrong with one block `body` under `schema`: sorted strings."""
    out = []
    present = set()
    for key, value in body.items():
        if key.startswith("__") or (top and key in META):
            continue
        if key == "dynamic" and is_block(value):
            for d in value:
                for label, inner in d.items():
                    if label.startswith("__"):
                        continue
                    label = unquote(label)
                    present.add(label)
                    contents = [c for item in inner for c in item.get("content", [])] \
                        if isinstance(inner, list) else inner.get("content", [])
                    out += check_nested(label, contents, schema, where)
            continue
        present.add(key)
        if is_block(value):
            out += check_nested(key, value, schema, where)
        elif key in schema.blocks:
            out.append(f"{where}: {key} is a nested block, written as an argument")
        elif key not in schema.args:
            out.append(f"{where}: unknown argument {key}")
    for name, required in schema.args.items():
        if required and name not in present:
            out.append(f"{where}: missing required argument {name}")
    for name, (required, _) in schema.blocks.items():
        if required and name not in present:
            out.append(f"{where}: missing required block {name}")
    return sorted(out)


def check_nested(key, items, schema, where):
    if key in schema.args:
        return [f"{where}: {key} is an argument, written as a nested block"]
    if key not in schema.blocks:
        return [f"{where}: unknown nested block {key}"]
    out = []
    for item in items:
        out += verdicts(item, schema.blocks[key][1], f"{where}.{key}", top=False)
    return out


def check_case(blocks, texts, schemas, label):
    out = []
    for rel, kind, ty, name, body in blocks:
        at = f"{rel}:{line_of(texts[rel], kind, ty, name)}"
        where = f"{kind}.{ty}.{name}" if kind == "data" else f"{ty}.{name}"
        schema = schemas[(kind, ty)]
        if schema is None:
            out.append(f"{at}: {where}: hashicorp/aws {label} has no {kind} type {ty}")
            continue
        out += [f"{at}: {v}" for v in verdicts(body, schema, where)]
    return out


def schema_diff(a, b, path):
    """Where two schemas of one type differ (arguments, required flags, blocks, recursively)."""
    out = []
    for n in sorted(set(a.args) | set(b.args)):
        if a.args.get(n) != b.args.get(n):
            out.append(f"{path}.{n}: required={a.args.get(n)} vs required={b.args.get(n)} (None: absent)")
    for n in sorted(set(a.blocks) | set(b.blocks)):
        if n not in a.blocks or n not in b.blocks:
            out.append(f"{path}.{n}: a block on one side only")
        elif a.blocks[n][0] != b.blocks[n][0]:
            out.append(f"{path}.{n}: a required block on one side only")
        else:
            out += schema_diff(a.blocks[n][1], b.blocks[n][1], f"{path}.{n}")
    return out


# --- Version constraints (as Terraform reads them) ------------------------------------------------

def parse_version(text):
    parts = [int(p) for p in text.strip().split(".")]
    return tuple(parts + [0] * (3 - len(parts))), len(parts)


def satisfies(v, cond):
    cond = cond.strip()
    op = next((o for o in ("~>", ">=", "<=", "!=", ">", "<", "=") if cond.startswith(o)), "=")
    c, n = parse_version(cond[len(op):] if cond.startswith(op) else cond)
    if op == "~>":
        return v >= c and (v[:2] == c[:2] if n == 3 else v[0] == c[0])
    return {"=": v == c, "!=": v != c, ">": v > c, ">=": v >= c, "<": v < c, "<=": v <= c}[op]


def admits_5x(constraint):
    """Whether the constraint admits some 5.x release (candidates: every bound and its neighbours)."""
    conds = constraint.split(",")
    candidates = {(5, 0, 0), (5, 999, 999)}
    for c in conds:
        (a, b, p), _ = parse_version(c.strip().lstrip("~><=!").strip())
        candidates |= {(a, b, p), (a, b, p + 1), (a, b + 1, 0), (a, b, max(p - 1, 0))}
    return any(v[0] == 5 and all(satisfies(v, c) for c in conds) for v in candidates)


def constraint_of(texts):
    m = re.search(r'source\s*=\s*"hashicorp/aws"\s*\n\s*version\s*=\s*"([^"]*)"', texts.get("versions.tf", ""))
    if not m:
        raise SystemExit("error: no hashicorp/aws version constraint in versions.tf")
    return m.group(1)


def deprecated_uses(texts):
    out = []
    for rel, text in sorted(texts.items()):
        for (kind, ty, attr), instead in sorted(DEPRECATED_6.items()):
            prefix = "data." if kind == "data" else ""
            for m in re.finditer(rf"\b{prefix}{ty}\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.{attr}\b", text):
                line = text.count("\n", 0, m.start()) + 1
                out.append(f"{rel}:{line}: {m.group(0)} is deprecated in hashicorp/aws 6.x: use .{instead}")
    return out


def check_method(jsii5_path, tf_schema5_path, wanted, cases):
    """The .jsii reading of 5.100.0 is terraform's own schema of 5.100.0 for every type the cases
    use (whole types, not only what the cases write), and gives the same verdicts on every block.
    Returns the number of failures."""
    jsii5 = read_jsii(jsii5_path, wanted)
    real5 = read_tf_schema(tf_schema5_path, wanted)
    failures = 0
    for key in sorted(wanted):
        if (jsii5[key] is None) != (real5[key] is None):
            failures += 1
            print(f"FAIL method: {key[0]} {key[1]} is in one 5.100.0 schema only")
        elif jsii5[key] is not None:
            for line in schema_diff(jsii5[key], real5[key], f"{key[0]} {key[1]}"):
                failures += 1
                print(f"FAIL method: .jsii reading vs terraform's schema: {line}")
    blocks_total = sum(len(b) for _, b, _ in cases)
    found5 = 0
    for name, blocks, texts in cases:
        a, b = check_case(blocks, texts, jsii5, "5.100.0"), check_case(blocks, texts, real5, "5.100.0")
        found5 += len(b)
        if a != b:
            failures += 1
            print(f"FAIL method {name}: the .jsii reading of 5.100.0 and terraform's schema disagree")
            for line in sorted(set(a) - set(b)):
                print(f"    only the .jsii reading: {line}")
            for line in sorted(set(b) - set(a)):
                print(f"    only terraform's schema: {line}")
    if not failures:
        print(f"ok   method: .jsii reading of @cdktf/provider-aws 20.1.0 = terraform providers schema of "
              f"hashicorp/aws 5.100.0: the same {len(wanted)} types (arguments, required, nested blocks), "
              f"the same verdicts on {blocks_total} blocks in {len(cases)} cases "
              f"({found5} findings against 5.100.0, the same from both)")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jsii6", required=True, help="cdktn-provider-aws 25.8.1's .jsii (hashicorp/aws 6.69.1)")
    ap.add_argument("--jsii5", required=True, help="@cdktf/provider-aws 20.1.0's .jsii (hashicorp/aws 5.100.0)")
    ap.add_argument("--tf-schema5", help="terraform providers schema -json with 5.100.0 (absent: the method "
                    "check is skipped, loudly)")
    ap.add_argument("cases", nargs="+", metavar="NAME=DIR")
    args = ap.parse_args()

    cases = []
    for c in args.cases:
        name, _, directory = c.partition("=")
        blocks, texts = read_case(directory)
        if not blocks:
            raise SystemExit(f"error: {name}: no resource or data block under {directory}")
        cases.append((name, blocks, texts))
    wanted = {(kind, ty) for _, blocks, _ in cases for _, kind, ty, _, _ in blocks}

    failures = 0
    # 1. The method, against terraform's own schema of 5.100.0.
    if args.tf_schema5:
        failures += check_method(args.jsii5, args.tf_schema5, wanted, cases)
    else:
        print("#" * 100)
        print("# SKIPPED: the reading of the .jsii was NOT compared with terraform's schema of 5.100.0")
        print("#          (no --tf-schema5: terraform or its provider mirror is missing)")
        print("#" * 100)

    # 2. Every block against 6.69.1, and 6.x's deprecations under a 6.x-only constraint.
    jsii6 = read_jsii(args.jsii6, wanted)
    for name, blocks, texts in cases:
        problems = check_case(blocks, texts, jsii6, "6.69.1")
        constraint = constraint_of(texts)
        six_only = not admits_5x(constraint)
        if six_only:
            problems += deprecated_uses(texts)
        if problems:
            failures += 1
            print(f"FAIL {name} (hashicorp/aws {constraint}) against 6.69.1:")
            for p in problems:
                print(f"    {p}")
        else:
            extra = ", no 6.x deprecations" if six_only else ""
            print(f"ok   {name}: {len(blocks)} blocks against hashicorp/aws 6.69.1{extra}")
    if failures:
        print(f"{failures} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
