"""Helpers of scripts/check-apply.sh (a Terraform apply against moto). Subcommands:

  filter SRC DST
      Copies the generated configuration's top-level *.tf files from SRC to DST without what moto
      cannot emulate, and writes DST/moto_override.tf. Left out: `aws_s3_bucket_lifecycle_configuration`
      (moto drops NewerNoncurrentVersions, and the provider then waits minutes for the rule to
      settle), then, until nothing more goes, every block that refers to something left out, and
      `depends_on` entries naming it. The MWAA environment stays: scripts/mwaa-api.py serves it.
      `prevent_destroy = true` becomes false so that the run can end with a destroy.
      The generated files are `terraform fmt` output: a top-level block starts at column 0 and
      ends with a `}` line at column 0, which is what this filter relies on (it fails loudly if a
      block does not close).
  override ENDPOINT
      Prints the provider override: fake credentials, no account or metadata lookups, every
      service the configurations use pointed at ENDPOINT (moto), MWAA at http://mwaa.invalid (the
      local MWAA API, as the proxy of that name).
  principals IR_JSON ENDPOINT REGION
      Creates in moto what the spec names but does not create: IAM roles and groups that web access
      policies attach to, customer managed policies (and permissions boundaries) the execution role
      names by ARN. AWS managed policies are moto's own (MOTO_IAM_LOAD_MANAGED_POLICIES).
  moves PLAN_JSON
      Fails unless every managed resource of the plan (of scripts/check-upgrade.sh) comes from
      another address through a `moved` block.
  drift PLAN_JSON [--upgrade]
      With --upgrade (scripts/check-upgrade.sh) it also accepts UPGRADE_CHANGES, the in-place
      updates the current output makes on purpose to a stack of the upgrade fixtures. Reads `terraform show -json` of the second plan and fails on any change that is not moto's
      known drift (DRIFT below), naming the resource and the attribute.
  selftest
      Shows that `filter` leaves out what refers to a left-out resource and keeps the rest, and that
      `drift` accepts moto's known drift and reports any other change.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LEFT_OUT = ["aws_s3_bucket_lifecycle_configuration"]

# Services the generated configurations call (their aws_* resources and data sources), served by moto.
SERVICES = ["cloudwatch", "ec2", "iam", "kms", "logs", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts"]
# MWAA is served by scripts/mwaa-api.py, reached as the HTTP proxy (HTTP_PROXY) of this endpoint: the SDK
# prefixes MWAA's host with `api.`, which a loopback address cannot take (validation.md).
MWAA_ENDPOINT = "http://mwaa.invalid"

# moto's known drift after an apply, each with a test of the values before and after: (resource
# type, attribute, test(before, after), why). A second plan may show these and nothing else.
DRIFT = [
    ("aws_vpc_security_group_ingress_rule", "description", lambda before, after: before in (None, "") and after,
     "moto 5.2.5 does not keep the description of a rule whose peer is a security group (validation.md)"),
    ("aws_vpc_security_group_egress_rule", "description", lambda before, after: before in (None, "") and after,
     "moto 5.2.5 does not keep the description of a rule whose peer is a security group (validation.md)"),
    ("aws_vpc_security_group_ingress_rule", "referenced_security_group_id",
     lambda before, after: isinstance(before, str) and isinstance(after, str) and before.endswith("/" + after),
     "moto 5.2.5 reads a rule's peer group back as ACCOUNT/sg-id"),
    ("aws_vpc_security_group_egress_rule", "referenced_security_group_id",
     lambda before, after: isinstance(before, str) and isinstance(after, str) and before.endswith("/" + after),
     "moto 5.2.5 reads a rule's peer group back as ACCOUNT/sg-id"),
]

BLOCK_START = re.compile(r'^(resource|data|output|module|locals|variable|terraform|provider|moved|removed)\b(.*)\{\s*$')


def blocks(text: str, path: str):
    """(kind, labels, text) of each top-level block, and the text between blocks as (None, None, text)."""
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        m = BLOCK_START.match(lines[i])
        if not m:
            out.append((None, None, lines[i]))
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].rstrip("\n") != "}":
            j += 1
        if j == len(lines):
            sys.exit(f"error: {path}: the block at line {i + 1} does not close with a '}}' line")
        labels = re.findall(r'"([^"]*)"', m.group(2))
        out.append((m.group(1), labels, "".join(lines[i:j + 1])))
        i = j + 1
    return out


def address(kind, labels, text=""):
    if kind in ("moved", "removed"):
        return f"{kind}:{text}"
    if kind == "resource" and len(labels) == 2:
        return f"{labels[0]}.{labels[1]}"
    if kind == "data" and len(labels) == 2:
        return f"data.{labels[0]}.{labels[1]}"
    if kind == "output" and labels:
        return f"output.{labels[0]}"
    return None


def refers_to(text: str, addr: str) -> bool:
    return re.search(r'(?<![\w.])' + re.escape(addr) + r'\b', text) is not None


def filter_config(src: Path, dst: Path):
    """The module layout (a root calling ./modules/mwaa): the module is filtered first; then the
    root loses the outputs that forward a dropped output of the module and the moved blocks that
    lead to a dropped resource."""
    module = src / "modules" / "mwaa"
    if not module.is_dir():
        filter_dir(src, dst, set())
        return
    gone = filter_dir(module, dst / "modules" / "mwaa", set())
    filter_dir(src, dst, {"module.mwaa." + a.removeprefix("output.") for a in gone})


def filter_dir(src: Path, dst: Path, dropped: set) -> set:
    files = {p.name: blocks(p.read_text(), str(p)) for p in sorted(src.glob("*.tf"))}
    if not files:
        sys.exit(f"error: no *.tf files in {src}")
    outside = set(dropped)
    for parts in files.values():
        for kind, labels, _ in parts:
            if kind == "resource" and labels[0] in LEFT_OUT:
                dropped.add(address(kind, labels))
    changed = True
    while changed:
        changed = False
        for parts in files.values():
            for kind, labels, text in parts:
                a = address(kind, labels, text) if kind else None
                if a is None or a in dropped:
                    continue
                # A reference outside depends_on makes the block unusable without its target.
                body = re.sub(r'depends_on\s*=\s*\[[^\]]*\]', '', text, flags=re.S)
                if any(refers_to(body, d) for d in dropped):
                    dropped.add(a)
                    changed = True
    dst.mkdir(parents=True, exist_ok=True)
    kept = 0
    for name, parts in files.items():
        out = []
        for kind, labels, text in parts:
            a = address(kind, labels, text) if kind else None
            if a in dropped:
                continue
            if kind:
                kept += kind == "resource"
                text = "".join(
                    line for line in text.splitlines(keepends=True)
                    if not any(re.fullmatch(r'\s*' + re.escape(d) + r',?\s*', line) for d in dropped)
                )
                text = text.replace("prevent_destroy = true", "prevent_destroy = false")
            out.append(text)
        (dst / name).write_text("".join(out))
    own = sorted(d for d in dropped - outside if not d.startswith(("moved:", "removed:")))
    print(f"{src}: kept {kept} resources; left out {len(own)}: {', '.join(own)}")
    return dropped - outside


def override(endpoint: str) -> str:
    eps = "\n".join(f"    {s} = \"{endpoint}\"" for s in SERVICES) + f"\n    mwaa = \"{MWAA_ENDPOINT}\""
    return f"""# Written by scripts/apply-moto.py: every AWS call goes to moto on loopback, with fake keys.
provider "aws" {{
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {{
{eps}
  }}
}}
"""


def literal(e):
    return e.get("str") if isinstance(e, dict) else None


def principals(ir_path: Path, endpoint: str, region: str):
    import boto3

    ir = json.loads(ir_path.read_text())
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::placeholder/*"}]})
    roles, groups, policies = set(), set(), set()
    for r in ir["resources"]:
        if r["kind"] == "managed_policy":
            roles.update(filter(None, map(literal, r.get("roles", []))))
            groups.update(filter(None, map(literal, r.get("groups", []))))
        if r["kind"] == "iam_role":
            policies.update(filter(None, map(literal, r.get("managed_policy_arns", []))))
            if r.get("permissions_boundary"):
                policies.add(r["permissions_boundary"])
    exists = iam.exceptions.EntityAlreadyExistsException  # specs applied side by side share names
    for name in sorted(roles):
        try:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        except exists:
            pass
    for name in sorted(groups):
        try:
            iam.create_group(GroupName=name)
        except exists:
            pass
    for arn in sorted(policies):
        if ":iam::aws:policy/" in arn:
            iam.get_policy(PolicyArn=arn)  # moto's AWS managed policies; fails loudly if absent
            continue
        path, _, name = arn.split(":policy", 1)[1].rpartition("/")
        try:
            iam.create_policy(PolicyName=name, Path=(path + "/") if path else "/", PolicyDocument=doc)
        except exists:
            pass
    print(f"created {len(roles)} roles, {len(groups)} groups, "
          f"{sum(':iam::aws:' not in p for p in policies)} policies the spec names")


def changed_paths(before, after, unknown, prefix=""):
    """(path, before, after) of every value that differs (values unknown until apply excluded)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for k in sorted(set(before) | set(after)):
            u = unknown.get(k) if isinstance(unknown, dict) else None
            out += changed_paths(before.get(k), after.get(k), u, f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            u = unknown[i] if isinstance(unknown, list) and i < len(unknown) else None
            out += changed_paths(b, a, u, f"{prefix}[{i}]")
        return out
    if unknown is True or before == after:
        return []
    return [(prefix, before, after)]


# In-place updates that output of this mwaagen makes to a stack applied from the upgrade fixtures
# (tests/upgrade: mwaagen at 8c1aa24), each on purpose: (resource type, attribute, why). Only the
# upgrade check (`drift PLAN --upgrade`) accepts them; an addition, deletion or replacement never.
UPGRADE_CHANGES = [
    ("aws_kms_key", "policy",
     "issue 24: CloudWatch Logs may use the environment key only for this environment's log groups"),
]


def drift(plan_path: Path, upgrade: bool = False) -> int:
    plan = json.loads(plan_path.read_text())
    bad, known = [], []
    intended = UPGRADE_CHANGES if upgrade else []
    for rc in plan.get("resource_changes", []):
        actions = rc["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        if actions != ["update"]:
            bad.append(f"{rc['address']}: {'/'.join(actions)}")
            continue
        c = rc["change"]
        for p, before, after in changed_paths(c.get("before") or {}, c.get("after") or {}, c.get("after_unknown") or {}):
            why = next((w for t, a, ok, w in DRIFT if t == rc["type"] and p == a and ok(before, after)), None)
            why = why or next((f"intended since 8c1aa24: {w}" for t, a, w in intended if t == rc["type"] and p == a), None)
            line = f"{rc['address']}.{p}: {json.dumps(before)} -> {json.dumps(after)}"
            (known if why else bad).append(f"{line} ({why})" if why else line)
    for k in known:
        print(f"  known moto drift: {k}")
    for b in bad:
        print(f"  CHANGE: {b}")
    print(f"second plan: {len(known)} known moto drift, {len(bad)} other changes")
    return 1 if bad else 0


def moves(plan_path: Path) -> int:
    """Every managed resource of the plan comes from another address (a `moved` block)."""
    plan = json.loads(plan_path.read_text())
    changes = [rc for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"]
    moved = [rc for rc in changes if rc.get("previous_address")]
    stayed = [rc["address"] for rc in changes if not rc.get("previous_address")]
    for a in stayed:
        print(f"  NOT MOVED: {a}")
    print(f"moves: {len(moved)} of {len(changes)} resources moved")
    return 1 if stayed or not moved else 0


def selftest() -> int:
    import io
    import tempfile
    from contextlib import redirect_stdout

    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d, "src"), Path(d, "dst")
        src.mkdir()
        src.joinpath("main.tf").write_text(
            'resource "aws_vpc" "vpc" {\n  cidr_block = "10.0.0.0/16"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n\n'
            'resource "aws_s3_bucket_lifecycle_configuration" "lc" {\n  bucket = "b"\n\n  depends_on = [\n    aws_vpc.vpc,\n  ]\n}\n\n'
            'resource "aws_mwaa_environment" "env" {\n  name = "x"\n\n  depends_on = [\n    aws_vpc.vpc,\n    aws_s3_bucket_lifecycle_configuration.lc,\n  ]\n}\n\n'
            'resource "aws_ssm_parameter" "p" {\n  name  = "p"\n  value = aws_s3_bucket_lifecycle_configuration.lc.id\n}\n\n'
            'output "vpc" {\n  value = aws_vpc.vpc.id\n}\n\noutput "p" {\n  value = aws_ssm_parameter.p.name\n}\n'
        )
        with redirect_stdout(io.StringIO()):
            filter_config(src, dst)
        out = dst.joinpath("main.tf").read_text()
        kept = ['resource "aws_vpc" "vpc"', 'output "vpc"', "prevent_destroy = false", 'resource "aws_mwaa_environment"']
        gone = ["aws_s3_bucket_lifecycle_configuration", 'resource "aws_ssm_parameter"', 'output "p"',
                "prevent_destroy = true"]
        if not all(k in out for k in kept) or any(g in out for g in gone):
            print(f"selftest: filter wrote\n{out}")
            return 1
        # The module layout: the root forwards the module's outputs and moves old addresses.
        mod = Path(d, "src2", "modules", "mwaa")
        mod.mkdir(parents=True)
        mod.joinpath("main.tf").write_text(src.joinpath("main.tf").read_text())
        Path(d, "src2", "main.tf").write_text(
            'module "mwaa" {\n  source = "./modules/mwaa"\n}\n\n'
            'output "vpc" {\n  value = module.mwaa.vpc\n}\n\noutput "url" {\n  value = module.mwaa.p\n}\n\n'
            'moved {\n  from = aws_vpc.old\n  to   = module.mwaa.aws_vpc.vpc\n}\n\n'
            'moved {\n  from = aws_ssm_parameter.old\n  to   = module.mwaa.aws_ssm_parameter.p\n}\n'
        )
        dst2 = Path(d, "dst2")
        with redirect_stdout(io.StringIO()):
            filter_config(Path(d, "src2"), dst2)
        root = dst2.joinpath("main.tf").read_text()
        inner = dst2.joinpath("modules", "mwaa", "main.tf").read_text()
        if ('output "url"' in root or "aws_ssm_parameter" in root or 'output "vpc"' not in root
                or "module.mwaa.aws_vpc.vpc" not in root or inner != out):
            print(f"selftest: filter of the module layout wrote\n{root}\n--- module:\n{inner}")
            return 1
    plan = {"resource_changes": [
        {"address": "aws_vpc_security_group_ingress_rule.r", "type": "aws_vpc_security_group_ingress_rule",
         "change": {"actions": ["update"], "before": {"description": None, "referenced_security_group_id": "123/sg-1"},
                    "after": {"description": "d", "referenced_security_group_id": "sg-1"}, "after_unknown": {}}},
        {"address": "aws_subnet.s", "type": "aws_subnet",
         "change": {"actions": ["update"], "before": {"cidr_block": "10.0.1.0/24"}, "after": {"cidr_block": "10.0.2.0/24"},
                    "after_unknown": {}}},
    ]}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d, "plan.json")
        p.write_text(json.dumps(plan))
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = drift(p)
        text = buf.getvalue()
        if rc != 1 or text.count("known moto drift:") != 2 or "CHANGE: aws_subnet.s.cidr_block" not in text:
            print(f"selftest: drift said (exit {rc}):\n{text}")
            return 1
        plan["resource_changes"].pop()
        p.write_text(json.dumps(plan))
        with redirect_stdout(io.StringIO()):
            if drift(p) != 0:
                print("selftest: drift refused moto's known drift alone")
                return 1
    print("ok   apply-moto.py: the filter and the drift check behave (self-test)")
    return 0


def main(argv):
    if argv == ["selftest"]:
        return selftest()
    if len(argv) == 3 and argv[0] == "filter":
        filter_config(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "override":
        sys.stdout.write(override(argv[1]))
        return 0
    if len(argv) == 4 and argv[0] == "principals":
        principals(Path(argv[1]), argv[2], argv[3])
        return 0
    if len(argv) == 2 and argv[0] == "drift":
        return drift(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "drift" and argv[2] == "--upgrade":
        return drift(Path(argv[1]), upgrade=True)
    if len(argv) == 2 and argv[0] == "moves":
        return moves(Path(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
