//! Terraform vs CloudFormation (architecture.md section 5): for every example spec, the same
//! resources exist with the same values for every property the IR carries.
//!
//! Each side is parsed by a real parser (the HCL with hcl-rs, the YAML with the shared helper) and
//! normalized on its own into one neutral form: neutral id (the Terraform name, which is the
//! snake-case CloudFormation logical id) -> kind + properties with neutral names. Values are
//! JSON; references are strings `${ref:ID.ATTR}` (ATTR: `id` for what CloudFormation's `Ref`
//! returns, `arn`, `allocation_id`, `webserver_url`), region/account/partition `${pseudo:...}`,
//! the n-th availability zone `${az:n}`, and literal `${` is written `$${`, so that `!Sub` and an
//! HCL template compare as the same string. Resources that Terraform splits off (bucket settings,
//! egress rules, policy attachments) are merged back into the resource they belong to, found by
//! what they refer to. A property that a normalizer does not know is kept under `unmapped.NAME`,
//! so that it always shows up as a difference. Terraform's local values (`locals.tf`) are evaluated
//! first (tests/support/locals.rs): `local.tags`, `merge(local.tags, { Name = ... })` and
//! `"${local.region}"` compare as the values they hold.
//!
//! The one documented exception: hashicorp/aws has `worker_replacement_strategy` from 6.12.0 on
//! only; under a constraint that admits older releases the Terraform side writes it as a comment in
//! the environment block, and this test reads it there (under one that admits only 6.12.0 and later,
//! specs/provider-6.toml, it is an argument, compared as any other).
//!
//! One file per concern: the neutral form (neutral.rs), each side's normalizer (cfn.rs,
//! terraform.rs), values passed in at deploy time (deploy_time.rs), the comparison (compare.rs);
//! the tests by feature: every example (examples.rs), mutations caught (mutations.rs), parameters
//! with a default (parameters.rs), local values (locals.rs), the spec's inputs (inputs.rs).

// Test code: a panic is a failed test, with its message.
#![allow(clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};

use hcl::{Body, Expression, ObjectKey, TraversalOperator};
use mwaagen::ir::{snake_case, Ir};
use mwaagen::render::{render, OutputFile, Target};
use serde_json::{json, Map, Value};
use support::locals::Locals;

mod cfn;
mod compare;
mod deploy_time;
mod examples;
mod inputs;
mod locals;
mod mutations;
mod neutral;
mod parameters;
mod terraform;

use cfn::*;
use compare::*;
use deploy_time::*;
use neutral::*;
use terraform::*;
