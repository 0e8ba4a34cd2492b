//! `[output]`: settings of the generated code.

use super::aws::is_version_constraint;
use super::{span, Validator};
use crate::diagnostics::quote;
use crate::model::{Output, TerraformLayout, DEFAULT_TF_AWS_PROVIDER};
use crate::rules::{ACCOUNT_ID, MWAA_REGIONS, REGION, STACK_NAME};
use crate::spec::RawSpec;

impl Validator {
    pub(super) fn output(&mut self, raw: &RawSpec) -> Output {
        let o = raw.output.as_ref().map(|o| o.get_ref());
        let region = o.and_then(|o| o.region.as_ref()).and_then(|r| {
            if REGION.matches(r.get_ref()) {
                if !MWAA_REGIONS.contains(&r.get_ref().as_str()) {
                    self.warn(
                        "output.region",
                        span(r),
                        format!("Amazon MWAA has no endpoint in {} as far as this mwaagen knows", r.get_ref()),
                        format!(
                            "MWAA is offered in {} (botocore 1.44.8, endpoints.json, service airflow); if it is new there,                              ignore this",
                            MWAA_REGIONS.join(", ")
                        ),
                    );
                }
                Some(r.get_ref().clone())
            } else {
                self.err(
                    "output.region",
                    span(r),
                    format!("{} is not an AWS region name", quote(r.get_ref())),
                    "write a region like \"us-east-1\" or \"eu-west-1\"",
                );
                None
            }
        });
        let stack_name = o.and_then(|o| o.stack_name.as_ref()).map(|s| {
            if STACK_NAME.check(s.get_ref()).is_err() {
                self.err(
                    "output.stack_name",
                    span(s),
                    format!("{} is not a CloudFormation stack name", quote(s.get_ref())),
                    format!("use 1 to 128 letters, digits and '-', starting with a letter ({})", STACK_NAME.source),
                );
            }
            s.get_ref().clone()
        });
        let terraform_aws_provider = match o.and_then(|o| o.terraform_aws_provider.as_ref()) {
            None => DEFAULT_TF_AWS_PROVIDER.to_owned(),
            Some(c) => {
                if !is_version_constraint(c.get_ref()) {
                    self.err(
                        "output.terraform_aws_provider",
                        span(c),
                        format!("{} is not a Terraform version constraint", quote(c.get_ref())),
                        "write comma-separated conditions like \">= 5.0, < 7.0\" or \"~> 5.100\"",
                    );
                }
                c.get_ref().clone()
            }
        };
        let account_id = o.and_then(|o| o.account_id.as_ref()).and_then(|a| {
            if ACCOUNT_ID.check(a.get_ref()).is_ok() {
                Some(a.get_ref().clone())
            } else {
                self.err(
                    "output.account_id",
                    span(a),
                    format!("{} is not an AWS account id", quote(a.get_ref())),
                    format!("write the account's 12 digits, like \"123456789012\" ({})", ACCOUNT_ID.source),
                );
                None
            }
        });
        let layout = o.and_then(|o| o.terraform_layout.as_ref());
        let terraform_layout =
            match self.choice("output.terraform_layout", &layout.cloned(), TerraformLayout::VALUES, "root").as_str() {
                "module" => TerraformLayout::Module,
                _ => TerraformLayout::Root,
            };
        if let (Some(a), TerraformLayout::Module) = (o.and_then(|o| o.account_id.as_ref()), terraform_layout) {
            if account_id.is_some() {
                self.warn(
                    "output.account_id",
                    span(a),
                    "the Terraform module has no provider block, so nothing in it checks the account",
                    format!(
                        "set allowed_account_ids = [\"{}\"] in the provider of the root that calls the module; \
                         CloudFormation and CDK still check it",
                        a.get_ref()
                    ),
                );
            }
        }
        Output { region, stack_name, terraform_aws_provider, account_id, terraform_layout }
    }
}
