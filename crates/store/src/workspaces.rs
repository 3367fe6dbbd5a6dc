//! Workspaces and memberships. A workspace is one organisation's space; every other object belongs to
//! exactly one. Access is always decided by [`Store::workspace_for_user`]: a workspace the user is not a
//! member of is reported as not found, never as forbidden, so ids of other organisations leak nothing.

use sanso_core::access::Role;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::rows::{parsed, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: String,
}

pub(crate) fn workspace_from_row(row: &AnyRow) -> Result<Workspace> {
    Ok(Workspace {
        id: text(row, "id")?,
        name: text(row, "name")?,
        description: text(row, "description")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn validate_workspace(name: &str, description: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > 200 {
        return Err(StoreError::invalid("name", "must be 1–200 characters"));
    }
    if description.chars().count() > 10_000 {
        return Err(StoreError::invalid(
            "description",
            "is longer than 10000 characters",
        ));
    }
    Ok(())
}

impl Store {
    /// Creates a workspace with `owner` as its administrator.
    pub async fn create_workspace(
        &self,
        actor: &Actor,
        name: &str,
        description: &str,
        owner: &str,
    ) -> Result<Workspace> {
        validate_workspace(name, description)?;
        let mut tx = self.write().await?;
        let ws = insert_workspace(&mut tx, actor, name.trim(), description).await?;
        insert_membership(&mut tx, actor, &ws.id, owner, Role::Admin).await?;
        tx.commit().await?;
        Ok(ws)
    }

    pub async fn update_workspace(
        &self,
        actor: &Actor,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<Workspace> {
        validate_workspace(name, description)?;
        let before = self.get_workspace(id).await?;
        let mut tx = self.write().await?;
        let now = sanso_core::now_timestamp();
        sqlx::query(
            "UPDATE workspaces SET name = $1, description = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(name.trim())
        .bind(description)
        .bind(&now)
        .bind(id)
        .execute(tx.conn())
        .await?;
        let after = Workspace {
            name: name.trim().to_string(),
            description: description.to_string(),
            updated_at: now,
            ..before.clone()
        };
        tx.audit(
            actor,
            Some(id),
            "workspace.update",
            "workspace",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A workspace by id, with no access check: for installation-level tools only.
    pub async fn get_workspace(&self, id: &str) -> Result<Workspace> {
        let row = sqlx::query(
            "SELECT id, name, description, created_at, updated_at FROM workspaces WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        workspace_from_row(&row)
    }

    pub async fn list_all_workspaces(&self) -> Result<Vec<Workspace>> {
        let rows = sqlx::query("SELECT id, name, description, created_at, updated_at FROM workspaces ORDER BY name, id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(workspace_from_row).collect()
    }

    /// The workspace and the user's role in it; `NotFound` when it does not exist or the user is not a member.
    pub async fn workspace_for_user(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<(Workspace, Role)> {
        let row = sqlx::query(
            "SELECT w.id, w.name, w.description, w.created_at, w.updated_at, m.role FROM workspaces w \
             JOIN memberships m ON m.workspace_id = w.id WHERE w.id = $1 AND m.user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((
            workspace_from_row(&row)?,
            parsed(&row, "role", Role::parse)?,
        ))
    }

    pub async fn workspaces_for_user(&self, user_id: &str) -> Result<Vec<(Workspace, Role)>> {
        let rows = sqlx::query(
            "SELECT w.id, w.name, w.description, w.created_at, w.updated_at, m.role FROM workspaces w \
             JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.name, w.id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((workspace_from_row(r)?, parsed(r, "role", Role::parse)?)))
            .collect()
    }

    pub async fn list_members(&self, workspace_id: &str) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.email",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    user_id: text(r, "user_id")?,
                    email: text(r, "email")?,
                    display_name: text(r, "display_name")?,
                    role: parsed(r, "role", Role::parse)?,
                    joined_at: text(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Adds an existing user to a workspace, or changes their role if already a member.
    pub async fn set_member_role(
        &self,
        actor: &Actor,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(tx.conn())
        .await?;
        match current {
            None => insert_membership(&mut tx, actor, workspace_id, user_id, role).await?,
            Some(old) => {
                if old == "admin" && role != Role::Admin {
                    ensure_another_admin(&mut tx, workspace_id, user_id).await?;
                }
                sqlx::query(
                    "UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3",
                )
                .bind(role.as_str())
                .bind(workspace_id)
                .bind(user_id)
                .execute(tx.conn())
                .await?;
                tx.audit(
                    actor,
                    Some(workspace_id),
                    "member.role",
                    "membership",
                    user_id,
                    Some(serde_json::json!({ "role": old }).to_string()),
                    Some(serde_json::json!({ "role": role }).to_string()),
                )
                .await?;
            }
        }
        tx.commit().await
    }

    pub async fn remove_member(
        &self,
        actor: &Actor,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(old) = current else {
            return Err(StoreError::NotFound);
        };
        if old == "admin" {
            ensure_another_admin(&mut tx, workspace_id, user_id).await?;
        }
        sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "member.remove",
            "membership",
            user_id,
            Some(serde_json::json!({ "role": old }).to_string()),
            None,
        )
        .await?;
        tx.commit().await
    }
}

async fn ensure_another_admin(tx: &mut WriteTx, workspace_id: &str, user_id: &str) -> Result<()> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'admin' AND user_id <> $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_one(tx.conn())
    .await?;
    if others == 0 {
        return Err(StoreError::Conflict(
            "a workspace must keep at least one administrator".into(),
        ));
    }
    Ok(())
}

pub(crate) async fn insert_workspace(
    tx: &mut WriteTx,
    actor: &Actor,
    name: &str,
    description: &str,
) -> Result<Workspace> {
    let now = sanso_core::now_timestamp();
    let ws = Workspace {
        id: sanso_core::new_id(),
        name: name.to_string(),
        description: description.to_string(),
        created_at: now.clone(),
        updated_at: now,
    };
    sqlx::query("INSERT INTO workspaces (id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&ws.id)
        .bind(&ws.name)
        .bind(&ws.description)
        .bind(&ws.created_at)
        .bind(&ws.updated_at)
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        Some(&ws.id),
        "workspace.create",
        "workspace",
        &ws.id,
        None,
        Some(snapshot(&ws)),
    )
    .await?;
    Ok(ws)
}

pub(crate) async fn insert_membership(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    user_id: &str,
    role: Role,
) -> Result<()> {
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?;
    if exists == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(sanso_core::now_timestamp())
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "member.add",
        "membership",
        user_id,
        None,
        Some(serde_json::json!({ "user_id": user_id, "role": role }).to_string()),
    )
    .await?;
    Ok(())
}
