#!/usr/bin/env python3
"""Checks JSON files against botocore's GetEnvironmentOutput shape (MWAA API 2020-07-01).

    python check-get-environment.py --expect N DIR

Every DIR/*.json must be a value of the shape: botocore's own ParamValidator (types, required
members, unknown members, minimums), and a walk of the shape for what that validator leaves out
(maximums, lengths, patterns as full matches, enums). Fails when DIR holds fewer than N files, and
checks first that a file broken on purpose is refused, so that the check cannot pass vacuously.
Run with the Python of a venv that has botocore==1.44.8 (scripts/check-import.sh does).
"""
import copy
import functools
import json
import pathlib
import re
import sys
import unicodedata

import botocore
import botocore.session
import botocore.validate

VERSION = "1.44.8"


@functools.lru_cache(maxsize=None)
def category_ranges(category):
    """The code points of a Unicode general category (`L`, `Z`, `N`) as character-class ranges."""
    out, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp)).startswith(category):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            out.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = None
    if start is not None:
        out.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(out)


@functools.lru_cache(maxsize=None)
def python_pattern(pattern):
    """An AWS model pattern for Python's re: `\\p{L}` (Unicode categories, inside a character class,
    as the MWAA model writes them) spelled out as ranges."""
    def replace(m):
        before = pattern[: m.start()]
        if before.count("[") - before.count("\\[") <= before.count("]") - before.count("\\]"):
            sys.exit(f"error: {pattern!r}: a Unicode category outside a character class is not handled")
        return category_ranges(m.group(1))
    return re.compile(re.sub(r"\\p\{(\w)\}", replace, pattern), re.DOTALL)


def walk(value, shape, path, errors):
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object")
            return
        for k, v in value.items():
            if k not in shape.members:
                errors.append(f"{path}.{k}: not a member of {shape.name}")
            else:
                walk(v, shape.members[k], f"{path}.{k}", errors)
        for k in shape.required_members:
            if k not in value:
                errors.append(f"{path}.{k}: required")
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list")
            return
        size_check(len(value), meta, path, errors)
        for i, v in enumerate(value):
            walk(v, shape.member, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map")
            return
        size_check(len(value), meta, path, errors)
        for k, v in value.items():
            walk(k, shape.key, f"{path} key {k!r}", errors)
            walk(v, shape.value, f"{path}[{k!r}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string")
            return
        size_check(len(value), meta, path, errors)
        if "pattern" in meta and not python_pattern(meta["pattern"]).fullmatch(value):
            errors.append(f"{path}: {value!r} does not match {meta['pattern']!r}")
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} is not one of {shape.enum}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer")
            return
        size_check(value, meta, path, errors)
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected true or false")


def size_check(n, meta, path, errors):
    if "min" in meta and n < meta["min"]:
        errors.append(f"{path}: {n} is below the minimum {meta['min']}")
    if "max" in meta and n > meta["max"]:
        errors.append(f"{path}: {n} is above the maximum {meta['max']}")


def problems(doc, shape):
    report = botocore.validate.ParamValidator().validate(doc, shape)
    errors = [report.generate_report()] if report.has_errors() else []
    walk(doc, shape, "GetEnvironmentOutput", errors)
    return errors


def main():
    args = sys.argv[1:]
    expect = int(args[args.index("--expect") + 1]) if "--expect" in args else 1
    folder = pathlib.Path([a for a in args if not a.startswith("--") and not a.isdigit()][-1])
    if botocore.__version__ != VERSION:
        sys.exit(f"error: botocore {botocore.__version__} is installed, the check is pinned to {VERSION}")
    shape = botocore.session.get_session().get_service_model("mwaa").operation_model("GetEnvironment").output_shape
    files = sorted(folder.glob("*.json"))
    if len(files) < expect:
        sys.exit(f"error: {len(files)} JSON files in {folder}, expected {expect} (one per example spec)")
    # The check must be able to fail: a copy with a wrong type, an unknown member and a bad pattern.
    broken = copy.deepcopy(json.loads(files[0].read_text()))
    broken["Environment"]["MaxWorkers"] = "ten"
    broken["Environment"]["Nickname"] = "x"
    broken["Environment"]["SourceBucketArn"] = "arn:aws:s3:::Not_A_Bucket"
    found = problems(broken, shape)
    if not any("MaxWorkers" in p for p in found) or not any("Nickname" in p for p in found) or not any(
        "SourceBucketArn" in p for p in found
    ):
        sys.exit(f"error: a broken output was not refused: {found}")
    failed = 0
    for f in files:
        errs = problems(json.loads(f.read_text()), shape)
        if errs:
            failed += 1
            print(f"FAIL {f.name}:")
            for e in errs:
                print(f"     {e}")
        else:
            print(f"ok   {f.name}")
    print(f"GetEnvironmentOutput (botocore {VERSION}): {len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
