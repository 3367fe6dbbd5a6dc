//! Webhook subscriptions per workspace and the queue of their deliveries.
//!
//! A webhook is a URL, a secret and the events it wants (`finding.new`, `finding.withdrawn`). Events are queued as
//! `webhook_deliveries` rows in the transaction that caused them (so a rolled-back import notifies
//! nobody); the server's background worker claims due rows, POSTs the payload signed with
//! HMAC-SHA256 of the secret, and records the outcome. A failure is retried with exponential
//! backoff until [`MAX_ATTEMPTS`]; every attempt's status code or error stays visible.
//!
//! The secret is kept as given, not hashed: signing needs it. It is shown once, at creation.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

/// The event queued for each new portfolio finding.
pub const EVENT_FINDING_NEW: &str = "finding.new";

/// The event queued when an updated (or withdrawn) advisory no longer affects a finding's component.
pub const EVENT_FINDING_WITHDRAWN: &str = "finding.withdrawn";

/// Events a webhook may subscribe to.
pub const EVENTS: &[&str] = &[EVENT_FINDING_NEW, EVENT_FINDING_WITHDRAWN];

/// How long a claimed delivery is left to the worker that claimed it (longer than its HTTP timeout).
pub const CLAIM_LEASE_SECONDS: i64 = 120;

/// Attempts before a delivery is given up as `failed`.
pub const MAX_ATTEMPTS: i64 = 6;

/// Delay before retry `attempt` (1-based): 2, 4, 8 … seconds, at most ten minutes.
pub fn backoff_seconds(attempt: i64) -> i64 {
    (1i64 << attempt.clamp(1, 20)).min(600)
}

const WEBHOOK_COLUMNS: &str = "id, workspace_id, url, secret, events, active, created_at";
const DELIVERY_COLUMNS: &str = "id, webhook_id, workspace_id, event, payload, status, attempts, \
     next_attempt_at, last_status_code, last_error, created_at, delivered_at";

/// A webhook as the API shows it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: String,
}

/// The answer to creating a webhook: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The key of the `X-Sanso-Signature` HMAC-SHA256; keep it, it is not shown again.
    pub secret: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// `http://` or `https://` URL that receives POSTed JSON.
    pub url: String,
    /// Signing secret (at least 16 characters); generated when absent.
    #[serde(default)]
    pub secret: Option<String>,
    /// Events to receive; all known events when absent.
    #[serde(default)]
    pub events: Option<Vec<String>>,
}

/// One delivery of one event to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub workspace_id: String,
    pub event: String,
    /// The JSON body sent.
    pub payload: serde_json::Value,
    /// `pending` (waiting for its next attempt), `delivered` or `failed` (attempts exhausted).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    /// HTTP status of the last attempt (0: no answer).
    pub last_status_code: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

/// What the worker needs to send one delivery.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub enum AttemptOutcome {
    Delivered { status_code: u16 },
    Failed { status_code: u16, error: String },
}

/// A workspace's active webhook, as queueing needs it.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    id: String,
    events: Vec<String>,
}

impl Subscription {
    pub(crate) fn wants(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event)
    }
}

fn webhook_from_row(row: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        url: text(row, "url")?,
        events: serde_json::from_str(&text(row, "events")?)
            .map_err(|e| StoreError::Corrupt(format!("webhooks.events: {e}")))?,
        active: int(row, "active")? != 0,
        created_at: text(row, "created_at")?,
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: text(row, "id")?,
        webhook_id: text(row, "webhook_id")?,
        workspace_id: text(row, "workspace_id")?,
        event: text(row, "event")?,
        payload: serde_json::from_str(&text(row, "payload")?)
            .map_err(|e| StoreError::Corrupt(format!("webhook_deliveries.payload: {e}")))?,
        status: text(row, "status")?,
        attempts: int(row, "attempts")?,
        next_attempt_at: text(row, "next_attempt_at")?,
        last_status_code: int(row, "last_status_code")?,
        last_error: opt_text(row, "last_error")?,
        created_at: text(row, "created_at")?,
        delivered_at: opt_text(row, "delivered_at")?,
    })
}

/// A timestamp `seconds` from now, in the store's fixed-width format (text order is time order).
fn timestamp_in(seconds: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    at.format(&fmt)
        .unwrap_or_else(|_| sanso_core::now_timestamp())
}

fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn validate(input: &WebhookInput) -> Result<Vec<String>> {
    let mut errors = Vec::new();
    let url = input.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        errors.push(sanso_core::model::FieldError::new(
            "url",
            "must be an http:// or https:// URL",
        ));
    }
    if url.len() > 2000 {
        errors.push(sanso_core::model::FieldError::new(
            "url",
            "must be at most 2000 characters",
        ));
    }
    if let Some(secret) = &input.secret {
        if secret.chars().count() < 16 {
            errors.push(sanso_core::model::FieldError::new(
                "secret",
                "must be at least 16 characters",
            ));
        }
    }
    let events = match &input.events {
        None => EVENTS.iter().map(|e| e.to_string()).collect(),
        Some(list) => {
            if list.is_empty() {
                errors.push(sanso_core::model::FieldError::new(
                    "events",
                    "must name at least one event",
                ));
            }
            for (i, e) in list.iter().enumerate() {
                if !EVENTS.contains(&e.as_str()) {
                    errors.push(sanso_core::model::FieldError::new(
                        format!("events[{i}]"),
                        format!("unknown event \"{e}\" (known: {})", EVENTS.join(", ")),
                    ));
                }
            }
            list.clone()
        }
    };
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// The workspace's active webhooks.
pub(crate) async fn subscriptions_in(
    tx: &mut WriteTx,
    workspace_id: &str,
) -> Result<Vec<Subscription>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, events FROM webhooks WHERE workspace_id = $1 AND active = 1")
            .bind(workspace_id)
            .fetch_all(tx.conn())
            .await?;
    rows.into_iter()
        .map(|(id, events)| {
            Ok(Subscription {
                id,
                events: serde_json::from_str(&events)
                    .map_err(|e| StoreError::Corrupt(format!("webhooks.events: {e}")))?,
            })
        })
        .collect()
}

/// Queues one delivery in the caller's transaction.
pub(crate) async fn queue_in(
    tx: &mut WriteTx,
    sub: &Subscription,
    workspace_id: &str,
    event: &str,
    payload: &serde_json::Value,
) -> Result<()> {
    let now = sanso_core::now_timestamp();
    sqlx::query(&format!(
        "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, 0, NULL, $7, NULL)"
    ))
    .bind(sanso_core::new_id())
    .bind(&sub.id)
    .bind(workspace_id)
    .bind(event)
    .bind(snapshot(payload))
    .bind(&now)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: WebhookInput,
    ) -> Result<CreatedWebhook> {
        let events = validate(&input)?;
        let secret = input.secret.clone().unwrap_or_else(random_secret);
        let webhook = Webhook {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            url: input.url.trim().to_string(),
            events,
            active: true,
            created_at: sanso_core::now_timestamp(),
        };
        let mut tx = self.write().await?;
        sqlx::query(&format!(
            "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, 1, $6)"
        ))
        .bind(&webhook.id)
        .bind(workspace_id)
        .bind(&webhook.url)
        .bind(&secret)
        .bind(snapshot(&webhook.events))
        .bind(&webhook.created_at)
        .execute(tx.conn())
        .await?;
        // The audit entry names the webhook but never holds its secret.
        tx.audit(
            actor,
            Some(workspace_id),
            "webhook.create",
            "webhook",
            &webhook.id,
            None,
            Some(snapshot(&webhook)),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    pub async fn list_webhooks(&self, workspace_id: &str) -> Result<Vec<Webhook>> {
        let rows = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    pub async fn get_webhook(&self, workspace_id: &str, id: &str) -> Result<Webhook> {
        let row = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        webhook_from_row(&row)
    }

    /// Deletes a webhook and its delivery history.
    pub async fn delete_webhook(&self, actor: &Actor, workspace_id: &str, id: &str) -> Result<()> {
        let before = self.get_webhook(workspace_id, id).await?;
        let mut tx = self.write().await?;
        let n = sqlx::query("DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            actor,
            Some(workspace_id),
            "webhook.delete",
            "webhook",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// A webhook's deliveries, newest first (at most 500).
    pub async fn list_deliveries(
        &self,
        workspace_id: &str,
        webhook_id: &str,
    ) -> Result<Vec<Delivery>> {
        self.get_webhook(workspace_id, webhook_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2 \
             ORDER BY created_at DESC, id LIMIT 500"
        ))
        .bind(workspace_id)
        .bind(webhook_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Claims up to `limit` deliveries whose next attempt is due (any workspace), oldest first.
    ///
    /// Several instances may run the worker against one PostgreSQL database, so each delivery is
    /// claimed with a conditional update that only one of them can win: it moves the next attempt
    /// [`CLAIM_LEASE_SECONDS`] ahead, and [`Store::record_attempt`] then sets the real outcome. A
    /// worker that dies while sending leaves the delivery to be retried when the lease runs out
    /// (delivery is at least once; receivers de-duplicate by the `X-Sanso-Delivery` id).
    pub async fn claim_due_deliveries(&self, limit: i64) -> Result<Vec<DueDelivery>> {
        let rows = sqlx::query(
            "SELECT d.id, d.event, d.payload, d.attempts, d.next_attempt_at, w.url, w.secret \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active = 1 \
             ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(sanso_core::now_timestamp())
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.pool())
        .await?;
        let lease = timestamp_in(CLAIM_LEASE_SECONDS);
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = text(row, "id")?;
            let won = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at = $1 \
                 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
            )
            .bind(&lease)
            .bind(&id)
            .bind(text(row, "next_attempt_at")?)
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if won {
                claimed.push(DueDelivery {
                    id,
                    url: text(row, "url")?,
                    secret: text(row, "secret")?,
                    event: text(row, "event")?,
                    payload: text(row, "payload")?,
                    attempts: int(row, "attempts")?,
                });
            }
        }
        Ok(claimed)
    }

    /// Records one attempt: delivered, retried later with backoff, or failed for good. A delivery
    /// given up is audited (the workspace should know a notification was lost).
    pub async fn record_attempt(&self, delivery_id: &str, outcome: AttemptOutcome) -> Result<()> {
        let mut tx = self.write().await?;
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT workspace_id, webhook_id, attempts FROM webhook_deliveries WHERE id = $1",
        )
        .bind(delivery_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some((workspace_id, webhook_id, attempts)) = row else {
            // The webhook was deleted meanwhile; nothing to record.
            return Ok(());
        };
        let attempts = attempts + 1;
        let now = sanso_core::now_timestamp();
        match outcome {
            AttemptOutcome::Delivered { status_code } => {
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = 'delivered', attempts = $1, last_status_code = $2, \
                     last_error = NULL, delivered_at = $3 WHERE id = $4",
                )
                .bind(attempts)
                .bind(i64::from(status_code))
                .bind(&now)
                .bind(delivery_id)
                .execute(tx.conn())
                .await?;
            }
            AttemptOutcome::Failed { status_code, error } => {
                let give_up = attempts >= MAX_ATTEMPTS;
                let error: String = error.chars().take(500).collect();
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = $1, attempts = $2, last_status_code = $3, \
                     last_error = $4, next_attempt_at = $5 WHERE id = $6",
                )
                .bind(if give_up { "failed" } else { "pending" })
                .bind(attempts)
                .bind(i64::from(status_code))
                .bind(&error)
                .bind(timestamp_in(backoff_seconds(attempts)))
                .bind(delivery_id)
                .execute(tx.conn())
                .await?;
                if give_up {
                    tx.audit(
                        &Actor::system(),
                        Some(&workspace_id),
                        "webhook.delivery_failed",
                        "webhook",
                        &webhook_id,
                        None,
                        Some(snapshot(&serde_json::json!({
                            "delivery_id": delivery_id,
                            "attempts": attempts,
                            "last_status_code": status_code,
                            "last_error": error,
                        }))),
                    )
                    .await?;
                }
            }
        }
        tx.commit().await
    }
}
