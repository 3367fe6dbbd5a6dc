//! Package URLs (purl), per-ecosystem version ordering and vers ranges.
