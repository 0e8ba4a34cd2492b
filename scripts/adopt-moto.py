"""Helpers of scripts/check-adopt.sh (adopting a live environment, against moto and the local MWAA
API of scripts/mwaa-api.py). Subcommands:

  live NAME VERSION MOTO_ENDPOINT MWAA_PROXY OUT_JSON
      Makes a live environment as a console user would: in moto its VPC, two subnets, a security
      group, the DAG bucket, the execution role and MWAA's five log groups (airflow-NAME-*, the
      retention mwaagen's default gives them, 365 days); then the environment itself through the
      MWAA API (botocore's client, proxied as the Terraform provider is). A VERSION that MWAA no
      longer offers for new environments cannot be created through the API: such an environment
      was created long ago, and is stored through the local API's PUT /_local/environments/NAME.
      Writes `get-environment`'s Environment object alone (boto3's resp["Environment"]) to OUT_JSON
      and prints the VPC id.
  plan PLAN_JSON adopt|clean|version
      Reads `terraform show -json` of a plan. adopt: the environment and its log groups are
      imported and nothing is created, changed or destroyed; clean: no change at all; version: the
      environment is imported and changed in airflow_version only, nothing else changes.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import boto3
import botocore.session
from botocore.config import Config

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
MODULES = {"DagProcessingLogs": "DAGProcessing", "SchedulerLogs": "Scheduler", "TaskLogs": "Task",
           "WebserverLogs": "WebServer", "WorkerLogs": "Worker"}


def live(name: str, version: str, moto: str, proxy: str, out: Path) -> int:
    ec2 = boto3.client("ec2", endpoint_url=moto, **KEYS)
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.90.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
    sg = ec2.create_security_group(GroupName=f"{name}-sg", Description="MWAA", VpcId=vpc)["GroupId"]
    s3 = boto3.client("s3", endpoint_url=moto, **KEYS)
    bucket = f"{name}-dags"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    iam = boto3.client("iam", endpoint_url=moto, **KEYS)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]}}]}
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    logs = boto3.client("logs", endpoint_url=moto, **KEYS)
    for suffix in MODULES.values():
        group = f"airflow-{name}-{suffix}"
        logs.create_log_group(logGroupName=group)
        logs.put_retention_policy(logGroupName=group, retentionInDays=365)
    request = {
        "Name": name, "ExecutionRoleArn": role, "SourceBucketArn": f"arn:aws:s3:::{bucket}", "DagS3Path": "dags",
        "NetworkConfiguration": {"SubnetIds": subnets, "SecurityGroupIds": [sg]},
        "AirflowVersion": version, "EnvironmentClass": "mw1.small", "WebserverAccessMode": "PUBLIC_ONLY",
        "WeeklyMaintenanceWindowStart": "SUN:03:00",
        "AirflowConfigurationOptions": {"core.default_task_retries": "3"},
        "LoggingConfiguration": {m: {"Enabled": True, "LogLevel": "INFO"} for m in MODULES},
    }
    request["LoggingConfiguration"]["WorkerLogs"] = {"Enabled": True, "LogLevel": "WARNING"}
    mwaa = botocore.session.get_session().create_client(
        "mwaa", endpoint_url="http://mwaa.invalid", config=Config(proxies={"http": proxy}), **KEYS)
    offered = "Valid values" in mwaa.meta.service_model.operation_model("CreateEnvironment").input_shape \
        .members["AirflowVersion"].documentation and f"<code>{version}</code>" in mwaa.meta.service_model \
        .operation_model("CreateEnvironment").input_shape.members["AirflowVersion"].documentation
    if offered:
        mwaa.create_environment(**request)
    else:
        body = json.dumps({k: v for k, v in request.items() if k != "Name"}).encode()
        req = urllib.request.Request(f"{proxy}/_local/environments/{name}", data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=10) as r:
            r.read()
    env = mwaa.get_environment(Name=name)["Environment"]
    out.write_text(json.dumps(env, indent=2, default=str))
    print(vpc)
    return 0


def plan(path: Path, mode: str) -> int:
    p = json.loads(path.read_text())
    problems, imported, changed = [], [], []
    for rc in p.get("resource_changes", []):
        actions = rc["change"]["actions"]
        if rc["change"].get("importing"):
            imported.append(rc["address"])
        if actions in (["no-op"], ["read"]):
            continue
        if mode == "version" and rc["type"] == "aws_mwaa_environment" and actions == ["update"]:
            before, after = rc["change"]["before"] or {}, rc["change"]["after"] or {}
            diff = sorted(k for k in set(before) | set(after)
                          if before.get(k) != after.get(k) and not (rc["change"].get("after_unknown") or {}).get(k))
            changed.append(rc["address"])
            if diff != ["airflow_version"]:
                problems.append(f"{rc['address']}: changes {diff}, not only airflow_version")
            continue
        problems.append(f"{rc['address']}: {'/'.join(actions)}")
    envs = [a for a in imported if ".aws_mwaa_environment." in f".{a}"]
    groups = [a for a in imported if "aws_cloudwatch_log_group" in a]
    if mode in ("adopt", "version") and (len(envs) != 1 or len(groups) != 5):
        problems.append(f"imports {imported}: not the environment and its five log groups")
    if mode == "clean" and imported:
        problems.append(f"imports again: {imported}")
    if mode == "version" and not changed:
        problems.append("the environment's version does not change")
    for line in problems:
        print(f"  PLAN: {line}")
    print(f"plan ({mode}): {len(imported)} to import, {len(changed)} changed in airflow_version only, "
          f"{len(problems)} unexpected")
    return 1 if problems else 0


def main(argv):
    if len(argv) == 6 and argv[0] == "live":
        return live(argv[1], argv[2], argv[3], argv[4], Path(argv[5]))
    if len(argv) == 3 and argv[0] == "plan" and argv[2] in ("adopt", "clean", "version"):
        return plan(Path(argv[1]), argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
