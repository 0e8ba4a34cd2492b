//! Terraform HCL backend. (Placeholder: the backend is being written.)

use tera::Tera;

use super::{OutputFile, RenderError};
use crate::ir::Ir;

/// This backend's templates, embedded at build time: (name, text).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

pub(crate) fn register(_tera: &mut Tera) {}

/// Renders the IR into this target's files.
pub(crate) fn render(_ir: &Ir) -> Result<Vec<OutputFile>, RenderError> {
    Err(RenderError("the terraform target is not implemented yet".into()))
}
