//! Decoding rows into domain types. Stored text that no longer parses is reported as corruption with
//! the column named, never turned into a panic or a silent default.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Result, StoreError};

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
