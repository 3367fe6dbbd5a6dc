//! Storing the value-chain model. Every query names the workspace, so an id from another workspace is
//! simply not found. Deleting a node deletes its connections first, each with its own audit entry.

use std::collections::HashMap;

use sanso_core::document::{ModelDocument, ValidatedDocument};
use sanso_core::model::{
    ComponentKind, Connection, ConnectionInput, ConnectionKind, FieldError, Layer, Node, NodeInput,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{flag, json_map, opt_text, parsed, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

const NODE_COLUMNS: &str =
    "id, workspace_id, kind, name, description, category, layer, critical, exposed, attributes, created_at, updated_at";
const CONNECTION_COLUMNS: &str =
    "id, workspace_id, source_id, target_id, layer, kind, label, attributes, created_at, updated_at";

fn node_from_row(row: &AnyRow) -> Result<Node> {
    let layer = match opt_text(row, "layer")? {
        None => None,
        Some(l) => Some(
            Layer::parse(&l)
                .ok_or_else(|| StoreError::Corrupt(format!("column layer holds \"{l}\"")))?,
        ),
    };
    Ok(Node {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        kind: parsed(row, "kind", ComponentKind::parse)?,
        name: text(row, "name")?,
        description: text(row, "description")?,
        category: text(row, "category")?,
        layer,
        critical: flag(row, "critical")?,
        exposed: flag(row, "exposed")?,
        attributes: json_map(row, "attributes")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn connection_from_row(row: &AnyRow) -> Result<Connection> {
    Ok(Connection {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        source_id: text(row, "source_id")?,
        target_id: text(row, "target_id")?,
        layer: parsed(row, "layer", Layer::parse)?,
        kind: parsed(row, "kind", ConnectionKind::parse)?,
        label: text(row, "label")?,
        attributes: json_map(row, "attributes")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

/// How an imported document meets the model already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Nodes whose key is the id of a node in this workspace update it; other keys create nodes.
    /// Connections already present (same ends, layer and kind) are kept, not duplicated.
    Merge,
    /// The workspace's model is replaced by the document.
    Replace,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub nodes_created: usize,
    pub nodes_updated: usize,
    pub nodes_deleted: usize,
    pub connections_created: usize,
    pub connections_unchanged: usize,
    pub connections_deleted: usize,
}

impl Store {
    pub async fn list_nodes(&self, workspace_id: &str) -> Result<Vec<Node>> {
        let rows = sqlx::query(&format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE workspace_id = $1 ORDER BY name, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(node_from_row).collect()
    }

    pub async fn get_node(&self, workspace_id: &str, id: &str) -> Result<Node> {
        fetch_node(self.pool(), workspace_id, id).await
    }

    pub async fn create_node(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: NodeInput,
    ) -> Result<Node> {
        check(input.validate(""))?;
        let mut tx = self.write().await?;
        let node = insert_node(&mut tx, actor, workspace_id, None, input).await?;
        tx.commit().await?;
        Ok(node)
    }

    pub async fn update_node(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: NodeInput,
    ) -> Result<Node> {
        check(input.validate(""))?;
        let mut tx = self.write().await?;
        let node = update_node_in(&mut tx, actor, workspace_id, id, input).await?;
        tx.commit().await?;
        Ok(node)
    }

    pub async fn delete_node(&self, actor: &Actor, workspace_id: &str, id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        delete_node_in(&mut tx, actor, workspace_id, id).await?;
        tx.commit().await
    }

    pub async fn list_connections(&self, workspace_id: &str) -> Result<Vec<Connection>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE workspace_id = $1 ORDER BY layer, created_at, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(connection_from_row).collect()
    }

    pub async fn get_connection(&self, workspace_id: &str, id: &str) -> Result<Connection> {
        fetch_connection(self.pool(), workspace_id, id).await
    }

    pub async fn create_connection(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: ConnectionInput,
    ) -> Result<Connection> {
        check(input.validate(""))?;
        let mut tx = self.write().await?;
        let c = insert_connection(&mut tx, actor, workspace_id, input).await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn update_connection(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: ConnectionInput,
    ) -> Result<Connection> {
        check(input.validate(""))?;
        let mut tx = self.write().await?;
        let before = fetch_connection(tx.conn(), workspace_id, id).await?;
        ensure_nodes_exist(&mut tx, workspace_id, &input).await?;
        let now = sanso_core::now_timestamp();
        let after = Connection {
            source_id: input.source_id,
            target_id: input.target_id,
            layer: input.layer,
            kind: input.kind,
            label: input.label,
            attributes: input.attributes,
            updated_at: now,
            ..before.clone()
        };
        sqlx::query(
            "UPDATE connections SET source_id = $1, target_id = $2, layer = $3, kind = $4, label = $5, attributes = $6, updated_at = $7 \
             WHERE workspace_id = $8 AND id = $9",
        )
        .bind(&after.source_id)
        .bind(&after.target_id)
        .bind(after.layer.as_str())
        .bind(after.kind.as_str())
        .bind(&after.label)
        .bind(serde_json::Value::Object(after.attributes.clone()).to_string())
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "connection.update",
            "connection",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_connection(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        delete_connection_in(&mut tx, actor, workspace_id, id).await?;
        tx.commit().await
    }

    /// The whole model as an exchange document.
    pub async fn export_model(&self, workspace_id: &str) -> Result<ModelDocument> {
        let nodes = self.list_nodes(workspace_id).await?;
        let connections = self.list_connections(workspace_id).await?;
        Ok(ModelDocument::from_model(&nodes, &connections))
    }

    /// Imports a validated document in one transaction: all of it is stored, or none.
    pub async fn import_model(
        &self,
        actor: &Actor,
        workspace_id: &str,
        doc: ValidatedDocument,
        mode: ImportMode,
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary::default();
        let mut tx = self.write().await?;
        if mode == ImportMode::Replace {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM connections WHERE workspace_id = $1 ORDER BY id",
            )
            .bind(workspace_id)
            .fetch_all(tx.conn())
            .await?;
            for id in &ids {
                delete_connection_in(&mut tx, actor, workspace_id, id).await?;
            }
            summary.connections_deleted = ids.len();
            let ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM nodes WHERE workspace_id = $1 ORDER BY id")
                    .bind(workspace_id)
                    .fetch_all(tx.conn())
                    .await?;
            for id in &ids {
                delete_node_in(&mut tx, actor, workspace_id, id).await?;
            }
            summary.nodes_deleted = ids.len();
        }
        let mut key_to_id: HashMap<String, String> = HashMap::new();
        for (key, input) in doc.nodes {
            let existing: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM nodes WHERE workspace_id = $1 AND id = $2",
            )
            .bind(workspace_id)
            .bind(&key)
            .fetch_one(tx.conn())
            .await?;
            let node = if existing > 0 {
                summary.nodes_updated += 1;
                update_node_in(&mut tx, actor, workspace_id, &key, input).await?
            } else {
                summary.nodes_created += 1;
                // Keep a key that looks like an id of ours, so a backup-style export keeps its ids
                // when imported into a fresh workspace; anything else gets a new id.
                let keep = uuid::Uuid::parse_str(&key).is_ok() && !id_taken(&mut tx, &key).await?;
                insert_node(
                    &mut tx,
                    actor,
                    workspace_id,
                    keep.then_some(key.as_str()),
                    input,
                )
                .await?
            };
            key_to_id.insert(key, node.id);
        }
        for (i, (from, to, mut input)) in doc.connections.into_iter().enumerate() {
            let (Some(s), Some(t)) = (key_to_id.get(&from), key_to_id.get(&to)) else {
                return Err(StoreError::invalid(
                    format!("connections[{i}]"),
                    "refers to a node key not in the document",
                ));
            };
            input.source_id = s.clone();
            input.target_id = t.clone();
            let same: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM connections WHERE workspace_id = $1 AND source_id = $2 AND target_id = $3 AND layer = $4 AND kind = $5",
            )
            .bind(workspace_id)
            .bind(&input.source_id)
            .bind(&input.target_id)
            .bind(input.layer.as_str())
            .bind(input.kind.as_str())
            .fetch_one(tx.conn())
            .await?;
            if same > 0 {
                summary.connections_unchanged += 1;
            } else {
                insert_connection(&mut tx, actor, workspace_id, input).await?;
                summary.connections_created += 1;
            }
        }
        tx.audit(
            actor,
            Some(workspace_id),
            "model.import",
            "workspace",
            workspace_id,
            None,
            Some(snapshot(&summary)),
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }
}

fn check(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

async fn id_taken(tx: &mut WriteTx, id: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM nodes WHERE id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    Ok(n > 0)
}

/// One node of a workspace, through the pool or inside a transaction.
async fn fetch_node<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    workspace_id: &str,
    id: &str,
) -> Result<Node> {
    let row = sqlx::query(&format!(
        "SELECT {NODE_COLUMNS} FROM nodes WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(exec)
    .await?
    .ok_or(StoreError::NotFound)?;
    node_from_row(&row)
}

/// One connection of a workspace, through the pool or inside a transaction.
async fn fetch_connection<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    workspace_id: &str,
    id: &str,
) -> Result<Connection> {
    let row = sqlx::query(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM connections WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(exec)
    .await?
    .ok_or(StoreError::NotFound)?;
    connection_from_row(&row)
}

async fn insert_node(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    id: Option<&str>,
    input: NodeInput,
) -> Result<Node> {
    let now = sanso_core::now_timestamp();
    let node = Node {
        id: id.map(str::to_string).unwrap_or_else(sanso_core::new_id),
        workspace_id: workspace_id.to_string(),
        kind: input.kind,
        name: input.name.trim().to_string(),
        description: input.description,
        category: input.category.trim().to_string(),
        layer: input.layer,
        critical: input.critical,
        exposed: input.exposed,
        attributes: input.attributes,
        created_at: now.clone(),
        updated_at: now,
    };
    sqlx::query(&format!("INSERT INTO nodes ({NODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
        .bind(&node.id)
        .bind(&node.workspace_id)
        .bind(node.kind.as_str())
        .bind(&node.name)
        .bind(&node.description)
        .bind(&node.category)
        .bind(node.layer.map(Layer::as_str))
        .bind(node.critical as i64)
        .bind(node.exposed as i64)
        .bind(serde_json::Value::Object(node.attributes.clone()).to_string())
        .bind(&node.created_at)
        .bind(&node.updated_at)
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "node.create",
        "node",
        &node.id,
        None,
        Some(snapshot(&node)),
    )
    .await?;
    Ok(node)
}

async fn update_node_in(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    id: &str,
    input: NodeInput,
) -> Result<Node> {
    let before = fetch_node(tx.conn(), workspace_id, id).await?;
    let after = Node {
        kind: input.kind,
        name: input.name.trim().to_string(),
        description: input.description,
        category: input.category.trim().to_string(),
        layer: input.layer,
        critical: input.critical,
        exposed: input.exposed,
        attributes: input.attributes,
        updated_at: sanso_core::now_timestamp(),
        ..before.clone()
    };
    sqlx::query(
        "UPDATE nodes SET kind = $1, name = $2, description = $3, category = $4, layer = $5, critical = $6, exposed = $7, \
         attributes = $8, updated_at = $9 WHERE workspace_id = $10 AND id = $11",
    )
    .bind(after.kind.as_str())
    .bind(&after.name)
    .bind(&after.description)
    .bind(&after.category)
    .bind(after.layer.map(Layer::as_str))
    .bind(after.critical as i64)
    .bind(after.exposed as i64)
    .bind(serde_json::Value::Object(after.attributes.clone()).to_string())
    .bind(&after.updated_at)
    .bind(workspace_id)
    .bind(id)
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "node.update",
        "node",
        id,
        Some(snapshot(&before)),
        Some(snapshot(&after)),
    )
    .await?;
    Ok(after)
}

async fn delete_node_in(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    id: &str,
) -> Result<()> {
    let before = fetch_node(tx.conn(), workspace_id, id).await?;
    let attached: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM connections WHERE workspace_id = $1 AND (source_id = $2 OR target_id = $2) ORDER BY id",
    )
    .bind(workspace_id)
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    for c in attached {
        delete_connection_in(tx, actor, workspace_id, &c).await?;
    }
    sqlx::query("DELETE FROM nodes WHERE workspace_id = $1 AND id = $2")
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "node.delete",
        "node",
        id,
        Some(snapshot(&before)),
        None,
    )
    .await
}

async fn ensure_nodes_exist(
    tx: &mut WriteTx,
    workspace_id: &str,
    input: &ConnectionInput,
) -> Result<()> {
    let mut errors = Vec::new();
    for (field, id) in [
        ("source_id", &input.source_id),
        ("target_id", &input.target_id),
    ] {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM nodes WHERE workspace_id = $1 AND id = $2")
                .bind(workspace_id)
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
        if n == 0 {
            errors.push(FieldError::new(
                field,
                format!("no node \"{id}\" in this workspace"),
            ));
        }
    }
    check(errors)
}

async fn insert_connection(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    input: ConnectionInput,
) -> Result<Connection> {
    ensure_nodes_exist(tx, workspace_id, &input).await?;
    let now = sanso_core::now_timestamp();
    let c = Connection {
        id: sanso_core::new_id(),
        workspace_id: workspace_id.to_string(),
        source_id: input.source_id,
        target_id: input.target_id,
        layer: input.layer,
        kind: input.kind,
        label: input.label,
        attributes: input.attributes,
        created_at: now.clone(),
        updated_at: now,
    };
    sqlx::query(&format!("INSERT INTO connections ({CONNECTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(&c.id)
        .bind(&c.workspace_id)
        .bind(&c.source_id)
        .bind(&c.target_id)
        .bind(c.layer.as_str())
        .bind(c.kind.as_str())
        .bind(&c.label)
        .bind(serde_json::Value::Object(c.attributes.clone()).to_string())
        .bind(&c.created_at)
        .bind(&c.updated_at)
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "connection.create",
        "connection",
        &c.id,
        None,
        Some(snapshot(&c)),
    )
    .await?;
    Ok(c)
}

async fn delete_connection_in(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    id: &str,
) -> Result<()> {
    let before = fetch_connection(tx.conn(), workspace_id, id).await?;
    sqlx::query("DELETE FROM connections WHERE workspace_id = $1 AND id = $2")
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "connection.delete",
        "connection",
        id,
        Some(snapshot(&before)),
        None,
    )
    .await
}
