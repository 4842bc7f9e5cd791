//! What each server instance does in the background: seals rounds and polls whose time is up
//! (every second), and applies the retention of rate-limit windows, events, unconfirmed
//! registrations and idempotency keys, and escalates reports past their clock (every minute).
//! Every step is safe to run on several instances at once.
use std::time::Duration;

use super::{accounts, complaints, idempotency, now, sealing, sessions::polls, throttle};
use crate::{db::Db, events};

/// How long events are kept for replay (`since`); older ones are removed.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub events: Duration,
}

pub fn start(db: Db, retention: Retention) {
    tokio::spawn(async move {
        let mut tick: u64 = 0;
        loop {
            if let Err(err) = sealing::seal_due_rounds(&db).await {
                tracing::warn!(error = ?err, "sealing closed rounds failed");
            }
            if let Err(err) = polls::seal_closed_polls(&db).await {
                tracing::warn!(error = ?err, "sealing closed polls failed");
            }
            if tick.is_multiple_of(60) {
                if let Err(err) = throttle::prune(&db).await {
                    tracing::warn!(error = ?err, "pruning rate limits failed");
                }
                let before = now()
                    - chrono::Duration::from_std(retention.events).unwrap_or(chrono::Duration::MAX);
                if let Err(err) = events::prune_events(db.writer(), before).await {
                    tracing::warn!(error = ?err, "pruning old events failed");
                }
                if let Err(err) = accounts::prune_expired_registrations(&db).await {
                    tracing::warn!(error = ?err, "pruning expired registrations failed");
                }
                if let Err(err) = idempotency::prune(&db).await {
                    tracing::warn!(error = ?err, "pruning idempotency keys failed");
                }
                if let Err(err) = complaints::escalate_overdue(&db, now()).await {
                    tracing::warn!(error = ?err, "escalating overdue reports failed");
                }
            }
            tick = tick.wrapping_add(1);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
