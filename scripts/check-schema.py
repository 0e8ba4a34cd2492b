#!/usr/bin/env python3
"""Validates specs against `mwaagen schema` with a real JSON Schema validator (jsonschema, draft
2020-12), reading the TOML with Python's own tomllib.

- The schema must itself be valid draft 2020-12 (checked against the meta-schema).
- Every spec given as VALID must satisfy it: the example specs and the boundary fixtures
  (tests/valid/: the values AWS accepts at each limit).
- Every fixture under tests/invalid/ that carries the line `# schema: invalid` must break it.

JSON Schema patterns are ECMA-262 regular expressions; the tag patterns use Unicode property
classes (\\p{L}), which Python's `re` lacks, so `pattern` is evaluated with the `regex` module
(ASCII \\d and \\w, as in ECMA-262).

Usage: check-schema.py SCHEMA.json --valid SPEC... --invalid FIXTURE...
"""

import importlib.metadata
import json
import sys
import tomllib

import jsonschema
import regex
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

MARKER = "# schema: invalid"


def ascii_classes(pattern):
    """ECMA-262's \\d and \\w are ASCII; Python's are Unicode (and the ASCII flag would also make
    \\p{L} ASCII), so they are spelled out."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif e == "w":
                out.append("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]")
            else:
                out.append(c + e)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def ecma_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(ascii_classes(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


def dotted(path):
    """A JSON path as the validator's field names: environment.name, tags, web_access[0].airflow_role."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def expected_field(text):
    """The field the fixture's `# expect:` line names, without quotes (`<file>` expects none)."""
    first = text.splitlines()[0] if text else ""
    field = first.removeprefix("# expect: ").strip()
    return "" if field == "<file>" else field.replace('"', "")


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def main():
    args = sys.argv[1:]
    if len(args) < 1 or "--valid" not in args or "--invalid" not in args:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path = args[0]
    valid = args[args.index("--valid") + 1 : args.index("--invalid")]
    invalid = args[args.index("--invalid") + 1 :]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    formats = jsonschema.FormatChecker()

    @formats.checks("regex", raises=regex.error)
    def is_ecma_regex(instance):
        if isinstance(instance, str):
            regex.compile(instance)
        return True

    Draft202012Validator.check_schema(schema, format_checker=formats)
    validator = Validator(schema)
    passed = failed = 0
    for path in valid:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            print(f"FAIL {path}: a valid spec breaks the schema")
            for e in errors:
                print(f"     at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}")
        else:
            passed += 1
            print(f"ok   {path}")
    marked = 0
    for path in invalid:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        if MARKER not in text.splitlines():
            continue
        marked += 1
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            failed += 1
            print(f"FAIL {path}: marked `{MARKER}` but is not TOML ({e})")
            continue
        errors = list(validator.iter_errors(data))
        expected = expected_field(text)
        on_field = [e for e in errors if not expected or expected.startswith(dotted(e.absolute_path))]
        if on_field:
            passed += 1
            first = max(on_field, key=lambda e: len(e.absolute_path))
            print(f"ok   {path} is refused at {dotted(first.absolute_path) or '(top)'}: {first.message[:100]}")
        elif errors:
            failed += 1
            print(f"FAIL {path}: refused, but not at {expected}: " + "; ".join(f"{dotted(e.absolute_path)}: {e.message[:80]}" for e in errors))
        else:
            failed += 1
            print(f"FAIL {path}: an invalid spec satisfies the schema")
    if marked == 0:
        failed += 1
        print(f"FAIL no fixture is marked `{MARKER}`")
    print(f"jsonschema {importlib.metadata.version('jsonschema')}, regex {importlib.metadata.version('regex')}")
    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
