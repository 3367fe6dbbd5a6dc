//! Persistence for sanso: SQLite (default) and PostgreSQL behind one interface, blob store, backup.
