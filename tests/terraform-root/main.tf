# A root configuration written by hand, as a platform team writes one, that embeds modules mwaagen
# generates (scripts/check-terraform.sh generates specs/default.toml and specs/bring-your-own.toml into
# ./generated/ENVIRONMENT/terraform and runs terraform init and
# validate here). It uses what a module with its own provider block would forbid: `providers`,
# `depends_on` and `for_each` on the module calls.
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
