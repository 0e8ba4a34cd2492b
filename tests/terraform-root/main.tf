# A root configuration written by hand, as a platform team writes one, that embeds modules mwaagen
# generates (scripts/check-terraform.sh generates specs/default.toml, specs/bring-your-own.toml and
# specs/inputs.toml into ./generated/ENVIRONMENT/terraform and runs terraform init and
# validate here). It uses what a module with its own provider block would forbid: `providers`,
# `depends_on` and `for_each` on the module calls; and it feeds the inputs of specs/inputs.toml's
# module from resources of its own (spec-format.md, "Inputs").
terraform {
  required_version = ">= 1.7.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Owner = "platform-team"
    }
  }
}

provider "aws" {
  alias  = "analytics"
  region = "eu-central-1"

  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/terraform"
  }
}

# Something of the root the first module must wait for.
resource "aws_s3_bucket" "shared_artifacts" {
  provider      = aws.analytics
  bucket_prefix = "shared-artifacts-"
}

module "analytics" {
  source = "./generated/mwaa-public/terraform/modules/mwaa"

  providers = {
    aws = aws.analytics
  }

  depends_on = [aws_s3_bucket.shared_artifacts]
}

module "teams" {
  source   = "./generated/shared-platform/terraform/modules/mwaa"
  for_each = toset(["blue"])

  providers = {
    aws = aws.analytics
  }

  depends_on = [module.analytics]
}

output "analytics_webserver_url" {
  value = module.analytics.webserver_url
}

output "team_environment_arns" {
  value = { for k, m in module.teams : k => m.environment_arn }
}

# The network and shared resources of the platform team, in this root: the module of
# specs/inputs.toml takes them as inputs (its variables), from these resources' attributes.
resource "aws_vpc" "shared" {
  cidr_block           = "10.80.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "airflow" {
  for_each = {
    "eu-west-1a" = "10.80.0.0/20"
    "eu-west-1b" = "10.80.16.0/20"
  }

  vpc_id            = aws_vpc.shared.id
  availability_zone = each.key
  cidr_block        = each.value
}

resource "aws_security_group" "tools" {
  name_prefix = "shared-tools-"
  description = "Shared tools that Airflow workers reach"
  vpc_id      = aws_vpc.shared.id
}

resource "aws_kms_key" "airflow" {
  description         = "Key of the platform team's Airflow environments"
  enable_key_rotation = true
}

resource "aws_sns_topic" "alarms" {
  name = "platform-airflow-alarms"
}

resource "aws_s3_bucket" "dags" {
  bucket_prefix = "platform-dags-"
}

resource "aws_iam_role" "airflow" {
  name_prefix = "platform-airflow-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }
    }]
  })
}

module "platform" {
  source = "./generated/platform-inputs/terraform/modules/mwaa"

  vpc                   = aws_vpc.shared.id
  subnets               = [for s in aws_subnet.airflow : s.id]
  extra_security_groups = [aws_security_group.tools.id]
  dags_bucket_arn       = aws_s3_bucket.dags.arn
  role_arn              = aws_iam_role.airflow.arn
  kms_key               = aws_kms_key.airflow.arn
  alarm_topic           = aws_sns_topic.alarms.arn
}

output "platform_environment_arn" {
  value = module.platform.environment_arn
}
