//! The webhook delivery worker: a background task that POSTs queued deliveries.
//!
//! Each body is the stored JSON payload, signed as `X-Sanso-Signature: sha256=<hex HMAC-SHA256 of
//! the body with the webhook's secret>`, with `X-Sanso-Event` and `X-Sanso-Delivery` headers so a
//! receiver can verify and de-duplicate. A 2xx answer is delivered; anything else (or no answer
//! within the timeout) is retried with the store's backoff until it is given up as `failed`. The
//! worker polls, so deliveries queued by another instance or before a restart are sent too; each
//! delivery is claimed by one instance only (see `Store::claim_due_deliveries`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use sanso_store::webhooks::{AttemptOutcome, DueDelivery};
use sanso_store::Store;
use sha2::Sha256;

/// Deliveries claimed at a time: at the 10 s timeout each, a batch is sent well within the
/// store's claim lease, so no other instance takes one over while it is still being sent.
const CLAIM_BATCH: i64 = 5;

/// How often the queue is looked at when idle.
const POLL: Duration = Duration::from_millis(500);

/// The signature header value for `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC regardless.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

/// Runs until `stop` fires.
pub async fn run(store: Store, mut stop: tokio::sync::watch::Receiver<bool>) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook worker could not start its HTTP client");
            return;
        }
    };
    loop {
        if *stop.borrow() {
            return;
        }
        let sent = match store.claim_due_deliveries(CLAIM_BATCH).await {
            Ok(due) => {
                let n = due.len();
                for delivery in due {
                    let id = delivery.id.clone();
                    let outcome = attempt(&client, &delivery).await;
                    if let Err(e) = store.record_attempt(&id, outcome).await {
                        tracing::warn!(delivery = %id, error = %e, "could not record a webhook attempt");
                    }
                }
                n
            }
            Err(e) => {
                tracing::warn!(error = %e, "webhook worker could not read the queue");
                0
            }
        };
        if sent == 0 {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
    }
}

async fn attempt(client: &reqwest::Client, d: &DueDelivery) -> AttemptOutcome {
    let body = d.payload.clone().into_bytes();
    let result = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("x-sanso-event", &d.event)
        .header("x-sanso-delivery", &d.id)
        .header("x-sanso-signature", signature(&d.secret, &body))
        .body(body)
        .send()
        .await;
    match result {
        Ok(r) if r.status().is_success() => AttemptOutcome::Delivered {
            status_code: r.status().as_u16(),
        },
        Ok(r) => AttemptOutcome::Failed {
            status_code: r.status().as_u16(),
            error: format!("the receiver answered {}", r.status()),
        },
        Err(e) => AttemptOutcome::Failed {
            status_code: 0,
            error: format!("no answer: {e}"),
        },
    }
}
