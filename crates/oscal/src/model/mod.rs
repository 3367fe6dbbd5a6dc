//! Typed OSCAL models (JSON field names, kebab-case), one module per OSCAL model.

pub mod assessment;
pub mod catalog;
pub mod common;
pub mod profile;

pub use assessment::*;
pub use catalog::*;
pub use common::*;
pub use profile::*;
