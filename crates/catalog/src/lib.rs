//! Framework catalogs, built-in catalogs, scoring schemes and requirement mappings.
