//! OSCAL at sanso's edge: read NIST OSCAL catalogs and profiles (JSON, XML, YAML), resolve
//! profiles into catalogs the way NIST's profile-resolution specification describes, and write
//! OSCAL JSON (resolved catalogs, assessment-results, plans of action and milestones).
//!
//! This crate knows OSCAL, not sanso's domain: the catalog crate maps [`model::Catalog`] into
//! sanso's own catalog model, and assessment data comes in through the plain-data builders.
//!
//! * [`model`] — typed OSCAL models (catalog, profile, assessment-results, POA&M).
//! * [`document`] — reading/writing whole documents; format by extension or content.
//! * [`xml`] — OSCAL XML → the OSCAL JSON shape (markup → Markdown).
//! * [`resolve`] — profile resolution (import, select, merge, modify).
//! * [`builders`] — assessment-results and POA&M from plain data.
//! * [`prose`] — parameter insertions rendered for people (`[Assignment: …]`).
//! * [`error`] — typed errors naming file and location.
//!
//! Unknown content, deliberately: fields no OSCAL 1.x catalog/profile schema defines are
//! **ignored** when reading catalogs and profiles (the typed model covers the schemas; the NIST
//! 800-53, CSF 2.0 and 800-171 catalogs round-trip unchanged). In assessment-results and POA&M
//! the assemblies sanso does not interpret are **kept** verbatim as JSON values, and documents of
//! other OSCAL models (SSP, component definition, assessment plan) are **kept** whole as
//! [`Document::Other`]. Nothing panics on unexpected input; it is a typed [`OscalError`].
//!
//! ```no_run
//! use std::path::Path;
//! let catalog = sanso_oscal::resolve_profile(Path::new("baseline_profile.json"))?;
//! let json = sanso_oscal::to_json_string(&sanso_oscal::Document::Catalog(catalog))?;
//! # Ok::<(), sanso_oscal::OscalError>(())
//! ```

pub mod builders;
pub mod document;
pub mod error;
pub mod model;
pub mod prose;
pub mod resolve;
pub mod xml;

pub use document::{
    parse_document, read_assessment_results, read_catalog, read_document, read_poam, read_profile,
    to_json_string, write_json, Document, Format,
};
pub use error::{OscalError, Result};
pub use resolve::{resolve_loaded_profile, resolve_profile, resolve_profile_with, ResolveOptions};
