//! Write transactions that carry their audit entries.
//!
//! [`Store::write`] begins a transaction and first locks the audit head (a row lock on PostgreSQL, the
//! write lock on SQLite). That serialises writers on the chain, so two changes can never both link to
//! the same previous entry, and the lock is taken by the first statement, so SQLite never has to
//! upgrade a read lock (the classic cause of spurious "database is locked" errors).

use sanso_core::audit::AuditEntry;
use serde::Serialize;
use sqlx::{Any, Transaction};

use crate::{Result, Store};

/// Who made a change, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub label: String,
    pub user_id: Option<String>,
}

impl Actor {
    pub fn user(id: &str, email: &str) -> Actor {
        Actor {
            label: format!("user:{id} {email}"),
            user_id: Some(id.to_string()),
        }
    }
    pub fn token(token_id: &str, user_id: &str, email: &str) -> Actor {
        Actor {
            label: format!("token:{token_id} user:{user_id} {email}"),
            user_id: Some(user_id.to_string()),
        }
    }
    pub fn cli() -> Actor {
        Actor {
            label: "cli".into(),
            user_id: None,
        }
    }
    pub fn system() -> Actor {
        Actor {
            label: "system".into(),
            user_id: None,
        }
    }
}

pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Any>,
    backend: crate::Backend,
    seq: i64,
    hash: String,
    appended: bool,
}

/// The JSON text the audit log keeps of an object.
pub fn snapshot<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

impl Store {
    pub(crate) async fn write(&self) -> Result<WriteTx> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE audit_head SET id = id WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        Ok(WriteTx {
            tx,
            backend: self.backend(),
            seq,
            hash,
            appended: false,
        })
    }
}

impl WriteTx {
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub(crate) fn backend(&self) -> crate::Backend {
        self.backend
    }

    /// Appends one audit entry in this transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn audit(
        &mut self,
        actor: &Actor,
        workspace_id: Option<&str>,
        action: &str,
        object_type: &str,
        object_id: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<()> {
        let mut entry = AuditEntry {
            seq: self.seq + 1,
            at: sanso_core::now_timestamp(),
            workspace_id: workspace_id.map(str::to_string),
            actor: actor.label.clone(),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id: object_id.to_string(),
            before,
            after,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        insert_audit_entry(&mut self.tx, &entry).await?;
        self.seq = entry.seq;
        self.hash = entry.hash;
        self.appended = true;
        Ok(())
    }

    pub(crate) async fn commit(mut self) -> Result<()> {
        if self.appended {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(self.seq)
                .bind(&self.hash)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn insert_audit_entry(
    conn: &mut sqlx::AnyConnection,
    e: &AuditEntry,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, workspace_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(e.seq)
    .bind(&e.at)
    .bind(&e.workspace_id)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.object_id)
    .bind(&e.before)
    .bind(&e.after)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(conn)
    .await?;
    Ok(())
}
