//! mwaagen: one TOML spec in, CloudFormation, Terraform or CDK TypeScript for Amazon MWAA out.
//!
//! The pipeline has one module per stage:
//! [`parse`] (TOML -> spanned [`spec::RawSpec`]) -> [`validate`] (rules and defaults ->
//! [`model::Config`]) -> [`lower`] (-> [`ir::Ir`]) -> [`render`] (IR -> files). Writing files and
//! `--check` live in [`output`]. This crate has no CLI dependency; `main.rs` only parses arguments.

pub mod diagnostics;
pub mod ir;
pub mod lower;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod spec;
pub mod validate;

use diagnostics::{Diagnostics, Source};
use ir::Ir;

/// The built-in default spec: the public-mode reference architecture, commented.
pub const DEFAULT_SPEC: &str = include_str!("../../specs/default.toml");

/// The name the built-in default spec goes by in errors and generated headers.
pub const DEFAULT_SPEC_NAME: &str = "<built-in default spec>";

/// Parses, validates and lowers one spec.
///
/// # Errors
/// Every problem of the spec, as diagnostics pointing into `source`.
pub fn compile(source: &Source) -> Result<Ir, Diagnostics> {
    let raw = parse::parse(source)?;
    let config = validate::validate(&raw, &source.name)?;
    Ok(lower::lower(&config))
}

/// The built-in default spec as a source.
#[must_use]
pub fn default_source() -> Source {
    Source::from_text(DEFAULT_SPEC_NAME, DEFAULT_SPEC)
}
