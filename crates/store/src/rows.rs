//! Decoding rows into domain types. Stored text that no longer parses is reported as corruption with
//! the column named, never turned into a panic or a silent default.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Backend, Result, StoreError};

/// `INSERT INTO <table> (<columns>) VALUES (…), (…)` for `rows` rows of `columns` values each.
///
/// SQLite gets anonymous `?` placeholders: sqlx's SQLite driver looks up every numbered `$N`
/// parameter by name, and SQLite finds a name by walking the statement's parameter list, so a
/// statement of n numbered parameters costs n² to bind — 80 % of a large SBOM ingest went there.
/// PostgreSQL needs the numbered form.
pub(crate) fn multi_row_insert(
    backend: Backend,
    table: &str,
    columns: &str,
    column_count: usize,
    rows: usize,
) -> String {
    use std::fmt::Write;
    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..column_count {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                // Writing to a String cannot fail.
                Backend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
            }
        }
        sql.push(')');
    }
    sql
}

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(int(row, col)? != 0)
}

pub(crate) fn parsed<T>(row: &AnyRow, col: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    let value = text(row, col)?;
    parse(&value)
        .ok_or_else(|| StoreError::Corrupt(format!("column {col} holds unknown value \"{value}\"")))
}

pub(crate) fn json_map(
    row: &AnyRow,
    col: &str,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let value = text(row, col)?;
    serde_json::from_str(&value)
        .map_err(|e| StoreError::Corrupt(format!("column {col} is not a JSON object: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_insert_uses_each_backends_placeholders() {
        assert_eq!(
            multi_row_insert(Backend::Sqlite, "t", "a, b", 2, 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            multi_row_insert(Backend::Postgres, "t", "a, b", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
