//! Reading and verifying the audit log.

use futures_util::TryStreamExt;
use sanso_core::audit::{AuditEntry, ChainBreak, ChainVerifier};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_text, text};
use crate::{Result, Store};

const AUDIT_COLUMNS: &str =
    "seq, at, workspace_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash";

pub(crate) fn entry_from_row(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: int(row, "seq")?,
        at: text(row, "at")?,
        workspace_id: opt_text(row, "workspace_id")?,
        actor: text(row, "actor")?,
        action: text(row, "action")?,
        object_type: text(row, "object_type")?,
        object_id: text(row, "object_id")?,
        before: opt_text(row, "before_json")?,
        after: opt_text(row, "after_json")?,
        prev_hash: text(row, "prev_hash")?,
        hash: text(row, "hash")?,
    })
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    Intact { entries: i64 },
    Broken(ChainBreak),
}

impl Store {
    /// The newest entries of one workspace, newest first; `before_seq` pages backwards.
    pub async fn list_audit(
        &self,
        workspace_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
        ))
        .bind(workspace_id)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Verifies the whole chain, streaming it in order, and reports the first broken link.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let mut conn = self.pool().acquire().await?;
        let (head_seq, head_hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?;
        let mut verifier = ChainVerifier::default();
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY seq");
        let mut rows = sqlx::query(&sql).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let entry = entry_from_row(&row)?;
            if let Err(broken) = verifier.check(&entry) {
                return Ok(AuditVerification::Broken(broken));
            }
        }
        Ok(match verifier.finish(head_seq, &head_hash) {
            Ok(entries) => AuditVerification::Intact { entries },
            Err(broken) => AuditVerification::Broken(broken),
        })
    }
}
