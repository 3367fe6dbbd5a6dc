//! OSCAL catalogs and profiles: reading JSON/XML/YAML, profile resolution, writing OSCAL JSON.
