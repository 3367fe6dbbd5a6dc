//! Domain types and pure logic of sanso.
//!
//! Everything here is free of I/O: the store persists these types, the server and the CLI show them.
//!
//! - [`model`]: the CPSF value-creation model — nodes of the six component kinds and connections on the
//!   three layers. Later capabilities (risks, assessments, data flows, supplier relations) hang on nodes.
//! - [`document`]: the YAML/JSON exchange format of a whole model, with errors that name the path at fault.
//! - [`diagram`]: the SVG drawing of a model in three bands, one per layer.
//! - [`audit`]: the hash chain that makes the audit log tamper-evident.
//! - [`access`]: workspace roles and what each may do.

pub mod access;
pub mod audit;
pub mod diagram;
pub mod document;
pub mod model;

/// A new identifier: a UUIDv7 in text form, so identifiers sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time as an RFC 3339 UTC timestamp with microseconds (fixed width, so text order is time order).
pub fn now_timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    now.format(&fmt)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}
