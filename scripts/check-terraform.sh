#!/usr/bin/env bash
# Checks the Terraform that mwaagen generates with the real terraform, offline.
#
# Usage: scripts/check-terraform.sh [--default] [SPEC...]
#   For each spec (and the built-in default spec with --default): generate with
#   `mwaagen SPEC --target terraform --out DIR` into a temporary folder (a root configuration and
#   its module in DIR/modules/mwaa), then terraform init -backend=false, fmt -check -recursive,
#   validate (the root, and so the module), and test (the module's test, a mocked provider).
#   A spec whose hashicorp/aws constraint excludes 5.100.0 (the mirror's only release) gets
#   generate and fmt only, with a loud SKIPPED line: scripts/check-provider-schema.sh checks it
#   against the 6.69.1 schema instead.
#   Four more cases always run: tests/terraform-root, a hand-written root that calls generated
#   modules with providers, depends_on and for_each, and feeds the inputs of specs/inputs.toml's
#   module from its own resources (init and validate); specs/inputs.toml's root planned with -var
#   values, one bad at a time (a VPC id, 3 subnets), which plan must refuse with the AWS rule's
#   message of the module's validation block and nothing else; a built-in spec whose Airflow options hold hostile strings
#   (`${`, `%{`, quotes, backslashes, control characters, unicode), whose test gets an extra run
#   that compares what terraform reads with the expected bytes; and specs/production.toml with
#   `[output] terraform_layout = "module"`: DIR is the module alone (no provider block, no root),
#   which must init, validate and pass its test in DIR itself.
#
# Needs terraform (1.11 or later) on PATH and the hashicorp/aws provider in the filesystem mirror
# $MWAAGEN_TF_PLUGINS (default /opt/tf-plugins): nothing is downloaded. Set MWAAGEN_SKIP_TERRAFORM=1
# to skip every check when they are missing; the script then says so loudly and exits 0.
# The mwaagen binary is ${CARGO_TARGET_DIR:-target}/release/mwaagen, built if missing
# (set MWAAGEN_BIN to use another one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${MWAAGEN_TF_PLUGINS:-/opt/tf-plugins}"

usage() {
    echo "usage: $0 [--default] [SPEC...]" >&2
    exit 2
}

default=0
specs=()
for arg in "$@"; do
    case "$arg" in
        --default) default=1 ;;
        -h | --help) usage ;;
        -*) echo "error: unknown option $arg" >&2; usage ;;
        *) specs+=("$arg") ;;
    esac
done
if [[ $default -eq 0 && ${#specs[@]} -eq 0 ]]; then
    usage
fi

# --- The tools, or an explicit opt-out -----------------------------------------------------------
missing=()
if ! command -v terraform >/dev/null 2>&1; then
    missing+=("terraform is not on PATH")
fi
if [[ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
    missing+=("no hashicorp/aws provider in the filesystem mirror $mirror")
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ "${MWAAGEN_SKIP_TERRAFORM:-}" == "1" ]]; then
        echo "################################################################################"
        echo "# SKIPPED: the Terraform checks did NOT run (MWAAGEN_SKIP_TERRAFORM=1):"
        for m in "${missing[@]}"; do echo "#   - $m"; done
        echo "################################################################################"
        exit 0
    fi
    for m in "${missing[@]}"; do echo "error: $m" >&2; done
    echo "error: the Terraform checks need terraform and a provider mirror (no network is used)." >&2
    echo "       Install them, point MWAAGEN_TF_PLUGINS at the mirror, or set MWAAGEN_SKIP_TERRAFORM=1 to skip." >&2
    exit 1
fi

# --- The generator ---------------------------------------------------------------------------
target_dir="${CARGO_TARGET_DIR:-target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
bin="${MWAAGEN_BIN:-$target_dir/release/mwaagen}"
if [[ -z "${MWAAGEN_BIN:-}" ]]; then
    (cd "$root" && cargo build --release --quiet)
fi
if [[ ! -x "$bin" ]]; then
    echo "error: no mwaagen binary at $bin" >&2
    exit 1
fi

# --- An offline terraform ----------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/check-terraform.XXXXXX")"
trap 'rm -rf "$work"' EXIT
source "$root/scripts/lib.sh"
offline_terraform "$work" "$mirror"
echo "terraform: $(terraform version | head -n 1); provider mirror: $mirror"

# --- Each spec ---------------------------------------------------------------------------------
# Cases run side by side (MWAAGEN_JOBS, default: the CPUs); each writes $work/DIR.result, printed
# in order at the end.
jobs_max=$(check_jobs)
order=() names=()

check() { # check NAME DIR-NAME STEPS [SPEC]: in the background
    local name="$1" dirname="$2" steps="$3"
    shift 3
    order+=("$dirname")
    names+=("$name")
    wait_for_slot "$jobs_max"
    check_case "$name" "$dirname" "$steps" "$@" >"$work/$dirname.result" 2>&1 &
}

check_case() {
    local name="$1" dir="$work/$2" log="$work/$2.log" steps="$3" start step
    shift 3
    start=$SECONDS
    mkdir -p "$dir"
    for step in $steps; do
        # A constraint that excludes the mirror's 5.100.0 (the versions.tf note says so) cannot be
        # initialized here: fmt only, and scripts/check-provider-schema.sh checks it against 6.69.1.
        if [[ $step == init ]] && grep -q "It excludes 5\.100\.0" "$dir/versions.tf" 2>/dev/null; then
            run_step fmt "$dir" >>"$log" 2>&1 || {
                printf 'FAIL %-40s at fmt (%ss)\n' "$name" "$((SECONDS - start))"
                sed 's/^/    /' "$log" | tail -n 60
                return 0
            }
            printf 'ok   %-40s (%ss) generate, fmt only\n' "$name" "$((SECONDS - start))"
            printf '!!!  SKIPPED init, validate, test of %s: its hashicorp/aws constraint excludes 5.100.0,\n' "$name"
            printf '!!!  the only release in the mirror (constraint %s); check-provider-schema.sh checks it against 6.69.1\n' "$(sed -n 's/^ *version *= *"\(.*\)"$/\1/p' "$dir/versions.tf" | head -n 1)"
            return 0
        fi
        if ! run_step "$step" "$dir" "$@" >>"$log" 2>&1; then
            printf 'FAIL %-40s at %s (%ss)\n' "$name" "$step" "$((SECONDS - start))"
            sed 's/^/    /' "$log" | tail -n 60
            return 0
        fi
    done
    printf 'ok   %-40s (%ss)\n' "$name" "$((SECONDS - start))"
}

run_step() { # run_step STEP DIR [SPEC]
    local step="$1" dir="$2"
    shift 2
    echo "--- $step"
    case "$step" in
        generate) "$bin" "$@" --target terraform --out "$dir" ;;
        init) terraform -chdir="$dir" init -input=false -backend=false -no-color ;;
        fmt) terraform -chdir="$dir" fmt -check -recursive -diff -no-color ;;
        validate) terraform -chdir="$dir" validate -no-color ;;
        # terraform_layout = "module": the module alone in DIR, with nothing of the root.
        module)
            "$bin" "$@" --target terraform --out "$dir" &&
                for f in providers.tf main.tf moved.tf modules; do
                    if [[ -e "$dir/$f" ]]; then echo "the module layout wrote $f" >&2; return 1; fi
                done &&
                if grep -l '^provider ' "$dir"/*.tf; then echo "a provider block in the module" >&2; return 1; fi
            ;;
        moduletest)
            terraform -chdir="$dir" test -no-color
            ;;
        # The generated test belongs to the module (modules/mwaa/tests), which it runs alone.
        test)
            terraform -chdir="$dir/modules/mwaa" init -input=false -backend=false -no-color &&
                terraform -chdir="$dir/modules/mwaa" test -no-color
            ;;
        escaping) escaping_run >>"$dir/modules/mwaa/tests/mwaa.tftest.hcl" ;;
        # Inputs: terraform plan in the root with -var values checks them against the module's
        # validation blocks (the AWS rule) before anything is planned.
        inputvars) input_plans "$dir" ;;
        # tests/terraform-root: a hand-written root that calls generated modules.
        handroot)
            cp "$root/tests/terraform-root/main.tf" "$dir/" &&
                "$bin" "$root/specs/default.toml" "$root/specs/bring-your-own.toml" "$root/specs/inputs.toml" \
                    --target terraform --out "$dir/generated"
            ;;
    esac
}

# --- Inputs: a bad -var value fails terraform plan with the AWS rule ---------------------------
# specs/inputs.toml's inputs, all valid (the examples of the MWAA API shapes and resource-ids.html).
input_values() {
    cat <<'TFVARS'
vpc                   = "vpc-0a1b2c3d4e5f60718"
subnets               = ["subnet-0a1b2c3d4e5f60718", "subnet-08f7e6d5c4b3a2910"]
extra_security_groups = ["sg-0a1b2c3d4e5f60718"]
dags_bucket_arn       = "arn:aws:s3:::team-airflow-dags"
role_arn              = "arn:aws:iam::210987654321:role/service-role/team-airflow"
kms_key               = "arn:aws:kms:eu-west-1:210987654321:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
alarm_topic           = "arn:aws:sns:eu-west-1:210987654321:team-alarms"
TFVARS
}

# rule_message FILE VARIABLE: the error_message of the variable's validation block.
rule_message() {
    awk -v head="variable \"$2\" {" '$0 == head { f = 1 } f && /^}/ { exit }
        f && /error_message/ { sub(/^[^"]*"/, ""); sub(/"$/, ""); print; exit }' "$1"
}

# input_plan DIR LABEL VARIABLE VALUE FIELD: terraform plan in DIR with the valid values and
# VARIABLE=VALUE. Plan needs no AWS to check variables, but goes on to configure the provider,
# which fails here (no credentials, no network): the plan fails in any case, and what is checked is
# the validation error: exactly one (the other, valid values pass), for var.VARIABLE, with the
# rule's message as the module declares it, which names the spec's FIELD.
input_plan() {
    local dir=$1 label=$2 var=$3 value=$4 field=$5 out message
    local args=(-var-file=inputs.tfvars -var "$var=$value")
    echo "--- plan, $label: ${args[*]}"
    out=$(AWS_ACCESS_KEY_ID=none AWS_SECRET_ACCESS_KEY=none AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 \
        terraform -chdir="$dir" plan -input=false -lock=false -refresh=false -no-color "${args[@]}" 2>&1) && {
        echo "$out"
        echo "plan passed: it cannot without AWS, the check cannot tell what it checked" >&2
        return 1
    }
    # Terraform wraps messages to its width: compared with runs of blanks as one space.
    out=$(tr -s ' \n' '  ' <<<"$out")
    message=$(rule_message "$dir/modules/mwaa/variables.tf" "$var")
    if [[ "$message" != "$field "* ]]; then
        echo "the validation message of $var does not name $field: $message" >&2
        return 1
    fi
    if [[ $(grep -oF "Invalid value for variable" <<<"$out" | wc -l) -ne 1 ]] || ! grep -qF "var.$var is" <<<"$out" ||
        ! grep -qF "$message" <<<"$out"; then
        echo "$out"
        echo "plan did not refuse var.$var alone with: $message" >&2
        return 1
    fi
    echo "refused var.$var: $message"
}

input_plans() {
    local dir=$1
    input_values >"$dir/inputs.tfvars"
    input_plan "$dir" "a bad VPC id" vpc "vpc-XYZ" network.existing_vpc_id &&
        input_plan "$dir" "3 subnets" subnets \
            '["subnet-0a1b2c3d4e5f60718", "subnet-08f7e6d5c4b3a2910", "subnet-01234567"]' network.existing_private_subnet_ids
}

# --- Escaping: hostile strings through the generator and the real HCL parser ----------------------
escaping_spec() {
    cat <<'SPEC'
version = 1

[environment]
name = "escaping"
dag_s3_path = "dags/é 漢字 😀 E\u0301"

[environment.airflow_configuration_options]
"core.interp" = "${var.x} and $${y} and $$${z} and a$"
"core.directive" = "%{ if true }x%{ endif } and %%{w} and 100%"
"core.quotes" = "say \"hi\" \\ back\\slash \\n not a newline"
"core.heredoc" = "<<EOF #x // y /* z */ EOF"

[tags]
# AWS takes non-ASCII text in tags (Unicode letters, separators, numbers) and in S3 keys, not in
# Airflow options (MWAA's ConfigValue is printable ASCII).
Separators = "line\u2028separator\u2029paragraph\u00a0space end"

[output]
region = "us-east-1"
SPEC
}

# A test run that compares each value (an Airflow option, or an attribute of the environment), as
# terraform reads the generated HCL, with the bytes the spec holds (base64, so that the check
# itself involves no escaping).
escaping_run() {
    local expected=(
        "core.interp JHt2YXIueH0gYW5kICQke3l9IGFuZCAkJCR7en0gYW5kIGEk"
        "core.directive JXsgaWYgdHJ1ZSB9eCV7IGVuZGlmIH0gYW5kICUle3d9IGFuZCAxMDAl"
        "core.quotes c2F5ICJoaSIgXCBiYWNrXHNsYXNoIFxuIG5vdCBhIG5ld2xpbmU="
        "tag:Separators bGluZeKAqHNlcGFyYXRvcuKAqXBhcmFncmFwaMKgc3BhY2UgZW5k"
        "dag_s3_path ZGFncy/DqSDmvKLlrZcg8J+YgCBFzIE="
        "core.heredoc PDxFT0YgI3ggLy8geSAvKiB6ICovIEVPRg=="
    )
    local pair name expr
    printf '\nrun "escaping" {\n  command = plan\n'
    for pair in "${expected[@]}"; do
        name=${pair%% *}
        case $name in
            core.*) expr="airflow_configuration_options[\"$name\"]" ;;
            tag:*) expr="tags[\"${name#tag:}\"]" ;;
            *) expr=$name ;;
        esac
        printf '\n  assert {\n'
        printf '    condition     = aws_mwaa_environment.this.%s == base64decode("%s")\n' "$expr" "${pair#* }"
        printf '    error_message = "%s: terraform reads another value than the spec holds"\n' "$name"
        printf '  }\n'
    done
    printf '}\n'
}

steps="generate init fmt validate test"
passed=0
failed=0
failures=()
n=0
if [[ $default -eq 1 ]]; then
    n=$((n + 1))
    check "<built-in default spec>" "spec$n" "$steps"
fi
for spec in "${specs[@]}"; do
    n=$((n + 1))
    if [[ ! -f "$spec" ]]; then
        order+=("spec$n")
        names+=("$spec")
        echo "FAIL $spec: no such file" >"$work/spec$n.result"
        continue
    fi
    check "$spec" "spec$n" "$steps" "$spec"
done
escaping_spec >"$work/escaping.toml"
check "<built-in escaping spec>" "escaping" "generate escaping init fmt validate test" "$work/escaping.toml"
check "tests/terraform-root (hand-written root)" "handroot" "handroot init validate"
check "specs/inputs.toml, bad -var values refused by plan" "inputvars" "generate init inputvars" "$root/specs/inputs.toml"
sed 's/^\[output\]$/[output]\nterraform_layout = "module"/' "$root/specs/production.toml" >"$work/module-layout.toml"
grep -q '^terraform_layout = "module"$' "$work/module-layout.toml" || { echo "error: production.toml has no [output] table" >&2; exit 1; }
check "production.toml, terraform_layout = \"module\"" "modlayout" "module init fmt validate moduletest" "$work/module-layout.toml"
wait

for i in "${!order[@]}"; do
    cat "$work/${order[$i]}.result"
    if grep -q '^ok ' "$work/${order[$i]}.result"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("${names[$i]}")
    fi
done
echo "$passed passed, $failed failed"
if [[ $failed -gt 0 ]]; then
    printf 'failed: %s\n' "${failures[@]}"
    exit 1
fi
