"""Every IAM policy document of CloudFormation templates, checked against policy_sentry's IAM database.

Usage: check-iam.py TEMPLATE...   (CloudFormation YAML with short-form intrinsics, or JSON)

Policy documents are found, not listed: any mapping with a `Statement` key anywhere in a
resource's properties (managed and inline policies, trust policies, key policies, bucket and VPC
endpoint policies, and whatever resource type holds one next). For each statement:
  - every action exists (a wildcard action must match at least one action of its service);
  - in an Allow statement, every resource ARN matches an ARN type of its action: an action that
    takes only "*" granted on an ARN grants nothing (for a wildcard action, one of the actions it
    matches must take the ARN). Deny statements are only checked for actions and condition keys:
    a Deny on a resource its action cannot have narrows nothing and grants nothing;
  - every condition key exists: a key of the action's service (policy_sentry), or an AWS global
    condition key (IAM User Guide, reference_policies_condition-keys.html, listed below).
A failure names the template, the resource and property holding the document, the statement and
the action. Intrinsic functions are resolved to plausible values (account 123456789012, the
resource's ARN by its type); a reference to a type without a known ARN fails loudly.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import yaml
from policy_sentry.analysis.expand import expand
from policy_sentry.querying.actions import get_action_data
from policy_sentry.querying.conditions import get_condition_keys_for_service

ACCOUNT = "123456789012"
PARTITION = "aws"
DEFAULT_REGION = "us-east-1"

# AWS global condition context keys (IAM User Guide, "AWS global condition context keys").
GLOBAL_KEYS = [
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
    "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType", "aws:Referer", "aws:RequestedRegion", "aws:RequestTag/${TagKey}",
    "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceTag/${TagKey}",
    "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn",
    "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid", "aws:username", "aws:ViaAWSService",
    "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
]

# ARN of a resource, by CloudFormation type, for `!GetAtt X.Arn` (and `!Ref X` where Ref is the ARN).
# {name}: the resource's name property or its logical id; {region}, {account}, {id}.
ARNS = {
    "AWS::S3::Bucket": "arn:aws:s3:::{name}",
    "AWS::KMS::Key": "arn:aws:kms:{region}:{account}:key/00000000-0000-4000-8000-000000000000",
    "AWS::IAM::Role": "arn:aws:iam::{account}:role/{name}",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::{account}:policy/{name}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}:*",
    "AWS::MWAA::Environment": "arn:aws:airflow:{region}:{account}:environment/{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
    "AWS::CloudWatch::Alarm": "arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
    "AWS::CloudWatch::Dashboard": "arn:aws:cloudwatch::{account}:dashboard/{name}",
    "AWS::SecretsManager::Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
}
# Types whose `Ref` is their ARN (CloudFormation resource reference, "Ref" return values).
REF_IS_ARN = {"AWS::IAM::ManagedPolicy", "AWS::SNS::Topic"}
# The property that names a resource, by type.
NAME_PROPERTIES = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::MWAA::Environment": "Name",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::SecretsManager::Secret": "Name",
}


class Unresolvable(Exception):
    pass


def cfn_loader():
    """A YAML loader that reads `!Ref X` as {"Ref": X}, `!GetAtt A.B` as {"Fn::GetAtt": [A, B]}."""

    class Loader(yaml.SafeLoader):
        pass

    def construct(loader, suffix, node):
        name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    Loader.add_multi_constructor("!", lambda loader, suffix, node: construct(loader, suffix, node))
    return Loader


def load(path: Path):
    text = path.read_text()
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return yaml.load(text, Loader=cfn_loader())  # noqa: S506 (a SafeLoader subclass)


class Resolver:
    def __init__(self, template, region):
        self.resources = template.get("Resources", {})
        self.region = region

    def name_of(self, logical_id):
        r = self.resources[logical_id]
        prop = NAME_PROPERTIES.get(r.get("Type"))
        name = r.get("Properties", {}).get(prop) if prop else None
        if isinstance(name, str):
            return name
        return logical_id.lower()

    def arn_of(self, logical_id):
        r = self.resources.get(logical_id)
        if r is None:
            raise Unresolvable(f"reference to {logical_id}, which is not a resource of the template")
        pattern = ARNS.get(r.get("Type"))
        if pattern is None:
            raise Unresolvable(f"no ARN known for {logical_id} of type {r.get('Type')}: add it to ARNS")
        return pattern.format(name=self.name_of(logical_id), region=self.region, account=ACCOUNT)

    def ref(self, target):
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": ACCOUNT, "AWS::Partition": PARTITION,
                  "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "stack"}
        if target in pseudo:
            return pseudo[target]
        r = self.resources.get(target)
        if r is None:
            raise Unresolvable(f"!Ref {target}, which is not a resource of the template")
        if r.get("Type") in REF_IS_ARN:
            return self.arn_of(target)
        return self.name_of(target)

    def get_att(self, target, attr):
        if attr == "Arn":
            return self.arn_of(target)
        return f"{target.lower()}-{attr.lower()}"

    def sub(self, template, variables):
        def repl(m):
            var = m.group(1)
            if var.startswith("!"):
                return "${" + var[1:] + "}"
            if var in variables:
                return str(self.value(variables[var]))
            if "." in var and not var.startswith("AWS::"):
                target, attr = var.split(".", 1)
                return self.get_att(target, attr)
            return self.ref(var)

        return re.sub(r"\$\{([^}]*)\}", repl, template)

    def value(self, v):
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            if len(v) == 1:
                (k, arg), = v.items()
                if k == "Ref":
                    return self.ref(arg)
                if k == "Fn::GetAtt":
                    target, attr = arg if isinstance(arg, list) else arg.split(".", 1)
                    return self.get_att(target, attr)
                if k == "Fn::Sub":
                    if isinstance(arg, list):
                        return self.sub(arg[0], arg[1] if len(arg) > 1 else {})
                    return self.sub(arg, {})
                if k == "Fn::Join":
                    return str(arg[0]).join(str(x) for x in self.value(arg[1]))
                if k == "Fn::Select":
                    return self.value(arg[1])[int(arg[0])] if isinstance(self.value(arg[1]), list) else "az"
                if k == "Fn::GetAZs":
                    return [f"{self.region}a", f"{self.region}b"]
                if k.startswith("Fn::"):
                    raise Unresolvable(f"{k} has no resolution here")
            return {k: self.value(x) for k, x in v.items()}
        return v


def documents(properties, path=""):
    """(property path, document) of every policy document under `properties`."""
    if isinstance(properties, dict):
        if "Statement" in properties:
            yield path or "(properties)", properties
            return
        for k, v in properties.items():
            yield from documents(v, f"{path}.{k}" if path else k)
    elif isinstance(properties, list):
        for i, v in enumerate(properties):
            yield from documents(v, f"{path}[{i}]")


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def glob_intersects(a: str, b: str) -> bool:
    """Whether two patterns, `*` matching any text (IAM's ARN wildcard, also across `:` in the
    resource part), can match a common string. `?` matches one character."""

    @lru_cache(maxsize=None)
    def go(i, j):
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            return go(i + 1, j) or (j < len(b) and go(i, j + 1))
        if j < len(b) and b[j] == "*":
            return go(i, j + 1) or (i < len(a) and go(i + 1, j))
        if i < len(a) and j < len(b) and (a[i] == b[j] or "?" in (a[i], b[j])):
            return go(i + 1, j + 1)
        return False

    return go(0, 0)


def arn_intersects(granted: str, pattern: str) -> bool:
    """Whether a granted ARN (with IAM wildcards) can name a resource of a database ARN pattern:
    the partition, service, region and account segments are matched each on its own (a wildcard
    does not span segments there), the resource part as a whole (where IAM's `*` also matches
    `:` and `/`)."""
    a, b = granted.split(":", 5), pattern.split(":", 5)
    if len(a) != 6 or len(b) != 6:
        return glob_intersects(granted, pattern)
    return all(glob_intersects(x, y) for x, y in zip(a, b))


def template_glob(s: str) -> str:
    """An IAM database pattern (`arn:${Partition}:s3:::${BucketName}`) as a glob."""
    return re.sub(r"\$\{[^}]*\}", "*", s)


@lru_cache(maxsize=None)
def action_formats(action: str):
    """The resource ARN formats an action takes (`*` for none), or None if it does not exist."""
    service, _, name = action.partition(":")
    data = get_action_data(service, name).get(service)
    if not data:
        return None
    return tuple(d["resource_arn_format"] for d in data)


@lru_cache(maxsize=None)
def expanded(action: str):
    """The actions a (wildcard) action stands for; empty if none."""
    if "*" not in action and "?" not in action:
        return (action,) if action_formats(action) is not None else ()
    got = [a for a in expand(action) if a.lower() != action.lower()]
    return tuple(a for a in got if action_formats(a) is not None)


@lru_cache(maxsize=None)
def service_keys(service: str):
    try:
        return tuple(get_condition_keys_for_service(service))
    except Exception:  # noqa: BLE001 (an unknown service has no keys)
        return ()


def condition_key_exists(key: str, services) -> bool:
    candidates = list(GLOBAL_KEYS)
    prefix = key.split(":", 1)[0].lower()
    candidates += list(service_keys(prefix))
    for s in services:
        candidates += list(service_keys(s))
    k = key.lower()
    return any(glob_intersects(k, template_glob(c).lower()) for c in candidates)


def check_resources(st, at, failures):
    """In an Allow statement, IAM grants each (action, resource) pair that the action can have:
    every action must take one of the statement's resources (an action that takes only "*",
    granted on ARNs alone, grants nothing), and every resource must be one that some action of
    the statement takes (a resource no action takes is dead text)."""
    resources = [str(x) for x in as_list(st.get("Resource"))]
    if "*" in resources:
        return
    actions = [str(a) for a in as_list(st.get("Action")) if str(a) != "*" and expanded(str(a))]
    if not actions or len(actions) < len(as_list(st.get("Action"))):
        return  # "*", or unknown actions (reported already)
    live_resources = set()
    dead_actions = []
    for a in actions:
        formats = sorted({f for x in expanded(a) for f in action_formats(x) if f != "*"})
        if not formats:
            dead_actions.append(f"{at}, action {a}: takes only Resource \"*\", so granting it on {resources} grants nothing")
            continue
        taken = [r for r in resources if any(arn_intersects(r, template_glob(f)) for f in formats)]
        if not taken:
            dead_actions.append(f"{at}, action {a}: none of {resources} matches its resource types {formats}")
        live_resources.update(taken)
    failures.extend(dead_actions)
    if not dead_actions:
        for r in resources:
            if r not in live_resources:
                failures.append(f"{at}, resource {r}: no action of the statement ({', '.join(actions)}) takes it")


def check_statement(st, where, failures):
    sid = st.get("Sid", "(no Sid)")
    at = f"{where}, statement {sid}"
    effect = st.get("Effect")
    acts = [str(a) for a in as_list(st.get("Action")) + as_list(st.get("NotAction"))]
    if not acts:
        failures.append(f"{at}: no action")
    services = set()
    for a in acts:
        if a == "*":
            continue
        service, _, name = a.partition(":")
        services.add(service.lower())
        if not name:
            failures.append(f"{at}, action {a}: not SERVICE:ACTION")
            continue
        if not expanded(a):
            failures.append(f"{at}, action {a}: no such action in the IAM database")
    if effect == "Allow" and "Action" in st and "Resource" in st:
        check_resources(st, at, failures)
    for op, pairs in (st.get("Condition") or {}).items():
        for key in (pairs or {}):
            if not condition_key_exists(key, services):
                failures.append(f"{at}, condition {op} {key}: no such condition key")


def check_template(path: Path, failures):
    template = load(path)
    resolver = Resolver(template, region=region_of(template))
    count = 0
    for rid, r in (template.get("Resources") or {}).items():
        for prop, doc in documents(r.get("Properties") or {}):
            where = f"{path.name}: {rid} ({r.get('Type')}) {prop}"
            try:
                doc = resolver.value(doc)
            except Unresolvable as e:
                failures.append(f"{where}: {e}")
                continue
            for st in as_list(doc.get("Statement")):
                count += 1
                check_statement(st, where, failures)
    return count


def region_of(template):
    """The region a template pins (an AZ or ARN that names one), else us-east-1."""
    text = json.dumps(template)
    m = re.search(r"arn:aws:[a-z0-9-]+:([a-z]{2}-[a-z]+-\d):", text)
    return m.group(1) if m else DEFAULT_REGION


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failures = []
    statements = 0
    for p in argv:
        before = len(failures)
        n = check_template(Path(p), failures)
        statements += n
        status = "ok  " if len(failures) == before else "FAIL"
        print(f"{status} {Path(p).name}: {n} statements")
    for f in failures:
        print(f"FAIL {f}")
    print(f"policy_sentry: {len(argv)} templates, {statements} statements, {len(failures)} findings")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
