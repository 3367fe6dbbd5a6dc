//! The sanso web server: REST API under /api/v1, server-rendered web UI (ja/en), authentication.
