#!/usr/bin/env python3
"""Compares the constraints of `mwaagen schema` with AWS's own service models in botocore.

Every schema object that carries an `x-aws` annotation copies a model shape: its minLength,
maxLength and pattern (strings), minimum and maximum (integers), minItems and maxItems (lists),
maxProperties (maps) and enum must equal the shape's, and where the annotation names `doc-values`
the enum must equal the list of valid values in that documentation. The check also insists that
the shapes the validation relies on are covered (CONFIG below) and that every enum of MWAA's
CreateEnvironment and UpdateEnvironment inputs is, and compares the regions the schema knows
MWAA in with botocore's endpoints. Each mismatch names the schema path and the shape.

Usage: check-botocore.py SCHEMA.json   (the output of `mwaagen schema`)
"""

import json
import re
import sys

import botocore
import botocore.loaders

# Shapes that must be compared, by service: the constraints issue 12 names, and the rest the
# validator takes from the models.
REQUIRED = {
    "mwaa": {
        "ConfigKey", "ConfigValue", "TagKey", "TagValue", "TagMap", "KmsKey", "EnvironmentName",
        "AirflowVersion", "EnvironmentClass", "IamRoleArn", "S3BucketArn", "SubnetId", "SubnetList",
        "SecurityGroupId", "SecurityGroupList", "WeeklyMaintenanceWindowStart", "RelativePath",
        "S3ObjectVersion", "MinWorkers", "MaxWorkers", "Schedulers", "MinWebservers", "MaxWebservers",
        "WebserverAccessMode", "EndpointManagement", "WorkerReplacementStrategy", "LoggingLevel",
    },
    "logs": {"Days"},
    "iam": {"roleNameType", "groupNameType", "arnType"},
}

# MWAA operations whose inputs' enums must all be in the schema.
ENUM_ROOTS = ["CreateEnvironmentInput", "UpdateEnvironmentInput"]


class Check:
    def __init__(self):
        self.loader = botocore.loaders.Loader()
        self.models = {}
        self.failures = []
        self.passes = 0
        self.covered = set()

    def shapes(self, service):
        if service not in self.models:
            self.models[service] = self.loader.load_service_model(service, "service-2")["shapes"]
        return self.models[service]

    def expect(self, what, ours, theirs, where, shape):
        if ours == theirs:
            self.passes += 1
        else:
            self.failures.append(f"{where}: {what} is {ours!r} in mwaagen, {theirs!r} in botocore shape {shape}")

    def doc_values(self, service, ref):
        """The valid values that the documentation of `Shape.Member` (or of a shape) lists."""
        shapes = self.shapes(service)
        if "." in ref:
            shape, member = ref.split(".", 1)
            doc = shapes[shape]["members"][member].get("documentation", "")
        else:
            doc = shapes[ref].get("documentation", "")
        text = re.sub(r"<[^>]+>", "", doc)
        m = re.search(r"(?:Valid values|Possible values are)\s*:\s*(.*?)(?:\.\s|\.$|$)", text, re.S)
        if not m:
            return None
        items = [x.strip() for x in re.split(r",|\band\b", m.group(1)) if x.strip()]
        return [int(x) if x.isdigit() else x for x in items]

    def node(self, path, node):
        ann = node["x-aws"]
        service, name = ann["service"], ann["shape"]
        shapes = self.shapes(service)
        label = f"{service}:{name}"
        if name not in shapes:
            self.failures.append(f"{path}: botocore {service} has no shape {name}")
            return
        self.covered.add((service, name))
        shape = shapes[name]
        kind = shape["type"]
        if kind == "string":
            self.expect("minLength", node.get("minLength", 0), shape.get("min", 0), path, label)
            if "max" in shape or "maxLength" in node:
                self.expect("maxLength", node.get("maxLength"), shape.get("max"), path, label)
            if "pattern" in shape or "pattern" in node:
                want = f"^(?:{shape['pattern']})$" if "pattern" in shape else None
                self.expect("pattern", node.get("pattern"), want, path, label)
        elif kind == "integer":
            for ours, theirs in (("minimum", "min"), ("maximum", "max")):
                if theirs in shape:
                    self.expect(ours, node.get(ours), shape[theirs], path, label)
        elif kind == "list":
            if "minItems" in node:
                self.expect("minItems", node["minItems"], shape.get("min", 0), path, label)
            if "max" in shape:
                self.expect("maxItems (+ reserved)", node.get("maxItems", 0) + ann.get("reserved", 0), shape["max"], path, label)
        elif kind == "map":
            if "max" in shape:
                self.expect("maxProperties", node.get("maxProperties"), shape["max"], path, label)
        if "enum" in shape:
            extra = set(ann.get("not-in-model", []))
            ours = sorted(set(node.get("enum", [])) - extra)
            self.expect("enum", ours, sorted(shape["enum"]), path, label)
        if "doc-values" in ann:
            values = self.doc_values(service, ann["doc-values"])
            if values is None:
                self.failures.append(f"{path}: the documentation of {service}:{ann['doc-values']} lists no valid values any more")
            else:
                self.expect("enum (documented valid values)", node.get("enum"), values, path, f"{service}:{ann['doc-values']}")

    def walk(self, value, path):
        if isinstance(value, dict):
            if "x-aws" in value:
                self.node(path, value)
            if "x-mwaa-regions" in value:
                self.regions(path, value["x-mwaa-regions"])
            for k, v in value.items():
                self.walk(v, f"{path}/{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.walk(v, f"{path}/{i}")

    def regions(self, path, ours):
        endpoints = self.loader.load_data("endpoints")
        theirs = []
        for partition in endpoints["partitions"]:
            regex = re.compile(partition["regionRegex"])
            service = partition["services"].get("airflow", {})
            theirs += [r for r in service.get("endpoints", {}) if regex.match(r)]
        self.expect("regions with an MWAA endpoint", sorted(ours), sorted(theirs), path, "endpoints.json:airflow")

    def coverage(self):
        for service, names in REQUIRED.items():
            for name in sorted(names):
                if (service, name) not in self.covered:
                    self.failures.append(f"shape {service}:{name} is compared nowhere: no schema field carries it in x-aws")
        shapes = self.shapes("mwaa")
        seen = set()

        def enums(name):
            if name in seen:
                return
            seen.add(name)
            shape = shapes[name]
            if "enum" in shape and ("mwaa", name) not in self.covered:
                self.failures.append(f"enum shape mwaa:{name} ({shape['enum']}) is used by MWAA's inputs but compared nowhere")
            for member in shape.get("members", {}).values():
                enums(member["shape"])
            for key in ("member", "key", "value"):
                if key in shape:
                    enums(shape[key]["shape"])

        for root in ENUM_ROOTS:
            enums(root)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    check = Check()
    check.walk(schema, "#")
    check.coverage()
    print(f"botocore {botocore.__version__}: compared {len(check.covered)} shapes")
    for failure in check.failures:
        print(f"FAIL {failure}")
    print(f"botocore: {check.passes} passed, {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
